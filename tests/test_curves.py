"""Curve data sets and the 1-D regression recipes trained on them."""

import math

import numpy as np
import pytest
import torch
from conftest import DATA, torch_model

from nnexplain.data import load_dataset
from nnexplain.data.curves import load_curve, target_function
from nnexplain.errors import DataError
from nnexplain.geometry.hinges import linear_map
from nnexplain.run import load_run
from nnexplain.train.recipes import TrainConfig, get_recipe


@pytest.mark.parametrize(
    "name, function, domain", [("sine", np.sin, (-math.pi, math.pi)), ("square", np.square, (-1, 1))]
)
def test_curve_samples_the_named_function(name, function, domain):
    data = load_dataset(name)
    assert data.task == "regress" and data.input_shape == (1,) and data.input_size == 1
    for x, y in ((data.x_train, data.y_train), (data.x_val, data.y_val)):
        assert x.dtype == y.dtype == np.float32 and x.shape == y.shape == (len(x), 1)
        np.testing.assert_allclose(y, function(x.astype(np.float64)), atol=1e-7)
        assert domain[0] - 1e-6 <= x.min() and x.max() <= domain[1] + 1e-6
    # The validation set is an even grid over the whole interval, ends included.
    np.testing.assert_allclose(data.x_val[:, 0], np.linspace(*domain, len(data.x_val)), atol=1e-6)
    assert len(data.x_val) >= 400
    description = data.describe()
    assert description["domain"] == pytest.approx(list(domain))
    assert target_function(description) is function


def test_curve_is_seeded_and_options_apply():
    first, second = load_curve("sine", train=64), load_curve("sine", train=64)
    np.testing.assert_array_equal(first.x_train, second.x_train)
    assert len(first.x_train) == 64
    noisy = load_curve("square", domain=(0, 2), noise=0.1)
    assert noisy.describe()["domain"] == [0.0, 2.0]
    residual = noisy.y_train[:, 0] - noisy.x_train[:, 0].astype(np.float64) ** 2
    assert 0.05 < residual.std() < 0.15
    np.testing.assert_allclose(noisy.y_val, noisy.x_val.astype(np.float64) ** 2, atol=1e-6)  # validation stays clean


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: load_curve("cosine"), "unknown curve 'cosine'; choose one of: sine, square"),
        (lambda: load_curve("sine", domain=(1, -1)), r"curve domain \[1.0, -1.0\] is not an interval"),
        (lambda: load_curve("sine", train=1), "at least 2 training"),
        (lambda: load_dataset("sine", data_dir="somewhere"), "--data-dir only applies to MNIST"),
    ],
)
def test_bad_curve_requests_are_explained(call, message):
    with pytest.raises(DataError, match=message):
        call()


def _fixture_matches_recipe(name: str) -> None:
    """The committed fixture is the recipe's own training, only with fewer snapshots kept."""
    run = load_run(DATA / name)
    recipe = get_recipe(name).config.with_overrides(device="cpu", max_snapshots=run.manifest["config"]["max_snapshots"])
    assert TrainConfig.from_dict(run.manifest["config"]) == recipe


def test_sine_relu_fits_within_the_required_error():
    _fixture_matches_recipe("sine-relu")
    run = load_run(DATA / "sine-relu")
    x = np.linspace(-math.pi, math.pi, 100_001)
    with torch.no_grad():
        predicted = torch_model(run)(torch.from_numpy(x.astype(np.float32)[:, None])).numpy()[:, 0]
    error = np.abs(predicted - np.sin(x)).max()
    assert error <= 0.05
    # The recorded metric (the 401-point validation grid) agrees with the dense grid.
    assert run.final_metrics["val_max_error"] == pytest.approx(error, abs=2e-3)


def test_sine_linear_ends_as_the_least_squares_line():
    _fixture_matches_recipe("sine-linear")
    run = load_run(DATA / "sine-linear")
    slope, intercept = linear_map(run.params())
    data = load_dataset("sine")
    x, y = data.x_train[:, 0].astype(np.float64), data.y_train[:, 0].astype(np.float64)
    best_slope, best_intercept = np.polyfit(x, y, 1)
    assert slope == pytest.approx(best_slope, abs=0.01) and intercept == pytest.approx(best_intercept, abs=0.01)


def test_square_relu_3_uses_three_live_hinges():
    _fixture_matches_recipe("square-relu-3")
    run = load_run(DATA / "square-relu-3")
    units = run.tensors()["curve.units"]
    assert units.shape == (3, 401) and all(np.any(u) for u in units)
    assert run.final_metrics["val_max_error"] < 0.085
    weight, bias = run.params()[0]
    kinks = -bias / weight[:, 0]
    assert np.all((kinks > -1) & (kinks < 1)), f"every hinge must bend inside [-1, 1], not at {kinks}"
    for unit, kink in enumerate(kinks):  # torch-free check: each unit's values change slope exactly there
        x = np.array([kink - 1e-3, kink, kink + 1e-3])
        values = np.maximum(weight[unit, 0] * x + bias[unit], 0)
        assert values[1] == pytest.approx(0, abs=1e-6) and max(values[0], values[2]) > 0
