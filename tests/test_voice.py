"""The voice analysis on audio with a known answer, and on real recordings.

Known answers come from natural TTS speech reshaped by Praat (see ``voice_audio.py``): the same
sentences flattened are monotone and the originals are not; a statement gliding up at the end
is upspeak and a question doing the same is not; a sentence whose end is 15 dB quieter trails
off. The real recordings are the speech corpus (read, spontaneous, 8 kHz telephone).
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from voicepractice.records import Report, Transcript
from voicepractice.voice import Voice, analyse_recording, is_question, split_sentences

from conftest import terminal_trend

pytest.importorskip("parselmouth")
pytest.importorskip("hibari")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = next(
    (p / "shared" / "speech_corpus" for p in ROOT.parents if (p / "shared" / "speech_corpus").is_dir()),
    ROOT.parent / "shared" / "speech_corpus",
)

STATEMENTS = (
    "I led the migration of our analytics platform to the cloud.",
    "My background is in data engineering.",
    "I have five years of experience with data pipelines.",
)


@pytest.fixture(scope="module")
def transcriber():  # type: ignore[no-untyped-def]
    from voicepractice.transcribe import Transcriber

    return Transcriber()


_HEARD: dict[bytes, Transcript] = {}


def _transcribe(transcriber, audio: np.ndarray) -> Transcript:  # type: ignore[no-untyped-def]
    """The transcript of ``audio``; the same samples (a spoken statement several tests reshape) are
    decoded once: the decode is deterministic and a Transcript is frozen."""
    samples = audio.astype(np.float32)
    key = hashlib.sha256(samples.tobytes()).digest()
    if key not in _HEARD:
        _HEARD[key] = transcriber.transcript(samples)
    return _HEARD[key]


def _voice(audio: np.ndarray, transcript: Transcript) -> Voice:
    return analyse_recording(audio.astype(np.float32), transcript)


@pytest.fixture(scope="module")
def answer(transcriber):  # type: ignore[no-untyped-def]
    """Three statements in a natural voice, as one answer, with the words' timings."""
    from voice_audio import join, speak

    audio = join(*(speak(s) for s in STATEMENTS))
    return audio, _transcribe(transcriber, audio)


# --- Monotone -------------------------------------------------------------------


def test_flattened_pitch_is_monotone_and_the_original_is_not(answer) -> None:  # type: ignore[no-untyped-def]
    from voice_audio import flatten

    audio, transcript = answer
    original = _voice(audio, transcript)
    flat = _voice(flatten(audio), transcript)
    assert original.judged and flat.judged
    assert original.figure("pitch_variation").verdict == "ok", original.figure("pitch_variation")
    assert original.figure("monotone_stretches").verdict == "ok"
    assert not any("monotone" in s.flags for s in original.sentences)
    assert flat.figure("pitch_variation").verdict == "low", flat.figure("pitch_variation")
    assert flat.figure("monotone_stretches").verdict == "high"
    assert all("monotone" in s.flags for s in flat.sentences if s.pitch_variation is not None)
    assert flat.issue == "pitch_variation" and flat.coaching and "flat" in flat.coaching
    assert original.issue != "pitch_variation"


# --- Upspeak ----------------------------------------------------------------------


def test_a_statement_rising_at_the_end_is_upspeak_and_a_question_is_not(transcriber) -> None:  # type: ignore[no-untyped-def]
    from voice_audio import final_move, speak

    statement = speak(STATEMENTS[0])
    t_statement = _transcribe(transcriber, statement)
    question = speak("What are the next steps in the process?")
    t_question = _transcribe(transcriber, question)

    rising = _voice(final_move(statement, +6.0), t_statement)  # Ladd's "up to 40 %"
    falling = _voice(final_move(statement, -4.0), t_statement)
    rising_question = _voice(final_move(question, +6.0), t_question)

    (s,) = rising.sentences
    assert not s.question and s.final_rise_st is not None and s.final_rise_st >= 5.0
    assert "upspeak" in s.flags
    (s,) = falling.sentences
    assert s.final_rise_st is not None and s.final_rise_st < 1.0 and "upspeak" not in s.flags
    (q,) = rising_question.sentences
    assert q.question and q.final_rise_st is not None and q.final_rise_st >= 2.0  # it rose...
    assert "upspeak" not in q.flags  # ...and a question may


