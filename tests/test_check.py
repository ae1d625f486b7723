"""The checker: verdicts on tricky closes, evidence, profiles, the rubric, the labelled set.

The phrasing tables below were written for the phrase bank, which still runs inside the
checker (its hits are features of the model, its profile and length rules are exact):
they hold the bank to every case (``RULES``) and the model, which replaced the bank's
verdicts, to a floor on the same cases (``test_model_on_the_phrasing_tables``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voicepractice.coach import CheckOptions, Profile, check, load_profile
from voicepractice.coach.rubric import compile_pattern, compile_rubric, rubric_data
from voicepractice.errors import ProfileError
from voicepractice.records import CORE_ELEMENTS, Report, Transcript, Word

DATA = Path(__file__).parent / "data"
EXTRAS = ("role_question", "offer_more_info", "invite_concerns", "ask_for_job", "follow_up_contact")
PITFALLS = ("rambling", "negativity", "too_casual", "salary_first", "apologising")


RULES = CheckOptions(engine="rules")
CASES: list[tuple[str, str, bool]] = []
"""Every (text, element, expected) of the phrasing tables, for the model's floor."""


def verdict(text: str, element: str, **kw: object) -> bool:
    kw.setdefault("options", RULES)
    return check(Transcript.from_text(text), **kw).finding(element).found  # type: ignore[arg-type]


def cases(element: str, rows: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    CASES.extend((text, element, expected) for text, expected in rows)
    return rows


def cases3(rows: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    CASES.extend(rows)
    return rows


def timed(text: str, turn: int = 0, step: float = 0.5) -> Transcript:
    words = tuple(Word(w, start=i * step, end=i * step + 0.4) for i, w in enumerate(text.split()))
    return Transcript(text=text, words=words, duration=len(words) * step + 1, turn=turn)


# --- core verdicts on the hard cases named in the issue ----------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    cases("interest", [
        ("I'm very interested", True),
        ("this made me even more excited about the job", True),
        ("I'd love to join the team", True),
        ("I'm excited about this opportunity", True),
        ("I'd really love to be part of this", True),
        ("I'm not only interested, I'm thrilled", True),
        ("I couldn't be more excited", True),
        ("im realy exited about this oportunity", True),
        ("I'm interested in machine learning in general", False),
        ("I'm not sure it's the right fit", False),
        ("I'll let you know if I'm still interested", False),
        ("I'm really looking forward to hearing from you", False),
        ("I'm not really interested in management", False),
        ("my interest in data started in high school", False),
        ("I'm no longer sure I'm interested", False),
        ("I was excited when I got my certification last year", False),
    ]),
)
def test_interest(text: str, expected: bool) -> None:
    assert verdict(text, "interest") is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    cases("next_steps", [
        ("What are the next steps?", True),
        ("When should I expect to hear back?", True),
        ("Will there be a second round?", True),
        ("what does the timeline look like", True),
        ("when will you be making a decision", True),
        ("what are the, what are the next steps", True),
        ("thank you for you're time what the next steps", True),
        ("so um what kind of timeline are we looking at", True),
        ("The next steps of my old project were to migrate to Postgres", False),
        ("The next step in my career is product management", False),
        ("what were the next steps after you joined", False),
        ("The timeline for that project slipped by six months", False),
        ("I'm looking forward to hearing about next steps", False),
    ]),
)
def test_next_steps(text: str, expected: bool) -> None:
    assert verdict(text, "next_steps") is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    cases("thanks", [
        ("thank you for your time", True),
        ("thanks, bye", True),
        ("Thank you for having me.", True),
        ("I appreciate your time", True),
        ("thank you for you're time", True),
        ("tank you so much", True),
        ("Thanks to my mentor I learned to write clean code", False),
        ("I was thankful my manager gave me a chance", False),
        ("I really enjoyed our conversation", False),
        ("I'll send a thank you note later", False),
        ("we thanked the client and closed the deal", False),
        ("I'm thankful for my time at Google", False),
    ]),
)
def test_thanks(text: str, expected: bool) -> None:
    assert verdict(text, "thanks") is expected


def test_qualifications_concrete_and_weak() -> None:
    strong = check(Transcript.from_text(
        "With my background in Kubernetes and the migration I led at Acme, "
        "I can hit the ground running."
    ), options=RULES).finding("qualifications")
    assert strong.found and not strong.weak and strong.coaching is None

    weak = check(Transcript.from_text("I think I'd be a good fit."), options=RULES).finding("qualifications")
    assert weak.found and weak.weak
    assert weak.coaching and "concrete" in weak.coaching
    assert weak.example

    assert not verdict("I have no experience with kubernetes at all", "qualifications")
    assert verdict("I've managed budgets up to two million", "qualifications")


