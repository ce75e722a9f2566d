"""What the ``backprop`` scene shows, in numbers: one digit's wishes passed backwards, and one mini-batch step.

A neuron's *wish* is the change of its pre-activation that would lower this
example's loss fastest: ``−δ = −∂loss/∂z``. At a softmax output with cross-entropy
it is ``y − p`` (up for the label, down for the rest); a hidden neuron's is the
weighted sum of the wishes above it times the activation's slope. A weight's
gradient for the example is ``δ_out · a_in``, so the weights that matter most
join bright neurons (large ``a_in``) to big wishes (large ``|δ_out|``).
Everything comes from :func:`~nnexplain.geometry.backprop.backprop`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.geometry.backprop import Backprop, Params, backprop, example_losses, sgd_step
from nnexplain.geometry.network import EdgeGroup, NetworkView
from nnexplain.run.activations import ACTIVATIONS

__all__ = [
    "GRADIENT_QUANTILES",
    "example_backprop",
    "gradient_edges",
    "strongest_edge",
    "Gathering",
    "gather",
    "BatchStep",
    "moved_weights",
    "example_wishes",
    "batch_step",
    "choose_batch",
    "choose_example",
]

# Edge width classes by |gradient| quantile within a layer: most edges thin, the top 5% bold.
GRADIENT_QUANTILES = (0.5, 0.8, 0.95)


def example_backprop(
    params: Params, activation: str, output: str, inputs: np.ndarray, labels: np.ndarray, index: int
) -> Backprop:
    """Backpropagation of the one example ``index``."""
    return backprop(params, activation, output, inputs[index : index + 1], labels[index : index + 1])


def gradient_edges(view: NetworkView, result: Backprop, inputs: np.ndarray, layer: int) -> EdgeGroup:
    """The drawn edges of weight matrix ``layer``, their ``weight`` this example's gradient δ_out · a_in."""
    gradient = result.edge_gradients(layer, inputs, 0)
    drawn = view.edges[layer]
    values = gradient[drawn.target, view.shown_inputs[drawn.source] if layer == 0 else drawn.source]
    magnitude = np.abs(values)
    classes = np.zeros(len(values), int)  # an edge from a dark pixel or neuron carries nothing: thinnest
    moving = magnitude > 0
    if moving.any():
        cuts = np.quantile(magnitude[moving], GRADIENT_QUANTILES)
        classes[moving] = np.searchsorted(cuts, magnitude[moving], side="right")
    return EdgeGroup(drawn.source, drawn.target, values, classes)


def strongest_edge(group: EdgeGroup) -> int:
    """The index (within the group) of the edge with the largest |gradient|."""
    return int(np.argmax(np.abs(group.weight)))


@dataclass(frozen=True)
class Gathering:
    """How one hidden neuron gathers its wish from every neuron above it (the chain rule's sum over paths).

    Neuron ``neuron`` of weight layer ``layer``'s output (``layer`` 0: the first hidden layer) feeds each
    neuron ``k`` above through the weight ``weights[k]``; that neuron's wish ``wishes[k]`` (−∂loss/∂z_k) pulls
    on it by ``pulls[k] = weights[k] · wishes[k]``. The pulls' sum is −∂loss/∂a, how its activation should
    move; times the activation's slope f′(z) it is the neuron's own wish, −∂loss/∂z.
    """

    layer: int
    neuron: int
    wishes: np.ndarray
    weights: np.ndarray
    slope: float

    @property
    def pulls(self) -> np.ndarray:
        return self.weights * self.wishes

    @property
    def total(self) -> float:
        """−∂loss/∂a of the neuron: the sum of the pulls."""
        return float(self.pulls.sum())

    @property
    def wish(self) -> float:
        """−∂loss/∂z of the neuron: the total times f′(z)."""
        return self.total * self.slope


