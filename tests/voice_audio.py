"""Speech with a known answer for the voice tests: natural TTS, then Praat reshapes it.

The speech is hibari-tts's "heart" voice (the one that ships inside the wheel: no download),
a neural voice with natural intonation, unlike espeak's rule-made pitch. Praat's PSOLA
(Manipulation, through praat-parselmouth) then changes only the pitch, keeping every word
where it was, so one transcript's word timings serve all the variants:

* ``flatten``: the whole pitch contour replaced by its median (monotone by construction);
* ``final_move``: the last half second of voiced speech glides up (or down) by N semitones;
* ``fade_end``: the last words 15 dB quieter (a gain change, no resynthesis);
* ``rise_before`` / ``fade_spans``: the same, at the end of every sentence of a longer recording;
* ``phone`` / ``noisy``: an 8 kHz telephone copy and a copy with white noise at a given SNR.

The same reshaping works on real recordings (the speech corpus), so each known answer is
tested on a real person's voice too.
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


def rise_before(x: np.ndarray, spans: list[tuple[float, float]], semitones: float, span_s: float = 0.5) -> np.ndarray:
    """In each (start, end) span, the last ``span_s`` of voicing glides by ``semitones``.

    Like ``final_move``, per sentence. The glide ends where Praat's pitch track last finds voicing
    in the span: the recogniser's word end is often early or late, and the manipulation's own
    pitch points run on into line noise after the words.
    """
    import parselmouth

    track = parselmouth.Sound(x, SR).to_pitch_ac(time_step=0.01, pitch_floor=60, pitch_ceiling=500)
    times, f0 = np.asarray(track.xs()), np.nan_to_num(track.selected_array["frequency"])
    voiced = f0 > 0
    edges = np.flatnonzero(np.diff(np.concatenate([[0], voiced.astype(int), [0]])))
    for r0, r1 in zip(edges[::2], edges[1::2], strict=True):
        if r1 - r0 < 5:  # a blip of line noise, not a vowel
            voiced[r0:r1] = False
    ends = []
    for a, b in spans:
        inside = times[(times >= a) & (times <= b) & voiced]
        if inside.size:
            ends.append(float(inside[-1]))

    def fn(points):  # type: ignore[no-untyped-def]
        out = dict(points)
        for end in ends:
            start = end - span_s
            before = [f for t, f in points if start - 0.3 <= t <= start]
            inside = [t for t, _ in points if start < t <= end + 0.05]
            if not inside:
                continue
            base = float(np.median(before)) if before else out[inside[0]]
            for t in inside:
                out[t] = base * 2 ** (semitones * min(1.0, (t - start) / span_s) / 12)
        return sorted(out.items())

    return _reshape(x, fn)


def fade_spans(x: np.ndarray, spans: list[tuple[float, float]], db: float = 15.0) -> np.ndarray:
    """Each (start, end) span ``db`` quieter, with 30 ms ramps in and out."""
    gain = np.ones(x.size)
    g = 10 ** (-db / 20)
    ramp = int(0.03 * SR)
    for a_s, b_s in spans:
        a, b = int(a_s * SR), min(x.size, int(b_s * SR))
        gain[a:b] = g
        gain[max(0, a - ramp) : a] = np.linspace(1.0, g, a - max(0, a - ramp))
        gain[b : b + ramp] = np.linspace(g, 1.0, min(ramp, x.size - b))
    return x * gain


def phone(x: np.ndarray) -> np.ndarray:
    """A telephone copy: 300-3400 Hz, 8 kHz, then back to 16 kHz as the app reads an 8 kHz file."""
    from scipy.signal import butter, resample_poly, sosfiltfilt

    sos = butter(4, [300, 3400], btype="bandpass", fs=SR, output="sos")
    return resample_poly(resample_poly(sosfiltfilt(sos, x), 1, 2), 2, 1)[: x.size]


def noisy(x: np.ndarray, snr_db: float = 10.0, seed: int = 3) -> np.ndarray:
    """White noise at ``snr_db`` below the speech (the speech's power measured where it is active)."""
    active = x[np.abs(x) > 0.02 * np.abs(x).max()]
    noise = np.random.default_rng(seed).standard_normal(x.size)
    return x + noise * np.sqrt(float(np.mean(active**2)) / 10 ** (snr_db / 10))


def speed_up(x: np.ndarray, from_s: float, factor: float) -> np.ndarray:
    """Everything from ``from_s`` on said ``factor`` times faster, pitch kept (Praat's overlap-add)."""
    import parselmouth
    from parselmouth.praat import call

    snd = parselmouth.Sound(x, SR)
    head = snd.extract_part(0.0, from_s, preserve_times=False)
    tail = snd.extract_part(from_s, snd.duration, preserve_times=False)
    fast = call(tail, "Lengthen (overlap-add)", 60, 500, 1.0 / factor)
    return np.concatenate([head.values[0], np.asarray(fast.values[0])])
