"""The follow-up plan: when to send the thank-you, the check-ins and the last note.

Three jobs, all free of I/O and of the clock (``now`` is always passed in):

1. Read a time frame ("we'll decide within two weeks", "by the end of next
   week", "10 business days") from what the interviewer said, or from
   ``--heard-back-in 2w``.
2. Turn the call's date and that time frame into dated steps, on business days only.
3. Write the steps as an iCalendar file (RFC 5545, with the ``icalendar`` package)
   that calendar apps import: one event with a reminder per step.

The rules, from the usual career advice:

- thank-you: a few hours after the call, the same day; when that falls in the
  evening or on a weekend, the next business morning instead;
- first check-in: the business day after the time frame ends, or seven
  business days after the call when no time frame was given;
- second check-in (at most one): a week (five business days) later;
- last note: about three weeks after the call, and never sooner than a week
  after the last check-in.

Business days skip Saturdays, Sundays and the public holidays of
``PlanOptions.country`` (the ``holidays`` package); with no country, weekends only.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

FrameKind = Literal[
    "days", "business_days", "weeks", "months", "week_end", "weekday", "month_end", "month_mid", "month_early"
]
StepKind = Literal["thank_you", "check_in", "check_in_2", "last_note"]


# --- Time frames -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeFrame:
    """When the interviewer said the person would hear back."""

    kind: FrameKind
    """``days``/``business_days``/``weeks``/``months`` after the call; ``week_end`` (the
    Friday of the call's week plus ``offset`` weeks); ``weekday`` (the next such day, or the
    one ``offset`` weeks on); ``month_end``/``month_mid``/``month_early`` (the last, the 15th,
    the 10th day of the month ``offset`` months on)."""
    amount: int
    """How many days/weeks/months, or the weekday (0 is Monday) for ``weekday``."""
    phrase: str
    """The words as heard ("within two weeks"), for the drafts."""
    offset: int = 0
    """Weeks or months on, for the anchored kinds."""

    def end(self, call: date, days_off: Container[date] = ()) -> date:
        """The last day of the time frame for a call on ``call`` (``days_off``: public holidays)."""
        if self.kind == "days":
            return call + timedelta(days=self.amount)
        if self.kind == "business_days":
            return add_business_days(call, self.amount, days_off)
        if self.kind == "weeks":
            return call + timedelta(weeks=self.amount)
        if self.kind == "months":
            return add_months(call, self.amount)
        if self.kind == "week_end":
            return call + timedelta(days=4 - call.weekday() + 7 * self.offset)
        if self.kind == "weekday":
            if self.offset:
                return call - timedelta(days=call.weekday()) + timedelta(weeks=self.offset, days=self.amount)
            return call + timedelta(days=(self.amount - call.weekday() - 1) % 7 + 1)
        first = add_months(call.replace(day=1), self.offset)
        if self.kind == "month_end":
            return first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return first.replace(day=15 if self.kind == "month_mid" else 10)

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "amount": self.amount, "offset": self.offset, "phrase": self.phrase}


_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "twenty": 20, "thirty": 30, "couple": 2, "couple of": 2, "a couple of": 2,
    "a couple": 2, "few": 3, "a few": 3,
}  # fmt: skip
_NUMBER_WORDS = {v: k for k, v in _NUMBERS.items() if k.isalpha() and len(k) > 2 and k not in ("few", "couple")}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_NUM = r"(?:\d{1,3}|a couple of|a couple|couple of|a few|few|" + "|".join(
    k for k in sorted(_NUMBERS, key=len, reverse=True) if " " not in k and k not in ("few", "couple")
) + ")"
_UNIT = r"(?:(?P<bd>business|working) )?(?P<unit>day|week|month)s?"
_LEAD = (
    r"(?:(?:within|in|inside of|inside|over|after|by|around|about|roughly|approximately|up to|"
    r"takes?|taking|need|needs)\s+)+(?:the\s+)?(?:next\s+)?"
)
# A lead word is required ("have a great day" is no time frame), except before business days.
_RELATIVE = re.compile(
    rf"\b{_LEAD}(?:a|one) (?P<unit2>day|week|month) or two\b"
    rf"|\b{_LEAD}(?P<n>{_NUM})(?:\s*(?:-|to|or)\s*(?P<n2>{_NUM}))?\s+{_UNIT}\b"
    rf"|\b(?:a|one) (?P<unit3>day|week|month) or two\b"
    rf"|\b(?P<r1>{_NUM})\s*(?:-|to|or)\s*(?P<r2>{_NUM})\s+(?P<unit4>day|week|month)s\b"
    rf"|\b(?P<nb>{_NUM})(?:\s*(?:-|to|or)\s*(?P<nb2>{_NUM}))?\s+(?:business|working) days?\b"
)
_ANCHOR_TABLE: tuple[tuple[str, FrameKind, int, int], ...] = (
    (r"\b(?:by |before )?(?:the )?end of (?:this|the) week\b|\blater this week\b", "week_end", 0, 0),
    (r"\b(?:by |before )?(?:the )?end of next week\b", "week_end", 0, 1),
    (r"\b(?:by |before )?(?:early|the beginning of|the start of) next week\b", "weekday", 1, 1),
    (r"\b(?:by |before |sometime )?next week\b", "week_end", 0, 1),
    (r"\b(?:by |before )?(?:the )?end of (?:this|the) month\b|\blater this month\b", "month_end", 0, 0),
    (r"\b(?:by |before )?(?:the )?end of next month\b", "month_end", 0, 1),
    (r"\b(?:by |before |in )?(?:the )?(?:middle of|mid) next month\b|\bmid-next month\b", "month_mid", 0, 1),
    (r"\b(?:by |before |in )?(?:early|the beginning of|the start of) next month\b", "month_early", 0, 1),
    (r"\b(?:by |before |sometime )?next month\b", "month_end", 0, 1),
    (r"\b(?:by |before )?tomorrow\b", "days", 1, 0),
)
_ANCHORS = tuple((re.compile(p), kind, amount, offset) for p, kind, amount, offset in _ANCHOR_TABLE)
_BY_WEEKDAY = re.compile(r"\b(?:by|before|on|until) (?:next |this )?(?P<day>" + "|".join(_WEEKDAYS) + r")\b")
# A number and a unit as typed: "3d", "2w", "10bd", "1m", or the unit as a word, glued on or not
# ("2weeks", "2wks", "10days", "1month", "3 business days", "10-day"); "2weeks" was refused.
_SHORT = re.compile(
    r"^\s*(?P<n>\d{1,3})\s*-?\s*(?:(?P<bd>bd|bdays?|(?P<bdword>business|working)[\s-]*days?)|(?P<d>d|days?)"
    r"|(?P<w>w|wks?|weeks?)|(?P<m>m|mos?|mths?|months?))\s*$"
)
_SHORT_UNITS: dict[str, tuple[FrameKind, str]] = {
    "bd": ("business_days", "business day"), "d": ("days", "day"), "w": ("weeks", "week"), "m": ("months", "month")
}  # fmt: skip
# A hiring decision comes within a year: a longer frame is a typo ("999m" planned check-ins in
# 2110), and heard in a line it is not about this job ("in twenty years' time").
_LONGEST: dict[str, int] = {"days": 366, "business_days": 261, "weeks": 52, "months": 12}


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBERS[text]


_PREPOSITIONS = ("within", "in", "inside", "over", "after", "by", "before", "on", "until", "around", "about",
                 "roughly", "approximately", "up", "early", "next", "later", "the", "sometime", "tomorrow")


def _phrase(matched: str) -> str:
    """The matched words as the drafts can use them: "...hear from you within ten working days"."""
    words = matched.strip().split()
    while words and words[0] in ("takes", "take", "taking", "need", "needs"):
        words = words[1:]
    if words and words[0] in ("about", "around", "roughly", "approximately"):
        words.insert(0, "in")
    elif words and words[0] == "end":  # "end of next week": by the end of it, not "within end of"
        words[:0] = ["by", "the"]
    elif words and words[0] not in _PREPOSITIONS:
        words.insert(0, "within")
    return " ".join(w.capitalize() if w in _WEEKDAYS else w for w in words)


def parse_time_frame(text: str) -> TimeFrame | None:
    """The first time frame stated in ``text``, or None.

    Reads "within two weeks", "in the next few days", "10 business days",
    "a week or two", "by the end of next week", "early next month", "by
    Friday"... A range ("one to two weeks") counts to its far end.
    """
    low = " ".join(text.lower().replace("’", "'").split())
    found: list[tuple[int, int, TimeFrame]] = []
    for m in _RELATIVE.finditer(low):
        if m.group("unit2") or m.group("unit3"):
            unit, amount, bd = m.group("unit2") or m.group("unit3"), 2, False
        elif m.group("r2"):
            unit, amount, bd = m.group("unit4"), _number(m.group("r2")), False
        elif m.group("nb"):
            unit, amount, bd = "day", _number(m.group("nb2") or m.group("nb")), True
        else:
            unit = m.group("unit")
            amount = _number(m.group("n2") or m.group("n"))
            bd = bool(m.group("bd"))
        kind: FrameKind = "business_days" if bd and unit == "day" else f"{unit}s"  # type: ignore[assignment]
        if not 0 < amount <= _LONGEST[kind]:
            continue
        found.append((m.start(), -len(m.group(0)), TimeFrame(kind, amount, _phrase(m.group(0)))))
    for pattern, kind, amount, offset in _ANCHORS:
        for m in pattern.finditer(low):
            found.append((m.start(), -len(m.group(0)), TimeFrame(kind, amount, _phrase(m.group(0)), offset)))
    for m in _BY_WEEKDAY.finditer(low):
        found.append((m.start(), -len(m.group(0)), TimeFrame("weekday", _WEEKDAYS.index(m.group("day")), _phrase(m.group(0)))))
    if not found:
        return None
    return min(found, key=lambda f: (f[0], f[1]))[2]


def parse_heard_back_in(value: str) -> TimeFrame:
    """``3d``, ``2w``, ``10bd`` (business days), ``1m``, the unit as a word (``2weeks``,
    ``10 days``, ``3 business days``), or words ("within two weeks", "early next week").

    Raises ValueError with a message saying what is accepted.
    """
    m = _SHORT.match(value.lower())
    if m:
        n, unit = int(m.group("n")), next(u for u in _SHORT_UNITS if m.group(u))
        kind, noun = _SHORT_UNITS[unit]
        if m.group("bdword"):
            noun = f"{m.group('bdword')} day"  # "10 working days" stays working days in the drafts
        # A unit spelled as a word keeps the number as typed ("within 3 days"); "3d" is spelled out.
        spelled = m.group(unit) in ("days", "day", "weeks", "week", "months", "month") or bool(m.group("bdword"))
        if n <= 0:
            raise ValueError(f"{value!r}: the time frame must be at least one day")
        if n > _LONGEST[kind]:
            most = f"{_LONGEST[kind]} {noun}s" if spelled else f"{_LONGEST[kind]}{unit}"
            raise ValueError(f"{value!r}: the time frame must be within a year (at most {most})")
        count = str(n) if spelled or n > 20 else _NUMBER_WORDS.get(n, str(n))
        return TimeFrame(kind, n, f"within {count} {noun}{'s' if n > 1 else ''}")
    # Typed, "two weeks" is a time frame as "within two weeks" is (heard in a line, a lead word is needed).
    frame = parse_time_frame(value) or parse_time_frame(f"within {value}")
    if frame is None:
        raise ValueError(
            f"{value!r}: use a number and a unit such as 3d, 2w, 10bd (business days) or 1m, "
            "or words such as \"2 weeks\" or \"early next week\""
        )
    return frame


# Words that tie a time to the news reaching the person: "expect news", "you'll hear", "we'll get
# back to you", "a decision", "set up a call" (not "on-call").
_HEARD_BACK = re.compile(
    r"\b(?:hear(?:ing)?|heard|news|decisions?|decid(?:e|es|ed|ing)|answers?|outcome|results?|"
    r"respon(?:d|se)|update you|an update|feedback|next steps?|expect(?:ing)?|let you know|back to you|"
    r"in touch|reach(?:ing)? out|contact you|follow(?:ing)?(?: |-)up|(?<![\w-])calls?|email you|"
    r"process|timeline|time ?frame|you(?:'ll| will| should))\b"
)
# Words of the team's own steps, whose times are not when the person hears: "the team meets on
# Friday", "the panel reviews on Monday", "we're interviewing through Thursday".
_INTERNAL = re.compile(
    r"\b(?:meet(?:s|ing)?|met|review(?:s|ed|ing)?|interview(?:s|ing)|debrief\w*|discuss\w*|deliberat\w*|"
    r"compar(?:e|es|ing) notes|(?:talk|speak)(?:s|ing)? (?:to|with) (?!you\b)\w+|conversations?|"
    r"candidates?|regroup\w*|sync\w*|calibrat\w*|writ(?:e|es|ing) up)\b"
)
_CLAUSE_BREAK = re.compile(
    r"(?<=[.!?])\s+|\s*[,;:\u2013\u2014]\s*|\s+(?:and|so|but|then|while|whereas|though|although)\s+"
)


def _tier(clause: str) -> int:
    """How surely the clause's time is when they will hear: 0 news reaching them; 1 the same mixed
    with the team's own steps ("after the panel meets we'll let you know..."); 2 neither; 3 only
    the team's own steps. A closing line often holds both kinds, and the first is not the answer."""
    heard, internal = bool(_HEARD_BACK.search(clause)), bool(_INTERNAL.search(clause))
    if heard:
        return 1 if internal else 0
    return 3 if internal else 2


