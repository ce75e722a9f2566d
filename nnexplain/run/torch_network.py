"""The torch module of a :class:`~nnexplain.run.network.Network`: its layers' modules, each followed by its activation.

Imported only by :meth:`Network.torch_module <nnexplain.run.network.Network.torch_module>`, so the
run floor loads torch only when a torch module is built. The module's state dict names layer ``i``'s
parameter ``NAME`` ``layers.i.NAME`` (:func:`~nnexplain.run.network.module_key`); it returns raw
scores (logits, or regression values): the output function belongs to the loss, as in torch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from nnexplain.run.activations import ACTIVATIONS

__all__ = ["NetworkModule"]


class NetworkModule(nn.Module):
    def __init__(self, network: Any):
        super().__init__()
        self.network = network
        # Built in order, so torch's initialisation draws the same numbers as a hand-written stack of the same layers.
        self.layers = nn.ModuleList(layer.torch_module() for layer in network.layers)
        self._activations = [ACTIVATIONS[layer.activation].torch_function() for layer in network.layers]

    @property
    def activation(self) -> str:
        return self.network.activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.reshape(len(x), *self.network.input_shape)
        for module, activate in zip(self.layers, self._activations):
            x = activate(module(x))
        return x

    def numpy_params(self) -> list[tuple[np.ndarray, ...]]:
        """Every layer's parameters, as numpy arrays (copies, on the CPU)."""
        return [
            tuple(getattr(module, name).detach().cpu().numpy().copy() for name in layer.parameter_names)
            for module, layer in zip(self.layers, self.network.layers)
        ]

    @torch.no_grad()
    def load_params(self, params: list[tuple[np.ndarray, ...]]) -> None:
        """Set every layer's parameters to ``params`` (numpy arrays shaped as the layers say)."""
        for module, layer, values in zip(self.layers, self.network.layers, params):
            for name, value in zip(layer.parameter_names, values):
                getattr(module, name).copy_(torch.from_numpy(np.asarray(value)))
