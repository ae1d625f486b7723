"""The interviewer's voice: a line rendered to a WAV, sounddevice plays it.

Two kinds of voice speak. The natural voice (``natural.py``: hibari-tts, in the
wheel) is the default wherever it loads; the system voices come through pyttsx3
(espeak-ng on Linux, NSSpeech on macOS, SAPI5 on Windows) and are also the
fallback when the natural voice cannot load: one warning, never a failure.

pyttsx3's ``save_to_file`` has two traps on Linux (espeak driver):

* it can return from ``runAndWait`` before the file is written (reported in
  nateshmbhat/pyttsx3 issues #7 and #235): we wait for the engine's
  ``finished-utterance`` notification *and* for a complete, parseable WAV, and
  render once more if it still is not there;
* the espeak driver prints "Audio saved to ..." on stdout, which would corrupt
  ``--json`` output: stdout is redirected while it runs.

espeak can be initialised only once per process, so the engine is cached.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import logging
import os
import tempfile
import threading
import time
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from . import natural
from .audio import portaudio, read_wav
from .errors import AudioDeviceError, SpeechError
from .phoneline import Line

log = logging.getLogger(__name__)

_engine_lock = threading.Lock()


SYSTEM = "system"
"""``--voice system``: the system's default English voice (pyttsx3)."""


@dataclass(frozen=True)
class VoiceOptions:
    """How the interviewer sounds."""

    voice: str | None = None
    """A voice id or name from ``voicepractice voices`` (None: the natural voice)."""
    rate: int = 165
    """Words per minute: a calm phone voice."""
    line: Line | None = None
    """"phone" or "clean" (None: what the scenario says; every shipped one is a phone call)."""


@dataclass(frozen=True)
class VoiceInfo:
    """One voice ``--voice`` can pick."""

    id: str
    name: str
    languages: tuple[str, ...]
    kind: str
    """"natural" (hibari, in the package) or "system" (pyttsx3)."""
    default: bool = False


@dataclass(frozen=True)
class Rendered:
    """A line of speech in memory."""

    audio: np.ndarray
    rate: int
    voice: str
    """The id of the voice that actually spoke (the system voice after a fallback)."""
    fallback: str | None = None
    """Why the natural voice did not speak, when it was asked for and could not load."""


NATURAL_INFO = VoiceInfo(
    natural.VOICE, "Heart: natural American English voice (hibari-tts, from Kokoro-82M)", ("en-us",), "natural", True
)


@lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        import pyttsx3
    except ImportError as exc:
        raise SpeechError("pyttsx3 is not installed: run `make install`") from exc
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            engine = pyttsx3.init()
        # Let the engine go while Python is still whole: its __del__ at interpreter
        # shutdown finds its modules gone and prints an ignored exception.
        atexit.register(_engine.cache_clear)
        return engine
    except Exception as exc:  # espeak-ng missing: OSError / RuntimeError from the driver
        raise SpeechError(
            f"the text-to-speech engine did not start ({exc}): install espeak-ng (apt) "
            "or use macOS/Windows, which ship a voice"
        ) from exc


def voices() -> list[tuple[str, str, tuple[str, ...]]]:
    """``(id, name, languages)`` of every system voice pyttsx3 offers."""
    with _engine_lock:
        engine = _engine()
        return [
            (v.id, v.name, tuple(str(lang) for lang in (v.languages or ())))
            for v in engine.getProperty("voices")
        ]


def all_voices(show_all: bool = False) -> list[VoiceInfo]:
    """The natural voice first (the default), then the system voices (English ones unless ``show_all``).

    With no working system engine only the natural voice is listed.
    """
    found = [NATURAL_INFO]
    try:
        system = voices()
    except SpeechError as exc:
        log.info("no system voices: %s", exc)
        return found
    for vid, name, langs in system:
        english = any(lang.lower().startswith("en") for lang in langs) or "english" in name.lower()
        if show_all or english:
            found.append(VoiceInfo(vid, name, langs, "system"))
    return found


def check_voice(wanted: str | None) -> str:
    """The id of the voice ``wanted`` names; SpeechError listing the choices when there is none."""
    if natural.is_natural(wanted):
        return natural.VOICE
    assert wanted is not None
    if wanted.strip().lower() == SYSTEM:
        return SYSTEM
    with _engine_lock:
        picked = _find_system_voice(_engine(), wanted)
    if picked is None:
        system = [v.id for v in all_voices() if v.kind == "system"]
        raise SpeechError(
            f"no voice {wanted!r}; choose one of: {natural.VOICE} (the natural voice, the default), "
            f"{', '.join([SYSTEM, *system])}; "
            "`voicepractice voices --all` lists every system voice"
        )
    return picked


