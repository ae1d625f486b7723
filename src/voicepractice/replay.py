"""Replay a stored session: its timeline, the timed transcript, and the player.

A session is replayed as one timeline: each turn's interviewer line, then the
person's answer, back to back with a short gap. ``build_timeline`` works out
where every word sits on it (the interviewer's words are spread over the line's
audio in proportion to their length; the answer's come from the recogniser) and
which findings mark it; ``Timeline.word_at`` says which word is current at a
moment. The drawing (``render_text``, ``frame``) and the audio (``Player``) only
read from the timeline, so the timing logic is tested without a terminal or a
sound card.

Times shown and exported are on this timeline; the review page and the report
card give times inside each answer's recording.
"""

from __future__ import annotations

import bisect
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from .errors import StoreError
from .labels import at, element_label, turn_title
from .labels import clock as label_clock
from .records import NOTHING_TO_SCORE, Finding, Report, Transcript
from .show import hanging_grid
from .speak import no_speaker, output_device
from .store import Session

log = logging.getLogger(__name__)

GAP_S = 0.4
"""Silence between two stretches of the timeline."""
SPEECH_RATE_CPS = 14.0
"""Characters per second, to guess a line's length when its audio is missing."""

Speaker = Literal["interviewer", "you"]
Mark = Literal["hit", "weak", "pitfall", "missing", "filler"]
_SEVERITY: dict[str, int] = {"filler": 1, "hit": 2, "weak": 3, "pitfall": 4}


@dataclass(frozen=True)
class TimedWord:
    """A word placed on the replay timeline."""

    text: str
    start: float
    """Seconds on the timeline."""
    end: float
    marks: tuple[str, ...] = ()
    """Element names of the findings whose evidence holds this word (``filler`` for a filler)."""
    style: str | None = None
    """The strongest mark: ``hit``, ``weak``, ``pitfall`` or ``filler`` (None: unmarked)."""


@dataclass(frozen=True)
class Line:
    """One sentence (or the interviewer's whole line) on the timeline."""

    turn: int
    speaker: Speaker
    words: tuple[TimedWord, ...]

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return self.words[-1].end

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class Stretch:
    """One recording on the timeline: an interviewer line or an answer."""

    turn: int
    speaker: Speaker
    start: float
    duration: float
    audio: Path | None
    """The WAV to play (None when it was never recorded or is gone)."""


