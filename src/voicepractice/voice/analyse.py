"""From frame tracks and word timings to the voice figures, each judged against its norm.

Sentences come from the recogniser's words: a sentence ends at ``.``, ``?`` or ``!`` or at a
pause over a second. Whether a sentence is a question is read from its wording (a question word
or an auxiliary verb first, a tag like "right?"), not from Whisper's "?" alone: Whisper may write
"?" *because* a statement rose at the end, which is the upspeak we are looking for.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..records import Transcript, Word
from .frames import HOP_S, Frames
from .norms import (
    LOUDNESS_SPREAD_HIGH_DB,
    MIN_PACE_SPEAKING_S,
    MIN_PACE_WORDS,
    MIN_SENTENCE_VOICED_S,
    MIN_SENTENCES_FOR_SPREAD,
    MIN_VOICED_S,
    MONOTONE_WINDOW_S,
    PVQ_LOW,
    QUIET_DBFS,
    RANGE_LOW_ST,
    RUSH_RATIO_HIGH,
    SENTENCE_PVQ_LOW,
    TRAILING_DROP_DB,
    TRAILING_SHARE_HIGH,
    UPSPEAK_RISE_ST,
    UPSPEAK_SHARE_HIGH,
    VOICE_NORMS,
    pvq_text,
)
from .records import Contour, SentenceVoice, Voice, VoiceFigure

log = logging.getLogger(__name__)

SENTENCE_GAP_S = 1.0
"""A pause longer than this ends a sentence even without punctuation."""
END_SPAN_S = 0.4
"""The "last words" of a sentence: the shortest run of final words lasting this long."""
RISE_SPAN_S = 0.5
"""The final rise is measured over the sentence's last half second of voiced speech..."""
RISE_LEVEL_RANGE_DB = 20.0
"""Voiced frames quieter than this below the sentence's median voiced level are left out of the rise."""
RISE_FALL_ST = 2.0
"""An end this far below the peak that followed the low point falls: it is not a rise."""
MIN_RISE_FRAMES = 12
"""...of which the final continuous stretch must hold at least 120 ms."""
TAIL_S = 0.2
"""Whisper tends to end a sentence's last word early: look this far past it for its voicing."""
END_MARGIN_S = 0.15
"""How far past Whisper's end of the last word a sentence's speech may run."""
CONTOUR_HOP_S = 0.05
"""Contours are stored every 50 ms (enough to draw, a fifth of the frames)."""

_PITCH_FLAGS = frozenset({"monotone"})
"""Sentence flags judged against the speaker's range, given only when the whole answer holds enough
voiced speech to know it. A final rise and a faded end are measured against the sentence itself."""

_WH = frozenset("what who whom whose which when where why how".split())
_AUX = frozenset(
    """is are am was were do does did have has had can could will would shall should may might must
    isn't aren't wasn't weren't don't doesn't didn't haven't hasn't can't couldn't won't wouldn't
    shouldn't""".split()
)
_LEAD_IN = frozenset("so and but also um uh well okay ok oh yeah just then now right and, one last".split())
_QUESTION_PHRASES = re.compile(
    r"\b(i was wondering|i('m| am) wondering|i'?d love to (know|hear)|(can|could) you (tell|share|walk)|"
    r"do you (know|have)|is there|are there)\b"
)
_TAG = re.compile(r"\b(right|correct|isn't it|aren't they|don't you|is that right|yes|no)\s*\?$")


def _bare(word: str) -> str:
    return re.sub(r"^[^\w']+|[^\w']+$", "", word.lower().replace("\u2019", "'"))


