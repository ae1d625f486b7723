"""Do the words so far end a complete utterance? A learned text signal for the end of turn.

The word list in ``endpoint.transcript_cue`` knows a trailing "and" or "the" is
unfinished and "thank you" is finished, but says nothing about most pauses:
"I have five years of experience in" and "I'd love to hear about the next
steps" both end on an ordinary word. And Whisper ends almost every decode of a
cut sentence with a period, so punctuation cannot tell them apart either.

This head reads the last ``TAIL_WORDS`` words of the live transcript with the
punctuation and case removed (what Whisper added at the cut is thrown away) and
gives the probability that they end a complete utterance. Its features: the
checker's sentence embedding of those words (``coach.encoder``, already loaded
in a drill, a few ms a call), how often the last word ends a sentence in the
training text, whether it is a word a sentence does not end on, and whether
it is a filler. (Not how many words there are: in the training closes, short
text is mostly the start of a first sentence, so a length feature taught the
head that a short sentence is unfinished; "He could wait no longer." read 0.29.) Weights: ``completeness.npz`` beside this module, written by
``scripts/train_completeness.py`` from the checker's labelled closes (complete
sentences versus their prefixes cut at a word boundary), never from the speech
corpus the end-of-turn bench scores on. At run time it needs numpy only.

Since session 28 the decoder's own reading of the last word (``transcribe._cut_off``)
decides wherever the live decode has words to read; this head and Smart Turn are
the fallback when it has none.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from .errors import ModelError

log = logging.getLogger(__name__)

TAIL_WORDS = 16
"""Words read from the end of the transcript (a sentence and a bit of the one before)."""
HEAD_FILE = "completeness.npz"

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")

NEVER_LAST = frozenset(
    """
    and or but so because cause cuz since although though whereas if unless until whether
    plus um uh er erm hmm
    the a an my your our their his her its these those some every each
    to of at with from by into onto between during than
    i we they he she i'm i've i'd i'll we're we've we'd they're it's there's
    """.split()
)
"""Words a sentence almost never ends on (a feature; the head weighs it with the rest)."""

N_CHEAP = 3
"""Features besides the embedding: the last word's end rate, never-last, a filler last."""
FILLERS = frozenset({"um", "uh", "er", "erm", "hmm"})
"""Not "like": "what would a week look like" ends on it (a filler "like" read the question as unfinished)."""


def words_of(text: str) -> list[str]:
    """The transcript as lower-case words, punctuation dropped (apostrophes kept inside words)."""
    return _TOKEN.findall(text.lower().replace("’", "'"))


def tail(text: str, n: int = TAIL_WORDS) -> str:
    """The last ``n`` words, normalised: what the head reads."""
    return " ".join(words_of(text)[-n:])


def cheap_features(words: list[str], end_rate: dict[str, float], prior: float) -> np.ndarray:
    """The non-embedding features of a tail (``words`` already normalised)."""
    last = words[-1] if words else ""
    return np.array(
        [
            end_rate.get(last, prior),
            float(last in NEVER_LAST),
            float(last in FILLERS),
        ],
        np.float32,
    )


@dataclass(frozen=True)
class CompletenessHead:
    """Logistic regression over [embedding, cheap features], standardised; numpy only."""

    weights: np.ndarray
    """(DIM + N_CHEAP,) on standardised features."""
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    end_rate: dict[str, float]
    """How often each common word of the training text ends a sentence (smoothed)."""
    prior: float
    """The end rate of a word not in ``end_rate``."""
    meta: dict[str, Any]
    """Training record: data sha256, counts, regularisation, held-out scores."""

    def features(self, texts: list[str], embeddings: np.ndarray) -> np.ndarray:
        cheap = np.stack([cheap_features(t.split(), self.end_rate, self.prior) for t in texts])
        return np.concatenate([embeddings.astype(np.float32), cheap], axis=1)

    def probabilities(self, texts: list[str], embeddings: np.ndarray) -> np.ndarray:
        """P(complete) for normalised tails and their embeddings."""
        z = ((self.features(texts, embeddings) - self.mean) / self.scale) @ self.weights + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)

    def to_arrays(self) -> dict[str, np.ndarray]:
        words = sorted(self.end_rate)
        return {
            "weights": self.weights.astype(np.float32), "bias": np.array([self.bias], np.float32),
            "mean": self.mean.astype(np.float32), "scale": self.scale.astype(np.float32),
            "vocab": np.array(words), "rates": np.array([self.end_rate[w] for w in words], np.float32),
            "prior": np.array([self.prior], np.float32), "meta": np.array(json.dumps(self.meta, sort_keys=True)),
        }  # fmt: skip

    @classmethod
    def from_arrays(cls, z: Any) -> CompletenessHead:
        return cls(
            weights=np.asarray(z["weights"], np.float32), bias=float(z["bias"][0]),
            mean=np.asarray(z["mean"], np.float32), scale=np.asarray(z["scale"], np.float32),
            end_rate=dict(zip((str(w) for w in z["vocab"]), (float(r) for r in z["rates"]), strict=True)),
            prior=float(z["prior"][0]), meta=json.loads(str(z["meta"])),
        )  # fmt: skip


_HEAD: CompletenessHead | None = None
_LOCK = threading.Lock()


def load_head() -> CompletenessHead:
    """The shipped head, read once per process."""
    global _HEAD
    if _HEAD is None:
        with _LOCK:
            if _HEAD is None:
                try:
                    ref = resources.files("voicepractice").joinpath(HEAD_FILE)
                    with ref.open("rb") as f, np.load(f, allow_pickle=False) as z:
                        _HEAD = CompletenessHead.from_arrays(z)
                except (OSError, KeyError, ValueError) as exc:
                    raise ModelError(f"the end-of-turn text model {HEAD_FILE} is missing or damaged: reinstall voicepractice") from exc
    return _HEAD


def complete_probability(text: str) -> float | None:
    """P(the words so far end a complete utterance); None when there are no words or no model.

    Uses the checker's sentence encoder (loaded once per process, shared).
    """
    t = tail(text)
    if not t:
        return None
    try:
        from .coach.encoder import encoder

        head = load_head()
        emb = encoder().encode([t])
    except ModelError as exc:
        log.warning("%s; judging the end of turn without it", exc)
        return None
    return float(head.probabilities([t], emb)[0])
