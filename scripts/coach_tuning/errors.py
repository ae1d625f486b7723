"""List the checker's close-level disagreements on one split, with the clause that earned a false tick.

    .venv/bin/python scripts/coach_tuning/errors.py test4 [--core]

Only for a split that has had its first run and is trained on (reading its errors is tuning on it);
a held-out split is refused.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from voicepractice.coach import CheckOptions, check, training  # noqa: E402
from voicepractice.coach.model import ELEMENTS  # noqa: E402


def main() -> None:
    split = sys.argv[1]
    if split not in training.SPLITS:
        sys.exit(f"unknown split {split}")
    if split not in training.TRAINING_SPLITS:
        sys.exit(f"{split} is held out (not in training.TRAINING_SPLITS): score it once with bench/checker.py first")
    elements = ELEMENTS[:4] if "--core" in sys.argv else ELEMENTS
    for c in [c for c in training.load_closes() if c.split == split]:
        report = check(training.transcripts(c), options=CheckOptions())
        gold = c.gold()
        for e in elements:
            f = report.finding(e)
            if (e in gold) == f.found:
                continue
            kind = "FN" if e in gold else "FP"
            ev = " / ".join(x.quote if hasattr(x, "quote") else str(x) for x in f.evidence)
            print(f"{kind} {e:16} {c.id} [{c.style}] conf={f.confidence}")
            if kind == "FP":
                print(f"   ticked by: {ev}")
            for s in c.sentences:
                mark = "*" if e in s.labels else ("-" if e in s.hard_negative else " ")
                print(f"   {mark} t{s.turn} {s.text}")


if __name__ == "__main__":
    main()
