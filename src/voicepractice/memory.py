"""Keeping a drill's memory down: how the C allocator hands freed memory back.

A drill holds four models at once (Whisper, Smart Turn, the checker's encoder, and the
voice until it is let go), and each of them allocates large short-lived buffers on its
own thread: Whisper's 30 s window while it decodes, the encoder's weights turned to
float for each check (the int8 model is dequantized at run time), Smart Turn's
activations. glibc serves a large block with mmap and returns it on free, but after the
first such free it raises that threshold (up to 32 MB) and later blocks come from the
heap, which keeps its high-water mark: a drill ended with 120 MB more resident than it
used, and peaked at 625-636 MB (bench/drill_memory.py). A fixed threshold stops that raise.

The threshold was 128 KB at first (a drill peaked at 455 MB), and that made every decode
1.7 times slower: Whisper's encoder allocates each layer's activations afresh (a 30 s
window's hidden states are 2.3 MB), so every one was an mmap, a page fault per 4 KB
page and an munmap, and the recogniser's two threads queued on the kernel's lock of
the address space. In a drill the decode at the last pause took 1.8 s instead of 1.06 s,
and the answer ended 2.5 s after the speech instead of 1.3 s (-vv decode lines; session 45).
At 8 MB those buffers come from the heap and are reused (1.05 s), the largest ones (the
attention scores, 54 MB a layer) still go back to the system, and a warm three-turn drill
peaks at 494-498 MB (455 MB at 128 KB). ``trim`` after each answer hands back what the
recogniser's heap holds before the next line's voice and the checker need memory.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 8 * 1024 * 1024
"""Blocks this large or larger are mmapped and go back to the system when freed; setting it
explicitly is what stops the dynamic raise. Not lower: each layer's activations must stay on
the heap, or every decode pays page faults for them (see above)."""

_tuned = False


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # musl and others: their allocators behave differently, nothing to tune
        return None


def tune_allocator() -> None:
    """Keep large blocks on mmap so they go back to the system when freed (glibc only; once per process)."""
    global _tuned
    if _tuned:
        return
    _tuned = True
    libc = _libc()
    if libc is None or not hasattr(libc, "mallopt"):
        return
    ok = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and libc.mallopt(_M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD)
    log.debug("malloc thresholds %s", "set" if ok else "not set")


def trim() -> None:
    """Hand memory freed in the allocator's arenas back to the system now (glibc only)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
