"""The phrase-bank checker: the exact rules the model keeps, and the old judge for comparison.

``voicepractice.coach.check`` is the public checker (the learned head plus
these rules); ``check`` here is the phrase bank alone, kept so the bench can
score it beside the model and for its exact parts (profiles, strengths,
rambling, negation scope, question wording).

The phrase bank's ``check(turns, profile)`` reads one transcript or several (one per turn of a
drill) and returns a ``Report``: the four core elements (interest,
qualifications, next steps, thanks), the extras and the pitfalls, each with
evidence (the quoted words and their time in the recording) and, when
something is missing or went wrong, one line of coaching and an example.

How a verdict is reached (``rubric.toml`` holds the words, this module the rules):

1. Each turn is normalised (``check_text``): lower case, contractions spelled
   out, fillers and restarts dropped, misspellings pulled to the bank's words.
2. Every cue's patterns run over the token text (``check_rubric``).
3. A match is cancelled when a negation ("not", "no longer", "if") or one of
   the cue's blockers (say "were" for next steps) sits in its scope: the few
   tokens before it within the same clause, and the match itself.
4. Cues marked ``question = true`` only count inside a question, read from the
   wording (an inverted auxiliary, a wh-word before an auxiliary, "I was
   wondering...") or from a question mark, since ASR output may have none.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz

from ..delivery import measure
from ..errors import ProfileError
from ..files import read_user_text
from ..records import CORE_ELEMENTS, Delivery, Evidence, Finding, Report, Transcript
from .rubric import Cue, Element, Rubric, compile_rubric, default_rubric, load_rubric_file
from .text import Corrector, TurnText, quote_span, quote_text, tokenize

__all__ = ["CheckOptions", "Profile", "check", "load_profile"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    """What the person wants to get across (from --role/--company/--strength or a profile file)."""

    role: str | None = None
    company: str | None = None
    strengths: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckOptions:
    """Switches for the checker; the defaults are what the product uses.

    The switches exist so the benchmark can show what each step earns
    (``bench/checker.py`` runs the labelled set with each one off).
    """

    fuzzy: bool = True
    """Pull misspelt words to the phrase bank's vocabulary (rapidfuzz)."""
    negation: bool = True
    """Cancel matches with a negation or a blocker in scope."""
    questions: Literal["wording", "punctuation", "off"] = "wording"
    """How a question is recognised: from wording or "?", only from "?", or not required."""
    fillers: bool = True
    """Drop fillers (um, uh, filler "like", "you know") before matching."""
    repeats: bool = True
    """Drop restarts ("what are the what are the next steps") before matching."""
    max_evidence: int = 3
    """At most this many quotes per finding."""
    rubric: Path | None = None
    """A coach's own rubric file instead of the shipped one."""
    engine: Literal["model", "rules"] = "model"
    """``model``: the trained head judges meaning (the product). ``rules``: the phrase bank
    alone, as before the model (kept for comparison in ``bench/checker.py``)."""


_PROFILE_KEYS = {"role", "company", "strengths"}


def load_profile(path: Path) -> Profile:
    """Read a profile file: ``role = "..."``, ``company = "..."``, ``strengths = ["...", ...]``."""
    try:
        data = tomllib.loads(read_user_text(Path(path)))
    except FileNotFoundError as exc:
        raise ProfileError(f"{path}: profile file not found") from exc
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{path}: not a text file (expected TOML in UTF-8)") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML ({exc})") from exc
    unknown = sorted(set(data) - _PROFILE_KEYS)
    if unknown:
        raise ProfileError(
            f"{path}: unknown key {unknown[0]!r} (expected role, company, strengths)"
        )
    from ..scenarios import MAX_NAME_CHARS

    for key in ("role", "company"):
        if key in data and not isinstance(data[key], str):
            raise ProfileError(f"{path}: {key} must be a string")
        if len(data.get(key) or "") > MAX_NAME_CHARS:  # spoken and coached with: a name or a title, not a job ad
            raise ProfileError(f"{path}: {key} is {len(data[key])} characters; keep it under {MAX_NAME_CHARS}")
    strengths = data.get("strengths", [])
    if isinstance(strengths, str):
        strengths = [strengths]
    if not isinstance(strengths, list) or not all(isinstance(s, str) for s in strengths):
        raise ProfileError(f"{path}: strengths must be a list of strings")
    return Profile(
        role=data.get("role") or None,
        company=data.get("company") or None,
        strengths=tuple(s.strip() for s in strengths if s.strip()),
    )


