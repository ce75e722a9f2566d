"""The best function a one-hidden-layer ReLU network of n units can draw, for the largest error.

Such a network on one input draws ``bias + Σ_j v_j · relu(w_j·x + b_j)``. Each term is a
hinge: flat on one side of its kink ``k_j = −b_j/w_j``, straight on the other, opening
right (w_j > 0) or left (w_j < 0); |w_j| only scales v_j, so a unit is fixed by its kink,
its direction and one weight. There is no ``a·x`` term: the outer slopes must be built from
the hinges (the right-most slope is the sum of the right-opening hinges' weights, the left-most
minus the sum of the left-opening ones). So n hinges cannot draw every n + 1 joined pieces:
for x² on [−1, 1], the best 4 joined pieces miss by 1/32 with slopes −1.5, −0.5, 0.5, 1.5,
which no 3 hinges add up to.

With the kinks and directions fixed, the weights and bias that make the largest
|fit − target| least are a linear programme (minimise t with −t ≤ fit − target ≤ t).
:func:`best_hinge_fit` tries every direction pattern with kinks on a coarse grid of the
interval (a kink at an end makes a hinge a straight line there), then moves the kinks of
the best few by Nelder–Mead, each step solving that programme. A search, not a proof:
its tests check no random choice of kinks beats it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["HingeFit", "best_hinge_fit", "coarse_candidates", "least_max_weights"]


@dataclass(frozen=True)
class HingeFit:
    """``bias + Σ weights_j · relu(directions_j · (x − kinks_j))``, and its largest error against the target."""

    kinks: np.ndarray
    directions: np.ndarray  # +1: the hinge opens to the right of its kink; −1: to the left
    weights: np.ndarray
    bias: float
    error: float  # the largest |fit − target| on a fine grid of the interval, measured

    def hinges(self, x: np.ndarray) -> np.ndarray:
        """Each hinge's values on ``x``, one row per hinge."""
        x = np.asarray(x, np.float64)
        return self.weights[:, None] * np.maximum(0.0, self.directions[:, None] * (x[None, :] - self.kinks[:, None]))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.bias + self.hinges(x).sum(axis=0)


def _hinge_columns(x: np.ndarray, kinks: np.ndarray, directions: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, directions[None, :] * (x[:, None] - kinks[None, :]))


def least_max_weights(
    target: Any, x: np.ndarray, kinks: np.ndarray, directions: np.ndarray
) -> tuple[np.ndarray, float, float]:
    """The hinge weights and bias with the least largest |fit − target| over ``x`` and the kinks, for these kinks
    and directions, and that error. The kinks are added to ``x``: a corner between grid points is where the fit
    can miss most, and a grid alone would not see it."""
    from scipy.optimize import linprog

    x = np.union1d(x, kinks[(kinks >= x[0]) & (kinks <= x[-1])])
    target = target(x)
    design = np.column_stack([_hinge_columns(x, kinks, directions), np.ones_like(x)])
    ones = np.ones((len(x), 1))
    rows = np.vstack([np.hstack([design, -ones]), np.hstack([-design, -ones])])
    cost = np.zeros(design.shape[1] + 1)
    cost[-1] = 1.0
    bounds = [(None, None)] * design.shape[1] + [(0, None)]
    solved = linprog(cost, A_ub=rows, b_ub=np.concatenate([target, -target]), bounds=bounds, method="highs")
    return solved.x[:-2], float(solved.x[-2]), float(solved.fun)


def coarse_candidates(
    target: Any, domain: tuple[float, float], hinges: int, grid: int = 11, directions: tuple[float, ...] | None = None
) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """The search's first stage: (largest error on 101 points, kinks, directions) for every direction pattern (or
    only ``directions``) with kinks on ``grid`` points of the interval, least error first."""
    low, high = domain
    coarse = np.linspace(low, high, 101)
    tried = []
    for kinks in itertools.combinations(np.linspace(low, high, grid), hinges):  # an unused hinge: a kink at an end
        for pattern in itertools.product((1.0, -1.0), repeat=hinges):
            if directions is not None and pattern != directions:
                continue
            kinks_, directions_ = np.array(kinks), np.array(pattern)
            tried.append((least_max_weights(target, coarse, kinks_, directions_)[2], kinks_, directions_))
    tried.sort(key=lambda entry: entry[0])
    return tried


def best_hinge_fit(
    target: Any,
    domain: tuple[float, float],
    hinges: int,
    grid: int = 11,
    refine: int = 4,
    samples: int = 200_001,
    directions: tuple[float, ...] | None = None,
) -> HingeFit:
    """The bias + ``hinges`` ReLU hinges with the least largest error against ``target`` over ``domain`` found by
    search: every direction pattern with kinks on ``grid`` points of the interval, then the ``refine`` best moved
    by Nelder–Mead (see the module's docstring). With ``directions`` (one ±1 a hinge, in the order of their kinks
    along x), only that pattern is tried, its kinks kept in that order: the best kinks for hinges that open to
    these sides, left to right."""
    wanted = None if directions is None else tuple(float(side) for side in directions)
    from scipy.optimize import minimize

    low, high = domain
    tried = coarse_candidates(target, domain, hinges, grid, wanted)

    x = np.linspace(low, high, 401)
    best = None
    for _, start, pattern in tried[:refine]:

        def error(kinks: np.ndarray, pattern=pattern) -> float:
            # A fixed pattern keeps its order along x: the kinks are taken sorted.
            kinks = np.sort(kinks) if wanted is not None else kinks
            return least_max_weights(target, x, np.clip(kinks, low, high), pattern)[2]

        moved = minimize(error, start, method="Nelder-Mead", options={"xatol": 1e-4, "fatol": 1e-7})
        if best is None or moved.fun < best[0]:
            kinks = np.sort(moved.x) if wanted is not None else moved.x
            best = (moved.fun, np.clip(kinks, low, high), pattern)

    # The weights for the kinks found, solved again on a finer grid, and the error measured on a finer one still.
    _, kinks, pattern = best
    directions = np.array(pattern)
    order = np.argsort(kinks)
    kinks, directions = kinks[order], directions[order]
    fine = np.linspace(low, high, 2001)
    weights, bias, _ = least_max_weights(target, fine, kinks, directions)
    fit = HingeFit(kinks, directions, weights, bias, 0.0)
    measured = np.linspace(low, high, samples)
    return HingeFit(kinks, directions, weights, bias, float(np.max(np.abs(fit(measured) - target(measured)))))
