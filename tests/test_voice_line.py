"""The phone line (phoneline.py) and the cache of rendered interviewer lines (tts_cache.py)."""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np
import pytest

from voicepractice import phoneline, tts_cache
from voicepractice.speak import VoiceOptions

from conftest import FIXTURES


def _band_share(audio: np.ndarray, rate: int, lo: float, hi: float) -> float:
    power = np.abs(np.fft.rfft(audio)) ** 2
    freqs = np.fft.rfftfreq(audio.size, 1.0 / rate)
    return float(power[(freqs >= lo) & (freqs <= hi)].sum() / power.sum())


def test_the_phone_line_passes_the_voice_band_only() -> None:
    rate = 24_000
    t = np.arange(rate * 2) / rate
    # Equal parts below, inside and above the telephone band.
    audio = (0.2 * (np.sin(2 * np.pi * 120 * t) + np.sin(2 * np.pi * 1000 * t) + np.sin(2 * np.pi * 7000 * t))).astype(
        np.float32
    )
    out, out_rate = phoneline.phone(audio, rate)
    assert out_rate == phoneline.OUT_RATE and abs(out.size / out_rate - 2.0) < 0.01
    assert _band_share(out, out_rate, 900, 1100) > 0.97
    assert _band_share(out, out_rate, 0, 200) < 0.01
    assert _band_share(out, out_rate, 3600, 8000) < 0.01
    # Line noise: the silence between words is not digital zero on a phone line.
    quiet, _ = phoneline.phone(np.concatenate([audio[:rate], np.zeros(rate, np.float32)]), rate)
    gap = quiet[int(1.3 * out_rate) : int(1.9 * out_rate)]
    assert 1e-4 < float(np.sqrt(np.mean(gap**2))) < 0.01


def test_the_phone_line_is_the_same_every_time() -> None:
    audio = np.random.default_rng(1).standard_normal(24_000).astype(np.float32) * 0.1
    a, _ = phoneline.phone(audio, 24_000)
    b, _ = phoneline.phone(audio, 24_000)
    assert np.array_equal(a, b)


def test_the_call_opens_with_a_ring_then_a_pick_up() -> None:
    ring = phoneline.ring_and_pickup()
    rate = phoneline.OUT_RATE
    assert 1.5 < ring.size / rate < 2.5
    first = ring[: int(0.4 * rate)]
    assert _band_share(first, rate, 380, 470) > 0.9  # the 400+450 Hz ring tone
    gap = ring[int(0.45 * rate) : int(0.55 * rate)]
    assert np.sqrt(np.mean(gap**2)) < 0.1 * np.sqrt(np.mean(first**2))  # ring-pause-ring