@dataclass(frozen=True)
class Timeline:
    """Everything replay needs, in timeline seconds."""

    session: Session
    stretches: tuple[Stretch, ...]
    lines: tuple[Line, ...]
    duration: float
    words: tuple[TimedWord, ...] = field(init=False)
    _starts: tuple[float, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        words = tuple(w for line in self.lines for w in line.words)
        object.__setattr__(self, "words", words)
        object.__setattr__(self, "_starts", tuple(w.start for w in words))

    def word_at(self, t: float) -> int | None:
        """Index (in ``words``) of the word being spoken at ``t``, or None between lines.

        A word stays current through the short gap after it, up to the next word,
        unless the gap ends its line (then nothing is current until the next line).
        """
        i = bisect.bisect_right(self._starts, t) - 1
        if i < 0:
            return None
        line_end = self.line_of(i)[1].end
        return i if t < max(self.words[i].end, line_end) else None

    def line_of(self, word_index: int) -> tuple[int, Line]:
        n = 0
        for li, line in enumerate(self.lines):
            n += len(line.words)
            if word_index < n:
                return li, line
        raise IndexError(word_index)

    def line_at(self, t: float) -> int | None:
        """Index of the line being spoken at ``t`` (the last one started, when between lines)."""
        starts = [line.start for line in self.lines]
        i = bisect.bisect_right(starts, t) - 1
        return i if i >= 0 else None

    def seek_line(self, t: float, step: int) -> float:
        """The start of the line ``step`` lines from the one at ``t`` (clamped)."""
        if not self.lines:
            return 0.0
        cur = self.line_at(t)
        # ↑ is always the line before (people read the transcript, not a playlist: a
        # "restart this line first" rule made ↑ look broken); before the first line, the first.
        target = (0 if step > 0 else -1) if cur is None else cur + step
        if target >= len(self.lines):
            return t  # ↓ on the last line: nowhere further, stay where we are
        return self.lines[max(0, target)].start


# --- building the timeline ------------------------------------------------------------


def _audio_seconds(path: Path | None) -> float | None:
    if path is None or not path.is_file():
        return None
    try:
        import soundfile as sf

        info = sf.info(str(path))
        return float(info.frames) / float(info.samplerate)
    except (OSError, RuntimeError):  # unreadable file (soundfile.LibsndfileError): treat as missing
        return None


_SENTENCE_END = re.compile(r"[.?!][\"')\]]*$")


def _norm(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())


def word_marks(transcript: Transcript, report: Report | None, turn: int) -> list[tuple[str, ...]]:
    """For each word of ``transcript``, the findings (and ``filler``) that mark it."""
    marks: list[list[str]] = [[] for _ in transcript.words]
    if report is not None:
        for f in report.findings:
            if not _marked(f):
                continue
            for ev in f.evidence:
                if ev.turn != turn:
                    continue
                for i in _evidence_words(transcript, ev.quote, ev.start, ev.end):
                    if f.element not in marks[i]:
                        marks[i].append(f.element)
    try:
        from .delivery import find_fillers
    except ImportError:  # pragma: no cover - older checker without filler positions
        return [tuple(m) for m in marks]
    for a, b, _ in find_fillers([w.text for w in transcript.words]):
        for i in range(a, b):
            marks[i].append("filler")
    return [tuple(m) for m in marks]


def _marked(f: Finding) -> bool:
    return f.found and bool(f.evidence)


def _evidence_words(
    tr: Transcript, quote: str, start: float | None, end: float | None
) -> list[int]:
    if start is not None and end is not None and tr.timed:
        eps = 0.02
        return [
            i for i, w in enumerate(tr.words)
            if w.start is not None and w.end is not None and w.start >= start - eps and w.end <= end + eps
        ]  # fmt: skip
    # Typed text has no times: find the quote's words in order.
    want = [_norm(w) for w in quote.split() if _norm(w)]
    have = [_norm(w.text) for w in tr.words]
    for i in range(len(have) - len(want) + 1):
        if want and have[i : i + len(want)] == want:
            return list(range(i, i + len(want)))
    return []


def word_style(marks: Sequence[str], report: Report | None) -> str | None:
    best: str | None = None
    for m in marks:
        if m == "filler":
            kind = "filler"
        elif report is None:
            continue
        else:
            try:
                f = report.finding(m)
            except KeyError:
                continue
            kind = "pitfall" if f.kind == "pitfall" else ("weak" if f.weak else "hit")
        if best is None or _SEVERITY[kind] > _SEVERITY[best]:
            best = kind
    return best


def _spread(text: str, start: float, duration: float) -> tuple[TimedWord, ...]:
    """The words of a line laid evenly (by length) over ``duration`` seconds."""
    words = text.split()
    if not words:
        return ()
    total = sum(len(w) + 1 for w in words)
    out: list[TimedWord] = []
    t = start
    for w in words:
        d = duration * (len(w) + 1) / total
        out.append(TimedWord(w, round(t, 3), round(t + d, 3)))
        t += d
    return tuple(out)


def build_timeline(session: Session) -> Timeline:
    """Lay the session's turns out on one timeline."""
    folder = session.folder
    stretches: list[Stretch] = []
    lines: list[Line] = []
    t = 0.0
    for n, turn in enumerate(session.turns):
        if turn.line.strip():
            path = folder / turn.interviewer_audio if folder and turn.interviewer_audio else None
            secs = _audio_seconds(path)
            if secs is None:
                path = None
                secs = max(1.0, len(turn.line) / SPEECH_RATE_CPS)
            stretches.append(Stretch(n, "interviewer", t, secs, path))
            # espeak pads its output a little; keep the words inside the audio.
            lines.append(Line(n, "interviewer", _spread(turn.line, t + 0.1, max(0.5, secs - 0.3))))
            t += secs + GAP_S
        if not turn.answer_audio and turn.transcript is None:
            continue
        path = folder / turn.answer_audio if folder and turn.answer_audio else None
        secs = _audio_seconds(path)
        tr = turn.transcript
        if secs is None:
            path = None
        if tr is not None and tr.duration:
            secs = secs or tr.duration
        if secs is None:
            last = tr.words[-1].end if tr and tr.words and tr.words[-1].end else None
            secs = float(last) if last else 0.0
        stretches.append(Stretch(n, "you", t, secs, path))
        if tr is not None and tr.words:
            lines.extend(_answer_lines(tr, session.report, n, t, secs))
        t += secs + GAP_S
    duration = max(0.0, t - GAP_S) if stretches else 0.0
    return Timeline(session, tuple(stretches), tuple(lines), duration)


def _answer_lines(
    tr: Transcript, report: Report | None, turn: int, offset: float, secs: float
) -> list[Line]:
    marks = word_marks(tr, report, turn)
    if tr.timed:
        timed = [
            TimedWord(
                w.text,
                offset + (w.start or 0.0),
                offset + (w.end or w.start or 0.0),
                m,
                word_style(m, report),
            )
            for w, m in zip(tr.words, marks, strict=True)
        ]
    else:
        spread = _spread(" ".join(w.text for w in tr.words), offset, max(secs, 0.3 * len(tr.words)))
        timed = [
            TimedWord(s.text, s.start, s.end, m, word_style(m, report))
            for s, m in zip(spread, marks, strict=True)
        ]
    lines: list[Line] = []
    cur: list[TimedWord] = []
    for w in timed:
        cur.append(w)
        if _SENTENCE_END.search(w.text) or len(cur) >= 30:
            lines.append(Line(turn, "you", tuple(cur)))
            cur = []
    if cur:
        lines.append(Line(turn, "you", tuple(cur)))
    return lines


# --- drawing ---------------------------------------------------------------------------

STYLES: dict[str, str] = {
    "hit": "green",
    "weak": "yellow",
    "pitfall": "bold red",
    "filler": "magenta",
}


def clock(seconds: float) -> str:
    m, s = divmod(max(0.0, seconds), 60)
    return f"{int(m)}:{s:04.1f}"


def _line_text(line: Line, current: int | None = None, report: Report | None = None) -> Text:
    t = Text()
    for i, w in enumerate(line.words):
        if i:
            t.append(" ")
        style = STYLES.get(w.style or "", "")
        if current == i:
            style = (style + " reverse").strip()
        t.append(w.text, style=style or None)
    tags = list(dict.fromkeys(m for w in line.words for m in w.marks if m != "filler"))
    if tags:
        # The labels people read on the card ("Why you fit"), never internal names ("qualifications").
        t.append("  " + " ".join(f"[{element_label(m, report)}]" for m in tags), style="dim")
    return t


def _speaker_label(line: Line, names: Sequence[str]) -> str:
    who = "Interviewer" if line.speaker == "interviewer" else "You"
    if len(names) > 1:
        return f"{who} (turn {line.turn + 1}, {turn_title(names[line.turn]).lower()})"
    return who


def header(session: Session) -> Text:
    score = f" · {session.report.score}/4 core elements" if session.report else ""
    if session.unscored:
        score = " · not scored"  # no English heard: "0/4" read as a verdict on what was said
    return Text(
        f"Session {session.id} · {session.scenario} · {session.created_at[:16].replace('T', ' ')}{score}",
        style="bold",
    )


def render_text(timeline: Timeline) -> Group:
    """The timed transcript with findings, for ``replay --no-audio``."""
    session = timeline.session
    names = [t.turn_id for t in session.turns]
    parts: list[RenderableType] = [header(session)]
    if session.status == "recovered":
        parts.append(
            Text(
                "This drill was recovered after a crash: the audio is kept, but it was never transcribed or checked.",
                style="yellow",
            )
        )
    last_turn = -1
    answer_start = {st.turn: st.start for st in timeline.stretches if st.speaker == "you"}
    grid: Table | None = None
    for line in timeline.lines:
        if line.turn != last_turn:
            if len(names) > 1:
                parts.append(Text(f"\nTurn {line.turn + 1} · {turn_title(names[line.turn])}", style="bold"))
            else:
                parts.append(Text(""))
            grid = Table.grid(padding=(0, 1))
            grid.add_column(justify="right", style="dim", no_wrap=True)
            grid.add_column(no_wrap=True)
            grid.add_column()
            parts.append(grid)
        last_turn = line.turn
        assert grid is not None
        if line.speaker == "interviewer":
            grid.add_row(
                "",
                Text("Interviewer", style="bold magenta"),
                Text(line.text, style="magenta"),
            )
        else:
            # Time within the answer, as the findings and the report card give it.
            grid.add_row(
                label_clock(line.start - answer_start.get(line.turn, 0.0)),
                Text("You", style="bold"),
                _line_text(line, report=session.report),
            )
    answered = [t for t in session.turns if t.answer_audio or t.transcript]
    silent = answered and not any(t.transcript and t.transcript.words for t in answered) and session.status != "recovered"
    if silent:
        parts.append(Text("Nothing was heard in the answer, so there is nothing to score or fix.", style="yellow"))
    if session.unscored and answered:
        if not silent:  # words, none of them English: as the card says, no coaching on them
            parts.append(Text(f"\n{NOTHING_TO_SCORE}", style="yellow"))
    elif session.report is not None:
        parts.append(Text("\nFindings", style="bold"))
        parts.extend(findings_lines(timeline))
        parts.append(_Legend())
    return Group(*parts)


COLOUR_LEGEND = "green: earned an element · yellow: weak · red: pitfall · magenta: filler"
PLAIN_LEGEND = "✓ earned · ~ weak · ✗ missing · ⚠ pitfall · [name] after a line: found in it"
"""Piped, or NO_COLOR: nothing is coloured, so the key names the marks the text has without colour."""


class _Legend:
    """The key under the findings, for the console it is printed on: a colour key only where colour is shown."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        plain = console.no_color or console.color_system is None
        yield Text(PLAIN_LEGEND if plain else COLOUR_LEGEND, style="dim")


def findings_lines(timeline: Timeline) -> list[Table]:
    """The findings as a grid: the mark in a column of its own, so a quote or coaching that
    wraps (at 80 columns most do) stays indented under its label instead of at column 0."""
    report = timeline.session.report
    if report is None:
        return []
    turns = len(timeline.session.turns)
    grid = hanging_grid()
    shown = (
        list(report.core)
        + [f for f in report.extras if f.found]
        + [f for f in report.pitfalls if f.found]
    )
    for f in shown:
        if f.kind == "pitfall":
            mark, style = "⚠", "bold red"
        elif f.found and f.weak:
            mark, style = "~", "yellow"
        elif f.found:
            mark, style = "✓", "green"
        else:
            mark, style = "✗", "red"
        t = Text(f.label or f.element, style="bold")
        for ev in f.evidence[:1]:
            t.append(f"  “{ev.quote}”", style="italic")
            where = at(ev.turn, ev.start, turns)
            if where:
                t.append(f"  {where}", style="dim")
        coach = (not f.found and f.kind != "pitfall") or f.weak or (f.kind == "pitfall" and f.found)
        if coach and f.coaching:
            t.append(f"\n{f.coaching}", style="cyan")
            if f.example:
                t.append(f"\nTry: “{f.example}”", style="green")
        grid.add_row(Text(f"  {mark}", style=style), t)
    return [grid]


def frame(timeline: Timeline, t: float, paused: bool, window: int = 7) -> Group:
    """What the live replay shows at moment ``t``: lines around the current one, current word highlighted."""
    names = [tr.turn_id for tr in timeline.session.turns]
    wi = timeline.word_at(t)
    li = timeline.line_at(t)
    current_line, current_word = (None, None)
    if wi is not None:
        current_line, line = timeline.line_of(wi)
        current_word = wi - sum(len(x.words) for x in timeline.lines[:current_line])
    elif li is not None:
        current_line = li
    centre = current_line if current_line is not None else 0
    lo = max(0, min(centre - window // 2, len(timeline.lines) - window))
    rows: list[RenderableType] = [header(timeline.session), Text("")]
    for i in range(lo, min(len(timeline.lines), lo + window)):
        line = timeline.lines[i]
        row = Text(
            f"{_speaker_label(line, names)}: ",
            style="bold magenta" if line.speaker == "interviewer" else "bold",
        )
        row.append_text(_line_text(line, current_word if i == current_line else None, timeline.session.report))
        if i != current_line:
            row.stylize("dim")
        # The ▶ in a column of its own: a line that wraps at 80 columns stays indented under its speaker.
        grid = hanging_grid()
        grid.add_row(Text("▶" if i == current_line else " ", style="bold"), row)
        rows.append(grid)
    state = "paused" if paused else "playing"
    rows.append(Text(f"\n{clock(t)} / {clock(timeline.duration)}  {state}", style="bold"))
    rows.append(Text("space pause · ←/→ 5 s · ↑/↓ line · q quit", style="dim"))
    return Group(*rows)


# --- playing ---------------------------------------------------------------------------


def mix(timeline: Timeline) -> tuple[np.ndarray, int]:
    """The whole timeline as one mono track (silence where audio is missing)."""
    from .audio import read_wav, resample

    rate = 22_050
    track = np.zeros(round(timeline.duration * rate) + 1, dtype=np.float32)
    for s in timeline.stretches:
        if s.audio is None:
            continue
        try:
            audio, sr = read_wav(s.audio)
        except (
            OSError,
            RuntimeError,
        ) as exc:  # a damaged file plays as silence rather than stopping the replay
            log.warning("cannot read %s: %s", s.audio, exc)
            continue
        audio = resample(audio, sr, rate)
        a = round(s.start * rate)
        n = min(audio.size, track.size - a)
        if n > 0:
            track[a : a + n] = audio[:n]
    return track, rate


@dataclass
class PlayerState:
    """Where the replay is, and what a key does to it. No clock, no sound: easy to test."""

    duration: float
    position: float = 0.0
    paused: bool = False
    quit: bool = False
    step_s: float = 5.0

    def key(self, key: str, timeline: Timeline | None = None) -> bool:
        """Apply a key; True when playback must restart from ``position`` (seek or resume)."""
        if key in ("q", "Q", "escape"):
            self.quit = True
            return False
        if key == " ":
            self.paused = not self.paused
            return not self.paused
        if key in ("left", "right"):
            delta = self.step_s if key == "right" else -self.step_s
            self.position = min(self.duration, max(0.0, self.position + delta))
            return not self.paused
        if key in ("up", "down") and timeline is not None:
            self.position = timeline.seek_line(self.position, -1 if key == "up" else 1)
            return not self.paused
        return False


class AudioOut:
    """Plays a track from a position through one open output stream, non-blocking.

    A seek or a pause only moves the read position the stream's callback follows, so it
    takes effect at once. (Restarting with sd.stop() + sd.play() closed the stream each
    time, which ALSA's pulse plugin drains for about 0.9 s: the screen froze for that
    second, and a ↓ pressed meanwhile looked like it did nothing.)
    """

    LATENCY_S = 0.1
    """Output buffer: how late a seek is heard; replay loads no model, so a short one holds."""

    def __init__(self, device: int | str | None) -> None:
        import threading

        no_audio = "use `voicepractice replay --no-audio` to read the timed transcript"
        self._what_to_do = f"{no_audio}, or pick a device with --output"
        self._sd = output_device(device, self._what_to_do, instead=no_audio)
        self.device = device
        self._lock = threading.Lock()
        self._track = np.zeros(0, np.float32)
        self._next = 0  # the next sample the callback plays
        self._playing = False
        self._stream: object | None = None
        self._rate = 0

    def _fill(self, outdata: np.ndarray, frames: int, _time: object, _status: object) -> None:
        with self._lock:
            chunk = self._track[self._next : self._next + frames] if self._playing else self._track[:0]
            self._next += chunk.size
        outdata[: chunk.size, 0] = chunk
        outdata[chunk.size :] = 0

    def start(self, track: np.ndarray, rate: int, position: float) -> None:
        with self._lock:
            self._track, self._next, self._playing = track, int(position * rate), True
        if self._stream is None or self._rate != rate:
            self.close()
            try:
                stream = self._sd.OutputStream(
                    samplerate=rate, channels=1, dtype="float32", device=self.device,
                    latency=self.LATENCY_S, callback=self._fill,
                )  # fmt: skip
                stream.start()
            except (ValueError, self._sd.PortAudioError) as exc:
                # Listed but not openable: the audio server went away, or headphones were unplugged.
                raise no_speaker(self.device, self._what_to_do) from exc
            self._stream, self._rate = stream, rate

    def stop(self) -> None:
        with self._lock:
            self._playing = False  # the stream plays silence until the next start

    def close(self) -> None:
        """Close the stream (this one may wait for the device: only when replay ends)."""
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.abort()  # type: ignore[attr-defined]
            stream.close()  # type: ignore[attr-defined]


def _keys(fd: int | None = None) -> AbstractContextManager[Callable[[float], str | None]]:
    """Keys from the terminal for the player: what was typed before replay started is flushed
    (a key meant for the shell must not pause or scroll the player)."""
    from .keys import key_reader

    return key_reader(fd, keep_typed_ahead=False)


class Sink(Protocol):
    """Where replay sends sound (``AudioOut``; a fake in tests)."""

    def start(self, track: np.ndarray, rate: int, position: float) -> None: ...
    def stop(self) -> None: ...


def play(
    timeline: Timeline,
    out: Sink,
    interactive: bool,
    console: Console | None = None,
    keys: AbstractContextManager[Callable[[float], str | None]] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> PlayerState:
    """Play the timeline with the transcript scrolling until it ends or q is pressed.

    ``keys`` reads one key with a timeout (default: the terminal when ``interactive``,
    else none); ``clock`` tells the time. Returns the final state.
    """
    from rich.live import Live

    from .show import out as stdout

    if timeline.duration <= 0:
        raise StoreError(
            f"session {timeline.session.id} has no audio to play: try `voicepractice replay --no-audio`"
        )
    track, rate = mix(timeline)
    state = PlayerState(timeline.duration)
    if keys is None:
        keys = _keys() if interactive else _no_keys()
    console = console or stdout
    with (
        keys as read,
        Live(frame(timeline, 0.0, False), console=console, refresh_per_second=20) as live,
    ):
        out.start(track, rate, 0.0)
        started, base = clock(), 0.0
        try:
            while not state.quit:
                if not state.paused:
                    state.position = min(timeline.duration, base + clock() - started)
                    if state.position >= timeline.duration:
                        break
                live.update(frame(timeline, state.position, state.paused))
                try:
                    key = read(0.05)
                except EOFError:  # the terminal went away
                    break
                if key is None:
                    continue
                if not state.paused:  # act on where the sound is now, not where it was drawn
                    state.position = min(timeline.duration, base + clock() - started)
                was_paused = state.paused
                if state.key(key, timeline):
                    out.start(track, rate, state.position)
                    started, base = clock(), state.position
                elif state.paused and not was_paused:
                    out.stop()
        finally:
            out.stop()
        live.update(frame(timeline, state.position, state.paused))
    return state


@contextmanager
def _no_keys() -> Iterator[Callable[[float], str | None]]:
    def read(timeout: float) -> str | None:
        time.sleep(timeout)
        return None

    yield read
