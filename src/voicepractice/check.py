"""Kept so ``from voicepractice.check import check, Profile`` still works: the checker lives in
``voicepractice.coach``."""

from __future__ import annotations

from .coach import CheckOptions, Profile, check, load_profile, warm_up

__all__ = ["CheckOptions", "Profile", "check", "load_profile", "warm_up"]
