"""How well tiny.en hears the interviewer: every scenario line, per voice, clean and over the phone line.

Every phrasing of every turn of every shipped scenario and every reply in the answer
banks (placeholders filled with the scenario's defaults), rendered by the natural voice
and by espeak-ng (pyttsx3's default English voice), clean and through phoneline.phone(),
joined into ~25 s groups and transcribed by tiny.en. Normalised WER (make_fixtures'
normaliser: lower case, no punctuation, small numbers as words).

    .venv/bin/python bench/voice_wer.py

Writes bench/results/voice_wer.md and voice_wer.json.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def _tools():
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "scripts" / "make_fixtures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def every_line() -> list[str]:
    from voicepractice.scenarios import fill, list_scenarios, shared_replies

    lines: list[str] = []
    for s in list_scenarios():
        lines += [fill(text, s) for t in s.turns for text in t.lines]
        lines += [fill(text, s) for r in {**shared_replies(), **s.answers}.values() for text in r.lines]
    return list(dict.fromkeys(lines))


def score(voice: str | None, line: str, lines: list[str], tools, transcriber) -> dict:
    from voicepractice.audio import resample
    from voicepractice.phoneline import phone
    from voicepractice.speak import VoiceOptions, synthesize

    groups: list[tuple[list[np.ndarray], list[str]]] = [([], [])]
    length = 0.0
    t0 = time.perf_counter()
    for text in lines:
        spoken = synthesize(text, VoiceOptions(voice=voice))
        audio, rate = (spoken.audio, spoken.rate) if line == "clean" else phone(spoken.audio, spoken.rate)
        audio = resample(audio, rate, 16_000)
        if length + audio.size / 16_000 > 25 and groups[-1][0]:
            groups.append(([], []))
            length = 0.0
        groups[-1][0].extend([audio, np.zeros(8_000, np.float32)])
        groups[-1][1].append(text)
        length += audio.size / 16_000 + 0.5
    synth_s = time.perf_counter() - t0
    errors = words = 0.0
    for parts, said in groups:
        ref = tools.normalise(" ".join(said))
        hyp = tools.normalise(transcriber.transcript(np.concatenate(parts)).text)
        errors += tools.wer(ref, hyp) * len(ref)
        words += len(ref)
    return {"voice": voice or "heart (natural)", "line": line, "lines": len(lines), "words": int(words),
            "wer": round(errors / words, 4), "synthesis_s": round(synth_s, 1)}  # fmt: skip


def main() -> int:
    from voicepractice.transcribe import Transcriber

    tools, transcriber, lines = _tools(), Transcriber(), every_line()
    rows = [score(v, ln, lines, tools, transcriber) for v in (None, "system") for ln in ("clean", "phone")]
    out = [
        "# tiny.en on the interviewer's lines",
        "",
        "Command: `.venv/bin/python bench/voice_wer.py`. Every scenario line and reply "
        f"({len(lines)} lines, {rows[0]['words']} words), normalised WER.",
        "",
        "| voice | line | WER | synthesis s (all lines) |",
        "|---|---|---:|---:|",
    ]
    out += [f"| {r['voice']} | {r['line']} | {r['wer']:.1%} | {r['synthesis_s']:.1f} |" for r in rows]
    text = "\n".join(out) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "voice_wer.md").write_text(text)
    (RESULTS / "voice_wer.json").write_text(json.dumps(rows, indent=2) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
