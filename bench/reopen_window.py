"""How long after an answer is judged finished the interviewer's next line really starts.

Until that first sound, speech from the person reopens the answer (floor.py); the
drill must be listening for it over the whole window. This runs a three-turn
drill (``--answer`` recordings in the natural voice, at real-time pace) through a
private PulseAudio server (bench/audio_server.py), records the speaker's
monitor, and for every answer ended by the judge prints:

* **decision → line start**: from the end of ``listen`` (the decision) to the
  first block of the next line handed to the device (the drill's own clock);
* **decision → first sound**: to the first sample above -40 dBFS at the sink,
  as ``parec`` delivers it (10 ms fragments);
* **last check → first sound**: from the drill's last look at the microphone
  before the line to that first sound: the window in which speech starting is
  no longer heard in time (stored as said over the line, with a note).

Run twice against one cache: the first drill renders every line (a cold
install), the second plays them from the cache.

    .venv/bin/python bench/reopen_window.py            # cold, then warm cache
    .venv/bin/python bench/reopen_window.py --log      # with the drill's log lines
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import audio_server  # noqa: E402

FIXTURES = ROOT / "audio_fixtures"
ANSWERS = [FIXTURES / f"{f}_natural.flac" for f in ("turn1_question", "turn2_close", "turn3_goodbye")]
_ENDED = re.compile(r"answer (\d+) ended by silence at monotonic ([\d.]+)")
_STARTED = re.compile(r"line started at monotonic ([\d.]+)")
_CHECKED = re.compile(r"last look at the microphone at monotonic ([\d.]+)")


def padded(folder: Path) -> list[Path]:
    """The answers with 8 s more of their own room tone, so the judge, not the recording's end, ends them."""
    from voicepractice.audio import load_audio, write_wav

    out = []
    for f in ANSWERS:
        audio = load_audio(f)
        tail = audio[-16000:]
        out.append(write_wav(folder / f"{f.stem}.wav", np.concatenate([audio, np.tile(tail, 8)])))
    return out


def run(env: dict[str, str], answers: list[Path], show_log: bool = False) -> list[dict[str, float]]:
    monitor = audio_server.SoundClock(env)
    time.sleep(0.5)
    try:
        args = [a for f in answers for a in ("--answer", str(f))]
        proc = subprocess.run(
            [sys.executable, "-m", "voicepractice", "-vv", "drill", *args, "--json", "--seed", "3", "--no-cue"],
            env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        time.sleep(0.3)
    finally:
        monitor.close()
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    if show_log:
        print("\n".join(ln for ln in proc.stderr.splitlines() if "voicepractice.drill" in ln), file=sys.stderr)
    ended = [float(m.group(2)) for m in _ENDED.finditer(proc.stderr)]
    started = [float(m.group(1)) for m in _STARTED.finditer(proc.stderr)]
    checked = [float(m.group(1)) for m in _CHECKED.finditer(proc.stderr)]
    rows = []
    for d in ended[:-1]:  # the last answer has no line after it
        start = next((s for s in started if s > d), None)
        sound = monitor.first_after(d)
        check = max((c for c in checked if d <= c <= (start or d)), default=None)
        row = {"decision_to_start_ms": 1000 * (start - d) if start else float("nan"),
               "decision_to_sound_ms": 1000 * (sound - d) if sound else float("nan")}  # fmt: skip
        if check is not None and sound is not None:
            row["check_to_sound_ms"] = 1000 * (sound - check)
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--log", action="store_true", help="print the drill's own log lines (stderr)")
    args = parser.parse_args()
    missing = audio_server.missing_tools()
    if missing:
        raise SystemExit(f"needs {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="vp-reopen-") as tmp, audio_server.private_pulse(tmp) as env:
        env = {
            **env,
            "VOICEPRACTICE_HOME": os.path.join(tmp, "home"),
            "VOICEPRACTICE_CACHE": os.path.join(tmp, "cache"),
        }
        answers = padded(Path(tmp))
        for label in ("cold cache", "warm cache"):
            load = os.getloadavg()[0]
            rows = run(env, answers, args.log)
            for i, r in enumerate(rows, 1):
                cells = ", ".join(f"{k} {v:.0f}" for k, v in r.items())
                print(f"{label}: answer {i}: {cells} (load {load:.1f})")
            residual = [r["check_to_sound_ms"] for r in rows if "check_to_sound_ms" in r]
            if residual:
                print(
                    f"{label}: last look -> first sound median {statistics.median(residual):.0f} ms, max {max(residual):.0f} ms"
                )


if __name__ == "__main__":
    main()