def _clause_frame(clause: str) -> TimeFrame | None:
    """The clause's time frame: the one after its hearing-back words first ("...we'll get back to
    you within two weeks" after "the panel reviews on Monday"), else the one before them ("by
    Friday you'll hear"); with no such words, the first."""
    cue = _HEARD_BACK.search(clause)
    if cue is None:
        return parse_time_frame(clause)
    return parse_time_frame(clause[cue.start() :]) or parse_time_frame(clause[: cue.start()])


def _line_frames(line: str) -> list[tuple[int, int, TimeFrame]]:
    """Each clause's time frame in one line, as ``(tier, clause index, frame)``."""
    low = line.lower().replace("\u2019", "'")
    found = []
    for i, clause in enumerate(_CLAUSE_BREAK.split(low)):
        frame = _clause_frame(clause)
        if frame is not None:
            found.append((_tier(clause), i, frame))
    if not found:  # a frame across a clause break is still a frame
        whole = parse_time_frame(low)
        if whole is not None:
            found.append((2, 0, whole))
    return found


def frame_from_lines(lines: Sequence[str]) -> TimeFrame | None:
    """The time frame in the interviewer's lines: when they said the person would hear back.

    "The team meets on Friday to review, so expect news early next week" is early next week: a
    time tied to news reaching the person beats a neutral one, which beats one of the team's own
    steps; at the same tier the latest line wins (it is the answer), then the first clause. A lone
    time is still taken, whatever its tier.
    """
    found = [(tier, -n, i, frame) for n, line in enumerate(lines) for tier, i, frame in _line_frames(line)]
    return min(found, key=lambda f: f[:3])[3] if found else None


