"""The drill in a real terminal (a pseudo-terminal), through a real PulseAudio server.

Ctrl-C at the worst moments, a dead microphone, devices that are not there, the
practice loop's prompt, and ALSA's underrun noise: each as a person meets it.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_e2e_audio_server import pulse  # noqa: F401  (the audio-server fixture)

from conftest import FIXTURES, shell_signals

ANSWER = str(FIXTURES / "strong_close.flac")
ONE_TURN = Path(__file__).parent / "data" / "one_turn.toml"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """A command running in an 80x24 pseudo-terminal: what it printed, and keys to send."""

    def __init__(self, args: list[str], env: dict[str, str], stdin_tty: bool = True) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.master = master
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voicepractice", *args],
            # A hang shows every thread's stack: wait() sends SIGABRT, which faulthandler reports.
            env={**env, "TERM": "xterm", "COLUMNS": "80", "PYTHONFAULTHANDLER": "1"},
            stdin=slave if stdin_tty else subprocess.DEVNULL, stdout=slave, stderr=slave,
            preexec_fn=shell_signals,
        )  # fmt: skip
        os.close(slave)
        self._buf = b""
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self._buf += data

    @property
    def text(self) -> str:
        with self._lock:
            return ANSI.sub("", self._buf.decode(errors="replace"))

    def expect(self, pattern: str, timeout: float = 120.0, after: int = 0) -> int:
        """Wait until ``pattern`` (a regex) appears after offset ``after``; return where it ends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.text[after:])
            if m:
                return after + m.end()
            if self.proc.poll() is not None:
                time.sleep(0.3)  # let the reader drain the last output
                m = re.search(pattern, self.text[after:])
                if m:
                    return after + m.end()
                raise AssertionError(f"exited {self.proc.returncode} before {pattern!r}:\n{self.text}")
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} within {timeout} s:\n{self.text}")

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait(self, timeout: float = 120.0) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGABRT)  # faulthandler prints where every thread stands
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            time.sleep(0.3)
            raise AssertionError(f"still running after {timeout} s:\n{self.text}") from None
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self._reader.join(timeout=5)
            os.close(self.master)


