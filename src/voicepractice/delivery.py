"""Delivery figures: pace, fillers, pauses and length, each with the norm beside it.

The figures come from the recogniser's word timings. Typed text has no
timings, so its timing figures are None while word and filler counts are
still filled in.

Filler detection is shared with the checker (``find_fillers``): the checker
drops the fillers before matching its phrase bank, so "what's the, like,
timeline" reads as "what's the timeline".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .records import Delivery, Transcript

log = logging.getLogger(__name__)

# --- Norms -------------------------------------------------------------------
# Each norm names where it comes from, so the report card can say why a figure
# is flagged.

WPM_LOW = 120.0
WPM_HIGH = 165.0
# Source: conversational US English averages about 150 words per minute
# (National Center for Voice and Speech, "Voice qualities"); S. E. Lucas, *The
# Art of Public Speaking* (8th ed., 2004, p. 300) gives 125-150 wpm. On the
# phone the listener has no face to read, so the band is widened a little at
# the slow end and capped at 165: faster than that, a nervous close blurs.

FILLERS_PER_100_WORDS_HIGH = 3.0
# Source: Bortfeld et al. (2001), "Disfluency rates in conversation", Language
# and Speech 44(2): about 6 disfluencies per 100 words in ordinary conversation,
# filled pauses (uh, um) are a large share of them. A rehearsed close should
# sit well below that everyday rate, hence 3 per 100 words.

FILLERS_PER_MINUTE_HIGH = 4.5
# Derived: 3 fillers per 100 words at the 150 wpm conversational average
# (the two norms above) is 4.5 fillers a minute.

LONGEST_PAUSE_HIGH_S = 3.0
# Source: G. Jefferson (1989), "Preliminary notes on a possible metric which
# provides for a 'standard maximum' silence of approximately one second in
# conversation": the tolerated gap in talk is near 1 s. On the phone a silence
# has no face to explain it, so 3 s inside one's own answer is a generous
# ceiling before it reads as a lost thread or a dropped line.

DURATION_HIGH_S = 75.0
WORD_COUNT_HIGH = 140
# Product guideline: a close is the last minute of the call. 75 seconds, or
# about 140 words at the 120-165 wpm band, is the most it should take; beyond
# that the checker reports "rambling" (rubric.toml [rambling] uses the same).

PAUSE_GAP_S = 1.0
# Gaps over 1 s are taken out of speaking time (see records.Delivery.speaking_s),
# following Jefferson's one-second standard maximum above.

DELIVERY_NORMS: dict[str, dict[str, float | str | None]] = {
    "words_per_minute": {
        "low": WPM_LOW,
        "high": WPM_HIGH,
        "unit": "wpm",
        "source": "NCVS (~150 wpm conversational); Lucas, The Art of Public Speaking (125-150)",
    },
    "fillers_per_minute": {
        "low": None,
        "high": FILLERS_PER_MINUTE_HIGH,
        "unit": "per min",
        "source": "3 per 100 words at 150 wpm (derived from the two norms beside it)",
    },
    "fillers_per_100_words": {
        "low": None,
        "high": FILLERS_PER_100_WORDS_HIGH,
        "unit": "per 100 words",
        "source": "Bortfeld et al. 2001: ~6 disfluencies/100 words in conversation",
    },
    "longest_pause_s": {
        "low": None,
        "high": LONGEST_PAUSE_HIGH_S,
        "unit": "s",
        "source": "Jefferson 1989: ~1 s standard maximum silence; 3 s on the phone",
    },
    "duration_s": {
        "low": None,
        "high": DURATION_HIGH_S,
        "unit": "s",
        "source": "product guideline: a close fits in about a minute",
    },
    "word_count": {
        "low": None,
        "high": float(WORD_COUNT_HIGH),
        "unit": "words",
        "source": "product guideline: ~75 s at 120-165 wpm",
    },
}
"""The norm beside each Delivery figure: ``low``/``high`` bounds (None: no bound), unit, source."""

Verdict = Literal["low", "ok", "high"]


def compare_to_norms(delivery: Delivery) -> dict[str, Verdict | None]:
    """Where each figure sits against ``DELIVERY_NORMS`` (None when the figure is unknown)."""
    out: dict[str, Verdict | None] = {}
    for name, norm in DELIVERY_NORMS.items():
        value = getattr(delivery, name)
        if value is None:
            out[name] = None
            continue
        low, high = norm["low"], norm["high"]
        if isinstance(low, float) and value < low:
            out[name] = "low"
        elif isinstance(high, float) and value > high:
            out[name] = "high"
        else:
            out[name] = "ok"
    return out


# --- Fillers -----------------------------------------------------------------

HESITATIONS = frozenset(
    "um umm ummm uh uhh uhhh uhm erm er err ah ahh eh hmm hm mm mmm mhm".split()
)
"""Filled pauses: always fillers, whatever surrounds them."""

# "like" is a verb or a preposition after these words ("I'd like", "people
# like you", "feels like", "what is it like"), so it is not counted there.
_LIKE_NOT_FILLER_AFTER = frozenset(
    """i you we they he she i'd you'd we'd they'd id would should could might may will
    i'll we'll don't dont do does did didn't didnt not really also to 'd
    feel feels felt look looks looked sound sounds sounded seem seems seemed
    something anything nothing everything things thing people someone somebody
    others one ones more much exactly just very be is it what's whats would've""".split()
)
# After these, "like" usually starts a hedge ("and like, five years").
_LIKE_FILLER_AFTER = frozenset(
    """and but so or um uh was were is are am it's its that's thats then
    totally literally basically honestly yeah okay ok oh well""".split()
)
_NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve fifteen twenty
    thirty forty fifty hundred thousand million a few couple half""".split()
)
# "you know" is content after these ("let you know", "as you know", "do you know").
_YOU_KNOW_NOT_AFTER = frozenset(
    """let lets letting do does did would will i'll we'll if to as don't dont might may
    should could can that""".split()
)
_YOU_KNOW_NOT_BEFORE = frozenset(
    "what how that if when where why who whether about anything him her them it me the".split()
)
_I_MEAN_NOT_BEFORE = frozenset("it that to what this".split())

