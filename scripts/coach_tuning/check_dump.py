"""Dump what ``check()`` says about every labelled close, to prove a speed change changed no verdict.

    .venv/bin/python scripts/coach_tuning/check_dump.py OUT.jsonl [--src OTHER/src]   # one tree's verdicts
    .venv/bin/python scripts/coach_tuning/check_dump.py --diff A.jsonl B.jsonl          # count the differences

Per close (as training sends it, one transcript per turn; again as one typed line, and again lower case
without punctuation as a recogniser might write it; every seventh close with --strength points too): each
clause's text and probability per element (``judge.probabilities``), and the report's findings as stored.
``--diff`` counts closes whose clauses or findings differ, or whose probabilities differ by more than 1e-6.
Prints no scores: held-out splits are dumped too, and nothing here is read for tuning.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TOLERANCE = 1e-6


def dump(out: Path) -> None:
    from voicepractice.coach import Profile, check, judge, training
    from voicepractice.records import Transcript

    seen: list[Any] = []
    real = judge.probabilities

    def recording(clauses: Any, h: Any, ctx: Any) -> Any:
        p = real(clauses, h, ctx)
        seen.append(([c.text for c in clauses], p.tolist()))
        return p

    judge.probabilities = recording  # type: ignore[assignment]
    profile = Profile(role="analyst", company="Acme", strengths=("SQL", "five years of reporting", "team lead"))
    with out.open("w", encoding="utf-8") as f:
        for n, c in enumerate(training.load_closes()):
            text = " ".join(s.text for s in c.sentences)
            variants = {"turns": (training.transcripts(c), None), "typed": ([Transcript.from_text(text)], None),
                        "spoken": ([Transcript.from_text(re.sub(r"[.,?!;:]", "", text.lower()))], None)}
            if n % 7 == 0:
                variants["profile"] = (training.transcripts(c), profile)
            for name, (turns, prof) in variants.items():
                seen.clear()
                report = check(turns, prof)
                clauses, p = seen[0] if seen else ([], [])
                row = {"id": c.id, "variant": name, "clauses": clauses, "p": p,
                       "findings": [x.to_dict() for x in report.findings]}
                f.write(json.dumps(row, sort_keys=True) + "\n")


def diff(a: Path, b: Path) -> int:
    rows_a = [json.loads(x) for x in a.read_text(encoding="utf-8").splitlines()]
    rows_b = [json.loads(x) for x in b.read_text(encoding="utf-8").splitlines()]
    if len(rows_a) != len(rows_b):
        print(f"row counts differ: {len(rows_a)} vs {len(rows_b)}")
        return 1
    bad, worst = 0, 0.0
    for ra, rb in zip(rows_a, rows_b, strict=True):
        gap = max((abs(x - y) for pa, pb in zip(ra["p"], rb["p"], strict=False)
                   for x, y in zip(pa, pb, strict=True)), default=0.0)
        worst = max(worst, gap)
        same = (ra["id"], ra["variant"], ra["clauses"], ra["findings"]) == (rb["id"], rb["variant"], rb["clauses"],
                                                                          rb["findings"])
        if not same or gap > TOLERANCE or len(ra["p"]) != len(rb["p"]):
            bad += 1
            print(f"differs: {ra['id']} {ra['variant']} (largest probability gap {gap:.2e})")
    print(f"{len(rows_a)} checks compared, {bad} differ; largest probability gap {worst:.2e}")
    return 1 if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, help="where to write the dump")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the source tree to import (another branch's)")
    parser.add_argument("--diff", nargs=2, type=Path, metavar=("A", "B"), help="compare two dumps")
    args = parser.parse_args()
    if args.diff:
        sys.exit(diff(*args.diff))
    if args.out is None:
        parser.error("name the dump file (or --diff A B)")
    sys.path.insert(0, str(args.src.resolve()))
    dump(args.out)


if __name__ == "__main__":
    main()
