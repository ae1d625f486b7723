"""Speech with a known answer for the voice tests: natural TTS, then Praat reshapes it.

The speech is hibari-tts's "heart" voice (the one that ships inside the wheel: no download),
a neural voice with natural intonation, unlike espeak's rule-made pitch. Praat's PSOLA
(Manipulation, through praat-parselmouth) then changes only the pitch, keeping every word
where it was, so one transcript's word timings serve all the variants:

* ``flatten``: the whole pitch contour replaced by its median (monotone by construction);
* ``final_move``: the last half second of voiced speech glides up (or down) by N semitones;
* ``fade_end``: the last words 15 dB quieter (a gain change, no resynthesis).
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np

SR = 16000


@cache
def _tts() -> object:
    from hibari import Hibari

    return Hibari(voice="heart")  # the voice inside the wheel; any other would be downloaded


@lru_cache(maxsize=32)
def speak(text: str) -> np.ndarray:
    """``text`` in a natural voice, 16 kHz float64 (hibari speaks at 24 kHz)."""
    from scipy.signal import resample_poly

    audio = _tts()(text)  # type: ignore[operator]
    return resample_poly(np.asarray(audio, dtype=np.float64), 2, 3)


def join(*parts: np.ndarray, gap_s: float = 0.35) -> np.ndarray:
    gap = np.zeros(int(gap_s * SR))
    out: list[np.ndarray] = [gap]
    for p in parts:
        out += [p, gap]
    return np.concatenate(out)


def _reshape(x: np.ndarray, fn) -> np.ndarray:  # type: ignore[no-untyped-def]
    import parselmouth
    from parselmouth.praat import call

    snd = parselmouth.Sound(x, SR)
    manip = call(snd, "To Manipulation", 0.01, 60, 500)
    tier = call(manip, "Extract pitch tier")
    n = call(tier, "Get number of points")
    points = [(call(tier, "Get time from index", i), call(tier, "Get value at index", i)) for i in range(1, n + 1)]
    call(tier, "Remove points between", 0, snd.duration)
    for t, f in fn(points):
        call(tier, "Add point", t, f)
    call([tier, manip], "Replace pitch tier")
    out = call(manip, "Get resynthesis (overlap-add)").values[0]
    return np.asarray(out[: x.size], dtype=np.float64)


def flatten(x: np.ndarray) -> np.ndarray:
    """The same speech on one pitch: every pitch point set to the median."""

    def fn(points):  # type: ignore[no-untyped-def]
        med = float(np.median([f for _, f in points]))
        return [(t, med) for t, _ in points]

    return _reshape(x, fn)


def final_move(x: np.ndarray, semitones: float, span_s: float = 0.5) -> np.ndarray:
    """The last ``span_s`` of pitch points glide from where they start by ``semitones``."""

    def fn(points):  # type: ignore[no-untyped-def]
        end = points[-1][0]
        start = end - span_s
        before = [f for t, f in points if t <= start] or [points[0][1]]
        base = float(np.median(before[-5:]))
        out = []
        for t, f in points:
            if t <= start:
                out.append((t, f))
            else:
                out.append((t, base * 2 ** (semitones * (t - start) / span_s / 12)))
        return out

    return _reshape(x, fn)


def fade_end(x: np.ndarray, end_s: float, span_s: float = 0.6, db: float = 15.0) -> np.ndarray:
    """Everything from ``end_s - span_s`` on ``db`` quieter (a 50 ms ramp into it)."""
    gain = np.ones(x.size)
    a = int((end_s - span_s) * SR)
    ramp = int(0.05 * SR)
    g = 10 ** (-db / 20)
    gain[a : a + ramp] = np.linspace(1.0, g, ramp)
    gain[a + ramp :] = g
    return x * gain
