"""The "doesn't sound like English" verdict on the drill's live path: with and without Whisper's retries.

    .venv/bin/python bench/language_live.py                      # with and without the live retries
    .venv/bin/python bench/language_live.py --compare windows   # the encoder's 30 s and 20 s windows

The live path (Whisper's 30 s window; 20 s in session 36, ``transcribe.LIVE_WINDOW_FRAMES``)
since session 37 does not sample again at rising temperatures when a window fails
Whisper's check (``transcribe.LIVE_RETRIES``); an answer whose words do not clearly sound
English, or failed that check, is decoded again whole on 30 s with the retries
(``LiveTranscription.finish``). Clips: espeak-ng speaking closes in 7 languages (the
robustness suite's and bench/language.py's) and 70 short English sign-offs in 10 espeak-ng
voices. Each is fed through ``listen`` and ``LiveTranscription`` either way; prints and writes
bench/results/NAME.md: the verdicts, how many earned credit, and the decode time.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "robustness"))
sys.path.insert(0, str(ROOT / "bench"))

import hostile  # noqa: E402
import language  # noqa: E402

from voicepractice import transcribe  # noqa: E402
from voicepractice.audio import load_audio, resample  # noqa: E402
from voicepractice.check import check  # noqa: E402
from voicepractice.listen import ListenOptions, listen, recording_blocks  # noqa: E402
from voicepractice.transcribe import LiveTranscription, Transcriber, english_verdict, make_transcript  # noqa: E402

COMPARISONS = {
    # label, the live encoder's window in frames, whether the live path runs the temperature retries
    "windows": (("30 s", 3000, True), ("20 s", 2000, True)),  # session 36
    "retries": (("live retries (until session 37)", 3000, True), ("no live retries", 3000, False)),  # session 37
}


def clips(folder: Path) -> list[tuple[str, str, np.ndarray]]:
    out = [("other language", key, load_audio(hostile.foreign_speech(folder, key))) for key in hostile.FOREIGN]
    for key, (lang, text) in language.MORE_FOREIGN.items():
        raw = folder / f"{key}.wav"
        subprocess.run(["espeak-ng", "-v", lang, "-w", str(raw), text], check=True)
        out.append(("other language", key, load_audio(raw)))
    for voice in language.SHORT_VOICES:
        for i, text in enumerate(language.SHORT_PHRASES):
            raw = folder / "short.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-w", str(raw), text], check=True)
            data, sr = sf.read(str(raw), dtype="float32", always_2d=True)
            rng = np.random.default_rng(i)
            audio = np.concatenate([hostile.room_tone(0.6, rng), resample(data.mean(axis=1), sr, 16_000) * 0.8,
                                    hostile.room_tone(1.0, rng)])  # fmt: skip
            out.append(("english (short sign-off)", f"{voice}: {text}", audio))
    return out


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--compare", choices=sorted(COMPARISONS), default="retries",
                    help="windows: the 30 s and 20 s encoder windows (session 36, with the live retries); "
                         "retries: the live path with and without Whisper's temperature retries (session 37)")
    ap.add_argument("--name", default="language_live", help="results file stem")
    args = ap.parse_args()
    configs = COMPARISONS[args.compare]
    t = Transcriber()
    t.warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        heard = clips(Path(tmp))
    seen: dict[tuple[str, str], tuple[str, list[str], str]] = {}
    spent: dict[tuple[str, str], float] = {}
    for label, frames, retries in configs:
        transcribe.LIVE_WINDOW_FRAMES = frames
        transcribe.LIVE_RETRIES = retries
        for kind, name, audio in heard:
            live = LiveTranscription(t)
            t0 = time.monotonic()
            listen(recording_blocks(audio, paced=False), ListenOptions(enter_ends=False, end_silence_s=10),
                   on_chunk=live.submit_chunk)  # fmt: skip
            words = live.finish(audio)
            spent[kind, label] = spent.get((kind, label), 0.0) + time.monotonic() - t0
            tr = make_transcript(words, audio.size / 16_000, "tiny.en")
            verdict = english_verdict(words)
            credit = [f.element for f in check(tr).core if f.found] if verdict != "not_english" else []
            seen[name, label] = (verdict, credit, tr.text[:70])
    lines = ["| clips | live path | judged English | unsure (scored, with a note) | not English | earned credit "
             "| decode time, all clips |",
             "|---|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for kind in ("other language", "english (short sign-off)"):
        names = [n for k, n, _ in heard if k == kind]
        for label, _, _ in configs:
            v = [seen[n, label] for n in names]
            lines.append(f"| {kind} ({len(names)}) | {label} | {sum(x[0] == 'english' for x in v)} "
                         f"| {sum(x[0] == 'unsure' for x in v)} | {sum(x[0] == 'not_english' for x in v)} "
                         f"| {sum(bool(x[1]) for x in v)} | {spent[kind, label]:.1f} s |")  # fmt: skip
    lines += ["", "Clips that read differently:", ""]
    (la, *_), (lb, *_) = configs
    for _k, n, _ in heard:
        a, b = seen[n, la], seen[n, lb]
        if a != b:
            lines.append(f"- {n}: {la} {a[0]} {a[1]} \"{a[2]}\"; {lb} {b[0]} {b[1]} \"{b[2]}\"")
    lines += ["", f"Generated {time.strftime('%Y-%m-%d')} by bench/language_live.py --compare {args.compare}"
              " (decoded as fast as the machine goes, not at real-time pace)."]  # fmt: skip
    (ROOT / "bench" / "results" / f"{args.name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
