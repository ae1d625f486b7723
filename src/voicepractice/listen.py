"""Capture the answer: microphone (or a recording standing in for it) until the person is done.

The answer ends when the person has finished: by default ``endpoint.EndOfTurn``
judges each pause (0.8-0.9 s when the turn sounds and reads finished, 2 s
when that reading is a close call, several seconds when it does not); with
``end_silence_s`` set, after that much silence. Enter ends it at once, so do
``max_seconds`` and Ctrl-C, which keeps
everything recorded so far. While they speak, each stretch
of speech that ends in a short pause is handed to ``on_chunk`` so it can be
transcribed before the answer is over. Every block is also appended to a spool
file on disk, so not even a killed process loses the recording.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import select
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .audio import SAMPLE_RATE, Level, level, portaudio, resample
from .endpoint import EndOfTurn, EndpointOptions
from .errors import AudioDeviceError
from .vad import WINDOW, StreamingVad, VadOptions

log = logging.getLogger(__name__)

EndReason = Literal[
    "silence", "enter", "max_length", "interrupted", "end_of_recording", "no_speech", "device_lost"
]
BLOCK = 512
"""Samples per block handed around: 32 ms at 16 kHz, one VAD window. The end of speech, the
snapshot sent at a pause and the end-of-turn decision are all seen when a block arrives;
100 ms blocks made each of them wait 50 ms on average for the block to fill."""


LONGEST_S = 900.0
"""The longest answer ``--max-seconds`` allows (cli.py spells it out: it does not import this module to start)."""


@dataclass(frozen=True)
class ListenOptions:
    """When an answer ends and how it is chunked."""

    end_silence_s: float | None = None
    """A fixed silence after speech that ends the answer; None (the default) lets
    ``endpoint.EndOfTurn`` judge each pause (``endpoint`` below)."""
    endpoint: EndpointOptions = EndpointOptions()
    """How long to wait at a pause by how finished the turn looks (when ``end_silence_s`` is None)."""
    max_seconds: float = 180.0
    """Hard cap on an answer's length (at most ``LONGEST_S``)."""
    no_speech_timeout_s: float = 20.0
    """Give up when nobody has said anything for this long."""
    chunk_gap_s: float = 0.2
    """A pause this long closes a chunk that can be transcribed while the person goes on.
    Closing costs no decode of its own (the pause's snapshot is adopted as the chunk), and
    it keeps what is left to decode when Enter comes to the few seconds since the last close:
    at 0.5 s a 17 s sentence read without such a pause was decoded whole after Enter
    (1.2 s). On the speech corpus the streaming WER was 6.9 % at 0.5 s and 6.4 % at 0.2 s."""
    min_chunk_s: float = 4.0
    """...but only once the chunk holds this much: Whisper reads short fragments worse
    (on the speech corpus, 0.5 s chunks cost 0.5 WER points, and a 1.5 s run of
    narrowband digits came out as an invented sentence). Shorter stretches are
    decoded as snapshots instead (see ``Chunk.tentative``)."""
    max_chunk_s: float = 20.0
    """Cut a chunk even without a pause once it is this long (Whisper's window is 30 s)."""
    snapshot_gap_s: float = 0.064
    """A pause this long (two VAD windows) sends a snapshot of the speech so far to be
    decoded: one decode takes about half a second, so starting at once is what makes the
    words (and the report) ready when Enter or the end-of-turn decision comes. The VAD
    hears a speech end 0.1-0.3 s after the last word, so at 0.15 s the snapshot left
    about when Enter (0.3 s after the last word) did, and often after it."""
    enter_ends: bool = True
    """Pressing Enter ends the answer (when standard input is a terminal)."""
    vad: VadOptions = VadOptions()
    """Speech-detection thresholds."""


@dataclass(frozen=True)
class Chunk:
    """A stretch of the answer ready to be transcribed."""

    audio: np.ndarray
    """16 kHz float32 samples."""
    offset: float
    """Seconds from the start of the answer to the chunk's first sample."""
    speech_until: float | None = None
    """Seconds into the answer where the chunk's last speech ends."""
    tentative: bool = False
    """A snapshot at a short pause: the person may go on, so decode it but commit nothing yet.
    If the answer then ends with no more speech, the final chunk is the same speech."""
    lead_s: float = 0.0
    """Seconds at the start of ``audio`` that belong to the chunk before, already committed:
    heard again so that a short stretch is not read without what led into it (Whisper reads
    a second or two alone worse); their words are not this chunk's."""


