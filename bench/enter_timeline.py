"""Where the time between Enter and the report goes, stage by stage, on the wall clock.

Each finished answer of bench/endpoint.py (the speech corpus and the closes, 6 s of
room tone after them) is played at real-time pace through the drill's own ``listen``,
``EndOfTurn`` and ``LiveTranscription``; Enter comes ``--after`` s after the last word
(the recording stops there), as in ``bench/endpoint.py --enter``. Every stage that
runs meanwhile is timed: each decode on the model thread (which snapshot, when it was
sent, when it started, its Silero passes, encoder, beam search and word alignment),
Smart Turn and the text head on the listening thread, the checker. Times are printed
relative to the last word's end.

    .venv/bin/python bench/enter_timeline.py [--set SET] [--limit N] [--after 0.3] [--pause] [--name enter_timeline]

With ``--pause`` there is no Enter: the whole answer and the room tone after it play, and
the end-of-turn judge ends it (``bench/endpoint.py --paced-rules adaptive``), so the
figures say where the wait between the last word and the report goes at a real pause:
what the model thread was doing when the pause's words were sent, and how long they took.

Writes bench/results/NAME.md and NAME.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from endpoint import RESULTS, SR, Sample, build_samples, run_paced, summarize, time_enter  # noqa: E402

EVENTS: list[dict[str, Any]] = []
_job = threading.local()


def timed(owner: Any, name: str, label: str) -> None:
    """Record every call of ``owner.name`` as an event (start, end, thread, job)."""
    fn = getattr(owner, name)

    def wrapper(*a: Any, **k: Any) -> Any:
        t = time.monotonic()
        try:
            return fn(*a, **k)
        finally:
            EVENTS.append({"stage": label, "t0": t, "t1": time.monotonic(), "job": getattr(_job, "id", None)})

    setattr(owner, name, wrapper)


def instrument() -> None:
    import faster_whisper.transcribe as fwt

    from voicepractice import check as check_mod
    from voicepractice import completeness, endpoint
    from voicepractice import transcribe as vt

    timed(fwt, "get_speech_timestamps", "vad_inner")
    timed(vt, "_speech_spans", "vad_spans")
    timed(fwt.WhisperModel, "encode", "encoder")
    timed(fwt.WhisperModel, "generate_with_fallback", "beam")
    timed(fwt.WhisperModel, "add_word_timestamps", "align")
    timed(endpoint.TurnModel, "probability", "smart_turn")
    timed(completeness, "complete_probability", "text_head")
    timed(check_mod, "check", "check")
    timed(vt.Transcriber, "_settle_cut_off", "cut_off")

    submit = vt.Transcriber.submit
    counter = iter(range(10**9))

    def tracked_submit(self: Any, audio: Any, offset: float = 0.0, context: Callable[[], str] = lambda: "", vad: Any = None,
                       skip_if: Callable[[], bool] | None = None, **more: Any) -> Any:  # fmt: skip
        jid = next(counter)
        EVENTS.append({"stage": "submit", "t0": time.monotonic(), "t1": time.monotonic(), "job": jid,
                       "tentative": skip_if is not None, "audio_s": round(audio.size / SR, 2)})  # fmt: skip

        def ctx() -> str:
            _job.id = jid
            EVENTS.append({"stage": "job_start", "t0": time.monotonic(), "t1": time.monotonic(), "job": jid})
            return context()

        fut = submit(self, audio, offset, ctx, vad, skip_if, **more)
        fut.add_done_callback(lambda f: EVENTS.append({"stage": "job_end", "t0": time.monotonic(), "t1": time.monotonic(), "job": jid,
                                                       "words": len(f.result() or [])}))  # fmt: skip
        return fut

    vt.Transcriber.submit = tracked_submit  # type: ignore[method-assign]


def relative(last: float) -> list[dict[str, Any]]:
    """The recorded events, their times in s from the last word's end (``last``, monotonic)."""
    return [dict(e, t0=round(e["t0"] - last, 3), t1=round(e["t1"] - last, 3)) for e in EVENTS]


