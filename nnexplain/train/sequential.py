"""A user's own CNN as an ``nn.Sequential``: the network it computes, read from its modules.

A plain MLP's state dict says all (its Linear weights chain); a CNN's does not: strides,
paddings, pooling and flattening live in the modules, not in the weights. So the Recorder
reads an ``nn.Sequential`` that holds an image layer module by module:

- ``nn.Conv2d`` (group 1, dilation 1, zero padding given as numbers, with a bias) → ``conv2d``;
- ``nn.MaxPool2d`` (dilation 1, ``ceil_mode`` off) → ``maxpool2d``;
- ``nn.Flatten`` (from dimension 1) → ``flatten``; ``nn.Linear`` (with a bias) → ``dense``;
- ``nn.ReLU``/``nn.Sigmoid``/``nn.Tanh`` after a conv or Linear → the hidden activation;
  ``nn.Dropout``/``nn.Identity`` pass over; ``nn.Softmax``/``nn.LogSoftmax`` may end it.

Anything else is one line naming the module. Layer i's parameter NAME is the module's
``"{index}.NAME"`` in the model's state dict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nnexplain.errors import NnexplainError
from nnexplain.run.layers import LayerSpecError
from nnexplain.run.network import Network

__all__ = ["SequentialLayout", "sequential_layout"]

_IMAGE_MODULES = ("Conv2d", "MaxPool2d")  # a Flatten before Linear layers alone is an MLP on images
_ACTIVATIONS = {"ReLU": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh"}
_PASSED_OVER = ("Dropout", "Identity")
_OUTPUTS = ("Softmax", "LogSoftmax")


@dataclass(frozen=True)
class SequentialLayout:
    """The network an ``nn.Sequential`` computes, and where each layer's parameters are in its state dict."""

    network: Network
    module_indices: tuple[int, ...]  # per layer, its module's index in the Sequential

    def key(self, layer: int, name: str) -> str:
        return f"{self.module_indices[layer]}.{name}"


def sequential_layout(model: Any, input_shape: tuple[int, ...], output: str) -> SequentialLayout | None:
    """The layout of ``model`` when it is an ``nn.Sequential`` holding an image layer, else None (an MLP's
    Linear stack is read from its state dict). ``input_shape``: one example's, channels first."""
    from torch import nn

    if not isinstance(model, nn.Sequential):
        return None
    modules = list(model)
    if not any(type(module).__name__ in _IMAGE_MODULES for module in modules):
        return None
    specs, indices, activations = [], [], []
    for index, module in enumerate(modules):
        name = type(module).__name__
        where = f"the model's module {index} ({name})"
        if name in _PASSED_OVER or (name in _OUTPUTS and index == len(modules) - 1):
            continue
        if name in _ACTIVATIONS:
            if not specs or specs[-1]["kind"] not in ("conv2d", "dense") or activations[-1] is not None:
                raise NnexplainError(
                    f"{where} follows no conv or Linear layer; nnexplain records an activation after one"
                )
            activations[-1] = _ACTIVATIONS[name]
            continue
        spec = _spec(module, name, where)
        specs.append(spec)
        indices.append(index)
        activations.append(None)
    if not specs or specs[-1]["kind"] != "dense" or activations[-1] is not None:
        raise NnexplainError("the model must end in a Linear layer (then at most a Softmax)")
    hidden = {a for s, a in zip(specs[:-1], activations[:-1]) if s["kind"] in ("conv2d", "dense")}
    if len(hidden) > 1:
        raise NnexplainError(
            f"the model mixes {' and '.join(sorted(map(str, hidden)))}; a run has one hidden activation"
        )
    activation = (hidden.pop() if hidden else None) or "identity"
    try:
        network = Network.from_specs(input_shape, specs, activation, output)
    except LayerSpecError as error:
        raise NnexplainError(f"the model on inputs of shape {input_shape}: {error.key}: {error.message}") from None
    return SequentialLayout(network, tuple(indices))


def _spec(module: Any, name: str, where: str) -> dict[str, Any]:
    if name == "Conv2d":
        if module.groups != 1 or tuple(module.dilation) != (1, 1) or module.padding_mode != "zeros":
            raise NnexplainError(
                f"{where} is grouped, dilated or not zero padded; nnexplain records plain convolutions"
            )
        if isinstance(module.padding, str) or module.bias is None:
            raise NnexplainError(f"{where} needs padding given as numbers and a bias")
        return {
            "kind": "conv2d",
            "channels": module.out_channels,
            "kernel_size": list(module.kernel_size),
            "stride": list(module.stride),
            "padding": list(module.padding),
        }
    if name == "MaxPool2d":
        pairs = [module.kernel_size, module.stride, module.padding, module.dilation]
        kernel, stride, padding, dilation = ([v, v] if isinstance(v, int) else list(v) for v in pairs)
        if module.ceil_mode or dilation != [1, 1]:
            raise NnexplainError(f"{where} uses ceil_mode or dilation; nnexplain records plain max pooling")
        return {"kind": "maxpool2d", "kernel_size": kernel, "stride": stride, "padding": padding}
    if name == "Flatten":
        if module.start_dim != 1 or module.end_dim != -1:
            raise NnexplainError(f"{where} flattens dimensions {module.start_dim}..{module.end_dim}; nnexplain: 1..-1")
        return {"kind": "flatten"}
    if name == "Linear":
        if module.bias is None:
            raise NnexplainError(f"{where} has no bias; nnexplain records Linear layers with one")
        return {"kind": "dense", "units": module.out_features}
    raise NnexplainError(
        f"{where} is not a layer nnexplain records; it reads Conv2d, MaxPool2d, Flatten, Linear, ReLU, Sigmoid, Tanh"
    )
