"""Measure the checker on the labelled closes: precision, recall and F1 per element.

    .venv/bin/python bench/checker.py            # dev + held-out, ablations, timing
    .venv/bin/python bench/checker.py --errors   # also list every disagreement (dev only)
    .venv/bin/python bench/checker.py --errors-in blind   # disagreements on another set

Writes bench/results/checker.md (markdown tables) and bench/results/checker.json.
The held-out file was written before the phrase bank was tuned and is only
scored here, never used to tune. The blind sets (closes_blind*.jsonl) were
written by a different person, without looking at the checker or the dev data,
to estimate how the checker does on phrasing nobody tuned it on.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from voicepractice import check_rubric  # noqa: E402
from voicepractice.check import CheckOptions, check  # noqa: E402
from voicepractice.records import CORE_ELEMENTS, Transcript, Word  # noqa: E402

DATA = ROOT / "tests" / "data"
RESULTS = ROOT / "bench" / "results"
EXTRAS = ("role_question", "offer_more_info", "invite_concerns", "ask_for_job", "follow_up_contact")
PITFALLS = ("rambling", "negativity", "too_casual", "salary_first", "apologising")
ELEMENTS = CORE_ELEMENTS + EXTRAS + PITFALLS

ABLATIONS: dict[str, CheckOptions] = {
    "full": CheckOptions(),
    "no fuzzy spelling": CheckOptions(fuzzy=False),
    "no negation/blockers": CheckOptions(negation=False),
    "questions from '?' only": CheckOptions(questions="punctuation"),
    "no question check": CheckOptions(questions="off"),
    "no filler removal": CheckOptions(fillers=False),
    "no restart removal": CheckOptions(repeats=False),
}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


def load(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def score(rows: list[dict[str, Any]], options: CheckOptions) -> tuple[dict[str, Score], list[str]]:
    scores = {e: Score() for e in ELEMENTS}
    scores["qualifications_weak"] = Score()
    errors: list[str] = []
    for row in rows:
        report = check(Transcript.from_text(row["text"]), options=options)
        for e in ELEMENTS:
            gold = bool(row["labels"].get(e, False))
            got = report.finding(e).found
            s = scores[e]
            if gold and got:
                s.tp += 1
            elif got:
                s.fp += 1
                errors.append(f"FP {e:18} {row['id']}: {row['text'][:150]}")
            elif gold:
                s.fn += 1
                errors.append(f"FN {e:18} {row['id']}: {row['text'][:150]}")
            else:
                s.tn += 1
        if row["labels"].get("qualifications") and report.finding("qualifications").found:
            gold_w = bool(row["labels"].get("qualifications_weak"))
            got_w = report.finding("qualifications").weak
            s = scores["qualifications_weak"]
            s.tp += gold_w and got_w
            s.fp += got_w and not gold_w
            s.fn += gold_w and not got_w
            if gold_w != got_w:
                kind = "FP" if got_w else "FN"
                errors.append(f"{kind} {'weak':18} {row['id']}: {row['text'][:150]}")
    return scores, errors


def timing(runs: int = 300) -> dict[str, float]:
    """Median time to check a 200-word timed transcript (warm and with cold caches)."""
    text = (
        "um thank you so much for your time today i really appreciate it and uh i'm very "
        "interested in this role because i have spent five years building data pipelines and "
        "i think that experience would carry over well so what are the what are the next steps "
        "and when should i expect to hear back i'd also love to know more about the team and "
        "what a typical day looks like like how big is the team and who would i report to "
    )
    words_text = (text * 4).split()[:200]
    words = tuple(Word(w, start=i * 0.4, end=i * 0.4 + 0.3) for i, w in enumerate(words_text))
    transcript = Transcript(text=" ".join(words_text), words=words, duration=81.0)
    check(transcript)
    warm = []
    for _ in range(runs):
        t0 = time.perf_counter()
        check(transcript)
        warm.append((time.perf_counter() - t0) * 1000)
    from voicepractice import check as check_mod

    cold = []
    for _ in range(30):
        check_mod._CORRECTORS.clear()  # spelling cache: every word looked up afresh
        t0 = time.perf_counter()
        check(transcript)
        cold.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    check_rubric.default_rubric.cache_clear()
    check_rubric.default_rubric()
    compile_ms = (time.perf_counter() - t0) * 1000
    return {
        "words": len(words_text),
        "median_ms": round(statistics.median(warm), 3),
        "p95_ms": round(sorted(warm)[int(len(warm) * 0.95)], 3),
        "median_ms_cold_spelling_cache": round(statistics.median(cold), 3),
        "rubric_compile_ms_once": round(compile_ms, 1),
        "runs": runs,
    }


def table(scores: dict[str, Score], names: tuple[str, ...]) -> list[str]:
    lines = ["| element | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for e in names:
        s = scores[e]
        lines.append(f"| {e} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.support} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list disagreements on the dev set")
    parser.add_argument("--errors-in", action="append", default=[], metavar="SET",
                        help="list disagreements on this set (dev, heldout, blind, blind2)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    sets = {"dev": load("closes_dev.jsonl"), "heldout": load("closes_heldout.jsonl"),
            "blind": load("closes_blind.jsonl"), "blind2": load("closes_blind2.jsonl")}
    sets = {k: v for k, v in sets.items() if v}
    results: dict[str, Any] = {"sets": {k: len(v) for k, v in sets.items()}}
    md: list[str] = ["# Checker benchmark", "", "Produced by `bench/checker.py`.", ""]
    all_scores = {name: score(rows, ABLATIONS["full"]) for name, rows in sets.items()}
    md += ["## Core F1 across sets", "",
           "| element | " + " | ".join(f"{k} ({len(v)})" for k, v in sets.items()) + " |",
           "|---|" + "---:|" * len(sets)]
    for e in CORE_ELEMENTS + ("qualifications_weak",) + EXTRAS + PITFALLS:
        md.append(f"| {e} | " + " | ".join(f"{all_scores[k][0][e].f1:.3f}" for k in sets) + " |")
    md.append("")
    for name, rows in sets.items():
        scores, errors = all_scores[name]
        results[name] = {e: {**asdict(s), "precision": s.precision, "recall": s.recall,
                             "f1": s.f1} for e, s in scores.items()}
        md += [f"## {name} ({len(rows)} closes)", ""]
        for title, names in (("Core", CORE_ELEMENTS), ("Extras", EXTRAS), ("Pitfalls", PITFALLS),
                             ("Weak qualifications (among found)", ("qualifications_weak",))):
            md += [f"### {title}", ""] + table(scores, names) + [""]
        if args.errors and name == "dev":
            print("\n".join(errors))
        if name in args.errors_in and not (args.errors and name == "dev"):
            print(f"## disagreements on {name}\n" + "\n".join(errors))
        elif args.errors and name != "dev":
            print(f"({name}: {len(errors)} disagreements, not listed)")

    # Ablations: core-element F1 (and macro-F1 over all elements) with one step switched off.
    md += ["## Ablations (F1, dev + held-out together)", "",
           "| configuration | " + " | ".join(CORE_ELEMENTS) + " | macro F1 (all 14) |",
           "|---|" + "---:|" * (len(CORE_ELEMENTS) + 1)]
    both = sets["dev"] + sets["heldout"]
    results["ablations"] = {}
    for label, opts in ABLATIONS.items():
        scores, _ = score(both, opts)
        macro = statistics.mean(scores[e].f1 for e in ELEMENTS)
        results["ablations"][label] = {e: scores[e].f1 for e in ELEMENTS} | {"macro": macro}
        md.append(f"| {label} | " + " | ".join(f"{scores[e].f1:.3f}" for e in CORE_ELEMENTS)
                  + f" | {macro:.3f} |")
    md.append("")

    t = timing()
    results["timing"] = t
    md += ["## Speed", "",
           f"Median {t['median_ms']} ms (p95 {t['p95_ms']} ms) to check a {t['words']}-word "
           f"timed transcript over {t['runs']} runs; {t['median_ms_cold_spelling_cache']} ms with "
           f"the spelling cache cleared each run. Compiling the rubric (once per process and "
           f"profile): {t['rubric_compile_ms_once']} ms.", ""]
    print("\n".join(md))
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "checker.md").write_text("\n".join(md))
        (RESULTS / "checker.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
