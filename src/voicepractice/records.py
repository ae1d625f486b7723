"""The records passed between the drill's stages.

Every record is a frozen dataclass. The ones that are stored (``Transcript``,
``Report`` and what they hold) round-trip through ``to_dict``/``from_dict`` so
the session store keeps plain JSON and can read what an older version wrote.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .voice.records import Voice

FindingKind = Literal["core", "extra", "pitfall"]
CORE_ELEMENTS: tuple[str, ...] = ("interest", "qualifications", "next_steps", "thanks")


@dataclass(frozen=True)
class Word:
    """One recognised word with its place in the recording."""

    text: str
    """The word as spoken, without surrounding white space (punctuation kept)."""
    start: float | None = None
    """Seconds from the start of the turn's recording; None for typed text."""
    end: float | None = None
    """Seconds from the start of the turn's recording; None for typed text."""
    probability: float = 1.0
    """The recogniser's confidence in this word, 0..1 (1.0 for typed text)."""
    logprob: float | None = None
    """Average token log-probability of the segment the word was heard in (None for typed
    text): low across an answer, with low word probabilities, means it was not English."""
    guessed: bool = False
    """True when Whisper's careful (greedy) decode of the word's segment failed its own check
    and the word came from its sampled retries: a guess that differs from run to run."""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if self.logprob is None:
            del d["logprob"]
        if not self.guessed:
            del d["guessed"]
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Word:
        return cls(
            text=str(data["text"]),
            start=data.get("start"),
            end=data.get("end"),
            probability=float(data.get("probability", 1.0)),
            logprob=data.get("logprob"),
            guessed=bool(data.get("guessed", False)),
        )


NOTHING_TO_SCORE = "No English words were heard in the answer, so there is nothing to score or fix."


def nothing_to_score(transcripts: Any) -> bool:
    """True when no answer holds an English word (silence, noise, another language): findings on
    it would coach ("Say plainly that you want this job") what was never said. ``transcripts``:
    Transcript or None (a turn not transcribed) each."""
    return not any(t is not None and t.as_scored().text.strip() for t in transcripts)


@dataclass(frozen=True)
class Transcript:
    """What the person said in one turn."""

    text: str
    """The full text, as the recogniser (or the person typing) wrote it."""
    words: tuple[Word, ...] = ()
    """The words in order. Empty when nothing was said."""
    duration: float | None = None
    """Length of the recording in seconds; None for typed text."""
    language: str = "en"
    """Language the recogniser assumed or detected: ``en``, or ``unknown`` when what it heard
    did not sound like English (such a turn earns nothing; see ``transcribe.sounds_english``)."""
    model: str | None = None
    """The model that produced it (``tiny.en``...); None for typed text."""
    turn: int = 0
    """Index of the turn in a multi-turn drill (0 for a single answer)."""

    @classmethod
    def from_text(cls, text: str, turn: int = 0) -> Transcript:
        """A transcript of typed text: words without timings."""
        return cls(text=text, words=tuple(Word(w) for w in text.split()), turn=turn)

    @property
    def timed(self) -> bool:
        """True when the words carry times in a recording."""
        return bool(self.words) and self.words[0].start is not None

    @property
    def english(self) -> bool:
        """True unless the recogniser heard the turn as another language (see ``language``)."""
        return self.language == "en"

    def as_scored(self) -> Transcript:
        """The turn as the coach reads it: blank when it did not sound like English.

        An English-only model "translates" what it cannot follow, often into a "Thank you.",
        so such a turn earns nothing; its length and turn stay for the delivery figures.
        """
        if self.english:
            return self
        return Transcript(text="", duration=self.duration, language=self.language, turn=self.turn)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "words": [w.to_dict() for w in self.words],
            "duration": self.duration,
            "language": self.language,
            "model": self.model,
            "turn": self.turn,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        return cls(
            text=str(data.get("text", "")),
            words=tuple(Word.from_dict(w) for w in data.get("words", ())),
            duration=data.get("duration"),
            language=str(data.get("language", "en")),
            model=data.get("model"),
            turn=int(data.get("turn", 0)),
        )


