"""What one snapshot holds, computed in numpy from the weights.

Every snapshot stores the layers' weights and biases (``weight.i``, ``bias.i``)
and, for the run's probe inputs, each layer's pre-activation and activation
(``pre.i``, ``act.i``, i = 0 for the first layer). Other families of runs add
their own arrays through :data:`CONTRIBUTORS`: functions that take the weights
and the manifest and return more named arrays (warps of 2-D space, sampled
curves of 1-D regressions). Because everything here is computed from weights,
runs trained by nnexplain, recorded from a user's loop, or imported are alike.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from nnexplain.forward import forward_trace
from nnexplain.geometry.hinges import curve_arrays
from nnexplain.geometry.warp import warp_contributor

__all__ = ["snapshot_tensors", "CONTRIBUTORS"]

Params = list[tuple[np.ndarray, np.ndarray]]
Contributor = Callable[[Params, dict[str, Any]], dict[str, np.ndarray]]

# Each contributor decides from the manifest whether it applies and returns {} when it does not.
CONTRIBUTORS: list[Contributor] = []
CONTRIBUTORS.append(curve_arrays)  # 1-D regressions: sampled curve and per-unit contributions
CONTRIBUTORS.append(warp_contributor)  # 2-D inputs: the grid's image after every layer


def probe_activations(params: Params, activation: str, output: str, inputs: np.ndarray) -> dict[str, np.ndarray]:
    arrays = {}
    for index, (pre, act) in enumerate(forward_trace(params, activation, output, inputs)):
        arrays[f"pre.{index}"] = pre.astype(np.float32)
        arrays[f"act.{index}"] = act.astype(np.float32)
    return arrays


def snapshot_tensors(params: Params, manifest: dict[str, Any], probe_inputs: np.ndarray) -> dict[str, np.ndarray]:
    """All arrays of one snapshot of a run described by ``manifest``."""
    arrays: dict[str, np.ndarray] = {}
    for index, (weight, bias) in enumerate(params):
        arrays[f"weight.{index}"] = np.asarray(weight, np.float32)
        arrays[f"bias.{index}"] = np.asarray(bias, np.float32)
    arrays.update(probe_activations(params, manifest["activation"], manifest["output"], probe_inputs))
    for contribute in CONTRIBUTORS:
        arrays.update(contribute(params, manifest))
    return arrays
