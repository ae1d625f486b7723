"""Grouped cross-validation of the checker's head over every seen split (issue #11, rounds 4-6).

    nice .venv/bin/python scripts/coach_tuning/cv_all.py base            # the head as it was
    nice .venv/bin/python scripts/coach_tuning/cv_all.py base lex:0.3 ...  # several designs, same folds

The pool is every labelled close whose split is in ``training.TRAINING_SPLITS`` (train, dev and
the scored test, test2, test3, test4 and test5; a batch held out later is never read), with one ASR-style
copy of each (same source, same fold). Folds are grouped by root source (5, by the sha1 of its name), so no source is
ever scored by a head that saw it. Scores are close level (the element anywhere in the close) on
the labelled closes only (not their ASR copies), after the exact rules, with thresholds
cross-fitted: each fold is cut at the thresholds picked on the other folds' out-of-fold
predictions, so no fold picks its own threshold. Also printed: the same on the web, forum and
coaching closes only (the kind of source a new held-out batch is written from).
"""

from __future__ import annotations

import argparse
import hashlib
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


def fold_ids(m: T.Matrix, roots: list[str], folds: int = FOLDS) -> np.ndarray:
    """Each sentence's fold from the sha1 of its root source's name (round 6): a source keeps its fold when
    other sources are added, so a round's before and after score the same closes on the same folds.
    (Rounds 4-5 dealt a seeded permutation of the sources, which reshuffled every fold when data joined.)"""
    names = sorted(set(roots))  # T.matrix numbers the roots in this order
    fold_of = {g: int(hashlib.sha1(r.encode()).hexdigest(), 16) % folds for g, r in enumerate(names)}
    return np.array([fold_of[g] for g in m.group])


def lexical_oof(texts: list[str], y: np.ndarray, f: np.ndarray, c: float, trainable: np.ndarray) -> np.ndarray:
    from voicepractice.coach import lexical

    p = np.zeros_like(y)
    for k in range(f.max() + 1):
        tr, te = (f != k) & trainable, f == k
        lex = lexical.fit([texts[i] for i in np.flatnonzero(tr)], y[tr], c=c)
        p[te] = lexical.predict(lex, [texts[i] for i in np.flatnonzero(te)])
    return p


def mlp_oof(m: T.Matrix, f: np.ndarray, lam: float, hidden: int, trainable: np.ndarray) -> np.ndarray:
    p = np.zeros_like(m.y)
    for k in range(f.max() + 1):
        tr, te = (f != k) & trainable, f == k
        p[te] = T.predict(T.fit_mlp(m.x[tr], m.y[tr], lam, hidden=hidden), m.x[te])
    return p


def score(p: np.ndarray, m: T.Matrix, f: np.ndarray, n_orig: int, subset: np.ndarray,
          old: np.ndarray, t5: np.ndarray, errors: list[str] | None = None,
          pool: list[T.Close] | None = None, dotted_at: int | None = None,
          before: dict[int, np.ndarray] | None = None) -> dict[str, tuple[float, ...]]:
    """Close-level P/R/F1 per element on the labelled closes, thresholds cross-fitted by fold.

    With ``errors`` (and ``pool``), each core-element disagreement is listed with the sentence that
    scored highest for it (the clause behind a false tick). ``before`` maps a round to the closes of the pool
    before its own closes joined (``pre_round_pools``), each scored as ``pre{round}``."""
    pc, yc = T.close_level(T.gate(p, m), m)
    fc = np.zeros(len(pc), int)
    fc[m.close] = f
    keep = np.arange(len(pc)) < n_orig
    pred = np.zeros_like(pc, dtype=bool)
    dot = np.zeros((n_orig, pc.shape[1]), bool)
    for k in range(f.max() + 1):
        other, mine = keep & (fc != k), keep & (fc == k)
        found, _ = T.thresholds(pc[other], yc[other])
        pred[mine] = pc[mine] >= found
        if dotted_at is not None:  # the same closes with every "?" written as "." (test only), same cut
            idx = np.flatnonzero(mine)
            dot[idx] = pc[dotted_at + idx] >= found
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
    selections = [("all", keep), ("web", keep & subset), ("old", keep & old), ("test5", keep & t5)]
    selections += [(f"pre{n}", keep & sel) for n, sel in (before or {}).items()]
    for sel_name, sel in selections:
        for j, e in enumerate(ELEMENTS):
            out[f"{sel_name}:{e}"] = T.f1(pred[sel, j], yc[sel, j] > 0.5)
    if dotted_at is not None:
        for j, e in enumerate(ELEMENTS):
            out[f"dot:{e}"] = T.f1(dot[:, j], yc[:n_orig, j] > 0.5)
    return out


PRE_ROUNDS = (8, 9, 10, 11)
"""Rounds whose before and after are compared on the same closes: the pool before ``sources-coach{n}.tsv``'s
closes joined (on data without them it is the whole pool). A new round adds its number."""


