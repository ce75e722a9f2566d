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
from typing import Sequence

import numpy as np

from nnexplain.run import Run
from nnexplain.run.activations import ACTIVATIONS

__all__ = [
    "weight_images",
    "weight_scale",
    "top_share",
    "start_correlation",
    "strongest_pixels",
    "stroke_template",
    "plainest_neuron",
    "NeuronSum",
    "neuron_sum",
    "strongest_probe",
    "main_push",
    "rows_around",
    "balancing_term",
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


def strongest_pixels(image: np.ndarray, fraction: float = 0.1) -> np.ndarray:
    """The pixels :func:`top_share` counts: the strongest ``fraction`` of them by |w|, as a boolean mask."""
    magnitudes = np.abs(np.asarray(image, np.float64))
    count = max(1, round(fraction * magnitudes.size))
    mask = np.zeros(magnitudes.size, bool)
    mask[np.argsort(-magnitudes.ravel(), kind="stable")[:count]] = True
    return mask.reshape(magnitudes.shape)


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


# --- what one neuron responds to ------------------------------------------------------------------


@dataclass(frozen=True)
class StrongStroke:
    """A neuron's strongest weights: the pixels at least half as strong as its largest, of that weight's sign."""

    mask: np.ndarray  # (rows, cols) bool
    sign: float  # +1: they push the neuron up (blue); −1: they pull it down (red)
    rows: tuple[int, int]  # first and last row it covers, 0-based
    cols: tuple[int, int]
    orientation: str  # "horizontal", "vertical", "rising", "falling" or "compact"

    @property
    def pixels(self) -> int:
        return int(self.mask.sum())


def strong_stroke(image: np.ndarray, fraction: float = 0.5) -> StrongStroke:
    """Where ``image``'s strongest weights lie: every pixel whose weight, of the sign of the largest |weight|,
    is at least ``fraction`` of it; with the band's extent and direction (the principal axis of its pixels).

    A band is "horizontal" or "vertical" within 25° of that axis, else "rising" (to the right) or
    "falling"; "compact" when its pixels spread less than 1.5 times as far one way as the other.
    """
    image = np.asarray(image, np.float64)
    sign = 1.0 if image.max() >= -image.min() else -1.0
    signed = sign * image
    mask = signed >= fraction * signed.max()
    rows, cols = np.nonzero(mask)
    offsets = np.stack([rows - rows.mean(), cols - cols.mean()], axis=1)
    spreads, axes = np.linalg.eigh(offsets.T @ offsets / len(rows))
    if spreads[-1] < 1.5**2 * max(spreads[0], 1e-12):
        orientation = "compact"
    else:
        down, right = axes[:, -1]  # the long axis, as (row, col): rows grow downward on screen
        angle = np.degrees(np.arctan2(abs(down), abs(right)))  # 0: along a row, 90: along a column
        if angle < 25:
            orientation = "horizontal"
        elif angle > 65:
            orientation = "vertical"
        else:
            orientation = "rising" if down * right < 0 else "falling"
    return StrongStroke(mask, sign, (int(rows.min()), int(rows.max())), (int(cols.min()), int(cols.max())), orientation)


def ink_share(inputs: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """For each image in ``inputs`` (n, pixels), the share of its ink (Σ pixel values) that lies on ``mask``."""
    inputs = np.asarray(inputs, np.float64).reshape(len(inputs), -1)
    ink = inputs.sum(axis=1)
    return inputs[:, np.asarray(mask, bool).ravel()].sum(axis=1) / np.where(ink > 0, ink, 1.0)


def probes_by_response(run: Run, neuron: int, epoch: int | None = None) -> np.ndarray:
    """The probe items ordered by ``neuron``'s recorded pre-activation, the most exciting first."""
    return np.argsort(-np.asarray(run.tensors(epoch)["pre.0"][:, neuron], np.float64), kind="stable")


def mask_outline(mask: np.ndarray) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The edges between ``mask``'s pixels and the rest, as ((row, col), (row, col)) pixel corners."""
    padded = np.pad(np.asarray(mask, bool), 1)
    edges = []
    for row, col in zip(*np.nonzero(padded)):
        r, c = row - 1, col - 1  # in the unpadded grid; corner (r, c) is the pixel's top left
        if not padded[row - 1, col]:
            edges.append(((r, c), (r, c + 1)))
        if not padded[row + 1, col]:
            edges.append(((r + 1, c), (r + 1, c + 1)))
        if not padded[row, col - 1]:
            edges.append(((r, c), (r + 1, c)))
        if not padded[row, col + 1]:
            edges.append(((r, c + 1), (r + 1, c + 1)))
    return edges


def snapshot_seconds(keyframes: Sequence[np.ndarray], total: float, floor: float) -> np.ndarray:
    """Seconds for each step between consecutive keyframes: ``floor`` each, and the rest of ``total`` shared
    in proportion to how far the weights move in that step for their size, ‖Δw‖ / ‖w after‖, so the sweep
    is slow where the images change most: early, when small random weights become patterns."""
    steps = len(keyframes) - 1
    if steps < 1:
        return np.zeros(0)
    change = np.array(
        [
            np.linalg.norm(np.asarray(b) - np.asarray(a)) / max(np.linalg.norm(np.asarray(b)), 1e-12)
            for a, b in zip(keyframes, keyframes[1:])
        ]
    )
    spare = max(total - floor * steps, 0.0)
    share = change / change.sum() if change.sum() > 0 else np.full(steps, 1.0 / steps)
    return floor + spare * share


def main_push(products: np.ndarray, share: float = 0.5) -> np.ndarray:
    """The fewest pixels whose positive ink × weight products add up to ``share`` of all the positive ones:
    where most of an input's push up comes from (what switches the neuron on), as a mask of ``products``' shape."""
    products = np.asarray(products, np.float64)
    push = np.clip(products.ravel(), 0.0, None)
    order = np.argsort(-push, kind="stable")
    needed = int(np.searchsorted(np.cumsum(push[order]), share * push.sum() * (1 - 1e-12))) + 1
    mask = np.zeros(push.size, bool)
    mask[order[: min(needed, int((push > 0).sum()))]] = True
    return mask.reshape(products.shape)


def rows_around(mask: np.ndarray, rows: tuple[int, int]) -> tuple[int, int, int]:
    """How many of ``mask``'s pixels lie above rows ``rows`` (first, last; 0-based), within them, and below."""
    row = np.nonzero(np.asarray(mask, bool))[0]
    return int((row < rows[0]).sum()), int(((row >= rows[0]) & (row <= rows[1])).sum()), int((row > rows[1]).sum())


def balancing_term(total: float, shown_parts: Sequence[float], digits: int) -> float:
    """The last part of a sum as shown, so that the shown parts add up to the shown total at ``digits`` decimals.

    ``z = band + rest + bias`` is shown to one decimal: rounding each term on its own can leave the
    column 0.1 short of the total. The term given here (the rest) differs from its exact value by at
    most the rounding of the others, half a unit of the last decimal for each."""
    return round(round(total, digits) - sum(round(part, digits) for part in shown_parts), digits) + 0.0
