"""Check a drill's settings before the interviewer speaks.

A wrong ``--model``, a microphone that does not exist or a voice that is not
installed must fail in the first second, with one line saying what to choose
instead, not after the person has sat through the call. Each check here is
cheap (no model load, no sound): the ones that need the real thing (the model's
weights, the first block from the microphone) still fail where they always did.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

from .errors import AudioDeviceError, SpeechError

if TYPE_CHECKING:
    from .drill import DrillOptions

log = logging.getLogger(__name__)

Kind = Literal["input", "output"]
_WHAT = {"input": ("microphone", "--input"), "output": ("speaker or headphones", "--output")}


def device_choices(sd: Any, kind: Kind) -> list[str]:
    """``"3 USB Headset"`` for every device that can record (input) or play (output)."""
    channels = "max_input_channels" if kind == "input" else "max_output_channels"
    return [f"{i} {d['name']}" for i, d in enumerate(sd.query_devices()) if d[channels] > 0]


def find_device(device: int | str | None, kind: Kind) -> dict[str, Any]:
    """PortAudio's description of ``device``; an AudioDeviceError listing the valid choices when it does not exist."""
    from .audio import portaudio

    sd = portaudio()
    try:
        return dict(sd.query_devices(device, kind=kind))
    except (ValueError, sd.PortAudioError) as exc:
        what, option = _WHAT[kind]
        choices = device_choices(sd, kind)
        matching = f" matching {device!r}" if device is not None else ""
        if choices:
            fix = f"choose one with {option} (index or name): {'; '.join(choices)}"
        else:
            fix = "plug one in" + (", or answer from a recording with --answer FILE" if kind == "input" else "")
        raise AudioDeviceError(f"no {what} found{matching}: {fix}") from exc


def check_input(device: int | str | None) -> None:
    """The microphone exists and accepts a mono float stream at 16 kHz or its own rate."""
    info = find_device(device, "input")
    from .audio import SAMPLE_RATE, portaudio

    sd = portaudio()
    last: Exception | None = None
    for rate in (SAMPLE_RATE, int(info["default_samplerate"])):
        try:
            sd.check_input_settings(device=device, channels=1, dtype="float32", samplerate=rate)
            return
        except (ValueError, sd.PortAudioError) as exc:
            last = exc
    raise AudioDeviceError(f"cannot open the microphone {info['name']!r} ({last}): try another with --input")


def check_voice(voice: str) -> None:
    """The voice the person asked for is one the engine offers."""
    from .speak import voices

    try:
        offered = voices()
    except SpeechError:
        return  # no engine at all: the drill shows the lines as text and says why
    if any(voice in (vid, name) or voice.lower() == name.lower() for vid, name, _ in offered):
        return
    english = [vid for vid, name, langs in offered if any(lang.lower().startswith("en") for lang in langs)]
    raise SpeechError(
        f"no voice {voice!r}: see `voicepractice voices`"
        + (f" (English ones: {', '.join(english[:8])}{'...' if len(english) > 8 else ''})" if english else "")
    )


def preflight(options: DrillOptions) -> None:
    """Raise the error a drill would hit later, now. Scenario and recordings are checked by the caller."""
    from .transcribe import resolve_model

    resolve_model(options.transcribe.model, options.transcribe.download)
    if not options.answers:
        check_input(options.input_device)
    if options.output_device is not None:
        # Asked for by name or number: a typo must not silently become "no speaker".
        find_device(options.output_device, "output")
    if options.voice.voice:
        check_voice(options.voice.voice)
