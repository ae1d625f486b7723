"""Commands that look back at stored sessions: history, replay, review, export, forget.

SESSION is a full id (``261123-091502-k4x``), a unique prefix of one, or
``latest``; anything else (``../../etc/passwd``) is an ``Error:`` line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .cli_common import counted, device_arg, emit_json, json_option

CORE = ("interest", "qualifications", "next_steps", "thanks")


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--since`` as an ISO time; a value that is not one is a usage error (exit 2), as for any option."""
    from .trend import parse_since

    try:
        return parse_since(value) if value else None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command()
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(1, 1_000_000),
    default=20,
    show_default=True,
    help="How many sessions to show (the trend covers these).",
)
@click.option(
    "--since",
    metavar="WHEN",
    callback=_since,
    help="Only sessions since a date (2026-11-01, 2026-11-01T09:00) or a span back from now (12h, 7d, 2w, 3m for months, today).",
)
@click.option("-s", "--scenario", help="Only sessions of this scenario.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a chart of score, pace, fillers and pitch variation to this .png, .svg or .pdf (needs matplotlib).",
)
@click.option(
    "--rebuild",
    is_flag=True,
    help="Rebuild the session index from the session folders first (after moving a damaged sessions.db aside).",
)
@json_option
def history(
    limit: int,
    since: str | None,
    scenario: str | None,
    plot: Path | None,
    rebuild: bool,
    as_json: bool,
) -> None:
    """List past sessions, newest first, with the trend underneath.

    The table shows each session's core elements (✓ found, ✗ missing), score,
    length, pace and fillers. A session that is not a real attempt shows its
    status instead: interrupted, no speech, not English, empty, recovered (after a crash) or
    damaged (files gone); these are left out of the trend. Below the table: how
    often each element was hit; pace, fillers per minute and pitch variation
    over time (oldest to newest); the voice issue that came up most often.
    Piped or redirected, the table is tab-separated and the trend goes to the
    terminal (stderr) instead.

    --json prints {"sessions": [index rows], "trend": {"sessions": N,
    "left_out": {status: N}, "elements": {name: {"hit", "of"}}, "series":
    [{"id", "created_at", "score", "words_per_minute", "fillers_per_minute",
    "pitch_variation", "voice_issue"}]}}.
    """
    from .show import out
    from .store import Store
    from .trend import plot as plot_trend
    from .trend import trend

    store = Store()
    if rebuild:
        n = store.rebuild_index()
        click.echo(f"Rebuilt the index: {counted(n, 'session')} found.", err=True)
    rows = store.list(limit=limit, since=since, scenario=scenario)
    t = trend(rows)
    if plot is not None:
        store.refuse_to_overwrite(plot, "--plot")
        written = plot_trend(t, plot)
        click.echo(f"Chart written to {written}", err=True)
    if as_json:
        emit_json({"sessions": rows, "trend": t.to_dict()})
        return
    if not rows:
        filtered = since or scenario
        out.print(
            "No sessions match those filters."
            if filtered
            else "No sessions yet: run `voicepractice drill`."
        )
        return
    every = not (since or scenario) and len(rows) < limit  # the whole history, not a part of it
    if not sys.stdout.isatty():
        # Piped or redirected: whole ids, one session a line, tab-separated, for cut/grep. The
        # trend is for a person: it goes to the terminal, if there is one, not into the data.
        click.echo(_history_tsv(rows), nl=False)
        if sys.stderr.isatty():
            click.echo(_trend_text(t, every).plain.lstrip("\n"), err=True)
        return
    out.print(_history_table(rows))
    out.print(_trend_text(t, every))


def _mark(found: bool | None) -> str:
    return "·" if found is None else ("✓" if found else "✗")


def _history_tsv(rows: list[dict[str, Any]]) -> str:
    from .trend import STATUS_LABELS, session_status

    lines = ["\t".join(("session", "date", "scenario", "status", "elements", "score", "length_s", "wpm", "fillers"))]
    for r in rows:
        status = session_status(r)
        el = r["elements"] if status != "damaged" else {}
        lines.append("\t".join((
            r["id"], r["created_at"], r["scenario"], STATUS_LABELS.get(status, status) or "complete",
            " ".join(_mark(el.get(k)) for k in CORE),
            "" if r["score"] is None else f"{r['score']}/4",
            f"{r['duration_s']:.0f}" if r["duration_s"] else "",
            f"{r['words_per_minute']:.0f}" if r["words_per_minute"] else "",
            "" if r["filler_count"] is None else str(r["filler_count"]),
        )))  # fmt: skip
    return "\n".join(lines) + "\n"


