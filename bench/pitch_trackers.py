"""Which F0 tracker: accuracy and speed of the field's tools on this machine.

Candidates (all from PyPI, none hand-rolled):

* ``praat``  praat-parselmouth ``Sound.to_pitch_ac`` (Praat's autocorrelation, Boersma 1993); GPL-3.0
* ``pyin``   librosa ``pyin`` (Mauch & Dixon 2014); ISC, pulls numba
* ``rapt``   pysptk ``rapt`` (Talkin 1995, the ESPS get_f0 algorithm); MIT, sdist only (needs a C compiler)
* ``swipe``  pysptk ``swipe`` (Camacho & Harris 2008); MIT, sdist only
* ``dio``    pyworld ``dio`` + ``stonemask`` (Morise 2009); MIT, sdist only

Two kinds of test set:

1. **Known F0.** Every clip of ``../shared/speech_corpus`` (real voices, men and women) is analysed
   with WORLD (pyworld ``harvest`` + CheapTrick + D4C) and resynthesised from that F0: the
   resynthesised clip's F0 *is* the contour it was made from, so it is ground truth for every
   tracker (the analysis/synthesis method of Salamon et al. 2017, "An analysis/synthesis framework
   for automatic F0 annotation of multitrack datasets", ISMIR, used for CREPE's MDB-stem-synth).
2. **Real recordings, no ground truth.** The corpus clips themselves, each tracker scored against
   Praat as the reference (the tool phoneticians use), to see agreement on real audio.

Each set is scored clean, as an 8 kHz telephone copy (300-3400 Hz band, resampled to 8 kHz), and
with white noise at 10 dB SNR (seeded). Scores per frame on a 10 ms grid:

* VDE  voicing decision error: frames where voiced/unvoiced disagree, over all frames;
* GPE  gross pitch error: frames voiced in both whose F0 is off by more than 20 %;
* FPE  fine pitch error: median |error| in cents over voiced-in-both frames without gross errors.

Speed: seconds to track 60 s of speech at 16 kHz and at 8 kHz (best of 3).

    .venv/bin/python bench/pitch_trackers.py [--limit N] [--skip pyin]

Needs the ``bench`` extra: ``.venv/bin/pip install -e '.[bench]'``.
Writes bench/results/pitch_trackers.md and .json.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, resample_poly, sosfiltfilt

ROOT = Path(__file__).resolve().parents[1]
# ../shared/speech_corpus beside the checkout (or beside a worktree's parent folder).
CORPUS = next((p / "shared" / "speech_corpus" for p in ROOT.parents if (p / "shared" / "speech_corpus").is_dir()),
              ROOT.parent / "shared" / "speech_corpus")
RESULTS = ROOT / "bench" / "results"
HOP = 0.01
FLOOR, CEILING = 60.0, 500.0
Tracker = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]  # -> (times, f0 with 0 = unvoiced)


def praat(x: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    import parselmouth

    p = parselmouth.Sound(x.astype(np.float64), sr).to_pitch_ac(time_step=HOP, pitch_floor=FLOOR, pitch_ceiling=CEILING)
    return p.xs(), np.nan_to_num(p.selected_array["frequency"])


def pyin(x: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    import librosa

    hop = int(sr * HOP)
    f0, voiced, _ = librosa.pyin(x, fmin=FLOOR, fmax=CEILING, sr=sr, frame_length=int(0.064 * sr), hop_length=hop)
    return np.arange(f0.size) * HOP, np.where(voiced, np.nan_to_num(f0), 0.0)


def rapt(x: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    import pysptk

    f0 = pysptk.rapt((x * 32767).astype(np.float32), sr, hopsize=int(sr * HOP), min=FLOOR, max=CEILING, otype="f0")
    return np.arange(f0.size) * HOP, f0.astype(np.float64)


def swipe(x: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    import pysptk

    f0 = pysptk.swipe((x * 32767).astype(np.float64), sr, hopsize=int(sr * HOP), min=FLOOR, max=CEILING, otype="f0")
    return np.arange(f0.size) * HOP, f0


def dio(x: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    import pyworld

    y = x.astype(np.float64)
    f0, t = pyworld.dio(y, sr, f0_floor=FLOOR, f0_ceil=CEILING, frame_period=HOP * 1000)
    return t, pyworld.stonemask(y, f0, t, sr)


TRACKERS: dict[str, Tracker] = {"praat": praat, "pyin": pyin, "rapt": rapt, "swipe": swipe, "dio": dio}


def on_grid(times: np.ndarray, f0: np.ndarray, n: int) -> np.ndarray:
    """Nearest frame's F0 at 0, 10, 20... ms (0 where unvoiced or outside the track)."""
    grid = np.arange(n) * HOP
    idx = np.clip(np.searchsorted(times, grid), 1, max(1, len(times) - 1))
    left = np.clip(idx - 1, 0, len(times) - 1)
    right = np.clip(idx, 0, len(times) - 1)
    pick = np.where(np.abs(times[left] - grid) <= np.abs(times[right] - grid), left, right)
    out = f0[pick] if len(times) else np.zeros(n)
    out = np.where(np.abs(times[pick] - grid) <= HOP, out, 0.0) if len(times) else out
    return out


