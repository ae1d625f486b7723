"""Audio files in and out: decoding any recording to 16 kHz mono, writing WAVs, measuring level.

Decoding goes through PyAV (FFmpeg, which faster-whisper brings), so wav, flac,
mp3, m4a, ogg and whatever else FFmpeg reads all work, at any sample rate or
channel count. Every failure becomes an ``AudioFileError`` whose message says what to do.
"""

from __future__ import annotations

import gc
import io
import itertools
import logging
import math
import os
import re
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

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


MAX_RECORDING_SECONDS = 900.0
"""The longest recording that is decoded and scored: the drill's own cap on one answer
(``drill --max-seconds`` goes up to 900). A close takes under a minute; a file longer than
this is a whole call, and decoding hours of it would run for minutes with nothing to show."""

MIN_SAMPLE_RATE = 4_000
"""Below this a file cannot hold speech (it keeps nothing above 2 kHz, where most consonants
are): a header saying 1 Hz is damaged, and resampling it would turn seconds into hours."""

MAX_NOT_A_NUMBER = 0.02
"""Largest share of NaN or infinite samples (in 32/64-bit float files) replaced by silence.

A few come from a glitch in whatever wrote the file. Zeroing a share p of the samples keeps
the speech about 10*log10((1-p)/p) dB above the gaps it leaves: 17 dB at 2 %, where Whisper
hears as well as on clean audio (one sample in 100, a plug-in's NaN every 6 ms, still scores
in full). More than that and the file is damaged: better said than scored as silence."""

ENDS_EARLY_SECONDS = 0.1
"""Least shortfall, against the length the file declares, that is told as a recording cut off.

A file cut short (a recorder that crashed, a copy or download stopped part-way, a file still
being written) decodes up to where it stops, and that is scored; the person is told it ends
early. A whole file decodes to exactly its declared length: a tenth of a second leaves room for
a codec's padding, and holds no word."""


def load_audio(path: str | os.PathLike[str], notes: list[str] | None = None) -> np.ndarray:
    """Decode ``path`` to float32 mono samples at 16 kHz.

    Raises AudioFileError with a one-line, actionable message for a missing,
    unreadable, empty, damaged, too long or non-audio file. A file that is read but not
    whole (it ends before the length it declares) is decoded as far as it goes, and said in
    a line added to ``notes`` (the report's notes), or logged as a warning without them.
    """
    p = Path(path)
    if not p.exists():
        if str(path) == "-":  # `drill --answer -`: standard input is the keyboard there
            raise AudioFileError("- (standard input) is read only by `check -`: give the recording's file name")
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
    return _decode(source, str(p), notes)


STDIN_NAME = "standard input"
"""How a recording piped into ``check -`` is named in messages."""


def load_stdin(notes: list[str] | None = None) -> np.ndarray:
    """Decode a recording piped into standard input (``... | voicepractice check -``), read whole first.

    ``notes`` as for ``load_audio``."""
    import sys

    if sys.stdin is None:  # started with `<&-`
        raise AudioFileError(f"{STDIN_NAME} is closed: pipe a recording in, or give its file name")
    try:
        data = _read_all(sys.stdin.buffer, STDIN_NAME)
    except OSError as exc:
        raise AudioFileError(f"cannot read {STDIN_NAME}: {exc.strerror or exc}") from exc
    return _decode(io.BytesIO(data), STDIN_NAME, notes)


