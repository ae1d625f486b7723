"""Peak memory of a whole drill and of `check FILE` with the learned checker loaded.

    .venv/bin/python bench/checker_rss.py

Each command runs in its own child process (a private VOICEPRACTICE_HOME, CI=true, the
bundled sample answer standing in for the microphone); its peak resident set size is
read from the kernel (ru_maxrss of the waited-for child). Target: a drill under 500 MB.
Writes bench/results/checker_rss.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VP = [sys.executable, "-m", "voicepractice"]
SAMPLE = str(ROOT / "audio_fixtures" / "sample_answer.flac")


def peak_mb(args: list[str]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "VOICEPRACTICE_HOME": home, "CI": "true"}
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        return usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    rows = []
    for label, args in (("drill (sample answer, one turn)", [*VP, "drill", "--fallback-answer", SAMPLE]),
                        ("check FILE", [*VP, "check", SAMPLE, "--json"])):
        mb, code = peak_mb(args)
        rows.append(f"| {label} | {mb:.0f} | {code} |")
        print(f"{label}: peak RSS {mb:.0f} MB (exit {code})", file=sys.stderr)
    md = ["# Peak memory with the learned checker", "", "Produced by `bench/checker_rss.py`.", "",
          "| command | peak RSS MB | exit |", "|---|---:|---:|", *rows, "",
          "The encoder's graph is rewritten once (`coach/encoder.py: rewrite`) so its weights stay int8 "
          "in memory and in the products (no float copy of them is ever made).",
          f"Machine load average at the end: {os.getloadavg()[0]:.1f}.", ""]
    out = ROOT / "bench" / "results" / "checker_rss.md"
    out.write_text("\n".join(md))
    print("\n".join(md))


if __name__ == "__main__":
    main()