def sessions(env: dict[str, str]) -> list[dict]:
    r = subprocess.run(
        [sys.executable, "-m", "voicepractice", "history", "--json"], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(r.stdout)["sessions"]


@pytest.fixture
def env(pulse: dict[str, str], private_home: Path) -> dict[str, str]:  # noqa: F811
    return {**pulse, "VOICEPRACTICE_HOME": str(private_home)}


@pytest.mark.audio_server
def test_ctrl_c_during_the_first_line_keeps_nothing(env: dict[str, str], private_home: Path) -> None:
    term = Terminal(["drill", "--seed", "1"], env)
    term.expect("Interviewer:")
    time.sleep(0.5)  # the line is playing
    term.proc.send_signal(signal.SIGINT)
    assert term.wait(30) == 130, term.text
    assert "Saved as session" not in term.text and "core elements" not in term.text, term.text
    assert "Stopped before you answered: nothing was kept." in term.text  # says so, not just "Aborted."
    assert sessions(env) == []
    left = list((private_home / "sessions").iterdir()) if (private_home / "sessions").exists() else []
    assert left == [], left  # not even a staging folder for the next run to "recover"


@pytest.mark.audio_server
@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_ctrl_c_between_turns_keeps_what_was_said(env: dict[str, str]) -> None:
    term = Terminal(["drill", "--seed", "3", "--silence", "2.0", "--no-cue"], env, stdin_tty=False)
    start = term.expect("Listening")
    time.sleep(0.5)
    subprocess.run(["paplay", "--device=vp_mic", str(FIXTURES / "turn1_question.flac")], env=env, check=True, timeout=90)
    term.expect("Interviewer:", after=start)  # the interviewer answers the question...
    time.sleep(0.3)
    term.proc.send_signal(signal.SIGINT)  # ...and the person stops the drill there
    assert term.wait(120) == 0, term.text
    [session] = sessions(env)
    assert session["status"] == "interrupted"
    assert "Saved as session" in term.text and "interrupted with Ctrl-C" in term.text


@pytest.mark.audio_server
@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_a_dead_microphone_stops_the_drill_within_seconds(env: dict[str, str]) -> None:
    # Nothing is ever played into vp_mic: its monitor delivers digital silence.
    term = Terminal(["-v", "drill", "--scenario", str(ONE_TURN), "--no-cue"], env, stdin_tty=False)
    term.expect("Listening")
    t0 = time.monotonic()
    assert term.wait(60) == 1, term.text
    waited = time.monotonic() - t0
    assert "Error: the microphone delivers only digital silence" in term.text, term.text
    assert waited < 10, f"took {waited:.1f} s (the no-speech timeout is 20 s)"
    # Leaving early, the drill stopped the models loading and the voice tracking first: nothing of
    # ours runs native code on another thread while the process exits.
    assert "still running as the command ends" not in term.text, term.text
    assert sessions(env) == []


@pytest.mark.audio_server
def test_devices_saves_only_a_device_that_exists(env: dict[str, str], tmp_path: Path) -> None:
    import tomllib

    cfg = tmp_path / "cfg" / "config.toml"
    env = {**env, "VOICEPRACTICE_CONFIG": str(cfg)}
    run = lambda *a: subprocess.run([sys.executable, "-m", "voicepractice", *a], env=env, capture_output=True, text=True)  # noqa: E731
    bad = run("devices", "--set-input", "mic")
    assert bad.returncode == 1 and not cfg.exists()
    [line] = bad.stderr.strip().splitlines()
    assert line.startswith("Error: no microphone found matching 'mic'") and "pulse" in line and "default" in line, line
    assert "choose one with --set-input (index or name)" in line, line  # the option they typed
    ok = run("devices", "--set-input", "pulse", "--set-output", "0")
    assert ok.returncode == 0, ok.stderr
    assert tomllib.loads(cfg.read_text()) == {"input": "pulse", "output": 0}
    assert cfg.stat().st_mode & 0o777 == 0o600
    # A drill with a device that is not there fails before the interviewer speaks.
    drill = run("drill", "--input", "99", "--no-cue")
    assert drill.returncode == 1 and drill.stderr.startswith("Error: no microphone found matching 99"), drill.stderr


def without_a_chosen_source(env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``voicepractice ARGS`` where nobody chose a source: the server's default is one of its null
    sinks' monitors, as PulseAudio makes the monitor of the output the default with no microphone."""
    env = {k: v for k, v in env.items() if k != "PULSE_SOURCE"}
    return lambda *a: subprocess.run(
        [sys.executable, "-m", "voicepractice", *a], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.audio_server
def test_with_only_the_speakers_monitor_there_is_no_microphone(env: dict[str, str]) -> None:
    run = without_a_chosen_source(env)
    drill = run("drill", "--no-cue")
    assert drill.returncode == 1, drill.stderr
    [line] = drill.stderr.strip().splitlines()  # before the interviewer says a word
    assert line.startswith("Error: no microphone is connected (the default input, 'Monitor of "), line
    assert line.endswith("not you): plug one in, or answer from a recording with --answer FILE"), line
    devices = run("devices")
    assert devices.returncode == 0 and "No microphone is connected (the default input, 'Monitor of " in devices.stdout
    assert devices.stdout.rstrip().endswith("plug one in."), devices.stdout


@pytest.mark.audio_server
@pytest.mark.slow  # two drills, about 25 s: `make test-slow`, which CI runs
def test_with_only_the_speakers_monitor_the_sample_answers_and_a_chosen_monitor_is_heard(env: dict[str, str]) -> None:
    run = without_a_chosen_source(env)
    # The README's main command: the bundled answer stands in, as where there is no sound server at all.
    fallback = run("drill", "--no-cue", "--fast", "--fallback-answer", ANSWER, "--scenario", str(ONE_TURN))
    assert fallback.returncode == 0, fallback.stderr
    assert f"answering with the recording {ANSWER} instead" in fallback.stderr
    assert "core elements" in fallback.stdout and "digital silence" not in fallback.stderr
    # A source the person names is theirs, monitor or not: the drill listens to it.
    chosen = run("drill", "--no-cue", "--input", "pulse", "--scenario", str(ONE_TURN))
    assert "digital silence" in chosen.stderr and "no microphone is connected" not in chosen.stderr, chosen.stderr


def test_only_a_monitor_as_the_default_source_counts_as_no_microphone() -> None:
    from voicepractice.audio import MonitorInput, monitor_source

    monitor = """Source #0
\tState: SUSPENDED
\tName: alsa_output.pci.analog-stereo.monitor
\tDescription: Monitor of Built-in Audio Analog Stereo
\tMonitor of Sink: alsa_output.pci.analog-stereo
"""
    headset = """Source #1
\tState: RUNNING
\tName: alsa_input.usb-headset.mono
\tDescription: USB Headset Mono
\tMonitor of Sink: n/a
"""
    info = lambda name: f"Server Name: pulseaudio\nDefault Sink: x\nDefault Source: {name}\nCookie: 1\n"  # noqa: E731
    speakers = info("alsa_output.pci.analog-stereo.monitor")
    alone = monitor_source(speakers, monitor)
    assert alone == MonitorInput("Monitor of Built-in Audio Analog Stereo")
    assert alone.problem.startswith("no microphone is connected (the default input, 'Monitor of Built-in") and alone.fix == "plug one in"
    # A headset is there, but the monitor was made the default: say which to pick, not "none connected".
    beside = monitor_source(speakers, monitor + headset)
    assert beside is not None and beside.microphones == (("alsa_input.usb-headset.mono", "USB Headset Mono"),)
    assert beside.problem.endswith("Stereo', is not a microphone (it records what the speakers play)"), beside.problem
    assert "'USB Headset Mono' the default input" in beside.fix
    assert "PULSE_SOURCE=alsa_input.usb-headset.mono" in beside.fix
    assert monitor_source(info("alsa_input.usb-headset.mono"), monitor + headset) is None
    assert monitor_source(info("bluez.monitor"), "") == MonitorInput("bluez.monitor")  # not listed: its name says it
    assert monitor_source(info("@DEFAULT_SOURCE@"), monitor) is None
    assert monitor_source("Server Name: pulseaudio\n", monitor) is None  # no default source at all


@pytest.mark.audio_server
@pytest.mark.slow  # a minute of real-time drills: `make test-slow`, which CI runs
def test_the_practice_loop_retries_and_waits_between_rounds(env: dict[str, str]) -> None:
    term = Terminal(["drill", "--fast", "--no-cue", "--rounds", "2", "--answer", ANSWER, "--scenario", str(ONE_TURN)], env)
    end = term.expect(r"\[q\] quit")
    card = term.text[: end]
    assert "Round 1 of 2" in card and "4/4 core elements" in card
    time.sleep(3)  # the next round does not start on its own
    assert "Round 2" not in term.text and term.proc.poll() is None
    term.send("r")
    end = term.expect(r"Since your last try: 4/4 → 4/4; the same elements as before", after=end)
    assert "Round 1 of 2, try 2" in term.text
    end = term.expect(r"\[q\] quit", after=end)
    term.send("n")
    end = term.expect("Round 2 of 2", after=end)
    end = term.expect(r"\[q\] quit", after=end)
    term.send("q")
    assert term.wait(60) == 0, term.text
    assert "Warm-up: 2 rounds, 3 tries" in term.text[end:]  # a retry is a try, as its header said
    assert len(sessions(env)) == 3


@pytest.mark.audio_server
def test_playback_does_not_underrun_while_python_is_busy(env: dict[str, str]) -> None:
    """ALSA printed "underrun occurred" over the drill screen when the model loaded during a line."""
    script = """
import threading
import numpy as np
from voicepractice.audio import tone
from voicepractice.speak import play_samples
stop = False
def busy():  # the model loading in the background: Python threads holding the GIL
    while not stop:
        sum(i * i for i in range(20000))
for _ in range(2):
    threading.Thread(target=busy, daemon=True).start()
for _ in range(4):
    play_samples(np.tile(tone(440, 0.5), 3), 22050)
stop = True
"""
    r = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "underrun" not in r.stderr, r.stderr


@pytest.mark.audio_server
@pytest.mark.slow  # a minute of real-time drills: `make test-slow`, which CI runs
def test_a_retry_says_the_same_lines_without_rounds_or_seed(env: dict[str, str], private_home: Path) -> None:
    """`[r] try again (same lines)` after a plain `drill`: no --rounds, no --seed, three turns.

    The interviewer's lines (and its reply to the person's question) must be the ones of the
    try before; a retry that picks new phrasings is a different call, not the same one again.
    """
    answers = [str(FIXTURES / f) for f in ("turn1_question.flac", "turn2_close.flac", "turn3_goodbye.flac")]
    term = Terminal(["drill", "--fast", "--no-cue", *(x for a in answers for x in ("--answer", a))], env)
    end = term.expect(r"\[q\] quit")
    # Issue 15's first bug, in a real terminal: the live meter draws on every turn, not only the first.
    answers_seen = term.text[:end].split("Listening")[1:]
    assert len(answers_seen) == 3 and all(len(re.findall(r"\r +\d:\d\d\.\d ", a)) >= 5 for a in answers_seen), term.text
    term.send("r")
    end = term.expect(r"Since your last try", after=end)
    end = term.expect(r"\[q\] quit", after=end)
    term.send("q")
    assert term.wait(60) == 0, term.text
    tries = [json.loads(p.read_text()) for p in sorted((private_home / "sessions").glob("*/session.json"))]
    assert len(tries) == 2
    first, second = ([t["line"] for t in s["turns"]] for s in tries)
    assert len(first) == 3 and second == first


@pytest.mark.audio_server
def test_enter_ends_the_answer_without_leaving_the_meter_on_screen(env: dict[str, str]) -> None:
    """The terminal echoed the Enter that ends an answer: a new line under the live meter, which
    then stayed on screen above "Answer ended". Nothing is echoed while listening."""
    term = Terminal(["drill", "--scenario", str(ONE_TURN), "--no-cue", "--answer", ANSWER], env)
    start = term.expect(r"keeps\s+what\s+you\s+said")
    time.sleep(3)  # the meter is drawing
    term.send("\r")
    term.expect(r"Answer ended after [\d.]+ s \(Enter pressed\)", after=start)
    end = term.expect(r"\[q\] quit", after=start)
    term.send("q")
    assert term.wait(60) == 0, term.text
    listening = term.text[start : term.text.index("Answer ended", start)].split("\n", 1)[1]  # after that line
    assert "\n" not in listening, repr(listening)  # the meter redraws in place; nothing moved it down
    assert "4/4" in term.text[:end] or "core elements" in term.text[:end]


@pytest.mark.audio_server
@pytest.mark.slow  # half a minute of real-time drill: `make test-slow`, which CI runs
def test_enter_pressed_while_the_interviewer_speaks_does_not_end_the_answer(env: dict[str, str]) -> None:
    """An Enter typed during the interviewer's line waited in the terminal's input and ended the
    answer as listening began: "Answer ended after 0.0 s (Enter pressed)", nothing recorded."""
    term = Terminal(["drill", "--no-cue", "--scenario", str(ONE_TURN), "--answer", ANSWER], env)
    start = term.expect(r"Interviewer:")
    term.send("\r")  # the line is playing through the server: listening has not begun
    end = term.expect(r"Answer ended after ([\d.]+) s \(([^)]*)\)", after=start)
    ended = re.search(r"Answer ended after ([\d.]+) s \(([^)]*)\)", term.text[start:end])
    assert ended and float(ended[1]) > 10 and "Enter" not in ended[2], term.text
    term.expect(r"\[q\] quit", after=end)
    term.send("q")
    assert term.wait(60) == 0, term.text


@pytest.mark.audio_server
@pytest.mark.slow  # a whole drill for one key (about 16 s): `make test-slow`, which CI runs
def test_ctrl_d_at_the_prompt_after_the_card_quits(env: dict[str, str]) -> None:
    """The prompt reads keys in cbreak mode, where Ctrl-D is a key (\x04), not the end of input:
    it was ignored, and someone used to leaving a program that way sat at the prompt."""
    term = Terminal(["drill", "--fast", "--no-cue", "--scenario", str(ONE_TURN), "--answer", ANSWER], env)
    term.expect(r"\[q\] quit")
    term.send("\x04")
    assert term.wait(60) == 0, term.text
    assert len(sessions(env)) == 1


@pytest.mark.audio_server
@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_a_key_pressed_as_the_card_appears_is_kept_one_pressed_during_the_answer_is_not(env: dict[str, str]) -> None:
    """click.getchar()'s raw mode flushed a key typed before it was reached: a `q` sent as soon as
    the answer ended was lost and the loop waited forever. A key typed while answering (an
    accidental `r`) must not act on the prompt that follows."""
    bye = str(FIXTURES / "turn3_goodbye.flac")
    term = Terminal(["drill", "--fast", "--no-cue", "--scenario", str(ONE_TURN), "--answer", ANSWER], env)
    term.expect(r"Answer ended")
    term.send("q")  # before the card and the prompt are printed
    assert term.wait(60) == 0, term.text
    assert len(sessions(env)) == 1

    term = Terminal(["drill", "--no-cue", "--scenario", str(ONE_TURN), "--answer", bye], env)  # paced: time to type
    term.expect(r"keeps\s+what\s+you\s+said")
    time.sleep(1)
    term.send("r")  # while answering
    end = term.expect(r"\[q\] quit")
    time.sleep(2)
    assert "try 2" not in term.text[end:], term.text
    term.send("q")
    assert term.wait(60) == 0, term.text
    assert len(sessions(env)) == 2
