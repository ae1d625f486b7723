"""The encoder's ONNX graph optimisation level: time to check a close, and peak memory.

    .venv/bin/python bench/checker_graph_opt.py
    .venv/bin/python bench/checker_graph_opt.py none nofold none nofold   # chosen levels, alternated

For each level (none, nofold, basic, extended, all; set through VOICEPRACTICE_CHECK_GRAPH_OPT)
it runs, each in a fresh child process: (1) ``check()`` of the 200-word timed close of
``bench/checker.py`` after load, median of 60 runs, with that process's peak RSS; (2) a
whole drill (the bundled sample answer, CI=true) and its peak RSS (ru_maxrss of the
waited-for child). The 1-minute load average is printed beside every timing: the machine is
shared. Targets: check <= 50 ms on 2 cores; a drill <= 500 MB. Writes
bench/results/checker_graph_opt.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEVELS = ("none", "nofold", "basic", "extended", "all")
"""nofold: every optimisation but constant folding (which copies the int8 weights to float)."""
SAMPLE = str(ROOT / "audio_fixtures" / "sample_answer.flac")

TIMER = """
import json, os, resource, statistics, sys, time
sys.path.insert(0, {bench!r})
from checker import timing
t = timing(runs=60)
t["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t["load_avg_1min_after"] = os.getloadavg()[0]
print(json.dumps(t))
"""


def run(level: str, args: list[str], capture: bool) -> tuple[str, float, int]:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "VOICEPRACTICE_HOME": home, "CI": "true", "VOICEPRACTICE_CHECK_GRAPH_OPT": level}
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True)
        out = proc.stdout.read() if capture and proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        return out, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    levels = sys.argv[1:] or list(LEVELS)
    if any(lv not in LEVELS for lv in levels):
        sys.exit(f"Error: levels are {', '.join(LEVELS)}")
    rows = []
    for level in levels:
        load0 = os.getloadavg()[0]
        out, _, code = run(level, [sys.executable, "-c", TIMER.format(bench=str(ROOT / "bench"))], capture=True)
        if code != 0:
            sys.exit(f"Error: the timing run for level {level} failed (exit {code})")
        t = json.loads(out.strip().splitlines()[-1])
        _, drill_mb, drill_code = run(level, [sys.executable, "-m", "voicepractice", "drill", "--fallback-answer", SAMPLE],
                                      capture=False)
        row = (f"| {level} | {t['median_ms']} | {t['p95_ms']} | {t['median_ms_unpunctuated']} | "
               f"{t['first_call_ms_incl_load']:.0f} | {t['peak_rss_mb']:.0f} | {drill_mb:.0f} (exit {drill_code}) | "
               f"{load0:.1f} / {t['load_avg_1min_after']:.1f} |")
        rows.append(row)
        print(row, file=sys.stderr)
    md = ["# The encoder's graph optimisation level: speed and memory", "",
          "Produced by `bench/checker_graph_opt.py` (2 encoder threads; the machine is shared, so the "
          "1-minute load average before/after each timing is beside it).", "",
          "| level | check 200 words, median ms | p95 ms | unpunctuated, median ms | first call incl. load, ms | "
          "peak RSS of the timing process, MB | peak RSS of a drill, MB | load avg before / after |",
          "|---|---:|---:|---:|---:|---:|---:|---:|", *rows, "",
          "Targets: check <= 50 ms on 2 cores, a drill <= 500 MB.", ""]
    name = "checker_graph_opt" + ("" if not sys.argv[1:] else "_" + "_".join(dict.fromkeys(levels)))
    out = ROOT / "bench" / "results" / f"{name}.md"
    out.write_text("\n".join(md))
    print("\n".join(md))


if __name__ == "__main__":
    main()
