"""Frames reuse freed memory: glibc's malloc keeps the blocks a render frees, instead of giving them back.

A render allocates and frees a frame-sized block many times a frame: the copy of each frame handed to the encoder
(8 MB at 1080p), its yuv420p planes, the redraw's images. glibc serves a block that large with ``mmap`` and returns it
with ``munmap`` when freed, so every frame the kernel maps, zeroes and faults in fresh pages, and unmaps them again,
while the drawing and the encoder threads wait on the process's one memory map. Measured on this project's 2-core
machine over ``nnexplain bench``'s 1080p60 slices of ``training``, ``softmax`` and ``neuron-maps``, two runs each,
every other process stopped: page faults fell by about half, system time from 3.8–4.3 s to 1.8–2.2 s, and CPU time
per video second by 6–32% from one pair of runs to the next, about a fifth on the whole (see the README's "Measured").

Raising glibc's thresholds (``mallopt``) makes such blocks come from the heap, and keeps up to ``TRIM_BYTES`` of freed
heap for the next frame. Pixels are untouched. Elsewhere than glibc (macOS, musl, Windows) nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

__all__ = ["reuse_frame_memory", "MMAP_BYTES", "TRIM_BYTES"]

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h
MMAP_BYTES = 64 * 1024 * 1024  # blocks up to this size come from the heap: a 4K RGBA frame is 33 MB
TRIM_BYTES = 256 * 1024 * 1024  # freed heap kept for reuse, up to this much: the encoder's queue of 4K frames


def reuse_frame_memory() -> bool:
    """Set glibc's thresholds (once per process); False where the C library is not glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    if not hasattr(libc, "gnu_get_libc_version"):  # only glibc has it: musl's mallopt does nothing
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_BYTES)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_BYTES))
