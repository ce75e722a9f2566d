"""What a run did to its data that a scene must say: dead units, collapsed points, what a projection keeps.

The scenes narrate these in plain words, with the numbers; they are decided here,
in numpy, from the run's recorded representations, so tests can check them on
runs built to have each defect:

- a **dead unit** is zero for every data point (a ReLU that never turns on);
- a **pile** is a set of data points that a layer sends onto one spot: every later
  layer must give them the same answer, whatever their classes;
- a **PCA projection** keeps a fraction of the variance of the points it draws.

:func:`misclassified` says which data points the network gets wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.run.network import Params, forward_trace

__all__ = ["DeadUnit", "dead_units", "Pile", "largest_pile", "kept_variance", "misclassified"]

PILE_TOLERANCE = 1e-6  # points closer than this, relative to the data's spread, share a spot


@dataclass(frozen=True)
class DeadUnit:
    layer: int  # 0 for the first hidden layer
    unit: int


def dead_units(hidden_activations: list[np.ndarray]) -> list[DeadUnit]:
    """Units that are exactly 0 for every data point, given each hidden layer's activations (points, units)."""
    return [
        DeadUnit(layer, int(unit))
        for layer, values in enumerate(hidden_activations)
        for unit in np.flatnonzero(np.all(np.asarray(values) == 0, axis=0))
    ]


@dataclass(frozen=True)
class Pile:
    """The largest group of data points that sit on one spot."""

    members: np.ndarray  # bool, one per data point
    spot: np.ndarray  # where they sit

    @property
    def count(self) -> int:
        return int(self.members.sum())


def largest_pile(points: np.ndarray, tolerance: float = PILE_TOLERANCE) -> Pile:
    """The most points that coincide (within ``tolerance`` of the points' spread); a pile of 1 means none do."""
    points = np.asarray(points, np.float64)
    spread = max(float(np.ptp(points, axis=0).max()) if len(points) else 0.0, 1e-12)
    keys = np.round(points / (tolerance * spread)).astype(np.int64)
    _, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    biggest = int(np.argmax(counts))
    members = inverse == biggest
    return Pile(members, points[members].mean(axis=0))


def kept_variance(points: np.ndarray, dims: int) -> float:
    """The fraction of the points' variance their first ``dims`` principal components keep (1 when width ≤ dims)."""
    points = np.asarray(points, np.float64)
    if points.shape[1] <= dims:
        return 1.0
    variances = np.linalg.svd(points - points.mean(axis=0), compute_uv=False) ** 2
    total = variances.sum()
    return float(variances[:dims].sum() / total) if total > 0 else 1.0


def misclassified(params: Params, activation: str, inputs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Which inputs the classifier gets wrong (bool per input)."""
    probabilities = forward_trace(params, activation, "softmax", np.asarray(inputs, np.float64))[-1][1]
    return np.argmax(probabilities, axis=1) != np.asarray(labels).astype(int)
