"""Interviewer scripts: TOML files in ``prompts/``, shipped inside the wheel.

A scenario is a list of turns; each turn has several phrasings of the
interviewer's line and says whether the person answers it. The format is
documented at the top of ``prompts/phone_screen.toml``. A malformed file gives
a ``ScenarioError`` naming the file and the problem.
"""

from __future__ import annotations

import random
import re
import string
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from .errors import ScenarioError
from .files import read_user_text

DEFAULT_SCENARIO = "phone_screen"
PLACEHOLDERS = frozenset({"interviewer", "company", "role"})
# An interviewer line is a sentence or three; the longest shipped one is 125
# characters. Far longer text takes the speech engine minutes and gigabytes to render.
MAX_LINE_CHARS = 600
# A name or a job title, from the command line or [defaults], is a few words.
MAX_NAME_CHARS = 100


@dataclass(frozen=True)
class Turn:
    """One thing the interviewer says, and whether the person answers it."""

    id: str
    """Short name shown on the report ("close", "goodbye")."""
    lines: tuple[str, ...]
    """Several phrasings of the line, with {interviewer}/{company}/{role} placeholders."""
    listen: bool = True
    """The person answers after this line."""
    respond: bool = False
    """After the person's answer the interviewer replies from the answer bank."""
    close: bool = False
    """The turn a single ``--answer`` recording answers (the main "anything else?")."""


@dataclass(frozen=True)
class Replies:
    """The interviewer's replies on one topic."""

    topic: str
    cues: tuple[str, ...]
    """Lower-case words or phrases that show the person asked about this topic."""
    lines: tuple[str, ...]


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
    answers: dict[str, Replies] = field(default_factory=dict)
    """The scenario's own replies by topic; the shared bank fills the rest."""
    line: Literal["phone", "clean"] = "phone"
    """How the interviewer is heard: "phone" (a telephone line, the default: these are calls) or "clean"."""

    @property
    def answer_turns(self) -> tuple[Turn, ...]:
        return tuple(t for t in self.turns if t.listen)

    @property
    def close_turn(self) -> Turn:
        """The turn a single recording answers: the one marked ``close``, else the last that listens."""
        return next((t for t in self.turns if t.close), self.answer_turns[-1])


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
    found = [
        parse(f.read_text(encoding="utf-8"), f.name)
        for f in folder.iterdir()
        if f.name.endswith(".toml") and not f.name.startswith("_")
    ]
    return sorted(found, key=lambda s: s.name)


