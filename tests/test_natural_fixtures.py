"""Answers spoken by the natural voice (not espeak): transcribed, scored as labelled, and a
thinking pause in the middle of a sentence does not end the turn."""

from __future__ import annotations

import numpy as np
import pytest

from voicepractice.audio import SAMPLE_RATE, load_audio
from voicepractice.check import check
from voicepractice.delivery import measure
from voicepractice.listen import ListenOptions, listen, recording_blocks
from voicepractice.transcribe import Transcriber

from conftest import FIXTURES

NATURAL = ["strong_close_natural", "pause_mid_sentence_natural", "turn1_question_natural", "turn2_close_natural",
           "turn3_goodbye_natural"]  # fmt: skip


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    return Transcriber()


def test_the_manifest_says_which_engine_spoke(fixture_manifest: dict) -> None:
    engines = {f.get("engine") for f in fixture_manifest.values() if f["text"]}
    assert engines == {"espeak-ng", "hibari"}
    assert all(fixture_manifest[n]["engine"] == "hibari" and fixture_manifest[n]["voice"] == "heart" for n in NATURAL)


@pytest.mark.parametrize("name", NATURAL)
def test_natural_voice_answers_score_as_labelled(name: str, transcriber: Transcriber, fixture_manifest: dict) -> None:
    meta = fixture_manifest[name]
    transcript = transcriber.transcript(load_audio(FIXTURES / meta["file"]))
    report = check(transcript)
    found = {k: report.finding(k).found for k in meta["expect"]}
    assert found == meta["expect"], transcript.text


def test_a_pause_mid_sentence_does_not_end_the_turn(fixture_manifest: dict) -> None:
    meta = fixture_manifest["pause_mid_sentence_natural"]
    tail = (np.random.default_rng(1).standard_normal(5 * SAMPLE_RATE) * 0.001).astype(np.float32)
    audio = np.concatenate([load_audio(FIXTURES / meta["file"]), tail])
    cap = listen(recording_blocks(audio, paced=False), ListenOptions(end_silence_s=2.5))
    (pause_start, pause_end) = meta["pauses"][0]
    assert 1.7 < pause_end - pause_start < 1.9
    assert cap.ended_by == "silence"
    assert cap.speech_end == pytest.approx(meta["speech_end"], abs=0.4)  # the words after the pause are in


def test_the_longest_pause_reads_as_long_as_the_silence(transcriber: Transcriber, fixture_manifest: dict) -> None:
    # Whisper's word times spread the words over the 1.8 s pause (1.2 s between them before
    # transcribe.fit_pauses); the delivery line must say how long the person was silent.
    meta = fixture_manifest["pause_mid_sentence_natural"]
    (pause_start, pause_end) = meta["pauses"][0]
    transcript = transcriber.transcript(load_audio(FIXTURES / meta["file"]))
    assert measure(transcript).longest_pause_s == pytest.approx(pause_end - pause_start, abs=0.2)