def gather(params: Params, activation: str, result: Backprop, layer: int, neuron: int | None = None) -> Gathering:
    """The gathering of hidden ``neuron`` in the output of weight layer ``layer``, for example 0 of ``result``;
    by default the neuron whose pulls add up to the most (the clearest picture of agreeing wishes)."""
    weights = np.asarray(params[layer + 1][0], np.float64)  # (above, this layer)
    wishes = -result.deltas[layer + 1][0]
    totals = wishes @ weights
    neuron = int(np.argmax(np.abs(totals))) if neuron is None else int(neuron)
    z, a = result.pre[layer][0, neuron : neuron + 1], result.act[layer][0, neuron : neuron + 1]
    slope = float(ACTIVATIONS[activation].slope(z, a)[0])
    return Gathering(layer, neuron, wishes, weights[:, neuron], slope)


@dataclass(frozen=True)
class BatchStep:
    indices: np.ndarray  # probe items in the batch
    lr: float
    before: np.ndarray  # each item's loss before the step
    after: np.ndarray  # and after
    gradient: Backprop  # of the batch, at the weights before

    @property
    def loss_before(self) -> float:
        return float(self.before.mean())

    @property
    def loss_after(self) -> float:
        return float(self.after.mean())


def batch_step(
    params: Params, activation: str, output: str, inputs: np.ndarray, labels: np.ndarray, indices: np.ndarray, lr: float
) -> BatchStep:
    """One plain gradient step on the batch ``indices``: the mean of their gradients, times ``lr``; losses recomputed."""
    x, y = inputs[indices], labels[indices]
    result = backprop(params, activation, output, x, y)
    stepped = sgd_step(params, result, lr)
    return BatchStep(np.asarray(indices), lr, result.losses, example_losses(stepped, activation, output, x, y), result)


def moved_weights(view: NetworkView, step: BatchStep) -> list[tuple[int, int, int, float]]:
    """Per weight layer, the drawn edge whose weight the step moves most: (layer, index in the drawn group,
    index in the weight matrix as (target, source column) flattened, the change −lr · gradient)."""
    moved = []
    for layer, gradient in enumerate(step.gradient.weight_grads):
        drawn = view.edges[layer]
        columns = view.shown_inputs[drawn.source] if layer == 0 else drawn.source
        change = -step.lr * gradient[drawn.target, columns]
        index = int(np.argmax(np.abs(change)))
        flat = int(np.ravel_multi_index((drawn.target[index], columns[index]), gradient.shape))
        moved.append((layer, index, flat, float(change[index])))
    return moved


def example_wishes(step: BatchStep, inputs: np.ndarray, layer: int, flat: int) -> np.ndarray:
    """Each batch digit's own wish for the weight ``flat`` (flattened index) of weight layer ``layer``:
    −∂(its loss)/∂w = −δ_out · a_in. Their mean times the step size is the step's change of that weight."""
    result = step.gradient
    target, column = np.unravel_index(flat, result.weight_grads[layer].shape)
    n = len(step.indices)
    below = np.asarray(inputs[step.indices], np.float64).reshape(n, -1) if layer == 0 else result.act[layer - 1]
    return -result.deltas[layer][:, target] * below[:, column]


def choose_batch(labels: np.ndarray, predicted: np.ndarray, size: int = 12) -> np.ndarray:
    """Probe items for a mini-batch: the first of each class, then items the network gets wrong, up to ``size``."""
    firsts = [int(np.flatnonzero(labels == c)[0]) for c in np.unique(labels)]
    wrong = [int(i) for i in np.flatnonzero(predicted != labels) if i not in firsts]
    rest = [i for i in range(len(labels)) if i not in firsts and i not in wrong]
    return np.array((firsts + wrong + rest)[:size])


def choose_example(losses: np.ndarray, predicted: np.ndarray, labels: np.ndarray) -> int:
    """The walkthrough's digit: the first one the network gets wrong (its wishes are big), else the highest loss."""
    wrong = np.flatnonzero(predicted != labels)
    return int(wrong[0]) if len(wrong) else int(np.argmax(losses))