@dataclass(frozen=True)
class Evidence:
    """The words that earned (or triggered) a finding."""

    quote: str
    """The quoted span, exactly as transcribed."""
    start: float | None = None
    """Seconds into the turn's recording where the quote starts; None for typed text."""
    end: float | None = None
    """Seconds into the turn's recording where the quote ends; None for typed text."""
    turn: int = 0
    """Which turn of the drill the quote comes from."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(
            quote=str(data["quote"]),
            start=data.get("start"),
            end=data.get("end"),
            turn=int(data.get("turn", 0)),
        )


@dataclass(frozen=True)
class Finding:
    """The checker's verdict on one element, extra or pitfall."""

    element: str
    """Machine name: ``interest``, ``qualifications``, ``next_steps``, ``thanks``, an extra or a pitfall."""
    kind: FindingKind
    """``core`` (one of the four), ``extra`` (nice to have) or ``pitfall`` (to avoid)."""
    found: bool
    """For core and extra: the element is there. For a pitfall: the pitfall occurred."""
    label: str = ""
    """Human name shown on the report card ("Interest in the role")."""
    evidence: tuple[Evidence, ...] = ()
    """Quotes that earned the verdict (empty when not found)."""
    coaching: str | None = None
    """One line of coaching: set when a core/extra is missing or weak, or a pitfall occurred."""
    example: str | None = None
    """An example of what to say instead, in the product's own words."""
    weak: bool = False
    """Found, but thin (for example a recap with nothing concrete in it)."""
    details: dict[str, Any] = field(default_factory=dict)
    """Element-specific extras, e.g. ``{"strengths_mentioned": [...], "strengths_missed": [...]}``."""
    confidence: float | None = None
    """The model's probability for the best clause, 0..1 (None when a rule decided, e.g. rambling).
    Between the element's found and sure thresholds the finding is ``weak`` with
    ``details["unsure"]``: "found, but not sure"."""

    @property
    def name(self) -> str:
        """What the card calls it: the label, else the machine name in words."""
        return self.label or self.element.replace("_", " ")

    def to_dict(self) -> dict[str, Any]:
        return {
            "element": self.element,
            "kind": self.kind,
            "found": self.found,
            "label": self.label,
            "evidence": [e.to_dict() for e in self.evidence],
            "coaching": self.coaching,
            "example": self.example,
            "weak": self.weak,
            "details": dict(self.details),
            "confidence": self.confidence,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            element=str(data["element"]),
            kind=data["kind"],
            found=bool(data["found"]),
            label=str(data.get("label", "")),
            evidence=tuple(Evidence.from_dict(e) for e in data.get("evidence", ())),
            coaching=data.get("coaching"),
            example=data.get("example"),
            weak=bool(data.get("weak", False)),
            details=dict(data.get("details", {})),
            confidence=data.get("confidence"),
        )


@dataclass(frozen=True)
class Delivery:
    """How the answer was spoken. Figures are None where they cannot be known (typed text)."""

    duration_s: float | None
    """Length of the recording(s), seconds."""
    speaking_s: float | None
    """Time spent speaking: from each turn's first to last word, less pauses over 1 s."""
    word_count: int
    """Words spoken, fillers included."""
    words_per_minute: float | None
    """Words per minute over speaking time."""
    filler_count: int
    """Filler words and phrases (um, uh, like, you know...)."""
    fillers_per_minute: float | None
    """Fillers per minute of speaking time."""
    fillers_per_100_words: float
    """Fillers per hundred words."""
    longest_pause_s: float | None
    """Longest silence between two words, seconds."""
    fillers: tuple[str, ...] = ()
    """The fillers heard, in order."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["fillers"] = list(self.fillers)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Delivery:
        data = dict(data)
        data["fillers"] = tuple(data.get("fillers", ()))
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Report:
    """The report card for one drill or one checked text."""

    findings: tuple[Finding, ...]
    """Core elements first (in ``CORE_ELEMENTS`` order), then extras, then pitfalls."""
    delivery: Delivery
    """Delivery figures."""
    voice: Voice | None = None
    """How the answer sounded (pitch, loudness, sentence ends, pace); None for typed text."""

    def finding(self, element: str) -> Finding:
        for f in self.findings:
            if f.element == element:
                return f
        raise KeyError(element)

    @property
    def core(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "core")

    @property
    def extras(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "extra")

    @property
    def pitfalls(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "pitfall")

    @property
    def score(self) -> int:
        """Core elements found, out of four."""
        return sum(1 for f in self.core if f.found)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "elements": {f.element: f.to_dict() for f in self.core},
            "extras": {f.element: f.to_dict() for f in self.extras},
            "pitfalls": {f.element: f.to_dict() for f in self.pitfalls},
            "delivery": self.delivery.to_dict(),
            "voice": self.voice.to_dict() if self.voice is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        findings: list[Finding] = []
        for key in ("elements", "extras", "pitfalls"):
            findings.extend(Finding.from_dict(f) for f in data.get(key, {}).values())
        voice = None
        if data.get("voice"):
            from .voice.records import Voice  # here, not at the top: voice/ imports this module

            voice = Voice.from_dict(data["voice"])
        return cls(findings=tuple(findings), delivery=Delivery.from_dict(data["delivery"]), voice=voice)
