"""The natural interviewer voice: hibari-tts ("heart"), an ONNX model distilled from Kokoro-82M.

Everything it needs ships inside the ``hibari-tts`` wheel (Apache-2.0): the model,
the lexicons and the voice "heart". hibari's other voices are fetched from a model
hub on first use; we never ask for them (``voice_path(..., download_missing=False)``
and only the bundled voice is offered), so nothing touches the network.

The model loads once per process (about 0.3 s of imports, 0.15 s for the session
and 0.3 s for the spelling-to-sound tables on the first line), in whatever thread
asks first: the drill asks from a background thread while it is still setting up.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Any

import numpy as np

from .errors import SpeechError

log = logging.getLogger(__name__)

VOICE = "heart"
"""The one hibari voice inside the wheel (American English, female; Kokoro's af_heart)."""
ALIASES = frozenset({"heart", "natural", "hibari", "hibari:heart"})
"""Names ``--voice`` accepts for it."""
SAMPLE_RATE = 24_000
NATURAL_WPM = 180.0
"""Words per minute of "heart" at speed 1.0, pauses included (measured on the scenario lines),
so ``--rate`` means the same for both kinds of voice."""
SEED = 0
"""hibari adds seeded noise; a fixed seed makes a line render to the same samples every time."""

_lock = threading.Lock()
_phonemes: dict[str, list[str]] = {}
"""Lines already turned into phonemes: synthesis from these needs no spelling-to-sound tables."""


def is_natural(name: str | None) -> bool:
    """True for the default (None) and for the natural voice's names."""
    return name is None or name.strip().lower() in ALIASES


@lru_cache(maxsize=1)
def _model() -> Any:
    try:
        from hibari import Hibari
        from hibari.voices import voice_path
    except ImportError as exc:
        raise SpeechError(f"the natural voice is not installed ({exc}): run `make install`") from exc
    try:
        # download_missing=False: the bundled voice needs no download, and a broken
        # install must fail here rather than reach for the network.
        return Hibari(voice=VOICE, model=voice_path(VOICE, download_missing=False), threads=1)
    except Exception as exc:  # onnxruntime missing or broken, a damaged wheel
        raise SpeechError(f"the natural voice did not load ({type(exc).__name__}: {exc})") from exc


def load() -> None:
    """Load the model and its spelling-to-sound tables now (raises SpeechError)."""
    with _lock:
        tts = _model()
        tts.phonemize("Hello.")  # hibari loads its lexicons lazily, on the first line


def loaded() -> bool:
    """The model is in memory."""
    return _model.cache_info().currsize > 0


def phonemize_ahead(texts: list[str]) -> None:
    """Turn ``texts`` into phonemes now, then let the spelling-to-sound tables go.

    The tables are about 100 MB of the voice's 190; a drill phonemizes every line it may
    say before the Whisper model loads, so the two never sit in memory together.
    """
    with _lock:
        tts = _model()
        for text in texts:
            if text not in _phonemes:
                _phonemes[text] = tts.phonemize(text)
        tts._g2p = None  # hibari builds it again on demand (its `g2p` property)
    _release()


def unload() -> None:
    """Let the whole model go (the next synthesis loads it again)."""
    with _lock:
        if not loaded():
            return
        _model.cache_clear()
    _release()


def _release() -> None:
    import gc

    gc.collect()
    try:  # glibc keeps freed memory in its arenas; ask it to hand it back to the system
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): the memory is reused later instead
        pass


def speed_for(rate: int) -> float:
    """hibari's speed factor for a rate in words per minute (its range is 0.5 to 2.0)."""
    return float(min(2.0, max(0.5, rate / NATURAL_WPM)))


def synthesize(text: str, rate: int) -> np.ndarray:
    """``text`` spoken by the natural voice: float32 mono at 24 kHz (raises SpeechError)."""
    with _lock:  # the G2P keeps state between calls; one line at a time
        tts = _model()
        try:
            chunks = _phonemes.get(text)
            if chunks is None:
                chunks = tts.phonemize(text)
            # What hibari's __call__ does, from phonemes: one generator across the sentences.
            rng = np.random.default_rng(SEED)
            parts = [tts.from_ids(tts.ids(ps), speed_for(rate), rng) for ps in chunks]
            audio = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        except Exception as exc:
            raise SpeechError(f"the natural voice failed on {text[:40]!r} ({type(exc).__name__}: {exc})") from exc
    if audio.size == 0:
        raise SpeechError(f"the natural voice returned no audio for {text[:40]!r}")
    return trim_lead(np.asarray(audio, dtype=np.float32))


LEAD_S = 0.05
"""Silence kept before the first word. hibari starts every line with about 0.3 s of it, and that
was a quarter of a second added to the first word of every drill."""


def trim_lead(audio: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """``audio`` from ``LEAD_S`` before its first sound (a sample within 40 dB of its peak)."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak == 0.0:
        return audio
    first = int(np.argmax(np.abs(audio) > peak * 0.01))
    return audio[max(0, first - int(LEAD_S * rate)) :]
