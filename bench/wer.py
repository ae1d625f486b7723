"""Word error rate and speed of the transcription pipeline on ../shared/speech_corpus/.

For every installed model (tiny.en always; base/small when their packages are
installed) and two paths:

* batch:     the whole file in one call, as `voicepractice check FILE` does;
* streaming: the file fed through the drill's listening path (Silero endpointing,
             chunks closed by pauses, decoded while "speaking"), unpaced.

Text is normalised before scoring (lower case, punctuation removed, numbers
spelled out, five or more digits read digit by digit, a few abbreviations expanded), then WER = word edits / reference
words, summed per kind (read, spontaneous, telephone). Real-time factor =
processing seconds / audio seconds (batch path).

    .venv/bin/python bench/wer.py [--models tiny.en base] [--limit N]

Writes bench/results/wer.md and bench/results/wer.json (``--name`` for another stem).

``--encoder-seconds S`` (session 35) pads a window whose speech fits in S - 1 seconds to S
seconds for the encoder instead of Whisper's 30 (whisper.cpp's ``audio_ctx``; CTranslate2
takes any length): the encoder pass costs about a third of a snapshot's decode, and its
cost grows with the frames it is given. In session 36 the drill's streaming path padded to 20 s on its
own (``transcribe.LIVE_WINDOW_FRAMES``); session 37 put it back on 30 s, as the batch path, because
20 s dropped words the rate did not show. ``S`` sets both; no option is the drill as it is.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "speech_corpus"
RESULTS = ROOT / "bench" / "results"

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ABBREV = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint", "ok": "okay"}


def number_words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_words(rest))
    if n < 1_000_000:
        rest = n % 1000
        return number_words(n // 1000) + " thousand" + ("" if rest == 0 else " " + number_words(rest))
    return " ".join(_ONES[int(d)] for d in str(n))


def normalise(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    text = re.sub(r"(\d),(\d)", r"\1\2", text)
    # Five or more digits are read out digit by digit (a zip code, "10001"), so
    # Whisper's "90210" matches a reference's "nine zero two one zero".
    text = re.sub(r"\d{5,}", lambda m: " " + " ".join(_ONES[int(d)] for d in m.group()) + " ", text)
    text = re.sub(r"\d+", lambda m: " " + number_words(int(m.group())) + " ", text)
    text = re.sub(r"[-/]", " ", text)
    text = re.sub(r"[^a-z' ]", " ", text)
    words = []
    for w in text.split():
        w = w.strip("'")
        if w:
            words.append(_ABBREV.get(w, w))
    return words


def edits(ref: list[str], hyp: list[str]) -> int:
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(ref, hyp))


def streaming_words(transcriber, audio) -> list:  # type: ignore[no-untyped-def]
    from voicepractice.listen import ListenOptions, listen, recording_blocks
    from voicepractice.transcribe import LiveTranscription

    live = LiveTranscription(transcriber)
    listen(
        recording_blocks(audio, paced=False),
        ListenOptions(end_silence_s=30, max_seconds=900, no_speech_timeout_s=900, enter_ends=False),
        on_chunk=live.submit_chunk,
    )
    return live.finish(audio)  # as the drill: an answer in doubt is read again whole


def shorter_encoder_windows(seconds: float) -> None:
    """Pad a window whose content fits in ``seconds`` - 1 to ``seconds`` for the encoder, not to 30 s."""
    import faster_whisper.transcribe as fw
    from faster_whisper.audio import pad_or_trim

    frames = int(seconds * 100)

    def padded(array, length: int = 3000, *, axis: int = -1):  # type: ignore[no-untyped-def]
        return pad_or_trim(array, frames if array.shape[axis] <= frames - 100 else length, axis=axis)

    fw.pad_or_trim = padded


def main() -> int:
    from voicepractice.audio import load_audio
    from voicepractice.transcribe import TranscribeOptions, Transcriber, installed_models

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="*", default=None, help="models to measure (default: every installed one)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N clips (quick look)")
    ap.add_argument("--encoder-seconds", type=float, default=None,
                    help="pad short windows to this length on both paths (default: 30 s, as the drill)")
    ap.add_argument("--name", default="wer", help="stem of the results files")
    args = ap.parse_args()
    if args.encoder_seconds is not None:
        from voicepractice import transcribe

        if args.encoder_seconds != 30.0:
            shorter_encoder_windows(args.encoder_seconds)
        transcribe.LIVE_WINDOW_FRAMES = round(args.encoder_seconds * transcribe.FRAMES_PER_S)
    with open(CORPUS / "manifest.tsv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if args.limit:
        rows = rows[: args.limit]
    models = args.models or installed_models()
    results: dict[str, dict] = {}
    for model in models:
        transcriber = Transcriber(TranscribeOptions(model=model))
        t0 = time.perf_counter()
        transcriber.warm_up()
        load_s = time.perf_counter() - t0
        per_kind: dict[str, dict[str, float]] = {}
        clips = []
        for row in rows:
            audio = load_audio(CORPUS / row["file"])
            ref = normalise(row["reference_text"])
            t0 = time.perf_counter()
            batch = normalise(" ".join(w.text for w in transcriber.words(audio)))
            batch_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            stream = normalise(" ".join(w.text for w in streaming_words(transcriber, audio)))
            stream_s = time.perf_counter() - t0
            seconds = float(row["seconds"])
            for kind in (row["kind"], "all"):
                k = per_kind.setdefault(kind, {"ref_words": 0, "batch_edits": 0, "stream_edits": 0, "audio_s": 0.0, "batch_s": 0.0, "stream_s": 0.0, "clips": 0})
                k["ref_words"] += len(ref)
                k["batch_edits"] += edits(ref, batch)
                k["stream_edits"] += edits(ref, stream)
                k["audio_s"] += seconds
                k["batch_s"] += batch_s
                k["stream_s"] += stream_s
                k["clips"] += 1
            clips.append({"file": row["file"], "kind": row["kind"], "wer_batch": edits(ref, batch) / max(1, len(ref)),
                          "wer_stream": edits(ref, stream) / max(1, len(ref)), "hyp_batch": " ".join(batch),
                          "hyp_stream": " ".join(stream)})  # fmt: skip
            print(f"{model:8} {row['file'][:48]:48} batch {clips[-1]['wer_batch']:6.1%} stream {clips[-1]['wer_stream']:6.1%}", file=sys.stderr)
        summary = {
            kind: {
                "clips": k["clips"],
                "audio_s": round(k["audio_s"], 1),
                "wer_batch": round(k["batch_edits"] / k["ref_words"], 4),
                "wer_stream": round(k["stream_edits"] / k["ref_words"], 4),
                "rtf_batch": round(k["batch_s"] / k["audio_s"], 4),
                "rtf_stream_unpaced": round(k["stream_s"] / k["audio_s"], 4),
            }
            for kind, k in per_kind.items()
        }
        results[model] = {"load_and_warm_s": round(load_s, 2), "by_kind": summary, "clips": clips}

    lines = [
        "# Word error rate and speed on ../shared/speech_corpus",
        "",
        f"Command: `.venv/bin/python {' '.join(['bench/wer.py', *sys.argv[1:]])}` (2-core CPU, int8, beam 5, VAD on, filler prompt"
        + (f"; windows under {args.encoder_seconds - 1:g} s padded to {args.encoder_seconds:g} s for the encoder on both paths"
           if args.encoder_seconds is not None else "; streaming windows under 19 s padded to 20 s for the encoder, as the drill")
        + ").",
        "WER on normalised text (lower case, no punctuation, numbers spelled out; five or more digits digit by digit); RTF = seconds of processing per second of audio.",
        "",
        "| model | kind | clips | audio s | WER batch | WER streaming | RTF batch | RTF streaming (unpaced) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for model, r in results.items():
        for kind in ("read", "spontaneous", "telephone", "all"):
            if kind in r["by_kind"]:
                k = r["by_kind"][kind]
                lines.append(
                    f"| {model} | {kind} | {k['clips']} | {k['audio_s']} | {k['wer_batch']:.1%} | {k['wer_stream']:.1%} "
                    f"| {k['rtf_batch']:.3f} | {k['rtf_stream_unpaced']:.3f} |"
                )
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.md").write_text(text)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(results, indent=2) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
