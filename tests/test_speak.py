"""The interviewer's voices: the natural one (hibari) and the system's (pyttsx3 + espeak-ng), heard by the real Whisper model."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from voicepractice.audio import load_audio
from voicepractice.errors import SpeechError
from voicepractice.speak import VoiceOptions, all_voices, check_voice, render, voices

SYSTEM = VoiceOptions(voice="system")
BOTH = pytest.mark.parametrize("voice", [None, "system"], ids=["natural", "system"])


def test_fifty_renders_in_a_row_all_complete(tmp_path: Path) -> None:
    # pyttsx3's save_to_file can return before the file exists; render() must not.
    for i in range(50):
        path = render(f"Line number {i}. That's all my questions for today.", tmp_path / f"line-{i}.wav", SYSTEM)
        with wave.open(str(path)) as w:
            assert w.getnframes() > w.getframerate() * 0.5, f"render {i} is too short"
        assert path.stat().st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob(".tts-*")), "temporary files left behind"


@BOTH
def test_render_says_the_line(tmp_path: Path, voice: str | None) -> None:
    from voicepractice.transcribe import Transcriber

    path = render("Do you have any questions for me about the team?", tmp_path / "q.wav", VoiceOptions(voice=voice))
    text = Transcriber().transcript(load_audio(path)).text.lower()
    assert "questions" in text and "team" in text


def test_render_does_not_print_on_stdout(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    render("Thanks for your time.", tmp_path / "t.wav", SYSTEM)
    assert capfd.readouterr().out == ""


@BOTH
def test_rate_changes_length(tmp_path: Path, voice: str | None) -> None:
    line = "We will be in touch within a week about the next round."
    slow = render(line, tmp_path / "slow.wav", VoiceOptions(voice=voice, rate=110))
    fast = render(line, tmp_path / "fast.wav", VoiceOptions(voice=voice, rate=260))
    assert load_audio(slow).size > 1.5 * load_audio(fast).size


def test_unknown_voice_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="no voice"):
        render("Hello.", tmp_path / "x.wav", VoiceOptions(voice="klingon-nonexistent"))


def test_english_voices_are_listed() -> None:
    assert any("en" in " ".join(langs).lower() for _, _, langs in voices())


def test_the_natural_voice_is_the_default_and_listed_first() -> None:
    listed = all_voices()
    assert listed[0].id == "heart" and listed[0].kind == "natural" and listed[0].default
    assert [v for v in listed if v.default] == [listed[0]]
    assert any(v.kind == "system" for v in listed)
    assert check_voice(None) == "heart" and check_voice("natural") == "heart"


def test_an_unknown_voice_lists_the_choices() -> None:
    with pytest.raises(SpeechError) as err:
        check_voice("robot-nine")
    message = str(err.value)
    assert "no voice 'robot-nine'" in message and "heart" in message and "gmw/en-us" in message


def test_the_natural_voice_never_asks_for_a_download(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # hibari fetches its other voices from a hub; ours must load from the wheel with the network gone.
    import urllib.request

    from voicepractice import natural

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the natural voice reached for the network")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path / "empty-hub-cache"))
    natural.unload()
    audio = natural.synthesize("Thanks for calling.", 165)
    assert audio.size > natural.SAMPLE_RATE * 0.5
    assert not (tmp_path / "empty-hub-cache").exists()


def test_when_the_natural_voice_cannot_load_the_system_voice_speaks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from voicepractice import natural, speak

    def broken() -> None:
        raise SpeechError("the natural voice did not load (onnxruntime missing)")

    natural.unload()
    monkeypatch.setattr(natural, "_model", broken)
    monkeypatch.setattr(speak, "_fallback_warned", False)
    out = speak.synthesize("We will be in touch.")
    assert out.voice == "system" and out.fallback and "did not load" in out.fallback
    render("One.", tmp_path / "a.wav")
    render("Two.", tmp_path / "b.wav")
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "system voice speaks instead" in warnings[0].getMessage()
