"""How long the pauses between words read, against pauses of known length (``transcribe.fit_pauses``).

The delivery line reports the longest pause of an answer from the recogniser's word times.
Whisper spreads words over the silence beside them, so a pause read short. This inserts a
pause of known length (1.0, 1.5, 2.0, 2.5 or 3.0 s of room tone, seeded) at a word boundary
mid-sentence of each recording, as bench/endpoint.py does, decodes the recording with and
without the pause, and reads the gap between the two words around it in both:

    error = (gap with the pause - gap without it) - the pause inserted

once with the word times as Whisper gives them and once fitted to the silences Silero hears
(``transcribe.FIT_PAUSES``). Sets: the corpus (../shared/speech_corpus), the fresh7 closes
(hibari's "heart" voice) and the real set (../shared/speech_fresh), none of which was looked
at while the fit was written (it was tried on twelve of the fresh8 closes only).

    .venv/bin/python bench/pauses.py [--sets corpus fresh7 real] [--name pauses]

Writes bench/results/NAME.md and NAME.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import endpoint as E  # noqa: E402  # the sets, the room tone and the pause places of bench/endpoint.py


def clips(name: str) -> list[tuple[str, str, np.ndarray]]:
    if name == "corpus":
        return E.corpus_clips()
    if name in E.RECORDED:
        return E.corpus_clips(E.RECORDED[name][0])
    texts, seed = E.SETS[name]
    return E.close_clips(texts, f"hibari-{name}", seed)


def gap_at(words: list, t: float) -> float | None:
    """The gap between the last word that starts before ``t`` and the word after it."""
    before = [k for k, w in enumerate(words) if w.start < t]
    if not before or before[-1] + 1 >= len(words):
        return None
    k = before[-1]
    return words[k + 1].start - words[k].end


def words(transcriber, audio: np.ndarray, fit: bool) -> list:
    from voicepractice import transcribe

    transcribe.FIT_PAUSES = fit
    try:
        return transcriber.words(audio)
    finally:
        transcribe.FIT_PAUSES = True


def measure(name: str, seed: int) -> list[dict]:
    from voicepractice.transcribe import Transcriber

    transcriber = Transcriber()
    rng = np.random.default_rng(seed)
    rows = []
    for clip, _source, audio in clips(name):
        plain = words(transcriber, audio, True)
        k = E.mid_sentence_boundary([w.text for w in plain], rng)
        if k is None:
            continue
        cut = (plain[k - 1].end + plain[k].start) / 2
        pause = float(rng.choice(E.THINKING_PAUSES_S))
        c = int(cut * E.SR)
        paused = np.concatenate([audio[:c], E.room_tone(pause, rng), audio[c:]])
        row = {"set": name, "clip": clip, "pause_s": pause}
        for fit in (False, True):
            before = gap_at(plain if fit else words(transcriber, audio, False), cut)  # plain is the fitted decode
            after = gap_at(words(transcriber, paused, fit), cut + pause / 2)
            key = "fitted" if fit else "whisper"
            row[key] = None if before is None or after is None else round(after - before - pause, 3)
        rows.append(row)
        print(f"  {name} {clip}: {row}", file=sys.stderr)
    return rows


def summary(errors: list[float]) -> str:
    if not errors:
        return "- | - | -"
    e = sorted(errors)
    p = lambda q: e[min(len(e) - 1, int(round(q * (len(e) - 1))))]  # noqa: E731
    within = sum(abs(x) <= 0.2 for x in e)
    return f"{statistics.median(e):+.2f} s | {p(0.05):+.2f} / {p(0.95):+.2f} s | {within} of {len(e)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=["corpus", "fresh7", "real"])
    parser.add_argument("--seed", type=int, default=4040, help="pause places and lengths (frozen before the first run)")
    parser.add_argument("--name", default="pauses")
    args = parser.parse_args()
    t0 = time.monotonic()
    rows = [r for name in args.sets for r in measure(name, args.seed)]
    lines = [
        "# Pauses between words, against pauses of known length",
        "",
        f"`.venv/bin/python bench/pauses.py --sets {' '.join(args.sets)} --name {args.name}` — {len(rows)} recordings, "
        f"{time.monotonic() - t0:.0f} s. Error = (gap with the pause - gap without it) - the pause inserted, at the word "
        "boundary where it was inserted; negative: the pause read short.",
        "",
        "| set | word times | median error | 5th / 95th percentile | within ±0.2 s |",
        "|---|---|---:|---:|---:|",
    ]
    for name in [*args.sets, "all"]:
        sel = [r for r in rows if name in ("all", r["set"])]
        for key, label in (("whisper", "as Whisper gives them"), ("fitted", "fitted to Silero's silences")):
            errors = [r[key] for r in sel if r[key] is not None]
            lines.append(f"| {name} | {label} | {summary(errors)} |")
    text = "\n".join(lines) + "\n"
    print(text)
    E.RESULTS.mkdir(parents=True, exist_ok=True)
    (E.RESULTS / f"{args.name}.md").write_text(text, encoding="utf-8")
    (E.RESULTS / f"{args.name}.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
