"""The numbers of the ``convolution`` scene: one probe digit through a run's CNN, from what the run stored.

For a probe digit the network classifies right, the first layer's kernel that responds most
to it (the largest weighted sum at any position, bias aside) is followed through the network:

- its 5×5 weights and bias, the digit's patch under it at a few positions, the 25 products and
  their sum plus the bias: the dot product, whose value is the stored feature map's
  ``pre.0[channel, row, column]`` (computed here in numpy, checked against it in the tests);
- every first-layer map before and after the activation (``pre.0``, ``act.0``), and the share
  of values the activation sets to zero;
- the pooling layer after it (``act.1``) and, for one window, which of its values survived;
- the second convolution reading the whole stack of pooled maps at one position: one
  dot product per input map, their sum plus the bias being the stored ``pre.2`` there;
- the maps of every later image layer, the flattened vector, the dense layer's weights for
  the winning class, its logits (``pre.{last}``) and probabilities (``act.{last}``).

Nothing here is typed in: every array is the run's, or computed from its stored weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.run import Run
from nnexplain.run.layers import Conv2d, MaxPool2d

__all__ = [
    "DotProduct",
    "StackDotProduct",
    "ConvolutionStory",
    "convolution_story",
    "dot_product",
    "stack_dot_product",
    "edge_correlation",
    "ink_change",
    "addable",
]


@dataclass(frozen=True)
class DotProduct:
    """The kernel at one output position: the patch it covers, the products, and their sum with the bias."""

    row: int  # output position (the patch's top-left corner in the unpadded input, stride 1)
    column: int
    patch: np.ndarray  # (k, k) input values
    products: np.ndarray  # (k, k) patch × weight
    bias: float

    @property
    def value(self) -> float:
        return float(self.products.sum() + self.bias)


def dot_product(image: np.ndarray, kernel: np.ndarray, bias: float, layer: Conv2d, row: int, column: int) -> DotProduct:
    """The dot product at output (row, column) of a single-channel image (padding and stride as the layer's)."""
    padded = np.pad(image, [(layer.padding[0],) * 2, (layer.padding[1],) * 2])
    top, left = row * layer.stride[0], column * layer.stride[1]
    patch = padded[top : top + kernel.shape[0], left : left + kernel.shape[1]]
    return DotProduct(row, column, patch, patch * kernel, bias)


@dataclass(frozen=True)
class StackDotProduct:
    """A later convolution's kernel at one output position: one dot product per input map, added, plus the bias."""

    kernel: int  # which of the layer's kernels (its output map)
    row: int
    column: int
    parts: np.ndarray  # (in_channels,) the dot product of each input map's patch with that map's slice of the kernel
    bias: float

    @property
    def value(self) -> float:
        return float(self.parts.sum() + self.bias)


def stack_dot_product(
    maps: np.ndarray, weight: np.ndarray, bias: np.ndarray, layer: Conv2d, kernel: int, row: int, column: int
) -> StackDotProduct:
    """Kernel ``kernel`` of ``layer`` (weights (out, in, k, k)) at output (row, column) of the (in, r, c) ``maps``."""
    padded = np.pad(maps, [(0, 0), (layer.padding[0],) * 2, (layer.padding[1],) * 2])
    top, left = row * layer.stride[0], column * layer.stride[1]
    kh, kw = weight.shape[2:]
    patches = padded[:, top : top + kh, left : left + kw]
    parts = (patches * weight[kernel]).sum(axis=(1, 2))
    return StackDotProduct(kernel, row, column, parts, float(bias[kernel]))


@dataclass(frozen=True)
class ConvolutionStory:
    probe_index: int
    label: str
    image: np.ndarray  # (rows, cols) in [0, 1]
    conv: Conv2d
    channel: int  # the kernel followed
    peaks: np.ndarray  # (channels,) each first-layer kernel's largest weighted sum on the digit, bias aside
    kernel: np.ndarray  # (k, k)
    bias: float
    pre_maps: np.ndarray  # (channels, r, c): the first layer's maps before the activation
    act_maps: np.ndarray  # after it
    pool: MaxPool2d
    pooled: np.ndarray  # (channels, r', c')
    pool_window: tuple[int, int]  # an output position of the pool whose window is shown
    dot_products: tuple[DotProduct, ...]
    later_maps: tuple[tuple[str, np.ndarray], ...]  # (summary, maps) of every later 3-D layer output
    second: StackDotProduct | None  # the second layer's strongest response, when it is a convolution
    flat: np.ndarray  # the flattened vector
    dense_weights: np.ndarray  # (classes, flat) the last layer's weights
    dense_bias: np.ndarray  # (classes,)
    logits: np.ndarray  # the last layer's weighted sums, before softmax
    probabilities: np.ndarray
    classes: tuple[str, ...]
    zeroed_share: float  # the share of first-layer values the activation set to 0


def addable(parts: np.ndarray, bias: float, decimals: int = 2) -> tuple[np.ndarray, float, float]:
    """``parts``, ``bias`` and their total as written on screen, to ``decimals``, so that the parts as written add
    up to the total as written (a student checking the sum by hand gets it).

    The total and the bias are rounded as usual (so the total is the stored map's value, rounded); the parts are
    rounded by the largest remainder: each down, then up for those with the largest remainders until they add up
    to the total less the bias. Each part is then within one unit of its last place of its value, and a part that
    is exactly 0 stays 0 (its remainder is 0, and it is never the one rounded up while another remains).
    """
    unit = 10.0**-decimals
    total = round(float(np.sum(parts)) + bias, decimals)
    bias_shown = round(bias, decimals)
    scaled = np.asarray(parts, dtype=np.float64) / unit
    floors = np.floor(scaled)
    remainders = (scaled - floors).ravel()
    short = int(round((total - bias_shown) / unit - floors.sum()))
    units = floors.ravel().copy()
    order = np.argsort(-remainders, kind="stable")
    if short >= 0:
        units[order[:short]] += 1
    else:  # (only when both roundings went the far way by half a unit) take one back where the remainder is least
        units[order[::-1][:-short]] -= 1
    return np.round(units.reshape(np.shape(parts)) * unit, decimals), bias_shown, total


def ink_change(image: np.ndarray, layer: Conv2d, k: int) -> np.ndarray:
    """At every output position of a k × k window: the mean ink on the right of the window minus the mean ink on its
    left (the middle column left out). Positive where ink begins, reading left to right; negative where it ends."""
    padded = np.pad(image, [(layer.padding[0],) * 2, (layer.padding[1],) * 2])
    rows = (padded.shape[0] - k) // layer.stride[0] + 1
    cols = (padded.shape[1] - k) // layer.stride[1] + 1
    half = k // 2
    change = np.empty((rows, cols))
    for r in range(rows):
        for c in range(cols):
            patch = padded[r * layer.stride[0] : r * layer.stride[0] + k, c * layer.stride[1] : c * layer.stride[1] + k]
            change[r, c] = patch[:, k - half :].mean() - patch[:, :half].mean()
    return change


def edge_correlation(image: np.ndarray, feature_map: np.ndarray, layer: Conv2d, k: int) -> float:
    """How much a map is a left-edge-of-stroke detector, measured: the correlation, over every output position, of
    the map's value with :func:`ink_change`. Near 1: the map is high where ink begins (reading left to right) and
    low where it ends."""
    change = ink_change(image, layer, k)
    if change.std() == 0 or feature_map.std() == 0:
        return 0.0
    return float(np.corrcoef(change.ravel(), feature_map.ravel())[0, 1])


def convolution_story(run: Run, epoch: int | None = None) -> ConvolutionStory:
    """The story of the first probe digit the run's last snapshot classifies right (the first one if none)."""
    network = run.network
    tensors = run.tensors(epoch)
    probe = run.probe
    last = len(network.layers) - 1
    probabilities = tensors[f"act.{last}"].astype(np.float64)
    labels = probe["labels"]
    right = np.flatnonzero(probabilities.argmax(1) == labels)
    index = int(right[0]) if len(right) else 0
    conv, pool = network.layers[0], network.layers[1]
    assert isinstance(conv, Conv2d) and isinstance(pool, MaxPool2d)
    image = probe["inputs"][index].reshape(network.input_shape)[0].astype(np.float64)
    weight, bias = (tensors[f"{name}.0"].astype(np.float64) for name in ("weight", "bias"))
    pre = tensors["pre.0"][index].astype(np.float64)
    act = tensors["act.0"][index].astype(np.float64)
    peaks = (pre - bias[:, None, None]).reshape(len(pre), -1).max(1)
    channel = int(peaks.argmax())  # the strongest response
    kernel, kernel_bias = weight[channel, 0], float(bias[channel])
    chosen = pre[channel]
    positions = [np.unravel_index(chosen.argmax(), chosen.shape), np.unravel_index(chosen.argmin(), chosen.shape)]
    positions.append((0, 0))  # the corner: blank paper, where only the bias is left
    dots = tuple(dot_product(image, kernel, kernel_bias, conv, int(r), int(c)) for r, c in positions)
    pooled = tensors["act.1"][index].astype(np.float64)
    peak = np.unravel_index(pooled[channel].argmax(), pooled[channel].shape)
    later = tuple(
        (layer.summary(), tensors[f"act.{i}"][index].astype(np.float64))
        for i, layer in enumerate(network.layers[2:], start=2)
        if len(layer.output_shape) == 3
    )
    second = None
    if isinstance(network.layers[2], Conv2d) and len(network.layers) > 3:
        out = tensors["pre.2"][index].astype(np.float64)
        strongest = np.unravel_index(out.argmax(), out.shape)
        weight2, bias2 = (tensors[f"{name}.2"].astype(np.float64) for name in ("weight", "bias"))
        second = stack_dot_product(pooled, weight2, bias2, network.layers[2], *map(int, strongest))
    flat_index = next(i for i, layer in enumerate(network.layers) if layer.kind == "flatten")
    classes = tuple(run.dataset.get("classes") or map(str, range(probabilities.shape[1])))
    return ConvolutionStory(
        probe_index=index,
        label=classes[int(labels[index])],
        image=image,
        conv=conv,
        channel=channel,
        peaks=peaks,
        kernel=kernel,
        bias=kernel_bias,
        pre_maps=pre,
        act_maps=act,
        pool=pool,
        pooled=pooled,
        pool_window=(int(peak[0]), int(peak[1])),
        dot_products=dots,
        later_maps=later,
        second=second,
        flat=tensors[f"act.{flat_index}"][index].astype(np.float64),
        dense_weights=tensors[f"weight.{last}"].astype(np.float64),
        dense_bias=tensors[f"bias.{last}"].astype(np.float64),
        logits=tensors[f"pre.{last}"][index].astype(np.float64),
        probabilities=probabilities[index],
        classes=classes,
        zeroed_share=float(np.mean((pre < 0))),
    )
