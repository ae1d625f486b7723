"""Check the checker's labelled data (issue #11) and print its counts.

    .venv/bin/python scripts/check_coach_data.py             # check, print counts
    .venv/bin/python scripts/check_coach_data.py --markdown  # the data card's counts table
    .venv/bin/python scripts/check_coach_data.py --split own-nurse-clean   # a source's split

Loads every labelled/*.jsonl and every labelled/sources-*.tsv and checks: the schema of each
close and sentence, element and style names, labels and hard negatives disjoint, ask_for_job
always with interest, ids unique, every source listed exactly once, and each source's split
equal to the hash rule (a derived source inherits its parent's). Exits 1 with one line per
problem when anything is wrong.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "src" / "voicepractice" / "coach" / "data" / "labelled"

CORE = ("interest", "qualifications", "next_steps", "thanks")
EXTRAS = ("role_question", "offer_more_info", "invite_concerns", "ask_for_job", "follow_up_contact")
PITFALLS = ("negativity", "too_casual", "salary_first", "apologising")
ELEMENTS = CORE + EXTRAS + PITFALLS
STYLES = ("clean", "asr", "tts_asr", "formal", "curt", "non_native", "casual", "rambling")
KINDS = ("own", "web", "forum", "coaching", "derived")
SPLITS = ("train", "dev", "test")
CLOSE_KEYS = {"id", "source", "style", "sentences"}
SENTENCE_KEYS = {"text", "labels", "hard_negative"}
OPTIONAL_SENTENCE_KEYS = {"turn"}


def hash_split(source: str) -> str:
    """The split rule of COACH_DATA_SPEC.md: by a hash of the source id, never by hand."""
    h = int(hashlib.sha1(source.encode()).hexdigest(), 16) % 100
    return "test" if h < 25 else "dev" if h < 40 else "train"


@dataclass(frozen=True)
class Source:
    source: str
    kind: str
    ref: str
    split: str
    where: str
    """file:line of its tsv row, for messages"""


@dataclass
class Data:
    closes: list[dict] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def load_sources(folder: Path, data: Data) -> None:
    for path in sorted(folder.glob("sources-*.tsv")):
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader, None)
            if header != ["source", "kind", "ref", "split"]:
                data.problems.append(f"{path.name}:1: header must be source, kind, ref, split (tab-separated), got {header}")
                continue
            for n, row in enumerate(reader, 2):
                where = f"{path.name}:{n}"
                if len(row) != 4:
                    data.problems.append(f"{where}: expected 4 tab-separated columns, got {len(row)}")
                    continue
                s = Source(*row, where=where)
                if s.source in data.sources:
                    data.problems.append(f"{where}: source {s.source} already listed at {data.sources[s.source].where}")
                    continue
                if s.kind not in KINDS:
                    data.problems.append(f"{where}: kind {s.kind!r} is not one of {', '.join(KINDS)}")
                if s.split not in SPLITS:
                    data.problems.append(f"{where}: split {s.split!r} is not one of {', '.join(SPLITS)}")
                data.sources[s.source] = s


def expected_split(source: str, sources: dict[str, Source]) -> str:
    """A derived source inherits its parent's split (its ref names the parent), recursively."""
    seen = set()
    while source in sources and sources[source].kind == "derived" and source not in seen:
        seen.add(source)
        source = sources[source].ref.split()[0] if sources[source].ref.split() else ""
    return hash_split(source)


def check_sentence(s: object, where: str, problems: list[str]) -> None:
    if not isinstance(s, dict):
        problems.append(f"{where}: a sentence must be an object")
        return
    keys = set(s)
    if not SENTENCE_KEYS <= keys or not keys <= SENTENCE_KEYS | OPTIONAL_SENTENCE_KEYS:
        problems.append(f"{where}: sentence keys must be text, labels, hard_negative (+ turn), got {sorted(keys)}")
        return
    if not isinstance(s["text"], str) or not s["text"].strip():
        problems.append(f"{where}: text must be a non-empty string")
    if "turn" in s and (not isinstance(s["turn"], int) or isinstance(s["turn"], bool) or s["turn"] not in (0, 1, 2)):
        problems.append(f"{where}: turn must be 0, 1 or 2")
    for key in ("labels", "hard_negative"):
        value = s[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{where}: {key} must be a list of element names")
            return
        for name in value:
            if name not in ELEMENTS:
                problems.append(f"{where}: unknown element {name!r} in {key}")
        if len(set(value)) != len(value):
            problems.append(f"{where}: {key} repeats an element")
    both = set(s["labels"]) & set(s["hard_negative"])
    if both:
        problems.append(f"{where}: {sorted(both)} both a label and a hard negative")
    if "ask_for_job" in s["labels"] and "interest" not in s["labels"]:
        problems.append(f"{where}: ask_for_job also counts as interest; add interest to labels")


def load_closes(folder: Path, data: Data) -> None:
    ids: dict[str, str] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name}:{n}"
            if not line.strip():
                continue
            try:
                close = json.loads(line)
            except json.JSONDecodeError as e:
                data.problems.append(f"{where}: not JSON ({e.msg})")
                continue
            if not isinstance(close, dict) or set(close) != CLOSE_KEYS:
                got = sorted(close) if isinstance(close, dict) else type(close).__name__
                data.problems.append(f"{where}: a close must have exactly id, source, style, sentences; got {got}")
                continue
            if not isinstance(close["id"], str) or not isinstance(close["source"], str):
                data.problems.append(f"{where}: id and source must be strings")
                continue
            if close["id"] in ids:
                data.problems.append(f"{where}: id {close['id']} already used at {ids[close['id']]}")
            ids[close["id"]] = where
            if close["style"] not in STYLES:
                data.problems.append(f"{where}: style {close['style']!r} is not one of {', '.join(STYLES)}")
            if close["source"] not in data.sources:
                data.problems.append(f"{where}: source {close['source']} is not listed in any sources-*.tsv")
            sentences = close["sentences"]
            if not isinstance(sentences, list) or not sentences:
                data.problems.append(f"{where}: sentences must be a non-empty list")
                continue
            for i, s in enumerate(sentences):
                check_sentence(s, f"{where} sentence {i}", data.problems)
            close["_file"] = path.name
            data.closes.append(close)