def final_job(events: list[dict[str, Any]], submit: dict[str, Any]) -> dict[str, Any]:
    """When the job whose words the answer ends with (the last one submitted: the adopted snapshot,
    or the final chunk when the snapshot did not cover the same speech) was sent, started and
    ended, its audio, the time in each of its stages, and how long it waited for the model thread."""
    jid = submit["job"]
    by = {e["stage"]: e for e in events if e.get("job") == jid and e["stage"] in ("job_start", "job_end")}
    stages: dict[str, float] = {}
    for e in events:
        if e.get("job") == jid and e["stage"] in ("vad_inner", "vad_spans", "encoder", "beam", "align"):
            stages[e["stage"]] = round(stages.get(e["stage"], 0.0) + e["t1"] - e["t0"], 3)
    row: dict[str, Any] = {
        "final_submit_s": submit["t0"], "final_start_s": by.get("job_start", {}).get("t0"),
        "final_end_s": by.get("job_end", {}).get("t0"), "final_audio_s": submit.get("audio_s"),
        **{f"final_{k}": v for k, v in stages.items()},
    }  # fmt: skip
    if row["final_start_s"] is not None:  # was the model thread busy with an earlier job when it was sent?
        row["queued_s"] = round(row["final_start_s"] - submit["t0"], 3)
    return row


def run(s: Sample, after: float) -> dict[str, Any]:
    EVENTS.clear()
    r = time_enter(s, after)
    cap, live, enter, t_listen, t_words, t_report = r.capture, r.live, r.enter, r.listen_returned, r.words, r.report
    last = r.t0 + s.last_word

    def rel(t: float) -> float:
        return round(t - last, 3)

    events = relative(last)
    submits = [e for e in events if e["stage"] == "submit"]
    adopted = live.reused_snapshots > 0
    row: dict[str, Any] = {
        "name": s.name, "held_out": s.held_out, "ended_by": cap.ended_by, "load": round(os.getloadavg()[0], 1),
        "enter_s": rel(enter), "report_s": rel(t_report), "enter_to_report_s": round(t_report - enter, 3),
        "listen_returned_s": rel(t_listen), "words_s": rel(t_words), "check_s": round(t_report - t_words, 3),
        "speech_end_s": round((cap.speech_end or 0) - s.last_word, 3), "adopted_snapshot": adopted,
        "jobs": len(submits), "snapshots": sum(e.get("tentative", False) for e in submits),
    }  # fmt: skip
    if submits:
        row.update(final_job(events, submits[-1]))
        st = [e for e in events if e["stage"] == "smart_turn"]
        if st and row.get("final_start_s") is not None and row.get("final_end_s") is not None:
            a, b = row["final_start_s"], row["final_end_s"]
            row["smart_turn_overlap_s"] = round(sum(max(0.0, min(b, e["t1"]) - max(a, e["t0"])) for e in st), 3)
        row["smart_turn_s"] = round(sum(e["t1"] - e["t0"] for e in st), 3)
    row["events"] = events
    return row


def run_pause(s: Sample) -> dict[str, Any]:
    """The answer ended by the judge at real-time pace: where its last word → report went."""
    EVENTS.clear()
    t_start = time.monotonic()  # run_paced's own start is this, give or take a millisecond
    paced = run_paced(s, "adaptive")
    events = relative(t_start + s.last_word)
    submits = [e for e in events if e["stage"] == "submit"]
    report = round(paced["last_word_to_report_s"], 3)
    row: dict[str, Any] = {
        "name": s.name, "held_out": s.held_out, "load": paced["load"], "report_s": report,
        "speech_end_s": paced["vad_tail_s"], "rule_wait_s": paced["rule_wait_s"], "words_wait_s": paced["words_wait_s"],
        "jobs": len(submits), "snapshots": sum(e.get("tentative", False) for e in submits),
    }  # fmt: skip
    if submits:
        final = submits[-1]
        row.update(final_job(events, final))
        cut = [e for e in events if e["stage"] == "cut_off" and e["t0"] >= (row["final_end_s"] or 1e9) - 1e-3]
        row["cut_off_end_s"] = cut[0]["t1"] if cut else None
        if row["final_start_s"] is not None:
            # What held the model thread when the pause's words were sent: earlier jobs' stages still running.
            busy = [e for e in events if e.get("job") != final["job"] and e["stage"] in ("encoder", "beam", "align", "cut_off")
                    and e["t1"] > final["t0"] and e["t0"] < row["final_start_s"]]  # fmt: skip
            row["queued_behind"] = sorted({e["stage"] for e in busy})
    row["events"] = events
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--after", type=float, default=0.3, help="Enter this long after the last word (s)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N finished answers")
    ap.add_argument("--name", default="enter_timeline")
    ap.add_argument("--set", dest="sample_set", default="corpus", help="which answers (bench/endpoint.py --set)")
    ap.add_argument("--pause", action="store_true", help="no Enter: the judge ends each answer at its pause")
    args = ap.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    from voicepractice.check import check
    from voicepractice.completeness import complete_probability
    from voicepractice.endpoint import load_turn_model
    from voicepractice.records import Transcript
    from voicepractice.transcribe import Transcriber

    Transcriber().warm_up()
    load_turn_model()
    check(Transcript.from_text("Thank you."))
    complete_probability("thank you")
    instrument()
    samples = [s for s in build_samples(sample_set=args.sample_set) if s.kind == "finished"]
    if args.limit:
        samples = samples[: args.limit]
    if args.pause:
        pause_report(samples, args)
        return
    rows = []
    for s in samples:
        row = run(s, args.after)
        rows.append(row)
        print(f"{s.name:45} {row['ended_by']:16} Enter->report {row['enter_to_report_s']:6.3f}  snapshot sent {row.get('final_submit_s')}"
              f" start {row.get('final_start_s')} end {row.get('final_end_s')} enter {row['enter_s']} load {row['load']}", file=sys.stderr)  # fmt: skip
    ok = [r for r in rows if r["ended_by"] == "end_of_recording" and r.get("final_end_s") is not None]
    keys = ["speech_end_s", "final_submit_s", "queued_s", "final_start_s", "final_vad_inner", "final_vad_spans", "final_encoder",
            "final_beam", "final_align", "final_end_s", "smart_turn_s", "smart_turn_overlap_s", "check_s", "enter_to_report_s", "load"]  # fmt: skip
    lines = [
        "# Enter → report, stage by stage",
        "",
        f"`.venv/bin/python bench/enter_timeline.py {' '.join(sys.argv[1:])}` — {len(ok)} answers ended by Enter "
        f"{args.after} s after the last word ({len(rows) - len(ok)} ended by the judge before it), real-time pace, {os.cpu_count()} cores. "
        "Times in s from the last word's end (batch-decode time) unless a duration; median / p95. The final job is the decode "
        "whose words the report uses (the pause's snapshot when adopted).",
        "",
        *stage_table(ok, keys),
        "",
    ]
    lines.append(f"Snapshot adopted at Enter: {sum(r['adopted_snapshot'] for r in ok)}/{len(ok)}; "
                 f"Enter → report ≤ 0.5 s: {sum(r['enter_to_report_s'] <= 0.5 for r in ok)}/{len(ok)}; "
                 f"jobs per answer median {statistics.median(r['jobs'] for r in ok) if ok else 0}.")  # fmt: skip
    write(args.name, lines, rows)


