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
    ],
)
def test_malformed_scenarios_name_file_and_problem(text: str, problem: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse(text, "broken.toml")
    assert "broken.toml" in str(err.value) and problem in str(err.value)


def test_unknown_scenario_lists_the_available_ones() -> None:
    with pytest.raises(ScenarioError, match="phone_screen"):
        load_scenario("no_such_scenario")


def test_phrasings_vary() -> None:
    s = load_scenario("phone_screen")
    picks = {random.Random(seed).choice(s.turns[-1].lines) for seed in range(30)}
    assert len(picks) >= 3
