"""Everything the ``descent`` scene shows of a run's training, computed once from its snapshots and data.

:func:`descent_arrays` returns the arrays and facts that
:mod:`nnexplain.run.landscape` stores in the run directory:

- the loss landscape on a plane through the final weights (:mod:`~nnexplain.geometry.landscape`),
  with every snapshot's projection, the surface there, and the snapshot's own loss;
- the loss along the one weight with the largest gradient at the final weights, the others held;
- the full-batch gradient against mini-batch gradients at the first and the last snapshot: their
  lengths and the angles between them, in the whole parameter space, and the downhill direction's
  projection on the plane (where a scene anchors them on the path);
- the opening of the lesson, at the first snapshot (the untrained network of a recorded run): a few
  examples' own costs and every subset example's, one weight's curve with the run's real steps on
  it, learning rates compared on it, and mini-batch steps against full-batch ones
  (:mod:`~nnexplain.geometry.descent_steps`).

All losses are on the same stated subset of the training data (its first
``subset`` examples, unaugmented); the full-batch gradient is over all of it.
"""

from __future__ import annotations

import time

import numpy as np

from nnexplain.geometry.backprop import backprop, flatten
from nnexplain.geometry.descent_steps import compare_rates, roll, zigzag
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

__all__ = ["descent_arrays", "start_arrays", "GRID", "SUBSET", "WEIGHT_SAMPLES", "BATCHES"]

GRID = 41
SUBSET = 2000
WEIGHT_SAMPLES = 121
BATCHES = 6
EXAMPLES = 6  # examples whose own cost the opening shows
ROLL_STEPS = 150  # steps of the run's own rate on one weight: enough to see them shrink near the bottom
RATE_STEPS = 4
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
    lr: float,
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

    # A run trained on the full batch is shown the mini-batch a stochastic run would take: 64, or an
    # eighth of a small data set (a batch as large as the data would be the full batch again).
    used_batch = (
        min(batch_size or DEFAULT_BATCH, len(x_train)) if batch_size else min(DEFAULT_BATCH, max(1, len(x_train) // 8))
    )
    stochastic: dict[str, list] = {"angles": [], "full_norm": [], "batch_norm": [], "indices": [], "downhill": []}
    for params in (snapshots[0], final):
        found = batch_gradients(params, activation, output, x_train, y_train, used_batch, BATCHES)
        stochastic["downhill"].append(-plane.directions @ found.full)
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
    start, start_info = start_arrays(snapshots[0], activation, output, x, y, used_batch, lr)
    arrays.update(start)
    info = {
        "grid": [grid, grid],
        "subset": {"split": "train", "first": count, "of": len(x_train)},
        "explained_variance": [float(v) for v in plane.explained],
        "landscape_seconds": round(landscape_seconds, 3),
        "seconds": round(time.perf_counter() - started, 3),
        "weight": weight_info(final, index, component),
        "stochastic": {"batch_size": used_batch, "batches": BATCHES, "seed": 0, "full": len(x_train)},
        "start": {"epoch": int(epochs[0]), **start_info},
    }
    return arrays, info


def weight_info(params: Params, index: int, gradient: float) -> dict:
    """The manifest's record of the one weight drawn: where it sits, its value in ``params``, its gradient."""
    kind, layer, row, column = parameter_name(params, index)
    value = float(flatten(params)[index])
    return {
        "index": index,
        "kind": kind,
        "layer": layer,
        "row": row,
        "column": column,
        "value": value,
        "gradient": gradient,
    }


def start_arrays(
    params: Params,
    activation: str,
    output: str,
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    lr: float,
) -> tuple[dict[str, np.ndarray], dict]:
    """The lesson's opening at ``params`` (the first snapshot): costs on the subset (x, y), one weight's real steps
    at ``lr`` and at larger rates, and mini-batch steps of ``batch_size`` against full-batch ones, both on the subset
    (so every loss along them is the landscape's)."""
    result = backprop(params, activation, output, x, y)
    shown = min(EXAMPLES, len(x))
    index, component = largest_gradient(params, activation, output, x, y)
    values, losses, slopes = roll(params, index, lr, ROLL_STEPS, activation, output, x, y)
    rates = compare_rates(params, index, lr, activation, output, x, y, RATE_STEPS)
    # The curve covers the roll and every rate's first step (the overshoot's landing included), with a margin.
    reach = [values.min(), values.max()] + ([] if rates is None else list(rates.values[:, :2].ravel()))
    low, high = min(reach), max(reach)
    pad = 0.12 * (high - low)
    curve_values = np.linspace(low - pad, high + pad, WEIGHT_SAMPLES)
    start_value = float(values[0])
    curve = weight_slice(params, index, curve_values - start_value, activation, output, x, y)
    # Equal work: as many mini-batch steps as one full step's examples pay for, against that one full step.
    batch_steps = max(2, round(len(x) / batch_size))
    steps = zigzag(params, lr, batch_size, batch_steps, activation, output, x, y, x, y, full_steps=1)
    arrays = {
        "start.example_inputs": x[:shown],
        "start.example_targets": np.asarray(y[:shown], np.float64),
        "start.example_outputs": np.asarray(result.act[-1][:shown], np.float64),
        "start.losses": result.losses,
        "start.curve_values": curve_values,
        "start.curve_loss": curve,
        "start.roll_values": values,
        "start.roll_loss": losses,
        "start.roll_slope": slopes,
        "start.zigzag_batch": steps.batch_coords,
        "start.zigzag_full": steps.full_coords,
        "start.zigzag_batch_loss": steps.batch_loss,
        "start.zigzag_full_loss": steps.full_loss,
    }
    if rates is not None:
        arrays |= {"start.rates": rates.rates, "start.rate_values": rates.values, "start.rate_loss": rates.losses}
    info = {
        "lr": float(lr),
        "weight": weight_info(params, index, component),
        "zigzag": {"steps": batch_steps, "full_steps": 1, "batch_size": int(batch_size), "captured": steps.captured},
    }
    return arrays, info
