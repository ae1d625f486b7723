"""Interviewer scripts: the shipped ones parse and render; malformed ones give a clear error."""

from __future__ import annotations

import random

import pytest

from voicepractice.errors import ScenarioError
from voicepractice.scenarios import Details, fill, list_scenarios, load_scenario, parse

GOOD = """
name = "x"
title = "X"
description = "A test scenario."
[[turns]]
id = "close"
lines = ["Anything to add about {role} at {company}?"]
"""


def test_shipped_scenarios_parse() -> None:
    found = list_scenarios()
    assert "phone_screen" in {s.name for s in found}
    for s in found:
        assert s.answer_turns
        for t in s.turns:
            for line in t.lines:
                assert "{" not in fill(line, s)


def test_details_fill_the_script() -> None:
    s = parse(GOOD, "x.toml")
    line = fill(s.turns[0].lines[0], s, Details(company="Acme", role="the data engineer role"))
    assert line == "Anything to add about the data engineer role at Acme?"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name = ", "not valid TOML"),
        (GOOD.replace('title = "X"', ""), "'title'"),
        (GOOD.replace("[[turns]]", "[other]"), "[[turns]]"),
        (GOOD.replace('lines = ["Anything to add about {role} at {company}?"]', "lines = []"), "'lines'"),
        (GOOD.replace("{company}", "{salary}"), "unknown placeholders"),
        (GOOD.replace("{company}", "{company"), "broken placeholder"),
        (GOOD + "listen = false\n", "no turn lets the person answer"),
        (GOOD.replace("{role}", "{role:d}"), "placeholder {role:d}"),
        (GOOD.replace("{role}", "{role!x}"), "placeholder {role!x}"),
        (GOOD.replace("{role}", "{role:>999999999999999999}"), "placeholder {role:>999999999999999999}"),
        (GOOD.replace("{role}", "{role.upper}"), "unknown placeholders ['role.upper']"),
        (GOOD.replace("{role}", "{role[0]}"), "unknown placeholders ['role[0]']"),
        (GOOD.replace("{role}", "{}"), "unknown placeholders"),
        (GOOD.replace("Anything to add", "Anything " * 100), "keep lines under 600"),
        (GOOD.replace("[[turns]]", '[defaults]\nrole = "' + "x" * 200 + '"\n[[turns]]'), "keep it under 100"),
        (GOOD + '[answers.team]\nlines = ["{company!r}"]\n', "[answers.team] has placeholder {company!r}"),
        # A bad-input sweep (session 41): typos ran silently with the fallbacks; a control character
        # in a name reached the terminal (ESC[2J cleared it) and split piped history into a fake row.
        (GOOD.replace("[[turns]]", '[default]\nrole = "analyst"\n[[turns]]'), "unknown keys ['default']"),
        ('lnie = "clean"\n' + GOOD, "unknown keys ['lnie']"),
        (GOOD.replace('name = "x"', 'name = "evil\\tname\\nFAKE"'), "name has a control character"),
        (GOOD.replace("[[turns]]", '[defaults]\ninterviewer = "Dana\\u001b[2J"\n[[turns]]'), "[defaults] interviewer has a control"),
        (GOOD.replace('id = "close"', 'id = "cl\\u202eose"'), "turn 1's id has a control character"),
        # A reply opens the next turn: on the last turn, or after no answer, it was never heard.
        (GOOD + "respond = true\n", "'close' has respond = true but is the last turn"),
        (GOOD.replace('id = "close"', 'id = "intro"\nlisten = false\nrespond = true') + '[[turns]]\nid = "close"\nlines = ["More?"]\n',
         "'intro' has respond = true but listen = false"),
    ],
)
def test_malformed_scenarios_name_file_and_problem(text: str, problem: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse(text, "broken.toml")
    assert "broken.toml" in str(err.value) and problem in str(err.value)


def test_a_reply_may_open_a_turn_the_person_does_not_answer() -> None:
    s = parse(GOOD + 'respond = true\n[[turns]]\nid = "bye"\nlines = ["Bye."]\nlisten = false\n', "x.toml")
    assert s.turns[0].respond and not s.turns[1].listen


def test_fill_substitutes_names_and_runs_no_format_spec() -> None:
    s = parse(GOOD.replace("{role}", "{{role}} {role}"), "x.toml")
    assert fill(s.turns[0].lines[0], s, Details(role="analyst")) == "Anything to add about {role} the analyst role at the company?"
    assert fill("{role:d} at {company!r}", s) == "the role at the company"  # str.format raised ValueError


def test_unknown_scenario_lists_the_available_ones() -> None:
    with pytest.raises(ScenarioError, match="phone_screen"):
        load_scenario("no_such_scenario")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("technical_scren", "technical_screen"), ("phone_sreen", "phone_screen"), ("Hiring_Manager", "hiring_manager"),
     ("second-round", "second_round")],
)
def test_a_mistyped_scenario_name_suggests_the_closest_one(typed: str, meant: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(typed)
    message = str(caught.value)
    assert f"did you mean {meant!r}?" in message and "available: " in message and "\n" not in message, message


def test_a_scenario_name_close_to_none_gets_no_suggestion() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario("zzzz")
    assert "did you mean" not in str(caught.value) and "phone_screen" in str(caught.value)


def test_a_mistyped_scenario_option_suggests_on_its_one_error_line(vp) -> None:
    r = vp("drill", "--scenario", "technical_scren", "--answer", "x.wav", "--fast")
    assert r.code == 1, r.err
    [line] = [ln for ln in r.err.splitlines() if ln.strip()]
    assert line.startswith("Error: no scenario 'technical_scren'; did you mean 'technical_screen'?"), line


def test_phrasings_vary() -> None:
    s = load_scenario("phone_screen")
    picks = {random.Random(seed).choice(s.turns[-1].lines) for seed in range(30)}
    assert len(picks) >= 3


def test_every_shipped_scenario_has_three_phrasings_per_turn_and_renders(tmp_path) -> None:
    """Each scenario's close, filled in, renders to a WAV. Every phrasing of every line goes through
    the natural voice (and back through Whisper) in test_scenario_lines.py, in `make test-slow`:
    rendering all of them here as well took 78 s of the default suite (load 14)."""
    from voicepractice.audio import load_audio
    from voicepractice.speak import render

    scenarios = list_scenarios()
    assert len(scenarios) >= 6
    for s in scenarios:
        assert s.close_turn.listen
        for t in s.turns:
            assert len(t.lines) >= 3, (s.name, t.id)
            for line in t.lines:
                filled = fill(line, s, Details("Dana", "Acme", "the data engineer role"))
                assert "{" not in filled and "}" not in filled, (s.name, t.id, filled)
        close = fill(s.close_turn.lines[0], s, Details("Dana", "Acme", "the data engineer role"))
        wav = render(close, tmp_path / f"{s.name}-close.wav")
        assert load_audio(wav).size > 16000 * 0.5


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What does a typical day look like?", "day_to_day"),
        ("um what are the next steps in the process", "next_steps"),
        ("When can I expect to hear back?", "timeline"),
        ("How would you describe the culture?", "culture"),
        ("No, I think you've covered everything.", "none"),
        ("", "none"),
        ("Do you like jazz?", "default"),
        ("I was wondering what you like most about working there", "default"),
        # Thanks or a remark is not a question: no "Good question..." for it.
        ("Thank you so much for your time today.", "remark"),
        ("I'm really excited about this role.", "remark"),
    ],
)
def test_the_reply_answers_what_was_asked(question: str, topic: str) -> None:
    from voicepractice.scenarios import reply_to

    got, line = reply_to(question, load_scenario("phone_screen"), random.Random(0))
    assert got == topic and line


