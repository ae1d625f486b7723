"""Where the time of one snapshot decode goes, for 5, 10 and 20 s of real speech.

A snapshot is what ``LiveTranscription`` decodes at a 0.15 s pause so the words are
ready when the end-of-turn judge fires (``Transcriber._words``). This times one such
decode of a tail of real recordings (../shared/speech_corpus, read clips joined with
0.3 s of their own room tone between them, cut at a clip end) and splits it into the
parts faster-whisper runs: Silero VAD inside ``transcribe`` (``vad_filter``), our own
second VAD pass (``_speech_spans``), log-mel features, the encoder, the beam search
(with its temperature fallbacks) and the word-timestamp alignment. Then the variants
a snapshot could use instead: no inner VAD, greedy or beam 2, one thread.

    .venv/bin/python bench/snapshot_decode.py [--repeat 3]

Prints a table with the load average beside it and writes bench/results/snapshot_decode.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from endpoint import CORPUS  # noqa: E402

SR = 16_000


def tails(lengths: list[float]) -> dict[float, list[np.ndarray]]:
    """For each length, up to three stretches of joined read recordings about that long."""
    from voicepractice.audio import load_audio

    with open(CORPUS / "manifest.tsv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if r["kind"] == "read"]
    clips = [load_audio(CORPUS / r["file"]) for r in rows]
    gap = np.zeros(int(0.3 * SR), np.float32)
    out: dict[float, list[np.ndarray]] = {}
    for length in lengths:
        found: list[np.ndarray] = []
        start = 0
        while len(found) < 3 and start < len(clips):
            parts, n = [], 0
            i = start
            while i < len(clips) and n < length * SR * 0.9:
                parts += [clips[i], gap]
                n += clips[i].size + gap.size
                i += 1
            if n <= length * SR * 1.25 and n >= length * SR * 0.9:
                found.append(np.concatenate(parts))
            start += 1 if n > length * SR * 1.25 else max(1, i - start)
        out[length] = found
    return out


class Clock:
    """Wraps faster-whisper's stages to add up the time spent in each."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, owner: object, name: str, label: str) -> None:
        fn = getattr(owner, name)

        def timed(*a, **k):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                self.spent[label] += time.perf_counter() - t
                self.calls[label] += 1

        setattr(owner, name, timed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--lengths", default="5,10,20")
    ap.add_argument("--variants", default="", help="comma-separated names to run (default: all)")
    args = ap.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    import faster_whisper.transcribe as fwt

    from voicepractice import transcribe as vt
    from voicepractice.transcribe import TranscribeOptions, Transcriber

    clock = Clock()
    clock.wrap(fwt, "get_speech_timestamps", "vad (inner)")
    clock.wrap(vt, "_speech_spans", "vad (spans)")
    clock.wrap(fwt.WhisperModel, "encode", "encoder")
    clock.wrap(fwt.WhisperModel, "generate_with_fallback", "beam search")
    clock.wrap(fwt.WhisperModel, "add_word_timestamps", "word times")
    clock.wrap(fwt.FeatureExtractor, "__call__", "features")

    variants = {
        "before: every window (beam 5, VAD x2, word times)": (TranscribeOptions(), None, 0.0),
        "now: no remnant window": (TranscribeOptions(), None, vt.REMNANT_S),
        "no inner VAD": (TranscribeOptions(), False, vt.REMNANT_S),
        "beam 2": (TranscribeOptions(beam_size=2), None, vt.REMNANT_S),
        "greedy": (TranscribeOptions(beam_size=1), None, vt.REMNANT_S),
        "greedy, no inner VAD": (TranscribeOptions(beam_size=1), False, vt.REMNANT_S),
        "now, 1 thread": (TranscribeOptions(threads=1), None, vt.REMNANT_S),
    }
    if args.variants:
        variants = {k: v for k, v in variants.items() if any(k.startswith(n) for n in args.variants.split(","))}
    lengths = [float(x) for x in args.lengths.split(",")]
    audio = tails(lengths)
    lines = [
        "# One snapshot decode, split by stage",
        "",
        f"`.venv/bin/python bench/snapshot_decode.py {' '.join(sys.argv[1:])}` — tiny.en int8, {os.cpu_count()} cores; "
        "median of the decodes (each tail x repeats) in ms, wall clock except `CPU` (the process's CPU time for "
        "the call, both cores: steadier than wall time on a shared machine); `other` is the rest of the call "
        "(tokenising, segment splitting, Python). `30 s windows`: encoder passes per decode (mean); `fallbacks`: beam searches "
        "beyond one per window (temperature retries), summed.",
        "",
        "| tail | variant | n | total | CPU | vad (inner) | vad (spans) | features | encoder | beam search | word times | other | 30 s windows | fallbacks | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (opts, vad, remnant_s) in variants.items():
        vt.REMNANT_S = remnant_s
        tr = Transcriber(opts)
        tr.warm_up()
        for length in lengths:
            rows: list[dict[str, float]] = []
            for a in audio[length]:
                for _ in range(args.repeat):
                    clock.spent.clear()
                    clock.calls.clear()
                    t, c = time.perf_counter(), time.process_time()
                    tr.words(a, vad=vad)
                    total = time.perf_counter() - t
                    cpu = time.process_time() - c
                    row = {k: v * 1000 for k, v in clock.spent.items()}
                    row["total"] = total * 1000
                    row["cpu"] = cpu * 1000
                    row["fallbacks"] = clock.calls.get("beam search", 0) - clock.calls.get("encoder", 0)
                    row["windows"] = clock.calls.get("encoder", 0)
                    row["load"] = os.getloadavg()[0]
                    rows.append(row)
            if not rows:
                continue
            med = {k: statistics.median(r.get(k, 0.0) for r in rows) for k in
                   ("total", "cpu", "vad (inner)", "vad (spans)", "features", "encoder", "beam search", "word times", "fallbacks", "windows", "load")}  # fmt: skip
            other = med["total"] - sum(med[k] for k in ("vad (inner)", "vad (spans)", "features", "encoder", "beam search", "word times"))
            secs = statistics.median(a.size / SR for a in audio[length])
            line = (f"| {secs:.1f} s | {name} | {len(rows)} | {med['total']:.0f} | {med['cpu']:.0f} | {med['vad (inner)']:.0f} | {med['vad (spans)']:.0f} | "
                    f"{med['features']:.0f} | {med['encoder']:.0f} | {med['beam search']:.0f} | {med['word times']:.0f} | {other:.0f} | "
                    f"{sum(r['windows'] for r in rows) / len(rows):.1f} | {sum(r['fallbacks'] for r in rows)} | {med['load']:.1f} |")  # fmt: skip
            print(line, file=sys.stderr)
            lines.append(line)
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "bench" / "results" / "snapshot_decode.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
