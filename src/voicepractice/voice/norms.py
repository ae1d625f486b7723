"""The norm beside each voice figure, and where it comes from.

Where a threshold is our own judgement it says so (``judgement: True``) and how it was set.
Thresholds set on data were set on ``../shared/speech_corpus`` (real people reading and talking,
no coaching), see ``bench/voice_norms.py``: a threshold for "this is a problem" sits beyond
what nearly all of those speakers did.
"""

from __future__ import annotations

from typing import Any

from ..delivery import WPM_HIGH

MIN_VOICED_S = 3.0
"""Less voiced speech than this in the whole answer: no verdict on pitch at all (our judgement:
a second or two of vowels says little about a speaker's range; Edlund & Heldner 2007 show that
estimates of a speaker's F0 distribution need a good deal of voiced speech to settle)."""
MIN_SENTENCE_VOICED_S = 0.6
"""A sentence with less voiced speech than this gets no pitch verdict of its own."""
MIN_SENTENCES_FOR_SPREAD = 3
"""Figures that compare sentences (loudness consistency, sentence-to-sentence pitch) need this many."""
MIN_PACE_SPEAKING_S = 20.0
MIN_PACE_WORDS = 45
"""Pace over time needs this much speech: a third of a 10-second answer is a handful of words."""

PVQ_LOW = 0.10
# Pitch variation quotient: SD of F0 / mean F0 (Hz). Hincks (2004, "Processing the prosody of oral
# presentations", InSTIL/ICALL; 2005, Interspeech, "Measuring liveliness in presentation speech")
# found listeners' liveliness ratings track it; speakers' means ran from 0.11 to 0.235. Microsoft's
# Speaker Coach detects monotone speech by comparing a weighted PVQ with a threshold (US patent
# 11,205,418, "Monotone speech detection"; the threshold is not published). We flag below 0.10:
# flatter than the flattest presenter in Hincks's sample.


def pvq_text(value: float) -> str:
    """A pitch variation quotient as the card shows it: two decimals, or three where two would round a
    flat value up to the bar (0.096 is flagged, and "0.10 (≥ 0.10)" would read as a pass)."""
    text = f"{value:.2f}"
    return f"{value:.3f}" if value < PVQ_LOW <= float(text) else text


SENTENCE_PVQ_LOW = 0.06
# A single sentence is flat below 0.06, the lowest value Hincks (2004) saw in any 10-second
# stretch of a presentation. One sentence holds less of the speaker's range than a whole
# answer, so its bar is lower.

MONOTONE_WINDOW_S = 10.0
"""Monotone stretches are looked for in 10 s windows, the span Hincks (2004) measured over."""

RANGE_LOW_ST = 5.7
# Derived, not measured: with F0 roughly normal in semitones, the 5th-95th percentile range is
# 3.29 SD, and PVQ 0.10 is about 1.73 semitones of SD (1 semitone = 5.9 % in Hz): 3.29 x 1.73.

TRAILING_DROP_DB = 10.0
# Our judgement, checked on the corpus: the last words of a sentence are naturally somewhat
# quieter (declination), so a sentence trails off when the loud part of its last ~0.4 s is at
# least 10 dB below the rest's: 4 of 66 natural sentences in the corpus went that far (median
# drop 4 dB), and a deliberate 15 dB fade is well past it. 10 dB is about a halving of
# perceived loudness (Stevens 1957).

TRAILING_SHARE_HIGH = 0.34
"""The answer trails off when a third or more of its sentences do (our judgement)."""

UPSPEAK_RISE_ST = 5.0
# A statement ends on a rise when its last voiced stretch climbs 5 semitones or more from the
# low point just before it. Ladd (1996, Intonational Phonology, p. 123) describes the high rising
# terminal as rising up to 40 % (about 6 semitones) to the end of the phrase. Our judgement, set
# on the corpus: we first used 3 semitones and found 15 of 54 natural read statements rising
# that much (the readers' final syllables really do rise: Praat, pyin and RAPT agree on them);
# 8 of 54 reach 5 semitones, and a third of an answer's statements must do so to make it the
# answer's issue.

UPSPEAK_SHARE_HIGH = 0.34
"""Upspeak is the answer's issue when a third or more of its statements rise (our judgement)."""

LOUDNESS_SPREAD_HIGH_DB = 6.0
# SD of sentence levels. Our judgement: 6 dB is half the amplitude, plainly audible on a phone;
# a steady speaker at a steady distance from the microphone stays well inside it.

QUIET_DBFS = -40.0
"""Speech quieter than this (median over speech) is hard to hear on a phone line (our judgement;
the drill's live meter warns in the same region)."""

