"""What the voice analysis hands on: frozen records that round-trip through JSON.

No heavy imports here: ``voicepractice.records.Report`` reads these back from a stored session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

VoiceVerdict = Literal["low", "ok", "high"]


@dataclass(frozen=True)
class VoiceFigure:
    """One answer-level figure with its verdict against ``VOICE_NORMS``."""

    name: str
    """Key in ``VOICE_NORMS`` (``pitch_variation``, ``trailing_off_share``...)."""
    value: float | None
    """The figure; None when it cannot be measured (see ``note``)."""
    verdict: VoiceVerdict | None = None
    """Against the norm; None when there is no norm or too little speech to judge."""
    note: str | None = None
    """Why there is no verdict, or what the figure counts (``"1 of 4 sentences"``)."""

    def to_dict(self) -> dict[str, Any]:
        from .norms import VOICE_NORMS

        norm = VOICE_NORMS.get(self.name, {})
        return {
            "value": self.value,
            "verdict": self.verdict,
            "note": self.note,
            "norm": {k: norm.get(k) for k in ("low", "high", "unit", "source", "judgement")},
        }

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> VoiceFigure:
        return cls(name=name, value=data.get("value"), verdict=data.get("verdict"), note=data.get("note"))


@dataclass(frozen=True)
class SentenceVoice:
    """One sentence of the answer (split at . ? ! or a pause over a second)."""

    turn: int
    """Which turn of the drill it was said in."""
    start: float
    """Seconds into that turn's recording."""
    end: float
    text: str
    """The sentence as transcribed."""
    question: bool
    """Worded as a question (so a final rise is expected, not upspeak)."""
    voiced_s: float
    """Seconds of voiced speech (frames with an F0)."""
    f0_median_hz: float | None = None
    pitch_variation: float | None = None
    """SD/mean of F0 within the sentence (None: too little voiced speech)."""
    pitch_range_st: float | None = None
    level_db: float | None = None
    """Loudness of the sentence's words, dBFS (power mean)."""
    end_drop_db: float | None = None
    """How much quieter the last ~0.4 s of words is than the rest of the sentence, dB."""
    final_rise_st: float | None = None
    """Rise of F0 over the sentence's last voiced stretch, semitones (negative: a fall)."""
    words_per_minute: float | None = None
    flags: tuple[str, ...] = ()
    """``monotone``, ``trailing_off``, ``upspeak``."""

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["flags"] = list(self.flags)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SentenceVoice:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["flags"] = tuple(known.get("flags", ()))
        return cls(**known)


@dataclass(frozen=True)
class Contour:
    """Pitch and loudness of one turn's answer, for drawing (every ``hop_s`` seconds)."""

    turn: int
    hop_s: float
    pitch_st: tuple[float | None, ...]
    """Semitones from the speaker's median F0 (None where unvoiced)."""
    level_db: tuple[float, ...]
    """dBFS."""

    def to_dict(self) -> dict[str, Any]:
        return {"turn": self.turn, "hop_s": self.hop_s, "pitch_st": list(self.pitch_st), "level_db": list(self.level_db)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Contour:
        return cls(
            turn=int(data.get("turn", 0)),
            hop_s=float(data["hop_s"]),
            pitch_st=tuple(data.get("pitch_st", ())),
            level_db=tuple(data.get("level_db", ())),
        )


@dataclass(frozen=True)
class Voice:
    """How the person sounded: pitch, loudness, sentence ends and pace, from their own answer audio."""

    voiced_s: float
    """Seconds of voiced speech over all answers."""
    judged: bool
    """False when there was too little voiced speech for any pitch verdict (``note`` says so)."""
    figures: dict[str, VoiceFigure]
    """Answer-level figures by name, in ``VOICE_NORMS`` order."""
    sentences: tuple[SentenceVoice, ...] = ()
    contours: tuple[Contour, ...] = ()
    issue: str | None = None
    """The biggest issue (a figure name), or None."""
    coaching: str | None = None
    """One line of coaching about the biggest issue, or about what could not be judged."""
    f0_median_hz: float | None = None
    tracker: str = ""
    """The F0 tracker and version that produced the figures."""
    analysis_s: float | None = None
    """Seconds the analysis took after the answer ended."""

    def figure(self, name: str) -> VoiceFigure:
        return self.figures.get(name) or VoiceFigure(name, None)

    def to_dict(self) -> dict[str, Any]:
        from .norms import SENTENCE_NORMS

        return {
            "voiced_s": self.voiced_s,
            "judged": self.judged,
            "f0_median_hz": self.f0_median_hz,
            "issue": self.issue,
            "coaching": self.coaching,
            "figures": {name: f.to_dict() for name, f in self.figures.items()},
            "sentences": [s.to_dict() for s in self.sentences],
            "contours": [c.to_dict() for c in self.contours],
            "sentence_norms": SENTENCE_NORMS,
            "tracker": self.tracker,
            "analysis_s": self.analysis_s,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Voice:
        return cls(
            voiced_s=float(data.get("voiced_s", 0.0)),
            judged=bool(data.get("judged", False)),
            figures={k: VoiceFigure.from_dict(k, v) for k, v in data.get("figures", {}).items()},
            sentences=tuple(SentenceVoice.from_dict(s) for s in data.get("sentences", ())),
            contours=tuple(Contour.from_dict(c) for c in data.get("contours", ())),
            issue=data.get("issue"),
            coaching=data.get("coaching"),
            f0_median_hz=data.get("f0_median_hz"),
            tracker=str(data.get("tracker", "")),
            analysis_s=data.get("analysis_s"),
        )
