"""neuron-maps: the training pace follows the maps' change, and the points the regions bend around are measured.

Both are checked against an independent torch forward pass of the stored weights, and the bent points against a
brute-force search: every training point, its nearest validation points by torch.cdist, and the disc around it
sampled afresh.
"""

import numpy as np
import torch
from conftest import DATA
from test_training_scene import _torch_layers

from nnexplain.geometry.bent_points import bent_points
from nnexplain.geometry.learning import training_points
from nnexplain.geometry.map_pacing import map_changes, paced_durations, position_at
from nnexplain.geometry.regions import PlaneRaster, layer_maps
from nnexplain.run import load_run

MOONS = DATA / "moons-overfit"


def _torch_changes(run, raster):
    """Per step between snapshots: mean |Δ| of each layer's maps (torch), averaged over the layers."""
    layers = [_torch_layers(run, epoch, raster.points) for epoch in run.epochs]
    return np.array(
        [np.mean([np.abs(b - a).mean() for a, b in zip(before, after)]) for before, after in zip(layers, layers[1:])]
    )


def test_more_screen_time_where_the_maps_change_more():
    run = load_run(MOONS)
    raster = PlaneRaster.around(run.dataset["warp_grid"]["bounds"], 24)
    maps = [layer_maps(run.params(e), run.activation, run.output, raster) for e in run.epochs]
    changes = map_changes(maps, [1.0] * len(maps[0]))  # tanh and softmax layers: scale 1
    expected = _torch_changes(run, raster)
    np.testing.assert_allclose(changes, expected, rtol=1e-6)
    seconds = paced_durations(changes, total=20.0)
    assert np.isclose(seconds.sum(), 20.0)
    order = np.argsort(expected)
    assert (np.diff(seconds[order]) >= -1e-12).all()  # screen time ranks as the change does
    assert seconds[order[-1]] > 1.5 * seconds[order[0]]  # and visibly so on this run
    assert seconds.min() >= 0.25 * 20.0 / len(seconds) - 1e-12  # a still stretch still passes frame by frame


def test_position_walks_every_snapshot_in_its_own_time():
    seconds = np.array([1.0, 3.0, 2.0])
    assert position_at(0.0, seconds) == 0.0
    assert position_at(1.0, seconds) == 1.0
    assert position_at(2.5, seconds) == 1.5
    assert position_at(6.0, seconds) == 3.0


def test_the_bent_points_are_those_a_brute_force_search_finds():
    run = load_run(MOONS)
    train_x, train_y = training_points(run)
    val = run.dataset["val"]
    val_x, val_y = run.probe["inputs"][:val], run.probe["labels"][:val]
    losses = [s["metrics"]["val_loss"] for s in run.snapshots]
    best, last = run.epochs[int(np.argmin(losses))], run.epochs[-1]
    raster = PlaneRaster.around(run.dataset["warp_grid"]["bounds"], 64)

    def p_one(epoch, points):
        return _torch_layers(run, epoch, np.asarray(points, np.float64))[-1][:, 1]

    found = bent_points(
        train_x, train_y, val_x, val_y, p_one(best, train_x), p_one(last, train_x), raster,
        p_one(best, raster.points).reshape(64, 64), p_one(last, raster.points).reshape(64, 64),
    )  # fmt: skip
    # Brute force: classified right now, wrong at the best snapshot, and every one of the 10 nearest validation
    # points of the other class.
    near = torch.cdist(torch.from_numpy(train_x).double(), torch.from_numpy(val_x).double()).argsort(dim=1)[:, :10]
    against = (torch.from_numpy(val_y)[near] != torch.from_numpy(train_y)[:, None]).all(dim=1).numpy()
    now = (p_one(last, train_x) > 0.5) == (train_y == 1)
    then = (p_one(best, train_x) > 0.5) == (train_y == 1)
    expected = set(np.flatnonzero(now & ~then & against))
    assert {bent.index for bent in found} == expected and expected
    # The most swept first: the share of a disc of radius 0.3 around each point that turned to its label, sampled
    # on random points of the disc, ranks the first one within sampling error of the top.
    rng = np.random.default_rng(0)
    angle, radius = rng.uniform(0, 2 * np.pi, 4000), 0.3 * np.sqrt(rng.uniform(0, 1, 4000))
    disc = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)

    def swept(bent):
        points = bent.point + disc
        before, after = p_one(best, points) > 0.5, p_one(last, points) > 0.5
        return np.mean((after == (bent.label == 1)) & (before != (bent.label == 1)))

    sampled = [swept(bent) for bent in found]
    assert sampled[0] >= max(sampled) - 0.05
    for bent, share in zip(found, sampled):
        assert abs(bent.swept - share) < 0.08  # the raster's count agrees with the sampled one


def test_a_straight_switching_line_has_no_bend_and_a_circle_bends_by_its_radius():
    from nnexplain.geometry.contour import curve_bend, level_curves

    bounds = (-1.0, 1.0, -1.0, 1.0)
    xs = np.linspace(-1, 1, 81)
    x, y = np.meshgrid(xs, xs[::-1])
    assert (
        curve_bend(level_curves(np.tanh(0.7 * x - 0.4 * y + 0.1), bounds, 0.0)) < 1e-5
    )  # crossings interpolated linearly in tanh
    # The best line through a circle's points is a diameter: the farthest points lie a radius from it.
    assert abs(curve_bend(level_curves(np.hypot(x, y) - 0.5, bounds, 0.0)) - 0.5) < 0.01


def test_the_flipped_labels_named_are_exactly_those_that_differ_from_the_clean_data():
    from nnexplain.data.toy2d import flipped_labels, load_toy2d

    clean, noisy = load_toy2d("moons", n_train=80), load_toy2d("moons", n_train=80, label_noise=0.2)
    np.testing.assert_array_equal(clean.x_train, noisy.x_train)
    differ = np.flatnonzero(clean.y_train != noisy.y_train)
    np.testing.assert_array_equal(np.sort(flipped_labels("moons", 80, 0.2)), differ)
