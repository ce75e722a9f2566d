"""Hinge geometry, with torch as the answer key: contributions, kinks, straight pieces, stored curves."""

import json
import math
import shutil

import numpy as np
import pytest
import torch
from conftest import DATA, torch_activations, torch_mlp

from nnexplain.geometry.hinges import (
    build_order,
    curve_snapshot,
    interpolation_error,
    linear_map,
    max_fit_error,
    output_kinks,
    running_sums,
    silent_units,
    unit_kinks,
)
from nnexplain.run import load_run
from nnexplain.run.contents import curve_arrays, curve_domain
from nnexplain.run.schedule import spread_epochs
from nnexplain.train.recorder import Recorder, model_params

CURVE_RUNS = ["sine-relu", "square-relu-3", "sine-linear"]


def _torch_model(params, activation: str):
    sizes = [params[0][0].shape[1]] + [weight.shape[0] for weight, _ in params]
    model = torch_mlp(sizes, activation).double()
    with torch.no_grad():
        for linear, (weight, bias) in zip(model.linears, params):
            linear.weight.copy_(torch.from_numpy(np.asarray(weight, np.float64)))
            linear.bias.copy_(torch.from_numpy(np.asarray(bias, np.float64)))
    return model


def _random_params(sizes, activation="relu", seed=0):
    torch.manual_seed(seed)
    return model_params(torch_mlp(sizes, activation))


def _last_hidden(model, x: np.ndarray) -> np.ndarray:
    """(pre-activation, activation) of the last hidden layer, from torch."""
    act = torch_activations()[model.activation]
    a = torch.from_numpy(np.asarray(x, np.float64)[:, None])
    with torch.no_grad():
        for linear in model.linears[:-1]:
            z = linear(a)
            a = act(z)
    return z.numpy(), a.numpy()


@pytest.mark.parametrize("name", CURVE_RUNS)
def test_units_add_up_to_the_network_output_at_every_sampled_x(name):
    run = load_run(DATA / name)
    for epoch in run.epochs:
        stored, params = run.tensors(epoch), run.params(epoch)
        x = stored["curve.x"].astype(np.float64)
        assert (
            len(x) >= 400
            and x[0] == pytest.approx(run.dataset["domain"][0])
            and x[-1] == pytest.approx(run.dataset["domain"][1])
        )
        model = _torch_model(params, run.activation)
        with torch.no_grad():
            output = model(torch.from_numpy(x[:, None])).numpy()[:, 0]
        _, hidden = _last_hidden(model, x)
        np.testing.assert_allclose(stored["curve.y"], output, atol=1e-5, err_msg=f"{name} epoch {epoch}")
        np.testing.assert_allclose(stored["curve.units"], (hidden * params[-1][0][0]).T, atol=1e-5)
        total = stored["curve.units"].astype(np.float64).sum(axis=0) + params[-1][1][0]
        np.testing.assert_allclose(total, output, atol=1e-5, err_msg=f"{name} epoch {epoch}: units + bias != output")


def test_one_hidden_layer_kinks_are_minus_b_over_w():
    run = load_run(DATA / "square-relu-3")
    domain = tuple(run.dataset["domain"])
    for epoch in run.epochs:
        params = run.params(epoch)
        weight, bias = params[0][0][:, 0].astype(np.float64), params[0][1].astype(np.float64)
        for unit, kinks in enumerate(unit_kinks(params, "relu", domain)):
            expected = -bias[unit] / weight[unit]
            if domain[0] < expected < domain[1]:
                np.testing.assert_allclose(kinks, [expected], rtol=1e-9)
            else:
                assert len(kinks) == 0


@pytest.mark.parametrize("seed", range(4))
def test_last_layer_kinks_are_exactly_where_each_unit_switches(seed):
    params = _random_params([1, 8, 8, 1], seed=seed)
    domain = (-3.0, 3.0)
    kinks = unit_kinks(params, "relu", domain)
    model = _torch_model(params, "relu")
    x = np.linspace(*domain, 200_001)
    pre, _ = _last_hidden(model, x)
    found = 0
    for unit, unit_kinks_ in enumerate(kinks):
        sign = np.sign(pre[:, unit])
        changes = np.flatnonzero(sign[:-1] * sign[1:] < 0)
        assert len(unit_kinks_) == len(changes), f"unit {unit}: kinks {unit_kinks_} vs sign changes at {x[changes]}"
        for kink, change in zip(unit_kinks_, changes):
            assert x[change] <= kink <= x[change + 1]
        if len(unit_kinks_):
            at_kinks, _ = _last_hidden(model, unit_kinks_)
            np.testing.assert_allclose(at_kinks[:, unit], 0, atol=1e-9)
        found += len(unit_kinks_)
    assert found > 0  # the test must exercise some kinks


