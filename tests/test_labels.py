"""What people read: labels instead of internal names, and one way to say when a quote was said."""

from __future__ import annotations

import re

from rich.console import Console

from voicepractice.check import check
from voicepractice.drill import WarmupSummary
from voicepractice.export import markdown
from voicepractice.labels import CORE_LABELS, at, element_label
from voicepractice.records import Transcript, Word
from voicepractice.replay import build_timeline, render_text
from voicepractice.show import report_card, warmup_panel
from voicepractice.store import Session, TurnRecord


def _timed(text: str, turn: int, start: float = 0.5) -> Transcript:
    words = tuple(Word(w, start=start + 0.5 * i, end=start + 0.5 * i + 0.4, probability=0.9) for i, w in enumerate(text.split()))
    return Transcript(text=text, words=words, duration=start + 0.5 * len(words) + 1, turn=turn)


def _session() -> Session:
    q = _timed("Could you tell me what success looks like in the role?", 0)
    close = _timed("Thank you so much. Honestly, I'm very excited about this role. What are the next steps?", 1, start=3.0)
    turns = (TurnRecord("questions", "Any questions?", transcript=q), TurnRecord("anything_else", "Anything else?", transcript=close))
    return Session("261123-091500-lab", "2026-11-23T09:15:00+00:00", "phone_screen", "complete", turns, check([q, close]))


def _text(renderable) -> str:
    c = Console(width=200, record=True, force_terminal=False)
    c.print(renderable)
    return c.export_text()


def test_core_labels_are_the_rubrics() -> None:
    assert CORE_LABELS == {f.element: f.label for f in check(Transcript.from_text("Thanks.")).core}


def test_at_is_turn_and_time_within_the_answer() -> None:
    assert at(1, 14.2, 3) == "turn 2, 0:14"
    assert at(0, 74.9, 1) == "1:14"
    assert at(0, None, 2) == "turn 1"
    assert at(None, None) == ""


def test_replay_tags_use_labels_and_times_match_the_card_and_the_export() -> None:
    s = _session()
    replay = _text(render_text(build_timeline(s)))
    assert "[role_question]" not in replay and "[next_steps]" not in replay and "[thanks]" not in replay
    assert "[A question about the role or team]" in replay or "[" + element_label("role_question", s.report) + "]" in replay
    assert "[Ask about next steps]" in replay
    assert "Turn 2 · Anything else" in replay
    # The thanks quote: said 3.0 s into the second answer, wherever it is on the replay timeline.
    card = _text(report_card(s.report, [t.transcript for t in s.turns], turn_names=[t.turn_id for t in s.turns], full=True))
    md = markdown(s)
    for text in (replay, card, md):
        assert "turn 2, 0:03" in text, text
    assert "## Turn 2 · Anything else" in md
    assert "[anything_else]" not in card and "Turn 2: Thank you so much." in card
    assert not re.search(r"\d:\d\d\.\d", md)


def test_warmup_summary_says_why_you_fit_not_qualifications() -> None:
    summary = WarmupSummary(rounds=2, hits={"interest": (True, True), "qualifications": (False, False)},
                            improved=("interest",), slipped=(), still_missing=("qualifications",), remember="x")  # fmt: skip
    text = _text(warmup_panel(summary))
    assert "qualifications" not in text
    assert "Still missing: Why you fit" in text and "Improved: Interest in the role" in text


def test_replay_findings_wrap_under_their_label_at_80_columns() -> None:
    """A quote or a coaching line that wraps stays indented, never back at column 0."""
    s = _session()
    c = Console(width=80, record=True, force_terminal=False)
    c.print(render_text(build_timeline(s)))
    findings = c.export_text().split("\nFindings\n", 1)[1].splitlines()[:-1]  # the last line is the colour key
    assert len(findings) > len(s.report.core), findings  # some of them wrap
    assert all(line.startswith("  ") for line in findings), findings
    assert any("Try: “" in line for line in findings)  # the missing element's coaching is there


def test_a_long_note_on_the_card_wraps_under_its_text_at_80_columns() -> None:
    s = _session()
    note = "one recording answers only the closing turn, so the other 2 questions were skipped (give one --answer per question)"
    c = Console(width=80, record=True, force_terminal=False)
    c.print(report_card(s.report, [t.transcript for t in s.turns], notes=[note]))
    lines = c.export_text().splitlines()
    at_note = next(i for i, ln in enumerate(lines) if ln.startswith("Note: one recording"))
    assert lines[at_note + 1].startswith("      ") and "skipped" in " ".join(lines[at_note : at_note + 3])


def test_nothing_to_fix_does_not_contradict_a_delivery_flag() -> None:
    """A 4/4 close said too fast: the card must not say "close the same way" above "(high)"."""
    from dataclasses import replace

    words = "Thank you for your time. I'm very interested in this role. I've run support teams for five years. What are the next steps?"
    said = _timed(words, 0)
    report = check([said])
    assert report.score == 4
    calm = _text(report_card(replace(report, voice=None), [said]))
    assert "close the same way on the real call" in calm, calm
    fast = replace(report, voice=None, delivery=replace(report.delivery, words_per_minute=210.0))
    card = _text(report_card(fast, [said]))
    assert "(high)" in card and "close the same way" not in card, card
    assert "Nothing to fix in what you said; how you said it is below." in card, card
