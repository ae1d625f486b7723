"""What people read instead of internal names: element labels, turn names and one way to say "when".

Internal names (``qualifications``, ``role_question``, a scenario's turn id
``close``) are for code and JSON. Everything a person reads goes through here,
so the report card, replay, the warm-up summary, the Markdown export and the
review page say the same thing the same way.

Times in a quote: "turn 2, 0:14" is the turn (counted from 1) and the time
*within that answer*, the way the report card, replay and the export all say it;
a single-answer session leaves the turn out ("0:14").
"""

from __future__ import annotations

from collections.abc import Iterable

from .records import Report

CORE_LABELS = {
    "interest": "Interest in the role",
    "qualifications": "Why you fit",
    "next_steps": "Ask about next steps",
    "thanks": "Thank the interviewer",
}
"""The core elements' labels, as the rubric names them (a test keeps the two the same)."""

OTHER_LABELS = {"filler": "filler"}


def element_label(element: str, report: Report | None = None) -> str:
    """The label people read for ``element``: the report's own, else the core label, else readable words."""
    if report is not None:
        for f in report.findings:
            if f.element == element and f.label:
                return f.label
    return CORE_LABELS.get(element) or OTHER_LABELS.get(element) or element.replace("_", " ").capitalize()


def element_labels(elements: Iterable[str], report: Report | None = None) -> str:
    """Several labels joined for a sentence: "Why you fit, Ask about next steps"."""
    return ", ".join(element_label(e, report) for e in elements)


def turn_title(turn_id: str) -> str:
    """A scenario's turn id as a title: ``close`` → "Close", ``anything_else`` → "Anything else"."""
    return turn_id.replace("_", " ").strip().capitalize() or "Answer"


def clock(seconds: float) -> str:
    """``0:14``: minutes and whole seconds."""
    m, s = divmod(int(max(0.0, seconds)), 60)
    return f"{m}:{s:02d}"


def at(turn: int | None, seconds: float | None, turns: int = 1) -> str:
    """Where a quote was said: "turn 2, 0:14" ("0:14" with one turn; "turn 2" with no time; "" with neither)."""
    parts = []
    if turn is not None and turns > 1:
        parts.append(f"turn {turn + 1}")
    if seconds is not None:
        parts.append(clock(seconds))
    return ", ".join(parts)
