"""`replay`, `review`, `history` on a damaged store: a corrupt index, a session folder
with files removed, a mangled session.json. One `Error:` line that says what to do."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import hostile
import pytest

from conftest import FIXTURES, cli


@pytest.fixture(scope="module")
def drilled_once(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> tuple[Path, str]:
    """A store holding one real drill (the model on a fixture), made once for the module: each
    test damages its own copy (``one_session``), as a drill per test cost about 3 s each."""
    home = tmp_path_factory.mktemp("one-session")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VOICEPRACTICE_HOME", str(home))
        mp.setenv("VOICEPRACTICE_CACHE", str(shared_cache))
        for var in ("VOICEPRACTICE_MODEL", "VOICEPRACTICE_INPUT", "VOICEPRACTICE_OUTPUT"):
            mp.delenv(var, raising=False)
        code, out, err = cli("drill", "--answer", str(FIXTURES / "weak_thanks_only.flac"), "--fast", "--json")
    assert code == 0, err
    return home, json.loads(out)["session"]


@pytest.fixture
def one_session(drilled_once: tuple[Path, str], private_home: Path) -> Path:
    """This test's copy of the drilled store, in its own data directory: the session's folder."""
    home, session = drilled_once
    shutil.copytree(home, private_home)
    return private_home / "sessions" / session


def test_corrupt_index(one_session: Path, vp, private_home: Path) -> None:
    db = private_home / "sessions.db"
    db.write_bytes(b"SQLite format 3\0" + bytes(range(256)) * 20)
    for args in (["history"], ["replay", "--no-audio"], ["review"], ["drill", "--answer", str(FIXTURES / "weak_thanks_only.flac"), "--fast"]):
        r = vp(*args)
        assert r.code == 1, (args, r.out, r.err)
        hostile.assert_one_error_line(r.err, "damaged", "history --rebuild")
    # The way out the message names works, and loses nothing.
    db.rename(private_home / "sessions.db.bad")
    r = vp("history", "--rebuild", "--json")
    assert r.code == 0, r.err
    assert [s["id"] for s in json.loads(r.out)["sessions"]] == [one_session.name]
    hostile.assert_store_consistent(private_home)


def test_random_bytes_as_index(one_session: Path, vp, private_home: Path) -> None:
    (private_home / "sessions.db").write_bytes(b"\x00garbage" * 500)
    r = vp("history")
    assert r.code == 1
    hostile.assert_one_error_line(r.err, "damaged", "history --rebuild")


def test_session_json_removed(one_session: Path, vp, private_home: Path) -> None:
    (one_session / "session.json").unlink()
    r = vp("history", "--json")
    assert r.code == 0 and json.loads(r.out)["sessions"][0]["damaged"]
    for args in (["replay", "--no-audio"], ["review"], ["followup", "--print"]):
        r = vp(*args)
        assert r.code == 1, (args, r.err)
        hostile.assert_one_error_line(r.err, "damaged", "missing")
    r = vp("forget", one_session.name)
    assert r.code == 0, r.err
    hostile.assert_store_consistent(private_home)


def test_session_json_mangled(one_session: Path, vp) -> None:
    (one_session / "session.json").write_text('{"id": "x", "turns": [')
    for args in (["replay", "--no-audio"], ["review"]):
        r = vp(*args)
        assert r.code == 1, (args, r.err)
        # The answer is still there: never the advice to forget (delete) it.
        line = hostile.assert_one_error_line(r.err, "damaged", "recording is intact", "answer-1.wav")
        assert "forget" not in line, line


@pytest.mark.parametrize("removed", ["answer-1.wav", "interviewer-1.wav", "all audio"])
def test_audio_removed(removed: str, one_session: Path, vp, tmp_path: Path) -> None:
    victims = list(one_session.glob("*.wav")) if removed == "all audio" else [one_session / removed]
    for v in victims:
        v.unlink()
    r = vp("replay", "--no-audio")
    assert r.code == 0, r.err  # the transcript and findings are still there
    assert "Traceback" not in r.err
    r = vp("review", "--out", str(tmp_path / "page.html"))
    assert r.code == 0, r.err
    assert (tmp_path / "page.html").stat().st_size > 1000
    r = vp("replay")  # with audio: says the audio is gone rather than crashing
    assert "Traceback" not in r.err
    if r.code:
        hostile.assert_one_error_line(r.err)


def test_staging_folder_left_behind_is_not_a_session(one_session: Path, vp, private_home: Path) -> None:
    (private_home / "sessions" / ".incoming-261123-091502-zzz").mkdir(mode=0o700)
    r = vp("history", "--json")
    assert [s["id"] for s in json.loads(r.out)["sessions"]] == [one_session.name]
    r = vp("replay", ".incoming-261123-091502-zzz", "--no-audio")
    assert r.code == 1
    hostile.assert_one_error_line(r.err, "not a session id")


EDITS = {
    "turns not tables": lambda d: d.update(turns=["x"]),
    "report not a table": lambda d: d.update(report="bad"),
    "transcript not a table": lambda d: d["turns"][0].update(transcript="oops"),
    "created_at not a time": lambda d: d.update(created_at="yesterday"),
    "audio outside the folder": lambda d: d["turns"][0].update(answer_audio="/etc/passwd"),
    "audio up a folder": lambda d: d["turns"][0].update(answer_audio="../answer-1.wav"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_session_json_of_the_wrong_shape(edit: str, one_session: Path, vp, tmp_path: Path) -> None:
    """A hand-edited session.json that is still JSON: damaged, said in one line; never a path
    outside the session folder played, exported or put into a page."""
    data = json.loads((one_session / "session.json").read_text())
    EDITS[edit](data)
    (one_session / "session.json").write_text(json.dumps(data))
    for args in (["export"], ["replay", "--no-audio"], ["review", "--out", str(tmp_path / "r.html")], ["followup", "--print"]):
        r = vp(*args)
        assert r.code == 1, (args, r.err)
        line = hostile.assert_one_error_line(r.err, "damaged", "recording is intact")
        assert "forget" not in line, line
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("cell", ["elements='{bad'", "elements='[1,2]'", "duration_s='abc'", "score='x'", "created_at='yesterday'"])
def test_a_damaged_index_row_is_made_again_from_its_folder(cell: str, one_session: Path, vp, private_home: Path) -> None:
    import sqlite3

    good = json.loads(vp("history", "--json").out)["sessions"]
    with sqlite3.connect(private_home / "sessions.db") as conn:
        conn.execute(f"UPDATE sessions SET {cell}")
    for args in (["history"], ["history", "--json"], ["export", "-f", "json"]):
        r = vp(*args)
        assert r.code == 0, (args, r.err)
    assert json.loads(vp("history", "--json").out)["sessions"] == good


def test_a_damaged_row_without_a_folder_still_lists(one_session: Path, vp, private_home: Path) -> None:
    import sqlite3

    shutil.rmtree(one_session)
    with sqlite3.connect(private_home / "sessions.db") as conn:
        conn.execute("UPDATE sessions SET elements='[1]', score='x', created_at='yesterday'")
    r = vp("history", "--json")
    assert r.code == 0, r.err
    [row] = json.loads(r.out)["sessions"]
    assert row["damaged"] and row["elements"] == {} and row["score"] is None
    assert vp("forget", row["id"]).code == 0


# -- sessions built through the store (no drill: fast) ---------------------------------------------


def _stored(sid: str, created_at: str = "2026-12-01T09:00:00+00:00") -> Path:
    """A complete one-turn session with its answer recorded, as the drill commits one; its folder."""
    import numpy as np

    from voicepractice.audio import write_wav
    from voicepractice.records import Delivery, Finding, Report, Transcript, Word
    from voicepractice.store import Session, Store, TurnRecord

    words = (Word("Thank", 0.5, 0.8), Word("you", 0.8, 1.0), Word("so", 1.0, 1.2), Word("much.", 1.2, 1.5))
    turn = TurnRecord("close", "Any questions?", answer_audio="answer-1.wav", transcript=Transcript("Thank you so much.", words, duration=2.0))
    report = Report((Finding("thanks", "core", True, "Thanks"),), Delivery(2.0, 1.0, 4, 240.0, 0, 0.0, 0.0, 0.0))
    store = Store()
    staging = store.begin(sid)
    write_wav(staging / "answer-1.wav", np.zeros(32000, np.float32))
    saved = store.commit(Session(sid, created_at, "phone_screen", "complete", (turn,), report), staging)
    assert saved.folder is not None
    return saved.folder


def _edit(folder: Path, change) -> None:
    data = json.loads((folder / "session.json").read_text())
    change(data)
    (folder / "session.json").write_text(json.dumps(data))


def test_a_byte_order_mark_is_read(vp) -> None:
    """Windows Notepad saves a hand edit with a UTF-8 BOM in front: still the same session."""
    folder = _stored("261201-090000-bom")
    (folder / "session.json").write_bytes(b"\xef\xbb\xbf" + (folder / "session.json").read_bytes())
    for args in (["export", folder.name], ["replay", "--no-audio", folder.name]):
        r = vp(*args)
        assert r.code == 0, (args, r.err)
    assert vp("history", "--rebuild", "--json").code == 0


def test_a_damaged_session_json_never_says_forget_while_the_answer_is_there(vp) -> None:
    folder = _stored("261201-090000-cut")
    text = (folder / "session.json").read_text()
    (folder / "session.json").write_text(text[:300])  # truncated: a full disk, a copy cut short
    r = vp("export", folder.name)
    assert r.code == 1
    line = hostile.assert_one_error_line(r.err, "damaged", "recording is intact", "answer-1.wav", "restore it from a backup")
    assert "forget" not in line, line
    assert (folder / "answer-1.wav").is_file()
    # With no answer left, there is nothing to lose: forgetting it is the way out.
    (folder / "answer-1.wav").unlink()
    r = vp("export", folder.name)
    assert r.code == 1
    hostile.assert_one_error_line(r.err, "damaged", f"voicepractice forget {folder.name}")


def _unreadable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """What a session folder made mode 000 does (as root, chmod does not stop a read): everything
    inside it raises PermissionError; the folder itself can still be looked at from outside."""
    stat, open_ = Path.stat, Path.open

    def denied(path: Path) -> None:
        if folder in path.parents:
            raise PermissionError(13, "Permission denied", str(path))

    def fake_stat(self: Path, *args, **kwargs):
        denied(self)
        return stat(self, *args, **kwargs)

    def fake_open(self: Path, *args, **kwargs):
        denied(self)
        return open_(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", fake_stat)
    monkeypatch.setattr(Path, "open", fake_open)


def test_an_unreadable_session_is_said_to_be_one(vp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission denied is a permission problem, not a damaged session to forget; the other
    sessions are listed as before."""
    locked = _stored("261201-090000-aaa")
    fine = _stored("261202-090000-bbb", "2026-12-02T09:00:00+00:00")
    _unreadable(monkeypatch, locked)
    for args in (["replay", "--no-audio", locked.name], ["export", locked.name], ["review", locked.name]):
        r = vp(*args)
        assert r.code == 1, (args, r.err)
        line = hostile.assert_one_error_line(r.err, "cannot read", "permissions")
        assert "damaged" not in line and "forget" not in line, line
    for args in (["history", "--json"], ["history", "--rebuild", "--json"]):
        r = vp(*args)
        assert r.code == 0, (args, r.err)
        rows = {row["id"]: row for row in json.loads(r.out)["sessions"]}
        assert rows[locked.name]["damaged"] and not rows[fine.name]["damaged"], rows
    assert vp("history").code == 0
    assert vp("export", fine.name).code == 0


