"""`replay`, `review`, `history` on a damaged store: a corrupt index, a session folder
with files removed, a mangled session.json. One `Error:` line that says what to do."""

from __future__ import annotations

import json
from pathlib import Path

import hostile
import pytest

from conftest import FIXTURES


@pytest.fixture
def one_session(vp, private_home: Path) -> Path:
    r = vp("drill", "--answer", str(FIXTURES / "weak_thanks_only.flac"), "--fast", "--json")
    assert r.code == 0, r.err
    return Path(json.loads(r.out)["folder"])


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
        hostile.assert_one_error_line(r.err, "damaged", "forget")


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
        hostile.assert_one_error_line(r.err, "damaged", "forget")
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
    import shutil
    import sqlite3

    shutil.rmtree(one_session)
    with sqlite3.connect(private_home / "sessions.db") as conn:
        conn.execute("UPDATE sessions SET elements='[1]', score='x', created_at='yesterday'")
    r = vp("history", "--json")
    assert r.code == 0, r.err
    [row] = json.loads(r.out)["sessions"]
    assert row["damaged"] and row["elements"] == {} and row["score"] is None
    assert vp("forget", row["id"]).code == 0
