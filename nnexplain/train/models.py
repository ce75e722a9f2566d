"""The torch model: a plain MLP whose layers are ``linears.0``, ``linears.1``, ...

Hidden layers share one activation; the last layer returns raw scores (logits
for classification, values for regression). The matching numpy forward pass is
:mod:`nnexplain.run.forward`.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["MLP", "TORCH_ACTIVATIONS"]

TORCH_ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "identity": lambda z: z,
}


class MLP(nn.Module):
    def __init__(self, sizes: list[int], activation: str):
        super().__init__()
        self.sizes = list(sizes)
        self.activation = activation
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        act = TORCH_ACTIVATIONS[self.activation]
        for linear in self.linears[:-1]:
            x = act(linear(x))
        return self.linears[-1](x)
