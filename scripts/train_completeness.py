"""Train the end-of-turn text head (src/voicepractice/completeness.npz): one command, seeded.

    .venv/bin/python scripts/train_completeness.py

The question it learns: do the last words of a live transcript end a complete
utterance, or is the person mid-sentence? The text comes from the checker's
labelled closes (src/voicepractice/coach/data/labelled/), never from the speech
corpus that bench/endpoint.py scores:

* **complete**: the close up to the end of each of its sentences, and the
  sentence alone (an answer may be one short sentence);
* **incomplete**: the close, or the sentence alone (one or the other at random),
  up to a word boundary inside a sentence, never right after punctuation (a cut
  after a comma may be a finished clause); in one of five, a filler ("um",
  "uh") follows the cut, as people say while thinking.

Each example is the last 16 words with case and punctuation removed, which is
how the head reads a live transcript (Whisper's period at a cut is thrown away);
so clean and ASR-style closes differ only in what ASR style carries anyway
(fillers, repeats, no commas). The split is the checker's, by source
(``coach.training.split_of``): the regularisation is picked on the dev sources,
the head is refitted on train+dev, and the test sources are scored once, after,
for the model card. Embeddings are cached in .coach-cache/ (ignored by git).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from voicepractice.coach import training  # noqa: E402
from voicepractice.completeness import (  # noqa: E402
    HEAD_FILE,
    CompletenessHead,
    cheap_features,
    tail,
    words_of,
)

SEED = 20261202
CACHE = ROOT / ".coach-cache" / "completeness_embeddings.npz"
OUT = ROOT / "src" / "voicepractice" / HEAD_FILE
GRID = (0.003, 0.01, 0.03, 0.1, 0.3)
SMOOTH = 5.0
"""Pseudo-counts pulling a rare word's end rate toward the average."""
PUNCT_END = (",", ";", ":", ".", "!", "?", "-", "—", "…")


def examples(closes: list[training.Close], rng: np.random.Generator) -> list[tuple[str, int, str, str]]:
    """(tail text, label, split, source) for every complete sentence end and one or two cuts inside it."""
    out: list[tuple[str, int, str, str]] = []
    for c in closes:
        before = ""
        for s in c.sentences:
            toks = s.text.split()
            if not toks:
                continue
            out.append((tail(f"{before} {s.text}"), 1, c.split, c.root))
            if before:
                out.append((tail(s.text), 1, c.split, c.root))
            cuts = [k for k in range(1, len(toks)) if not toks[k - 1].endswith(PUNCT_END)]
            if cuts:
                for k in rng.choice(cuts, size=min(len(cuts), 2 if len(toks) >= 8 else 1), replace=False):
                    prefix = " ".join(toks[: int(k)])
                    if rng.random() < 0.2:
                        prefix += " " + str(rng.choice(["um", "uh", "uh", "um, so"]))
                    context = before if rng.random() < 0.5 else ""
                    out.append((tail(f"{context} {prefix}"), 0, c.split, c.root))
            before = f"{before} {s.text}"
    return [e for e in out if e[0]]


def end_rates(closes: list[training.Close]) -> tuple[dict[str, float], float]:
    """How often each word ends a sentence, over the train sources' sentences (smoothed)."""
    seen: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    for c in closes:
        for s in c.sentences:
            w = words_of(s.text)
            seen.update(w)
            if w:
                ends[w[-1]] += 1
    prior = sum(ends.values()) / max(1, sum(seen.values()))
    rates = {w: (ends[w] + SMOOTH * prior) / (n + SMOOTH) for w, n in seen.items() if n >= 3}
    return rates, prior


def fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """L2 logistic regression on standardised features, classes weighted to count alike (L-BFGS, deterministic)."""
    from scipy.optimize import minimize

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    xs = (x - mean) / scale
    n, d = xs.shape
    pos = y.sum()
    sw = np.where(y == 1, n / (2 * pos), n / (2 * (n - pos)))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        z = xs @ w + b
        total = float((sw * (np.logaddexp(0, z) - y * z)).sum()) / n + 0.5 / (c * n) * float(w @ w)
        g = sw * (1 / (1 + np.exp(-z)) - y) / n
        return total, np.concatenate([xs.T @ g + w / (c * n), [g.sum()]])

    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x[:d], float(res.x[d]), mean, scale


