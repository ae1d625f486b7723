"""A stored session as Markdown, JSON, or subtitles (SRT, WebVTT).

Subtitle times are on the replay timeline (see ``replay.build_timeline``): each
turn's interviewer line, then the answer, back to back.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

from .labels import at, turn_title
from .records import NOTHING_TO_SCORE, Finding
from .replay import Timeline, build_timeline
from .store import Session

Format = Literal["md", "json", "srt", "vtt"]
FORMATS: tuple[str, ...] = ("md", "json", "srt", "vtt")


def export(session: Session, fmt: str) -> str:
    """The session in format ``fmt`` (one of ``FORMATS``), as text ending in a newline."""
    if fmt == "json":
        data = session.to_dict()
        data["folder"] = str(session.folder) if session.folder else None
        return json.dumps(_finite(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "md":
        return markdown(session)
    if fmt in ("srt", "vtt"):
        return subtitles(build_timeline(session), fmt)
    raise ValueError(f"unknown format {fmt!r}")


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite number made null (unknown). Python writes them as
    NaN and Infinity, which are not JSON: a strict reader (jq, JavaScript) refused the export."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _flat(text: str) -> str:
    """One line of text. A transcript never holds a line break, but a hand-edited session can, and
    in a subtitle cue a blank line ends the cue (the rest became a broken cue) and "-->" starts one."""
    return " ".join(text.split()).replace("-->", "->")


def _stamp(seconds: float, sep: str) -> str:
    ms = round(max(0.0, seconds) * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def subtitles(timeline: Timeline, fmt: str) -> str:
    """SRT (``fmt="srt"``) or WebVTT (``"vtt"``) cues, one per line of the transcript."""
    sep = "," if fmt == "srt" else "."
    out: list[str] = ["WEBVTT", ""] if fmt == "vtt" else []
    for n, line in enumerate(timeline.lines, 1):
        start, end = line.start, max(line.end, line.start + 0.3)
        who = "Interviewer" if line.speaker == "interviewer" else "You"
        if fmt == "srt":
            out.append(str(n))
            text = f"{who}: {_flat(line.text)}"
        else:
            text = f"<v {who}>{_vtt_escape(_flat(line.text))}"
        out.append(f"{_stamp(start, sep)} --> {_stamp(end, sep)}")
        out += [text, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md_finding(f: Finding, turns: int = 1) -> str:
    if f.kind == "pitfall":
        mark = "⚠"
    elif f.found and f.weak:
        mark = "~"
    else:
        mark = "✓" if f.found else "✗"
    parts = [f"- {mark} **{f.label or f.element}**"]
    if f.evidence and f.found:
        ev = f.evidence[0]
        where = at(ev.turn, ev.start, turns)  # "turn 2, 0:14": the turn and the time within its answer
        parts.append(f" — “{_flat(ev.quote)}”" + (f" ({where})" if where else ""))
    coach = (not f.found and f.kind != "pitfall") or f.weak or (f.kind == "pitfall" and f.found)
    if coach and f.coaching:
        parts.append(f"\n  {f.coaching}")
        if f.example:
            parts.append(f"\n  *Try:* “{f.example}”")
    return "".join(parts)


def markdown(session: Session) -> str:
    names = [t.turn_id for t in session.turns]
    lines = [
        f"# Session {session.id}",
        "",
        f"- Date: {session.created_at}",
        f"- Scenario: {session.scenario}",
        f"- Status: {session.status}",
    ]
    r = session.report
    if r is not None:
        lines.append("- Score: not scored" if session.unscored else f"- Score: {r.score}/4 core elements")
    lines.append("")
    if session.status == "recovered":
        lines += [
            "> Recovered after a crash: the audio is kept, but it was never transcribed or checked.",
            "",
        ]
    for i, turn in enumerate(session.turns):
        title = f"## Turn {i + 1} · {turn_title(turn.turn_id)}" if len(names) > 1 else f"## {turn_title(turn.turn_id)}"
        lines += [title, "", f"**Interviewer:** {_flat(turn.line)}", ""]
        if turn.transcript is not None:
            said = _flat(turn.transcript.text) or "*(nothing was heard)*"
            lines += [f"**You:** {said}", ""]
        elif turn.answer_audio:
            lines += ["**You:** *(recorded, not transcribed)*", ""]
    if r is not None and session.unscored:
        lines += ["## Findings", "", NOTHING_TO_SCORE]  # as the card says: no coaching on what was not said
    elif r is not None:
        lines += ["## Findings", ""]
        n = len(names)
        lines += [_md_finding(f, n) for f in r.core]
        extras = [f for f in r.extras if f.found]
        if extras:
            lines += ["", "Also done well:", ""] + [_md_finding(f, n) for f in extras]
        hit = [f for f in r.pitfalls if f.found]
        if hit:
            lines += ["", "Pitfalls:", ""] + [_md_finding(f, n) for f in hit]
        d = r.delivery
        lines += ["", "## Delivery", ""]
        if d.duration_s is not None:
            lines.append(
                f"- Length: {d.duration_s:.1f} s"
                + (f", speaking {d.speaking_s:.1f} s" if d.speaking_s is not None else "")
            )
        lines.append(
            f"- Words: {d.word_count}"
            + (f" at {d.words_per_minute:.0f} words/min" if d.words_per_minute is not None else "")
        )
        fill = f"- Fillers: {d.filler_count}"
        if d.fillers:
            fill += f" ({', '.join(dict.fromkeys(x.lower() for x in d.fillers))})"
        if d.fillers_per_minute is not None:
            fill += f", {d.fillers_per_minute:.1f}/min"
        lines.append(fill)
        if d.longest_pause_s is not None:
            lines.append(f"- Longest pause: {d.longest_pause_s:.1f} s")
    return "\n".join(lines).rstrip("\n") + "\n"
