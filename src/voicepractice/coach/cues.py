"""Exact features of a clause, read from its wording: the parts a rule gets right.

The model judges meaning; these say what the wording settles for certain and
a sentence encoder blurs: whether the clause asks or requests something, a
negation and what it covers, a hedge or hypothetical, reported speech ("my
manager asked what the next steps were"), the past tense. They go into the
head next to the embedding, and ``asks`` also gates the elements that must be
asked (next steps, a role question).
"""

from __future__ import annotations

import re

import numpy as np

from .text import expand

__all__ = ["CUE_NAMES", "asks", "cue_vector", "words_of"]

_FILLERS = frozenset({"um", "uh", "er", "erm", "ah", "hmm", "mm", "like", "yeah", "so", "and", "but", "well",
                      "okay", "ok", "oh", "also", "anyway", "right", "just", "now", "then", "actually", "sorry"})
_WH = frozenset({"what", "when", "how", "who", "where", "which", "whom", "why"})
_AUX = frozenset("is are was were do does did can could will would should shall may might have has am".split())
_SUBJ = frozenset({"you", "i", "we", "there", "it", "they", "he", "she", "someone", "anyone", "anything", "this", "that"})
_REQUEST = (
    "could you", "can you", "would you", "will you", "please let me know", "let me know", "please tell",
    "tell me", "i was wondering", "i am wondering", "i wonder", "wondering if", "wondering when", "wondering what",
    "i would like to know", "i would love to know", "i would love to hear", "i would like to hear",
    "i would like to ask", "may i ask", "can i ask", "could i ask", "i want to know", "i wanted to ask",
    "i wanted to know", "i am curious", "curious about", "curious to know", "do you know", "is there", "are there",
    "any idea", "walk me through", "please share", "please advise", "kindly", "please explain", "please",
    "grateful to know", "grateful to learn", "glad to know", "glad to learn", "appreciate knowing",
    "appreciate receiving", "appreciate hearing", "value knowing", "need to know", "like to understand",
    "interested to understand", "interested to know", "my question is", "my question would be", "want to ask",
    "like to ask", "would only ask", "wanted to check", "what happens next", "what is next", "what next",
    "how long", "how soon", "what the next", "what about the", "what kind of timeline", "keen to know", "keen to hear", "love to know", "love to hear",
)
_ASKING_AUX = frozenset({"could", "can", "may", "would", "will", "do", "does", "did", "is", "are", "should", "shall",
                         "might", "have", "has"})
_NOT_BEFORE_AUX = frozenset({"i", "you", "we", "they", "he", "she", "it", "that", "which", "who", "there", "this"})
_NEGATORS = frozenset({"not", "never", "no", "nothing", "none", "nor", "neither", "without", "hardly"})
_HEDGES = ("if", "whether", "unless", "suppose", "imagine", "wish", "would have", "could have", "might",
           "maybe", "perhaps", "not sure", "in theory", "hypothetically", "i guess", "were i")
_REPORTED = ("asked me", "asked what", "asked when", "asked how", "asked if", "asked whether", "told me", "told us",
             "he said", "she said", "they said", "said that", "says", "he asked", "she asked", "they asked",
             "mentioned that", "was asked", "were asked", "used to ask", "kept asking", "always asked",
             "my manager", "my boss", "my mentor", "my friend", "my colleague", "recruiter said", "you said",
             "you mentioned", "quote")
_PAST = frozenset({"was", "were", "had", "did", "used", "ago", "previous", "previously", "former", "formerly",
                   "last", "earlier", "back", "once"})
_FIRST = frozenset({"i", "me", "my", "mine", "myself"})
_SECOND = frozenset({"you", "your", "yours", "yourself"})
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred|dozen)\b")

CUE_NAMES = ("asks", "question_mark", "wh_question", "inverted_question", "request", "negated", "hedged",
             "reported", "past", "first_person", "second_person", "number", "length")


def words_of(text: str) -> list[str]:
    """Lower-case words with contractions spelled out ("i'm" -> "i", "am")."""
    out: list[str] = []
    for raw in text.lower().replace("\u2019", "'").split():
        w = raw.strip(".,!?;:\"()[]\u201c\u201d\u2026-")
        if w:
            out.extend(expand(w))
    return out


def _has(joined: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {p} " in joined for p in phrases)


def _parts(text: str) -> tuple[list[str], str, bool, bool, bool]:
    words = words_of(text)
    joined = " " + " ".join(words) + " "
    core = [w for w in words if w not in _FILLERS] or words
    head = core[:6]
    wh = any(w in _WH and any(x in _AUX for x in head[k + 1 : k + 3]) for k, w in enumerate(head[:4]))
    # An auxiliary before its subject anywhere, after fillers and restarts ("before i go could i get..."),
    # but not "i can", "that is it".
    inverted = any(
        w in _ASKING_AUX and k + 1 < len(words) and words[k + 1] in _SUBJ
        and (k == 0 or words[k - 1] not in _NOT_BEFORE_AUX)
        for k, w in enumerate(words)
    ) or (bool(head) and head[0] in _AUX and len(head) > 1 and head[1] in _SUBJ)
    request = _has(joined, _REQUEST)
    return words, joined, wh, inverted, request


def asks(text: str) -> bool:
    """Whether the clause asks or requests something: "?", question wording, or a polite request."""
    if "?" in text:
        return True
    _, _, wh, inverted, request = _parts(text)
    return wh or inverted or request


def cue_vector(text: str) -> np.ndarray:
    """The exact features of one clause, in ``CUE_NAMES`` order (0/1, length scaled to 0..1)."""
    words, joined, wh, inverted, request = _parts(text)
    qmark = "?" in text
    ws = set(words)
    values = (
        qmark or wh or inverted or request,
        qmark,
        wh,
        inverted,
        request,
        bool(ws & _NEGATORS),
        _has(joined, _HEDGES),
        _has(joined, _REPORTED),
        bool(ws & _PAST),
        bool(ws & _FIRST),
        bool(ws & _SECOND),
        bool(_NUMBER.search(" ".join(words))),
    )
    return np.array([*map(float, values), min(len(words), 40) / 40.0], dtype=np.float32)
