"""The depth scene's numbers against independent computations on the stored weights.

- Piece counts: the sign changes of the second difference of a torch float64 forward
  pass on a 200,001-point grid, not the layer-by-layer kink finder the scene uses.
- Largest errors: the same torch pass against the target on that grid.
- Parameter budgets: counted from the weight shapes in the snapshot files.
- The narration: every number it says is recomputed here from the runs.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from conftest import DATA
from safetensors.numpy import load_file

from nnexplain.geometry.depth import busiest_unit, fit_pieces, piece_bounds, pre_activation, worst_point
from nnexplain.run import load_run

FIXTURES = DATA / "depth"
SEEDS = (0, 1, 2)
CURVE_RUNS = [f"waves-{kind}-{seed}" for kind in ("wide", "deep") for seed in SEEDS]
GRID = 200_001


def _torch_output(run_dir, x: np.ndarray) -> np.ndarray:
    """The network's output from its stored weights, through torch in float64 (no nnexplain code)."""
    manifest_layers = load_run(run_dir).layers
    last = sorted((run_dir / "snapshots").iterdir())[-1]
    arrays = load_file(str(last))
    h = torch.tensor(x, dtype=torch.float64).reshape(-1, 1)
    hidden = len(manifest_layers) - 2
    for i in range(hidden + 1):
        weight = torch.tensor(arrays[f"weight.{i}"], dtype=torch.float64)
        bias = torch.tensor(arrays[f"bias.{i}"], dtype=torch.float64)
        h = h @ weight.T + bias
        if i < hidden:
            h = torch.relu(h)
    return h[:, 0].numpy()


def _clusters(indices: np.ndarray, gap: int) -> int:
    """How many groups ``indices`` (sorted) fall into when neighbours closer than ``gap`` join."""
    return 0 if len(indices) == 0 else 1 + int(np.sum(np.diff(indices) >= gap))


@pytest.mark.parametrize("name", CURVE_RUNS)
def test_piece_counts_match_second_difference_sign_changes_on_a_dense_grid(name):
    run = load_run(FIXTURES / name)
    domain = tuple(run.dataset["domain"])
    x = np.linspace(*domain, GRID)
    y = _torch_output(FIXTURES / name, x)
    second = y[2:] - 2 * y[1:-1] + y[:-2]
    # Float64 rounding leaves |second| near 1e-15; a bend of slope change s leaves up to s·h there.
    bent = np.flatnonzero(np.abs(second) > 1e-11) + 1
    oracle = _clusters(bent, gap=3)  # a bend between two samples marks one or two neighbouring samples
    pieces = fit_pieces(run.params(), run.activation, domain)
    # Bends closer together than the grid can resolve count as one, as the grid sees them.
    cells = np.floor((pieces.bends - domain[0]) / (x[1] - x[0])).astype(int)
    assert _clusters(cells, gap=3) == oracle
    assert pieces.pieces >= oracle + 1
    for bend in pieces.bends:  # every bend found is one the grid sees bent
        near = np.abs(x[bent] - bend)
        assert near.min() <= 2 * (x[1] - x[0])


@pytest.mark.parametrize("name", CURVE_RUNS)
def test_largest_error_matches_the_dense_torch_grid(name):
    run = load_run(FIXTURES / name)
    domain = tuple(run.dataset["domain"])
    x = np.linspace(*domain, GRID)
    miss = np.abs(_torch_output(FIXTURES / name, x) - np.sin(3 * np.pi * x))
    where, error = worst_point(run.params(), run.activation, lambda v: np.sin(3 * np.pi * v), domain)
    assert error == pytest.approx(miss.max(), abs=2e-3)  # the scene's grid is 10x coarser
    assert abs(where - x[np.argmax(miss)]) < 0.02 or miss.max() - error < 2e-3


def _parameters_from_shapes(run_dir) -> int:
    last = sorted((run_dir / "snapshots").iterdir())[-1]
    arrays = load_file(str(last))
    return sum(int(np.prod(a.shape)) for key, a in arrays.items() if re.fullmatch(r"(weight|bias)\.\d+", key))


