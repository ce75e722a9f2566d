"""The 2-D data sets and the recipes that train on them."""

import numpy as np
import pytest
from click.testing import CliRunner

from nnexplain.app.cli import cli
from nnexplain.data import LOADERS, load_dataset
from nnexplain.data.toy2d import GENERATION_SEEDS, GENERATORS, load_toy2d, warp_grid_spec
from nnexplain.errors import DataError
from nnexplain.train.recipes import RECIPES
from nnexplain.run import load_run

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


@pytest.mark.parametrize(
    "fixture, low, high",
    [("spiral", 0.99, 1.0), ("circles-3", 0.99, 1.0), ("moons-relu", 0.99, 1.0), ("circles-2", 0.5, 0.9), ("spiral-linear", 0.5, 0.8)],
)
def test_the_recipes_reach_what_their_scenes_say(fixture, low, high, data_dir, tmp_path):
    """Trained afresh, each recipe reaches the accuracy its scene narrates, counted by torch from the final
    weights; and the committed fixture run is that very training (same weights, fewer snapshots kept)."""
    import torch

    from conftest import torch_model
    from nnexplain.train.loop import train

    run = load_run(train(RECIPES[fixture].config.with_overrides(max_snapshots=2, device="cpu"), tmp_path / "run"))
    data = load_dataset(run.manifest["config"]["dataset"])
    with torch.no_grad():
        predicted = torch_model(run)(torch.from_numpy(data.x_val)).argmax(1).numpy()
    accuracy = float((predicted == data.y_val).mean())
    assert low <= accuracy <= high
    assert run.final_metrics["val_acc"] == pytest.approx(accuracy, abs=1e-6)
    fixture_run = load_run(data_dir / fixture)
    for (weight, bias), (fixture_weight, fixture_bias) in zip(run.params(), fixture_run.params()):
        np.testing.assert_array_equal(weight, fixture_weight)
        np.testing.assert_array_equal(bias, fixture_bias)
