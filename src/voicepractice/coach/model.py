"""The trained head: per clause, a probability for every element.

Features of a clause (``features``): its embedding, its neighbours' embeddings
(the clause before and after, in the same close), where it sits (which turn,
first or last), the exact cues of its wording (``cues.cue_vector``) and where the phrase bank
found an element in it (``bank.bank_matrix``). The
head is a small neural network (one hidden ReLU layer shared by every element,
then one logistic output per element; a plain logistic regression per element when
the file has no hidden layer), its probabilities blended with an n-gram model of the clause's
wording when the file has one (``lexical.py``, ``Head.lex_weight``), trained by
``scripts/train_coach.py`` and shipped as ``head.npz`` beside this module,
stamped with the sha256 of the data it was trained on. At run time it needs
numpy only.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from .cues import CUE_NAMES, cue_vector
from .encoder import DIM

__all__ = ["ELEMENTS", "Head", "features", "head"]

ELEMENTS: tuple[str, ...] = (
    "interest", "qualifications", "next_steps", "thanks",
    "role_question", "offer_more_info", "invite_concerns", "ask_for_job", "follow_up_contact",
    "negativity", "too_casual", "salary_first", "apologising",
)
"""Every element the head judges (``rambling`` is judged by length, not learned)."""
TURNS = 3
"""Turn positions told apart (0 = first answer, 1 = anything else, 2+ = goodbye)."""
N_FEATURES = 2 * DIM + len(CUE_NAMES) + TURNS + 3 + len(ELEMENTS)
CUE_COLUMNS = slice(2 * DIM, 2 * DIM + len(CUE_NAMES))
"""Where ``features`` puts a clause's ``cue_vector`` (the exact rules read it back rather than recompute it)."""


def features(emb: np.ndarray, texts: Sequence[str], turns: Sequence[int], bank: np.ndarray) -> np.ndarray:
    """The head's input for the clauses of ONE close, in order: ``(n, N_FEATURES)``.

    ``bank`` is the phrase bank's verdict per clause and element (``bank.bank_matrix``).
    A clause's neighbours come from its own turn only, in training and in checking alike: the
    interviewer spoke between two answers, so the next answer is not this clause's context (a
    next-steps question ending the first answer read 0.38 beside the close that followed it,
    0.87 without).
    """
    n = len(texts)
    x = np.zeros((n, N_FEATURES), np.float32)
    if n == 0:
        return x
    x[:, :DIM] = emb
    # The context: the mean of the clause before and the clause after.
    turn_of = np.asarray(turns)
    prev_ok = turn_of[1:] == turn_of[:-1]
    x[1:, DIM : 2 * DIM] += emb[:-1] / 2 * prev_ok[:, None]
    x[:-1, DIM : 2 * DIM] += emb[1:] / 2 * prev_ok[:, None]
    x[:, CUE_COLUMNS] = np.stack([cue_vector(t) for t in texts])
    at = CUE_COLUMNS.stop
    last_turn = max(turns)
    for i, t in enumerate(turns):
        x[i, at + min(t, TURNS - 1)] = 1.0
        x[i, at + TURNS] = float(i == 0)
        x[i, at + TURNS + 1] = float(i == n - 1)
        x[i, at + TURNS + 2] = float(t == last_turn and last_turn > 0)
    x[:, at + TURNS + 3 :] = bank
    return x


@dataclass(frozen=True)
class Head:
    """Weights and decision thresholds, per element."""

    elements: tuple[str, ...]
    weights: np.ndarray
    """(n_elements, n_inputs): applied to the hidden layer's output, or to the standardised
    features when there is no hidden layer."""
    bias: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    found: np.ndarray
    """Per element: at or above this probability the element counts as found."""
    sure: np.ndarray
    """Per element: below this (and at or above ``found``) the verdict is "found, but not sure"."""
    meta: dict[str, Any]
    """Training record: data sha256, counts, options, weights sha256."""
    hidden_w: np.ndarray | None = None
    """(N_FEATURES, n_hidden): the shared hidden layer, or None for a linear head."""
    hidden_b: np.ndarray | None = None
    lexical: dict[str, np.ndarray] | None = None
    """The n-gram model (``lexical.py``: ``lex_vocab``, ``lex_idf``, ``lex_w``, ``lex_b``), or None."""
    lex_weight: float = 0.0
    """The n-gram model's share of the blended probability (0 without one)."""

    def predict(self, x: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """Probabilities ``(n_clauses, n_elements)``: the network's, blended with the n-gram model's
        when the head has one and the clauses' ``texts`` are given."""
        p = forward(x, self.mean, self.scale, self.weights, self.bias, self.hidden_w, self.hidden_b)
        if self.lexical is not None and texts is not None and self.lex_weight > 0:
            from . import lexical

            p = (1 - self.lex_weight) * p + self.lex_weight * lexical.predict(self.lexical, texts, self._lex_index())
        return p.astype(np.float32)

    def _lex_index(self) -> dict[str, int]:
        return _vocab_index(self.lexical)

    def index(self, element: str) -> int:
        return self.elements.index(element)


def forward(x: np.ndarray, mean: np.ndarray, scale: np.ndarray, weights: np.ndarray, bias: np.ndarray,
            hidden_w: np.ndarray | None = None, hidden_b: np.ndarray | None = None) -> np.ndarray:
    """The head's arithmetic, shared by training and checking so the two never drift.

    ``einsum`` rather than ``@``: for a close's twenty rows numpy's BLAS wakes its threads, and on a
    busy machine waiting for them cost about 20 ms of CPU a check (0.3 ms on one thread).
    """
    h = (x - mean) / scale
    if hidden_w is not None and hidden_b is not None:
        h = np.maximum(np.einsum("ij,jk->ik", h, hidden_w) + hidden_b, 0.0)
    z = np.einsum("ij,kj->ik", h, np.asarray(weights)) + bias
    return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)


