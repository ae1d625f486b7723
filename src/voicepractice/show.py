"""The report card and the live feedback, drawn with rich.

The report goes to stdout; everything transient (spinners, the input meter,
warnings) goes to stderr and is drawn only when stderr is a terminal. rich
honours ``NO_COLOR``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import click
from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from . import stop
from .listen import Capture, Progress
from .records import NOTHING_TO_SCORE, Delivery, Evidence, Finding, Report, Transcript, nothing_to_score


class _Stdout:
    """``sys.stdout`` (looked up at each write, as rich does), without the spaces rich pads every line of a
    table with when the report goes to a file or a pipe: a saved or piped card has no trailing blanks for a
    diff or an editor to show. A terminal gets rich's output untouched."""

    _PADDED = re.compile(r" +(?=\r?\n)")

    def write(self, text: str) -> int:
        stream = sys.stdout
        return stream.write(text if stream.isatty() else self._PADDED.sub("", text))

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding...
        return getattr(sys.stdout, name)


out = Console(file=_Stdout(), highlight=False, soft_wrap=False)  # type: ignore[arg-type]
err = Console(stderr=True, highlight=False)


def clock(seconds: float | None) -> str:
    """``1:04.2`` style time in a recording."""
    if seconds is None:
        return ""
    m, s = divmod(max(0.0, seconds), 60)
    return f"{int(m)}:{s:04.1f}"


def _quote(e: Evidence, turn_names: Sequence[str] | None) -> Text:
    from .labels import at

    t = Text(f"“{e.quote}”", style="italic")
    where = at(e.turn, e.start, len(turn_names) if turn_names else 1)  # "turn 2, 0:14", as everywhere
    if where:
        t.append(f"  {where}", style="dim")
    return t


def _finding_row(f: Finding, turn_names: Sequence[str] | None) -> tuple[Text, Text, Text]:
    if f.kind == "pitfall":
        mark = Text("⚠", style="bold yellow") if f.found else Text("·", style="dim")
    elif f.found and f.weak:
        mark = Text("~", style="bold yellow")
    else:
        mark = Text("✓", style="bold green") if f.found else Text("✗", style="bold red")
    body = Text()
    if f.evidence and (f.found or f.kind == "pitfall"):
        for i, e in enumerate(f.evidence[:2]):
            if i:
                body.append("\n")
            body.append_text(_quote(e, turn_names))
    if f.found and (f.details or {}).get("unsure") and f.confidence is not None:
        # The model's middle band: say so rather than tick it with confidence.
        body.append(f"\nnot sure ({f.confidence:.0%})", style="yellow")
    show_coaching = (not f.found and f.kind != "pitfall") or (f.found and (f.weak or f.kind == "pitfall"))
    if show_coaching and f.coaching:
        if body:
            body.append("\n")
        body.append(f.coaching, style="cyan")
        if f.example:
            body.append(f"\nTry: “{f.example}”", style="green")
    details = f.details or {}
    if details.get("strengths_mentioned") or details.get("strengths_missed"):
        body.append("\n")
        if details.get("strengths_mentioned"):
            body.append("Your points made: " + ", ".join(details["strengths_mentioned"]), style="green")
        if details.get("strengths_missed"):
            if details.get("strengths_mentioned"):
                body.append("\n")
            body.append("Forgot: " + ", ".join(details["strengths_missed"]), style="yellow")
    return mark, Text(f.name), body


def _norm_text(name: str) -> str:
    from .delivery import DELIVERY_NORMS

    n = DELIVERY_NORMS.get(name)
    if not n:
        return ""
    low, high, unit = n.get("low"), n.get("high"), n.get("unit") or ""
    if low is not None and high is not None:
        return f"norm {low:g}–{high:g} {unit}"
    if high is not None:
        return f"norm ≤ {high:g} {unit}"
    return f"norm ≥ {low:g} {unit}" if low is not None else ""