@dataclass(frozen=True)
class Capture:
    """What the microphone heard for one answer."""

    audio: np.ndarray
    """The whole answer, 16 kHz mono float32."""
    ended_by: EndReason
    """Why the answer ended."""
    speech: tuple[tuple[float, float], ...]
    """Spans (seconds) the VAD heard as speech."""
    level: Level
    """Loudness of the whole capture."""
    speech_end: float | None
    """Seconds into the capture where the last speech ended (None: no speech)."""
    ended_at: float
    """``time.monotonic()`` when the end was decided."""

    @property
    def duration(self) -> float:
        return self.audio.size / SAMPLE_RATE

    @property
    def heard_speech(self) -> bool:
        return bool(self.speech)


@dataclass(frozen=True)
class Progress:
    """A snapshot for the live meter."""

    elapsed: float
    level_dbfs: float
    speaking: bool
    silent_input: bool
    clipping: bool
    block_s: float
    """Seconds of audio this block holds (the level and the flags above are the block's)."""
    still_listening: bool = False
    """A long pause: the answer is still open (say so, so nobody thinks they were cut off)."""


class _DeviceLost(Exception):
    pass


def microphone_blocks(device: int | str | None) -> Iterator[np.ndarray]:
    """Yield 32 ms blocks (``BLOCK``) of 16 kHz mono from an input device.

    Opens at 16 kHz when the device allows it, otherwise at its own rate and
    resamples. A device that vanishes mid-answer ends the stream with _DeviceLost.
    """
    sd = portaudio()
    try:
        info = sd.query_devices(device, kind="input")
    except (ValueError, sd.PortAudioError) as exc:
        raise AudioDeviceError(
            "no microphone found"
            + (f" matching {device!r}" if device is not None else "")
            + ": plug one in, pick one with --input (see `voicepractice devices`), "
            "or answer from a recording with --answer FILE"
        ) from exc
    stream, blocks, rate = _started_input(sd, device, info)
    pending = np.zeros(0, np.float32)
    try:
        timeout = 5.0  # the first block may take a moment while the device starts
        while True:
            try:
                block = blocks.get(timeout=timeout)
            except queue.Empty:
                raise _DeviceLost() from None
            if block is None:
                raise _DeviceLost()
            timeout = 2.0
            pending = np.concatenate([pending, resample(block, rate, SAMPLE_RATE)])
            while pending.size >= BLOCK:
                yield pending[:BLOCK]
                pending = pending[BLOCK:]
    finally:
        stream.stop()
        stream.close()


def _started_input(sd: Any, device: int | str | None, info: Any) -> tuple[Any, queue.Queue[np.ndarray | None], int]:
    """An input stream, started, with the queue its blocks arrive in and its rate.

    Under load PortAudio's ALSA host gives up waiting for its callback thread after a second
    ("Error starting stream: Wait timed out"), leaving a stream half started: it is closed here
    (``with stream:`` never closed a stream whose start failed, and PortAudio's exit handler then
    closed it at exit, joining a thread it had lost track of), and one more is opened.
    """
    for attempt in (1, 2):
        blocks: queue.Queue[np.ndarray | None] = queue.Queue()  # each stream its own: a dead one's end is not ours

        def callback(indata: np.ndarray, frames: int, t: object, status: Any, blocks: queue.Queue[np.ndarray | None] = blocks) -> None:
            blocks.put(indata[:, 0].copy())

        def finished(blocks: queue.Queue[np.ndarray | None] = blocks) -> None:
            blocks.put(None)

        stream = None
        rate = SAMPLE_RATE
        for rate in (SAMPLE_RATE, int(info["default_samplerate"])):
            try:
                stream = sd.InputStream(
                    samplerate=rate,
                    channels=1,
                    dtype="float32",
                    # Let PortAudio choose the block size: a fixed 100 ms block through
                    # ALSA's pulse plugin arrived in bursts, or stalled for seconds.
                    blocksize=0,
                    latency="low",
                    device=device,
                    callback=callback,
                    finished_callback=finished,
                )
                break
            except sd.PortAudioError as exc:
                log.debug("cannot open input at %d Hz: %s", rate, exc)
        if stream is None:
            raise AudioDeviceError(f"cannot open the microphone {info['name']!r}: try another with --input")
        try:
            stream.start()
            return stream, blocks, rate
        except sd.PortAudioError as exc:
            stream.close()
            if attempt == 2:
                raise
            log.info("the microphone did not start (%s): opening it once more", exc)
    raise AssertionError("unreachable")


def recording_blocks(audio: np.ndarray, paced: bool) -> Iterator[np.ndarray]:
    """Yield a recording in ``BLOCK``-sized blocks, at real-time pace when ``paced``."""
    start = time.monotonic()
    for i in range(0, audio.size, BLOCK):
        if paced:
            due = start + i / SAMPLE_RATE
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        yield audio[i : i + BLOCK]