def test_a_rendered_line_is_cached_privately_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from voicepractice import speak

    options = VoiceOptions()
    first = tts_cache.render_line("Do you have any questions for me?", tmp_path / "a.wav", options, "phone")
    assert not first.cached and first.voice == "heart"
    folder = tts_cache.cache_dir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    (cached,) = folder.iterdir()
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "a.wav").stat().st_mode) == 0o600

    def no_synthesis(*args: object, **kwargs: object) -> None:
        raise AssertionError("synthesised a line that is in the cache")

    monkeypatch.setattr(tts_cache, "synthesize", no_synthesis)
    monkeypatch.setattr(speak, "synthesize", no_synthesis)
    again = tts_cache.render_line("Do you have any questions for me?", tmp_path / "b.wav", options, "phone")
    assert again.cached and (tmp_path / "b.wav").read_bytes() == (tmp_path / "a.wav").read_bytes()
    # Another line, rate or kind of line is another entry.
    for text, rate, line in (("Any questions?", 165, "phone"), ("Do you have any questions for me?", 190, "phone"),
                             ("Do you have any questions for me?", 165, "clean")):  # fmt: skip
        with pytest.raises(AssertionError, match="synthesised"):
            tts_cache.render_line(text, tmp_path / "c.wav", VoiceOptions(rate=rate), line)  # type: ignore[arg-type]


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_a_drill_caches_interviewer_lines_only_and_the_next_drill_uses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicepractice import natural, speak
    from voicepractice.drill import DrillOptions, run_drill
    from voicepractice.store import Store

    answers = tuple(FIXTURES / f for f in ("turn1_question.flac", "turn2_close.flac", "turn3_goodbye.flac"))
    options = DrillOptions(answers=answers, paced=False, cue=False, seed=5, voice=VoiceOptions(line="phone"))
    first = run_drill(options, Store())
    cached = {p.name for p in tts_cache.cache_dir().iterdir()}
    said = [t.line for t in first.session.turns]

    # Everything under the cache folder is an interviewer line: a key of a line from the script.
    from voicepractice.scenarios import fill, list_scenarios, shared_replies

    scenario = next(s for s in list_scenarios() if s.name == "phone_screen")
    script = [fill(x, scenario) for t in scenario.turns for x in t.lines]
    script += [fill(x, scenario) for r in {**shared_replies(), **scenario.answers}.values() for x in r.lines]
    allowed = {tts_cache.key(x, "heart", 165, "phone") for x in script}
    everything = [p for p in tts_cache.cache_dir().parent.rglob("*") if p.is_file()]
    models = tts_cache.cache_dir().parent / "models"  # the checker's encoder graph, derived from the wheel
    assert all(p.suffix == ".onnx" for p in everything if p.parent == models)
    everything = [p for p in everything if p.parent != models]
    assert everything and all(p.parent == tts_cache.cache_dir() for p in everything)
    assert cached <= allowed, cached - allowed
    assert tts_cache.key(said[0], "heart", 165, "phone") in cached  # the first line, as played
    # The answers went to the session, not the cache.
    answer = (first.session.folder / "answer-1.wav").read_bytes()
    assert all(p.read_bytes() != answer for p in everything)

    # The same drill again: every line comes from the cache, the voice is never synthesised.
    def no_synthesis(*args: object, **kwargs: object) -> None:
        raise AssertionError("synthesised a line that is in the cache")

    monkeypatch.setattr(natural, "synthesize", no_synthesis)
    monkeypatch.setattr(speak, "synthesize", no_synthesis)
    monkeypatch.setattr(tts_cache, "synthesize", no_synthesis)
    second = run_drill(options, Store())
    assert [t.line for t in second.session.turns] == said
    assert not any("text-to-speech failed" in n for n in second.notes), second.notes
    played = [second.session.folder / t.interviewer_audio for t in second.session.turns if t.interviewer_audio]
    assert len(played) == 3 and all(p.stat().st_size > 10_000 for p in played)


def test_voices_lists_both_kinds_and_says_which_is_the_default(vp) -> None:
    import json

    r = vp("voices", "--json")
    assert r.code == 0
    listed = json.loads(r.out)["voices"]
    assert listed[0] == {**listed[0], "id": "heart", "kind": "natural", "default": True}
    assert any(v["kind"] == "system" for v in listed) and sum(v["default"] for v in listed) == 1
    r = vp("voices")
    assert "natural, default" in r.out.splitlines()[0] or "natural, default" in r.out


def test_an_unknown_voice_stops_the_drill_before_it_starts(vp, private_home: Path) -> None:
    r = vp("drill", "--voice", "robot-nine", "--answer", str(FIXTURES / "weak_thanks_only.flac"), "--fast")
    assert r.code == 1
    (line,) = [x for x in r.err.splitlines() if x.strip()][:1]
    assert line.startswith("Error: no voice 'robot-nine'") and "heart" in r.err and "Traceback" not in r.err
    assert not (private_home / "sessions").exists() or not any((private_home / "sessions").iterdir())


