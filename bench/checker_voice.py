"""The test closes spoken by the natural voice and scored through the real `check FILE` path.

    .venv/bin/pip install hibari-tts==0.2.1     # the voice "heart" ships in the wheel
    .venv/bin/python bench/checker_voice.py [--closes 40] [--split test3]

A seeded sample of single-turn closes from the test split (sources training never
read) is spoken by hibari-tts (voice "heart" only: the others would download),
written to a temporary wav, and checked with `voicepractice check FILE --json`
in-process (real tiny.en transcription, the real checker). The same closes are
also checked as text, and both close-level scores are printed side by side.
Writes bench/results/checker_voice.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
from checker import Score, close_scores, table  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from voicepractice.cli import cli  # noqa: E402
from voicepractice.coach import CheckOptions, training  # noqa: E402
from voicepractice.coach.model import ELEMENTS  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--closes", type=int, default=40, help="how many test closes to speak")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--split", default="test", choices=("test", *training.HELD_OUT_SPLITS),
                        help="which held-out split to speak (results go to checker_voice_<split>.* but for test)")
    args = parser.parse_args()
    from hibari import Hibari
    from hibari.voices import voice_path

    tts = Hibari(voice="heart", model=voice_path("heart", download_missing=False), threads=1)
    test = [c for c in training.load_closes() if c.split == args.split and all(s.turn == 0 for s in c.sentences)]
    sample = random.Random(args.seed).sample(test, min(args.closes, len(test)))
    runner = CliRunner()
    spoken = {e: Score() for e in ELEMENTS}
    rows = []
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for n, c in enumerate(sample, 1):
            text = " ".join(s.text for s in c.sentences)
            audio = np.asarray(tts(text, seed=1), np.float32)
            wav = Path(tmp) / f"{n}.wav"
            sf.write(wav, audio, tts.sample_rate)
            r = runner.invoke(cli, ["check", str(wav), "--json"])
            if r.exit_code != 0:
                print(f"{c.id}: check failed: {r.output[-200:]}", file=sys.stderr)
                continue
            data = json.loads(r.output)
            found = {e for k in ("elements", "extras", "pitfalls") for e, f in data["report"][k].items() if f["found"]}
            gold = c.gold()
            for e in ELEMENTS:
                spoken[e].add(e in gold, e in found)
            rows.append({"id": c.id, "style": c.style, "heard": data["transcript"]["text"]})
            print(f"\r{n}/{len(sample)} spoken and checked ({time.time() - t0:.0f} s)", end="", file=sys.stderr)
    print(file=sys.stderr)
    typed = close_scores([c for c in sample if any(r["id"] == c.id for r in rows)], CheckOptions())
    md = [f"# {args.split} closes spoken by the natural voice, checked through `check FILE`", "",
          f"{len(rows)} single-turn {args.split} closes (seed {args.seed}), voice hibari-tts \"heart\", "
          "transcribed by tiny.en.", ""]
    md += table({"typed text": typed, "spoken + transcribed": spoken}, ELEMENTS) + [""]
    gaps = {e: round(typed[e].f1 - spoken[e].f1, 3) for e in ELEMENTS}
    md += ["F1 gap (typed - spoken): " + ", ".join(f"{e} {g:+.3f}" for e, g in gaps.items()), ""]
    print("\n".join(md))
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "checker_voice" if args.split == "test" else f"checker_voice_{args.split}"
    (RESULTS / f"{name}.md").write_text("\n".join(md))
    (RESULTS / f"{name}.json").write_text(json.dumps(
        {"typed": {e: s.row() for e, s in typed.items()}, "spoken": {e: s.row() for e, s in spoken.items()},
         "gaps": gaps, "closes": rows}, indent=2))


if __name__ == "__main__":
    main()