def _decode(source: str | io.BytesIO, name: str, notes: list[str] | None = None) -> np.ndarray:
    """Decode ``source`` (a file name or the bytes of a pipe), called ``name`` in messages;
    a file that ends early is told in ``notes`` (see ``load_audio``)."""
    try:
        import av
        import faster_whisper  # noqa: F401  # the package first: see endpoint.TurnModel
    except ImportError as exc:  # pragma: no cover - broken install
        raise AudioFileError(
            "decoding audio needs faster-whisper and PyAV: run `make install`"
        ) from exc
    try:
        with av.open(source, mode="r", metadata_errors="ignore") as container:
            formats = container.format.name.split(",")
            exact = "flac" in formats or ("mp3" in formats and _mp3_counts_frames(source))
            decoded = _decode_stream(container, name, exact)
            if "wav" in formats:  # FFmpeg caps a WAV's length at what the file holds
                decoded.declared = _wav_declared(source)
    except AudioFileError:
        raise
    except Exception as exc:  # PyAV raises many kinds: InvalidDataError, EOFError, IndexError...
        log.debug("decode failed for %s", name, exc_info=True)
        raise AudioFileError(
            f"{name} is not a readable audio file: {_why_not_audio(_head(source), exc)}; use wav, flac, mp3, m4a or ogg"
        ) from exc
    finally:
        # PyAV's resamplers are freed only by the collector (SYSTRAN/faster-whisper#390, as decode_audio does).
        gc.collect()
    audio, not_numbers, total = decoded.audio, decoded.not_numbers, decoded.total
    if audio.size == 0:
        raise AudioFileError(f"{name} holds no audio samples: record the answer again")
    if not_numbers > MAX_NOT_A_NUMBER * total:
        raise AudioFileError(
            f"{name} is damaged: {100 * not_numbers / total:.3g} % of its samples are not numbers (NaN or infinity); "
            "export the recording again, or record the answer again"
        )
    if not_numbers:
        log.warning("%s: %d samples that were not numbers (NaN or infinity) were replaced by silence", name, not_numbers)
    if decoded.declared is not None and decoded.declared - decoded.seconds >= ENDS_EARLY_SECONDS:
        note = (
            f"{name} ends early (damaged or still being written): "
            f"scored the first {decoded.seconds:.1f} s of {decoded.declared:.1f} s"
        )
        if notes is None:
            log.warning("%s", note)
        else:
            notes.append(note)
    return audio


@dataclass
class _Decoded:
    """A decoded audio stream (``_decode_stream``)."""

    audio: np.ndarray
    """Float32 mono at 16 kHz."""
    not_numbers: int
    """How many of the samples as recorded were NaN or infinite (zeroed before resampling could smear them)."""
    total: int
    """How many samples there were (every channel's)."""
    seconds: float
    """How far into the recording the audio decoded goes (its length, but for frames lost mid-file)."""
    declared: float | None
    """How long the file says it is, where that tells a file cut short (a FLAC's STREAMINFO, a
    WAV's data chunk, a length any container gives when the decoder met damaged data at the end);
    else None."""


class _Tail:
    """What the decoder met as it went (``_chunks`` sets it)."""

    damaged = False
    """The last thing it met was data it could not decode: the file ends on damage, or is cut off."""
    end: float | None = None
    """Where in the recording (seconds, by the frames' timestamps) the last frame decoded ends: past
    frames lost mid-file (FFmpeg's FLAC parser drops a damaged one without a word), this is how far the
    file goes, where the samples decoded add up to less."""


def _decode_stream(container: Any, name: str, exact: bool = False) -> _Decoded:
    """The first audio stream as float32 mono at 16 kHz (``_Decoded``). The header is checked first:
    a file too long, or at no rate speech is recorded at, is refused before anything is decoded.
    ``exact``: the length the stream declares is counted, not estimated (a FLAC's STREAMINFO, an
    MP3's frame count), so a file that decodes to less was cut short."""
    import av

    stream = container.streams.audio[0]  # IndexError when there is none, as for faster-whisper
    rate = stream.sample_rate
    if rate and rate < MIN_SAMPLE_RATE:
        raise AudioFileError(
            f"{name} says its sample rate is {rate} Hz, too low for speech (at least {MIN_SAMPLE_RATE} Hz): "
            "the file is damaged; export the recording again"
        )
    declared = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
    if declared is not None:  # FFmpeg caps a WAV's at what the file holds
        _refuse_long(name, declared)
    elif container.duration:
        _refuse_long(name, container.duration / av.time_base)
    # FFmpeg's 16-bit downmix, as faster-whisper's decode_audio makes it, so a sound file decodes exactly
    # as it always did (to float FFmpeg mixes stereo 3 dB louder); and each channel apart, in float, to
    # tell when that downmix cancels out (_unless_cancelled).
    mono = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    split = av.AudioResampler(format="fltp", rate=SAMPLE_RATE) if stream.channels > 1 else None
    mixed: list[np.ndarray] = []
    apart: list[np.ndarray] = []
    not_numbers = total = 0
    seconds = 0.0
    tail = _Tail()
    for chunk in itertools.chain(_chunks(container.decode(stream), tail=tail), [None]):  # None flushes the resampler
        if chunk is not None:
            seconds += chunk.samples / chunk.sample_rate
            _refuse_long(name, seconds, known=False)  # for a stream whose header gives no length
            raw = chunk.to_ndarray()
            total += raw.size
            bad = ~np.isfinite(raw) if raw.dtype.kind == "f" else None  # only float files hold NaN and inf
            if bad is not None and bad.any():
                not_numbers += int(np.count_nonzero(bad))
                raw[bad] = 0.0
                chunk = _frame_like(chunk, raw)
        mixed += [frame.to_ndarray()[0] for frame in mono.resample(chunk)]
        if split is not None:
            apart += [frame.to_ndarray() for frame in split.resample(chunk)]
    if not (tail.damaged or exact):
        declared = None  # other lengths may be estimates (an MP3's from its bit rate), unless decoding broke off
    if tail.end is not None:  # timestamps from the stream's start; damaged ones cannot make a whole file short
        start = stream.start_time * stream.time_base if stream.start_time and stream.time_base else 0
        seconds = max(seconds, tail.end - float(start))
    if not mixed:
        return _Decoded(np.zeros(0, np.float32), not_numbers, total, seconds, declared)
    mix = np.concatenate(mixed).astype(np.float32) / 32768.0
    audio = _unless_cancelled(mix, np.concatenate(apart, axis=1)) if apart else mix
    return _Decoded(audio, not_numbers, total, seconds, declared)