class _EnterKey:
    """Notices a press of Enter on an interactive terminal, without blocking."""

    def __init__(self) -> None:
        self.pressed = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._saved: list[Any] | None = None
        if sys.stdin is not None and sys.stdin.isatty():
            self._quiet()
            self._thread = threading.Thread(target=self._watch, daemon=True)
            self._thread.start()

    def _quiet(self) -> None:
        """No echo while listening (the Enter that ends an answer, or any key, echoed a new line
        under the live meter, which then stayed on screen above "Answer ended"), and nothing
        typed before listening began."""
        try:
            import termios

            fd = sys.stdin.fileno()
            self._saved = termios.tcgetattr(fd)
            quiet = termios.tcgetattr(fd)
            quiet[3] &= ~termios.ECHO
            # TCSAFLUSH: an Enter pressed during the interviewer's line must not end the answer
            # before it begins (it did: "Answer ended after 0.0 s (Enter pressed)").
            termios.tcsetattr(fd, termios.TCSAFLUSH, quiet)
        except (ImportError, OSError, ValueError, AttributeError):  # Windows, or not a real terminal
            self._saved = None

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([sys.stdin], [], [], 0.1)
            except (OSError, ValueError):
                return
            if ready:
                try:
                    line = sys.stdin.readline()
                except OSError:  # the terminal hung up (EIO)
                    return
                if line:  # "" is the end of input (a hangup), not Enter: SIGHUP stops the drill
                    self.pressed.set()
                return

    def close(self) -> None:
        self._stop.set()
        if self._saved is not None:
            import termios

            # TCSAFLUSH: keys typed during the answer (an 'r', a 'q') must not act on the prompt after it.
            with contextlib.suppress(OSError, ValueError, termios.error):  # termios.error: hung up
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSAFLUSH, self._saved)
            self._saved = None


def spool_bytes(samples: np.ndarray) -> bytes:
    """Samples as ``listen``'s ``spool`` holds them: 16-bit little-endian PCM, 16 kHz mono."""
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()


