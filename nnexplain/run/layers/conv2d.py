"""The 2-D convolution layer: each output channel slides one kernel over every input channel, then the activation.

Like ``torch.nn.Conv2d`` (cross-correlation: the kernel is not flipped): output channel ``o`` at
``(i, j)`` is ``bias[o] + Σ_c Σ_(u,v) weight[o, c, u, v] · x[c, i·s + u − p, j·s + v − p]``, zeros
outside the image. Its weight is (out channels, in channels, kernel rows, kernel columns) and its
bias one number per output channel, stored as ``weight.i`` and ``bias.i``; its pre-activation and
activation on the probe (``pre.i``, ``act.i``) are the feature maps, (channels, rows, columns) each.
Manifest entry: ``{"kind": "conv2d", "channels": 8, "kernel_size": 5, "stride": 1, "padding": 0}``
(``stride`` and ``padding`` optional; any size may be a pair [rows, columns]).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

import numpy as np

from nnexplain.run.layers.base import Layer, LayerSpecError, register_layer_kind, whole_number
from nnexplain.run.layers.windows import Pair, output_size, pair_option, size_pair, windows

__all__ = ["Conv2d"]

MAX_CHANNELS = 65_536


@register_layer_kind
@dataclass(frozen=True, kw_only=True)
class Conv2d(Layer):
    channels: int
    kernel_size: Pair
    stride: Pair = (1, 1)
    padding: Pair = (0, 0)

    kind: ClassVar[str] = "conv2d"
    option_names: ClassVar[tuple[str, ...]] = ("channels", "kernel_size", "stride", "padding")
    takes_activation: ClassVar[bool] = True
    input_rank: ClassVar[int] = 3  # (channels, rows, columns)

    @classmethod
    def from_options(cls, options: Mapping[str, Any], input_shape: tuple[int, ...], activation: str) -> "Conv2d":
        layer = cls(
            input_shape=tuple(input_shape),
            activation=activation,
            channels=whole_number(options, "channels", 1, MAX_CHANNELS),
            kernel_size=size_pair(options, "kernel_size", 1),
            stride=size_pair(options, "stride", 1, (1, 1)),
            padding=size_pair(options, "padding", 0, (0, 0)),
        )
        check_image_input("conv2d", input_shape, layer.kernel_size, layer.padding)
        return layer

    def options(self) -> dict[str, Any]:
        return {
            "channels": self.channels,
            "kernel_size": pair_option(self.kernel_size),
            "stride": pair_option(self.stride),
            "padding": pair_option(self.padding),
        }

    def summary(self) -> str:
        extras = [
            f"{name} {pair_option(value)}"
            for name, value, plain in (("stride", self.stride, (1, 1)), ("padding", self.padding, (0, 0)))
            if value != plain
        ]
        return f"conv2d {self.kernel_size[0]}×{self.kernel_size[1]}×{self.channels}" + (
            f" ({', '.join(extras)})" if extras else ""
        )

    @property
    def in_channels(self) -> int:
        return self.input_shape[0]

    @property
    def output_shape(self) -> tuple[int, ...]:
        sides = (
            output_size(side, kernel, stride, padding)
            for side, kernel, stride, padding in zip(self.input_shape[1:], self.kernel_size, self.stride, self.padding)
        )
        return (self.channels, *sides)

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        return {"weight": (self.channels, self.in_channels, *self.kernel_size), "bias": (self.channels,)}

    def pre_activation(self, params: tuple[np.ndarray, ...], x: np.ndarray) -> np.ndarray:
        weight, bias = params
        patches = windows(x, self.kernel_size, self.stride, self.padding)  # (N, C, H', W', kh, kw)
        z = np.tensordot(patches, weight, axes=([1, 4, 5], [1, 2, 3]))  # (N, H', W', out)
        return np.moveaxis(z, 3, 1) + bias[:, None, None]

    def torch_module(self) -> Any:
        from torch import nn

        return nn.Conv2d(self.in_channels, self.channels, self.kernel_size, self.stride, self.padding)


def check_image_input(kind: str, input_shape: tuple[int, ...], kernel: Pair, padding: Pair) -> None:
    """An image layer takes (channels, rows, columns) inputs at least as large as its kernel, padding included."""
    if len(input_shape) != 3:
        raise LayerSpecError(
            "kind", f"a {kind} layer takes images (channels, rows, columns), not inputs of shape {tuple(input_shape)}"
        )
    for side, size, pad in zip(input_shape[1:], kernel, padding):
        if side + 2 * pad < size:
            raise LayerSpecError(
                "kernel_size", f"a {size}-wide kernel does not fit inputs of shape {tuple(input_shape)} (padding {pad})"
            )
