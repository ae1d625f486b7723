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
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
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
            pauses = traces[name].get(f"{s.kind}:{s.name}") or []
            near = [p for p in pauses if abs(p[0] - s.last_word) <= 0.6]
            if not near:
                continue
            _, _, smart_turn, text, _, probes = min(near, key=lambda p: abs(p[0] - s.last_word))
            if probes is None or transcript_cue(text or "") in ("unfinished", "dangling"):
                continue
            p = min(max(smart_turn, 1e-4), 1 - 1e-4)
            features = {k: math.log10(max(v, 1e-9)) for k, v in probes.items()} | {"smart turn": math.log(p / (1 - p))}
            rows.append({"set": name, "finished": s.kind == "finished", "features": features})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", action="store_true", help=f"score the observations in {TRACE.name}")
    parser.add_argument("--sets", default=",".join(OPENED), help="comma-separated sets of bench/endpoint.py")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import LeaveOneGroupOut

    sets = tuple(args.sets.split(","))
    traces: dict[str, dict[str, list]] = json.loads(TRACE.read_text()) if args.reuse and TRACE.is_file() else {}
    for name in sets:
        if name not in traces:
            traces[name] = {f"{s.kind}:{s.name}": observe(s) for s in bench.build_samples(sample_set=name)}
            print(f"observed {name}", file=sys.stderr)
            TRACE.write_text(json.dumps(traces, indent=0), encoding="utf-8")
    rows = labelled(sets, traces)
    names = list(rows[0]["features"])
    x = np.array([[r["features"][n] for n in names] for r in rows])
    y = np.array([r["finished"] for r in rows])
    groups = np.array([r["set"] for r in rows])
    lines = [
        "# Other next tokens at a pause", "",
        f"`.venv/bin/python bench/endpoint_probes.py` — {len(rows)} labelled pauses ({int(y.sum())} real ends, "
        f"{int((~y).sum())} inserted thinking pauses; words ending on a hanging word left out) from the sets "
        f"{', '.join(sets)}. AUC of each reading alone (a real end scores high: the probabilities that fall "
        "there are negated), then of logistic regressions over several, each set left out of the fit that scores it.",
        "", "| reading | AUC |", "|---|---:|",
    ]  # fmt: skip
    for j, n in enumerate(names):
        a = roc_auc_score(y, x[:, j])
        what = "Smart Turn (the acoustic model)" if n == "smart turn" else f"P({n}) after the last word"
        lines.append(f"| {what} | {max(a, 1 - a):.3f}{' (negated)' if a < 0.5 else ''} |")
    lines += ["", "| logistic regression over | left-out AUC | weights (log10 probabilities; Smart Turn as a logit) |", "|---|---:|---|"]
    for combo in (["-"], ["-", ","], ["-", "..."], ["-", ",", ".", "..."], ["-", "smart turn"], names):
        cols = [names.index(c) for c in combo]
        scored = np.zeros(len(y))
        for train, test in LeaveOneGroupOut().split(x, y, groups):
            fit = LogisticRegression(max_iter=1000).fit(x[train][:, cols], y[train])
            scored[test] = fit.predict_proba(x[test][:, cols])[:, 1]
        weights = LogisticRegression(max_iter=1000).fit(x[:, cols], y).coef_[0]
        lines.append(f"| {' + '.join(combo)} | {roc_auc_score(y, scored):.3f} | {', '.join(f'{w:+.2f}' for w in weights)} |")
    text = "\n".join(lines) + "\n"
    print(text)
    (bench.RESULTS / "endpoint_probes.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
