"""`voicepractice followup`: drafts from real drill sessions, the plan's dates, the .ics file."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import stat
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voicepractice.check import check
from voicepractice.followup import FollowUpOptions, calendar, follow_up, summary
from voicepractice.followup_plan import (
    CalendarEvent,
    PlanOptions,
    TimeFrame,
    add_business_days,
    add_months,
    frame_from_lines,
    make_plan,
    parse_heard_back_in,
    parse_time_frame,
    thank_you_time,
    to_ics,
)
from voicepractice.records import Transcript
from voicepractice.store import Session, Store, TurnRecord

from conftest import FIXTURES, NAMES, copy_store

icalendar = pytest.importorskip("icalendar")

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "voicepractice" / "followup.toml"

# name: (recordings, extra drill options). One seed for the single answers: they hear the same close
# line, rendered by the first and read from the cache by the rest (which never load the voice).
ONE_CLOSE = ("--seed", "1")
# "strong" (strong_close.flac, NAMES, seed 1, --strength "data pipelines") is conftest's drilled_store's,
# run once for the whole suite.
DRILLS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "multi": (("turn1_question.flac", "turn2_close.flac", "turn3_goodbye.flac"), (*NAMES, "--seed", "3")),
    "fillers": (("fillers_close.flac",), (*NAMES, *ONE_CLOSE)),
    "long": (("long_answer_60s.flac",), (*NAMES, *ONE_CLOSE)),
    "weak": (("weak_thanks_only.flac",), ONE_CLOSE),
    "negated": (("negated_interest.flac",), (*NAMES, *ONE_CLOSE)),
}


# --- Real drills, recorded once for the module ------------------------------------------------


@pytest.fixture(scope="module")
def drill_home(
    tmp_path_factory: pytest.TempPathFactory, shared_cache: Path, drilled_store: dict
) -> tuple[Path, dict[str, str]]:
    """Run each drill once (the real model on the fixtures) into one shared data directory: a copy of
    conftest's drilled store (whose strong close is this module's) and the drills of ``DRILLS``."""
    from voicepractice.cli import main

    home = copy_store(drilled_store, tmp_path_factory.mktemp("followup-home") / "home")["home"]
    mp = pytest.MonkeyPatch()
    mp.setenv("VOICEPRACTICE_HOME", str(home))
    mp.setenv("VOICEPRACTICE_CACHE", str(shared_cache))
    for var in ("VOICEPRACTICE_MODEL", "VOICEPRACTICE_INPUT", "VOICEPRACTICE_OUTPUT"):
        mp.delenv(var, raising=False)
    ids: dict[str, str] = {"strong": drilled_store["strong"]["session"]}
    try:
        for name, (files, extra) in DRILLS.items():
            answers = [a for f in files for a in ("--answer", str(FIXTURES / f))]
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                main(["drill", "--fast", "--no-cue", "--json", *answers, *extra])
            ids[name] = json.loads(out.getvalue())["session"]
    finally:
        mp.undo()
    return home, ids


@pytest.fixture
def sessions(drill_home, monkeypatch: pytest.MonkeyPatch) -> dict[str, Session]:
    home, ids = drill_home
    monkeypatch.setenv("VOICEPRACTICE_HOME", str(home))
    store = Store(home)
    return {name: store.get(sid) for name, sid in ids.items()}


NOW = datetime(2026, 1, 5, 8, 0)  # before every drill's plan: nothing overdue


@pytest.fixture(autouse=True)
def _no_locale_country(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan's dates must not depend on the machine's locale (whose holidays it would skip)."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    for var in ("LC_ALL", "LC_TIME"):
        monkeypatch.delenv(var, raising=False)


def _norm(text: str) -> str:
    """Lower case, no punctuation, no fillers: what "the same words" means here."""
    words = re.sub(r"[^\w' ]+", " ", text.lower().replace("’", "'")).split()
    out, i = [], 0
    while i < len(words):
        if words[i] in ("um", "uh", "er", "erm", "like"):
            i += 1
        elif words[i : i + 2] == ["you", "know"]:
            i += 2
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def _said(s: Session) -> str:
    return " | ".join(_norm(t.transcript.text) for t in s.turns if t.transcript)


def _outside_brackets(text: str) -> str:
    return re.sub(r"\[[^\]]*\]", " ", text)


def _call_options(s: Session) -> FollowUpOptions:
    # A fixed call time keeps the dates stable whatever the machine's clock says.
    return FollowUpOptions(call=datetime(2026, 1, 7, 11, 0))


# --- Drafts from real sessions -------------------------------------------------------------------


def test_thank_you_names_the_strength_and_reuses_their_own_fit_sentence(sessions) -> None:
    s = sessions["strong"]
    f = follow_up(s, _call_options(s), NOW)
    ty = f.draft("thank_you")
    assert ty.subject == "Thank you: data engineer at Acme"
    assert ty.body.startswith("Hi Dana,")
    assert "data pipelines" in ty.body  # the strength they mentioned
    assert "five years" in ty.body  # from their own sentence, not from a template
    assert any("five years" in r for r in ty.reused)
    assert ty.words <= 150
    assert "[add one specific thing" not in ty.body.lower()


def test_multi_turn_draft_names_their_question_and_the_interviewers_answer(sessions) -> None:
    s = sessions["multi"]
    assert len(s.turns) >= 2
    f = follow_up(s, _call_options(s), NOW)
    ty = f.draft("thank_you")
    question_turn = s.turns[0].transcript
    assert question_turn is not None
    # The topic of their question, in their words.
    topic = next(r for r in ty.reused if "team" in r)
    assert _norm(topic) in _norm(question_turn.text)
    assert _norm(topic) in _norm(ty.body)
    # The interviewer's reply is quoted from the line that followed the question.
    quoted = re.findall(r'"([^"]+)"', ty.body)
    lines = " ".join(t.line for t in s.turns[1:])
    assert quoted and all(q in lines or _norm(q) in _said(s) for q in quoted)
    assert any(q in s.turns[1].line for q in quoted)
    # The goodbye line states when they'll hear back: the plan uses it.
    assert f.plan.frame is not None and f.plan.frame_source == "interviewer"
    assert f.plan.frame.phrase.lower() in " ".join(t.line.lower() for t in s.turns)
    assert f.plan.frame.phrase in ty.body
    end = f.plan.frame.end(date(2026, 1, 7))
    assert f.plan.step("check_in").when.date() == add_business_days(end, 1)


@pytest.mark.parametrize("name", ["strong", *DRILLS])
def test_drafts_never_put_words_in_their_mouth(sessions, name: str) -> None:
    s = sessions[name]
    f = follow_up(s, _call_options(s), NOW)
    said = _said(s)
    lines = " ".join(t.line for t in s.turns)
    template_words = set(_norm(TEMPLATES.read_text()).split())
    names = set(_norm(" ".join(v for v in s.details.values() if isinstance(v, str))).split())
    dates = {d.lower() for d in ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]}  # fmt: skip
    for d in f.drafts:
        assert d.words <= 150 or d.kind != "thank_you"
        for span in d.reused:
            assert _norm(span) in said, (span, said)
            assert _norm(span) in _norm(d.body)
        # "As I mentioned" only ever introduces their own words.
        for claim in re.findall(r"As I mentioned, ([^\n]+?[.!?])(?:\s|$)", d.body):
            assert _norm(claim) in said, claim
        # Every word comes from the templates, their transcript, the interviewer, the names or a date.
        allowed = template_words | set(said.split()) | set(_norm(lines).split()) | names | dates
        stray = set(_norm(d.text).split()) - allowed - {str(n) for n in range(32)}
        assert not stray, (d.kind, stray)


def test_missing_pieces_become_placeholders_not_inventions(sessions) -> None:
    s = sessions["weak"]  # "Okay, thanks for your time, bye." with no names given
    f = follow_up(s, _call_options(s), NOW)
    ty = f.draft("thank_you")
    assert ty.reused == ()
    assert "As I mentioned" not in ty.body
    assert "[Add one specific thing you discussed on the call.]" in ty.body
    assert "[Add one line on why you're a good fit, in your own words.]" in ty.body
    for ph in ("[interviewer's name]", "[company]", "[role]", "[your name]"):
        assert ph in f.placeholders
    assert "Sam" not in ty.text  # the script's stand-in interviewer is not their interviewer
    assert any("--interviewer" in n for n in f.notes)


def test_doubtful_interest_is_left_for_them_to_decide(sessions) -> None:
    s = sessions["negated"]  # "I am not sure I am interested in this role anymore"
    f = follow_up(s, _call_options(s), NOW)
    for d in f.drafts:
        assert "interested" not in _outside_brackets(d.body), d.kind
        assert "interested" in d.body  # the bracketed prompt asks them


def test_fillers_are_dropped_from_reused_words(sessions) -> None:
    s = sessions["fillers"]
    ty = follow_up(s, _call_options(s), NOW).draft("thank_you")
    body = ty.body.lower()
    assert not re.search(r"\b(um|uh)\b", body)
    assert "you know" not in body
    assert ty.reused and all(_norm(r) in _said(s) for r in ty.reused)


def test_a_long_answer_still_gives_a_short_email(sessions) -> None:
    s = sessions["long"]
    ty = follow_up(s, _call_options(s), NOW).draft("thank_you")
    assert ty.words <= 150
    assert any("five years" in r or "data pipelines" in r for r in ty.reused)


def test_options_fill_the_blanks(sessions) -> None:
    s = sessions["weak"]
    opts = FollowUpOptions(interviewer="Priya", company="Globex", role="analyst", sender="Alex Kim",
                           call=datetime(2026, 1, 7, 11, 0))  # fmt: skip
    ty = follow_up(s, opts, NOW).draft("thank_you")
    assert ty.body.startswith("Hi Priya,") and ty.body.rstrip().endswith("Alex Kim")
    assert "analyst position at Globex" in ty.body


def test_limit_drops_optional_pieces_first() -> None:
    """Typed transcripts: a question, a long reply and a long fit sentence must still fit 150 words."""
    q = Transcript.from_text(
        "Could you tell me what a typical day looks like for the team and how the work is split between "
        "the platform group, the analytics group and the people who look after the reporting tools?", turn=0
    )
    fit = Transcript.from_text(
        "I have five years of experience building data pipelines for retail and logistics companies, "
        "and last year I led the migration of our warehouse to the cloud with a team of six engineers, "
        "and we finished two months ahead of schedule while cutting costs by a third.", turn=1
    )
    reply = ("Most days start with a short stand-up, then the platform group builds ingestion while analytics "
             "owns dashboards and the two meet every afternoon. Anything else?")  # fmt: skip
    turns = (TurnRecord("questions", "Any questions?", transcript=q), TurnRecord("close", reply, transcript=fit))
    session = Session("260107-110000-abc", "2026-01-07T11:00:00+00:00", "phone_screen", "complete", turns,
                      check([q, fit]), {"interviewer": "Dana", "company": "Acme", "role": "data engineer"})  # fmt: skip
    ty = follow_up(session, None, NOW).draft("thank_you")
    assert ty.words <= 150
    assert "typical day" in ty.body
    said = _norm(q.text + " " + fit.text)
    assert ty.reused and all(_norm(r) in said for r in ty.reused)


def test_a_scenario_files_own_stand_ins_are_not_greeted() -> None:
    """A drill on a scenario file stored the file's [defaults] ("Zoé") as the interviewer, and the
    email said "Hi Zoé": the file cannot be looked up again by the scenario's name. The drill now
    records which names were stand-ins; one the person gave is used."""
    close = Transcript(text="Thank you so much, I'd love to join Acme. What are the next steps?", turn=0)
    turns = (TurnRecord("close", "Anything else?", transcript=close),)
    details = {"interviewer": "Zoé", "company": "Acme", "role": "data engineer", "stand_ins": ["interviewer"]}
    session = Session("260107-110000-fil", "2026-01-07T11:00:00+00:00", "my_screen", "complete", turns, check([close]), details)
    ty = follow_up(session, None, NOW).draft("thank_you")
    assert "Zoé" not in ty.body and "Acme" in ty.body
    with_name = follow_up(session, FollowUpOptions(interviewer="Zoé"), NOW).draft("thank_you")
    assert "Zoé" in with_name.body
    from dataclasses import replace

    from voicepractice.drill import DrillOptions, _details
    from voicepractice.scenarios import Details, load_scenario

    script = load_scenario("phone_screen")
    assert _details(replace(DrillOptions(), details=Details(role="analyst")), script)["stand_ins"] == ["interviewer", "company"]


# --- The command ---------------------------------------------------------------------------------------


def test_followup_writes_private_txt_and_ics_into_the_session_folder(vp, sessions) -> None:
    s = sessions["strong"]
    r = vp("followup", s.id, "--name", "Alex Kim")
    assert r.code == 0, r.err
    assert "Subject: Thank you: data engineer at Acme" in r.out
    assert "Alex Kim" in r.out and "followup.ics" in r.out
    assert s.folder is not None
    for name in ("followup.txt", "followup.ics"):
        p = s.folder / name
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    text = (s.folder / "followup.txt").read_text()
    for title in ("Thank-you email", "Check-in", "Second check-in", "Last note"):
        assert title in text


def test_print_writes_nothing_and_out_chooses_the_folder(vp, sessions, tmp_path: Path) -> None:
    s = sessions["fillers"]
    assert s.folder is not None
    r = vp("followup", s.id, "--print")
    assert r.code == 0, r.err
    assert "Last note" in r.out
    assert not (s.folder / "followup.txt").exists()
    out = tmp_path / "mine"
    r = vp("followup", s.id, "--out", str(out), "--json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert Path(d["files"]["ics"]) == out / "followup.ics" and (out / "followup.ics").is_file()
    assert not (s.folder / "followup.ics").exists()


@pytest.fixture
def any_call_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lift the one-year bound on --call-date for the tests whose fixed 2026 dates (with known
    holidays) would otherwise start failing a year on."""
    import voicepractice.cli_followup

    monkeypatch.setattr(voicepractice.cli_followup, "CALL_DATE_RANGE", timedelta.max)