_ARRAYS = ("weights", "bias", "mean", "scale", "found", "sure")
_HIDDEN = ("hidden_w", "hidden_b")
"""Present only in a head with a hidden layer (older, linear heads still load)."""
_LEXICAL = ("lex_idf", "lex_w", "lex_b", "lex_weight")
"""Present only in a head with an n-gram model (with ``lex_vocab``, its n-grams as strings)."""

_INDEX: dict[int, tuple[np.ndarray, dict[str, int]]] = {}


def _vocab_index(arrays: dict[str, np.ndarray] | None) -> dict[str, int]:
    """n-gram -> column, built once per vocabulary (a dictionary of strings is slow to rebuild per check).
    The entry holds the vocabulary array itself, so its id cannot be reused by another array."""
    if not arrays:
        return {}
    vocab = arrays["lex_vocab"]
    entry = _INDEX.get(id(vocab))
    if entry is None or entry[0] is not vocab:
        entry = (vocab, {str(g): i for i, g in enumerate(vocab)})
        _INDEX[id(vocab)] = entry
    return entry[1]


def weights_sha256(arrays: dict[str, np.ndarray]) -> str:
    """The hash of the learned numbers (not of the file, whose zip wrapper may vary)."""
    h = hashlib.sha256()
    for name in _ARRAYS + tuple(n for n in _HIDDEN + _LEXICAL if arrays.get(n) is not None):
        a = np.ascontiguousarray(arrays[name], dtype=np.float32)
        h.update(name.encode())
        h.update(a.tobytes())
    if arrays.get("lex_vocab") is not None:
        h.update(b"lex_vocab")
        h.update("\n".join(str(g) for g in arrays["lex_vocab"]).encode())
    return h.hexdigest()


def save(path: Path, elements: Sequence[str], arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> str:
    """Write a head file byte for byte the same for the same numbers (fixed zip dates)."""
    vocab = arrays.get("lex_vocab")
    arrays = {k: np.asarray(arrays[k], np.float32) for k in _ARRAYS + _HIDDEN + _LEXICAL if arrays.get(k) is not None}
    if vocab is not None:
        arrays["lex_vocab"] = np.array([str(g) for g in vocab])
    digest = weights_sha256(arrays)
    meta = {**meta, "weights_sha256": digest}
    payload = {**arrays, "elements": np.array(list(elements)), "meta": np.array(json.dumps(meta, sort_keys=True))}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, arr in payload.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out = io.BytesIO()
            np.lib.format.write_array(out, arr, allow_pickle=False)
            zf.writestr(info, out.getvalue())
    path.write_bytes(buf.getvalue())
    return digest


def load(source: Any) -> Head:
    with np.load(source, allow_pickle=False) as z:
        arrays = {k: np.array(z[k], np.float32) for k in _ARRAYS + _HIDDEN if k in z.files}
        lex = {k: np.array(z[k], np.float32) for k in _LEXICAL if k in z.files}
        if lex and "lex_vocab" in z.files:
            lex["lex_vocab"] = np.array(z["lex_vocab"])
        elements = tuple(str(e) for e in z["elements"])
        meta = json.loads(str(z["meta"]))
    if arrays["mean"].shape[0] != N_FEATURES:
        raise ModelError(f"the checker's head expects {arrays['mean'].shape[0]} features, this version makes "
                         f"{N_FEATURES}: retrain with scripts/train_coach.py")
    weight = float(lex.pop("lex_weight", np.zeros(1)).reshape(-1)[0]) if lex else 0.0
    return Head(elements=elements, meta=meta, lexical=lex or None, lex_weight=weight, **arrays)


HEAD_FILE = "head.npz"


@lru_cache(maxsize=1)
def head() -> Head:
    """The shipped head (read once per process)."""
    ref = resources.files("voicepractice.coach").joinpath(HEAD_FILE)
    try:
        with resources.as_file(ref) as path:
            return load(path)
    except FileNotFoundError as exc:
        raise ModelError("the checker's trained head is missing: run scripts/train_coach.py") from exc