def score(ref: np.ndarray, est: np.ndarray) -> dict[str, float]:
    keep = ~np.isnan(ref)  # NaN: a frame the reference cannot judge
    ref, est = ref[keep], est[keep]
    rv, ev = ref > 0, est > 0
    both = rv & ev
    ratio = np.abs(est[both] / ref[both] - 1.0)
    gross = ratio > 0.2
    cents = np.abs(1200 * np.log2(est[both][~gross] / ref[both][~gross]))
    return {
        "frames": float(ref.size),
        "voiced_ref": float(rv.sum()),
        "vde": float((rv != ev).mean()),
        "gpe": float(gross.mean()) if both.any() else float("nan"),
        "fpe_cents": float(np.median(cents)) if cents.size else float("nan"),
    }


def telephone(x: np.ndarray, sr: int) -> tuple[np.ndarray, int]:
    sos = butter(4, [300, 3400], btype="bandpass", fs=sr, output="sos")
    y = sosfiltfilt(sos, x)
    return resample_poly(y, 8000, sr).astype(np.float64), 8000


def noisy(x: np.ndarray, sr: int, seed: int, snr_db: float = 10.0) -> tuple[np.ndarray, int]:
    rng = np.random.default_rng(seed)
    active = x[np.abs(x) > 0.02 * np.abs(x).max()] if x.size else x
    p_sig = float(np.mean(active**2)) if active.size else 1e-6
    noise = rng.standard_normal(x.size) * np.sqrt(p_sig / 10 ** (snr_db / 10))
    return x + noise, sr