# The oldest session was recorded in Tokyo, the newest one after flying to California: as text
# the older one sorted last, and --since in UTC left the newer one out.
OLDEST, NEWEST = ("261207-103853-tyo", "2026-12-07T10:38:53+09:00"), ("261206-173931-sfo", "2026-12-06T17:39:31-08:00")


def test_latest_and_since_go_by_the_instant_not_the_text(vp) -> None:
    from voicepractice.review import previous_attempt
    from voicepractice.store import Store

    for sid, created_at in (OLDEST, NEWEST):
        _stored(sid, created_at)
    assert vp("history", "--rebuild").code == 0
    assert json.loads(vp("export", "-f", "json").out)["id"] == NEWEST[0]  # latest, the default
    r = vp("history", "--json")
    assert [s["id"] for s in json.loads(r.out)["sessions"]] == [NEWEST[0], OLDEST[0]]
    r = vp("history", "--since", "2026-12-07T01:39:00+00:00", "--json")
    assert [s["id"] for s in json.loads(r.out)["sessions"]] == [NEWEST[0]]
    store = Store()
    previous = previous_attempt(store, store.get(NEWEST[0]))
    assert previous is not None and previous.id == OLDEST[0]
    assert previous_attempt(store, store.get(OLDEST[0])) is None


def test_an_index_from_an_older_version_is_ordered_by_the_instant(vp, private_home: Path) -> None:
    """The index as the versions before kept it (created_at alone) is migrated, rows without a folder too."""
    import shutil
    import sqlite3

    from voicepractice.store import MIGRATIONS, Store

    for sid, created_at in (OLDEST, NEWEST):
        _stored(sid, created_at)
    shutil.rmtree(private_home / "sessions" / OLDEST[0])  # a damaged session: only its row is left
    (private_home / "sessions.db").unlink()
    with sqlite3.connect(private_home / "sessions.db") as conn:
        conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        for name, sql in MIGRATIONS[:4]:  # up to 0004_not_english
            conn.executescript(sql)
            conn.execute("INSERT INTO migrations VALUES (?, '2026-11-01T09:00:00+00:00')", (name,))
        for sid, created_at in (OLDEST, NEWEST):
            conn.execute("INSERT INTO sessions (id, created_at, scenario, status) VALUES (?, ?, 'phone_screen', 'complete')", (sid, created_at))
    assert [r["id"] for r in Store().list()] == [NEWEST[0], OLDEST[0]]
    assert Store().resolve_id(None) == NEWEST[0]


