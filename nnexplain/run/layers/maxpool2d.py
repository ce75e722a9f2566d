"""The 2-D max-pooling layer: each window of each channel keeps its largest value; no parameters, no activation.

Like ``torch.nn.MaxPool2d`` (``ceil_mode`` off, dilation 1): the window slides by ``stride``
(by default its own size, so windows do not overlap and each side shrinks by that factor),
and padding adds −∞, which never wins. Manifest entry:
``{"kind": "maxpool2d", "kernel_size": 2, "stride": 2, "padding": 0}`` (``stride`` and
``padding`` optional).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

import numpy as np

from nnexplain.run.layers.base import Layer, LayerSpecError, register_layer_kind
from nnexplain.run.layers.conv2d import check_image_input
from nnexplain.run.layers.windows import Pair, output_size, pair_option, size_pair, windows

__all__ = ["MaxPool2d"]


@register_layer_kind
@dataclass(frozen=True, kw_only=True)
class MaxPool2d(Layer):
    kernel_size: Pair
    stride: Pair
    padding: Pair = (0, 0)

    kind: ClassVar[str] = "maxpool2d"
    option_names: ClassVar[tuple[str, ...]] = ("kernel_size", "stride", "padding")
    input_rank: ClassVar[int] = 3

    @classmethod
    def from_options(cls, options: Mapping[str, Any], input_shape: tuple[int, ...], activation: str) -> "MaxPool2d":
        kernel = size_pair(options, "kernel_size", 1)
        padding = size_pair(options, "padding", 0, (0, 0))
        if any(2 * pad > size for pad, size in zip(padding, kernel)):
            # torch's rule: a window could otherwise hold padding only, and its maximum be -inf
            raise LayerSpecError("padding", f"must be at most half the kernel size {pair_option(kernel)}")
        check_image_input("maxpool2d", input_shape, kernel, padding)
        stride = size_pair(options, "stride", 1, kernel)
        return cls(input_shape=tuple(input_shape), kernel_size=kernel, stride=stride, padding=padding)

    def options(self) -> dict[str, Any]:
        return {
            "kernel_size": pair_option(self.kernel_size),
            "stride": pair_option(self.stride),
            "padding": pair_option(self.padding),
        }

    def summary(self) -> str:
        extras = [f"stride {pair_option(self.stride)}"] if self.stride != self.kernel_size else []
        extras += [f"padding {pair_option(self.padding)}"] if any(self.padding) else []
        return f"maxpool2d {self.kernel_size[0]}×{self.kernel_size[1]}" + (f" ({', '.join(extras)})" if extras else "")

    @property
    def output_shape(self) -> tuple[int, ...]:
        sides = (
            output_size(side, kernel, stride, padding)
            for side, kernel, stride, padding in zip(self.input_shape[1:], self.kernel_size, self.stride, self.padding)
        )
        return (self.input_shape[0], *sides)

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        return {}

    def pre_activation(self, params: tuple[np.ndarray, ...], x: np.ndarray) -> np.ndarray:
        return windows(x, self.kernel_size, self.stride, self.padding, fill=-np.inf).max(axis=(4, 5))

    def winners(self, x: np.ndarray) -> np.ndarray:
        """For each output value, the (row, column) in the unpadded input of the value that survived (first on ties)."""
        patches = windows(x, self.kernel_size, self.stride, self.padding, fill=-np.inf)
        flat = patches.reshape(*patches.shape[:4], -1).argmax(axis=-1)
        rows, columns = np.divmod(flat, self.kernel_size[1])
        out_rows = np.arange(patches.shape[2])[:, None] * self.stride[0] - self.padding[0]
        out_columns = np.arange(patches.shape[3])[None, :] * self.stride[1] - self.padding[1]
        return np.stack([rows + out_rows, columns + out_columns], axis=-1)

    def torch_module(self) -> Any:
        from torch import nn

        return nn.MaxPool2d(self.kernel_size, self.stride, self.padding)
