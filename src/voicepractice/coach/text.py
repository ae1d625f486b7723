"""Normalising a transcript for the checker: tokens that keep their way back to the words.

Speech-to-text output is lower case or not, punctuated or not, full of fillers
("um", "like"), restarts ("what are the, what are the next steps"), contractions
and slips ("thank you for you're time", "intrested"). The phrase bank is written
against one clean form: lower-case tokens, contractions spelled out ("i'm" ->
"i am", "can't" -> "can not"), fillers and immediate repeats dropped, and
misspellings pulled back to the phrase bank's own words with rapidfuzz.

Every token remembers the word(s) it came from, so a match can be quoted
exactly as transcribed and timed from the recogniser's word timings.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..delivery import find_fillers
from ..records import Transcript, Word

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Token:
    """One normalised token and where it came from."""

    text: str
    """Lower case, contraction spelled out, spelling corrected."""
    word: int
    """Index of the source word in the turn's ``words``."""
    punct: str = ""
    """Punctuation that followed the token: ``.`` (., !, ;, :), ``?``, ``,`` or empty."""


@dataclass(frozen=True)
class TurnText:
    """A turn as the checker reads it."""

    turn: int
    """``Transcript.turn``."""
    words: tuple[Word, ...]
    """The source words (from the transcript, or split from its text)."""
    tokens: tuple[Token, ...]
    """Normalised tokens, fillers and repeats removed."""
    text: str
    """``" " + " ".join(token texts) + " "``: what the phrase bank's regexes run over."""
    offsets: tuple[int, ...]
    """Character offset of each token in ``text``."""
    punctuated: bool
    """True when the transcript carries sentence punctuation at all."""

    def token_span(self, start_char: int, end_char: int) -> tuple[int, int]:
        """Token range ``[first, last)`` covered by a regex match on ``text``."""
        first = bisect_right(self.offsets, start_char) - 1
        last = bisect_right(self.offsets, max(start_char, end_char - 2))
        return max(first, 0), max(last, first + 1)


# Contractions: "n't" and the like are spelled out so that "not" is one token
# the negation scope can see, and "i'm"/"im" read the same.
_SUFFIXES = (("n't", " not"), ("'m", " am"), ("'re", " are"), ("'ve", " have"),
             ("'ll", " will"), ("'d", " would"))
_IRREGULAR = {"can't": "can not", "cannot": "can not", "won't": "will not", "shan't": "shall not",
              "ain't": "is not", "let's": "let us", "y'all": "you all"}
_IS_AFTER = frozenset("it that what there here he she who where how when this".split())
# Apostrophe-less forms that ASR and hurried typists write, where unambiguous.
_BARE = {
    "im": "i am", "ive": "i have", "dont": "do not", "cant": "can not", "wont": "will not",
    "didnt": "did not", "doesnt": "does not", "isnt": "is not", "wasnt": "was not",
    "arent": "are not", "couldnt": "could not", "wouldnt": "would not",
    "shouldnt": "should not", "havent": "have not", "hasnt": "has not", "whats": "what is",
    "thats": "that is", "youre": "you are", "theyre": "they are", "gonna": "going to",
    "wanna": "want to", "gotta": "got to", "kinda": "kind of", "sorta": "sort of",
    "lemme": "let me", "gimme": "give me", "dunno": "do not know", "thankyou": "thank you",
    "youll": "you will", "ill": "ill", "whens": "when is", "hows": "how is",
}
_SPLIT = re.compile(r"[-/\u2013\u2014]+")
_EDGE = re.compile(r"^[^\w']+|[^\w']+$")
_NUM_SEP = re.compile(r"(?<=\d)[,.](?=\d)")


def expand(word: str) -> list[str]:
    """Spell out one lower-case word's contraction: ``"i'm"`` -> ``["i", "am"]``."""
    if word in _IRREGULAR:
        return _IRREGULAR[word].split()
    if word in _BARE:
        return _BARE[word].split()
    if "'" in word:
        for suffix, full in _SUFFIXES:
            if word.endswith(suffix) and len(word) > len(suffix):
                return (word[: -len(suffix)] + full).split()
        if word.endswith("'s"):
            base = word[:-2]
            return [base, "is"] if base in _IS_AFTER else [base]
        word = word.strip("'")
    return [word] if word else []


def _trailing_punct(raw: str) -> str:
    if not raw or raw[-1].isalnum():
        return ""
    tail = raw[len(raw.rstrip(".,!?;:\"')]\u201d\u2026-\u2014")) :]
    if "?" in tail:
        return "?"
    if any(c in tail for c in ".!;:\u2026"):
        return "."
    if "," in tail or "-" in tail or "\u2014" in tail:
        return ","
    return ""


