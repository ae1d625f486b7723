"""The session store: a SQLite index plus one folder of files per session.

Layout under the data directory (``VOICEPRACTICE_HOME`` or the platform's user
data directory)::

    sessions.db                  index: one row per session, schema migrations
    sessions/<id>/session.json   turns, interviewer lines, transcripts, report, timings
    sessions/<id>/*.wav          the interviewer's lines and the person's answers
    sessions/.incoming-<id>/     a session being recorded (never listed)
    sessions/.forget-<id>/       a session being deleted (never listed)

A session is first written into ``.incoming-<id>``; only when every file is
complete is the folder renamed into place and the row inserted. A crash at any
point leaves either nothing visible or a complete session. Everything is
created readable by the user only (0700 folders, 0600 files).
"""

from __future__ import annotations

import builtins
import json
import logging
import math
import os
import re
import secrets
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import StoreError
from .files import write_private
from .records import Report, Transcript, nothing_to_score

log = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^\d{6}-\d{6}-[a-z0-9]{3}$")
INCOMING = ".incoming-"
TRASH = ".forget-"


def data_dir() -> Path:
    """``VOICEPRACTICE_HOME``, else the platform's per-user data directory.

    Set but empty counts as not set (as the XDG variables do). Blank is a mistake, not a folder
    named " " wherever the command runs; a relative path is taken from the current folder once,
    so every message names the folder really used."""
    env = os.environ.get("VOICEPRACTICE_HOME")
    if env:
        if not env.strip():
            raise StoreError("VOICEPRACTICE_HOME is blank: set it to a folder, or unset it for the default")
        return Path(env).expanduser().absolute()
    from platformdirs import user_data_dir

    return Path(user_data_dir("voicepractice", appauthor=False))


_UNREADABLE = (OSError, ValueError, KeyError, TypeError, AttributeError)
"""What reading a damaged or hand-edited session.json raises (``"turns": ["x"]``: AttributeError)."""

_TEXT_COLUMNS = frozenset({"id", "created_at", "created_utc", "scenario", "status", "elements", "voice_issue"})


def instant(when: str) -> datetime:
    """An ISO 8601 time as the instant it names, in UTC (one without an offset is local time).

    ValueError when it is not a time."""
    try:
        return datetime.fromisoformat(when).astimezone(UTC)
    except OverflowError as exc:  # year 1 with an offset east of UTC
        raise ValueError(f"{when!r} is out of range") from exc


def _utc(when: Any) -> str | None:
    """``created_at`` as UTC text of one width, which sorts as time does; None when it is not a time.

    ``created_at`` keeps the offset the drill was recorded at (travel, summer time), so as text
    10:38+09:00 sorted after 17:39-08:00 the day before, though it is earlier."""
    try:
        return instant(str(when)).isoformat(timespec="microseconds")
    except ValueError:
        return None


def _elements(row: dict[str, Any]) -> dict[str, bool] | None:
    """An index row's elements, or None when the row does not read as the drill wrote it: SQLite
    keeps whatever text an edit or a damaged page put in a number's column, and history would fail on it."""
    try:
        elements = json.loads(row["elements"] or "{}")
        instant(row["created_at"])
    except (TypeError, ValueError):
        return None
    sound = (
        isinstance(elements, dict)
        and all(isinstance(found, bool) for found in elements.values())
        and all(isinstance(row[k], str) for k in ("id", "scenario", "status"))
        and all(v is None or isinstance(v, int | float) for k, v in row.items() if k not in _TEXT_COLUMNS)
    )
    return elements if sound else None


def _file_name(name: Any) -> str | None:
    """A file name inside the session folder, as the drill writes it. A path anywhere else in an
    edited session.json (``/etc/passwd``) would be played, exported and put into a review page."""
    if name is None:
        return None
    if not isinstance(name, str) or name != Path(name).name or name in ("", ".", ".."):
        raise ValueError(f"{name!r} is not a file in the session's folder")
    return name


def _timestamp(value: Any) -> str:
    """The stored ISO 8601 time as it is, once it is known to read as one (follow-up dates count from it)."""
    instant(str(value))
    return str(value)


def _seconds(value: Any, what: str) -> None:
    """A time as the drill writes it: a finite number of seconds, or null (typed text). Replay,
    review and subtitles do sums with it: a hand-edited ``"start": "abc"`` failed there as a TypeError."""
    finite = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if value is not None and not finite:
        raise ValueError(f"{what} is {value!r}, not a number of seconds")


