"""replay's keys through a real pseudo-terminal: ↑ is the line before, ↓ never gets lost."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from rich.console import Console
from test_e2e_audio_server import pulse  # noqa: F401  (the private PulseAudio fixture)
from test_sessions_cli import FakeSink, _typed_session

from voicepractice.keys import parse_keys
from voicepractice.replay import PlayerState, _keys, build_timeline, play

UP, DOWN = "\x1b[A", "\x1b[B"


def test_up_goes_to_the_previous_line_even_well_into_the_current_one() -> None:
    tl = build_timeline(_typed_session())
    s = PlayerState(duration=tl.duration)
    s.position = tl.lines[2].start + 0.9 * (tl.lines[2].end - tl.lines[2].start)  # late in line 2
    assert tl.line_at(s.position) == 2
    s.key("up", tl)
    assert s.position == tl.lines[1].start
    s.key("up", tl)
    assert s.position == tl.lines[0].start
    s.key("up", tl)
    assert s.position == tl.lines[0].start  # nothing before the first line


def test_down_on_the_last_line_does_not_jump_back() -> None:
    tl = build_timeline(_typed_session())
    s = PlayerState(duration=tl.duration)
    s.position = tl.lines[-1].start + 0.3
    s.key("down", tl)
    assert s.position == tl.lines[-1].start + 0.3


def test_parse_keys_splits_and_joins_reads() -> None:
    assert parse_keys(DOWN + DOWN) == (["down", "down"], "")
    assert parse_keys(" " + UP + "q") == ([" ", "up", "q"], "")
    keys, rest = parse_keys("\x1b")
    assert keys == [] and rest == "\x1b"
    assert parse_keys(rest + "[B") == (["down"], "")


def test_keys_through_a_pseudo_terminal() -> None:
    """Two ↓ in one write, a ↓ split across two writes, ↑, then Escape on its own."""
    main, sub = pty.openpty()
    try:
        got: list[str] = []
        with _keys(sub) as read:
            os.write(main, (DOWN + DOWN).encode())
            os.write(main, b"\x1b")

            def rest() -> None:
                time.sleep(0.01)
                os.write(main, b"[B" + UP.encode())

            threading.Thread(target=rest).start()
            deadline = time.monotonic() + 5
            while len(got) < 4 and time.monotonic() < deadline:
                key = read(0.2)
                if key:
                    got.append(key)
            os.write(main, b"\x1b")
            key = None
            while key is None and time.monotonic() < deadline:
                key = read(0.2)
            got.append(key or "")
        assert got == ["down", "down", "down", "up", "escape"]
    finally:
        os.close(main)
        os.close(sub)


def test_player_with_keys_from_a_pseudo_terminal() -> None:
    """The live loop reading a real terminal: ↓↓ sent in one write both count, then ↑, then q."""
    tl = build_timeline(_typed_session())
    main, sub = pty.openpty()
    now = [0.0]
    try:
        with _keys(sub) as terminal:
            script = iter([DOWN + DOWN, UP, "q"])

            def read(timeout: float) -> str | None:
                key = terminal(0.0)
                if key is None:
                    nxt = next(script, None)
                    if nxt is not None:
                        os.write(main, nxt.encode())
                    key = terminal(1.0)
                return key

            class Keys:
                def __enter__(self):  # type: ignore[no-untyped-def]
                    return read

                def __exit__(self, *exc: object) -> None:
                    return None

            sink = FakeSink()
            screen = Console(file=io.StringIO(), width=100, force_terminal=False)
            state = play(tl, sink, interactive=True, console=screen, keys=Keys(), clock=lambda: now[0])
        starts = [pos for what, pos in sink.calls if what == "start"]
        line = [round(x.start, 3) for x in tl.lines]
        # Before the first word, ↓ goes to line 0, ↓ again to line 1, ↑ back to line 0.
        assert starts == [0.0, line[0], line[1], line[0]]
        assert state.quit
    finally:
        os.close(main)
        os.close(sub)



@pytest.mark.audio_server
def test_a_seek_through_a_real_audio_server_does_not_freeze_the_player(pulse: dict[str, str]) -> None:  # noqa: F811
    """↑/↓ restart the sound at another line. With sd.stop() + sd.play() each restart waited
    about 0.9 s for ALSA's pulse plugin to drain the old stream; the screen froze meanwhile,
    and a ↓ pressed in that second looked like it did nothing. Seeks must not wait on the device."""
    script = """
