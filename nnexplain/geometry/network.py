"""The numbers behind a network diagram, in plain numpy.

What the ``neurons`` scene draws, decided here so it can be tested without
rendering: which input pixels stand for the 784 inputs, how bright each drawn
neuron is for a given probe input, and the sign and thickness class of every
drawn edge. All of it comes from a run's stored tensors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.run import Run
from nnexplain.run.activations import ACTIVATIONS

__all__ = ["EdgeGroup", "NetworkView", "network_view", "brightness_note", "varied_patch", "NeuronSum", "neuron_sum"]

WIDTH_CLASSES = 4  # edges are drawn in this many thickness classes per sign


@dataclass(frozen=True)
class EdgeGroup:
    """The drawn edges between two drawn layers: source and target positions within the drawn neurons."""

    source: np.ndarray  # index into the drawn neurons of the layer below
    target: np.ndarray  # index into the drawn neurons of the layer above
    weight: np.ndarray  # the real weight of each edge
    width_class: np.ndarray  # 0 (thinnest) .. WIDTH_CLASSES-1, by |weight| quantile within this layer


@dataclass(frozen=True)
class NetworkView:
    layers: list[int]  # full layer sizes, e.g. [784, 16, 16, 10]
    shown_inputs: np.ndarray  # which of the inputs are drawn, in increasing order
    edges: list[EdgeGroup]  # one group per weight matrix
    activation: str
    brightness_scale: list[float]  # per layer after the input: what activation maps to full brightness
    probe_inputs: np.ndarray
    probe_labels: np.ndarray | None  # None when the run was recorded without labels
    activations: list[np.ndarray]  # per layer after the input: (probe, neurons)

    @property
    def drawn_sizes(self) -> list[int]:
        return [len(self.shown_inputs), *self.layers[1:]]

    def brightness(self, probe_index: int) -> list[np.ndarray]:
        """Fill brightness in [0, 1] of every drawn neuron, layer by layer, for one probe input."""
        values = [self.probe_inputs[probe_index, self.shown_inputs]]
        for layer, (acts, scale) in enumerate(zip(self.activations, self.brightness_scale)):
            a = acts[probe_index]
            if self.activation == "tanh" and layer < len(self.activations) - 1:
                a = (a + 1) / 2
            values.append(np.clip(a / scale, 0.0, 1.0))
        return values

    def prediction(self, probe_index: int) -> tuple[int, float]:
        probabilities = self.activations[-1][probe_index]
        best = int(np.argmax(probabilities))
        return best, float(probabilities[best])

    def label(self, probe_index: int) -> int | None:
        """The item's label; None when the run has no labels, or the item none (a negative label: your own digit)."""
        if self.probe_labels is None or self.probe_labels[probe_index] < 0:
            return None
        return int(self.probe_labels[probe_index])

    def is_correct(self, probe_index: int) -> bool | None:
        """Whether the network gets this probe item right; None when the item has no label."""
        if self.label(probe_index) is None:
            return None
        return self.prediction(probe_index)[0] == self.label(probe_index)


def image_shape(run: Run) -> tuple[int, int] | None:
    """The (rows, cols) of a run's image inputs, when its data set says they are images (a 2-D ``input_shape``);
    else None, whatever the input size (four measurements are no 2 × 2 picture)."""
    shape = tuple(run.dataset.get("input_shape") or ())
    return (int(shape[0]), int(shape[1])) if len(shape) == 2 else None


def choose_inputs(
    first_weight: np.ndarray, count: int, image_shape: tuple[int, ...] | None = None, spacing: int = 3
) -> np.ndarray:
    """``count`` inputs the first layer weighs most (largest column norm), in input order.

    Border pixels of MNIST are always 0 and carry tiny weights, so this picks
    pixels whose values matter, instead of the first and last eight. For images,
    chosen pixels keep ``spacing`` pixels apart so they spread over the digit.
    """
    order = np.argsort(-np.linalg.norm(first_weight, axis=0), kind="stable")
    if image_shape is None or len(image_shape) != 2:
        return np.sort(order[:count])
    width = image_shape[1]
    chosen: list[int] = []
    for index in order:
        row, col = divmod(int(index), width)
        if all(max(abs(row - r), abs(col - c)) >= spacing for r, c in (divmod(j, width) for j in chosen)):
            chosen.append(int(index))
            if len(chosen) == count:
                break
    return np.sort(np.array(chosen))


def _width_classes(magnitude: np.ndarray) -> np.ndarray:
    edges = np.quantile(magnitude, np.linspace(0, 1, WIDTH_CLASSES + 1)[1:-1])
    return np.searchsorted(edges, magnitude, side="right")