def test_upspeak_on_every_statement_is_the_answers_issue(answer) -> None:  # type: ignore[no-untyped-def]
    from voice_audio import final_move, join, speak

    _, _ = answer
    audio = join(*(final_move(speak(s), +6.0) for s in STATEMENTS))
    from voicepractice.transcribe import Transcriber

    transcript = Transcriber().transcript(audio.astype(np.float32))
    voice = _voice(audio, transcript)
    up = voice.figure("upspeak_share")
    assert up.verdict == "high", (up, [(s.text, s.final_rise_st) for s in voice.sentences])
    assert voice.issue in ("upspeak_share", "pitch_variation")


# --- Pace over time ---------------------------------------------------------------

PACED = (
    "Thank you so much for taking the time to talk with me today.",
    "I have really enjoyed learning about the team and the product.",
    "Over the last five years I have built and run data pipelines for a large online store.",
    "Last year I led the move of our main database to the cloud, and we finished early.",
    "I also mentor three junior engineers, and I enjoy helping people grow.",
    "I am very interested in this role, and I think I could help from the first week.",
)


def test_an_answer_sped_up_in_its_last_third_is_rushing_and_the_original_is_not(transcriber) -> None:  # type: ignore[no-untyped-def]
    from voice_audio import join, speak, speed_up

    audio = join(*(speak(s) for s in PACED))
    original = _voice(audio, _transcribe(transcriber, audio))
    rushed_audio = speed_up(audio, from_s=0.62 * audio.size / 16000, factor=1.5)  # the close, half as fast again
    rushed = _voice(rushed_audio, _transcribe(transcriber, rushed_audio))
    assert original.figure("pace_change").verdict == "ok", original.figure("pace_change")
    pace = rushed.figure("pace_change")
    assert pace.verdict == "high" and pace.value is not None and pace.value > 1.25, pace
    assert "rushed at the end" not in (original.coaching or "")
    assert rushed.issue == "pace_change" and rushed.coaching and "sped up" in rushed.coaching


# --- Trailing off -----------------------------------------------------------------


def test_a_sentence_faded_by_15_db_at_the_end_trails_off(transcriber) -> None:  # type: ignore[no-untyped-def]
    from voice_audio import fade_end, speak

    audio = speak(STATEMENTS[2])
    transcript = _transcribe(transcriber, audio)
    # the last two words ("data pipelines"), to the end of the recording, 15 dB down
    fade_from = float(transcript.words[-2].start or 0.0)
    plain = _voice(audio, transcript)
    faded = _voice(fade_end(audio, end_s=audio.size / 16000, span_s=audio.size / 16000 - fade_from), transcript)
    (p,) = plain.sentences
    (f,) = faded.sentences
    assert p.end_drop_db is not None and p.end_drop_db < 10.0 and "trailing_off" not in p.flags
    assert f.end_drop_db is not None and f.end_drop_db >= 10.0, f
    assert "trailing_off" in f.flags
    assert faded.coaching and "faded" in faded.coaching
    # one sentence is a moment, not a habit: no answer-level verdict
    assert faded.figure("trailing_off_share").verdict is None


# --- Honest limits ------------------------------------------------------------------


def test_silence_and_noise_get_no_verdict() -> None:
    rng = np.random.default_rng(7)
    empty = Transcript(text="", words=(), duration=5.0)
    for audio in (np.zeros(16000 * 5, np.float32), (0.05 * rng.standard_normal(16000 * 5)).astype(np.float32)):
        voice = analyse_recording(audio, empty)
        assert not voice.judged
        assert voice.figure("pitch_variation").verdict is None
        assert all(f.verdict in (None, "ok") for f in voice.figures.values() if f.name != "level_dbfs")
        assert voice.issue is None and voice.coaching


def test_a_short_answer_gets_no_pitch_verdict(transcriber) -> None:  # type: ignore[no-untyped-def]
    from voice_audio import flatten, speak

    audio = flatten(speak("Thanks, bye."))
    voice = _voice(audio, _transcribe(transcriber, audio))
    assert not voice.judged
    assert voice.figure("pitch_variation").verdict is None
    assert "too little" in (voice.figure("pitch_variation").note or "")
    assert voice.figure("pace_change").verdict is None


