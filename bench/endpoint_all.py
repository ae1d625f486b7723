"""The end-of-turn rule as it stands, on every set at once: one row per set, and the closes and
the real recordings pooled.

Replays the pauses each set's last observed run stored (``bench/results/endpoint_SET_trace.json``,
as ``bench/endpoint.py --set SET --reuse --no-paced`` does) on the audio clock: where in the
audio the answer ended, which does not depend on the machine's speed. The corpus row is its
held-out split only (its dev split was tuned on). Every set has been scored at least once
before this table existed; which were opened after their first run is in bench/endpoint.py.

    .venv/bin/python bench/endpoint_all.py [--option NAME=VALUE ...] [--name endpoint_all]

Writes bench/results/NAME.md and NAME.json. The real sets need their audio beside the corpus
(bench/speech_fresh*/build.py); a set whose audio or trace is missing is named and skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from endpoint import HELD_OUT_SETS, RESULTS, build_samples, candidate, score, set_stem, summarize  # noqa: E402

SETS = ("corpus", *HELD_OUT_SETS)


def cells(rows: list[dict]) -> dict:
    finished = [r for r in rows if r["kind"] == "finished"]
    paused = [r for r in rows if r["kind"] == "paused"]
    waits = summarize([r["wait_audio_s"] for r in finished])
    return {
        "finished": len(finished), "median_s": waits.get("median"), "p95_s": waits.get("p95"),
        "within_1_5_s": sum(0 <= r["wait_audio_s"] <= 1.5 for r in finished),
        "ended_early": sum(r["wait_audio_s"] < 0 for r in finished),
        "pauses": len(paused), "cut": sum(r["cut"] for r in paused),
        "words_lost": sum(r["words_lost"] for r in rows), "words": sum(r["ref_words"] for r in rows),
    }  # fmt: skip


def line(label: str, a: dict, f: dict) -> str:
    pct = f"{100 * a['cut'] / a['pauses']:.0f} %" if a["pauses"] else "-"
    return (f"| {label} | {a['median_s']:.2f} / {a['p95_s']:.2f} | {a['within_1_5_s']}/{a['finished']} | {a['cut']}/{a['pauses']} ({pct}) | "
            f"{a['ended_early']}/{a['finished']} | {f['cut']}/{f['pauses']} | {a['words_lost']}/{a['words']} |")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                    help="replay with an EndpointOptions field changed (as bench/endpoint.py --option)")  # fmt: skip
    ap.add_argument("--name", default="endpoint_all")
    args = ap.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    from voicepractice.endpoint import EndpointOptions

    o = replace(EndpointOptions(), **candidate(args.option))
    out: dict[str, dict] = {}
    pooled: dict[str, dict[str, list[dict]]] = {"closes": {"adaptive": [], "fixed": []}, "real": {"adaptive": [], "fixed": []}}
    skipped = []
    for name in SETS:
        trace = RESULTS / f"{set_stem(name)}_trace.json"
        if not trace.is_file():
            skipped.append(f"{name} (no trace: run bench/endpoint.py --set {name} --no-paced)")
            continue
        try:
            samples = build_samples(sample_set=name)
        except SystemExit as exc:  # a real set whose audio is not beside the corpus
            skipped.append(f"{name} ({exc})")
            continue
        if name == "corpus":
            samples = [s for s in samples if s.held_out]
        traces = json.loads(trace.read_text())
        adaptive, fixed = score(samples, traces, "adaptive", o), score(samples, traces, "fixed", o)
        out[name] = {"adaptive": cells(adaptive), "fixed": cells(fixed)}
        for rule, rows in (("adaptive", adaptive), ("fixed", fixed)):
            for r in rows:  # the corpus holds both: real recordings and closes in the natural voice
                pooled["closes" if r["source"].startswith("hibari-tts") else "real"][rule].append(r)
        print(f"{name}: {out[name]['adaptive']}", file=sys.stderr)
    lines = [
        "# End of turn, the rule as it stands, every set",
        "",
        f"`.venv/bin/python bench/endpoint_all.py {' '.join(sys.argv[1:])}` — audio clock, replayed from each set's stored "
        "pauses. Finished answers: silence from the last word to the end of the answer (an answer ended before its last "
        "word counts as a negative wait, and in 'ended early'). Cut: thinking pauses (1-3 s inserted mid-sentence) "
        "that ended the answer. 'fixed 2.5 s' is the old rule on the same pauses. corpus: its held-out split only "
        "(real recordings and closes in the natural voice, pooled below with their kind).",
        "",
        "| set | finished: median / p95 (s) | finished within 1.5 s | pauses cut | ended early | fixed 2.5 s: cut | words after the end |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, c in out.items():
        lines.append(line(name, c["adaptive"], c["fixed"]))
    for group, label in (("closes", "**all closes (natural TTS)**"), ("real", "**all real recordings**")):
        if pooled[group]["adaptive"]:
            a, f = cells(pooled[group]["adaptive"]), cells(pooled[group]["fixed"])
            out[f"pooled_{group}"] = {"adaptive": a, "fixed": f}
            lines.append(line(label, a, f))
    if skipped:
        lines += ["", "Skipped: " + "; ".join(skipped) + "."]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"{args.name}.json").write_text(json.dumps({"options": asdict(o), "sets": out}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