class Corrector:
    """Pulls misspelt tokens back to the phrase bank's words ("intrested" -> "interested").

    Only tokens the bank does not know are touched, only towards a word with the
    same first letter and a similar length, and results are cached: a token is
    looked up once per process.
    """

    def __init__(self, vocabulary: Iterable[str], known: Iterable[str], cutoff: float) -> None:
        self._known = frozenset(known) | frozenset(vocabulary)
        self._by_letter: dict[str, list[str]] = {}
        for w in sorted(set(vocabulary)):
            if len(w) >= 4 and w.isalpha():
                self._by_letter.setdefault(w[0], []).append(w)
        self._cutoff = cutoff
        self._cache: dict[str, str] = {}

    def __call__(self, token: str) -> str:
        if len(token) < 4 or token in self._known or not token.isalpha():
            return token
        # An inflection of a known word is a real word: "thanked" is not "thank".
        for suffix in ("ed", "ing", "s", "es", "er", "ers", "ly", "ful", "d"):
            base = token[: -len(suffix)]
            if token.endswith(suffix) and (base in self._known or base + "e" in self._known):
                return token
        hit = self._cache.get(token)
        if hit is None:
            near = self._by_letter.get(token[0], ())
            choices = [w for w in near if abs(len(w) - len(token)) <= 2]
            best = process.extractOne(token, choices, scorer=fuzz.ratio, score_cutoff=self._cutoff)
            hit = best[0] if best else token
            if hit.startswith(token) or token.startswith(hit):
                hit = token  # "finish" vs "finished": another form of a word, not a slip
            self._cache[token] = hit
            if hit != token:
                log.debug("spelling: %r read as %r", token, hit)
        return hit


def tokenize(
    transcript: Transcript,
    aliases: dict[str, str],
    correct: Callable[[str], str] | None = None,
    drop_fillers: bool = True,
    drop_repeats: bool = True,
    phrases: Sequence[tuple[tuple[str, ...], tuple[str, ...]]] = (),
) -> TurnText:
    """Normalise one turn into tokens (see the module docstring).

    ``phrases`` rewrites multi-word slips ASR makes with real words, which
    spelling correction cannot see: ("here", "back") -> ("hear", "back").
    """
    words = transcript.words or Transcript.from_text(transcript.text, transcript.turn).words
    texts = [w.text for w in words]
    skip: set[int] = set()
    if drop_fillers:
        for a, b, _ in find_fillers(texts):
            skip.update(range(a, b))
    tokens: list[Token] = []
    punctuated = False
    for i, raw in enumerate(texts):
        punct = _trailing_punct(raw)
        if punct in (".", "?"):
            punctuated = True
        if i in skip:
            # A dropped filler's comma or full stop still closes the clause.
            if punct and tokens and not tokens[-1].punct:
                tokens[-1] = Token(tokens[-1].text, tokens[-1].word, punct)
            continue
        low = raw.lower()
        parts: list[str] = []
        if low.isalpha():
            parts.append(low)  # the common case, without the regexes below
        else:
            low = _NUM_SEP.sub("", low.replace("\u2019", "'").replace("\u2018", "'"))
            if low.endswith("%"):
                low = low[:-1] + "-percent"
            pieces = _SPLIT.split(low)
        for piece in [] if parts else pieces:
            piece = _EDGE.sub("", piece)
            if not piece:
                continue
            if parts and parts[-1] in ("e", "co", "re") and piece.isalpha():
                parts[-1] += piece  # e-mail, co-workers, re-apply
                continue
            parts.append(piece)
        subtokens: list[str] = []
        for piece in parts:
            for sub in expand(piece):
                alias = aliases.get(sub)
                if alias is not None:
                    subtokens.extend(alias.split())
                elif correct is not None:
                    subtokens.append(correct(sub))
                else:
                    subtokens.append(sub)
        for k, sub in enumerate(subtokens):
            tokens.append(Token(sub, i, punct if k == len(subtokens) - 1 else ""))
    if drop_repeats:
        tokens = _drop_repeats(tokens)
    if phrases:
        tokens = _rewrite_phrases(tokens, phrases)
    text_parts: list[str] = []
    offsets: list[int] = []
    pos = 1
    for t in tokens:
        offsets.append(pos)
        text_parts.append(t.text)
        pos += len(t.text) + 1
    return TurnText(
        turn=transcript.turn,
        words=tuple(words),
        tokens=tuple(tokens),
        text=" " + " ".join(text_parts) + " ",
        offsets=tuple(offsets),
        punctuated=punctuated,
    )


def _rewrite_phrases(
    tokens: list[Token], phrases: Sequence[tuple[tuple[str, ...], tuple[str, ...]]]
) -> list[Token]:
    """Replace token runs by their intended words, keeping each token's source word."""
    firsts = {src[0] for src, _ in phrases}
    out: list[Token] = []
    i = 0
    n = len(tokens)
    while i < n:
        if tokens[i].text in firsts:
            for src, dst in phrases:
                k = len(src)
                if (
                    i + k <= n
                    and tuple(t.text for t in tokens[i : i + k]) == src
                    and not any(t.punct in (".", "?") for t in tokens[i : i + k - 1])
                ):
                    for j, word in enumerate(dst):
                        orig = tokens[i + min(j, k - 1)]
                        punct = tokens[i + k - 1].punct if j == len(dst) - 1 else ""
                        out.append(Token(word, orig.word, punct))
                    i += k
                    break
            else:
                out.append(tokens[i])
                i += 1
        else:
            out.append(tokens[i])
            i += 1
    return out


