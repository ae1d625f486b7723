"""The drill as a careful new user meets it (issue 15): in-process, real model, real TTS, no sound card."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from voicepractice.check import check
from voicepractice.records import Transcript

from conftest import FIXTURES

ANSWER = str(FIXTURES / "strong_close.flac")


def test_json_leaves_stderr_to_warnings(drilled_store) -> None:
    """`drill --json 2>file`: the interviewer's lines and the listening line go only to a terminal."""
    # `drill --fast --no-cue --json --seed 1 --answer strong_close.flac`, run once for the suite (conftest).
    r = drilled_store["runs"]["strong"]
    assert r.code == 0, r.err
    assert json.loads(r.out)["report"]["score"] == 4
    assert "Interviewer" not in r.err and "Listening" not in r.err and "Answer ended" not in r.err, r.err


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_the_no_speaker_note_is_shown_once(vp, monkeypatch) -> None:
    # No speaker, whatever this machine has: PortAudio reports no output device, as it does
    # on a machine with no sound card and no audio server (a developer's laptop has both).
    import sounddevice as sd

    query = sd.query_devices

    def no_output(device=None, kind=None):
        if kind == "output":
            raise sd.PortAudioError("Error querying device -1")
        return query(device, kind) if kind else query(device)

    monkeypatch.setattr(sd, "query_devices", no_output)
    r = vp("drill", "--fast", "--no-cue", "--answer", ANSWER)
    assert r.code == 0, r.err
    said = (r.out + r.err).count("no speaker or headphones found")
    assert said == 1, r.out + r.err


def test_bad_settings_fail_before_the_interviewer_speaks(vp) -> None:
    # Paced, not --fast: before the fix each of these sat through the call first (or
    # carried on with a wrong setting); now none gets as far as the speaker.
    cases = [
        (("--model", "base"), "model 'base' is not installed"),
        (("--output", "no-such-speaker-xyz"), "no speaker or headphones found matching 'no-such-speaker-xyz'"),
        (("--voice", "no-such-voice-xyz"), "no voice 'no-such-voice-xyz'"),
    ]
    for args, message in cases:
        r = vp("drill", "--no-cue", "--answer", ANSWER, *args)
        assert r.code == 1, (args, r)
        [line] = r.err.strip().splitlines()  # no "no speaker" warning first: it never got that far
        assert line.startswith("Error: ") and message in line, (args, r.err)
    assert vp("history", "--json").out.count('"id"') == 0  # nothing kept


