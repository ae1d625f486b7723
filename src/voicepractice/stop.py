"""SIGTERM and SIGHUP stop a command as Ctrl-C does.

`kill`, `timeout` or a shutdown send SIGTERM; closing the terminal window or losing an SSH
link sends SIGHUP. Python's default for both was to die at once: a drill stopped that way
left the answer in a staging folder that only the next drill recovered, unscored. Here each
takes Ctrl-C's path instead (the answer so far is decoded, scored and saved as
``interrupted``), and the command exits 128 + the signal. After a hangup there is no one to
show anything to, and writing to the terminal fails (EIO): what went there goes to /dev/null.
"""

from __future__ import annotations

import os
import signal

_BY: list[int] = []
"""The signals that have come, first first."""


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
        # SIG_IGN: a session is being written; the drill stops once it is (it asks stopped()).

    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is signal.SIG_DFL:
            signal.signal(sig, stop)


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