def delivery_table(d: Delivery) -> Table:
    """Each delivery figure with its norm beside it; figures outside the norm in yellow."""
    from .delivery import compare_to_norms

    verdicts = compare_to_norms(d)
    t = Table.grid(padding=(0, 2))
    t.add_column(no_wrap=True)
    t.add_column(justify="right", no_wrap=True)
    t.add_column(style="dim")

    def row(label: str, name: str, value: str | None) -> None:
        if value is None:
            return
        verdict = verdicts.get(name)
        style = "yellow" if verdict in ("low", "high") else ""
        flag = {"low": " (slow)" if name == "words_per_minute" else " (low)", "high": " (high)"}.get(verdict or "", "")
        t.add_row(label, Text(value + flag, style=style), _norm_text(name))

    fmt = lambda v, spec: None if v is None else format(v, spec)  # noqa: E731
    row("Length", "duration_s", fmt(d.duration_s, ".1f") and f"{d.duration_s:.1f} s")
    row("Words", "word_count", str(d.word_count))
    row("Speaking rate", "words_per_minute", fmt(d.words_per_minute, ".0f") and f"{d.words_per_minute:.0f} wpm")
    fillers = f"{d.filler_count}"
    if d.fillers:
        fillers += f" ({', '.join(dict.fromkeys(f.lower() for f in d.fillers))})"
    t.add_row("Fillers", fillers, "")
    row("  per minute", "fillers_per_minute", fmt(d.fillers_per_minute, ".1f"))
    row("  per 100 words", "fillers_per_100_words", f"{d.fillers_per_100_words:.1f}")
    row("Longest pause", "longest_pause_s", fmt(d.longest_pause_s, ".1f") and f"{d.longest_pause_s:.1f} s")
    return t


def voice_block(v: Any, full: bool = True) -> list[Any]:
    """The "Voice" lines of the report card: a few figures with their norms, one coaching line.

    Compact (``full=False``): two lines of figures and the coaching line."""
    if v is None:
        return []
    if not full:
        return _voice_line(v)
    t = Table.grid(padding=(0, 2))
    t.add_column(no_wrap=True, min_width=15)
    t.add_column()
    t.add_column(style="dim")

    def style(*names: str) -> str:
        return "yellow" if any(v.figure(n).verdict in ("low", "high") for n in names) else ""

    pvq, rng = v.figure("pitch_variation"), v.figure("pitch_range_st")
    if pvq.value is not None and v.judged:
        value = f"{pvq.value:.2f}" + (f", range {rng.value:.1f} st" if rng.value is not None else "")
        t.add_row("Pitch variation", Text(value, style=style("pitch_variation", "pitch_range_st")),
                  "≥ 0.10 · ≥ 5.7 st (Hincks)")  # fmt: skip
        flat = v.figure("monotone_stretches")
        if flat.verdict == "high" and flat.note:
            t.add_row("Flat stretches", Text(flat.note, style="yellow"), "none: 10 s below 0.10")
    else:
        t.add_row("Pitch", Text(f"not judged ({v.voiced_s:.1f} s voiced)", style="dim"), "needs 3 s voiced")
    lvl, spread = v.figure("level_dbfs"), v.figure("loudness_spread_db")
    if lvl.value is not None:
        value = f"{lvl.value:.0f} dBFS" + (f", ±{spread.value:.1f} dB" if spread.value is not None else "")
        t.add_row("Loudness", Text(value, style=style("level_dbfs", "loudness_spread_db")), "≥ −40 dBFS, ± ≤ 6 dB")
    trail, up = v.figure("trailing_off_share"), v.figure("upspeak_share")
    ends = []
    if trail.note and trail.value is not None:
        ends.append(f"faded {trail.note.split(';')[0].replace(' sentences', '').replace(' sentence', '')}")
    if up.note and up.value is not None:
        ends.append(f"rose {up.note.split(';')[0].replace(' statements', '').replace(' statement', '')}")
    if ends:
        t.add_row("Sentence ends", Text(" · ".join(ends), style=style("trailing_off_share", "upspeak_share")),
                  "each ≤ ⅓ (−10 dB, +5 st)")  # fmt: skip
    pace = v.figure("pace_change")
    if pace.value is not None and pace.note:
        first, last = pace.note.split(" wpm first third, ")
        t.add_row("Pace", Text(f"{first} → {last.replace(' last third', '')} wpm", style=style("pace_change")),
                  "last third ≤ 1.25 × first")  # fmt: skip
    parts: list[Any] = [Text("\nVoice", style="bold"), t]
    if v.coaching:
        parts.append(Padding(Text(f"→ {v.coaching}", style="cyan"), (0, 0, 0, 2)))  # wraps under itself
    return parts