def test_json_and_heard_back_in(vp, sessions, any_call_date) -> None:
    s = sessions["strong"]
    r = vp("followup", s.id, "--print", "--json", "--heard-back-in", "2w", "--call-date", "2026-01-30 10:00")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert d["files"] is None
    assert d["time_frame"]["source"] == "option" and d["time_frame"]["ends"] == "2026-02-13"
    plan = {p["step"]: p["when"] for p in d["plan"]}
    assert plan == {
        "thank_you": "2026-01-30T13:00",
        "check_in": "2026-02-16T09:00",  # the Monday after the two weeks end on a Friday
        "check_in_2": "2026-02-23T09:00",
        "last_note": "2026-03-02T09:00",
    }
    assert "within two weeks" in d["drafts"]["thank_you"]["body"]
    assert set(d["drafts"]) == {"thank_you", "check_in", "check_in_2", "last_note"}
    assert d["drafts"]["thank_you"]["words"] <= 150


def test_bad_heard_back_in_is_a_usage_error(vp) -> None:
    r = vp("followup", "--heard-back-in", "soonish")
    assert r.code == 2
    assert "10bd" in r.err


def test_call_date_far_from_today_is_a_usage_error(vp, sessions) -> None:
    s = sessions["strong"]
    for far in ("9999-12-31", "0001-01-01", (datetime.now() + timedelta(days=400)).strftime("%Y-%m-%d")):
        r = vp("followup", s.id, "--print", "--call-date", far)
        assert r.code == 2, r.err
        assert r.err.count("\n") == 1 and "more than a year from today" in r.err
    soon = (datetime.now() + timedelta(days=300)).strftime("%Y-%m-%d")
    assert vp("followup", s.id, "--print", "--call-date", soon).code == 0


