"""How the person sounds: pitch, loudness, sentence ends and pace, from their own answer audio.

One entry point per use:

* ``analyse_recording(audio, transcript)`` for ``check FILE`` (the whole recording at once);
* ``LiveTracker`` for the drill: tracks F0 while the person speaks, then ``analyse`` with the
  transcripts once the words are known.

Every figure carries its norm and the norm's source (``VOICE_NORMS``). Only the person's own
answer audio is ever analysed; the interviewer's lines are not.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below, imported on first use so `history` never loads numpy for them
    import numpy as np

    from ..records import Transcript
    from .analyse import analyse, is_question, split_sentences
    from .frames import Frames, LiveTracker, analyse_frames
    from .norms import VOICE_NORMS
    from .records import Contour, SentenceVoice, Voice, VoiceFigure

_LAZY = {
    "analyse": "analyse", "is_question": "analyse", "split_sentences": "analyse",
    "Frames": "frames", "LiveTracker": "frames", "analyse_frames": "frames",
    "VOICE_NORMS": "norms",
    "Contour": "records", "SentenceVoice": "records", "Voice": "records", "VoiceFigure": "records",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)


__all__ = [
    "VOICE_NORMS",
    "Contour",
    "Frames",
    "LiveTracker",
    "SentenceVoice",
    "Voice",
    "VoiceFigure",
    "analyse",
    "analyse_frames",
    "analyse_recording",
    "analyse_turns",
    "is_question",
    "split_sentences",
    "tracker_name",
]


@lru_cache(maxsize=1)
def tracker_name() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("praat-parselmouth")
    except PackageNotFoundError:  # pragma: no cover
        v = "?"
    return f"praat-parselmouth {v} (Praat to_pitch_ac, 60-500 Hz)"


def analyse_recording(audio: np.ndarray, transcript: Transcript, sr: int = 16000) -> Voice:
    """The voice of one recording (``check FILE``): tracks the whole file, then the figures."""
    import time
    from dataclasses import replace

    from .analyse import analyse
    from .frames import analyse_frames

    t0 = time.monotonic()
    frames = analyse_frames(audio, sr)
    voice = analyse([(transcript, frames)], tracker_name())
    return replace(voice, analysis_s=round(time.monotonic() - t0, 4))


def analyse_turns(turns: Sequence[tuple[Transcript, Frames]], started: float | None = None) -> Voice:
    """The voice over a drill's answered turns, from frames tracked while listening."""
    import time
    from dataclasses import replace

    from .analyse import analyse

    t0 = time.monotonic() if started is None else started
    voice = analyse(turns, tracker_name())
    return replace(voice, analysis_s=round(time.monotonic() - t0, 4))