def _corpus_rows() -> list[dict[str, str]]:
    if not (CORPUS / "manifest.tsv").is_file():
        pytest.skip(f"speech corpus not found at {CORPUS}")
    with open(CORPUS / "manifest.tsv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def corpus_heard(transcriber):  # type: ignore[no-untyped-def]
    """A corpus recording (its manifest path) as the app hears it (16 kHz float32) and its transcript,
    each decoded once for the module: the plausibility sweep and the known answers share three of them."""
    from voicepractice.audio import load_audio

    cache: dict[str, tuple[np.ndarray, Transcript]] = {}

    def get(file: str) -> tuple[np.ndarray, Transcript]:
        if file not in cache:
            audio = load_audio(CORPUS / file)
            cache[file] = (audio, transcriber.transcript(audio))
        return cache[file]

    return get


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_real_recordings_give_plausible_figures_including_8khz(corpus_heard) -> None:  # type: ignore[no-untyped-def]
    rows = _corpus_rows()
    picked = [r for r in rows if r["kind"] in ("telephone", "spontaneous")] + [r for r in rows if r["kind"] == "read"][::6]
    assert any(r["sample_rate"] == "8000" for r in picked)
    judged = 0
    for row in picked:
        audio, transcript = corpus_heard(row["file"])
        voice = analyse_recording(audio, transcript)
        assert voice.f0_median_hz is None or 60 <= voice.f0_median_hz <= 400, row["file"]
        lvl = voice.figure("level_dbfs").value
        assert lvl is None or -70 <= lvl <= 0, row["file"]
        for s in voice.sentences:
            assert s.pitch_variation is None or 0.01 <= s.pitch_variation <= 0.5, (row["file"], s)
            assert s.final_rise_st is None or abs(s.final_rise_st) <= 12.5, (row["file"], s)
        if voice.judged:
            judged += 1
            pvq = voice.figure("pitch_variation").value
            assert pvq is not None and 0.03 <= pvq <= 0.4, (row["file"], pvq)
        json.dumps(voice.to_dict())  # serialisable
        assert Voice.from_dict(voice.to_dict()) == voice
    assert judged >= 3


# --- The known answers on real people's voices --------------------------------------

REAL = {  # real recordings of different people: telephone, read, inaugural address, lecture
    "osr": "audio/osr_us_000_0034_8k.wav",
    "jfk": "audio/jfk_inaugural_1961.flac",
    "librispeech": "audio/librispeech_2412-153948-0000.flac",
    "lecture": "audio/physicsworks_lecture_6-15.6s.wav",
}


@pytest.fixture(scope="module")
def real(corpus_heard):  # type: ignore[no-untyped-def]
    """Each recording as the app hears it (16 kHz, as float64) and its transcript, decoded once
    (``corpus_heard``: the float32 samples Whisper was given either way)."""
    cache: dict[str, tuple[np.ndarray, Transcript]] = {}

    def get(name: str) -> tuple[np.ndarray, Transcript]:
        if name not in cache:
            _corpus_rows()  # skips when the corpus is not there
            audio, transcript = corpus_heard(REAL[name])
            cache[name] = (audio.astype(np.float64), transcript)
        return cache[name]

    return get


@pytest.mark.parametrize("name", list(REAL))
def test_a_real_voice_flattened_is_monotone_and_the_original_is_not(real, name: str) -> None:  # type: ignore[no-untyped-def]
    from voice_audio import flatten

    audio, transcript = real(name)
    original, flat = _voice(audio, transcript), _voice(flatten(audio), transcript)
    assert original.judged and flat.judged
    assert original.figure("pitch_variation").verdict == "ok", original.figure("pitch_variation")
    assert original.issue != "pitch_variation"
    assert flat.figure("pitch_variation").verdict == "low", flat.figure("pitch_variation")
    assert flat.figure("monotone_stretches").verdict == "high"
    assert flat.issue == "pitch_variation"


def _sentence_ends(transcript: Transcript) -> list[tuple[float, float, float]]:
    """(start of the last word, end of the last word, start of the next sentence) per sentence."""
    groups = split_sentences(transcript.words)
    out = []
    for i, g in enumerate(groups):
        nxt = float(groups[i + 1][0].start or 0.0) if i + 1 < len(groups) else float(transcript.duration or 1e9)
        out.append((float(g[-1].start or 0.0), float(g[-1].end or 0.0), nxt))
    return out


def test_real_statements_rising_at_the_end_are_upspeak_and_falling_ones_are_not(real) -> None:  # type: ignore[no-untyped-def]
    from voice_audio import rise_before

    audio, transcript = real("osr")  # ten read statements, a real telephone recording
    spans = [(a, min(b + 0.3, nxt)) for a, b, nxt in _sentence_ends(transcript)]
    original = _voice(audio, transcript)
    rising = _voice(rise_before(audio, spans, +6.0), transcript)
    falling = _voice(rise_before(audio, spans, -4.0), transcript)
    assert original.figure("upspeak_share").verdict == "ok"
    assert not any(s.question for s in rising.sentences)  # "When you hear the bell, come quickly." included
    rises = [s.final_rise_st for s in rising.sentences if s.final_rise_st is not None]
    assert len(rises) >= 8 and 4.5 <= float(np.median(rises)) <= 8.0, rises  # measures what was put there
    assert rising.figure("upspeak_share").verdict == "high", rising.figure("upspeak_share")
    assert rising.issue == "upspeak_share" and rising.coaching and "rose" in rising.coaching
    assert falling.figure("upspeak_share").verdict == "ok", [s.final_rise_st for s in falling.sentences]


def test_real_sentence_ends_faded_by_15_db_trail_off(real) -> None:  # type: ignore[no-untyped-def]
    from voice_audio import fade_spans

    audio, transcript = real("osr")
    spans = [(b - 0.6, min(b + 0.3, nxt)) for _, b, nxt in _sentence_ends(transcript)]  # the last 0.6 s of words
    original = _voice(audio, transcript)
    faded = _voice(fade_spans(audio, spans, 15.0), transcript)
    assert original.figure("trailing_off_share").verdict == "ok", original.figure("trailing_off_share")
    assert faded.figure("trailing_off_share").verdict == "high", [s.end_drop_db for s in faded.sentences]
    assert faded.issue == "trailing_off_share" and faded.coaching and "faded" in faded.coaching
    more = [f.end_drop_db - o.end_drop_db for o, f in zip(original.sentences, faded.sentences, strict=True)
            if o.end_drop_db is not None and f.end_drop_db is not None]  # fmt: skip
    assert float(np.median(more)) >= 10.0, more
    # the review page's sentence table marks exactly the flagged figures
    from voicepractice.voice.html import figures_html

    page = figures_html(faded)
    assert page.count("<td class=flagged>") == sum(len(s.flags) for s in faded.sentences) > 0
    assert page.count("<tr><td class=\"said\">") == len(faded.sentences)


# --- Robust to the phone line, noise, silence; no verdict from too little --------------


@pytest.mark.parametrize("line", ["phone", "noisy"])
def test_the_known_answers_hold_on_8khz_phone_audio_and_in_noise(answer, transcriber, line: str) -> None:  # type: ignore[no-untyped-def]
    import voice_audio
    from voice_audio import fade_end, final_move, flatten, speak

    degrade = getattr(voice_audio, line)  # 300-3400 Hz at 8 kHz, or white noise at 10 dB SNR
    audio, transcript = answer
    original = _voice(degrade(audio), transcript)
    flat = _voice(degrade(flatten(audio)), transcript)
    assert original.figure("pitch_variation").verdict == "ok", original.figure("pitch_variation")
    assert flat.figure("pitch_variation").verdict == "low", flat.figure("pitch_variation")
    assert flat.issue == "pitch_variation"

    statement = speak(STATEMENTS[0])
    t_statement = _transcribe(transcriber, statement)
    (up,) = _voice(degrade(final_move(statement, +6.0)), t_statement).sentences
    (down,) = _voice(degrade(final_move(statement, -4.0)), t_statement).sentences
    assert "upspeak" in up.flags and "upspeak" not in down.flags, (up, down)

    statement = speak(STATEMENTS[2])
    t_statement = _transcribe(transcriber, statement)
    fade_from = float(t_statement.words[-2].start or 0.0)
    end = statement.size / 16000
    (f,) = _voice(degrade(fade_end(statement, end_s=end, span_s=end - fade_from)), t_statement).sentences
    (p,) = _voice(degrade(statement), t_statement).sentences
    assert "trailing_off" in f.flags and "trailing_off" not in p.flags, (f, p)


@pytest.mark.parametrize("name", ["audio/librispeech_1089-134691-0000.flac", "audio/cmu_cards_002.wav"])
def test_a_real_2_second_answer_gets_no_pitch_verdict(transcriber, name: str) -> None:  # type: ignore[no-untyped-def]
    from voice_audio import flatten, rise_before

    from voicepractice.audio import load_audio

    _corpus_rows()
    audio = load_audio(CORPUS / name).astype(np.float64)
    assert 1.9 <= audio.size / 16000 <= 2.2
    transcript = _transcribe(transcriber, audio)
    for variant in (audio, flatten(audio)):  # flattened, it is still too little to call monotone
        voice = _voice(variant, transcript)
        assert not voice.judged
        assert all(f.verdict is None for n, f in voice.figures.items() if n != "level_dbfs"), voice.figures
        assert not any("monotone" in s.flags for s in voice.sentences)
        assert voice.issue is None and voice.coaching and "too little to judge" in voice.coaching
    # A final rise is measured (and drawn) but, in 2 s, not coached: no verdict from so little.
    end = float(transcript.words[-1].end or 0.0)
    voice = _voice(rise_before(audio, [(end - 0.6, end + 0.3)], +8.0), transcript)
    assert voice.sentences[-1].final_rise_st is not None and voice.sentences[-1].final_rise_st >= 5.0
    assert voice.figure("upspeak_share").verdict is None and voice.figure("pitch_variation").verdict is None
    assert voice.issue is None and voice.coaching and "too little to judge" in voice.coaching


# --- Pieces ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("What are the next steps?", True),
        ("So, what does the timeline look like?", True),
        ("Is there anything else you need from me?", True),
        ("I was wondering how the team is structured.", True),
        ("I have five years of experience?", False),  # Whisper's "?" after a rise: still a statement
        ("Thank you so much for your time.", False),
        ("That works for me, right?", True),
        ("When you hear the bell, come quickly.", False),  # a wh-word opens a clause, not a question
        ("What I enjoyed most was the team.", False),
        ("How long is the process.", True),  # Whisper's "." on a falling question
    ],
)
def test_question_is_read_from_the_wording(text: str, question: bool) -> None:
    assert is_question(text) is question