def test_session_without_transcript_is_one_error_line(vp, private_home: Path) -> None:
    store = Store()
    staging = store.begin("260107-110000-zzz")
    store.commit(Session("260107-110000-zzz", "2026-01-07T11:00:00+00:00", "phone_screen", "recovered",
                         (TurnRecord("close", "Anything else?", answer_audio="answer-1.wav", ended_by="crashed"),),
                         None), staging)  # fmt: skip
    r = vp("followup", "260107-110000-zzz")
    assert r.code == 1
    assert r.err.strip() == "Error: session 260107-110000-zzz has no transcript; run a drill first"
    r = vp("followup", "nosuch")
    assert r.code == 1 and r.err.startswith("Error: no session")


def test_no_sessions_yet(vp) -> None:
    r = vp("followup")
    assert r.code == 1 and "run `voicepractice drill` first" in r.err


# --- The .ics file ---------------------------------------------------------------------------------------


def test_ics_validates_and_matches_the_plan(sessions, tmp_path: Path) -> None:
    s = sessions["multi"]
    f = follow_up(s, FollowUpOptions(call=datetime(2026, 12, 30, 16, 30)), NOW)
    raw = calendar(f, NOW).encode()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # folding never splits a character
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0" and "voicepractice" in str(cal["PRODID"])
    events = list(cal.walk("VEVENT"))
    assert [e.get("DTSTART").dt for e in events] == [step.when for step in f.plan.steps]
    assert len({str(e["UID"]) for e in events}) == 4
    for e, draft in zip(events, f.drafts, strict=True):
        assert e.get("DTSTAMP") is not None and str(e["SUMMARY"])
        assert str(e["DESCRIPTION"]) == draft.text  # escaping and folding round-trip
        alarms = list(e.walk("VALARM"))
        assert len(alarms) == 1 and str(alarms[0]["ACTION"]) == "DISPLAY"
        assert e.get("DTSTART").dt.weekday() < 5
    # Late on 30 Dec 2026 (a Wednesday): the thank-you goes out the next morning, across the year end.
    assert events[0].get("DTSTART").dt == datetime(2026, 12, 31, 9, 0)


