"""Command line: parse, call into the package, render. Nothing else lives here.

Exit codes: 0 success; 1 a problem you can fix (the ``Error:`` line says how);
2 a usage error (unknown option, missing argument); 130 interrupted before
anything was recorded, or while a recorded answer was scored (it is kept).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from . import __version__, stop
from .cli_common import (
    Seconds,
    config_setting,
    device_arg,
    emit_json,
    full_option,
    json_option,
    model_options,
    profile_from,
    profile_options,
    short_name,
    typed,
)
from .errors import VoicePracticeError

log = logging.getLogger(__name__)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voicepractice")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, verbose: int, quiet: bool) -> None:
    """Rehearse the end of a phone interview out loud.

    A text-to-speech interviewer winds the call down, you answer aloud, a local
    Whisper model transcribes you, and a coach checks your close for interest,
    a recap of your qualifications, a next-steps question and thanks.
    Nothing leaves your machine.
    """
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from .config import default_map, load_config

    ctx.default_map = default_map(load_config())


def _check_scenario(value: str) -> None:
    from .scenarios import check_scenario

    check_scenario(value)


def _check_voice(value: str) -> None:
    from .preflight import check_voice

    check_voice(value)  # the check --voice gets in preflight, which a missing microphone comes before


@cli.command()
@click.option("-s", "--scenario", default="phone_screen", show_default=True, callback=config_setting(_check_scenario), help="Interviewer script: a name from `voicepractice scenarios` or a .toml file.")
@click.option("-a", "--answer", "answers", multiple=True, type=click.Path(path_type=Path, readable=False), help="A recording that stands in for the microphone (repeat for several turns).")
@click.option("--fallback-answer", type=click.Path(path_type=Path, readable=False), help="Use this recording if no microphone is found.")
@click.option("--fast", is_flag=True, help="Feed --answer recordings as fast as possible instead of at real-time pace.")
@model_options
@click.option("-i", "--input", "input_device", envvar="VOICEPRACTICE_INPUT", help="Microphone: index or name from `voicepractice devices`. [env: VOICEPRACTICE_INPUT]")
@click.option("-o", "--output", "output_device", envvar="VOICEPRACTICE_OUTPUT", help="Speaker/headphones: index or name. [env: VOICEPRACTICE_OUTPUT]")
@click.option("--voice", callback=config_setting(_check_voice), help="Interviewer voice from `voicepractice voices` (default: heart, the natural voice; `system` for the system's).")
@click.option("--rate", type=click.IntRange(80, 400), default=165, show_default=True, help="Interviewer speaking rate, words per minute.")
@click.option("--line", type=click.Choice(["phone", "clean"]), help="Hear the interviewer over a telephone line (with a ring) or clean. [default: the scenario's, phone for every shipped one]")
@click.option("--interviewer", callback=short_name, help="The interviewer's name, spoken in the script.")
@profile_options
@click.option("--silence", type=Seconds(0.5, 10.0), default=None, help="End every answer after this many seconds of silence. Default: adaptive (0.8-0.9 s when you sound finished, 2 s when it is hard to tell, 3.5-5 s when you don't).")
@click.option("--max-seconds", type=Seconds(5, 900), default=180, show_default=True, help="Longest answer, seconds.")
@click.option("--no-cue", is_flag=True, help="No tone when listening starts.")
@click.option("--seed", type=int, help="Choose the same phrasings every time.")
@click.option("--rounds", type=click.IntRange(1, 10), default=1, show_default=True, help="Morning warm-up: several drills on different phrasings, then a summary (on a terminal each waits for you).")
@full_option
@json_option
def drill(
    scenario: str, answers: tuple[Path, ...], fallback_answer: Path | None, fast: bool, model: str, download: bool,
    input_device: str | None, output_device: str | None, voice: str | None, rate: int, line: str | None, interviewer: str | None,
    role: str | None, company: str | None, strengths: tuple[str, ...], profile: Path | None,
    silence: float | None, max_seconds: float, no_cue: bool, seed: int | None, rounds: int, full: bool, as_json: bool,
) -> None:  # fmt: skip
    """Run a drill: the interviewer winds down, you answer, you get a report card."""
    from .drill import DrillOptions, run_drill, summarize_rounds
    from .listen import ListenOptions
    from .scenarios import Details
    from .show import LiveMeter, out, report_card, warmup_panel
    from .speak import VoiceOptions
    from .store import Store
    from .transcribe import TranscribeOptions

    if not answers and fallback_answer is not None:
        missing = _no_microphone(device_arg(input_device))
        if missing:
            from .show import say  # wrapped on a terminal, the recording's path whole
            say(f"{missing[0].upper()}{missing[1:]}: answering with the recording ", fallback_answer, " instead.", err=True)
            answers = (fallback_answer,)
    options = DrillOptions(
        scenario=scenario,
        details=Details(interviewer=interviewer, company=company, role=role),
        profile=profile_from(role, company, strengths, profile),
        voice=VoiceOptions(voice=voice, rate=rate, line=line),  # type: ignore[arg-type]
        listen=ListenOptions(end_silence_s=silence, max_seconds=max_seconds),
        transcribe=TranscribeOptions(model=model, download=download),
        input_device=device_arg(input_device),
        output_device=device_arg(output_device),
        answers=answers,
        paced=not fast,
        cue=not no_cue,
        seed=seed,
    )
    if seed is None:
        import random

        # One seed for the whole loop: rounds rotate phrasings, and [r] says the same lines again.
        options = replace(options, seed=random.randrange(1 << 30))
    from .practice import ask, change_line, compare

    store, meter = Store(), LiveMeter()
    # The practice loop: on a terminal, after each report the person chooses to try
    # again, go on, or stop; piped or --json runs go straight through the rounds.
    interactive = not as_json and sys.stdin.isatty() and sys.stdout.isatty()
    results: list[Any] = []
    attempts: list[tuple[int, int]] = []  # (round, try) of each result, as the header named it
    r, attempt = 0, 1
    while True:
        if (rounds > 1 or r or attempt > 1) and sys.stderr.isatty():  # piped: only warnings and errors
            of = f" of {rounds}" if 1 < rounds and r < rounds else ""
            again = f", try {attempt}" if attempt > 1 else ""
            click.echo(click.style(f"\nRound {r + 1}{of}{again}", bold=True), err=True)
        result = run_drill(replace(options, round=r), store, meter)
        previous = results[-1] if results and attempt > 1 else None
        results.append(result)
        attempts.append((r + 1, attempt))
        if not as_json:
            names = [t.turn_id for t in result.session.turns]
            notes = [n for n in result.notes if n not in meter.warned]  # already shown during the call
            out.print(report_card(result.report, result.transcripts, turn_names=names, notes=notes, full=full))
            if previous is not None:
                out.print(change_line(compare(previous.report, result.report)))
            out.print(f"[dim]Saved as session {result.session.id} in {result.session.folder}[/dim]")
        if result.session.status == "interrupted" or stop.stopped():
            break  # Ctrl-C (SIGTERM, SIGHUP) means stop, not "next round"
        if interactive:
            choice = ask("next round" if r + 1 < rounds else "one more round")
            if choice == "quit":
                break
            if choice == "retry":
                attempt += 1
                continue
        elif r + 1 >= rounds:
            break
        r, attempt = r + 1, 1
    summary = summarize_rounds([res.report for res in results]) if len(results) > 1 else None
    if as_json:
        objects = [_drill_json(res) for res in results]
        if rounds == 1:
            emit_json(objects[0])
        else:
            emit_json({"rounds": objects, "summary": summary.to_dict() if summary else None})
    elif summary is not None:
        out.print(warmup_panel(summary, attempts))


def _drill_json(result: Any) -> dict[str, Any]:
    s = result.session
    return {
        "session": s.id,
        "created_at": s.created_at,
        "scenario": s.scenario,
        "status": s.status,
        "folder": str(s.folder),
        "turns": [t.to_dict() for t in s.turns],
        "report": result.report.to_dict(),
        "timings": {k: round(v, 4) for k, v in result.timings.items()},
        "notes": list(result.notes),
    }


def _no_microphone(device: int | str | None) -> str | None:
    """Why there is no microphone to answer into ("no microphone found"), or None when there is one."""
    try:
        import sounddevice as sd

        sd.query_devices(device, kind="input")
    except Exception:  # no PortAudio, no device: either way, no microphone
        return "no microphone found"
    from .audio import speakers_monitor

    monitor = speakers_monitor(device)
    return monitor.problem if monitor else None


@cli.command()
@click.argument("recording", required=False, type=click.Path(path_type=Path, readable=False, allow_dash=True))
@click.option("-t", "--text", callback=typed, help="Check typed text instead of a recording.")
@model_options
@profile_options
@full_option
@json_option
def check(
    recording: Path | None, text: str | None, model: str, download: bool,
    role: str | None, company: str | None, strengths: tuple[str, ...], profile: Path | None, full: bool, as_json: bool,
) -> None:  # fmt: skip
    """Score a recording (wav, flac, mp3, m4a...) or typed text (--text).

    A RECORDING of - is read from standard input (cat close.wav | voicepractice check -;
    a file named "-" is ./-). Recordings up to 15 minutes long are scored.
    """
    from .check import check as run_check
    from .errors import SilentInputError
    from .records import Transcript
    from .show import out, report_card, spinner

    if recording is None and text is None:
        raise click.UsageError('nothing to check: give a RECORDING (voicepractice check close.wav) or --text "..."')
    if recording is not None and text is not None:
        raise click.UsageError("give either a RECORDING or --text, not both")
    if text is not None and not any(ch.isalnum() for ch in text):
        raise click.UsageError('--text has no words in it: type the close you want checked, e.g. --text "Thank you for your time..."')
    prof = profile_from(role, company, strengths, profile)
    notes: list[str] = []  # a recording cut off part-way is scored, and said here
    if text is not None:
        from .english import reads_as_english

        if not reads_as_english(text):
            from .errors import LanguageError

            raise LanguageError("the text doesn't read as English: the coach checks English closes; type your close in English")
        transcript = Transcript.from_text(text)
    else:
        from .audio import STDIN_NAME, level, load_audio, load_stdin
        from .transcribe import TranscribeOptions, Transcriber

        if str(recording) == "-":
            if sys.stdin is not None and sys.stdin.isatty():  # nothing piped in: say so rather than wait
                raise click.UsageError("check - reads a recording from standard input: pipe one in (cat close.wav | voicepractice check -)")
            audio, name = load_stdin(notes), STDIN_NAME
        else:
            audio, name = load_audio(recording, notes), str(recording)  # type: ignore[arg-type]
        lv = level(audio)
        if lv.silent:
            raise SilentInputError(
                f"{name} is silent ({lv.rms_dbfs:.0f} dBFS): nothing to transcribe; was the microphone muted?"
            )
        with spinner("Transcribing..."):
            transcript = Transcriber(TranscribeOptions(model=model, download=download)).transcript(audio)
        if transcript.language != "en":
            from .errors import LanguageError

            raise LanguageError(
                f"{name} doesn't sound like English (the recogniser was unsure of nearly every word): "
                "the coach checks English closes; record your answer in English, close to the microphone and "
                "away from noise, and check it again"
            )
    if recording is not None:
        from .transcribe import UNSURE_ENGLISH_NOTE, english_verdict

        if english_verdict(transcript.words) == "unsure":
            notes.append(UNSURE_ENGLISH_NOTE.format(what=name))
    report = run_check(transcript, prof)
    if recording is not None:
        from .voice import analyse_recording

        report = replace(report, voice=analyse_recording(audio, transcript))  # beside check(): the coach never sees audio
    if as_json:
        emit_json({"source": str(recording) if recording else "text", "transcript": transcript.to_dict(), "report": report.to_dict(), "notes": notes})
        return
    out.print(report_card(report, [transcript], notes=notes, full=full))


def main(argv: list[str] | None = None) -> None:
    """Entry point: one error boundary for the whole command line."""
    args = sys.argv[1:] if argv is None else argv
    os.umask(0o077)  # recordings are personal: everything we create is user-only
    if sys.stdout is None:  # started with `>&-`: say so now, before anything is recorded
        click.echo("Error: standard output is closed: send it to a file or /dev/null instead", err=True)
        sys.exit(1)
    with contextlib.suppress(AttributeError, ValueError):  # an ASCII terminal shows ? for “ ✓, not a crash
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
    if argv is None:  # a process of its own, not a test calling in
        stop.install()  # SIGTERM and SIGHUP stop a drill as Ctrl-C does
    try:
        _run(args)
    finally:
        _log_threads_left()
        if argv is None:
            _quit_on_interrupt()


def _quit_on_interrupt() -> None:
    """Once the command is over, its work is saved: a Ctrl-C (or SIGTERM, SIGHUP) while Python shuts
    down (joining a model thread that finishes its decode) quits at once, not with a traceback from
    the join, or a crash in native code that Python's half-done teardown can set off."""

    def quit_now(signum: int, frame: object) -> None:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(128 + signum)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, quit_now)


