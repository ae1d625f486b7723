"""Commands that set things up: devices, voices, scenarios, doctor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from .cli_common import Seconds, counted, device_arg, emit_json, json_option
from .errors import VoicePracticeError

if TYPE_CHECKING:
    from .doctor import Check


@click.command()
@click.option("--set-input", help="Remember this microphone (index or name) for future drills.")
@click.option("--set-output", help="Remember this speaker/headphones (index or name) for future drills.")
@json_option
def devices(set_input: str | None, set_output: str | None, as_json: bool) -> None:
    """List microphones and speakers; --set-input/--set-output remember a choice."""
    from .config import save_settings
    from .show import out

    if set_input is not None or set_output is not None:
        from .preflight import find_device

        # Refuse a device that is not there now: a typo would only show up mid-drill.
        if set_input:
            find_device(device_arg(set_input), "input", "--set-input")
        if set_output:
            find_device(device_arg(set_output), "output", "--set-output")
        path = save_settings({"input": device_arg(set_input), "output": device_arg(set_output)})
        click.echo(f"Saved in {path}.", err=True)

    from .audio import portaudio

    sd = portaudio()
    devs = [
        {
            "index": i, "name": d["name"], "inputs": d["max_input_channels"], "outputs": d["max_output_channels"],
            "default_samplerate": d["default_samplerate"],
        }
        for i, d in enumerate(sd.query_devices())
    ]  # fmt: skip
    if as_json:
        emit_json({"devices": devs})
        return
    if not devs:
        out.print("No audio devices found.")
        return
    out.print(_device_table(devs, sd.default.device))
    from .audio import speakers_monitor

    monitor = speakers_monitor(None)
    if monitor:
        out.print(f"[yellow]{monitor.problem[0].upper()}{monitor.problem[1:]}: {monitor.fix}.[/yellow]", highlight=False)


def _device_table(devs: list[dict[str, Any]], system_default: Any) -> Any:
    """The devices under a header, with the system's defaults and the remembered choices marked."""
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from .config import load_config

    try:
        default_in, default_out = (int(x) for x in system_default)
    except (TypeError, ValueError):
        default_in = default_out = -1
    config = load_config()

    def chosen(key: str, d: dict[str, object]) -> bool:
        value = config.get(key)
        return value is not None and (str(value) == str(d["index"]) or str(value) == d["name"])

    table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 2, 0, 0))
    table.add_column("#", justify="right")
    table.add_column("device")
    table.add_column("kind")
    table.add_column("")
    for d in devs:
        kinds = ", ".join(k for k, n in (("input", d["inputs"]), ("output", d["outputs"])) if n)
        marks = []
        if d["index"] == default_in and d["inputs"]:
            marks.append("default input")
        if d["index"] == default_out and d["outputs"]:
            marks.append("default output")
        for key, what in (("input", "your microphone"), ("output", "your speaker")):
            if chosen(key, d):
                marks.append(f"[bold]{what}[/bold]")
        table.add_row(str(d["index"]), escape(str(d["name"])), kinds, ", ".join(marks))
    hint = Text(
        "Drills use the defaults; to choose: devices --set-input N / --set-output N",
        style="dim",
    )
    return Group(table, hint)


@click.command()
@json_option
def scenarios(as_json: bool) -> None:
    """List the interviewer scripts."""
    from .scenarios import list_scenarios
    from .show import hanging_grid, out

    found = list_scenarios()
    if as_json:
        emit_json({"scenarios": [{"name": s.name, "title": s.title, "description": s.description, "turns": [t.id for t in s.turns]} for s in found]})
        return

    # The name in a column of its own, so a description that wraps stays beside it, not under it.
    table = hanging_grid(gap=2, label_style="bold")
    for s in found:
        table.add_row(s.name, f"{s.title}: {s.description}")
    out.print(table)
    out.print("[dim]Pick one with: voicepractice drill --scenario NAME[/dim]")