RUSH_RATIO_HIGH = 1.25
# Pace over time: words per minute in the last third of the speaking time over the first third.
# Our judgement: 25 % faster at the end is audible (about 30 wpm at a 130 wpm start), and the
# close is what the interviewer remembers. It is flagged only when the last third is also above
# the delivery norm's 165 wpm ceiling (delivery.WPM_HIGH).

VOICE_NORMS: dict[str, dict[str, Any]] = {
    "pitch_variation": {
        "low": PVQ_LOW, "high": None, "unit": "SD/mean F0",
        "source": "Hincks 2004/2005 (presenters 0.11-0.235); Speaker Coach's monotone check uses the same quotient",
        "judgement": False,
    },
    "pitch_range_st": {
        "low": RANGE_LOW_ST, "high": None, "unit": "semitones (5th-95th percentile)",
        "source": "derived from the pitch-variation norm (3.29 SD at 0.10)",
        "judgement": False,
    },
    "monotone_stretches": {
        "low": None, "high": 0.0, "unit": "10 s stretches below 0.10",
        "source": "Hincks 2004 measured liveliness over 10 s stretches",
        "judgement": False,
    },
    "sentence_pitch_sd_st": {
        "low": None, "high": None, "unit": "semitones between sentence medians",
        "source": "no published norm: shown to compare with your own past answers",
        "judgement": True,
    },
    "level_dbfs": {
        "low": QUIET_DBFS, "high": None, "unit": "dBFS",
        "source": "our judgement: below -40 dBFS is hard to hear on a phone line",
        "judgement": True,
    },
    "loudness_spread_db": {
        "low": None, "high": LOUDNESS_SPREAD_HIGH_DB, "unit": "dB SD between sentences",
        "source": "our judgement: 6 dB is half the amplitude, plainly audible",
        "judgement": True,
    },
    "trailing_off_share": {
        "low": None, "high": TRAILING_SHARE_HIGH, "unit": "of sentences end 10 dB quieter",
        "source": "our judgement, set beyond the corpus speakers' natural end drop",
        "judgement": True,
    },
    "upspeak_share": {
        "low": None, "high": UPSPEAK_SHARE_HIGH, "unit": "of statements end rising 5 st",
        "source": "Ladd 1996 (HRT rises up to 40 %); 5 st threshold our judgement, set on the corpus",
        "judgement": True,
    },
    "pace_change": {
        "low": None, "high": RUSH_RATIO_HIGH, "unit": "last third / first third wpm",
        "source": "our judgement: 25 % faster at the end and above 165 wpm",
        "judgement": True,
    },
}  # fmt: skip
"""Norm per answer-level figure: ``low``/``high`` (None: no bound), unit, source, our judgement or not."""

SENTENCE_NORMS: dict[str, dict[str, Any]] = {
    "pitch_variation": {
        "low": SENTENCE_PVQ_LOW, "high": None, "unit": "SD/mean F0", "flag": "monotone",
        "source": "Hincks 2004: the lowest 10 s value among presenters was 0.06",
        "judgement": False,
    },
    "end_drop_db": {
        "low": None, "high": TRAILING_DROP_DB, "unit": "dB, last 0.4 s of words below the rest", "flag": "trailing_off",
        "source": "our judgement: 10 dB is about half as loud (Stevens 1957); 4 of 66 corpus sentences went that far",
        "judgement": True,
    },
    "final_rise_st": {
        "low": None, "high": UPSPEAK_RISE_ST, "unit": "semitones over the last 0.5 s (statements only)", "flag": "upspeak",
        "source": "Ladd 1996 (HRT up to 40 %, ~6 st); 5 st our judgement: 8 of 54 corpus statements rose that far",
        "judgement": True,
    },
    "words_per_minute": {
        "low": None, "high": WPM_HIGH, "unit": "wpm", "flag": None,
        "source": "the delivery norm's ceiling (delivery.WPM_HIGH); shown, not flagged, for one sentence",
        "judgement": False,
    },
}  # fmt: skip
"""Norm per sentence-level figure, and the flag it sets. Pitch flags need the answer judged (3 s voiced)."""

ISSUES: dict[str, str] = {
    "pitch_variation": "flat pitch",
    "trailing_off_share": "trailing off",
    "upspeak_share": "upspeak",
    "pace_change": "rushing at the end",
    "level_dbfs": "too quiet",
    "loudness_spread_db": "uneven loudness",
    "trailing_off": "a sentence trailing off",
    "upspeak": "a statement rising",
    "monotone": "a flat sentence",
}
"""How each possible ``Voice.issue`` reads in a sentence."""