def is_question(text: str) -> bool:
    """Worded as a question: a question word or auxiliary first (after lead-ins), a question phrase, or a tag."""
    words = [_bare(w) for w in text.split()]
    words = [w for w in words if w]
    lower = text.lower().strip()
    while words and words[0] in _LEAD_IN:
        words.pop(0)
    if words and words[0] in _AUX:
        return True
    # A question word opens questions ("what are...", "how long is...") and statements alike
    # ("when you hear the bell, come quickly", "what I enjoyed was..."): a question has an
    # auxiliary right after it, or Whisper's "?" (a falling wh-question is still a question).
    if words and words[0] in _WH and (lower.endswith("?") or any(w in _AUX for w in words[1:3])):
        return True
    if _QUESTION_PHRASES.search(lower):
        return True
    return bool(_TAG.search(lower))


def split_sentences(words: Sequence[Word]) -> list[list[Word]]:
    """Timed words grouped into sentences: at . ? ! or a pause over ``SENTENCE_GAP_S``."""
    out: list[list[Word]] = []
    cur: list[Word] = []
    for i, w in enumerate(words):
        if w.start is None or w.end is None:
            continue
        cur.append(w)
        nxt = words[i + 1] if i + 1 < len(words) else None
        gap = (nxt.start - w.end) if nxt is not None and nxt.start is not None else 0.0
        if w.text.rstrip().endswith((".", "?", "!")) or gap > SENTENCE_GAP_S:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _st(hz: np.ndarray, ref: float) -> np.ndarray:
    return 12.0 * np.log2(hz / ref)


def _pvq(f0: np.ndarray) -> float | None:
    v = f0[f0 > 0]
    return float(np.std(v) / np.mean(v)) if v.size >= 10 else None


def _power_db(level: np.ndarray) -> float | None:
    return float(10 * np.log10(np.mean(10 ** (level / 10)))) if level.size else None


