"""The best bias + 3 hinges against x² (what relu-square draws last), checked against independent searches."""

import itertools

import numpy as np
import pytest
import torch
from scipy.optimize import linprog

from nnexplain.geometry.hinge_fit import best_hinge_fit


@pytest.fixture(scope="module")
def fit():
    return best_hinge_fit(np.square, (-1.0, 1.0), 3)


def _least_error_as_right_hinges_and_a_line(x: np.ndarray, kinks: np.ndarray, opens_left: np.ndarray) -> float:
    """Another way to write the same functions: relu(k − x) = relu(x − k) − (x − k), so a fit is
    c + a·x + Σ u_j·relu(x − k_j) with a = −Σ_{left-opening} u_j (an equality of the programme)."""
    right = np.maximum(0.0, x[:, None] - kinks[None, :])
    design = np.column_stack([right, x, np.ones_like(x)])  # u_1..u_n, a, c
    n = len(kinks)
    ones = np.ones((len(x), 1))
    a_ub = np.block([[design, -ones], [-design, -ones]])
    b_ub = np.concatenate([x**2, -(x**2)])
    a_eq = np.zeros((1, n + 3))
    a_eq[0, :n] = opens_left.astype(float)
    a_eq[0, n] = 1.0  # a + Σ_left u_j = 0
    result = linprog(
        np.r_[np.zeros(n + 2), 1.0],
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=[0.0],
        bounds=[(None, None)] * (n + 2) + [(0, None)],
    )
    return result.fun


def test_the_drawn_fit_is_a_bias_and_three_relu_units_and_errs_as_it_says(fit):
    """Oracle: the fit written as a network (w = ±1, b = −w·k, v) and run through torch; its largest error on a
    200,001-point grid is the one it reports."""
    x = torch.linspace(-1, 1, 200_001, dtype=torch.float64)
    w = torch.from_numpy(fit.directions)
    network = torch.relu(x[:, None] * w[None, :] - w * torch.from_numpy(fit.kinks)) @ torch.from_numpy(fit.weights)
    network = network + fit.bias
    np.testing.assert_allclose(fit(x.numpy()), network.numpy(), atol=1e-12)
    assert fit.error == pytest.approx(float(torch.max(torch.abs(network - x**2))), rel=1e-9)
    assert len(fit.kinks) == 3 and np.all(np.abs(fit.directions) == 1)


def test_three_hinges_do_worse_than_four_free_pieces_and_better_than_three(fit):
    """The best 4 joined pieces (error 1/32) need an x term the network lacks; the best 3 pieces (error 1/18,
    h²·2/16 with h = 2/3) are drawable by 3 hinges (one opening at an end is a line), so the search must beat them."""
    assert 1 / 32 < fit.error < 1 / 18 - 1e-3
    assert fit.error == pytest.approx(8 / 169, abs=2e-5)  # found at kinks −5/13, 3/13, 11/13


def test_no_random_choice_of_kinks_and_directions_beats_the_drawn_fit(fit):
    x = np.linspace(-1, 1, 401)
    rng = np.random.default_rng(1)
    found = [
        _least_error_as_right_hinges_and_a_line(x, rng.uniform(-1, 1, 3), rng.integers(0, 2, 3).astype(bool))
        for _ in range(150)
    ]
    assert min(found) >= fit.error - 1e-5
    # and near its own kinks, the other formulation agrees with it
    assert _least_error_as_right_hinges_and_a_line(x, fit.kinks, fit.directions < 0) == pytest.approx(
        fit.error, abs=2e-4
    )


@pytest.fixture(scope="module")
def left_left_right():
    return best_hinge_fit(np.square, (-1.0, 1.0), 3, directions=(-1.0, -1.0, 1.0))


