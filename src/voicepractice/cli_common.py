"""Options and helpers shared by the command modules."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class Seconds(click.FloatRange):
    """A number of seconds in a range, never nan: nan passes every comparison, so ``--silence nan``
    would pass the range check and switch the silence ending off (an answer that never ends)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


def counted(n: int, noun: str) -> str:
    """``1 session``, ``3 sessions``: people read words, not ``session(s)``."""
    return f"{n} {noun if n == 1 else noun + 's'}"


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def device_arg(value: str | None) -> int | str | None:
    if value is None or value == "":
        return None
    return int(value) if value.isdigit() else value


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout (see README).")(f)


def full_option(f: F) -> F:
    return click.option("--full", is_flag=True, help="The whole report card: every element's coaching, extras, delivery norms, your words.")(f)


def config_setting(check: Callable[[str], object]) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """An option's callback: a value from the config file is checked when the command reads its options,
    so a bad one is named as the file's setting and exits 2 (``cli._one_line``), as ``rate`` or ``line``
    are by their click types, before anything is recorded. A value typed on the command line is checked
    where it is used, as before (exit 1)."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        from click.core import ParameterSource

        from .errors import VoicePracticeError

        if value is not None and param.name and ctx.get_parameter_source(param.name) is ParameterSource.DEFAULT_MAP:
            try:
                check(value)
            except VoicePracticeError as exc:
                raise click.BadParameter(str(exc), ctx, param) from exc
        return value

    return callback


def _check_model_name(value: str) -> None:
    """A model name no one knows (``model = "tiny.e"``). A known one that is not installed, or a folder
    that holds no model, is another problem, with its own advice, said where the model is loaded (exit 1)."""
    from .transcribe import DOWNLOADABLE, MODEL_PACKAGES, resolve_model

    if value in MODEL_PACKAGES or value in DOWNLOADABLE or Path(value).expanduser().is_dir():
        return
    resolve_model(value)  # ModelError: unknown model, with the installed and the known names


def model_options(f: F) -> F:
    f = click.option(
        "--download",
        is_flag=True,
        help="Allow fetching a model that is not installed from the Hugging Face hub (uses the network).",
    )(f)
    f = click.option(
        "-m",
        "--model",
        envvar="VOICEPRACTICE_MODEL",
        default="tiny.en",
        show_default=True,
        callback=config_setting(_check_model_name),
        help="Whisper model: tiny.en, base, or a folder with a CTranslate2 model (./tiny.en for a folder named like a model). [env: VOICEPRACTICE_MODEL]",
    )(f)
    return f


def clean_text(value: str) -> str:
    """Typed text as it can be stored and shown: bytes that are not UTF-8 (which argv holds as
    surrogates, and which failed the session's save after the answer) become \ufffd, and a control
    character (a terminal escape in a name) is dropped, or made a space if it is one."""
    text = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(ch if ch.isprintable() else " " if ch.isspace() else "" for ch in text)


def typed(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Callback for a text option (or a repeated one): ``clean_text`` on what was typed."""
    if isinstance(value, tuple):
        return tuple(clean_text(v) for v in value)
    return None if value is None else clean_text(value)


def short_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Callback for --role, --company and --interviewer: the interviewer speaks these, and far
    longer text (a pasted job ad) took the speech engine minutes and gigabytes to render."""
    from .scenarios import MAX_NAME_CHARS

    value = typed(ctx, param, value)
    if value is not None and len(value) > MAX_NAME_CHARS:
        raise click.BadParameter(f"{len(value)} characters is too long for a name or a job title; keep it under {MAX_NAME_CHARS}")
    return value


def profile_options(f: F) -> F:
    f = click.option("--profile", type=click.Path(dir_okay=False, path_type=Path), help="A TOML file with role, company and strengths.")(f)
    f = click.option("--strength", "strengths", multiple=True, callback=typed, help="A point you want to get across (repeatable).")(f)
    f = click.option("--company", callback=short_name, help="The company you are interviewing with.")(f)
    f = click.option("--role", callback=short_name, help="The role you are interviewing for.")(f)
    return f


def profile_from(role: str | None, company: str | None, strengths: tuple[str, ...], profile: Path | None) -> Any:
    from .check import Profile, load_profile
    from .names import company_name, role_title

    base = load_profile(profile) if profile else Profile()
    # Normalised once here ("the data engineer role" → "data engineer"): the coaching builds its phrases from it.
    return Profile(
        role=role_title(role or base.role),
        company=company_name(company or base.company),
        strengths=tuple(strengths) or base.strengths,
    )