@pytest.mark.parametrize("task", ["waves", "spiral3"])
@pytest.mark.parametrize("seed", SEEDS)
def test_wide_and_deep_have_the_same_budget_within_ten_percent(task, seed):
    wide = _parameters_from_shapes(FIXTURES / f"{task}-wide-{seed}")
    deep = _parameters_from_shapes(FIXTURES / f"{task}-deep-{seed}")
    assert abs(wide / deep - 1) <= 0.10
    assert load_run(FIXTURES / f"{task}-wide-{seed}").network.parameter_count == wide
    assert len(load_run(FIXTURES / f"{task}-wide-{seed}").layers) == 3  # one hidden layer
    assert len(load_run(FIXTURES / f"{task}-deep-{seed}").layers) >= 4


def test_piece_bound_is_reached_by_a_built_sawtooth():
    """The bound (1 + h) per layer is no overstatement: composed tent maps reach 2^L pieces with 2 units a layer."""
    # tent(x) = 2·relu(x) − 4·relu(x − 0.5) on [0, 1]; each layer folds [0, 1] onto itself once more.
    w_in, b_in = np.array([[1.0], [1.0]]), np.array([0.0, -0.5])
    w_mid, b_mid = np.array([[2.0, -4.0], [2.0, -4.0]]), np.array([0.0, -0.5])
    layers = 3
    params = [(w_in, b_in)] + [(w_mid, b_mid)] * (layers - 1) + [(np.array([[2.0, -4.0]]), np.zeros(1))]
    pieces = fit_pieces(params, "relu", (0.0, 1.0))
    assert pieces.pieces == 2**layers
    assert pieces.pieces <= piece_bounds([2] * layers)[-1]
    assert [len(pieces.bends_from(layer)) for layer in (1, 2, 3)] == [1, 2, 4]  # each layer cuts every piece


def test_the_busiest_unit_crosses_zero_where_the_grid_says():
    run = load_run(FIXTURES / "waves-deep-0")
    domain = tuple(run.dataset["domain"])
    busy = busiest_unit(run.params(), run.activation, domain)
    x = np.linspace(*domain, GRID)
    z = pre_activation(run.params(), run.activation, busy.layer, busy.unit, x)
    changes = np.flatnonzero(np.sign(z[:-1]) * np.sign(z[1:]) < 0)
    assert len(changes) == len(busy.crossings) >= 1


