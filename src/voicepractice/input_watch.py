"""Is the microphone alive? Watch its level while an answer is captured.

Two different questions, answered from the level of each block:

* **a sustained silence**: the level has stayed below ``SILENT_RMS_DBFS`` for
  ``sustained_s`` seconds in a row. A pause between sentences is shorter than
  that (the answer itself ends after 2.5 s of silence), so the live meter warns
  only about an input that has really gone quiet, not at every breath;
* **a dead input**: every block since the start is below ``DEAD_RMS_DBFS``, a
  level no real microphone reaches (its own noise and the ADC's dither sit well
  above it). A muted input, a denied permission or an unplugged jack delivers
  zeros: known within ``dead_after_s``, so the drill stops with an error then
  instead of after three silent 20 s turns.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .audio import SAMPLE_RATE, SILENT_RMS_DBFS, level
from .errors import SilentInputError

DEAD_RMS_DBFS = -85.0
"""Below any real microphone's noise floor: 16-bit dither alone is about -95..-90 dBFS,
and a quiet room through a real microphone -75..-50 dBFS. Zeros are -inf."""


class InputWatch:
    """Fed the level of each block in turn; says whether the silence is sustained or total."""

    def __init__(self, sustained_s: float = 3.0, dead_after_s: float = 3.0) -> None:
        self.sustained_s = sustained_s
        self.dead_after_s = dead_after_s
        self.seconds = 0.0
        self._silent_since: float | None = None
        self._alive = False  # some block rose above the dead floor

    def feed(self, level_dbfs: float, seconds: float = 0.1) -> None:
        """Take one block's RMS level (dBFS) lasting ``seconds``."""
        if level_dbfs < SILENT_RMS_DBFS:
            if self._silent_since is None:
                self._silent_since = self.seconds
        else:
            self._silent_since = None
        if level_dbfs >= DEAD_RMS_DBFS:
            self._alive = True
        self.seconds += seconds

    @property
    def alive(self) -> bool:
        """Some block has risen above the dead floor: a real microphone is there."""
        return self._alive

    @property
    def sustained_silence(self) -> bool:
        """The input has been silent for ``sustained_s`` seconds without a break."""
        return self._silent_since is not None and self.seconds - self._silent_since >= self.sustained_s

    @property
    def dead(self) -> bool:
        """Nothing above the dead floor for the first ``dead_after_s`` seconds: no real microphone."""
        return not self._alive and self.seconds >= self.dead_after_s


class DeadInputError(SilentInputError):
    """The microphone delivers digital silence: muted, denied or unplugged."""


def stop_on_dead_input(blocks: Iterator[np.ndarray], dead_after_s: float = 3.0) -> Iterator[np.ndarray]:
    """Pass microphone blocks through; raise DeadInputError once the input proves dead.

    Only the start is judged: once a block rises above the floor the input is
    alive and later silences are the person's, not the device's.
    """
    watch = InputWatch(dead_after_s=dead_after_s)
    try:
        for block in blocks:
            if not watch.alive:
                watch.feed(level(block).rms_dbfs, block.size / SAMPLE_RATE)
                if watch.dead:
                    raise DeadInputError(
                        f"the microphone delivers only digital silence (nothing above {DEAD_RMS_DBFS:.0f} dBFS in "
                        f"{watch.seconds:.0f} s): it is muted, unplugged or not allowed; unmute it, pick another "
                        "with --input (see `voicepractice devices`), or check `voicepractice doctor`"
                    )
            yield block
    finally:
        # Close the microphone here and now, on this thread: the error's traceback keeps this
        # frame (and so the open stream) alive, and a garbage collection on any thread, at any
        # time, would otherwise close it later, even during PortAudio's own shutdown at exit.
        close = getattr(blocks, "close", None)
        if close is not None:
            close()
