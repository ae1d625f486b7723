"""Out-of-fold search for the checker's head: a one-hidden-layer network (issue #11 tuning).

    .venv/bin/python scripts/coach_tuning/mlp_cv.py 10,64,200 50,64,200 20,128,300   # L2,units,iterations
    .venv/bin/python scripts/coach_tuning/mlp_cv.py --aug 10,64,200

Same folds and scoring as lr_cv.py. The kept configuration lives on in
``training.fit_mlp`` (which ``scripts/train_coach.py`` runs); this file is the
record of the search summarised in bench/results/checker_tuning.md. Run from the
repository root.
"""

import dataclasses
import re
import sys
import time

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, "src")
from voicepractice.coach import training as T
from voicepractice.coach.model import ELEMENTS


def fit_mlp(x, y, lam, hidden, seed=T.SEED, iters=300):
    mean = x.mean(0)
    scale = x.std(0)
    scale[scale < 1e-6] = 1
    xs = ((x - mean) / scale).astype(np.float32)
    n, d = xs.shape
    k = y.shape[1]
    pos = y.sum(0)
    wpos = np.where(pos > 0, n / (2 * np.maximum(pos, 1)), 0.0)
    wneg = n / (2 * np.maximum(n - pos, 1))
    sw = (y * wpos + (1 - y) * wneg).astype(np.float32)
    yf = y.astype(np.float32)
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, 1 / np.sqrt(d), (d, hidden)).astype(np.float32)
    b1 = np.zeros(hidden, np.float32)
    W2 = rng.normal(0, 1 / np.sqrt(hidden), (hidden, k)).astype(np.float32)
    b2 = np.log(np.maximum(pos, 1) / np.maximum(n - pos, 1)).astype(np.float32)
    shapes = [(d, hidden), (hidden,), (hidden, k), (k,)]
    sizes = [int(np.prod(s)) for s in shapes]

    def unpack(th):
        out, at = [], 0
        for s, z in zip(shapes, sizes, strict=False):
            out.append(th[at : at + z].reshape(s).astype(np.float32))
            at += z
        return out

    def loss(th):
        W1, b1, W2, b2 = unpack(th)
        a = xs @ W1 + b1
        h = np.maximum(a, 0)
        z = h @ W2 + b2
        L = float((sw * (np.logaddexp(0, z) - yf * z)).sum()) + 0.5 * lam * float((W1 * W1).sum() + (W2 * W2).sum())
        g = sw * (1 / (1 + np.exp(-z)) - yf)
        gW2 = h.T @ g + lam * W2
        gb2 = g.sum(0)
        gh = (g @ W2.T) * (a > 0)
        gW1 = xs.T @ gh + lam * W1
        gb1 = gh.sum(0)
        return L, np.concatenate([gW1.ravel(), gb1, gW2.ravel(), gb2]).astype(np.float64)

    th0 = np.concatenate([W1.ravel(), b1, W2.ravel(), b2]).astype(np.float64)
    r = minimize(loss, th0, jac=True, method="L-BFGS-B", options={"maxiter": iters, "gtol": 1e-4})
    W1, b1, W2, b2 = unpack(r.x)
    return dict(W1=W1, b1=b1, W2=W2, b2=b2, mean=mean, scale=scale)


def pred_mlp(a, x):
    h = np.maximum(((x - a["mean"]) / a["scale"]) @ a["W1"] + a["b1"], 0)
    z = h @ a["W2"] + a["b2"]
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


if __name__ == "__main__":
    aug = "--aug" in sys.argv
    cfgs = [tuple(float(v) for v in a.split(",")) for a in sys.argv[1:] if not a.startswith("--")]
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
    vec = T.embed_all([s.text for c in allc for s in c.sentences])
    M = T.matrix(allc, vec)
    orig = M.close < len(pool)
    m = T.Matrix(
        M.x[orig], M.y[orig], M.close[orig], M.group[orig], [t for t, o in zip(M.texts, orig, strict=False) if o], M.bank[orig]
    )
    groups = np.unique(m.group)
    rng = np.random.default_rng(T.SEED)
    order = rng.permutation(groups)
    fold_of = {g: i % 3 for i, g in enumerate(order)}
    f = np.array([fold_of[g] for g in m.group])
    for lam, hid, iters in cfgs:
        t0 = time.time()
        p = np.zeros_like(m.y)
        for k in range(3):
            tr, te = f != k, f == k
            F = np.array([fold_of[g] for g in M.group])
            p[te] = pred_mlp(fit_mlp(M.x[F != k], M.y[F != k], lam, int(hid), iters=int(iters)), m.x[te])
        p = T.gate(p, m)
        np.save(f".coach-cache/oof_mlp_{lam}_{int(hid)}_{int(iters)}.npy", p)
        pc, yc = T.close_level(p, m)
        fo, _ = T.thresholds(pc, yc)
        r1 = [T.f1(pc[:, j] >= fo[j], yc[:, j] > 0.5)[2] for j in range(len(ELEMENTS))]
        print(
            f"MLP aug={aug} lam={lam} h={int(hid)} it={int(iters)} {time.time() - t0:.0f}s macro {np.mean(r1):.4f} | "
            + " ".join(f"{e[:6]}={a:.3f}" for e, a in zip(ELEMENTS, r1, strict=False)),
            flush=True,
        )
