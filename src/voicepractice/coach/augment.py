"""ASR-style copies of labelled closes, cut by the checker's own clause splitter.

Why: a drill's transcript reaches the checker as a speech recogniser writes it (often lower
case, little punctuation, fillers, restarts), and the checker cuts it into clauses itself.
Typed closes scored well above the same closes spoken (interest 0.94 typed, 0.82 spoken), so
every training close gets one copy the way it would come back from speech: lower case, no
punctuation, now and then a filler or a restart, and then cut by ``clauses.split_words``
exactly as at run time. Each labelled sentence hands its labels to the clause that holds most
of its words, so the head learns from the pieces it will really see (two sentences run
together, a question split from its "so").

Seeded by the close's id: the same data gives the same copies.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from ..records import Transcript
from .clauses import split_words

__all__ = ["asr_copy", "asr_words"]

_FILLERS = ("um", "uh", "like", "you know", "so", "er", "i mean", "yeah")
_PUNCT = re.compile(r"[^\w\s']")


def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng(int(hashlib.sha1(key.encode()).hexdigest()[:12], 16))


def asr_words(text: str, rng: np.random.Generator | None = None) -> list[str]:
    """One sentence as a recogniser might write it: lower case, no punctuation; with ``rng``,
    sometimes a filler at the start or in the middle and sometimes a restart of its first words."""
    words = [w for w in _PUNCT.sub(" ", text.lower().replace("\u2019", "'")).split() if w.strip("'")]
    if rng is None or not words:
        return words
    if rng.random() < 0.25:
        words = _FILLERS[int(rng.integers(len(_FILLERS)))].split() + words
    if len(words) > 5 and rng.random() < 0.15:
        k = int(rng.integers(2, len(words) - 2))
        words = words[:k] + _FILLERS[int(rng.integers(len(_FILLERS)))].split() + words[k:]
    if len(words) > 4 and rng.random() < 0.12:
        k = int(rng.integers(2, 4))
        words = words[:k] + words  # "what are the what are the next steps"
    return words


def asr_copy(close_id: str, sentences: list[tuple[str, int, frozenset[str], frozenset[str]]],
             noisy: bool = True) -> list[tuple[str, int, frozenset[str], frozenset[str]]]:
    """``(text, turn, labels, hard_negative)`` per clause of the ASR-style copy of one close."""
    rng = _rng(close_id) if noisy else None
    out: list[tuple[str, int, frozenset[str], frozenset[str]]] = []
    for turn in sorted({s[1] for s in sentences}):
        words: list[str] = []
        owner: list[int] = []
        items = [s for s in sentences if s[1] == turn]
        for k, (text, _, _, _) in enumerate(items):
            w = asr_words(text, rng)
            words += w
            owner += [k] * len(w)
        if not words:
            continue
        clauses = split_words(Transcript.from_text(" ".join(words), turn).words, turn)
        labels: list[set[str]] = [set() for _ in clauses]
        hard: list[set[str]] = [set() for _ in clauses]
        for k, (_, _, lab, neg) in enumerate(items):
            counts = [sum(1 for i in range(c.first, c.last + 1) if owner[i] == k) for c in clauses]
            if max(counts, default=0) == 0:
                continue
            j = int(np.argmax(counts))
            labels[j] |= lab
            hard[j] |= neg
        for c, lab_set, neg_set in zip(clauses, labels, hard, strict=True):
            out.append((c.text, turn, frozenset(lab_set), frozenset(neg_set - lab_set)))
    return out