def listen(
    blocks: Iterator[np.ndarray],
    options: ListenOptions | None = None,
    on_chunk: Callable[[Chunk], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    spool: Path | None = None,
    judge: EndOfTurn | None = None,
) -> Capture:
    """Consume ``blocks`` until the answer ends; return everything captured.

    ``on_chunk`` receives each stretch of speech as soon as a pause closes it,
    and the last stretch when the answer ends. ``spool`` receives the raw 16-bit
    samples as they arrive (flushed per block) so a killed process loses nothing.
    ``judge`` decides at each pause whether the answer is over (one is made when
    ``options.end_silence_s`` is None and none is given).
    """
    o = options or ListenOptions()
    if o.end_silence_s is None and judge is None:
        judge = EndOfTurn(o.endpoint)
    vad = StreamingVad(o.vad)
    enter = _EnterKey() if o.enter_ends else None
    parts: list[np.ndarray] = []
    total = 0  # samples captured
    vad_pos = 0  # samples judged by the VAD
    speech: list[list[float]] = []  # [start, end] in samples
    in_speech = False
    last_speech_end: int | None = None
    chunk_start = 0  # first sample of the chunk being built
    chunk_has_speech = False
    ended_by: EndReason = "end_of_recording"
    pad = int(0.3 * SAMPLE_RATE)
    spool_file = None
    if spool:
        try:
            spool_file = open(spool, "ab")  # noqa: SIM115 - closed in finally
            os.chmod(spool, 0o600)
        except OSError as exc:  # a full or read-only disk must not stop the answer
            log.warning("cannot spool the answer to %s (%s); keeping it in memory", spool, exc)

    def audio_between(a: int, b: int) -> np.ndarray:
        return np.concatenate(parts)[a:b] if parts else np.zeros(0, np.float32)

    committed = False  # a chunk has been handed on: what follows can be read with its end as a lead-in

    def make_chunk(end: int, tentative: bool = False) -> Chunk:
        start = chunk_start
        if committed and last_speech_end is not None:
            # Measured from the speech end, not ``end``, so a pause's snapshot and the chunk
            # closed at the same pause are the same audio (LiveTranscription adopts it).
            start = max(0, min(chunk_start, last_speech_end - int(o.min_chunk_s * SAMPLE_RATE)))
        return Chunk(
            audio=audio_between(start, end),
            offset=start / SAMPLE_RATE,
            speech_until=None if last_speech_end is None else last_speech_end / SAMPLE_RATE,
            tentative=tentative,
            lead_s=(chunk_start - start) / SAMPLE_RATE,
        )

    def emit_chunk(end: int) -> None:
        nonlocal chunk_start, chunk_has_speech, committed
        if on_chunk and chunk_has_speech and end > chunk_start:
            on_chunk(make_chunk(end))
            committed = True
        chunk_start = end
        chunk_has_speech = False

    snapshot_for: int | None = None  # the speech end a tentative snapshot was sent for

    try:
        for block in _guarded(blocks):
            parts.append(block)
            total += block.size
            if spool_file:
                try:
                    spool_file.write(spool_bytes(block))
                    spool_file.flush()
                except OSError as exc:  # disk full: keep listening, the answer is still in memory
                    log.warning("cannot spool the answer to %s (%s); keeping it in memory", spool, exc)
                    with contextlib.suppress(OSError):
                        spool_file.close()
                    spool_file = None
            for _prob, is_speech in vad.feed(block):
                if is_speech and not in_speech:
                    if judge:
                        judge.speech()
                    speech.append([vad_pos, vad_pos + WINDOW])
                    if not chunk_has_speech:
                        # Start the chunk a little before the speech, not at the last cut.
                        chunk_start = max(chunk_start, vad_pos - pad)
                    chunk_has_speech = True
                if is_speech:
                    speech[-1][1] = vad_pos + WINDOW
                    last_speech_end = vad_pos + WINDOW
                in_speech = is_speech
                vad_pos += WINDOW
                if chunk_has_speech and not in_speech and last_speech_end is not None:
                    gap = vad_pos - last_speech_end
                    long_enough = last_speech_end - chunk_start >= o.min_chunk_s * SAMPLE_RATE
                    if gap >= o.chunk_gap_s * SAMPLE_RATE and long_enough:
                        emit_chunk(last_speech_end + gap // 2)
                    elif gap >= o.snapshot_gap_s * SAMPLE_RATE and snapshot_for != last_speech_end and on_chunk:
                        # Too short to commit, but if this is the end (Enter), its
                        # words will be ready: decode a snapshot while we wait.
                        snapshot_for = last_speech_end
                        on_chunk(make_chunk(vad_pos, tentative=True))
                    elif vad_pos - chunk_start >= o.max_chunk_s * SAMPLE_RATE:
                        emit_chunk(vad_pos)
                elif chunk_has_speech and vad_pos - chunk_start >= o.max_chunk_s * SAMPLE_RATE:
                    emit_chunk(vad_pos)
            silence = (vad_pos - last_speech_end) / SAMPLE_RATE if last_speech_end is not None and not in_speech else 0.0
            if on_progress:
                lv = level(block)
                on_progress(
                    Progress(
                        elapsed=total / SAMPLE_RATE,
                        level_dbfs=lv.rms_dbfs,
                        speaking=in_speech,
                        silent_input=lv.silent,
                        clipping=lv.clipping,
                        block_s=block.size / SAMPLE_RATE,
                        still_listening=judge.still_listening(silence) if judge and silence else False,
                    )
                )
            if last_speech_end is not None and not in_speech:
                if judge is not None:
                    # Smart Turn hears the speech and 0.2 s of the pause, as pipecat feeds it.
                    upto = last_speech_end + int(0.2 * SAMPLE_RATE)
                    done = judge.should_end(silence, last_speech_end / SAMPLE_RATE, partial(audio_between, 0, upto))
                else:
                    done = o.end_silence_s is not None and silence >= o.end_silence_s
                if done:
                    ended_by = "silence"
                    break
            if enter and enter.pressed.is_set():
                ended_by = "enter"
                break
            if total >= o.max_seconds * SAMPLE_RATE:
                ended_by = "max_length"
                break
            if last_speech_end is None and total >= o.no_speech_timeout_s * SAMPLE_RATE:
                ended_by = "no_speech"
                break
    except KeyboardInterrupt:
        ended_by = "interrupted"
    except _DeviceLost:
        ended_by = "device_lost"
    finally:
        if enter:
            enter.close()
        if spool_file:
            with contextlib.suppress(OSError):
                spool_file.close()
    ended_at = time.monotonic()
    audio = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    if chunk_has_speech:
        emit_chunk(audio.size)
    return Capture(
        audio=audio,
        ended_by=ended_by,
        speech=tuple((a / SAMPLE_RATE, b / SAMPLE_RATE) for a, b in speech),
        level=level(audio),
        speech_end=None if last_speech_end is None else last_speech_end / SAMPLE_RATE,
        ended_at=ended_at,
    )


def _guarded(blocks: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    """Pass blocks through; a device error mid-stream becomes _DeviceLost."""
    try:
        yield from blocks
    except _DeviceLost:
        raise
    except Exception as exc:
        if type(exc).__name__ == "PortAudioError":
            log.warning("input device failed: %s", exc)
            raise _DeviceLost() from exc
        raise
