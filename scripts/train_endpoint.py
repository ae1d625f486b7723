"""Fit the end-of-turn combiner (``EndpointOptions.combiner``) on the dev pauses of bench/endpoint.py.

Smart Turn and the text head each say how finished a pause looks; the old rule
let the text head veto (below 0.5: hold 3.5 s), which held a third of the real
ends on the dev sources because read sentences ending on a name or a number
read unsure. This fits a logistic regression over both logits instead, on the
pauses the bench observed (``bench/results/endpoint_trace.json``: speech end,
silence, Smart Turn's probability and the words at each pause):

* finished = the last pause of every sample (the real end of the recording);
* not finished = the thinking pause the bench inserted mid-sentence.

Only pauses the combiner decides are used: a hanging word ("and", "the") or an
exact closing cue decides before it does. **Only the dev sources** (those not
in bench/endpoint.py's ``HELD_OUT``, and every other close): the held-out
sources are scored by the bench, once. The threshold ``finished_at`` is then
picked by replaying every dev sample with its own pauses left out of the fit
(both versions of a recording leave together), and the table is written to
bench/results/endpoint_combiner.md and .json.

    .venv/bin/python bench/endpoint.py --no-paced   # the pauses (once; about 5 min)
    .venv/bin/python scripts/train_endpoint.py      # seconds

Result (bench/results/endpoint_combiner_first_run.md): better than the veto on
the dev sources (median wait 0.74 s against 0.92 s with each recording left out
of the fit, the same 3 of 31 pauses cut), worse on its first run on the held-out
sources (2.19 s against 1.02 s, 5 of 27 cut against 4). So
``EndpointOptions.combiner`` is off by default.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "src"))

from voicepractice.completeness import complete_probability  # noqa: E402
from voicepractice.endpoint import EndpointOptions, required_silence, transcript_cue  # noqa: E402

C = 1.0
"""Inverse L2 strength (fixed before looking: two weights and 70 examples need little)."""
THRESHOLDS = (0.8, 0.85, 0.88, 0.9, 0.91, 0.92, 0.93, 0.95)


def logit(p: float) -> float:
    p = min(max(p, 1e-3), 1 - 1e-3)
    return math.log(p / (1 - p))


def fit(x: np.ndarray, y: np.ndarray, c: float = C) -> np.ndarray:
    """L2-regularised logistic regression (bias unpenalised): weights then bias."""
    from scipy.optimize import minimize

    n, d = x.shape

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ theta[:d] + theta[d]
        p = 1 / (1 + np.exp(-z))
        nll = -np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)) + 0.5 / c / n * theta[:d] @ theta[:d]
        grad = np.append(x.T @ (p - y) / n + theta[:d] / c / n, np.mean(p - y))
        return float(nll), grad

    return np.asarray(minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B").x)


def main() -> None:
    trace_file, bench_file = RESULTS / "endpoint_trace.json", RESULTS / "endpoint.json"
    traces: dict[str, list[list]] = json.loads(trace_file.read_text())
    rows = {f"{r['kind']}:{r['name']}": r for r in json.loads(bench_file.read_text())["rows"] if r["rule"] == "fixed"}
    dev = {k: v for k, v in traces.items() if k in rows and not rows[k]["held_out"]}
    o = EndpointOptions()
    # One record per pause: (sample name, label or None, features, silence, speech end, cue, p, complete).
    pauses: dict[str, list[dict]] = {}
    for key, trace in sorted(dev.items()):
        row = rows[key]
        out = []
        for i, (speech_end, silence, prob, text) in enumerate(trace):
            text = text or ""
            cue = transcript_cue(text)
            complete = complete_probability(text) if text.strip() else None
            final = i == len(trace) - 1
            inserted = row["kind"] == "paused" and not final and abs(speech_end + silence - row["resume_s"]) < 0.6
            decided_here = cue is None or (cue != "unfinished" and prob < o.lenient)
            label = 1 if final else 0 if inserted else None
            out.append({"name": row["name"], "label": label if decided_here and complete is not None else None,
                        "x": [logit(prob), logit(complete if complete is not None else 0.5)],
                        "silence": silence, "speech_end": speech_end, "cue": cue, "p": prob, "complete": complete})  # fmt: skip
        pauses[key] = out
    train = [p for ps in pauses.values() for p in ps if p["label"] is not None]
    x = np.array([p["x"] for p in train])
    y = np.array([p["label"] for p in train], float)
    names = np.array([p["name"] for p in train])
    theta = fit(x, y)
    weights = (round(float(theta[0]), 4), round(float(theta[1]), 4), round(float(theta[2]), 4))

    # Each sample's pauses scored by a fit without that recording (either version).
    held_theta = {n: fit(x[names != n], y[names != n]) for n in sorted(set(names))}

    def replay(key: str, finished_at: float) -> float:
        opts = replace(o, finished_at=finished_at)
        for p in pauses[key]:
            th = held_theta.get(p["name"], theta)
            opts_p = replace(opts, combiner=(float(th[0]), float(th[1]), float(th[2])))
            wait = required_silence(p["p"], p["cue"], opts_p, p["complete"])
            if p["silence"] >= wait - 1e-6:
                return float(p["speech_end"] + wait)
        last = pauses[key][-1]
        return float(last["speech_end"] + last["silence"])

    lines = ["| finished_at | finished: median / p95 wait (s) | thinking pauses cut |", "|---:|---:|---:|"]
    sweep = []
    for t in THRESHOLDS:
        waits, cut, n_paused = [], 0, 0
        for key in pauses:
            ended, row = replay(key, t), rows[key]
            if row["kind"] == "finished":
                waits.append(ended - row["last_word_s"])
            else:
                n_paused += 1
                cut += ended < row["resume_s"]
        waits.sort()
        p95 = waits[min(len(waits) - 1, round(0.95 * (len(waits) - 1)))]
        sweep.append(
            {
                "finished_at": t,
                "median": round(statistics.median(waits), 3),
                "p95": round(p95, 3),
                "cut": cut,
                "paused": n_paused,
            }
        )
        lines.append(f"| {t} | {statistics.median(waits):.2f} / {p95:.2f} | {cut}/{n_paused} |")
    digest = hashlib.sha256(json.dumps(dev, sort_keys=True).encode()).hexdigest()
    record = {"weights": weights, "C": C, "examples": len(train), "finished": int(y.sum()), "not_finished": int(len(y) - y.sum()),
              "dev_trace_sha256": digest, "sweep": sweep}  # fmt: skip
    text = "\n".join([
        "# End-of-turn combiner: fit on the dev pauses",
        "",
        "`.venv/bin/python scripts/train_endpoint.py` on bench/results/endpoint_trace.json (dev sources only, "
        f"sha256 {digest[:16]}…): {len(train)} pauses the combiner decides ({int(y.sum())} real ends, "
        f"{int(len(y) - y.sum())} inserted thinking pauses), L2 C={C}.",
        "",
        f"combiner = (Smart Turn logit, text-head logit, bias) = {weights}",
        "",
        "Replayed on the dev samples, each with its own recording left out of the fit:",
        "",
        *lines,
        "",
    ])  # fmt: skip
    print(text)
    (RESULTS / "endpoint_combiner.md").write_text(text, encoding="utf-8")
    (RESULTS / "endpoint_combiner.json").write_text(json.dumps(record, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