def auc(p: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(p)
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    npos = y.sum()
    return float((ranks[y == 1].sum() - npos * (npos + 1) / 2) / (npos * (len(y) - npos)))


def scores(p: np.ndarray, y: np.ndarray) -> dict[str, float]:
    pred = p >= 0.5
    return {
        "n": int(len(y)), "auc": round(auc(p, y), 4),
        "balanced_accuracy": round(float((pred[y == 1].mean() + (~pred[y == 0]).mean()) / 2), 4),
        "incomplete_called_complete": round(float(pred[y == 0].mean()), 4),
        "complete_called_incomplete": round(float((~pred[y == 1]).mean()), 4),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=training.DATA_DIR, help="labelled data folder")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the head")
    args = parser.parse_args()
    closes = training.load_closes(args.data)
    rng = np.random.default_rng(SEED)
    ex = examples(closes, rng)
    texts = [e[0] for e in ex]
    y = np.array([e[1] for e in ex], np.float64)
    split = np.array([e[2] for e in ex])
    print(f"{len(ex)} examples from {len(closes)} closes: " + ", ".join(
        f"{s} {int((split == s).sum())} ({int(y[split == s].sum())} complete)" for s in ("train", "dev", "test")), file=sys.stderr)

    vectors = training.embed_all(texts, cache=CACHE, progress=lambda i, n: print(f"  embedded {i}/{n}", file=sys.stderr) if i % 3200 < 32 or i == n else None)
    print(file=sys.stderr)
    emb = np.stack([vectors[t] for t in texts]).astype(np.float64)

    def matrix(rates: dict[str, float], prior: float) -> np.ndarray:
        cheap = np.stack([cheap_features(t.split(), rates, prior) for t in texts]).astype(np.float64)
        return np.concatenate([emb, cheap], axis=1)

    train_rates, train_prior = end_rates([c for c in closes if c.split == "train"])
    x = matrix(train_rates, train_prior)
    tr, dv = split == "train", split == "dev"
    search = {}
    for c in GRID:
        w, b, mean, scale = fit(x[tr], y[tr], c)
        p = 1 / (1 + np.exp(-(((x[dv] - mean) / scale) @ w + b)))
        search[str(c)] = scores(p, y[dv])
        print(f"  C={c}: dev {search[str(c)]}", file=sys.stderr)
    best = max(GRID, key=lambda c: (search[str(c)]["auc"], -c))

    # Refit on train+dev (end rates too); the test sources are read only to be scored, once.
    use = tr | dv
    rates, prior = end_rates([c for c in closes if c.split in ("train", "dev")])
    x = matrix(rates, prior)
    w, b, mean, scale = fit(x[use], y[use], best)
    te = split == "test"
    p_test = 1 / (1 + np.exp(-(((x[te] - mean) / scale) @ w + b)))
    meta = {
        "data_sha256": training.data_sha256(args.data), "seed": SEED, "C": best, "tail_words": 16,
        "counts": {s: int((split == s).sum()) for s in ("train", "dev", "test")},
        "dev_search": search, "test": scores(p_test, y[te]),
    }  # fmt: skip
    head = CompletenessHead(w.astype(np.float32), b, mean.astype(np.float32), scale.astype(np.float32), rates, prior, meta)
    arrays = head.to_arrays()
    digest = hashlib.sha256(b"".join(arrays[k].tobytes() for k in ("weights", "bias", "mean", "scale", "rates"))).hexdigest()
    head = CompletenessHead(head.weights, head.bias, head.mean, head.scale, rates, prior, {**meta, "weights_sha256": digest})
    np.savez_compressed(args.out, **head.to_arrays())
    print(f"C={best}; test sources (scored once, after): {meta['test']}", file=sys.stderr)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB), weights sha256 {digest}")


if __name__ == "__main__":
    main()
