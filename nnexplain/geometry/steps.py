"""A network's action on space cut into the steps a scene animates, with nothing drawn yet.

Each layer becomes up to four :class:`Step` objects: a ``mirror`` (only when
det W < 0: a half turn through 3-D, :meth:`~nnexplain.geometry.warp.LayerMotion.turn_over`), the ``linear`` map along an invertible path, the ``shift`` by the
bias, and the pointwise ``activate`` (left out for the identity). Every step
carries its motion (t ↦ grid and points, in the layer's own coordinates), the
:class:`~nnexplain.geometry.warp.Projection` that draws it, and the extent a view
needs to hold the whole motion, so a scene can zoom before the picture leaves it.

:func:`composite_map` folds a purely linear network into the single affine map
it equals: W = W_L ⋯ W_2·W_1 and b = W_L ⋯ W_2·b_1 + ⋯ + b_L.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from nnexplain.geometry.warp import LayerMotion, Projection, Representation, nice_extent

__all__ = [
    "Step",
    "layer_steps",
    "moving_projection",
    "network_steps",
    "carried_motions",
    "state_extent",
    "fitting_extent",
    "composite_map",
]

Motion = Callable[[float], tuple[np.ndarray, np.ndarray]]
SAMPLES = np.linspace(0.0, 1.0, 9)  # where a motion is sampled to find its extent


@dataclass(frozen=True)
class Step:
    kind: str  # "mirror", "linear", "shift" or "activate"
    layer: int
    motion: Motion
    projection: Projection
    extent: float  # a round number at least the largest |display coordinate| along the motion
    layer_motion: LayerMotion


def state_extent(state: tuple[np.ndarray, np.ndarray], projection: Projection) -> float:
    grid, points = state
    return float(max(np.abs(projection(grid)).max(), np.abs(projection(points)).max()))


def fitting_extent(state: tuple[np.ndarray, np.ndarray], projection: Projection) -> float:
    """The round extent a view needs to show ``state`` (grid, points) with a 5% margin."""
    return nice_extent(1.05 * state_extent(state, projection))


def _extent(motion: Motion, projection: Projection) -> float:
    return nice_extent(1.05 * max(state_extent(motion(t), projection) for t in SAMPLES))


def layer_steps(
    start: Representation, weight: np.ndarray, bias: np.ndarray, activation: str, layer: int, projection: Projection
) -> list[Step]:
    """The steps of one affine map (then ``activation``) applied to ``start``."""
    motion = LayerMotion(start, weight, bias, activation)
    kinds = (["mirror"] if motion.mirrors else []) + ["linear", "shift"]
    if activation != "identity":
        kinds.append("activate")
    moving = moving_projection(motion, projection)
    steps = []
    for kind in kinds:
        function = {
            "mirror": motion.turn_over,
            "linear": motion.linear,
            "shift": motion.shift,
            "activate": motion.activate,
        }[kind]
        drawn = moving if kind in ("mirror", "linear") else projection
        steps.append(Step(kind, layer, function, drawn, _extent(function, drawn), motion))
    return steps


def moving_projection(motion: LayerMotion, projection: Projection) -> Projection:
    """How the layer's mirror and linear steps are drawn.

    ``projection`` (fitted on the layer's output) when the step moves in a space the panel
    shows as it is. Otherwise the step moves in a wider space than the panel (a layer that
    widens 2 → 7 or narrows 7 → 5), and a projection fitted on the output alone can flatten
    where the step starts into a line, or drop the input's extra units: so it is drawn through
    principal components fitted on the points where it starts and where it ends together.
    """
    dims = projection.basis.shape[1]
    if motion.width <= dims and motion.width == projection.basis.shape[0]:
        return projection
    start, end = motion.linear(0.0)[1], motion.linear(1.0)[1]
    return Projection.fit(np.concatenate([start, end]), dims)


def network_steps(
    stages: list[Representation],
    params: list[tuple[np.ndarray, np.ndarray]],
    activation: str,
    dims: int = 2,
    include_output: bool = False,
) -> list[Step]:
    """The steps of every hidden layer (and of the output layer's affine map when asked).

    ``stages`` are a snapshot's :func:`~nnexplain.geometry.warp.representations`;
    each layer's motion starts from the recorded representation before it, and its
    projection is fitted on the data points' representation that layer produces
    (a linear step wider than the panel is drawn through components fitted on where
    it starts and ends: :func:`moving_projection`).
    """
    ends = {(s.layer, s.stage): s for s in stages}
    steps: list[Step] = []
    start = stages[0]
    for layer in range(len(params) if include_output else len(params) - 1):
        weight, bias = params[layer]
        layer_activation = "identity" if layer == len(params) - 1 else activation
        end = ends.get((layer, "act")) or ends[(layer, "pre")]
        steps += layer_steps(start, weight, bias, layer_activation, layer, Projection.fit(end.points, dims))
        start = end
    return steps


def carried_motions(steps: list[Step], lines: np.ndarray) -> list[Motion]:
    """Motions that move ``lines`` (k, points, input width) through ``steps`` as the data move.

    A curve drawn in the input plane (a decision boundary) is carried layer by layer with
    the same maps, so it lands where the network sends it.
    """
    current, layer, motion = lines, None, None
    motions = []
    for step in steps:
        if step.layer != layer:
            if motion is not None:
                current = (motion.activate(1.0) if motion.activation != "identity" else motion.shift(1.0))[0]
            source = step.layer_motion
            no_points = np.zeros((0, current.shape[-1]))  # the lines alone, in the width they have reached
            motion = LayerMotion(
                Representation("carried", step.layer - 1, current, no_points),
                source.weight,
                source.bias,
                source.activation,
            )
            layer = step.layer
        turn = lambda t, motion=motion, source=step.layer_motion: motion.turn_over(t, like=source)  # noqa: E731
        motions.append(
            {"mirror": turn, "linear": motion.linear, "shift": motion.shift, "activate": motion.activate}[step.kind]
        )
    return motions


def composite_map(params: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The one affine map (W, b) a stack of affine layers with no activation amounts to."""
    weight = np.eye(np.asarray(params[0][0]).shape[1])
    bias = np.zeros(weight.shape[0])
    for layer_weight, layer_bias in params:
        layer_weight = np.asarray(layer_weight, np.float64)
        weight, bias = layer_weight @ weight, layer_weight @ bias + np.asarray(layer_bias, np.float64)
    return weight, bias
