"""`history`: every session shows its status, only real attempts make the trend, ids are never cut."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from voicepractice.check import check
from voicepractice.records import Transcript, Word
from voicepractice.store import Session, Store, TurnRecord

from conftest import terminal_trend

T0 = datetime(2026, 11, 23, 9, 15, tzinfo=UTC)
CLOSE = "Thank you so much. I'm very excited about the role. What are the next steps?"


def _timed(text: str) -> Transcript:
    words = tuple(Word(w, start=0.5 * i, end=0.5 * i + 0.4, probability=0.9) for i, w in enumerate(text.split()))
    return Transcript(text=text, words=words, duration=0.5 * len(words) + 1.0)


def _store(n: int, status: str, transcript: Transcript | None, suffix: str, scenario: str = "phone_screen") -> str:
    store = Store()
    sid = (T0 + timedelta(minutes=n)).strftime("%y%m%d-%H%M%S") + f"-{suffix}"
    staging = store.begin(sid)
    turns = (TurnRecord("close", "Any questions?", transcript=transcript),) if transcript else ()
    report = check(list(t.transcript for t in turns if t.transcript) or [Transcript(text="", duration=20.0)])
    created = (T0 + timedelta(minutes=n)).isoformat()
    store.commit(Session(sid, created, scenario, status, turns, report), staging)
    return sid


@pytest.fixture
def mixed() -> dict[str, str]:
    """Two real attempts and one of each kind that is not one, oldest first."""
    return {
        "good1": _store(0, "complete", _timed(CLOSE), "aaa"),
        "interrupted": _store(1, "interrupted", _timed("Thank"), "bbb"),
        "silent": _store(2, "complete", Transcript(text="", duration=20.0), "ccc"),
        "empty": _store(3, "complete", None, "ddd"),
        "good2": _store(4, "complete", _timed("Thanks so much, bye."), "eee"),
    }


def test_status_is_shown_and_only_real_attempts_make_the_trend(vp, mixed: dict[str, str]) -> None:
    h = json.loads(vp("history", "--json").out)
    t = h["trend"]
    assert t["sessions"] == 2
    assert [s["id"] for s in t["series"]] == [mixed["good1"], mixed["good2"]]
    assert t["left_out"] == {"interrupted": 1, "silent": 1, "empty": 1}
    assert t["elements"]["thanks"] == {"hit": 2, "of": 2}
    r = vp("history")
    rows = {line.split("\t")[0]: line.split("\t") for line in r.out.splitlines() if "\t" in line}
    assert rows[mixed["interrupted"]][3] == "interrupted"
    assert rows[mixed["silent"]][3] == "no speech"
    assert rows[mixed["empty"]][3] == "empty"
    assert rows[mixed["good1"]][3] == "complete"
    # Piped, stdout is the data alone (`history | cut -f1`); the trend is for a terminal.
    assert all("\t" in line for line in r.out.splitlines()) and "Trend" not in r.out + r.err
    text = terminal_trend()
    assert "Trend over the last 2 complete sessions, oldest" in text and "(s)" not in text
    assert "Left out (not real attempts): 1 empty, 1 interrupted, 1 no speech." in text
    # A part of the history with no complete session in it: none "among these", not none "yet".
    from voicepractice.cli_sessions import _trend_text
    from voicepractice.trend import trend

    part = Store().list(limit=50)[1:4]  # empty, no speech, interrupted
    assert _trend_text(trend(part), every=False).plain.strip().startswith("No complete sessions among these")


def test_an_answer_in_another_language_is_not_english_not_no_speech(vp) -> None:
    """A German answer is kept (language "unknown", words and all) and scored nothing: history said "no speech"."""
    german = _timed("Vielen Dank für Ihre Zeit. Wie geht es jetzt weiter?")
    german = Transcript(text=german.text, words=german.words, duration=german.duration, language="unknown")
    ids = {"good": _store(0, "complete", _timed(CLOSE), "aaa"), "german": _store(1, "complete", german, "bbb"),
           "silent": _store(2, "complete", Transcript(text="", duration=20.0), "ccc")}
    h = json.loads(vp("history", "--json").out)
    assert h["trend"]["sessions"] == 1 and h["trend"]["left_out"] == {"not_english": 1, "silent": 1}
    rows = {line.split("\t")[0]: line.split("\t") for line in vp("history").out.splitlines() if "\t" in line}
    assert rows[ids["german"]][3] == "not English" and rows[ids["silent"]][3] == "no speech"


def test_piped_history_is_tab_separated_with_whole_ids(vp, mixed: dict[str, str]) -> None:
    r = vp("history")
    lines = r.out.splitlines()
    assert lines[0].split("\t")[:4] == ["session", "date", "scenario", "status"]
    ids = [line.split("\t")[0] for line in lines[1:6]]
    assert ids == list(reversed(mixed.values()))  # whole, copyable, newest first
    assert all(len(line.split("\t")) == 9 for line in lines[:6])


def _pty_run(args: list[str], env: dict[str, str], columns: int = 80) -> str:
    import fcntl
    import struct
    import termios

    main, sub = pty.openpty()
    fcntl.ioctl(sub, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    proc = subprocess.Popen(args, stdin=sub, stdout=sub, stderr=sub, env=env, close_fds=True)
    os.close(sub)
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_history_in_an_80_column_terminal_keeps_ids_whole(mixed: dict[str, str], private_home: Path) -> None:
    _store(5, "complete", _timed(CLOSE), "fff", "technical_screen")  # the longest shipped scenario name
    env = {**os.environ, "VOICEPRACTICE_HOME": str(private_home), "NO_COLOR": "1", "COLUMNS": "80", "TERM": "xterm"}
    screen = re.sub(r"\x1b\[[0-9;]*m", "", _pty_run([sys.executable, "-m", "voicepractice", "history"], env))
    assert "\t" not in screen  # a table for people on a terminal
    for sid in mixed.values():
        assert sid in screen, screen
    row = next(line for line in screen.splitlines() if line.startswith(mixed["interrupted"]))
    assert "interrupted" in row
    assert max(len(line.rstrip()) for line in screen.splitlines()) <= 80
    assert screen.splitlines()[0].rstrip().endswith("fillers")  # every column, whole: the scenario gives way
    assert "Left out (not real attempts): 1 empty, 1 interrupted, 1 no speech." in screen


def test_an_answer_with_no_english_is_not_coached_after_the_drill_either(vp, tmp_path: Path) -> None:
    """The card said "nothing to score or fix"; replay, export and the review page still listed
    four ✗ with coaching ("Say plainly that you want this job") on silence or French."""
    french = Transcript(text="Merci beaucoup, au revoir.", duration=4.0, language="unknown")
    for sid in (_store(0, "complete", french, "fre"), _store(1, "complete", Transcript(text="", duration=20.0), "sil")):
        coaching = [f.coaching for f in Store().get(sid).report.core if f.coaching]  # type: ignore[union-attr]
        assert coaching
        page = tmp_path / f"{sid}.html"
        assert vp("review", sid, "--out", str(page)).code == 0
        assert "not scored" in page.read_text() and 'class="chips"' not in page.read_text()  # no four red ✗
        for shown in (vp("export", sid, "-f", "md").out, vp("replay", sid, "--no-audio").out, page.read_text()):
            flat = " ".join(shown.split())
            assert "so there is nothing to score or fix." in flat and not any(c in flat for c in coaching), (sid, flat[:400])
            assert flat.count("heard in the answer") == 1 and "0/4" not in flat and "not scored" in flat, flat
    good = _store(2, "complete", _timed(CLOSE), "eng")
    assert "nothing to score or fix" not in vp("export", good, "-f", "md").out