def test_one_word_sentences_and_untimed_words_do_not_break_it(answer) -> None:  # type: ignore[no-untyped-def]
    from voicepractice.records import Word

    audio, _ = answer
    words = (Word("Thanks.", 0.4, 0.9), Word("Bye.", 1.2, 1.5), Word("Yes"), Word("so", 2.0, 2.0))
    voice = _voice(audio, Transcript(text="Thanks. Bye. Yes so", words=words, duration=audio.size / 16000))
    assert len(voice.sentences) == 3
    assert all(s.end_drop_db is None for s in voice.sentences)


def test_sentences_split_at_punctuation_and_long_pauses() -> None:
    from voicepractice.records import Word

    words = [Word("Thanks.", 0.0, 0.4), Word("I", 0.5, 0.6), Word("enjoyed", 0.6, 1.0), Word("it", 2.5, 2.7), Word("a lot", 2.7, 3.0)]
    assert [len(s) for s in split_sentences(words)] == [1, 2, 2]


def test_live_tracking_matches_the_whole_file(answer) -> None:  # type: ignore[no-untyped-def]
    from voicepractice.voice import LiveTracker, analyse_frames

    audio, _ = answer
    x = audio.astype(np.float32)
    tracker = LiveTracker()
    for i in range(0, x.size, 1600):
        tracker.feed(x[i : i + 1600])
    live = tracker.finish(x)
    whole = analyse_frames(x)
    both = (live.f0 > 0) & (whole.f0 > 0)
    assert live.f0.size == whole.f0.size
    assert both.sum() >= 0.85 * (whole.f0 > 0).sum()
    assert np.median(np.abs(12 * np.log2(live.f0[both] / whole.f0[both]))) < 0.3
    assert np.percentile(np.abs(live.level_db - whole.level_db), 99) < 0.5


