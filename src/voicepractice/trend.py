"""How the person is doing over time: element hit rates, pace and fillers across sessions.

Works on the store's index rows (``Store.list``), so ``history`` never has to
open a session's files.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .errors import VoicePracticeError
from .records import CORE_ELEMENTS

SPARKS = "▁▂▃▄▅▆▇█"
_RELATIVE = re.compile(r"^(\d{1,4})\s*([hdwm])$")
_UNITS = {
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
    "m": timedelta(days=30),
}


def parse_since(text: str, now: datetime | None = None) -> str:
    """``--since`` as an ISO timestamp: ``2026-11-01``, ``2026-11-01T09:00``, ``7d``, ``12h``, ``2w``, ``today``.

    Raises ValueError saying what is accepted."""
    now = (now or datetime.now().astimezone()).astimezone()
    t = text.strip().lower()
    if t in ("today", "yesterday"):
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return (day - timedelta(days=1 if t == "yesterday" else 0)).isoformat(timespec="seconds")
    m = _RELATIVE.match(t)
    if m:
        return (now - int(m.group(1)) * _UNITS[m.group(2)]).isoformat(timespec="seconds")
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date: use 2026-11-01, 2026-11-01T09:00, or 12h / 7d / 2w / 3m (months)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=now.tzinfo)
    return when.isoformat(timespec="seconds")


def sparkline(values: Sequence[float | None]) -> str:
    """A one-line chart; a gap (space) where a value is unknown."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    lo, hi = min(known), max(known)
    span = hi - lo
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif span == 0:
            out.append(SPARKS[len(SPARKS) // 2])
        else:
            out.append(SPARKS[round((v - lo) / span * (len(SPARKS) - 1))])
    return "".join(out)


@dataclass(frozen=True)
class Trend:
    """The trend over some sessions, oldest first."""

    sessions: int
    """Complete sessions (interrupted, empty, silent, recovered and damaged ones are left out)."""
    hits: dict[str, int]
    """Per core element: in how many of those sessions it was found."""
    ids: tuple[str, ...]
    dates: tuple[str, ...]
    words_per_minute: tuple[float | None, ...]
    fillers_per_minute: tuple[float | None, ...]
    scores: tuple[int | None, ...]
    pitch_variation: tuple[float | None, ...] = ()
    """Per session: pitch variation (SD/mean F0) when the voice could be judged."""
    voice_issues: tuple[str | None, ...] = ()
    """Per session: the voice's biggest issue (a ``VOICE_NORMS`` name), or None."""
    left_out: dict[str, int] = field(default_factory=dict)
    """How many sessions of each other status were left out of the trend."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "left_out": dict(self.left_out),
            "elements": {k: {"hit": v, "of": self.sessions} for k, v in self.hits.items()},
            "series": [
                {"id": i, "created_at": d, "score": s, "words_per_minute": w, "fillers_per_minute": f,
                 "pitch_variation": pv, "voice_issue": vi}
                for i, d, s, w, f, pv, vi in zip(self.ids, self.dates, self.scores, self.words_per_minute,
                                                 self.fillers_per_minute, self._pad(self.pitch_variation),
                                                 self._pad(self.voice_issues), strict=True)
            ],
        }  # fmt: skip

    def _pad(self, series: tuple[Any, ...]) -> tuple[Any, ...]:
        return series if len(series) == self.sessions else (None,) * self.sessions


def fillers_per_minute(row: dict[str, Any]) -> float | None:
    """From the index row; older rows without the column fall back to fillers over the whole length."""
    if row.get("fillers_per_minute") is not None:
        return float(row["fillers_per_minute"])
    if row.get("filler_count") is not None and row.get("duration_s"):
        return round(60.0 * row["filler_count"] / row["duration_s"], 2)
    return None


STATUS_LABELS = {
    "complete": "",
    "interrupted": "interrupted",
    "silent": "no speech",
    "not_english": "not English",
    "empty": "empty",
    "recovered": "recovered",
    "damaged": "damaged",
}
"""What ``history`` shows for each status (nothing for an ordinary, complete attempt)."""


def session_status(row: dict[str, Any]) -> str:
    """What a session is, from its index row: ``complete`` or why it is not a real attempt.

    ``damaged`` (files gone), ``recovered`` (after a crash, never checked),
    ``interrupted`` (Ctrl-C, microphone lost), ``empty`` (no answer recorded) or
    ``silent`` (answers recorded, not a word heard) or ``not_english`` (words heard, none of them English).
    Only ``complete`` sessions
    count in the trend: a 0/4 from a muted microphone says nothing about the close.
    """
    if row.get("damaged"):
        return "damaged"
    status = str(row.get("status") or "complete")
    if status != "complete":
        return status
    if row.get("score") is None:
        return "empty"
    if row.get("turn_count") == 0:
        return "empty"
    # Delivery has no length and no pace only when no word at all was transcribed.
    if not row.get("duration_s") and not row.get("words_per_minute"):
        return "not_english" if row.get("not_english") else "silent"
    return "complete"


def trend(rows: Sequence[dict[str, Any]]) -> Trend:
    """The trend over index rows (as ``Store.list`` returns them, newest first).

    Only complete attempts count (see ``session_status``).
    """
    usable = [r for r in reversed(rows) if session_status(r) == "complete"]
    hits = {k: sum(1 for r in usable if r["elements"].get(k)) for k in CORE_ELEMENTS}
    return Trend(
        sessions=len(usable),
        hits=hits,
        ids=tuple(r["id"] for r in usable),
        dates=tuple(r["created_at"] for r in usable),
        words_per_minute=tuple(r.get("words_per_minute") for r in usable),
        fillers_per_minute=tuple(fillers_per_minute(r) for r in usable),
        scores=tuple(r.get("score") for r in usable),
        pitch_variation=tuple(r.get("pitch_variation") for r in usable),
        voice_issues=tuple(r.get("voice_issue") for r in usable),
        left_out=dict(Counter(st for st in map(session_status, rows) if st != "complete")),
    )


# Formats matplotlib's Agg backend writes with no extra tools (its "pgf" needs LaTeX).
PLOT_FORMATS = (".png", ".svg", ".pdf")


def plot_path(path: Path) -> Path:
    """The file ``plot`` writes: ``path``, with ``.png`` added when it has no suffix (as
    matplotlib would add it), so the message names the file really written."""
    if not path.name or path.name in (".", ".."):  # --plot '' is Path('.'), which has no name
        raise VoicePracticeError("--plot needs a file name for the chart, such as trend.png")
    if not path.suffix:
        return path.with_name(path.name + ".png")
    if path.suffix.lower() not in PLOT_FORMATS:
        raise VoicePracticeError(f"--plot {path}: a chart is written as {', '.join(PLOT_FORMATS)}, not {path.suffix}")
    return path


def plot(t: Trend, path: Path) -> Path:
    """A PNG (or SVG, PDF) chart of score, pace and fillers over time (needs matplotlib); returns the file written."""
    path = plot_path(path)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        import shlex
        import sys

        # The interpreter running us: `pip` on the PATH may belong to another Python.
        raise VoicePracticeError(
            f"--plot needs matplotlib: run `{shlex.quote(sys.executable)} -m pip install 'matplotlib>=3.8'` "
            "(`make install` does it too), or leave --plot out"
        ) from None
    if not t.sessions:
        raise VoicePracticeError("no complete sessions to plot: run `voicepractice drill` first")
    x = list(range(1, t.sessions + 1))
    labels = [d[5:16].replace("T", " ") for d in t.dates]
    voice = any(v is not None for v in t.pitch_variation)
    fig, axes = plt.subplots(4 if voice else 3, 1, figsize=(8, 9 if voice else 7), sharex=True)
    axes[0].plot(
        x, [s if s is not None else float("nan") for s in t.scores], marker="o", color="tab:green"
    )
    axes[0].set_ylim(-0.2, 4.2)
    axes[0].set_ylabel("core elements (of 4)")
    axes[1].plot(x, [v if v is not None else float("nan") for v in t.words_per_minute], marker="o")
    try:
        from .delivery import WPM_HIGH, WPM_LOW
    except ImportError:  # pragma: no cover - older checker
        WPM_LOW, WPM_HIGH = 120.0, 165.0
    axes[1].axhspan(WPM_LOW, WPM_HIGH, color="tab:blue", alpha=0.1, label="comfortable pace")
    axes[1].set_ylabel("words / min")
    axes[1].legend(loc="upper left", fontsize="small")
    axes[2].plot(
        x,
        [v if v is not None else float("nan") for v in t.fillers_per_minute],
        marker="o",
        color="tab:purple",
    )
    axes[2].set_ylabel("fillers / min")
    if voice:
        from .voice.norms import PVQ_LOW

        axes[3].plot(x, [v if v is not None else float("nan") for v in t.pitch_variation], marker="o", color="tab:orange")
        axes[3].axhline(PVQ_LOW, color="tab:orange", alpha=0.4, linestyle="--", label="flatter than this: monotone")
        axes[3].set_ylabel("pitch variation")
        axes[3].legend(loc="best", fontsize="small")  # "upper left" sat on the first session's point
    axes[-1].set_xticks(x, labels, rotation=45, ha="right", fontsize="small")
    fig.suptitle(f"voicepractice: your last {t.sessions} sessions")
    fig.tight_layout()
    try:
        import io

        from .files import write_private

        path.parent.mkdir(parents=True, exist_ok=True)
        chart = io.BytesIO()
        fig.savefig(chart, format=path.suffix[1:].lower(), dpi=110)
        write_private(path, chart.getvalue())  # like every file the tool writes: atomic, user-only
    except OSError as exc:
        raise VoicePracticeError(f"cannot write the chart to {path}: {exc.strerror or exc}; give another path to --plot") from exc
    finally:
        plt.close(fig)
    return path
