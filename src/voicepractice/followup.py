"""After the call: the thank-you email, the check-ins and the last note, drafted from a session.

``follow_up(session, options, now)`` reads a stored drill and returns a
``FollowUp``: four drafts and a dated plan (``followup_plan``). The wording
lives in ``followup.toml``; this module only decides which pieces apply and
what from the session goes into them.

What the drafts may take from the session, and how:

- the person's own words, reused verbatim (fillers dropped): their question
  about the role and the sentence in which they said why they fit. Every such
  span is listed in ``Draft.reused`` so it can be checked against the
  transcript;
- the interviewer's reply to that question (the next turn's stored line),
  quoted as theirs;
- names from the drill, the strengths the checker heard, the time frame.

Whatever the session does not hold becomes a ``[bracketed]`` note for the
person to fill in, never an invented detail.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from . import __version__
from .delivery import find_fillers
from .errors import VoicePracticeError
from .files import write_private
from .followup_plan import (
    CalendarEvent,
    Plan,
    PlanOptions,
    StepKind,
    TimeFrame,
    frame_from_lines,
    make_plan,
    parse_time_frame,
    to_ics,
)
from .records import Evidence, Report, Transcript, Word
from .store import Session

__all__ = ["Draft", "FollowUp", "FollowUpError", "FollowUpOptions", "follow_up", "summary", "write_files"]

log = logging.getLogger(__name__)

STEPS: tuple[StepKind, ...] = ("thank_you", "check_in", "check_in_2", "last_note")
STEP_TITLES = {"thank_you": "Thank-you email", "check_in": "Check-in", "check_in_2": "Second check-in", "last_note": "Last note"}
PLACEHOLDER = re.compile(r"\[[^\]\n]+\]")
UNSURE = 0.5
"""Words the recogniser gave less than this probability are worth a second look."""
FIT_MAX_WORDS = 30


class FollowUpError(VoicePracticeError):
    """The session cannot be drafted from (no transcript), or the output cannot be written."""


@dataclass(frozen=True)
class FollowUpOptions:
    """What the person adds to the session."""

    heard_back_in: TimeFrame | None = None
    """The time frame the interviewer gave (``--heard-back-in``); else read from their lines."""
    call: datetime | None = None
    """When the real call ended (naive local time); default: when the drill was recorded."""
    interviewer: str | None = None
    company: str | None = None
    role: str | None = None
    sender: str | None = None
    """The person's name, for the sign-off."""
    plan: PlanOptions = field(default_factory=PlanOptions)


@dataclass(frozen=True)
class Draft:
    """One email, ready to edit and send."""

    kind: StepKind
    subject: str
    body: str
    reused: tuple[str, ...] = ()
    """The person's own words used in it, exactly as transcribed (fillers dropped)."""

    @property
    def text(self) -> str:
        return f"Subject: {self.subject}\n\n{self.body}"

    @property
    def words(self) -> int:
        return len(self.text.split())

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "body": self.body, "words": self.words, "reused": list(self.reused)}