def check_splits(data: Data) -> None:
    for s in data.sources.values():
        if s.kind == "derived" and (not s.ref.split() or s.ref.split()[0] not in data.sources):
            data.problems.append(f"{s.where}: derived source {s.source} must name a listed parent source first in ref")
            continue
        want = expected_split(s.source, data.sources)
        if s.split in SPLITS and s.split != want:
            data.problems.append(f"{s.where}: source {s.source} is in {s.split} but the hash rule says {want}")


def load(folder: Path = LABELLED) -> Data:
    data = Data()
    load_sources(folder, data)
    load_closes(folder, data)
    check_splits(data)
    return data


def counts(data: Data) -> dict[str, Counter]:
    """positives and hard negatives per element × split, sentences per style and split."""
    out: dict[str, Counter] = {"pos": Counter(), "hard": Counter(), "style": Counter(), "sentences": Counter(),
                               "closes": Counter(), "sources": Counter(), "any_hard": Counter()}  # fmt: skip
    for close in data.closes:
        src = data.sources.get(close["source"])
        split = src.split if src else "?"
        out["closes"][split] += 1
        for s in close["sentences"]:
            if not isinstance(s, dict):
                continue
            out["sentences"][split] += 1
            out["style"][(close["style"], split)] += 1
            if s.get("hard_negative"):
                out["any_hard"][split] += 1
            for e in s.get("labels", []):
                out["pos"][(e, split)] += 1
            for e in s.get("hard_negative", []):
                out["hard"][(e, split)] += 1
    used = {c["source"] for c in data.closes}
    for name in used:
        if name in data.sources:
            out["sources"][data.sources[name].split] += 1
    return out


def table(data: Data) -> str:
    c = counts(data)
    cols = SPLITS + ("all",)

    def cell(counter: Counter, key: str) -> str:
        return str(sum(counter[(key, s)] for s in SPLITS)) if key == "all" else str(counter[key])

    lines = [
        f"{len(data.closes)} closes, {sum(c['sentences'].values())} sentences "
        f"({sum(c['any_hard'].values())} with a hard negative, "
        f"{sum(c['any_hard'].values()) / max(1, sum(c['sentences'].values())):.0%}), "
        f"{sum(c['sources'].values())} sources with data.",
        "",
        "| | " + " | ".join(cols) + " |",
        "|---|" + "---:|" * len(cols),
        "| sources | " + " | ".join(str(c["sources"][s]) if s != "all" else str(sum(c["sources"].values())) for s in cols) + " |",
        "| closes | " + " | ".join(str(c["closes"][s]) if s != "all" else str(sum(c["closes"].values())) for s in cols) + " |",
        "| sentences | " + " | ".join(str(c["sentences"][s]) if s != "all" else str(sum(c["sentences"].values())) for s in cols) + " |",
        "| with a hard negative | " + " | ".join(str(c["any_hard"][s]) if s != "all" else str(sum(c["any_hard"].values())) for s in cols) + " |",
        "",
        "Positives / hard negatives per element (sentences):",
        "",
        "| element | " + " | ".join(cols) + " |",
        "|---|" + "---:|" * len(cols),
    ]
    for e in ELEMENTS:
        cells = []
        for s in cols:
            if s == "all":
                pos, hard = sum(c["pos"][(e, x)] for x in SPLITS), sum(c["hard"][(e, x)] for x in SPLITS)
            else:
                pos, hard = c["pos"][(e, s)], c["hard"][(e, s)]
            cells.append(f"{pos} / {hard}")
        lines.append(f"| {e} | " + " | ".join(cells) + " |")
    lines += ["", "Sentences per style:", "", "| style | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    for st in STYLES:
        lines.append(f"| {st} | " + " | ".join(
            str(c["style"][(st, s)]) if s != "all" else str(sum(c["style"][(st, x)] for x in SPLITS)) for s in cols) + " |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", type=Path, default=LABELLED, help="the labelled folder (default: the package's)")
    ap.add_argument("--markdown", action="store_true", help="print only the counts table (for LABELLING.md)")
    ap.add_argument("--split", metavar="SOURCE", help="print the split the hash rule gives SOURCE and exit")
    args = ap.parse_args(argv)
    if args.split:
        print(hash_split(args.split))
        return 0
    if not args.folder.is_dir():
        print(f"Error: no folder {args.folder}", file=sys.stderr)
        return 1
    data = load(args.folder)
    if data.problems:
        for p in data.problems:
            print(f"Error: {p}", file=sys.stderr)
        print(f"Error: {len(data.problems)} problem(s) in {args.folder}", file=sys.stderr)
        return 1
    print(table(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
