"""Where a drill's memory goes: resident memory (RSS) through a whole three-turn drill, stage by stage.

Runs the drill `bench/latency.py --start-only` measures for memory (the natural voice, the three
`*_natural` answers at real-time pace, `--seed 1`) in a child process that samples its own RSS
every 10 ms and notes when each model loads or lets go: the voice (hibari), Smart Turn, Whisper,
the checker's encoder, the voice analysis (Praat). Prints each stage with the RSS then and the
peak so far, and the process's peak (ru_maxrss, what latency.py reports); writes
bench/results/drill_memory_{cold,warm}.md.

    .venv/bin/python bench/drill_memory.py [--cache cold|warm] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = [ROOT / "audio_fixtures" / f"{t}_natural.flac" for t in ("turn1_question", "turn2_close", "turn3_goodbye")]
ARGS = ["drill", "--no-cue", "--json", "--seed", "1", *(x for a in ANSWERS for x in ("--answer", str(a)))]
_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE_MB


class _Sampler:
    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.peak = 0.0
        self.peak_at = 0.0
        self.events: list[tuple[float, str, float, float]] = []
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            now = _rss_mb()
            if now > self.peak:
                self.peak, self.peak_at = now, round(time.monotonic() - self.t0, 2)
            time.sleep(0.01)

    def mark(self, what: str) -> None:
        now = _rss_mb()
        self.peak = max(self.peak, now)
        self.events.append((round(time.monotonic() - self.t0, 2), what, round(now), round(self.peak)))


def _wrap(owner: Any, name: str, sampler: _Sampler, label: str) -> None:
    original = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        sampler.mark(f"{label}: start")
        try:
            return original(*args, **kwargs)
        finally:
            sampler.mark(f"{label}: done")

    setattr(owner, name, wrapped)


def child() -> None:
    """Run the drill in this process, noting RSS at each stage; write the notes as JSON to the pipe the parent passed."""
    sampler = _Sampler()
    from voicepractice import drill, endpoint, natural, transcribe
    from voicepractice.cli import cli
    from voicepractice.coach import encoder

    _wrap(natural, "phonemize_ahead", sampler, "voice: phonemize every line, drop the tables")
    _wrap(natural, "unload", sampler, "voice: unload")
    _wrap(endpoint, "load_turn_model", sampler, "Smart Turn: load")
    _wrap(transcribe.Transcriber, "warm_up", sampler, "Whisper: load + warm up")
    _wrap(encoder, "encoder", sampler, "checker encoder: get")
    _wrap(drill, "check", sampler, "check")
    _wrap(drill, "analyse_turns", sampler, "voice analysis (Praat)")
    _wrap(natural, "synthesize", sampler, "voice: synthesize a line")
    _wrap(drill, "listen", sampler, "listen to an answer")
    _wrap(drill.LiveTranscription, "finish", sampler, "Whisper: last stretch of an answer")
    sampler.mark("imports done")
    try:
        cli(ARGS, standalone_mode=False)
    finally:
        sampler.mark("drill over")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with os.fdopen(int(os.environ["DRILL_MEMORY_FD"]), "w") as report:
            json.dump({"events": sampler.events, "sampled_peak": round(sampler.peak), "peak_at": sampler.peak_at,
                       "ru_maxrss_mb": round(peak)}, report)  # fmt: skip


FILL = """
from voicepractice.drill import _lines_ahead
from voicepractice.scenarios import DEFAULT_SCENARIO, Details, load_scenario
from voicepractice.speak import VoiceOptions
from voicepractice.tts_cache import warm
s = load_scenario(DEFAULT_SCENARIO)
for text in _lines_ahead(s, list(s.turns), Details()):
    warm(text, VoiceOptions(), s.line)
"""


def fill_cache(env: dict[str, str]) -> None:
    """Render every line the default scenario can say into the line cache, as the first drills do."""
    proc = subprocess.run([sys.executable, "-c", FILL], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"filling the line cache failed:\n{proc.stderr[-3000:]}")


def run(cache: str) -> dict[str, Any]:
    """``cache`` "cold": an empty line cache; "warm": every line the scenario can say is in it."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "VOICEPRACTICE_HOME": home, "VOICEPRACTICE_CACHE": home + "/cache"}
        exe = [sys.executable, __file__, "--child"]
        if cache == "warm":
            fill_cache(env)
        read, write = os.pipe()
        env["DRILL_MEMORY_FD"] = str(write)
        proc = subprocess.Popen(exe, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=(write,))
        os.close(write)
        with os.fdopen(read) as f:
            data = f.read()
        _, err = proc.communicate()
        if proc.returncode != 0 or not data:
            raise SystemExit(f"the drill failed (exit {proc.returncode}):\n{err.decode(errors='replace')[-3000:]}")
        return dict(json.loads(data))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", choices=["cold", "warm"], default="cold")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child()
        return 0
    out = [f"# A drill's memory, stage by stage (`bench/drill_memory.py --cache {args.cache} --runs {args.runs}`)", ""]
    for n in range(args.runs):
        load = os.getloadavg()[0]
        r = run(args.cache)
        out += [f"Run {n + 1}, line cache {args.cache}, 1-minute load average {load:.1f} at the start.", "", "```"]
        out.append(f"{'s':>6}  {'RSS MB':>6}  {'peak MB':>7}  stage")
        for t, what, now, peak in r["events"]:
            out.append(f"{t:6.2f}  {now:6.0f}  {peak:7.0f}  {what}")
        out += ["```", "", f"Peak RSS (ru_maxrss): {r['ru_maxrss_mb']} MB; sampled every 10 ms: {r['sampled_peak']} MB "
                f"at {r['peak_at']} s.", ""]  # fmt: skip
    text = "\n".join(out)
    print(text)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"drill_memory_{args.cache}.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