@dataclass(frozen=True)
class FollowUp:
    """The drafts and the plan for one session."""

    session: str
    names: dict[str, str | None]
    """interviewer, company, role, sender as known (None: a placeholder is used)."""
    plan: Plan
    drafts: tuple[Draft, ...]
    placeholders: tuple[str, ...]
    """The ``[...]`` notes left in the drafts, for the person to fill in."""
    notes: tuple[str, ...]
    """Things to check before sending."""

    def draft(self, kind: StepKind) -> Draft:
        return next(d for d in self.drafts if d.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        frame = self.plan.frame
        return {
            "session": self.session,
            "call": self.plan.call.isoformat(timespec="minutes"),
            "names": dict(self.names),
            "time_frame": {**frame.to_dict(), "source": self.plan.frame_source, "ends": frame.end(self.plan.call.date()).isoformat()}
            if frame else None,
            "plan": [s.to_dict() for s in self.plan.steps],
            "drafts": {d.kind: d.to_dict() for d in self.drafts},
            "placeholders": list(self.placeholders),
            "notes": list(self.notes),
        }  # fmt: skip


# --- Templates -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def templates() -> dict[str, Any]:
    """``followup.toml``, shipped inside the package."""
    text = (resources.files("voicepractice") / "followup.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


# --- Reading the session -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    """Words ``[a, b)`` of one turn's transcript."""

    turn: int
    words: tuple[Word, ...]
    a: int
    b: int

    @property
    def text(self) -> str:
        return clean_words(self.words[self.a : self.b])

    def unsure(self) -> list[str]:
        return [_bare(w.text) for w in self.words[self.a : self.b] if w.start is not None and w.probability < UNSURE]


@dataclass(frozen=True)
class _Material:
    """What the session offers the drafts."""

    question: _Span | None = None
    question_topic: _Span | None = None
    interviewer_answer: str | None = None
    strength: str | None = None
    fit: _Span | None = None
    interest: bool = False
    fit_has_interest: bool = False
    frame: TimeFrame | None = None


def _bare(word: str) -> str:
    return word.lower().strip(".,!?;:\"'()[]\u2014-")


def clean_words(words: Sequence[Word]) -> str:
    """The words as said, fillers ("um", filler "like", "you know") dropped with their commas."""
    texts = [w.text for w in words]
    drop: set[int] = set()
    for a, b, _ in find_fillers(texts):
        drop.update(range(a, b))
    out: list[str] = []
    for i, t in enumerate(texts):
        if i in drop:
            if out and out[-1].endswith(","):
                out[-1] = out[-1][:-1]
            if t.endswith((".", "?", "!")) and out:
                out[-1] = out[-1].rstrip(",;:") + t[-1]
            continue
        out.append(t)
    return " ".join(out).strip().rstrip(",;:")


def _sentences(words: Sequence[Word]) -> list[tuple[int, int]]:
    """Word ranges ``[a, b)`` of the sentences (split after ``.``, ``?``, ``!``)."""
    out, start = [], 0
    for i, w in enumerate(words):
        if w.text.rstrip("\"')").endswith((".", "?", "!")):
            out.append((start, i + 1))
            start = i + 1
    if start < len(words):
        out.append((start, len(words)))
    return out


def _locate(words: Sequence[Word], quote: str) -> tuple[int, int] | None:
    """The word range ``[a, b)`` an evidence quote was taken from."""
    target = quote.split()
    n = len(target)
    for a in range(len(words) - n + 1):
        window = [w.text for w in words[a : a + n]]
        if window[:-1] == target[:-1] and window[-1].rstrip(",;:-\u2014") == target[-1].rstrip(",;:-\u2014"):
            return a, a + n
    return None


def _evidence_spans(evidence: Sequence[Evidence], by_turn: dict[int, Transcript]) -> list[_Span]:
    spans = []
    for ev in evidence:
        t = by_turn.get(ev.turn)
        if t is None:
            continue
        at = _locate(t.words, ev.quote)
        if at is not None:
            spans.append(_Span(ev.turn, t.words, *at))
    return spans


def _sentence_of(span: _Span) -> _Span:
    for a, b in _sentences(span.words):
        if a <= span.a < b:
            return replace(span, a=a, b=max(b, min(span.b, len(span.words))))
    return span


_LEADING = re.compile(
    r"^(?:(?:just )?to (?:recap|sum up|summarize|summarise)|so|well|and|also|but|okay|ok|right|yes|honestly|"
    r"basically|anyway|first of all|you know|um|uh|like)$"
)


def _strip_leading(span: _Span) -> _Span:
    """Drop discourse markers ("So,", "Just to recap,", "And") from the start of a span."""
    a = span.a
    while a < span.b - 1:
        for n in (3, 2, 1):
            phrase = " ".join(_bare(w.text) for w in span.words[a : a + n])
            if a + n < span.b and _LEADING.match(phrase):
                a += n
                break
        else:
            break
    return replace(span, a=a)


_FIRST_PERSON = frozenset({"i", "i'm", "i've", "i'd", "my", "we", "we've", "our", "me"})
_CONCRETE = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|years?|led|built|managed?|launched|delivered|cut|grew|trained|mentor\w*)\b")


def _fit(report: Report, by_turn: dict[int, Transcript]) -> _Span | None:
    """The person's own sentence about why they fit: first person, concrete, not too long."""
    finding = report.finding("qualifications")
    if not finding.found:
        return None
    best: tuple[tuple[int, int, float], _Span] | None = None
    for ev_span in _evidence_spans(finding.evidence, by_turn):
        span = _strip_leading(_trim(_sentence_of(ev_span), ev_span))
        words = [_bare(w.text) for w in span.words[span.a : span.b]]
        if len(words) < 4 or not _FIRST_PERSON & set(words) or span.words[span.b - 1].text.endswith("?"):
            continue
        concrete = len(_CONCRETE.findall(" ".join(words)))
        mean_p = sum(w.probability for w in span.words[span.a : span.b]) / len(words)
        key = (1, concrete, mean_p)
        if best is None or key > best[0]:
            best = (key, span)
    return best[1] if best else None


def _trim(sentence: _Span, core: _Span) -> _Span:
    """A sentence cut to at most FIT_MAX_WORDS at comma boundaries, keeping the ``core`` words."""
    if sentence.b - sentence.a <= FIT_MAX_WORDS:
        return sentence
    cuts = [i + 1 for i in range(sentence.a, sentence.b - 1) if sentence.words[i].text.endswith(",")]
    starts = [sentence.a] + [c for c in cuts if c <= core.a]
    a = max(starts)
    ends = [c for c in cuts if c >= min(core.b, a + 1)] + [sentence.b]
    b = min((e for e in ends if e - a <= FIT_MAX_WORDS), default=None)
    if b is None:
        return core if core.b - core.a <= FIT_MAX_WORDS else replace(core, b=core.a + FIT_MAX_WORDS)
    return replace(sentence, a=a, b=b)


_ASK_FRAME = re.compile(
    r"^(?:(?:could|can|would|will) you (?:please )?(?:tell me|tell us|share|explain|describe|walk me through|say)"
    r"|i (?:was|am|'m) (?:wondering|curious)|i'?d (?:love|like) to (?:know|hear|learn)"
    r"|i would (?:love|like) to (?:know|hear|learn))"
    r"(?: (?:a )?(?:little )?(?:bit )?more)?(?: about)?$"
)


def _question(report: Report, by_turn: dict[int, Transcript]) -> tuple[_Span, _Span | None] | None:
    """The person's question about the role or team, and its topic when it reads as one."""
    try:
        finding = report.finding("role_question")
    except KeyError:
        return None
    if not finding.found:
        return None
    for ev_span in _evidence_spans(finding.evidence, by_turn):
        q = _strip_leading(_sentence_of(ev_span))
        if not q.words[q.b - 1].text.endswith("?") or q.b - q.a < 3:
            continue
        for k in range(min(q.b - 1, q.a + 9), q.a, -1):
            if _ASK_FRAME.match(" ".join(_bare(w.text) for w in q.words[q.a : k])):
                topic = replace(q, a=k)
                return q, topic if topic.b - topic.a >= 2 else None
        return q, None
    return None


def _interviewer_answer(session: Session, turn: int) -> str | None:
    """The interviewer's reply to the person's question: the next turn's line, minus the wind-down."""
    if turn + 1 >= len(session.turns):
        return None
    cfg = templates()["answer"]
    line = session.turns[turn + 1].line
    for sentence in re.split(r"(?<=[.!?])\s+", line.strip()):
        s = sentence.strip()
        low = s.lower()
        if not s or s.endswith("?") or len(s.split()) < 4 or any(p in low for p in cfg["skip"]):
            continue
        if parse_time_frame(s) is not None:  # "we'll decide within two weeks" is the timeline, not the answer
            continue
        if len(s.split()) > int(cfg["max_words"]):
            continue  # quoting half a sentence would put words in their mouth
        return s.rstrip(".!")
    return None


def _material(session: Session, report: Report, transcripts: Sequence[Transcript], options: FollowUpOptions) -> _Material:
    by_turn = {t.turn: t for t in transcripts}
    question = _question(report, by_turn)
    fit = _fit(report, by_turn)
    interest = report.finding("interest")
    fit_has_interest = bool(
        fit and any(s.turn == fit.turn and fit.a <= s.a < fit.b for s in _evidence_spans(interest.evidence, by_turn))
    )
    mentioned = report.finding("qualifications").details.get("strengths_mentioned") or []
    frame = options.heard_back_in or frame_from_lines([t.line for t in session.turns])
    return _Material(
        question=question[0] if question else None,
        question_topic=question[1] if question else None,
        interviewer_answer=_interviewer_answer(session, question[0].turn) if question else None,
        strength=str(mentioned[0]) if mentioned else None,
        fit=fit,
        # Interest the checker is not sure of (its "not sure" band) is not put in their mouth.
        interest=interest.found and not interest.details.get("unsure"),
        fit_has_interest=fit_has_interest,
        frame=frame,
    )


# --- Names -------------------------------------------------------------------------------------


_GENERIC = {"interviewer": {"the interviewer"}, "company": {"the company", "our company"}, "role": {"the role", "this role"}}


def _names(session: Session, options: FollowUpOptions) -> dict[str, str | None]:
    """Interviewer, company, role and sender, with a script's stand-in values treated as unknown."""
    from .errors import ScenarioError
    from .names import company_name, role_title
    from .scenarios import load_scenario

    try:
        defaults = load_scenario(session.scenario).defaults
    except ScenarioError:
        defaults = {}
    names: dict[str, str | None] = {}
    for key in ("interviewer", "company", "role"):
        value = getattr(options, key) or session.details.get(key)
        listed = session.details.get("stand_ins")  # recorded by the drill since session 41
        stand_in = (isinstance(listed, list) and key in listed) or value in _GENERIC[key] or (value and value == defaults.get(key))
        if not getattr(options, key) and stand_in:
            value = None  # the script's stand-in ("Sam", "our company"), not the person's real call
        names[key] = str(value).strip() if value else None
    # The templates say "the {role} position" and "at {company}": the bare title, whatever was typed.
    names["role"] = role_title(names["role"])
    names["company"] = company_name(names["company"])
    names["sender"] = options.sender
    return names


# --- Drafting -------------------------------------------------------------------------------------


def _when(call: date, sent: date) -> str:
    days = (sent - call).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"on {call:%A}" if days < 7 else f"on {call:%A} {call.day} {call:%B}"


def _sentence_case(text: str) -> str:
    """A span as the rest of a sentence: first letter lower case unless it is "I"; ends with a full stop."""
    first = text.split(" ", 1)[0]
    if not (first == "I" or first.startswith("I'")):
        text = text[:1].lower() + text[1:]
    return text.rstrip(",;:-") + ("" if text.endswith((".", "!", "?")) else ".")


def _render(template: str, values: dict[str, str]) -> str:
    text = template.format(**values)
    # Pieces left empty leave double spaces and blank paragraphs behind.
    text = "\n".join(re.sub(r" {2,}", " ", line).strip() for line in text.strip().splitlines())
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


def _drafts(m: _Material, names: dict[str, str | None], plan: Plan) -> tuple[Draft, ...]:
    t = templates()
    placeholders = t["names"]
    base = {k: names[k] or placeholders[k] for k in ("interviewer", "company", "role", "sender")}
    base["call_day"] = f"{plan.call:%A} {plan.call.day} {plan.call:%B}"
    base["frame"] = m.frame.phrase if m.frame else ""
    base["when"] = _when(plan.call.date(), plan.step("thank_you").when.date())
    interest_key = "found" if m.interest else "missing"

    drafts = [_thank_you(m, base, t["thank_you"], int(t["max_words"]))]
    for kind in STEPS[1:]:
        if not any(s.kind == kind for s in plan.steps):
            continue
        cfg = t[kind]
        values = {**base, "interest": cfg["interest"][interest_key].format(**base)}
        values["frame_line"] = cfg.get("frame_line", "").format(**base) if m.frame else ""
        drafts.append(Draft(kind, cfg["subject"].format(**base), _render(cfg["body"], values)))
    return tuple(drafts)


def _thank_you(m: _Material, base: dict[str, str], cfg: dict[str, Any], max_words: int) -> Draft:
    """The thank-you; optional pieces are dropped, longest first, until it fits ``max_words``."""
    tries = [m, replace(m, interviewer_answer=None)]
    if m.fit is not None:
        first_clause = next(
            (i + 1 for i in range(m.fit.a + 5, m.fit.b - 1) if m.fit.words[i].text.endswith(",")), None
        )
        if first_clause:
            tries.append(replace(tries[-1], fit=replace(m.fit, b=first_clause)))
    tries.append(replace(tries[-1], fit=None, fit_has_interest=False))
    draft = None
    for mat in tries:
        draft = _thank_you_once(mat, base, cfg)
        if draft.words <= max_words:
            return draft
    assert draft is not None
    return draft


def _thank_you_once(m: _Material, base: dict[str, str], cfg: dict[str, Any]) -> Draft:
    values = dict(base)
    reused: list[str] = []
    detail = cfg["detail"]
    if m.question is not None:
        values["question"] = m.question.text
        values["question_topic"] = m.question_topic.text.rstrip("?") if m.question_topic else ""
        values["interviewer_answer"] = m.interviewer_answer or ""
        key = ("question" if m.question_topic else "question_quoted") + ("_answer" if m.interviewer_answer else "")
        reused.append(values["question_topic"] if m.question_topic else values["question"])
    elif m.strength:
        key, values["strength"] = "strength", m.strength
    else:
        key = "none"
    values["thanks"] = cfg["thanks"].format(**values)
    values["detail"] = detail[key].format(**values)
    if m.fit is not None:
        fit = _sentence_case(m.fit.text)
        values["fit"] = cfg["fit"]["found"].format(fit=fit)
        reused.append(m.fit.text.rstrip(".!?"))
    else:
        values["fit"] = cfg["fit"]["missing"]
    # The person's own sentence already says they are interested: do not say it twice.
    values["interest"] = "" if m.fit_has_interest else cfg["interest"]["found" if m.interest else "missing"]
    values["next_steps"] = cfg["next_steps"]["frame" if m.frame else "none"].format(**values)
    return Draft("thank_you", cfg["subject"].format(**values), _render(cfg["body"], values), tuple(reused))


# --- The whole follow-up -------------------------------------------------------------------------------


def _transcripts(session: Session) -> list[Transcript]:
    return [t.transcript for t in session.turns if t.transcript is not None]


def follow_up(session: Session, options: FollowUpOptions | None = None, now: datetime | None = None) -> FollowUp:
    """Drafts and a plan for ``session``. ``now`` (naive local or aware) decides what is overdue."""
    options = options or FollowUpOptions()
    now = now or datetime.now().astimezone()
    local_now = now.astimezone().replace(tzinfo=None) if now.tzinfo else now
    transcripts = _transcripts(session)
    if not transcripts:
        raise FollowUpError(f"session {session.id} has no transcript; run a drill first")
    if not any(t.text.strip() for t in transcripts):
        raise FollowUpError(f"session {session.id} has no words in its transcript; run a drill and answer aloud")
    report = session.report
    if report is None:
        from .check import check

        report = check(transcripts)
    material = _material(session, report, transcripts, options)
    call = options.call or datetime.fromisoformat(session.created_at).replace(tzinfo=None)
    source: Literal["interviewer", "option"] | None = (
        "option" if options.heard_back_in else ("interviewer" if material.frame else None)
    )
    plan = make_plan(call, material.frame, local_now, options.plan, source)
    names = _names(session, options)
    drafts = _drafts(material, names, plan)

    holes: list[str] = []
    for d in drafts:
        for p in PLACEHOLDER.findall(d.text):
            if p not in holes:
                holes.append(p)
    notes: list[str] = []
    for span in (material.question_topic or material.question, material.fit):
        if span is not None and span.unsure():
            words = ", ".join(f"'{w}'" for w in span.unsure())
            quoted = span.text.rstrip(".?!")
            notes.append(f"The recogniser was unsure of {words} in \"{quoted}\": check the wording before sending.")
    if source == "interviewer" and material.frame is not None:
        notes.append(
            f"The time frame \"{material.frame.phrase}\" is what the drill's interviewer said; "
            "if your real interviewer said otherwise, pass --heard-back-in."
        )
    thank = plan.step("thank_you")
    if thank.overdue:
        notes.append("The thank-you is past its time: send it as soon as you can.")
    for key, option in (("interviewer", "--interviewer"), ("company", "--company"), ("role", "--role"), ("sender", "--name")):
        if names[key] is None:
            ph = templates()["names"][key]
            notes.append(
                f"Sign with your name: fill in {ph} or pass {option}." if key == "sender"
                else f"The drill did not have the {key}: fill in {ph} or pass {option}."
            )  # fmt: skip
    return FollowUp(session.id, names, plan, drafts, tuple(holes), tuple(notes))


# --- Output -------------------------------------------------------------------------------------------


def _stamp(t: datetime) -> str:
    return f"{t:%a} {t.day} {t:%b %Y, %H:%M}"


def summary_lines(f: FollowUp) -> list[tuple[str, str]]:
    """The plan line by line as ``(label, text)``: ``("Call:", "Mon 7 Dec...")``, a step's indented date
    and its reminder, ``("Note:", note)``; ``("", "")`` is a blank line. ``summary`` joins each pair with a
    space; on a terminal the command line wraps each text under itself, beside its label."""
    n = f.names
    ph = templates()["names"]
    who = f"{n['role'] or ph['role']} at {n['company'] or ph['company']}, interviewer {n['interviewer'] or ph['interviewer']}"
    frame = f.plan.frame
    if frame is None:
        heard = "none given, so the first check-in comes after seven business days"
    else:
        by = "as you heard it" if f.plan.frame_source == "option" else "from the interviewer"
        heard = f"{frame.phrase} ({by}; ends {frame.end(f.plan.call.date()):%a} {frame.end(f.plan.call.date()).day} {frame.end(f.plan.call.date()):%b})"
    days = f"weekends and {f.plan.country} public holidays" if f.plan.country else "weekends only (give --country GB, US... to skip public holidays too)"
    blank = ("", "")
    lines = [("Follow-up plan:", who), ("Call:", f"{_stamp(f.plan.call)}. Time frame: {heard}."), ("Skipped:", f"{days}."), blank]
    reminders = templates()["reminders"]
    for s in f.plan.steps:
        title = reminders[s.kind].format(**{k: v or ph.get(k, "") for k, v in n.items()})
        lines.append((f"  {_stamp(s.when):<24}", f"{title}{'  (past: do it now)' if s.overdue else ''}"))
    if f.placeholders:
        lines += [blank, ("Fill in before sending:", "; ".join(f.placeholders))]
    lines += [("Note:", note) for note in f.notes]
    return lines


def summary(f: FollowUp) -> str:
    """The plan as plain text: dates, the time frame, what to fill in."""
    return "\n".join(f"{label} {text}" if label else text for label, text in summary_lines(f)) + "\n"


def draft_sections(f: FollowUp) -> list[str]:
    """Every draft under a ``===== Thank-you email (send ...) =====`` line, as it will be sent."""
    return [
        f"===== {STEP_TITLES[d.kind]} (send {_stamp(f.plan.step(d.kind).when)}) =====\n\n{d.text}" for d in f.drafts
    ]


def full_text(f: FollowUp) -> str:
    """The summary and every draft: what ``followup.txt`` holds."""
    return "\n".join([summary(f), *draft_sections(f)])


def calendar(f: FollowUp, now: datetime) -> str:
    """The plan as an iCalendar file: one event with a reminder per step, the draft in its description."""
    ph = templates()["names"]
    values = {k: v or ph.get(k, "") for k, v in f.names.items()}
    reminders = templates()["reminders"]
    events = [
        CalendarEvent(
            uid=f"{f.session}-{s.kind.replace('_', '-')}@voicepractice",
            start=s.when,
            summary=reminders[s.kind].format(**values),
            description=f.draft(s.kind).text,
        )
        for s in f.plan.steps
    ]
    return to_ics(events, now, f"-//voicepractice//followup {__version__}//EN")


def write_files(f: FollowUp, folder: Path, now: datetime) -> dict[str, Path]:
    """``followup.txt`` and ``followup.ics`` in ``folder`` (created 0700 if needed)."""
    paths = {"text": folder / "followup.txt", "ics": folder / "followup.ics"}
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_private(paths["text"], full_text(f).encode("utf-8"))
        write_private(paths["ics"], calendar(f, now).encode("utf-8"))
    except OSError as exc:
        raise FollowUpError(f"cannot write the follow-up to {folder}: {exc.strerror or exc}; choose another folder with --out") from exc
    return paths