@pytest.mark.parametrize("sizes", [[1, 8, 8, 1], [1, 5, 5, 5, 1], [1, 3, 1]])
def test_output_is_straight_between_its_kinks(sizes):
    params = _random_params(sizes, seed=sum(sizes))
    domain = (-2.5, 2.5)
    kinks = output_kinks(params, "relu", domain)
    assert np.all(np.diff(kinks) > 0) and np.all((kinks > domain[0]) & (kinks < domain[1]))
    model = _torch_model(params, "relu")
    ends = np.concatenate([[domain[0]], kinks, [domain[1]]])
    for left, right in zip(ends[:-1], ends[1:]):
        x = np.linspace(left, right, 7)
        with torch.no_grad():
            y = model(torch.from_numpy(x[:, None])).numpy()[:, 0]
        np.testing.assert_allclose(np.diff(y, 2), 0, atol=1e-10, err_msg=f"not straight on [{left}, {right}]")


def test_a_network_without_activation_is_one_line():
    params = _random_params([1, 8, 8, 1], activation="identity", seed=3)
    slope, intercept = linear_map(params)
    model = _torch_model(params, "identity")
    x = np.array([-2.0, 0.0, 1.0, 5.0])
    with torch.no_grad():
        y = model(torch.from_numpy(x[:, None])).numpy()[:, 0]
    np.testing.assert_allclose(y, slope * x + intercept, rtol=1e-12)
    assert all(len(kinks) == 0 for kinks in unit_kinks(params, "identity", (-1, 1)))
    assert len(output_kinks(params, "identity", (-1, 1))) == 0


def test_units_added_in_order_rebuild_the_output():
    run = load_run(DATA / "sine-relu")
    snapshot = curve_snapshot(run)
    order = build_order(snapshot)
    silent = silent_units(snapshot)
    assert sorted(order + silent) == list(range(run.layers[-2]))
    assert all(not np.any(snapshot.units[unit]) for unit in silent)
    first_kinks = [snapshot.kinks[unit][0] for unit in order if len(snapshot.kinks[unit])]
    assert first_kinks == sorted(first_kinks)
    sums = running_sums(snapshot, order)
    assert len(sums) == len(order) + 1
    np.testing.assert_allclose(sums[0], snapshot.output_bias)
    np.testing.assert_allclose(sums[-1], snapshot.output, atol=1e-5)
    for values in snapshot.kink_values:  # a unit's own ReLU cut is where it is 0
        np.testing.assert_allclose(values, 0, atol=1e-6)


def test_max_error_is_measured_on_the_whole_curve():
    run = load_run(DATA / "sine-relu")
    error, whole = max_fit_error(run)
    assert whole and error <= 0.05
    assert error >= run.final_metrics["val_max_error"] - 1e-6  # the training's own 401 samples are among its points


@pytest.mark.parametrize("name", CURVE_RUNS)
def test_max_error_is_the_largest_miss_torch_finds_on_a_fine_grid(name):
    """Oracle: the stored weights run through torch in float64 on 2,000,001 points of the interval. The corners of
    a ReLU fit lie between the stored curve's samples, so the largest miss there can exceed theirs."""
    from nnexplain.data.curves import target_function

    run = load_run(DATA / name)
    target = target_function(run.dataset)
    low, high = curve_domain(run.manifest)
    x = torch.linspace(low, high, 2_000_001, dtype=torch.float64)
    with torch.no_grad():
        for epoch in run.epochs:
            fitted = _torch_model(run.params(epoch), run.activation)(x[:, None])[:, 0].numpy()
            miss = np.abs(fitted - target(x.numpy()))
            oracle, spacing = float(np.max(miss)), float(x[1] - x[0])
            # Between two of its points the miss can rise at most (its steepest slope) × half a spacing above them.
            reach = float(np.max(np.abs(np.diff(miss)))) / 2
            error, whole = max_fit_error(run, epoch)
            assert whole
            assert oracle - 1e-9 <= error <= oracle + reach + 1e-12, (epoch, error, oracle, spacing)


