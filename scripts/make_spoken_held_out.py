"""Speak a held-out batch's closes with the natural voice and transcribe them with tiny.en (issue #11).

    nice .venv/bin/python scripts/make_spoken_held_out.py --split test4 [--review FILE] [--cache FILE]
    nice .venv/bin/python scripts/make_spoken_held_out.py --split test5 [--review FILE] [--cache FILE]
    nice .venv/bin/python scripts/make_spoken_held_out.py --split test6 [--review FILE] [--cache FILE]
    nice .venv/bin/python scripts/make_spoken_held_out.py --split test7 [--review FILE] [--cache FILE]
    nice .venv/bin/python scripts/make_spoken_held_out.py --split test8 [--review FILE] [--cache FILE]
    nice .venv/bin/python scripts/make_spoken_held_out.py --split test9 [--review FILE] [--cache FILE]
    nice .venv/bin/python scripts/make_spoken_held_out.py --split test10 [--review FILE] [--cache FILE]
    nice .venv/bin/python scripts/make_spoken_held_out.py --split test11 [--review FILE] [--cache FILE]

test4, test5 and test6 are held-out batches (never trained on, scored once). The closes chosen for a split
(see ``SPLITS``: for test4 every close taken verbatim from other people's words, i.e. every close in
labelled/test4_*.jsonl whose source is not `written-after`; for test5 a seeded choice of single-turn
closes, verbatim ones first, then 20 of test5b's verbatim closes appended after them; for test6 every
single-turn verbatim close of test6_*.jsonl, then up to 40 of test6b's by the hash of the id; test7 to test11 the same
way from their two halves' files) are spoken
sentence by sentence by hibari-tts's bundled voice "heart", joined with short pauses into one recording
per close, transcribed as one recording by the project's tiny.en as `voicepractice check FILE` does,
and each word is given to the sentence whose audio it falls in (the machinery of
scripts/make_spoken_coach_data.py, the heart voice only). The labels are the parent sentence's, except
where scripts/<split>_spoken_overrides.tsv records that the transcript lost or changed the meaning (every
sentence whose words changed is listed by --review, to read by hand).

Writes labelled/<split>_spoken_tts_asr.jsonl (style tts_asr) and one `derived` source per parent
source in labelled/sources-<split>.tsv, split <split> (a derived source inherits its parent's split).
Nothing here scores a close: it only makes transcripts.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

from coach_drafts_to_jsonl import write_tsv  # noqa: E402
from make_spoken_coach_data import GAP_S, SR, Voices, _edits, _norm, _spoken_text, _words, finish  # noqa: E402

LABELLED = ROOT / "src" / "voicepractice" / "coach" / "data" / "labelled"
VOICE = "heart"
VERBATIM = ("web", "forum", "coaching")


def _two_halves(split: str) -> dict:
    """Every single-turn verbatim close of the first engineer's files (``{split}_*``), then up to 40 of the second
    engineer's (``{split}b_*``) as a `more` batch appended after them. Written in parallel, so the second batch's
    voice seeds start at a fixed `seed_start` instead of after the first batch: neither batch's size moves the
    other's audio. test6 was made this way, and every split after it."""
    return {
        "kinds": VERBATIM,
        "single_turn": True,
        "limit": None,
        "more": [{"files": f"{split}b_*.jsonl", "kinds": VERBATIM, "limit": 40, "seed_start": 1000}],
    }


SPLITS = {
    # every verbatim close, multi-turn ones included
    "test4": {"kinds": VERBATIM, "single_turn": False, "limit": None},
    # single-turn closes only: every verbatim one, then written-after ones by a seeded hash of the id,
    # up to `limit` closes in all; then `more` batches of the same split (later draft files, chosen the same
    # way among their own closes and appended after the first batch, so the first batch's closes, their order
    # and their voice seeds stay exactly as they were)
    "test5": {
        "kinds": (*VERBATIM, "written-after"),
        "single_turn": True,
        "limit": 66,
        "more": [{"files": "test5b_*.jsonl", "kinds": VERBATIM, "limit": 20}],
    },
    # two engineers' halves, written in parallel (see _two_halves)
    **{split: _two_halves(split) for split in ("test6", "test7", "test8", "test9", "test10", "test11")},
}


def _rank(close: dict, kind: str) -> tuple[int, str]:
    """Verbatim closes first, then the rest in the order of a hash of the id (stable, nobody chooses)."""
    return (0 if kind in VERBATIM else 1, hashlib.sha1(close["id"].encode()).hexdigest())


