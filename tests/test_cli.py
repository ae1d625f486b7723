"""The command line as people use it: real model, real TTS, fixtures standing in for the microphone."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import pytest

from voicepractice.cli import cli

from conftest import FIXTURES

CORE = ("interest", "qualifications", "next_steps", "thanks")


def drill_json(vp, *args: str) -> dict:
    r = vp("drill", "--fast", "--no-cue", "--json", *args)
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_strong_close_drill_finds_all_four_with_quotes(drilled_store) -> None:
    # `drill --fast --no-cue --json --seed 1 --answer strong_close.flac`, run once for the suite (conftest).
    d = drilled_store["strong"]
    elements = d["report"]["elements"]
    transcript = d["turns"][-1]["transcript"]
    assert set(elements) == set(CORE)
    for name in CORE:
        assert elements[name]["found"], name
        ev = elements[name]["evidence"][0]
        assert ev["quote"] and ev["quote"].split()[0].strip(",.") in transcript["text"]
        assert 0 <= ev["start"] < ev["end"] <= transcript["duration"]
    assert d["status"] == "complete"
    assert d["timings"]["answer_end_to_report_s"] < 30  # sanity; the figure itself is benchmarked


def test_drill_is_stored_and_listed(vp, private_home: Path) -> None:
    d = drill_json(vp, "--answer", str(FIXTURES / "missing_next_steps.flac"))
    folder = Path(d["folder"])
    assert folder.parent == private_home / "sessions"
    assert {p.name for p in folder.iterdir()} >= {"session.json", "answer-1.wav", "interviewer-1.wav"}
    stored = json.loads((folder / "session.json").read_text())
    assert stored["turns"][0]["transcript"]["words"][0]["start"] is not None
    assert stored["report"]["elements"]["next_steps"]["found"] is False
    h = json.loads(vp("history", "--json").out)
    assert h["sessions"][0]["id"] == d["session"]
    assert h["sessions"][0]["elements"]["next_steps"] is False


def test_silence_drill_transcribes_nothing_and_finds_nothing(vp) -> None:
    d = drill_json(vp, "--answer", str(FIXTURES / "silence.flac"))
    assert d["turns"][-1]["transcript"]["words"] == []
    assert not any(e["found"] for e in d["report"]["elements"].values())
    for e in d["report"]["elements"].values():
        assert e["coaching"] and e["example"]


def test_muted_microphone_is_reported_not_transcribed(vp) -> None:
    r = vp("drill", "--fast", "--json", "--answer", str(FIXTURES / "digital_zero.wav"))
    assert r.code == 1
    assert r.err.strip().splitlines()[-1].startswith("Error: the answer was silent")
    assert r.out == ""


def test_check_recording_and_text(vp) -> None:
    r = vp("check", str(FIXTURES / "weak_thanks_only.flac"), "--json")
    assert r.code == 0, r.err
    rep = json.loads(r.out)["report"]
    assert rep["elements"]["thanks"]["found"] and not rep["elements"]["interest"]["found"]
    r = vp("check", "--text", "Thanks so much for your time, what are the next steps?", "--json")
    rep = json.loads(r.out)["report"]
    assert rep["elements"]["thanks"]["found"] and rep["elements"]["next_steps"]["found"]
    assert rep["elements"]["thanks"]["evidence"][0]["start"] is None  # typed text has no timings


def test_report_card_on_the_terminal(vp) -> None:
    r = vp("check", "--text", "Thank you for your time. What are the next steps?")
    assert r.code == 0
    assert "2/4" in r.out and "Try:" in r.out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.wav", "no such file"),
        (lambda d: (d / "empty.wav").touch() or d / "empty.wav", "empty"),
        (lambda d: (d / "dir.wav").mkdir() or d / "dir.wav", "directory"),
        (lambda d: (d / "notes.wav").write_text("just some text, not audio\n" * 20) and d / "notes.wav", "not a readable audio file"),
        (lambda d: (d / "trunc.flac").write_bytes((FIXTURES / "strong_close.flac").read_bytes()[:60]) and d / "trunc.flac", "audio"),
        (lambda d: (d / "rand.wav").write_bytes(os.urandom(4096)) and d / "rand.wav", "not a readable audio file"),
    ],
)
def test_bad_recordings_give_one_error_line(vp, tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    for args in (("check", str(path)), ("drill", "--fast", "--answer", str(path))):
        r = vp(*args)
        assert r.code == 1, (args, r)
        lines = r.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], r.err
        assert "Traceback" not in r.err


def test_unknown_model_is_an_error_line(vp) -> None:
    r = vp("check", str(FIXTURES / "strong_close.flac"), "--model", "huge.xx")
    assert r.code == 1 and r.err.startswith("Error: unknown model")


def test_no_input_device_is_an_error_line(vp, monkeypatch: pytest.MonkeyPatch) -> None:
    # This machine has no sound card; name a microphone that cannot exist anywhere.
    r = vp("drill", "--input", "no-such-microphone-xyz", "--no-cue")
    assert r.code == 1, r
    assert r.err.strip().splitlines()[-1].startswith("Error: no microphone found")


def test_fallback_answer_when_there_is_no_microphone(vp) -> None:
    r = vp("drill", "--input", "no-such-microphone-xyz", "--fast", "--json", "--fallback-answer", str(FIXTURES / "sample_answer.flac"))
    assert r.code == 0, r.err
    assert "No microphone found" in r.err
    assert json.loads(r.out)["report"]["elements"]["thanks"]["found"]


def test_usage_errors_exit_2(vp) -> None:
    assert vp("check").code == 2
    assert vp("drill", "--no-such-option").code == 2


def test_names_too_long_to_speak_are_refused_before_anything_runs(vp) -> None:
    job_ad = "data engineer " * 1000
    for args in (
        ("drill", "--role", job_ad, "--answer", str(FIXTURES / "strong_close.flac")),
        ("drill", "--interviewer", job_ad, "--answer", str(FIXTURES / "strong_close.flac")),
        ("check", "--company", job_ad, "--text", "Thank you for your time."),
        ("followup", "--role", job_ad),
    ):
        r = vp(*args)
        assert r.code == 2, args
        assert r.err.count("\n") == 1 and "too long for a name or a job title" in r.err, args
    assert vp("check", "--role", "data engineer", "--text", "Thank you for your time.").code == 0


def test_every_command_has_help(vp) -> None:
    for name, command in cli.commands.items():
        r = vp(name, "--help")
        assert r.code == 0 and command.help and "Usage:" in r.out, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} --{param.name} has no help"


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_warm_up_rounds_use_different_phrasings_and_summarise(vp) -> None:
    r = vp("drill", "--fast", "--no-cue", "--json", "--rounds", "2", "--answer", str(FIXTURES / "sample_answer.flac"))
    assert r.code == 0, r.err
    d = json.loads(r.out)
    lines = [rd["turns"][0]["line"] for rd in d["rounds"]]
    assert len(lines) == 2 and lines[0] != lines[1]
    s = d["summary"]
    assert s["rounds"] == 2 and set(s["hits"]) == set(CORE)
    assert s["still_missing"] == [e for e in CORE if not d["rounds"][-1]["report"]["elements"][e]["found"]]
    assert s["remember"]


def _warmup_text(attempts: list[tuple[int, int]] | None) -> str:
    from rich.console import Console

    from voicepractice.drill import WarmupSummary
    from voicepractice.show import warmup_panel

    n = len(attempts) if attempts else 3
    hits = {"thanks": [True] * n, "interest": [False] * (n - 1) + [True]}
    summary = WarmupSummary(rounds=n, hits=hits, improved=("interest",), slipped=(), still_missing=(), remember="x")
    c = Console(width=80, record=True, force_terminal=False)
    c.print(warmup_panel(summary, attempts))
    return c.export_text()


def test_warm_up_summary_counts_a_retry_as_a_try_not_a_round() -> None:
    """[r] said "Round 1, try 2"; the summary said "Warm-up: 2 rounds". It counts as the header did."""
    text = _warmup_text([(1, 1), (1, 2)])
    assert "Warm-up: 1 round, 2 tries" in text and "2 rounds" not in text
    rows = [ln.strip("│ ") for ln in text.splitlines() if ln.startswith("│ Round")]
    assert [r.split("  ")[0] for r in rows] == ["Round 1", "Round 1, try 2"]  # each try named as its header
    assert rows[0].split()[-2:] == ["✓", "✗"] and rows[1].split()[-2:] == ["✓", "✓"]
    text = _warmup_text([(1, 1), (1, 2), (2, 1)])
    assert "Warm-up: 2 rounds, 3 tries" in text
    assert [ln.strip("│ ").split("  ")[0] for ln in text.splitlines() if ln.startswith("│ Round")] == [
        "Round 1", "Round 1, try 2", "Round 2"
    ]


def test_warm_up_summary_without_retries_counts_rounds_only() -> None:
    text = _warmup_text([(1, 1), (2, 1), (3, 1)])
    assert "Warm-up: 3 rounds ─" in text and "tries" not in text and "try" not in text.split("Remember")[0]
    assert "Warm-up: 3 rounds ─" in _warmup_text(None)  # a caller that does not say: every attempt a round


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_single_answer_on_a_multi_turn_scenario_says_what_it_skipped(vp) -> None:
    d = drill_json(vp, "--scenario", "hiring_manager", "--answer", str(FIXTURES / "strong_close.flac"))
    assert [t["turn_id"] for t in d["turns"]] == ["close"]
    # In words a person reads: no "recording(s)", no internal turn ids.
    [note] = [n for n in d["notes"] if "skipped" in n]
    assert "closing turn" in note and "the other 2 questions were skipped" in note, note
    assert "(s)" not in note and "goodbye" not in note


def test_skipped_note_counts_in_words() -> None:
    """A person's own two-turn script: "the other question was", never "the other 1 questions were"."""
    from voicepractice.drill import _skipped_note

    assert "so the other question was skipped" in _skipped_note(1, 2)
    assert "so the other 3 questions were skipped" in _skipped_note(1, 4)
    assert _skipped_note(2, 3) == "2 recordings for 3 questions: the last one was skipped"
    assert _skipped_note(2, 4) == "2 recordings for 4 questions: the last 2 were skipped"


