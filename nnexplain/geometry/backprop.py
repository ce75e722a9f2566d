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

from nnexplain.run.activations import ACTIVATIONS, OUTPUTS
from nnexplain.run.network import Network, Params

__all__ = ["Backprop", "backprop", "example_losses", "flatten", "unflatten", "sgd_step"]


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


def example_losses(params: Params, activation: str, output: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each example's loss (no gradients)."""
    pre, act = Network.from_params(params, activation, output).trace(params, x)[-1]
    return OUTPUTS[output].losses(pre, act, y)[0]


def backprop(params: Params, activation: str, output: str, x: np.ndarray, y: np.ndarray) -> Backprop:
    """Forward, then backward through every layer, for the examples ``x`` with targets ``y``."""
    network = Network.from_params(params, activation, output)
    x = np.asarray(x, np.float64).reshape(len(x), -1)
    trace = network.trace(params, x)
    pre = [z for z, _ in trace]
    act = [a for _, a in trace]
    losses, delta = OUTPUTS[output].losses(pre[-1], act[-1], y)
    deltas = [delta]
    for index in range(len(params) - 1, 0, -1):
        below = network.layers[index - 1]
        weights = tuple(np.asarray(value, np.float64) for value in params[index])
        slope = ACTIVATIONS[below.activation].slope(pre[index - 1], act[index - 1])
        delta = network.layers[index].input_gradient(weights, delta) * slope
        deltas.insert(0, delta)
    inputs = [x, *act[:-1]]
    gradients = [layer.parameter_gradients(p, a, d) for layer, p, d, a in zip(network.layers, params, deltas, inputs)]
    weight_grads, bias_grads = [g[0] for g in gradients], [g[1] for g in gradients]
    return Backprop(float(losses.mean()), losses, weight_grads, bias_grads, deltas, pre, act)


def flatten(params_or_grads: Params) -> np.ndarray:
    """One vector of every parameter, layer by layer in the order of their names (a dense layer's weight, row by
    row, then its bias)."""
    return np.concatenate([np.ravel(value) for layer in params_or_grads for value in layer]).astype(np.float64)


def unflatten(vector: np.ndarray, like: Params) -> Params:
    """The parameters of every layer in ``vector`` (as :func:`flatten` lays them out), shaped like ``like``."""
    params, at = [], 0
    for layer in like:
        values = []
        for value in layer:
            values.append(vector[at : at + np.size(value)].reshape(np.shape(value)))
            at += np.size(value)
        params.append(tuple(values))
    return params


def sgd_step(params: Params, result: Backprop, lr: float) -> Params:
    """One plain gradient step, θ − lr · ∇loss."""
    return [
        (np.asarray(w, np.float64) - lr * gw, np.asarray(b, np.float64) - lr * gb)
        for (w, b), gw, gb in zip(params, result.weight_grads, result.bias_grads)
    ]