def test_the_compact_card_fits_a_screen_and_full_has_everything(vp) -> None:
    text = "Thank you so much for your time today. I'm very excited about the role. So what happens now?"
    compact = vp("check", "--text", text)
    assert compact.code == 0
    lines = compact.out.rstrip().splitlines()
    assert len(lines) <= 16, compact.out
    for label in ("Interest in the role", "Why you fit", "Ask about next steps", "Thank the interviewer"):
        assert label in compact.out
    assert "“I'm very excited about the role.”" in compact.out  # the quote that earned the tick
    assert "Fix first:" in compact.out and "Try:" in compact.out
    [delivery] = [ln for ln in lines if ln.startswith("Delivery:")]  # delivery in one line
    assert "words" in delivery and "filler" in delivery
    assert "Also worth doing" not in compact.out and "What you said" not in compact.out

    full = vp("check", "--text", text, "--full")
    assert full.code == 0 and "Also worth doing" in full.out and "What you said" in full.out
    assert "norm" in full.out
    # "Also worth doing": each label on its own line, its advice underneath, never side by side.
    extras = full.out.split("Also worth doing", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    labels = [ln for ln in extras if ln.startswith("· ")]
    assert labels and all(len(ln.strip()) < 40 for ln in labels), extras
    assert all(re.match(r"  \S", ln) for ln in extras if not ln.startswith("· ")), extras


def test_the_compact_card_names_the_extras_done_and_still_to_add(vp) -> None:
    """A 4/4 close read "Nothing to fix" without a word on asking for the job or inviting concerns."""
    text = ("Thank you so much for your time today. I'm very excited about the role, and my six years "
            "running payroll for a 400-person firm fit what you need. What are the next steps? "
            "Is there anything about my background that gives you pause?")
    r = vp("check", "--text", text)
    assert r.code == 0 and "4/4" in r.out
    block = r.out[r.out.index("Extras:") : r.out.index("Delivery:")]
    done, rest = block.split("could add ", 1)
    assert "✓ Invite concerns" in done and "ask for the job" not in done
    assert "ask for the job" in " ".join(rest.split()) and "invite concerns" not in rest
    assert all(ln.startswith(" " * len("Extras: ")) for ln in block.splitlines()[1:]), block  # wraps under itself


def test_a_retry_shows_what_changed() -> None:
    from voicepractice.practice import change_line, compare

    before = check(Transcript.from_text("Thank you for your time. What are the next steps?"))
    after = check(Transcript.from_text("Thank you for your time. I'm really excited about this role."))
    change = compare(before, after)
    assert change.gained == ("Interest in the role",) and change.lost == ("Ask about next steps",)
    line = change_line(change).plain
    assert line == "Since your last try: 2/4 → 2/4; gained Interest in the role; lost Ask about next steps"
    assert "the same elements" in change_line(compare(before, before)).plain


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_a_piped_drill_never_waits_for_a_key(vp) -> None:
    """Not a terminal: --rounds goes straight through, as before, with no prompt."""
    r = vp("drill", "--fast", "--no-cue", "--rounds", "2", "--answer", ANSWER)
    assert r.code == 0, r.err
    assert "[r]" not in r.out + r.err and "Warm-up: 2 rounds" in r.out


def test_no_session_dir_is_left_by_a_refused_drill(vp, private_home: Path) -> None:
    vp("drill", "--no-cue", "--answer", ANSWER, "--model", "base")
    sessions = private_home / "sessions"
    assert not sessions.exists() or not any(sessions.iterdir())


@pytest.mark.slow  # over 8 s (a paced answer): `make test-slow`, which CI runs
def test_the_last_answer_keeps_the_bye_after_a_farewell(vp) -> None:
    """A one-turn drill, the goodbye answered at the pace it was spoken: "Have a great day."
    [0.85 s] "Bye." The answer ended on the first (a goodbye, the quick wait) and the "Bye."
    was never heard: the last answer has no interviewer line after it to reopen it."""
    one_turn = str(Path(__file__).parent / "data" / "one_turn.toml")
    r = vp("drill", "--no-cue", "--json", "--seed", "1", "--scenario", one_turn,
           "--answer", str(FIXTURES / "turn3_goodbye_natural.flac"))  # fmt: skip
    assert r.code == 0, r.err
    [turn] = json.loads(r.out)["turns"]
    assert turn["ended_by"] == "silence" and turn["transcript"]["text"].rstrip(" .!").endswith("Bye"), turn


def _room_tone(seconds: float):
    import numpy as np

    return np.random.default_rng(0).standard_normal(int(seconds * 16000)).astype(np.float32) * 0.0015


def test_a_recording_silent_for_its_first_20_s_is_still_heard(vp, tmp_path) -> None:
    """The no-speech limit (20 s) is for a microphone nobody speaks into; it ended a recording
    whose close began at 21 s, and the card said no words were heard."""
    import numpy as np

    from voicepractice.audio import load_audio, write_wav

    answer = tmp_path / "late.wav"
    write_wav(answer, np.concatenate([_room_tone(21), load_audio(FIXTURES / "turn3_goodbye_natural.flac")]))
    one_turn = str(Path(__file__).parent / "data" / "one_turn.toml")
    r = vp("drill", "--fast", "--no-cue", "--json", "--seed", "1", "--scenario", one_turn, "--answer", str(answer))
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out["turns"][0]["transcript"]["text"].rstrip(" .!").endswith("Bye"), out["turns"][0]
    assert out["report"]["elements"]["thanks"]["found"], out["report"]["elements"]


def test_a_recording_longer_than_an_answer_may_be_is_said_before_the_call(vp) -> None:
    """A 23 s recording with --max-seconds 10 was cut at 10 s without a word."""
    one_turn = str(Path(__file__).parent / "data" / "one_turn.toml")
    r = vp("drill", "--fast", "--no-cue", "--json", "--seed", "1", "--scenario", one_turn,
           "--max-seconds", "10", "--answer", str(FIXTURES / "strong_close_natural.flac"))  # fmt: skip
    assert r.code == 0, r.err
    said = "strong_close_natural.flac is 23 s long: only its first 10 s are heard (pass --max-seconds 23 to hear it all)"
    assert said in r.err and said in json.loads(r.out)["notes"], r.err


@pytest.mark.slow  # over 8 s (a paced answer of 26 s)
def test_a_recording_that_goes_on_after_the_last_answer_ends_is_heard_to_its_end(vp, tmp_path) -> None:
    """One recording answers the closing turn: a question, 2.5 s of room tone, then more.
    The judge ends the last answer 1.5 s after the question, and nothing after it reopens a
    last answer, so the second half of the recording was dropped without a word."""
    import numpy as np

    from voicepractice.audio import load_audio, write_wav

    question = load_audio(FIXTURES / "turn1_question_natural.flac")  # "...the next steps after this call?"
    more = load_audio(FIXTURES / "turn2_close_natural.flac")  # "I'm very interested in this role. ..."
    answer = tmp_path / "answer.wav"
    write_wav(answer, np.concatenate([question, _room_tone(2.5), more]))
    one_turn = str(Path(__file__).parent / "data" / "one_turn.toml")
    r = vp("drill", "--no-cue", "--json", "--seed", "1", "--scenario", one_turn, "--answer", str(answer))
    assert r.code == 0, r.err
    out = json.loads(r.out)
    [turn] = out["turns"]
    assert "after this call" in turn["transcript"]["text"] and "project management" in turn["transcript"]["text"], turn
    found = {name for name, e in out["report"]["elements"].items() if e["found"]}
    assert {"interest", "next_steps"} <= found and len(found) == 3, found  # not "thanks": none was said