def test_ics_folds_long_non_ascii_lines() -> None:
    summary = "Zoë at Société Générale — café " * 10
    raw = to_ics([CalendarEvent("x@voicepractice", datetime(2026, 1, 7, 9), summary, "d")], NOW, "-//t//EN").encode()
    parts = raw.split(b"\r\n")
    assert all(len(p) <= 75 for p in parts)
    for p in parts:
        p.decode("utf-8")  # folding never splits a character
    unfolded = raw.replace(b"\r\n ", b"").decode()
    assert "SUMMARY:" + summary.replace(",", "\\,") in unfolded


def test_ics_with_non_ascii_names_parses(sessions) -> None:
    s = sessions["strong"]
    opts = FollowUpOptions(interviewer="Zoë", company="Société Générale; Paris, France", call=datetime(2026, 1, 30, 10))
    cal = icalendar.Calendar.from_ical(calendar(follow_up(s, opts, NOW), NOW).encode())
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert summaries[0] == "Send the thank-you email to Zoë (Société Générale; Paris, France)"


# --- Date maths ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (datetime(2026, 1, 7, 10, 0), datetime(2026, 1, 7, 13, 0)),  # Wednesday morning: same afternoon
        (datetime(2026, 1, 7, 10, 5), datetime(2026, 1, 7, 13, 15)),  # rounded up to the quarter hour
        (datetime(2026, 1, 7, 6, 0), datetime(2026, 1, 7, 9, 0)),  # not before the working day starts
        (datetime(2026, 1, 7, 16, 30), datetime(2026, 1, 8, 9, 0)),  # late: next business morning
        (datetime(2026, 1, 9, 17, 0), datetime(2026, 1, 12, 9, 0)),  # Friday evening: Monday
        (datetime(2026, 1, 10, 11, 0), datetime(2026, 1, 12, 9, 0)),  # Saturday: Monday
        (datetime(2026, 1, 30, 16, 0), datetime(2026, 2, 2, 9, 0)),  # Friday at the month end
        (datetime(2027, 12, 31, 15, 30), datetime(2028, 1, 3, 9, 0)),  # Friday at the year end
    ],
)
def test_thank_you_time(call: datetime, expected: datetime) -> None:
    assert thank_you_time(call, PlanOptions()) == expected