def test_config_file_supplies_defaults(vp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('company = "Acme"\nrole = "the data engineer role"\ninterviewer = "Dana"\n')
    monkeypatch.setenv("VOICEPRACTICE_CONFIG", str(cfg))
    d = drill_json(vp, "--scenario", "phone_screen", "--seed", "1",
                   "--answer", str(FIXTURES / "turn1_question.flac"), "--answer", str(FIXTURES / "turn2_close.flac"))  # fmt: skip
    assert d["turns"][0]["turn_id"] == "questions"
    stored = json.loads((Path(d["folder"]) / "session.json").read_text())
    assert stored["details"]["company"] == "Acme" and stored["details"]["interviewer"] == "Dana"
    cfg.write_text("colour = 'blue'\n")
    r = vp("check", "--text", "thanks")
    assert r.code == 1 and "unknown setting 'colour'" in r.err


def test_devices_refuses_a_device_that_does_not_exist(vp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Saving a real choice is tested through the audio server (test_drill_terminal.py).
    cfg = tmp_path / "c" / "config.toml"
    monkeypatch.setenv("VOICEPRACTICE_CONFIG", str(cfg))
    for option in ("--set-input", "--set-output"):
        for device in ("99", "no-such-device-xyz"):
            r = vp("devices", option, device)
            assert r.code == 1, r
            [line] = r.err.strip().splitlines()
            assert line.startswith("Error: no ") and "found matching" in line, line
    assert not cfg.exists()


def test_doctor_says_what_to_fix(vp) -> None:
    r = vp("doctor", "--json", "--input", "no-such-microphone-xyz", "--seconds", "1", "--no-sound")
    assert r.code == 1
    d = json.loads(r.out)
    by_name = {c["name"]: c for c in d["checks"]}
    assert by_name["speech model"]["status"] == "ok"
    assert by_name["text-to-speech"]["status"] == "ok"
    assert by_name["data directory"]["status"] == "ok"
    assert by_name["microphone"]["status"] == "fail" and by_name["microphone"]["fix"]
    assert r.err.startswith("Error: ")