_STRIP = re.compile(r"^[^\w']+|[^\w']+$")


def _bare(text: str) -> str:
    return _STRIP.sub("", text.lower().replace("\u2019", "'"))


def find_fillers(words: Sequence[str]) -> list[tuple[int, int, str]]:
    """Filler words and phrases in a sequence of word texts.

    Returns ``(start, end, filler)`` with ``end`` exclusive, in word indices.
    Punctuation is read as a hint ("like," and ", like" are fillers).
    """
    bare = [_bare(w) for w in words]
    out: list[tuple[int, int, str]] = []
    n = len(bare)
    i = 0
    while i < n:
        w = bare[i]
        prev = bare[i - 1] if i > 0 else ""
        nxt = bare[i + 1] if i + 1 < n else ""
        comma_before = i > 0 and words[i - 1].rstrip().endswith((",", "...", "-"))
        comma_after = words[i].rstrip().endswith((",", "...", "-"))
        sentence_start = i == 0 or words[i - 1].rstrip().endswith((".", "?", "!"))
        if w in HESITATIONS:
            if not _hesitation_is_a_word(words, bare, i, sentence_start):
                out.append((i, i + 1, w))
        elif w == "like":
            if _like_is_filler(prev, nxt, comma_before, comma_after, sentence_start):
                out.append((i, i + 1, "like"))
        elif w == "you" and nxt == "know":
            after = bare[i + 2] if i + 2 < n else ""
            trailing_comma = words[i + 1].rstrip().endswith(",")
            if prev not in _YOU_KNOW_NOT_AFTER and (
                trailing_comma or after not in _YOU_KNOW_NOT_BEFORE
            ):
                out.append((i, i + 2, "you know"))
                i += 2
                continue
        elif w == "i" and nxt == "mean":
            after = bare[i + 2] if i + 2 < n else ""
            if (sentence_start or comma_before or prev in _LIKE_FILLER_AFTER) and (
                after not in _I_MEAN_NOT_BEFORE or words[i + 1].rstrip().endswith(",")
            ):
                out.append((i, i + 2, "i mean"))
                i += 2
                continue
        i += 1
    return out


# A hesitation word inside a noun phrase is a noun ("a busy er", "the er"): counted
# only when punctuation sets it apart ("the, er, team").
_DETERMINERS = frozenset("a an the this that my your our their his her its busy".split())
# "um" and "uh" are never words; these can be ("ER", "5 mm", "to err", "Ah" as a name).
_CAN_BE_WORDS = frozenset("er err erm mm hm eh ah".split())


