"""Frame tracks of the answer audio: F0 (Praat, through praat-parselmouth) and level, every 10 ms.

Why Praat: see ``bench/pitch_trackers.py`` and README "How you sound". Praat's autocorrelation
tracker (Boersma 1993) agreed best with the known F0 of resynthesised speech among the trackers
that install from a wheel everywhere, survives 8 kHz phone audio and noise, and tracks 60 s of
speech in about 0.1 s here. praat-parselmouth is GPL-3.0 (voicepractice is MIT): it is imported
only in ``_praat_f0`` below, so a permissive tracker can replace it in one function.

``LiveTracker`` analyses the answer in 2 s pieces while the person speaks, so when the answer
ends only the last piece is left to do.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

HOP_S = 0.01
"""Seconds between frames."""
FLOOR_HZ = 60.0
CEILING_HZ = 500.0
# Praat's own advice is 75-300 Hz for men and 100-500 Hz for women; one range for everybody
# (we don't ask) is 60-500 Hz. Octave errors this lets through are cleaned in ``clean_f0``.
LEVEL_WINDOW_S = 0.032
"""Window of the RMS level, seconds (about three periods at the pitch floor, like Praat's intensity)."""
SILENCE_DBFS = -70.0
"""Level given to frames with no signal (digital zero)."""
PIECE_S = 1.0
"""While listening, audio is analysed in pieces of this length..."""
CONTEXT_S = 0.15
"""...each with this much audio on either side, so the tracker sees whole periods at the seams."""


@dataclass(frozen=True)
class Frames:
    """F0 and level of a recording on a 10 ms grid (frame k is centred at ``k * hop_s``)."""

    f0: np.ndarray
    """Hz, 0 where unvoiced."""
    level_db: np.ndarray
    """RMS level, dBFS."""
    hop_s: float = HOP_S

    @property
    def duration(self) -> float:
        return self.f0.size * self.hop_s

    def span(self, start: float, end: float) -> slice:
        a = max(0, int(round(start / self.hop_s)))
        b = min(self.f0.size, int(round(end / self.hop_s)) + 1)
        return slice(a, max(a, b))


def _praat_f0(audio: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """(frame times, F0 Hz with 0 unvoiced) from Praat's autocorrelation tracker."""
    try:
        import parselmouth
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        from ..errors import VoicePracticeError

        raise VoicePracticeError(
            "the voice analysis needs praat-parselmouth: run `.venv/bin/pip install -e .`"
        ) from exc
    snd = parselmouth.Sound(np.asarray(audio, dtype=np.float64), sampling_frequency=sr)
    pitch = snd.to_pitch_ac(time_step=HOP_S, pitch_floor=FLOOR_HZ, pitch_ceiling=CEILING_HZ)
    return np.asarray(pitch.xs()), np.nan_to_num(pitch.selected_array["frequency"])


def level_db(audio: np.ndarray, sr: int, n_frames: int) -> np.ndarray:
    """RMS level in dBFS of a 32 ms window centred on each 10 ms frame."""
    hop = int(round(sr * HOP_S))
    half = int(round(sr * LEVEL_WINDOW_S / 2))
    x = np.asarray(audio, dtype=np.float64)
    power = np.concatenate([[0.0], np.cumsum(x * x)])
    centres = np.arange(n_frames) * hop
    a = np.clip(centres - half, 0, x.size)
    b = np.clip(centres + half, 0, x.size)
    width = np.maximum(1, b - a)
    ms = (power[b] - power[a]) / width
    return np.maximum(SILENCE_DBFS, 10 * np.log10(np.maximum(ms, 1e-12)))


def f0_on_grid(audio: np.ndarray, sr: int, n_frames: int) -> np.ndarray:
    """Praat's F0 on the 10 ms grid (0 where unvoiced; too-short audio is all unvoiced)."""
    out = np.zeros(n_frames)
    if audio.size < int(sr * 3 / FLOOR_HZ) + 2 or not np.any(audio):
        return out  # Praat needs three periods of the floor pitch in the window
    times, f0 = _praat_f0(audio, sr)
    if times.size == 0:
        return out
    # Praat's frames are HOP_S apart from an offset near a half hop: floor keeps them one per
    # slot (rounding half-to-even would put two in one slot and leave the next empty).
    idx = np.floor(times / HOP_S + 1e-6).astype(int)
    ok = (idx >= 0) & (idx < n_frames)
    out[idx[ok]] = f0[ok]
    return out


def clean_f0(f0: np.ndarray) -> np.ndarray:
    """Drop what is almost surely a tracking error, not intonation.

    Voiced runs shorter than 40 ms (a creak, a click) and frames more than 10 semitones from the
    recording's median F0 (octave jumps: a halving or doubling is 12 semitones) become unvoiced.
    """
    out = f0.copy()
    voiced = out > 0
    # short runs
    edges = np.flatnonzero(np.diff(np.concatenate([[0], voiced.astype(int), [0]])))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if b - a < 4:
            out[a:b] = 0.0
    v = out > 0
    if v.sum() >= 10:
        st = 12 * np.log2(np.where(v, out, 1.0) / np.median(out[v]))
        out[v & (np.abs(st) > 10)] = 0.0
    return out


def analyse_frames(audio: np.ndarray, sr: int = 16000) -> Frames:
    """F0 and level of a whole recording in one go (``check FILE``)."""
    n = int(audio.size / sr / HOP_S) + 1
    return Frames(f0=clean_f0(f0_on_grid(audio, sr, n)), level_db=level_db(audio, sr, n))


class LiveTracker:
    """Frame tracks computed while the person speaks (the drill).

    ``tap`` passes the microphone blocks through unchanged and, every ``PIECE_S`` of audio,
    has a background thread track that piece (with ``CONTEXT_S`` either side). ``finish``
    tracks what is left and returns the tracks of the whole answer.
    """

    def __init__(self, sr: int = 16000) -> None:
        self.sr = sr
        self._blocks: list[np.ndarray] = []
        self._size = 0
        self._done_until = 0  # samples whose F0 is final
        self._f0: list[np.ndarray] = []
        self._lv: list[np.ndarray] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="voice-tracker", daemon=True)
        self._thread.start()

    def tap(self, blocks: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
        for block in blocks:
            self.feed(block)
            yield block

    def feed(self, block: np.ndarray) -> None:
        with self._lock:
            self._blocks.append(np.asarray(block, dtype=np.float32).reshape(-1))
            self._size += self._blocks[-1].size
        self._wake.set()

    def _audio(self) -> np.ndarray:
        with self._lock:
            if len(self._blocks) > 1:
                self._blocks = [np.concatenate(self._blocks)]
            return self._blocks[0] if self._blocks else np.zeros(0, np.float32)

    def _piece(self, audio: np.ndarray, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """F0 and level frames for samples [start, end) (frames whose centre falls there)."""
        hop = int(round(self.sr * HOP_S))
        ctx = int(self.sr * CONTEXT_S)
        a = max(0, start - ctx)
        b = min(audio.size, end + ctx)
        first = -(-start // hop)  # first frame centred at or after start
        last = -(-end // hop)  # exclusive
        n_local = int((b - a) / hop) + 2
        f0 = f0_on_grid(audio[a:b], self.sr, n_local)
        lv = level_db(audio[a:b], self.sr, n_local)
        # local frame k sits at a + k*hop; global frame j at j*hop (a is a multiple of hop here
        # except at the very start, where a = 0)
        k = np.arange(first, last) - int(round(a / hop))
        ok = (k >= 0) & (k < f0.size)
        out, out_lv = np.zeros(k.size), np.full(k.size, SILENCE_DBFS)
        out[ok], out_lv[ok] = f0[k[ok]], lv[k[ok]]
        return out, out_lv

    def _run(self) -> None:
        piece = int(self.sr * PIECE_S)
        ctx = int(self.sr * CONTEXT_S)
        while True:
            self._wake.wait(0.5)
            self._wake.clear()
            with self._lock:
                size, closed = self._size, self._closed
            if closed:
                return
            try:
                while size - self._done_until >= piece + ctx:
                    audio = self._audio()
                    f0, lv = self._piece(audio, self._done_until, self._done_until + piece)
                    with self._lock:
                        self._f0.append(f0)
                        self._lv.append(lv)
                        self._done_until += piece
            except BaseException as exc:  # reported by finish(); the drill goes on without it
                self._error = exc
                return

    def close(self, wait_s: float = 10.0) -> None:
        """Stop tracking without a result (the drill ended early): the thread is not left running
        Praat's native code while the process exits."""
        with self._lock:
            self._closed = True
        self._wake.set()
        self._thread.join(wait_s)

    def finish(self, audio: np.ndarray | None = None) -> Frames:
        """The tracks of the whole answer (``audio``: the capture, when it differs from what was fed)."""
        with self._lock:
            self._closed = True
        self._wake.set()
        self._thread.join()
        if self._error is not None:
            raise self._error
        audio = self._audio() if audio is None else np.asarray(audio, dtype=np.float32)
        n = int(audio.size / self.sr / HOP_S) + 1
        done = np.concatenate(self._f0) if self._f0 else np.zeros(0)
        done_lv = np.concatenate(self._lv) if self._lv else np.zeros(0)
        if self._done_until > audio.size:  # the capture was shorter than what was fed
            done, done_lv, self._done_until = np.zeros(0), np.zeros(0), 0
        rest, rest_lv = self._piece(audio, self._done_until, audio.size) if audio.size > self._done_until else (np.zeros(0), np.zeros(0))
        f0 = np.concatenate([done, rest])
        lv = np.concatenate([done_lv, rest_lv])
        f0 = np.pad(f0, (0, max(0, n - f0.size)))[:n]
        lv = np.pad(lv, (0, max(0, n - lv.size)), constant_values=SILENCE_DBFS)[:n]
        return Frames(f0=clean_f0(f0), level_db=lv)
