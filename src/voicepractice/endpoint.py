"""End of turn: has the person finished their answer, or are they only thinking?

The signals, combined in ``required_silence``:

* how long the silence has lasted (the VAD in ``listen``);
* what the streaming transcript says at the pause: a trailing "and", "so",
  "because", "um" or a word that cannot end a clause ("the", "to", "my"...)
  means not yet, and a goodbye means finished, whatever else is heard;
* **the recogniser's own reading of the last word** (``transcribe._cut_off``):
  Whisper's decoder, which hears the audio and reads the words, is asked how
  likely it would mark the last word as broken off ("I look forward-"). Where
  it is in, it decides: it told real ends from thinking pauses far better than
  the two below (AUC 0.98 against 0.77 and 0.80 on the dev pauses);
* when there is no such reading (the decode found no words), **Smart Turn v3.2**
  (pipecat-ai, BSD-2-Clause), an acoustic model that hears *how* the speech
  ended (a finished sentence, a falling pitch, a question, versus a voice left
  hanging mid-clause; it reads the last 8 s as Whisper log-mel features), with
  the word list's question and thanks and a learned head (``completeness``) that
  reads the last words without their punctuation ("I have five years of
  experience in" versus "I'd love to hear about the next steps").

A turn that looks finished ends after 0.8 s of silence (a question or a goodbye) or
0.9 s (a statement, which more often goes on in another sentence); one that
does not is given several seconds. The Smart Turn file ships inside the
``pipecat-ai`` wheel; it is located without importing pipecat (whose import
pulls in much more than we need) and run with our own onnxruntime session.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .audio import SAMPLE_RATE
from .errors import ModelError

log = logging.getLogger(__name__)

MODEL_FILE = ("audio", "turn", "smart_turn", "data", "smart-turn-v3.2-cpu.onnx")
"""Where the model sits inside the ``pipecat`` package."""
WINDOW_S = 8
"""Smart Turn reads the last 8 s (shorter audio is zero-padded in front)."""

Cue = Literal["finished", "question", "goodbye", "farewell", "handover", "unfinished", "dangling"] | None
"""What the words at a pause say: "question", "goodbye" (a bye itself: "Bye.", "Goodbye now!")
and "farewell" (another closing wish: "Have a great day.", "Take care.", which a bye often
follows) are finished turns of kinds that matter in the last turn; "handover" is a close that says it is over and trails off
("I think that's everything, so..."); "dangling" is a sentence closed on a word that
usually leaves one open ("which I'm quite proud of."), for the decoder's reading to settle."""


