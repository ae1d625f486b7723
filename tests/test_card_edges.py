"""The report card where a figure or an answer sits at an edge: a value on its bar, an answer with no English."""

from __future__ import annotations

import io
from dataclasses import replace

from rich.console import Console

from voicepractice.check import check
from voicepractice.records import Transcript
from voicepractice.show import report_card
from voicepractice.voice.analyse import _coach
from voicepractice.voice.norms import pvq_text
from voicepractice.voice.records import Voice, VoiceFigure


def _render(renderable) -> str:  # type: ignore[no-untyped-def]
    console = Console(width=80, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def _voice(pvq: float, stretches: int = 0) -> Voice:
    figs = {
        "pitch_variation": VoiceFigure("pitch_variation", pvq, "low" if pvq < 0.10 else "ok"),
        "monotone_stretches": VoiceFigure(
            "monotone_stretches", stretches, "high" if stretches else "ok", "0:20-0:30" if stretches else None),
    }
    issue, coaching = _coach(True, 20.0, figs, ())
    return Voice(voiced_s=20.0, judged=True, figures=figs, issue=issue, coaching=coaching)


def test_a_flat_value_just_under_the_bar_is_not_shown_as_the_bar() -> None:
    """0.096 is flagged as flat: "0.10 (≥ 0.10)" in yellow read as a pass marked as a failure."""
    assert pvq_text(0.096) == "0.096" and pvq_text(0.0949) == "0.09" and pvq_text(0.1) == "0.10"
    assert pvq_text(0.104) == "0.10" and pvq_text(0.13) == "0.13"
    transcript = Transcript(text="Thank you for your time. What are the next steps?", duration=5.0)
    card = _render(report_card(replace(check(transcript), voice=_voice(0.096)), [transcript]))
    assert "pitch variation 0.096 (≥ 0.10)" in card and "stayed flat (0.096;" in card, card


def test_a_lively_answer_with_one_flat_stretch_is_coached_on_the_stretch() -> None:
    """Overall 0.12 with a flat 10 s stretch: the old line said "stayed flat (0.12; lively speakers 0.11+)"."""
    voice = _voice(0.12, stretches=1)
    assert voice.issue == "pitch_variation" and voice.coaching is not None
    assert "0:20-0:30" in voice.coaching and "0.12" not in voice.coaching, voice.coaching
    assert _voice(0.12).coaching is None or "flat" not in _voice(0.12).coaching  # type: ignore[operator]


def test_an_answer_with_no_english_is_not_coached_as_if_it_were_a_close() -> None:
    """A German answer (kept, language unknown) scores nothing: the card says so instead of "Fix first:
    Interest in the role" and "Delivery: 0 words", and still shows how the voice sounded."""
    heard = Transcript(text="Feeling pink food either side. We get it next to my top.", duration=5.8, language="unknown")
    report = replace(check(heard), voice=_voice(0.096))
    card = _render(report_card(report, [heard], notes=["your answer to turn 1 doesn't sound like English"]))
    assert "nothing to score or fix" in card and "0/4" in card, card
    assert "Fix first" not in card and "Delivery:" not in card and "Extras:" not in card, card
    assert "pitch variation" in card and "Note: your answer to turn 1" in card, card
    english = Transcript(text=heard.text, duration=5.8)
    assert "Fix first" in _render(report_card(check(english), [english]))


def test_a_narrow_terminal_keeps_every_mark() -> None:
    """rich drops a fixed-width column first when a table does not fit: at 20 columns the card
    listed the four elements with no ✓ or ✗, so it no longer said which were there."""
    import os
    import subprocess
    import sys

    close = "Thank you so much for your time. I'm very excited about this role. What are the next steps?"
    for width in (20, 30, 40, 80):
        env = {**os.environ, "COLUMNS": str(width), "NO_COLOR": "1"}
        r = subprocess.run([sys.executable, "-m", "voicepractice", "check", "--text", close],
                           env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert r.returncode == 0, r.stderr
        marks = [line[0] for line in r.stdout.splitlines() if line[:1] in ("✓", "✗")]
        assert marks[:4] == ["✓", "✗", "✓", "✓"], (width, r.stdout)
        assert max(len(line) for line in r.stdout.splitlines()) <= width, (width, r.stdout)


def test_each_element_on_the_card_quotes_words_no_element_above_it_quoted() -> None:
    """"...interested in this role, and I think it's a great fit" earns interest and the recap both; the
    card quoted it twice and passed over the recap's own "six years in customer support"."""
    transcript = Transcript.from_text(
        "I'm really interested in this role, and I think it's a great fit for me. I have spent six years in "
        "customer support, and last year I trained a team of ten new hires. Thank you very much for talking with me today."
    )
    report = check(transcript)
    fit = report.finding("qualifications")
    assert fit.found and len(fit.evidence) == 2, fit  # the checker's own verdict: both clauses earn the recap
    assert report.finding("interest").evidence[0].quote == fit.evidence[0].quote  # the same words
    card = _render(report_card(report, [transcript]))
    fit_row = card[card.index("Why you fit") : card.index("Ask about next steps")]
    assert "six years" in fit_row and "great fit" not in fit_row, card
    assert "great fit" in card[card.index("Interest in the role") : card.index("Why you fit")]
    # An element with nothing else to quote still quotes what earned it.
    only = Transcript.from_text("Thank you for your time, I'm very interested in the role.")
    card = _render(report_card(check(only), [only]))
    assert card.count("“Thank you for your time, I'm very interested in the") == 2, card


def test_long_delivery_and_pitfall_lines_wrap_under_their_label() -> None:
    """At 80 columns the delivery line of a 232 s answer and a list of pitfalls wrapped to column 0
    ("...longest\\npause 3.5 s (high)"), where every other labelled line of the card wraps under itself."""
    from voicepractice.records import Delivery

    transcript = Transcript(
        text="Um, I'm sorry I rambled. Honestly my last boss was awful. What does it pay? " * 12, duration=232.0
    )
    delivery = Delivery(duration_s=232.0, speaking_s=208.0, word_count=639, words_per_minute=184.0, filler_count=0,
                        fillers_per_minute=0.0, fillers_per_100_words=0.0, longest_pause_s=3.5)  # fmt: skip
    report = replace(check(transcript), delivery=delivery)
    assert sum(f.found for f in report.pitfalls) >= 3
    lines = _render(report_card(report, [transcript])).splitlines()
    for label in ("Delivery:", "⚠ Pitfall:"):
        [at] = [i for i, line in enumerate(lines) if line.startswith(label)]
        assert lines[at + 1].startswith(" " * len(label)) and lines[at + 1].strip(), lines[at : at + 2]
    assert max(len(line.rstrip()) for line in lines) <= 80