def _voice_line(v: Any) -> list[Any]:
    """Pitch and loudness on one line, sentence ends and pace on the next, each with its norm in
    brackets (each line fits 80 columns), then the one coaching line."""
    from .voice.norms import pvq_text

    pitch: list[tuple[str, tuple[str, ...]]] = []
    pvq = v.figure("pitch_variation")
    if v.judged and pvq.value is not None:
        pitch.append((f"pitch variation {pvq_text(pvq.value)} (≥ 0.10)", ("pitch_variation", "monotone_stretches")))
    else:
        pitch.append(("pitch not judged", ()))  # the coaching line says why
    lvl, spread = v.figure("level_dbfs"), v.figure("loudness_spread_db")
    if lvl.verdict == "low" and lvl.value is not None:
        pitch.append((f"quiet {lvl.value:.0f} dBFS (≥ −40)", ("level_dbfs",)))
    if spread.value is not None:
        pitch.append((f"loudness ±{spread.value:.1f} dB (≤ 6)", ("loudness_spread_db",)))
    ends: list[tuple[str, tuple[str, ...]]] = []
    for name, word in (("trailing_off_share", "faded"), ("upspeak_share", "rose")):
        f = v.figure(name)
        if f.value is not None and f.note:
            n, _, of = f.note.split(";")[0].split(" ")[:3]
            ends.append((f"{word} {n}/{of}", (name,)))
    if ends:
        if any(v.figure(n).verdict for n in ("trailing_off_share", "upspeak_share")):  # none for one sentence
            ends[-1] = (ends[-1][0] + " (each ≤ ⅓)", ends[-1][1])
        ends[0] = ("sentence ends " + ends[0][0], ends[0][1])
    pace = v.figure("pace_change")
    if pace.verdict == "high" and pace.note:
        ends.append((f"sped up: {pace.note}", ("pace_change",)))

    def line(items: list[tuple[str, tuple[str, ...]]]) -> Text:
        t = Text()
        for i, (value, names) in enumerate(items):
            if i:
                t.append(" · ", style="dim")
            bad = any(v.figure(n).verdict in ("low", "high") for n in names)
            t.append(value, style="yellow" if bad else "")
        return t

    grid = hanging_grid()
    grid.add_row(Text("Voice:", style="bold"), line(pitch))
    if ends:
        grid.add_row("", line(ends))
    out: list[Any] = [grid]
    if v.coaching:
        out.append(Padding(Text(f"→ {v.coaching}", style="cyan"), (0, 0, 0, 2)))  # wraps under itself
    return out


