"""The session store: atomic sessions, private files, safe ids, recovery after a kill."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import pytest

from voicepractice.audio import write_wav
from voicepractice.drill import recover_session
from voicepractice.errors import StoreError
from voicepractice.records import Delivery, Finding, Report, Transcript, Word
from voicepractice.store import MIGRATIONS, SESSION_ID, Session, Store, TurnRecord, new_session_id, now_iso, write_json


def make_session(sid: str) -> Session:
    transcript = Transcript("Thank you.", (Word("Thank", 0.5, 0.8), Word("you.", 0.8, 1.0)), duration=3.0)
    report = Report(
        findings=(Finding("thanks", "core", True, "Thanks"), Finding("interest", "core", False, "Interest")),
        delivery=Delivery(3.0, 0.5, 2, 120.0, 0, 0.0, 0.0, 0.0),
    )
    return Session(sid, now_iso(), "phone_screen", "complete", (TurnRecord("close", "Any questions?", transcript=transcript),), report)


def store_one(store: Store, sid: str | None = None) -> Session:
    sid = sid or new_session_id()
    staging = store.begin(sid)
    write_wav(staging / "answer-1.wav", np.zeros(1600, np.float32))
    return store.commit(make_session(sid), staging)


def test_round_trip_and_listing(private_home: Path) -> None:
    store = Store()
    saved = store_one(store)
    got = store.get(saved.id)
    assert got.turns[0].transcript == saved.turns[0].transcript
    assert got.report == saved.report
    rows = store.list()
    assert [r["id"] for r in rows] == [saved.id]
    assert rows[0]["elements"] == {"thanks": True, "interest": False}
    assert rows[0]["score"] == 1 and not rows[0]["damaged"]
    assert store.resolve_id(None) == saved.id
    assert store.resolve_id(saved.id[:8]) == saved.id


def test_everything_is_private(private_home: Path) -> None:
    saved = store_one(Store())
    assert stat.S_IMODE(private_home.stat().st_mode) == 0o700
    for p in private_home.rglob("*"):
        want = 0o700 if p.is_dir() else 0o600
        assert stat.S_IMODE(p.stat().st_mode) == want, p
    assert (saved.folder / "session.json").is_file()


@pytest.mark.parametrize("ref", ["../../etc/passwd", "/etc/passwd", "..", "a b", "261123-000000-zzz"])
def test_bad_or_unknown_ids_are_errors(ref: str) -> None:
    store = Store()
    store_one(store)
    with pytest.raises(StoreError):
        store.get(ref)


def test_ids_are_short_and_safe() -> None:
    ids = {new_session_id() for _ in range(200)}
    assert all(SESSION_ID.match(i) and len(i) == 17 for i in ids)


def test_staging_is_invisible_until_commit() -> None:
    store = Store()
    staging = store.begin(new_session_id())
    write_wav(staging / "answer-1.wav", np.zeros(1600, np.float32))
    assert store.list() == []
    with pytest.raises(StoreError):
        store.resolve_id(None)


def test_deleted_files_show_as_damaged() -> None:
    store = Store()
    saved = store_one(store)
    (saved.folder / "session.json").unlink()
    assert store.list()[0]["damaged"] is True
    with pytest.raises(StoreError, match="damaged"):
        store.get(saved.id)


def test_corrupt_index_is_a_clear_error(private_home: Path) -> None:
    store = Store()
    store_one(store)
    (private_home / "sessions.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="damaged"):
        store.list()


def test_killed_drill_is_recovered_with_its_audio() -> None:
    store = Store()
    sid = new_session_id()
    staging = store.begin(sid)
    write_json(staging / "meta.json", {"id": sid, "created_at": now_iso(), "scenario": "phone_screen", "lines": ["Any questions?"], "turn_ids": ["close"]})
    samples = (np.sin(np.arange(16000) / 10) * 8000).astype("<i2")
    (staging / "answer-1.pcm").write_bytes(samples.tobytes() + b"\x01")  # a torn last sample
    recovered = store.tidy(recover=recover_session, min_age_s=0)
    assert recovered == [sid]
    session = store.get(sid)
    assert session.status == "recovered"
    assert (session.folder / "answer-1.wav").is_file()
    assert not list(store.sessions_dir.glob(".incoming-*"))


def test_empty_staging_is_tidied_away() -> None:
    store = Store()
    store.begin(new_session_id())
    assert store.tidy(recover=recover_session, min_age_s=0) == []
    assert not list(store.sessions_dir.glob(".incoming-*"))


def test_migrations_apply_once(private_home: Path) -> None:
    import sqlite3

    store = Store()
    store_one(store)
    store_one(store)
    conn = sqlite3.connect(private_home / "sessions.db")
    assert [r[0] for r in conn.execute("SELECT name FROM migrations")] == [name for name, _ in MIGRATIONS]


def test_session_json_is_plain_json() -> None:
    saved = store_one(Store())
    data = json.loads((saved.folder / "session.json").read_text())
    assert data["id"] == saved.id and data["report"]["elements"]["thanks"]["found"] is True


def test_write_private_replaces_only_a_regular_file(tmp_path: Path) -> None:
    """`--out /dev/stdout` or a FIFO: the rename would put a file in place of the node (as root,
    of /dev/null itself)."""
    import errno
    import os

    from voicepractice.files import write_private

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as caught:
        write_private(fifo, b"page")
    assert caught.value.errno == errno.EEXIST
    assert stat.S_ISFIFO(fifo.stat().st_mode) and not list(tmp_path.glob(".pipe.*"))
    write_private(tmp_path / "page.html", b"page")
    assert (tmp_path / "page.html").read_bytes() == b"page"
    # A link is written through (the rename replaced the link itself, and as root /dev/stdout).
    (tmp_path / "link.html").symlink_to("page.html")
    write_private(tmp_path / "link.html", b"new page")
    assert (tmp_path / "link.html").is_symlink() and (tmp_path / "page.html").read_bytes() == b"new page"
    (tmp_path / "stdout").symlink_to("/dev/stdout")
    for link in (tmp_path / "stdout", Path("/dev/stdout")):
        with pytest.raises(OSError, match="a device or a stream"):
            write_private(link, b"page")
    assert Path("/dev/stdout").is_symlink()