@click.command()
@click.option("--all", "show_all", is_flag=True, help="Every system voice, not just English ones.")
@json_option
def voices(show_all: bool, as_json: bool) -> None:
    """List the interviewer voices: the natural one (the default) and the system's (pick with --voice)."""
    from .show import hanging_grid, out
    from .speak import all_voices

    found = all_voices(show_all)
    if as_json:
        emit_json({"voices": [
            {"id": v.id, "name": v.name, "languages": list(v.languages), "kind": v.kind, "default": v.default}
            for v in found
        ]})  # fmt: skip
        return
    from rich.text import Text

    # The id in a column of its own: a long name wraps beside it, not under it at column 0.
    table = hanging_grid(gap=2, label_style="bold")
    for v in found:
        tag = "natural, default" if v.default else v.kind
        table.add_row(v.id, Text.assemble(v.name, (f"  ({tag})", "dim")))
    out.print(table)
    out.print("[dim]Choose one with: voicepractice drill --voice ID[/dim]")
    if len(found) == 1:
        out.print("[dim]No system voices: install espeak-ng (Linux) for them.[/dim]")


@click.command()
@click.option("-i", "--input", "input_device", help="Microphone to check (index or name).")
@click.option("-o", "--output", "output_device", help="Speaker/headphones to check (index or name).")
@click.option("-m", "--model", default="tiny.en", show_default=True, help="Speech model to check.")
@click.option("--voice", help="Interviewer voice to check.")
@click.option("--seconds", type=Seconds(1, 30), default=3.0, show_default=True, help="How long to listen to the microphone.")
@click.option("--no-sound", is_flag=True, help="Don't play a test tone.")
@json_option
def doctor(
    input_device: str | None, output_device: str | None, model: str, voice: str | None,
    seconds: float, no_sound: bool, as_json: bool,
) -> None:  # fmt: skip
    """Check the whole chain (data folder, model, voice, speaker, microphone) and say what to fix."""
    from rich.text import Text

    from .doctor import run_checks
    from .show import out

    def show(c: Check) -> None:
        if as_json:
            return
        from rich.table import Table

        mark = {"ok": ("✓", "green"), "warn": ("!", "yellow"), "fail": ("✗", "red")}[c.status]
        line = Text.assemble((f"{c.name}: ", "bold"), c.detail)
        if c.fix:
            line.append(f"\nfix: {c.fix}", style="cyan")
        # The mark in a column of its own: a long detail (a model's path) wraps under the text, not at column 0.
        row = Table.grid(padding=(0, 1))
        row.add_column(no_wrap=True)
        row.add_column(overflow="fold")
        row.add_row(Text(mark[0], style=f"bold {mark[1]}"), line)
        out.print(row)

    if not as_json:
        # Asked only when there is a microphone to speak into: with none, it said "Speak normally"
        # and then found none.
        missing = _no_microphone(device_arg(input_device))
        if missing:
            from .show import hanging_grid

            note = hanging_grid()  # a long device name wraps under the text, as a check's does
            note.add_row(Text("!", style="bold yellow"), Text(f"{missing[0].upper()}{missing[1:]}.", style="yellow"))
            out.print(note)
        else:
            out.print(f"Speak normally for {seconds:.0f} s when the microphone check starts.", style="dim")
    results = run_checks(
        device_arg(input_device), device_arg(output_device), model, voice, seconds, not no_sound, show
    )
    failed = [c for c in results if c.status == "fail"]
    if as_json:
        emit_json({"ok": not failed, "checks": [c.to_dict() for c in results]})
    if failed:
        where = "each check's \"fix\" in the JSON" if as_json else "the fixes above"
        raise VoicePracticeError(f"{counted(len(failed), 'check')} failed: {', '.join(c.name for c in failed)} (see {where})")


def _no_microphone(device: int | str | None) -> str | None:
    """Why there is nothing to speak into, with what to do (no input device, or only the speakers'
    monitor); None when there is a microphone. The drill's fallback says less (it answers with a
    recording instead); doctor is where the person comes to learn what to fix."""
    from .audio import speakers_monitor
    from .preflight import find_device

    try:
        find_device(device, "input")
    except VoicePracticeError as exc:  # no device, or no PortAudio at all
        return str(exc)
    monitor = speakers_monitor(device)
    return f"{monitor.problem}: {monitor.fix}" if monitor else None
