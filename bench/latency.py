"""How long the person waits between the end of their answer and the report.

Feeds a 60-second answer (audio_fixtures/long_answer_60s.flac, plus room tone)
through the drill at real-time pace, exactly as a microphone would deliver it,
and times every stage after the answer ends. Three set-ups, each in its own
process (so peak memory is its own), each run --runs times:

* streaming, ended by silence: the drill as shipped (chunks decoded while the
  person talks; the answer ends after 2.5 s of silence);
* streaming, ended by Enter: the same, but the recording stops 0.2 s after the
  last word, which is what pressing Enter does;
* batch: record the whole answer, then transcribe it in one go (the design the
  streaming replaced), ended by silence.

It also times the start of `voicepractice drill`: from launching the command to
the interviewer's first line being handed to the speaker, with the natural voice,
with a cache of rendered lines that is empty (the very first drill) and warm (every
drill after: the lines, and every phrasing of the first one, are cached), and the
peak memory of a whole three-turn drill in the natural voice, cache empty and warm.

    .venv/bin/python bench/latency.py [--runs 5]

Prints a table and writes bench/results/latency.md and latency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
ANSWER = ROOT / "audio_fixtures" / "long_answer_60s.flac"
ONE_TURN = ROOT / "tests" / "data" / "one_turn.toml"
_ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def _answer_file(mode: str, tmp: Path) -> Path:
    """The answer as the worker feeds it: with 5 s more room tone, or cut 0.2 s after the last word."""
    import numpy as np

    from voicepractice.audio import load_audio, write_wav
    from voicepractice.listen import ListenOptions, listen, recording_blocks

    audio = load_audio(ANSWER)
    rng = np.random.default_rng(0)
    tail = (rng.standard_normal(5 * 16000) * 0.001).astype(np.float32)
    audio = np.concatenate([audio, tail])
    if mode == "enter":
        cap = listen(recording_blocks(audio, paced=False), ListenOptions(end_silence_s=4))
        assert cap.speech_end is not None
        audio = audio[: int((cap.speech_end + 0.2) * 16000)]
    return write_wav(tmp / f"answer-{mode}.wav", audio)


def worker(mode: str, runs: int) -> dict:
    """Run one set-up ``runs`` times in this process; return its figures."""
    from voicepractice.drill import DrillOptions, run_drill
    from voicepractice.listen import ListenOptions

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["VOICEPRACTICE_HOME"] = str(tmp / "home")
        answer = _answer_file("enter" if mode == "enter" else "silence", tmp)
        samples = []
        for _ in range(runs):
            if mode == "batch":
                samples.append(_batch_run(answer))
                continue
            from voicepractice.store import Store

            result = run_drill(
                DrillOptions(scenario=str(ONE_TURN), answers=(answer,), paced=True, cue=False, listen=ListenOptions()),
                Store(),
            )
            samples.append({k: round(v, 4) for k, v in result.timings.items()})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"mode": mode, "runs": samples, "peak_rss_mb": round(peak_mb, 1)}


def _batch_run(answer: Path) -> dict[str, float]:
    """Record first, transcribe after: the design streaming replaced."""
    from voicepractice.audio import load_audio, write_wav
    from voicepractice.check import check
    from voicepractice.listen import listen, recording_blocks
    from voicepractice.store import Session, Store, TurnRecord, new_session_id, now_iso
    from voicepractice.transcribe import Transcriber

    transcriber = Transcriber()
    transcriber.warm_up()
    cap = listen(recording_blocks(load_audio(answer), paced=True))
    t_end = cap.ended_at
    transcript = transcriber.transcript(cap.audio)
    t1 = time.monotonic()
    report = check(transcript)
    t2 = time.monotonic()
    store = Store()
    sid = new_session_id()
    staging = store.begin(sid)
    write_wav(staging / "answer-1.wav", cap.audio)
    store.commit(Session(sid, now_iso(), "bench", "complete", (TurnRecord("close", "", transcript=transcript),), report), staging)
    t3 = time.monotonic()
    return {
        "final_decode_s": round(t1 - t_end, 4),
        "check_s": round(t2 - t1, 4),
        "store_s": round(t3 - t2, 4),
        "answer_end_to_report_s": round(t3 - t_end, 4),
        "endpoint_wait_s": round(cap.duration - (cap.speech_end or cap.duration), 4),
    }


class BenchError(RuntimeError):
    """A set-up produced no figure: the message carries the child's own output."""


