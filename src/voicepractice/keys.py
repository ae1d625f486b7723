"""Single keys from the terminal: cbreak mode on the way in, the terminal as it was on the way out.

Two screens read keys, and they differ on purpose in one thing, ``keep_typed_ahead``:

* the practice prompt after a report **keeps** a key typed just before it appeared (an 'r'
  pressed as the card was printed must count: flushed, the loop sat waiting for it);
* replay **flushes** what was typed before it started (a key meant for the shell or the
  command before must not pause or scroll the player).

Keys typed during an answer are dropped when listening ends (``listen._EnterKey``), not here.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

ARROWS = {"\x1b[D": "left", "\x1b[C": "right", "\x1b[A": "up", "\x1b[B": "down",
          "\x1bOD": "left", "\x1bOC": "right", "\x1bOA": "up", "\x1bOB": "down"}  # fmt: skip

ESCAPE_WAIT_S = 0.05
"""A lone ESC is the Escape key only if nothing follows it this quickly (an arrow key's bytes do)."""


def parse_keys(buffer: str) -> tuple[list[str], str]:
    """Keys in what the terminal sent, and an unfinished escape sequence left over.

    One read can hold several keys (↓↓ pressed quickly arrive as "\\x1b[B\\x1b[B"),
    and one key can be split across reads ("\\x1b" now, "[B" a moment later):
    both used to lose the key, so ↓ "sometimes did nothing".
    """
    keys: list[str] = []
    i = 0
    while i < len(buffer):
        if buffer[i] != "\x1b":
            keys.append(buffer[i])
            i += 1
            continue
        rest = buffer[i : i + 3]
        if len(rest) < 3 and (len(rest) == 1 or rest[1] in "[O"):
            return keys, buffer[i:]  # maybe the start of an arrow key: wait for the rest
        if rest in ARROWS:
            keys.append(ARROWS[rest])
            i += 3
            continue
        if rest[1] in "[O":  # another escape sequence (F-keys, Home...): skip it whole
            j = i + 2
            while j < len(buffer) and not buffer[j].isalpha() and buffer[j] != "~":
                j += 1
            i = j + 1
            continue
        keys.append("escape")
        i += 1
    return keys, ""


KeyRead = Callable[[float | None], str | None]
"""``read(timeout)``: the next key ("q", "escape", "down"...), or None when none came within
``timeout`` seconds (None: wait for one). Raises EOFError at the end of input."""


def _typed_while_cooked(fd: int, mode: list) -> str | None:
    """What the terminal's line mode holds before cbreak mode begins: a line sent, or None for Ctrl-D.

    In line mode Ctrl-D is the end of input, held as an empty line, not a key; once cbreak mode
    begins it reads as a NUL that no prompt knows. A Ctrl-D pressed just as the practice prompt
    appeared (before it reached cbreak mode) left the loop waiting for ever. Only a whole line
    or that end is ready in line mode; a key typed alone is left for cbreak mode to read.
    """
    import termios

    if not mode[3] & termios.ICANON or not select.select([fd], [], [], 0)[0]:
        return ""
    data = os.read(fd, 64)
    return data.decode(errors="ignore") if data else None


@contextmanager
def key_reader(fd: int | None = None, keep_typed_ahead: bool = False) -> Iterator[KeyRead]:
    """Read single keys from the terminal ``fd`` (stdin) in cbreak mode, restoring it afterwards.

    Ctrl-C still raises KeyboardInterrupt (cbreak, not raw). ``keep_typed_ahead``: keys typed
    before this was entered are read (the practice prompt); otherwise they are flushed (replay).
    """
    import termios
    import tty

    fd = sys.stdin.fileno() if fd is None else fd
    saved = termios.tcgetattr(fd)
    line = _typed_while_cooked(fd, saved) if keep_typed_ahead else ""
    tty.setcbreak(fd, termios.TCSANOW if keep_typed_ahead else termios.TCSAFLUSH)
    ended = line is None
    pending: deque[str] = deque(parse_keys(line or "")[0])
    partial = ""

    def read(timeout: float | None) -> str | None:
        nonlocal partial
        if pending:
            return pending.popleft()
        if ended:
            raise EOFError
        ready, _, _ = select.select([fd], [], [], timeout)
        while ready:
            data = os.read(fd, 64)
            if not data:
                raise EOFError
            keys, partial = parse_keys(partial + data.decode(errors="ignore"))
            pending.extend(keys)
            # A lone ESC is Escape only if nothing follows it quickly.
            ready = select.select([fd], [], [], ESCAPE_WAIT_S)[0] if partial else []
        if partial == "\x1b":
            pending.append("escape")
            partial = ""
        return pending.popleft() if pending else None

    try:
        yield read
    finally:
        with contextlib.suppress(termios.error):  # the terminal hung up: there is nothing to restore
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
