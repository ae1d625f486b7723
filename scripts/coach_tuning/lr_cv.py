"""Out-of-fold search for the checker's head: logistic regression per element (issue #11 tuning).

    .venv/bin/python scripts/coach_tuning/lr_cv.py 0.005 0.01 0.02 0.05 0.1        # C grid
    .venv/bin/python scripts/coach_tuning/lr_cv.py --aug 0.005 0.02                # + ASR-normalised copies

Train+dev only, the 3 folds grouped by source that ``training.out_of_fold`` uses;
``--aug`` adds a lower-cased, punctuation-stripped copy of every close that is not
already ASR-style (same source, so the same fold) and scores the originals only.
Prints close-level F1 per element at its best threshold. Run from the repository root.
The record of the search summarised in bench/results/checker_tuning.md.
"""

import re
import sys
import time

import numpy as np

sys.path.insert(0, "src")
import dataclasses

from voicepractice.coach import training as T
from voicepractice.coach.model import ELEMENTS

aug = "--aug" in sys.argv
grid = [float(a) for a in sys.argv[1:] if not a.startswith("--")] or [0.02]
closes = T.load_closes()
pool = [c for c in closes if c.split in ("train", "dev")]


def norm(t):
    t = re.sub(r"[^\w\s']", " ", t.lower())
    return re.sub(r"\s+", " ", t).strip()


extra = []
if aug:
    for c in pool:
        if c.style in ("asr", "tts_asr"):
            continue
        ss = tuple(dataclasses.replace(s, text=norm(s.text)) for s in c.sentences if norm(s.text))
        if ss:
            extra.append(dataclasses.replace(c, id=c.id + "-norm", sentences=ss))
allc = pool + extra
t0 = time.time()
vec = T.embed_all(
    [s.text for c in allc for s in c.sentences], progress=lambda i, n: print(f"\r{i}/{n}", end="", file=sys.stderr)
)
print("embed", time.time() - t0, file=sys.stderr)
m = T.matrix(allc, vec)
orig = m.close < len(pool)
print("rows", m.x.shape, orig.sum(), file=sys.stderr)
groups = np.unique(m.group)
rng = np.random.default_rng(T.SEED)
order = rng.permutation(groups)
fold_of = {g: i % 3 for i, g in enumerate(order)}
f = np.array([fold_of[g] for g in m.group])
res = {}
for C in grid:
    p = np.zeros_like(m.y)
    t0 = time.time()
    for k in range(3):
        tr, te = f != k, (f == k) & orig
        p[te] = T.predict(T.fit(m.x[tr], m.y[tr], C), m.x[te])
    p = p[orig]
    mo = T.Matrix(
        m.x[orig], m.y[orig], m.close[orig], m.group[orig], [t for t, o in zip(m.texts, orig, strict=False) if o], m.bank[orig]
    )
    p = T.gate(p, mo)
    np.save(f".coach-cache/oof_{'aug' if aug else 'base'}_{C}.npy", p)
    pc, yc = T.close_level(p, mo)
    # ask_for_job => interest
    fo, _ = T.thresholds(pc, yc)
    ia, ii = ELEMENTS.index("ask_for_job"), ELEMENTS.index("interest")
    pc2 = pc.copy()
    pc2[:, ii] = np.maximum(pc[:, ii], pc[:, ia] * (pc[:, ia] >= fo[ia]))
    fo2, _ = T.thresholds(pc2, yc)
    r1 = [T.f1(pc[:, j] >= fo[j], yc[:, j] > 0.5)[2] for j in range(len(ELEMENTS))]
    r2 = [T.f1(pc2[:, j] >= fo2[j], yc[:, j] > 0.5)[2] for j in range(len(ELEMENTS))]
    print(
        f"C={C} aug={aug} {time.time() - t0:.0f}s macro {np.mean(r1):.4f} | "
        + " ".join(f"{e[:6]}={a:.3f}" for e, a in zip(ELEMENTS, r1, strict=False))
        + f" | interest+impl {r2[ii]:.3f}",
        flush=True,
    )
