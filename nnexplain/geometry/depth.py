"""Width against depth: how many straight pieces a 1-D ReLU network's curve has, and where they come from.

A ReLU network with one input is piecewise linear: its output is straight between
the points where some unit switches on or off (:func:`~nnexplain.geometry.hinges.output_kinks`
finds them all, layer by layer, exactly). Not every switch bends the output (a unit
whose output weight is 0, or one switching inside a region a later unit cuts off),
so :func:`fit_pieces` keeps only the switches where the slope really changes, and
credits each bend to the first layer with a unit switching there.

Why depth can multiply pieces: a unit of layer 1 is one hinge (one switch). A unit
of layer 2 sums layer 1's hinges, so its input is already bent into up to P₁ pieces;
it can cross zero once on each of them, and each crossing is a new bend. With h
units per layer that allows P₁ ≤ h + 1, then Pₗ ≤ Pₗ₋₁·(1 + h) (:func:`piece_bounds`),
against 1 + H for one layer of H units: a bound, which says what is possible, not
what training finds (the depth scene shows both).

Everything here is plain numpy on a run's stored weights; the tests check it against
the second difference of a torch forward pass on a 200,001-point grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.geometry.hinges import _kinks_by_layer
from nnexplain.run.contents import column
from nnexplain.run.network import Params, forward_trace

SEEDS = (0, 1, 2)  # the seeds each depth recipe is trained from (recipes' NAME@SEED form)

__all__ = [
    "FitPieces",
    "fit_pieces",
    "piece_bounds",
    "network_output",
    "max_error",
    "worst_point",
    "BusyUnit",
    "busiest_unit",
    "pre_activation",
    "Spread",
    "seed_summary",
    "runs_between",
    "earliest_layer",
]

SLOPE_TOLERANCE = 1e-6  # relative to the largest slope: a smaller change is rounding, not a bend


@dataclass(frozen=True)
class FitPieces:
    """The bends of a 1-D ReLU network's output inside ``domain`` and the layer each came from (1-based)."""

    domain: tuple[float, float]
    bends: np.ndarray  # x of each bend, increasing
    layer_of_bend: np.ndarray  # the first hidden layer (1, 2, ...) with a unit switching at that bend
    hidden_layers: int

    @property
    def pieces(self) -> int:
        return len(self.bends) + 1

    def bends_from(self, layer: int) -> np.ndarray:
        return self.bends[self.layer_of_bend == layer]


def network_output(params: Params, activation: str, x: np.ndarray) -> np.ndarray:
    """The network's output at each x, in float64."""
    return forward_trace(params, activation, "identity", column(np.asarray(x, np.float64)))[-1][1][:, 0]


def fit_pieces(params: Params, activation: str, domain: tuple[float, float]) -> FitPieces:
    """Where the output of a 1-input, 1-output ReLU network bends inside ``domain``, and which layer made each bend."""
    low, high = float(domain[0]), float(domain[1])
    by_layer = _kinks_by_layer(params, activation, (low, high))
    switches, layers = [np.zeros(0)], [np.zeros(0, np.int64)]
    for layer, units in enumerate(by_layer, start=1):
        for kinks in units:
            inside = kinks[(kinks > low) & (kinks < high)]
            switches.append(inside)
            layers.append(np.full(len(inside), layer))
    x, layer = np.concatenate(switches), np.concatenate(layers)
    order = np.lexsort((layer, x))  # by position; at a shared position the earliest layer first
    x, layer = x[order], layer[order]
    first = np.concatenate([[True], np.diff(x) > 0]) if len(x) else np.zeros(0, bool)
    x, layer = x[first], layer[first]
    # The output is straight between consecutive switches: compare the slopes on either side of each.
    ends = np.concatenate([[low], x, [high]])
    y = network_output(params, activation, ends)
    slopes = np.diff(y) / np.diff(ends)
    scale = max(float(np.max(np.abs(slopes))), 1.0)
    bends = np.abs(np.diff(slopes)) > SLOPE_TOLERANCE * scale
    return FitPieces((low, high), x[bends], layer[bends], len(by_layer))


def piece_bounds(widths: list[int]) -> list[int]:
    """The most straight pieces a 1-D ReLU network of hidden ``widths`` can have after each hidden layer.

    Each unit of a layer can switch once on each piece the layer before left: P ≤ P_prev · (1 + width)."""
    bounds, pieces = [], 1
    for width in widths:
        pieces *= 1 + width
        bounds.append(pieces)
    return bounds


def max_error(params: Params, activation: str, target, domain: tuple[float, float], samples: int = 20_001) -> float:
    """The largest |network − target| over ``samples`` evenly spaced points of ``domain``, ends included."""
    return worst_point(params, activation, target, domain, samples)[1]


