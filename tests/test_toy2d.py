"""The 2-D data sets and the recipes that train on them."""

import numpy as np
import pytest
from click.testing import CliRunner

from nnexplain.app.cli import cli
from nnexplain.data import LOADERS, load_dataset
from nnexplain.data.toy2d import GENERATION_SEEDS, GENERATORS, load_toy2d, warp_grid_spec
from nnexplain.errors import DataError
from nnexplain.run import load_run
from nnexplain.train.recipes import RECIPES, TrainConfig

NAMES = ["spiral", "circles", "xor", "moons", "gauss"]


@pytest.mark.parametrize("name", NAMES)
def test_sets_are_balanced_2d_and_always_the_same(name):
    first, second = load_dataset(name), load_dataset(name)
    assert first.input_shape == (2,) and first.task == "classify" and len(first.classes) == 2
    for split in ("x_train", "y_train", "x_val", "y_val"):
        np.testing.assert_array_equal(getattr(first, split), getattr(second, split))
    assert first.x_train.dtype == np.float32 and first.y_train.dtype == np.int64
    for labels in (first.y_train, first.y_val):
        assert np.bincount(labels).tolist() == [len(labels) // 2] * 2
    assert not np.array_equal(first.x_train[:10], first.x_val[:10])  # two draws, not one set twice


@pytest.mark.parametrize("name", NAMES)
def test_the_description_names_the_generator_seed_and_a_grid_around_the_data(name):
    data = load_dataset(name)
    described = data.describe()
    assert described["generation_seed"] == GENERATION_SEEDS[name]
    grid = described["warp_grid"]
    assert grid["lines"] >= 21 and grid["points"] >= 200
    x_min, x_max, y_min, y_max = grid["bounds"]
    points = np.concatenate([data.x_train, data.x_val])
    assert x_min < points[:, 0].min() and points[:, 0].max() < x_max
    assert y_min < points[:, 1].min() and points[:, 1].max() < y_max


def test_sizes_and_grid_density_are_options():
    data = load_toy2d("moons", n_train=50, n_val=20, grid_lines=5, grid_points=30)
    assert (len(data.x_train), len(data.x_val)) == (50, 20)
    assert data.extra["warp_grid"]["lines"] == 5 and data.extra["warp_grid"]["points"] == 30


def test_circles_is_a_disk_inside_a_ring():
    data = load_dataset("circles")
    radius = np.linalg.norm(np.concatenate([data.x_train, data.x_val]), axis=1)
    labels = np.concatenate([data.y_train, data.y_val])
    assert radius[labels == 0].max() < 1 / 3
    assert 2 / 3 < radius[labels == 1].min() and radius[labels == 1].max() < 1


def test_xor_labels_are_the_sign_of_the_product():
    data = load_dataset("xor")
    np.testing.assert_array_equal(data.y_train, (data.x_train[:, 0] * data.x_train[:, 1] < 0).astype(int))
    assert np.abs(data.x_train).min() >= 0.1 - 1e-6


def test_spiral_arms_wind_apart():
    """Each arm's angle grows with its radius; the arms are half a turn apart."""
    rng = np.random.default_rng(0)
    x, y = GENERATORS["spiral"](rng, 400, noise=0.0)
    radius, angle = np.linalg.norm(x, axis=1), np.arctan2(x[:, 1], x[:, 0])
    expected = 2 * np.pi * radius + np.pi * y
    np.testing.assert_allclose(np.angle(np.exp(1j * (angle - expected))), 0, atol=1e-9)


def test_grid_spec_of_given_points():
    spec = warp_grid_spec(np.array([[0.0, 0.0], [2.0, 1.0]]))
    assert spec["bounds"] == [-0.2, 2.2, -0.2, 1.2]


def test_unknown_names_and_data_dir_are_user_errors():
    with pytest.raises(DataError, match="unknown 2-D data set 'spirals'"):
        load_toy2d("spirals")
    with pytest.raises(DataError, match="--data-dir only applies to MNIST"):
        load_dataset("spiral", data_dir="/tmp")
    assert set(NAMES) <= set(LOADERS)


def test_recipes_are_listed_with_their_shapes():
    listed = CliRunner().invoke(cli, ["list"]).output
    for name in ("spiral", "circles-2", "circles-3", "moons-relu", "spiral-linear"):
        assert f"  {name} " in listed
    spiral = RECIPES["spiral"].config
    assert spiral.activation == "tanh" and len(spiral.hidden) >= 4 and set(spiral.hidden) == {2}
    assert RECIPES["circles-2"].config.hidden == (2,) and RECIPES["circles-3"].config.hidden == (3,)
    assert RECIPES["moons-relu"].config.activation == "relu"
    linear = RECIPES["spiral-linear"].config
    assert linear.activation == "identity" and len(linear.hidden) >= 2


# How far float32 training on another CPU may drift from the committed fixture runs, which were trained on
# another machine. torch does not promise the same float32 results on every CPU: SIMD width, summation order and
# fused multiply-adds round differently, about one float32 ulp (EPS32 of a weight's scale) per operation. Where a
# training is stable, such differences add up at most linearly with its steps: after N full-batch steps, weights of
# scale S differ by less than N * EPS32 * S. A ReLU network amplifies a small change when a point crosses a kink one
# step earlier (moons-relu's two kernels below differ by 2.5e-4, half its plain bound), so its bound has a margin of
# 20. Measured here (AMD EPYC, AVX-512) against the fixtures, and between torch's AVX-512 and baseline kernels on
# one machine (ATEN_CPU_CAPABILITY=default), largest difference of any weight or bias:
#
#   fixture        steps  scale  bound    fixture   kernels   epochs + 1   seed + 1
#   circles-2        500   5.8   3.4e-4   1.2e-6    1.4e-6    4.4e-3       14
#   spiral-linear   1000   1.5   1.8e-4   0 *      --        2.8e-4       2.9
#   moons-relu      1000   3.9   9.3e-3   1.9e-6    2.5e-4    7.7e-2       5.0
#   circles-3        500   6.5   --       4.3e-2    2.7e-2    4.9e-1       9.8
#   spiral          1000   5.5   --       6.9e-1    6.4e-1    8.1e-1       6.0
#
# (* spiral-linear was retrained at 1000 steps, as spiral-tanh-small, and measured on the machine that trained it;
# at 300 steps it drifted 5.4e-7 on another CPU and 6.7e-7 between kernels.)
# ("epochs + 1": one more step, the one-cycle schedule stretched by it; one more step at the end of the schedule
# moves nothing, its learning rate being ~0.) circles-3 and spiral pass a bifurcation (near steps 200 and 300):
# differences of 1e-7 grow to the size of the weights, as large as one more step makes them, so their final
# weights are the same only on one machine. For them the test holds what does not drift: the training settings,
# the initial weights and the accuracy. Within one process on one machine, training is bit for bit the same
# (tests/test_training.py, tests/test_resume.py).
EPS32 = float(np.finfo(np.float32).eps)
FIXTURE_TRAININGS = {  # fixture: (lowest accuracy, highest accuracy, margin of its bound; None: chaotic)
    "spiral": (0.99, 1.0, None),
    "circles-3": (0.99, 1.0, None),
    "moons-relu": (0.99, 1.0, 20.0),
    "circles-2": (0.5, 0.9, 1.0),
    "spiral-linear": (0.5, 0.8, 1.0),
}
RECORDING_ONLY = {"max_snapshots", "probe_per_class"}  # what is recorded, not how it trains


def _scale(params) -> float:
    return max(float(np.abs(array).max()) for pair in params for array in pair)


def _drift_bound(run, margin: float) -> float:
    """How far float32 rounding on another CPU can move ``run``'s final weights (see the table above)."""
    config = run.manifest["config"]
    batches = 1 if not config["batch_size"] else -(-run.dataset["train"] // config["batch_size"])
    return margin * config["epochs"] * batches * EPS32 * _scale(run.params())


def _largest_difference(mine, theirs) -> float:
    """The largest difference between two networks' weights and biases (same shapes)."""
    pairs = [(a, b) for mine_pair, their_pair in zip(mine, theirs, strict=True) for a, b in zip(mine_pair, their_pair)]
    assert all(a.shape == b.shape for a, b in pairs)
    return max(float(np.abs(a - b).max()) for a, b in pairs)


def _accuracy(run) -> float:
    import torch
    from conftest import torch_model

    data = load_dataset(run.manifest["config"]["dataset"])
    with torch.no_grad():
        predicted = torch_model(run)(torch.from_numpy(data.x_val)).argmax(1).numpy()
    return float((predicted == data.y_val).mean())


def _retrained(fixture: str, where, **overrides):
    from nnexplain.train.loop import train

    return load_run(train(RECIPES[fixture].config.with_overrides(max_snapshots=2, device="cpu", **overrides), where))


def _trains(run) -> dict:
    """How ``run`` trains, read as training reads a config: a key added since (``network``) takes its default."""
    config = TrainConfig.from_dict(run.manifest["config"]).to_dict()
    return {key: value for key, value in config.items() if key not in RECORDING_ONLY}


@pytest.mark.parametrize("fixture", FIXTURE_TRAININGS)
def test_the_recipes_reach_what_their_scenes_say(fixture, data_dir, tmp_path):
    """Trained afresh, each recipe reaches the accuracy its scene narrates, counted by torch from the final
    weights; and the committed fixture run is that training: the same settings, the same initial weights, and
    final weights as near as float32 rounding on another CPU allows (where the training does not amplify it)."""
    low, high, margin = FIXTURE_TRAININGS[fixture]
    run = _retrained(fixture, tmp_path / "run")
    accuracy = _accuracy(run)
    assert low <= accuracy <= high
    assert run.final_metrics["val_acc"] == pytest.approx(accuracy, abs=1e-6)
    fixture_run = load_run(data_dir / fixture)
    assert low <= _accuracy(fixture_run) <= high  # what the scenes draw
    assert _trains(run) == _trains(fixture_run)
    assert run.epochs[0] == fixture_run.epochs[0] == 0
    initial = fixture_run.params(0)
    assert _largest_difference(run.params(0), initial) <= 4 * EPS32 * _scale(initial)  # one draw: a rounding or two
    if margin is not None:
        assert _largest_difference(run.params(), fixture_run.params()) <= _drift_bound(fixture_run, margin)


@pytest.mark.parametrize("fixture", [name for name, (_, _, margin) in FIXTURE_TRAININGS.items() if margin])
def test_one_more_step_of_training_is_past_the_drift_bound(fixture, data_dir, tmp_path):
    """The bound tells another training apart: one more step (epochs + 1) moves the final weights beyond it."""
    fixture_run = load_run(data_dir / fixture)
    longer = _retrained(fixture, tmp_path / "run", epochs=RECIPES[fixture].config.epochs + 1)
    bound = _drift_bound(fixture_run, FIXTURE_TRAININGS[fixture][2])
    assert _largest_difference(longer.params(), fixture_run.params()) > bound
