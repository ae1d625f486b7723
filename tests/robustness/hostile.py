"""Hostile inputs, generated at test time (nothing binary is committed).

Every generator writes into a folder the caller owns (``tmp_path``) and returns
the path. Audio is 16-bit unless a case calls for something else.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np

SR = 16_000


def write(path: Path, audio: np.ndarray, sr: int = SR, subtype: str = "PCM_16") -> Path:
    import soundfile as sf

    sf.write(str(path), np.clip(audio, -1, 1), sr, subtype=subtype)
    return path


def read(path: Path) -> np.ndarray:
    import soundfile as sf

    data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    assert sr == SR, path
    return data.mean(axis=1)


def room_tone(seconds: float, rng: np.random.Generator, dbfs: float = -60.0) -> np.ndarray:
    return (rng.standard_normal(int(seconds * SR)) * 10 ** (dbfs / 20)).astype(np.float32)


def _colored(n: int, rng: np.random.Generator, exponent: float) -> np.ndarray:
    """Noise whose power falls as 1/f**exponent (0 white, 1 pink, 2 brown)."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(spec.size, dtype=np.float64)
    f[0] = 1.0
    x = np.fft.irfft(spec / f ** (exponent / 2), n)
    return (x / (np.abs(x).max() + 1e-9)).astype(np.float32)


