"""A private PulseAudio server for the benches, and a clock on the first sound a drill plays.

The server runs in a temporary runtime folder with two null sinks, as in
tests/test_e2e_audio_server.py: ``vp_speaker`` (the drill plays into it; we
record its monitor) and ``vp_mic`` (its monitor is the drill's microphone, so
the drill's own checks of the microphone run for real). Nothing system-wide is
touched. Needs ``pulseaudio`` and ``pulseaudio-utils`` (apt).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

NEEDED = ("pulseaudio", "pactl", "parec", "parecord", "paplay")
RATE = 16_000
LOUD = 0.01
"""A sample above this (about -40 dBFS) is sound: a null sink's monitor is exact zeros otherwise."""


def missing_tools() -> list[str]:
    return [t for t in NEEDED if not shutil.which(t)]


class PulseError(RuntimeError):
    """The private server did not start; the message carries the end of its log."""


@contextmanager
def private_pulse(home: str | os.PathLike[str] | None = None) -> Iterator[dict[str, str]]:
    """The environment that points a child at a fresh private server; the server stops on exit.

    ``home`` is where the server's runtime folder, cookie and state go (a temporary folder when
    not given); the tests pass their own ``tmp_path`` so a failure leaves its traces there.
    """
    with tempfile.TemporaryDirectory(prefix="vp-pulse-") as tmp:
        base = os.fspath(home) if home is not None else tmp
        runtime = os.path.join(base, "pulse-runtime")
        os.mkdir(runtime, 0o700)
        env = {
            **os.environ,
            "XDG_RUNTIME_DIR": runtime,
            "PULSE_RUNTIME_PATH": os.path.join(runtime, "pulse"),
            "PULSE_SERVER": f"unix:{os.path.join(runtime, 'pulse', 'native')}",
            "HOME": base,  # the server's cookie and state stay here
        }
        # The server's log goes to a file: a pipe nobody reads while the tests run would stop the
        # server (and every drill talking to it) once its log filled the pipe's 64 KB.
        log_path = os.path.join(runtime, "pulseaudio.log")
        with open(log_path, "wb") as log:
            server = subprocess.Popen(
                ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no",
                 "--log-target=stderr",
                 "-L", "module-native-protocol-unix",
                 "-L", "module-null-sink sink_name=vp_speaker", "-L", "module-null-sink sink_name=vp_mic"],
                env=env, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
        try:
            for _ in range(100):
                if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                    break
                if server.poll() is not None:
                    with open(log_path, "rb") as f:
                        raise PulseError(f"pulseaudio did not start: {f.read().decode(errors='replace')[-500:]}")
                time.sleep(0.1)
            else:
                raise PulseError("pulseaudio did not answer within 10 s")
            env["PULSE_SINK"] = "vp_speaker"
            env["PULSE_SOURCE"] = "vp_mic.monitor"
            yield env
        finally:
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()


class SoundClock:
    """Records the speaker's monitor and notes when sounds arrive (time.monotonic()): the first one
    (``first``, cleared by ``reset``) and the start of every sound after a second of quiet (``onsets``).

    ``parec`` asks for 10 ms fragments, so a sound is seen within a few tens of ms of reaching the sink.
    """

    QUIET_S = 1.0
    """A gap this long between loud fragments ends a sound: the next loud fragment is a new onset."""

    def __init__(self, env: dict[str, str]) -> None:
        self.first: float | None = None
        self.onsets: list[float] = []
        self._loud = False
        self._loud_at = 0.0
        self._proc = subprocess.Popen(
            ["parec", "--device=vp_speaker.monitor", "--channels=1", f"--rate={RATE}", "--format=float32le",
             "--latency-msec=10"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("parec delivered nothing from the speaker's monitor within 10 s")

    def _read(self) -> None:
        assert self._proc.stdout is not None
        while True:
            data = self._proc.stdout.read1(4096)  # type: ignore[attr-defined]
            if not data:
                return
            self._started.set()
            now = time.monotonic()
            samples = np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4")
            loud = samples.size > 0 and float(np.max(np.abs(samples))) > LOUD
            if loud and self.first is None:
                self.first = now
            if loud and not self._loud:
                self.onsets.append(now)
            self._loud = loud or (self._loud and now - self._loud_at < self.QUIET_S)
            if loud:
                self._loud_at = now

    def reset(self) -> None:
        self.first = None

    def first_after(self, t: float) -> float | None:
        """The first onset after ``t`` (time.monotonic())."""
        return next((o for o in self.onsets if o > t), None)

    def wait(self, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        while self.first is None and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.first

    def close(self) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=5)
