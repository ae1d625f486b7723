"""The encoder alone at three graph settings: time for 20 clauses and peak RSS, one process each.

    for m in none nofold all; do .venv/bin/python bench/encoder_graph_opt_micro.py $m; done

none = ORT_DISABLE_ALL (the first run's setting); nofold = ORT_ENABLE_ALL without
ConstantFolding (the default now); all = ORT_ENABLE_ALL. Prints the median of 30 runs of
a batch of 20 random 16-token clauses, the process's peak RSS and the load average.
"""

import os
import resource
import statistics
import sys
import time

import numpy as np
import onnxruntime as ort

sys.path.insert(0, "src")
from voicepractice.coach.encoder import model_files

model, _ = model_files()
mode = sys.argv[1]
o = ort.SessionOptions()
o.intra_op_num_threads = 2
o.inter_op_num_threads = 1
o.enable_cpu_mem_arena = False
o.log_severity_level = 3
kw = {}
if mode == "none":
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
else:
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if mode == "nofold":
        kw["disabled_optimizers"] = ["ConstantFolding"]
s = ort.InferenceSession(str(model), sess_options=o, providers=["CPUExecutionProvider"], **kw)
ids = np.random.default_rng(0).integers(1000, 5000, (20, 16))
ids[:, 0] = 101
feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
if "token_type_ids" in {i.name for i in s.get_inputs()}:
    feeds["token_type_ids"] = np.zeros_like(ids)
s.run(None, feeds)
ms = []
for _ in range(30):
    t = time.perf_counter()
    s.run(None, feeds)
    ms.append((time.perf_counter() - t) * 1000)
print(
    mode,
    "median ms",
    round(statistics.median(ms), 1),
    "rss MB",
    round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "load",
    os.getloadavg()[0],
)