def load_corpus(limit: int | None) -> list[tuple[str, np.ndarray, int]]:
    with open(CORPUS / "manifest.tsv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    out = []
    for row in rows[:limit]:
        x, sr = sf.read(CORPUS / row["file"], dtype="float64", always_2d=True)
        x = x.mean(axis=1)
        if sr > 16000:  # every tracker runs on what the app hears: 16 kHz (or 8 kHz phone audio)
            x, sr = resample_poly(x, 16000, sr), 16000
        out.append((row["file"], x, sr))
    return out


def resynthesise(x: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """WORLD analysis/resynthesis: (audio, its exact F0 on the 10 ms grid)."""
    import pyworld

    f0, t = pyworld.harvest(x, sr, f0_floor=FLOOR, f0_ceil=CEILING, frame_period=HOP * 1000)
    sp = pyworld.cheaptrick(x, f0, t, sr)
    ap = pyworld.d4c(x, f0, t, sr)
    y = pyworld.synthesize(f0, sp, ap, sr, frame_period=HOP * 1000)
    y = y / max(1e-9, np.abs(y).max()) * 0.5
    # Harvest calls voiced some near-silent frames (breath, room tone): no tracker can be judged there,
    # so frames more than 35 dB below the clip's loudest are left out of the score (NaN).
    hop = int(sr * HOP)
    rms = np.array([np.sqrt(np.mean(y[k * hop : k * hop + 2 * hop] ** 2) + 1e-12) for k in range(f0.size)])
    db = 20 * np.log10(rms)
    return y, np.where(db < db.max() - 35, np.nan, f0)


def source_filter(seed: int, sr: int = 16000) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic utterance with a known F0 and no tracker in its making: (audio, F0 on the grid).

    Five 0.4-1.2 s voiced stretches separated by 0.15-0.4 s of silence; each an impulse train
    at a smoothly varying F0 (declination plus a random accent, 85-160 Hz for a low voice,
    165-300 Hz for a high one, 0.5 % jitter) shaped into a glottal pulse and filtered by three
    formant resonators of a random vowel. The truth is the F0 of the pulses at each 10 ms frame
    (0 in the silences; frames within 20 ms of a stretch's edges are not scored).
    """
    from scipy.signal import lfilter

    rng = np.random.default_rng(seed)
    low = seed % 2 == 0
    lo, hi = (85.0, 160.0) if low else (165.0, 300.0)
    audio: list[np.ndarray] = []
    truth: list[float] = []
    for _ in range(5):
        gap = int(rng.uniform(0.15, 0.4) * sr)
        audio.append(np.zeros(gap))
        truth += [0.0] * (gap // int(sr * HOP))
        dur = rng.uniform(0.4, 1.2)
        n = int(dur * sr)
        t = np.arange(n) / sr
        base = rng.uniform(lo * 1.1, hi * 0.85)
        peak = rng.uniform(0.0, dur)
        f0 = base * 2 ** ((-2.0 * t / dur + rng.uniform(1, 5) * np.exp(-(((t - peak) / 0.15) ** 2))) / 12)
        f0 = np.clip(f0, lo, hi)
        phase = np.cumsum(f0 / sr)
        pulses = np.zeros(n)
        k = 1
        while True:
            idx = np.searchsorted(phase, k)
            if idx >= n:
                break
            pulses[idx] = 1.0 + rng.normal(0, 0.05)
            k += 1 + rng.normal(0, 0.005)
        glottal = lfilter([1.0], [1.0, -1.9, 0.905], pulses)  # a smooth low-pass pulse shape
        y = glottal
        for fc, bw in ((rng.uniform(300, 800), 80), (rng.uniform(900, 2200), 100), (rng.uniform(2300, 3000), 150)):
            r = np.exp(-np.pi * bw / sr)
            y = lfilter([1 - r], [1, -2 * r * np.cos(2 * np.pi * fc / sr), r * r], y)
        env = np.minimum(1.0, np.minimum(t, dur - t) / 0.03)
        y = y * env
        audio.append(y / (np.abs(y).max() + 1e-9) * 0.5)
        frames = int(n / (sr * HOP))
        edge = 2
        for j in range(frames):
            truth.append(float(np.nan) if j < edge or j >= frames - edge else float(f0[min(n - 1, int(j * sr * HOP))]))
    x = np.concatenate(audio)
    grid = np.array(truth[: int(x.size / sr / HOP)])
    return x, grid


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="only the first N corpus clips")
    ap.add_argument("--skip", nargs="*", default=[], help="trackers to leave out")
    ap.add_argument("--synthetic-only", action="store_true", help="only the source-filter set; merge into the results")
    ap.add_argument("--speed-only", action="store_true", help="only the speed, as CPU seconds; merge into the results")
    args = ap.parse_args()
    names = [n for n in TRACKERS if n not in args.skip]
    if args.synthetic_only:
        return synthetic_only(names)
    if args.speed_only:
        return speed_only(names)
    clips = load_corpus(args.limit)
    print(f"{len(clips)} clips, {sum(x.size / sr for _, x, sr in clips):.1f} s", file=sys.stderr)

    # Known-F0 set: WORLD resynthesis of each clip.
    synth = []
    for i, (name, x, sr) in enumerate(clips):
        y, f0 = resynthesise(x, sr)
        synth.append((name, y, sr, f0, i))
    results: dict[str, dict[str, dict[str, float]]] = {}

    def run(setname: str, items: list[tuple[np.ndarray, int, np.ndarray | None]]) -> None:
        agg: dict[str, list[dict[str, float]]] = {n: [] for n in names}
        for x, sr, truth in items:
            tracks = {n: TRACKERS[n](x, sr) for n in names}
            n_frames = int(x.size / sr / HOP)
            if truth is not None:
                ref = truth[:n_frames]
                n_frames = ref.size
            else:
                ref = on_grid(*tracks["praat"], n_frames)
            for n in names:
                if truth is None and n == "praat":
                    continue
                agg[n].append(score(ref, on_grid(*tracks[n], n_frames)))
        results[setname] = {}
        for n, rows in agg.items():
            if not rows:
                continue
            w = np.array([r["frames"] for r in rows])
            wv = np.array([r["voiced_ref"] for r in rows])
            results[setname][n] = {
                "vde": float(np.average([r["vde"] for r in rows], weights=w)),
                "gpe": float(np.nansum([r["gpe"] * v for r, v in zip(rows, wv, strict=True)]) / wv.sum()),
                "fpe_cents": float(np.nanmedian([r["fpe_cents"] for r in rows])),
            }
        print(setname, json.dumps(results[setname]), file=sys.stderr)

    conditions: dict[str, Callable[[np.ndarray, int, int], tuple[np.ndarray, int]]] = {
        "clean": lambda x, sr, i: (x, sr),
        "8 kHz phone": lambda x, sr, i: telephone(x, sr),
        "noise 10 dB": lambda x, sr, i: noisy(x, sr, seed=1000 + i),
    }
    for cond, f in conditions.items():
        items: list[tuple[np.ndarray, int, np.ndarray | None]] = []
        for _, y, sr, f0, i in synth:
            z, zsr = f(y, sr, i)
            items.append((z, zsr, f0))
        run(f"known F0 (WORLD resynthesis), {cond}", items)
    for cond, f in conditions.items():
        run(f"real recordings vs Praat, {cond}", [(*f(x, sr, i), None) for i, (_, x, sr) in enumerate(clips)])

    # Speed on 60 s of speech.
    base = np.concatenate([x if sr == 16000 else resample_poly(x, 16000, sr) for _, x, sr in clips])
    base = np.tile(base, int(np.ceil(60 * 16000 / base.size)))[: 60 * 16000]
    speed: dict[str, dict[str, float]] = {}
    for n in names:
        speed[n] = {}
        for sr in (16000, 8000):
            x = base if sr == 16000 else resample_poly(base, 8000, 16000)
            best = min(_timed(TRACKERS[n], x, sr) for _ in range(1 if n == "pyin" else 3))
            speed[n][f"{sr // 1000} kHz"] = best
        print("speed", n, speed[n], file=sys.stderr)

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pitch_trackers.json").write_text(json.dumps({"accuracy": results, "speed_60s": speed}, indent=2) + "\n")
    write_md(results, speed, len(clips))
    return 0


def synthetic_only(names: list[str]) -> int:
    """Score the trackers on the source-filter set and merge it into the saved results."""
    items = [source_filter(seed) for seed in range(20)]
    conditions = {
        "clean": lambda x, sr, i: (x, sr),
        "8 kHz phone": lambda x, sr, i: telephone(x, sr),
        "noise 10 dB": lambda x, sr, i: noisy(x, sr, seed=3000 + i),
    }
    saved_path = RESULTS / "pitch_trackers.json"
    saved = json.loads(saved_path.read_text()) if saved_path.is_file() else {"accuracy": {}, "speed_60s": {}}
    for cond, f in conditions.items():
        agg: dict[str, list[dict[str, float]]] = {n: [] for n in names}
        for i, (x, truth) in enumerate(items):
            z, sr = f(x, 16000, i)
            n_frames = truth.size
            for n in names:
                agg[n].append(score(truth, on_grid(*TRACKERS[n](z, sr), n_frames)))
        setname = f"known F0 (source-filter synthesis, no tracker involved), {cond}"
        saved["accuracy"][setname] = {
            n: {
                "vde": float(np.average([r["vde"] for r in rows], weights=[r["frames"] for r in rows])),
                "gpe": float(np.nansum([r["gpe"] * r["voiced_ref"] for r in rows]) / sum(r["voiced_ref"] for r in rows)),
                "fpe_cents": float(np.nanmedian([r["fpe_cents"] for r in rows])),
            }
            for n, rows in agg.items()
        }
        print(setname, json.dumps(saved["accuracy"][setname]), file=sys.stderr)
    saved_path.write_text(json.dumps(saved, indent=2) + "\n")
    write_md(saved["accuracy"], saved["speed_60s"], None)
    return 0


def speed_only(names: list[str]) -> int:
    """CPU seconds (this process) to track 60 s, which the shared machine's load inflates far less
    than wall time. pyin is timed on 10 s and multiplied by 6 (it is linear in length)."""
    clips = load_corpus(None)
    base = np.concatenate([x if sr == 16000 else resample_poly(x, 16000, sr) for _, x, sr in clips])
    base = np.tile(base, int(np.ceil(60 * 16000 / base.size)))[: 60 * 16000]
    saved_path = RESULTS / "pitch_trackers.json"
    saved = json.loads(saved_path.read_text()) if saved_path.is_file() else {"accuracy": {}, "speed_60s": {}}
    cpu: dict[str, dict[str, float]] = {}
    for n in names:
        cpu[n] = {}
        for sr in (16000, 8000):
            x = base if sr == 16000 else resample_poly(base, 8000, 16000)
            scale = 6.0 if n == "pyin" else 1.0
            part = x[: sr * 10] if n == "pyin" else x
            TRACKERS[n](part[: sr], sr)  # warm-up (numba compiles on first call)
            best = min(_cpu(TRACKERS[n], part, sr) for _ in range(3 if n != "pyin" else 1))
            cpu[n][f"{sr // 1000} kHz"] = best * scale
        print("cpu", n, cpu[n], file=sys.stderr)
    saved["cpu_60s"] = cpu
    saved_path.write_text(json.dumps(saved, indent=2) + "\n")
    write_md(saved["accuracy"], saved["speed_60s"], None, cpu)
    return 0


def _cpu(f: Tracker, x: np.ndarray, sr: int) -> float:
    t = time.process_time()
    f(x, sr)
    return time.process_time() - t


def write_md(results: dict, speed: dict, clips: int | None, cpu: dict | None = None) -> None:
    md = ["# F0 trackers: accuracy and speed", "", "`bench/pitch_trackers.py` (and `--synthetic-only`)." + (f" {clips} corpus clips." if clips else ""), ""]
    for setname, rows in results.items():
        md += [f"## {setname}", "", "| tracker | VDE | GPE | FPE (cents) |", "|---|---:|---:|---:|"]
        md += [f"| {n} | {r['vde']:.1%} | {r['gpe']:.1%} | {r['fpe_cents']:.1f} |" for n, r in rows.items()]
        md.append("")
    md += ["## Seconds to track 60 s of speech (best of 3; pyin: 1 run)", "", "| tracker | 16 kHz | 8 kHz |", "|---|---:|---:|"]
    md += [f"| {n} | {s['16 kHz']:.3f} | {s['8 kHz']:.3f} |" for n, s in speed.items()]
    cpu = cpu if cpu is not None else (json.loads((RESULTS / "pitch_trackers.json").read_text()).get("cpu_60s") if (RESULTS / "pitch_trackers.json").is_file() else None)
    if cpu:
        md += ["", "## CPU seconds to track 60 s (`--speed-only`; best of 3; pyin: 10 s x 6)", "",
               "| tracker | 16 kHz | 8 kHz |", "|---|---:|---:|"]
        md += [f"| {n} | {s['16 kHz']:.3f} | {s['8 kHz']:.3f} |" for n, s in cpu.items()]
    (RESULTS / "pitch_trackers.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


def _timed(f: Tracker, x: np.ndarray, sr: int) -> float:
    t = time.perf_counter()
    f(x, sr)
    return time.perf_counter() - t


if __name__ == "__main__":
    sys.exit(main())