def test_negation_can_be_switched_off() -> None:
    text = "I'm not interested in relocating"
    assert not verdict(text, "interest")
    assert verdict("i'm no longer sure i'm interested", "interest",
                   options=CheckOptions(negation=False, engine="rules"))


def test_fuzzy_spelling_earns_its_keep() -> None:
    text = "thnaks for your time, im really intrested in the position"
    assert verdict(text, "interest")
    assert not verdict(text, "interest", options=CheckOptions(fuzzy=False, engine="rules"))


def test_question_from_wording_without_punctuation() -> None:
    text = "thanks um how big is the team"
    assert verdict(text, "role_question")
    assert not verdict(text, "role_question", options=CheckOptions(questions="punctuation", engine="rules"))
    # A statement about the team is not a question about it.
    assert not verdict("I really like the team and the product", "role_question")


# --- extras and pitfalls --------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "element"),
    [*map(lambda r: r[:2], cases3([(t, e, True) for t, e in [
        ("Can you tell me more about the team I'd be working with?", "role_question"),
        ("I'm happy to send references or work samples.", "offer_more_info"),
        ("Is there anything else you need from me?", "offer_more_info"),
        ("Is there anything about my background that gives you pause?", "invite_concerns"),
        ("I hope you'll consider me for the role.", "ask_for_job"),
        ("What's the best way to follow up with you?", "follow_up_contact"),
        ("My last manager was a complete nightmare.", "negativity"),
        ("cool, bye", "too_casual"),
        ("thanks, catch you later", "too_casual"),
        ("So what's the salary, and how much vacation do I get?", "salary_first"),
        ("Sorry, I probably rambled.", "apologising"),
    ]]))],
)
def test_extras_and_pitfalls_found(text: str, element: str) -> None:
    assert verdict(text, element)


def test_ask_for_job_implies_interest() -> None:
    report = check(Transcript.from_text("I hope you'll consider me."), options=RULES)
    assert report.finding("ask_for_job").found
    assert report.finding("interest").found


def test_rambling_by_length() -> None:
    short = "Thank you for your time. What are the next steps?"
    assert not verdict(short, "rambling")
    long = " ".join(["I worked on many different projects over the years at my old job"] * 12)
    finding = check(Transcript.from_text(long), options=RULES).finding("rambling")
    assert finding.found and finding.evidence and finding.coaching
    assert finding.details["word_count"] > finding.details["max_words"]


# --- the report's shape and evidence -------------------------------------------------------

def test_report_order_and_coaching() -> None:
    report = check(Transcript.from_text("Sorry, I rambled. Cool, bye."), options=RULES)
    names = [f.element for f in report.findings]
    assert tuple(names[:4]) == CORE_ELEMENTS
    assert tuple(names[4:9]) == EXTRAS
    assert tuple(names[9:]) == PITFALLS
    for f in report.findings:
        assert f.label
        if f.kind != "pitfall" and not f.found:
            assert f.coaching and f.example and not f.evidence
        if f.kind == "pitfall" and f.found:
            assert f.evidence and f.coaching and f.example
        if f.kind == "pitfall" and not f.found:
            assert f.coaching is None
    assert report.finding("apologising").evidence[0].quote == "Sorry, I rambled."


def test_evidence_quotes_and_timings_from_words() -> None:
    t = timed("Um, thank you so much for your time today. What are the next steps?")
    report = check(t, options=RULES)
    thanks = report.finding("thanks").evidence[0]
    # The clause as transcribed (original casing, the filler before it not quoted).
    assert thanks.quote == "thank you so much for your time today."
    assert thanks.start == pytest.approx(0.5)
    assert thanks.end == pytest.approx(8 * 0.5 + 0.4)  # "today." is word 8
    nxt = report.finding("next_steps").evidence[0]
    assert nxt.quote == "What are the next steps?"
    assert nxt.start == pytest.approx(9 * 0.5)
    assert nxt.turn == 0


def test_typed_text_has_no_timings() -> None:
    ev = check(Transcript.from_text("well thank you so much"), options=RULES).finding("thanks").evidence[0]
    # No punctuation: the match grows to a readable clause ("so much" is not a new clause).
    assert ev.quote == "well thank you so much"
    assert ev.start is None and ev.end is None


def test_unpunctuated_quotes_grow_to_their_clause_with_word_timings() -> None:
    t = timed(
        "um yeah so thanks for taking the time to speak with me today i am very "
        "interested in the position and uh when can i expect to hear from you"
    )
    report = check(t, options=RULES)
    thanks = report.finding("thanks").evidence[0]
    # To the end of the clause, not into the next one ("i am very interested").
    assert thanks.quote == "thanks for taking the time to speak with me today"
    assert thanks.start == pytest.approx(3 * 0.5)  # "thanks" is word 3
    assert thanks.end == pytest.approx(12 * 0.5 + 0.4)  # "today" is word 12
    nxt = report.finding("next_steps").evidence[0]
    assert nxt.quote == "when can i expect to hear from you"
    assert len(nxt.quote.split()) <= 15
    for f in report.findings:
        for ev in f.evidence:
            words = ev.quote.split()
            assert 1 <= len(words) <= 15
            assert ev.quote in t.text  # exact transcript words


