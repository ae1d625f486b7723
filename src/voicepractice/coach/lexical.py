"""A lexical model of the clause: word and character n-grams, one logistic regression per element.

Why: the sentence encoder blurs exact wording ("consider me" vs "consider it", "any concerns" vs "my
concerns"), which n-grams keep; blended with the network (``Head.lex_weight``), out of fold it lifted
every core element and asking for the job (``bench/results/checker_cv_round4.md``). The same
``grams`` feed training and checking; at run time it is a dictionary lookup and a sparse dot product
(numpy only); fitting needs scikit-learn (training only).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

__all__ = ["fit", "grams", "predict", "vectorise"]

_KEEP = re.compile(r"[^a-z0-9'? ]+")
CHAR_N = (3, 4, 5)


def grams(text: str) -> list[str]:
    """Word unigrams and bigrams and character 3-5-grams of the normalised clause (lower case, no
    punctuation but the question mark, which counts as a word when it is there)."""
    t = _KEEP.sub(" ", text.lower().replace("\u2019", "'").replace("?", " ? "))
    words = [w.strip("'") for w in t.split()]
    words = [w for w in words if w]
    out = [f"w {w}" for w in words]
    out += [f"b {a} {b}" for a, b in zip(words, words[1:], strict=False)]
    line = " " + " ".join(w for w in words if w != "?") + " "
    for n in CHAR_N:
        out += [f"c{line[i : i + n]}" for i in range(len(line) - n + 1)]
    return out


def vocabulary(texts: Sequence[str], min_df: int = 2) -> tuple[list[str], np.ndarray]:
    """The n-grams seen in at least ``min_df`` texts, sorted, and their idf (smoothed, as scikit-learn's)."""
    df: Counter[str] = Counter()
    for t in texts:
        df.update(set(grams(t)))
    vocab = sorted(g for g, n in df.items() if n >= min_df)
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[g])) + 1 for g in vocab], np.float32)
    return vocab, idf


def vectorise(texts: Sequence[str], index: dict[str, int], idf: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per text: (feature ids, values): sublinear term counts times idf, L2-normalised."""
    out = []
    for t in texts:
        # Counted first, looked up once per distinct n-gram (a check's clauses hold ~3,000 n-grams).
        known = [(j, c) for g, c in Counter(grams(t)).items() if (j := index.get(g)) is not None]
        if not known:
            out.append((np.zeros(0, np.int64), np.zeros(0, np.float32)))
            continue
        ids = np.array([j for j, _ in known], np.int64)
        vals = np.array([1 + math.log(c) for _, c in known], np.float32) * idf[ids]
        out.append((ids, (vals / np.linalg.norm(vals)).astype(np.float32)))
    return out


def fit(texts: Sequence[str], y: np.ndarray, c: float = 1.0, min_df: int = 2) -> dict[str, np.ndarray]:
    """One L2 logistic regression per element on the n-gram vectors, positives and negatives weighted
    to count alike (scikit-learn's liblinear; training only)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    vocab, idf = vocabulary(texts, min_df)
    index = {g: i for i, g in enumerate(vocab)}
    rows = vectorise(texts, index, idf)
    indptr = np.cumsum([0] + [len(r[0]) for r in rows])
    x = csr_matrix((np.concatenate([r[1] for r in rows]), np.concatenate([r[0] for r in rows]), indptr),
                   shape=(len(texts), len(vocab)))
    k = y.shape[1]
    w = np.zeros((k, len(vocab)), np.float32)
    b = np.full(k, -10.0, np.float32)
    for j in range(k):
        if y[:, j].sum() == 0:
            continue
        lr = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=500, random_state=0)
        lr.fit(x, y[:, j] > 0.5)
        w[j] = lr.coef_[0]
        b[j] = lr.intercept_[0]
    return {"lex_vocab": np.array(vocab), "lex_idf": idf, "lex_w": w, "lex_b": b}


def predict(arrays: dict[str, np.ndarray], texts: Sequence[str], index: dict[str, int] | None = None) -> np.ndarray:
    """Probabilities ``(n_texts, n_elements)``: ``vectorise``'s vectors, every text's n-grams in one set of
    array operations (a check's ~20 clauses cost ~20 small numpy calls each, one by one)."""
    if index is None:
        index = {str(g): i for i, g in enumerate(arrays["lex_vocab"])}
    rows: list[int] = []
    ids: list[int] = []
    counts: list[int] = []
    for i, t in enumerate(texts):
        for g, c in Counter(grams(t)).items():
            if (j := index.get(g)) is not None:
                rows.append(i)
                ids.append(j)
                counts.append(c)
    z = np.tile(arrays["lex_b"], (len(texts), 1)).astype(np.float32)
    if ids:
        at = np.array(ids, np.int64)
        row = np.array(rows, np.int64)
        vals = (1 + np.log(np.array(counts, np.float32))) * arrays["lex_idf"][at]
        norms = np.sqrt(np.bincount(row, weights=vals.astype(np.float64) ** 2, minlength=len(texts)))
        vals = (vals / norms[row]).astype(np.float32)
        np.add.at(z, row, _by_gram(arrays["lex_w"])[at] * vals[:, None])
    return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)


_BY_GRAM: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _by_gram(w: np.ndarray) -> np.ndarray:
    """``w`` as (n-grams, elements), contiguous, built once per weight array: a clause's n-grams are then
    whole rows, not scattered columns. The entry holds ``w`` itself, so its id cannot be reused."""
    entry = _BY_GRAM.get(id(w))
    if entry is None or entry[0] is not w:
        entry = (w, np.ascontiguousarray(w.T))
        _BY_GRAM[id(w)] = entry
    return entry[1]
