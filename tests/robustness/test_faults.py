"""Faults during a drill: Ctrl-C, a kill at any moment, the microphone vanishing, the
voice failing, the disk filling up or going read-only. Nothing recorded is lost."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import hostile
import numpy as np
import pytest

from conftest import FIXTURES, shell_signals

ANSWER = FIXTURES / "strong_close.flac"  # 22.75 s, paced in real time


def _background_job_signals() -> None:
    """A child's signals as a script's `voicepractice drill ... &` has them: Ctrl-C ignored."""
    shell_signals()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start_drill(home: Path, *args: str, preexec=shell_signals) -> subprocess.Popen[str]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "VOICEPRACTICE_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "voicepractice", "drill", "--answer", str(ANSWER), "--json", "--seed", "2", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        # A suite started in the background hands its children SIGINT ignored: give the
        # drill the disposition it has in a person's shell, or Ctrl-C never reaches it.
        preexec_fn=preexec,
    )  # fmt: skip


def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the drill")


def _staging(home: Path) -> list[Path]:
    return list((home / "sessions").glob(".incoming-*")) if (home / "sessions").exists() else []


def _spool_bytes(home: Path) -> int:
    return sum(p.stat().st_size for s in _staging(home) for p in s.glob("answer-*.pcm"))


def test_sigint_mid_answer_keeps_the_audio(tmp_path: Path) -> None:
    home = tmp_path / "home"
    drill = _start_drill(home)
    _wait_for(lambda: _spool_bytes(home) > 16_000 * 2 * 4)  # 4 s of the answer heard
    drill.send_signal(signal.SIGINT)
    out, err = drill.communicate(timeout=120)
    assert drill.returncode == 0, err  # an interrupted session that was saved is a success
    assert "Traceback" not in err
    result = json.loads(out)
    assert result["status"] == "interrupted"
    assert result["turns"][-1]["ended_by"] == "interrupted"
    folder = Path(result["folder"])
    audio = hostile.read(folder / result["turns"][-1]["answer_audio"])
    assert 3.5 < audio.size / 16_000 < 20
    assert _staging(home) == []
    hostile.assert_store_consistent(home)


@pytest.mark.parametrize(
    "background",
    [pytest.param(False, id="foreground"), pytest.param(True, id="script-background-job", marks=pytest.mark.slow)],
)
def test_sigterm_mid_answer_scores_and_keeps_it(tmp_path: Path, background: bool) -> None:
    """`kill`, `timeout` or a shutdown: Python's default was to die at once, leaving the answer in a
    staging folder that only the next drill brought back, unscored. A script's background job
    starts with Ctrl-C ignored: SIGTERM still stops it (it used to play the answer to its end)."""
    home = tmp_path / "home"
    drill = _start_drill(home, preexec=_background_job_signals if background else shell_signals)
    _wait_for(lambda: _spool_bytes(home) > 16_000 * 2 * 4)
    drill.send_signal(signal.SIGTERM)
    out, err = drill.communicate(timeout=120)
    assert drill.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    result = json.loads(out)
    assert result["status"] == "interrupted" and result["turns"][-1]["ended_by"] == "interrupted"
    assert result["turns"][-1]["transcript"]["text"].startswith("Thank you")  # decoded and scored
    assert result["report"]["score"] >= 1
    assert any(n.startswith("interrupted by SIGTERM") for n in result["notes"]), result["notes"]  # not "with Ctrl-C"
    assert _staging(home) == []
    hostile.assert_store_consistent(home)


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_the_terminal_closing_mid_answer_scores_and_keeps_it(tmp_path: Path) -> None:
    """The window closed (or the SSH link dropped) while the person spoke: the kernel hangs up the
    terminal and sends SIGHUP. The answer so far is scored and saved, written nowhere on screen."""
    import fcntl
    import pty
    import termios

    home = tmp_path / "home"
    master, slave = pty.openpty()

    def own_terminal() -> None:  # a session of its own with the pty as its controlling terminal
        shell_signals()
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    env = {**os.environ, "VOICEPRACTICE_HOME": str(home), "TERM": "xterm", "COLUMNS": "80"}
    drill = subprocess.Popen(
        [sys.executable, "-m", "voicepractice", "drill", "--no-cue", "--seed", "2", "--answer", str(ANSWER)],
        stdin=slave, stdout=slave, stderr=slave, env=env, preexec_fn=own_terminal,
    )  # fmt: skip
    os.close(slave)
    import select
    import threading

    hang_up = threading.Event()

    def drain() -> None:  # a terminal reads what is written to it: a full pty would block the drill
        with contextlib.suppress(OSError):
            while not hang_up.is_set():
                if select.select([master], [], [], 0.1)[0] and not os.read(master, 4096):
                    return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        _wait_for(lambda: _spool_bytes(home) > 16_000 * 2 * 4)
    finally:
        hang_up.set()
        reader.join()
        os.close(master)  # the hangup
    assert drill.wait(timeout=120) == 128 + signal.SIGHUP
    [session] = _history(home)
    assert session["status"] == "interrupted" and session["score"] >= 1, session
    assert _staging(home) == []
    hostile.assert_store_consistent(home)


def _history(home: Path) -> list[dict]:
    env = {**os.environ, "VOICEPRACTICE_HOME": str(home)}
    r = subprocess.run([sys.executable, "-m", "voicepractice", "history", "--json"],
                       env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["sessions"]


@pytest.mark.parametrize("moment", ["during the interviewer's line", "mid-answer", "after the answer"])
def test_sigkill_leaves_nothing_half_written(moment: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    drill = _start_drill(home, "--silence", "1.0")
    if moment == "during the interviewer's line":
        _wait_for(lambda: any(s.glob("meta.json") for s in _staging(home)))
    elif moment == "mid-answer":
        _wait_for(lambda: _spool_bytes(home) > 16_000 * 2 * 3)
    else:
        _wait_for(lambda: any(s.glob("answer-*.wav") for s in _staging(home)), timeout=90)
    drill.kill()
    drill.wait(timeout=30)
    assert drill.returncode == -signal.SIGKILL
    # Nothing half-written is visible...
    assert _history(home) == []
    staged = _staging(home)
    assert len(staged) == 1
    had_audio = any(staged[0].glob("answer-*"))
    # ...and the next start tidies up (tidy leaves folders younger than 5 s alone).
    old = time.time() - 60
    os.utime(staged[0], (old, old))
    from voicepractice.drill import recover_session
    from voicepractice.store import Store

    recovered = Store(home).tidy(recover=recover_session)
    assert _staging(home) == []
    rows = _history(home)
    if had_audio:
        assert len(recovered) == 1 and [r["status"] for r in rows] == ["recovered"]
        session = hostile.sessions_in(home)[0]
        audio = hostile.read(home / "sessions" / session["id"] / session["turns"][-1]["answer_audio"])
        assert audio.size > 16_000 * 2
    else:
        assert recovered == [] and rows == []
    hostile.assert_store_consistent(home)


def _mic_then_gone(seconds: float, error: type[BaseException]) -> Iterator[np.ndarray]:
    audio = hostile.read(ANSWER)
    for i in range(0, int(seconds * 16_000), 1600):
        yield audio[i : i + 1600]
    raise error("Error querying device -1")


def test_listen_ends_with_what_was_captured_when_the_device_goes() -> None:
    import sounddevice as sd

    from voicepractice.listen import ListenOptions, _DeviceLost, listen

    for err in (_DeviceLost, sd.PortAudioError):
        capture = listen(_mic_then_gone(6.0, err), ListenOptions(enter_ends=False))
        assert capture.ended_by == "device_lost"
        assert capture.audio.size == 60 * 1600


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_microphone_vanishing_mid_drill(vp, private_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sounddevice as sd

    from voicepractice import drill as drill_mod

    monkeypatch.setattr(drill_mod, "microphone_blocks", lambda device: _mic_then_gone(9.0, sd.PortAudioError))
    # The stand-in microphone has no device behind it for the pre-flight check to find.
    monkeypatch.setattr("voicepractice.preflight.check_input", lambda device: None)
    r = vp("drill", "--json", "--seed", "2")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out["status"] == "interrupted"
    assert out["turns"][-1]["ended_by"] == "device_lost"
    assert any("microphone stopped" in n for n in out["notes"])
    audio = hostile.read(Path(out["folder"]) / out["turns"][-1]["answer_audio"])
    assert audio.size == 90 * 1600
    hostile.assert_store_consistent(private_home)


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_tts_failure_falls_back_to_text(vp, private_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from voicepractice import natural, speak
    from voicepractice.errors import SpeechError

    def broken() -> None:
        raise SpeechError("the text-to-speech engine did not start (libespeak-ng.so.1: cannot open)")

    def no_natural(text: str, rate: int) -> None:
        raise SpeechError("the natural voice did not load (onnxruntime missing)")

    monkeypatch.setattr(speak, "_engine", broken)
    monkeypatch.setattr(natural, "synthesize", no_natural)  # no voice at all: neither kind loads
    # The lines are shown on the person's terminal (and only there, so --json 2>file stays clean).
    from rich.console import Console

    monkeypatch.setattr("voicepractice.show.err", Console(stderr=True, force_terminal=True, no_color=True, width=200))
    r = vp("drill", "--answer", str(ANSWER), "--fast", "--json", "--seed", "2")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert any("text-to-speech failed" in n for n in out["notes"])
    assert "text-to-speech failed" in r.err  # the warning, as it happens
    assert out["turns"][-1]["line"] in r.err or out["turns"][-1]["line"][:40] in r.err.replace("\n", " ")
    assert out["turns"][-1]["interviewer_audio"] is None
    assert out["report"]["score"] == 4
    hostile.assert_store_consistent(private_home)


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_tts_failure_with_no_terminal_says_where_the_lines_are(vp, private_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`drill --json 2>log`: nothing but warnings is drawn, so the lines are not "shown as text"; the
    warning says where they are, on one line of the log (not a grid padded to 80 columns)."""
    from voicepractice import natural, speak
    from voicepractice.errors import SpeechError

    def broken(*args: object) -> None:
        raise SpeechError("the text-to-speech engine did not start (libespeak-ng.so.1: cannot open)")

    monkeypatch.setattr(speak, "_engine", broken)
    monkeypatch.setattr(natural, "synthesize", broken)
    from rich.console import Console

    monkeypatch.setattr("voicepractice.show.err", Console(stderr=True, force_terminal=False, width=80))
    r = vp("drill", "--answer", str(ANSWER), "--fast", "--json", "--seed", "2")
    assert r.code == 0, r.err
    notes = json.loads(r.out)["notes"]
    assert any("text-to-speech failed" in n and "saved with its turn" in n for n in notes), notes
    assert not any("shown as text" in n for n in notes), notes
    warning = [ln for ln in r.err.splitlines() if "text-to-speech failed" in ln]
    assert len(warning) == 1 and warning[0].startswith("Warning: ") and warning[0] == warning[0].rstrip(), r.err
    assert "saved with its turn" in warning[0]