def _chunks(frames: Any, samples: int = 500_000, tail: _Tail | None = None) -> Any:
    """Decoded ``frames`` regrouped into chunks of ``samples`` (resampling frame by frame is several
    times slower), skipping the frames FFmpeg finds damaged: a cut-short file gives what is there.
    ``tail`` is told whether the frames ended on damaged data."""
    import av

    fifo = av.AudioFifo()
    iterator = iter(frames)
    while True:
        try:
            frame = next(iterator)
        except StopIteration:
            break
        except av.error.InvalidDataError:
            if tail is not None:
                tail.damaged = True
            continue
        if tail is not None:
            tail.damaged = False
            if frame.time is not None and frame.sample_rate:
                tail.end = max(tail.end or 0.0, frame.time + frame.samples / frame.sample_rate)
        frame.pts = None  # the FIFO checks timestamps, and a damaged file's are not to be trusted
        fifo.write(frame)
        if fifo.samples >= samples:
            yield fifo.read()
    if fifo.samples:
        yield fifo.read()


def _mp3_counts_frames(source: str | io.BytesIO) -> bool:
    """Whether an MP3 says how many frames it holds: a Xing or Info header (LAME and FFmpeg write
    one) or a VBRI one, in its first frame. FFmpeg then gives the stream the length those frames
    make, so a file that decodes to less was cut short. Without one the length is an estimate from
    the file's size and bit rate, which shrinks with a file cut short: nothing to tell."""
    try:
        at = _id3v2_size(_read_at(source, 0, 10))
        head = _read_at(source, at, _MP3_HEAD)
    except OSError:
        return False
    first = re.search(rb"\xff[\xe0-\xff]", head)  # a frame's sync word
    if first is None:
        return False
    frame = head[first.start() : first.start() + 200]  # the tags sit within 40 bytes of the frame's header
    for tag in (b"Xing", b"Info"):
        at = frame.find(tag)
        if at >= 0 and len(frame) >= at + 8:
            return bool(frame[at + 7] & 0x01)  # its flags say whether the frame count is there
    return frame.find(b"VBRI") == 36  # after the header and 32 bytes of side information


_MP3_HEAD = 8_192
"""Bytes read, past any ID3v2 tag, to find an MP3's first frame."""


def _id3v2_size(head: bytes) -> int:
    """The bytes an ID3v2 tag at the start of a file takes (0 when there is none)."""
    if head[:3] != b"ID3" or len(head) < 10:
        return 0
    size = sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(head[6:10]))  # "syncsafe": 7 bits a byte
    return 10 + size + (10 if head[5] & 0x10 else 0)  # header, tag, footer


def _read_at(source: str | io.BytesIO, at: int, size: int) -> bytes:
    """``size`` bytes of a file (or of a pipe's bytes) from ``at``."""
    if isinstance(source, io.BytesIO):
        return source.getbuffer()[at : at + size].tobytes()
    with open(source, "rb") as f:
        f.seek(at)
        return f.read(size)


WAV_SIZE_UNKNOWN = 0x7FFF_0000
"""A WAV data chunk declaring this many bytes or more has no real size: a writer that cannot seek
back (a pipe, a recorder still going) leaves 0x7FFFFFFF, 0xFFFFFFFF or the like there (0 too)."""


def _wav_declared(source: str | io.BytesIO) -> float | None:
    """The seconds a WAV's data chunk declares, when the file holds fewer bytes than that; else None
    (a whole file, a size left unknown, or a file whose header cannot say)."""
    try:
        if isinstance(source, io.BytesIO):
            return _riff_declared(source)
        with open(source, "rb") as f:
            return _riff_declared(f)
    except OSError:
        return None