import time
import numpy as np
from voicepractice.replay import AudioOut
out = AudioOut(None)
track = np.random.default_rng(0).normal(0, 0.01, 22050 * 30).astype(np.float32)
out.start(track, 22050, 0.0)
time.sleep(0.5)
waits = []
for position in (5.0, 10.0, 2.0, 20.0):
    t0 = time.monotonic()
    out.start(track, 22050, position)
    waits.append(time.monotonic() - t0)
    time.sleep(0.3)
t0 = time.monotonic()
out.stop()
waits.append(time.monotonic() - t0)
getattr(out, "close", lambda: None)()
print(max(waits))
"""
    r = subprocess.run([sys.executable, "-c", script], env=pulse, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert float(r.stdout) < 0.3, f"a seek or pause waited {float(r.stdout):.2f} s on the audio device"


def test_the_live_frame_wraps_under_each_speaker_at_80_columns() -> None:
    from test_labels import _session

    from voicepractice.replay import frame

    tl = build_timeline(_session())  # two turns: "You (turn 2, anything else): ..." wraps at 80
    c = Console(width=80, record=True, force_terminal=False)
    c.print(frame(tl, tl.lines[1].start + 0.1, False))
    body = c.export_text().splitlines()[2:-3]  # between the header and the clock
    assert any(ln.startswith("▶ ") for ln in body)
    assert len(body) > min(len(tl.lines), 7), body  # some lines wrap
    assert all(ln.startswith(("▶ ", "  ")) for ln in body), body  # never back at column 0


@pytest.mark.parametrize("keep", [True, False], ids=["practice-keeps", "replay-flushes"])
def test_a_key_typed_before_the_reader_starts_is_kept_only_when_asked(keep: bool) -> None:
    """One reader for both screens: the practice prompt keeps an 'r' typed as it appeared, replay
    drops what was typed before it started (both pty tests of those screens rely on it)."""
    from voicepractice.keys import key_reader

    main, sub = pty.openpty()
    try:
        os.write(main, b"r")
        time.sleep(0.1)  # typed before the reader puts the terminal in cbreak mode
        with key_reader(sub, keep_typed_ahead=keep) as read:
            first = read(0.3)
            os.write(main, b"q")
            second = read(2.0)
        assert (first, second) == (("r", "q") if keep else (None, "q"))
    finally:
        os.close(main)
        os.close(sub)


def test_ctrl_d_typed_just_before_the_practice_prompt_reads_as_the_end_of_input() -> None:
    """In line mode Ctrl-D is the end of input, not a key; read after cbreak mode began it came
    as a NUL that the prompt ignored, and a drill quit that way hung at the prompt (CI, stop 43)."""
    from voicepractice.keys import key_reader

    main, sub = pty.openpty()
    try:
        os.write(main, b"\x04")
        time.sleep(0.1)  # pressed while the card was printed, before the reader began
        with key_reader(sub, keep_typed_ahead=True) as read, pytest.raises(EOFError):
            read(0.3)
        os.write(main, b"r\n")  # a key and Enter in line mode: both are still keys
        time.sleep(0.1)
        with key_reader(sub, keep_typed_ahead=True) as read:
            assert (read(0.3), read(0.3), read(0.3)) == ("r", "\n", None)
    finally:
        os.close(main)
        os.close(sub)


def test_an_output_listed_but_not_openable_is_the_one_line_no_speaker_error(monkeypatch) -> None:
    """The audio server stopped (or headphones were unplugged) after PortAudio listed the device:
    opening the stream fails. Before, replay said "unexpected PortAudioError ... please report it"."""
    import sounddevice as sd

    from voicepractice.errors import AudioDeviceError
    from voicepractice.replay import AudioOut

    def refuse(*args: object, **kwargs: object) -> None:
        raise sd.PortAudioError("Error opening OutputStream: Illegal combination of I/O devices", -9993)

    monkeypatch.setattr(sd, "query_devices", lambda device=None, kind=None: {"name": "pulse"})
    monkeypatch.setattr(sd, "OutputStream", refuse)
    out = AudioOut(None)
    with pytest.raises(AudioDeviceError, match=r"^no speaker or headphones found: use `voicepractice replay --no-audio`"):
        out.start(np.zeros(2205, np.float32), 22050, 0.0)
