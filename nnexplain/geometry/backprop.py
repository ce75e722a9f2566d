"""Backpropagation in plain numpy: the loss, every gradient, and each example's error signals.

    result = backprop(run.params(), run.activation, run.output, x, y)
    result.loss                 # mean loss over the examples
    result.weight_grads[i]      # ∂loss/∂W_i, (out, in) like the weights
    result.deltas[i][n]         # δ of layer i for example n: ∂(example n's loss)/∂z_i

The loss is the one training used (:mod:`nnexplain.train.loop`): softmax with
cross-entropy for classifiers (``output="softmax"``, ``y`` holds class indices),
squared error averaged over outputs for regressions (``output="identity"``, ``y``
holds target rows), both averaged over the examples. Each example's δ is the
derivative of that example's own loss, so the batch gradient is the mean over
examples of ``δ_i ⊗ a_{i-1}``; at the output it is ``p − y`` for softmax with
cross-entropy and ``2(ŷ − y)/outputs`` for squared error. Hidden layers pass it
back: ``δ_i = (δ_{i+1} W_{i+1}) ⊙ f′(z_i)``. Computed in float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.run.forward import forward_trace

__all__ = ["Backprop", "backprop", "example_losses", "activation_slope", "flatten", "unflatten", "sgd_step"]

Params = list[tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Backprop:
    loss: float  # the mean over examples of ``losses``
    losses: np.ndarray  # (N,) each example's own loss
    weight_grads: list[np.ndarray]  # ∂loss/∂W_i, (out, in)
    bias_grads: list[np.ndarray]  # ∂loss/∂b_i, (out,)
    deltas: list[np.ndarray]  # per layer, (N, out): ∂(example's loss)/∂z_i
    pre: list[np.ndarray]  # per layer, (N, out): z_i
    act: list[np.ndarray]  # per layer, (N, out): a_i (the last is the output: probabilities or values)

    def edge_gradients(self, layer: int, inputs: np.ndarray, example: int) -> np.ndarray:
        """One example's gradient of every weight of ``layer``: δ_out · a_in, (out, in)."""
        below = np.asarray(inputs, np.float64).reshape(len(inputs), -1) if layer == 0 else self.act[layer - 1]
        return np.outer(self.deltas[layer][example], below[example])


def activation_slope(activation: str, pre: np.ndarray, act: np.ndarray) -> np.ndarray:
    """f′(z) of a hidden activation, from z and a = f(z) (ReLU's slope at exactly 0 is 0, as torch has it)."""
    if activation == "sigmoid":
        return act * (1.0 - act)
    if activation == "tanh":
        return 1.0 - act * act
    if activation == "relu":
        return (pre > 0).astype(np.float64)
    if activation == "identity":
        return np.ones_like(pre)
    raise ValueError(f"unknown activation {activation!r}")


def _output_loss(output: str, pre: np.ndarray, act: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each example's loss and its δ at the output layer."""
    if output == "softmax":
        labels = np.asarray(y).astype(np.int64).reshape(-1)
        shifted = pre - pre.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(len(labels))
        delta = act.copy()
        delta[rows, labels] -= 1.0
        return -log_p[rows, labels], delta
    if output == "identity":
        error = act - np.asarray(y, np.float64).reshape(act.shape)
        return (error**2).mean(axis=1), 2.0 * error / act.shape[1]
    raise ValueError(f"unknown output {output!r}")


def example_losses(params: Params, activation: str, output: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each example's loss (no gradients)."""
    pre, act = forward_trace(params, activation, output, x)[-1]
    return _output_loss(output, pre, act, y)[0]


def backprop(params: Params, activation: str, output: str, x: np.ndarray, y: np.ndarray) -> Backprop:
    """Forward, then backward through every layer, for the examples ``x`` with targets ``y``."""
    x = np.asarray(x, np.float64).reshape(len(x), -1)
    trace = forward_trace(params, activation, output, x)
    pre = [z for z, _ in trace]
    act = [a for _, a in trace]
    losses, delta = _output_loss(output, pre[-1], act[-1], y)
    deltas = [delta]
    for layer in range(len(params) - 2, -1, -1):
        weight_above = np.asarray(params[layer + 1][0], np.float64)
        delta = (delta @ weight_above) * activation_slope(activation, pre[layer], act[layer])
        deltas.insert(0, delta)
    count = len(x)
    inputs = [x, *act[:-1]]
    weight_grads = [d.T @ a / count for d, a in zip(deltas, inputs)]
    bias_grads = [d.mean(axis=0) for d in deltas]
    return Backprop(float(losses.mean()), losses, weight_grads, bias_grads, deltas, pre, act)


def flatten(params_or_grads: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """One vector of every weight then bias, layer by layer (weights row by row)."""
    return np.concatenate([np.concatenate([np.ravel(w), np.ravel(b)]) for w, b in params_or_grads]).astype(np.float64)


def unflatten(vector: np.ndarray, like: Params) -> Params:
    """The (weight, bias) pairs of ``vector``, shaped like ``like``."""
    params, at = [], 0
    for weight, bias in like:
        w_size, b_size = np.size(weight), np.size(bias)
        params.append((vector[at : at + w_size].reshape(np.shape(weight)), vector[at + w_size : at + w_size + b_size]))
        at += w_size + b_size
    return params


def sgd_step(params: Params, result: Backprop, lr: float) -> Params:
    """One plain gradient step, θ − lr · ∇loss."""
    return [
        (np.asarray(w, np.float64) - lr * gw, np.asarray(b, np.float64) - lr * gb)
        for (w, b), gw, gb in zip(params, result.weight_grads, result.bias_grads)
    ]
