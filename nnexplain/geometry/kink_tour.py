"""Kinks slid through placements with their sides kept, the heights refit at every step: the search made visible.

:func:`kink_stops` picks a few of the placements the search's first stage tried
(:func:`~nnexplain.geometry.hinge_fit.coarse_candidates`), from worse to better, and ends on the kinks it found;
:func:`refit_at` is the bias and hinge weights with the least largest error for kinks anywhere between them (a linear
programme, :func:`~nnexplain.geometry.hinge_fit.least_max_weights`), so every frame of a slide is a real fit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnexplain.geometry.hinge_fit import HingeFit, _hinge_columns, coarse_candidates, least_max_weights

__all__ = ["kink_stops", "pattern_bests", "refit_at", "tour_kinks"]


def refit_at(target: Any, domain: tuple[float, float], kinks: np.ndarray, directions: np.ndarray) -> HingeFit:
    """The least-largest-error fit with these kinks (sorted along x) and sides, its error on 401 points and the
    kinks. Of the fits with that error, the one with the least total weight (:func:`_least_weights_within`)."""
    x = np.linspace(*domain, 401)
    kinks, directions = np.asarray(kinks, float), np.asarray(directions, float)
    _, _, error = least_max_weights(target, x, kinks, directions)
    weights, bias = _least_weights_within(target, x, kinks, directions, error)
    return HingeFit(kinks, directions, weights, bias, error)


def _least_weights_within(
    target: Any, x: np.ndarray, kinks: np.ndarray, directions: np.ndarray, error: float
) -> tuple[np.ndarray, float]:
    """The weights and bias of least Σ|weight| whose largest miss over ``x`` and the kinks is ``error`` (a linear
    programme). The least-largest-error fit is not unique: a kink within a sample of the interval's end leaves its
    hinge on at one or two samples, and any weight that keeps them within the error is as good, so from one frame of
    a slide to the next the heights could jump (weight 31.8 at one step, 0.6 at the next). The least weights do not."""
    from scipy.optimize import linprog

    x = np.union1d(x, kinks[(kinks >= x[0]) & (kinks <= x[-1])])
    values = target(x)
    count = len(kinks)
    columns = _hinge_columns(x, kinks, directions)
    design = np.column_stack([columns, np.ones_like(x), np.zeros((len(x), count))])  # weights, bias, |weights|
    bound = error * (1 + 1e-7) + 1e-12
    magnitude = np.hstack([np.eye(count), np.zeros((count, 1)), -np.eye(count)])  # ±weight − |weight| ≤ 0
    flipped = np.hstack([-np.eye(count), np.zeros((count, 1)), -np.eye(count)])
    rows = np.vstack([design, -design, magnitude, flipped])
    limits = np.concatenate([values + bound, bound - values, np.zeros(2 * count)])
    cost = np.concatenate([np.zeros(count + 1), np.ones(count)])
    solved = linprog(cost, A_ub=rows, b_ub=limits, bounds=[(None, None)] * (count + 1) + [(0, None)] * count)
    return solved.x[:count], float(solved.x[count])


def kink_stops(target: Any, domain: tuple[float, float], best: HingeFit, ratios=(2.0, 1.5, 1.2)) -> list[np.ndarray]:
    """Placements to slide through, ending on ``best``'s kinks: for each ratio, the coarse candidate (sides
    ``best.directions``) whose error is nearest ``ratio`` × the best's, no two with the same error, then the best's kinks."""
    tried = coarse_candidates(target, domain, len(best.kinks), directions=tuple(float(d) for d in best.directions))
    stops: list[np.ndarray] = []
    errors: list[float] = [best.error]
    for ratio in ratios:
        ranked = sorted(tried, key=lambda entry: abs(entry[0] - ratio * best.error))
        error, stop = next(
            (error, kinks) for error, kinks, _ in ranked if all(abs(error - seen) > 1e-3 for seen in errors)
        )
        errors.append(error)
        stops.append(np.sort(stop))
    worse_first = [stop for _, stop in sorted(zip(errors[1:], stops), key=lambda pair: -pair[0])]
    return [*worse_first, np.sort(best.kinks)]


def tour_kinks(stops: list[np.ndarray], alpha: float) -> np.ndarray:
    """The kinks at ``alpha`` (0 to 1) of a slide through ``stops`` in straight lines, each leg an equal share."""
    legs = len(stops) - 1
    at = min(alpha * legs, legs - 1e-12) if legs else 0.0
    leg = int(at)
    part = at - leg
    return (1 - part) * stops[leg] + part * stops[min(leg + 1, legs)]


def pattern_bests(target: Any, domain: tuple[float, float], hinges: int) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """The search's first stage per way to open: for each direction pattern (sides along x), its best coarse
    candidate (largest error on 101 points, kinks, directions), worst pattern first."""
    best: dict[tuple[float, ...], tuple[float, np.ndarray, np.ndarray]] = {}
    for error, kinks, directions in coarse_candidates(target, domain, hinges):  # least error first
        best.setdefault(tuple(directions), (error, kinks, directions))
    return sorted(best.values(), key=lambda entry: -entry[0])