def stage_table(rows: list[dict[str, Any]], keys: list[str]) -> list[str]:
    """Median and p95 of each stage over the rows that have it."""
    lines = ["| stage | median | p95 |", "|---|---:|---:|"]
    for k in keys:
        vals = [r[k] for r in rows if r.get(k) is not None]
        if vals:
            c = summarize(vals)
            lines.append(f"| {k} | {c['median']:.3f} | {c['p95']:.3f} |")
    return lines


def write(name: str, lines: list[str], rows: list[dict[str, Any]]) -> None:
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"{name}.json").write_text(json.dumps(rows, indent=0), encoding="utf-8")


def pause_report(samples: list[Sample], args: argparse.Namespace) -> None:
    rows = []
    for s in samples:
        row = run_pause(s)
        rows.append(row)
        print(f"{s.name:45} report {row['report_s']:6.3f}  words wait {row['words_wait_s']:6.3f}  sent {row.get('final_submit_s')}"
              f" start {row.get('final_start_s')} end {row.get('final_end_s')} cut-off {row.get('cut_off_end_s')}"
              f" behind {row.get('queued_behind')} audio {row.get('final_audio_s')} s load {row['load']}", file=sys.stderr)  # fmt: skip
    keys = ["report_s", "speech_end_s", "rule_wait_s", "words_wait_s", "final_submit_s", "queued_s", "final_start_s", "final_audio_s",
            "final_encoder", "final_beam", "final_align", "final_end_s", "cut_off_end_s", "load"]  # fmt: skip
    lines = [
        "# Last word → report at a pause, stage by stage",
        "",
        f"`.venv/bin/python bench/enter_timeline.py {' '.join(sys.argv[1:])}` — {len(rows)} finished answers ended by the "
        f"judge, real-time pace, {os.cpu_count()} cores. Times in s from the last word's end unless a duration; median / p95. "
        "The final job is the decode whose words the report uses (the pause's snapshot, or the chunk committed there); "
        "cut_off_end_s is when the decoder's reading of its last word was in (the judge waits for both).",
        "",
        *stage_table(rows, keys),
    ]
    behind: dict[str, int] = {}
    for r in rows:
        for stage in r.get("queued_behind") or ["nothing"]:
            behind[stage] = behind.get(stage, 0) + 1
    lines += ["", "The model thread was busy, when the pause's words were sent, with: "
              + ", ".join(f"{k} {v}" for k, v in sorted(behind.items())) + f" (of {len(rows)})."]  # fmt: skip
    write(args.name, lines, rows)


if __name__ == "__main__":
    main()
