"""SIGTERM and SIGHUP stop a command as Ctrl-C does.

`kill`, `timeout` or a shutdown send SIGTERM; closing the terminal window or losing an SSH
link sends SIGHUP. Python's default for both was to die at once: a drill stopped that way
left the answer in a staging folder that only the next drill recovered, unscored. Here each
takes Ctrl-C's path instead (the answer so far is decoded, scored and saved as
``interrupted``), and the command exits 128 + the signal. After a hangup there is no one to
show anything to, and writing to the terminal fails (EIO): what went there goes to /dev/null.

A script's background job (``voicepractice drill ... &``) starts with Ctrl-C ignored, as POSIX
shells do for it; it stays ignored, but SIGTERM and SIGHUP still stop the command.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_BY: list[int] = []
"""The signals that have come, first first."""
_HOOKS: list[Callable[[], None]] = []
"""What stops the work in hand cleanly (a line playing), innermost last: ``on_stop``."""
_SHIELDED: list[int] = [0]
"""How deep inside ``shielded`` (a session being written) the main thread is."""


def install() -> None:
    """Handle SIGTERM and SIGHUP from now on (main thread; nohup's ignored SIGHUP stays ignored)."""
    terminal = [fd for fd in (1, 2) if os.isatty(fd)]  # known now: after a hangup isatty says False

    def stop(signum: int, frame: object) -> None:
        _BY.append(signum)
        if signum == signal.SIGHUP:
            devnull = os.open(os.devnull, os.O_WRONLY)
            for fd in terminal:
                os.dup2(devnull, fd)
            os.close(devnull)
        ctrl_c = signal.getsignal(signal.SIGINT)
        if callable(ctrl_c):  # Python's raises KeyboardInterrupt; a line playing sets its stop flag
            ctrl_c(signal.SIGINT, frame)  # type: ignore[arg-type]
        elif _SHIELDED[0]:
            pass  # a session is being written; the drill stops once it is (it asks stopped())
        elif _HOOKS:
            _HOOKS[-1]()
        else:  # Ctrl-C ignored since the start (a script's `drill &`): stop as Ctrl-C would
            raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is signal.SIG_DFL:
            signal.signal(sig, stop)


@contextmanager
def shielded() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait while a session is written: a second press, or the signal a
    terminal or ``timeout`` sends to the whole process group after the first, must not leave it
    half-saved (the drill asks ``stopped`` once it is)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    _SHIELDED[0] += 1
    try:
        yield
    finally:
        _SHIELDED[0] -= 1
        signal.signal(signal.SIGINT, before)


@contextmanager
def on_stop(hook: Callable[[], None]) -> Iterator[None]:
    """While inside, a SIGTERM or SIGHUP that Ctrl-C's handler cannot take (Ctrl-C ignored since
    the start) calls ``hook`` instead of raising wherever Python happens to be."""
    _HOOKS.append(hook)
    try:
        yield
    finally:
        _HOOKS.remove(hook)


def stopped() -> bool:
    """A SIGTERM or SIGHUP has come: go no further (no next round, no prompt)."""
    return bool(_BY)


def exit_code(default: int = 128 + signal.SIGINT) -> int:
    """128 + the signal that stopped the command; ``default`` (Ctrl-C's 130) when none did."""
    return 128 + _BY[0] if _BY else default


def name() -> str:
    """What stopped it: "Ctrl-C", "SIGTERM" or "the terminal closing"."""
    if not _BY:
        return "Ctrl-C"
    return "the terminal closing" if _BY[0] == signal.SIGHUP else "SIGTERM"


def how() -> str:
    """How it was stopped, for a note: "with Ctrl-C", "by SIGTERM", "by the terminal closing"."""
    return f"with {name()}" if not _BY else f"by {name()}"