def _when(created_at: str) -> str:
    from datetime import datetime

    try:
        t = datetime.fromisoformat(created_at)
    except ValueError:
        return created_at[:16]
    return t.strftime("%b %d %H:%M") if t.year == datetime.now().year else t.strftime("%Y-%m-%d")


def _history_table(rows: list[dict[str, Any]]) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from .trend import STATUS_LABELS, session_status

    table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 1, 0, 0))
    # The id is what every other command takes: it is never cut; the scenario gives way instead.
    id_width = max(len("session"), *(len(r["id"]) for r in rows))
    table.add_column("session", no_wrap=True, min_width=id_width)
    table.add_column("date", no_wrap=True, min_width=12)
    # Not no_wrap: only a column rich may shrink gives way at 80 columns (else it cut the fillers column off).
    table.add_column("scenario", overflow="ellipsis", max_width=16)
    table.add_column("elements", no_wrap=True, min_width=11)
    table.add_column("score", justify="right", no_wrap=True, min_width=5)
    for col in ("length", "wpm", "fillers"):
        table.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    for r in rows:
        status = session_status(r)
        el = r["elements"]
        if status != "complete":
            # Not a real attempt: its status stands where the elements would be, and no score.
            marks = f"[yellow]{STATUS_LABELS.get(status, status)}[/]"
            score = "[dim]–[/]"
        else:
            marks = " ".join("[green]✓[/]" if el.get(k) else "[red]✗[/]" for k in CORE)
            score = f"{r['score']}/4"
        table.add_row(
            r["id"], _when(r["created_at"]), r["scenario"], marks, score,
            f"{r['duration_s']:.0f}s" if r["duration_s"] else "",
            f"{r['words_per_minute']:.0f}" if r["words_per_minute"] else "",
            "" if r["filler_count"] is None else str(r["filler_count"]),
        )  # fmt: skip
    legend = Text(
        "elements: interest · why you fit · next steps · thanks (✓ found, ✗ missing)",
        style="dim",
    )
    return Group(table, legend)


def _trend_text(t: Any, every: bool = True) -> Any:
    """The trend under the table; ``every``: the table lists every session (no -n, --since or -s cut it)."""
    from rich.text import Text

    from .trend import STATUS_LABELS, sparkline

    left_out = ", ".join(f"{n} {STATUS_LABELS.get(k, k)}" for k, n in sorted(t.left_out.items()))
    note = f"  Left out (not real attempts): {left_out}.\n" if left_out else ""
    if t.sessions == 0:
        none = "No complete sessions yet" if every else "No complete sessions among these"
        return Text(f"\n{none}, so no trend.\n{note}".rstrip("\n"), style="dim")
    lines = Text(
        f"\nTrend over the last {counted(t.sessions, 'complete session')}, oldest → newest\n", style="bold"
    )
    labels = {
        "interest": "Interest",
        "qualifications": "Why you fit",
        "next_steps": "Next steps",
        "thanks": "Thanks",
    }
    for k in CORE:
        hit = t.hits[k]
        bar = "█" * round(10 * hit / t.sessions) + "░" * (10 - round(10 * hit / t.sessions))
        style = "green" if hit == t.sessions else ("red" if hit * 2 < t.sessions else "yellow")
        lines.append(f"  {labels[k]:<12} ")
        lines.append(bar, style=style)
        lines.append(f" {hit}/{t.sessions}\n")
    for name, series, fmt in (
        ("Words/min", t.words_per_minute, "{:.0f}"),
        ("Fillers/min", t.fillers_per_minute, "{:.1f}"),
        ("Pitch var.", t.pitch_variation, "{:.2f}"),
    ):
        known = [v for v in series if v is not None]
        if not known:
            continue
        lines.append(f"  {name:<12} ")
        lines.append(sparkline(series), style="cyan")
        lines.append(f"  {fmt.format(known[0])} → {fmt.format(known[-1])}\n")
    if note:
        lines.append(note, style="dim")
    lines.append_text(_voice_trend(t.voice_issues))
    return lines


def _voice_trend(issues: Any) -> Any:
    """One line: the voice issue that came up most often, if any."""
    from rich.text import Text

    from .voice.norms import ISSUES

    found = [i for i in issues if i]
    if not found:
        return Text("")
    top = max(set(found), key=found.count)
    return Text(f"  Voice        most often: {ISSUES.get(top, top)} ({found.count(top)} of {len(issues)})\n", style="yellow")


@click.command()
@click.argument("session", required=False)
@click.option(
    "--no-audio",
    is_flag=True,
    help="Print the timed transcript with the findings instead of playing it.",
)
@click.option(
    "-o",
    "--output",
    "output_device",
    envvar="VOICEPRACTICE_OUTPUT",
    help="Speaker/headphones: index or name. [env: VOICEPRACTICE_OUTPUT]",
)
def replay(session: str | None, no_audio: bool, output_device: str | None) -> None:
    """Play a session back with its transcript scrolling, the current word highlighted.

    The interviewer's line and your answer play through the output device;
    words that earned an element are green, weak ones yellow, pitfalls red,
    fillers magenta. On a terminal: space pauses, ←/→ skip 5 s, ↑/↓ jump a
    line, q quits. --no-audio prints the timed transcript instead.

    SESSION: an id from `voicepractice history`, a unique prefix, or latest (the default).
    """
    from .replay import AudioOut, build_timeline, play, render_text
    from .show import out
    from .store import Store

    s = Store().get(session)
    timeline = build_timeline(s)
    if no_audio:
        out.print(render_text(timeline))
        return
    player = AudioOut(device_arg(output_device))
    try:
        play(timeline, player, interactive=sys.stdin.isatty() and sys.stdout.isatty())
    finally:
        player.close()


@click.command()
@click.argument("session", required=False)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    help="Write the page here instead of review.html in the session's folder.",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in your web browser.")
def review(session: str | None, out_path: Path | None, open_page: bool) -> None:
    """Write a review page: one self-contained HTML file that works offline, on a phone too.

    It holds the audio, the transcript (tap a word to hear it; words light up
    as it plays), the findings with their coaching lines, the delivery figures
    and your previous attempt at the same scenario side by side. Prints the
    page's path.

    SESSION: an id from `voicepractice history`, a unique prefix, or latest (the default).
    """
    from .review import previous_attempt, write_page
    from .store import Store

    store = Store()
    s = store.get(session)
    if out_path is not None:
        store.refuse_to_overwrite(out_path, "--out")
    path = write_page(s, out_path, previous_attempt(store, s))
    click.echo(str(path))
    if open_page:
        import webbrowser

        if not webbrowser.open(path.resolve().as_uri()):
            from .show import say

            say("No web browser found: open ", path, " yourself.", err=True)


@click.command()
@click.argument("session", required=False)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "srt", "vtt"]),
    default="md",
    show_default=True,
    help="Markdown report, the full session as JSON, or subtitles (SRT/WebVTT, times on the replay timeline).",
)
@click.option(
    "-o",
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write to this file (readable by you only) instead of stdout (- is stdout).",
)
def export(session: str | None, fmt: str, out_path: Path | None) -> None:
    """Export a session as Markdown, JSON, SRT or WebVTT.

    SESSION: an id from `voicepractice history`, a unique prefix, or latest (the default).
    """
    from .errors import VoicePracticeError
    from .export import export as export_session
    from .store import Store

    store = Store()
    text = export_session(store.get(session), fmt)
    if out_path is None or str(out_path) == "-":
        click.echo(text, nl=False)
        return
    store.refuse_to_overwrite(out_path, "--out")
    from .files import write_private

    try:
        write_private(out_path, text.encode("utf-8", "backslashreplace"))  # atomic, user-only, a regular file only
    except OSError as exc:
        raise VoicePracticeError(f"cannot write {out_path}: {exc.strerror or exc}") from exc
    click.echo(f"Written to {out_path}", err=True)


@click.command()
@click.argument("session", required=False)
@click.option("--all", "forget_all", is_flag=True, help="Delete every session.")
@click.option(
    "-y",
    "--yes",
    is_flag=True,
    help="Do not ask for confirmation (needed for --all when not on a terminal).",
)
@json_option
def forget(session: str | None, forget_all: bool, yes: bool, as_json: bool) -> None:
    """Delete a session (or --all) for good: its audio, transcript and index row.

    A review page written with --out outside the session's folder is not
    touched. --json prints {"forgotten": [ids]} or {"forgotten": N} for --all.
    """
    from .errors import VoicePracticeError
    from .store import Store

    if (session is None) == (not forget_all):
        raise click.UsageError("give either a SESSION or --all")
    store = Store()
    if forget_all:
        if not yes:
            if not sys.stdin.isatty():
                raise VoicePracticeError("forget --all deletes every session: add --yes to confirm")
            click.confirm(f"Delete every session in {store.root}, with its audio, for good?", abort=True, err=True)
        n = store.forget_all()
        if as_json:
            emit_json({"forgotten": n})
        else:
            click.echo(f"Forgot {counted(n, 'session')} in {store.root}.")  # the folder: VOICEPRACTICE_HOME may not be what was meant
        return
    sid = store.resolve_id(session)
    store.forget(sid)
    try:
        if as_json:
            emit_json({"forgotten": [sid]})
        else:
            click.echo(f"Forgot session {sid}.")
    except OSError:
        # Output to a full disk (> /dev/full): the error that follows must not read as if it were kept.
        click.echo(f"Forgot session {sid}.", err=True)
        raise