# The package's own background threads. Others may outlive a command: tqdm's monitor (faster-whisper's
# progress bar) sleeps in Python and stops at exit; the Whisper thread idles between jobs.
_OUR_THREADS = frozenset({"block-pump", "model-load", "turn-model-load", "tts-render", "voice-tracker"})


def _log_threads_left() -> None:
    """Name any of our threads still running as the command ends (-v). Each job is finished,
    cancelled or waited for before a command returns; one left running is what a hang at exit
    (or a crash in native code while Python shuts down) would wait on."""
    import threading

    left = sorted(t.name for t in threading.enumerate() if t.name in _OUR_THREADS)
    if left:
        log.info("still running as the command ends: %s", ", ".join(left))


def _run(args: list[str]) -> None:
    debug = "--debug" in args or bool(os.environ.get("VOICEPRACTICE_DEBUG"))
    try:
        cli.main(args=args, prog_name="voicepractice", standalone_mode=False)
        if stop.stopped():
            sys.exit(stop.exit_code())
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(stop.exit_code())
    except click.exceptions.NoArgsIsHelpError as exc:  # `voicepractice` alone: the help, as it is laid out
        click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"Error: {_one_line(exc, args)}", err=True)
        sys.exit(exc.exit_code)
    except VoicePracticeError as exc:
        click.echo(f"Error: {_printable(str(exc))}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Aborted.", err=True)
        sys.exit(stop.exit_code())
    except Exception as exc:
        if debug:
            raise
        if isinstance(exc, OSError) and exc.errno in _FULL:
            _discard_stdout()
            click.echo(f"Error: cannot write {_printable(str(exc.filename or 'the output'))}: {exc.strerror}", err=True)
            sys.exit(1)
        click.echo(f"Error: unexpected {type(exc).__name__}: {_printable(str(exc))} (run with --debug for the details and please report it)", err=True)
        sys.exit(1)


