"""The phrase bank: loading ``rubric.toml`` and compiling its patterns.

The file's own header documents the pattern language for coaches; this module
turns each pattern into one regular expression over the normalised token text
(see ``check_text``), where every token is followed by exactly one space.
Compiled rubrics are cached per (role, company), since the profile's names
join the bank's vocabulary.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from ..errors import ProfileError

log = logging.getLogger(__name__)

QuestionRule = Literal["any", "required"]
_NUMBER = (
    r"(?:\d[\d.,]*\w*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundred|a hundred|a thousand|a million|dozens|"
    r"hundreds|thousands|millions|a dozen|a few|a couple of|several|many|double|half) "
)
_MACRO = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Cue:
    """One group of patterns that earn (or trigger) an element the same way."""

    name: str
    regex: re.Pattern[str]
    negatable: bool
    """A negation in scope ("not", "no longer", "if") cancels the match."""
    question: QuestionRule
    """``required``: only counts inside a question (from wording or a "?")."""
    weak: bool
    """Counts, but thin (qualifications without anything concrete)."""
    blockers: tuple[str, ...]
    """Extra words that cancel the match when in scope (past tense, "project"...)."""
    blockers_after: tuple[str, ...] = ()
    """Words that cancel the match when they follow it closely in the same clause
    ("what the next steps were": a report of the past, not a question)."""


@dataclass(frozen=True)
class Element:
    """An element, extra or pitfall with its cues and its coaching."""

    name: str
    kind: Literal["core", "extra", "pitfall"]
    label: str
    coaching: str
    example: str
    cues: tuple[Cue, ...]
    implies: tuple[str, ...] = ()
    weak_coaching: str | None = None
    weak_example: str | None = None


@dataclass(frozen=True)
class Rubric:
    """The whole phrase bank, compiled."""

    elements: tuple[Element, ...]
    negators: tuple[str, ...]
    negation_exceptions: tuple[str, ...]
    boundaries: frozenset[str]
    scope: int
    wh_words: frozenset[str]
    aux_words: frozenset[str]
    subjects: frozenset[str]
    embedded: tuple[str, ...]
    aliases: dict[str, str]
    phrase_aliases: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    vocabulary: frozenset[str]
    known_words: frozenset[str]
    fuzzy_cutoff: float
    rambling: dict[str, Any]
    strengths: dict[str, Any]

    def element(self, name: str) -> Element:
        for e in self.elements:
            if e.name == name:
                return e
        raise KeyError(name)


def _split_top(src: str, sep: str) -> list[str]:
    """Split on ``sep`` outside parentheses."""
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in src:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _word(word: str) -> str:
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"[\w']*"
    return re.escape(word)


def _item(item: str, where: str) -> str:
    """Compile one space-separated item of a pattern."""
    quant = ""
    if len(item) > 1 and item[-1] in "?*" and (item[-2] == ")" or item[-1] == "?"):
        quant, item = item[-1], item[:-1]
    if item.startswith("~"):
        n = int(item[1:] or 3)
        return rf"(?:\S+ ){{0,{n}}}"
    if item == "$":
        return "$"
    if item.startswith("<!"):
        inner = item[2:]
        if inner.startswith("(") and inner.endswith(")"):
            inner = inner[1:-1]
        alts = [a.strip() for a in inner.split("|")]
        return "".join(rf"(?<! {re.escape(a)} )" for a in alts)
    if item.startswith("!"):
        return "(?!" + _item(item[1:], where) + ")"
    if item == "#":
        body = _NUMBER
    elif item.startswith("(") and item.endswith(")"):
        body = "(?:" + _seq(item[1:-1], where) + ")"
    else:
        if not re.fullmatch(r"[\w'*]+", item):
            raise ProfileError(f"rubric: bad item {item!r} in {where}")
        body = _word(item) + " "
    if quant == "?":
        return f"(?:{body})?"
    if quant == "*":
        return f"(?:{body})*"
    return body


def _seq(src: str, where: str) -> str:
    """A sequence of items; ``|`` (outside parentheses) separates alternatives."""
    alts = _split_top(src.strip(), "|")
    compiled = ["".join(_item(it, where) for it in _split_top(a.strip(), " ") if it) for a in alts]
    return compiled[0] if len(compiled) == 1 else "(?:" + "|".join(compiled) + ")"


def _expand(src: str, macros: dict[str, str], where: str, depth: int = 0) -> str:
    if depth > 8:
        raise ProfileError(f"rubric: macros nest too deep in {where}")

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in macros:
            raise ProfileError(f"rubric: unknown macro {{{name}}} in {where}")
        return "(" + _expand(macros[name], macros, where, depth + 1) + ")"

    return _MACRO.sub(sub, src)


def compile_pattern(src: str, macros: dict[str, str], where: str = "pattern") -> str:
    """One pattern of the bank as a regular expression over the token text.

    The caller anchors it at a token start (``(?<= )``).
    """
    return _seq(_expand(src, macros, where), where)


def _words_of(src: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", src) if len(w) >= 4}


@lru_cache(maxsize=1)
def rubric_data() -> dict[str, Any]:
    """The raw ``rubric.toml`` shipped in the package (read once)."""
    text = resources.files("voicepractice.coach").joinpath("rubric.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_rubric_file(path: Path) -> dict[str, Any]:
    """A rubric from another file (a coach's copy), as raw data for ``compile_rubric``."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the rubric ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML ({exc})") from exc


def _phrase_alts(names: tuple[str, ...]) -> str:
    alts = []
    for name in names:
        words = re.findall(r"[a-z0-9]+", name.lower())
        if words:
            alts.append(" ".join(words))
    return "|".join(alts) if alts else "zzznomatch"


def compile_rubric(
    data: dict[str, Any], role: str | None = None, company: str | None = None
) -> Rubric:
    """Compile raw rubric data; the profile's role and company fill {role_name}/{company}."""
    try:
        return _compile(data, role, company)
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise ProfileError(f"rubric: malformed ({type(exc).__name__}: {exc})") from exc


@lru_cache(maxsize=32)
def default_rubric(role: str | None = None, company: str | None = None) -> Rubric:
    """The shipped rubric compiled for a role and company (cached)."""
    return compile_rubric(rubric_data(), role, company)


def _compile(data: dict[str, Any], role: str | None, company: str | None) -> Rubric:
    macros = {k: str(v) for k, v in data.get("macros", {}).items()}
    macros["company"] = _phrase_alts((company,) if company else ())
    macros["role_name"] = _phrase_alts((role,) if role else ())
    vocabulary: set[str] = set()
    for v in macros.values():
        vocabulary |= _words_of(v)
    elements: list[Element] = []
    for kind_key, kind in (("core", "core"), ("extra", "extra"), ("pitfall", "pitfall")):
        for name, spec in data.get(kind_key, {}).items():
            cues: list[Cue] = []
            for i, cue in enumerate(spec.get("cues", [])):
                where = f"[{kind_key}.{name}] cue {cue.get('name', i)}"
                pats = [compile_pattern(p, macros, where) for p in cue["patterns"]]
                for p in cue["patterns"]:
                    vocabulary |= _words_of(p)
                cues.append(
                    Cue(
                        name=str(cue.get("name", i)),
                        # One regex per cue; the token-start check is factored out
                        # so most positions fail at once (3x faster than per pattern).
                        regex=re.compile("(?<= )(?:" + "|".join(f"(?:{p})" for p in pats) + ")"),
                        negatable=bool(cue.get("negatable", True)),
                        question="required" if cue.get("question", False) else "any",
                        weak=bool(cue.get("weak", False)),
                        blockers=tuple(str(b) for b in cue.get("blockers", ())),
                        blockers_after=tuple(str(b) for b in cue.get("blockers_after", ())),
                    )
                )
            elements.append(
                Element(
                    name=name,
                    kind=kind,  # type: ignore[arg-type]
                    label=str(spec["label"]),
                    coaching=str(spec["coaching"]),
                    example=str(spec["example"]),
                    cues=tuple(cues),
                    implies=tuple(spec.get("implies", ())),
                    weak_coaching=spec.get("weak_coaching"),
                    weak_example=spec.get("weak_example"),
                )
            )
    neg = data["negation"]
    q = data["questions"]
    norm = data.get("normalise", {})
    return Rubric(
        elements=tuple(elements),
        negators=tuple(neg["cues"]),
        negation_exceptions=tuple(neg.get("exceptions", ())),
        boundaries=frozenset(neg.get("boundaries", ())),
        scope=int(neg.get("scope", 5)),
        wh_words=frozenset(q["wh"]),
        aux_words=frozenset(q["aux"]),
        subjects=frozenset(q["subjects"]),
        embedded=tuple(q["embedded"]),
        aliases={str(k): str(v) for k, v in norm.get("aliases", {}).items()},
        phrase_aliases=tuple(
            (tuple(str(k).split()), tuple(str(v).split()))
            for k, v in norm.get("phrase_aliases", {}).items()
        ),
        vocabulary=frozenset(vocabulary),
        known_words=frozenset(
            str(norm.get("known_words", "")).split() + str(norm.get("real_words", "")).split()
        ),
        fuzzy_cutoff=float(norm.get("fuzzy_cutoff", 80)),
        rambling=dict(data.get("rambling", {})),
        strengths=dict(data.get("strengths", {})),
    )
