"""The dense (fully connected) layer: z = W·x + b, then the network's hidden activation.

Its weight is (out, in), like ``torch.nn.Linear``'s, and its torch module is one;
snapshots store them as ``weight.i`` and ``bias.i``, as runs always have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

import numpy as np

from nnexplain.inputs import MAX_PARAMETERS
from nnexplain.run.layers.base import Layer, LayerSpecError, register_layer_kind, whole_number

__all__ = ["Dense"]


@register_layer_kind
@dataclass(frozen=True, kw_only=True)
class Dense(Layer):
    units: int

    kind: ClassVar[str] = "dense"
    option_names: ClassVar[tuple[str, ...]] = ("units",)
    takes_activation: ClassVar[bool] = True
    input_rank: ClassVar[int] = 1

    @classmethod
    def from_options(cls, options: Mapping[str, Any], input_shape: tuple[int, ...], activation: str) -> "Dense":
        if len(input_shape) != 1:
            raise LayerSpecError("kind", f"a dense layer takes flat inputs, not of shape {tuple(input_shape)}")
        return cls(
            input_shape=tuple(input_shape),
            activation=activation,
            units=whole_number(options, "units", 1, MAX_PARAMETERS),
        )

    def options(self) -> dict[str, Any]:
        return {"units": self.units}

    def summary(self) -> str:
        return f"dense {self.units}"

    @property
    def output_shape(self) -> tuple[int, ...]:
        return (self.units,)

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        return {"weight": (self.units, self.input_shape[0]), "bias": (self.units,)}

    def pre_activation(self, params: tuple[np.ndarray, ...], x: np.ndarray) -> np.ndarray:
        # Leading axes of the weight and bias stack networks (the loss landscape runs thousands at once).
        weight, bias = params
        return x @ weight.swapaxes(-1, -2) + (bias if bias.ndim == 1 else bias[..., None, :])

    def parameter_gradients(
        self, params: tuple[np.ndarray, ...], x: np.ndarray, delta: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        return delta.T @ x / len(x), delta.mean(axis=0)

    def input_gradient(self, params: tuple[np.ndarray, ...], delta: np.ndarray) -> np.ndarray:
        return delta @ params[0]

    def torch_module(self) -> Any:
        from torch import nn

        return nn.Linear(self.input_shape[0], self.units)