def worst_point(
    params: Params, activation: str, target, domain: tuple[float, float], samples: int = 20_001
) -> tuple[float, float]:
    """Where on ``samples`` evenly spaced points of ``domain`` the network misses ``target`` most, and by how much."""
    x = np.linspace(float(domain[0]), float(domain[1]), samples)
    miss = np.abs(network_output(params, activation, x) - target(x))
    worst = int(np.argmax(miss))
    return float(x[worst]), float(miss[worst])


@dataclass(frozen=True)
class BusyUnit:
    """A unit of hidden layer ``layer`` (1-based) and the x where its pre-activation crosses zero."""

    layer: int
    unit: int
    crossings: np.ndarray
    breakpoints: np.ndarray  # where its pre-activation bends (the earlier layers' switches) and the domain's ends


def busiest_unit(params: Params, activation: str, domain: tuple[float, float]) -> BusyUnit:
    """The unit of hidden layer 2 or later whose pre-activation crosses zero most often inside ``domain``
    (the earliest such layer on a tie): the unit that cut the pieces of the layers before it most often."""
    by_layer = _kinks_by_layer(params, activation, domain)
    if len(by_layer) < 2:
        raise ValueError("a network with one hidden layer has no unit that sums earlier hinges")
    layer, unit = max(
        ((layer, unit) for layer in range(2, len(by_layer) + 1) for unit in range(len(by_layer[layer - 1]))),
        key=lambda pair: (len(by_layer[pair[0] - 1][pair[1]]), -pair[0], -pair[1]),
    )
    earlier = [k for units_before in by_layer[: layer - 1] for kinks in units_before for k in kinks]
    breakpoints = np.unique(np.concatenate([np.asarray(domain, np.float64), np.asarray(earlier, np.float64)]))
    return BusyUnit(layer, unit, by_layer[layer - 1][unit], breakpoints)


def pre_activation(params: Params, activation: str, layer: int, unit: int, x: np.ndarray) -> np.ndarray:
    """Hidden ``layer``'s (1-based) pre-activation of ``unit`` at each x."""
    return forward_trace(params[:layer], activation, "identity", column(np.asarray(x, np.float64)))[-1][0][:, unit]


@dataclass(frozen=True)
class Spread:
    """The median of a few seeds' values, with their least and greatest."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return float(np.median(self.values))

    @property
    def low(self) -> float:
        return float(min(self.values))

    @property
    def high(self) -> float:
        return float(max(self.values))


def seed_summary(values: list[float]) -> Spread:
    """The median and the spread (least, greatest) of one measure over several seeds' runs."""
    return Spread(tuple(float(v) for v in values))


def runs_between(x: np.ndarray, y: np.ndarray, low: float, high: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """The parts of the polyline through (x, y) with ``low <= y <= high``, each cut exactly where it leaves the band.

    A piecewise-linear curve sampled at its bends is its own polyline, so the cut points
    (linear interpolation between neighbouring samples) are where the curve itself
    crosses ``low`` or ``high``: used to draw z zoomed in near 0, and its parts below 0."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    fine_x, fine_y = [x[0]], [y[0]]
    for i in range(1, len(x)):  # every segment, cut where it crosses an edge of the band
        cuts = []
        for level in (low, high):
            a, b = y[i - 1] - level, y[i] - level
            if a * b < 0:
                cuts.append(a / (a - b))
        for t in sorted(cuts):
            fine_x.append(x[i - 1] + t * (x[i] - x[i - 1]))
            fine_y.append(y[i - 1] + t * (y[i] - y[i - 1]))
        fine_x.append(x[i])
        fine_y.append(y[i])
    fine_x, fine_y = np.array(fine_x), np.array(fine_y)
    middle = (fine_y[:-1] + fine_y[1:]) / 2
    inside = (middle >= low) & (middle <= high)  # each piece between cuts lies wholly in or out of the band
    runs, start = [], None
    for i, keep in enumerate(np.append(inside, False)):
        if keep and start is None:
            start = i
        elif not keep and start is not None:
            runs.append((fine_x[start : i + 1], np.clip(fine_y[start : i + 1], low, high)))
            start = None
    return runs


def earliest_layer(params: Params, activation: str, domain: tuple[float, float], x: np.ndarray) -> np.ndarray:
    """For each switch position ``x``, the first hidden layer (1-based) with a unit switching there (0: none)."""
    by_layer = _kinks_by_layer(params, activation, domain)
    out = np.zeros(len(x), np.int64)
    for layer in range(len(by_layer), 0, -1):
        kinks = np.concatenate([np.zeros(0)] + [np.asarray(k, np.float64) for k in by_layer[layer - 1]])
        for i, value in enumerate(np.asarray(x, np.float64)):
            if len(kinks) and np.min(np.abs(kinks - value)) <= 1e-12 * max(1.0, abs(value)):
                out[i] = layer
    return out