def test_unpunctuated_quote_does_not_swallow_the_previous_clause() -> None:
    text = "i passed all four cpa exams what's the next stage"
    report = check(Transcript.from_text(text), options=RULES)
    assert report.finding("next_steps").evidence[0].quote == "what's the next stage"
    assert report.finding("qualifications").evidence[0].quote.startswith("i passed")


def test_multi_turn_close() -> None:
    first = timed("what are the next steps", turn=0)
    second = timed("great thanks bye", turn=1)
    report = check([first, second], options=RULES)
    assert report.finding("next_steps").evidence[0].turn == 0
    assert report.finding("thanks").evidence[0].turn == 1
    assert report.score == 2


def test_to_dict_shape() -> None:
    data = check(Transcript.from_text("Thanks! What are the next steps?"), options=RULES).to_dict()
    assert set(data["elements"]) == set(CORE_ELEMENTS)
    thanks = data["elements"]["thanks"]
    assert thanks["found"] is True
    assert set(thanks["evidence"][0]) == {"quote", "start", "end", "turn"}
    assert data["elements"]["interest"]["coaching"]
    assert Report.from_dict(json.loads(json.dumps(data))).score == data["score"]


# --- profiles ---------------------------------------------------------------------------------

def test_profile_strengths_mentioned_and_missed() -> None:
    profile = Profile(role="data engineer", company="Acme",
                      strengths=("data pipelines", "stakeholder management", "Spark"))
    text = ("Thank you. I built pipelines for our data team, mostly in spark. "
            "What are the next steps?")
    q = check(Transcript.from_text(text), profile, options=RULES).finding("qualifications")
    assert q.details["strengths_mentioned"] == ["data pipelines", "Spark"]
    assert q.details["strengths_missed"] == ["stakeholder management"]
    assert q.found and not q.weak
    assert q.coaching and "stakeholder management" in q.coaching


def test_profile_company_counts_as_the_role() -> None:
    profile = Profile(company="Globex")
    assert verdict("I'm really excited about Globex", "interest", profile=profile)
    assert not verdict("I'm really excited about Globex", "interest")


def test_profile_fills_examples() -> None:
    report = check(Transcript.from_text("ok"), Profile(role="nurse", company="Mercy"), options=RULES)
    assert "the nurse role" in (report.finding("interest").example or "")