@dataclass(frozen=True)
class EndpointOptions:
    """How long to wait at a pause, by how finished the turn looks."""

    quick_s: float = 0.8
    """Silence that ends a turn that looks finished.

    0.5 s until session 20. On the dev sources of bench/endpoint.py, three finished closes
    ended at the pause between their sentences ("Thank you so much for your time today.
    [0.74 s] I'm really excited...", "Thanks again, Donna. [0.77 s] I really enjoyed...",
    "It was great talking to you. [0.70 s] Have a good afternoon."), each losing the rest
    of the answer; 0.8 s keeps them whole (finished answers ended before their last word:
    6 -> 3 of 34; thinking pauses cut 3 -> 2 of 31) for 0.08 s more median wait."""
    statement_s: float = 0.9
    """Silence that ends a turn the voice (or the decoder's reading) says is finished while the
    words do not hand the turn over: a statement or thanks rather than a question or a goodbye.

    A close is several sentences ("Thank you for your time. [0.85 s] I'm very excited about
    the role..."), and the gap between two of them is the pause most often taken for the end:
    people leave 0.8 s or more between their own sentences about a quarter of the time (the
    real recordings of bench/endpoint.py). A question or a goodbye hands the turn over and is
    answered after ``quick_s``; a statement waits a little longer. Session 33, replayed on
    the opened sets (the sweep in docs/measured.md, "Fourteenth pass"): 0.8 -> 0.9 s left
    finished answers ended before their last word 20 -> 7 of 239 and thinking pauses cut 23 ->
    16 of 231, for 0.02-0.16 s more median wait; 1.0 s ended one answer fewer early for 0.06-0.25 s.

    Before: 0.8 s, the same as ``quick_s`` since session 20, and used only when the
    decoder's reading was missing and Smart Turn alone was sure."""
    hold_s: float = 3.5
    """Silence that ends a turn that does not (longer than a thinking pause)."""
    middle_s: float = 1.5
    """Silence that ends a turn the voice is sure is finished (``middle_confident``) while the
    text head reads the words a little unsure (from ``middle_text`` up to ``text_unfinished``):
    read sentences ending on a name, a number or a rare word ("Philip Steels, et cetera.",
    "He could wait no longer.") that the head, trained on interview closes, reads at 0.2-0.5.
    They waited ``hold_s`` until session 20. Chosen on the dev sources (--explain): every
    thinking pause there the text head read that way sounded less sure (0.963-0.967) or read
    lower (0.12-0.18): median wait 1.00 s, p95 3.61 s, 2 of 31 pauses cut with ``quick_s``
    at 0.8 (p95 3.69 s without the tier: it shortens the 3.5 s holds of four dev answers to
    1.5 s, too few to move the p95). First run on the held-out sources and the
    fresh set: docs/measured.md, End of turn, "Sixth pass"."""
    middle_confident: float = 0.97
    """Smart Turn probability at or above which ``middle_s`` replaces the text head's hold."""
    middle_text: float = 0.2
    """...and the text-head probability at or above which it does (below: ``hold_s``)."""
    hold_unfinished_s: float = 5.0
    """...and one whose words are left hanging ("and", "so", "um"): the cap."""
    confident: float = 0.95
    """Smart Turn probability at or above which the turn counts as finished on sound alone
    (0.8 before tuning, the first run below)."""
    lenient: float = 0.3
    """...and at or above which it counts when the words say finished too."""
    text_unfinished: float = 0.5
    """Text-head probability below which the words read unfinished: the turn is held
    ``hold_s`` however the voice sounded (tuned on the dev sources: 0.4 to 0.6 all cut
    2 of 27 thinking pauses there and 0.65 doubled the median wait: the middle)."""
    text_finished: float = 0.8
    """...and at or above which they read finished, like a closing phrase (``quick_s``)."""
    combiner: tuple[float, float, float] | None = None
    """Weights of ``finished_probability`` (Smart Turn logit, text-head logit, bias) to
    decide with instead of the text head's veto; None (the default) keeps the veto.
    ``scripts/train_endpoint.py`` fits them on the dev sources' pauses, (0.3906,
    0.8331, 0.3991): on the dev sources that cut the median wait from 0.92 s to 0.74 s
    at the same 3 cut pauses, but its first run on the held-out sources was worse than
    the veto (median 2.19 s against 1.02 s, 5 of 27 pauses cut against 4;
    bench/results/endpoint_combiner_first_run.md), so it is not the default."""
    finished_at: float = 0.91
    """With ``combiner``: the probability at or above which the turn ends after ``quick_s``
    (else ``hold_s``). Chosen on the dev sources, each recording left out of the fit
    that scores it: 0.90-0.92 cut 3 of 31 thinking pauses at a median wait of 0.71-0.74 s,
    0.85 cut 5, 0.93 nearly tripled the wait (bench/results/endpoint_combiner.md)."""
    cut_off_at: float | None = 0.001
    """The decoder's probability of a hyphen after the last word (``transcribe._cut_off``) at or
    above which the words read cut off mid-sentence: the turn is held ``hold_s``; below it, it
    ends after ``quick_s`` (a question) or ``statement_s`` (a statement). When that reading is
    in, it decides instead of Smart Turn and the text head (a trailing "and" and a goodbye
    still decide first); None turns it off.

    Session 28, on bench/endpoint.py's dev sources (bench/results/endpoint_cutoff_dev.md): at the
    96 labelled pauses (the real end of each recording, and each inserted thinking pause) it
    separates the two with an AUC of 0.98, against 0.77 for Smart Turn and 0.80 for the text head;
    a logistic fit over all three gave Smart Turn no weight (-0.03). Every real end there read
    0.0011 or less but two ("...you can call me Abi." 0.014, "Bye." 0.003: a goodbye ends it
    anyway), and all but two inserted pauses 0.0012 or more, so 0.001. Audio clock, finished
    answers' median / p95 wait and pauses cut, the text-head rule -> this one on the same traces:
    dev (tuned on) 0.98 / 3.61 s, 4 of 31 -> 0.87 / 1.11 s, 2 of 31; first runs, held out: the
    corpus's held-out sources 1.07 / 4.81 s, 4 of 27 -> 0.94 / 3.71 s, 2 of 27, and the 30 fresh
    closes 0.88 / 5.09 s, 11 of 30 -> 0.87 / 5.09 s, 3 of 30, and 30 closes written after it was fixed
    0.91 / 4.59 s, 6 of 29 -> 0.90 / 4.59 s, 3 of 29 (bench/results/endpoint_cutoff_first_run.md,
    endpoint_fresh_cutoff_first_run.md, endpoint_fresh2_first_run.md). The pauses it still cuts follow a complete sentence
    ("What would success look like for this role? [pause] after the first three months?")."""
    sure_cut_off_at: float | None = 0.0004
    """A reading under ``cut_off_at`` but at or above this is a close call: a statement waits
    ``unsure_s`` rather than ``statement_s`` (a question or a goodbye still ``quick_s``);
    None keeps one threshold.

    Session 42 (docs/measured.md, "Twentieth pass"). The pauses still cut follow words that
    read as a complete sentence ("I'm happy. [2 s] to answer anything else you might need").
    In the traces of the eleven opened sets, 14 of the 22 thinking pauses that read under
    0.001 read 0.0004 or more, against 19 of the 260 real ends, and there the voice sounds
    as finished at both (bench/endpoint_ceiling.py). Waiting a little longer in that band
    keeps the 1-2 s thinking pauses and costs those few ends about a second. Replayed on the
    twelve opened sets (tuned on): thinking pauses cut 27 -> 17 of 349; 27 of 357 finished
    answers wait +1.0 s on average; 2 fewer ended before their last word; the corpus median
    1.03 -> 1.09 s, real2's 1.09 -> 1.97 s, fresh7's p95 1.25 -> 2.02 s, nothing else more
    than 0.07 s. 0.0004 with 1.5 s cut 21, with 2.5 s 14 (+1.5 s each); 0.0006 with 2.0 s
    cut 20; questions in the band waiting too, no pause fewer cut and 2 more answers waiting.
    First run on fresh8 and real5 (held out): fresh8 2 -> 1 of 30 cut, real5 0 of 15 either
    way, no median or p95 moved."""
    unsure_s: float = 2.0
    """Silence that ends a statement whose reading is a close call (``sure_cut_off_at``)."""
    check_after_s: float = 0.2
    """Silence after which the acoustic model is asked (as pipecat does, at its VAD's stop)."""
    still_listening_after_s: float = 1.0
    """From this much silence on, the live line says it is still listening."""
    own_pause_margin_s: float | None = 0.2
    """A person who has already paused this long in the answer and gone on is given that pause
    plus this margin (up to ``own_pause_cap_s``) before a pause ends the turn, however finished
    it looks (``own_pause_wait``); None turns it off.

    Some people leave a second between their own sentences. The 31 real recordings of
    bench/endpoint.py --set real (session 30, first run, then opened) showed it: 5 were ended at
    a pause of 0.8-1.9 s after a sentence every signal read as finished ("...Now you can hear
    what I sound like. [0.80 s]", 36 words still to come), and the words after were lost,
    though two of those speakers had already paused 0.64 s and gone on. Replayed on every
    opened set: words lost on the real set 149 -> 54 of 1466, its early ends 5 -> 3; finished
    median +0.00-0.08 s, dev p95 1.11 -> 1.35 s; no thinking pause cut more or less. Learning
    only from pauses that read finished saved 6 words, not 95: a long pause mid-sentence says
    as much about how the person speaks. The margin and the cap were set on those sets; first
    runs on the unopened ones (real2, 26 more recordings; fresh4, 30 closes): words lost 373 ->
    290 of 1304 and 27 -> 23 of 720, median 0.89 -> 0.93 s and 0.88 -> 0.89 s, pauses cut
    unchanged (5 of 24, 2 of 30)."""
    own_pause_cap_s: float = 1.5
    """The longest wait ``own_pause_margin_s`` asks for (the p95 the issue wants from the last word
    to the report): a long thinking pause earlier does not make every later end slow."""
    last_turn: bool = False
    """No interviewer line follows, so nothing could reopen an answer ended too early:
    only a bye ends it after ``quick_s``; another farewell or a question waits ``farewell_s``,
    and anything else ``hold_s`` (thanks often opens a close: "Thank you for your time.
    [pause] I'm very interested...")."""
    farewell_s: float = 1.5
    """In the last turn, silence that ends a goodbye other than a bye ("Have a great day.",
    "Take care.", "Talk soon."): a "Bye." often follows it. The drill's own goodbye fixture,
    in the natural voice, pauses 0.85 s between "Have a great day." and "Bye."; after
    ``quick_s`` (0.8 s) a one-turn drill ended the answer there and the "Bye." was never
    heard (session 46). A question there gets no answer either, and often a "Thanks, bye."
    after it (it waited ``statement_s``, 0.9 s, before). Nothing waits on this end but the
    report: no interviewer replies."""