def test_the_voice_and_the_line_come_from_the_config_file(vp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    config = tmp_path / "config.toml"
    config.write_text('voice = "system"\nline = "clean"\nrate = 150\n')
    monkeypatch.setenv("VOICEPRACTICE_CONFIG", str(config))
    r = vp("drill", "--json", "--fast", "--answer", str(FIXTURES / "weak_thanks_only.flac"))
    assert r.code == 0, r.err
    out = json.loads(r.out)
    folder = Path(out["folder"])
    import soundfile as sf

    info = sf.info(str(folder / out["turns"][0]["interviewer_audio"]))
    assert info.samplerate == 22_050  # espeak-ng's own rate, clean: no phone line
    cached = {p.name for p in tts_cache.cache_dir().iterdir()}
    assert tts_cache.key(out["turns"][0]["line"], "system", 150, "clean") in cached


def test_without_the_natural_voice_the_system_voice_speaks_with_one_warning(
    vp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from voicepractice import natural
    from voicepractice.errors import SpeechError

    def no_natural(*args: object) -> None:
        raise SpeechError("the natural voice did not load (onnxruntime missing)")

    monkeypatch.setattr(natural, "synthesize", no_natural)
    monkeypatch.setattr(natural, "phonemize_ahead", no_natural)
    answers = [str(FIXTURES / f) for f in ("turn1_question.flac", "turn2_close.flac", "turn3_goodbye.flac")]
    r = vp("drill", "--json", "--fast", "--seed", "4", *[x for a in answers for x in ("--answer", a)])
    assert r.code == 0, r.err
    out = json.loads(r.out)
    fallbacks = [n for n in out["notes"] if "system voice speaks instead" in n]
    assert len(fallbacks) == 1 and " ".join(r.err.split()).count("system voice speaks instead") == 1, r.err
    assert all(t["interviewer_audio"] for t in out["turns"])  # the system voice said every line
    assert not any("text-to-speech failed" in n for n in out["notes"])


def test_a_natural_line_starts_speaking_at_once() -> None:
    # hibari opens every line with about 0.3 s of silence: that was a quarter second on every first word.
    from voicepractice import natural

    audio = natural.synthesize("Thanks for making the time today.", 165)
    peak = float(np.max(np.abs(audio)))
    first_sound = int(np.argmax(np.abs(audio) > 0.01 * peak)) / natural.SAMPLE_RATE
    assert 0.02 <= first_sound <= 0.1, first_sound
    assert audio.size / natural.SAMPLE_RATE > 1.0  # the words themselves are all there


def test_with_every_line_cached_a_drill_never_loads_the_voice(monkeypatch: pytest.MonkeyPatch) -> None:
    # The usual drill (every one after the first) plays lines from the cache; loading the voice model
    # would only slow its start and take memory from Whisper.
    from voicepractice import natural
    from voicepractice.drill import DrillOptions, _lines_ahead, run_drill
    from voicepractice.scenarios import Details, load_scenario
    from voicepractice.store import Store

    one_turn = str(Path(__file__).parent / "data" / "one_turn.toml")
    scenario = load_scenario(one_turn)
    options = VoiceOptions(line="clean")
    for text in _lines_ahead(scenario, list(scenario.turns), Details()):
        tts_cache.warm(text, options, "clean")
    natural.unload()

    import hibari

    from voicepractice.errors import SpeechError

    loads: list[object] = []

    def no_model(*args: object, **kwargs: object) -> None:
        loads.append(args)
        raise SpeechError("loaded")

    monkeypatch.setattr(hibari, "Hibari", no_model)
    drill = DrillOptions(scenario=one_turn, answers=(FIXTURES / "turn2_close.flac",), paced=False, cue=False, voice=options)
    result = run_drill(drill, Store())
    assert loads == [], "the voice model was loaded although every line was cached"
    assert not any("text-to-speech" in n or "system voice" in n for n in result.notes), result.notes
    assert result.session.turns[0].interviewer_audio
