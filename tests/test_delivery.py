"""Delivery figures and filler detection."""

from __future__ import annotations

import pytest

from voicepractice.delivery import DELIVERY_NORMS, compare_to_norms, find_fillers, measure
from voicepractice.records import Delivery, Transcript, Word


def fillers(text: str) -> list[str]:
    return [f for _, _, f in find_fillers(text.split())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Um, thank you. Uh, what are the next steps?", ["um", "uh"]),
        ("I'd like to know the next steps", []),
        ("people like you make it easy", []),
        ("it feels like home", []),
        ("and like, I was really excited", ["like"]),
        ("I have like five years of experience", ["like"]),
        ("I'll let you know tomorrow", []),
        ("it was, you know, a big project", ["you know"]),
        ("do you know when I'll hear back", []),
        ("I mean, it was great", ["i mean"]),
        ("I mean it", []),
    ],
)
def test_find_fillers(text: str, expected: list[str]) -> None:
    assert fillers(text) == expected


def test_measure_timed() -> None:
    # 10 words, 0.5 s apart, with one 3 s pause after the fifth word.
    words = []
    t = 0.0
    for i in range(10):
        words.append(Word("um" if i == 0 else f"word{i}", start=t, end=t + 0.4))
        t += 0.5 + (3.0 if i == 4 else 0.0)
    d = measure(Transcript(text="", words=tuple(words), duration=9.0))
    assert d.word_count == 10
    assert d.filler_count == 1 and d.fillers == ("um",)
    assert d.longest_pause_s == pytest.approx(3.1)
    # Speaking time: first start to last end (7.9 s) less the 3.1 s pause.
    assert d.speaking_s == pytest.approx(4.8)
    assert d.words_per_minute == pytest.approx(10 / 4.8 * 60, rel=1e-3)
    assert d.fillers_per_100_words == pytest.approx(10.0)
    assert d.duration_s == pytest.approx(9.0)


def test_measure_typed_text() -> None:
    d = measure(Transcript.from_text("um thanks uh bye"))
    assert d.word_count == 4 and d.filler_count == 2
    assert d.words_per_minute is None and d.speaking_s is None and d.longest_pause_s is None
    assert d.fillers_per_minute is None
    assert d.fillers_per_100_words == pytest.approx(50.0)


def test_measure_sums_turns() -> None:
    a = Transcript(text="a b", words=(Word("a", 0, 0.5), Word("b", 0.6, 1.0)), duration=2.0)
    b = Transcript(text="c", words=(Word("c", 0, 0.5),), duration=1.0, turn=1)
    d = measure([a, b])
    assert d.word_count == 3 and d.duration_s == pytest.approx(3.0)


def test_norms_name_their_source_and_match_fields() -> None:
    fields = set(Delivery.__dataclass_fields__)
    for name, norm in DELIVERY_NORMS.items():
        assert name in fields
        assert norm["source"]
    assert DELIVERY_NORMS["words_per_minute"]["low"] == 120
    assert DELIVERY_NORMS["words_per_minute"]["high"] == 165


def test_compare_to_norms() -> None:
    d = Delivery(duration_s=30, speaking_s=20, word_count=70, words_per_minute=210.0,
                 filler_count=1, fillers_per_minute=3.0, fillers_per_100_words=1.4,
                 longest_pause_s=0.8)
    verdicts = compare_to_norms(d)
    assert verdicts["words_per_minute"] == "high"
    assert verdicts["fillers_per_100_words"] == "ok"
    typed = measure(Transcript.from_text("thanks"))
    assert compare_to_norms(typed)["words_per_minute"] is None


@pytest.mark.parametrize(
    "text",
    [
        "I spent three years as a nurse in a busy ER before moving into operations.",
        "I worked nights in the ER, so calm under pressure is familiar.",
        "The UM hospital system trained me.",
        "The part was cut to 5 mm tolerances.",
        "I learned to err on the side of caution.",
        "I spent three years in a busy er and loved it.",
    ],
)
def test_words_that_look_like_fillers_are_not_counted(text: str) -> None:
    assert find_fillers(text.split()) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I worked in the, er, support team.", ["er"]),
        ("Er, thanks so much. Um, what are the next steps?", ["er", "um"]),
        ("I think uh the team um sounds great.", ["uh", "um"]),
    ],
)
def test_real_hesitations_still_count(text: str, expected: list[str]) -> None:
    assert [f for _, _, f in find_fillers(text.split())] == expected