def _days(plan) -> dict[str, date]:
    return {s.kind: s.when.date() for s in plan.steps}


def test_plan_without_a_time_frame_across_the_year_end() -> None:
    plan = make_plan(datetime(2025, 12, 31, 10, 0), None, NOW.replace(year=2025, month=1))
    assert _days(plan) == {
        "thank_you": date(2025, 12, 31),
        "check_in": date(2026, 1, 9),  # seven business days
        "check_in_2": date(2026, 1, 16),  # a week later
        "last_note": date(2026, 1, 23),  # three weeks is the 21st; a week after the last check-in wins
    }
    assert all(s.when.time() == time(9, 0) for s in plan.steps[1:])


@pytest.mark.parametrize(
    ("call", "frame", "check_in"),
    [
        (date(2026, 1, 30), "2w", date(2026, 2, 16)),  # ends Friday 13 Feb: Monday
        (date(2026, 2, 20), "10bd", date(2026, 3, 9)),  # ends Friday 6 Mar: Monday 9 Mar
        (date(2026, 1, 29), "3d", date(2026, 2, 2)),  # ends Sunday 1 Feb: Monday
        (date(2026, 1, 31), "1m", date(2026, 3, 2)),  # 28 Feb is a Saturday: Monday 2 Mar
        (date(2028, 1, 31), "1m", date(2028, 3, 1)),  # leap year: 29 Feb is a Tuesday
        (date(2026, 4, 30), "by the end of next week", date(2026, 5, 11)),
        (date(2026, 12, 15), "early next month", date(2027, 1, 11)),  # the 10th is a Sunday
        (date(2026, 12, 15), "by the end of next month", date(2027, 2, 1)),  # 31 Jan is a Sunday
        (date(2026, 1, 30), "by Friday", date(2026, 2, 9)),  # said on a Friday: the next Friday
    ],
)
def test_first_check_in_is_the_business_day_after_the_frame(call: date, frame: str, check_in: date) -> None:
    tf = parse_heard_back_in(frame)
    plan = make_plan(datetime.combine(call, time(11)), tf, NOW)
    assert _days(plan)["check_in"] == check_in
    assert check_in > tf.end(call)


