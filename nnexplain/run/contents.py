"""What a snapshot records beyond weights and probe activations, computed in numpy from the weights.

A *content* is a function ``(params, manifest) -> {name: array}`` that decides from
the manifest whether it applies and returns ``{}`` when it does not. Whoever records
a snapshot passes the list it wants (:data:`STANDARD_CONTENTS` by default); nothing
is registered globally. The two standard ones:

**Warps** (:func:`warp_arrays`), for runs with 2-D input whose data set description
names a ``warp_grid``: the image of a dense grid of the input plane (``lines``
vertical and ``lines`` horizontal lines of ``points`` samples each) after every
stage of the network, for each layer ``i``::

    warp.pre.i   (2·lines, points, width)   after the affine map  W·x + b
    warp.act.i   (2·lines, points, width)   after the activation (hidden layers only)

The output layer's softmax is left out (a reading of the logits, not a map of
space), and so is ``act`` when the activation is the identity.

**Curves** (:func:`curve_arrays`), for 1-input, 1-output regressions whose data set
names a ``domain``: ``curve.x`` (401 points over it), ``curve.y`` (the output) and
``curve.units``, each last-hidden-layer unit's contribution ``w_out_j · a_j(x)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from nnexplain.run.layers import Dense
from nnexplain.run.network import Network, Params

__all__ = [
    "Content",
    "STANDARD_CONTENTS",
    "GridSpec",
    "grid_lines",
    "layer_warps",
    "warp_arrays",
    "CURVE_SAMPLES",
    "is_curve_run",
    "curve_domain",
    "sample_grid",
    "unit_contributions",
    "curve_arrays",
]

Content = Callable[[Params, dict[str, Any]], dict[str, np.ndarray]]
CURVE_SAMPLES = 401


# --- warps of the input plane ------------------------------------------------------------------


@dataclass(frozen=True)
class GridSpec:
    bounds: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max
    lines: int  # per direction
    points: int  # per line

    @classmethod
    def from_dataset(cls, description: dict[str, Any]) -> "GridSpec | None":
        """The grid a data set's description asks for; None when it names none."""
        spec = description.get("warp_grid")
        if not spec:
            return None
        return cls(tuple(float(b) for b in spec["bounds"]), int(spec["lines"]), int(spec["points"]))


def grid_lines(spec: GridSpec) -> np.ndarray:
    """(2·lines, points, 2): the vertical lines (x fixed) left to right, then the horizontal ones bottom up."""
    x_min, x_max, y_min, y_max = spec.bounds
    xs, ys = np.linspace(x_min, x_max, spec.lines), np.linspace(y_min, y_max, spec.lines)
    along_x, along_y = np.linspace(x_min, x_max, spec.points), np.linspace(y_min, y_max, spec.points)
    vertical = np.stack(np.broadcast_arrays(xs[:, None], along_y[None, :]), axis=-1)
    horizontal = np.stack(np.broadcast_arrays(along_x[None, :], ys[:, None]), axis=-1)
    return np.concatenate([vertical, horizontal])


def layer_warps(
    params: Params, activation: str, spec: GridSpec, network: Network | None = None
) -> dict[str, np.ndarray]:
    """The grid's image after every layer's pre-activation and every hidden activation, as float32.

    ``network``: the run's (the plain MLP of ``params`` and ``activation`` when None)."""
    network = (network or Network.from_params(params, activation)).with_output("identity")
    grid = grid_lines(spec)
    shape = grid.shape[:2]
    trace = network.trace(params, grid.reshape(-1, 2))
    arrays = {}
    for index, ((pre, act), layer) in enumerate(zip(trace, network.layers)):
        arrays[f"warp.pre.{index}"] = pre.reshape(*shape, *layer.output_shape).astype(np.float32)
        if index < len(trace) - 1 and layer.activation != "identity":
            arrays[f"warp.act.{index}"] = act.reshape(*shape, *layer.output_shape).astype(np.float32)
    return arrays


def warp_arrays(params: Params, manifest: dict[str, Any]) -> dict[str, np.ndarray]:
    """Content: warps for runs with 2-D input whose data set names a ``warp_grid``."""
    spec = GridSpec.from_dataset(manifest.get("dataset", {}))
    if manifest["layers"][0] != 2 or spec is None:
        return {}
    return layer_warps(params, manifest["activation"], spec, Network.from_manifest(manifest))


# --- curves of 1-D regressions -----------------------------------------------------------------


def is_curve_run(manifest: dict[str, Any]) -> bool:
    """A 1-input, 1-output regression network whose output layer is dense (a sum over the units below it)."""
    layers = manifest["layers"]
    one_to_one = layers[0] == 1 and layers[-1] == 1
    if not (one_to_one and manifest["output"] == "identity" and manifest["dataset"].get("task") == "regress"):
        return False
    return isinstance(Network.from_manifest(manifest).layers[-1], Dense)


def curve_domain(manifest: dict[str, Any]) -> tuple[float, float] | None:
    """The interval the run's curve is sampled on: its data set description's ``domain``."""
    domain = manifest["dataset"].get("domain")
    if domain is None:
        return None
    low, high = (float(v) for v in domain)
    return low, high


def sample_grid(domain: tuple[float, float], samples: int = CURVE_SAMPLES) -> np.ndarray:
    return np.linspace(domain[0], domain[1], samples)


def column(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, np.float64).reshape(-1, 1)


def unit_contributions(params: Params, activation: str, x: np.ndarray, network: Network | None = None) -> np.ndarray:
    """``w_out_j * a_j(x)`` for every unit j below the (dense) output layer, shape (units, len(x)).

    ``network``: the run's (the plain MLP of ``params`` and ``activation`` when None)."""
    network = (network or Network.from_params(params, activation)).with_output("identity")
    if len(params) < 2:
        return np.zeros((0, len(x)))
    if len(x) == 0:
        return np.zeros((params[-1][0].shape[1], 0))
    last_hidden = network.trace(params, column(x))[-2][1]
    out_weights = np.asarray(params[-1][0], np.float64)[0]
    return (last_hidden * out_weights).T


def curve_arrays(params: Params, manifest: dict[str, Any]) -> dict[str, np.ndarray]:
    """Content: the sampled output curve and every unit's contribution to it, for 1-D regressions
    with a ``domain``."""
    domain = curve_domain(manifest) if is_curve_run(manifest) else None
    if domain is None:
        return {}
    network = Network.from_manifest(manifest)
    x = sample_grid(domain)
    trace = network.trace(params, column(x))
    return {
        "curve.x": x.astype(np.float32),
        "curve.y": trace[-1][1][:, 0].astype(np.float32),
        "curve.units": unit_contributions(params, manifest["activation"], x, network).astype(np.float32),
    }


STANDARD_CONTENTS: tuple[Content, ...] = (curve_arrays, warp_arrays)