# --- Matching ------------------------------------------------------------------


@dataclass
class _Hit:
    turn: int
    first: int
    last: int
    """Token range [first, last) in the turn."""
    weak: bool = False
    cue: str = ""


@dataclass
class _Ctx:
    rubric: Rubric
    options: CheckOptions
    turns: list[TurnText] = field(default_factory=list)


def _scope_start(tt: TurnText, first: int, rubric: Rubric, width: int) -> int:
    """First token of the negation scope before ``first``: same clause, at most ``width`` back."""
    k = first
    while k > 0 and first - k < width:
        prev = tt.tokens[k - 1]
        if prev.punct in (".", "?", ",") or prev.text in rubric.boundaries:
            break
        k -= 1
    return k


def _negated(tt: TurnText, first: int, last: int, cue: Cue, ctx: _Ctx) -> bool:
    rubric = ctx.rubric
    start = _scope_start(tt, first, rubric, rubric.scope)
    scope = " " + " ".join(t.text for t in tt.tokens[start:last]) + " "
    for exc in rubric.negation_exceptions:
        scope = scope.replace(f" {exc} ", " _ ")
    if cue.negatable and any(f" {n} " in scope for n in rubric.negators):
        return True
    if any(f" {b} " in scope for b in cue.blockers):
        return True
    if cue.blockers_after and not tt.tokens[last - 1].punct:
        # "what the next steps were", "the role i wanted back then": a few
        # words after the match, up to the end of its clause.
        end = last
        while end < len(tt.tokens) and end - last < 3:
            end += 1
            if tt.tokens[end - 1].punct or tt.tokens[end - 1].text in rubric.boundaries:
                break
        after = " " + " ".join(t.text for t in tt.tokens[last:end]) + " "
        return any(f" {b} " in after for b in cue.blockers_after)
    return False


def _is_question(tt: TurnText, first: int, last: int, ctx: _Ctx) -> bool:
    mode = ctx.options.questions
    if mode == "off":
        return True
    toks = tt.tokens
    # A question mark closing the sentence the match sits in.
    for k in range(first, len(toks)):
        if toks[k].punct == "?":
            return True
        if toks[k].punct in (".", ","):
            break
    if mode == "punctuation":
        return False
    rubric = ctx.rubric
    start = first
    while start > 0 and first - start < 8 and toks[start - 1].punct not in (".", "?"):
        start -= 1
    # A few words after the match too: "what kind of timeline are we looking at".
    end = last
    # Stop where a new clause may start, so "the role, what are the next
    # steps" does not make "the role" a question.
    while (
        end < len(toks)
        and end - last < 4
        and toks[end - 1].punct not in (".", "?")
        and toks[end].text not in rubric.wh_words
        and toks[end].text not in rubric.boundaries
    ):
        end += 1
    window = [t.text for t in toks[start:end]]
    rel_first = first - start
    for k, w in enumerate(window):
        nxt = window[k + 1 : k + 4]
        if w in rubric.wh_words:
            # "what does the timeline", "when will you": a wh-word before an
            # auxiliary; "where/which/who/when" also open relative clauses
            # ("the team where I led..."), so those need the auxiliary to be
            # followed by its subject ("where do we", "who would i").
            for j, x in enumerate(nxt):
                if x in rubric.aux_words:
                    if w not in _RELATIVE:
                        return True
                    after = window[k + j + 2] if k + j + 2 < len(window) else ""
                    if after in rubric.subjects or after in _DETERMINERS:
                        return True
            # "what the next steps" (a slip): the wh-word right before the topic.
            if w in ("what", "when", "how") and (
                k + 1 == rel_first or (k + 2 == rel_first and window[k + 1] in _DETERMINERS)
            ):
                return True
        if (w in rubric.aux_words or w in _SUBJECT_OF) and k + 1 < len(window) and _inverted(
            w, window[k + 1]
        ):
            # "is there", "will you", "can i": but not "that is it".
            if k == 0 or window[k - 1] not in rubric.subjects | {"that", "this", "which", "what"}:
                return True
    joined = " " + " ".join(window) + " "
    for e in rubric.embedded:
        at = joined.find(f" {e} ")
        while at >= 0:
            # "could you share", "i was wondering": a request; but "i can share",
            # "i will find out", "we will confirm": a statement about oneself.
            before = joined[:at].split()[-2:]
            if e in _SELF_OK or not (before and (before[-1] in _SELF or (
                    len(before) == 2 and before[0] in _SELF and before[1] in _MODALS))):
                return True
            at = joined.find(f" {e} ", at + 1)
    return False