def test_a_corner_between_the_samples_is_where_the_largest_miss_is_found():
    """x² against the higher of its tangents at -0.4 and 1.0001, which meet in a corner at 0.30005, between samples
    0.005 apart. Tangents lie under a parabola, (x − a)² under it; so the fit misses most at the corner,
    by 0.70005², and the samples alone see less."""
    from nnexplain.geometry.hinges import largest_miss

    low, high = -0.4, 1.0001
    corner, grid = (low + high) / 2, np.linspace(-1, 1, 401)

    def fitted(x):
        return np.maximum(2 * low * x - low**2, 2 * high * x - high**2)

    error, at = largest_miss(fitted, np.square, grid, np.array([corner]))
    assert error == pytest.approx(((high - low) / 2) ** 2, abs=1e-12)
    assert at == pytest.approx(corner, abs=1e-12)
    assert float(np.max(np.abs(fitted(grid) - grid**2))) < error - 1e-5


def test_max_error_falls_back_to_the_probe_without_a_known_target(tmp_path):
    target = tmp_path / "run"
    shutil.copytree(DATA / "square-relu-3", target)
    manifest = json.loads((target / "manifest.json").read_text())
    del manifest["dataset"]["function"]
    (target / "manifest.json").write_text(json.dumps(manifest))
    run = load_run(target)
    error, whole = max_fit_error(run)
    assert not whole
    model = _torch_model(run.params(), "relu")
    with torch.no_grad():
        predicted = model(torch.from_numpy(run.probe["inputs"].astype(np.float64))).numpy()
    assert error == pytest.approx(np.abs(predicted - run.probe["labels"]).max(), abs=1e-5)


def test_straight_pieces_of_sin_miss_by_pi_squared_over_2n_squared():
    for pieces in (4, 10, 14):
        assert interpolation_error(np.sin, (-math.pi, math.pi), pieces) == pytest.approx(
            math.pi**2 / (2 * pieces**2), rel=1e-4
        )


def test_only_one_dimensional_regressions_with_a_domain_get_curves():
    params = _random_params([1, 4, 1])
    regression = {
        "layers": [1, 4, 1],
        "activation": "relu",
        "output": "identity",
        "dataset": {"task": "regress", "domain": [-1, 1]},
    }
    assert set(curve_arrays(params, regression)) == {"curve.x", "curve.y", "curve.units"}
    assert curve_arrays(params, {**regression, "dataset": {"task": "regress"}}) == {}
    mnist = load_run(DATA / "mnist-relu")
    assert curve_arrays(mnist.params(), mnist.manifest) == {}
    assert not any(name.startswith("curve.") for name in mnist.tensors())