def test_the_narration_says_the_runs_numbers(tmp_path):
    from frames import render_for_test

    from nnexplain.scenes.depth import Depth, curve_fit

    further = {}
    for seed in SEEDS:
        suffix = "" if seed == 0 else f"-seed{seed}"
        if seed:
            further[f"deep{suffix}"] = FIXTURES / f"waves-deep-{seed}"
        further[f"wide{suffix}"] = FIXTURES / f"waves-wide-{seed}"
        further[f"spiral-deep{suffix}"] = FIXTURES / f"spiral3-deep-{seed}"
        further[f"spiral-wide{suffix}"] = FIXTURES / f"spiral3-wide-{seed}"
    scene = render_for_test(Depth, FIXTURES / "waves-deep-0", tmp_path, **further)
    said = {line.beat: [] for line in scene.narrator.log}
    for line in scene.narrator.log:
        said[line.beat].append(line.sentence)
    wide = curve_fit(load_run(FIXTURES / "waves-wide-0"))
    deep = curve_fit(load_run(FIXTURES / "waves-deep-0"))
    text = " ".join(" ".join(lines) for lines in said.values())
    assert f"This fit bends {len(wide.pieces.bends)} times: {wide.pieces.pieces} pieces" in text
    assert f"Its largest error is {wide.error:.2f}" in text and f"Its largest error is {deep.error:.2f}" in text
    counts = [len(deep.pieces.bends_from(layer)) for layer in (1, 2, 3)]
    pieces_after = np.cumsum(counts) + 1  # the pieces after each layer's bends, as the narration counts them
    assert sum(counts) + 1 == deep.pieces.pieces == fit_pieces_count(FIXTURES / "waves-deep-0")
    assert (
        f"Layer 1's {counts[0]} bends make {pieces_after[0]} pieces; "
        f"layer 2 into {pieces_after[1]}, layer 3 into {pieces_after[2]}." in text
    )
    slivers = {}
    for fit in (wide, deep):  # pieces narrower than 1% of [-1, 1]
        slivers[fit.shape] = int(np.sum(np.diff(np.concatenate([[-1.0], fit.pieces.bends, [1.0]])) < 0.02))
    assert f"{deep.pieces.pieces} pieces ({slivers[deep.shape]} slivers), " in text
    assert f"{wide.pieces.pieces} pieces, {slivers[wide.shape]} of them slivers under 0.02 wide" in text
    # The seeds: medians and ranges of every run, recomputed here.
    pieces = {
        kind: [fit_pieces_count(FIXTURES / f"waves-{kind}-{seed}") for seed in SEEDS] for kind in ("wide", "deep")
    }
    for kind in ("wide", "deep"):
        values = pieces[kind]
        assert f"{kind} {np.median(values):.0f} ({min(values)}–{max(values)})" in text
    accuracy = {
        kind: [load_run(FIXTURES / f"spiral3-{kind}-{seed}").final_metrics["val_acc"] for seed in SEEDS]
        for kind in ("wide", "deep")
    }
    for kind in ("wide", "deep"):
        values = accuracy[kind]
        assert f"{kind} {100 * np.median(values):.1f}% ({100 * min(values):.1f}%–{100 * max(values):.1f}%)" in text
    winner = "deep" if np.median(accuracy["deep"]) > np.median(accuracy["wide"]) else "wide"
    assert f"On the spiral the {winner} nets did better" in text
    fewer = np.median(pieces["deep"]) < np.median(pieces["wide"])
    assert f"So the deep fits had {'fewer' if fewer else 'more'} pieces in all" in text


def fit_pieces_count(run_dir) -> int:
    run = load_run(run_dir)
    return fit_pieces(run.params(), run.activation, tuple(run.dataset["domain"])).pieces


def test_a_recipe_at_a_seed_is_that_recipe_trained_from_that_seed():
    from nnexplain.errors import NnexplainError
    from nnexplain.train.recipes import get_recipe

    base, seeded = get_recipe("waves-deep"), get_recipe("waves-deep@2")
    assert seeded.config == base.config.with_overrides(seed=2) and seeded.config.recipe == "waves-deep"
    for bad in ("waves-deep@", "waves-deep@-1", "waves-deep@two", "waves-deep@²", "nope@1"):
        with pytest.raises(NnexplainError):
            get_recipe(bad)


def test_the_runs_between_two_levels_are_the_polyline_where_it_lies_between_them():
    """runs_between against a dense resampling of the same polyline: a point of the curve lies in some run
    exactly when it lies between the levels, and each run's ends are on a level or at the curve's ends."""
    from nnexplain.geometry.depth import runs_between

    rng = np.random.default_rng(3)
    for _ in range(20):
        x = np.sort(rng.uniform(-1, 1, 12))
        y = rng.normal(0, 1, 12)
        low, high = -0.4, 0.7
        runs = runs_between(x, y, low, high)
        dense = np.linspace(x[0], x[-1], 4001)
        curve = np.interp(dense, x, y)
        inside = (curve >= low) & (curve <= high)
        covered = np.zeros_like(inside)
        for rx, ry in runs:
            assert np.all(np.diff(rx) >= 0) and np.all((ry >= low - 1e-12) & (ry <= high + 1e-12))
            assert np.allclose(ry, np.interp(rx, x, y), atol=1e-9)  # on the curve
            for end_x, end_y in ((rx[0], ry[0]), (rx[-1], ry[-1])):
                assert end_x in (x[0], x[-1]) or min(abs(end_y - low), abs(end_y - high)) < 1e-9
            covered |= (dense >= rx[0]) & (dense <= rx[-1])
        assert np.array_equal(covered[inside], np.ones(inside.sum(), bool))  # every point inside is in a run
        strictly_out = (curve < low - 1e-6) | (curve > high + 1e-6)
        assert not np.any(covered & strictly_out)
