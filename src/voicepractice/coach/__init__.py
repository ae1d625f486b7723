"""The coach: judges a close for interest, a recap of fit, a next-steps question, thanks,
the extras and the pitfalls, and says what to change.

One public entry point, ``check(turns, profile, options) -> Report``. Inside:
``clauses`` cuts the answer into sentences and clauses, ``encoder`` embeds them
(all-MiniLM-L6-v2 from a PyPI wheel, offline), ``model`` holds the trained head,
``cues`` the exact wording features, ``judge`` combines the head with the
rules that are exact (``rules``: the phrase bank of ``rubric.toml``, its text
normaliser ``text`` and compiler ``rubric``), ``training`` and
``scripts/train_coach.py`` make the head from ``data/labelled``.
"""

from __future__ import annotations

from .judge import check, warm_up
from .rules import CheckOptions, Profile, load_profile

__all__ = ["CheckOptions", "Profile", "check", "load_profile", "warm_up"]
