"""Privacy: the data directory is user-only, no command opens a network connection,
and `forget --all` leaves no audio behind."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import hostile
import pytest

from conftest import FIXTURES

ANSWER = FIXTURES / "strong_close.flac"
AUDIO_SUFFIXES = {".wav", ".pcm", ".flac", ".mp3", ".ogg", ".m4a"}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every attempt to reach another machine is refused and recorded."""
    attempts: list[str] = []

    def refuse(what: str):  # type: ignore[no-untyped-def]
        def blocked(*args, **kwargs):  # type: ignore[no-untyped-def]
            attempts.append(f"{what}{args[1:] if what.startswith('socket.') else args}")
            raise OSError(101, "Network is unreachable (blocked by the test)")

        return blocked

    real_connect = socket.socket.connect

    def connect(self: socket.socket, address, *a, **kw):  # type: ignore[no-untyped-def]
        if self.family == socket.AF_UNIX:  # a local socket (PulseAudio, D-Bus) is not the network
            return real_connect(self, address, *a, **kw)
        attempts.append(f"connect{address}")
        raise OSError(101, "Network is unreachable (blocked by the test)")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket.socket, "sendto", refuse("socket.sendto"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return attempts


def test_no_network_during_any_command(no_network: list[str], vp, tmp_path: Path, private_home: Path) -> None:
    with pytest.raises(OSError), socket.socket() as s:  # the guard itself works
        s.connect(("192.0.2.1", 9))
    assert no_network == ["connect('192.0.2.1', 9)"]
    no_network.clear()
    r = vp("drill", "--answer", str(ANSWER), "--fast", "--json")
    assert r.code == 0, r.err
    sid = json.loads(r.out)["session"]
    for args in (
        ["check", str(ANSWER)],
        ["check", "--text", "Thanks so much for your time, what are the next steps?"],
        ["replay", sid, "--no-audio"],
        ["review", sid],
        ["followup", sid, "--print", "--json"],
        ["history", "--json"],
        ["export", sid, "--format", "json"],
    ):
        r = vp(*args)
        assert r.code == 0, (args, r.err)
    assert no_network == []


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_drill_in_a_namespace_without_network(tmp_path: Path) -> None:
    if not shutil.which("unshare") or os.geteuid() != 0:
        pytest.skip("needs `unshare -n` as root")
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"unshare -n not permitted here: {probe.stderr.strip()}")
    home = tmp_path / "home"
    env = {**os.environ, "VOICEPRACTICE_HOME": str(home)}
    r = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "voicepractice", "drill", "--answer", str(ANSWER), "--fast", "--json"],
        env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["report"]["score"] == 4


def test_everything_is_user_only(vp, tmp_path: Path, private_home: Path) -> None:
    os.umask(0o022)  # a permissive umask must not leak through
    r = vp("drill", "--answer", str(ANSWER), "--fast")
    assert r.code == 0, r.err
    assert vp("review").code == 0
    assert vp("history", "--json").code == 0
    hostile.assert_store_consistent(private_home)  # 0700 folders, 0600 files, all of them
    files = [p for p in private_home.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".wav", ".json", ".db", ".html"}


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_forget_all_leaves_no_audio(vp, tmp_path: Path, private_home: Path) -> None:
    for _ in range(2):
        assert vp("drill", "--answer", str(ANSWER), "--fast").code == 0
    assert vp("review").code == 0
    # A killed drill's staging folder holds audio too.
    staging = private_home / "sessions" / ".incoming-261123-091502-abc"
    staging.mkdir(mode=0o700)
    hostile.write(staging / "answer-1.wav", hostile.read(ANSWER))
    (staging / "answer-2.pcm").write_bytes(b"\0\1" * 16_000)
    r = vp("forget", "--all", "--yes", "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out) == {"forgotten": 2}
    left = [p for p in private_home.rglob("*") if p.is_file()]
    assert [p for p in left if p.suffix in AUDIO_SUFFIXES or p.suffix == ".html"] == []
    assert [p.name for p in left] == ["sessions.db"]
    assert vp("history", "--json").out.count('"id"') == 0
    hostile.assert_store_consistent(private_home)
