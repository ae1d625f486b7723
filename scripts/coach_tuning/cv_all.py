"""Grouped cross-validation of the checker's head over every seen split (issue #11, round 4).

    nice .venv/bin/python scripts/coach_tuning/cv_all.py base            # the head as it was
    nice .venv/bin/python scripts/coach_tuning/cv_all.py base lex:0.3 ...  # several designs, same folds

The pool is every labelled close whose split is in ``training.TRAINING_SPLITS`` (train, dev and
the scored test, test2 and test3; a batch held out later is never read), with one ASR-style copy
of each (same source, same fold). Folds are grouped by root source (5, seeded), so no source is
ever scored by a head that saw it. Scores are close level (the element anywhere in the close) on
the labelled closes only (not their ASR copies), after the exact rules, with thresholds
cross-fitted: each fold is cut at the thresholds picked on the other folds' out-of-fold
predictions, so no fold picks its own threshold. Also printed: the same on the web, forum and
coaching closes only (the kind of source a new held-out batch is written from).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from voicepractice.coach import training as T  # noqa: E402
from voicepractice.coach.model import ELEMENTS  # noqa: E402

FOLDS = 5
CORE = ELEMENTS[:4]
EXTRAS = ELEMENTS[4:9]


def fold_ids(m: T.Matrix, folds: int = FOLDS) -> np.ndarray:
    groups = np.unique(m.group)
    order = np.random.default_rng(T.SEED).permutation(groups)
    fold_of = {g: i % folds for i, g in enumerate(order)}
    return np.array([fold_of[g] for g in m.group])


def lexical_oof(texts: list[str], y: np.ndarray, f: np.ndarray, c: float) -> np.ndarray:
    from voicepractice.coach import lexical

    p = np.zeros_like(y)
    for k in range(f.max() + 1):
        tr, te = f != k, f == k
        lex = lexical.fit([texts[i] for i in np.flatnonzero(tr)], y[tr], c=c)
        p[te] = lexical.predict(lex, [texts[i] for i in np.flatnonzero(te)])
    return p


def mlp_oof(m: T.Matrix, f: np.ndarray, lam: float, hidden: int) -> np.ndarray:
    p = np.zeros_like(m.y)
    for k in range(f.max() + 1):
        tr, te = f != k, f == k
        p[te] = T.predict(T.fit_mlp(m.x[tr], m.y[tr], lam, hidden=hidden), m.x[te])
    return p


def score(p: np.ndarray, m: T.Matrix, f: np.ndarray, n_orig: int, subset: np.ndarray,
          old: np.ndarray, t4: np.ndarray, errors: list[str] | None = None,
          pool: list[T.Close] | None = None) -> dict[str, tuple[float, ...]]:
    """Close-level P/R/F1 per element on the labelled closes, thresholds cross-fitted by fold.

    With ``errors`` (and ``pool``), each core-element disagreement is listed with the sentence that
    scored highest for it (the clause behind a false tick)."""
    pc, yc = T.close_level(T.gate(p, m), m)
    fc = np.zeros(len(pc), int)
    fc[m.close] = f
    keep = np.arange(len(pc)) < n_orig
    pred = np.zeros_like(pc, dtype=bool)
    for k in range(f.max() + 1):
        other, mine = keep & (fc != k), keep & (fc == k)
        found, _ = T.thresholds(pc[other], yc[other])
        pred[mine] = pc[mine] >= found
    if errors is not None and pool is not None:
        pg = T.gate(p, m)
        for ci in range(n_orig):
            rows = np.flatnonzero(m.close == ci)
            for j, e in enumerate(CORE):
                gold, got = yc[ci, j] > 0.5, bool(pred[ci, j])
                if gold != got:
                    top = rows[int(np.argmax(pg[rows, j]))]
                    errors.append(f"{'FN' if gold else 'FP'} {e:15} {pool[ci].id} [{pool[ci].style}] "
                                  f"p={pc[ci, j]:.2f} top: {m.texts[top]}")
    out = {}
    for sel_name, sel in (("all", keep), ("web", keep & subset), ("old", keep & old), ("test4", keep & t4)):
        for j, e in enumerate(ELEMENTS):
            out[f"{sel_name}:{e}"] = T.f1(pred[sel, j], yc[sel, j] > 0.5)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("designs", nargs="+", help="base | lex:W[:C] (blend weight of the lexical model) | mlp:L2:H")
    ap.add_argument("--no-augment", action="store_true")
    ap.add_argument("--data", type=Path, default=T.DATA_DIR)
    ap.add_argument("--out", type=Path, default=None, help="append the rows as JSON lines here")
    ap.add_argument("--errors", type=Path, default=None,
                    help="write the core elements' close-level out-of-fold errors of the last design here")
    args = ap.parse_args()

    closes = T.load_closes(args.data)
    pool = [c for c in closes if c.split in T.TRAINING_SPLITS]
    n_orig = len(pool)
    kinds = T.load_sources(args.data)
    web = np.array([kinds.get(c.root, ("own",))[0] in ("web", "forum", "coaching") for c in pool]
                   + [False] * 0)
    new_sources = set(T.listed_splits(args.data)) - {s for p in args.data.glob("sources-*.tsv")
                                                     if "coach5" not in p.name for s in T.listed_splits_of(p)}
    # "old": the round-4 pool (before test4 and the coach5 closes joined), so rounds compare on the same closes
    old = np.array([c.root not in new_sources and c.split != T.HELD_OUT_4 for c in pool])
    t4 = np.array([c.split == T.HELD_OUT_4 for c in pool])
    if not args.no_augment:
        pool = pool + T.asr_copies(pool)
    web = np.concatenate([web, np.zeros(len(pool) - n_orig, bool)])
    t4 = np.concatenate([t4, np.zeros(len(pool) - n_orig, bool)])
    old = np.concatenate([old, np.zeros(len(pool) - n_orig, bool)])
    t0 = time.time()
    vectors = T.embed_all([s.text for c in pool for s in c.sentences])
    m = T.matrix(pool, vectors)
    f = fold_ids(m)
    print(f"{n_orig} closes ({len(pool)} with copies), {len(m.y)} sentences, {len(np.unique(m.group))} sources, "
          f"web-like closes {int(web.sum())}; features in {time.time() - t0:.0f} s", file=sys.stderr)
    key = T.data_sha256(args.data)[:12] + ("" if not args.no_augment else "-noaug")
    store = ROOT / ".coach-cache" / "cv"
    store.mkdir(parents=True, exist_ok=True)

    mem: dict[str, np.ndarray] = {}

    def cached(name: str, fn, *fn_args) -> np.ndarray:  # noqa: ANN001
        """Out-of-fold predictions kept on disk by design and data hash (a rerun scores at once)."""
        path = store / f"{key}-{name.replace(':', '_')}.npy"
        if name not in mem:
            mem[name] = np.load(path) if path.exists() else fn(*fn_args)
            np.save(path, mem[name])
        return mem[name]

    for design in args.designs:
        t0 = time.time()
        parts = design.split(":")
        if parts[0] == "base":
            p = cached("mlp:20:128", mlp_oof, m, f, 20.0, 128)
        elif parts[0] == "mlp":
            p = cached(design, mlp_oof, m, f, float(parts[1]), int(parts[2]))
        elif parts[0] == "lex":
            w = float(parts[1])
            c = float(parts[2]) if len(parts) > 2 else 1.0
            base = cached("mlp:20:128", mlp_oof, m, f, 20.0, 128)
            lex = cached(f"lexonly:{c}", lexical_oof, m.texts, m.y, f, c)
            p = (1 - w) * base + w * lex
        else:
            sys.exit(f"unknown design {design}")
        errs: list[str] = []
        s = score(p, m, f, n_orig, web, old, t4, errs, pool)
        if args.errors:
            args.errors.write_text("\n".join(sorted(errs)) + "\n")
        allf = [s[f"all:{e}"][2] for e in ELEMENTS]
        print(f"\n== {design} ({time.time() - t0:.0f} s): macro core {np.mean(allf[:4]):.3f}, "
              f"extras {np.mean(allf[4:9]):.3f}, all {np.mean(allf):.3f}; web core "
              f"{np.mean([s[f'web:{e}'][2] for e in CORE]):.3f} extras {np.mean([s[f'web:{e}'][2] for e in EXTRAS]):.3f}")
        for e in ELEMENTS:
            a, w_, o, t = s[f"all:{e}"], s[f"web:{e}"], s[f"old:{e}"], s[f"test4:{e}"]
            print(f"  {e:18} all P {a[0]:.3f} R {a[1]:.3f} F1 {a[2]:.3f} | web P {w_[0]:.3f} R {w_[1]:.3f} "
                  f"F1 {w_[2]:.3f} | round-4 pool P {o[0]:.3f} R {o[1]:.3f} F1 {o[2]:.3f} | test4 F1 {t[2]:.3f}")
        sys.stdout.flush()
        if args.out:
            with args.out.open("a") as fh:
                fh.write(json.dumps({"design": design, "augment": not args.no_augment,
                                     "scores": {k: [round(x, 4) for x in v] for k, v in s.items()}}) + "\n")


if __name__ == "__main__":
    main()
