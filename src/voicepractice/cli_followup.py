"""The ``followup`` command: a thank-you email, check-ins and a dated plan from a session."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli_common import emit_json, json_option, short_name

if TYPE_CHECKING:
    from .followup import FollowUp


def _heard_back_in(ctx: click.Context, param: click.Parameter, value: str | None) -> object:
    if value is None:
        return None
    from .followup_plan import parse_heard_back_in

    try:
        return parse_heard_back_in(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


# A real call is recent or coming up: a date further out is a typo, and one near the calendar's
# end (9999-12-31) overflowed as the plan added days to it.
CALL_DATE_RANGE = timedelta(days=366)


def _call_date(ctx: click.Context, param: click.Parameter, value: datetime | None) -> datetime | None:
    if value is not None and abs(value - datetime.now()) > CALL_DATE_RANGE:
        raise click.BadParameter(f"{value.date().isoformat()} is more than a year from today; give the date of your real call")
    return value


def _country(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The country whose holidays to skip, checked here so that a bad one from the config file is
    named as the file's setting (cli._one_line), not as an option the person never typed."""
    from .followup_plan import country_from_locale, public_holidays

    if value is None:  # the locale's, when the holidays package knows it; else weekends only
        country = country_from_locale()
        try:
            public_holidays(country)
        except ValueError:
            return None
        return country
    if value.strip().lower() in ("", "none", "no"):
        return None
    try:
        public_holidays(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    return value


@click.command()
@click.argument("session", required=False)
@click.option("-w", "--heard-back-in", callback=_heard_back_in, metavar="WHEN",
              help="The time frame the interviewer gave: 3d, 2w, 10bd (business days), 1m, or their words "
                   "(\"within two weeks\"). Default: read from the interviewer's lines, else none.")
@click.option("--call-date", type=click.DateTime(["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]), metavar="DATE",
              callback=_call_date,
              help="When your real call ended (YYYY-MM-DD [HH:MM]; noon if no time; within a year of today). "
                   "Default: when the drill was recorded.")
@click.option("--interviewer", callback=short_name, help="The interviewer's name, if the drill did not have it.")
@click.option("--company", callback=short_name, help="The company, if the drill did not have it.")
@click.option("--role", callback=short_name, help="The role, if the drill did not have it.")
@click.option("-n", "--name", "sender", callback=short_name, help="Your name, for the sign-off.")
@click.option("--check-ins", type=click.IntRange(1, 2), default=2, show_default=True, help="How many check-ins to plan.")
@click.option("--country", metavar="CODE", callback=_country,
              help="Skip this country's public holidays (US, GB, DE...; `none` for weekends only). "
                   "Default: the config file's `country`, else your locale's (LANG=en_GB.UTF-8: GB).")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for followup.txt and followup.ics. Default: the session's folder.")
@click.option("-p", "--print", "print_only", is_flag=True, help="Print every draft and the plan; write no files.")
@json_option
def followup(
    session: str | None, heard_back_in: object, call_date: datetime | None, interviewer: str | None,
    company: str | None, role: str | None, sender: str | None, check_ins: int, country: str | None,
    out_dir: Path | None, print_only: bool, as_json: bool,
) -> None:  # fmt: skip
    """Draft the thank-you email and a follow-up plan from SESSION (default: the latest).

    Writes followup.txt (the plan and every draft) and followup.ics (one
    calendar reminder per step: thank-you, check-ins, last note) into the
    session's folder, and prints the thank-you email and the plan.
    """
    from .followup import FollowUpOptions, draft_sections, follow_up, write_files
    from .followup_plan import PlanOptions, TimeFrame
    from .show import say
    from .store import Store

    if call_date is not None and call_date.hour == call_date.minute == 0:
        call_date = call_date.replace(hour=12)  # a date without a time: assume midday
    stored = Store().get(session)
    now = datetime.now().astimezone()
    options = FollowUpOptions(
        heard_back_in=heard_back_in if isinstance(heard_back_in, TimeFrame) else None,
        call=call_date,
        interviewer=interviewer,
        company=company,
        role=role,
        sender=sender,
        plan=PlanOptions(check_ins=check_ins, country=country),
    )
    result = follow_up(stored, options, now)
    files = None if print_only else write_files(result, out_dir or stored.folder or Path.cwd(), now)
    if as_json:
        emit_json({**result.to_dict(), "files": {k: str(v) for k, v in files.items()} if files else None})
        return
    # Plain click.echo for the drafts: they hold [brackets] that rich would read as markup, and a copied
    # email must not carry our line breaks.
    if print_only:
        plan(result)
        click.echo("\n" + "\n".join(draft_sections(result)), nl=False)
        return
    click.echo(result.draft("thank_you").text)
    plan(result)
    assert files is not None
    click.echo()
    say("Wrote ", files["text"], " (every draft) and ", files["ics"], " (import it into your calendar).")


def plan(result: FollowUp) -> None:
    """The plan and its notes. On a terminal each line wraps at its width under its own text, beside its
    label ("Note:", a step's date), as the report card does, instead of the terminal cutting words at its
    edge; piped, the plain text of followup.txt."""
    import sys

    from .followup import summary, summary_lines

    if not sys.stdout.isatty():
        click.echo(summary(result), nl=False)
        return
    from rich.console import Group, RenderableType
    from rich.padding import Padding
    from rich.text import Text

    from .show import hanging_grid, out

    rows: list[RenderableType] = []
    for label, text in summary_lines(result):
        if not label:
            rows.append(Text(text))
            continue
        grid = hanging_grid()  # Text, not markup: the plan holds [brackets]
        grid.columns[0].min_width = len(label.lstrip())  # a step's date, padded to 24 as in the plain text
        grid.add_row(Text(label.strip()), Text(text))
        indent = len(label) - len(label.lstrip())
        rows.append(Padding(grid, (0, 0, 0, indent), expand=False) if indent else grid)
    out.print(Group(*rows))
