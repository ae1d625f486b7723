"""How long a live drill waits after the person stops, through a real audio server and a terminal.

``bench/endpoint.py`` replays recordings through ``listen`` at real-time pace in one process:
no audio server, no microphone stream, no meter drawn. A person's drill has all of them, and
they share the two cores with the recogniser. This runs ``voicepractice -vv drill`` on the
three-turn phone screen in an 80x24 pseudo-terminal, against a private PulseAudio server
(bench/audio_server.py): room tone plays into the microphone's sink the whole time, and each
answer (natural-voice recordings: a sentence broken by a 1.8 s thinking pause, a strong close,
a goodbye) is played into it with ``paplay`` when the drill starts listening, as a person
would speak. For every answer ended by the judge it reads the drill's own log and prints:

* **speech end -> answer end**: from where the VAD heard the speech end to the decision
  (the wait the person sits through before the report or the next line);
* the judge's own wait (what its rule asked for) beside it: the difference is time spent
  waiting for the words of the last pause to be decoded;
* every decode while listening: its time in the queue and to decode;
* the CPU the drill and the audio server used while the person spoke, as a share of both cores.

The first drill renders the interviewer's lines into the cache; the figures are from the drills
after it (``--runs``), with the cache warm, as every drill after a person's first.

    .venv/bin/python bench/live_turn.py [--runs 3] [--name live_turn]

Writes bench/results/NAME.md and NAME.json.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import select
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import audio_server  # noqa: E402

RESULTS = ROOT / "bench" / "results"
FIXTURES = ROOT / "audio_fixtures"
ANSWERS = [
    FIXTURES / f"{f}.flac" for f in ("pause_mid_sentence_natural", "strong_close_natural", "turn3_goodbye_natural")
]
TICK = os.sysconf("SC_CLK_TCK")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
JUDGED = re.compile(
    r"answer (\d+) ended by the judge: wait ([\d.]+) s .*?speech ended at ([\d.]+) s, the answer at ([\d.]+) s"
)
DECODED = re.compile(
    r"decoded ([\d.]+) s of audio from ([\d.]+) s: ([\d.]+) s in the queue, ([\d.]+) s to decode \(([^)]*)\)"
)
STAGE = re.compile(r"(\w+) ([\d.]+) s")


def cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process so far (all its threads)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / TICK


def room_tone(path: Path, seconds: float = 30.0) -> Path:
    """Quiet pink-ish noise (about -55 dBFS): a real room, so the VAD and the meter see a floor."""
    from voicepractice.audio import write_wav

    rng = np.random.default_rng(0)
    white = rng.standard_normal(int(16000 * seconds)).astype(np.float32)
    pink = np.convolve(white, np.ones(8) / 8, mode="same")
    return write_wav(path, (pink / np.max(np.abs(pink)) * 0.006).astype(np.float32))


@contextmanager
def room_tone_playing(env: dict[str, str], folder: Path) -> Iterator[None]:
    """Room tone into the microphone's sink, over and over, until the block ends."""
    tone = room_tone(folder / "room.wav")
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            subprocess.run(["paplay", "--device=vp_mic", str(tone)], env=env, check=False)

    threading.Thread(target=loop, daemon=True).start()
    try:
        yield
    finally:
        stop.set()


def server_pid(env: dict[str, str]) -> int:
    """The pid of the private server ``env`` points at (0 if none is found): others may be running."""
    found = subprocess.run(["pgrep", "-x", "pulseaudio"], capture_output=True, text=True).stdout.split()
    want = f"XDG_RUNTIME_DIR={env['XDG_RUNTIME_DIR']}".encode()
    for pid in found:
        try:
            if want in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
                return int(pid)
        except OSError:
            continue
    return 0


