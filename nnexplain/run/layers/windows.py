"""What the image layers (``conv2d``, ``maxpool2d``) share: pairs of sizes, and the windows a kernel visits.

A size is given as torch gives it, one number for both axes or a pair (rows, columns); the
manifest keeps the one number when both are equal. The windows are numpy views, never copies:
``windows(x, kernel, stride, padding)[n, c, i, j]`` is the ``kernel``-sized patch of channel ``c``
of image ``n`` whose top-left corner is at ``(i·stride − padding)`` — the patch the kernel meets
at output position ``(i, j)``, as ``torch.nn.functional.conv2d`` and ``max_pool2d`` place it.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from nnexplain.run.layers.base import LayerSpecError

__all__ = ["Pair", "size_pair", "pair_option", "output_size", "windows"]

Pair = tuple[int, int]
MAX_SIDE = 4096  # no image layer here needs kernels, strides or paddings larger than an image side


def size_pair(options: Mapping[str, Any], key: str, low: int, default: Pair | None = None) -> Pair:
    """``options[key]``: a whole number, or a list of two, each from ``low`` to :data:`MAX_SIDE`."""
    if key not in options:
        if default is None:
            raise LayerSpecError(key, "Field required")
        return default
    value = options[key]
    items = value if isinstance(value, (list, tuple)) and len(value) == 2 else [value]
    if not all(type(item) is int and low <= item <= MAX_SIDE for item in items):
        raise LayerSpecError(
            key, f"must be a whole number from {low} to {MAX_SIDE}, or a list of two (it is {ascii(value)[:40]})"
        )
    return (items[0], items[-1])


def pair_option(pair: Pair) -> int | list[int]:
    """How the manifest writes a pair: one number when both axes agree."""
    return pair[0] if pair[0] == pair[1] else list(pair)


def output_size(side: int, kernel: int, stride: int, padding: int) -> int:
    """torch's output side (``floor((side + 2·padding − kernel) / stride) + 1``); below 1 means no output."""
    return (side + 2 * padding - kernel) // stride + 1


def windows(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, fill: float = 0.0) -> np.ndarray:
    """(N, C, H_out, W_out, kernel_h, kernel_w) views of ``x`` (N, C, H, W), padded with ``fill``."""
    if any(padding):
        pads = ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1]))
        x = np.pad(x, pads, constant_values=fill)
    views = np.lib.stride_tricks.sliding_window_view(x, kernel, axis=(2, 3))
    return views[:, :, :: stride[0], :: stride[1]]
