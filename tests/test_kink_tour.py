"""relu-square's kink slide (sides kept, heights refit every frame) and its error detour during training, each
checked against an independent computation: scipy's SLSQP on the minimax problem, and brute force over pairs."""

import itertools

import numpy as np
import pytest
from scipy.optimize import minimize

from nnexplain.geometry.fit_change import error_detour
from nnexplain.geometry.hinge_fit import best_hinge_fit
from nnexplain.geometry.kink_tour import kink_stops, refit_at, tour_kinks

SIDES = (-1.0, -1.0, 1.0)  # the trained units' sides along x in square-relu-3 (left, left, right)


@pytest.fixture(scope="module")
def same_sides():
    return best_hinge_fit(np.square, (-1.0, 1.0), 3, directions=SIDES)


def _slsqp_error(kinks: np.ndarray, sides: np.ndarray) -> float:
    """The least largest |fit − x²| on 401 points and the kinks for these hinges, by SLSQP on (weights, bias, t)."""
    x = np.union1d(np.linspace(-1, 1, 401), kinks)
    design = np.column_stack([np.maximum(0.0, sides[None, :] * (x[:, None] - kinks[None, :])), np.ones_like(x)])
    start = np.concatenate([np.linalg.lstsq(design, x**2, rcond=None)[0], [1.0]])
    constraints = [
        {"type": "ineq", "fun": lambda v: v[-1] - (design @ v[:-1] - x**2)},
        {"type": "ineq", "fun": lambda v: v[-1] + (design @ v[:-1] - x**2)},
    ]
    solved = minimize(lambda v: v[-1], start, constraints=constraints, method="SLSQP", options={"maxiter": 500})
    return float(solved.x[-1])


def test_each_stop_error_is_the_minimax_error(same_sides):
    for kinks in kink_stops(np.square, (-1.0, 1.0), same_sides):
        assert refit_at(np.square, (-1.0, 1.0), kinks, same_sides.directions).error == pytest.approx(
            _slsqp_error(kinks, same_sides.directions), abs=2e-4
        )


def test_the_slide_never_beats_the_search_and_ends_on_it(same_sides):
    stops = kink_stops(np.square, (-1.0, 1.0), same_sides)
    assert len(stops) == 4 and np.allclose(stops[-1], np.sort(same_sides.kinks))
    errors = [refit_at(np.square, (-1.0, 1.0), s, same_sides.directions).error for s in stops]
    assert errors[0] > errors[1] > errors[2] > errors[3]  # worse first, then the search's end
    assert len({f"{e:.3f}" for e in errors}) == 4
    along = [
        refit_at(np.square, (-1.0, 1.0), tour_kinks(stops, a), same_sides.directions) for a in np.linspace(0, 1, 61)
    ]
    assert min(fit.error for fit in along) >= same_sides.error - 1e-4
    assert f"{along[-1].error:.3f}" == f"{same_sides.error:.3f}" == "0.056"  # the readout's last number, as said
    assert all(np.all(np.diff(fit.kinks) >= 0) for fit in along)  # the sides stay in their order along x


def test_error_detour_is_the_largest_rise_after_a_fall():
    rng = np.random.default_rng(3)
    for _ in range(200):
        errors = rng.uniform(0, 1, rng.integers(3, 12))
        found = error_detour(errors, least_rise=0.0)
        rises = [(errors[j] - errors[i], i, j) for i, j in itertools.combinations(range(len(errors)), 2)]
        best = max(rises)[0]
        if found is None:
            continue
        low, high = found
        assert errors[high] - errors[low] == pytest.approx(best)
        assert 0 < low < high < len(errors) - 1


def test_error_detour_reads_the_default_run_shape():
    # square-relu-3's stored largest errors (epochs 0, 60, 121, 152, 3000): down, up, then down again.
    assert error_detour([0.604, 0.401, 0.536, 0.513, 0.045]) == (1, 2)
    assert error_detour([0.6, 0.5, 0.4, 0.3]) is None  # no rise
    assert error_detour([0.6, 0.4, 0.7]) is None  # never falls again


def test_pattern_bests_match_a_brute_force_of_each_way_to_open():
    """Each way to open's best grid placement, against an independent minimax (SLSQP) over every grid placement for
    two of the patterns; all 8 patterns, worst first."""
    from nnexplain.geometry.kink_tour import pattern_bests

    bests = pattern_bests(np.square, (-1.0, 1.0), 3)
    assert len(bests) == 8 and len({tuple(d) for _, _, d in bests}) == 8
    assert [e for e, _, _ in bests] == sorted((e for e, _, _ in bests), reverse=True)
    grid = np.linspace(-1, 1, 11)
    for error, kinks, directions in (bests[0], bests[-1]):
        x = np.linspace(-1, 1, 101)

        def oracle(k: np.ndarray) -> float:
            xs = np.union1d(x, k)
            design = np.column_stack(
                [np.maximum(0.0, directions[None, :] * (xs[:, None] - k[None, :])), np.ones_like(xs)]
            )
            cons = [
                {"type": "ineq", "fun": lambda v: v[-1] - (design @ v[:-1] - xs**2)},
                {"type": "ineq", "fun": lambda v: v[-1] + (design @ v[:-1] - xs**2)},
            ]
            start = np.concatenate([np.linalg.lstsq(design, xs**2, rcond=None)[0], [1.0]])
            return float(minimize(lambda v: v[-1], start, constraints=cons, method="SLSQP").fun)

        assert oracle(kinks) == pytest.approx(error, abs=2e-4)
        brute = min(oracle(np.array(k)) for k in itertools.combinations(grid, 3))
        assert error == pytest.approx(brute, abs=2e-4)


def test_the_slide_moves_its_fit_a_little_each_step_and_keeps_the_least_largest_error(same_sides):
    """The least-largest-error fit is not unique; the one drawn must not jump between optimal fits from one step to
    the next (a kink near x = −1 once took weight 31.8 at one step and 0.6 at the next: a spike in the curve). Each
    step's fit, evaluated here with numpy on 4,001 points and its kinks, misses by its stated error (SLSQP's, above)."""
    stops = kink_stops(np.square, (-1.0, 1.0), same_sides)
    x = np.linspace(-1, 1, 4001)
    previous = None
    for alpha in np.linspace(0, 1, 121)[:-1]:
        kinks = tour_kinks(stops, alpha)
        fit = refit_at(np.square, (-1.0, 1.0), kinks, same_sides.directions)
        points = np.union1d(np.linspace(-1, 1, 401), kinks)
        design = np.maximum(0.0, fit.directions[None, :] * (points[:, None] - fit.kinks[None, :]))
        miss = np.abs(design @ fit.weights + fit.bias - points**2)
        assert miss.max() == pytest.approx(fit.error, abs=1e-6)
        curve = np.maximum(0.0, fit.directions[None, :] * (x[:, None] - fit.kinks[None, :])) @ fit.weights + fit.bias
        if previous is not None:
            assert np.abs(curve - previous).max() < 0.05, alpha  # kinks move ≤ 0.02 a step; heights follow
        previous = curve