@lru_cache(maxsize=1)
def shared_replies() -> dict[str, Replies]:
    """The answer bank every scenario shares (prompts/_answers.toml)."""
    f = prompts_dir() / "_answers.toml"
    try:
        data = tomllib.loads(f.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(f"answer bank _answers.toml: {exc}") from exc
    return _parse_answers(data.get("answers", {}), lambda problem: ScenarioError(f"answer bank _answers.toml: {problem}"))


def load_scenario(name_or_path: str) -> Scenario:
    """A shipped scenario by name, or a scenario file by path."""
    if _is_file_name(name_or_path):
        p = Path(name_or_path)
        return parse(_read_file(p), str(p))
    shipped = list_scenarios()
    for s in shipped:
        if s.name == name_or_path:
            return s
    raise _unknown(name_or_path, [s.name for s in shipped])


def check_scenario(name_or_path: str) -> None:
    """The ScenarioError ``load_scenario`` would raise because ``name_or_path`` names nothing (no
    shipped scenario has that name, or the file cannot be read), without building the scenario:
    a setting is checked this way before the drill. What a file holds is checked when it is loaded."""
    if _is_file_name(name_or_path):
        _read_file(Path(name_or_path))
        return
    names = [s.name for s in list_scenarios()]
    if name_or_path not in names:
        raise _unknown(name_or_path, names)


def _is_file_name(name_or_path: str) -> bool:
    return name_or_path.endswith(".toml") or "/" in name_or_path


def _read_file(p: Path) -> str:
    try:
        return read_user_text(p)
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read scenario file {p}: {getattr(exc, 'strerror', None) or exc}") from exc


def _unknown(name: str, names: list[str]) -> ScenarioError:
    """"no scenario 'technical_scren'; did you mean 'technical_screen'? available: ...", the
    suggestion only when one shipped name is close (as click suggests for a mistyped option)."""
    from difflib import get_close_matches

    lowered = {n.lower(): n for n in names}
    close = get_close_matches(name.strip().lower(), list(lowered), n=1, cutoff=0.6)
    hint = f"; did you mean {lowered[close[0]]!r}?" if close else ";"
    return ScenarioError(f"no scenario {name!r}{hint} available: {', '.join(names)}")


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
        _check_plain(data[key], key, fail, one_line=key != "description")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict) or not all(isinstance(v, str) for v in defaults.values()):
        raise fail("[defaults] must map placeholder names to text")
    unknown = set(defaults) - PLACEHOLDERS
    if unknown:
        raise fail(f"[defaults] has unknown placeholders {sorted(unknown)}; use {sorted(PLACEHOLDERS)}")
    for key, value in defaults.items():
        if len(value) > MAX_NAME_CHARS:
            raise fail(f"[defaults] {key} is {len(value)} characters; keep it under {MAX_NAME_CHARS}")
        _check_plain(value, f"[defaults] {key}", fail, one_line=True)
    raw_turns = data.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        raise fail("needs at least one [[turns]] table")
    turns = tuple(_parse_turn(t, i, fail) for i, t in enumerate(raw_turns, 1))
    if not any(t.listen for t in turns):
        raise fail("no turn lets the person answer (every turn has listen = false)")
    ids = [t.id for t in turns]
    if len(set(ids)) != len(ids):
        raise fail(f"turn ids must be unique, got {ids}")
    closes = [t.id for t in turns if t.close]
    if len(closes) > 1:
        raise fail(f"only one turn may be marked close = true, got {closes}")
    if any(t.close and not t.listen for t in turns):
        raise fail("the close turn must let the person answer (listen = true)")
    # The interviewer's reply opens the next turn: without an answer to reply to, or a turn
    # after it, a `respond = true` was silently never heard.
    for t in turns:
        if t.respond and not t.listen:
            raise fail(f"turn {t.id!r} has respond = true but listen = false: the reply answers what the person said")
    if turns[-1].respond:
        raise fail(f"turn {turns[-1].id!r} has respond = true but is the last turn: the reply opens the next turn, so add one after it")
    unknown = set(data) - TOP_LEVEL_KEYS  # a typo ("[default]", "lnie") silently ran with the fallbacks
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)}; a scenario has {', '.join(sorted(TOP_LEVEL_KEYS))}")
    line = data.get("line", "phone")
    if line not in ("phone", "clean"):
        raise fail(f"line must be \"phone\" or \"clean\", got {line!r}")
    return Scenario(
        name=data["name"].strip(),
        title=data["title"].strip(),
        description=data["description"].strip(),
        turns=turns,
        defaults=dict(defaults),
        source=source,
        answers=_parse_answers(data.get("answers", {}), fail),
        line=line,
    )


def _parse_answers(raw: Any, fail: Any) -> dict[str, Replies]:
    if not isinstance(raw, dict):
        raise fail("[answers] must hold one table per topic")
    out: dict[str, Replies] = {}
    for topic, table in raw.items():
        if not isinstance(table, dict):
            raise fail(f"[answers.{topic}] must be a table with cues and lines")
        cues, lines = table.get("cues", []), table.get("lines")
        if not isinstance(cues, list) or not all(isinstance(c, str) for c in cues):
            raise fail(f"[answers.{topic}] cues must be a list of strings")
        if not isinstance(lines, list) or not lines or not all(isinstance(x, str) and x.strip() for x in lines):
            raise fail(f"[answers.{topic}] needs 'lines', a list of one or more non-empty strings")
        for line in lines:
            _check_line(line, f"[answers.{topic}]", fail)
        out[topic] = Replies(topic, tuple(c.lower() for c in cues), tuple(x.strip() for x in lines))
    return out


TOP_LEVEL_KEYS = frozenset({"name", "title", "description", "defaults", "turns", "answers", "line"})


def _check_plain(text: str, where: str, fail: Any, one_line: bool) -> None:
    """Text shown in a terminal, a page or a tab-separated ``history``: no control character (an
    escape cleared the screen; U+202E turned text around), and for a name no tab or line break
    (a name holding them added a row to piped ``history``)."""
    if any(not ch.isprintable() and (one_line or not ch.isspace()) for ch in text):
        raise fail(f"{where} has a control character in {text[:80]!r}; it is plain text{' on one line' if one_line else ''}")


def _check_line(line: str, where: str, fail: Any) -> None:
    """A line ``fill`` can speak: short enough to render, placeholders plain names only
    (a format spec such as ``{role:>999999999}`` would be run by ``str.format``)."""
    if len(line) > MAX_LINE_CHARS:
        raise fail(f"{where} has a line of {len(line)} characters; keep lines under {MAX_LINE_CHARS}")
    _check_plain(line, where, fail, one_line=False)  # a terminal escape in a shared file
    try:
        parts = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(line) if f is not None]
    except ValueError as exc:
        raise fail(f"{where} has a broken placeholder in {line[:80]!r} ({exc})") from exc
    bad = sorted({name for name, _, _ in parts} - PLACEHOLDERS)
    if bad:
        raise fail(f"{where} uses unknown placeholders {bad} in {line[:80]!r}; use {sorted(PLACEHOLDERS)}")
    for name, spec, conv in parts:
        if spec or conv:
            shown = "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
            raise fail(f"{where} has placeholder {shown[:80]}; write a plain {{{name}}}, with nothing after the name")


