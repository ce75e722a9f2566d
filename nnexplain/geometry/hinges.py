"""How a 1-D regression network builds its curve out of its last hidden layer.

For a network ``x -> ... -> a(x) -> y`` with one input and one output, the output
is a sum over the last hidden layer's units plus the output bias::

    y(x) = b_out + sum_j w_out_j * a_j(x)

Each term ``w_out_j * a_j(x)`` is that unit's *contribution*. With one ReLU
hidden layer a contribution is a hinge, ``w2_j * relu(w1_j * x + b1_j)``, with
its kink at ``x = -b1_j / w1_j``. With more ReLU layers each last-layer unit cuts
an already bent curve, so its contribution bends where earlier units do and
where its own pre-activation crosses zero; :func:`unit_kinks` finds the latter
exactly. Without an activation every contribution is a straight line, and so is
their sum: :func:`linear_map` collapses such a network to one slope and intercept.

Snapshots of 1-D regression runs carry ``curve.x``, ``curve.y`` and ``curve.units``
(recorded by :func:`nnexplain.run.contents.curve_arrays`), sampled over the
``domain`` named in the run's data set description; this module reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nnexplain.run import Run
from nnexplain.run.activations import ACTIVATIONS
from nnexplain.run.contents import column as _column
from nnexplain.run.contents import curve_domain, unit_contributions
from nnexplain.run.network import Network, Params, forward_trace

__all__ = [
    "unit_kinks",
    "facing_units",
    "output_kinks",
    "unit_bends",
    "linear_map",
    "least_squares_line",
    "kink_groups",
    "max_fit_error",
    "largest_miss",
    "params_miss",
    "interpolation_error",
    "best_piecewise_error",
    "hinge",
    "JoinedFit",
    "best_joined_fit",
    "minimax_output_refit",
    "straight_pieces",
    "hinge_kinks",
    "QuietUnit",
    "quiet_units",
    "CurveSnapshot",
    "curve_snapshot",
    "silent_units",
    "build_order",
    "running_sums",
]


def _zero_crossings(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Where the piecewise-linear ``z`` (linear between consecutive ``x``) changes sign."""
    sign = np.sign(z)
    between = np.flatnonzero(sign[:-1] * sign[1:] < 0)
    crossings = x[between] + (x[between + 1] - x[between]) * z[between] / (z[between] - z[between + 1])
    # A zero exactly on a sample point is a crossing when the sign differs on either side of it.
    on_point = np.flatnonzero(sign[1:-1] == 0) + 1
    flips = on_point[sign[on_point - 1] * sign[on_point + 1] < 0]
    return np.sort(np.concatenate([crossings, x[flips]]))


def _kinks_by_layer(params: Params, activation: str, domain: tuple[float, float]) -> list[list[np.ndarray]]:
    """Per hidden layer, per unit: where that unit's pre-activation crosses zero inside ``domain``.

    The pre-activations of layer l are linear between the kinks of layers < l, so
    evaluating them at those kinks (and the domain's ends) and interpolating is exact.
    """
    breakpoints = np.asarray(domain, np.float64)
    layers = []
    for depth in range(len(params) - 1):
        pre = forward_trace(params[: depth + 1], activation, "identity", _column(breakpoints))[-1][0]
        if activation == "relu":
            kinks = [_zero_crossings(breakpoints, pre[:, unit]) for unit in range(pre.shape[1])]
        else:
            kinks = [np.zeros(0) for _ in range(pre.shape[1])]
        layers.append(kinks)
        breakpoints = np.unique(np.concatenate([breakpoints, *kinks]))
    return layers


def unit_kinks(params: Params, activation: str, domain: tuple[float, float]) -> list[np.ndarray]:
    """For each last-hidden-layer unit, the x in ``domain`` where its own ReLU switches on or off.

    For one hidden layer that is ``-b1_j / w1_j`` when it lies in the domain. Only
    ReLU networks have kinks; other activations (and no activation) give empty arrays.
    """
    if not ACTIVATIONS[activation].piecewise_linear:  # only these have kinks to find
        return [np.zeros(0) for _ in range(params[-1][0].shape[1])] if len(params) > 1 else []
    layers = _kinks_by_layer(params, activation, domain)
    return layers[-1] if layers else []