def _sentence(words: list[Word], frames: Frames, turn: int, next_start: float | None) -> SentenceVoice:
    start, end = float(words[0].start or 0.0), float(words[-1].end or 0.0)
    tail_end = end + TAIL_S if next_start is None else min(end + TAIL_S, max(end, next_start))
    text = " ".join(w.text for w in words)
    f0 = frames.f0[frames.span(start, tail_end)]
    voiced = f0[f0 > 0]
    voiced_s = round(voiced.size * frames.hop_s, 2)
    question = is_question(text)
    s = SentenceVoice(turn=turn, start=round(start, 2), end=round(end, 2), text=text, question=question, voiced_s=voiced_s)
    fields: dict[str, object] = {}
    flags: list[str] = []
    if voiced.size:
        fields["f0_median_hz"] = round(float(np.median(voiced)), 1)
    if voiced_s >= MIN_SENTENCE_VOICED_S:
        pvq = _pvq(f0)
        st = _st(voiced, float(np.median(voiced)))
        fields["pitch_variation"] = round(pvq, 3) if pvq is not None else None
        fields["pitch_range_st"] = round(float(np.percentile(st, 95) - np.percentile(st, 5)), 2)
        if pvq is not None and pvq < SENTENCE_PVQ_LOW:
            flags.append("monotone")
    # Loudness of the words, and of the last ~0.4 s of them against the rest.
    levels = [frames.level_db[frames.span(float(w.start or 0), float(w.end or 0))] for w in words]
    fields["level_db"] = _round(_power_db(np.concatenate(levels)) if levels else None, 1)
    # The last words (the shortest final run lasting 0.4 s) against the rest, each by its loud
    # part (90th percentile of frame levels, i.e. the vowels): a final nasal or "s" is quiet in
    # anyone's speech, a final vowel 10 dB down is a voice fading. The last word's span runs
    # 0.15 s past Whisper's end time, which is often early.
    k, dur = len(words), 0.0
    while k > 1 and dur < END_SPAN_S - 1e-6:
        k -= 1
        dur = end - float(words[k].start or 0.0)
    split = float(words[k].start or 0.0) if k < len(words) else end
    if k > 0 and dur >= END_SPAN_S - 1e-6 and split - start >= END_SPAN_S:
        rest_lv = frames.level_db[frames.span(start, split)]
        last_lv = frames.level_db[frames.span(split, min(tail_end, end + END_MARGIN_S))]
        if rest_lv.size and last_lv.size:
            drop = float(np.percentile(rest_lv, 90) - np.percentile(last_lv, 90))
            fields["end_drop_db"] = round(drop, 1)
            if drop >= TRAILING_DROP_DB:
                flags.append("trailing_off")
    # Octave slips at a sentence's edges (creak, a phone line's missing low harmonics) are not
    # intonation: frames more than 9 semitones from the sentence's median are left out here.
    # Nor are quiet voiced frames as the voice dies away (breath, creak): the tracker's guesses
    # there wander; only frames within 20 dB of the sentence's typical voiced level count.
    sane = f0 > 0
    if voiced.size:
        sane &= np.abs(_st(np.where(f0 > 0, f0, 1.0), float(np.median(voiced)))) <= 9.0
        lv_all = frames.level_db[frames.span(start, tail_end)][: f0.size]
        if lv_all.size == f0.size:
            sane &= lv_all >= float(np.median(lv_all[f0 > 0])) - RISE_LEVEL_RANGE_DB
    idx = np.flatnonzero(sane)
    n_rise = int(RISE_SPAN_S / frames.hop_s)
    tail_idx = idx[-n_rise:]
    tail = f0[tail_idx]
    if tail.size:
        # Only the contour after the last slip: a jump of more than 2 semitones between voiced
        # frames 10 ms apart is faster than a voice moves (Xu & Sun 2002, JASA 111: even a
        # 12-semitone rise takes about 190 ms, some 0.6 semitone per 10 ms), so a tracking slip.
        st_tail = _st(tail, float(np.median(tail)))
        adjacent = np.diff(tail_idx) == 1  # across an unvoiced gap pitch may reset freely
        jumps = np.flatnonzero((np.abs(np.diff(st_tail)) > 2.0) & adjacent)
        tail = tail[jumps[-1] + 1 :] if jumps.size else tail
    if tail.size >= MIN_RISE_FRAMES:
        padded = np.pad(tail, 2, mode="edge")
        smooth = np.median(np.lib.stride_tricks.sliding_window_view(padded, 5), axis=1)
        end_hz = float(np.median(smooth[-6:]))
        low = int(np.argmin(smooth))
        peak_after_low = float(np.max(smooth[low:]))
        if low >= smooth.size - 6:  # the low point is the end: a fall, measured from the peak before it
            rise = float(_st(np.array([end_hz]), float(np.max(smooth)))[0])
        elif _st(np.array([peak_after_low]), end_hz)[0] > RISE_FALL_ST:
            # up out of the low point, then down again into the end: an accent on the last word
            # ("...about the TEAM."), a falling end; measured from that peak
            rise = float(_st(np.array([end_hz]), peak_after_low)[0])
        else:  # a rise out of the low point just before the end
            rise = float(_st(np.array([end_hz]), float(smooth[low]))[0])
        fields["final_rise_st"] = round(rise, 2)
        if not question and rise >= UPSPEAK_RISE_ST:
            flags.append("upspeak")
    if end > start and len(words) >= 3:
        fields["words_per_minute"] = round(60.0 * len(words) / (end - start), 1)
    return SentenceVoice(**{**s.to_dict(), **fields, "flags": tuple(flags)})  # type: ignore[arg-type]


def _round(v: float | None, nd: int) -> float | None:
    return None if v is None else round(v, nd)