def _riff_declared(f: BinaryIO) -> float | None:
    """``_wav_declared`` of the open file ``f``: RIFF chunks, the format's byte rate, then the data's size."""
    size = f.seek(0, os.SEEK_END)
    f.seek(0)
    head = f.read(12)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":  # RF64 and RIFX are left to FFmpeg
        return None
    byte_rate, at = 0, 12
    for _ in range(64):  # a WAV has a handful of chunks before its samples
        f.seek(at)
        chunk = f.read(8)
        if len(chunk) < 8:
            return None
        kind, length = chunk[:4], int.from_bytes(chunk[4:], "little")
        if kind == b"fmt ":
            fmt = f.read(16)
            if len(fmt) == 16:
                rate, block = int.from_bytes(fmt[4:8], "little"), int.from_bytes(fmt[12:14], "little")
                byte_rate = int.from_bytes(fmt[8:12], "little") or rate * block
        elif kind == b"data":
            held = size - at - 8
            if not 0 < length < WAV_SIZE_UNKNOWN or held >= length or byte_rate <= 0:
                return None
            return length / byte_rate
        at += 8 + length + (length & 1)  # chunks are padded to an even size
    return None


def _frame_like(frame: Any, samples: np.ndarray) -> Any:
    """A frame holding ``samples`` in ``frame``'s format, layout and rate."""
    import av

    new = av.AudioFrame.from_ndarray(samples, format=frame.format.name, layout=frame.layout.name)
    new.sample_rate = frame.sample_rate
    return new


def _refuse_long(name: str, seconds: float, known: bool = True) -> None:
    """An AudioFileError past ``MAX_RECORDING_SECONDS``; ``known``: the whole length (from the header)."""
    if seconds > MAX_RECORDING_SECONDS:
        length = f"{_duration(seconds)} long, longer than" if known else "longer than"
        raise AudioFileError(
            f"{name} is {length} the {_duration(MAX_RECORDING_SECONDS)} an answer can be: "
            "trim it to your answer first (e.g. ffmpeg -ss 12:30 -t 90 -i call.wav close.wav)"
        )


def _duration(seconds: float) -> str:
    """``15 min``, ``15 min 1 s``, ``4 h 26 min``: a length as people say it, never rounded down to the limit."""
    whole = math.ceil(seconds)
    if whole >= 3600:
        return f"{whole // 3600} h {whole % 3600 // 60} min"
    return f"{whole // 60} min" + (f" {whole % 60} s" if whole % 60 else "")


CANCELLED_MIX = 0.25
"""A mix this much quieter (in RMS) than its loudest channel has cancelled out: take that channel.

Two channels that do not work against each other never mix to under half the louder one (one of
them silent gives exactly half; unrelated ones about 0.7): only opposite phase gets below that, as
with one side of a stereo microphone wired inverted. A quarter (-12 dB) leaves a margin, and keeps
FFmpeg's mix of a film's 5.1 track with speech in the centre alone (0.29)."""


def _unless_cancelled(mix: np.ndarray, channels: np.ndarray) -> np.ndarray:
    """``mix``, or the loudest of ``channels`` (channels, samples) when the mix cancels out."""
    rms = np.sqrt(np.mean(np.square(channels, dtype=np.float64), axis=1))
    loudest = int(np.argmax(rms))
    if np.sqrt(np.mean(np.square(mix, dtype=np.float64))) < CANCELLED_MIX * rms[loudest]:
        log.info("the channels cancel out when mixed (one is phase-inverted): using channel %d alone", loudest + 1)
        return np.clip(channels[loudest], -1.0, 1.0)  # float files can go past full scale
    return mix


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
    """All that comes through a named pipe (see ``_read_all``)."""
    try:
        with path.open("rb") as f:
            return _read_all(f, str(path))
    except OSError as exc:
        raise AudioFileError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _read_all(f: BinaryIO, name: str) -> bytes:
    """All that comes through a pipe, up to ``MAX_PIPE_BYTES`` (``/dev/stdin`` fed by ``yes`` never ends)."""
    data = f.read(MAX_PIPE_BYTES + 1)
    if not data:
        raise AudioFileError(f"nothing came through {name}: pipe a recording in, or give its file name")
    if len(data) > MAX_PIPE_BYTES:
        raise AudioFileError(f"more than {MAX_PIPE_BYTES >> 20} MB came through {name}: save the recording to a file first")
    return data


def _head(source: str | io.BytesIO) -> bytes:
    """The first bytes of what the decoder was given, to say what it is."""
    if isinstance(source, io.BytesIO):
        return source.getvalue()[:512]
    try:
        with open(source, "rb") as f:
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