def test_a_word_time_that_is_not_a_number_is_a_damaged_session(vp, tmp_path: Path) -> None:
    """A hand edit ("start": "abc") was an unexpected TypeError in replay, review and subtitles.
    It reads as damaged, naming the word, so it can be put right; nothing is dropped silently."""
    folder = _stored("261201-090000-abc")
    for bad in ("abc", float("nan"), float("inf"), True):
        _edit(folder, lambda d, bad=bad: d["turns"][0]["transcript"]["words"][3].update(start=bad))
        for args in (["replay", "--no-audio"], ["review", "--out", str(tmp_path / "r.html")], ["export", "-f", "vtt"], ["export", "-f", "json"]):
            r = vp(*args)
            assert r.code == 1, (bad, args, r.err)
            line = hostile.assert_one_error_line(r.err, "damaged", "word 4", "not a number of seconds", "recording is intact")
            assert "forget" not in line, line
    assert not (tmp_path / "r.html").exists()


def test_exported_json_is_strict_json(vp) -> None:
    """NaN and Infinity (a figure that could not be computed) are not JSON: they are exported as null."""
    folder = _stored("261201-090000-nan")
    _edit(folder, lambda d: (d["timings"].update(transcribe=float("nan")), d["report"]["delivery"].update(words_per_minute=float("inf"))))

    def strict(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    r = vp("export", "-f", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out, parse_constant=strict)
    assert data["timings"]["transcribe"] is None and data["report"]["delivery"]["words_per_minute"] is None


def _sessions_dir_read_only(monkeypatch: pytest.MonkeyPatch, sessions: Path) -> None:
    """What a sessions/ folder the user cannot write does (root ignores its mode): nothing in it can
    be renamed or removed, while the files inside a session folder still can."""
    import os

    rename, rmdir = os.rename, os.rmdir

    def denied(path, *args, **kwargs) -> None:
        if Path(path).parent == sessions and "dir_fd" not in kwargs:
            raise PermissionError(13, "Permission denied", str(path))

    def fake_rename(src, dst, *args, **kwargs):
        denied(src, **kwargs)
        return rename(src, dst, *args, **kwargs)

    def fake_rmdir(path, *args, **kwargs):
        denied(path, **kwargs)
        return rmdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "rename", fake_rename)
    monkeypatch.setattr(os, "rmdir", fake_rmdir)


