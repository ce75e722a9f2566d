"""The flatten layer: a stack of feature maps becomes one vector (channel by channel, row by row), as
``torch.nn.Flatten`` makes it; no parameters, no activation. Manifest entry: ``{"kind": "flatten"}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from nnexplain.run.layers.base import Layer, register_layer_kind

__all__ = ["Flatten"]


@register_layer_kind
@dataclass(frozen=True, kw_only=True)
class Flatten(Layer):
    kind: ClassVar[str] = "flatten"

    @property
    def output_shape(self) -> tuple[int, ...]:
        return (math.prod(self.input_shape),)

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        return {}

    def pre_activation(self, params: tuple[np.ndarray, ...], x: np.ndarray) -> np.ndarray:
        return x.reshape(len(x), -1)

    def torch_module(self) -> Any:
        from torch import nn

        return nn.Flatten()
