"""Enter -> report in a live drill through a real audio server and a terminal.

The person presses Enter 0.3 s after their last word (issue #12 asks for the report within
0.5 s of it). ``bench/endpoint.py --enter`` measures it in one process at real-time pace; this
runs ``voicepractice drill`` on a one-turn script in an 80x24 pseudo-terminal against a private
PulseAudio server (``bench/live_turn.py``'s set-up: room tone into the microphone's sink), plays
each natural-voice answer cut 0.05 s after its last word (Whisper's word times) with ``paplay``,
which returns once the sink has played it all, sends Enter 0.25 s later, and times Enter -> the
card's first line on the terminal.

    .venv/bin/python bench/live_enter.py [--runs 2] [--cache DIR] [--name live_enter] [--trace]
    .venv/bin/python bench/live_enter.py --summarize NAME   # NAME.md again from NAME.json

Writes bench/results/NAME.md and NAME.json (and NAME_trace.txt with --trace). An answer the
end-of-turn judge ended before Enter is listed, not counted as an Enter time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import audio_server  # noqa: E402
from live_turn import ANSWERS, RESULTS, Drill, room_tone_playing  # noqa: E402

ONE_TURN = ROOT / "tests" / "data" / "one_turn.toml"


def cut_after_last_word(src: Path, dst: Path) -> float:
    """Write ``src`` cut 0.05 s after its last word; return that word's end (s)."""
    from voicepractice.audio import load_audio, write_wav
    from voicepractice.transcribe import Transcriber

    audio = load_audio(src)
    words = Transcriber().words(audio)
    end = float(words[-1].end or 0.0)
    write_wav(dst, audio[: int((end + 0.05) * 16000)])
    return end


def one(env: dict[str, str], answer: Path, trace: list[str] | None = None) -> tuple[float, bool]:
    """Enter -> card for one answer, and whether the judge ended the answer before Enter came;
    with ``trace``, the drill's -vv lines from 2 s before Enter on, each with its time from Enter
    (when the terminal got it), are added to it."""
    drill = Drill(env, str(ONE_TURN))
    try:
        drill.wait_for("listening", 1, 180)
        time.sleep(0.8)
        subprocess.run(["paplay", "--device=vp_mic", str(answer)], env=env, check=True, timeout=120)
        time.sleep(0.25)
        enter = time.monotonic()
        os.write(drill.master, b"\r")
        card = drill.wait_for("card", 1, 60)
        before_enter = drill.wait_for("ended", 1, 1) < enter
        drill.quit()
        if trace is not None:
            trace += [f"{t - enter:+7.3f}  {line}" for t, line in drill.lines if t >= enter - 2.0 and line.strip()]
            trace.append(f"{card - enter:+7.3f}  (the card)")
        return card - enter, before_enter
    finally:
        if drill.proc.poll() is None:
            drill.proc.kill()


def session_timings(home: Path) -> dict[str, float]:
    """The newest session's own timings after the answer's end: decode left, the checker, the voice figures."""
    newest = max(home.glob("sessions/*/session.json"), key=lambda p: p.stat().st_mtime, default=None)
    if newest is None:
        return {}
    timings = json.loads(newest.read_text()).get("timings", {})
    keys = ("final_decode_s", "check_s", "voice_s")
    return {k: round(timings[k], 3) for k in keys if k in timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--name", default="live_enter")
    parser.add_argument("--cache", help="a cache of rendered lines kept between runs")
    parser.add_argument("--trace", action="store_true",
                        help="also write NAME_trace.txt: each drill's -vv lines around Enter, timed from it")  # fmt: skip
    parser.add_argument("--summarize", metavar="NAME", help="write NAME.md again from NAME.json, without running")
    args = parser.parse_args()
    if args.summarize:
        report(json.loads((RESULTS / f"{args.summarize}.json").read_text())["answers"], args.summarize)
        return
    if audio_server.missing_tools():
        raise SystemExit(f"needs {', '.join(audio_server.missing_tools())}")
    with tempfile.TemporaryDirectory(prefix="vp-enter-") as tmp, audio_server.private_pulse(tmp) as env:
        env = {**env, "VOICEPRACTICE_HOME": os.path.join(tmp, "home"),
               "VOICEPRACTICE_CACHE": args.cache or os.path.join(tmp, "cache")}  # fmt: skip
        cut = [Path(tmp) / f"{a.stem}.wav" for a in ANSWERS]
        for a, c in zip(ANSWERS, cut, strict=True):
            cut_after_last_word(a, c)
        rows = []
        trace: list[str] | None = [] if args.trace else None
        with room_tone_playing(env, Path(tmp)):
            for run in range(1, args.runs + 1):
                for a in cut:
                    if trace is not None:
                        trace += ["", f"## run {run}, {a.stem}"]
                    wait, before_enter = one(env, a, trace)
                    rows.append({"run": run, "answer": a.stem, "enter_to_card_s": round(wait, 2),
                                 "ended_before_enter": before_enter,
                                 **session_timings(Path(env["VOICEPRACTICE_HOME"]))})  # fmt: skip
                    print(json.dumps(rows[-1]), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if trace is not None:
        (RESULTS / f"{args.name}_trace.txt").write_text("\n".join(trace) + "\n")
    report(rows, args.name, os.getloadavg()[0])


def report(rows: list[dict], name: str, load: float | None = None) -> None:
    """NAME.md and NAME.json from the rows: Enter times over the answers Enter ended."""
    for r in rows:  # rows from before the column: the card came before Enter only when the judge ended it
        r.setdefault("ended_before_enter", r["enter_to_card_s"] < 0)
    waits = sorted(r["enter_to_card_s"] for r in rows if not r["ended_before_enter"])
    summary = {"answers": len(rows), "ended_before_enter": len(rows) - len(waits),
               "median_s": statistics.median(waits) if waits else None, "max_s": waits[-1] if waits else None,
               "within_0_5_s": sum(w <= 0.5 for w in waits)}  # fmt: skip
    if load is None:  # summarised again: keep the load the run recorded
        load = json.loads((RESULTS / f"{name}.json").read_text())["summary"].get("load_after")
    summary["load_after"] = load
    (RESULTS / f"{name}.json").write_text(json.dumps({"summary": summary, "answers": rows}, indent=1))
    lines = [f"# {name}: Enter 0.3 s after the last word -> the card, live (bench/live_enter.py)", ""]
    lines += [f"- {k.replace('_', ' ')}: {v}" for k, v in summary.items()]
    lines += ["", "The drill's own timings after the answer's end (`session.json`): decode left, the checker, the",
              "voice figures (s).", "",
              "| run | answer | Enter -> card s | decode | check | voice |", "|---|---|---|---:|---:|---:|"]  # fmt: skip
    lines += [f"| {r['run']} | {r['answer']} | {r['enter_to_card_s']}{' (ended before Enter)' * r['ended_before_enter']} | "
              + " | ".join(str(r.get(k, "-")) for k in ("final_decode_s", "check_s", "voice_s")) + " |"
              for r in rows]  # fmt: skip
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