def _check_times(session: Session) -> None:
    """ValueError naming the first word, answer length or quote whose time is not a number of seconds."""
    for n, turn in enumerate(session.turns, 1):
        if turn.transcript is None:
            continue
        _seconds(turn.transcript.duration, f"turn {n}'s duration")
        for i, word in enumerate(turn.transcript.words, 1):
            _seconds(word.start, f"turn {n}, word {i} ({word.text!r}): start")
            _seconds(word.end, f"turn {n}, word {i} ({word.text!r}): end")
    for finding in session.report.findings if session.report else ():
        for ev in finding.evidence:
            _seconds(ev.start, f"the {finding.element} quote's start")
            _seconds(ev.end, f"the {finding.element} quote's end")


@dataclass(frozen=True)
class TurnRecord:
    """One turn of a stored session."""

    turn_id: str
    """The scenario's name for the turn ("close")."""
    line: str
    """What the interviewer said."""
    interviewer_audio: str | None = None
    """File name (inside the session folder) of the interviewer's line."""
    answer_audio: str | None = None
    """File name of the person's answer."""
    transcript: Transcript | None = None
    """What the person said (None for a turn with no answer)."""
    ended_by: str | None = None
    """Why the answer ended (silence, enter, interrupted...)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn_id": self.turn_id,
            "line": self.line,
            "interviewer_audio": self.interviewer_audio,
            "answer_audio": self.answer_audio,
            "transcript": self.transcript.to_dict() if self.transcript else None,
            "ended_by": self.ended_by,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TurnRecord:
        t = d.get("transcript")
        return cls(
            turn_id=str(d["turn_id"]),
            line=str(d.get("line", "")),
            interviewer_audio=_file_name(d.get("interviewer_audio")),
            answer_audio=_file_name(d.get("answer_audio")),
            transcript=Transcript.from_dict(t) if t else None,
            ended_by=d.get("ended_by"),
        )


@dataclass(frozen=True)
class Session:
    """A drill as stored."""

    id: str
    created_at: str
    """ISO 8601 with time zone."""
    scenario: str
    status: str
    """``complete``, ``interrupted`` (Ctrl-C, device lost) or ``recovered`` (after a crash)."""
    turns: tuple[TurnRecord, ...]
    report: Report | None
    details: dict[str, Any] = field(default_factory=dict)
    """Interviewer, company, role, model, voice..."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage of the drill."""
    folder: Path | None = None
    """Where its files are (set when read from the store)."""

    @property
    def unscored(self) -> bool:
        """Checked, but no answer holds an English word (silence, noise, another language): shown
        as "not scored", never coached, as the report card does. A recovered session has no report."""
        return self.report is not None and nothing_to_score(t.transcript for t in self.turns)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at,
            "scenario": self.scenario,
            "status": self.status,
            "turns": [t.to_dict() for t in self.turns],
            "report": self.report.to_dict() if self.report else None,
            "details": dict(self.details),
            "timings": dict(self.timings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], folder: Path | None = None) -> Session:
        session = cls(
            id=str(d["id"]),
            created_at=_timestamp(d["created_at"]),
            scenario=str(d.get("scenario", "")),
            status=str(d.get("status", "complete")),
            turns=tuple(TurnRecord.from_dict(t) for t in d.get("turns", ())),
            report=Report.from_dict(d["report"]) if d.get("report") else None,
            details=dict(d.get("details", {})),
            timings=dict(d.get("timings", {})),
            folder=folder,
        )
        _check_times(session)
        return session


