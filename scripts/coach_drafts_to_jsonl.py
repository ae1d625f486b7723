"""Turn the compact drafts in scripts/coach_drafts/*.txt into labelled .jsonl files.

We write closes by hand in a compact form because JSON by hand is slow and error-prone;
the .jsonl files under src/voicepractice/coach/data/labelled/ are what the model reads.

    .venv/bin/python scripts/coach_drafts_to_jsonl.py

Draft format (one file -> labelled/<file stem>.jsonl):

    @ own-nurse-clean clean | kind=own | a ward nurse applying for a cardiac post, plain writing
    Thank you so much for taking the time today. | t
    The next steps on my last project were a handover to ops. | -n
    1> So what happens next on your side? | n

- `@ SOURCE STYLE | kind=KIND | REF` starts a source; closes follow, separated by blank lines.
- One sentence per line; `| codes` at the end labels it; `-code` marks a hard negative.
- A leading `1> ` or `2> ` sets the sentence's turn (default 0).
- Codes: t thanks, i interest, q qualifications, n next_steps, r role_question,
  o offer_more_info, c invite_concerns, a ask_for_job (adds interest), f follow_up_contact,
  neg negativity, cas too_casual, sal salary_first, sor apologising.
- Lines starting with `#` are comments.

Each source is written to labelled/sources-coach-data-a.tsv with its split from the hash rule
(rows this script does not own, such as derived spoken sources, are kept). Drafts named
`test2_*.txt` are the held-out batch written after the first test split had been scored: their
sources go to labelled/sources-coach2-test2.tsv with the split `test2`, which training never reads;
`test3_*.txt` (written after test2's errors had been read) go to labelled/sources-coach3-test3.tsv
with the split `test3`, held out the same way; `test4_*.txt` (closes written by other people, verbatim,
plus a written-after share) go to labelled/sources-test4.tsv with the split `test4`; `test5_*.txt` (the
next such batch, labelled blind while coach5 improved the model) go to labelled/sources-test5.tsv with
the split `test5` (so do `test5b_*.txt`, the second batch of that split); `test6_*.txt` and `test6b_*.txt` (the
sixth batch, written by two engineers in parallel, blind while coach6 improved the model) go to
labelled/sources-test6.tsv with the split `test6`; `test7_*.txt` and `test7b_*.txt` (the seventh, made the same
way while coach8 improved the model) go to labelled/sources-test7.tsv with the split `test7`, and `test8_*.txt` and
`test8b_*.txt` (the eighth, made the same way while coach9 read test7) to labelled/sources-test8.tsv with the split
`test8`; `test9_*.txt` and `test9b_*.txt` (the ninth, made the same way while coach10 read test8) to
labelled/sources-test9.tsv with the split `test9`; `test10_*.txt` and `test10b_*.txt` (the tenth, made the same way
after round 10 shipped) to labelled/sources-test10.tsv with the split `test10`; `test11_*.txt` and `test11b_*.txt`
(the eleventh, made the same way after round 11 shipped) to labelled/sources-test11.tsv with the split `test11`. `coach4_*.txt` (written by
coach4 after all three had been scored, to be trained on) go to labelled/sources-coach4.tsv with their
split from the hash rule; `coach5_*.txt` (written by coach5 after test4's first run) go to
labelled/sources-coach5.tsv the same way, `coach6_*.txt` (written by coach6 after test5's first run) to
labelled/sources-coach6.tsv, and `coach8_*.txt` (written by coach8 after test6's first run) to
labelled/sources-coach8.tsv, `coach9_*.txt` (written by coach9 after test7's first run) to
labelled/sources-coach9.tsv, and `coach10_*.txt` (written by coach10 after test8's first run) to
labelled/sources-coach10.tsv, and `coach11_*.txt` (written by coach11 after test10's first run) to
labelled/sources-coach11.tsv.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRAFTS = ROOT / "scripts" / "coach_drafts"
LABELLED = ROOT / "src" / "voicepractice" / "coach" / "data" / "labelled"
TSV = LABELLED / "sources-coach-data-a.tsv"
HELD_OUT_TSV = LABELLED / "sources-coach2-test2.tsv"
HELD_OUT = "test2"
HELD_OUT_3_TSV = LABELLED / "sources-coach3-test3.tsv"
HELD_OUT_3 = "test3"
HELD_OUT_4_TSV = LABELLED / "sources-test4.tsv"
HELD_OUT_4 = "test4"
HELD_OUT_5_TSV = LABELLED / "sources-test5.tsv"
HELD_OUT_5 = "test5"
HELD_OUT_6_TSV = LABELLED / "sources-test6.tsv"
HELD_OUT_6 = "test6"
HELD_OUT_7_TSV = LABELLED / "sources-test7.tsv"
HELD_OUT_7 = "test7"
HELD_OUT_8_TSV = LABELLED / "sources-test8.tsv"
HELD_OUT_8 = "test8"
HELD_OUT_9_TSV = LABELLED / "sources-test9.tsv"
HELD_OUT_9 = "test9"
HELD_OUT_10_TSV = LABELLED / "sources-test10.tsv"
HELD_OUT_10 = "test10"
HELD_OUT_11_TSV = LABELLED / "sources-test11.tsv"
HELD_OUT_11 = "test11"
COACH4_TSV = LABELLED / "sources-coach4.tsv"
COACH5_TSV = LABELLED / "sources-coach5.tsv"
COACH6_TSV = LABELLED / "sources-coach6.tsv"
COACH8_TSV = LABELLED / "sources-coach8.tsv"
COACH9_TSV = LABELLED / "sources-coach9.tsv"
COACH10_TSV = LABELLED / "sources-coach10.tsv"
COACH11_TSV = LABELLED / "sources-coach11.tsv"
ROUTES: tuple[tuple[tuple[str, ...], Path, str | None], ...] = (
    (("test2_",), HELD_OUT_TSV, HELD_OUT),
    (("test3_",), HELD_OUT_3_TSV, HELD_OUT_3),
    (("test4_",), HELD_OUT_4_TSV, HELD_OUT_4),
    (("test5_", "test5b_"), HELD_OUT_5_TSV, HELD_OUT_5),
    (("test6_", "test6b_"), HELD_OUT_6_TSV, HELD_OUT_6),
    (("test7_", "test7b_"), HELD_OUT_7_TSV, HELD_OUT_7),
    (("test8_", "test8b_"), HELD_OUT_8_TSV, HELD_OUT_8),
    (("test9_", "test9b_"), HELD_OUT_9_TSV, HELD_OUT_9),
    (("test10_", "test10b_"), HELD_OUT_10_TSV, HELD_OUT_10),
    (("test11_", "test11b_"), HELD_OUT_11_TSV, HELD_OUT_11),
    (("coach4_",), COACH4_TSV, None),
    (("coach5_",), COACH5_TSV, None),
    (("coach6_",), COACH6_TSV, None),
    (("coach8_",), COACH8_TSV, None),
    (("coach9_",), COACH9_TSV, None),
    (("coach10_",), COACH10_TSV, None),
    (("coach11_",), COACH11_TSV, None),
)
"""Draft name prefixes -> the sources table their sources go to and their split (None: the hash rule)."""

CODES = {
    "t": "thanks", "i": "interest", "q": "qualifications", "n": "next_steps",
    "r": "role_question", "o": "offer_more_info", "c": "invite_concerns", "a": "ask_for_job",
    "f": "follow_up_contact", "neg": "negativity", "cas": "too_casual", "sal": "salary_first",
    "sor": "apologising",
}  # fmt: skip
STYLES = {"clean", "asr", "tts_asr", "formal", "curt", "non_native", "casual", "rambling"}


def split_of(source: str) -> str:
    h = int(hashlib.sha1(source.encode()).hexdigest(), 16) % 100
    return "test" if h < 25 else "dev" if h < 40 else "train"


def parse_sentence(line: str, where: str) -> dict:
    turn = 0
    if len(line) > 2 and line[0] in "012" and line[1] == ">":
        turn, line = int(line[0]), line[2:].strip()
    labels: list[str] = []
    hard: list[str] = []
    if line.endswith(" |"):  # a sentence marked with an empty label list
        line = line[:-2]
    if " | " in line:
        line, codes = line.rsplit(" | ", 1)
        for code in codes.split():
            neg = code.startswith("-")
            name = CODES.get(code.lstrip("-"))
            if name is None:
                raise SystemExit(f"{where}: unknown code {code!r}")
            (hard if neg else labels).append(name)
    if "ask_for_job" in labels and "interest" not in labels:
        labels.append("interest")
    if set(labels) & set(hard):
        raise SystemExit(f"{where}: label and hard negative overlap: {line!r}")
    return {"text": line.strip(), "turn": turn, "labels": labels, "hard_negative": hard}


def convert(path: Path) -> tuple[list[dict], dict[str, tuple[str, str]]]:
    closes: list[dict] = []
    sources: dict[str, tuple[str, str]] = {}
    source = style = ""
    current: list[dict] = []
    counter: dict[str, int] = {}

    def flush() -> None:
        if current:
            counter[source] = counter.get(source, 0) + 1
            closes.append({"id": f"{source}-{counter[source]:04d}", "source": source, "style": style,
                           "sentences": list(current)})  # fmt: skip
            current.clear()

    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        where = f"{path.name}:{n}"
        if line.startswith("#"):
            continue
        if not line:
            flush()
            continue
        if line.startswith("@"):
            flush()
            head, kind, ref = (p.strip() for p in line[1:].split("|", 2))
            source, style = head.split()
            if style not in STYLES:
                raise SystemExit(f"{where}: unknown style {style!r}")
            if source in sources:
                raise SystemExit(f"{where}: source {source} declared twice")
            sources[source] = (kind.removeprefix("kind="), ref)
            continue
        if not source:
            raise SystemExit(f"{where}: sentence before any @ source line")
        current.append(parse_sentence(line, where))
    flush()
    return closes, sources


def read_tsv(path: Path) -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    if path.exists():
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                rows[row["source"]] = [row["source"], row["kind"], row["ref"], row["split"]]
    return rows


def write_tsv(path: Path, rows: dict[str, list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["source", "kind", "ref", "split"])
        for source in sorted(rows):
            w.writerow(rows[source])


def route(stem: str) -> tuple[Path, str | None]:
    """The sources table a draft's sources go to, and their split (None: the hash rule decides)."""
    for prefixes, tsv, split in ROUTES:
        if stem.startswith(prefixes):
            return tsv, split
    return TSV, None


def main() -> int:
    tables = {tsv: read_tsv(tsv) for tsv in (TSV, *(r[1] for r in ROUTES))}
    LABELLED.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    for path in sorted(DRAFTS.glob("*.txt")):
        closes, sources = convert(path)
        if seen & set(sources):
            raise SystemExit(f"{path.name}: source declared in two drafts: {sorted(seen & set(sources))}")
        seen |= set(sources)
        with open(LABELLED / f"{path.stem}.jsonl", "w", encoding="utf-8") as f:
            for close in closes:
                f.write(json.dumps(close, ensure_ascii=False) + "\n")
        tsv, split = route(path.stem)
        for source, (kind, ref) in sources.items():
            tables[tsv][source] = [source, kind, ref, split or split_of(source)]
        print(f"{path.name}: {len(closes)} closes, {sum(len(c['sentences']) for c in closes)} sentences, {len(sources)} sources")
    for tsv, rows in tables.items():
        if rows or tsv == TSV:
            write_tsv(tsv, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