def test_one_check_in_and_overdue_steps() -> None:
    call = datetime(2026, 1, 7, 10, 0)
    plan = make_plan(call, None, datetime(2026, 1, 8, 12, 0), PlanOptions(check_ins=1))
    assert [s.kind for s in plan.steps] == ["thank_you", "check_in", "last_note"]
    assert plan.step("thank_you").overdue and not plan.step("check_in").overdue
    assert plan.step("last_note").when.date() == date(2026, 1, 28)  # 21 days on is a Wednesday


@given(
    call=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)),
    frame=st.one_of(
        st.none(),
        st.builds(TimeFrame, st.sampled_from(["days", "business_days", "weeks", "months"]), st.integers(1, 40), st.just("x")),
        st.builds(
            TimeFrame, st.sampled_from(["week_end", "month_end", "month_mid", "month_early"]), st.just(0), st.just("x"), st.integers(0, 2)
        ),
        st.builds(TimeFrame, st.just("weekday"), st.integers(0, 6), st.just("x"), st.integers(0, 1)),
    ),
)
def test_plan_invariants(call: datetime, frame: TimeFrame | None) -> None:
    plan = make_plan(call, frame, call)
    whens = [s.when for s in plan.steps]
    assert all(w.weekday() < 5 for w in whens)
    assert whens == sorted(whens) and len(set(whens)) == len(whens)
    assert call < whens[0] <= call + timedelta(days=4)
    assert whens[-1].date() >= call.date() + timedelta(days=21)
    if frame is not None:
        assert whens[1].date() > frame.end(call.date())


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


# --- Reading the time frame ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "amount", "phrase"),
    [
        ("We'll decide within two weeks.", "weeks", 2, "within two weeks"),
        ("You should hear from us by the end of next week either way.", "week_end", 0, "by the end of next week"),
        ("We'll get back to you in the next few days.", "days", 3, "in the next few days"),
        ("We're aiming for early next month.", "month_early", 0, "early next month"),
        ("It usually takes 10 business days.", "business_days", 10, "within 10 business days"),
        ("The process takes about ten working days.", "business_days", 10, "in about ten working days"),
        ("We'll be in touch within a week about next steps.", "weeks", 1, "within a week"),
        ("Expect news in a week or two.", "weeks", 2, "in a week or two"),
        ("It should be one to two weeks.", "weeks", 2, "within one to two weeks"),
        ("We're hoping to make a decision within the next two weeks.", "weeks", 2, "within the next two weeks"),
        ("The whole process usually takes about three weeks from here.", "weeks", 3, "about three weeks"),
        ("We'll call you back within 3 days.", "days", 3, "within 3 days"),
        ("I'll let you know by Friday.", "weekday", 4, "by Friday"),
        ("Over the next couple of weeks we'll meet everyone.", "weeks", 2, "over the next couple of weeks"),
        ("Have a great day!", None, None, None),
        ("I have been here five years and we have five days of onboarding.", None, None, None),
    ],
)
def test_parse_time_frame(text: str, kind: str | None, amount: int | None, phrase: str | None) -> None:
    tf = parse_time_frame(text)
    if kind is None:
        assert tf is None
        return
    assert tf is not None
    assert (tf.kind, tf.amount) == (kind, amount)
    assert phrase is not None and phrase.split()[-2:] == tf.phrase.split()[-2:]