# --- Dates -------------------------------------------------------------------------------


def is_business_day(d: date, days_off: Container[date] = ()) -> bool:
    """A weekday that is not one of ``days_off`` (public holidays)."""
    return d.weekday() < 5 and d not in days_off


def next_business_day(d: date, days_off: Container[date] = ()) -> date:
    """``d`` itself when it is a business day, else the next one."""
    while not is_business_day(d, days_off):
        d += timedelta(days=1)
    return d


def add_business_days(d: date, n: int, days_off: Container[date] = ()) -> date:
    """The ``n``-th business day after ``d`` (``d`` itself need not be one)."""
    while n > 0:
        d += timedelta(days=1)
        if is_business_day(d, days_off):
            n -= 1
    return d


def country_from_locale() -> str | None:
    """The country of the person's locale (``en_GB.UTF-8`` → ``GB``), or None (C/POSIX locale)."""
    import os

    # The setting in force, as the C library reads it (LC_ALL, then LC_TIME, then LANG).
    # Not locale.getlocale(): Python maps "C.UTF-8" to "en_US", which would invent a country.
    value = next((v for v in (os.environ.get(k) for k in ("LC_ALL", "LC_TIME", "LANG")) if v), "")
    m = re.match(r"^[a-z]{2,3}_([A-Z]{2})\b", value)
    return m.group(1) if m else None