# -- the data directory on a full or read-only disk -------------------------------


def _mount(args: list[str]) -> None:
    r = subprocess.run(["mount", *args], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip() or 'mount failed'}): needs root")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 300 KB tmpfs: room for the index and a little more, not for a session."""
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    _mount(["-t", "tmpfs", "-o", "size=300k,mode=0700", "tmpfs", str(disk)])
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _rescued(err: str) -> Path:
    line = hostile.assert_one_error_line(err, "cannot save the session", "free some space")
    assert "your answer is kept in " in line, line
    return Path(line.split("your answer is kept in ")[1].split(";")[0])


def test_full_disk_keeps_the_answer_and_says_where(small_disk: Path, vp, monkeypatch: pytest.MonkeyPatch) -> None:
    home = small_disk / "vp"
    monkeypatch.setenv("VOICEPRACTICE_HOME", str(home))
    r = vp("drill", "--answer", str(ANSWER), "--fast", "--json")
    assert r.code == 1, r.err
    rescue = _rescued(r.err)
    try:
        assert rescue.stat().st_mode & 0o777 == 0o700
        kept = hostile.read(rescue / "answer-1.wav")
        assert kept.size >= hostile.read(ANSWER).size - 16_000  # the whole answer (to the end-of-speech cut)
    finally:
        import shutil

        shutil.rmtree(rescue, ignore_errors=True)
    assert hostile.sessions_in(home) == []
    assert list((home / "sessions").glob(".incoming-*")) == []  # the space is given back
    r = vp("history", "--json")  # the store still works on the full disk
    assert r.code == 0 and json.loads(r.out)["sessions"] == []


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_full_disk_in_process_enospc(vp, private_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same without a mount: every write of the answer fails with ENOSPC."""
    from voicepractice import audio as audio_mod
    from voicepractice import listen as listen_mod

    real = audio_mod.write_wav

    def full(path: Path, audio: np.ndarray, sample_rate: int = 16_000) -> Path:
        if "voicepractice-rescue-" not in str(path):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, audio, sample_rate)

    monkeypatch.setattr(audio_mod, "write_wav", full)
    real_open = open

    def no_spool(file, mode="r", *a, **kw):  # type: ignore[no-untyped-def]
        if str(file).endswith(".pcm"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))
        return real_open(file, mode, *a, **kw)

    monkeypatch.setattr(listen_mod, "open", no_spool, raising=False)
    r = vp("drill", "--answer", str(ANSWER), "--fast")
    assert r.code == 1
    rescue = _rescued(r.err)
    assert "No space left on device" in r.err
    assert hostile.read(rescue / "answer-1.wav").size > 16_000 * 15
    hostile.assert_store_consistent(private_home)


@pytest.fixture
def read_only_home(tmp_path: Path, vp, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data directory holding one session, then remounted read-only."""
    if os.geteuid() != 0:
        pytest.skip("a read-only mount needs root (root ignores chmod 0500)")
    disk = tmp_path / "ro"
    disk.mkdir()
    _mount(["-t", "tmpfs", "-o", "size=20m,mode=0700", "tmpfs", str(disk)])
    try:
        monkeypatch.setenv("VOICEPRACTICE_HOME", str(disk / "vp"))
        r = vp("drill", "--answer", str(FIXTURES / "weak_thanks_only.flac"), "--fast", "--json")
        assert r.code == 0, r.err
        _mount(["-o", "remount,ro", str(disk)])
        yield disk / "vp"
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_read_only_data_dir(read_only_home: Path, vp, tmp_path: Path) -> None:
    r = vp("drill", "--answer", str(ANSWER), "--fast")
    assert r.code == 1
    hostile.assert_one_error_line(r.err, "read-only file system", "VOICEPRACTICE_HOME")
    # Reading still works: history, replay, check.
    r = vp("history", "--json")
    assert r.code == 0, r.err
    assert len(json.loads(r.out)["sessions"]) == 1
    r = vp("replay", "--no-audio")
    assert r.code == 0, r.err
    r = vp("review", "--out", str(tmp_path / "page.html"))
    assert r.code == 0, r.err
    r = vp("review")  # into the session folder: cannot
    assert r.code == 1
    hostile.assert_one_error_line(r.err, "read-only", "--out")
    hostile.assert_store_consistent(read_only_home)


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_ctrl_c_while_the_answer_is_scored_keeps_it(vp, private_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after the answer is heard, while it is decoded and checked: the answer is a session
    (not a folder the next drill recovers), and the person is told where it is."""
    import voicepractice.drill

    def pressed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(voicepractice.drill, "_voice", pressed)  # the last step before the report
    r = vp("drill", "--answer", str(ANSWER), "--fast", "--json")
    assert r.code == 130 and "Traceback" not in r.err
    assert "not yet scored" in r.err
    [row] = _history(private_home)
    assert row["status"] == "interrupted"
    folder = private_home / "sessions" / row["id"]
    assert row["id"] in r.err and "check` on its answer-1.wav" in " ".join(r.err.split())  # what to do with it
    assert hostile.read(folder / "answer-1.wav").size / 16_000 > 20
    stored = json.loads((folder / "session.json").read_text())
    [answer] = [t for t in stored["turns"] if t["answer_audio"]]
    assert "next step" in answer["transcript"]["text"]  # decoded before the press: kept too
    assert _staging(private_home) == []
    hostile.assert_store_consistent(private_home)


def test_a_second_ctrl_c_does_not_stop_a_session_being_written() -> None:
    from voicepractice.stop import shielded

    before = signal.getsignal(signal.SIGINT)
    with shielded():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # delivered and handled (ignored) here, not after the block
    assert signal.getsignal(signal.SIGINT) is before