@pytest.mark.parametrize(
    ("line", "kind", "amount", "phrase"),
    [
        # The news reaching them wins over the team's own step, whichever comes first.
        ("The team meets on Friday to review, so expect news early next week.", "weekday", 1, "early next week"),
        ("The panel reviews on Monday, and you'll hear from us by Friday.", "weekday", 4, "by Friday"),
        ("You'll hear from us by Friday; the panel meets on Monday to compare notes.", "weekday", 4, "by Friday"),
        ("We'll get back to you within two weeks, after the committee meets on Thursday.", "weeks", 2, "within two weeks"),
        ("After the panel reviews on Monday we'll get back to you within two weeks.", "weeks", 2, "within two weeks"),
        ("We should have a decision by the end of next week, once we finish interviewing on Tuesday.",
         "week_end", 0, "by the end of next week"),
        ("We have one more conversation on Thursday, then we'll decide early next week.", "weekday", 1, "early next week"),
        ("By Friday you'll know either way, we're meeting the last candidates on Wednesday.", "weekday", 4, "by Friday"),
        # A neutral time beats one of the team's own steps.
        ("We're speaking with two other candidates on Wednesday, and it usually takes about ten working days.",
         "business_days", 10, "in about ten working days"),
        # A lone time is still found, whatever it is tied to.
        ("We'll be in touch within a week.", "weeks", 1, "within a week"),
        ("Great talking with you. You'll hear back from us within ten business days.", "business_days", 10,
         "within ten business days"),
        ("The hiring team meets on Thursday.", "weekday", 3, "on Thursday"),
        ("It usually takes 10 business days.", "business_days", 10, "within 10 business days"),
        ("Thanks for your time, have a great day!", None, None, None),
    ],
)  # fmt: skip
def test_the_time_frame_is_when_they_hear_not_when_the_team_meets(
    line: str, kind: str | None, amount: int | None, phrase: str | None
) -> None:
    tf = frame_from_lines([line])
    if kind is None:
        assert tf is None
        return
    assert tf is not None
    assert (tf.kind, tf.amount, tf.phrase) == (kind, amount, phrase)


def test_the_time_frame_across_lines() -> None:
    def phrase(*lines: str) -> str | None:
        tf = frame_from_lines(lines)
        return tf.phrase if tf else None

    # The latest line is the answer...
    assert phrase("We'll decide within two weeks.", "You'll hear by the end of next week.") == "by the end of next week"
    # ...unless it only gives the team's own step and an earlier one said when they would hear.
    assert phrase("You'll hear from us within two weeks.", "The panel meets on Monday, thanks again.") == "within two weeks"
    assert phrase("Any questions for me?", "Thanks, bye.") is None


def test_technical_screen_close_gives_early_next_week_not_the_team_meeting() -> None:
    """A new user's report: "Time frame: on Friday" and "expect to hear back on Friday", from the
    technical screen's "The team meets on Friday to review, so expect news early next week"."""
    from voicepractice.scenarios import load_scenario

    script = load_scenario("technical_screen")
    line = next(x for t in script.turns for x in t.lines if "meets on Friday" in x)
    tf = frame_from_lines([line])
    assert tf is not None and (tf.kind, tf.amount, tf.offset, tf.phrase) == ("weekday", 1, 1, "early next week")
    close = Transcript.from_text("Thank you, I really enjoyed the exercise and I'm excited about the role.", turn=1)
    turns = (
        TurnRecord("questions", script.turns[0].lines[0]),
        TurnRecord("close", script.turns[1].lines[0], transcript=close),
        TurnRecord("goodbye", line),
    )
    session = Session("260107-110000-tec", "2026-01-07T11:00:00+00:00", "technical_screen", "complete", turns,
                      check([close]), {"interviewer": "Priya", "company": "Acme", "role": "engineer"})  # fmt: skip
    f = follow_up(session, _call_options(session), NOW)
    assert "Time frame: early next week" in summary(f)
    assert "expect to hear back early next week" in f.draft("thank_you").body
    assert "on Friday" not in summary(f) and "on Friday" not in f.draft("thank_you").body
    assert f.plan.step("check_in").when.date() == date(2026, 1, 14)  # after Tue 13 Jan, not Mon 12 Jan (after Fri 9)