def _hesitation_is_a_word(words: Sequence[str], bare: Sequence[str], i: int, sentence_start: bool) -> bool:
    """True when "er"/"mm"/"ah" is part of the sentence, not a filled pause.

    "ER" (an acronym), "Ah" capitalised mid-sentence (a name), "5 mm" (a unit),
    and "a busy er" / "the er" with no comma (a noun in a noun phrase).
    """
    raw = _STRIP.sub("", words[i].replace("\u2019", "'"))
    if len(raw) >= 2 and raw.isupper():
        return True
    if raw[:1].isupper() and not sentence_start:
        return True
    if bare[i] not in _CAN_BE_WORDS:
        return False
    if i > 0 and bare[i - 1] in ("to", "i", "we", "they", "you"):
        return True  # "to err is human", "we err on the side of caution"
    if i > 0 and (bare[i - 1][:1].isdigit() or bare[i - 1] in _NUMBER_WORDS):
        return True
    # Look back at most two words, stopping at punctuation: a determiner there makes it a noun.
    for k in (i - 1, i - 2):
        if k < 0 or words[k].rstrip().endswith((",", ".", "?", "!", ";", ":", "...", "-")):
            return False
        if bare[k] in _DETERMINERS:
            return True
    return False


def _like_is_filler(
    prev: str, nxt: str, comma_before: bool, comma_after: bool, sentence_start: bool
) -> bool:
    if prev in _LIKE_NOT_FILLER_AFTER or prev.endswith("'d"):
        # "I'd like to", "feels like home": but "really, like," keeps the comma hint.
        return comma_after and prev not in ("would", "i'd", "id", "to")
    if comma_before or comma_after or sentence_start or prev in _LIKE_FILLER_AFTER:
        return True
    if prev in HESITATIONS:
        return True
    # "like five years": "like" as an approximator before a number is a hedge.
    return nxt in _NUMBER_WORDS or nxt[:1].isdigit()


# --- Figures -----------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryOptions:
    """How delivery figures are computed."""

    pause_gap_s: float = PAUSE_GAP_S
    """Silences longer than this are not counted as speaking time."""


def measure(
    turns: Transcript | Sequence[Transcript], options: DeliveryOptions | None = None
) -> Delivery:
    """Delivery figures for one turn or several (figures are summed over turns)."""
    opts = options or DeliveryOptions()
    seq: Sequence[Transcript] = [turns] if isinstance(turns, Transcript) else turns
    word_count = 0
    fillers: list[str] = []
    timed_any = False
    duration = 0.0
    speaking = 0.0
    longest: float | None = None
    for t in seq:
        words = t.words or Transcript.from_text(t.text, t.turn).words
        texts = [w.text for w in words]
        word_count += len(texts)
        fillers.extend(f for _, _, f in find_fillers(texts))
        if not t.timed or not words:
            continue
        timed_any = True
        starts = [w.start for w in words]
        ends = [w.end if w.end is not None else w.start for w in words]
        first = starts[0] or 0.0
        last = max(e or 0.0 for e in ends)
        span = max(0.0, last - first)
        gaps = [
            max(0.0, (starts[k + 1] or 0.0) - (ends[k] or 0.0)) for k in range(len(words) - 1)
        ]
        span -= sum(g for g in gaps if g > opts.pause_gap_s)
        speaking += max(0.0, span)
        turn_longest = max(gaps, default=0.0)
        longest = turn_longest if longest is None else max(longest, turn_longest)
        duration += t.duration if t.duration is not None else last
    minutes = speaking / 60.0 if timed_any and speaking > 0 else None
    return Delivery(
        duration_s=round(duration, 2) if timed_any else None,
        speaking_s=round(speaking, 2) if timed_any else None,
        word_count=word_count,
        words_per_minute=round(word_count / minutes, 1) if minutes else None,
        filler_count=len(fillers),
        fillers_per_minute=round(len(fillers) / minutes, 2) if minutes else None,
        fillers_per_100_words=round(100.0 * len(fillers) / word_count, 2) if word_count else 0.0,
        longest_pause_s=round(longest, 2) if longest is not None else None,
        fillers=tuple(fillers),
    )
