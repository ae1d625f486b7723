"""Cutting a close into the sentences and clauses the model judges one by one.

Punctuated text (typed, or Whisper's usual output) is cut at sentence ends.
Speech recognisers also hand back long unpunctuated runs ("thank you for your
time i am really excited about this role what are the next steps"); those, and
very long sentences, are cut again before the words that open a new clause:
a thank-you, a question ("what are", "when will", "could you"), a new "I"
statement, "so/and/but" followed by one of those. Every clause keeps the range
of words it came from, so a verdict can quote it whole, with its time and turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Transcript, Word

__all__ = ["Clause", "split_turns", "split_words"]

LONG = 22
"""A sentence with more words than this is cut at clause openers too."""
MIN_WORDS = 3
"""Never leave a clause shorter than this (on either side of a cut)."""

_END = (".", "?", "!", ";", "\u2026")
_THANKS = frozenset({"thank", "thanks", "cheers", "thankyou"})
_WH = frozenset({"what", "when", "how", "who", "where", "which", "whats", "what's", "when's", "how's", "whom"})
_WH_AUX = frozenset({"what's", "whats", "when's", "how's", "where's", "who's"})
"""A question word with its verb inside: "what's the main challenge" opens a question."""
_HOW_MUCH = frozenset({"much", "many", "long", "soon", "often", "big"})
_AUX = frozenset(
    "is are was were do does did can could will would should shall may might have has am 's 're 'll".split()
)
_ASK = frozenset({"could", "can", "would", "will", "is", "are", "do", "does", "may", "should"})
_YOU = frozenset({"you", "i", "we", "there", "it", "someone", "anyone", "anything", "they"})
_JOIN = frozenset({"so", "and", "but", "also", "anyway", "oh", "well", "okay", "ok", "right", "yeah", "um", "uh"})
_I_VERBS = frozenset(
    """am have 'm 've would 'd really think feel hope look want love believe know was
    appreciate enjoyed can will just bring led managed ran spent worked""".split()
)
# Words after which a wh-word continues the sentence instead of opening a new one:
# "could you tell me what the next steps are", "i was wondering when".
_NO_CUT_BEFORE_WH = frozenset(
    """me us know wondering wonder ask asked about tell on of is and that see sure idea
    understand learn hear curious clarify share explain exactly""".split()
)


@dataclass(frozen=True)
class Clause:
    """One sentence or clause of a turn, as spoken."""

    text: str
    """The words exactly as transcribed, joined by spaces."""
    turn: int
    """``Transcript.turn`` of the turn it was said in."""
    first: int
    """Index of its first word in the turn's words."""
    last: int
    """Index of its last word (inclusive)."""
    start: float | None = None
    """Seconds into the turn's recording (None for typed text)."""
    end: float | None = None
    """Seconds into the turn's recording (None for typed text)."""


def _bare(word: str) -> str:
    return word.lower().strip(".,!?;:\"()[]\u201c\u201d\u2026-").replace("\u2019", "'")


def _ends_sentence(word: str) -> bool:
    w = word.rstrip("\"')]\u201d")
    return w.endswith(_END)


def _opens_clause(bare: list[str], k: int) -> bool:
    """Whether word ``k`` opens a new clause in an unpunctuated run."""
    w = bare[k]
    prev = bare[k - 1] if k else ""
    nxt = bare[k + 1 : k + 4]
    if w in _THANKS:
        return prev not in {"no", "to", "a", "the", "say", "and"} or w == "thanks"
    if w in _JOIN and nxt and (nxt[0] in _THANKS or nxt[0] in _WH or nxt[0] == "i"
                               or (nxt[0] in _ASK and len(nxt) > 1 and nxt[1] in _YOU)):
        return True
    if w in _WH and prev not in _NO_CUT_BEFORE_WH and prev not in _JOIN and (
            any(x in _AUX for x in nxt[:2]) or w in _WH_AUX or (w == "how" and nxt and nxt[0] in _HOW_MUCH)):
        return True
    # A direct question run on after "me"/"us" ("i'd love it if you'd consider me what are the next
    # steps"): the verb straight after the question word, which "tell me what the next steps are" lacks.
    if w in _WH and prev in {"me", "us"} and nxt and (nxt[0] in _AUX or w in _WH_AUX):
        return True
    if w in _ASK and nxt and nxt[0] in _YOU and prev not in _WH and prev not in _JOIN and prev not in _YOU \
            and prev not in _AUX and prev not in {"that", "if", "what", "so", "which", "how"} \
            and not any(x in _WH for x in bare[max(0, k - 6) : k]):  # "how many days of leave do i get"
        return True
    if w in {"i", "i'm", "i've", "i'd", "im", "ive", "id"} and prev not in _AUX and prev not in _JOIN \
            and prev not in {"that", "because", "if", "when", "what", "as", "than", "where", "how", "why", "since",
                             # a complement, not a new clause: "i'm no longer sure i'm interested"
                             "sure", "think", "know", "feel", "hope", "believe", "guess", "say", "said", "mean"}:
        return (w != "i") or (bool(nxt) and nxt[0] in _I_VERBS)
    return False


def _cut_run(words: Sequence[Word], a: int, b: int, punctuated: bool) -> list[tuple[int, int]]:
    """Cut words[a..b] (inclusive) at clause openers; commas too when the run is long."""
    n = b - a + 1
    if punctuated and n <= LONG:
        return [(a, b)]
    bare = [_bare(w.text) for w in words[a : b + 1]]
    cuts: list[int] = []
    last = 0
    for k in range(MIN_WORDS, n - 1):
        if k - last < MIN_WORDS:
            continue
        comma = words[a + k - 1].text.rstrip().endswith(",")
        if _opens_clause(bare, k) or (comma and n > LONG and k - last >= 5):
            # A joining word stays with the clause it opens ("so what are...").
            cuts.append(k)
            last = k
    # Drop a final cut that would leave a stub at the end.
    while cuts and n - cuts[-1] < 2:
        cuts.pop()
    bounds = [0, *cuts, n]
    return [(a + bounds[i], a + bounds[i + 1] - 1) for i in range(len(bounds) - 1)]


def split_words(words: Sequence[Word], turn: int = 0) -> list[Clause]:
    """The clauses of one turn's words."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    punctuated = any(_ends_sentence(w.text) for w in words)
    spans: list[tuple[int, int]] = []
    a = 0
    for i, w in enumerate(words):
        if _ends_sentence(w.text) or i == len(words) - 1:
            spans.extend(_cut_run(words, a, i, punctuated))
            a = i + 1
    out = []
    for a, b in spans:
        text = " ".join(w.text for w in words[a : b + 1])
        if not any(c.isalnum() for c in text):
            continue
        out.append(Clause(text=text, turn=turn, first=a, last=b, start=words[a].start, end=words[b].end))
    return out


def split_turns(turns: Sequence[Transcript]) -> list[Clause]:
    """Every clause of every turn, in order."""
    out: list[Clause] = []
    for t in turns:
        words = t.words or Transcript.from_text(t.text, t.turn).words
        out.extend(split_words(words, t.turn))
    return out
