"""The role and company as typed ("the backend engineer role") read right in every sentence they fill."""

from __future__ import annotations

from datetime import datetime

import pytest

from voicepractice.check import Profile, check
from voicepractice.followup import FollowUpOptions, calendar, follow_up
from voicepractice.names import company_name, role_phrase, role_title
from voicepractice.records import Transcript
from voicepractice.scenarios import Details, fill, load_scenario
from voicepractice.store import Session, TurnRecord

DOUBLED = ("the the", "role role", "role position", "position position", "the a ")


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("the backend engineer role", "backend engineer"),
        ("backend engineer", "backend engineer"),
        ("  a Senior  Data Engineer position. ", "Senior Data Engineer"),
        ("The Head of Product role", "Head of Product"),
        ("the role", None),
        ("", None),
        (None, None),
    ],
)
def test_role_title(raw: str | None, title: str | None) -> None:
    assert role_title(raw) == title
    assert role_title(title) == title  # normalising twice changes nothing


def test_role_phrase_and_company() -> None:
    assert role_phrase("the backend engineer role") == "the backend engineer role"
    assert role_phrase("backend engineer") == "the backend engineer role"
    assert role_phrase(None) == "this role"
    assert company_name("  The New York  Times ") == "The New York Times"
    assert company_name('"Acme"') == "Acme" and company_name("'Acme Corp.'") == "Acme Corp"
    assert company_name('"Quoted" Ltd') == '"Quoted" Ltd'  # was 'Quoted" Ltd', an unbalanced quote


def _no_doubles(text: str) -> None:
    low = " ".join(text.lower().split())
    for d in DOUBLED:
        assert d not in low, (d, text)


@pytest.mark.parametrize("typed", ["the backend engineer role", "backend engineer", "a backend engineer position"])
def test_typed_role_reads_once_in_coaching_email_ics_and_script(typed: str) -> None:
    # Coaching: the interest example fills {the_role}.
    report = check(Transcript.from_text("Thanks, bye."), Profile(role=typed, company="Acme"))
    interest = report.element("interest") if hasattr(report, "element") else next(f for f in report.core if f.element == "interest")
    assert "the backend engineer role" in (interest.example or "")
    for f in report.findings:
        _no_doubles(f"{f.coaching} {f.example}")

    # The interviewer's line: "about {role}".
    scenario = load_scenario("phone_screen")
    for turn in scenario.turns:
        for line in turn.lines:
            _no_doubles(fill(line, scenario, Details(company="Acme", role=typed)))
    line = next(x for t in scenario.turns for x in t.lines if "{role}" in x)
    assert "the backend engineer role" in fill(line, scenario, Details(role=typed))

    # The email and the calendar: "the {role} position", "{role} at {company}".
    t = Transcript.from_text("Thank you so much. What are the next steps?", turn=0)
    session = Session("260107-110000-abc", "2026-01-07T11:00:00+00:00", "phone_screen", "complete",
                      (TurnRecord("close", "Anything else?", transcript=t),), check([t]),
                      {"interviewer": "Dana", "company": "Acme", "role": typed})  # fmt: skip
    f = follow_up(session, FollowUpOptions(call=datetime(2026, 1, 7, 11, 0)), datetime(2026, 1, 5, 8, 0))
    for d in f.drafts:
        _no_doubles(d.text)
    assert "the backend engineer position at Acme" in f.draft("thank_you").body
    assert "Thank you: backend engineer at Acme" in f.draft("thank_you").subject
    ics = calendar(f, datetime(2026, 1, 5, 8, 0))
    _no_doubles(ics.replace("\r\n ", ""))
    assert "backend engineer position" in ics.replace("\r\n ", "")


def test_why_you_fit_example_uses_their_points_or_a_bracketed_template() -> None:
    """The example never invents a background ("five years running support teams")."""
    def example(profile: Profile) -> str:
        r = check(Transcript.from_text("Thanks, bye."), profile)
        return next(f for f in r.core if f.element == "qualifications").example or ""

    mine = example(Profile(role="the data engineer role", strengths=("five years of data pipelines", "Spark")))
    assert "five years of data pipelines and Spark" in mine and "the data engineer role" in mine
    generic = example(Profile())
    assert "[your years]" in generic and "[skill]" in generic and "this role" in generic
    for text in (mine, generic):
        assert "support teams" not in text and "30%" not in text
