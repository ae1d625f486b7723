"""Audio files in and out: decoding any recording to 16 kHz mono, writing WAVs, measuring level.

Decoding goes through faster-whisper's PyAV decoder, so wav, flac, mp3, m4a,
ogg and whatever else FFmpeg reads all work, at any sample rate or channel
count. Every failure becomes an ``AudioFileError`` whose message says what to do.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import AudioDeviceError, AudioFileError
from .files import write_private

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
"""Whisper and Silero VAD both work on 16 kHz mono."""

SILENT_RMS_DBFS = -65.0
"""Below this the capture is taken as a muted or missing microphone.

A quiet room through a real microphone sits around -60..-50 dBFS; an input
that is muted, or denied by the OS, delivers zeros or a few LSBs of dither.
"""


def portaudio(alternative: str = "") -> Any:
    """The sounddevice module; a one-line AudioDeviceError when PortAudio is missing.

    ``alternative`` is what the person can do instead (", or ..." is appended).
    """
    try:
        import sounddevice as sd
    except OSError as exc:
        raise AudioDeviceError(
            "the audio library PortAudio is missing: install libportaudio2 (apt) or portaudio (brew)"
            + (f", or {alternative}" if alternative else "")
        ) from exc
    return sd


SERVER_INPUTS = frozenset({"default", "pulse", "pipewire"})
"""PortAudio's names (ALSA plugins) for "what the sound server records from"."""


@dataclass(frozen=True)
class MonitorInput:
    """The sound server's default input when it is the monitor of the speakers (``speakers_monitor``)."""

    description: str
    """How the server names it ("Monitor of Built-in Audio Analog Stereo")."""
    microphones: tuple[tuple[str, str], ...] = ()
    """The server's sources that are not monitors, as (name, description): there but not the default."""

    @property
    def problem(self) -> str:
        """Why the drill cannot hear the person, for one line."""
        if self.microphones:
            return f"the default input, {self.description!r}, is not a microphone (it records what the speakers play)"
        return f"no microphone is connected (the default input, {self.description!r}, records what the speakers play, not you)"

    @property
    def fix(self) -> str:
        if not self.microphones:
            return "plug one in"
        name, description = self.microphones[0]
        return f"make {description!r} the default input in the sound settings (or run with PULSE_SOURCE={name})"


def speakers_monitor(device: int | str | None) -> MonitorInput | None:
    """The sound server's default input when it is the monitor of the speakers; else None.

    With no microphone connected, PulseAudio (and PipeWire's pulse server) make the monitor of the
    output the default source: it records what the speakers play, never the person, so a drill
    there hears its own interviewer and then digital silence. Only the default is judged: an
    ``--input`` or a ``PULSE_SOURCE`` the person chose is theirs. None as well when nothing can
    tell (no ``pactl``, no server, a hardware device that bypasses the server).
    """
    pactl = shutil.which("pactl")
    if device is not None or os.environ.get("PULSE_SOURCE") or pactl is None:
        return None
    try:
        sd = portaudio()
        if sd.query_devices(kind="input")["name"] not in SERVER_INPUTS:
            return None
        # pactl translates its labels; a local server answers in about 10 ms, a hung one must not hold the drill up.
        env = {**os.environ, "LC_ALL": "C"}

        def ask(*args: str) -> str:
            return subprocess.run([pactl, *args], env=env, capture_output=True, text=True, timeout=1, check=True).stdout

        info, sources = ask("info"), ask("list", "sources")
    except Exception as exc:  # no PortAudio, no default input, no server answering: nothing to tell
        log.debug("cannot ask the sound server for its default source: %s", exc)
        return None
    return monitor_source(info, sources)


def monitor_source(info: str, sources: str) -> MonitorInput | None:
    """From ``pactl info`` and ``pactl list sources`` (C locale): the default source when it is a
    monitor of a sink, else None."""
    default = re.search(r"^Default Source: (.+)$", info, re.M)
    if default is None:
        return None
    found: dict[str, tuple[str, bool]] = {}  # name -> (description, monitor)
    for block in re.split(r"^Source #\d+\s*$", sources, flags=re.M):
        name = re.search(r"^\s*Name: (.+?)\s*$", block, re.M)
        if name is None:
            continue
        description = re.search(r"^\s*Description: (.+?)\s*$", block, re.M)
        sink = re.search(r"^\s*Monitor of Sink: (.+?)\s*$", block, re.M)
        monitor = sink is not None and sink.group(1) != "n/a"
        found[name.group(1)] = (description.group(1) if description else name.group(1), monitor)
    wanted = default.group(1).strip()
    description, monitor = found.get(wanted, (wanted, wanted.endswith(".monitor")))
    if not monitor:
        return None
    return MonitorInput(description, tuple((n, d) for n, (d, m) in found.items() if not m))