_SELF = frozenset({"i", "we"})
_SELF_OK = frozenset({"wonder", "wondering", "curious"})  # "i wonder when ..." asks
_MODALS = frozenset({"can", "could", "will", "would", "shall", "should", "may", "might", "did"})


_RELATIVE = frozenset({"where", "which", "who", "whom", "when"})
_DETERMINERS = frozenset({"the", "a", "an", "your", "our", "my", "this", "that", "there"})
_SUBJECT_OF = {
    "is": {"there", "it", "this", "that", "he", "she", "someone", "anyone", "anybody"},
    "was": {"there", "it", "this", "that"},
    "are": {"you", "we", "they", "there"},
    "were": {"you", "we", "they", "there"},
    "am": {"i"},
}


def _inverted(aux: str, subject: str) -> bool:
    """An auxiliary before a subject it agrees with: "is there", "are you", "can i"."""
    allowed = _SUBJECT_OF.get(aux)
    if allowed is not None:
        return subject in allowed
    return subject in {"you", "i", "we", "they", "there", "it", "someone", "anyone"}


def _cue_hits(tt: TurnText, cue: Cue, ctx: _Ctx) -> list[_Hit]:
    hits: list[_Hit] = []
    for m in cue.regex.finditer(tt.text):
        if m.end() <= m.start() + 1:
            continue
        first, last = tt.token_span(m.start(), m.end())
        if ctx.options.negation and _negated(tt, first, last, cue, ctx):
            continue
        if cue.question == "required" and not _is_question(tt, first, last, ctx):
            continue
        hits.append(_Hit(tt.turn, first, last, cue.weak, cue.name))
    return hits


def _element_hits(element: Element, ctx: _Ctx) -> list[_Hit]:
    hits: list[_Hit] = []
    for tt in ctx.turns:
        for cue in element.cues:
            hits.extend(_cue_hits(tt, cue, ctx))
    return hits


# --- Evidence ----------------------------------------------------------------------


@lru_cache(maxsize=8)
def _stops_for(boundaries: frozenset[str]) -> frozenset[str]:
    # Clause words where a quote of an unpunctuated transcript stops growing;
    # "thank"/"thanks" open a clause of their own, "to"/"for" never end one.
    return boundaries | {"thank", "thanks", "um", "uh"}


def _stops(rubric: Rubric) -> frozenset[str]:
    return _stops_for(rubric.boundaries)


def _evidence(hits: list[_Hit], ctx: _Ctx) -> tuple[Evidence, ...]:
    by_turn = {tt.turn: tt for tt in ctx.turns}
    spans: list[tuple[int, int, int]] = []
    for h in sorted(hits, key=lambda h: (h.weak, h.turn, h.first)):
        tt = by_turn[h.turn]
        a, b = quote_span(tt, h.first, h.last, stops=_stops(ctx.rubric),
                          openers=ctx.rubric.wh_words)
        if any(t == h.turn and not (b < x or a > y) for t, x, y in spans):
            continue  # overlaps a quote already taken
        spans.append((h.turn, a, b))
        if len(spans) >= ctx.options.max_evidence:
            break
    out = []
    for turn, a, b in sorted(spans):
        words = by_turn[turn].words
        out.append(
            Evidence(
                quote=quote_text(words, a, b),
                start=words[a].start,
                end=words[b].end,
                turn=turn,
            )
        )
    return tuple(out)