def _drop_repeats(tokens: list[Token], longest: int = 4) -> list[Token]:
    """Drop the first copy of an immediately repeated 1-4 token run (a restart)."""
    texts = [t.text for t in tokens]
    out: list[Token] = []
    i = 0
    n = len(texts)
    while i < n:
        skip = 0
        for size in range(longest, 0, -1):
            j = i + size
            if j + size <= n and texts[j] == texts[i] and texts[i:j] == texts[j : j + size]:
                # Digits repeat for real ("two two"), keep those.
                if not texts[i][:1].isdigit():
                    skip = size
                    break
        if skip:
            i += skip
        else:
            out.append(tokens[i])
            i += 1
    return out


def quote_span(
    tt: TurnText,
    first: int,
    last: int,
    extend: bool = True,
    stops: frozenset[str] = frozenset(),
    openers: frozenset[str] = frozenset(),
    min_words: int = 5,
    max_words: int = 15,
) -> tuple[int, int]:
    """Word range ``[a, b]`` (inclusive) to quote for tokens ``[first, last)``.

    With punctuation, the span grows to the enclosing clause (commas and full
    stops) when that is near. Without punctuation (raw ASR), a short match
    ("thanks", "when can i expect") grows to the end of its clause, and
    leftwards while shorter than ``min_words``: never across a clause word in
    ``stops`` ("and", "so", "but", "thanks"...), nor rightwards into a new
    question (``openers``: "what", "when"...), and never past ``max_words``.
    """
    a = tt.tokens[first].word
    b = tt.tokens[last - 1].word
    if not extend:
        return a, b
    if not tt.punctuated:
        return _grow_clause(tt, first, last, stops, openers, min_words, max_words)
    a2, b2 = _grow(tt.words, a, b, (".", "?", ","))
    if b2 - a2 < 2:
        # "Sorry," alone says little: quote its sentence ("Sorry, I rambled.").
        a2, b2 = _grow(tt.words, a, b, (".", "?"))
    return a2, b2


_NEW_SUBJECT = frozenset({"i", "we"})
_INVERTS = frozenset(
    "can could will would should shall may might do did does am have has is are was were".split()
)
_INTENSIFIED = frozenset(
    "much many very excited keen glad happy grateful thankful interested eager pleased".split()
)


def _ends_clause(
    toks: Sequence[Token], k: int, stops: frozenset[str], openers: frozenset[str]
) -> bool:
    """Whether token ``k`` opens a new clause ("and", "so", "what"...), not "so much"."""
    text = toks[k].text
    if text == "so" and k + 1 < len(toks) and toks[k + 1].text in _INTENSIFIED:
        return False
    if text in _NEW_SUBJECT and k > 0 and toks[k - 1].text not in _INVERTS:
        return True  # "... for your time today | i am very interested"
    return text in stops or text in openers


def _grow_clause(
    tt: TurnText,
    first: int,
    last: int,
    stops: frozenset[str],
    openers: frozenset[str],
    min_words: int,
    max_words: int,
) -> tuple[int, int]:
    toks = tt.tokens
    n = len(toks)

    def width(f: int, last: int) -> int:
        return toks[last - 1].word - toks[f].word + 1

    # Rightwards to the end of the clause: the words after a cue usually say
    # what it is about ("thanks" -> "thanks for taking the time to speak with me").
    while (
        last < n
        and width(first, last + 1) <= max_words
        and not _ends_clause(toks, last, stops, openers)
    ):
        last += 1
    # Leftwards only while the quote is still too short to read on its own.
    while (
        first > 0
        and width(first, last) < min_words
        and width(first - 1, last) <= max_words
        and toks[first - 1].text not in stops
        and toks[first].text not in openers  # "what is next" starts its clause
        and toks[first].text not in _NEW_SUBJECT
    ):
        first -= 1
    if first > 0 and toks[first - 1].text in _NEW_SUBJECT and width(first - 1, last) <= max_words:
        first -= 1  # "passed all four cpa exams" -> "i passed all four cpa exams"
    return toks[first].word, toks[last - 1].word


def _grow(words: Sequence[Word], a: int, b: int, stops: tuple[str, ...]) -> tuple[int, int]:
    """Grow ``[a, b]`` to the punctuation marks ``stops`` when they are near."""
    for back in range(a, max(-1, a - 7), -1):
        if back == 0 or _trailing_punct(words[back - 1].text) in stops:
            a = back
            break
    for fwd in range(b, min(len(words), b + 13)):
        if _trailing_punct(words[fwd].text) in stops or fwd == len(words) - 1:
            b = fwd
            break
    return a, b


def quote_text(words: Sequence[Word], a: int, b: int) -> str:
    """The words ``a..b`` as transcribed, without trailing commas."""
    return " ".join(w.text for w in words[a : b + 1]).strip().rstrip(",;:-\u2014")
