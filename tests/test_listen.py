"""Ending the answer: silence after speech, a thinking pause, Enter, the cap, Ctrl-C, a lost device."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from voicepractice.audio import SAMPLE_RATE, load_audio
from voicepractice.listen import BLOCK, Chunk, ListenOptions, _DeviceLost, listen, recording_blocks

from conftest import FIXTURES


def room_tone(seconds: float) -> np.ndarray:
    rng = np.random.default_rng(1)
    return (rng.standard_normal(int(seconds * SAMPLE_RATE)) * 0.001).astype(np.float32)


def test_ends_after_silence_and_keeps_a_thinking_pause(fixture_manifest) -> None:
    meta = fixture_manifest["thinking_pause"]
    audio = np.concatenate([load_audio(FIXTURES / meta["file"]), room_tone(5)])
    chunks: list[Chunk] = []
    cap = listen(recording_blocks(audio, paced=False), ListenOptions(end_silence_s=2.5), on_chunk=chunks.append)
    assert cap.ended_by == "silence"
    pause_start, pause_end = meta["pauses"][0]
    # Both sides of the 2 s pause are in the answer: speech after the pause was heard.
    assert any(a > pause_end - 0.2 for a, _ in cap.speech)
    assert cap.speech_end == pytest.approx(meta["speech_end"], abs=0.4)
    assert cap.duration == pytest.approx(cap.speech_end + 2.5, abs=0.2)
    # The first half (too short to commit) was sent as a snapshot during the pause,
    # so its words were being decoded before the person went on.
    assert any(c.tentative and pause_start <= c.offset + c.audio.size / SAMPLE_RATE <= pause_end for c in chunks)
    # ...and was committed only together with speech after the pause.
    first = next(c for c in chunks if not c.tentative)
    assert first.offset < pause_start and first.offset + first.audio.size / SAMPLE_RATE > pause_end
    assert not chunks[-1].tentative


def test_shorter_silence_window_cuts_at_the_pause(fixture_manifest) -> None:
    meta = fixture_manifest["thinking_pause"]
    cap = listen(recording_blocks(load_audio(FIXTURES / meta["file"]), paced=False), ListenOptions(end_silence_s=1.0))
    assert cap.ended_by == "silence"
    assert cap.duration < meta["pauses"][0][1]


def test_max_length() -> None:
    speech = load_audio(FIXTURES / "long_answer_60s.flac")
    cap = listen(recording_blocks(speech, paced=False), ListenOptions(max_seconds=10))
    assert cap.ended_by == "max_length"
    assert cap.duration == pytest.approx(10, abs=0.11)


def test_nothing_said_times_out() -> None:
    cap = listen(recording_blocks(room_tone(12), paced=False), ListenOptions(no_speech_timeout_s=5))
    assert cap.ended_by == "no_speech"
    assert not cap.heard_speech


def test_ctrl_c_keeps_what_was_recorded(tmp_path: Path) -> None:
    speech = load_audio(FIXTURES / "strong_close.flac")

    def blocks() -> Iterator[np.ndarray]:
        for i, block in enumerate(recording_blocks(speech, paced=False)):
            if i == 50:
                raise KeyboardInterrupt
            yield block

    spool = tmp_path / "answer.pcm"
    cap = listen(blocks(), spool=spool)
    assert cap.ended_by == "interrupted"
    assert cap.audio.size == 50 * BLOCK
    on_disk = np.frombuffer(spool.read_bytes(), dtype="<i2")
    assert on_disk.size == cap.audio.size
    assert np.allclose(on_disk / 32767, cap.audio, atol=1e-3)
    assert spool.stat().st_mode & 0o777 == 0o600


def test_device_lost_mid_answer_keeps_audio() -> None:
    speech = load_audio(FIXTURES / "strong_close.flac")

    def blocks() -> Iterator[np.ndarray]:
        for i, block in enumerate(recording_blocks(speech, paced=False)):
            if i == 30:
                raise _DeviceLost()
            yield block

    cap = listen(blocks())
    assert cap.ended_by == "device_lost"
    assert cap.audio.size == 30 * BLOCK


def test_silent_capture_is_flagged() -> None:
    cap = listen(recording_blocks(load_audio(FIXTURES / "digital_zero.wav"), paced=False))
    assert cap.level.silent and not cap.heard_speech
    cap = listen(recording_blocks(load_audio(FIXTURES / "strong_close.flac"), paced=False))
    assert not cap.level.silent


def test_a_short_pause_sends_a_snapshot_that_the_end_can_reuse() -> None:
    from voicepractice.transcribe import LiveTranscription, Transcriber

    speech = load_audio(FIXTURES / "weak_thanks_only.flac")  # one short sentence, under 4 s
    audio = np.concatenate([speech[: int(4.5 * SAMPLE_RATE)], room_tone(0.8)])  # then Enter
    chunks: list[Chunk] = []
    live = LiveTranscription(Transcriber())

    def on_chunk(c: Chunk) -> None:
        chunks.append(c)
        live.submit_chunk(c)

    cap = listen(recording_blocks(audio, paced=False), ListenOptions(end_silence_s=2.5), on_chunk=on_chunk)
    assert cap.ended_by == "end_of_recording"
    assert [c.tentative for c in chunks][-2:] == [True, False]
    snapshot = chunks[-2]
    # Sent two VAD windows into the pause, so it is being decoded before Enter comes.
    assert snapshot.speech_until is not None
    assert snapshot.offset + snapshot.audio.size / SAMPLE_RATE - snapshot.speech_until < 0.1
    words = live.finish()
    assert live.reused_snapshots == 1
    assert "thanks" in " ".join(w.text.lower() for w in words)


class _FakePortAudio:
    """sounddevice's surface _started_input uses; ``fail_starts`` starts fail as PortAudio's ALSA
    host fails under load ("Error starting stream: Wait timed out")."""

    class PortAudioError(Exception):
        pass

    def __init__(self, fail_starts: int) -> None:
        self.fail_starts = fail_starts
        self.streams: list[dict[str, object]] = []

    def InputStream(self, **kwargs: object) -> object:  # noqa: N802 (sounddevice's name)
        fake = self
        record: dict[str, object] = {"started": False, "closed": False, "callback": kwargs["callback"]}
        self.streams.append(record)

        class Stream:
            def start(self) -> None:
                if fake.fail_starts:
                    fake.fail_starts -= 1
                    raise fake.PortAudioError("Error starting stream: Wait timed out [PaErrorCode -9987]")
                record["started"] = True

            def close(self) -> None:
                record["closed"] = True

        return Stream()


def test_a_microphone_that_fails_to_start_is_closed_and_opened_once_more() -> None:
    from voicepractice.listen import _started_input

    sd = _FakePortAudio(fail_starts=1)
    stream, blocks, rate = _started_input(sd, None, {"default_samplerate": 48000, "name": "mic"})
    first, second = sd.streams
    assert first["closed"] and not first["started"]  # the half-started stream is not left open
    assert second["started"] and not second["closed"] and rate == 16000
    second["callback"](np.ones((160, 1), np.float32), 160, None, None)  # type: ignore[operator]
    first["callback"](np.zeros((160, 1), np.float32), 160, None, None)  # type: ignore[operator]
    assert blocks.get_nowait().sum() == 160 and blocks.empty()  # the dead stream's blocks go nowhere

    sd = _FakePortAudio(fail_starts=2)
    with pytest.raises(sd.PortAudioError):
        _started_input(sd, None, {"default_samplerate": 48000, "name": "mic"})
    assert all(s["closed"] for s in sd.streams) and len(sd.streams) == 2


def test_a_stretch_after_a_committed_chunk_is_read_with_the_end_of_that_chunk() -> None:
    """Chunks close at short pauses (so little is left to decode when Enter comes); a short
    stretch after one is handed on with a lead-in, so Whisper does not read it alone."""
    audio = np.concatenate([load_audio(FIXTURES / "pause_mid_sentence_natural.flac"), room_tone(1)])
    o = ListenOptions(end_silence_s=30, enter_ends=False)
    chunks: list[Chunk] = []
    listen(recording_blocks(audio, paced=False), o, on_chunk=chunks.append)
    committed = [c for c in chunks if not c.tentative]
    assert len(committed) >= 2  # a 16 s answer is not left to be decoded whole at its end
    assert any(c.lead_s > 0.5 for c in committed)
    previous_end = 0.0
    for c in committed:
        own_start = c.offset + c.lead_s
        assert own_start >= previous_end - 1e-6  # no stretch is anyone's twice
        assert c.offset <= previous_end + 1e-6 or c.lead_s == 0  # the lead-in is the chunk before's
        assert c.speech_until - c.offset >= o.min_chunk_s - 1e-6 or c.offset == 0
        # The pause's snapshot was the same audio, so its decode is adopted, not repeated.
        assert any(s.tentative and (s.offset, s.speech_until) == (c.offset, c.speech_until) for s in chunks)
        previous_end = c.offset + c.audio.size / SAMPLE_RATE