def noise_clip(index: int, seconds: float = 3.0) -> np.ndarray:
    """The index-th of an endless family of non-speech clips: white/pink/brown noise,
    mains hum, clicks, sweeps, bursts, at levels from quiet to clipping."""
    rng = np.random.default_rng(1000 + index)
    n = int(seconds * SR)
    t = np.arange(n) / SR
    kind = index % 7
    if kind in (0, 1, 2):
        x = _colored(n, rng, float(kind))
    elif kind == 3:  # mains hum with harmonics
        f0 = rng.choice([50.0, 60.0])
        x = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 8))
    elif kind == 4:  # clicks / keyboard taps
        x = np.zeros(n)
        for pos in rng.integers(0, n - 200, size=int(rng.integers(5, 40))):
            x[pos : pos + 200] += rng.standard_normal(200) * np.exp(-np.arange(200) / 30)
    elif kind == 5:  # a sweep, like a modem or a whistle
        f = np.linspace(rng.uniform(100, 500), rng.uniform(1000, 4000), n)
        x = np.sin(2 * np.pi * np.cumsum(f) / SR)
    else:  # bursts of noise, like traffic or wind gusts
        env = np.repeat(rng.uniform(0, 1, size=n // 1600 + 1), 1600)[:n]
        x = _colored(n, rng, 1.0) * env
    x = np.asarray(x, dtype=np.float64)
    x /= np.abs(x).max() + 1e-9
    gain = 10 ** (rng.uniform(-40, 0) / 20)
    if index % 5 == 4:
        gain = 4.0  # driven into clipping
    return np.clip(x * gain, -1, 1).astype(np.float32)


def music(seconds: float = 8.0, seed: int = 0) -> np.ndarray:
    """A little synthesised song: chords and a melody with harmonics over drums."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    t = np.arange(n) / SR
    out = np.zeros(n)
    beat = 0.5  # 120 bpm
    chords = [[261.63, 329.63, 392.0], [220.0, 261.63, 329.63], [174.61, 220.0, 261.63], [196.0, 246.94, 293.66]]
    scale = [523.25, 587.33, 659.25, 698.46, 783.99, 880.0]

    def note(freq: float, start: float, dur: float, amp: float) -> None:
        a, b = int(start * SR), min(n, int((start + dur) * SR))
        if a >= n:
            return
        tt = t[a:b] - start
        env = np.exp(-3 * tt / dur) * np.minimum(1, tt / 0.01)
        out[a:b] += amp * env * sum(np.sin(2 * np.pi * freq * k * tt) / k**1.5 for k in range(1, 6))

    for bar in range(int(seconds / (4 * beat)) + 1):
        for f in chords[bar % 4]:
            note(f, bar * 4 * beat, 4 * beat, 0.12)
        for i in range(8):
            note(float(rng.choice(scale)), bar * 4 * beat + i * beat / 2, beat / 2, 0.15)
    for i in range(int(seconds / beat)):
        s = int(i * beat * SR)
        k = np.arange(min(2000, n - s))
        if i % 2 == 0:  # kick
            out[s : s + k.size] += 0.5 * np.sin(2 * np.pi * 60 * k / SR * np.exp(-k / 2000)) * np.exp(-k / 1500)
        else:  # snare
            out[s : s + k.size] += 0.25 * rng.standard_normal(k.size) * np.exp(-k / 800)
        h = np.arange(min(400, n - s))  # hi-hat on every beat
        out[s : s + h.size] += 0.05 * rng.standard_normal(h.size) * np.exp(-h / 100)
    return (0.8 * out / np.abs(out).max()).astype(np.float32)


FOREIGN = {
    "de": "Vielen Dank für Ihre Zeit heute. Ich interessiere mich sehr für diese Stelle. Was sind die nächsten Schritte?",
    "de-thanks": "Danke schön, danke, tschüss, auf Wiedersehen.",
    "es": "Muchas gracias por su tiempo. Estoy muy interesado en este puesto. ¿Cuáles son los próximos pasos?",
    "es-thanks": "Gracias, gracias, adiós.",
    "fr": "Merci beaucoup pour votre temps. Je suis très intéressé par ce poste. Quelles sont les prochaines étapes?",
    "fr-thanks": "Je vous remercie, c'était un plaisir.",
    "it-thanks": "Grazie, arrivederci.",
    "nl": "Dank u wel voor uw tijd. Ik ben erg geïnteresseerd in deze baan. Wat zijn de volgende stappen?",
    "pt": "Muito obrigado pelo seu tempo. Estou muito interessado nesta vaga. Quais são os próximos passos?",
}


def foreign_speech(folder: Path, key: str) -> Path:
    """``FOREIGN[key]`` spoken by espeak-ng in its language, as 16 kHz WAV with room tone around it."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:  # pragma: no cover - make install puts it there
        import pytest

        pytest.skip("needs espeak-ng (apt-get install espeak-ng)")
    lang = key.split("-")[0]
    raw = folder / f"{key}.raw.wav"
    subprocess.run([espeak, "-v", lang, "-w", str(raw), FOREIGN[key]], check=True, capture_output=True)
    import soundfile as sf

    data, sr = sf.read(str(raw), dtype="float32", always_2d=True)
    from voicepractice.audio import resample

    speech = resample(data.mean(axis=1), sr, SR)
    rng = np.random.default_rng(len(key))
    audio = np.concatenate([room_tone(0.6, rng), speech * 0.8, room_tone(3.0, rng)])
    return write(folder / f"{key}.wav", audio)


# -- assertions every case shares ------------------------------------------------


def assert_one_error_line(err: str, *must_contain: str) -> str:
    """stderr holds exactly one ``Error:`` line that says what to do, and no traceback."""
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, err
    line = lines[0]
    assert "unexpected" not in line, line  # an unexpected error is a bug, not a message
    for text in must_contain:
        assert text.lower() in line.lower(), line
    return line


def assert_store_consistent(home: Path) -> None:
    """The data directory is private, holds no visible half-written session, and the
    index and the session folders agree."""
    import json
    import sqlite3

    if not home.exists():
        return
    for p in [home, *home.rglob("*")]:
        mode = p.stat().st_mode & 0o777
        if p.is_dir():
            assert mode == 0o700, f"{p} is {oct(mode)}"
        else:
            assert mode == 0o600, f"{p} is {oct(mode)}"
    sessions = home / "sessions"
    folders = {p.name for p in sessions.iterdir() if not p.name.startswith(".")} if sessions.exists() else set()
    rows: set[str] = set()
    db = home / "sessions.db"
    if db.exists():
        with sqlite3.connect(db) as conn:
            rows = {r[0] for r in conn.execute("SELECT id FROM sessions")}
    assert rows == folders, (rows, folders)
    for sid in folders:
        data = json.loads((sessions / sid / "session.json").read_text())
        for turn in data["turns"]:
            for key in ("interviewer_audio", "answer_audio"):
                if turn.get(key):
                    assert (sessions / sid / turn[key]).is_file(), (sid, turn[key])


def sessions_in(home: Path) -> list[dict]:
    import json

    sessions = home / "sessions"
    if not sessions.exists():
        return []
    return [
        json.loads((p / "session.json").read_text())
        for p in sorted(sessions.iterdir())
        if not p.name.startswith(".")
    ]