# ---------------------------------------------------------------- the acoustic model


def model_path() -> Path:
    """The Smart Turn ONNX file inside the installed pipecat-ai package (not imported)."""
    spec = importlib.util.find_spec("pipecat")  # a top-level name: found without running its code
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the end-of-turn model needs the pipecat-ai package: run `make install`")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*MODEL_FILE)
    if not path.is_file():
        raise ModelError(f"pipecat-ai holds no {path.name}: reinstall it (pip install 'pipecat-ai>=1.14,<2')")
    return path


class TurnModel:
    """Smart Turn v3.2 on one onnxruntime session with one thread (the other core decodes)."""

    def __init__(self, path: Path) -> None:
        try:
            # The package first, so this thread waits while another one is still importing it;
            # importing the submodule straight away can take its lock mid-way and end in
            # _DeadlockError (seen when the judge and the model loader started together).
            import faster_whisper  # noqa: F401
            import onnxruntime as ort
            from faster_whisper.feature_extractor import FeatureExtractor
        except ImportError as exc:
            raise ModelError("the end-of-turn model needs onnxruntime and faster-whisper: run `make install`") from exc
        so = ort.SessionOptions()
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.inter_op_num_threads = 1
        so.intra_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.enable_cpu_mem_arena = False  # the arena kept every run's activations: 10 MB more in a drill
        so.enable_mem_pattern = False
        try:
            self._session = ort.InferenceSession(str(path), sess_options=so, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise ModelError(f"cannot load the end-of-turn model {path}: {exc}") from exc
        self._features = FeatureExtractor(feature_size=80, chunk_length=WINDOW_S)
        self._lock = threading.Lock()  # one run at a time: the session has one thread

    def features(self, audio: np.ndarray) -> np.ndarray:
        """Whisper log-mel features (80 x 800) of the last 8 s, as Smart Turn was trained on.

        The window is zero-padded in front, then normalised to zero mean and unit
        variance over the whole 8 s (pipecat's ``local_smart_turn_v3.py`` pads
        before its ``_whisper_features`` normalises); faster-whisper's extractor
        without its own padding then yields exactly the 800 frames the model takes.
        """
        n = WINDOW_S * SAMPLE_RATE
        x = np.asarray(audio, dtype=np.float32)[-n:]
        if x.size < n:
            x = np.pad(x, (n - x.size, 0))
        x = (x - x.mean()) / np.sqrt(x.var() + 1e-7)
        return np.asarray(self._features(x, padding=0), dtype=np.float32)

    def probability(self, audio: np.ndarray) -> float:
        """How likely the speech in ``audio`` (16 kHz, ending now) is a finished turn."""
        feats = self.features(audio)[None, :, :]
        with self._lock:
            out = self._session.run(None, {"input_features": feats})
        return float(np.asarray(out[0]).reshape(-1)[0])


@lru_cache(maxsize=1)
def load_turn_model() -> TurnModel:
    """The one Smart Turn session of this process."""
    return TurnModel(model_path())


def preload_turn_model() -> threading.Thread:
    """Load the model in the background (while the interviewer speaks); errors surface at first use."""

    def run() -> None:
        try:
            load_turn_model().probability(np.zeros(SAMPLE_RATE, np.float32))
        except ModelError as exc:
            log.debug("end-of-turn model not available: %s", exc)

    thread = threading.Thread(target=run, name="turn-model-load", daemon=True)
    thread.start()
    return thread


# ---------------------------------------------------------------- what the words say

_GOODBYE_END = re.compile(
    r"((good)?bye( now)?|take care|have a (great|good|nice|lovely) (day|one|evening|weekend|afternoon|morning|night)|"
    r"talk (to you )?soon|(?<!to )see you)$"
)
"""Goodbyes. "See you" is one, but not "(glad|nice|good) to see you", a greeting that opens a
sentence as often as it ends one ("Lord, I'm glad to see you [pause] again, Phil.")."""

_BYE_END = re.compile(r"\b(good)?bye( bye)?( now| for now)?$")
"""A goodbye that is the last word of a call: nothing usually follows a "bye"."""


PARTING: tuple[Cue, ...] = ("goodbye", "farewell")
"""The cues that end a call: before the last turn both hand it over at once."""


def _goodbye(words: list[str]) -> Cue:
    """A goodbye's cue: a bye itself ("Bye.", "Goodbye now!", "Bye-bye."), or another farewell."""
    return "goodbye" if _BYE_END.search(" ".join(words[-4:])) else "farewell"


_FINISHED_END = re.compile(
    r"(thank(s| you)( (so|very) much)?( for (your|the) time( today)?)?|"
    r"(great|nice|good) (talking|speaking) (to|with) you|"
    r"cheers|that'?s (all|it)( from me)?|"
    r"i appreciate it|appreciate (it|your time))$"
)
"""Other closings that finish a turn when they come last (``transcript_cue`` asks ``_GOODBYE_END``
first, so the goodbyes are not repeated here)."""

_HANDOVER_END = re.compile(
    r"(that'?s (pretty much |about |just |really )?(all|it|everything)|"
    r"i'?ve (covered|asked|said) (everything|it all|all|what i (wanted|needed|had) to (say|ask|cover))|"
    r"(nothing|no) (else|more)( to add| questions)?)"
    r"( i (wanted|want|had|have|needed|need) to (ask|say|add|cover))?"
    r"( (from|for|on) (me|my side|my end|my part|now|today))?$"
)
"""A person saying their turn is over: "that's everything (I wanted to ask)", "I've covered
what I wanted to say", "nothing else from me"."""

_TRAIL_OFF = frozenset("so and but or yeah um uh anyway".split())
"""Words a close can trail off on after saying it is over ("...that's about it from my side, so...")."""

_UNFINISHED_LAST = frozenset(
    """
    and or but so because cause cuz since although though whereas if unless until whether
    plus um uh er erm hmm basically
    the a an my your our their his her its these those some every each
    to of at with from by into onto between during than
    i we they he she i'm i've i'd i'll we're we've we'd they're it's there's
    very really quite just
    """.split()
)
"""Words a sentence does not end on: a conjunction, a filler, an article, a preposition..."""

_CAN_CLOSE = frozenset(
    """
    to of at with from by into onto between
    her his its these those some each
    though since really quite basically
    """.split()
)
"""The words of ``_UNFINISHED_LAST`` a sentence can still end on: a stranded preposition
("something I'm proud of."), an object pronoun ("I'd love to meet her."), a closing adverb
("It was fun, though."). When the recogniser closed the sentence after one of them, the
words alone cannot tell a finished sentence from a pause before the rest."""

_WORD = re.compile(r"[a-z']+")


def transcript_cue(text: str) -> Cue:
    """What the words at a pause say about the turn: finished, unfinished, or nothing."""
    stripped = text.strip().lower()
    if not stripped:
        return None
    if stripped.endswith("?"):
        # A question hands the turn over, unless the recogniser heard it trail off first
        # ("Is it possible to speak with some...?"): the voice stopped mid-question.
        return "unfinished" if stripped[:-1].rstrip().endswith(("...", "…")) else "question"
    words = _WORD.findall(stripped)
    if stripped.endswith("!") and _GOODBYE_END.search(" ".join(words[-8:])):
        return _goodbye(words)
    said = list(words)
    while said and said[-1] in _TRAIL_OFF:
        said.pop()
    if len(said) < len(words) and _HANDOVER_END.search(" ".join(said[-12:])):
        return "handover"  # "I think that's everything I wanted to ask, so...": a trail-off that yields
    if stripped.endswith((",", "...", "…", "-", "–", "—")):
        return "unfinished"
    if not words:
        return None
    tail = " ".join(words[-8:])
    if _GOODBYE_END.search(tail):
        return _goodbye(words)
    if _FINISHED_END.search(tail):
        return "finished"
    if words[-1] in _UNFINISHED_LAST:
        return "dangling" if words[-1] in _CAN_CLOSE and stripped.endswith((".", "!")) else "unfinished"
    return None


# ---------------------------------------------------------------- the decision


def _logit(p: float) -> float:
    p = min(max(p, 1e-3), 1 - 1e-3)  # the models say 0.999 and 0.001: keep one signal from drowning the other
    return math.log(p / (1 - p))


def finished_probability(probability: float, complete: float, o: EndpointOptions) -> float:
    """P(the turn is over) from Smart Turn's probability, the text head's and the word list.

    A soft sum in logit space instead of a veto: a voice that sounds very finished
    (0.98) can carry words the text head reads as a little unsure (0.4), as read
    sentences ending on a name or a number do ("You can call me Abi."), while a
    hanging voice and unsure words together hold the turn.
    """
    assert o.combiner is not None
    w_sound, w_text, bias = o.combiner
    z = w_sound * _logit(probability) + w_text * _logit(complete) + bias
    return 1.0 / (1.0 + math.exp(-z))


def required_silence(
    probability: float | None,
    cue: Cue,
    o: EndpointOptions,
    complete: float | None = None,
    cut_off: float | None = None,
) -> float:
    """Seconds of silence after which the turn ends, given what the model and the words say.

    ``probability`` is Smart Turn's, ``cue`` the word list's, ``complete`` the text
    head's, ``cut_off`` the decoder's reading of the last word (None: not available).
    A hanging "and" or "the" holds the turn however the voice sounded, because an
    unfinished sentence is what a thinking pause looks like, unless the words before it
    said the turn was over ("that's everything, so..."); a goodbye or a farewell ends it.
    Then the decoder's reading decides when it is in (``cut_off_at``; a statement read just
    under it, ``sure_cut_off_at``, waits ``unsure_s``); it alone can
    release a "dangling" sentence ("...which I'm quite proud of."), which otherwise
    holds like a hanging word. Without it: an exact closing cue (a question mark,
    thanks) ends the turn quickly unless the voice hangs; then the text head vetoes
    (``text_unfinished``; ``middle_s`` instead of ``hold_s`` when the voice is very sure
    and the words only a little unsure) or, with ``combiner`` set, the combined
    ``finished_probability`` decides.
    """
    at = None if o.last_turn else o.cut_off_at
    reads_finished = None if cut_off is None or at is None else cut_off < at  # the decoder's verdict, when in
    if cue == "unfinished" or (cue == "dangling" and not reads_finished):
        return o.hold_unfinished_s
    if cue == "handover" and not o.last_turn:  # the words say the turn is over, however the voice trails off
        return o.quick_s
    if o.last_turn:
        return {"goodbye": o.quick_s, "farewell": o.farewell_s, "question": o.farewell_s}.get(cue or "", o.hold_s)
    if reads_finished is not None:
        if cue in PARTING or (reads_finished and cue == "question"):
            return o.quick_s
        if not reads_finished:
            return o.hold_s
        close_call = o.sure_cut_off_at is not None and cut_off is not None and cut_off >= o.sure_cut_off_at
        return o.unsure_s if close_call else o.statement_s
    sound_ok = probability is None or probability >= o.lenient
    if sound_ok and cue is not None:
        return o.quick_s
    if o.combiner is not None and probability is not None and complete is not None:
        return o.quick_s if finished_probability(probability, complete, o) >= o.finished_at else o.hold_s
    if complete is not None and complete < o.text_unfinished:
        if probability is not None and probability >= o.middle_confident and complete >= o.middle_text:
            return o.middle_s  # a sure voice, words a little unsure: a read line ending on a name
        return o.hold_s
    if sound_ok and complete is not None and complete >= o.text_finished:
        return o.quick_s
    if probability is not None and probability >= o.confident:
        return o.statement_s
    return o.hold_s


def own_pause_wait(wait: float, went_on_s: float, o: EndpointOptions) -> float:
    """``wait``, lengthened for a person who has paused ``went_on_s`` in this answer and gone on."""
    if o.own_pause_margin_s is None or went_on_s <= 0:
        return wait
    return max(wait, min(o.own_pause_cap_s, went_on_s + o.own_pause_margin_s))


@dataclass(frozen=True)
class PauseVerdict:
    """What the judge made of one pause (for the bench and the logs)."""

    speech_end: float
    """Seconds into the answer where the speech before the pause ended."""
    probability: float | None
    """Smart Turn's probability that the turn is finished (None: model unavailable)."""
    text: str | None
    """The transcript up to the pause (None: not decoded yet)."""
    cue: Cue
    complete: float | None
    """The text head's probability that the words end a complete utterance (None: no words or no head)."""
    wait_s: float
    """Silence required before the turn ends."""
    cut_off: float | None = None
    """The decoder's probability that the last word was cut off (None: not read)."""


class EndOfTurn:
    """Judges each pause of one answer; ``listen`` asks it after every VAD window of silence.

    ``transcript`` returns the words heard up to a given speech end once they are
    decoded (None while they are not): the judge waits for them before ending a
    turn early, so when it fires the report's words are ready too. ``cut_off``
    gives the decoder's reading of those words' end once they are in
    (``LiveTranscription.cut_off_through``; None: none). ``complete`` reads the
    words (``completeness.complete_probability`` unless given; None leaves the text
    head out). Smart Turn is asked only when there is no decoder reading to go on.
    """

    def __init__(
        self,
        options: EndpointOptions | None = None,
        model: TurnModel | None | Literal["load"] = "load",
        transcript: Callable[[float], str | None] | None = None,
        complete: Callable[[str], float | None] | None | Literal["load"] = "load",
        cut_off: Callable[[float], float | None] | None = None,
        went_on_s: float = 0.0,
    ) -> None:
        self.options = options or EndpointOptions()
        self.went_on_s = went_on_s
        """The longest pause in this answer after which the person went on (``own_pause_wait``);
        a reopened answer starts from the pause it was judged finished at."""
        self._silence = 0.0
        self._model_arg = model
        self.transcript = transcript
        self.cut_off = cut_off
        if complete == "load":
            from .completeness import complete_probability

            complete = complete_probability
        self._complete_fn = complete
        self._complete: tuple[str, float | None] | None = None  # (words, their probability): read once per pause
        self.pauses: list[PauseVerdict] = []
        """The pause that ended the turn (one entry; more when a caller keeps judging)."""
        self.trace: list[tuple[float, float | None, str | None, float | None, float | None]] = []
        """Every pause judged: (speech end, probability, words so far, text-head probability,
        the decoder's cut-off reading), for the benchmark and the logs."""
        self._speech_end: float | None = None
        self._probability: float | None = None
        self._cut_off: float | None = None
        self._asked = False

    def _model(self) -> TurnModel | None:
        if self._model_arg == "load":
            try:
                self._model_arg = load_turn_model()
            except ModelError as exc:
                log.warning("%s; ending turns on the words and silence alone", exc)
                self._model_arg = None
        return self._model_arg if isinstance(self._model_arg, TurnModel) else None

    def speech(self) -> None:
        """The person is speaking (again): any pending judgement is void."""
        if self._speech_end is not None:
            self.went_on_s = max(self.went_on_s, self._silence)
        self._speech_end = None
        self._asked = False
        self._silence = 0.0

    def should_end(self, silence_s: float, speech_end: float, audio: Callable[[], np.ndarray]) -> bool:
        """True when ``silence_s`` of silence after speech ending at ``speech_end`` ends the turn.

        ``audio`` gives the answer so far, for the acoustic model (asked once per pause).
        """
        o = self.options
        if self._speech_end != speech_end:
            self._speech_end, self._asked, self._probability, self._cut_off = speech_end, False, None, None
        self._silence = silence_s
        if silence_s < o.check_after_s:
            return False
        text = self.transcript(speech_end) if self.transcript else ""
        if not self._asked and text is not None:
            # Asked once the pause's words are in, not while they are being decoded: the
            # model's 0.1 s of CPU beside the decode on two cores delayed the words by about
            # as much, and Enter waits for those words. No end comes before the words anyway.
            self._asked = True
            if self.cut_off is not None and o.cut_off_at is not None and not o.last_turn and text.strip():
                self._cut_off = self.cut_off(speech_end)
            if self._cut_off is None:
                model = self._model()
                self._probability = model.probability(audio()) if model else None
        if silence_s < o.quick_s:
            return False
        if not self.trace or self.trace[-1][0] != speech_end:
            self.trace.append((speech_end, self._probability, None, None, self._cut_off))
        if silence_s >= o.hold_unfinished_s:
            self._record(None, None, o.hold_unfinished_s)
            return True
        if text is None:
            return False  # the words are still being decoded: ending now would make the report wait
        cue = transcript_cue(text)
        if (
            o.combiner is None
            and self._probability is not None
            and self._probability < o.lenient
            and silence_s < o.hold_s
            and cue not in PARTING  # a lone "Bye." after a pause sounds unfinished to Smart Turn (0.006)
        ):
            return False  # sounds unfinished: whatever the words say, hold on
        complete = self._completeness(text) if self._cut_off is None else None
        if self.trace[-1][2] is None:
            self.trace[-1] = (speech_end, self._probability, text, complete, self._cut_off)
        wait = required_silence(self._probability, cue, o, complete, self._cut_off)
        wait = own_pause_wait(wait, self.went_on_s, o)
        if silence_s >= wait:
            self._record(text, cue, wait, complete)
            return True
        return False

    def _completeness(self, text: str) -> float | None:
        if self._complete_fn is None or not text.strip():
            return None
        if self._complete is None or self._complete[0] != text:
            self._complete = (text, self._complete_fn(text))  # a few ms; once per pause, not per block
        return self._complete[1]

    def _record(self, text: str | None, cue: Cue, wait: float, complete: float | None = None) -> None:
        assert self._speech_end is not None
        self.pauses.append(PauseVerdict(self._speech_end, self._probability, text, cue, complete, wait, self._cut_off))

    def still_listening(self, silence_s: float) -> bool:
        """A long pause: tell the person the answer is still open."""
        return silence_s >= self.options.still_listening_after_s

    def describe(self) -> dict[str, Any]:
        last = self.pauses[-1] if self.pauses else None
        if last is None:
            return {}
        return {
            "probability": last.probability,
            "cut_off": last.cut_off,
            "cue": last.cue,
            "complete": last.complete,
            "wait_s": last.wait_s,
        }
