"""A telephone line: what the interviewer's voice goes through before it is played.

A call is narrowband: the line passes about 300-3400 Hz, carries 8,000 samples
a second, is companded to 8 bits (G.711 mu-law) and has a little hiss on it. We
do the same to the rendered line (band-limit, resample to 8 kHz, mu-law round
trip, line noise) and bring it back up to 16 kHz, a rate every sound card
plays. A drill on the phone line also opens with a ring and a pick-up click.

Everything is numpy and deterministic: the noise is seeded from the line, so
the same line sounds the same every time (and can be cached).
"""

from __future__ import annotations

import zlib
from typing import Literal

import numpy as np

Line = Literal["phone", "clean"]
LINES: tuple[Line, ...] = ("phone", "clean")

PHONE_RATE = 8_000
"""Samples per second on a telephone line (G.711)."""
OUT_RATE = 16_000
"""What the phone version is brought back up to for playback."""
BAND_HZ = (300.0, 3400.0)
"""The telephone voice band."""
NOISE_DBFS = -52.0
"""Line hiss, RMS: audible in the gaps, far below the voice."""
PEAK = 0.7
"""The voice's peak on the line, about -3 dBFS: a call is louder and flatter than a studio voice."""


def _band_gain(freqs: np.ndarray, lo: float, hi: float, edge: float = 0.25) -> np.ndarray:
    """1 inside [lo, hi], raised-cosine skirts a quarter octave wide outside: no ringing."""
    gain = np.zeros_like(freqs)
    gain[(freqs >= lo) & (freqs <= hi)] = 1.0
    lo_skirt = (freqs >= lo * 2**-edge) & (freqs < lo)
    gain[lo_skirt] = 0.5 - 0.5 * np.cos(np.pi * np.log2(freqs[lo_skirt] / (lo * 2**-edge)) / edge)
    hi_skirt = (freqs > hi) & (freqs <= hi * 2**edge)
    gain[hi_skirt] = 0.5 + 0.5 * np.cos(np.pi * np.log2(freqs[hi_skirt] / hi) / edge)
    return gain


def _fft_resample(x: np.ndarray, src: int, dst: int, band: tuple[float, float] | None = None) -> np.ndarray:
    """Resample by cutting or zero-padding the spectrum (band-limited, no aliasing); optionally band-pass."""
    if x.size == 0:
        return x.astype(np.float32)
    n_out = int(round(x.size * dst / src))
    spec = np.fft.rfft(x.astype(np.float64))
    freqs = np.fft.rfftfreq(x.size, 1.0 / src)
    if band is not None:
        spec *= _band_gain(freqs, *band)
    bins = n_out // 2 + 1
    out = np.zeros(bins, dtype=complex)
    keep = min(bins, spec.size)
    out[:keep] = spec[:keep]
    return (np.fft.irfft(out, n_out) * (n_out / x.size)).astype(np.float32)


def _mulaw(x: np.ndarray, mu: float = 255.0) -> np.ndarray:
    """An 8-bit mu-law round trip (G.711's companding): the line's quantisation grit."""
    y = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
    q = np.round(y * 127.0) / 127.0
    return (np.sign(q) * ((1.0 + mu) ** np.abs(q) - 1.0) / mu).astype(np.float32)


def _hiss(rng: np.random.Generator, n: int) -> np.ndarray:
    """Line noise at PHONE_RATE: pinkish hiss in the voice band at NOISE_DBFS RMS."""
    if n == 0:
        return np.zeros(0, np.float32)
    spec = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / PHONE_RATE)
    safe = np.maximum(freqs, 1.0)
    spec *= _band_gain(freqs, *BAND_HZ) / np.sqrt(safe / 1000.0)
    y = np.fft.irfft(spec, n)
    rms = float(np.sqrt(np.mean(y**2))) or 1.0
    return (y / rms * 10 ** (NOISE_DBFS / 20)).astype(np.float32)


def _seed(audio: np.ndarray) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(np.ascontiguousarray(audio[:4096]).tobytes()) ^ audio.size)


def phone(audio: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    """``audio`` as heard over a telephone line, at OUT_RATE."""
    x = np.asarray(audio, dtype=np.float32)
    narrow = _fft_resample(x, rate, PHONE_RATE, band=BAND_HZ)
    peak = float(np.max(np.abs(narrow))) if narrow.size else 0.0
    if peak > 0:
        narrow = narrow * (PEAK / peak)
    on_line = _mulaw(np.clip(narrow + _hiss(_seed(x), narrow.size), -1.0, 1.0))
    return _fft_resample(on_line, PHONE_RATE, OUT_RATE), OUT_RATE


def ring_and_pickup(rate: int = OUT_RATE) -> np.ndarray:
    """The start of a call: one double ring (400+450 Hz, 0.4 s on, 0.2 off, 0.4 on), a pause, the click of
    someone picking up and a moment of open line. About 1.9 s, already narrowband."""
    fs = PHONE_RATE
    rng = np.random.default_rng(7)

    def burst(seconds: float) -> np.ndarray:
        t = np.arange(int(seconds * fs)) / fs
        env = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.015)
        return (0.18 * (np.sin(2 * np.pi * 400 * t) + np.sin(2 * np.pi * 450 * t)) * env).astype(np.float32)

    def gap(seconds: float) -> np.ndarray:
        return np.zeros(int(seconds * fs), np.float32)

    click = np.zeros(int(0.06 * fs), np.float32)
    click[: int(0.004 * fs)] = rng.standard_normal(int(0.004 * fs)).astype(np.float32) * 0.5
    click += 0.3 * np.exp(-np.arange(click.size) / (0.008 * fs)).astype(np.float32)  # the line's DC step settling
    open_line = gap(0.35)
    sig = np.concatenate([burst(0.4), gap(0.2), burst(0.4), gap(0.55), click, open_line])
    hiss = _hiss(rng, sig.size)
    before_pickup = sig.size - click.size - open_line.size
    hiss[:before_pickup] *= 0.3  # the ring is the local exchange; the line opens when they pick up
    narrow = _fft_resample(np.clip(sig, -1, 1), fs, fs, band=BAND_HZ) + hiss
    return _fft_resample(_mulaw(np.clip(narrow, -1.0, 1.0)), fs, rate)
