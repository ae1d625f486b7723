"""Interviewer scripts: TOML files in ``prompts/``, shipped inside the wheel.

A scenario is a list of turns; each turn has several phrasings of the
interviewer's line and says whether the person answers it. The format is
documented at the top of ``prompts/phone_screen.toml``. A malformed file gives
a ``ScenarioError`` naming the file and the problem.
"""

from __future__ import annotations

import random
import string
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from .errors import ScenarioError

DEFAULT_SCENARIO = "phone_screen"
PLACEHOLDERS = frozenset({"interviewer", "company", "role"})


@dataclass(frozen=True)
class Turn:
    """One thing the interviewer says, and whether the person answers it."""

    id: str
    """Short name shown on the report ("close", "goodbye")."""
    lines: tuple[str, ...]
    """Several phrasings of the line, with {interviewer}/{company}/{role} placeholders."""
    listen: bool = True
    """The person answers after this line."""


@dataclass(frozen=True)
class Scenario:
    """A script for the end of one kind of call."""

    name: str
    title: str
    description: str
    turns: tuple[Turn, ...]
    defaults: dict[str, str] = field(default_factory=dict)
    """Placeholder values used when the person gave none."""
    source: str = ""
    """Where the scenario was read from (for error messages)."""

    @property
    def answer_turns(self) -> tuple[Turn, ...]:
        return tuple(t for t in self.turns if t.listen)


@dataclass(frozen=True)
class Details:
    """The person's own call: who is interviewing them, where, for what."""

    interviewer: str | None = None
    company: str | None = None
    role: str | None = None


def prompts_dir() -> Traversable:
    """The shipped scenarios: inside the installed package, or the repository's prompts/."""
    packaged = resources.files("voicepractice") / "prompts"
    if packaged.is_dir():
        return packaged
    # An editable install does not apply the wheel's force-include of prompts/.
    return Path(__file__).resolve().parents[2] / "prompts"


def list_scenarios() -> list[Scenario]:
    """Every shipped scenario, by name."""
    folder = prompts_dir()
    found = [parse(f.read_text(encoding="utf-8"), f.name) for f in folder.iterdir() if f.name.endswith(".toml")]
    return sorted(found, key=lambda s: s.name)


def load_scenario(name_or_path: str) -> Scenario:
    """A shipped scenario by name, or a scenario file by path."""
    if name_or_path.endswith(".toml") or "/" in name_or_path:
        p = Path(name_or_path)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"cannot read scenario file {p}: {exc}") from exc
        return parse(text, str(p))
    for s in list_scenarios():
        if s.name == name_or_path:
            return s
    names = ", ".join(s.name for s in list_scenarios())
    raise ScenarioError(f"no scenario {name_or_path!r}; available: {names}")


def parse(text: str, source: str) -> Scenario:
    """Validate and build a Scenario from TOML text; errors name ``source``."""

    def fail(problem: str) -> ScenarioError:
        return ScenarioError(f"scenario {source}: {problem}")

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"not valid TOML ({exc})") from exc
    for key in ("name", "title", "description"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise fail(f"needs a non-empty text field {key!r}")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict) or not all(isinstance(v, str) for v in defaults.values()):
        raise fail("[defaults] must map placeholder names to text")
    unknown = set(defaults) - PLACEHOLDERS
    if unknown:
        raise fail(f"[defaults] has unknown placeholders {sorted(unknown)}; use {sorted(PLACEHOLDERS)}")
    raw_turns = data.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        raise fail("needs at least one [[turns]] table")
    turns = tuple(_parse_turn(t, i, fail) for i, t in enumerate(raw_turns, 1))
    if not any(t.listen for t in turns):
        raise fail("no turn lets the person answer (every turn has listen = false)")
    ids = [t.id for t in turns]
    if len(set(ids)) != len(ids):
        raise fail(f"turn ids must be unique, got {ids}")
    return Scenario(
        name=data["name"].strip(),
        title=data["title"].strip(),
        description=data["description"].strip(),
        turns=turns,
        defaults=dict(defaults),
        source=source,
    )


def _parse_turn(raw: Any, index: int, fail: Any) -> Turn:
    if not isinstance(raw, dict):
        raise fail(f"turn {index} must be a table")
    tid = raw.get("id")
    if not isinstance(tid, str) or not tid.strip():
        raise fail(f"turn {index} needs an 'id'")
    lines = raw.get("lines")
    if not isinstance(lines, list) or not lines or not all(isinstance(x, str) and x.strip() for x in lines):
        raise fail(f"turn {tid!r} needs 'lines', a list of one or more non-empty strings")
    for line in lines:
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(line) if f is not None}
        except ValueError as exc:
            raise fail(f"turn {tid!r} has a broken placeholder in {line!r} ({exc})") from exc
        bad = fields - PLACEHOLDERS
        if bad:
            raise fail(f"turn {tid!r} uses unknown placeholders {sorted(bad)} in {line!r}")
    listen = raw.get("listen", True)
    if not isinstance(listen, bool):
        raise fail(f"turn {tid!r}: 'listen' must be true or false")
    return Turn(id=tid.strip(), lines=tuple(x.strip() for x in lines), listen=listen)


def fill(line: str, scenario: Scenario, details: Details | None = None) -> str:
    """The line with the person's details, or the scenario's defaults, in place."""
    d = details or Details()
    values = {
        key: getattr(d, key) or scenario.defaults.get(key) or fallback
        for key, fallback in (("interviewer", "the interviewer"), ("company", "the company"), ("role", "the role"))
    }
    return line.format(**values)


def choose_line(turn: Turn, rng: random.Random) -> str:
    """One phrasing of ``turn``'s line."""
    return rng.choice(turn.lines)