def leave_portaudio_open_at_exit() -> None:
    """Skip PortAudio's shutdown when this process exits (sounddevice's exit handler).

    For a stream some thread is still closing: Pa_Terminate would close it a second time, both
    would join PortAudio's callback thread, and the process would hang at exit instead of leaving
    the stream to the operating system.
    """
    import atexit
    import sys

    sd = sys.modules.get("sounddevice")
    handler = getattr(sd, "_exit_handler", None)
    if handler is not None:
        atexit.unregister(handler)


def load_audio(path: str | os.PathLike[str]) -> np.ndarray:
    """Decode ``path`` to float32 mono samples at 16 kHz.

    Raises AudioFileError with a one-line, actionable message for a missing,
    unreadable, empty or non-audio file.
    """
    p = Path(path)
    if not p.exists():
        raise AudioFileError(f"no such file: {p}")
    if p.is_dir():
        raise AudioFileError(f"{p} is a directory, not an audio file")
    if not os.access(p, os.R_OK):
        raise AudioFileError(f"cannot read {p}: permission denied (check the file's permissions)")
    mode = p.stat().st_mode
    source: str | io.BytesIO = str(p)
    if stat.S_ISFIFO(mode):  # a pipe: `cat close.flac | voicepractice check /dev/stdin`, or <(sox ...)
        source = io.BytesIO(_read_pipe(p))
    elif not stat.S_ISREG(mode):
        raise AudioFileError(f"{p} is a device, not an audio file: give a recording's file name")
    elif p.stat().st_size == 0:
        raise AudioFileError(f"{p} is empty (0 bytes): record the answer again")
    try:
        import av  # noqa: F401  (PyAV comes with faster-whisper)
        import faster_whisper  # noqa: F401  # the package first: see endpoint.TurnModel
        from faster_whisper.audio import decode_audio
    except ImportError as exc:  # pragma: no cover - broken install
        raise AudioFileError(
            "decoding audio needs faster-whisper and PyAV: run `make install`"
        ) from exc
    try:
        audio = decode_audio(source, sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises many kinds: InvalidDataError, EOFError, IndexError...
        log.debug("decode failed for %s", p, exc_info=True)
        raise AudioFileError(
            f"{p} is not a readable audio file: {_why_not_audio(_head(p, source), exc)}; use wav, flac, mp3, m4a or ogg"
        ) from exc
    if not isinstance(audio, np.ndarray) or audio.size == 0:
        raise AudioFileError(f"{p} holds no audio samples: record the answer again")
    return audio.astype(np.float32, copy=False)


# The first bytes of the containers people record in, to tell "damaged" from "not audio".
_AUDIO_MAGIC = (
    (b"RIFF", "WAV"), (b"fLaC", "FLAC"), (b"OggS", "Ogg"), (b"ID3", "MP3"), (b"\xff\xfb", "MP3"),
    (b"\xff\xf3", "MP3"), (b"\xff\xf2", "MP3"), (b"FORM", "AIFF"), (b"\x1aE\xdf\xa3", "WebM"),
    (b"#!AMR", "AMR"), (b"caff", "CAF"),
)
_OTHER_MAGIC = (
    (b"\x89PNG", "an image (PNG)"), (b"\xff\xd8\xff", "an image (JPEG)"), (b"GIF8", "an image (GIF)"),
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a zip archive or office document"),
)


MAX_PIPE_BYTES = 512 * 1024 * 1024
"""A recording read from a pipe is held in memory: half an hour of 48 kHz stereo WAV is 350 MB."""


def _read_pipe(path: Path) -> bytes:
    """All that comes through a pipe, up to ``MAX_PIPE_BYTES`` (``/dev/stdin`` fed by ``yes`` never ends)."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_PIPE_BYTES + 1)
    except OSError as exc:
        raise AudioFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not data:
        raise AudioFileError(f"nothing came through {path}: pipe a recording in, or give its file name")
    if len(data) > MAX_PIPE_BYTES:
        raise AudioFileError(f"more than {MAX_PIPE_BYTES >> 20} MB came through {path}: save the recording to a file first")
    return data


def _head(path: Path, source: str | io.BytesIO) -> bytes:
    """The first bytes of what the decoder was given, to say what it is."""
    if isinstance(source, io.BytesIO):
        return source.getvalue()[:512]
    try:
        with path.open("rb") as f:
            return f.read(512)
    except OSError:
        return b""


def _why_not_audio(head: bytes, exc: BaseException) -> str:
    """What is wrong with a file the decoder refused, in words (never FFmpeg's error text)."""
    for magic, what in _OTHER_MAGIC:
        if head.startswith(magic):
            return f"it is {what}, not a recording"
    kind = next((what for magic, what in _AUDIO_MAGIC if head.startswith(magic)), None)
    if kind is None and len(head) > 8 and head[4:8] == b"ftyp":
        kind = "MP4/M4A"
    name = type(exc).__name__
    if "DecoderNotFound" in name or "codec" in str(exc).lower():
        return f"its audio is in a format this tool cannot decode{f' (inside a {kind} file)' if kind else ''}"
    if kind:
        return f"it looks like a {kind} file but is damaged or cut short"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and all(ch.isprintable() or ch.isspace() for ch in text):
        return "it is a text file, not a recording"
    if isinstance(exc, (IndexError, StopIteration)):
        return "it has no sound in it"
    return "it is not audio, or it is damaged"


@dataclass(frozen=True)
class Level:
    """How loud a stretch of audio is."""

    rms_dbfs: float
    """Root-mean-square level in dB relative to full scale (-inf for digital zero)."""
    peak: float
    """Largest absolute sample, 0..1."""
    clipped_fraction: float
    """Fraction of samples at or above 0.99 of full scale."""

    @property
    def silent(self) -> bool:
        """True for a capture too quiet to hold speech (muted, no permission, unplugged)."""
        return self.rms_dbfs < SILENT_RMS_DBFS

    @property
    def clipping(self) -> bool:
        """True when more than 0.1 % of samples hit full scale: the input gain is too high."""
        return self.clipped_fraction > 0.001


def level(audio: np.ndarray) -> Level:
    """Measure ``audio`` (float32, -1..1)."""
    if audio.size == 0:
        return Level(rms_dbfs=float("-inf"), peak=0.0, clipped_fraction=0.0)
    a = np.abs(audio.astype(np.float32, copy=False))
    rms = float(np.sqrt(np.mean(np.square(a, dtype=np.float64))))
    return Level(
        rms_dbfs=20.0 * np.log10(rms) if rms > 0 else float("-inf"),
        peak=float(a.max()),
        clipped_fraction=float(np.count_nonzero(a >= 0.99)) / a.size,
    )


def write_wav(path: Path, audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write 16-bit PCM mono WAV atomically, readable by the user only."""
    import soundfile as sf

    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    sf.write(buf, np.clip(audio, -1.0, 1.0), sample_rate, subtype="PCM_16", format="WAV")
    return write_private(path, buf.getvalue())


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a WAV/FLAC the project wrote itself, as float32 mono, with its sample rate."""
    import soundfile as sf

    data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    return data.mean(axis=1), int(sr)


def resample(audio: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Linear-interpolation resampling: good enough for playback and for TTS into Whisper."""
    if src_rate == dst_rate or audio.size == 0:
        return audio.astype(np.float32, copy=False)
    n = int(round(audio.size * dst_rate / src_rate))
    x_old = np.arange(audio.size, dtype=np.float64) / src_rate
    x_new = np.arange(n, dtype=np.float64) / dst_rate
    return np.interp(x_new, x_old, audio).astype(np.float32)


def tone(freq: float = 880.0, seconds: float = 0.12, sample_rate: int = 22_050) -> np.ndarray:
    """A short cue tone with soft edges (no click), at about -12 dBFS."""
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    envelope = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01)
    return (0.25 * np.sin(2 * np.pi * freq * t) * envelope).astype(np.float32)