def test_report_round_trips_with_voice(answer) -> None:  # type: ignore[no-untyped-def]
    from voicepractice.check import check

    audio, transcript = answer
    from dataclasses import replace

    report = replace(check(transcript), voice=_voice(audio, transcript))
    data = json.loads(json.dumps(report.to_dict()))
    assert set(data["voice"]["figures"]) >= {"pitch_variation", "trailing_off_share", "upspeak_share", "pace_change"}
    assert data["voice"]["figures"]["pitch_variation"]["norm"]["source"]
    assert Report.from_dict(data).voice == report.voice
    assert Report.from_dict({**data, "voice": None}).voice is None


# --- Where people look: the card, --json (check FILE and drill), history --------------


@pytest.mark.slow  # over 8 s: `make test-slow`, which CI runs, keeps the default suite near 10 minutes
def test_check_file_and_drill_show_the_voice_with_norms_and_one_coaching_line(vp) -> None:  # type: ignore[no-untyped-def]
    from voicepractice.voice.norms import SENTENCE_NORMS, VOICE_NORMS

    from conftest import FIXTURES

    # espeak-ng's rule-made pitch is flat; the natural voice is not
    r = vp("check", str(FIXTURES / "sample_answer.flac"))
    assert r.code == 0, r.err
    voice_lines = r.out[r.out.index("Voice:") :].splitlines()
    assert "pitch variation 0.0" in voice_lines[0] and "(≥ 0.10)" in voice_lines[0] and "(≤ 6)" in voice_lines[0]
    assert "sentence ends" in voice_lines[1]
    assert sum(line.lstrip().startswith("→") for line in voice_lines) == 1 and "flat" in voice_lines[2]
    r = vp("check", "--full", str(FIXTURES / "sample_answer.flac"))
    full = r.out[r.out.index("\nVoice\n") :]
    assert "≥ 0.10 · ≥ 5.7 st (Hincks)" in full and "Flat stretches" in full and "each ≤ ⅓" in full

    r = vp("check", "--json", str(FIXTURES / "strong_close_natural.flac"))
    assert r.code == 0, r.err
    voice = json.loads(r.out)["report"]["voice"]
    assert voice["judged"] and voice["figures"]["pitch_variation"]["verdict"] == "ok"
    assert list(voice["figures"]) == list(VOICE_NORMS)  # every figure, each with its norm and source
    for name, fig in voice["figures"].items():
        assert set(fig) == {"value", "verdict", "note", "norm"} and fig["norm"]["source"], name
    assert voice["sentence_norms"] == json.loads(json.dumps(SENTENCE_NORMS))
    assert voice["sentences"] and voice["contours"] and voice["tracker"].startswith("praat-parselmouth")

    r = vp("drill", "--json", "--fast", "--answer", str(FIXTURES / "sample_answer.flac"))
    assert r.code == 0, r.err
    drill = json.loads(r.out)
    voice = drill["report"]["voice"]
    assert voice["issue"] == "pitch_variation" and "flat" in voice["coaching"]
    assert list(voice["figures"]) == list(VOICE_NORMS) and voice["sentence_norms"]
    assert voice["analysis_s"] is not None and "voice_s" in drill["timings"]

    r = vp("history", "--json")
    (row,) = json.loads(r.out)["sessions"]
    assert row["pitch_variation"] == voice["figures"]["pitch_variation"]["value"]
    assert row["voice_issue"] == "pitch_variation"
    text = terminal_trend()
    assert "Pitch var." in text and "most often: flat pitch (1 of 1)" in text


