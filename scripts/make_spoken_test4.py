"""Speak test4's verbatim closes with the natural voice and transcribe them with tiny.en (issue #11).

    nice .venv/bin/python scripts/make_spoken_test4.py [--review FILE] [--cache FILE]

test4 is a held-out batch (never trained on, scored once). Its closes taken verbatim from other
people's words (every close in labelled/test4_*.jsonl whose source is not `written-after`) are
spoken sentence by sentence by hibari-tts's bundled voice "heart", joined with short pauses into one
recording per close, transcribed as one recording by the project's tiny.en as `voicepractice check
FILE` does, and each word is given to the sentence whose audio it falls in (the machinery of
scripts/make_spoken_coach_data.py, the heart voice only). The labels are the parent sentence's,
except where scripts/test4_spoken_overrides.tsv records that the transcript lost or changed the
meaning (every sentence whose words changed is listed by --review, to read by hand).

Writes labelled/test4_spoken_tts_asr.jsonl (style tts_asr) and one `derived` source per parent
source in labelled/sources-test4.tsv, split test4 (a derived source inherits its parent's split).
Nothing here scores a close: it only makes transcripts.
"""

from __future__ import annotations

import argparse
import csv
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
from make_spoken_coach_data import GAP_S, SR, Voices, _edits, _norm, _spoken_text, _words  # noqa: E402

LABELLED = ROOT / "src" / "voicepractice" / "coach" / "data" / "labelled"
TSV = LABELLED / "sources-test4.tsv"
OUT = LABELLED / "test4_spoken_tts_asr.jsonl"
OVERRIDES = ROOT / "scripts" / "test4_spoken_overrides.tsv"
PARENT_GLOB = "test4_[!s]*.jsonl"  # the text files, not this script's own output
VOICE = "heart"


def parents() -> tuple[list[dict], dict[str, list[str]]]:
    rows: dict[str, list[str]] = {}
    with open(TSV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            rows[row["source"]] = [row["source"], row["kind"], row["ref"], row["split"]]
    closes = []
    for path in sorted(LABELLED.glob(PARENT_GLOB)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                close = json.loads(line)
                if rows.get(close["source"], ["", "written-after"])[1] not in ("written-after", "derived"):
                    closes.append(close)
    return closes, rows


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


def load_overrides() -> dict[tuple[str, int], tuple[list[str], list[str]] | None]:
    out: dict[tuple[str, int], tuple[list[str], list[str]] | None] = {}
    if OVERRIDES.exists():
        with open(OVERRIDES, newline="", encoding="utf-8") as f:
            for row in csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"):
                key = (row["id"], int(row["sentence"]))
                out[key] = None if row["labels"] == "drop" else (
                    row["labels"].split(",") if row["labels"] else [],
                    row["hard_negative"].split(",") if row["hard_negative"] else [])  # fmt: skip
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--review", type=Path, help="write the sentences whose words changed here, to check by hand")
    ap.add_argument("--cache", type=Path, help="JSON file of transcripts already made (read and updated)")
    args = ap.parse_args()
    try:
        import hibari  # noqa: F401
    except ImportError:
        print("Error: hibari-tts is not installed: .venv/bin/pip install -e '.[spoken-data]'", file=sys.stderr)
        return 1
    from voicepractice.transcribe import TranscribeOptions, Transcriber

    closes, rows = parents()
    cache: dict[str, list[str]] = json.loads(args.cache.read_text()) if args.cache and args.cache.exists() else {}
    overrides = load_overrides()
    transcriber = None
    out, review, edits, words = [], [], 0, 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="test4-spoken-") as tmp:
        voices = Voices(Path(tmp))
        for n, close in enumerate(closes):
            key = f"{close['id']}-{VOICE}:" + "|".join(s["text"] for s in close["sentences"])
            if key not in cache:
                if transcriber is None:
                    transcriber = Transcriber(TranscribeOptions(model="tiny.en", threads=1))
                    transcriber.warm_up()
                cache[key] = transcribe(close, voices, transcriber, seed=n)
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
                rows[f"{close['source']}-{VOICE}"] = [
                    f"{close['source']}-{VOICE}", "derived",
                    f"{close['source']} spoken by hibari-tts voice heart, transcribed by tiny.en (scripts/make_spoken_test4.py)",
                    rows[close["source"]][3]]  # fmt: skip
            print(f"{n + 1}/{len(closes)} {close['id']} {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    with open(OUT, "w", encoding="utf-8") as f:
        for close in out:
            f.write(json.dumps(close, ensure_ascii=False) + "\n")
    write_tsv(TSV, rows)
    print(f"word error rate of tiny.en on the heart voice: {edits / max(1, words):.1%} ({edits} edits / {words} words)", file=sys.stderr)
    if args.review:
        args.review.write_text("id\tsentence\tlabels\thard_negative\twritten\theard\n" + "\n".join(review) + "\n")
    print(f"{len(out)} closes, {sum(len(c['sentences']) for c in out)} sentences -> {OUT.relative_to(ROOT)}; "
          f"{len(review)} sentences heard differently from the text", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