def parents(split: str) -> tuple[list[dict], list[int], dict[str, list[str]]]:
    """The closes to speak, in order, each one's voice seed (its place in the list, unless its batch names a
    `seed_start`), and the split's sources table."""
    rule = SPLITS[split]
    rows: dict[str, list[str]] = {}
    with open(LABELLED / f"sources-{split}.tsv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            rows[row["source"]] = [row["source"], row["kind"], row["ref"], row["split"]]
    # the text files, not this script's output
    closes = _choose(f"{split}_[!s]*.jsonl", rule["kinds"], rule["single_turn"], rule["limit"], rows)
    seeds = list(range(len(closes)))
    for more in rule.get("more", []):
        batch = _choose(more["files"], more["kinds"], rule["single_turn"], more["limit"], rows)
        start = more.get("seed_start", len(closes))
        closes += batch
        seeds += range(start, start + len(batch))
    return closes, seeds, rows


def _choose(
    pattern: str, kinds: tuple[str, ...], single_turn: bool, limit: int | None, rows: dict[str, list[str]]
) -> list[dict]:
    """The closes of the text files matching `pattern` that the rule speaks, in file order."""
    closes = []
    for path in sorted(LABELLED.glob(pattern)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                close = json.loads(line)
                kind = rows.get(close["source"], ["", "derived"])[1]
                if kind not in kinds:
                    continue
                if single_turn and any(s.get("turn", 0) for s in close["sentences"]):
                    continue
                closes.append(close)
    if limit is not None:
        keep = {c["id"] for c in sorted(closes, key=lambda c: _rank(c, rows[c["source"]][1]))[:limit]}
        closes = [c for c in closes if c["id"] in keep]
    return closes


def transcribe(close: dict, voices: Voices, transcriber, seed: int) -> list[str]:  # type: ignore[no-untyped-def]
    pieces, spans, t = [], [], 0.0
    gap = np.zeros(int(GAP_S * SR), dtype=np.float32)
    for s in close["sentences"]:
        audio = voices.speak(_spoken_text(s["text"]), VOICE, seed)
        spans.append((t, t + audio.size / SR))
        pieces += [audio, gap]
        t += audio.size / SR + GAP_S
    audio = np.concatenate([gap] + pieces)
    spans = [(a + GAP_S, b + GAP_S) for a, b in spans]
    texts: list[list[str]] = [[] for _ in spans]
    for w in transcriber.words(audio):
        mid = (w.start + w.end) / 2
        i = min(range(len(spans)), key=lambda k: 0 if spans[k][0] <= mid <= spans[k][1]
                else min(abs(mid - spans[k][0]), abs(mid - spans[k][1])))  # fmt: skip
        texts[i].append(w.text)
    return [" ".join(ws).strip() for ws in texts]


def load_overrides(path: Path) -> dict[tuple[str, int], tuple[list[str], list[str]] | None]:
    out: dict[tuple[str, int], tuple[list[str], list[str]] | None] = {}
    if path.exists():
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"):
                key = (row["id"], int(row["sentence"]))
                out[key] = None if row["labels"] == "drop" else (
                    row["labels"].split(",") if row["labels"] else [],
                    row["hard_negative"].split(",") if row["hard_negative"] else [])  # fmt: skip
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=sorted(SPLITS), required=True, help="the held-out batch to speak")
    ap.add_argument("--review", type=Path, help="write the sentences whose words changed here, to check by hand")
    ap.add_argument("--cache", type=Path, help="JSON file of transcripts already made (read and updated)")
    args = ap.parse_args()
    try:
        import hibari  # noqa: F401
    except ImportError:
        print("Error: hibari-tts is not installed: .venv/bin/pip install -e '.[spoken-data]'", file=sys.stderr)
        return 1
    from voicepractice.transcribe import TranscribeOptions, Transcriber

    closes, seeds, rows = parents(args.split)
    tsv = LABELLED / f"sources-{args.split}.tsv"
    out_path = LABELLED / f"{args.split}_spoken_tts_asr.jsonl"
    cache: dict[str, list[str]] = json.loads(args.cache.read_text()) if args.cache and args.cache.exists() else {}
    overrides = load_overrides(ROOT / "scripts" / f"{args.split}_spoken_overrides.tsv")
    transcriber = None
    out, review, edits, words = [], [], 0, 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"{args.split}-spoken-") as tmp:
        voices = Voices(Path(tmp))
        for n, close in enumerate(closes):
            key = f"{close['id']}-{VOICE}:" + "|".join(s["text"] for s in close["sentences"])
            if key not in cache:
                if transcriber is None:
                    transcriber = Transcriber(TranscribeOptions(model="tiny.en", threads=1))
                    transcriber.warm_up()
                cache[key] = transcribe(close, voices, transcriber, seed=seeds[n])
                if args.cache:
                    args.cache.write_text(json.dumps(cache))
            heard_all = cache[key]
            cid = f"{close['id']}-{VOICE}"
            sentences = []
            for i, (s, heard) in enumerate(zip(close["sentences"], heard_all, strict=True)):
                ref, hyp = _words(s["text"]), _words(heard)
                edits += _edits(ref, hyp)
                words += len(ref)
                labels, hard = s["labels"], s["hard_negative"]
                if (cid, i) in overrides:
                    if overrides[(cid, i)] is None:
                        continue
                    labels, hard = overrides[(cid, i)]  # type: ignore[misc]
                if not heard:
                    continue
                if _norm(heard) != _norm(s["text"]):
                    review.append(f"{cid}\t{i}\t{','.join(labels)}\t{','.join(hard)}\t{s['text']}\t{heard}")
                sentences.append({"text": heard, "turn": s.get("turn", 0), "labels": labels, "hard_negative": hard})
            if sentences:
                out.append({"id": cid, "source": f"{close['source']}-{VOICE}", "style": "tts_asr", "sentences": sentences})
                # an existing row keeps its ref (test4's name the script by its old name, make_spoken_test4.py),
                # so rerunning a split leaves its sources table byte-identical
                rows.setdefault(f"{close['source']}-{VOICE}", [
                    f"{close['source']}-{VOICE}", "derived",
                    f"{close['source']} spoken by hibari-tts voice heart, transcribed by tiny.en (scripts/make_spoken_held_out.py)",
                    rows[close["source"]][3]])  # fmt: skip
            print(f"{n + 1}/{len(closes)} {close['id']} {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    with open(out_path, "w", encoding="utf-8") as f:
        for close in out:
            f.write(json.dumps(close, ensure_ascii=False) + "\n")
    write_tsv(tsv, rows)
    print(f"word error rate of tiny.en on the heart voice: {edits / max(1, words):.1%} ({edits} edits / {words} words)", file=sys.stderr)
    finish(out, out_path, review, args.review)
    return 0


if __name__ == "__main__":
    sys.exit(main())