def test_parse_heard_back_in() -> None:
    assert parse_heard_back_in("3d") == TimeFrame("days", 3, "within three days")
    assert parse_heard_back_in("2W") == TimeFrame("weeks", 2, "within two weeks")
    assert parse_heard_back_in("10bd") == TimeFrame("business_days", 10, "within ten business days")
    assert parse_heard_back_in("1m").kind == "months"
    assert parse_heard_back_in("within two weeks").end(date(2026, 1, 30)) == date(2026, 2, 13)
    for bad in ("soon", "0d", "2x", ""):
        with pytest.raises(ValueError):
            parse_heard_back_in(bad)
    # A year at most: "999m" planned its check-ins in 2110.
    assert parse_heard_back_in("12m").amount == 12 and parse_heard_back_in("52w").amount == 52
    for far in ("13m", "999m", "53w", "367d", "262bd"):
        with pytest.raises(ValueError, match="within a year"):
            parse_heard_back_in(far)
    assert parse_time_frame("we'll be in touch within 18 months") is None
    assert parse_time_frame("we'll be in touch within six months").amount == 6
    # Typed without a lead word, as people write it (was "use a number and a unit such as 3d").
    assert parse_heard_back_in("3 days") == TimeFrame("days", 3, "within 3 days")
    assert parse_heard_back_in("two weeks") == TimeFrame("weeks", 2, "within two weeks")
    assert parse_heard_back_in("a few days").amount == 3
    assert parse_heard_back_in("end of next week").phrase == "by the end of next week"  # was "within end of..."
    assert parse_time_frame("have a great day") is None  # heard in a line, a lead word is still needed


def test_templates_are_data() -> None:
    data = tomllib.loads(TEMPLATES.read_text())
    assert {"thank_you", "check_in", "check_in_2", "last_note", "reminders", "names"} <= set(data)
    assert data["max_words"] == 150
    assert os.path.basename(TEMPLATES) == "followup.toml"


# --- Public holidays -----------------------------------------------------------------------------------


def test_plan_skips_public_holidays_of_the_country() -> None:
    call = datetime(2026, 1, 30, 10, 0)  # two weeks end Fri 13 Feb; Mon 16 Feb is Presidents' Day in the US
    frame = parse_heard_back_in("2w")
    weekends = make_plan(call, frame, NOW, PlanOptions())
    us = make_plan(call, frame, NOW, PlanOptions(country="US"))
    assert weekends.step("check_in").when == datetime(2026, 2, 16, 9, 0)
    assert us.step("check_in").when == datetime(2026, 2, 17, 9, 0)
    assert us.country == "US"
    # Christmas Eve evening in Britain: not the 25th, the 26th (Boxing Day, a Saturday), nor Mon 28th (its substitute).
    gb = make_plan(datetime(2026, 12, 24, 17, 0), None, NOW, PlanOptions(country="gb"))
    assert gb.step("thank_you").when == datetime(2026, 12, 29, 9, 0)


def test_country_from_option_config_or_locale(
    vp, sessions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, any_call_date
) -> None:
    s = sessions["strong"]
    args = ("followup", s.id, "--print", "--json", "--heard-back-in", "2w", "--call-date", "2026-01-30 10:00")

    def check_in(*extra: str) -> str:
        r = vp(*args, *extra)
        assert r.code == 0, r.err
        return {p["step"]: p["when"] for p in json.loads(r.out)["plan"]}["check_in"]

    assert check_in() == "2026-02-16T09:00"  # C locale, no config: weekends only
    assert check_in("--country", "US") == "2026-02-17T09:00"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert check_in() == "2026-02-17T09:00"
    assert check_in("--country", "none") == "2026-02-16T09:00"
    cfg = tmp_path / "config.toml"
    cfg.write_text('country = "GB"\n')
    monkeypatch.setenv("VOICEPRACTICE_CONFIG", str(cfg))
    assert check_in() == "2026-02-16T09:00"  # the config's GB wins over the locale's US
    r = vp(*args[:2], "--print", "--country", "XX")
    assert r.code == 2 and "two-letter code such as US" in r.err
    r = vp(*args[:2], "--print", "--country", "US")
    assert "Skipped: weekends and US public holidays." in r.out
    r = vp(*args[:2], "--print", "--country", "none")
    assert "Skipped: weekends only (give --country GB, US... to skip public holidays too)." in r.out  # how, not `country`
    cfg.write_text('country = "XX"\n')  # a bad one in the file is named as the file's setting
    r = vp(*args[:2], "--print")
    assert r.code == 2 and f"config file {cfg}: 'country'" in r.err and "--country" not in r.err, r.err
    cfg.unlink()
    monkeypatch.setenv("LANG", "en_ZZ.UTF-8")  # a locale the holidays package does not know: weekends only
    assert check_in() == "2026-02-16T09:00"