def test_a_users_own_loop_records_the_same_curves(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(1, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    x = torch.linspace(-2, 2, 50)[:, None]
    description = {"name": "mine", "task": "regress", "domain": [-2.0, 2.0]}
    recorder = Recorder(model, tmp_path / "run", probe=(x[::10], x[::10] ** 2), task="regress", dataset=description)
    recorder.snapshot(epoch=0)
    recorder.finish()
    run = load_run(tmp_path / "run")
    expected = curve_arrays(model_params(model), run.manifest)
    for name, values in expected.items():
        np.testing.assert_array_equal(run.tensors()[name], values)
    assert run.tensors()["curve.units"].shape == (4, 401)


def test_spread_epochs_keeps_the_ends_and_the_early_snapshots():
    recorded = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]
    picked = spread_epochs(recorded, 5)
    assert picked[0] == 0 and picked[-1] == 144 and len(picked) == 5
    assert set(picked) <= set(recorded) and picked == sorted(picked)
    assert spread_epochs(recorded, 50) == recorded
    assert spread_epochs(recorded, 1) == [144]


def test_minimax_output_refit_beats_every_other_choice_of_output_weights():
    """The LP's largest error against an independent search: Nelder–Mead from the LP's answer and from random
    starts never finds output weights and a bias with a smaller largest error (nor does the network's own)."""
    from scipy.optimize import minimize

    from nnexplain.geometry.hinges import minimax_output_refit

    rng = np.random.default_rng(3)
    weight, bias = rng.normal(size=(3, 1)), rng.normal(size=3)
    out_weight, out_bias = rng.normal(size=(1, 3)), rng.normal(size=1)
    x = np.linspace(-1, 1, 801)
    _, error = minimax_output_refit([(weight, bias), (out_weight, out_bias)], x, np.square)
    x = np.linspace(-1, 1, 40_001)  # the oracle measures every choice on a grid 50 times finer than the LP's
    target = x**2
    units = np.maximum(0.0, np.outer(x, weight[:, 0]) + bias)

    def largest(heights):
        return np.max(np.abs(units @ heights[:3] + heights[3] - target))

    assert largest(np.concatenate([out_weight[0], out_bias])) >= error - 1e-9
    for start in [np.concatenate([out_weight[0], out_bias]), *rng.normal(size=(5, 4))]:
        found = minimize(
            largest, start, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000}
        )
        assert found.fun >= error - 1e-5


def test_each_last_layer_units_bends_are_where_torch_sees_its_slope_change():
    """Oracle: each unit's contribution evaluated by torch on a 200,001-point grid; a bend is where its second
    difference leaves 0. The bends found must be those, one per cluster, for a two-layer ReLU run."""
    from nnexplain.geometry.hinges import unit_bends

    run = load_run(DATA / "sine-relu")
    params = run.params(run.epochs[-1])
    low, high = curve_domain(run.manifest)
    x = np.linspace(low, high, 200_001)
    a = torch.from_numpy(x[:, None])
    with torch.no_grad():
        for weight, bias in params[:-1]:
            a = torch.relu(
                a @ torch.from_numpy(weight.astype(np.float64)).T + torch.from_numpy(bias.astype(np.float64))
            )
        contributions = (a * torch.from_numpy(params[-1][0][0].astype(np.float64))).numpy().T
    bends = unit_bends(params, run.activation, (low, high))
    assert len(params) == 3 and sum(len(b) for b in bends) > len(bends)  # bends beyond each unit's own switch
    for unit, found in enumerate(bends):
        scale = max(np.max(np.abs(np.diff(contributions[unit]))), 1e-300)
        bent = np.flatnonzero(np.abs(np.diff(contributions[unit], 2)) > 1e-9 * scale) + 1
        clusters = np.split(bent, np.flatnonzero(np.diff(bent) > 1) + 1) if len(bent) else []
        assert len(found) == len(clusters), unit
        for kink, cluster in zip(found, clusters):
            assert x[cluster[0] - 1] <= kink <= x[cluster[-1] + 1]


def test_least_squares_line_is_numpys_polyfit():
    """Oracle: numpy.polyfit of degree 1 on the same points (sin x at random x, and a tilted noisy line)."""
    from nnexplain.geometry.hinges import least_squares_line

    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(-math.pi, math.pi, 256))
    for y in (np.sin(x), 0.7 * x - 2 + 0.1 * rng.standard_normal(x.size)):
        np.testing.assert_allclose(least_squares_line(x, y), np.polyfit(x, y, 1), rtol=1e-10, atol=1e-12)


def test_kink_groups_merge_the_bends_units_share_and_add_up_to_the_output_kinks():
    """Oracle: the distinct places are exactly the output's kinks (found independently, by layer), and every unit's
    bend is in the group at its place."""
    from nnexplain.geometry.hinges import kink_groups, unit_bends

    run = load_run(DATA / "sine-relu")
    params, domain = run.params(), curve_domain(run.manifest)
    bends = unit_bends(params, run.activation, domain)
    groups = kink_groups(bends)
    np.testing.assert_allclose([x for x, _ in groups], output_kinks(params, run.activation, domain), atol=1e-9)
    assert sum(len(units) for _, units in groups) == sum(len(b) for b in bends)
    for unit, xs in enumerate(bends):
        for x in xs:
            assert any(abs(x - place) < 1e-9 and unit in units for place, units in groups)
