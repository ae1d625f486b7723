"""The live meter and the microphone watch (unit tests of one piece each)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console

from voicepractice.audio import SAMPLE_RATE
from voicepractice.input_watch import DeadInputError, InputWatch, stop_on_dead_input
from voicepractice.listen import BLOCK, Progress
from voicepractice.show import LiveMeter


def terminal_meter() -> tuple[LiveMeter, io.StringIO]:
    buf = io.StringIO()
    return LiveMeter(Console(file=buf, force_terminal=True, width=80)), buf


def progress(t: float, dbfs: float = -30.0, block_s: float = 0.1) -> Progress:
    return Progress(elapsed=t, level_dbfs=dbfs, speaking=dbfs > -50, silent_input=dbfs < -65, clipping=False,
                    block_s=block_s)


def test_the_meter_shows_on_every_turn_not_only_the_first() -> None:
    meter, buf = terminal_meter()
    for turn in ("questions", "close", "goodbye"):
        meter.listening(turn, "microphone")
        start = buf.tell()
        for i in range(1, 21 if turn == "questions" else 11):  # 2 s, then shorter answers
            meter.progress(progress(i / 10))
        drawn = buf.getvalue()[start:]
        assert drawn.count("\r  ") >= 5, (turn, drawn)


def test_a_pause_between_sentences_does_not_flash_no_sound() -> None:
    meter, buf = terminal_meter()
    meter.listening("close", "microphone")
    t = 0.0
    for level, seconds in ((-30.0, 3.0), (-80.0, 1.5), (-30.0, 2.0), (-80.0, 2.0)):  # talk, pause, talk, pause
        for _ in range(int(seconds * 10)):
            t += 0.1
            meter.progress(progress(t, level))
    assert "no sound" not in buf.getvalue()


def test_the_silence_watch_counts_each_block_by_its_own_length() -> None:
    """The listener's blocks are 32 ms: a 1.5 s pause is 47 of them, not 4.7 s of silence."""
    meter, buf = terminal_meter()
    meter.listening("close", "microphone")
    step = BLOCK / SAMPLE_RATE
    t = 0.0
    for level, seconds in ((-30.0, 3.0), (-80.0, 1.5), (-30.0, 2.0), (-80.0, 4.0)):  # talk, pause, talk, silence
        for _ in range(round(seconds / step)):
            t += step
            meter.progress(progress(t, level, step))
        warned = "no sound from the microphone!" in buf.getvalue()
        assert warned == (seconds == 4.0), (level, seconds)


def test_a_sustained_silence_is_warned_about() -> None:
    meter, buf = terminal_meter()
    meter.listening("close", "microphone")
    for i in range(1, 41):
        meter.progress(progress(i / 10, -80.0))
    assert "no sound from the microphone!" in buf.getvalue()


def test_the_meter_draws_nothing_when_stderr_is_not_a_terminal() -> None:
    buf = io.StringIO()
    meter = LiveMeter(Console(file=buf, force_terminal=False))
    meter.interviewer("Thanks for your time today.")
    meter.listening("close", "microphone")
    meter.progress(progress(0.5))
    meter.status("Transcribing...")
    meter.warn("no speaker found")
    assert buf.getvalue().strip() == "Warning: no speaker found"


def test_input_watch_tells_a_quiet_room_from_a_dead_input() -> None:
    quiet_room = InputWatch()
    dead = InputWatch()
    for _ in range(40):
        quiet_room.feed(-70.0)  # a real microphone's own noise: silent, but alive
        dead.feed(float("-inf"))
    assert quiet_room.sustained_silence and not quiet_room.dead
    assert dead.dead


def test_digital_silence_stops_within_three_seconds() -> None:
    def zeros():
        while True:
            yield np.zeros(1600, np.float32)

    seen = 0
    with pytest.raises(DeadInputError, match="digital silence"):
        for _ in stop_on_dead_input(zeros()):
            seen += 1
    assert seen <= 30


def test_a_dead_input_closes_the_microphone_before_the_error_reaches_anyone() -> None:
    """The error's traceback keeps the watcher's frame alive, and with it the microphone stream:
    closed only by a later garbage collection (on any thread, maybe during PortAudio's shutdown)."""
    closed = []

    def microphone():
        try:
            while True:
                yield np.zeros(1600, np.float32)
        finally:
            closed.append(True)

    try:
        for _ in stop_on_dead_input(microphone()):
            pass
    except DeadInputError as exc:
        error = exc  # held, as the drill holds it until it has reported it
    assert closed == [True]
    assert error.__traceback__ is not None


def test_a_live_input_is_never_judged_dead_later() -> None:
    rng = np.random.default_rng(0)
    blocks = [rng.normal(0, 0.01, 1600).astype(np.float32)] + [np.zeros(1600, np.float32)] * 100
    assert len(list(stop_on_dead_input(iter(blocks)))) == 101


def test_a_long_warning_wraps_under_its_text() -> None:
    meter, buf = terminal_meter()
    meter.warn("no speaker or headphones found: pick one with --output (see `voicepractice devices`); "
               "the interviewer's lines are shown as text")  # fmt: skip
    import re

    lines = [ln for ln in re.sub(r"\x1b\[[0-9;]*m", "", buf.getvalue()).splitlines() if ln.strip()]
    assert lines[0].startswith("Warning: no speaker") and len(lines) > 1
    assert all(ln.startswith(" " * 9) for ln in lines[1:]), lines
