"""Speak labelled closes with a TTS voice and transcribe them with the project's tiny.en (issue #11).

    nice .venv/bin/python scripts/make_spoken_coach_data.py [--limit N] [--review FILE]

Picks CLOSES closes (seeded: ranked by a hash of their id) from the frozen parent files in
src/voicepractice/coach/data/labelled/, speaks each sentence with a voice (the natural voice
"heart" of hibari-tts for most, espeak-ng through voicepractice.speak.render for the rest),
joins the sentences with short pauses into one recording per close, transcribes the whole
recording with tiny.en as `voicepractice check FILE` does, and gives each sentence the words
whose middle falls inside its stretch of audio. The labels are the parent sentence's, except
where scripts/coach_spoken_overrides.tsv says the transcript lost or changed the meaning
(checked by hand; --review writes every sentence whose words changed, to check).

Writes labelled/spoken_tts_asr.jsonl (style tts_asr) and one `derived` source per parent
source and voice in labelled/sources-coach-data-a.tsv, with the parent's split. Rerunning
gives the same file: the selection, the voices' seeds and the beam search are deterministic.
Needs hibari-tts (`.venv/bin/pip install -e '.[spoken-data]'`; its bundled voice "heart" only: other voices download from a
hub and are never asked for) and espeak-ng.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "src" / "voicepractice" / "coach" / "data" / "labelled"
TSV = LABELLED / "sources-coach-data-a.tsv"
OUT = LABELLED / "spoken_tts_asr.jsonl"
OVERRIDES = ROOT / "scripts" / "coach_spoken_overrides.tsv"
# Frozen: the closes spoken are drawn from these files only, so adding data elsewhere never
# changes which closes are spoken.
PARENT_FILES = ("own_health.jsonl", "own_trades.jsonl", "own_office.jsonl", "own_education.jsonl")
SEED = "coach-spoken-1"
CLOSES = 150
ESPEAK_SHARE = 30  # of every 100 picked closes (by hash), spoken by espeak-ng instead of hibari
GAP_S = 0.45  # pause between sentences: a speaker's breath, long enough to split the words by time
SR = 16000


def _rank(close_id: str) -> int:
    return int(hashlib.sha1(f"{SEED}:{close_id}".encode()).hexdigest(), 16)


def _voice_of(close_id: str) -> str:
    return "espeak" if _rank(close_id) % 100 < ESPEAK_SHARE else "heart"


def pick(limit: int) -> list[dict]:
    closes = []
    for name in PARENT_FILES:
        with open(LABELLED / name, encoding="utf-8") as f:
            closes += [json.loads(line) for line in f if line.strip()]
    return sorted(closes, key=lambda c: _rank(c["id"]))[:limit]


def _resample(audio: np.ndarray, rate: int) -> np.ndarray:
    if rate == SR:
        return audio.astype(np.float32)
    n = int(round(audio.size * SR / rate))
    return np.interp(np.linspace(0, audio.size - 1, n), np.arange(audio.size), audio).astype(np.float32)


class Voices:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self._hibari = None

    def speak(self, text: str, voice: str, seed: int) -> np.ndarray:
        if voice == "heart":
            if self._hibari is None:
                from hibari import Hibari
                from hibari.voices import voice_path

                # download_missing=False: the bundled voice only, never a hub download.
                self._hibari = Hibari(model=voice_path("heart", download_missing=False), threads=1)
            audio = self._hibari(text, seed=seed)
            return _resample(np.asarray(audio, dtype=np.float32), self._hibari.sample_rate)
        from voicepractice.audio import load_audio
        from voicepractice.speak import render

        path = render(text, self.tmp / "espeak.wav")
        return load_audio(path)


def _spoken_text(text: str) -> str:
    # ASR-style drafts are lower case without punctuation; a capital and a full stop keep the
    # voices from reading them as one breathless run, without changing a word.
    text = text.strip()
    if not re.search(r"[.!?]$", text):
        text += "."
    return text[0].upper() + text[1:]


def transcribe_close(close: dict, voices: Voices, transcriber, seed: int) -> list[str]:  # type: ignore[no-untyped-def]
    voice = _voice_of(close["id"])
    pieces, spans, t = [], [], 0.0
    gap = np.zeros(int(GAP_S * SR), dtype=np.float32)
    for s in close["sentences"]:
        audio = voices.speak(_spoken_text(s["text"]), voice, seed)
        spans.append((t, t + audio.size / SR))
        pieces += [audio, gap]
        t += audio.size / SR + GAP_S
    audio = np.concatenate([gap] + pieces)
    spans = [(a + GAP_S, b + GAP_S) for a, b in spans]
    words = transcriber.words(audio)
    texts: list[list[str]] = [[] for _ in spans]
    for w in words:
        mid = (w.start + w.end) / 2
        # nearest sentence span (a word can spill a little into the pause)
        i = min(range(len(spans)), key=lambda k: 0 if spans[k][0] <= mid <= spans[k][1] else min(abs(mid - spans[k][0]), abs(mid - spans[k][1])))
        texts[i].append(w.text)
    return [" ".join(ws).strip() for ws in texts]


def load_overrides() -> dict[tuple[str, int], tuple[list[str], list[str]] | None]:
    out: dict[tuple[str, int], tuple[list[str], list[str]] | None] = {}
    if not OVERRIDES.exists():
        return out
    with open(OVERRIDES, newline="", encoding="utf-8") as f:
        for row in csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"):
            key = (row["id"], int(row["sentence"]))
            if row["labels"] == "drop":
                out[key] = None
            else:
                out[key] = (row["labels"].split(",") if row["labels"] else [],
                            row["hard_negative"].split(",") if row["hard_negative"] else [])  # fmt: skip
    return out


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower()).split())


def _words(text: str) -> list[str]:
    # the WER normalisation of bench/wer.py, enough for this text: numbers as digits are rare
    # in the drafts, and Whisper writes "150" for "a hundred and fifty", so digits count as words
    text = text.lower().replace("’", "'").replace("-", " ")
    return [w.strip("'") for w in re.sub(r"[^a-z0-9' ]", " ", text).split() if w.strip("'")]


def _edits(ref: list[str], hyp: list[str]) -> int:
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(ref, hyp))


def split_of(source: str) -> str:
    h = int(hashlib.sha1(source.encode()).hexdigest(), 16) % 100
    return "test" if h < 25 else "dev" if h < 40 else "train"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=CLOSES, help=f"closes to speak (default {CLOSES})")
    ap.add_argument("--review", type=Path, help="write the sentences whose words changed here, to check by hand")
    ap.add_argument("--cache", type=Path, help="JSON file of transcripts already made (read and updated): "
                    "relabel after editing the overrides without speaking everything again")
    args = ap.parse_args()
    try:
        import hibari  # noqa: F401
    except ImportError:
        print("Error: hibari-tts is not installed: .venv/bin/pip install -e '.[spoken-data]'", file=sys.stderr)
        return 1
    from voicepractice.transcribe import TranscribeOptions, Transcriber

    transcriber = Transcriber(TranscribeOptions(model="tiny.en", threads=1))
    transcriber.warm_up()
    overrides = load_overrides()
    closes = pick(args.limit)
    out, review, derived = [], [], {}
    wer: dict[str, list[int]] = {}  # voice -> [word edits, reference words], over every sentence spoken
    t0 = time.perf_counter()
    cache: dict[str, list[str]] = {}
    if args.cache and args.cache.exists():
        cache = json.loads(args.cache.read_text())
    with tempfile.TemporaryDirectory(prefix="coach-spoken-") as tmp:
        voices = Voices(Path(tmp))
        for n, close in enumerate(closes):
            voice = _voice_of(close["id"])
            key_texts = f"{close['id']}-{voice}:" + "|".join(s["text"] for s in close["sentences"])
            if key_texts not in cache:
                cache[key_texts] = transcribe_close(close, voices, transcriber, seed=n)
                if args.cache:
                    args.cache.write_text(json.dumps(cache))
            texts = cache[key_texts]
            for s, heard in zip(close["sentences"], texts, strict=True):
                ref, hyp = _words(s["text"]), _words(heard)
                tally = wer.setdefault(voice, [0, 0])
                tally[0] += _edits(ref, hyp)
                tally[1] += len(ref)
            source = f"{close['source']}-{voice}"
            derived[source] = close["source"]
            sentences = []
            for i, (s, heard) in enumerate(zip(close["sentences"], texts, strict=True)):
                key = (f"{close['id']}-{voice}", i)
                labels, hard = s["labels"], s["hard_negative"]
                if key in overrides:
                    if overrides[key] is None:
                        continue
                    labels, hard = overrides[key]  # type: ignore[misc]
                if not heard:
                    continue
                if _norm(heard) != _norm(s["text"]):
                    review.append(f"{key[0]}\t{i}\t{','.join(labels)}\t{','.join(hard)}\t{s['text']}\t{heard}")
                sentences.append({"text": heard, "turn": s.get("turn", 0), "labels": labels, "hard_negative": hard})
            if sentences:
                out.append({"id": f"{close['id']}-{voice}", "source": source, "style": "tts_asr", "sentences": sentences})
            print(f"{n + 1}/{len(closes)} {close['id']} ({voice}) {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    with open(OUT, "w", encoding="utf-8") as f:
        for close in out:
            f.write(json.dumps(close, ensure_ascii=False) + "\n")
    rows: dict[str, list[str]] = {}
    with open(TSV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            rows[row["source"]] = [row["source"], row["kind"], row["ref"], row["split"]]
    for source, parent in derived.items():
        voice = source.rsplit("-", 1)[1]
        how = "hibari-tts voice heart" if voice == "heart" else "espeak-ng via voicepractice.speak.render"
        rows[source] = [source, "derived", f"{parent} spoken by {how}, transcribed by tiny.en (scripts/make_spoken_coach_data.py)", split_of(parent)]
    with open(TSV, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["source", "kind", "ref", "split"])
        for source in sorted(rows):
            w.writerow(rows[source])
    for voice, (e, n) in sorted(wer.items()):
        print(f"word error rate of tiny.en on the {voice} voice: {e / max(1, n):.1%} ({e} edits / {n} words)", file=sys.stderr)
    finish(out, OUT, review, args.review)
    return 0


def finish(out: list[dict], path: Path, review: list[str], review_path: Path | None) -> None:
    """Write the sentences heard differently (``--review``, to read by hand) and say what was written."""
    if review_path:
        review_path.write_text("id\tsentence\tlabels\thard_negative\twritten\theard\n" + "\n".join(review) + "\n")
    print(f"{len(out)} closes, {sum(len(c['sentences']) for c in out)} sentences -> {path.relative_to(ROOT)}; "
          f"{len(review)} sentences heard differently from the text", file=sys.stderr)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
