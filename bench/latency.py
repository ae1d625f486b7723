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

It also times the start of `voicepractice drill` (``--start-only``: only that):
from launching the command to the interviewer's line on the terminal and to its
first sound at the speaker of a private PulseAudio server, with the natural voice,
with a cache of rendered lines that is empty (the very first drill) and warm (every
drill after), and the peak memory of a whole three-turn drill in the natural voice,
cache empty and warm. A set-up that yields no figure stops the bench with the
drill's own stderr.

    .venv/bin/python bench/latency.py [--runs 5] [--start-only]

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

from audio_server import SoundClock, missing_tools, private_pulse
from drill_memory import fill_cache

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


def _first_line_time(exe: list[str], env: dict[str, str], clock: SoundClock | None = None) -> tuple[float, float | None]:
    """Seconds from launching ``exe`` to its "Interviewer:" line, and to its first sound; the child then is stopped.

    The drill prints that line only when stderr is a terminal (``drill --json 2>file`` keeps the
    file for warnings), so the child gets a pseudo-terminal, as a person's shell would give it.
    With a ``clock`` on the private audio server's speaker, the first sample that reaches it is
    timed too (the line is printed just before it is played; the sound comes after the audio
    library opens the device). A child that never prints the line raises BenchError with
    everything it wrote and its exit status, instead of leaving an empty list behind.
    """
    master, slave = pty.openpty()
    if clock is not None:
        clock.reset()
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
        heard = clock.wait(timeout=15) if clock is not None and found is not None else None
        # Only the start is timed: stop the drill rather than sit through its answer.
        proc.kill()
        try:
            while terminal.read(4096):
                pass
        except OSError:
            pass
    status = proc.wait()
    if found is None or (clock is not None and heard is None):
        text = _ANSI.sub(b"", seen).decode(errors="replace").strip()
        what = "no 'Interviewer:' line" if found is None else "no sound on the speaker within 15 s of the line"
        raise BenchError(f"{what} (exit status {status}) from:\n  {' '.join(exe)}\nits stderr:\n{text or '(nothing)'}")
    return round(found, 3), None if heard is None else round(heard - t0, 3)


