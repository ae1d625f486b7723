"""The interviewer giving way: how fast its line stops when the person goes on, and what does not stop it.

While the interviewer speaks, ``floor.Barge`` is asked every 100 ms (between the
line's writes) whether the person has taken the floor back. This feeds it a
microphone at real-time pace (100 ms blocks, each when complete, as the drill's
pump delivers them), with the real VAD and the real Whisper model, and asks it on
the drill's 100 ms cadence. Three kinds of sound over the line:

* **going on**: real people resuming their answer, the recordings of
  ../shared/speech_corpus (and of the held-out recorded sets beside it, when
  present: bench/endpoint.py's ``RECORDED``), their first 8 s after 0.6 s of room
  tone. Every one should stop the line: the figure is the time from the first
  sample the VAD hears as speech to the stop, which the person hears as the
  interviewer talking over them;
* **echo**: the interviewer's own lines in the natural voice coming back through
  laptop speakers: a quarter of the level, a synthetic room's reverberation
  (0.4 s), room tone. None should stop it. ``--echo replies`` (the default) plays
  the answer bank's replies; ``--echo lines`` every phrasing of every scenario's
  turns; ``--line phone`` through the phone line, as the drill plays them;
* **back-channels**: "mm-hmm", "okay", "right"... said over the line, in the
  natural voice (synthetic: no recordings of them were at hand). None should stop it.

    .venv/bin/python bench/barge.py             # about 8 minutes
    .venv/bin/python bench/barge.py --limit 10  # the first 10 of each kind

Prints the figures and writes bench/results/barge.md and barge.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from endpoint import CORPUS, RECORDED, room_tone  # noqa: E402

from voicepractice.audio import SAMPLE_RATE, load_audio, read_wav, resample  # noqa: E402
from voicepractice.floor import Barge, BlockPump  # noqa: E402
from voicepractice.listen import BLOCK  # noqa: E402

RESULTS = ROOT / "bench" / "results"
LINE = "Thanks, that's really helpful. Is there anything else you'd like to add before we wrap up?"
BACK_CHANNELS = ["Mm-hmm.", "Okay.", "Right.", "Yeah.", "Sure.", "Uh-huh.", "I see.", "Got it.", "Yes.", "Mhm, okay."]
LEAD_S = 0.6
GO_ON_S = 8.0


def paced(audio: np.ndarray, line_stopped: threading.Event | None = None) -> Iterator[np.ndarray]:
    """A microphone: each block when it is complete. ``line_stopped``: once set, the sound ends 0.2 s
    later (room tone after), as the echo of a line that stopped does."""
    start = time.monotonic()
    rng = np.random.default_rng(0)
    tail = None
    for n, i in enumerate(range(0, audio.size, BLOCK), 1):
        wait = start + n * BLOCK / SAMPLE_RATE - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        if line_stopped is not None and line_stopped.is_set():
            tail = int(0.2 * SAMPLE_RATE) if tail is None else tail - BLOCK
            if tail <= 0:
                yield room_tone(BLOCK / SAMPLE_RATE + 0.001, rng)[:BLOCK]
                continue
        yield audio[i : i + BLOCK]


def over_line(
    heard: np.ndarray, line: str, transcriber: object, observe: bool = False, echo: bool = False, strict: bool = False
) -> tuple[float | None, Barge, bool | None]:
    """Asks the barge every 100 ms while ``heard`` arrives, as the drill does.

    Returns the seconds of audio heard when it stopped the line (None: it played on), the barge, and
    what ``Barge.goes_on`` said after the stop. ``echo``: ``heard`` is the line's own sound, so it ends
    0.2 s after the line stops. ``observe``: keep looking after the stop, to the end of ``heard``
    (every look is in ``Barge.looks``; no ``goes_on``).
    """
    stop_event = threading.Event()
    pump = BlockPump(paced(heard, stop_event if echo else None))
    barge = Barge(pump, line, transcriber.submit, strict=strict)  # type: ignore[attr-defined]
    stopped = None
    try:
        tick = time.monotonic()
        end = tick + heard.size / SAMPLE_RATE + 1.0
        while time.monotonic() < end:
            if barge():
                stopped = barge.heard_s if stopped is None else stopped
                if not observe:
                    stop_event.set()
                    return stopped, barge, barge.goes_on()
                barge.fired = False
            tick += 0.1
            time.sleep(max(0.0, tick - time.monotonic()))
        barge.fired = stopped is not None
        return stopped, barge, None
    finally:
        pump.stop()


def verdict_of(stopped: float | None, goes_on: bool | None) -> str:
    if stopped is None:
        return "played on"
    return "stopped, reopened" if goes_on else "stopped, said again" if goes_on is False else "stopped"


def looks(barge: Barge) -> list[dict[str, object]]:
    return [
        {"heard_s": round(t, 2), "said": " ".join(w.text for w in words),
         "probability": round(float(np.mean([w.probability for w in words])), 3) if words else None,
         "logprob": round(float(min((w.logprob for w in words if w.logprob is not None), default=0.0)), 3)}
        for t, words in barge.looks
    ]  # fmt: skip


def first_speech_s(audio: np.ndarray) -> float | None:
    """Where the VAD first hears speech (the drill's own VAD, run offline)."""
    from voicepractice.vad import WINDOW, StreamingVad

    vad = StreamingVad()
    for i, (_, speaking) in enumerate(vad.feed(audio)):
        if speaking:
            return i * WINDOW / SAMPLE_RATE
    return None


def recordings(which: str) -> list[tuple[str, Path]]:
    """``corpus``: ../shared/speech_corpus; ``recorded``: the held-out recorded sets beside it (when present)."""
    found = []
    for folder in [CORPUS] if which == "corpus" else [d for d, _, _ in RECORDED.values()]:
        manifest = folder / "manifest.tsv"
        if not manifest.is_file():
            continue
        with manifest.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                found.append((folder.name, folder / row["file"]))
    return found


def reverberant(audio: np.ndarray, rng: np.random.Generator, rt60: float = 0.4) -> np.ndarray:
    """A line as laptop speakers put it back into the microphone: quieter, with a room's tail."""
    t = np.arange(int(rt60 * SAMPLE_RATE)) / SAMPLE_RATE
    ir = rng.standard_normal(t.size) * np.exp(-6.9 * t / rt60)
    ir[0] = 1.0
    wet = np.convolve(audio, ir / np.sqrt(np.sum(ir**2)))[: audio.size]
    return (0.25 * wet / max(1e-6, float(np.max(np.abs(wet)))) * 0.5).astype(np.float32)


def spoken(text: str, voice: str) -> np.ndarray:
    """``text`` in the natural voice, or in the system voice (espeak-ng through pyttsx3)."""
    if voice == "natural":
        return natural(text)
    from voicepractice.speak import render_system

    with tempfile.TemporaryDirectory() as tmp:
        audio, rate = read_wav(render_system(text, Path(tmp) / "line.wav"))
    return resample(audio, rate, SAMPLE_RATE) * 0.5


def on_line(audio: np.ndarray, line: str) -> np.ndarray:
    """``audio`` (16 kHz) as the drill plays it: through the phone line (band-limited, companded, hiss) or clean."""
    if line == "clean":
        return audio
    from voicepractice.phoneline import phone

    out, rate = phone(audio, SAMPLE_RATE)
    return resample(np.asarray(out, np.float32), rate, SAMPLE_RATE)


def natural(text: str) -> np.ndarray:
    from hibari import SAMPLE_RATE as RATE
    from hibari import Hibari

    global _VOICE
    if _VOICE is None:
        _VOICE = Hibari(voice="heart")
    return resample(np.asarray(_VOICE(text, seed=1), np.float32), RATE, SAMPLE_RATE) * 0.5


_VOICE = None


def interviewer_lines(kind: str) -> list[str]:
    """``lines``: every phrasing of every shipped scenario's turns; ``replies``: the answer bank's."""
    from voicepractice.scenarios import Details, fill, list_scenarios, shared_replies

    details = Details(interviewer="Sam", company="Acme", role="data analyst")
    scenarios = list_scenarios()
    if kind == "lines":
        lines = [fill(text, s, details) for s in scenarios for t in s.turns for text in t.lines]
    else:
        banks = [shared_replies(), *(s.answers for s in scenarios)]
        lines = [fill(text, scenarios[0], details) for bank in banks for r in bank.values() for text in r.lines]
    return list(dict.fromkeys(lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="at most this many of each kind")
    ap.add_argument("--name", default="barge", help="results file name (bench/results/NAME.md)")
    ap.add_argument("--echo", choices=["lines", "replies"], default="replies",
                    help="echo of the scenarios' lines (looked at while designing) or of the reply bank (held out)")
    ap.add_argument("--kinds", default="go_on,echo,back", help="which kinds of sound to run (comma-separated)")
    ap.add_argument("--go-on", choices=["corpus", "recorded", "both"], default="both",
                    help="the corpus's recordings, the held-out recorded sets beside it, or both")
    ap.add_argument("--voice", choices=["natural", "system"], default="natural", help="the voice of the echo and back-channels")
    ap.add_argument("--line", choices=["clean", "phone"], default="clean",
                    help="the echo and back-channels as played: clean, or through the phone line (the drill's default)")
    ap.add_argument("--strict", action="store_true", help="as in a drill that has heard its own echo (Barge(strict=True))")
    ap.add_argument("--observe", action="store_true", help="keep looking after a stop (every look is written)")
    args = ap.parse_args()
    from voicepractice.transcribe import Transcriber

    transcriber = Transcriber()
    transcriber.words(np.zeros(SAMPLE_RATE, np.float32))  # loaded and warm before the clock matters
    rng = np.random.default_rng(12)
    limit = args.limit or None

    kinds = set(args.kinds.split(","))
    going_on = []
    sets = ["corpus", "recorded"] if args.go_on == "both" else [args.go_on]
    for source, path in [r for which in sets for r in recordings(which)][:limit] if "go_on" in kinds else []:
        speech = load_audio(path)[: int(GO_ON_S * SAMPLE_RATE)]
        heard = np.concatenate([room_tone(LEAD_S, rng), speech])
        onset = first_speech_s(heard)
        stopped, barge, goes_on = over_line(heard, LINE, transcriber, args.observe, strict=args.strict)
        lag = None if stopped is None or onset is None else round(stopped - onset, 2)
        going_on.append({"source": source, "file": path.name, "onset_s": onset, "stopped_at_s": stopped, "lag_s": lag, "goes_on": goes_on,
                         "words": " ".join(w.text for w in barge.words), "looks": looks(barge)})  # fmt: skip
        verdict = "NOT STOPPED" if lag is None else f"stopped after {lag:.2f} s, " + verdict_of(stopped, goes_on)
        print(f"  go on  {path.name:44} {verdict}", flush=True)

    echoes = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("VOICEPRACTICE_HOME", tmp)
        for line in interviewer_lines(args.echo)[:limit] if "echo" in kinds else []:
            heard = np.concatenate([room_tone(0.3, rng), reverberant(on_line(spoken(line, args.voice), args.line), rng), room_tone(0.5, rng)])
            heard = heard + room_tone(heard.size / SAMPLE_RATE + 0.01, rng)[: heard.size]
            stopped, barge, goes_on = over_line(heard, line, transcriber, args.observe, echo=True, strict=args.strict)
            echoes.append({"line": line, "stopped_at_s": stopped, "goes_on": goes_on, "words": " ".join(w.text for w in barge.words), "looks": looks(barge)})
            print(f"  echo   {line[:44]:44} {verdict_of(stopped, goes_on)}", flush=True)

    backs = []
    for said in BACK_CHANNELS[:limit] if "back" in kinds else []:
        heard = np.concatenate([room_tone(1.0, rng), spoken(said, args.voice), room_tone(1.5, rng)])
        stopped, barge, goes_on = over_line(heard, LINE, transcriber, args.observe, strict=args.strict)
        backs.append({"said": said, "stopped_at_s": stopped, "goes_on": goes_on, "words": " ".join(w.text for w in barge.words), "looks": looks(barge)})
        print(f"  back   {said:44} {verdict_of(stopped, goes_on)}", flush=True)

    lags = [g["lag_s"] for g in going_on if g["lag_s"] is not None]
    p95 = float(np.percentile(lags, 95)) if lags else float("nan")
    load = os.getloadavg()[0]

    def row(what: str, cases: list[dict[str, object]], lag: str = "-") -> str:
        stopped = [c for c in cases if c["stopped_at_s"] is not None]
        on = sum(c["goes_on"] is True for c in stopped)
        return f"| {what} | {len(cases)} | {len(stopped)} | {on} | {len(stopped) - on} | {lag} |"

    mode = " (strict: after an echo)" if args.strict else ""
    md = [
        f"# The interviewer giving way (`bench/barge.py --name {args.name}`){mode}",
        "",
        f"Real time, 100 ms checks, load average {load:.1f} at the end. *Stopped*: the line stopped; then *reopened*:",
        "the person was heard going on after the stop (the answer reopens), or *said again*: the sound had stopped",
        "with the line (the drill says the line again, and asks for two looks in a row from then on).",
        "",
        "| sound over the line | n | stopped | reopened | said again | from speech to stop, median / p95 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    if going_on:
        md.append(row(f"going on (real recordings: {args.go_on})", going_on, f"{statistics.median(lags):.2f} / {p95:.2f} s" if lags else "-"))
    if echoes:
        md.append(row(f"the line's own echo (speakers; {args.echo}, {args.voice} voice, {args.line} line)", echoes))
    if backs:
        md.append(row(f"back-channels ({args.voice} voice)", backs))
    missed = [str(g["file"]) for g in going_on if g["lag_s"] is None]
    if missed:
        md += ["", "Going on, not stopped: " + ", ".join(missed)]
    given = [str(g["file"]) for g in going_on if g["goes_on"] is False]
    if given:
        md += ["", "Going on, stopped but taken for an echo: " + ", ".join(given)]
    wrong = [str(e["line"]) for e in echoes if e["goes_on"] is True] + [str(b["said"]) for b in backs if b["goes_on"] is True]
    if wrong:
        md += ["", "Reopened by mistake: " + "; ".join(wrong)]
    text = "\n".join(md) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.md").write_text(text)
    (RESULTS / f"{args.name}.json").write_text(json.dumps({"going_on": going_on, "echo": echoes, "back_channels": backs, "load": load}, indent=2))


if __name__ == "__main__":
    main()