def public_holidays(country: str | None) -> Container[date]:
    """The public holidays of ``country`` (ISO 3166 two-letter code; any year), from the ``holidays`` package.

    None or "" means none are skipped. An unknown code is a ValueError whose message says what to use.
    """
    if not country:
        return frozenset()
    import holidays

    try:
        return holidays.country_holidays(country.upper())
    except NotImplementedError:
        raise ValueError(
            f"no public holidays known for country {country!r}: use a two-letter code such as US, GB, DE or FR"
        ) from None


def add_months(d: date, n: int) -> date:
    """Same day ``n`` months on, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month0 = d.month - 1 + n
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class PlanOptions:
    """The plan's rules; the defaults follow the usual career advice."""

    thank_you_after_h: float = 3.0
    """Hours between the end of the call and the thank-you."""
    latest_send: time = time(18, 0)
    """A thank-you that would go out after this is sent the next business morning."""
    morning: time = time(9, 0)
    """Time of day for the reminders of later steps."""
    no_frame_business_days: int = 7
    """First check-in after this many business days when no time frame was given."""
    check_ins: int = 2
    """How many check-ins: 1 or 2 (never more)."""
    between_check_ins_business_days: int = 5
    """Gap between the first and the second check-in."""
    last_note_days: int = 21
    """The last note goes about this many days after the call..."""
    last_note_gap_business_days: int = 5
    """...and at least this many business days after the last check-in."""
    country: str | None = None
    """Whose public holidays are not business days (ISO code: US, GB, DE...); None: weekends only."""