class Drill:
    """One drill in a pseudo-terminal, its output gathered as it comes."""

    def __init__(self, env: dict[str, str], scenario: str = "phone_screen") -> None:
        master, slave = pty.openpty()
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voicepractice", "-vv", "drill", "--scenario", scenario, "--seed", "1",
             "--no-cue"],
            env={**env, "TERM": "xterm", "COLUMNS": "80"}, stdin=slave, stdout=slave, stderr=slave,
        )  # fmt: skip
        os.close(slave)
        self.master = master
        self._raw = b""
        self.text = ""
        self.events: list[tuple[float, str]] = []  # (monotonic, "listening" / "ended")
        self.lines: list[tuple[float, str]] = []  # (monotonic, a line the drill printed, ANSI left out)
        self._partial = b""
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if not ready:
                if self.proc.poll() is not None:
                    return
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            now = time.monotonic()
            self._raw += data
            *done, self._partial = (self._partial + data).split(b"\n")
            self.lines += [(now, ANSI.sub("", line.decode(errors="replace")).rstrip("\r")) for line in done]
            self.text = ANSI.sub("", self._raw.decode(errors="replace"))
            for word, kind in (("Listening", "listening"), ("Answer ended", "ended"), ("Your close:", "card")):
                seen = self.count(kind)
                self.events.extend((now, kind) for _ in range(self.text.count(word) - seen))

    def count(self, kind: str) -> int:
        return sum(1 for _, k in self.events if k == kind)

    def wait_for(self, kind: str, n: int, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            hits = [t for t, k in self.events if k == kind]
            if len(hits) >= n:
                return hits[n - 1]
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise SystemExit(f"no {kind!r} #{n} within {timeout} s; the drill printed:\n{self.text[-3000:]}")

    def quit(self) -> None:
        self.wait_for_prompt()
        os.write(self.master, b"q")
        try:
            self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            os.close(self.master)

    def wait_for_prompt(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while "[q] quit" not in self.text and time.monotonic() < deadline and self.proc.poll() is None:
            time.sleep(0.1)


def one_drill(env: dict[str, str], server: int) -> list[dict]:
    drill = Drill(env)
    rows: list[dict] = []
    try:
        for i, answer in enumerate(ANSWERS, 1):
            drill.wait_for("listening", i, 180)
            time.sleep(0.8)  # a breath before speaking
            cpu0, srv0, t0 = cpu_s(drill.proc.pid), cpu_s(server), time.monotonic()
            subprocess.run(["paplay", "--device=vp_mic", str(answer)], env=env, check=True, timeout=120)
            drill.wait_for("ended", i, 60)
            wall = time.monotonic() - t0
            rows.append({
                "answer": answer.stem,
                "drill_cpu_share": (cpu_s(drill.proc.pid) - cpu0) / wall / 2,
                "server_cpu_share": (cpu_s(server) - srv0) / wall / 2,
            })  # fmt: skip
        drill.quit()
    finally:
        if drill.proc.poll() is None:
            drill.proc.kill()
    log = drill.text
    judged = {int(m[1]): m for m in JUDGED.finditer(log)}
    # Decodes belong to the answer whose "Listening" came before them.
    parts = re.split(r"● Listening", log)[1:]
    for i, row in enumerate(rows, 1):
        m = judged.get(i)
        if m is None:
            row["ended"] = "not by the judge"
            continue
        row["rule_wait_s"] = float(m[2])
        row["speech_to_end_s"] = round(float(m[4]) - float(m[3]), 2)
        decodes = [(float(d[3]), float(d[4])) for d in DECODED.finditer(parts[i - 1] if i - 1 < len(parts) else "")]
        row["decodes"] = len(decodes)
        row["decode_s_median"] = round(statistics.median(d for _, d in decodes), 2) if decodes else None
        row["queue_s_median"] = round(statistics.median(q for q, _ in decodes), 2) if decodes else None
        stages: dict[str, list[float]] = {}
        for d in DECODED.finditer(parts[i - 1] if i - 1 < len(parts) else ""):
            for name, secs in STAGE.findall(d[5]):
                stages.setdefault(name, []).append(float(secs))
        row["stage_s_median"] = {k: round(statistics.median(v), 2) for k, v in stages.items()}
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="drills measured after the first (cache-warming) one")
    parser.add_argument("--name", default="live_turn")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="set in the drill's environment"
    )
    parser.add_argument("--cache", help="a cache of rendered lines kept between runs (no warming drill once warm)")
    args = parser.parse_args()
    missing = audio_server.missing_tools()
    if missing:
        raise SystemExit(f"needs {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="vp-live-") as tmp, audio_server.private_pulse(tmp) as env:
        cache = args.cache or os.path.join(tmp, "cache")
        warm = args.cache is not None and Path(cache, "interviewer-lines").is_dir()
        extra = dict(kv.split("=", 1) for kv in args.env)
        env = {**env, "VOICEPRACTICE_HOME": os.path.join(tmp, "home"), "VOICEPRACTICE_CACHE": cache, **extra}
        server = server_pid(env)
        rows: list[dict] = []
        with room_tone_playing(env, Path(tmp)):
            if not warm:
                one_drill(env, server)  # renders the lines into the cache
            for run in range(1, args.runs + 1):
                for row in one_drill(env, server):
                    row["run"] = run
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    judged = [r for r in rows if "speech_to_end_s" in r]
    waits = [r["speech_to_end_s"] for r in judged]
    beyond = [r["speech_to_end_s"] - r["rule_wait_s"] for r in judged]
    decode = [r["decode_s_median"] for r in judged if r.get("decode_s_median") is not None]
    summary = {
        "answers": len(rows),
        "ended_by_the_judge": len(judged),
        "speech_to_end_median_s": round(statistics.median(waits), 2) if waits else None,
        "speech_to_end_max_s": round(max(waits), 2) if waits else None,
        "beyond_the_rule_median_s": round(statistics.median(beyond), 2) if beyond else None,
        "decode_median_s": round(statistics.median(decode), 2) if decode else None,
        "drill_cpu_share_median": round(statistics.median(r["drill_cpu_share"] for r in rows), 2) if rows else None,
        "server_cpu_share_median": round(statistics.median(r["server_cpu_share"] for r in rows), 2) if rows else None,
        "load_after": os.getloadavg()[0],
        "env": args.env,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps({"summary": summary, "answers": rows}, indent=1))
    lines = [f"# {args.name}: a live drill through PulseAudio (bench/live_turn.py)", ""]
    lines += [f"- {k.replace('_', ' ')}: {v}" for k, v in summary.items()]
    lines += ["", "| run | answer | rule wait s | speech end -> answer end s | decodes | decode s (median) | its stages s (median) | queue s (median) | drill CPU | server CPU |",
              "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        lines.append(
            f"| {r['run']} | {r['answer']} | {r.get('rule_wait_s', '')} | {r.get('speech_to_end_s', r.get('ended', ''))} | "
            f"{r.get('decodes', '')} | {r.get('decode_s_median', '')} | "
            f"{', '.join(f'{k} {v}' for k, v in r.get('stage_s_median', {}).items())} | {r.get('queue_s_median', '')} | "
            f"{r['drill_cpu_share']:.0%} | {r['server_cpu_share']:.0%} |"
        )
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
