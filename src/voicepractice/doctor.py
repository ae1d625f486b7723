"""`voicepractice doctor`: check the whole chain and say what to fix.

Each check returns a ``Check`` with a one-line result and, when it fails, one
line saying what to do. Nothing here touches the network.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import VoicePracticeError

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    """The result of one check."""

    name: str
    status: Status
    detail: str
    """What was found."""
    fix: str | None = None
    """What to do about it (for warn and fail)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_tts(voice: str | None, rate: int = 165) -> Check:
    """Which voice will speak, and that it does."""
    from .audio import load_audio
    from .speak import VoiceOptions, check_voice, synthesize

    try:
        wanted = check_voice(voice)
        t0 = time.perf_counter()
        rendered = synthesize("Testing, one two three.", VoiceOptions(voice=voice, rate=rate))
        seconds = rendered.audio.size / rendered.rate
        took = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            from .audio import write_wav

            load_audio(write_wav(Path(tmp) / "t.wav", rendered.audio, rendered.rate))  # it decodes, too
    except VoicePracticeError as exc:
        return Check("text-to-speech", "fail", str(exc), "run `make install` (and install espeak-ng on Linux), or pick another --voice")
    who = _voice_name(rendered.voice)
    if rendered.fallback:
        return Check("text-to-speech", "warn", f"{who} will speak: {rendered.fallback}", "reinstall the natural voice: `make install`")
    chosen = "the default" if voice is None else f"--voice {wanted}"
    return Check("text-to-speech", "ok", f"{who} will speak ({chosen}); rendered {seconds:.1f} s of speech in {took:.2f} s")


def _voice_name(voice_id: str) -> str:
    from . import natural

    if voice_id == natural.VOICE:
        return "the natural voice heart (hibari-tts)"
    return f"the system voice {voice_id} (pyttsx3)"


def _no_output(device: int | str | None, exc: Exception) -> str:
    """Why there is no speaker, in words: PortAudio's own for a missing device ("Error querying
    device -1": -1 is its "no device", the system has no default) said as "no speaker or
    headphones found"; anything else (no PortAudio at all) kept, since it says what is wrong."""
    if isinstance(exc, OSError):
        return f"no audio output ({exc})"
    return "no speaker or headphones found" + (f" matching {device!r}" if device is not None else "")


def check_output(device: int | str | None, play: bool) -> Check:
    try:
        import sounddevice as sd

        info = sd.query_devices(device, kind="output")
    except Exception as exc:  # OSError (no PortAudio), ValueError/PortAudioError (no device)
        return Check("speaker", "fail", _no_output(device, exc), "plug in headphones or pick one with --output; `voicepractice devices` lists them")
    if play:
        from .audio import tone
        from .speak import play_samples

        try:
            play_samples(tone(660, 0.25), 22_050, device)
        except VoicePracticeError as exc:
            return Check("speaker", "fail", str(exc), "pick another with --output")
    return Check("speaker", "ok", f"{info['name']}" + (" (you should have heard a tone)" if play else ""))


def check_microphone(device: int | str | None, seconds: float) -> Check:
    import numpy as np

    from .audio import level, speakers_monitor
    from .listen import microphone_blocks

    monitor = speakers_monitor(device)
    if monitor:
        return Check("microphone", "fail", monitor.problem, monitor.fix)
    try:
        blocks = []
        t_end = time.monotonic() + seconds
        for block in microphone_blocks(device):
            blocks.append(block)
            if time.monotonic() >= t_end:
                break
    except VoicePracticeError as exc:
        return Check("microphone", "fail", str(exc), "plug in a microphone or pick one with --input")
    except Exception as exc:  # the device vanished mid-check
        return Check("microphone", "fail", f"the microphone stopped delivering sound ({type(exc).__name__})", "check the cable or pick another with --input")
    lv = level(np.concatenate(blocks) if blocks else np.zeros(0, np.float32))
    if lv.silent:
        return Check("microphone", "fail", f"only silence ({lv.rms_dbfs:.0f} dBFS) over {seconds:.0f} s",
                     "unmute the input and allow microphone access for the terminal in your system settings")  # fmt: skip
    if lv.clipping:
        return Check("microphone", "warn", f"clipping ({lv.clipped_fraction:.1%} of samples at full scale)", "turn the input gain down")
    return Check("microphone", "ok", f"level {lv.rms_dbfs:.0f} dBFS, peak {lv.peak:.2f} over {seconds:.0f} s")


def check_model(name: str) -> Check:
    from .transcribe import TranscribeOptions, Transcriber, resolve_model

    try:
        where = resolve_model(name)
        t0 = time.perf_counter()
        Transcriber(TranscribeOptions(model=name)).warm_up()
        return Check("speech model", "ok", f"{name} from {where}, ready in {time.perf_counter() - t0:.1f} s")
    except VoicePracticeError as exc:
        return Check("speech model", "fail", str(exc), "run `make install`, or choose an installed model with --model")


def check_vad() -> Check:
    from .vad import StreamingVad

    try:
        StreamingVad()
        return Check("speech detection", "ok", "Silero VAD loaded")
    except VoicePracticeError as exc:
        return Check("speech detection", "fail", str(exc), "reinstall faster-whisper and onnxruntime: `make install`")


def check_store() -> Check:
    from .store import Store

    store = Store()
    try:
        store.list(limit=1)
        fd, tmp = tempfile.mkstemp(dir=store.sessions_dir, prefix=".doctor-")
        os.close(fd)
        os.unlink(tmp)
        mode = store.root.stat().st_mode & 0o777
    except (VoicePracticeError, OSError) as exc:
        return Check("data directory", "fail", str(exc), "set VOICEPRACTICE_HOME to a writable folder")
    if mode & 0o077:
        return Check("data directory", "warn", f"{store.root} is readable by others ({oct(mode)})", f"chmod 700 {store.root}")
    return Check("data directory", "ok", f"{store.root} (private, writable)")


def run_checks(
    input_device: int | str | None = None,
    output_device: int | str | None = None,
    model: str = "tiny.en",
    voice: str | None = None,
    mic_seconds: float = 3.0,
    play: bool = True,
    on_check: Callable[[Check], None] | None = None,
) -> list[Check]:
    """Every check in the order a drill needs them."""
    steps: list[Callable[[], Check]] = [
        check_store,
        lambda: check_model(model),
        check_vad,
        lambda: check_tts(voice),
        lambda: check_output(output_device, play),
        lambda: check_microphone(input_device, mic_seconds),
    ]
    results = []
    for step in steps:
        result = step()
        results.append(result)
        if on_check:
            on_check(result)
    return results
