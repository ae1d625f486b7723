"""The interviewer's voice: pyttsx3 renders a line to a WAV, sounddevice plays it.

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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .audio import portaudio, read_wav
from .errors import AudioDeviceError, SpeechError

log = logging.getLogger(__name__)

_engine_lock = threading.Lock()


@dataclass(frozen=True)
class VoiceOptions:
    """How the interviewer sounds."""

    voice: str | None = None
    """A voice id or name from ``voicepractice voices`` (None: an English default)."""
    rate: int = 165
    """Words per minute: a calm phone voice."""


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
    """``(id, name, languages)`` of every voice the engine offers."""
    with _engine_lock:
        engine = _engine()
        return [
            (v.id, v.name, tuple(str(lang) for lang in (v.languages or ())))
            for v in engine.getProperty("voices")
        ]


def _pick_voice(engine: Any, wanted: str | None) -> str | None:
    all_voices = engine.getProperty("voices")
    if wanted:
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


def render(text: str, path: Path, options: VoiceOptions | None = None, timeout_s: float = 30.0) -> Path:
    """Speak ``text`` into the WAV file ``path`` and return it once it is complete."""
    o = options or VoiceOptions()
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


def play(path: Path, device: int | str | None = None) -> None:
    """Play a WAV through the output device and wait until it has been heard."""
    audio, rate = read_wav(path)
    play_samples(audio, rate, device)


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
        raise _no_speaker(device, what_to_do) from exc
    return sd


def _no_speaker(device: int | str | None, what_to_do: str) -> AudioDeviceError:
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


def play_samples(audio: np.ndarray, rate: int, device: int | str | None = None) -> None:
    """Play mono samples and return once they have been heard (Ctrl-C stops at once)."""
    sd = output_device(device)
    data = np.ascontiguousarray(audio, dtype=np.float32).reshape(-1, 1)
    step = max(1, rate // 10)  # write 100 ms at a time, so Ctrl-C is handled within 0.1 s
    try:
        stream = sd.OutputStream(samplerate=rate, channels=1, dtype="float32", device=device, latency=PLAY_LATENCY_S)
        with stream:
            try:
                for i in range(0, len(data), step):
                    stream.write(data[i : i + step])
            except BaseException:
                stream.abort()  # don't play out the buffer after Ctrl-C
                raise
            # Leaving the block stops the stream, which waits until the buffer has played.
    except (ValueError, sd.PortAudioError) as exc:
        raise _no_speaker(device, PICK_OUTPUT) from exc