def _find_system_voice(engine: Any, wanted: str) -> str | None:
    for v in engine.getProperty("voices"):
        if wanted in (v.id, v.name) or wanted.lower() == str(v.name).lower():
            return str(v.id)
    return None


def _pick_voice(engine: Any, wanted: str | None) -> str | None:
    all_voices = engine.getProperty("voices")
    if wanted and wanted != SYSTEM:
        for v in all_voices:
            if wanted in (v.id, v.name) or wanted.lower() == str(v.name).lower():
                return str(v.id)
        raise SpeechError(f"no voice {wanted!r}: see `voicepractice voices`")
    for preferred in ("gmw/en-US", "gmw/en-us", "en-us", "gmw/en"):
        for v in all_voices:
            if v.id == preferred:
                return str(v.id)
    return None


def _complete_wav(path: Path) -> bool:
    """True when ``path`` is a WAV whose header and data are all there."""
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes() > 0 and path.stat().st_size >= 44 + w.getnframes() * w.getsampwidth()
    except (OSError, EOFError, wave.Error):
        return False


_fallback_warned = False


def synthesize(text: str, options: VoiceOptions | None = None) -> Rendered:
    """``text`` spoken by the chosen voice, clean (no phone line); the system voice if the natural one fails."""
    o = options or VoiceOptions()
    fallback = None
    if natural.is_natural(o.voice):
        try:
            return Rendered(natural.synthesize(text, o.rate), natural.SAMPLE_RATE, natural.VOICE)
        except SpeechError as exc:
            fallback = f"{exc}; the system voice speaks instead"
            o = replace(o, voice=SYSTEM)
    with tempfile.TemporaryDirectory(prefix="voicepractice-tts-") as tmp:
        audio, rate = read_wav(render_system(text, Path(tmp) / "line.wav", o))
    return Rendered(audio, rate, o.voice or SYSTEM, fallback)


def render(text: str, path: Path, options: VoiceOptions | None = None) -> Path:
    """Speak ``text`` (clean, no phone line) into the WAV file ``path`` and return it.

    When the natural voice cannot load, the system voice speaks and one warning is logged.
    """
    global _fallback_warned
    from .audio import write_wav

    rendered = synthesize(text, options)
    if rendered.fallback and not _fallback_warned:
        _fallback_warned = True
        log.warning("%s", rendered.fallback)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_wav(path, rendered.audio, rendered.rate)


def render_system(text: str, path: Path, options: VoiceOptions | None = None, timeout_s: float = 30.0) -> Path:
    """Speak ``text`` with a system voice (pyttsx3) into the WAV file ``path``; return it once it is complete."""
    o = options or VoiceOptions(voice=SYSTEM)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _engine_lock:
        engine = _engine()
        voice = _pick_voice(engine, o.voice)
        for attempt in (1, 2):
            fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".tts-", suffix=".wav")
            os.close(fd)
            tmp = Path(tmp_name)
            tmp.unlink()  # the engine creates it; its absence is how we see it has not
            done = threading.Event()
            token = engine.connect("finished-utterance", lambda name, completed, done=done: done.set())
            try:
                _settle(engine)
                _set(engine, "voice", voice)
                _set(engine, "rate", o.rate)
                _settle(engine)
                # The driver may finish (and print) after runAndWait returns: keep stdout
                # redirected until the file is complete.
                with contextlib.redirect_stdout(io.StringIO()):
                    engine.save_to_file(text, str(tmp))
                    engine.runAndWait()
                    deadline = time.monotonic() + timeout_s
                    while time.monotonic() < deadline and not (done.is_set() and _complete_wav(tmp)):
                        time.sleep(0.01)
            except Exception as exc:
                tmp.unlink(missing_ok=True)
                raise SpeechError(f"the text-to-speech engine failed: {exc}") from exc
            finally:
                engine.disconnect(token)
                _reset_save_target(engine)
            if _complete_wav(tmp):
                os.chmod(tmp, 0o600)
                os.replace(tmp, path)
                return path
            tmp.unlink(missing_ok=True)
            log.warning("TTS returned without writing %s (attempt %d)", path.name, attempt)
    raise SpeechError("the text-to-speech engine returned no audio twice: check `voicepractice doctor`")


def _settle(engine: Any) -> None:
    """Wait until espeak has finished every earlier command.

    pyttsx3 runs espeak in its asynchronous retrieval mode: the previous
    utterance's tail can still be in espeak's queue when we set the next rate,
    and the rate then landed on the wrong utterance (seen as a flaky test).
    """
    module = getattr(getattr(getattr(engine, "proxy", None), "_driver", None), "__module__", "")
    if module.endswith(".espeak"):
        from pyttsx3.drivers import _espeak

        _espeak.Synchronize()


