"""The end-of-turn text head: do the words so far end a complete utterance?

The real head and the real sentence encoder (both ship with the project): a
sentence cut at a word boundary must read unfinished, a finished one finished,
whatever punctuation Whisper put at the end.
"""

from __future__ import annotations

import pytest

from voicepractice.completeness import complete_probability, load_head, tail
from voicepractice.endpoint import EndOfTurn, EndpointOptions, required_silence

OPTS = EndpointOptions()

COMPLETE = [
    "I'd love to hear about the next steps.",
    "Thank you so much for your time today.",
    "I believe my background in analytics is a strong match for what you need.",
    "What does a typical week look like for someone in this role?",
]
CUT = [
    "I have five years of experience in",
    "I think my background in",
    "I'm really excited about the",
    "Could you tell me more about",
    pytest.param(
        "Could you tell me a bit more about how the team",
        marks=pytest.mark.xfail(strict=True, reason="known limit: a clause cut after a noun, its verb still to come, "
                                "reads complete (0.86); the head weighs words, not syntax"),
    ),
]


@pytest.mark.parametrize("text", COMPLETE)
def test_finished_sentences_read_complete(text: str) -> None:
    assert complete_probability(text) >= OPTS.text_unfinished  # type: ignore[operator]


@pytest.mark.parametrize("text", CUT)
def test_sentences_cut_mid_clause_read_unfinished(text: str) -> None:
    p = complete_probability(text)
    assert p is not None and p < OPTS.text_unfinished
    # tiny.en writes a period at a cut; the head must not be fooled by it.
    assert complete_probability(text + ".") == pytest.approx(p)


def test_a_finished_answer_reads_more_complete_than_its_own_prefix() -> None:
    full = "I led the migration of our billing system to the cloud, so the scaling problems are familiar to me."
    words = full.split()
    cut = " ".join(words[: len(words) // 2])
    assert complete_probability(full) > complete_probability(cut) + 0.3  # type: ignore[operator]


def test_the_head_reads_only_the_last_words_without_punctuation_or_case() -> None:
    assert tail("Well. So, THANKS — for your time!") == "well so thanks for your time"
    assert len(tail(" ".join(["word"] * 40)).split()) == 16
    assert complete_probability("") is None and complete_probability(" ... ") is None


def test_the_shipped_head_says_what_it_was_trained_on() -> None:
    meta = load_head().meta
    assert len(meta["data_sha256"]) == 64 and meta["counts"]["test"] > 0
    assert meta["test"]["auc"] > 0.85  # scored on the checker's test sources, never trained on


def test_words_read_unfinished_hold_a_turn_that_sounds_finished() -> None:
    assert required_silence(0.99, None, OPTS, complete=0.1) == OPTS.hold_s
    assert required_silence(0.99, None, OPTS, complete=0.6) == OPTS.statement_s
    assert required_silence(0.5, None, OPTS, complete=0.95) == OPTS.quick_s  # reads like a finished close
    assert required_silence(0.1, None, OPTS, complete=0.95) == OPTS.hold_s  # ...but the voice hangs
    assert required_silence(0.99, "unfinished", OPTS, complete=0.95) == OPTS.hold_unfinished_s
    assert required_silence(0.9, "question", OPTS, complete=0.3) == OPTS.quick_s  # a question mark outranks it


def test_the_judge_holds_a_cut_sentence_with_the_real_head() -> None:
    import numpy as np

    def audio() -> np.ndarray:
        return np.zeros(16000, np.float32)

    cut = EndOfTurn(model=None, transcript=lambda t: "I have five years of experience in.")
    done = EndOfTurn(model=None, transcript=lambda t: "I'd love to hear about the next steps.")
    # No acoustic model here: the words decide. The finished sentence ends well before the cut one.
    end_done = next(s for s in np.arange(0.5, 6.0, 0.1) if done.should_end(float(s), 3.0, audio))
    end_cut = next(s for s in np.arange(0.5, 6.0, 0.1) if cut.should_end(float(s), 3.0, audio))
    assert end_done <= 1.0 and end_cut >= OPTS.hold_s - 1e-6
    assert cut.pauses[-1].complete is not None and cut.pauses[-1].complete < OPTS.text_unfinished
