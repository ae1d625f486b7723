"""Speech detection as audio arrives: faster-whisper's Silero VAD, fed 32 ms at a time.

faster-whisper runs Silero over a whole file at once; a live microphone needs the
model's recurrent state carried from one 512-sample window to the next, which is
what ``StreamingVad`` does. The same ONNX file and thresholds are used, so the
live endpoint agrees with the VAD filter the recogniser applies afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import ModelError

WINDOW = 512
"""Samples per VAD decision at 16 kHz (32 ms): Silero's native window."""
CONTEXT = 64
"""Samples of the previous window Silero v5/v6 expects in front of each window."""


@dataclass(frozen=True)
class VadOptions:
    """Thresholds for calling a window speech."""

    threshold: float = 0.5
    """Speech probability at or above which a window starts or continues speech."""
    neg_threshold: float = 0.35
    """Below this a window is silence; between the two, the previous state holds."""


class StreamingVad:
    """Speech probability per 32 ms window, keeping state across calls."""

    def __init__(self, options: VadOptions | None = None) -> None:
        self.options = options or VadOptions()
        try:
            import faster_whisper  # noqa: F401  # the package first: see endpoint.TurnModel
            from faster_whisper.vad import get_vad_model
        except ImportError as exc:
            raise ModelError("speech detection needs faster-whisper: run `make install`") from exc
        try:
            self._session = get_vad_model().session
        except Exception as exc:  # onnxruntime missing or the asset damaged
            raise ModelError(f"cannot load the Silero VAD model: {exc}") from exc
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self.speaking = False

    def feed(self, samples: np.ndarray) -> list[tuple[float, bool]]:
        """Add samples; return ``(probability, is_speech)`` for every completed window."""
        self._pending = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])
        out: list[tuple[float, bool]] = []
        o = self.options
        while self._pending.size >= WINDOW:
            window, self._pending = self._pending[:WINDOW], self._pending[WINDOW:]
            x = np.concatenate([self._context, window])[None, :]
            prob, self._h, self._c = self._session.run(
                None, {"input": x, "h": self._h, "c": self._c}
            )
            self._context = window[-CONTEXT:]
            p = float(np.asarray(prob).reshape(-1)[0])
            if p >= o.threshold:
                self.speaking = True
            elif p < o.neg_threshold:
                self.speaking = False
            out.append((p, self.speaking))
        return out
