"""What a 2-D network computes over its whole input plane: every neuron's map, and its decision regions.

Nothing here is recorded during training: every map is recomputed from a
snapshot's stored weights with the numpy forward pass
(:meth:`nnexplain.run.network.Network.trace`) on a square raster of the input
plane. That keeps runs small, works the same for trained, recorded and imported
runs, and costs a few milliseconds per snapshot (a 48 × 48 raster of a 2-8-8-2
network: 2,304 points, three matrix products).

The raster is square and centred on the data's box, so a neuron's map is a
square tile and x₁ runs to the right, x₂ upwards: row 0 of a map is the top
(largest x₂), as images are stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.run.activations import ACTIVATIONS
from nnexplain.run.network import Params, forward_trace

__all__ = ["PlaneRaster", "layer_maps", "class_one_map", "map_scale"]


@dataclass(frozen=True)
class PlaneRaster:
    """A size × size raster of the square [x_min, x_max] × [y_min, y_max] (row 0 at the top)."""

    bounds: tuple[float, float, float, float]
    size: int

    @classmethod
    def around(cls, bounds: tuple[float, float, float, float], size: int) -> "PlaneRaster":
        """The square raster centred on the box ``bounds`` (x_min, x_max, y_min, y_max), covering it."""
        x_min, x_max, y_min, y_max = map(float, bounds)
        half = max(x_max - x_min, y_max - y_min) / 2
        cx, cy = (x_min + x_max) / 2, (y_min + y_max) / 2
        return cls((cx - half, cx + half, cy - half, cy + half), int(size))

    @property
    def points(self) -> np.ndarray:
        """(size², 2) input points, row by row from the top left."""
        x_min, x_max, y_min, y_max = self.bounds
        xs = np.linspace(x_min, x_max, self.size)
        ys = np.linspace(y_max, y_min, self.size)
        return np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)

    def to_unit(self, points: np.ndarray) -> np.ndarray:
        """Input points as fractions of the square: (0, 0) bottom left, (1, 1) top right."""
        x_min, x_max, y_min, y_max = self.bounds
        points = np.asarray(points, np.float64)
        return np.stack([(points[:, 0] - x_min) / (x_max - x_min), (points[:, 1] - y_min) / (y_max - y_min)], axis=1)


def layer_maps(params: Params, activation: str, output: str, raster: PlaneRaster) -> list[np.ndarray]:
    """Every neuron's activation over the raster: one (width, size, size) array per layer.

    Hidden layers give their activation (tanh, sigmoid, relu, ...); the last layer
    its output (softmax probabilities for a classifier).
    """
    size = raster.size
    trace = forward_trace(params, activation, output, raster.points)
    return [act.T.reshape(act.shape[1], size, size) for _, act in trace]


def class_one_map(params: Params, activation: str, raster: PlaneRaster) -> np.ndarray:
    """(size, size) probability of class 1: the decision regions of a two-class network."""
    return layer_maps(params, activation, "softmax", raster)[-1][1]


def map_scale(maps: list[np.ndarray], activation: str) -> float:
    """The value a layer's colour saturates at, one for all its neurons and all snapshots.

    tanh and sigmoid are bounded by 1; ReLU and identity layers are not, so their
    scale is the largest absolute value over the maps given.
    """
    bound = ACTIVATIONS[activation].bound
    if bound is not None:
        return bound
    largest = max((float(np.abs(m).max()) for m in maps), default=0.0)
    return largest if largest > 0 else 1.0
