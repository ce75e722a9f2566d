"""A frame-sized block comes from the heap once scenes are imported (nnexplain.scenes.base.frame_memory).

Each check runs in a fresh process: glibc's thresholds are per process, and the first 8 MB block a fresh process
allocates is ``mmap``-ed unless they were raised. Where a block comes from is read from ``/proc/self/maps``: inside
``[heap]``, or in a mapping of its own.
"""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="the thresholds are glibc's; elsewhere nothing is set",
)

PROBE = """
import sys
import numpy as np
if sys.argv[1] == "scenes":
    import nnexplain.scenes.base.run_scene  # noqa: F401  (what every scene imports)
frame = np.empty((1080, 1920, 4), np.uint8)
address = frame.ctypes.data
for line in open("/proc/self/maps"):
    if line.rstrip().endswith("[heap]"):
        start, end = (int(part, 16) for part in line.split()[0].split("-"))
        print("heap" if start <= address < end else "own mapping")
        break
else:
    print("own mapping")
"""


def _where_a_frame_lives(mode: str) -> str:
    result = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_a_frame_comes_from_the_heap_once_scenes_are_imported():
    assert _where_a_frame_lives("scenes") == "heap"


def test_without_it_a_fresh_process_maps_a_frame_of_its_own():
    """The check above means something: glibc's default gives an 8 MB block a mapping of its own."""
    assert _where_a_frame_lives("plain") == "own mapping"