# --- Profile strengths ----------------------------------------------------------------

_STOP = frozenset(
    """a an the and or of in on at to for with my our your their his her its i we you it this
    that these those as by from into over under about very really strong good great skills
    skill experience ability abilities knowledge""".split()
)


def _bare(word: str) -> str:
    return word.lower().strip(".,!?;:\"'()[]")


def _stem(word: str) -> str:
    for suffix in ("ing", "ers", "er", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _strength_hit(strength: str, ctx: _Ctx) -> _Hit | None:
    """Where a strength is mentioned: as a phrase, or by its key words close together."""
    tt_s = tokenize(Transcript.from_text(strength), ctx.rubric.aliases)
    words = [t.text for t in tt_s.tokens]
    keys = [_stem(w) for w in words if w not in _STOP] or [_stem(w) for w in words]
    if not keys:
        return None
    window = int(ctx.rubric.strengths.get("window", 12))
    need = max(1, round(len(keys) * float(ctx.rubric.strengths.get("share", 0.75))))
    for tt in ctx.turns:
        # The spoken word as well as its corrected form: spelling correction
        # may have pulled a rare skill name towards a phrase-bank word.
        raw = [_stem(_bare(tt.words[t.word].text)) for t in tt.tokens]
        stems = [_stem(t.text) for t in tt.tokens]
        for start in range(len(stems)):
            found: list[int] = []
            for key in keys:
                for k in range(start, min(start + window, len(stems))):
                    s = stems[k]
                    if s == key or raw[k] == key or (len(key) >= 4 and fuzz.ratio(s, key) >= 85):
                        found.append(k)
                        break
            if found and min(found) == start and len(found) >= need:
                return _Hit(tt.turn, start, max(found) + 1, cue="strength")
    return None


# --- The report -------------------------------------------------------------------------


def _fill(text: str | None, profile: Profile) -> str | None:
    if text is None:
        return None
    from voicepractice.names import coaching_placeholders

    return text.format(**coaching_placeholders(profile.role, profile.company, profile.strengths))


def _rambling(ctx: _Ctx, delivery: Delivery) -> tuple[bool, _Hit | None, dict[str, object]]:
    cfg = ctx.rubric.rambling
    max_words = int(cfg.get("max_words", 140))
    max_seconds = float(cfg.get("max_seconds", 75))
    # Count what was said, not the ums: a halting short close is not rambling.
    spoken = sum(len(tt.tokens) for tt in ctx.turns)
    seconds = delivery.speaking_s
    too_long = spoken > max_words or (seconds is not None and seconds > max_seconds)
    details: dict[str, object] = {
        "word_count": spoken,
        "max_words": max_words,
        "speaking_s": seconds,
        "max_seconds": max_seconds,
    }
    if not too_long:
        return False, None, details
    # Quote the words past the limit: that is where the close should have ended.
    seen = 0
    for tt in ctx.turns:
        if seen + len(tt.tokens) > max_words:
            k = max(0, max_words - seen)
            return True, _Hit(tt.turn, k, min(len(tt.tokens), k + 15)), details
        seen += len(tt.tokens)
    last = ctx.turns[-1]
    return True, _Hit(last.turn, max(0, len(last.tokens) - 15), len(last.tokens)), details


def _load(options: CheckOptions, profile: Profile) -> Rubric:
    from voicepractice.names import company_name, role_title

    if options.rubric is not None:
        path = Path(options.rubric)
        try:
            stamp = path.stat().st_mtime_ns
        except OSError as exc:
            raise ProfileError(f"{path}: cannot read the rubric ({exc.strerror})") from exc
        return _custom_rubric(path, stamp, role_title(profile.role), company_name(profile.company))
    return default_rubric(role_title(profile.role), company_name(profile.company))


@lru_cache(maxsize=8)
def _custom_rubric(path: Path, stamp: int, role: str | None, company: str | None) -> Rubric:
    # Keyed on the file's mtime so a coach's edit is picked up without a restart.
    return compile_rubric(load_rubric_file(path), role, company)


_CORRECTORS: dict[int, tuple[Rubric, Corrector]] = {}


def _corrector(rubric: Rubric) -> Corrector:
    """One spelling corrector (and its cache) per compiled rubric."""
    entry = _CORRECTORS.get(id(rubric))
    if entry is None or entry[0] is not rubric:
        if len(_CORRECTORS) > 64:
            _CORRECTORS.clear()
        entry = (rubric, Corrector(rubric.vocabulary, rubric.known_words, rubric.fuzzy_cutoff))
        _CORRECTORS[id(rubric)] = entry
    return entry[1]



def with_missed_strengths(coaching: str | None, example: str | None, details: dict[str, object],
                          rubric: Rubric) -> tuple[str | None, str | None]:
    """The coaching line and example, with the person's unsaid ``--strength`` points worked in
    (both engines, the phrase bank and the learned checker, coach them the same way)."""
    missed = details.get("strengths_missed")
    if not isinstance(missed, list) or not missed:
        return coaching, example
    line = str(rubric.strengths.get("missed_coaching", "Work in: {missed}.")).format(missed="; ".join(missed))
    coaching = f"{coaching} {line}" if coaching else line
    if example is None:
        example = str(rubric.strengths.get("missed_example", "")).format(strength=missed[0]) or None
    return coaching, example

def check(
    turns: Transcript | Sequence[Transcript],
    profile: Profile | None = None,
    options: CheckOptions | None = None,
) -> Report:
    """Judge a close (one transcript, or one per turn of a drill) and return its report card."""
    profile = profile or Profile()
    options = options or CheckOptions()
    seq = [t.as_scored() for t in ([turns] if isinstance(turns, Transcript) else turns)]
    rubric = _load(options, profile)
    correct = _corrector(rubric) if options.fuzzy else None
    ctx = _Ctx(rubric, options)
    ctx.turns = [
        tokenize(t, rubric.aliases, correct, options.fillers, options.repeats,
                 rubric.phrase_aliases)
        for t in seq
    ]
    delivery = measure(seq)

    raw: dict[str, list[_Hit]] = {e.name: _element_hits(e, ctx) for e in rubric.elements}
    for e in rubric.elements:
        if raw[e.name]:
            for target in e.implies:
                raw.setdefault(target, []).extend(raw[e.name])

    findings: list[Finding] = []
    for e in rubric.elements:
        hits = raw.get(e.name, [])
        details: dict[str, object] = {}
        if e.name == "qualifications" and profile.strengths:
            mentioned, missed = [], []
            for s in profile.strengths:
                hit = _strength_hit(s, ctx)
                if hit is None:
                    missed.append(s)
                else:
                    mentioned.append(s)
                    hits.append(hit)
            details = {"strengths_mentioned": mentioned, "strengths_missed": missed}
        if e.name == "rambling":
            found, hit, details = _rambling(ctx, delivery)
            hits = [hit] if hit else []
        found = bool(hits)
        weak = found and all(h.weak for h in hits)
        coaching = example = None
        if e.kind == "pitfall":
            if found:
                coaching, example = e.coaching, e.example
        elif not found:
            coaching, example = e.coaching, e.example
        elif weak:
            coaching, example = e.weak_coaching or e.coaching, e.weak_example or e.example
        coaching, example = with_missed_strengths(coaching, example, details, rubric)
        findings.append(
            Finding(
                element=e.name,
                kind=e.kind,
                found=found,
                label=e.label,
                evidence=_evidence(hits, ctx) if found else (),
                coaching=_fill(coaching, profile),
                example=_fill(example, profile),
                weak=weak,
                details=details,
            )
        )
    # Core elements in CORE_ELEMENTS order, then extras, then pitfalls (rubric order).
    order = {"core": 0, "extra": 1, "pitfall": 2}
    core_rank = {name: i for i, name in enumerate(CORE_ELEMENTS)}
    findings.sort(key=lambda f: (order[f.kind], core_rank.get(f.element, len(core_rank))))
    return Report(findings=tuple(findings), delivery=delivery)
