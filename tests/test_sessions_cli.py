"""Looking back at sessions made by real drills: history, replay --no-audio, review, export, forget.

The drills run once per module (the real model on the audio fixtures); tests that
change the store work on a copy of it.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import shutil
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from voicepractice.records import Delivery, Evidence, Finding, Report, Transcript, Word
from voicepractice.replay import PlayerState, build_timeline
from voicepractice.store import Session, Store, TurnRecord, new_session_id, now_iso, write_json
from voicepractice.trend import parse_since, sparkline

from conftest import copy_store, terminal_trend

CORE = ("interest", "qualifications", "next_steps", "thanks")



@pytest.fixture(scope="module")
def drilled(tmp_path_factory: pytest.TempPathFactory, drilled_store: dict[str, Any]) -> dict[str, Any]:
    """Three real drills, oldest first: a strong close, one missing next steps, and a two-answer drill
    (conftest's ``drilled_store``, run once for the whole run), in this module's own copy of the store."""
    return copy_store(drilled_store, tmp_path_factory.mktemp("vphome") / "home")


@pytest.fixture
def home(drilled: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The drilled store, read-only use."""
    monkeypatch.setenv("VOICEPRACTICE_HOME", str(drilled["home"]))
    return Path(drilled["home"])


@pytest.fixture
def scratch(drilled: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the drilled store that a test may damage or empty."""
    copy = tmp_path / "copy"
    shutil.copytree(drilled["home"], copy)
    for p in copy.rglob("review.html"):
        p.unlink()
    monkeypatch.setenv("VOICEPRACTICE_HOME", str(copy))
    return copy


def error_line(r: Any) -> str:
    lines = r.err.strip().splitlines()
    assert r.code == 1, r
    assert len(lines) == 1 and lines[0].startswith("Error: "), r.err
    return lines[0]


# --- history ---------------------------------------------------------------------------


def test_history_table_newest_first_with_trend(vp, home: Path, drilled: dict[str, Any]) -> None:
    r = vp("history")
    assert r.code == 0, r.err
    ids = [drilled[k]["session"] for k in ("two_turns", "no_next", "strong")]
    positions = [r.out.index(i) for i in ids]
    assert positions == sorted(positions)  # newest first
    no_next_row = next(
        line for line in r.out.splitlines() if line.startswith(drilled["no_next"]["session"])
    )
    assert "✓ ✓ ✗ ✓" in no_next_row and "3/4" in no_next_row
    strong_row = next(
        line for line in r.out.splitlines() if line.startswith(drilled["strong"]["session"])
    )
    assert "✓ ✓ ✓ ✓" in strong_row and "4/4" in strong_row
    assert "Trend" not in r.out  # piped: the table alone (the trend goes to a terminal)
    thanks = sum(
        drilled[k]["report"]["elements"]["thanks"]["found"]
        for k in ("strong", "no_next", "two_turns")
    )
    text = terminal_trend()
    assert "Trend over the last 3" in text
    assert re.search(rf"Thanks\s+[█░]{{10}} {thanks}/3", text)
    assert re.search(r"Words/min\s+[▁▂▃▄▅▆▇█]{3}", text)


def test_history_json_and_filters(vp, home: Path, drilled: dict[str, Any]) -> None:
    h = json.loads(vp("history", "--json").out)
    assert [s["id"] for s in h["sessions"]] == [
        drilled[k]["session"] for k in ("two_turns", "no_next", "strong")
    ]
    t = h["trend"]
    assert t["sessions"] == 3
    expected = {
        k: sum(
            drilled[d]["report"]["elements"][k]["found"] for d in ("strong", "no_next", "two_turns")
        )
        for k in CORE
    }
    assert {k: v["hit"] for k, v in t["elements"].items()} == expected
    assert [s["id"] for s in t["series"]] == [
        drilled[k]["session"] for k in ("strong", "no_next", "two_turns")
    ]  # oldest first
    assert all(s["words_per_minute"] and s["fillers_per_minute"] is not None for s in t["series"])

    assert [
        s["id"] for s in json.loads(vp("history", "--json", "--limit", "1").out)["sessions"]
    ] == [drilled["two_turns"]["session"]]
    assert len(json.loads(vp("history", "--json", "--since", "7d").out)["sessions"]) == 3
    tomorrow = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%d")
    assert json.loads(vp("history", "--json", "--since", tomorrow).out)["sessions"] == []
    assert (
        len(
            json.loads(vp("history", "--json", "--scenario", drilled["strong"]["scenario"]).out)[
                "sessions"
            ]
        )
        == 3
    )
    assert (
        json.loads(vp("history", "--json", "--scenario", "no_such_scenario").out)["sessions"] == []
    )
    assert "No sessions match" in vp("history", "--scenario", "no_such_scenario").out
    bad = vp("history", "--since", "last tuesday")  # a bad option value: a usage error, as for every option
    assert bad.code == 2 and bad.err.count("\n") == 1 and "'--since': 'last tuesday' is not a date" in bad.err, bad


def test_history_plot_needs_matplotlib_or_writes_png(vp, home: Path, tmp_path: Path) -> None:
    r = vp("history", "--plot", str(tmp_path / "trend.png"))
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "matplotlib" in error_line(r)
        return
    assert r.code == 0, r.err
    assert (tmp_path / "trend.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_history_plot_takes_png_svg_pdf_and_names_the_file_written(vp, home: Path, tmp_path: Path) -> None:
    r = vp("history", "--plot", str(tmp_path / "trend.txt"))
    assert r.code == 1 and error_line(r) == f"Error: --plot {tmp_path / 'trend.txt'}: a chart is written as .png, .svg, .pdf, not .txt"
    assert not (tmp_path / "trend.txt").exists()
    pytest.importorskip("matplotlib")
    r = vp("history", "--plot", str(tmp_path / "trend"))
    assert r.code == 0 and f"Chart written to {tmp_path / 'trend.png'}" in r.err
    assert (tmp_path / "trend.png").is_file()
    assert vp("history", "--plot", str(tmp_path / "trend.svg")).code == 0
    assert (tmp_path / "trend.svg").read_text().lstrip().startswith("<?xml")
    r = vp("history", "--plot", "")  # was "unexpected ValueError: PosixPath('.') has an empty name"
    assert r.code == 1 and error_line(r) == "Error: --plot needs a file name for the chart, such as trend.png", r.err
    older = tmp_path / "older.pdf"
    older.write_bytes(b"someone else's")
    older.chmod(0o644)
    assert vp("history", "--plot", str(older)).code == 0
    assert older.read_bytes().startswith(b"%PDF") and older.stat().st_mode & 0o777 == 0o600


def test_parse_since() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert parse_since("7d", now).startswith("2026-11-16T12:00:00")
    assert parse_since("12h", now).startswith("2026-11-23T00:00:00")
    assert parse_since("2w", now).startswith("2026-11-09")
    assert parse_since("2026-11-01", now) == "2026-11-01T00:00:00+00:00"
    assert parse_since("today", now) == "2026-11-23T00:00:00+00:00"


def test_sparkline() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([5, None, 5]) == "▅ ▅"
    assert sparkline([]) == ""


# --- store abuse -------------------------------------------------------------------------


def test_session_deleted_by_hand_shows_as_damaged(
    vp, scratch: Path, drilled: dict[str, Any]
) -> None:
    sid = drilled["no_next"]["session"]
    shutil.rmtree(scratch / "sessions" / sid)
    r = vp("history")
    assert r.code == 0, r.err
    row = next(line for line in r.out.splitlines() if line.startswith(sid))
    assert "damaged" in row
    rows = json.loads(vp("history", "--json").out)["sessions"]
    assert [x["damaged"] for x in rows] == [False, True, False]
    assert json.loads(vp("history", "--json").out)["trend"]["sessions"] == 2
    for cmd in (("replay", sid, "--no-audio"), ("review", sid), ("export", sid)):
        assert "damaged" in error_line(vp(*cmd))
    r = vp("forget", sid)
    assert r.code == 0, r.err
    assert sid not in vp("history").out


def test_half_written_session_is_never_listed(vp, scratch: Path) -> None:
    store = Store()
    staging = store.begin(new_session_id())
    write_json(staging / "session.json", {"id": staging.name, "created_at": now_iso(), "turns": []})
    assert len(json.loads(vp("history", "--json").out)["sessions"]) == 3
    assert "not a session id" in error_line(vp("replay", staging.name, "--no-audio"))


def test_session_whose_row_was_lost_is_indexed_again(
    vp, scratch: Path, drilled: dict[str, Any]
) -> None:
    # A kill between the folder's rename and the row's insert: the folder is complete, the row missing.
    sid = drilled["strong"]["session"]
    with sqlite3.connect(scratch / "sessions.db") as conn:
        conn.execute("DELETE FROM sessions WHERE id=?", (sid,))
    assert sid in [s["id"] for s in json.loads(vp("history", "--json").out)["sessions"]]


def test_history_rebuild_after_the_index_is_lost(
    vp, scratch: Path, drilled: dict[str, Any]
) -> None:
    (scratch / "sessions.db").write_bytes(b"garbage" * 200)
    assert "damaged" in error_line(vp("history"))
    (scratch / "sessions.db").rename(scratch / "sessions.db.bad")
    r = vp("history", "--rebuild", "--json")
    assert r.code == 0, r.err
    rows = json.loads(r.out)["sessions"]
    assert [x["id"] for x in rows] == [
        drilled[k]["session"] for k in ("two_turns", "no_next", "strong")
    ]
    assert rows[1]["elements"]["next_steps"] is False


def test_old_index_is_migrated_and_backfilled(vp, scratch: Path, drilled: dict[str, Any]) -> None:
    # An index as version 0001 wrote it: no fillers_per_minute column.
    db = scratch / "sessions.db"
    db.unlink()
    with sqlite3.connect(db) as conn:
        from voicepractice.store import MIGRATIONS

        conn.executescript(MIGRATIONS[0][1])
        conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        conn.execute("INSERT INTO migrations VALUES ('0001_sessions', '2026-01-01')")
        s = drilled["no_next"]
        conn.execute(
            "INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?)",
            (
                s["session"],
                s["created_at"],
                s["scenario"],
                s["status"],
                3,
                15.0,
                200.0,
                0,
                json.dumps({"next_steps": False}),
            ),
        )
    rows = json.loads(vp("history", "--json").out)["sessions"]
    assert len(rows) == 3  # the other two folders are indexed too
    migrated = next(x for x in rows if x["id"] == drilled["no_next"]["session"])
    assert (
        migrated["fillers_per_minute"]
        == drilled["no_next"]["report"]["delivery"]["fillers_per_minute"]
    )
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY name")]
    assert names == [name for name, _ in MIGRATIONS]


@pytest.mark.parametrize(
    "ref", ["../../etc/passwd", "/etc/passwd", "..", "261123-000000-zzz", "nope"]
)
def test_bad_session_ids_are_error_lines(vp, home: Path, ref: str) -> None:
    for cmd in (
        ("replay", ref, "--no-audio"),
        ("review", ref),
        ("export", ref, "-f", "json"),
        ("forget", ref),
    ):
        line = error_line(vp(*cmd))
        assert "session" in line, line


# --- replay --------------------------------------------------------------------------------


def test_replay_no_audio_prints_timed_transcript_with_findings(
    vp, home: Path, drilled: dict[str, Any]
) -> None:
    d = drilled["no_next"]
    r = vp("replay", d["session"], "--no-audio")
    assert r.code == 0, r.err
    answered = next(t for t in d["turns"] if t["transcript"] and t["transcript"]["words"])
    assert answered["line"].split()[0] in r.out  # the interviewer's line
    flat = " ".join(r.out.split())
    assert " ".join(answered["transcript"]["words"][i]["text"] for i in range(4)) in flat
    assert re.search(r"^\s*Interviewer", r.out, re.MULTILINE)
    assert re.search(r"^\s*0:\d\d\s+You", r.out, re.MULTILINE)  # time within the answer
    coaching = d["report"]["elements"]["next_steps"]["coaching"]
    assert (
        "✗ Ask about next steps" in r.out
        or "✗ " + d["report"]["elements"]["next_steps"]["label"] in r.out
    )
    assert " ".join(coaching.split()) in flat
    # Findings marked in the text with the labels people read, not internal names.
    assert "[Interest in the role]" in flat and "[Thank the interviewer]" in flat
    assert "[interest]" not in flat and "[thanks]" not in flat


def test_replay_defaults_to_latest_and_shows_every_turn(
    vp, home: Path, drilled: dict[str, Any]
) -> None:
    d = drilled["two_turns"]
    r = vp("replay", "--no-audio")
    assert r.code == 0, r.err
    assert d["session"] in r.out
    answered = [t for t in d["turns"] if t["transcript"] and t["transcript"]["words"]]
    assert len(answered) == 2
    flat = " ".join(r.out.split())
    for t in answered:
        assert f"· {t['turn_id'].replace('_', ' ').capitalize()}" in r.out
        assert " ".join(w["text"] for w in t["transcript"]["words"][:3]) in flat


def test_replay_without_a_speaker_suggests_no_audio(vp, home: Path) -> None:
    line = error_line(vp("replay", "--output", "no-such-speaker-xyz"))
    assert "--no-audio" in line


def test_timeline_on_a_real_session(home: Path, drilled: dict[str, Any]) -> None:
    session = Store().get(drilled["two_turns"]["session"])
    tl = build_timeline(session)
    speakers = [(s.turn, s.speaker) for s in tl.stretches]
    assert speakers == sorted(
        speakers, key=lambda x: (x[0], x[1] == "you")
    )  # each line before its answer
    starts = [s.start for s in tl.stretches]
    assert starts == sorted(starts) and all(
        s.audio is not None and s.audio.is_file() for s in tl.stretches
    )
    # Every recognised word is on the timeline at its answer's offset, and is current at its own start.
    for st in (s for s in tl.stretches if s.speaker == "you"):
        tr = session.turns[st.turn].transcript
        assert tr is not None
        w = tr.words[len(tr.words) // 2]
        i = tl.word_at(st.start + w.start + 0.001)
        assert i is not None and tl.words[i].text == w.text
    assert tl.word_at(-1.0) is None
    assert tl.word_at(tl.duration + 5) is None


def _typed_session() -> Session:
    words = (
        Word("Thanks", 0.5, 0.9),
        Word("so", 0.9, 1.1),
        Word("much.", 1.1, 1.5),
        Word("Um,", 3.0, 3.4),
        Word("bye.", 3.5, 3.9),
    )
    tr = Transcript("Thanks so much. Um, bye.", words, duration=5.0)
    report = Report(
        (Finding("thanks", "core", True, "Thanks", (Evidence("Thanks so much.", 0.5, 1.5),)),
         Finding("next_steps", "core", False, "Next steps", coaching="Ask what happens next.")),
        Delivery(5.0, 3.4, 5, 88.0, 1, 17.6, 20.0, 1.5, ("um",)),
    )  # fmt: skip
    return Session(
        "261123-120000-abc",
        now_iso(),
        "phone_screen",
        "complete",
        (TurnRecord("close", "Any questions?", transcript=tr),),
        report,
    )


@pytest.mark.parametrize("where", ["piped", "NO_COLOR", "colour"])
def test_replay_legend_speaks_of_colours_only_where_they_are_shown(where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Piped or under NO_COLOR, `replay --no-audio` said "green ... magenta: filler" over uncoloured text."""
    from rich.console import Console

    from voicepractice.replay import render_text

    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    if where == "NO_COLOR":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = where != "piped"
    c = Console(file=io.StringIO(), width=100, record=True, force_terminal=terminal,
                color_system="truecolor" if terminal else None)  # fmt: skip
    c.print(render_text(build_timeline(_typed_session())))
    text = c.export_text()
    legend = text.rstrip().splitlines()[-1]
    if where == "colour":
        assert legend == "green: earned an element · yellow: weak · red: pitfall · magenta: filler"
    else:
        assert not any(colour in text for colour in ("green", "yellow", "red:", "magenta")), text
        # The marks the plain text does carry: the findings' ✓ ✗ and the [label] after a line.
        assert "✓ earned" in legend and "✗ missing" in legend and "[name] after a line" in legend
        assert "✓ Thanks" in text and "✗ Next steps" in text and "[Thanks]" in text


def test_word_at_follows_the_words_and_gaps() -> None:
    tl = build_timeline(_typed_session())  # no audio files: line length is estimated
    inter = tl.stretches[0]
    off = tl.stretches[1].start
    assert tl.stretches[1].start > inter.start + inter.duration
    texts = [w.text for w in tl.words]
    assert texts[-5:] == ["Thanks", "so", "much.", "Um,", "bye."]
    assert tl.words[-5].marks == ("thanks",)
    assert tl.words[-2].marks == ("filler",)
    n = len(tl.words) - 5
    assert tl.word_at(off + 0.4) is None  # before the first answer word
    assert tl.word_at(off + 0.6) == n
    assert tl.word_at(off + 1.0) == n + 1
    assert tl.word_at(off + 2.0) is None  # after "much." ends its sentence, before "Um,"
    assert tl.word_at(off + 3.45) == n + 3  # a short gap inside a sentence keeps the word current
    assert tl.word_at(off + 3.6) == n + 4


def test_player_keys() -> None:
    tl = build_timeline(_typed_session())
    s = PlayerState(duration=tl.duration)
    assert s.key(" ") is False and s.paused
    assert (
        s.key("right", tl) is False and s.position == 5.0
    )  # seeking while paused does not restart
    assert s.key(" ") is True and not s.paused
    assert s.key("left") is True and s.position == 0.0
    s.key("left")
    assert s.position == 0.0
    s.position = tl.lines[1].start + 0.2
    assert s.key("down", tl) is True and s.position == tl.lines[2].start
    s.position = tl.lines[2].start + 0.5
    s.key("up", tl)
    assert s.position == tl.lines[1].start
    for _ in range(20):
        s.key("right")
    assert s.position == tl.duration
    s.key("q")
    assert s.quit


class FakeSink:
    def __init__(self) -> None:
        self.calls: list[tuple[str, float]] = []

    def start(self, track: np.ndarray, rate: int, position: float) -> None:
        assert track.ndim == 1 and rate > 0
        self.calls.append(("start", round(position, 3)))

    def stop(self) -> None:
        self.calls.append(("stop", 0.0))


def test_player_loop_with_scripted_keys(home: Path, drilled: dict[str, Any]) -> None:
    """The live loop on a real session, with a scripted clock and keys instead of a terminal."""
    from contextlib import contextmanager

    from rich.console import Console

    tl = build_timeline(Store().get(drilled["no_next"]["session"]))
    now = [0.0]
    script = iter([None, None, " ", None, " ", "right", None, "q"])

    @contextmanager
    def keys():  # type: ignore[no-untyped-def]
        def read(timeout: float) -> str | None:
            now[0] += 1.0  # each poll, one second passes
            return next(script, "q")

        yield read

    sink = FakeSink()
    screen = Console(file=io.StringIO(), width=100, force_terminal=False)
    from voicepractice.replay import play

    state = play(tl, sink, interactive=True, console=screen, keys=keys(), clock=lambda: now[0])
    assert state.quit
    # start at 0; pause at 3 s (stop); resume from 3 s; skip to 3+1+5 = 9 s; quit (stop).
    assert sink.calls[0] == ("start", 0.0)
    assert ("stop", 0.0) in sink.calls[1:3]
    starts = [pos for what, pos in sink.calls if what == "start"]
    assert starts == [0.0, 3.0, 9.0]
    assert sink.calls[-1] == ("stop", 0.0)
    assert state.position >= 9.0
    assert (
        drilled["no_next"]["session"] in screen.file.getvalue()
    )  # the last frame is left on screen


# --- recovered sessions ------------------------------------------------------------------


@pytest.fixture
def recovered(scratch: Path) -> str:
    from voicepractice.audio import write_wav
    from voicepractice.drill import recover_session

    store = Store()
    sid = new_session_id(datetime.now() + timedelta(seconds=5))
    staging = store.begin(sid)
    write_json(
        staging / "meta.json",
        {
            "id": sid,
            "created_at": now_iso(),
            "scenario": "phone_screen",
            "lines": ["Any questions?"],
            "turn_ids": ["close"],
        },
    )
    write_wav(staging / "answer-1.wav", (np.sin(np.arange(16000) / 10) * 0.2).astype(np.float32))
    assert store.tidy(recover=recover_session, min_age_s=0) == [sid]
    return sid


def test_recovered_session_is_shown_gracefully(vp, recovered: str) -> None:
    r = vp("history")
    assert r.code == 0 and "recovered" in next(
        line for line in r.out.splitlines() if line.startswith(recovered)
    )
    r = vp("replay", recovered, "--no-audio")
    assert r.code == 0, r.err
    assert "recovered after a crash" in " ".join(r.out.split())
    for fmt in ("md", "json", "srt", "vtt"):
        assert vp("export", recovered, "-f", fmt).code == 0
    assert "never transcribed" in vp("export", recovered, "-f", "md").out
    r = vp("review", recovered)
    assert r.code == 0, r.err
    html = Path(r.out.strip()).read_text()
    assert "recovered after a crash" in html and "data:audio/wav;base64," in html


# --- review ---------------------------------------------------------------------------------


def test_review_writes_a_private_page_per_turn(
    vp, scratch: Path, drilled: dict[str, Any], tmp_path: Path
) -> None:
    d = drilled["two_turns"]
    r = vp("review")
    assert r.code == 0, r.err
    page = Path(r.out.strip())
    assert page == scratch / "sessions" / d["session"] / "review.html"
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    html = page.read_text()
    assert html.count('<section class="card turn"') == len(d["turns"])
    assert html.count('class="answer"') == 2
    assert drilled["no_next"]["session"] in html  # the previous attempt, side by side
    out = tmp_path / "elsewhere" / "mine.html"
    r = vp("review", drilled["strong"]["session"], "--out", str(out))
    assert r.code == 0 and Path(r.out.strip()) == out and out.is_file()
    assert "first attempt" in out.read_text()


# --- export ----------------------------------------------------------------------------------


def _cues(text: str, sep: str) -> list[tuple[float, float, str]]:
    stamp = r"(\d\d):(\d\d):(\d\d)" + re.escape(sep) + r"(\d{3})"
    out = []
    for m in re.finditer(stamp + r" --> " + stamp + r"\n(.+)", text):
        g = [int(x) for x in m.groups()[:8]]
        out.append(
            (
                g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000,
                g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000,
                m.group(9),
            )
        )
    return out


def test_export_formats(vp, home: Path, drilled: dict[str, Any], tmp_path: Path) -> None:
    d = drilled["two_turns"]
    sid = d["session"]
    r = vp("export", sid, "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert Session.from_dict(data).to_dict() == {k: v for k, v in data.items() if k != "folder"}
    assert data["report"]["elements"] == d["report"]["elements"]

    md = vp("export", sid, "-f", "md").out
    assert md.startswith(f"# Session {sid}") and "## Findings" in md and "## Delivery" in md
    assert vp("export", sid, "-f", "md", "-o", "-").out == md  # - is stdout, not a file named "-"
    for t in d["turns"]:
        assert t["line"] in md

    srt = vp("export", sid, "-f", "srt").out
    blocks = srt.strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == [str(i) for i in range(1, len(blocks) + 1)]
    cues = _cues(srt, ",")
    assert len(cues) == len(blocks)
    assert all(a < b for a, b, _ in cues)
    assert all(c[0] >= p[0] for p, c in itertools.pairwise(cues))
    assert sum(c[2].startswith("Interviewer:") for c in cues) == len(d["turns"])
    said = " ".join(c[2].removeprefix("You: ") for c in cues if c[2].startswith("You:"))
    for t in d["turns"]:
        if t["transcript"]:
            assert " ".join(w["text"] for w in t["transcript"]["words"]) in said

    vtt = vp("export", sid, "-f", "vtt").out
    assert vtt.startswith("WEBVTT\n\n")
    assert [c[:2] for c in _cues(vtt, ".")] == [c[:2] for c in cues]

    out = tmp_path / "s.md"
    r = vp("export", sid, "-o", str(out))
    assert r.code == 0 and out.read_text() == md
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert vp("export", sid, "-f", "docx").code == 2


# --- forget -----------------------------------------------------------------------------------


def test_forget_one_session_really_deletes_it(vp, scratch: Path, drilled: dict[str, Any]) -> None:
    sid = drilled["strong"]["session"]
    folder = scratch / "sessions" / sid
    assert (folder / "answer-1.wav").is_file() or any(folder.glob("answer-*.wav"))
    r = vp("forget", sid)
    assert r.code == 0, r.err
    assert not folder.exists()
    with sqlite3.connect(scratch / "sessions.db") as conn:
        assert conn.execute("SELECT count(*) FROM sessions WHERE id=?", (sid,)).fetchone()[0] == 0
    assert sid not in vp("history").out
    assert "no session" in error_line(vp("forget", sid))
    assert len(json.loads(vp("history", "--json").out)["sessions"]) == 2


def test_forget_all(vp, scratch: Path, drilled: dict[str, Any]) -> None:
    assert "--yes" in error_line(vp("forget", "--all"))  # not a terminal: no silent mass deletion
    assert len(json.loads(vp("history", "--json").out)["sessions"]) == 3
    r = vp("forget", "--all", "--yes", "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out) == {"forgotten": 3}
    assert not [p for p in (scratch / "sessions").iterdir()]
    assert "No sessions yet" in vp("history").out
    with sqlite3.connect(scratch / "sessions.db") as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    db = (scratch / "sessions.db").read_bytes()
    assert not [
        k for k in ("strong", "no_next", "two_turns") if drilled[k]["session"].encode() in db
    ]  # not even in free pages
    assert vp("forget").code == 2 and vp("forget", "latest", "--all").code == 2


def test_a_blank_data_folder_is_refused_and_forget_all_names_the_folder(vp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """VOICEPRACTICE_HOME=" " made a folder named " " wherever the command ran; a forget --all
    that went to another folder than the one meant said only how many it deleted."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VOICEPRACTICE_HOME", " ")
    r = vp("history")
    assert r.code == 1 and error_line(r) == "Error: VOICEPRACTICE_HOME is blank: set it to a folder, or unset it for the default"
    assert not (tmp_path / " ").exists()
    monkeypatch.setenv("VOICEPRACTICE_HOME", "relative")
    r = vp("forget", "--all", "--yes")
    assert r.code == 0 and r.out == f"Forgot 0 sessions in {tmp_path / 'relative'}.\n", r


def test_outputs_never_overwrite_a_sessions_own_files(vp, scratch: Path) -> None:
    """``review --out answer-1.wav`` replaced the recording with a web page; ``export -o
    sessions.db`` replaced the index."""
    [folder, *_] = sorted((scratch / "sessions").iterdir())
    answer, db = folder / "answer-1.wav", scratch / "sessions.db"
    kept = {p: p.read_bytes() for p in (answer, db)}
    for args in (("review", folder.name, "--out", str(answer)),
                 ("export", folder.name, "-o", str(db)),
                 ("history", "--plot", str(folder / "session.json"))):  # fmt: skip
        r = vp(*args)
        assert r.code == 1 and "one of your sessions' own files" in error_line(r), (args, r.err)
    assert all(p.read_bytes() == data for p, data in kept.items())
    assert vp("review", folder.name, "--out", str(folder / "review.html")).code == 0  # written anew each time


def test_session_commands_have_help(vp) -> None:
    for name in ("history", "replay", "review", "export", "forget"):
        r = vp(name, "--help")
        assert r.code == 0 and "Usage:" in r.out, name
