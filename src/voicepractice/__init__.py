"""voicepractice: rehearse the end of a phone interview out loud, privately.

The stable API: run a drill (``run_drill``), the records the stages exchange,
and the checker (``voicepractice.check.check`` with a ``Profile``).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "CORE_ELEMENTS",
    "Delivery",
    "DrillOptions",
    "Evidence",
    "Finding",
    "Profile",
    "Report",
    "Transcript",
    "Word",
    "__version__",
    "run_drill",
]

from .records import CORE_ELEMENTS, Delivery, Evidence, Finding, Report, Transcript, Word


def __getattr__(name: str) -> object:
    # The checker and the drill pull in heavier modules; load them on first use
    # so `voicepractice --help` and `history` start instantly.
    if name == "Profile":
        from .check import Profile

        return Profile
    if name in ("run_drill", "DrillOptions"):
        from . import drill as _drill

        return getattr(_drill, name)
    raise AttributeError(name)
