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
ANSWER_INSTEAD = "answer from a recording with --answer FILE"
"""What a person with no microphone can do instead: the last part of every error that says there is none."""
_WHAT = {"input": ("microphone", "--input"), "output": ("speaker or headphones", "--output")}


def device_choices(sd: Any, kind: Kind) -> list[str]:
    """``"3 USB Headset"`` for every device that can record (input) or play (output)."""
    channels = "max_input_channels" if kind == "input" else "max_output_channels"
    return [f"{i} {d['name']}" for i, d in enumerate(sd.query_devices()) if d[channels] > 0]


def find_device(device: int | str | None, kind: Kind, option: str | None = None) -> dict[str, Any]:
    """PortAudio's description of ``device``; an AudioDeviceError listing the valid choices when it does not exist.

    ``option`` is the option the person typed (``--set-input``), named in the error; else ``--input``/``--output``.
    """
    from .audio import portaudio

    sd = portaudio()
    try:
        return dict(sd.query_devices(device, kind=kind))
    except (ValueError, sd.PortAudioError) as exc:
        what, option = _WHAT[kind][0], option or _WHAT[kind][1]
        choices = device_choices(sd, kind)
        matching = f" matching {device!r}" if device is not None else ""
        if choices:
            fix = f"choose one with {option} (index or name): {'; '.join(choices)}"
        else:
            fix = "plug one in" + (f", or {ANSWER_INSTEAD}" if kind == "input" else "")
        raise AudioDeviceError(f"no {what} found{matching}: {fix}") from exc


def check_input(device: int | str | None) -> None:
    """The microphone exists, is not the speakers' monitor, and accepts a mono float stream at 16 kHz or its own rate."""
    info = find_device(device, "input")
    from .audio import SAMPLE_RATE, portaudio, speakers_monitor

    monitor = speakers_monitor(device)
    if monitor:
        raise AudioDeviceError(f"{monitor.problem}: {monitor.fix}, or {ANSWER_INSTEAD}")

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
    """The voice the person asked for is the natural one or one the system engine offers."""
    from . import natural
    from .speak import check_voice as find_voice
    from .speak import voices

    if natural.is_natural(voice):
        return
    try:
        voices()
    except SpeechError:
        return  # no system engine at all: the drill falls back to the natural voice or text, and says why
    find_voice(voice)  # SpeechError listing the choices


def preflight(options: DrillOptions) -> None:
    """Raise the error a drill would hit later, now. Scenario and recordings are checked by the caller."""
    from .transcribe import resolve_model

    resolve_model(options.transcribe.model, options.transcribe.download)
    if not options.answers:
        check_input(options.input_device)
    if options.output_device is not None:
        # Asked for by name or number: a typo must not silently become "no speaker".
        find_device(options.output_device, "output")
    if options.voice.voice is not None:  # "" too: an empty --voice is a mistake to say, not the default
        check_voice(options.voice.voice)