def pre_round_pools(pool: list[T.Close], data: Path) -> dict[int, np.ndarray]:
    """Per round in ``PRE_ROUNDS``: which closes of ``pool`` were there before that round's own closes joined."""
    out = {}
    for n in PRE_ROUNDS:
        joined = {s for p in data.glob(f"sources-coach{n}.tsv") for s in T.listed_splits_of(p)}
        out[n] = np.array([c.root not in joined for c in pool])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("designs", nargs="+", help="base | lex:W[:C] (blend weight of the lexical model) | mlp:L2:H")
    ap.add_argument("--no-augment", action="store_true")
    ap.add_argument("--data", type=Path, default=T.DATA_DIR)
    ap.add_argument("--out", type=Path, default=None, help="append the rows as JSON lines here")
    ap.add_argument("--dotted", choices=("score", "train"), default=None,
                    help="also score every close with its '?' written as '.' (how tiny.en often transcribes a question); "
                         "'train' also trains on those copies of the training folds' closes that had a '?'")
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
                                                     if "coach6" not in p.name for s in T.listed_splits_of(p)}
    # "old": the pool before the coach6 closes joined (round 5's pool plus test5), so a round's before and
    # after compare on the same closes and, with folds by source name, the same folds
    old = np.array([c.root not in new_sources for c in pool])
    t5 = np.array([c.split == T.HELD_OUT_5 for c in pool])
    before = pre_round_pools(pool, args.data)
    if not args.no_augment:
        pool = pool + T.asr_copies(pool)
    trainable = [True] * len(pool)
    dotted_at = None
    if args.dotted:
        dotted_at = len(pool)
        labelled = pool[:n_orig]
        pool = pool + [T.Close(f"{c.id}~dot", c.source, c.root, c.style, c.split,
                               tuple(T.Sentence(s.text.replace("?", "."), s.turn, s.labels, s.hard_negative)
                                     for s in c.sentences)) for c in labelled]
        trainable += [args.dotted == "train" and any("?" in s.text for s in c.sentences) for c in labelled]
    web = np.concatenate([web, np.zeros(len(pool) - n_orig, bool)])
    t5 = np.concatenate([t5, np.zeros(len(pool) - n_orig, bool)])
    old = np.concatenate([old, np.zeros(len(pool) - n_orig, bool)])
    before = {n: np.concatenate([sel, np.zeros(len(pool) - n_orig, bool)]) for n, sel in before.items()}
    t0 = time.time()
    vectors = T.embed_all([s.text for c in pool for s in c.sentences])
    m = T.matrix(pool, vectors)
    f = fold_ids(m, [c.root for c in pool])
    train_rows = np.array(trainable)[m.close]
    print(f"{n_orig} closes ({len(pool)} with copies), {len(m.y)} sentences, {len(np.unique(m.group))} sources, "
          f"web-like closes {int(web.sum())}; features in {time.time() - t0:.0f} s", file=sys.stderr)
    key = (T.data_sha256(args.data)[:12] + ("" if not args.no_augment else "-noaug")
           + (f"-dot{args.dotted}" if args.dotted else ""))
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
            p = cached("mlp:20:128", mlp_oof, m, f, 20.0, 128, train_rows)
        elif parts[0] == "mlp":
            p = cached(design, mlp_oof, m, f, float(parts[1]), int(parts[2]), train_rows)
        elif parts[0] == "lex":
            w = float(parts[1])
            c = float(parts[2]) if len(parts) > 2 else 1.0
            base = cached("mlp:20:128", mlp_oof, m, f, 20.0, 128, train_rows)
            lex = cached(f"lexonly:{c}", lexical_oof, m.texts, m.y, f, c, train_rows)
            p = (1 - w) * base + w * lex
        else:
            sys.exit(f"unknown design {design}")
        errs: list[str] = []
        s = score(p, m, f, n_orig, web, old, t5, errs, pool, dotted_at, before)
        if args.errors:
            args.errors.write_text("\n".join(sorted(errs)) + "\n")
        allf = [s[f"all:{e}"][2] for e in ELEMENTS]
        print(f"\n== {design} ({time.time() - t0:.0f} s): macro core {np.mean(allf[:4]):.3f}, "
              f"extras {np.mean(allf[4:9]):.3f}, all {np.mean(allf):.3f}; web core "
              f"{np.mean([s[f'web:{e}'][2] for e in CORE]):.3f} extras {np.mean([s[f'web:{e}'][2] for e in EXTRAS]):.3f}")
        for e in ELEMENTS:
            a, w_, o, t = s[f"all:{e}"], s[f"web:{e}"], s[f"old:{e}"], s[f"test5:{e}"]
            print(f"  {e:18} all P {a[0]:.3f} R {a[1]:.3f} F1 {a[2]:.3f} | web P {w_[0]:.3f} R {w_[1]:.3f} "
                  f"F1 {w_[2]:.3f} | pre-coach6 pool P {o[0]:.3f} R {o[1]:.3f} F1 {o[2]:.3f} | test5 F1 {t[2]:.3f}"
                  + "".join(f" | pre-coach{n} pool F1 {s[f'pre{n}:{e}'][2]:.3f}" for n in before)
                  + (f" | '?' as '.' F1 {s[f'dot:{e}'][2]:.3f}" if dotted_at is not None else ""))
        sys.stdout.flush()
        if args.out:
            with args.out.open("a") as fh:
                fh.write(json.dumps({"design": design, "augment": not args.no_augment,
                                     "scores": {k: [round(x, 4) for x in v] for k, v in s.items()}}) + "\n")


if __name__ == "__main__":
    main()
