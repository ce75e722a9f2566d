"""Where a neuron changes sign: the terms of its weighted sum that flip it, and the pocket that takes in a point.

A hidden neuron's map is positive on part of the plane and negative on the rest; its
zero line is what a viewer sees. Two questions about it are answered here by
measurement on a raster of the plane, not by the size of a number:

- building a neuron's sum term by term (bias, then each weight times its input's map),
  which terms move the zero line? :func:`sign_flip_shares` gives, per term, the share of
  the plane whose sign that term flips; a term with a large weight can flip nothing,
  a smaller one can carry the line across the plane;
- an overfitting network takes in a training point between two snapshots: which neuron
  of a layer did it? :func:`pocket_unit` picks, among the neurons whose sign at the point
  flipped towards the label (their value now pushes the output the label's way), the one
  whose same-sign region around the point is smallest: a pocket grown round it, not a
  half-plane that happened to move (:func:`sign_region`, 4-connected, as the eye joins
  pixels).

    shares = sign_flip_shares(partial_sums)          # partial_sums[0]: the bias alone
    pocket = pocket_unit(before, after, cell, push)  # before, after: (units, size, size); cell: (row, col)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

__all__ = ["Pocket", "cuts_followed", "pocket_unit", "sign_flip_shares", "sign_region"]


def sign_flip_shares(partial_sums: np.ndarray) -> np.ndarray:
    """Per term k (1 …), the share of the raster where the running sum's sign after term k differs from before it.

    ``partial_sums`` is (terms + 1, size, size): the bias alone first, then the sum after each term.
    A value of exactly 0 counts as positive, as a map's colour does.
    """
    positive = np.asarray(partial_sums, np.float64) >= 0
    return np.mean(positive[1:] != positive[:-1], axis=(1, 2))


def sign_region(values: np.ndarray, cell: tuple[int, int]) -> np.ndarray:
    """The 4-connected region of the raster around ``cell`` (row, col) where ``values`` has the sign it has there."""
    positive = np.asarray(values, np.float64) >= 0
    same = positive == positive[cell]
    regions, _ = ndimage.label(same)  # default structure: 4-connectivity
    return regions == regions[cell]


@dataclass(frozen=True)
class Pocket:
    unit: int  # in the layer
    before: float  # its value at the point, earlier snapshot
    after: float  # and later
    share: float  # of the raster: its same-sign region around the point, later snapshot


def pocket_unit(before: np.ndarray, after: np.ndarray, cell: tuple[int, int], push: np.ndarray) -> Pocket | None:
    """The neuron whose sign at ``cell`` flipped between two snapshots towards the label, with the smallest region.

    ``before``, ``after``: a layer's maps (units, size, size) at the two snapshots; ``push[j]``: the sign with which
    unit j's value moves the output towards the point's label at the later snapshot (its outgoing weight to the
    label minus to the other class). None when no unit flipped that way.
    """
    before, after = np.asarray(before, np.float64), np.asarray(after, np.float64)
    found = []
    for unit in range(len(after)):
        was, now = before[unit][cell], after[unit][cell]
        if (was >= 0) != (now >= 0) and now * push[unit] > 0:
            share = float(sign_region(after[unit], cell).mean())
            found.append(Pocket(unit, float(was), float(now), share))
    return min(found, key=lambda pocket: pocket.share, default=None)


def cuts_followed(curves: list[np.ndarray], weight: np.ndarray, bias: np.ndarray, reach: float) -> np.ndarray:
    """Per layer-1 neuron, the share of the points on ``curves`` (a layer-2 neuron's zero curves, (k, 2) each, in
    input units) that lie within ``reach`` of its cut (the line w·x + b = 0) and nearer it than any other cut.

    With layer 1 saturated, a layer-2 map is constant between the cuts and its boundary lies on them; the shares
    say how far that holds and along which cuts.
    """
    points = np.concatenate([np.asarray(c, np.float64) for c in curves if len(c)]) if curves else np.zeros((0, 2))
    weight, bias = np.asarray(weight, np.float64), np.asarray(bias, np.float64)
    if not len(points):
        return np.zeros(len(weight))
    distance = np.abs(points @ weight.T + bias) / np.maximum(np.linalg.norm(weight, axis=1), 1e-12)
    nearest, close = distance.argmin(axis=1), distance.min(axis=1) <= reach
    return np.array([np.mean(close & (nearest == unit)) for unit in range(len(weight))])
