"""What one snapshot holds, computed in numpy from the weights.

Every snapshot stores the layers' weights and biases (``weight.i``, ``bias.i``)
and, for the run's probe inputs, each layer's pre-activation and activation
(``pre.i``, ``act.i``, i = 0 for the first layer). Whoever records passes the
further :mod:`~nnexplain.run.contents` it wants (warps of 2-D space, sampled
curves of 1-D regressions). Because everything here is computed from weights,
runs trained by nnexplain, recorded from a user's loop, or imported are alike.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from nnexplain.run.contents import Content
from nnexplain.run.forward import forward_trace

__all__ = ["snapshot_tensors", "probe_activations"]

Params = list[tuple[np.ndarray, np.ndarray]]


def probe_activations(params: Params, activation: str, output: str, inputs: np.ndarray) -> dict[str, np.ndarray]:
    """``pre.i`` and ``act.i`` of every layer for ``inputs``, as float32."""
    arrays = {}
    for index, (pre, act) in enumerate(forward_trace(params, activation, output, inputs)):
        arrays[f"pre.{index}"] = pre.astype(np.float32)
        arrays[f"act.{index}"] = act.astype(np.float32)
    return arrays


def snapshot_tensors(
    params: Params, manifest: dict[str, Any], probe_inputs: np.ndarray, contents: Sequence[Content] = ()
) -> dict[str, np.ndarray]:
    """All arrays of one snapshot of a run described by ``manifest``, with the given ``contents``."""
    arrays: dict[str, np.ndarray] = {}
    for index, (weight, bias) in enumerate(params):
        arrays[f"weight.{index}"] = np.asarray(weight, np.float32)
        arrays[f"bias.{index}"] = np.asarray(bias, np.float32)
    arrays.update(probe_activations(params, manifest["activation"], manifest["output"], probe_inputs))
    for content in contents:
        arrays.update(content(params, manifest))
    return arrays
