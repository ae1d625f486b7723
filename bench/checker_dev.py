"""Tuning on the dev split only: train on the train sources, score the dev sources through check().

    nice .venv/bin/python bench/checker_dev.py [--no-augment] [--errors FILE]

Never reads the test or test2 sources. Prints close-level P/R/F1 per element on the dev
closes as typed and as a recogniser without punctuation would give them (lower case, no
punctuation), so a change is judged on sources the head never saw and both ways people type
and speak. Used for the error analysis behind the training options (issue #11).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from checker import Score, close_scores  # noqa: E402

from voicepractice.coach import CheckOptions, encoder, judge, model, training  # noqa: E402
from voicepractice.coach.augment import asr_words  # noqa: E402
from voicepractice.coach.clauses import split_turns  # noqa: E402


class Cached:
    """The encoder, answered from the embedding cache: the same vectors, without one ONNX run per close."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.vectors[t] for t in texts]) if texts else np.zeros((0, encoder.DIM), np.float32)


def unpunctuated(c: training.Close) -> training.Close:
    sents = tuple(training.Sentence(" ".join(asr_words(s.text)), s.turn, s.labels, s.hard_negative)
                  for s in c.sentences if asr_words(s.text))
    return training.Close(c.id, c.source, c.root, "asr", c.split, sents)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-augment", action="store_true")
    ap.add_argument("--errors", type=Path)
    ap.add_argument("--l2", type=float, default=20.0)
    ap.add_argument("--head", type=Path, help="score this head file instead of training one (rules/splitter changes)")
    args = ap.parse_args()
    closes = training.load_closes()
    train = [c for c in closes if c.split == "train"]
    # own-c2-* sources were written after this script's first error analysis: kept out of dev scoring
    # so figures before and after stay comparable.
    dev = [c for c in closes if c.split == "dev" and not c.root.startswith("own-c2-")]
    pool = train + ([] if args.no_augment or args.head else training.asr_copies(train))
    texts = [] if args.head else [s.text for c in pool for s in c.sentences]
    print(f"train {len(train)} closes (+copies: {len(pool)}), dev {len(dev)}", file=sys.stderr)
    dev_asr = [unpunctuated(c) for c in dev]
    clause_texts = [cl.text for c in dev + dev_asr for cl in split_turns(training.transcripts(c))]
    vectors = training.embed_all(texts + clause_texts)
    encoder.encoder = lambda: Cached(vectors)  # type: ignore[assignment]
    if args.head:
        h = model.load(args.head)
    else:
        arrays, meta = training.train(pool, vectors, grid=(args.l2,), log_line=lambda s: print(s, file=sys.stderr))
        h = model.Head(elements=model.ELEMENTS, meta=meta, **{k: v.astype("float32") for k, v in arrays.items()})
    judge.head = lambda: h  # type: ignore[assignment]
    errors: list[str] = []
    typed = close_scores(dev, CheckOptions(), errors)
    spoken = close_scores(dev_asr, CheckOptions(), errors)
    print(f"{'element':18} {'typed P/R/F1':>22} {'unpunctuated P/R/F1':>24}")
    for e in model.ELEMENTS:
        a, b = typed[e], spoken[e]
        print(f"{e:18} {a.precision:.3f}/{a.recall:.3f}/{a.f1:.3f}   {b.precision:.3f}/{b.recall:.3f}/{b.f1:.3f}")
    macro = lambda d: sum(s.f1 for s in d.values()) / len(d)  # noqa: E731
    print(f"macro F1 typed {macro(typed):.3f} unpunctuated {macro(spoken):.3f}")
    core = lambda d: sum(d[e].f1 for e in ("interest", "qualifications", "next_steps", "thanks")) / 4  # noqa: E731
    print(f"core F1 typed {core(typed):.3f} unpunctuated {core(spoken):.3f}")
    if args.errors:
        args.errors.write_text("\n".join(errors))
        if not args.head:
            model.save(args.errors.with_suffix(".npz"), model.ELEMENTS, arrays, meta)
    _ = Score


if __name__ == "__main__":
    main()
