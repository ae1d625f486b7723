"""The interviewer's voice: real pyttsx3 + espeak-ng, checked by the real Whisper model."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from voicepractice.audio import load_audio
from voicepractice.errors import SpeechError
from voicepractice.speak import VoiceOptions, render, voices


def test_fifty_renders_in_a_row_all_complete(tmp_path: Path) -> None:
    # pyttsx3's save_to_file can return before the file exists; render() must not.
    for i in range(50):
        path = render(f"Line number {i}. That's all my questions for today.", tmp_path / f"line-{i}.wav")
        with wave.open(str(path)) as w:
            assert w.getnframes() > w.getframerate() * 0.5, f"render {i} is too short"
        assert path.stat().st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob(".tts-*")), "temporary files left behind"


def test_render_says_the_line(tmp_path: Path) -> None:
    from voicepractice.transcribe import Transcriber

    path = render("Do you have any questions for me about the team?", tmp_path / "q.wav")
    text = Transcriber().transcript(load_audio(path)).text.lower()
    assert "questions" in text and "team" in text


def test_render_does_not_print_on_stdout(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    render("Thanks for your time.", tmp_path / "t.wav")
    assert capfd.readouterr().out == ""


def test_rate_changes_length(tmp_path: Path) -> None:
    line = "We will be in touch within a week about the next round."
    slow = render(line, tmp_path / "slow.wav", VoiceOptions(rate=110))
    fast = render(line, tmp_path / "fast.wav", VoiceOptions(rate=260))
    assert load_audio(slow).size > 1.5 * load_audio(fast).size


def test_unknown_voice_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="no voice"):
        render("Hello.", tmp_path / "x.wav", VoiceOptions(voice="klingon-nonexistent"))


def test_english_voices_are_listed() -> None:
    assert any("en" in " ".join(langs).lower() for _, _, langs in voices())
