"""The forward pass of a plain MLP in numpy, layer by layer.

Scenes and recorders use this instead of torch, so drawing never needs torch.
Weights are (out, in) like ``torch.nn.Linear``; inputs are rows.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["ACTIVATIONS", "OUTPUTS", "forward_trace"]

Params = list[tuple[np.ndarray, np.ndarray]]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # Two branches keep exp() from overflowing for large |z|.
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "identity": lambda z: z,
}
OUTPUTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "softmax": _softmax,
    "identity": lambda z: z,
}


def forward_trace(params: Params, activation: str, output: str, x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(pre-activation, activation) of every layer for inputs ``x``.

    Hidden layers use ``activation``; the last layer uses ``output``.
    """
    trace = []
    a = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    for index, (weight, bias) in enumerate(params):
        z = a @ np.asarray(weight, np.float64).T + np.asarray(bias, np.float64)
        last = index == len(params) - 1
        a = OUTPUTS[output](z) if last else ACTIVATIONS[activation](z)
        trace.append((z, a))
    return trace

