"""Measure the "doesn't sound like English" signal on real English and on other languages.

    .venv/bin/python bench/language.py

Every clip is transcribed by the product's own path (tiny.en, batch decode, and the
live chunked decode the drill uses for the fixtures); ``transcribe.sounds_english``
decides. English: the shared speech corpus (42 real recordings) and the audio
fixtures. Other languages: espeak-ng speaking closes in 7 languages. Writes
bench/results/language.md and language.json.
"""

from __future__ import annotations

import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "robustness"))

import hostile  # noqa: E402

from voicepractice import transcribe as _transcribe  # noqa: E402
from voicepractice.audio import load_audio  # noqa: E402
from voicepractice.check import check  # noqa: E402
from voicepractice.listen import ListenOptions, listen, recording_blocks  # noqa: E402
from voicepractice.transcribe import (  # noqa: E402
    ENGLISH_MIN_LOGPROB,
    ENGLISH_MIN_PROBABILITY,
    LiveTranscription,
    Transcriber,
    make_transcript,
    sounds_english,
)

# Older checkouts have no "unsure" verdict: measuring them too shows what the change did.
_verdict = getattr(_transcribe, "english_verdict", lambda words: "english" if sounds_english(words) else "not_english")

# The shared corpus sits beside the clone (../shared), or beside the worktrees' folder.
CORPUS = next(
    (p for p in (ROOT.parent / "shared" / "speech_corpus", ROOT.parents[1] / "shared" / "speech_corpus") if p.is_dir()),
    ROOT.parent / "shared" / "speech_corpus",
)
RESULTS = ROOT / "bench" / "results"
MORE_FOREIGN = {
    "de-2": ("de", "Danke. Danke sehr. Vielen Dank."),
    "de-3": ("de", "Ich bin sehr dankbar für das Gespräch und freue mich darauf, von Ihnen zu hören."),
    "es-2": ("es", "Me interesa mucho el trabajo y tengo experiencia."),
    "fr-2": ("fr", "Merci, merci beaucoup, au revoir."),
    "it-1": ("it", "Grazie mille per il suo tempo. Sono molto interessato a questa posizione. Quali sono i prossimi passi?"),
    "nl-1": ("nl", "Dank je wel, tot ziens."),
    "pl-1": ("pl", "Dziękuję bardzo za pański czas. Jestem bardzo zainteresowany tym stanowiskiem. Jakie są następne kroki?"),
}
# Short English sign-offs (about 3 s) in 10 espeak-ng English voices: few words, little context.
SHORT_PHRASES = ("Thanks so much, bye.", "Thank you, bye.", "Great, thanks. Bye.", "Thanks again. Goodbye.",
                 "Thank you for your time.", "Okay, thanks, bye now.", "Thanks so much for your time, bye.")
SHORT_VOICES = ("en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan", "en-gb-x-gbcwmd",
                "en-us+f3", "en+m3", "en+f2")


def stats(words: list) -> dict:
    heard = [w for w in words if w.logprob is not None]
    return {
        "words": len(heard),
        "logprob": round(statistics.mean(w.logprob for w in heard), 3) if heard else None,
        "probability": round(statistics.mean(w.probability for w in heard), 3) if heard else None,
    }


def main() -> None:
    t = Transcriber()
    t.warm_up()
    rows: list[dict] = []

    def measure(kind: str, name: str, path: Path, live: bool = False) -> None:
        audio = load_audio(path)
        if live:  # the drill's path: chunks decoded while the answer goes on
            lt = LiveTranscription(t)
            listen(recording_blocks(audio, paced=False), ListenOptions(enter_ends=False, end_silence_s=10),
                   on_chunk=lt.submit_chunk)
            words = lt.finish(audio)  # as the drill: an answer in doubt is read again whole
        else:
            words = t.words(audio)
        tr = make_transcript(words, audio.size / 16000, "tiny.en")
        found = [f.element for f in check(tr).core if f.found]
        found_unguarded = [f.element for f in check(tr.__class__(text=tr.text, words=tr.words)).core if f.found]
        rows.append({"kind": kind, "clip": name, "decode": "live" if live else "batch", **stats(words),
                     "english": sounds_english(words), "verdict": _verdict(words), "credit": found, "credit_without_guard": found_unguarded,
                     "text": tr.text[:80]})
        print(rows[-1], flush=True)

    with open(CORPUS / "manifest.tsv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            measure("english (corpus)", r["file"].split("/")[-1], CORPUS / r["file"])
    for p in sorted((ROOT / "audio_fixtures").glob("*.flac")):
        if p.stem in ("silence", "noise"):
            continue
        measure("english (fixture)", p.name, p)
        measure("english (fixture)", p.name, p, live=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for key in hostile.FOREIGN:
            path = hostile.foreign_speech(folder, key)
            measure("other language", key, path)
            measure("other language", key, path, live=True)
        for key, (lang, text) in MORE_FOREIGN.items():
            raw = folder / f"{key}.wav"
            subprocess.run(["espeak-ng", "-v", lang, "-w", str(raw), text], check=True)
            measure("other language", key, raw)
        import numpy as np
        import soundfile as sf

        from voicepractice.audio import resample

        for voice in SHORT_VOICES:
            for i, text in enumerate(SHORT_PHRASES):
                raw = folder / f"short-{voice}-{i}.raw.wav"
                subprocess.run(["espeak-ng", "-v", voice, "-w", str(raw), text], check=True)
                data, sr = sf.read(str(raw), dtype="float32", always_2d=True)
                rng = np.random.default_rng(i)
                audio = np.concatenate([hostile.room_tone(0.6, rng), resample(data.mean(axis=1), sr, 16_000) * 0.8,
                                        hostile.room_tone(1.0, rng)])  # fmt: skip
                measure("english (short sign-off)", f"{voice}: {text}", hostile.write(folder / f"short-{voice}-{i}.wav", audio))

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "language.json").write_text(json.dumps(rows, indent=1) + "\n")
    lines = [
        f"# sounds_english: logprob < {ENGLISH_MIN_LOGPROB} and word probability < {ENGLISH_MIN_PROBABILITY} -> not English"
        + (f"; under {_transcribe.SHORT_ANSWER_WORDS} words, only below {_transcribe.SHORT_FOREIGN_MAX_LOGPROB} (else unsure)"
           if hasattr(_transcribe, "SHORT_ANSWER_WORDS") else ""),
        "",
        "| kind | clips | judged English | of which unsure (scored, with a note) | logprob range | word-probability range | earned credit without the guard | with it |",
        "|---|---:|---:|---:|---|---|---:|---:|",
    ]
    for kind in ("english (corpus)", "english (fixture)", "english (short sign-off)", "other language"):
        rs = [r for r in rows if r["kind"] == kind and r["words"]]
        lp = [r["logprob"] for r in rs]
        pr = [r["probability"] for r in rs]
        lines.append(
            f"| {kind} | {len(rs)} | {sum(r['english'] for r in rs)} | {sum(r['verdict'] == 'unsure' for r in rs)} | {min(lp)}..{max(lp)} | {min(pr)}..{max(pr)} "
            f"| {sum(bool(r['credit_without_guard']) for r in rs)} | {sum(bool(r['credit']) for r in rs)} |"
        )
    lines += ["", "Per clip: language.json. Generated " + time.strftime("%Y-%m-%d") + "."]
    (RESULTS / "language.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
