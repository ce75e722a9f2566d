"""What each layer of a network does to its 2-D input space, in plain numpy.

Every snapshot of a 2-D run stores the image of a dense grid of the input plane
after every stage of the network (``warp.pre.i``, ``warp.act.i``; recorded by
:func:`nnexplain.run.contents.warp_arrays`). The data points' images are the
probe's ``pre.i`` and ``act.i``, which every snapshot already holds; the 2-D
recipes put the whole validation set into the probe. This module reads them as
:class:`Representation` objects and moves between them (:class:`LayerMotion`).

For display, a representation of width 1 or 2 (or 3 in a 3-D scene) is drawn
as it is; wider ones go through :class:`Projection`, principal component
analysis fitted on the data points' representation, and a scene must say on
screen that it shows a projection.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from nnexplain.geometry.paths import MatrixPath, lift_matrix
from nnexplain.run.activations import ACTIVATIONS
from nnexplain.run.contents import GridSpec, grid_lines

__all__ = [
    "GridSpec",
    "Representation",
    "representations",
    "Projection",
    "LayerMotion",
    "nice_extent",
]


@dataclass(frozen=True)
class Representation:
    """Where the grid and the data points are after one stage of the network."""

    stage: str  # "input", "pre" (after W·x + b) or "act" (after the activation)
    layer: int  # -1 for the input
    grid: np.ndarray  # (lines, points, width)
    points: np.ndarray  # (n, width)

    @property
    def width(self) -> int:
        return self.grid.shape[-1]


def representations(tensors: dict[str, np.ndarray], inputs: np.ndarray, spec: GridSpec) -> list[Representation]:
    """The input and every recorded stage of one snapshot, in order (the logits last)."""
    stages = [Representation("input", -1, grid_lines(spec), np.asarray(inputs, np.float64))]
    layer = 0
    while f"warp.pre.{layer}" in tensors:
        for stage in ("pre", "act"):
            if f"warp.{stage}.{layer}" in tensors:
                grid = tensors[f"warp.{stage}.{layer}"].astype(np.float64)
                stages.append(Representation(stage, layer, grid, tensors[f"{stage}.{layer}"].astype(np.float64)))
        layer += 1
    return stages


@dataclass(frozen=True)
class Projection:
    """x ↦ (x − centre)·basis: how a representation of any width is drawn in ``dims`` dimensions."""

    centre: np.ndarray
    basis: np.ndarray  # (width, dims)
    is_projection: bool  # False when the representation is drawn as it is (zero padded)
    kept: float = 1.0  # the share of the fitted points' variance the drawn components keep

    @classmethod
    def fit(cls, data: np.ndarray, dims: int) -> "Projection":
        """As it is when the width is at most ``dims``, else PCA on ``data`` (rows are points)."""
        width = data.shape[1]
        if width <= dims:
            return cls(np.zeros(width), np.eye(width, dims), False)
        centre = data.mean(axis=0)
        _, sigma, vt = np.linalg.svd(data - centre, full_matrices=False)
        total = float(np.sum(sigma**2))
        kept = float(np.sum(sigma[:dims] ** 2) / total) if total > 0 else 1.0
        components = vt[:dims].T
        # Fix each component's sign (largest loading positive) so snapshots do not flip at random.
        signs = np.sign(components[np.argmax(np.abs(components), axis=0), np.arange(dims)])
        return cls(centre, components * signs, True, kept)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return (x - self.centre) @ self.basis


class LayerMotion:
    """The three steps of one layer, each a function of t ∈ [0, 1] returning (grid, points).

    ``linear(t)`` moves the layer's input x to W·x along a :class:`~.paths.MatrixPath`
    (from the mirror when det W < 0; see :attr:`path`, and :meth:`turn_over` for the way there) when W is square; two units
    feeding three ride the invertible :func:`~.paths.lift_matrix`; any other shape
    blends straight, with the narrower side zero padded. ``shift(t)`` adds t·b,
    and ``activate(t)`` is x ↦ (1 − t)·x + t·σ(x).
    """

    def __init__(self, start: Representation, weight: np.ndarray, bias: np.ndarray, activation: str):
        self.grid, self.points = start.grid, start.points
        self.weight, self.bias = np.asarray(weight, np.float64), np.asarray(bias, np.float64)
        self.activation = activation
        out_width, in_width = self.weight.shape
        self.path: MatrixPath | None = None
        self.lifted = False
        if out_width == in_width <= 3 and abs(np.linalg.det(self.weight)) > 1e-9:
            self.path = MatrixPath(self.weight)
        elif (out_width, in_width) == (3, 2) and np.linalg.norm(np.cross(*self.weight.T)) > 1e-9:
            self.path, self.lifted = MatrixPath(lift_matrix(self.weight)), True
        self.width = max(out_width, in_width) if self.path is None else out_width
        self.mapped = (self.grid @ self.weight.T, self.points @ self.weight.T)

    @property
    def mirrors(self) -> bool:
        return self.path is not None and self.path.mirror is not None

    def _pad(self, x: np.ndarray) -> np.ndarray:
        return np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, self.width - x.shape[-1])])

    def linear(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        if self.path is None:
            return tuple(
                (1 - t) * self._pad(x) + t * self._pad(y) for x, y in zip((self.grid, self.points), self.mapped)
            )
        matrix = self.path.at(t)
        return tuple(self._pad(x) @ matrix.T for x in (self.grid, self.points))

    def turn_over(self, t: float, like: "LayerMotion | None" = None) -> tuple[np.ndarray, np.ndarray]:
        """The way from the layer's input to its mirror image F·x (the start of :attr:`path`): a half
        turn of the plane about its first axis through one more dimension, drawn in perspective.

        No path of invertible matrices within the plane leads from I to a mirror, but one turn
        through 3-D does, as 3Blue1Brown draws it: the last coordinate y becomes (y cos πt, y sin πt),
        the new depth z = y sin πt, and a camera at distance :attr:`turn_depth` over the data's
        centre c sees each point at c + (p − c)·D/(D − z). At t = 0 and t = 1 nothing is in depth,
        so the turn starts at x and ends exactly at F·x. ``like``: the motion whose centre and depth to
        use (lines carried through the network turn with the data they are drawn with).
        """
        like = like or self
        angle = np.pi * t
        moved = []
        for x in self.unmoved():
            depth = x[..., -1] * np.sin(angle)
            turned = x.copy()
            turned[..., -1] = x[..., -1] * np.cos(angle)
            scale = like.turn_depth / (like.turn_depth - depth)
            moved.append(like.turn_centre + (turned - like.turn_centre) * scale[..., None])
        return tuple(moved)

    @cached_property
    def turn_centre(self) -> np.ndarray:
        """Where the camera of :meth:`turn_over` looks: the data's centre, on the axis of the turn."""
        points = self.unmoved()[1]
        centre = (points.min(axis=0) + points.max(axis=0)) / 2 if len(points) else np.zeros(self.width)
        centre[-1] = 0.0
        return centre

    @cached_property
    def turn_depth(self) -> float:
        """The camera's distance in :meth:`turn_over`: 3.5 times the data's reach from the centre, so the
        near edge looks about 1.4 times as large as the far one, a clear but mild perspective."""
        points = self.unmoved()[1]
        reach = np.linalg.norm(points - self.turn_centre, axis=-1).max() if len(points) else 1.0
        return 3.5 * max(float(reach), 1e-9)

    def unmoved(self) -> tuple[np.ndarray, np.ndarray]:
        """The layer's input, zero padded to the width the linear step moves in."""
        return self._pad(self.grid), self._pad(self.points)

    def shift(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        return tuple(y + t * self.bias for y in self.mapped)

    def activate(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        pre = self.shift(1.0)
        return tuple((1 - t) * z + t * ACTIVATIONS[self.activation].function(z) for z in pre)


def nice_extent(value: float) -> float:
    """The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (times a power of ten) at least ``value``."""
    value = max(float(value), 1e-6)
    power = 10.0 ** np.floor(np.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value * (1 - 1e-9):
            return float(step * power)
    return float(10 * power)
