"""The practice loop: after a report, try again, go on to the next round, or stop.

A person practising wants to say the close again while the coaching is fresh,
and to see whether the second try fixed what the first missed. Between rounds
the loop waits for them instead of starting the next call under a long report.
The prompt appears only on a terminal; piped or ``--json`` runs never wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text

from .records import Report

Choice = Literal["retry", "next", "quit"]

KEYS: dict[str, Choice] = {
    "r": "retry", "n": "next", "q": "quit", "\r": "quit", "\n": "quit", "escape": "quit",
    "\x04": "quit",  # Ctrl-D: a key in cbreak mode, not the end of input, and how many people leave a program
}  # fmt: skip


def ask(next_label: str = "next round") -> Choice:
    """One keypress on the terminal: r, n or q (Enter, Esc and Ctrl-D quit; Ctrl-C and end of input too)."""

    from .show import err

    err.print(
        Text.assemble(
            ("[r] ", "bold"), "try again (same lines)   ", ("[n] ", "bold"), f"{next_label}   ", ("[q] ", "bold"), "quit"
        )
    )
    while True:
        try:
            key = _key().lower()
        except (KeyboardInterrupt, EOFError):
            return "quit"  # every session so far is saved: leaving here is not an abort
        if key in KEYS:
            return KEYS[key]


def _key() -> str:
    """One key from the terminal, keeping one typed while the card was printed.

    click.getchar() enters raw mode with TCSAFLUSH, which drops whatever was typed before
    it got there: an 'r' pressed as the prompt appeared was lost and the loop sat waiting.
    (Keys typed during the answer itself are dropped when listening ends.)
    """
    import sys

    try:
        import termios

        termios.tcgetattr(sys.stdin.fileno())
    except (ImportError, OSError, ValueError, AttributeError):  # Windows, or not a terminal
        import click

        return click.getchar()
    from .keys import key_reader

    with key_reader(keep_typed_ahead=True) as read:
        key = None
        while key is None:
            key = read(None)
    return key


@dataclass(frozen=True)
class Change:
    """How one attempt compares with the one before it."""

    gained: tuple[str, ...]
    """Labels of core elements missing before and there now."""
    lost: tuple[str, ...]
    """There before, missing now."""
    before: int
    after: int


def compare(previous: Report, current: Report) -> Change:
    """Core elements gained and lost between two attempts."""
    was = {f.element: f.found for f in previous.core}
    labels = {f.element: f.name for f in current.core}
    now = {f.element: f.found for f in current.core}
    return Change(
        gained=tuple(labels[e] for e, found in now.items() if found and not was.get(e, False)),
        lost=tuple(labels[e] for e, found in now.items() if not found and was.get(e, False)),
        before=previous.score,
        after=current.score,
    )


def change_line(change: Change) -> Text:
    """``Since your last try: 2/4 → 3/4; gained Why you fit; lost nothing``, coloured."""
    t = Text("Since your last try: ", style="bold")
    t.append(f"{change.before}/4 → {change.after}/4", style="bold")
    if not change.gained and not change.lost:
        t.append("; the same elements as before")
        return t
    if change.gained:
        t.append("; gained ")
        t.append(", ".join(change.gained), style="green")
    if change.lost:
        t.append("; lost ")
        t.append(", ".join(change.lost), style="red")
    return t