def facing_units(params: Params) -> tuple[list[int], list[int]]:
    """Of a one-hidden-layer network, the units whose hinge ``w2·max(0, w1·x + b1)`` opens to the left (input
    weight w1 < 0: on for x below its kink) and those whose hinge hangs below 0 (output weight w2 < 0)."""
    (w1, _), (w2, _) = params[0], params[1]
    w1, w2 = np.asarray(w1)[:, 0], np.asarray(w2)[0]
    return [int(j) for j in np.flatnonzero(w1 < 0)], [int(j) for j in np.flatnonzero(w2 < 0)]


def output_kinks(params: Params, activation: str, domain: tuple[float, float]) -> np.ndarray:
    """Every x strictly inside ``domain`` where some unit of some layer bends the output."""
    if not ACTIVATIONS[activation].piecewise_linear:  # only these have kinks to find
        return np.zeros(0)
    every = [k for layer in _kinks_by_layer(params, activation, domain) for k in layer]
    kinks = np.unique(np.concatenate([np.zeros(0), *every]))
    return kinks[(kinks > domain[0]) & (kinks < domain[1])]


def unit_bends(
    params: Params, activation: str, domain: tuple[float, float], tolerance: float = 1e-9
) -> list[np.ndarray]:
    """For each last-hidden-layer unit, every x strictly inside ``domain`` where its contribution bends: where
    its own ReLU switches, and where an earlier layer's unit bends while this one is on.

    The contribution is straight between the kinks of all layers (:func:`output_kinks`), so its slope on each
    stretch is read from its values at their ends; a bend is a kink where the slopes either side differ.
    """
    ends = np.unique(np.concatenate([np.asarray(domain, np.float64), output_kinks(params, activation, domain)]))
    values = unit_contributions(params, activation, ends)  # (units, len(ends))
    slopes = np.diff(values, axis=1) / np.diff(ends)
    scale = max(float(np.max(np.abs(slopes))) if slopes.size else 0.0, 1e-12)
    bent = np.abs(np.diff(slopes, axis=1)) > tolerance * scale
    return [ends[1:-1][row] for row in bent]


def hinge(x: np.ndarray, weight: float, bias: float, out_weight: float) -> np.ndarray:
    """One ReLU unit's contribution, ``out_weight · max(0, weight·x + bias)``: flat on one side of its kink
    at ``x = −bias/weight``, straight on the other."""
    return out_weight * np.maximum(0.0, weight * np.asarray(x, np.float64) + bias)


def linear_map(params: Params) -> tuple[float, float]:
    """Slope and intercept of a 1-D network with no activation: its layers multiplied out."""
    weight, bias = np.eye(1), np.zeros(1)
    for layer_weight, layer_bias in params:
        layer_weight = np.asarray(layer_weight, np.float64)
        weight, bias = layer_weight @ weight, layer_weight @ bias + layer_bias
    return float(weight[0, 0]), float(bias[0])