def test_a_scenario_can_replace_a_topic_of_the_shared_bank() -> None:
    from voicepractice.scenarios import reply_to

    s = load_scenario("technical_screen")
    _, line = reply_to("What's the tech stack?", s, random.Random(0))
    assert line in s.answers["day_to_day"].lines


def test_turn_plans_for_recordings() -> None:
    from voicepractice.drill import plan_turns

    s = load_scenario("phone_screen")
    turns, skipped = plan_turns(s, 0)
    assert [t.id for t in turns] == ["questions", "close", "goodbye"] and skipped == []
    turns, skipped = plan_turns(s, 1)
    assert [t.id for t in turns] == ["close"] and skipped == ["questions", "goodbye"]
    turns, skipped = plan_turns(s, 2)
    assert [t.id for t in turns] == ["questions", "close"] and skipped == ["goodbye"]
    with pytest.raises(ScenarioError, match="4 recordings"):
        plan_turns(s, 4)


def test_malformed_file_given_by_path(tmp_path, vp) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text(GOOD.replace("[[turns]]", "[[turns]]\nclose = 3"))
    r = vp("drill", "--scenario", str(bad), "--answer", "x.wav")
    assert r.code == 1
    assert r.err.startswith("Error: ") and "mine.toml" in r.err and "'close' must be true or false" in r.err