def _first_line_time(exe: list[str], env: dict[str, str]) -> float:
    """Seconds from launching ``exe`` to its "Interviewer:" line; the child then is stopped.

    The drill prints that line only when stderr is a terminal (``drill --json 2>file`` keeps the
    file for warnings), so the child gets a pseudo-terminal, as a person's shell would give it.
    A child that never prints the line raises BenchError with everything it wrote and its exit
    status, instead of leaving an empty list for the summary to trip over.
    """
    master, slave = pty.openpty()
    t0 = time.monotonic()
    proc = subprocess.Popen(exe, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    found: float | None = None
    with open(master, "rb", buffering=0) as terminal:
        while found is None:
            try:
                data = terminal.read(4096)
            except OSError:  # EIO: the child exited and closed the terminal
                data = b""
            if not data:
                break
            seen += data
            if b"Interviewer:" in _ANSI.sub(b"", seen):
                found = time.monotonic() - t0
        # Only the start is timed: stop the drill rather than sit through its answer.
        proc.kill()
        try:
            while terminal.read(4096):
                pass
        except OSError:
            pass
    status = proc.wait()
    if found is None:
        text = _ANSI.sub(b"", seen).decode(errors="replace").strip()
        raise BenchError(f"no 'Interviewer:' line (exit status {status}) from:\n  {' '.join(exe)}\nits stderr:\n{text or '(nothing)'}")
    return round(found, 3)


def startup(runs: int, cache: str, line: str = "clean", voice: str | None = None) -> list[float]:
    """Seconds from launching `voicepractice drill` to the first interviewer line going to the speaker.

    ``cache`` "cold": an empty line cache each run; "warm": one cache, filled by a drill first.
    """
    out = []
    exe = [sys.executable, "-m", "voicepractice", "drill", "--scenario", str(ONE_TURN), "--no-cue",
           "--answer", str(ROOT / "audio_fixtures" / "weak_thanks_only.flac"), "--fast", "--line", line]  # fmt: skip
    if voice:
        exe += ["--voice", voice]
    with tempfile.TemporaryDirectory() as shared:
        if cache == "warm":
            _run_checked(exe, {**os.environ, "VOICEPRACTICE_HOME": shared + "/home", "VOICEPRACTICE_CACHE": shared})
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as home:
                env = {**os.environ, "VOICEPRACTICE_HOME": home, "VOICEPRACTICE_CACHE": shared if cache == "warm" else home + "/cache"}
                out.append(_first_line_time(exe, env))
    return out


def _run_checked(exe: list[str], env: dict[str, str]) -> None:
    """Run a whole drill; a failure raises BenchError with the child's stderr."""
    proc = subprocess.run(exe, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise BenchError(f"exit status {proc.returncode} from:\n  {' '.join(exe)}\nits stderr:\n{proc.stderr.strip() or '(nothing)'}")


def drill_memory(cache: str) -> float:
    """Peak RSS (MB) of a whole three-turn drill in the natural voice, answers from the natural-voice fixtures."""
    answers = [str(ROOT / "audio_fixtures" / f"{t}_natural.flac") for t in ("turn1_question", "turn2_close", "turn3_goodbye")]
    exe = [sys.executable, "-m", "voicepractice", "drill", "--no-cue", "--json", "--seed", "1"]
    for a in answers:
        exe += ["--answer", a]
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "VOICEPRACTICE_HOME": home, "VOICEPRACTICE_CACHE": home + "/cache"}
        if cache == "warm":
            _run_checked(exe, env)
        with tempfile.TemporaryFile() as errors:
            proc = subprocess.Popen(exe, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)
            _, status, usage = os.wait4(proc.pid, 0)
            if status != 0:
                errors.seek(0)
                text = errors.read().decode(errors="replace").strip()
                raise BenchError(f"wait status {status} from:\n  {' '.join(exe)}\nits stderr:\n{text or '(nothing)'}")
        return round(usage.ru_maxrss / 1024, 1)


def summarise(samples: list[dict], key: str) -> tuple[float, float]:
    values = [s[key] for s in samples if key in s]
    return (statistics.median(values), max(values)) if values else (float("nan"), float("nan"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--worker", choices=["silence", "enter", "batch"], help=argparse.SUPPRESS)
    ap.add_argument("--start-only", action="store_true", help="Only the start-up and drill-memory figures (writes bench/results/startup.md).")
    args = ap.parse_args()
    if args.start_only:
        return start_figures(args.runs)
    if args.worker:
        print(json.dumps(worker(args.worker, args.runs)))
        return 0
    results = {}
    for mode in ("silence", "enter", "batch"):
        print(f"running {mode} x{args.runs} (about {args.runs * 65 // 60 + 1} min)...", file=sys.stderr)
        proc = subprocess.run([sys.executable, __file__, "--worker", mode, "--runs", str(args.runs)],
                              capture_output=True, text=True, check=True)  # fmt: skip
        results[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
    results["startup_to_first_line_s"] = startup(args.runs, "warm")

    keys = ("endpoint_wait_s", "final_decode_s", "check_s", "store_s", "answer_end_to_report_s")
    lines = [
        "# Latency: end of a 60 s answer to the report",
        "",
        f"Command: `.venv/bin/python bench/latency.py --runs {args.runs}` (2-core CPU, tiny.en int8, answer fed at real-time pace).",
        "Times in seconds, median / worst over the runs. `answer_end_to_report_s` runs from the endpoint decision",
        "(silence window elapsed, or Enter) to the report stored; the endpoint wait is the silence before that decision.",
        "",
        "| set-up | " + " | ".join(keys) + " | peak RSS MB |",
        "|---|" + "---:|" * (len(keys) + 1),
    ]
    for mode, label in (("silence", "streaming, ended by silence"), ("enter", "streaming, ended by Enter"), ("batch", "batch (record, then transcribe)")):
        r = results[mode]
        cells = []
        for k in keys:
            med, worst = summarise(r["runs"], k)
            cells.append(f"{med:.3f} / {worst:.3f}")
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {r['peak_rss_mb']:.0f} |")
    med_s = summarise(results["silence"]["runs"], "answer_end_to_report_s")[0]
    med_b = summarise(results["batch"]["runs"], "answer_end_to_report_s")[0]
    lines += [
        "",
        f"Batch / streaming wait after the endpoint: {med_b / med_s:.0f}x ({med_b:.2f} s vs {med_s:.3f} s, medians).",
        "",
        "Start-up, launching `voicepractice drill` to the interviewer's first line handed to the speaker "
        "(natural voice, line cache warm; `--start-only` for the cold figures): "
        f"median {statistics.median(results['startup_to_first_line_s']):.2f} s, worst {max(results['startup_to_first_line_s']):.2f} s.",
    ]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latency.md").write_text(text)
    (RESULTS / "latency.json").write_text(json.dumps(results, indent=2) + "\n")
    print(text)
    return 0


def start_figures(runs: int) -> int:
    """First interviewer word and drill memory with the natural voice; writes bench/results/startup.md and .json."""
    load = os.getloadavg()[0]
    figures = {
        "first_line_s": {
            **{f"natural voice, {c}, {ln}": startup(runs, c, ln) for c in ("warm", "cold") for ln in ("clean", "phone")},
            # The same start with the system voice (espeak-ng), as every drill started before the natural
            # voice: the reference for this machine at this load.
            "system voice (espeak-ng), cold, clean": startup(runs, "cold", "clean", "system"),
        },
        "drill_peak_rss_mb": {c: drill_memory(c) for c in ("cold", "warm")},
        "load_average_1min": round(load, 2),
    }
    lines = [
        "# Start-up and memory with the natural voice",
        "",
        f"Command: `.venv/bin/python bench/latency.py --start-only --runs {runs}` (2-core CPU shared with other jobs;",
        f"1-minute load average {load:.1f} at the start).",
        "",
        "Launching `voicepractice drill` to the interviewer's first line handed to the speaker, seconds",
        "(median / worst of the runs). Warm: the line cache holds the line (every drill after the first;",
        "a drill also renders every phrasing of its first line for the next one). Cold: an empty cache.",
        "On the phone line a 1.9 s ring and pick-up plays first, while the line renders.",
        "",
        "| voice, line cache, line | median | worst |",
        "|---|---:|---:|",
    ]
    for label, values in figures["first_line_s"].items():
        lines.append(f"| {label} | {statistics.median(values):.2f} | {max(values):.2f} |")
    rss = figures["drill_peak_rss_mb"]
    lines += [
        "",
        "Peak RSS of a whole three-turn drill in the natural voice (answers from the `*_natural` fixtures, at",
        f"real-time pace): {rss['cold']:.0f} MB with an empty line cache, {rss['warm']:.0f} MB with a warm one.",
    ]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "startup.md").write_text(text)
    (RESULTS / "startup.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
