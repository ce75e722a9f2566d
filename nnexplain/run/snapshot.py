"""What one snapshot holds, computed in numpy from the weights.

Every snapshot stores each layer's parameters by name (``weight.i``, ``bias.i`` for a
dense layer i; :func:`~nnexplain.run.network.snapshot_key`) and, for the run's probe
inputs, each layer's pre-activation and activation (``pre.i``, ``act.i``, i = 0 for the
first layer), from the network's forward pass. Whoever records passes the further
:mod:`~nnexplain.run.contents` it wants (warps of 2-D space, sampled curves of 1-D
regressions). Because everything here is computed from weights, runs trained by
nnexplain, recorded from a user's loop, or imported are alike.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from nnexplain.run.contents import Content
from nnexplain.run.network import Network, Params

__all__ = ["snapshot_tensors", "probe_activations"]


def probe_activations(network: Network, params: Params, inputs: np.ndarray) -> dict[str, np.ndarray]:
    """``pre.i`` and ``act.i`` of every layer for ``inputs``, as float32."""
    arrays = {}
    for index, (pre, act) in enumerate(network.trace(params, inputs)):
        arrays[f"pre.{index}"] = pre.astype(np.float32)
        arrays[f"act.{index}"] = act.astype(np.float32)
    return arrays


def snapshot_tensors(
    params: Params, manifest: dict[str, Any], probe_inputs: np.ndarray, contents: Sequence[Content] = ()
) -> dict[str, np.ndarray]:
    """All arrays of one snapshot of a run described by ``manifest``, with the given ``contents``."""
    network = Network.from_manifest(manifest)
    arrays = network.arrays_of_params(params)
    arrays.update(probe_activations(network, params, probe_inputs))
    for content in contents:
        arrays.update(content(params, manifest))
    return arrays