@pytest.mark.parametrize("gap_s", [0.3, 0.12, 0.04])
def test_word_labels_under_the_plot_never_overlap_however_fast_the_talk(gap_s: float) -> None:
    """Labels go on three rows; a fast talker's plot is stretched (up to 180 px a second) until they fit,
    and a word that still has no room keeps its tick with the word as its tooltip, never a label on a label."""
    import itertools
    import re

    from voicepractice.records import Word
    from voicepractice.voice.html import CHAR_PX, MAX_PX_PER_S, PX_PER_S, contour_svg
    from voicepractice.voice.records import Contour

    names = ["interested", "in", "opportunity", "team", "really", "strongly", "communication", "next"]
    words = tuple(Word(names[i % len(names)], start=0.2 + i * gap_s, end=0.2 + (i + 1) * gap_s) for i in range(60))
    hop = 0.01
    frames = int((words[-1].end + 0.5) / hop)
    contour = Contour(turn=0, hop_s=hop, pitch_st=(0.0,) * frames, level_db=(-20.0,) * frames)
    voice = Voice(voiced_s=10.0, judged=True, figures={}, contours=(contour,))
    svg = contour_svg(voice, 0, Transcript(" ".join(w.text for w in words), words), "answer-1")
    px = float(re.search(r'data-px="([\d.]+)"', svg).group(1))
    labels = [(float(x), float(y), text) for x, y, text in re.findall(r'<text x="([\d.]+)" y="([\d.]+)">([^<]*)</text>', svg)]
    hidden = re.findall(r'<line class="tick"[^>]*><title>([^<]*)</title></line>', svg)
    assert len(labels) + len(hidden) == len(words)  # every word is on the plot, as a label or a tooltip
    assert [x for x, _, _ in labels] == sorted(x for x, _, _ in labels)
    for row in {y for _, y, _ in labels}:
        spans = [(x, x + CHAR_PX * len(t)) for x, y, t in labels if y == row]
        assert all(a_end < b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans)), (gap_s, row)
    if gap_s >= 0.3:
        assert px == PX_PER_S and not hidden  # ordinary speech: as before
    else:
        assert PX_PER_S < px <= MAX_PX_PER_S
    assert bool(hidden) == (gap_s < 0.1)  # only an impossible 25 words a second loses labels