def _findings_grid(label_style: str = "") -> Table:
    """Three columns: mark, label, quotes and coaching.

    In a narrow terminal the label is cut to leave room for the mark: rich drops a column of
    fixed width first when the others do not fit, and at 20 columns the ✓ and ✗ were gone.
    """
    t = Table.grid(padding=(0, 1))
    t.add_column(width=1)
    t.add_column(style=label_style, no_wrap=True, max_width=max(6, out.width // 2 - 2) if out.width < 50 else None)
    t.add_column()
    return t


def fix_first(report: Report) -> Finding | None:
    """The one thing to work on next: a missing core element, else a pitfall, else a weak element."""
    for group in (
        [f for f in report.core if not f.found],
        [f for f in report.pitfalls if f.found],
        [f for f in report.core if f.found and f.weak],
    ):
        if group and group[0].coaching:
            return group[0]
    return None


def delivery_line(d: Delivery) -> Table:
    """Delivery in one line (wrapping under itself, as the voice line does); a figure outside
    its norm in yellow with why."""
    from .delivery import compare_to_norms

    verdicts = compare_to_norms(d)
    t = Text()
    items: list[tuple[str, str]] = []
    if d.duration_s is not None:
        items.append((f"{d.duration_s:.0f} s", "duration_s"))
    items.append((f"{d.word_count} words", "word_count"))
    if d.words_per_minute is not None:
        items.append((f"{d.words_per_minute:.0f} wpm", "words_per_minute"))
    items.append((f"{d.filler_count} filler{'' if d.filler_count == 1 else 's'}", "fillers_per_100_words"))
    if d.longest_pause_s is not None:
        items.append((f"longest pause {d.longest_pause_s:.1f} s", "longest_pause_s"))
    for i, (value, name) in enumerate(items):
        if i:
            t.append(" · ", style="dim")
        verdict = verdicts.get(name)
        word = {"low": "slow" if name == "words_per_minute" else "low", "high": "high"}.get(verdict or "")
        t.append(value + (f" ({word})" if word else ""), style="yellow" if word else "")
    grid = hanging_grid()
    grid.add_row(Text("Delivery:", style="bold"), t)
    return grid


def _core_section(report: Report, turn_names: Sequence[str] | None, full: bool) -> Table:
    core = _findings_grid(label_style="bold")
    quoted: set[tuple[int, str]] = set()
    for f in report.core:
        if full:
            core.add_row(*_finding_row(f, turn_names))
        else:  # the mark and the words that earned it; the coaching is in "Fix first"
            mark, label, _ = _finding_row(f, turn_names)
            shown = _first_unquoted(f.evidence, quoted) if f.found else None
            quote = _quote(shown, turn_names) if shown else Text("")
            core.add_row(mark, label, quote)
    return core


def _first_unquoted(evidence: Sequence[Evidence], quoted: set[tuple[int, str]]) -> Evidence | None:
    """The first of an element's quotes that no element above has shown, else its first: "I'm
    really interested, and I think it's a great fit" earns interest and the recap both, and the
    recap's own "six years in customer support, I trained a team of ten" is what shows it."""
    if not evidence:
        return None
    shown = next((e for e in evidence if (e.turn, e.quote) not in quoted), evidence[0])
    quoted.add((shown.turn, shown.quote))
    return shown


def _fix_first_section(report: Report) -> list[Any]:
    f = fix_first(report)
    if f is None:
        from .delivery import compare_to_norms

        # A yellow "(high)" on the delivery line under "Nothing to fix" reads as a contradiction.
        off_norm = any(v in ("low", "high") for v in compare_to_norms(report.delivery).values())
        if off_norm or (report.voice is not None and report.voice.coaching):
            return [Text("\nNothing to fix in what you said; how you said it is below.", style="green")]
        return [Text("\nNothing to fix: close the same way on the real call.", style="green")]
    body = Text(f"{f.name}. ", style="bold cyan")
    body.append(f.coaching or "", style="cyan")
    if f.example:
        body.append(f"\nTry: “{f.example}”", style="green")
    t = hanging_grid(label_style="bold")  # wrapped lines stay under the advice, not under the heading
    t.add_row("Fix first:", body)
    return [Text(""), t]


def _extras_section(report: Report, turn_names: Sequence[str] | None) -> list[Any]:
    extras = list(report.extras)
    if not extras:
        return []
    # Label on its own line, the advice under it: side by side at 80 columns the
    # advice was squeezed into a narrow column and read as part of the label.
    t = Table.grid(padding=(0, 1))
    t.add_column(width=1)
    t.add_column()
    for f in extras:
        mark, label, body = _finding_row(f, turn_names)
        if not f.found:  # optional: a hint, not a failure
            mark, body = Text("·", style="dim"), Text(f.coaching or "", style="dim")
        cell = Text(label.plain, style="bold" if f.found else "")
        if body:
            cell.append("\n")
            cell.append_text(body)
        t.add_row(mark, cell)
    return [Text("\nAlso worth doing", style="bold"), t]


def _extras_line(report: Report) -> list[Any]:
    """The extras in one line for the compact card: what they did, then what a stronger close adds.

    Without it a 4/4 close read "Nothing to fix" and never mentioned asking for the job or inviting
    concerns, which the career guidance counts in a strong close; ``--full`` has each one's coaching.
    """
    extras = list(report.extras)
    if not extras:
        return []
    done = [f for f in extras if f.found]
    todo = [f for f in extras if not f.found]
    body = Text()
    for i, f in enumerate(done):
        if i:
            body.append(" · ", style="dim")
        body.append("✓ ", style="bold green")
        body.append(f.name)
    if todo:
        if done:
            body.append("\n")
        names = ", ".join(f.name.lower() for f in todo)
        body.append(f"could add {names}", style="dim")
    grid = hanging_grid(label_style="bold")
    grid.add_row("Extras:", body)
    return [grid]


def _pitfalls_section(report: Report, turn_names: Sequence[str] | None, full: bool) -> list[Any]:
    hit = [f for f in report.pitfalls if f.found]
    if not hit:
        return []
    if not full:
        return [_hanging("⚠ Pitfall:", ", ".join(f.label or f.element for f in hit), "yellow")]
    t = _findings_grid()
    for f in hit:
        t.add_row(*_finding_row(f, turn_names))
    return [Text("\nPitfalls", style="bold"), t]


def _said_section(transcripts: Sequence[Transcript], turn_names: Sequence[str] | None) -> list[Any]:
    said = [tr for tr in transcripts if tr.text.strip()]
    if not said:
        return [Text("\nNothing was heard in the answer.", style="yellow")]
    body = Text()
    for i, tr in enumerate(said):
        if i:
            body.append("\n")
        if turn_names and len(transcripts) > 1 and tr.turn < len(turn_names):
            body.append(f"Turn {tr.turn + 1}: ", style="dim")  # as the quotes say it ("turn 2, 0:14")
        body.append(tr.text)
    return [Text(""), Panel(body, title="What you said", title_align="left", border_style="dim")]


def hanging_grid(gap: int = 1, label_style: str = "") -> Table:
    """Two columns: a label that never wraps, and text that wraps under itself (not at column 0)."""
    grid = Table.grid(padding=(0, gap))
    grid.add_column(no_wrap=True, style=label_style)
    grid.add_column()
    return grid


def _hanging(label: str, text: str, style: str) -> Table:
    """``label text`` with the label in a column of its own: a long text wraps under itself, not at column 0."""
    grid = hanging_grid()
    grid.add_row(Text(label, style=style), Text(text, style=style))
    return grid


def report_card(
    report: Report,
    transcripts: Sequence[Transcript],
    title: str = "Your close",
    turn_names: Sequence[str] | None = None,
    notes: Sequence[str] = (),
    full: bool = False,
) -> Group:
    """The report card as one renderable.

    The default is compact (about 12 lines at 80 columns): the four core
    elements with the words that earned them, the one thing to fix first, and
    delivery in one line. ``full`` adds every element's coaching, the extras,
    the pitfalls, delivery against its norms and the transcript. Each block is
    its own function, so a new one (a voice block, say) is one more line here.
    """
    parts: list[Any] = [Text(f"{title}: {report.score}/4 core elements", style="bold")]
    parts.append(_core_section(report, turn_names, full))
    if full:
        parts += _extras_section(report, turn_names)
        parts += _pitfalls_section(report, turn_names, full)
        parts += [Text("\nDelivery", style="bold"), delivery_table(report.delivery)]
        parts += voice_block(report.voice, full)
        parts += _said_section(transcripts, turn_names)
    elif nothing_to_score(transcripts):
        # No words (silence, noise, another language): coaching "Fix first: interest" and "0 words" on
        # nothing read as a verdict on what was said. The voice is still measured; a note says why.
        parts.append(Text(f"\n{NOTHING_TO_SCORE}", style="yellow"))
        parts += voice_block(report.voice, full)
    else:
        parts += _fix_first_section(report)
        parts += _extras_line(report)
        parts += _pitfalls_section(report, turn_names, full)
        parts.append(delivery_line(report.delivery))
        parts += voice_block(report.voice, full)
    for n in notes:
        parts.append(_hanging("Note:", n, "yellow"))
    if not full:
        parts.append(Text("More (every element's coaching, your words): --full", style="dim"))
    return Group(*parts)


class LiveMeter:
    """The drill's stderr feedback: the interviewer's line, a live input meter, warnings.

    Everything but warnings is drawn only on a terminal: ``drill --json 2>file``
    leaves the file for warnings and errors.
    """

    def __init__(self, console: Console | None = None) -> None:
        from .input_watch import InputWatch

        self.console = console or err
        self.live = self.console.is_terminal
        self._last = -1.0
        self._watch = InputWatch()
        self._drawn = False
        self.warned: list[str] = []
        """Warnings already shown during the call (the card need not repeat them)."""

    def interviewer(self, line: str) -> None:
        if self.live:
            self.console.print(Text.assemble(("Interviewer: ", "bold magenta"), (line, "")))

    def listening(self, turn_id: str, source: str) -> None:
        from .input_watch import InputWatch

        # Every answer starts its clock at zero: the meter and the silence watch start afresh.
        self._last = -1.0
        self._watch = InputWatch()
        if not self.live:
            return
        how = "speak, then just stop or press Enter" if source == "microphone" else f"playing {source}"
        self.console.print(Text(f"● Listening ({how}) — Ctrl-C keeps what you said", style="bold green"))

    def progress(self, p: Progress) -> None:
        self._watch.feed(p.level_dbfs, p.block_s)
        if not self.live or p.elapsed - self._last < 0.1:
            return
        self._last = p.elapsed
        bars = 0 if p.level_dbfs == float("-inf") else int(max(0, min(20, (p.level_dbfs + 60) / 3)))
        meter = "█" * bars + "·" * (20 - bars)
        warn = "  no sound from the microphone!" if self._watch.sustained_silence else ""
        warn = "  too loud: clipping!" if p.clipping else warn
        state = "speaking" if p.speaking else ("still listening" if p.still_listening else "        ")
        self.console.file.write(f"\r  {clock(p.elapsed):>7}  {meter}  {state}{warn:<32}")
        self.console.file.flush()
        self._drawn = True

    def _clear_meter(self) -> None:
        """Wipe the meter's line so the next message starts on a clean line."""
        if self._drawn:
            self.console.file.write("\r" + " " * 79 + "\r")
            self._drawn = False

    def done_listening(self, capture: Capture) -> None:
        if not self.live:
            return
        self._clear_meter()
        why = {
            "silence": "you stopped talking",
            "enter": "Enter pressed",
            "max_length": "maximum length reached",
            "interrupted": stop.name(),
            "end_of_recording": "end of the recording",
            "no_speech": "nothing was said",
            "device_lost": "the microphone went away",
        }.get(capture.ended_by, capture.ended_by)
        self.console.print(Text(f"  Answer ended after {capture.duration:.1f} s ({why}).", style="dim"))

    def status(self, message: str) -> None:
        if self.live:
            self._clear_meter()
            self.console.print(Text(message, style="dim"))

    def warn(self, message: str) -> None:
        if message in self.warned:
            return  # said once in this run: not again each round ("no speaker or headphones found")
        self.warned.append(message)
        if self.live:
            self._clear_meter()
            self.console.print(_hanging("Warning:", message, "yellow"))
        else:  # a log file: one line each, not a grid padded to 80 columns with spaces
            self.console.print(Text(f"Warning: {message}", style="yellow"), soft_wrap=True)


@contextmanager
def spinner(message: str) -> Iterator[None]:
    """A stderr spinner, only on a terminal."""
    ctx = err.status(escape(message)) if err.is_terminal else nullcontext()
    with ctx:
        yield


def warmup_panel(summary: Any, attempts: Sequence[tuple[int, int]] | None = None) -> Panel:
    """The end of a morning warm-up: what improved, what is missing, one thing to remember.

    ``attempts`` names each attempt the way the drill's header did, as (round, try), both from 1:
    ``[(1, 1), (1, 2), (2, 1)]`` is "Round 1", "Round 1, try 2", "Round 2". With it the title counts
    rounds and tries ("Warm-up: 2 rounds, 3 tries") and each attempt's marks are a row under that
    name; without it (or with one that does not match the summary) the title counts every attempt
    as a round, as it always did.
    """
    from .labels import element_label, element_labels

    t = Text()
    if attempts is not None and any(len(h) != len(attempts) for h in summary.hits.values()):
        attempts = None  # a caller's slip: the end of a warm-up is no place to crash
    if attempts is None:
        for element, hits in summary.hits.items():
            t.append(f"{element_label(element):<22}")  # the card's labels: "Why you fit", not "qualifications"
            for h in hits:
                t.append(" ✓" if h else " ✗", style="green" if h else "red")
            t.append("\n")
        title = f"Warm-up: {_count(summary.rounds, 'round')}"
        body: list[Any] = []
    else:
        # One row per attempt, named as the header before it was ("Round 1, try 2"): rows, unlike
        # columns, never run out of width however many tries there were.
        grid = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, pad_edge=False)
        grid.add_column(no_wrap=True)
        for element in summary.hits:
            grid.add_column(element_label(element), justify="center", max_width=14, overflow="fold")
        for i, (r, n) in enumerate(attempts):
            row = [Text("✓" if h[i] else "✗", style="green" if h[i] else "red") for h in summary.hits.values()]
            grid.add_row(f"Round {r}" + (f", try {n}" if n > 1 else ""), *row)
        rounds, tries = len({r for r, _ in attempts}), len(attempts)
        title = f"Warm-up: {_count(rounds, 'round')}" + (f", {_count(tries, 'try', 'tries')}" if tries > rounds else "")
        body = [grid]
    if summary.improved:
        t.append(f"\nImproved: {element_labels(summary.improved)}", style="green")
    if summary.slipped:
        t.append(f"\nSlipped: {element_labels(summary.slipped)}", style="yellow")
    if summary.still_missing:
        t.append(f"\nStill missing: {element_labels(summary.still_missing)}", style="red")
    t.append("\n\nRemember for the real call: ", style="bold")
    t.append(summary.remember)
    return Panel(Group(*body, t) if body else t, title=title, title_align="left")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


# --- A message with a path in it, at the terminal's width ------------------------------------------


def say(*parts: str | Path, err: bool = False) -> None:
    """``click.echo`` of the parts joined, wrapped at the terminal's width (rich's, as the report card's)
    when the stream is a terminal, so that the terminal does not cut a word at its edge. Piped, it is
    the one plain line it always was.

    A ``Path`` among the parts is never broken, nor is a space in it taken for a place to wrap: it moves
    whole to the next line, and one wider than the terminal stands on a line of its own, for the
    terminal to wrap and a copy to take in one piece."""
    stream = sys.stderr if err else sys.stdout
    if not stream.isatty():
        click.echo("".join(map(str, parts)), err=err)
        return
    click.echo("\n".join(_fill(parts, _width(err))), err=err)


def _width(to_stderr: bool) -> int:
    """The width the report card wraps at on that stream (``say``'s ``err`` hides the console's name)."""
    return (err if to_stderr else out).width


def _fill(parts: tuple[str | Path, ...], width: int) -> list[str]:
    """The words of ``parts`` in lines of at most ``width`` columns; each ``Path`` is one word (with any
    text right after it, as the full stop in "open PATH."), never broken, even when it is wider."""
    from rich.cells import cell_len

    words: list[str] = []
    glued = False  # the next piece belongs to the last word: no space came between them
    for part in parts:
        pieces = [str(part)] if isinstance(part, Path) else re.findall(r"\s+|\S+", part)
        for piece in pieces:
            if not isinstance(part, Path) and piece.isspace():
                glued = False
            elif glued and words:
                words[-1] += piece
            else:
                words.append(piece)
                glued = True
    lines: list[str] = []
    for word in words:
        if lines and cell_len(lines[-1]) + 1 + cell_len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines
