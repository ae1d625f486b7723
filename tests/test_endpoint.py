"""The end-of-turn decision: transcript cues, the policy, Smart Turn's input, and the judge's waiting."""

from __future__ import annotations

import importlib.util
from dataclasses import replace

import numpy as np
import pytest

from voicepractice.audio import SAMPLE_RATE, load_audio
from voicepractice.endpoint import (
    EndOfTurn,
    EndpointOptions,
    load_turn_model,
    model_path,
    own_pause_wait,
    required_silence,
    transcript_cue,
)

from conftest import FIXTURES

OPTS = EndpointOptions()


@pytest.mark.parametrize(
    "text",
    [
        "What are the next steps in the process?",
        "Thank you so much for your time today.",
        "Thanks again. Bye!",
        "It was great talking to you. Have a good afternoon.",
        "I really appreciate it",
        "Okay, thank you",
    ],
)
def test_a_question_thanks_or_goodbye_finishes_the_turn(text: str) -> None:
    assert transcript_cue(text) in ("finished", "question", "goodbye", "farewell")
    assert (transcript_cue(text) == "question") == text.endswith("?")
    assert (transcript_cue(text) == "goodbye") == ("Bye" in text)  # a bye itself
    assert (transcript_cue(text) == "farewell") == ("afternoon" in text)  # a closing wish a bye often follows


@pytest.mark.parametrize(
    "text",
    [
        "I have five years of experience and",
        "I think I'd be a good fit because",
        "So,",
        "I led the migration, um",
        "My background is in the",
        "I'd love to hear more about the team, and...",
        "I've spent most of my time working with",
        "When should I expect to hear back? And will there be a second...?",
        "Is it possible to speak with some…?",
        "I spent two years leading–",
    ],
)
def test_a_trailing_conjunction_filler_or_open_clause_holds_the_turn(text: str) -> None:
    assert transcript_cue(text) == "unfinished"


@pytest.mark.parametrize(
    "text",
    [
        "My last project cut our release time from two weeks to three days, which I'm quite proud of.",
        "I'd love to meet her.",
        "It was a lot of work, though.",
    ],
)
def test_a_sentence_closed_on_a_word_that_usually_leaves_it_open_is_dangling(text: str) -> None:
    assert transcript_cue(text) == "dangling"
    assert transcript_cue(text.rstrip(".")) == "unfinished"  # not closed: the word decides


@pytest.mark.parametrize("text", ["I have five years of experience and.", "My background is in the.", "I led the migration, so."])
def test_a_full_stop_after_a_conjunction_or_an_article_does_not_close_the_sentence(text: str) -> None:
    assert transcript_cue(text) == "unfinished"


def test_only_the_decoders_reading_releases_a_dangling_sentence() -> None:
    """Readings of real pauses (bench/endpoint.py --set fresh, opened): "...which I'm quite proud of." read 0.0001."""
    assert required_silence(0.98, "dangling", OPTS, cut_off=0.0001) == OPTS.statement_s
    assert required_silence(0.98, "dangling", OPTS, cut_off=0.005) == OPTS.hold_unfinished_s  # read as cut off
    assert required_silence(0.98, "dangling", OPTS, complete=0.95) == OPTS.hold_unfinished_s  # no reading: as before
    assert required_silence(0.98, "dangling", replace(OPTS, cut_off_at=None), cut_off=0.0001) == OPTS.hold_unfinished_s
    assert required_silence(0.98, "dangling", replace(OPTS, last_turn=True), cut_off=0.0001) == OPTS.hold_unfinished_s
    assert required_silence(0.98, "unfinished", OPTS, cut_off=0.0001) == OPTS.hold_unfinished_s  # "and" is never released


@pytest.mark.parametrize(
    "text",
    [
        "I think that's everything I wanted to ask, so...",
        "Well, I guess that's about it from my side, so...",
        "So, yeah, I think I've covered what I wanted to say and...",
        "Nothing else from me, but",
    ],
)
def test_a_close_that_says_it_is_over_and_trails_off_hands_the_turn_over(text: str) -> None:
    assert transcript_cue(text) == "handover"
    # The trail-off hangs as any "so..." does; the words before it say the turn is over.
    assert required_silence(0.01, "handover", OPTS, cut_off=0.005) == OPTS.quick_s
    assert required_silence(0.01, "handover", replace(OPTS, last_turn=True)) == OPTS.hold_s  # nothing could reopen it


@pytest.mark.parametrize(
    "text",
    ["That's all the more reason to hire someone local, and", "We had no more than five people, so", "that's everything", "and so"],
)
def test_a_trailing_conjunction_without_a_handover_still_holds(text: str) -> None:
    assert transcript_cue(text) != "handover"


@pytest.mark.parametrize("text", ["", "I led the migration of our billing system.", "That sounds great"])
def test_a_plain_statement_says_nothing_either_way(text: str) -> None:
    assert transcript_cue(text) is None


@pytest.mark.parametrize("text", ["Lord, wait, I'm glad to see you.", "It's so nice to see you"])
def test_glad_to_see_you_is_a_greeting_not_a_goodbye(text: str) -> None:
    assert transcript_cue(text) is None
    assert transcript_cue("Thanks again, see you.") == "farewell"


def test_policy_quick_only_when_the_turn_looks_finished() -> None:
    assert required_silence(0.97, None, OPTS) == OPTS.statement_s  # the voice alone: a little longer
    assert required_silence(0.97, "goodbye", OPTS) == required_silence(0.97, "farewell", OPTS) == OPTS.quick_s
    assert required_silence(0.5, "finished", OPTS) == OPTS.quick_s
    assert required_silence(0.5, None, OPTS) == OPTS.hold_s  # unsure, and the words say nothing
    assert required_silence(0.05, "finished", OPTS) == OPTS.hold_s  # the voice is left hanging
    # The words veto a confident model: "and" at a pause is a thinking pause.
    assert required_silence(0.99, "unfinished", OPTS) == OPTS.hold_unfinished_s
    assert required_silence(None, "finished", OPTS) == OPTS.quick_s
    assert required_silence(None, None, OPTS) == OPTS.hold_s
    last = replace(OPTS, last_turn=True)  # nothing could reopen it: only a goodbye is quick
    assert required_silence(0.99, "goodbye", last) == OPTS.quick_s
    assert required_silence(0.99, "farewell", last) == OPTS.farewell_s  # "Have a great day." [0.85 s] "Bye."
    assert required_silence(0.99, "question", last) == OPTS.farewell_s  # no answer comes: a "Thanks, bye." may
    assert required_silence(0.99, "finished", last) == required_silence(0.99, None, last) == OPTS.hold_s
    assert required_silence(0.99, "unfinished", last) == OPTS.hold_unfinished_s
    assert OPTS.quick_s <= 0.8 and OPTS.hold_s >= 3.0 and OPTS.hold_unfinished_s >= OPTS.hold_s


def test_a_sure_voice_shortens_the_hold_only_when_the_words_are_a_little_unsure() -> None:
    """The middle tier: Smart Turn and text-head readings of real dev pauses (bench/endpoint.py --explain)."""
    assert OPTS.quick_s < OPTS.middle_s < OPTS.hold_s
    assert required_silence(0.982, None, OPTS, complete=0.23) == OPTS.middle_s  # "Philip Steels, et cetera." (an end)
    assert required_silence(0.977, None, OPTS, complete=0.36) == OPTS.middle_s  # "He could wait no longer." (an end)
    assert required_silence(0.977, None, OPTS, complete=0.12) == OPTS.hold_s  # "I'm Abigail Clark." [pause] "You can..."
    assert required_silence(0.963, None, OPTS, complete=0.34) == OPTS.hold_s  # "he had paced." [pause] "up and down"
    assert required_silence(0.99, "unfinished", OPTS, complete=0.3) == OPTS.hold_unfinished_s  # a hanging word
    assert required_silence(None, None, OPTS, complete=0.3) == OPTS.hold_s  # no voice to be sure of
    last = replace(OPTS, last_turn=True)  # nothing could reopen the last answer: no middle tier there
    assert required_silence(0.99, None, last, complete=0.3) == OPTS.hold_s


def test_the_decoders_cut_off_reading_decides_when_it_is_in() -> None:
    """Readings of real dev pauses (bench/endpoint.py --explain): it outranks the voice and the text head."""
    at = OPTS.cut_off_at
    assert at is not None
    # "...see you again, Phil." (an end): a voice and a head unsure between them, read as finished.
    assert required_silence(0.17, None, OPTS, complete=0.40, cut_off=0.0003) == OPTS.statement_s
    # "I'm Abigail Clark." [pause] "...Klafflin": a sure voice, a cut-off sentence.
    assert required_silence(0.977, None, OPTS, complete=0.11, cut_off=0.0061) == OPTS.hold_s
    assert required_silence(0.98, "question", OPTS, cut_off=0.0012) == OPTS.hold_s  # "Is there anything about my background?" [pause]
    assert required_silence(0.01, "goodbye", OPTS, cut_off=0.0028) == OPTS.quick_s  # "...Have a good afternoon. Bye."
    assert required_silence(0.99, "unfinished", OPTS, cut_off=0.0001) == OPTS.hold_unfinished_s  # a hanging "and"
    off = replace(OPTS, cut_off_at=None)  # turned off: the voice and the text head as before
    assert required_silence(0.977, None, off, complete=0.11, cut_off=0.0001) == OPTS.hold_s
    last = replace(OPTS, last_turn=True)  # the last turn keeps its own rule
    assert required_silence(0.99, None, last, cut_off=0.0001) == OPTS.hold_s


def test_a_close_call_under_the_threshold_waits_longer_than_a_clear_reading() -> None:
    """Readings just under ``cut_off_at`` come from thinking pauses after a sentence that reads
    complete as often as from real ends ("I'm happy. [2 s] to answer anything else..." read
    0.00042, "He could wait no longer." 0.0004): a statement there waits ``unsure_s``, long
    enough for a 1-2 s thinking pause, short of the hold; a question or a goodbye does not."""
    at, sure = OPTS.cut_off_at, OPTS.sure_cut_off_at
    assert at is not None and sure is not None and sure < at
    assert OPTS.statement_s < OPTS.unsure_s < OPTS.hold_s
    for reading in (sure, 0.00042, at * 0.999):
        assert required_silence(0.98, None, OPTS, complete=0.66, cut_off=reading) == OPTS.unsure_s
        assert required_silence(0.98, "finished", OPTS, cut_off=reading) == OPTS.unsure_s  # "Thank you."
        assert required_silence(0.98, "question", OPTS, cut_off=reading) == OPTS.quick_s
        assert required_silence(0.98, "goodbye", OPTS, cut_off=reading) == OPTS.quick_s
    assert required_silence(0.98, None, OPTS, cut_off=sure * 0.99) == OPTS.statement_s  # a clear reading
    assert required_silence(0.98, None, OPTS, cut_off=at) == OPTS.hold_s  # read as cut off
    assert required_silence(0.98, None, replace(OPTS, sure_cut_off_at=None), cut_off=sure) == OPTS.statement_s


def test_a_question_or_a_goodbye_hands_over_sooner_than_a_statement() -> None:
    """The gap between a person's own sentences is the pause most often taken for the end:
    "I'll email over my certificates this afternoon. [0.86 s] Thanks so much, Angela." (a fresh
    close, bench/endpoint.py --set fresh5). Read finished either way, a statement or thanks waits
    ``statement_s``, a question or a goodbye only ``quick_s``."""
    assert OPTS.quick_s < OPTS.statement_s < OPTS.middle_s
    finished = 0.0001  # the decoder's reading: not cut off
    for cue in (None, "finished"):  # "...this afternoon." / "Thank you for your time."
        assert required_silence(0.99, cue, OPTS, cut_off=finished) == OPTS.statement_s
    for cue in ("question", "goodbye"):  # "What are the next steps?" / "...Bye for now, Oliver."
        assert required_silence(0.99, cue, OPTS, cut_off=finished) == OPTS.quick_s
    # Read as cut off, a question is held like a statement; a goodbye still ends it.
    assert required_silence(0.99, "question", OPTS, cut_off=0.01) == OPTS.hold_s
    assert required_silence(0.99, "goodbye", OPTS, cut_off=0.01) == OPTS.quick_s
    judge = EndOfTurn(transcript=lambda t: "I'll email over my certificates this afternoon.", cut_off=lambda t: finished)
    assert not judge.should_end(OPTS.quick_s, 3.0, _audio)
    assert judge.should_end(OPTS.statement_s, 3.0, _audio)


def test_the_judge_reads_the_cut_off_and_asks_smart_turn_only_without_it() -> None:
    calls: list[int] = []

    def audio() -> np.ndarray:
        calls.append(1)
        return _audio()

    reading: list[float | None] = [0.0002]
    judge = EndOfTurn(transcript=lambda t: "I led the migration of our billing system.", cut_off=lambda t: reading[0])
    assert not judge.should_end(OPTS.statement_s - 0.05, 3.0, audio)
    assert judge.should_end(OPTS.statement_s, 3.0, audio)
    assert calls == [] and judge.pauses[-1].cut_off == 0.0002 and judge.describe()["cut_off"] == 0.0002
    reading[0] = 0.05  # the same words, read as cut off: held
    judge = EndOfTurn(transcript=lambda t: "I led the migration of our billing system.", cut_off=lambda t: reading[0])
    assert not judge.should_end(OPTS.hold_s - 0.1, 3.0, audio)
    assert judge.should_end(OPTS.hold_s, 3.0, audio)
    reading[0] = None  # no reading (the decode had no words to ask about): Smart Turn is the fallback
    judge = EndOfTurn(transcript=lambda t: "I led the migration of our billing system.", cut_off=lambda t: reading[0])
    judge.should_end(OPTS.quick_s, 3.0, audio)
    assert len(calls) == 1 and judge.trace[-1][1] is not None and judge.trace[-1][4] is None


def test_the_judge_ends_a_handover_quickly_however_it_trails_off() -> None:
    """Readings of real fresh closes (bench/endpoint.py --set fresh): "...so..." read 0.005, held 5 s before."""
    words = "Well, I guess that's about it from my side, so..."
    judge = EndOfTurn(transcript=lambda t: words, cut_off=lambda t: 0.005)
    assert not judge.should_end(OPTS.quick_s - 0.1, 3.0, _audio)
    assert judge.should_end(OPTS.quick_s, 3.0, _audio)
    assert judge.pauses[-1].cue == "handover"
    words = "Well, I guess that's about it from my side, and the"  # it went on, mid-sentence: held
    judge = EndOfTurn(transcript=lambda t: words, cut_off=lambda t: 0.005)
    assert not judge.should_end(OPTS.hold_s, 3.0, _audio)


def test_a_goodbye_ends_the_last_answer_quickly_however_the_voice_sounds() -> None:
    """The last turn asks Smart Turn (no decoder reading there). After "Have a great day. [0.8 s]
    Bye." it reads the lone "Bye." as unfinished (0.006): that voice veto held the answer the
    full 3.5 s, so a drill's goodbye, played from the fixture, ran out of recording first."""
    audio = load_audio(FIXTURES / "turn3_goodbye_natural.flac")
    speech_end = 4.3  # just after "Bye." (Whisper: 4.00-4.24 s)
    words = "Thank you so much for your time. Have a great day. Bye."
    assert load_turn_model().probability(audio[: int(speech_end * SAMPLE_RATE)]) < OPTS.lenient  # the real model
    last = replace(OPTS, last_turn=True)
    judge = EndOfTurn(last, transcript=lambda t: words, complete=None, went_on_s=0.8)
    clip = lambda: audio[: int(speech_end * SAMPLE_RATE)]  # noqa: E731
    wait = own_pause_wait(last.quick_s, 0.8, last)  # the 0.8 s the person paused before "Bye."
    assert not judge.should_end(wait - 0.1, speech_end, clip)
    assert judge.should_end(wait, speech_end, clip)
    assert judge.pauses[-1].cue == "goodbye" and judge.pauses[-1].probability is not None
    words = "Thank you so much for your time. Have a great day, and"  # a hanging voice and words: held
    judge = EndOfTurn(last, transcript=lambda t: words, complete=None)
    assert not judge.should_end(last.hold_s - 0.1, speech_end, clip)


def test_a_farewell_in_the_last_answer_waits_for_the_bye_that_often_follows() -> None:
    """The drill's goodbye fixture pauses 0.85 s between "Have a great day." and "Bye.": in a
    one-turn drill the answer ended after the first on the quick wait, and the "Bye." was never
    heard (nothing reopens the last answer). A bye itself still ends it on the quick wait, and
    before the last turn a farewell is quick as ever (a line follows, and it can reopen)."""
    audio = load_audio(FIXTURES / "turn3_goodbye_natural.flac")
    speech_end = 3.3  # just after "day." (Whisper: 2.88-3.17 s)
    clip = lambda: audio[: int(speech_end * SAMPLE_RATE)]  # noqa: E731
    last = replace(OPTS, last_turn=True)
    assert last.farewell_s > 0.85 + 0.2  # the fixture's own pause, and the VAD's lag in hearing the end
    farewell = "Thank you so much for your time. Have a great day."
    judge = EndOfTurn(last, transcript=lambda t: farewell, complete=None)
    assert not judge.should_end(last.farewell_s - 0.1, speech_end, clip)
    assert judge.should_end(last.farewell_s, speech_end, clip) and judge.pauses[-1].cue == "farewell"
    for bye in ("Thanks again. Bye!", "Have a great day. Bye-bye.", "Take care, goodbye now."):
        judge = EndOfTurn(last, transcript=lambda t, bye=bye: bye, complete=None)
        assert judge.should_end(last.quick_s, speech_end, clip), bye
    judge = EndOfTurn(OPTS, transcript=lambda t: farewell, complete=None, cut_off=lambda t: 0.0001)
    assert judge.should_end(OPTS.quick_s, speech_end, clip)


def test_features_match_pipecats_own_extractor() -> None:
    """faster-whisper's extractor on the normalised 8 s window gives Smart Turn's training features."""
    spec = importlib.util.spec_from_file_location("st_features", model_path().parents[1] / "_whisper_features.py")
    assert spec and spec.loader
    upstream = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(upstream)
    audio = load_audio(FIXTURES / "strong_close.flac")
    for clip in (audio[: 3 * SAMPLE_RATE], audio):  # shorter than the window (padded in front) and longer
        n = 8 * SAMPLE_RATE
        window = np.pad(clip[-n:], (max(0, n - clip.size), 0))
        expected = upstream.compute_whisper_log_mel_features(window, do_normalize=True)
        ours = load_turn_model().features(clip)
        assert ours.shape == expected.shape == (80, 800)
        assert np.abs(ours - expected).max() < 1e-3


def test_model_gives_a_probability_and_silence_alone_is_not_a_turn() -> None:
    model = load_turn_model()
    speech = load_audio(FIXTURES / "strong_close.flac")
    p = model.probability(speech)
    assert 0.0 <= p <= 1.0
    assert model.probability(speech) == pytest.approx(p)  # deterministic


class _Words:
    """The transcript as the judge sees it: None until 'decoded'."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.asked: list[float] = []

    def __call__(self, speech_end: float) -> str | None:
        self.asked.append(speech_end)
        return self.text


def _audio() -> np.ndarray:
    return load_audio(FIXTURES / "strong_close.flac")[: 4 * SAMPLE_RATE]


def test_judge_waits_for_the_words_before_ending_early() -> None:
    words = _Words(None)
    judge = EndOfTurn(transcript=words)
    judge._probability = None
    # A model that is sure the turn is over still waits for the words, so the report is ready.
    judge._model_arg = None
    assert not judge.should_end(0.6, 3.0, _audio)
    assert not judge.should_end(2.0, 3.0, _audio)
    words.text = "What are the next steps?"
    assert judge.should_end(2.1, 3.0, _audio)
    assert judge.pauses[-1].cue == "question" and judge.pauses[-1].wait_s == OPTS.quick_s


def test_judge_holds_a_hanging_clause_and_new_speech_resets_it() -> None:
    words = _Words("I have been working on data pipelines and")
    judge = EndOfTurn(transcript=words, model=None)
    assert not judge.should_end(0.6, 3.0, _audio)
    assert not judge.should_end(OPTS.hold_s + 0.1, 3.0, _audio)
    assert judge.should_end(OPTS.hold_unfinished_s, 3.0, _audio)  # the cap: never waits forever
    judge.speech()
    words.text = "Thank you so much."
    assert not judge.should_end(0.3, 5.0, _audio)
    # Having gone on after that long pause, the person is given the longest own-pause wait.
    assert not judge.should_end(OPTS.quick_s, 5.0, _audio)
    assert judge.should_end(OPTS.own_pause_cap_s, 5.0, _audio)
    assert judge.still_listening(1.5) and not judge.still_listening(0.3)


def test_a_pause_the_person_has_gone_on_after_is_not_taken_for_the_end() -> None:
    """The real set (bench/endpoint.py --set real): "...till I've explained everything. [0.86 s] Miss Tilney..."."""
    assert own_pause_wait(OPTS.quick_s, 0.0, OPTS) == OPTS.quick_s  # nothing to go on yet
    assert own_pause_wait(OPTS.quick_s, 0.3, OPTS) == OPTS.quick_s  # short pauses change nothing
    assert own_pause_wait(OPTS.quick_s, 0.86, OPTS) == pytest.approx(0.86 + OPTS.own_pause_margin_s)
    assert own_pause_wait(OPTS.quick_s, 3.0, OPTS) == OPTS.own_pause_cap_s  # a long thinking pause: capped
    assert own_pause_wait(OPTS.hold_s, 0.86, OPTS) == OPTS.hold_s  # a hold is never shortened
    assert own_pause_wait(OPTS.quick_s, 0.86, replace(OPTS, own_pause_margin_s=None)) == OPTS.quick_s

    words = _Words("I shall not be easy till I've explained everything.")
    fluent = EndOfTurn(transcript=words, model=None, cut_off=lambda t: 0.0002)  # a clear finished reading
    assert fluent.should_end(1.0, 8.2, _audio)  # with no pause behind it, ended after statement_s

    judge = EndOfTurn(transcript=words, model=None, cut_off=lambda t: 0.01 if t < 5 else 0.0002)
    judge.speech()
    for silence in (0.1, 0.5, 1.0):  # an earlier pause, read as cut off: held, and the person goes on
        assert not judge.should_end(silence, 4.0, _audio)
    assert judge.went_on_s == 0.0  # still in that pause: nothing learnt yet
    judge.speech()
    assert judge.went_on_s == pytest.approx(1.0)
    assert not judge.should_end(1.1, 8.2, _audio)
    assert judge.should_end(1.0 + OPTS.own_pause_margin_s, 8.2, _audio)
    assert judge.pauses[-1].wait_s == pytest.approx(1.0 + OPTS.own_pause_margin_s)
    assert EndOfTurn(transcript=words, model=None, went_on_s=1.2).went_on_s == 1.2  # a reopened answer's


def test_judge_asks_the_real_model_once_per_pause() -> None:
    judge = EndOfTurn(transcript=lambda t: "")
    calls: list[int] = []

    def audio() -> np.ndarray:
        calls.append(1)
        return _audio()

    for silence in (0.1, 0.5, OPTS.quick_s, OPTS.quick_s + 0.1):
        judge.should_end(silence, 3.0, audio)
    assert len(calls) == 1
    assert judge.trace and 0.0 <= (judge.trace[0][1] or 0.0) <= 1.0


def test_judge_asks_the_model_only_once_the_pause_words_are_decoded() -> None:
    # On two cores the model's run beside the pause's decode delayed the words Enter waits for.
    words = _Words(None)
    judge = EndOfTurn(transcript=words)
    calls: list[int] = []

    def audio() -> np.ndarray:
        calls.append(1)
        return _audio()

    for silence in (0.2, 0.3, 0.5, 0.6):
        assert not judge.should_end(silence, 3.0, audio)
    assert calls == [] and words.asked  # the words were asked for; the model was not
    words.text = "Thank you so much for your time."
    judge.should_end(OPTS.quick_s, 3.0, audio)
    assert len(calls) == 1 and judge.trace[-1][1] is not None


def test_a_recording_with_a_long_thinking_pause_is_not_cut(vp, tmp_path, fixture_manifest) -> None:
    """The issue's case: a single --answer with a 2.75 s pause lost everything after it."""
    from pathlib import Path

    from voicepractice.audio import write_wav

    meta = fixture_manifest["thinking_pause"]
    audio = load_audio(FIXTURES / meta["file"])
    mid = int(sum(meta["pauses"][0]) / 2 * SAMPLE_RATE)
    longer = np.concatenate([audio[:mid], np.full(int(0.75 * SAMPLE_RATE), 1e-4, np.float32), audio[mid:]])
    answer = write_wav(tmp_path / "pause.wav", longer)
    one_turn = Path(__file__).parent / "data" / "one_turn.toml"
    r = vp("drill", "--answer", str(answer), "--scenario", str(one_turn), "--no-cue", "--json")
    assert r.code == 0, r.err
    import json

    turn = json.loads(r.out)["turns"][-1]
    text = turn["transcript"]["text"].lower()
    assert "thank you" in text and "interested" in text and "next steps" in text, text
    assert turn["ended_by"] in ("silence", "end_of_recording")  # the fixture ends 2.5 s after the last word


def test_the_learned_combiner_lets_a_sure_voice_carry_unsure_words_but_not_a_hanging_one() -> None:
    """Off by default (worse on the held-out sources); when set, a soft sum replaces the text veto."""
    from voicepractice.endpoint import finished_probability

    fitted = replace(OPTS, combiner=(0.3906, 0.8331, 0.3991))
    assert required_silence(0.999, None, OPTS, complete=0.15) == OPTS.hold_s  # the default: the veto
    assert required_silence(0.999, None, OPTS, complete=0.45) == OPTS.middle_s  # ...shortened for a sure voice
    assert required_silence(0.999, None, fitted, complete=0.45) == OPTS.quick_s  # "You can call me Abi."
    assert required_silence(0.3, None, fitted, complete=0.45) == OPTS.hold_s
    assert required_silence(0.99, "unfinished", fitted, complete=0.99) == OPTS.hold_unfinished_s  # words still veto
    # Monotone in both signals.
    assert finished_probability(0.9, 0.5, fitted) < finished_probability(0.99, 0.5, fitted)
    assert finished_probability(0.9, 0.5, fitted) < finished_probability(0.9, 0.8, fitted)
