"""Commands that look back at stored sessions: history (and later replay, review, export, forget)."""

from __future__ import annotations

import click

from .cli_common import emit_json, json_option


@click.command()
@click.option("-n", "--limit", type=click.IntRange(1), default=20, show_default=True, help="How many sessions to show.")
@json_option
def history(limit: int, as_json: bool) -> None:
    """List past sessions, newest first."""
    from rich.table import Table

    from .show import out
    from .store import Store

    rows = Store().list(limit=limit)
    if as_json:
        emit_json({"sessions": rows})
        return
    if not rows:
        out.print("No sessions yet: run `voicepractice drill`.")
        return
    table = Table(box=None, header_style="bold")
    for col in ("session", "date", "scenario", "interest", "qualif.", "next steps", "thanks", "score", "length", "wpm", "fillers"):
        table.add_column(col)
    for r in rows:
        el = r["elements"]
        marks = ["[green]✓[/]" if el.get(k) else "[red]✗[/]" for k in ("interest", "qualifications", "next_steps", "thanks")]
        table.add_row(
            r["id"], r["created_at"][:16].replace("T", " "), r["scenario"], *marks,
            "damaged" if r["damaged"] else f"{r['score']}/4" if r["score"] is not None else r["status"],
            f"{r['duration_s']:.0f}s" if r["duration_s"] else "",
            f"{r['words_per_minute']:.0f}" if r["words_per_minute"] else "",
            str(r["filler_count"] if r["filler_count"] is not None else ""),
        )  # fmt: skip
    out.print(table)