# Schema changes are small named steps, applied once each, in order.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_sessions",
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            scenario TEXT NOT NULL,
            status TEXT NOT NULL,
            score INTEGER,
            duration_s REAL,
            words_per_minute REAL,
            filler_count INTEGER,
            elements TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX sessions_created ON sessions(created_at);
        """,
    ),
    (
        # History's trend wants fillers per minute; the columns are filled in for
        # existing sessions from their session.json (see ``_backfill``).
        "0002_trend_columns",
        """
        ALTER TABLE sessions ADD COLUMN fillers_per_minute REAL;
        ALTER TABLE sessions ADD COLUMN turn_count INTEGER;
        CREATE INDEX sessions_scenario ON sessions(scenario, created_at);
        """,
    ),
    (
        # History's voice trend: pitch variation and the voice's biggest issue per session.
        "0003_voice_columns",
        """
        ALTER TABLE sessions ADD COLUMN pitch_variation REAL;
        ALTER TABLE sessions ADD COLUMN voice_issue TEXT;
        """,
    ),
    (
        # History told a German answer "no speech": whether words were heard, none of them English.
        "0004_not_english",
        """
        ALTER TABLE sessions ADD COLUMN not_english INTEGER;
        """,
    ),
    (
        # History, --since and "latest" went by created_at as text, which keeps the offset it was
        # recorded at: they use the same instant in UTC (``_utc``, registered as utc_instant in ``_db``).
        "0005_created_utc",
        """
        ALTER TABLE sessions ADD COLUMN created_utc TEXT;
        UPDATE sessions SET created_utc = utc_instant(created_at);
        CREATE INDEX sessions_created_utc ON sessions(created_utc);
        """,
    ),
]

# Migrations after which every indexed session is re-read from its folder to fill new columns.
_BACKFILL_AFTER = {"0002_trend_columns", "0003_voice_columns", "0004_not_english"}


def _not_english(s: Session) -> bool:
    """Words were heard in the answers, and none of them in English (the coach scored nothing)."""
    heard = [t.transcript for t in s.turns if t.transcript is not None and t.transcript.text.strip()]
    return bool(heard) and not any(t.english for t in heard)


def new_session_id(now: datetime | None = None) -> str:
    """A short, sortable, path-safe id: ``YYMMDD-HHMMSS-xxx``."""
    stamp = (now or datetime.now()).strftime("%y%m%d-%H%M%S")
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return f"{stamp}-{''.join(secrets.choice(alphabet) for _ in range(3))}"


def now_iso() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


class Store:
    """Sessions under one data directory."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or data_dir()).expanduser()
        self.sessions_dir = self.root / "sessions"
        self.db_path = self.root / "sessions.db"

    # -- set-up ---------------------------------------------------------------

    def _ensure_dirs(self) -> None:
        try:
            for d in (self.root, self.sessions_dir):
                d.mkdir(parents=True, exist_ok=True, mode=0o700)
                if d.stat().st_mode & 0o777 != 0o700:  # only when needed: a read-only disk can still be read
                    os.chmod(d, 0o700)
        except OSError as exc:
            raise StoreError(
                f"cannot create the data directory {self.root}: {exc.strerror or exc}; "
                "set VOICEPRACTICE_HOME to a writable folder"
            ) from exc

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self._ensure_dirs()
        try:
            fresh = not self.db_path.exists()
            conn = sqlite3.connect(self.db_path, timeout=10)
            if fresh:
                os.chmod(self.db_path, 0o600)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the session index {self.db_path}: {exc}") from exc
        try:
            conn.row_factory = sqlite3.Row
            conn.create_function("utc_instant", 1, _utc, deterministic=True)
            self._migrate(conn)
            yield conn
            conn.commit()
        except sqlite3.OperationalError as exc:
            conn.rollback()
            if _is_write_failure(exc):
                raise StoreError(
                    f"cannot write the session index {self.db_path} ({exc}): "
                    "free some space on that disk, or set VOICEPRACTICE_HOME to a writable folder"
                ) from exc
            raise StoreError(
                f"the session index {self.db_path} is damaged ({exc}); "
                "move it aside and run `voicepractice history --rebuild` to rebuild it from the session folders"
            ) from exc
        except sqlite3.DatabaseError as exc:
            conn.rollback()
            raise StoreError(
                f"the session index {self.db_path} is damaged ({exc}); "
                "move it aside and run `voicepractice history --rebuild` to rebuild it from the session folders"
            ) from exc
        finally:
            conn.close()

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        done = {r[0] for r in conn.execute("SELECT name FROM migrations")}
        applied: list[str] = []
        for name, sql in MIGRATIONS:
            if name not in done:
                log.info("applying migration %s", name)
                with conn:
                    conn.executescript(f"BEGIN;\n{sql}\nINSERT INTO migrations VALUES ('{name}', '{now_iso()}');\nCOMMIT;")
                applied.append(name)
        if _BACKFILL_AFTER.intersection(applied):
            self._backfill(conn)

    def _backfill(self, conn: sqlite3.Connection) -> None:
        """Re-index the sessions already in the index from their folders (after a migration)."""
        for (sid,) in conn.execute("SELECT id FROM sessions").fetchall():
            session = self._read(sid)
            if session is not None:
                self._index(conn, session)
        conn.commit()

    def _read(self, session_id: str) -> Session | None:
        """A session from its folder, or None when its files are missing or unreadable."""
        try:
            return _load(self.sessions_dir / session_id)
        except _UNREADABLE:
            return None

    def _session_folders(self) -> list[Path]:
        try:
            if not self.sessions_dir.is_dir():
                return []
            return sorted(p for p in self.sessions_dir.iterdir() if SESSION_ID.match(p.name) and p.is_dir())
        except OSError as exc:
            raise StoreError(f"cannot read {self.sessions_dir}: {exc.strerror or exc}; check its permissions") from exc

    def _index_orphans(self, conn: sqlite3.Connection) -> None:
        # A kill between the folder's rename and the row's insert leaves a complete
        # session with no row: index it rather than lose it.
        known = {r[0] for r in conn.execute("SELECT id FROM sessions")}
        for folder in self._session_folders():
            if folder.name not in known:
                session = self._read(folder.name)
                if session is not None:
                    log.info("indexing session %s found without a row", folder.name)
                    self._index(conn, session)

    def rebuild_index(self) -> int:
        """Re-create every row from the session folders; returns how many sessions were indexed.

        Rows whose folder is gone are kept (they show as damaged until forgotten).
        """
        count = 0
        with self._db() as conn:
            for folder in self._session_folders():
                session = self._read(folder.name)
                if session is not None:
                    self._index(conn, session)
                    count += 1
                else:
                    # Not counted as found: say which, or the count reads as sessions lost.
                    log.warning("session %s could not be read: `voicepractice export %s` says why", folder.name, folder.name)
        return count

    def open(self) -> None:
        """Check the index can be read (and migrated) before anything is recorded.

        A damaged index found only after the answer would make the person drill for nothing.
        """
        with self._db():
            pass

    # -- writing ----------------------------------------------------------------

    def begin(self, session_id: str) -> Path:
        """A private staging folder for a session being recorded."""
        self._ensure_dirs()
        staging = self.sessions_dir / f"{INCOMING}{session_id}"
        try:
            staging.mkdir(mode=0o700)
        except OSError as exc:
            raise StoreError(
                f"cannot write to {self.sessions_dir}: {exc.strerror or exc}; "
                "free some space or set VOICEPRACTICE_HOME to a writable folder"
            ) from exc
        return staging

    def commit(self, session: Session, staging: Path) -> Session:
        """Make a staged session visible: write its JSON, move the folder in, index it."""
        final = self.sessions_dir / session.id
        try:
            write_json(staging / "session.json", session.to_dict())
            _fsync_dir(staging)
            os.replace(staging, final)
            _fsync_dir(self.sessions_dir)
        except OSError as exc:
            raise StoreError(
                f"cannot save the session in {self.sessions_dir}: {exc.strerror or exc}; "
                f"your recording is kept in {staging}: free some space and the next drill recovers it"
            ) from exc
        with self._db() as conn:
            self._index(conn, session)
        return Session.from_dict(session.to_dict(), folder=final)

    def _index(self, conn: sqlite3.Connection, s: Session) -> None:
        d = s.report.delivery if s.report else None
        voice = s.report.voice if s.report else None
        conn.execute(
            "INSERT OR REPLACE INTO sessions (id, created_at, scenario, status, score, duration_s,"
            " words_per_minute, filler_count, elements, fillers_per_minute, turn_count, pitch_variation, voice_issue,"
            " not_english, created_utc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                s.id,
                s.created_at,
                s.scenario,
                s.status,
                s.report.score if s.report else None,
                d.duration_s if d else None,
                d.words_per_minute if d else None,
                d.filler_count if d else None,
                json.dumps({f.element: f.found for f in s.report.core} if s.report else {}),
                d.fillers_per_minute if d else None,
                len(s.turns),
                voice.figure("pitch_variation").value if voice and voice.judged else None,
                voice.issue if voice else None,
                int(_not_english(s)),
                _utc(s.created_at),
            ),
        )

    def discard(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    # -- reading ----------------------------------------------------------------

    def resolve_id(self, ref: str | None) -> str:
        """A session id from what the user typed: a full id, a unique prefix, or None/'latest'."""
        if ref is not None and not ref.strip():
            # An empty variable in a script (`forget "$ID"`) must not mean the newest session.
            raise StoreError("the session id is empty: give one from `voicepractice history`, or `latest`")
        if ref in (None, "latest", "last"):
            rows = self.list(limit=1)
            if not rows:
                raise StoreError("no sessions yet: run `voicepractice drill` first")
            return str(rows[0]["id"])
        assert ref is not None
        if not re.fullmatch(r"[0-9a-z-]{1,40}", ref):
            raise StoreError(f"{ref!r} is not a session id (ids look like 261123-091502-k4x)")
        if SESSION_ID.match(ref):
            if not (self.sessions_dir / ref).is_dir() and not self._row(ref):
                raise StoreError(f"no session {ref!r}: see `voicepractice history`")
            return ref
        with self._db() as conn:
            matches = [r[0] for r in conn.execute("SELECT id FROM sessions WHERE id LIKE ? ORDER BY id", (ref + "%",))]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise StoreError(f"no session {ref!r}: see `voicepractice history`")
        shown = ", ".join(matches[:8]) + (f" and {len(matches) - 8} more" if len(matches) > 8 else "")
        raise StoreError(f"{ref!r} matches {len(matches)} sessions ({shown}); type more of the id")

    def _row(self, session_id: str) -> sqlite3.Row | None:
        with self._db() as conn:
            row: sqlite3.Row | None = conn.execute("SELECT * FROM sessions WHERE id=?", (session_id,)).fetchone()
            return row

    def get(self, ref: str | None) -> Session:
        """A stored session; StoreError when it is missing or damaged."""
        sid = self.resolve_id(ref)
        folder = self.sessions_dir / sid
        try:
            return _load(folder)
        except _UNREADABLE as exc:
            raise StoreError(_unreadable(sid, folder, exc)) from exc

    def list(self, limit: int | None = None, since: str | None = None, scenario: str | None = None) -> list[dict[str, Any]]:
        """Index rows, newest first, with ``damaged`` set where the folder is gone."""
        sql = "SELECT * FROM sessions WHERE 1=1"
        args: list[Any] = []
        if since:
            sql += " AND created_utc >= ?"
            args.append(_utc(since))
        if scenario:
            sql += " AND scenario = ?"
            args.append(scenario)
        sql += " ORDER BY created_utc DESC, id DESC"
        if limit:
            sql += " LIMIT ?"
            args.append(limit)
        with self._db() as conn:
            self._index_orphans(conn)
            rows = [dict(r) for r in conn.execute(sql, args)]
            unsound = [r["id"] for r in rows if _elements(r) is None]
            for sid in unsound:  # the folder is what counts: make its row again from it
                session = self._read(sid)
                if session is not None:
                    log.warning("the index row of session %s was damaged; made again from its folder", sid)
                    self._index(conn, session)
            if unsound:
                rows = [dict(r) for r in conn.execute(sql, args)]
        for r in rows:
            elements = _elements(r)
            if elements is None:  # no folder to make it again from: show what can be shown
                r.update({k: None for k in r if k not in _TEXT_COLUMNS}, created_at=str(r["created_at"]))
            r["elements"] = elements or {}
            r["damaged"] = elements is None or not _is_file(self.sessions_dir / r["id"] / "session.json")
            del r["created_utc"]  # for ordering only: rows are shown and printed (--json) as before
        return rows

    def refuse_to_overwrite(self, out: Path, option: str) -> None:
        """StoreError when ``out`` is one of the store's own files: ``review --out answer-1.wav``
        replaced a recording with a web page, ``export -o sessions.db`` the index. A review page
        may be written over (it is written again each time)."""
        target = out.expanduser().resolve()
        if not target.is_file() or target.name == "review.html":
            return
        if target.is_relative_to(self.root.resolve()):
            raise StoreError(f"{option} {out}: that is one of your sessions' own files; write somewhere else")

    def forget(self, session_id: str) -> None:
        """Delete a session's files and row for good, all or nothing.

        The folder is first renamed to a hidden name beside it, in one step: when that fails nothing
        is deleted. Deleting in place, a failure midway left the session without its answer or its
        session.json, listed as damaged."""
        if not SESSION_ID.match(session_id):
            raise StoreError(f"{session_id!r} is not a session id (ids look like 261123-091502-k4x)")
        folder = self.sessions_dir / session_id
        trash = self.sessions_dir / f"{TRASH}{session_id}"
        shutil.rmtree(trash, ignore_errors=True)  # left by an earlier forget that could not finish
        try:
            os.rename(folder, trash)
        except FileNotFoundError:
            pass  # no folder (a damaged session): only its row is left
        except OSError as exc:
            raise StoreError(
                f"cannot delete session {session_id}: {exc.strerror or exc} in {self.sessions_dir}; "
                "nothing was deleted: check its permissions and try again"
            ) from exc
        try:
            with self._db() as conn:
                # secure_delete overwrites the freed pages, so the transcript is really gone.
                conn.execute("PRAGMA secure_delete=ON")
                conn.execute("DELETE FROM sessions WHERE id=?", (session_id,))
        except StoreError:
            if trash.exists():
                os.rename(trash, folder)  # the row is still there: so are its files
            raise
        shutil.rmtree(trash, ignore_errors=True)
        if trash.exists():
            raise StoreError(
                f"session {session_id} is forgotten, but some of its files are left in {trash}: "
                "check its permissions and delete that folder"
            )

    def forget_all(self) -> int:
        """Delete every session (files and rows); returns how many were deleted."""
        with self._db() as conn:
            ids = {r[0] for r in conn.execute("SELECT id FROM sessions")}
        ids |= {p.name for p in self._session_folders()}
        for sid in sorted(ids):
            self.forget(sid)
        # Half-written sessions (a killed drill's staging folders) hold audio too, as may half-deleted ones.
        for staging in [*self.sessions_dir.glob(f"{INCOMING}*"), *self.sessions_dir.glob(f"{TRASH}*")]:
            shutil.rmtree(staging, ignore_errors=True)
        with self._db() as conn:
            conn.execute("VACUUM")
        return len(ids)

    # -- housekeeping -----------------------------------------------------------

    def tidy(self, recover: Callable[[Path], Session | None] | None = None, min_age_s: float = 5.0) -> builtins.list[str]:
        """Deal with sessions left half-written by a crash or kill.

        A staging folder that holds recorded audio is handed to ``recover``
        (which may build an ``interrupted`` session from it); one that holds
        nothing worth keeping is removed. Returns the ids recovered.
        """
        recovered: list[str] = []
        if not self.sessions_dir.is_dir():
            return recovered
        for staging in self.sessions_dir.glob(f"{INCOMING}*"):
            try:
                if time.time() - staging.stat().st_mtime < min_age_s:
                    continue  # another drill may be writing it right now
            except FileNotFoundError:
                continue
            session = recover(staging) if recover else None
            if session is not None:
                self.commit(session, staging)
                recovered.append(session.id)
            else:
                self.discard(staging)
        return recovered


def _load(folder: Path) -> Session:
    """The session in ``folder``; raises what ``_UNREADABLE`` names when it cannot be read."""
    # utf-8-sig: Windows Notepad puts a byte order mark in front of a session.json saved after a hand edit.
    data = json.loads((folder / "session.json").read_text(encoding="utf-8-sig"))
    return Session.from_dict(data, folder=folder)


def _unreadable(sid: str, folder: Path, exc: BaseException) -> str:
    """What to tell the user when session ``sid`` cannot be read (``exc``), and what to do.

    Never "forget it" while an answer is still in the folder: that would delete a recording
    that is intact for want of the session.json beside it."""
    path = folder / "session.json"
    if isinstance(exc, PermissionError):
        return f"cannot read session {sid}: {path}: permission denied; check its permissions (and its folder's)"
    answers = ", ".join(sorted(p.name for p in folder.glob("answer-*")))  # none when the folder is gone
    if isinstance(exc, FileNotFoundError) and answers:
        return (
            f"session {sid} is damaged: its session.json is missing from {folder}, "
            f"but your recording is intact there ({answers}): restore session.json from a backup"
        )
    if isinstance(exc, FileNotFoundError):
        return f"session {sid} is damaged: its files are missing from {folder}"
    if isinstance(exc, OSError):
        return f"cannot read session {sid}: {path}: {exc.strerror or exc}"
    if answers:
        return (
            f"session {sid} is damaged ({exc}), but your recording is intact ({answers}): "
            f"fix {path} or restore it from a backup"
        )
    return f"session {sid} is damaged ({exc}); `voicepractice forget {sid}` removes it"


def _is_file(path: Path) -> bool:
    """``path.is_file()``, False where it cannot even be looked at (a session folder without permission):
    that session is listed as damaged instead of history failing for every session."""
    try:
        return path.is_file()
    except OSError:
        return False


def _is_write_failure(exc: sqlite3.Error) -> bool:
    """SQLite's way of saying the disk is full or read-only (not that the file is damaged)."""
    text = str(exc).lower()
    return any(s in text for s in ("disk is full", "readonly", "read-only", "unable to open", "disk i/o"))


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temp file, fsync, rename), readable by the user only."""
    # backslashreplace: a file name that is not UTF-8 (held as surrogates) is written as its JSON
    # escape, \udce9, which reads back as the same name; strict, it failed the save after the answer.
    write_private(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace"))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
