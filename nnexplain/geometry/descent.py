"""Everything the ``descent`` scene shows of a run's training, computed once from its snapshots and data.

:func:`descent_arrays` returns the arrays and facts that
:mod:`nnexplain.run.landscape` stores in the run directory:

- the loss landscape on a plane through the final weights (:mod:`~nnexplain.geometry.landscape`),
  with every snapshot's projection, the surface there, and the snapshot's own loss;
- the loss along the one weight with the largest gradient at the final weights, the others held;
- the full-batch gradient against mini-batch gradients at the first and the last snapshot: their
  lengths and the angles between them, in the whole parameter space.

All losses are on the same stated subset of the training data (its first
``subset`` examples, unaugmented); the full-batch gradient is over all of it.
"""

from __future__ import annotations

import time

import numpy as np

from nnexplain.geometry.backprop import flatten
from nnexplain.geometry.landscape import (
    batch_gradients,
    grid_axes,
    largest_gradient,
    parameter_name,
    plane_losses,
    trajectory_plane,
    weight_slice,
)
from nnexplain.run.network import Params

__all__ = ["descent_arrays", "GRID", "SUBSET", "WEIGHT_SAMPLES", "BATCHES"]

GRID = 41
SUBSET = 2000
WEIGHT_SAMPLES = 121
BATCHES = 6
DEFAULT_BATCH = 64  # for runs trained on the full batch: the mini-batch a stochastic run would take


def _weight_span(params: Params, index: int, activation: str, output: str, x: np.ndarray, y: np.ndarray) -> float:
    """Half-width of the range shown around a weight: doubled from 0.5 until the loss visibly rises at an end."""
    here = float(weight_slice(params, index, np.zeros(1), activation, output, x, y)[0])
    span = 0.5
    while span < 32:
        ends = weight_slice(params, index, np.array([-span, span]), activation, output, x, y)
        if ends.max() - here >= 0.5 * max(here, 0.05):
            break
        span *= 2
    return span


def descent_arrays(
    snapshots: list[Params],
    epochs: list[int],
    activation: str,
    output: str,
    x_train: np.ndarray,
    y_train: np.ndarray,
    batch_size: int,
    grid: int = GRID,
    subset: int = SUBSET,
) -> tuple[dict[str, np.ndarray], dict]:
    """The stored arrays and the manifest facts of a run's landscape; ``snapshots`` in epoch order, final last."""
    started = time.perf_counter()
    x_train = np.asarray(x_train, np.float64).reshape(len(x_train), -1)
    count = min(subset, len(x_train))
    x, y = x_train[:count], y_train[:count]
    final = snapshots[-1]
    plane = trajectory_plane(np.stack([flatten(p) for p in snapshots]))
    alpha, beta = grid_axes(plane.coords, grid)
    points = np.stack(np.meshgrid(alpha, beta, indexing="ij"), axis=-1).reshape(-1, 2)
    surface = plane_losses(final, plane.directions, points, activation, output, x, y).reshape(grid, grid)
    path_surface = plane_losses(final, plane.directions, plane.coords, activation, output, x, y)
    own = np.array(
        [
            plane_losses(p, np.zeros((1, flatten(p).size)), np.zeros((1, 1)), activation, output, x, y)[0]
            for p in snapshots
        ]
    )
    landscape_seconds = time.perf_counter() - started

    index, component = largest_gradient(final, activation, output, x, y)
    span = _weight_span(final, index, activation, output, x, y)
    offsets = np.linspace(-span, span, WEIGHT_SAMPLES)
    kind, layer, row, column = parameter_name(final, index)

    # A run trained on the full batch is shown the mini-batch a stochastic run would take: 64, or an
    # eighth of a small data set (a batch as large as the data would be the full batch again).
    used_batch = (
        min(batch_size or DEFAULT_BATCH, len(x_train)) if batch_size else min(DEFAULT_BATCH, max(1, len(x_train) // 8))
    )
    stochastic: dict[str, list] = {"angles": [], "full_norm": [], "batch_norm": [], "indices": []}
    for params in (snapshots[0], final):
        found = batch_gradients(params, activation, output, x_train, y_train, used_batch, BATCHES)
        stochastic["angles"].append(found.angles)
        stochastic["full_norm"].append(np.linalg.norm(found.full))
        stochastic["batch_norm"].append(np.linalg.norm(found.batches, axis=1))
        stochastic["indices"].append(found.indices)

    arrays = {
        "grid.alpha": alpha,
        "grid.beta": beta,
        "grid.loss": surface,  # [i, j]: the network at (alpha[i], beta[j])
        "plane.directions": plane.directions,
        "plane.explained": plane.explained,
        "path.epochs": np.asarray(epochs, np.int64),
        "path.coords": plane.coords,
        "path.surface_loss": path_surface,
        "path.loss": own,
        "weight.offsets": offsets,
        "weight.loss": weight_slice(final, index, offsets, activation, output, x, y),
        "stochastic.epochs": np.asarray([epochs[0], epochs[-1]], np.int64),
        **{f"stochastic.{key}": np.asarray(value) for key, value in stochastic.items()},
    }
    info = {
        "grid": [grid, grid],
        "subset": {"split": "train", "first": count, "of": len(x_train)},
        "explained_variance": [float(v) for v in plane.explained],
        "landscape_seconds": round(landscape_seconds, 3),
        "seconds": round(time.perf_counter() - started, 3),
        "weight": {
            "index": index,
            "kind": kind,
            "layer": layer,
            "row": row,
            "column": column,
            "value": float(flatten(final)[index]),
            "gradient": component,
        },
        "stochastic": {"batch_size": used_batch, "batches": BATCHES, "seed": 0, "full": len(x_train)},
    }
    return arrays, info
