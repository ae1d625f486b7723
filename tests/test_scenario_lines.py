"""Every line the interviewer can say, in the default voice, comes back from tiny.en as written.

All phrasings of every turn of every shipped scenario and every reply in the answer
banks, placeholders filled with the scenario's defaults, rendered clean by the default
(natural) voice and transcribed by the real tiny.en: WER <= 5 % over all of them.
The lines are joined per scenario with a pause between them, so Whisper decodes a few
long windows instead of a hundred short ones (the same words, a fraction of the time).
"""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

WER_LIMIT = 0.05


def _fixture_tools():  # scripts/make_fixtures.py holds the normaliser and WER the fixtures use
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "scripts" / "make_fixtures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_fixtures", module)
    spec.loader.exec_module(module)
    return module


def every_line() -> dict[str, list[str]]:
    """Scenario name -> every line its interviewer can say (turns, its replies, the shared replies)."""
    from voicepractice.scenarios import fill, list_scenarios, shared_replies

    out: dict[str, list[str]] = {}
    for s in list_scenarios():
        lines = [fill(text, s) for t in s.turns for text in t.lines]
        bank = {**shared_replies(), **s.answers}
        lines += [fill(text, s) for r in bank.values() for text in r.lines]
        out[s.name] = list(dict.fromkeys(lines))
    return out


def test_every_scenario_line_is_understood_in_the_default_voice() -> None:
    from voicepractice.audio import resample
    from voicepractice.speak import synthesize
    from voicepractice.transcribe import Transcriber

    tools = _fixture_tools()
    transcriber = Transcriber()
    ref_words = hyp_words = 0
    errors = 0.0
    worst: list[tuple[float, str, str]] = []
    seen: set[str] = set()
    for lines in every_line().values():
        # Shared replies are heard once, with the first scenario that uses them.
        lines = [line for line in lines if line not in seen]
        seen.update(lines)
        # Groups of about 25 s: one Whisper window each.
        group: list[np.ndarray] = []
        texts: list[str] = []
        groups: list[tuple[list[np.ndarray], list[str]]] = []
        length = 0.0
        for line in lines:
            spoken = synthesize(line)
            assert spoken.voice == "heart", spoken.fallback
            audio = resample(spoken.audio, spoken.rate, 16_000)
            if length + audio.size / 16_000 > 25 and group:
                groups.append((group, texts))
                group, texts, length = [], [], 0.0
            group += [audio, np.zeros(8_000, np.float32)]
            texts.append(line)
            length += audio.size / 16_000 + 0.5
        groups.append((group, texts))
        for audio_parts, said in groups:
            heard = transcriber.transcript(np.concatenate(audio_parts)).text
            ref, hyp = tools.normalise(" ".join(said)), tools.normalise(heard)
            rate = tools.wer(ref, hyp)
            errors += rate * len(ref)
            ref_words += len(ref)
            hyp_words += len(hyp)
            worst.append((rate, " ".join(said)[:80], heard[:80]))
    overall = errors / ref_words
    worst.sort(reverse=True)
    print(f"\nscenario lines: {len(seen)} lines, {ref_words} words, WER {overall:.2%}")
    for rate, said, heard in worst[:3]:
        print(f"  {rate:.1%}  said: {said!r}\n         heard: {heard!r}")
    assert ref_words > 1000  # really every line: about 1,500 words
    assert overall <= WER_LIMIT, worst[:3]