def test_hinges_opening_left_left_right_do_no_better_than_three_pieces(left_left_right, fit):
    """Oracle: a brute-force grid of kinks kept in the order left, left, right (the trained run's), each solved by the
    other formulation of the programme: none beats the fixed-sides search, which lands on the best 3 pieces' 1/18
    (a flat piece between the left-opening kinks and the right-opening one), clearly above the free best."""
    assert list(left_left_right.directions) == [-1.0, -1.0, 1.0]
    assert np.all(np.diff(left_left_right.kinks) >= 0)
    x = np.linspace(-1, 1, 1601)
    grid = np.linspace(-1, 1, 17)
    found = min(  # the kinks join the points (a corner between two points is where a fit can miss most)
        _least_error_as_right_hinges_and_a_line(np.union1d(x, kinks), np.array(kinks), np.array([True, True, False]))
        for kinks in itertools.combinations(grid, 3)
    )
    assert found >= left_left_right.error - 1e-5
    assert left_left_right.error == pytest.approx(1 / 18, abs=2e-4)
    assert left_left_right.error > fit.error + 0.005
    # the free best opens differently, left to right: it is not left, left, right
    assert list(fit.directions) != [-1.0, -1.0, 1.0]


def test_the_trained_run_opens_left_left_right_with_a_flat_piece():
    """Oracle: torch on the stored weights of square-relu-3 (epoch 3,000): the input weights' signs, ordered by
    kink, are left, left, right, and between the second and third kinks every unit is off (the output is the bias)."""
    from conftest import DATA

    from nnexplain.run import load_run

    run = load_run(DATA / "square-relu-3")
    (w1, b1), (w2, b2) = [
        [torch.from_numpy(np.asarray(a, np.float64)) for a in layer] for layer in run.params(run.epochs[-1])
    ]
    kinks = -b1 / w1[:, 0]
    order = torch.argsort(kinks)
    assert torch.sign(w1[order, 0]).tolist() == [-1.0, -1.0, 1.0]
    x = torch.linspace(float(kinks[order[1]]) + 1e-6, float(kinks[order[2]]) - 1e-6, 1001, dtype=torch.float64)
    hidden = torch.relu(x[:, None] * w1[:, 0][None, :] + b1[None, :])
    assert float(hidden.abs().max()) == 0.0
    assert torch.allclose(hidden @ w2[0] + b2[0], b2[0].expand(len(x)))


def _as_torch_network(fit, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The fit run as a network through torch: its hidden units' values and its output at ``x``."""
    w = torch.from_numpy(fit.directions)
    hidden = torch.relu(x[:, None] * w[None, :] - w * torch.from_numpy(fit.kinks))
    return hidden, hidden @ torch.from_numpy(fit.weights) + fit.bias


def test_the_same_sides_fit_is_flat_where_its_kinks_say_and_misses_there_by_half_the_rise(left_left_right):
    """What relu-square says of its flat piece ("Flat from a to b, where x squared rises r: it misses by half"),
    against torch: every unit is off across the span the scene computes, the output there is constant, and its
    largest miss there, measured on a 20,001-point grid, is half of x²'s rise over the span and the fit's error."""
    from nnexplain.scenes.base.sides_argument import flat_span

    order = np.argsort(left_left_right.kinks)
    low, high = flat_span(left_left_right.kinks[order], left_left_right.directions[order])
    x = torch.linspace(low, high, 20_001, dtype=torch.float64)
    hidden, output = _as_torch_network(left_left_right, x)
    inner = hidden[1:-1]  # at the span's ends a unit switches on
    assert float(inner.abs().max()) == 0.0 and float(output.max() - output.min()) < 1e-12
    rise = float((x**2).max() - (x**2).min())
    miss = float(torch.max(torch.abs(output - x**2)))
    assert miss == pytest.approx(rise / 2, abs=5e-4) and f"{miss:.3f}" == f"{left_left_right.error:.3f}"


def test_the_best_fit_has_a_unit_on_in_every_piece(fit):
    """What relu-square says of the best fit ("No piece is flat: each has a unit on"), against torch: at the middle
    of every stretch between its kinks inside [-1, 1], some hidden unit is positive."""
    kinks = np.sort(fit.kinks[(fit.kinks > -1) & (fit.kinks < 1)])
    ends = np.concatenate([[-1.0], kinks, [1.0]])
    hidden, _ = _as_torch_network(fit, torch.from_numpy((ends[:-1] + ends[1:]) / 2))
    assert bool((hidden > 0).any(dim=1).all())