def _parse_turn(raw: Any, index: int, fail: Any) -> Turn:
    if not isinstance(raw, dict):
        raise fail(f"turn {index} must be a table")
    tid = raw.get("id")
    if not isinstance(tid, str) or not tid.strip():
        raise fail(f"turn {index} needs an 'id'")
    _check_plain(tid, f"turn {index}'s id", fail, one_line=True)
    lines = raw.get("lines")
    if not isinstance(lines, list) or not lines or not all(isinstance(x, str) and x.strip() for x in lines):
        raise fail(f"turn {tid!r} needs 'lines', a list of one or more non-empty strings")
    for line in lines:
        _check_line(line, f"turn {tid!r}", fail)
    flags = {}
    for key, default in (("listen", True), ("respond", False), ("close", False)):
        flags[key] = raw.get(key, default)
        if not isinstance(flags[key], bool):
            raise fail(f"turn {tid!r}: {key!r} must be true or false")
    unknown = set(raw) - {"id", "lines", "listen", "respond", "close"}
    if unknown:
        raise fail(f"turn {tid!r} has unknown keys {sorted(unknown)}")
    return Turn(id=tid.strip(), lines=tuple(x.strip() for x in lines), **flags)


def fill(line: str, scenario: Scenario, details: Details | None = None) -> str:
    """The line with the person's details, or the scenario's defaults, in place."""
    from .names import company_name, role_title

    d = details or Details()
    # The person's role as typed ("the data engineer role" or "data engineer") reads
    # as one noun phrase in the line: "about the data engineer role".
    given = {"interviewer": d.interviewer, "company": company_name(d.company), "role": role_title(d.role)}
    if given["role"]:
        given["role"] = f"the {given['role']} role"
    values = {
        key: given[key] or scenario.defaults.get(key) or fallback
        for key, fallback in (("interviewer", "the interviewer"), ("company", "the company"), ("role", "the role"))
    }
    # Plain substitution, not str.format: parse() checked the names, and nothing else in a
    # line (a format spec, a conversion) is ever run.
    return "".join(text + (values[name] if name is not None else "") for text, name, _, _ in string.Formatter().parse(line))


def choose_line(turn: Turn, rng: random.Random, round_index: int = 0) -> str:
    """One phrasing of ``turn``'s line; each round of a warm-up moves to the next phrasing."""
    return turn.lines[(rng.randrange(len(turn.lines)) + round_index) % len(turn.lines)]


def topic_of(question: str, bank: dict[str, Replies]) -> str:
    """What the person asked about: the topic whose cues appear most (earliest wins a tie)."""
    text = " " + " ".join(re.findall(r"[a-z0-9']+", question.lower())) + " "
    if not text.strip():
        return "none"
    best, best_hits, best_pos = "default", 0, len(text)
    for topic, replies in bank.items():
        positions = [text.find(f" {cue} ") for cue in replies.cues if f" {cue} " in text]
        if positions and (len(positions), -min(positions)) > (best_hits, -best_pos):
            best, best_hits, best_pos = topic, len(positions), min(positions)
    return best


_ASKS = re.compile(
    r"\?|(^|[.!?]\s+)(what|when|where|who|which|why|how|is|are|was|were|do|does|did|can|could|would|will|should|may)\b"
    r"|\b(wondering|curious|like to know|love to know|tell me|wanted to ask|want to ask)\b"
)


def asks(said: str) -> bool:
    """The person asked something: a question mark, a sentence opening like a question, or "I was wondering"."""
    return bool(_ASKS.search(said.strip().lower()))


def reply_to(question: str, scenario: Scenario, rng: random.Random) -> tuple[str, str]:
    """``(topic, line)``: the interviewer's reply to what the person asked.

    Words that match no topic get the "default" reply ("Good question...") only when they ask
    something; thanks or a remark get the "remark" one ("Thank you, I appreciate that.").
    """
    bank = {**shared_replies(), **scenario.answers}
    topic = topic_of(question, {k: v for k, v in bank.items() if k not in ("default", "remark")})
    if topic == "default" and not asks(question):
        topic = "remark"
    replies = bank.get(topic) or (None if topic == "remark" else bank.get("default"))
    if replies is None:
        return topic, ""
    return topic, rng.choice(replies.lines)
