"""The first layer of an image classifier as pictures: its weights, what they are, and one neuron's sum.

Each first-layer neuron has one weight per pixel, so its weights are an image of
the input's shape. Drawn with one colour scale for every neuron and every
snapshot, their brightness compares across the grid and across training.

"What are the features?" The hopeful story says edge and loop detectors: a
short positive stroke with negative flanks, zero elsewhere. :func:`stroke_template`
draws that idealised detector where a real neuron's strongest weights lie, and
:func:`top_share` measures, on both, how much of the weight mass sits on the
strongest tenth of the pixels: nearly all of it for the template, far less for
trained weights, which spread over the whole digit area. :func:`start_correlation`
says how much of the random start is left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.run import Run
from nnexplain.run.activations import ACTIVATIONS

__all__ = [
    "weight_images",
    "weight_scale",
    "top_share",
    "start_correlation",
    "stroke_template",
    "plainest_neuron",
    "NeuronSum",
    "neuron_sum",
    "strongest_probe",
]


def weight_images(run: Run, epoch: int | None, shape: tuple[int, int]) -> np.ndarray:
    """The first layer's weights of snapshot ``epoch`` as (units, rows, cols) images."""
    weight, _ = run.params(epoch)[0]
    return np.asarray(weight, np.float64).reshape(len(weight), *shape)


def weight_scale(run: Run, quantile: float = 0.99) -> float:
    """One colour scale for the whole scene: the ``quantile`` of |w| over the last snapshot's first layer.

    A few weights are larger (the colour saturates there); scaling to the largest
    would leave most of every image dark. Earlier snapshots are drawn on the same
    scale, so the small random start shows as nearly black.
    """
    return float(np.quantile(np.abs(run.params()[0][0]), quantile))


def top_share(image: np.ndarray, fraction: float = 0.1) -> float:
    """The share of the weight mass Σ|w| held by the strongest ``fraction`` of the pixels."""
    magnitudes = np.sort(np.abs(np.asarray(image, np.float64)).ravel())[::-1]
    total = magnitudes.sum()
    if total == 0:
        return 0.0
    return float(magnitudes[: max(1, round(fraction * len(magnitudes)))].sum() / total)


def start_correlation(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Per neuron, the correlation between its initial and its final weights."""
    start = np.asarray(start, np.float64).reshape(len(start), -1)
    end = np.asarray(end, np.float64).reshape(len(end), -1)
    start = start - start.mean(axis=1, keepdims=True)
    end = end - end.mean(axis=1, keepdims=True)
    return (start * end).sum(axis=1) / np.sqrt((start**2).sum(axis=1) * (end**2).sum(axis=1))


def plainest_neuron(images: np.ndarray) -> int:
    """The neuron whose weights are most concentrated (highest :func:`top_share`): the fairest case for the story."""
    return int(np.argmax([top_share(image) for image in images]))


def stroke_template(image: np.ndarray) -> np.ndarray:
    """The idealised stroke detector the hopeful story draws, placed and turned like ``image``'s strongest stroke.

    A positive bar (Gaussian cross-section, one pixel wide) with a negative bar on
    each side, zero elsewhere; its peak equals the image's largest |weight|, so it
    reads on the same colour scale. Not trained: drawn here, for comparison.
    """
    image = np.asarray(image, np.float64)
    sign = 1.0 if image.max() >= -image.min() else -1.0
    strongest = sign * image
    threshold = np.quantile(strongest, 0.97)
    rows, cols = np.nonzero(strongest >= threshold)
    weights = strongest[rows, cols]
    centre = np.array([np.average(rows, weights=weights), np.average(cols, weights=weights)])
    offsets = np.stack([rows, cols], axis=1) - centre
    covariance = (offsets * weights[:, None]).T @ offsets / weights.sum()
    spreads, axes = np.linalg.eigh(covariance)
    direction = axes[:, -1]  # along the stroke
    length = float(np.clip(4 * np.sqrt(spreads[-1]), 6.0, 16.0))
    normal = np.array([-direction[1], direction[0]])
    grid = np.stack(np.indices(image.shape), axis=-1) - centre
    along, across = grid @ direction, grid @ normal
    envelope = np.clip(1.0 - (np.abs(along) / (length / 2)) ** 4, 0.0, 1.0)
    profile = np.exp(-(across**2) / 2.0) - 0.5 * (
        np.exp(-((across - 2.5) ** 2) / 2.0) + np.exp(-((across + 2.5) ** 2) / 2.0)
    )
    template = envelope * profile
    return sign * template / np.abs(template).max() * np.abs(image).max()


@dataclass(frozen=True)
class NeuronSum:
    """One first-layer neuron on one input: z = Σ wᵢxᵢ + b, a = f(z), beside what the run recorded."""

    neuron: int
    probe_index: int
    inputs: np.ndarray  # the digit, flat
    weights: np.ndarray  # the neuron's weights, flat
    bias: float
    activation: str

    @property
    def products(self) -> np.ndarray:
        return self.inputs * self.weights

    @property
    def weighted_sum(self) -> float:
        return float(self.products.sum())

    @property
    def pre_activation(self) -> float:
        return self.weighted_sum + self.bias

    @property
    def output(self) -> float:
        return float(ACTIVATIONS[self.activation].function(np.array([self.pre_activation]))[0])


def neuron_sum(run: Run, neuron: int, probe_index: int, epoch: int | None = None) -> NeuronSum:
    """The weighted sum of ``neuron`` on probe item ``probe_index``, from the snapshot's stored weights (float64)."""
    weight, bias = run.params(epoch)[0]
    return NeuronSum(
        neuron=int(neuron),
        probe_index=int(probe_index),
        inputs=np.asarray(run.probe["inputs"][probe_index], np.float64),
        weights=np.asarray(weight[neuron], np.float64),
        bias=float(bias[neuron]),
        activation=run.activation,
    )


def strongest_probe(run: Run, neuron: int, epoch: int | None = None) -> int:
    """The probe item on which ``neuron``'s recorded pre-activation is largest: what it responds to most."""
    return int(np.argmax(run.tensors(epoch)["pre.0"][:, neuron]))
