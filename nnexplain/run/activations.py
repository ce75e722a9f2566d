"""Every activation and output function a run may name, in one table each: numpy, derivative, torch.

A run names its hidden activation (``"sigmoid"``, ``"tanh"``, ``"relu"`` or
``"identity"``, none) and its output function (``"softmax"`` for classifiers,
``"identity"`` for regressions). Everything that needs one of them looks it up here:
the numpy forward pass (:mod:`~nnexplain.run.network`), backpropagation (the slope
f′ and the output's loss), the loss landscape (an in-place variant), the torch
module a network builds, the manifest's schema, the command line's choices, the
importer and the recorder. Adding an activation is one entry in :data:`ACTIVATIONS`.

torch is imported only when a torch function or module is asked for: the run floor
stays free of torch at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

__all__ = [
    "Activation",
    "Output",
    "ACTIVATIONS",
    "OUTPUTS",
    "HIDDEN_ACTIVATIONS",
    "ALL_ACTIVATIONS",
    "OUTPUT_FUNCTIONS",
    "output_for_task",
]

Elementwise = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Activation:
    """An elementwise function f applied after a layer's pre-activation z."""

    name: str
    function: Elementwise  # a = f(z), safe for any finite z, in z's float dtype
    slope: Callable[[np.ndarray, np.ndarray], np.ndarray]  # f′(z), from z and a = f(z): what backprop needs
    in_place: Elementwise  # f(z) written over z (large float32 blocks of the loss landscape)
    torch_function_name: str | None  # the function in ``torch``; None: the identity
    torch_module_name: str  # the module class in ``torch.nn``
    offered: bool  # offered for the hidden layers of a recipe (``--activation``); the identity is "none"
    bound: float | None  # |f(z)| ≤ bound for every z; None when unbounded
    piecewise_linear: bool  # linear between finitely many kinks

    def torch_function(self) -> Callable[[Any], Any]:
        """f on torch tensors."""
        if self.torch_function_name is None:
            return _identity
        import torch

        return getattr(torch, self.torch_function_name)

    def torch_module(self) -> Any:
        """A fresh ``torch.nn`` module computing f."""
        from torch import nn

        return getattr(nn, self.torch_module_name)()


def _identity(z):
    return z


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # Two branches keep exp() from overflowing for large |z|.
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def _sigmoid_in_place(z: np.ndarray) -> np.ndarray:
    # σ(z) = (1 + tanh(z/2))/2: no masks, and tanh never overflows (the masked form took 80% of a landscape).
    return np.multiply(np.add(np.tanh(np.multiply(z, 0.5, out=z), out=z), 1.0, out=z), 0.5, out=z)


def _relu_slope(pre: np.ndarray, act: np.ndarray) -> np.ndarray:
    return (pre > 0).astype(np.float64)  # 0 at exactly 0, as torch has it


ACTIVATIONS: dict[str, Activation] = {
    entry.name: entry
    for entry in (
        Activation(
            name="sigmoid",
            function=_sigmoid,
            slope=lambda pre, act: act * (1.0 - act),
            in_place=_sigmoid_in_place,
            torch_function_name="sigmoid",
            torch_module_name="Sigmoid",
            offered=True,
            bound=1.0,
            piecewise_linear=False,
        ),
        Activation(
            name="tanh",
            function=np.tanh,
            slope=lambda pre, act: 1.0 - act * act,
            in_place=lambda z: np.tanh(z, out=z),
            torch_function_name="tanh",
            torch_module_name="Tanh",
            offered=True,
            bound=1.0,
            piecewise_linear=False,
        ),
        Activation(
            name="relu",
            function=lambda z: np.maximum(z, 0.0),
            slope=_relu_slope,
            in_place=lambda z: np.maximum(z, 0.0, out=z),
            torch_function_name="relu",
            torch_module_name="ReLU",
            offered=True,
            bound=None,
            piecewise_linear=True,
        ),
        Activation(
            name="identity",
            function=_identity,
            slope=lambda pre, act: np.ones_like(pre),
            in_place=_identity,
            torch_function_name=None,
            torch_module_name="Identity",
            offered=False,
            bound=None,
            piecewise_linear=True,
        ),
    )
}


def _softmax(z: np.ndarray) -> np.ndarray:
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _cross_entropy(pre: np.ndarray, act: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    labels = np.asarray(y).astype(np.int64).reshape(-1)
    shifted = pre - pre.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    delta = act.copy()
    delta[rows, labels] -= 1.0  # p − y: softmax and cross-entropy differentiated together
    return -log_p[rows, labels], delta


def _squared_error(pre: np.ndarray, act: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    error = act - np.asarray(y, np.float64).reshape(act.shape)
    return (error**2).mean(axis=1), 2.0 * error / act.shape[1]


@dataclass(frozen=True)
class Output:
    """The function after a network's last layer, and the loss training pairs with it."""

    name: str
    function: Elementwise  # over the last axis (softmax) or elementwise
    task: str  # the kind of data set it serves: "classify" or "regress"
    loss_name: str
    # (each example's loss, δ = ∂(example's loss)/∂z at the last layer) from z, the output and the
    # targets (class indices or target rows); averaged over outputs as torch's losses are.
    losses: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


OUTPUTS: dict[str, Output] = {
    entry.name: entry
    for entry in (
        Output("softmax", _softmax, "classify", "cross-entropy", _cross_entropy),
        Output("identity", _identity, "regress", "squared error", _squared_error),
    )
}

HIDDEN_ACTIVATIONS: tuple[str, ...] = tuple(name for name, entry in ACTIVATIONS.items() if entry.offered)
ALL_ACTIVATIONS: tuple[str, ...] = tuple(ACTIVATIONS)
OUTPUT_FUNCTIONS: tuple[str, ...] = tuple(OUTPUTS)


def output_for_task(task: str) -> str:
    """The output function of a ``"classify"`` or ``"regress"`` run."""
    return next(name for name, entry in OUTPUTS.items() if entry.task == task)
