"""Who has the floor: nothing the person says between or over the interviewer's lines is lost.

The microphone (or the recording standing in for it) is read by a ``BlockPump``
thread for the whole drill, so sound keeps arriving while the drill prepares
the interviewer's reply and while the interviewer speaks. Then:

* speech that starts after an answer was judged finished but before the
  interviewer's next line begins **reopens** the answer (``reopen``): the person
  had only paused;
* speech that goes on while the interviewer speaks **stops the line** (``Barge``),
  as a caller stops for someone who was not done: the answer takes up again with
  everything heard since the line began, and the line comes again after it;
* speech over a line that did not stop it (a word or two, or no sound to stop:
  the lines shown as text) is **kept** in the answer before it, and the person
  is told, unless its words are the interviewer's own line coming back through
  laptop speakers (echo): the product expects headphones, and on speakers the
  echo is recognised by its words matching the line just played, and dropped.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import replace

import numpy as np

from .audio import SAMPLE_RATE, leave_portaudio_open_at_exit, level
from .listen import Capture, Chunk
from .records import Word

log = logging.getLogger(__name__)

MIN_SPEECH_S = 0.25
"""Less speech than this in a stretch (a cough, a click) does not reopen an answer."""
ECHO_SIMILARITY = 75
"""rapidfuzz partial ratio above which words heard during a line are that line's echo."""
ECHO_PROBE_S = 1.0
"""Speech heard during the drill's first line, before any answer, that says the microphone hears
the speakers (the drill's lines) rather than headphones."""
STOP_WAIT_S = 6.0
"""How long ``BlockPump.stop`` waits for the source to close: the pump notices the stop at the next
block (32 ms), and a microphone that delivers nothing more gives up after 5 s (listen.microphone_blocks)."""