def least_squares_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of the straight line nearest the points (x, y) in squared error: the best any
    network without an activation can do on those samples (it is a line, and it is trained on that loss)."""
    x, y = np.asarray(x, np.float64).ravel(), np.asarray(y, np.float64).ravel()
    dx = x - x.mean()
    slope = float(np.dot(dx, y - y.mean()) / np.dot(dx, dx))
    return slope, float(y.mean() - slope * x.mean())


def kink_groups(bends: list[np.ndarray], tolerance: float = 1e-6) -> list[tuple[float, list[int]]]:
    """The distinct places where any of ``bends`` (one array per unit) lies, left to right, each with the units
    that bend there: a place shared by several units is one kink of their sum (bends closer than ``tolerance``
    are the same place, computed once by an earlier layer)."""
    every = sorted((float(x), unit) for unit, xs in enumerate(bends) for x in np.asarray(xs, np.float64))
    groups: list[tuple[float, list[int]]] = []
    for x, unit in every:
        if groups and x - groups[-1][0] <= tolerance:
            groups[-1][1].append(unit)
        else:
            groups.append((x, [unit]))
    return groups


def max_fit_error(run: Run, epoch: int | None = None) -> tuple[float, bool]:
    """The largest |network - target| of a snapshot, and whether it was measured on the whole curve.

    With a target function the data set description names, it is the largest over the whole interval of the
    stored curve (:func:`largest_miss`: the network recomputed from the snapshot's weights, its kinks included,
    not only the stored samples, between which a corner can miss more); otherwise only at the probe points,
    whose true values the run stores.
    """
    from nnexplain.data.curves import target_function

    tensors = run.tensors(epoch)
    target = target_function(run.dataset)
    if target is not None and "curve.x" in tensors:
        return params_miss(run, run.params(epoch), target, tensors["curve.x"])[0], True
    predicted = tensors[f"act.{len(run.layers) - 2}"]
    return float(np.max(np.abs(np.ravel(predicted) - np.ravel(run.probe["labels"])))), False


def params_miss(run: Run, params: Params, target: Any, grid: np.ndarray) -> tuple[float, float, float]:
    """The largest |network − target| over ``grid``'s interval for ``run``'s network with weights ``params`` (a
    stored snapshot's, or weights between two as a frame draws them): the miss, the x where it is, and the network's
    output there. The network is recomputed from the weights, its kinks included (:func:`largest_miss`)."""
    network = Network.from_manifest(run.manifest)

    def output(x: np.ndarray) -> np.ndarray:
        return network.trace(params, _column(np.asarray(x, np.float64)))[-1][1][:, 0]

    grid = np.asarray(grid, np.float64)
    kinks = output_kinks(params, run.activation, (float(grid[0]), float(grid[-1])))
    miss, at = largest_miss(output, target, grid, kinks)
    return miss, at, float(output(np.array([at]))[0])


def largest_miss(
    fitted: Any, target: Any, grid: np.ndarray, kinks: np.ndarray = np.zeros(0), refine: int = 8
) -> tuple[float, float]:
    """The largest |fitted(x) − target(x)| over the interval of ``grid``, and the x where it is.

    Measured at the grid refined ``refine`` times and at the ``kinks`` (a corner of a straight-piece fit is where
    it misses most, and lies between samples), then finely again on every interval whose ends come within the
    refined grid's worst case of the top: between two points the miss is smooth, so it can exceed its larger end
    by at most max|miss''|·h²/8, estimated from the refined samples' second differences.
    """
    grid = np.asarray(grid, np.float64)
    fine = np.linspace(grid[0], grid[-1], (len(grid) - 1) * refine + 1)
    inside = np.asarray(kinks, np.float64)
    points = np.unique(np.concatenate([fine, inside[(inside > grid[0]) & (inside < grid[-1])]]))
    miss = np.abs(fitted(points) - target(points))
    step = float(np.max(np.diff(points)))
    # Twice the largest second difference: a sample's curvature, with room; one across a corner is far larger than
    # any curvature, which only widens the search.
    differences = fitted(fine) - target(fine)
    curvature = 2 * float(np.max(np.abs(np.diff(differences, 2)))) / float(fine[1] - fine[0]) ** 2
    slack = curvature * step**2 / 8 + 1e-12
    close = np.flatnonzero(np.maximum(miss[:-1], miss[1:]) >= miss.max() - slack)
    between = np.concatenate([np.linspace(points[i], points[i + 1], 65) for i in close])
    candidates = np.concatenate([points, between])
    values = np.abs(fitted(candidates) - target(candidates))
    at = int(np.argmax(values))
    return float(values[at]), float(candidates[at])


def interpolation_error(target: Any, domain: tuple[float, float], pieces: int, samples: int = 20001) -> float:
    """How far straight segments joining ``pieces`` equal pieces of ``target`` can miss it: max|f''|·h²/8.

    For sin x on [-π, π] that is π²/(2n²), the yardstick for an n-piece fit.
    """
    x = np.linspace(domain[0], domain[1], samples)
    second = np.diff(target(x), 2) / (x[1] - x[0]) ** 2
    width = (domain[1] - domain[0]) / pieces
    return float(np.max(np.abs(second)) * width**2 / 8)


def best_piecewise_error(target: Any, domain: tuple[float, float], pieces: int, samples: int = 20001) -> float:
    """The least max error any ``pieces`` straight pieces joined end to end can have against ``target``: max|f''|·h²/16.

    Exact when f'' is constant (x²): equal pieces, the interpolating polyline moved down by half
    its error, which then errs equally, with alternating signs, at the knots and the middles
    (equioscillation), so no other choice of knots or heights does better. For other targets it
    is the same formula, a yardstick rather than a bound.
    """
    return interpolation_error(target, domain, pieces, samples) / 2


@dataclass(frozen=True)
class JoinedFit:
    """Straight pieces joined end to end: ``knots`` (the domain's ends included) and the fit's ``heights`` there."""

    knots: np.ndarray
    heights: np.ndarray
    error: float  # the largest |fit − target| on a fine grid of the domain, measured, not the formula's

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.interp(x, self.knots, self.heights)


def minimax_output_refit(params: Params, x: np.ndarray, target: Any) -> tuple[np.ndarray, float]:
    """A one-hidden-layer ReLU network's units kept (their kinks and slopes in), its output weights and bias
    chosen to make the largest |fit − target| over the interval of ``x`` least: a linear programme (minimise t
    subject to −t ≤ Σ v_j·relu_j(x) + c − target ≤ t) over ``x`` and the units' kinks, where a corner can miss
    most. Returns the refitted curve on ``x`` and its largest error (:func:`largest_miss`)."""
    from scipy.optimize import linprog

    (weight, bias), _ = params[0], params[1]
    weight, bias = np.asarray(weight, np.float64)[:, 0], np.asarray(bias, np.float64)
    x = np.asarray(x, np.float64)
    kinks = hinge_kinks(params)
    kinks = kinks[np.isfinite(kinks) & (kinks > x[0]) & (kinks < x[-1])]
    points = np.union1d(x, kinks)

    def design(at: np.ndarray) -> np.ndarray:  # columns: each unit's activation, then the bias
        return np.column_stack([np.maximum(0.0, np.outer(at, weight) + bias), np.ones_like(at)])

    values = target(points)
    ones = np.ones((len(points), 1))
    rows = np.vstack([np.hstack([design(points), -ones]), np.hstack([-design(points), -ones])])
    cost = np.zeros(len(weight) + 2)
    cost[-1] = 1.0
    solved = linprog(
        cost, A_ub=rows, b_ub=np.concatenate([values, -values]), bounds=[(None, None)] * (len(weight) + 1) + [(0, None)]
    )
    heights = solved.x[:-1]
    error, _ = largest_miss(lambda at: design(at) @ heights, target, x, kinks)
    return design(x) @ heights, error


def best_joined_fit(target: Any, domain: tuple[float, float], pieces: int, samples: int = 20001) -> JoinedFit | None:
    """The best ``pieces`` joined straight pieces against a target of constant curvature (x²), or None.

    With f'' constant the best are equal pieces: the chords through the target at the knots, moved
    towards it by half their largest miss (f''·h²/8). The fit then errs by f''·h²/16 at every knot and
    every middle, with alternating signs (equioscillation), so no other knots or heights do better.
    For a target whose curvature varies there is no such closed form, and no fit is claimed.
    """
    x = np.linspace(domain[0], domain[1], samples)
    values = target(x)
    second = np.diff(values, 2) / (x[1] - x[0]) ** 2
    if np.ptp(second) > 1e-3 * max(float(np.max(np.abs(second))), 1e-9):
        return None
    knots = np.linspace(domain[0], domain[1], pieces + 1)
    half_miss = interpolation_error(target, domain, pieces, samples) / 2
    heights = target(knots) - np.sign(np.mean(second)) * half_miss  # convex: the chords lie above, move them down
    fit = JoinedFit(knots, heights, 0.0)
    return JoinedFit(knots, heights, float(np.max(np.abs(fit(x) - values))))


def straight_pieces(kinks: np.ndarray, domain: tuple[float, float], sliver_fraction: float = 0.01) -> tuple[int, int]:
    """How many straight pieces the output has between ``kinks``, and how many of them are slivers,
    narrower than ``sliver_fraction`` of the interval (a few pixels wide in a plot of it)."""
    ends = np.concatenate([[domain[0]], np.sort(np.asarray(kinks, np.float64)), [domain[1]]])
    widths = np.diff(ends)
    return len(widths), int(np.sum(widths < sliver_fraction * (domain[1] - domain[0])))


def hinge_kinks(params: Params) -> np.ndarray:
    """Every first-layer unit's kink x = −b₁ⱼ/w₁ⱼ of a 1-input ReLU network, inside its data or not
    (±inf for a unit whose weight is 0: it never bends)."""
    weight, bias = (np.asarray(a, np.float64) for a in params[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        kinks = -bias / weight[:, 0]
    return np.where(weight[:, 0] == 0, np.inf, kinks)


@dataclass(frozen=True)
class QuietUnit:
    """A last-hidden-layer unit that puts no bend into the output over the data's interval."""

    unit: int
    adds: str  # "a straight line" (its ReLU is on everywhere there) or "0" (off everywhere: dead)
    kink: float | None  # where it does bend, for one hidden layer; None for deeper networks


def quiet_units(snapshot: CurveSnapshot, params: Params) -> list[QuietUnit]:
    """Units whose hinge bends only outside the interval (or never): they add a line, or nothing."""
    outside = hinge_kinks(params) if snapshot.hidden_layers == 1 else None
    quiet = []
    for unit, values in enumerate(snapshot.units):
        if len(snapshot.kinks[unit]):
            continue
        kink = None if outside is None or not np.isfinite(outside[unit]) else float(outside[unit])
        quiet.append(QuietUnit(unit, "0" if not np.any(values) else "a straight line", kink))
    return quiet


@dataclass(frozen=True)
class CurveSnapshot:
    """One recorded snapshot of a 1-D regression, ready to draw.

    ``units`` holds each last-hidden-layer unit's contribution on ``x``;
    ``kinks[j]`` are where unit j's own ReLU bends inside the domain, and
    ``kink_values[j]`` its contribution there.
    """

    epoch: int
    x: np.ndarray
    output: np.ndarray
    units: np.ndarray
    output_bias: float
    kinks: list[np.ndarray]
    kink_values: list[np.ndarray]
    hidden_layers: int


def curve_snapshot(run: Run, epoch: int | None = None) -> CurveSnapshot:
    """The stored curve arrays of one snapshot, with kinks computed from its weights."""
    tensors, params = run.tensors(epoch), run.params(epoch)
    domain = curve_domain(run.manifest)
    kinks = unit_kinks(params, run.activation, domain)
    return CurveSnapshot(
        epoch=run.snapshot(epoch)["epoch"],
        x=tensors["curve.x"].astype(np.float64),
        output=tensors["curve.y"].astype(np.float64),
        units=tensors["curve.units"].astype(np.float64),
        output_bias=float(params[-1][1][0]),
        kinks=kinks,
        kink_values=[unit_contributions(params, run.activation, k)[j] for j, k in enumerate(kinks)],
        hidden_layers=len(params) - 1,
    )


def silent_units(snapshot: CurveSnapshot) -> list[int]:
    """Units whose contribution is exactly 0 at every sampled x (a ReLU that never turns on there)."""
    return [unit for unit, values in enumerate(snapshot.units) if not np.any(values)]


def build_order(snapshot: CurveSnapshot) -> list[int]:
    """The units that contribute, ordered by where they first bend, left to right; units that never bend first.

    Silent units are left out: adding them changes nothing.
    """
    silent = set(silent_units(snapshot))
    first_kink = [k[0] if len(k) else -np.inf for k in snapshot.kinks]
    return sorted((u for u in range(len(snapshot.units)) if u not in silent), key=lambda unit: (first_kink[unit], unit))


def running_sums(snapshot: CurveSnapshot, order: list[int]) -> np.ndarray:
    """The output bias, then the bias plus the first 1, 2, ... contributions in ``order``; the last row is the output."""
    steps = [np.full_like(snapshot.x, snapshot.output_bias)]
    for unit in order:
        steps.append(steps[-1] + snapshot.units[unit])
    return np.stack(steps)