def _windows_pvq(frames: Frames) -> list[tuple[float, float, float, float]]:
    """(start, end, PVQ, voiced seconds) per 10 s window of one turn; a short remainder joins the last window."""
    n_win = max(1, int(frames.duration // MONOTONE_WINDOW_S))
    bounds = [i * MONOTONE_WINDOW_S for i in range(n_win)] + [frames.duration]
    out = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        f0 = frames.f0[frames.span(a, b)]
        pvq = _pvq(f0)
        voiced = float((f0 > 0).sum() * frames.hop_s)
        if pvq is not None:
            out.append((a, b, pvq, voiced))
    return out


def _contour(frames: Frames, turn: int, ref_hz: float | None) -> Contour:
    step = int(round(CONTOUR_HOP_S / frames.hop_s))
    n = -(-frames.f0.size // step)
    f0 = np.pad(frames.f0, (0, n * step - frames.f0.size)).reshape(n, step)
    lv = np.pad(frames.level_db, (0, n * step - frames.level_db.size), constant_values=-120.0).reshape(n, step)
    voiced = (f0 > 0).sum(axis=1)
    # the median of each block's voiced frames: sort with unvoiced frames last, pick the middle voiced one
    srt = np.sort(np.where(f0 > 0, f0, np.inf), axis=1)
    mid = np.take_along_axis(srt, np.clip((voiced - 1) // 2, 0, step - 1)[:, None], axis=1)[:, 0]
    pitch: list[float | None] = [None] * n
    if ref_hz:
        st = np.round(12.0 * np.log2(np.where(voiced >= 2, mid, ref_hz) / ref_hz), 1)
        pitch = [float(v) if ok else None for v, ok in zip(st, voiced >= 2, strict=True)]
    level = [float(v) for v in np.round(lv.max(axis=1), 1)]
    return Contour(turn=turn, hop_s=CONTOUR_HOP_S, pitch_st=tuple(pitch), level_db=tuple(level))


def _clock(s: float) -> str:
    m, sec = divmod(int(round(s)), 60)
    return f"{m}:{sec:02d}"


def analyse(turns: Sequence[tuple[Transcript, Frames]], tracker: str = "") -> Voice:
    """The voice figures of one answer or several turns (each its transcript and its audio's frames)."""
    sentences: list[SentenceVoice] = []
    all_f0 = np.concatenate([fr.f0[fr.f0 > 0] for _, fr in turns]) if turns else np.zeros(0)
    voiced_s = round(all_f0.size * HOP_S, 2)
    ref = float(np.median(all_f0)) if all_f0.size else None
    speech_levels: list[np.ndarray] = []
    timeline: list[float] = []  # word centres on one speaking timeline across turns
    offset = 0.0
    for transcript, frames in turns:
        groups = split_sentences(transcript.words)
        for i, g in enumerate(groups):
            nxt = float(groups[i + 1][0].start or 0.0) if i + 1 < len(groups) else None
            sentences.append(_sentence(g, frames, transcript.turn, nxt))
        timed = [w for w in transcript.words if w.start is not None and w.end is not None]
        for w in timed:
            speech_levels.append(frames.level_db[frames.span(float(w.start or 0), float(w.end or 0))])
        if timed:
            first = float(timed[0].start or 0.0)
            timeline += [offset + (float(w.start or 0) + float(w.end or 0)) / 2 - first for w in timed]
            offset += float(timed[-1].end or 0.0) - first
    judged = voiced_s >= MIN_VOICED_S
    if not judged:  # a flat sentence means nothing without the speaker's range to set it in
        sentences = [replace(s, flags=tuple(f for f in s.flags if f not in _PITCH_FLAGS)) for s in sentences]
    too_little = f"only {voiced_s:.1f} s of voiced speech: too little to judge (needs {MIN_VOICED_S:.0f} s)"
    figs: dict[str, VoiceFigure] = {}

    def put(name: str, value: float | None, verdict: str | None, note: str | None = None) -> None:
        figs[name] = VoiceFigure(name, None if value is None else round(float(value), 3), verdict, note)  # type: ignore[arg-type]

    # Pitch variation, per 10 s window (Hincks), weighted by voiced time; monotone stretches.
    windows = [(turn_t.turn, *w) for turn_t, fr in turns for w in _windows_pvq(fr)]
    weighted = [(w[3], w[4]) for w in windows if w[4] > 0]
    pvq = sum(p * v for p, v in weighted) / sum(v for _, v in weighted) if weighted else None
    flat = [w for w in windows if w[4] >= MIN_VOICED_S and w[3] < PVQ_LOW]
    if not judged:
        put("pitch_variation", pvq, None, too_little)
        put("pitch_range_st", None, None, too_little)
        put("monotone_stretches", None, None, too_little)
    else:
        put("pitch_variation", pvq, "low" if pvq is not None and pvq < PVQ_LOW else "ok")
        st = _st(all_f0, ref or 1.0)
        rng = float(np.percentile(st, 95) - np.percentile(st, 5))
        put("pitch_range_st", rng, "low" if rng < RANGE_LOW_ST else "ok")
        where = ", ".join(
            (f"turn {t + 1} " if len(turns) > 1 else "") + f"{_clock(a)}-{_clock(b)}" for t, a, b, _, _ in flat
        )
        put("monotone_stretches", len(flat), "high" if flat else "ok", where or None)
    medians = [s.f0_median_hz for s in sentences if s.f0_median_hz and s.voiced_s >= MIN_SENTENCE_VOICED_S]
    if len(medians) >= MIN_SENTENCES_FOR_SPREAD:
        put("sentence_pitch_sd_st", float(np.std(_st(np.array(medians), float(np.median(medians))))), None)
    else:
        put("sentence_pitch_sd_st", None, None, f"needs {MIN_SENTENCES_FOR_SPREAD} sentences with voiced speech")
    # Loudness and its consistency.
    level = _power_db(np.concatenate(speech_levels)) if speech_levels else None
    put("level_dbfs", level, None if level is None else ("low" if level < QUIET_DBFS else "ok"))
    sent_levels = [s.level_db for s in sentences if s.level_db is not None]
    if len(sent_levels) >= MIN_SENTENCES_FOR_SPREAD:
        spread = float(np.std(sent_levels))
        put("loudness_spread_db", spread, "high" if spread > LOUDNESS_SPREAD_HIGH_DB else "ok")
    else:
        put("loudness_spread_db", None, None, f"needs {MIN_SENTENCES_FOR_SPREAD} sentences")
    # Sentence ends.
    measured = [s for s in sentences if s.end_drop_db is not None]
    trailing = [s for s in measured if "trailing_off" in s.flags]
    if measured:
        share = len(trailing) / len(measured)
        note = f"{len(trailing)} of {len(measured)} sentences"
        verdict = ("high" if share >= TRAILING_SHARE_HIGH else "ok") if len(measured) >= 2 else None
        put("trailing_off_share", share, verdict, note if verdict else note + "; one sentence is too few to call a habit")
    else:
        put("trailing_off_share", None, None, "no sentence long enough to compare its end with the rest")
    statements = [s for s in sentences if not s.question and s.final_rise_st is not None]
    rising = [s for s in statements if "upspeak" in s.flags]
    if statements and judged:
        share = len(rising) / len(statements)
        note = f"{len(rising)} of {len(statements)} statements"
        verdict = ("high" if share >= UPSPEAK_SHARE_HIGH else "ok") if len(statements) >= 2 else None
        put("upspeak_share", share, verdict, note if verdict else note + "; one statement is too few to call a habit")
    else:
        put("upspeak_share", None, None, too_little if not judged else "no statement with voiced speech at its end")
    # Pace over time: first third against last third of the speaking timeline.
    if offset >= MIN_PACE_SPEAKING_S and len(timeline) >= MIN_PACE_WORDS:
        third = offset / 3
        first_wpm = 60.0 * sum(1 for t in timeline if t < third) / third
        last_wpm = 60.0 * sum(1 for t in timeline if t >= 2 * third) / third
        ratio = last_wpm / first_wpm if first_wpm else None
        from ..delivery import WPM_HIGH

        rushing = ratio is not None and ratio > RUSH_RATIO_HIGH and last_wpm > WPM_HIGH
        put("pace_change", ratio, "high" if rushing else "ok", f"{first_wpm:.0f} wpm first third, {last_wpm:.0f} last third")
    else:
        put("pace_change", None, None, f"needs {MIN_PACE_SPEAKING_S:.0f} s and {MIN_PACE_WORDS} words of speech")
    figures = {name: figs[name] for name in VOICE_NORMS if name in figs}
    issue, coaching = _coach(judged, voiced_s, figures, sentences)
    return Voice(
        voiced_s=voiced_s,
        judged=judged,
        figures=figures,
        sentences=tuple(sentences),
        contours=tuple(_contour(fr, t.turn, ref) for t, fr in turns),
        issue=issue,
        coaching=coaching,
        f0_median_hz=_round(ref, 1),
        tracker=tracker,
    )


def _quote(s: SentenceVoice, n: int = 6) -> str:
    words = s.text.split()
    return " ".join(words[-n:]) if len(words) <= n else "…" + " ".join(words[-n:])


def _coach(
    judged: bool, voiced_s: float, figs: dict[str, VoiceFigure], sentences: Sequence[SentenceVoice]
) -> tuple[str | None, str | None]:
    """The biggest issue and one line about it, most harmful on a phone call first."""
    if voiced_s == 0:
        return None, "No voiced speech was heard, so there is nothing to say about your voice."

    def bad(name: str) -> bool:
        return figs.get(name, VoiceFigure(name, None)).verdict in ("low", "high")

    if bad("pitch_variation"):
        v = figs["pitch_variation"].value
        return "pitch_variation", (
            f"Your pitch stayed flat ({pvq_text(v or 0.0)}; lively speakers 0.11+): lift the words that matter, "
            "the role, your strength, as if smiling."
        )
    if bad("monotone_stretches"):  # lively overall, flat for a stretch: "stayed flat (0.12...)" contradicted itself
        return "pitch_variation", (
            f"Your pitch went flat for a while ({figs['monotone_stretches'].note}): lift the words that matter "
            "there, the role, your strength, as if smiling."
        )
    if bad("trailing_off_share"):
        return "trailing_off_share", (
            f"Your voice faded at the end of {figs['trailing_off_share'].note}: carry your energy "
            "through the last word."
        )
    if bad("upspeak_share"):
        return "upspeak_share", (
            f"{figs['upspeak_share'].note} rose at the end, which sounds unsure: let statements fall; "
            "keep the rise for your questions."
        )
    if bad("pace_change"):
        return "pace_change", (
            f"You sped up towards the end ({figs['pace_change'].note}): slow down for the close; "
            "it is what they remember."
        )
    if bad("level_dbfs"):
        return "level_dbfs", "You were quiet for a phone line: speak up, or move closer to the microphone."
    if bad("loudness_spread_db"):
        return "loudness_spread_db", (
            f"Your loudness swung by {figs['loudness_spread_db'].value:.0f} dB between sentences: "
            "keep a steady distance from the phone and a steady energy."
        )
    # Nothing at answer level. A single sentence is worth a word only where the answer-level
    # figure has no verdict (too few sentences to speak of a habit); otherwise the answer is fine.
    for flag, figure, line in (
        ("trailing_off", "trailing_off_share", "This sentence faded at the end (“{q}”): keep your voice up to the last word."),
        ("upspeak", "upspeak_share", "This statement rose at the end like a question (“{q}”): let it fall."),
        ("monotone", "pitch_variation", "This sentence was flat (“{q}”): give its key word a lift."),
    ):
        hit = next((s for s in sentences if flag in s.flags), None)
        if flag != "trailing_off" and not judged:
            continue  # a pitch moment in an answer too short to judge pitch: measured, not coached
        if hit is not None and figs.get(figure, VoiceFigure(figure, None)).verdict is None:
            return flag, line.format(q=_quote(hit))
    if not judged:
        return None, (
            f"Only {voiced_s:.1f} s of voiced speech: too little to judge your pitch "
            f"(at least {MIN_VOICED_S:.0f} s needed)."
        )
    return None, None