_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
"""A write failed for want of room or a device: the disk or output (``> /dev/full``) is full."""


def _discard_stdout() -> None:
    """Point standard output at /dev/null, so what is still buffered for a full device is not
    written again, and fails again with a traceback, as Python flushes it at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _printable(text: str) -> str:
    """A message on one line whatever a file name in it holds: a newline or an escape is shown as ``\\n``, ``\\x1b``."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _one_line(exc: click.ClickException, args: list[str]) -> str:
    """Click's message as one line: an option's bad value, or a config file's when it came from
    there (the person never typed ``--rate``), with where to look instead of click's usage block."""
    from click.core import ParameterSource

    message = _printable(" ".join(exc.format_message().split()))
    if not isinstance(exc, click.UsageError):
        return message
    ctx, param = exc.ctx, getattr(exc, "param", None)
    if ctx is None:  # the parser's own errors ("requires an argument") come without the command
        command = next((a for a in args if a in cli.commands), None)
        return f"{message} (see `voicepractice{' ' + command if command else ''} --help`)"
    if isinstance(param, click.Parameter) and param.name and ctx.get_parameter_source(param.name) is ParameterSource.DEFAULT_MAP:
        from .config import config_path

        return f"config file {config_path()}: {param.name!r}: {_printable(' '.join(exc.message.split()))}"
    if type(exc) is click.UsageError and not isinstance(ctx.command, click.Group):
        return message  # the command's own words, which already say what to give
    return f"{message} (see `{ctx.command_path} --help`)"


def _register() -> None:
    # Command modules kept apart so cli.py stays small; each holds one area's commands.
    from .cli_followup import followup
    from .cli_sessions import export, forget, history, replay, review
    from .cli_setup import devices, doctor, scenarios, voices

    for command in (history, replay, review, export, forget, followup, devices, doctor, scenarios, voices):
        cli.add_command(command)


_register()

if __name__ == "__main__":
    main()