def _set(engine: Any, name: str, value: object) -> None:
    """Set a voice property now, not through pyttsx3's command queue.

    While the previous utterance's late finish notification is still pending
    the engine counts as busy and queues setProperty behind the next
    save_to_file, so a render could come out at the previous rate.
    """
    if value is None:
        return
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    if driver is not None and hasattr(driver, "setProperty"):
        driver.setProperty(name, value)
    else:
        engine.setProperty(name, value)


def _reset_save_target(engine: Any) -> None:
    # The espeak driver keeps the last save_to_file target and would overwrite it
    # on the next say(); clear it so every render starts clean.
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    if driver is not None and hasattr(driver, "_save_file"):
        driver._save_file = None


def play(
    path: Path, device: int | str | None = None, on_start: Callable[[], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> bool:  # fmt: skip
    """Play a WAV through the output device and wait until it has been heard (see play_samples)."""
    audio, rate = read_wav(path)
    return play_samples(audio, rate, device, on_start, stop)


PICK_OUTPUT = "pick one with --output (see `voicepractice devices`)"


def output_device(device: int | str | None, what_to_do: str = PICK_OUTPUT, instead: str = "") -> Any:
    """sounddevice, once ``device`` is known to be a usable output.

    Otherwise a one-line AudioDeviceError ending in ``what_to_do`` (``instead`` is
    offered when PortAudio itself is missing).
    """
    sd = portaudio(instead)
    try:
        sd.query_devices(device, kind="output")
    except (ValueError, sd.PortAudioError) as exc:
        raise no_speaker(device, what_to_do) from exc
    return sd


def no_speaker(device: int | str | None, what_to_do: str) -> AudioDeviceError:
    """The one-line error for an output that is missing or will not open, ending in ``what_to_do``."""
    return AudioDeviceError(
        "no speaker or headphones found" + (f" matching {device!r}" if device is not None else "") + f": {what_to_do}"
    )


PLAY_LATENCY_S = 0.5
"""Output buffer. ALSA's pulse plugin offers about 35 ms as its "high" latency: with
sd.play's Python callback refilling it while the model loads in another thread (and
holds the GIL), the buffer ran dry and ALSA printed "underrun occurred" over the
drill screen. Half a second of buffer, fed by blocking writes that run in C, played
with no underrun under two GIL-bound threads and a load average of 17, where sd.play
underran about 15 times per line. An interviewer's voice starting 0.5 s later is not
felt."""


def play_samples(
    audio: np.ndarray, rate: int, device: int | str | None = None, on_start: Callable[[], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> bool:  # fmt: skip
    """Play mono samples and return once they have been heard (Ctrl-C stops within 0.1 s).

    ``on_start`` is called once the first 100 ms are with the device, i.e. the sound has started.
    ``stop`` is asked between writes (every 100 ms): when it says so, the sound stops at once,
    what is still in the device's buffer dropped, and False is returned (True: played to the end).
    """
    sd = output_device(device)
    data = np.ascontiguousarray(audio, dtype=np.float32).reshape(-1, 1)
    step = max(1, rate // 10)  # write 100 ms at a time, so Ctrl-C is handled within 0.1 s
    played = True
    with _ctrl_c_between_writes() as pressed:
        try:
            stream = sd.OutputStream(samplerate=rate, channels=1, dtype="float32", device=device, latency=PLAY_LATENCY_S)
            with stream:
                try:
                    for i in range(0, len(data), step):
                        if pressed.is_set() or (stop is not None and stop()):
                            played = False
                            break
                        stream.write(data[i : i + step])
                        if on_start is not None and i == 0:
                            on_start()
                except BaseException:  # Ctrl-C where another handler owns it
                    stream.abort()
                    raise
                if not played:
                    stream.abort()  # don't play out the buffer after Ctrl-C or a stop
                # Leaving the block stops the stream, which waits until the buffer has played.
        except (ValueError, sd.PortAudioError) as exc:
            raise no_speaker(device, PICK_OUTPUT) from exc
    if pressed.is_set():
        raise KeyboardInterrupt
    return played


@contextlib.contextmanager
def _ctrl_c_between_writes() -> Iterator[threading.Event]:
    """Ctrl-C while a line plays sets an event instead of raising wherever Python happens to be.

    A KeyboardInterrupt raised inside sounddevice (opening, writing or closing the stream) can
    leave a PortAudio stream half made or never closed; here the stream is aborted and closed
    first, and the interrupt raised after. Only in the main thread with Python's own handler
    in place (elsewhere a signal handler cannot be set, or someone else owns Ctrl-C); where
    Ctrl-C is ignored from the start (a script's `drill &`), SIGTERM and SIGHUP set the event.
    """
    import signal

    from . import stop

    pressed = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield pressed
        return
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # Ctrl-C ignored (`drill &`): SIGTERM's path
        with stop.on_stop(pressed.set):
            yield pressed
        return
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield pressed
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.set())
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)