def _child_env(**extra: str) -> dict[str, str]:
    """The environment of a timed drill: a normal install's, so Python writes and reads its bytecode caches."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **extra}


def startup(runs: int, cache: str, line: str = "clean", voice: str | None = None) -> dict[str, list[float]]:
    """Launching `voicepractice drill` to the first interviewer line shown, and to its first sound at the speaker.

    The drill is the one a person runs (the default scenario, the microphone) against a private
    PulseAudio server, so the microphone and speaker checks and the audio device's opening are
    all in the figure. ``cache`` "cold": the very first drill (empty data folder and line cache);
    "warm": every drill after it (one data folder and cache, filled by a whole drill first).
    Returns {"line": [...], "sound": [...]} in seconds.
    """
    missing = missing_tools()
    if missing:
        raise BenchError(f"the start-up figures need {', '.join(missing)} (apt-get install pulseaudio pulseaudio-utils)")
    exe = [sys.executable, "-m", "voicepractice", "drill", "--no-cue", "--line", line]
    if voice:
        exe += ["--voice", voice]
    answers = [str(ROOT / "audio_fixtures" / f"{t}_natural.flac") for t in ("turn1_question", "turn2_close", "turn3_goodbye")]
    out: dict[str, list[float]] = {"line": [], "sound": []}
    with private_pulse() as pulse, tempfile.TemporaryDirectory() as shared:
        clock = SoundClock(pulse)
        try:
            if cache == "warm":
                fill = [*exe, "--fast", *(x for a in answers for x in ("--answer", a))]
                env = _child_env(**pulse, VOICEPRACTICE_HOME=shared + "/home", VOICEPRACTICE_CACHE=shared + "/cache")
                _run_checked(fill, env)
                if voice is None:
                    fill_cache(env)  # what the first drills leave: every line the scenario can say
            for _ in range(runs):
                with tempfile.TemporaryDirectory() as fresh:
                    root = shared if cache == "warm" else fresh
                    env = _child_env(**pulse, VOICEPRACTICE_HOME=root + "/home", VOICEPRACTICE_CACHE=root + "/cache")
                    shown, heard = _first_line_time(exe, env, clock)
                    out["line"].append(shown)
                    out["sound"].append(heard if heard is not None else float("nan"))
        finally:
            clock.close()
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
            fill_cache(env)
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
    results["startup_to_first_sound_s"] = startup(args.runs, "warm")["sound"]

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
        "Start-up, launching `voicepractice drill` to the interviewer's first sound at the speaker "
        "(natural voice, clean line, line cache warm; `--start-only` for the rest): "
        f"median {statistics.median(results['startup_to_first_sound_s']):.2f} s, worst {max(results['startup_to_first_sound_s']):.2f} s.",
    ]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latency.md").write_text(text)
    (RESULTS / "latency.json").write_text(json.dumps(results, indent=2) + "\n")
    print(text)
    return 0


def start_figures(runs: int) -> int:
    """First interviewer word and drill memory with the natural voice; writes bench/results/startup.md and .json."""
    setups = [(f"natural voice, {c}, {ln}", c, ln, None) for c in ("warm", "cold") for ln in ("clean", "phone")]
    # The same start with the system voice (espeak-ng), as every drill started before the natural voice.
    setups.append(("system voice (espeak-ng), cold, clean", "cold", "clean", "system"))
    first: dict[str, dict[str, list[float]]] = {}
    loads: dict[str, list[float]] = {}
    for label, cache, line, voice in setups:
        before = os.getloadavg()[0]
        print(f"{label}: {runs} launches (load average {before:.1f})...", file=sys.stderr)
        first[label] = startup(runs, cache, line, voice)
        loads[label] = [round(before, 2), round(os.getloadavg()[0], 2)]
    rss: dict[str, float] = {}
    rss_load: dict[str, list[float]] = {}
    for cache in ("cold", "warm"):
        before = os.getloadavg()[0]
        print(f"whole drill, {cache} cache: peak memory (load average {before:.1f})...", file=sys.stderr)
        rss[cache] = drill_memory(cache)
        rss_load[cache] = [round(before, 2), round(os.getloadavg()[0], 2)]
    figures = {"first_line_s": first, "load_average_1min": loads, "drill_peak_rss_mb": rss, "drill_rss_load_average_1min": rss_load}
    lines = [
        "# Start-up and memory with the natural voice",
        "",
        f"Command: `.venv/bin/python bench/latency.py --start-only --runs {runs}`, on a 2-core CPU; the 1-minute",
        "load average before and after each set-up is beside it (other jobs on the machine slow every figure).",
        "",
        "Each launch is `voicepractice drill --no-cue --line LINE` as a person runs it: the default scenario,",
        "the microphone, stderr on a terminal, against a private PulseAudio server (null sinks; the speaker's",
        "monitor is recorded). **shown**: launch to the `Interviewer:` line on the terminal, printed just before",
        "the line is played. **first sound**: launch to the first sample above -40 dBFS reaching the speaker:",
        "the first word on the clean line; on the phone line, the ring (the words follow it, 1.9 s later).",
        "Warm: one data folder, and a line cache holding every line the scenario can say (what the first",
        "drill or two leave: each renders the lines it may need until the person starts answering).",
        "Cold: an empty data folder and cache (the very first drill). Seconds, median / worst of the runs.",
        "",
        "| voice, line cache, line | first sound: median | worst | shown: median | worst | load average |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, values in first.items():
        sound, shown = values["sound"], values["line"]
        lines.append(
            f"| {label} | {statistics.median(sound):.2f} | {max(sound):.2f} | {statistics.median(shown):.2f} | "
            f"{max(shown):.2f} | {loads[label][0]:.1f} → {loads[label][1]:.1f} |"
        )
    lines += [
        "",
        "Peak RSS of a whole three-turn drill in the natural voice (answers from the `*_natural` fixtures, at",
        f"real-time pace, no audio device): {rss['cold']:.0f} MB with an empty line cache (load {rss_load['cold'][0]:.1f} → {rss_load['cold'][1]:.1f}),",
        f"{rss['warm']:.0f} MB with a warm one (load {rss_load['warm'][0]:.1f} → {rss_load['warm'][1]:.1f}). "
        "`bench/drill_memory.py` shows it stage by stage.",
    ]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "startup.md").write_text(text)
    (RESULTS / "startup.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
