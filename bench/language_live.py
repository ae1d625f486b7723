"""The "doesn't sound like English" verdict on the drill's live path, with the encoder's 20 s and 30 s windows.

    .venv/bin/python bench/language_live.py

The live path pads short speech to 20 s for the encoder (``transcribe.LIVE_WINDOW_FRAMES``),
and an answer whose words do not clearly sound English is decoded again on 30 s
(``LiveTranscription.finish``). Clips: espeak-ng speaking closes in 7 languages (the
robustness suite's and bench/language.py's) and 70 short English sign-offs in 10 espeak-ng
voices. Each is fed through ``listen`` and ``LiveTranscription`` with each window;
prints and writes bench/results/language_live.md: the verdicts, and how many earned credit.
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

WINDOWS = (3000, 2000)


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
    t = Transcriber()
    t.warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        heard = clips(Path(tmp))
    seen: dict[tuple[str, int], tuple[str, list[str], str]] = {}
    for frames in WINDOWS:
        transcribe.LIVE_WINDOW_FRAMES = frames
        for _kind, name, audio in heard:
            live = LiveTranscription(t)
            listen(recording_blocks(audio, paced=False), ListenOptions(enter_ends=False, end_silence_s=10),
                   on_chunk=live.submit_chunk)  # fmt: skip
            words = live.finish(audio)
            tr = make_transcript(words, audio.size / 16_000, "tiny.en")
            verdict = english_verdict(words)
            credit = [f.element for f in check(tr).core if f.found] if verdict != "not_english" else []
            seen[name, frames] = (verdict, credit, tr.text[:70])
    lines = ["| clips | encoder window | judged English | unsure (scored, with a note) | not English | earned credit |",
             "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for kind in ("other language", "english (short sign-off)"):
        names = [n for k, n, _ in heard if k == kind]
        for frames in WINDOWS:
            v = [seen[n, frames] for n in names]
            lines.append(f"| {kind} ({len(names)}) | {frames // 100} s | {sum(x[0] == 'english' for x in v)} "
                         f"| {sum(x[0] == 'unsure' for x in v)} | {sum(x[0] == 'not_english' for x in v)} "
                         f"| {sum(bool(x[1]) for x in v)} |")  # fmt: skip
    lines += ["", "Clips that read differently:", ""]
    for _k, n, _ in heard:
        a, b = (seen[n, f] for f in WINDOWS)
        if a != b:
            lines.append(f"- {n}: 30 s {a[0]} {a[1]} \"{a[2]}\"; 20 s {b[0]} {b[1]} \"{b[2]}\"")
    lines += ["", f"Generated {time.strftime('%Y-%m-%d')} by bench/language_live.py."]
    (ROOT / "bench" / "results" / "language_live.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