@dataclass(frozen=True)
class Step:
    """One dated step of the plan."""

    kind: StepKind
    when: datetime
    """Local wall-clock time (naive): reminders are "floating" in the calendar."""
    overdue: bool = False
    """The time has already passed (the plan was made late, or for an old call)."""

    def to_dict(self) -> dict[str, object]:
        return {"step": self.kind, "when": self.when.isoformat(timespec="minutes"), "overdue": self.overdue}


@dataclass(frozen=True)
class Plan:
    call: datetime
    """When the call ended, local wall-clock time (naive)."""
    frame: TimeFrame | None
    frame_source: Literal["interviewer", "option"] | None
    steps: tuple[Step, ...]
    country: str | None = None
    """Whose public holidays the business days skip (None: weekends only)."""

    def step(self, kind: StepKind) -> Step:
        return next(s for s in self.steps if s.kind == kind)


def _morning(d: date, options: PlanOptions) -> datetime:
    return datetime.combine(d, options.morning)


def thank_you_time(call: datetime, options: PlanOptions) -> datetime:
    """A few hours after the call, rounded up to the quarter hour; else the next business morning."""
    t = call + timedelta(hours=options.thank_you_after_h)
    t = t.replace(second=0, microsecond=0)
    if t.minute % 15:
        t += timedelta(minutes=15 - t.minute % 15)
    off = public_holidays(options.country)
    if t.date() == call.date() and is_business_day(t.date(), off) and t.time() <= options.latest_send:
        return max(t, _morning(t.date(), options))
    return _morning(add_business_days(call.date(), 1, off), options)


def make_plan(
    call: datetime,
    frame: TimeFrame | None,
    now: datetime,
    options: PlanOptions | None = None,
    frame_source: Literal["interviewer", "option"] | None = None,
) -> Plan:
    """The dated steps for a call that ended at ``call`` (naive local time)."""
    o = options or PlanOptions()
    if o.check_ins not in (1, 2):
        raise ValueError("check_ins must be 1 or 2")
    day = call.date()
    off = public_holidays(o.country)
    thank = thank_you_time(call, o)
    if frame is not None:
        # Never on or before the thank-you, even for a frame already over ("by the end of
        # the week" said on a Saturday).
        first = max(add_business_days(frame.end(day, off), 1, off), add_business_days(thank.date(), 1, off))
    else:
        first = add_business_days(day, o.no_frame_business_days, off)
    checks = [first]
    if o.check_ins == 2:
        checks.append(add_business_days(first, o.between_check_ins_business_days, off))
    last = max(
        next_business_day(day + timedelta(days=o.last_note_days), off),
        add_business_days(checks[-1], o.last_note_gap_business_days, off),
    )
    kinds: tuple[StepKind, ...] = ("check_in", "check_in_2")
    dated: list[tuple[StepKind, datetime]] = [("thank_you", thank)]
    dated += [(k, _morning(d, o)) for k, d in zip(kinds, checks, strict=False)]
    dated.append(("last_note", _morning(last, o)))
    steps = tuple(Step(kind, when, overdue=when < now) for kind, when in dated)
    return Plan(call=call, frame=frame, frame_source=frame_source if frame else None, steps=steps,
                country=o.country.upper() if o.country else None)  # fmt: skip


# --- iCalendar ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: datetime
    """Floating local time: the reminder fires at this wall-clock time wherever the person is."""
    summary: str
    description: str
    minutes: int = 15


def to_ics(events: Sequence[CalendarEvent], now: datetime, prodid: str) -> str:
    """A VCALENDAR with one VEVENT (and one VALARM at its start) per event, written by ``icalendar``.

    The library does RFC 5545's escaping and its folding at 75 octets (never inside a
    character), which our own writer used to do by hand.
    """
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    stamp = now.astimezone(UTC)
    for e in events:
        event = icalendar.Event()
        event.add("uid", e.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", e.start)  # naive: a floating time, the reminder fires at this wall-clock time
        event.add("duration", timedelta(minutes=e.minutes))
        event.add("summary", e.summary)
        event.add("description", e.description)
        event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: it does not make the person busy
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", e.summary)
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")