def _edge_group(weight: np.ndarray, sources: np.ndarray) -> EdgeGroup:
    sub = weight[:, sources]  # (targets, drawn sources)
    target, source = np.meshgrid(np.arange(sub.shape[0]), np.arange(sub.shape[1]), indexing="ij")
    values = sub.ravel()
    return EdgeGroup(source.ravel(), target.ravel(), values, _width_classes(np.abs(values)))


def network_view(run: Run, epoch: int | None = None, shown_inputs: int = 16) -> NetworkView:
    tensors = run.tensors(epoch)
    count = len(run.layers) - 1
    weights = [tensors[f"weight.{i}"] for i in range(count)]
    activations = [tensors[f"act.{i}"] for i in range(count)]
    shown = choose_inputs(weights[0], min(shown_inputs, run.layers[0]), image_shape(run))
    sources = [shown] + [np.arange(size) for size in run.layers[1:-1]]
    scales = []
    for i, acts in enumerate(activations):
        last = i == count - 1
        if run.activation == "relu" and not last:
            # ReLU has no upper bound: the brightest neuron of the layer over the probe set is full white.
            scales.append(float(acts.max()) or 1.0)
        else:
            scales.append(1.0)
    return NetworkView(
        layers=run.layers,
        shown_inputs=shown,
        edges=[_edge_group(w, s) for w, s in zip(weights, sources)],
        activation=run.activation,
        brightness_scale=scales,
        probe_inputs=run.probe["inputs"],
        probe_labels=run.probe.get("labels"),
        activations=activations,
    )


def brightness_note(activation: str) -> str:
    """The legend line saying what a neuron's brightness means."""
    return {
        "sigmoid": "brightness = activation (sigmoid, 0 to 1)",
        "tanh": "brightness = (activation + 1) / 2 (tanh, −1 to 1)",
        "relu": "brightness = activation ÷ its layer's largest (ReLU)",
    }[activation]


def pick_probes(view: NetworkView, count: int = 3) -> list[int]:
    """Probe items for a story: a confident correct one first, then other digits, then a mistake.

    The mistake is the last item when the probe set has one, so the story ends on
    what the network gets wrong.
    """
    n = len(view.probe_inputs)
    if view.probe_labels is None:
        return list(range(min(count, n)))
    correct = [i for i in range(n) if view.is_correct(i)]
    wrong = [i for i in range(n) if i not in correct]
    confident = sorted(correct, key=lambda i: -view.prediction(i)[1])
    chosen: list[int] = []
    for i in confident:
        if len(chosen) == count - (1 if wrong else 0):
            break
        if all(view.probe_labels[i] != view.probe_labels[j] for j in chosen):
            chosen.append(i)
    if wrong:
        chosen.append(wrong[0])
    return chosen[:count]


def varied_patch(image: np.ndarray, size: int = 4) -> tuple[int, int]:
    """(row, col) of the top-left pixel of the ``size``×``size`` window of ``image`` with the most distinct grey
    levels (to two decimals), ties going to the larger spread: a stroke's soft edge, where black, white and greys
    between stand side by side, to show that a pixel is a number from 0 to 1."""
    rows, cols = image.shape
    best, chosen = (-1, -1.0), (0, 0)
    for row in range(rows - size + 1):
        for col in range(cols - size + 1):
            window = image[row : row + size, col : col + size]
            score = (len(np.unique(np.round(window, 2))), float(window.std()))
            if score > best:
                best, chosen = score, (row, col)
    return chosen


@dataclass(frozen=True)
class NeuronSum:
    """One neuron's computation for one input: each weight × its input, their sum, the bias, and z = sum + bias."""

    products: np.ndarray  # weight × input, one per input
    total: float  # the weighted sum
    bias: float
    z: float  # total + bias: what the activation function is applied to


def neuron_sum(weight: np.ndarray, bias: np.ndarray, inputs: np.ndarray, neuron: int) -> NeuronSum:
    """Neuron ``neuron`` of a layer with ``weight`` (out × in) and ``bias`` (out), for one ``inputs`` vector."""
    products = weight[neuron] * inputs
    total = float(products.sum())
    return NeuronSum(products, total, float(bias[neuron]), total + float(bias[neuron]))


def squash(activation: str, z: np.ndarray | float) -> np.ndarray:
    """The hidden activation function, elementwise."""
    return ACTIVATIONS[activation].function(np.asarray(z, dtype=float))  # the run's own table, defined once
