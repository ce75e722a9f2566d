"""A network's parameters out of a flat dictionary of named arrays, checked.

A state dict, a safetensors file and an npz file all come down to names and
arrays. Two readings:

- :func:`network_params`: the parameters of a known :class:`~nnexplain.run.network.Network`,
  each under the name its layer gives it, of the shape its kind says (a dense weight is
  2-D; a kind may declare kernels of any rank);
- :func:`mlp_params`: a plain MLP found in arrays of unknown layout (a user's ``Linear``
  stack): the 2-D ``*.weight`` arrays, each with the 1-D ``*.bias`` of the same prefix,
  in key order; shapes must chain (out × in, like torch).
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np

from nnexplain.errors import NnexplainError
from nnexplain.inputs import MAX_PARAMETERS
from nnexplain.run.network import Network, Params, snapshot_key

__all__ = ["mlp_params", "network_params", "weight_names"]


def weight_names(tensors: Mapping[str, np.ndarray]) -> list[str]:
    """The names of the layers' weights, first layer first."""
    return [name for name in tensors if name.endswith("weight")]


def _check_real(tensors: Mapping[str, np.ndarray], source: str) -> None:
    for name, value in tensors.items():
        kind = np.asarray(value).dtype
        if not (np.issubdtype(kind, np.floating) or np.issubdtype(kind, np.integer)):
            raise NnexplainError(f"{source}: tensor {name!r} holds {kind} values; weights are real numbers (float32)")
    count = sum(int(np.size(value)) for value in tensors.values())
    if count > MAX_PARAMETERS:
        raise NnexplainError(
            f"{source}: the network has {count:,} parameters; nnexplain draws networks of up to {MAX_PARAMETERS:,}"
        )


def _finite(name: str, value: np.ndarray, source: str) -> None:
    if not np.all(np.isfinite(value)):
        raise NnexplainError(f"{source}: tensor {name!r} contains NaN or inf values")


def network_params(
    network: Network,
    tensors: Mapping[str, np.ndarray],
    source: str = "weights",
    key: Callable[[int, str], str] = snapshot_key,
) -> Params:
    """The parameters of ``network``, each named ``key(layer, name)`` in ``tensors``, as float32; raises
    :class:`NnexplainError` for a missing, extra, misshapen or non-finite array."""
    names = network.parameter_keys(key)
    expected = {name for layer in names for name in layer}
    extra = sorted(set(tensors) - expected)
    if extra:
        raise NnexplainError(f"{source}: tensor {extra[0]!r} is no parameter of the network's layers")
    _check_real(tensors, source)
    params = []
    for index, (layer, layer_names) in enumerate(zip(network.layers, names)):
        values = []
        for name, shape in zip(layer_names, layer.parameter_shapes().values()):
            if name not in tensors:
                raise NnexplainError(f"{source}: the network's layer {index} ({layer.kind}) has no {name!r}")
            value = np.asarray(tensors[name], dtype=np.float32)
            if value.shape != shape:
                raise NnexplainError(
                    f"{source}: {name!r} has shape {value.shape}; layer {index} ({layer.kind}) needs {shape}"
                )
            _finite(name, value, source)
            values.append(value)
        params.append(tuple(values))
    return params


def mlp_params(
    tensors: Mapping[str, np.ndarray], source: str = "weights", zero_missing_biases: bool = False, order_hint: str = ""
) -> Params:
    """The (weight, bias) pairs of a plain MLP, checked; raises :class:`NnexplainError`.

    ``zero_missing_biases``: a weight with no bias (torch's ``Linear(bias=False)``) gets a bias of zeros,
    which computes the same; else it is refused. ``order_hint`` ends the message of shapes that do not chain
    (how the caller ordered the names, and how to fix it)."""
    weights = weight_names(tensors)
    for name, value in tensors.items():
        if name.endswith("weight"):
            if np.ndim(value) != 2:
                raise NnexplainError(
                    f"{source}: tensor {name!r} has shape {tuple(np.shape(value))}; "
                    "a plain MLP has only 2-D (out × in) weights (no convolution kernels or normalisation layers)"
                )
            if 0 in np.shape(value):
                raise NnexplainError(
                    f"{source}: weight {name!r} has shape {tuple(np.shape(value))}; "
                    "a layer needs at least one input and one output"
                )
        elif not name.endswith("bias"):
            raise NnexplainError(
                f"{source}: tensor {name!r} is neither a '*.weight' nor a '*.bias'; "
                "only plain MLP layers (Linear weight and bias) are accepted"
            )
    if not weights:
        raise NnexplainError(f"{source}: no '*.weight' tensors found; expected Linear layers of an MLP")
    _check_real(tensors, source)
    params = []
    for name in weights:
        bias_name = name[: -len("weight")] + "bias"
        weight = np.asarray(tensors[name], dtype=np.float32)
        if bias_name not in tensors and not zero_missing_biases:
            raise NnexplainError(f"{source}: weight {name!r} has no matching bias {bias_name!r}")
        bias = np.asarray(tensors.get(bias_name, np.zeros(weight.shape[0])), dtype=np.float32)
        if bias.shape != (weight.shape[0],):
            raise NnexplainError(
                f"{source}: bias {bias_name!r} has shape {bias.shape}; expected ({weight.shape[0]},) "
                f"to match weight {name!r} of shape {weight.shape}"
            )
        for tensor_name, value in ((name, weight), (bias_name, bias)):
            _finite(tensor_name, value, source)
        if params and params[-1][0].shape[0] != weight.shape[1]:
            previous = weights[len(params) - 1]
            raise NnexplainError(
                f"{source}: shapes do not chain: {previous!r} outputs {params[-1][0].shape[0]} "
                f"but {name!r} has shape {weight.shape} (expects {weight.shape[1]} inputs){order_hint}"
            )
        params.append((weight, bias))
    orphans = set(tensors) - set(weights) - {w[: -len("weight")] + "bias" for w in weights}
    if orphans:
        raise NnexplainError(f"{source}: bias {sorted(orphans)[0]!r} has no matching weight")
    return params