def test_forget_is_all_or_nothing(vp, monkeypatch: pytest.MonkeyPatch, private_home: Path) -> None:
    """A forget that cannot finish deletes nothing: deleting file by file, it left the session
    without its answer and session.json, listed as damaged."""
    folder = _stored("261201-090000-fgt")
    files = sorted(p.name for p in folder.iterdir())
    with monkeypatch.context() as mp:
        _sessions_dir_read_only(mp, private_home / "sessions")
        r = vp("forget", folder.name)
        assert r.code == 1
        hostile.assert_one_error_line(r.err, "nothing was deleted", "permissions")
    assert sorted(p.name for p in folder.iterdir()) == files
    [row] = json.loads(vp("history", "--json").out)["sessions"]
    assert not row["damaged"]
    assert vp("export", folder.name).code == 0
    # An index that cannot be written after the folder was set aside: the folder is put back.
    with monkeypatch.context() as mp:
        from voicepractice.errors import StoreError
        from voicepractice.store import Store

        def broken(self: Store):
            raise StoreError("the session index is damaged")

        mp.setattr(Store, "_db", broken)
        assert vp("forget", folder.name).code == 1
    assert sorted(p.name for p in folder.iterdir()) == files
    # Once it can, it forgets the session whole, and leaves no hidden folder behind.
    assert vp("forget", folder.name).code == 0
    assert list((private_home / "sessions").iterdir()) == []
    hostile.assert_store_consistent(private_home)


def test_forget_into_a_full_output_says_the_session_is_gone(private_home: Path) -> None:
    """`forget S > /dev/full`: the session is deleted before the output fails; the error alone read as
    if nothing had happened."""
    import subprocess
    import sys

    folder = _stored("261201-090000-ful")
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "voicepractice", "forget", "--yes", folder.name], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 1
    assert f"Forgot session {folder.name}." in r.stderr
    hostile.assert_one_error_line(r.stderr, "cannot write")
    assert not folder.exists()