class BlockPump:
    """Reads a block iterator on its own thread so nothing is missed while the drill does other work.

    Iterating over the pump yields the blocks in order (waiting for the next);
    ``drain`` takes whatever has arrived without waiting. An error raised by the
    source (a lost device) is raised again to the consumer, in order.
    """

    _END = object()

    def __init__(self, blocks: Iterator[np.ndarray]) -> None:
        self._source = blocks
        self._queue: queue.Queue[object] = queue.Queue()
        self._stop = threading.Event()
        self._ended = False
        self._thread = threading.Thread(target=self._run, name="block-pump", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for block in self._source:
                if self._stop.is_set():
                    break
                self._queue.put(block)
        except BaseException as exc:  # re-raised in the consumer's thread
            self._queue.put(exc)
        finally:
            self._queue.put(self._END)
            close = getattr(self._source, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # noqa: BLE001 - a generator already closing
                    log.debug("closing the block source failed", exc_info=True)

    def __iter__(self) -> Iterator[np.ndarray]:
        return self

    def __next__(self) -> np.ndarray:
        if self._ended:
            raise StopIteration
        while True:
            try:
                item = self._queue.get(timeout=0.2)  # a timeout keeps Ctrl-C responsive
                break
            except queue.Empty:
                continue
        if item is self._END:
            self._ended = True
            raise StopIteration
        if isinstance(item, BaseException):
            self._ended = True
            raise item
        assert isinstance(item, np.ndarray)
        return item

    def get(self, timeout: float) -> np.ndarray | None:
        """The next block, or None when none comes within ``timeout`` s (an error or the end stays queued)."""
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if not isinstance(item, np.ndarray):
            self._requeue_front(item)
            return None
        return item

    def drain(self) -> list[np.ndarray]:
        """Every block that has arrived, without waiting (an error or the end stays queued)."""
        out: list[np.ndarray] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return out
            if not isinstance(item, np.ndarray):
                self._requeue_front(item)
                return out
            out.append(item)

    def _requeue_front(self, item: object) -> None:
        with self._queue.mutex:
            self._queue.queue.appendleft(item)
            self._queue.not_empty.notify()

    def stop(self, wait_s: float = STOP_WAIT_S) -> None:
        """Stop reading, and wait (up to ``wait_s``) until the pump thread has closed the source.

        The source is a microphone stream: left for the pump thread to close "soon", it could
        still be closing when the process exits, while sounddevice's exit handler (Pa_Terminate)
        closed it too; both then joined PortAudio's callback thread and the process hung at exit
        (tests/test_floor.py reproduces it through a real audio server).
        """
        # Not named close(): ``yield from pump`` in a generator that is dropped would call it.
        self._stop.set()
        if self._thread is threading.current_thread():
            return
        self._thread.join(wait_s)
        if self._thread.is_alive():
            log.warning("the audio input did not close within %.0f s; it is left to the system at exit", wait_s)
            leave_portaudio_open_at_exit()

    @property
    def running(self) -> bool:
        """The pump thread is still reading (or closing) its source."""
        return self._thread.is_alive()


class Watch:
    """The microphone between an answer judged finished and the interviewer's next line.

    Everything heard since the decision is kept (``audio``), and the VAD runs over it
    as it arrives. ``went_on`` is the drill's last look before the line's first sample:
    the person has gone on once ``MIN_SPEECH_S`` of speech is heard. Speech that is
    only starting at that moment is waited out, never guessed: the line waits (at most
    ``ONSET_WAIT_S`` of audio) until the stretch is either long enough (the answer is
    reopened) or over (a cough: the line starts). So a sentence resumed right up to the
    line's first sample reopens the answer, and a cough delays the line by its length.
    """

    ONSET_WAIT_S = MIN_SPEECH_S + 0.15
    """Audio waited for after the last look while the VAD says speech is under way."""
    STALL_S = 1.0
    """Wall time waited for a block that does not come (a stalled source): then the line starts."""

    def __init__(self, pump: BlockPump) -> None:
        from .vad import StreamingVad

        self._pump = pump
        self._blocks: list[np.ndarray] = []
        self._vad = StreamingVad()
        self._speech_windows = 0

    @property
    def audio(self) -> np.ndarray:
        """Everything heard since the watch began."""
        return join(self._blocks)

    @property
    def speech_s(self) -> float:
        from .vad import WINDOW

        return self._speech_windows * WINDOW / SAMPLE_RATE

    def _take(self, block: np.ndarray) -> None:
        self._blocks.append(block)
        self._speech_windows += sum(1 for _, speaking in self._vad.feed(block) if speaking)

    def take_arrived(self) -> np.ndarray:
        """Take in every block that has arrived, without waiting; everything heard since the watch began."""
        for arrived in self._pump.drain():
            self._take(arrived)
        return self.audio

    def went_on(self) -> bool:
        """The last look before the line: True when the person has gone on (the answer reopens)."""
        self.take_arrived()
        waited = 0
        while self.speech_s < MIN_SPEECH_S and self._vad.speaking and waited < self.ONSET_WAIT_S * SAMPLE_RATE:
            block = self._pump.get(timeout=self.STALL_S)
            if block is None:
                break  # the recording ended, or the microphone stalled: nothing more to wait for
            self._take(block)
            waited += block.size
        return self.speech_s >= MIN_SPEECH_S


class Barge:
    """The microphone while the interviewer speaks: the person going on over the line stops it.

    Called between the line's 100 ms writes (``speak.play_samples``'s ``stop``), it takes in
    what has arrived and runs the VAD over it. Once a stretch of speech reaches ``SPEECH_S``
    (a cough or an "mm-hm" does not), the words heard since the line began are decoded off
    the playing thread; words that are not the line's own echo stop the line, as a person
    stops when the other goes on.
    Then ``fired`` is set and ``audio`` holds everything heard since the line began, the
    answer's continuation; ``onset_s`` is where that speech began in it.

    Through laptop speakers the first second of a line's echo, decoded, can come out as
    other words ("He's very..." for "Is there anything...") and stop it. Such a sound
    stops with the line, where a person who was going on goes on: ``goes_on`` listens for
    a moment after the stop to tell the two apart. A drill that has heard its own echo
    (a stop like that, or speech during its first line, before any answer) asks for more
    (``strict``): two looks in a row whose words are not the line's, and speech after the
    stop; after ``ECHOES_PER_DRILL`` such stops it no longer gives way.
    """

    SPEECH_S = 0.5
    """Speech in one stretch before its words are looked at (a word or two)."""
    ECHO_CHECKS = 3
    """Stretches found to be the line's echo before the watch gives up (laptop speakers)."""
    PER_LINE = 2
    """Times one line gives way: a third time it plays on (a television in the room must not
    stop it for ever); what is said over it then is kept with a note."""
    ECHOES_PER_DRILL = 2
    """Stops by a sound that stopped with the line after which a drill no longer gives way: the
    microphone hears the speakers, and each such stop says a line again from its start."""
    AFTER_S = 1.0
    """How long ``goes_on`` listens after the stop."""
    ECHO_TAIL_S = 0.3
    """The start of that, where the line's own sound can still arrive (the room, the input's latency)."""

    def __init__(
        self, pump: BlockPump, line: str, transcribe: Callable[[np.ndarray], Future[list[Word]]], strict: bool = False
    ) -> None:
        from .vad import StreamingVad

        self._pump = pump
        self._line = line
        self._transcribe = transcribe
        self._strict = strict
        self._agreed = 0  # looks in a row whose words were not the line's
        self._blocks: list[np.ndarray] = []
        self._vad = StreamingVad()
        self._heard = 0  # samples fed to the VAD
        self._stretch_start: int | None = None  # sample where the current stretch of speech began
        self._stretch_speech = 0  # speech samples in it
        self._look_at = self._first_look  # speech in the stretch at which its words are looked at
        self._checking: tuple[int, Future[list[Word]]] | None = None
        self._echoes = 0
        self.fired = False
        self.onset_s = 0.0
        self.words: list[Word] = []
        self.looks: list[tuple[float, list[Word]]] = []
        """Every look at the words: seconds heard by then, and the words."""

    @property
    def _first_look(self) -> int:
        return int(self.SPEECH_S * SAMPLE_RATE)

    @property
    def heard_s(self) -> float:
        """Seconds heard since the line began."""
        return sum(b.size for b in self._blocks) / SAMPLE_RATE

    @property
    def audio(self) -> np.ndarray:
        """Everything heard since the line began."""
        return join(self._blocks)

    def goes_on(self) -> bool:
        """After the stop: whether the person was going on (True), or the sound stopped with the
        line (its echo). Waits for ``AFTER_S`` of audio; it is kept.

        Speech after the stop is the person. Without it, the words heard since the line began
        are read once more, now that their end is heard: a short addition the person finished
        as the line stopped ("And is the parking free for staff?") reads as a finished sentence;
        the line's echo, cut off by the stop, reads cut off ("It seems...") or as the line.
        """
        from .vad import WINDOW

        stop, speech = self._heard, 0
        while self._heard < stop + self.AFTER_S * SAMPLE_RATE:
            block = self._pump.get(timeout=Watch.STALL_S)
            if block is None:
                break  # the recording ended, or the microphone stalled
            self._blocks.append(block)
            for _, speaking in self._vad.feed(block):
                if speaking and self._heard >= stop + self.ECHO_TAIL_S * SAMPLE_RATE:
                    speech += WINDOW
                self._heard += WINDOW
        if speech >= MIN_SPEECH_S / 2 * SAMPLE_RATE:
            return True
        if self._strict:
            return False  # the microphone hears the speakers: no reading of words to go on
        said = " ".join(w.text for w in self._transcribe(self.audio).result()).strip()
        log.debug("after the stop, the words over the line read %r", said)
        return said.endswith((".", "?", "!")) and not said.endswith("..") and not is_echo(said, self._line)

    def rest(self) -> Iterator[np.ndarray]:
        """The person's speech from the line's start on: what was heard during it, then the microphone."""
        yield self.audio
        yield from self._pump

    def __call__(self) -> bool:
        """True once the person has gone on over the line (stop it)."""
        if self.fired or self._echoes >= self.ECHO_CHECKS:
            self._blocks.extend(self._pump.drain())
            return self.fired
        from .vad import WINDOW

        for block in self._pump.drain():
            self._blocks.append(block)
            for _, speaking in self._vad.feed(block):
                if speaking:
                    if self._stretch_start is None:
                        self._stretch_start = self._heard
                    self._stretch_speech += WINDOW
                elif not self._vad.speaking:
                    self._stretch_start, self._stretch_speech, self._look_at = None, 0, self._first_look
                self._heard += WINDOW
        if self._checking is not None:
            start, future = self._checking
            if not future.done():
                return False
            self._checking = None
            words = future.result()
            self.looks.append((self.heard_s, words))
            said = " ".join(w.text for w in words)
            log.debug("words over the line at %.2f s: %r", self.heard_s, said)
            self._agreed = self._agreed + 1 if words and not is_echo(said, self._line) else 0
            if self._agreed >= 1 + self._strict:
                self.fired, self.onset_s, self.words = True, start / SAMPLE_RATE, words
                return True
            self._echoes += bool(words) and not self._agreed
            if self._echoes >= self.ECHO_CHECKS:
                log.info("sound during the interviewer's line is its echo (%r): use headphones", said)
        elif self._stretch_start is not None and self._stretch_speech >= self._look_at:
            # Everything since the line began, not the stretch alone: a stretch of echo decoded
            # out of context came out as other words ("so we'll start" for "so I'll stop there").
            self._checking = (self._stretch_start, self._transcribe(self.audio))
            self._look_at = self._stretch_speech + self._first_look  # no words yet, or echo: look again later
        return False


def speech_seconds(audio: np.ndarray) -> float:
    """Seconds the VAD hears as speech in ``audio``."""
    from .vad import WINDOW, StreamingVad

    if audio.size < WINDOW:
        return 0.0
    vad = StreamingVad()
    return sum(1 for _, speaking in vad.feed(audio) if speaking) * WINDOW / SAMPLE_RATE


def has_speech(audio: np.ndarray) -> bool:
    return speech_seconds(audio) >= MIN_SPEECH_S


def join(blocks: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(blocks) if blocks else np.zeros(0, np.float32)


def extend(first: Capture, more: Capture | np.ndarray) -> Capture:
    """``first`` followed by ``more`` (another capture, or raw audio with no decision of its own)."""
    offset = first.duration
    if isinstance(more, np.ndarray):
        audio = np.concatenate([first.audio, more])
        return replace(first, audio=audio, level=level(audio))
    audio = np.concatenate([first.audio, more.audio])
    return Capture(
        audio=audio,
        ended_by=more.ended_by,
        speech=first.speech + tuple((a + offset, b + offset) for a, b in more.speech),
        level=level(audio),
        speech_end=first.speech_end if more.speech_end is None else more.speech_end + offset,
        ended_at=more.ended_at,
    )


def shifted(on_chunk: Callable[[Chunk], None], offset: float) -> Callable[[Chunk], None]:
    """``on_chunk`` for a continuation: chunk times measured from the start of the whole answer."""

    def call(chunk: Chunk) -> None:
        on_chunk(
            replace(
                chunk,
                offset=chunk.offset + offset,
                speech_until=None if chunk.speech_until is None else chunk.speech_until + offset,
            )
        )

    return call


def is_echo(heard: str, line: str) -> bool:
    """Words heard during the interviewer's line that are that line (laptop speakers into the mic)."""
    from rapidfuzz import fuzz

    heard = heard.strip().lower()
    return bool(heard) and fuzz.partial_ratio(heard, line.lower()) >= ECHO_SIMILARITY
