"""Hypothesis against the two parsers of user input: the text checker and the scenario loader."""

from __future__ import annotations

import tomllib
from pathlib import Path

import hostile
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from voicepractice.check import check
from voicepractice.errors import ScenarioError
from voicepractice.records import CORE_ELEMENTS, Transcript
from voicepractice.scenarios import fill, load_scenario, parse, prompts_dir

from conftest import FIXTURES

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CLOSE_WORDS = st.sampled_from(
    "thank thanks you so much for your time I am very interested in this role what are the next steps "
    "um uh like five years of data pipelines Spark bye salary sorry hmm , . ? ! ' - — é ß 日本 🙂 \t \n".split(" ")
)


@pytest.mark.slow
@FAST
@given(st.one_of(st.text(max_size=400), st.lists(CLOSE_WORDS, max_size=120).map(" ".join)))
def test_text_checker_never_breaks(text: str) -> None:
    report = check(Transcript.from_text(text))
    assert [f.element for f in report.core] == list(CORE_ELEMENTS)
    assert 0 <= report.score <= 4
    for f in report.findings:
        for e in f.evidence:
            assert e.quote  # evidence quotes words that are there
        if f.kind == "core" and not f.found:
            assert f.coaching and f.example
    report.to_dict()  # serialisable


@pytest.mark.slow
@FAST
@given(st.lists(st.tuples(CLOSE_WORDS, st.floats(0, 600), st.floats(0, 5), st.floats(0, 1)), max_size=80))
def test_timed_transcripts_never_break_the_checker(words: list[tuple[str, float, float, float]]) -> None:
    from voicepractice.records import Word

    ws = tuple(Word(w or "x", start=s, end=s + d, probability=p, logprob=-0.2) for w, s, d, p in words)
    report = check(Transcript(text=" ".join(w.text for w in ws), words=ws, duration=700.0))
    assert 0 <= report.score <= 4


def test_check_text_cli_with_hostile_text(vp) -> None:
    for text in ("", " ", "\0\0\0", "🙂" * 5000, "thank you " * 3000, "<script>alert(1)</script> thanks"):
        r = vp("check", "--text", text, "--json")
        assert r.code in (0, 1, 2), r.err  # 2: no words at all is a usage error
        assert "Traceback" not in r.err
        if r.code:
            hostile.assert_one_error_line(r.err)


SHIPPED = (Path(str(prompts_dir())) / "phone_screen.toml").read_text(encoding="utf-8")


def _expect_scenario_error_or_scenario(text: str) -> None:
    try:
        s = parse(text, "fuzz.toml")
    except ScenarioError as exc:
        assert str(exc).startswith("scenario fuzz.toml: "), exc
        assert "\n" not in str(exc).split(" (")[0]
        return
    assert s.turns and s.answer_turns
    for t in s.turns:
        for line in t.lines:
            fill(line, s)  # every accepted line can be filled in


@FAST
@given(st.text(max_size=600))
def test_scenario_parser_random_text(text: str) -> None:
    _expect_scenario_error_or_scenario(text)


@FAST
@given(st.data())
def test_scenario_parser_mutated_shipped_file(data: st.DataObject) -> None:
    """Cut, splice and corrupt the shipped scenario: only ScenarioError comes out."""
    text = SHIPPED
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 80)))
        insert = data.draw(st.sampled_from(["", "{", "}", "{role", "{nope}", "=", "[[turns]]\n", "listen = 3\n",
                                            "\"", "id = \"\"\n", "lines = []\n", "close = true\n", "\x00", "ü"]))
        text = text[:i] + insert + text[j:]
    _expect_scenario_error_or_scenario(text)


@FAST
@given(
    turns=st.lists(
        st.dictionaries(
            st.sampled_from(["id", "lines", "listen", "respond", "close", "extra"]),
            st.one_of(st.text(max_size=20), st.booleans(), st.integers(), st.lists(st.text(max_size=30), max_size=3)),
            max_size=6,
        ),
        max_size=4,
    )
)
def test_scenario_parser_structured(turns: list[dict]) -> None:
    def toml_value(v: object) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, list):
            return "[" + ", ".join(toml_value(x) for x in v) + "]"
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    body = 'name = "f"\ntitle = "F"\ndescription = "d"\n'
    for t in turns:
        body += "[[turns]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in t.items())
    try:
        tomllib.loads(body)
    except tomllib.TOMLDecodeError:
        assume(False)
    _expect_scenario_error_or_scenario(body)


MALFORMED = {
    "not TOML": "name = \n[[turns",
    "no turns": 'name = "x"\ntitle = "X"\ndescription = "d"\n',
    "unknown placeholder": 'name = "x"\ntitle = "X"\ndescription = "d"\n[[turns]]\nid = "a"\nlines = ["Hi {boss}"]\n',
    "nobody answers": 'name = "x"\ntitle = "X"\ndescription = "d"\n[[turns]]\nid = "a"\nlines = ["Hi"]\nlisten = false\n',
    "binary": "\x00\xff\xfe garbage",
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_scenario_file(case: str, vp, tmp_path: Path, private_home: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(MALFORMED[case].encode("utf-8") if case != "binary" else b"\x00\xff\xfe garbage")
    r = vp("drill", "--scenario", str(path), "--answer", str(FIXTURES / "weak_thanks_only.flac"), "--fast")
    assert r.code == 1, r.err
    hostile.assert_one_error_line(r.err, "bad.toml")
    assert hostile.sessions_in(private_home) == []
    with pytest.raises(ScenarioError):
        load_scenario(str(path))


def test_scenario_path_that_is_a_directory(vp, tmp_path: Path) -> None:
    (tmp_path / "dir.toml").mkdir()
    r = vp("drill", "--scenario", str(tmp_path / "dir.toml"))
    assert r.code == 1
    hostile.assert_one_error_line(r.err, "cannot read scenario file")
