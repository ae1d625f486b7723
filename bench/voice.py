"""The voice analysis on real speech, and how long it takes after the answer ends.

1. **Real speech** (``../shared/speech_corpus``, 42 clips of people reading and talking, nobody
   coached): each clip is transcribed with tiny.en and analysed as recorded, as an 8 kHz
   telephone copy (300-3400 Hz, resampled) and with white noise at 10 dB SNR. Prints the
   distributions the "our judgement" thresholds were set against (end drop, final rise on
   statements, sentence pitch variation) and how often each flag fires on this natural speech,
   and how much the figures move under phone band and noise.
2. **Timing**: the 60 s fixture answer (``audio_fixtures/long_answer_60s.flac``) fed block by
   block to ``LiveTracker`` as the drill does, paced so the tracker keeps up as it would in real
   time; timed from the last block to the figures being ready (``finish`` + ``analyse``), and
   the whole-file path ``check FILE`` uses. Median and worst of ``--runs``.

    .venv/bin/python bench/voice.py [--runs 5] [--limit N]

Writes bench/results/voice.md and voice.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from pitch_trackers import CORPUS, noisy, telephone  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def corpus_rows(limit: int | None) -> list[dict[str, str]]:
    with open(CORPUS / "manifest.tsv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[:limit]


def real_speech(limit: int | None) -> dict:
    from scipy.signal import resample_poly

    from voicepractice.audio import load_audio
    from voicepractice.transcribe import Transcriber
    from voicepractice.voice import analyse_recording

    tr = Transcriber()
    out: dict[str, list[dict]] = {"clean": [], "8 kHz phone": [], "noise 10 dB": []}
    for i, row in enumerate(corpus_rows(limit)):
        audio = load_audio(CORPUS / row["file"])  # 16 kHz mono, as the app hears it
        transcript = tr.transcript(audio)
        phone, _ = telephone(audio.astype(np.float64), 16000)
        variants = {
            "clean": audio,
            # 8 kHz as the phone delivers it, then back to 16 kHz as load_audio would
            "8 kHz phone": resample_poly(phone, 2, 1).astype(np.float32),
            "noise 10 dB": noisy(audio.astype(np.float64), 16000, seed=2000 + i)[0].astype(np.float32),
        }
        for cond, x in variants.items():
            v = analyse_recording(x, transcript)
            out[cond].append({"file": row["file"], "kind": row["kind"], "voice": v.to_dict()})
        print(row["file"], v.figure("pitch_variation").value, file=sys.stderr)
    return out


def summarise_speech(per: dict) -> tuple[dict, list[str]]:
    summary: dict[str, dict] = {}
    md: list[str] = []
    clean = per["clean"]
    for cond, rows in per.items():
        sents = [s for r in rows for s in r["voice"]["sentences"]]
        statements = [s for s in sents if not s["question"] and s["final_rise_st"] is not None]
        drops = [s["end_drop_db"] for s in sents if s["end_drop_db"] is not None]
        rises = [s["final_rise_st"] for s in statements]
        spvq = [s["pitch_variation"] for s in sents if s["pitch_variation"] is not None]
        apvq = [r["voice"]["figures"]["pitch_variation"]["value"] for r in rows if r["voice"]["judged"]]
        flags = {f: sum(1 for s in sents if f in s["flags"]) for f in ("monotone", "trailing_off", "upspeak")}
        issues = [r["voice"]["issue"] for r in rows if r["voice"]["issue"]]
        # how far each clip's answer-level pitch variation moved from the clean recording's
        moved = [
            abs(r["voice"]["figures"]["pitch_variation"]["value"] - c["voice"]["figures"]["pitch_variation"]["value"])
            for r, c in zip(rows, clean, strict=True)
            if r["voice"]["judged"] and c["voice"]["judged"]
        ]
        q = lambda xs, p: round(float(np.percentile(xs, p)), 3) if xs else None  # noqa: E731
        summary[cond] = {
            "clips": len(rows),
            "judged": len(apvq),
            "sentences": len(sents),
            "statements": len(statements),
            "end_drop_db": {"median": q(drops, 50), "p90": q(drops, 90), "p95": q(drops, 95), "max": q(drops, 100)},
            "final_rise_st_statements": {"median": q(rises, 50), "p90": q(rises, 90), "p95": q(rises, 95), "max": q(rises, 100)},
            "sentence_pvq": {"p5": q(spvq, 5), "median": q(spvq, 50)},
            "answer_pvq": {"min": q(apvq, 0), "median": q(apvq, 50), "max": q(apvq, 100)},
            "flags": flags,
            "issues": {k: issues.count(k) for k in sorted(set(issues))},
            "pvq_moved_vs_clean": {"median": q(moved, 50), "max": q(moved, 100)} if cond != "clean" else None,
        }
    md += ["## Real speech (speech corpus): what natural, uncoached speakers do", ""]
    md += ["| condition | clips judged | sentences | end drop dB median / p95 / max | final rise st on statements median / p95 / max | sentence PVQ p5 | answer PVQ min / median / max | flags: monotone, trailing off, upspeak | PVQ moved vs clean (median / max) |",
           "|---|---:|---:|---|---|---:|---|---|---|"]  # fmt: skip
    for cond, s in summary.items():
        d, r, a, f, m = s["end_drop_db"], s["final_rise_st_statements"], s["answer_pvq"], s["flags"], s["pvq_moved_vs_clean"]
        md.append(
            f"| {cond} | {s['judged']}/{s['clips']} | {s['sentences']} | {d['median']} / {d['p95']} / {d['max']} | "
            f"{r['median']} / {r['p95']} / {r['max']} | {s['sentence_pvq']['p5']} | {a['min']} / {a['median']} / {a['max']} | "
            f"{f['monotone']}, {f['trailing_off']}, {f['upspeak']} | {'' if m is None else str(m['median']) + ' / ' + str(m['max'])} |"
        )
    md.append("")
    return summary, md


def timing(runs: int) -> tuple[dict, list[str]]:
    from voicepractice.audio import load_audio
    from voicepractice.listen import BLOCK
    from voicepractice.transcribe import Transcriber
    from voicepractice.voice import LiveTracker, analyse_recording, analyse_turns
    from voicepractice.voice.frames import CONTEXT_S, PIECE_S

    audio = load_audio(ROOT / "audio_fixtures" / "long_answer_60s.flac")
    transcript = Transcriber().transcript(audio)
    analyse_recording(audio[:16000], transcript)  # warm-up: import parselmouth once
    live, whole, live_cpu = [], [], []
    load_before = round(os.getloadavg()[0], 2)  # the machine is shared: wall times depend on it
    for _ in range(runs):
        tracker = LiveTracker()
        lag = 0
        for i in range(0, audio.size, BLOCK):
            tracker.feed(audio[i : i + BLOCK])
            # real time: the tracker has had the block's 0.1 s; wait until it is as far along as it
            # would be (each piece is done once the context after it has arrived)
            fed = i + BLOCK
            due = ((fed - int(CONTEXT_S * 16000)) // int(PIECE_S * 16000)) * int(PIECE_S * 16000)
            t_wait = time.monotonic()
            while tracker._done_until < due and time.monotonic() - t_wait < 5:
                time.sleep(0.002)
            lag = max(lag, due - tracker._done_until)
        t0, c0 = time.monotonic(), time.process_time()
        frames = tracker.finish(audio)
        voice = analyse_turns([(transcript, frames)], started=t0)
        live.append(time.monotonic() - t0)
        live_cpu.append(time.process_time() - c0)
        t1 = time.monotonic()
        analyse_recording(audio, transcript)
        whole.append(time.monotonic() - t1)
    res = {
        "load_avg_1m_before_after": [load_before, round(os.getloadavg()[0], 2)],
        "cpus": os.cpu_count(),
        "audio_s": round(audio.size / 16000, 1),
        "after_end_live_s": {"median": round(statistics.median(live), 4), "worst": round(max(live), 4)},
        "after_end_live_cpu_s": {"median": round(statistics.median(live_cpu), 4), "worst": round(max(live_cpu), 4)},
        "whole_file_s": {"median": round(statistics.median(whole), 4), "worst": round(max(whole), 4)},
        "runs": runs,
        "issue": voice.issue,
    }
    md = [
        "## Timing: a 60 s answer",
        "",
        f"`audio_fixtures/long_answer_60s.flac` ({res['audio_s']} s), {runs} runs, median / worst, seconds; "
        f"load average {load_before} before, {res['load_avg_1m_before_after'][1]} after, on {os.cpu_count()} CPUs.",
        "",
        "| path | seconds |",
        "|---|---:|",
        f"| drill: answer end → figures ready (tracked while listening; `finish` + `analyse`) | {res['after_end_live_s']['median']} / {res['after_end_live_s']['worst']} |",
        f"| the same, CPU seconds of this process (what the shared machine's load does not inflate) | {res['after_end_live_cpu_s']['median']} / {res['after_end_live_cpu_s']['worst']} |",
        f"| `check FILE`: the whole file tracked and analysed at once | {res['whole_file_s']['median']} / {res['whole_file_s']['worst']} |",
        "",
    ]
    return res, md


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--skip-corpus", action="store_true")
    args = ap.parse_args()
    t_res, t_md = timing(args.runs)
    print("\n".join(t_md))
    result: dict = {"timing": t_res}
    md = ["# Voice analysis: real speech and timing", "", f"`.venv/bin/python bench/voice.py {' '.join(sys.argv[1:])}`".replace(" `", "`"), "", *t_md]
    if not args.skip_corpus:
        per = real_speech(args.limit)
        summary, s_md = summarise_speech(per)
        result["real_speech"] = summary
        md += s_md
        print("\n".join(s_md))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "voice.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "voice.md").write_text("\n".join(md) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