def test_load_profile(tmp_path: Path) -> None:
    p = tmp_path / "me.toml"
    p.write_text('role = "analyst"\ncompany = "Initech"\nstrengths = ["SQL", "dashboards"]\n')
    assert load_profile(p) == Profile("analyst", "Initech", ("SQL", "dashboards"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("role = ", "not valid TOML"),
        ("role = 3", "role must be a string"),
        ('strengths = "SQL"\ncolour = "red"', "unknown key 'colour'"),
        ("strengths = [1, 2]", "strengths must be a list of strings"),
    ],
)
def test_load_profile_errors(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "bad.toml"
    p.write_text(content)
    with pytest.raises(ProfileError) as err:
        load_profile(p)
    assert message in str(err.value)
    assert str(p) in str(err.value)
    assert "\n" not in str(err.value)


def test_load_profile_missing(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="not found"):
        load_profile(tmp_path / "nope.toml")


# --- the rubric ---------------------------------------------------------------------------------

def test_rubric_is_complete() -> None:
    data = rubric_data()
    assert tuple(data["core"]) == CORE_ELEMENTS
    assert set(data["extra"]) == set(EXTRAS)
    assert set(data["pitfall"]) == set(PITFALLS)
    for kind in ("core", "extra", "pitfall"):
        for name, spec in data[kind].items():
            assert spec["label"] and spec["coaching"] and spec["example"], name
            assert "\n" not in spec["coaching"], name


def test_pattern_language() -> None:
    import re

    rx = re.compile("(?<= )(?:" + compile_pattern("thank (you|u)? ~2 for !(nothing)", {}) + ")")
    assert rx.search(" thank you so much for your time ")
    assert rx.search(" thank u for coming ")
    assert not rx.search(" thank you for nothing ")
    assert not rx.search(" thanks you for it ")


def test_a_coach_can_extend_the_rubric(tmp_path: Path) -> None:
    import tomllib

    data = tomllib.loads((Path(__file__).parents[1] / "src/voicepractice/coach/rubric.toml").read_text())
    data["core"]["thanks"]["cues"].append({"name": "kiwi", "patterns": ["cheers heaps"]})
    compiled = compile_rubric(data)
    assert "kiwi" in [c.name for c in compiled.element("thanks").cues]
    data["core"]["thanks"]["cues"].append({"name": "bad", "patterns": ["{nosuchmacro}"]})
    with pytest.raises(ProfileError, match="unknown macro"):
        compile_rubric(data)


# --- the labelled set -------------------------------------------------------------------

def _f1(rows: list[dict], element: str) -> float:
    tp = fp = fn = 0
    for row in rows:
        got = check(Transcript.from_text(row["text"]), options=RULES).finding(element).found
        gold = row["labels"][element]
        tp += got and gold
        fp += got and not gold
        fn += gold and not got
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


@pytest.mark.parametrize("element", CORE_ELEMENTS)
def test_dev_set_core_f1(element: str) -> None:
    rows = [json.loads(line) for line in (DATA / "closes_dev.jsonl").read_text().splitlines()]
    assert len(rows) >= 200
    assert _f1(rows, element) >= 0.95


def test_options_rubric_file(tmp_path: Path) -> None:
    src = (Path(__file__).parents[1] / "src/voicepractice/coach/rubric.toml").read_text()
    custom = tmp_path / "coach.toml"
    custom.write_text(src.replace('"(many|big|huge|', '"kia ora|(many|big|huge|'))
    text = "kia ora"
    assert not verdict(text, "thanks")
    assert verdict(text, "thanks", options=CheckOptions(rubric=custom, engine="rules"))
    with pytest.raises(ProfileError, match="cannot read"):
        check(Transcript.from_text(text), options=CheckOptions(rubric=tmp_path / "missing.toml"))


@pytest.mark.parametrize("element", CORE_ELEMENTS)
def test_heldout_set_core_f1(element: str) -> None:
    rows = [json.loads(line) for line in (DATA / "closes_heldout.jsonl").read_text().splitlines()]
    assert _f1(rows, element) >= 0.9


# --- general rules added after the blind sets (tests/data/closes_blind*.jsonl) ------------

@pytest.mark.parametrize(
    ("text", "element", "expected"),
    cases3([
        # Real words are never "corrected" into bank words ("seven" is not "seen").
        ("I was a nurse for seven years in ICU.", "qualifications", True),
        # ASR homophones of real words, rewritten as phrases.
        ("so yeah when will i here back", "next_steps", True),
        ("weather you need anything else from me just let me know", "offer_more_info", True),
        # A past report, closed by "were" after the match, is not a question.
        ("I asked my manager what the next steps were.", "next_steps", False),
        # "I will find out", "I can share": statements, not embedded questions.
        ("I'll find out the timeline for my visa renewal next month.", "next_steps", False),
        ("What are the next steps in onboarding for a new hire?", "next_steps", False),
        ("What is the further procedure?", "next_steps", True),
        ("What comes after this?", "next_steps", True),
        ("Will I be hearing from you or from the agency?", "next_steps", True),
        ("Ta very much for your time.", "thanks", True),
        ("It was kind of you to see me at such short notice.", "thanks", True),
        ("I owe you one for fitting me in.", "thanks", True),
        ("I'm thankful the project got cancelled.", "thanks", False),
        ("I'd be lying if I said I wasn't excited.", "interest", True),
        ("This ticks every box for me.", "interest", True),
        ("I want very much this job.", "interest", True),
        ("I would like to know what is the next process.", "interest", False),
        ("Thanks for looking at it.", "interest", False),
        ("Smashed my quota five quarters straight.", "qualifications", True),
        ("I cut the month-end close from ten days to four.", "qualifications", True),
        ("I've been working flat out lately.", "qualifications", False),
        ("My old boss never said thank you to anyone.", "negativity", True),
        ("My previous manager always said thank you to the team.", "negativity", False),
    ]),
)
def test_general_rules_from_blind_sets(text: str, element: str, expected: bool) -> None:
    assert check(Transcript.from_text(text), options=RULES).finding(element).found is expected


def test_model_on_the_phrasing_tables() -> None:
    """The model (the product's default) on every hand-written case above, which it never trained on:
    a floor, so a retrain that loses ground on them fails."""
    assert len(CASES) >= 70
    right = [check(Transcript.from_text(t)).finding(e).found is want for t, e, want in CASES]
    accuracy = sum(right) / len(right)
    wrong = [c for c, ok in zip(CASES, right, strict=True) if not ok]
    assert accuracy >= MODEL_FLOOR, wrong


MODEL_FLOOR = 0.85
"""The committed head gets 0.93 of them right (70 of 75; see the README, The checker)."""
