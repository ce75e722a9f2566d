"""The exact largest error of any network drawn on screen, stored snapshot or weights between two snapshots.

A live readout follows the frame drawn now. Measured on the drawn samples alone it misses the corners between them
(the trained network's 0.080 reads 0.079 on its 401 stored samples), so it is measured as
:func:`~nnexplain.geometry.hinges.max_fit_error` measures a stored snapshot: the network recomputed from the frame's
weights, its kinks included (:func:`~nnexplain.geometry.hinges.largest_miss`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnexplain.geometry.hinges import largest_miss, output_kinks
from nnexplain.run import Run
from nnexplain.run.contents import column
from nnexplain.run.network import Network, Params

__all__ = ["blend_params", "params_miss"]


def blend_params(before: Params, after: Params, fraction: float) -> list:
    """The weights a ``fraction`` of the way from ``before`` to ``after`` in a straight line (as frames are drawn)."""
    return [
        tuple((1 - fraction) * np.asarray(p, np.float64) + fraction * np.asarray(q, np.float64) for p, q in zip(a, b))
        for a, b in zip(before, after)
    ]


def params_miss(run: Run, params: Params, target: Any, grid: np.ndarray) -> tuple[float, float, float]:
    """The largest |network − target| over ``grid``'s interval for the network with weights ``params``: the miss,
    the x where it is, and the network's output there."""
    network = Network.from_manifest(run.manifest)

    def output(x: np.ndarray) -> np.ndarray:
        return network.trace(params, column(np.asarray(x, np.float64)))[-1][1][:, 0]

    grid = np.asarray(grid, np.float64)
    kinks = output_kinks(params, run.activation, (float(grid[0]), float(grid[-1])))
    miss, at = largest_miss(output, target, grid, kinks)
    return miss, at, float(output(np.array([at]))[0])
