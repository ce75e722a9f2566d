"""The training scene: regions from the stored weights (torch agrees), curves from the history, a real overfitting run."""

import json

import numpy as np
import pytest
import torch
from conftest import DATA, run_cli, torch_model
from frames import check_frame, render_for_test, render_last_frame
from test_cli import assert_user_error

from nnexplain.geometry.learning import OVERFIT_MARGIN, divergence, training_points
from nnexplain.geometry.regions import PlaneRaster, class_one_map, layer_maps
from nnexplain.mobjects.heatmap import two_class_rgba
from nnexplain.mobjects.style import Theme
from nnexplain.run import load_run

MOONS = DATA / "moons-overfit"
DIGITS = DATA / "mnist-sigmoid"  # the digits run whose mistakes the scene counts
MARGIN = (
    0.2  # the moons-overfit recipe's final validation loss ends at least this far above its minimum (measured: 0.39)
)


def _torch_layers(run, epoch, points):
    """Every layer's activation on ``points`` in torch: the answer key for the maps."""
    model = torch_model(run, epoch).double()
    activation = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid, "identity": lambda z: z}[
        run.activation
    ]
    x, outputs = torch.from_numpy(points), []
    with torch.no_grad():
        for index, linear in enumerate(model.linears):
            x = linear(x)
            x = torch.softmax(x, 1) if index == len(model.linears) - 1 else activation(x)
            outputs.append(x.numpy())
    return outputs


@pytest.mark.parametrize("fixture", ["moons-overfit", "moons-relu", "spiral"])
def test_maps_and_regions_are_a_torch_forward_pass_on_the_same_grid(fixture):
    run = load_run(DATA / fixture)
    raster = PlaneRaster.around(run.dataset["warp_grid"]["bounds"], 37)
    for epoch in (run.epochs[0], run.epochs[-1]):
        expected = _torch_layers(run, epoch, raster.points)
        for ours, theirs in zip(layer_maps(run.params(epoch), run.activation, "softmax", raster), expected):
            np.testing.assert_allclose(ours, theirs.T.reshape(ours.shape), rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(
            class_one_map(run.params(epoch), run.activation, raster).ravel(), expected[-1][:, 1], rtol=1e-6, atol=1e-9
        )


def test_the_raster_is_square_row_zero_on_top():
    raster = PlaneRaster.around((0, 4, -1, 1), 5)
    points = raster.points.reshape(5, 5, 2)
    assert raster.bounds == (0, 4, -2, 2)
    np.testing.assert_allclose(points[0, 0], [0, 2])
    np.testing.assert_allclose(points[-1, -1], [4, -2])
    np.testing.assert_allclose(raster.to_unit(np.array([[0.0, -2.0], [4.0, 2.0]])), [[0, 0], [1, 1]])


def test_the_overfitting_recipe_overfits(tmp_path):
    """Trained for real: the final validation loss ends more than MARGIN above its minimum, training loss still falling."""
    from nnexplain.train.loop import train
    from nnexplain.train.recipes import get_recipe

    config = get_recipe("moons-overfit").config.with_overrides(max_snapshots=2)
    history = load_run(train(config, tmp_path / "run")).history
    val, train_loss = history.metric("val_loss"), history.metric("train_loss")
    best = int(np.argmin(val))
    assert val[-1] - val[best] > MARGIN, (val[best], val[-1])
    assert train_loss[-1] < train_loss[best] - 0.1
    assert history.metric("val_acc").max() - history.metric("val_acc")[-1] > 0.1  # it gets worse on new points, too
    found = divergence(history)
    assert (
        found is not None and found.epoch == history.epochs[best] and found.rise > OVERFIT_MARGIN * found.best_val_loss
    )


def test_the_training_points_are_the_runs():
    run = load_run(MOONS)
    x, y = training_points(run)
    assert len(x) == run.dataset["train"] == 80
    from nnexplain.data import load_dataset

    clean = load_dataset("moons", n_train=80)
    np.testing.assert_array_equal(x, clean.x_train)
    assert (y != clean.y_train).sum() == 16  # 20% of the labels flipped, as the recipe says
    shifted = json.loads((MOONS / "manifest.json").read_text())
    shifted["config"]["dataset_options"]["n_train"] = 81  # a description that no longer matches its probe
    assert training_points(type(run)(run.path, shifted)) is None


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The scene on the moons-overfit fixture, its mistakes counted on the digits fixture (rendered once)."""
    from nnexplain.scenes.training import Training

    return render_for_test(Training, MOONS, tmp_path_factory.mktemp("training"), digits=DIGITS)


def test_the_scene_draws_the_runs_numbers(rendered):
    run, scene = load_run(MOONS), rendered
    theme = Theme()
    raster = scene.raster()
    expected = _torch_layers(run, run.epochs[-1], raster.points)[-1][:, 1].reshape(raster.size, raster.size)
    drawn = scene.keyframes[-1].astype(int)
    assert np.abs(drawn - two_class_rgba(expected, theme, strength=0.32).astype(int)).max() <= 1
    assert np.array_equal(scene.panel.pixel_array, scene.keyframes[-1])  # it ends on the last snapshot
    history = run.history
    chart = scene.loss_chart
    val = history.metric("val_loss")
    anchors = np.asarray(scene.curves["val_loss"].get_anchors())[:, :2]
    np.testing.assert_allclose(anchors[0], chart.at(history.epochs[0], val[0])[:2], atol=1e-9)
    np.testing.assert_allclose(anchors[-1], chart.at(history.epochs[-1], val[-1])[:2], atol=1e-9)
    assert scene.divergence.epoch == history.epochs[np.argmin(val)]
    # the played epoch is one whose every update the run recorded, and the validation score landed on its curves
    assert scene.shown_epoch in {1, 2, 3, 4} and len(run.step_params(scene.shown_epoch)) == 8
    row = list(history.epochs).index(scene.shown_epoch)
    np.testing.assert_allclose(scene.landed[0].get_center()[:2], chart.at(scene.shown_epoch, val[row])[:2], atol=1e-6)
    accuracy = history.metric("val_acc")[row]
    np.testing.assert_allclose(
        scene.landed[1].get_center()[:2], scene.accuracy_chart.at(scene.shown_epoch, accuracy)[:2], atol=1e-6
    )


def test_each_update_drawn_is_a_torch_forward_pass_of_the_recorded_step_weights(rendered):
    """The regions after update k are torch's softmax on the weights recorded after step k; the last step's weights
    are the epoch's snapshot (written by another path), and each step moved them."""
    run, scene = load_run(MOONS), rendered
    epoch = scene.shown_epoch
    steps = run.step_params(epoch)
    assert len(steps) == len(run.history.epoch_steps(epoch)[0]) == 8
    for recorded, snapshot in zip(steps[-1], run.params(epoch)):
        for a, b in zip(recorded, snapshot):
            assert np.array_equal(a, b)
    previous = run.params(epoch - 1)
    for params in steps:
        assert any(not np.array_equal(a[0], b[0]) for a, b in zip(params, previous))
        previous = params
    raster = scene.raster()
    maps = scene.update_maps(epoch)
    for params, drawn in zip(steps, maps):
        x = torch.from_numpy(raster.points)
        for index, (weight, bias) in enumerate(params):
            x = x @ torch.from_numpy(weight.astype(np.float64)).T + torch.from_numpy(bias.astype(np.float64))
            x = torch.softmax(x, 1) if index == len(params) - 1 else torch.tanh(x)
        np.testing.assert_allclose(drawn.ravel(), x[:, 1].numpy(), rtol=1e-6, atol=1e-9)


def test_the_mistakes_are_counted_from_the_digits_runs_own_accuracy(rendered):
    """Read straight from the digits fixture's manifest: its last epoch against the one nearest a third of the way."""
    manifest = json.loads((DIGITS / "manifest.json").read_text())
    accuracy = {s["epoch"]: s["metrics"]["val_acc"] for s in manifest["snapshots"] if s["epoch"] > 0}
    last = max(accuracy)
    first = min((e for e in accuracy if e != last), key=lambda e: abs(e - last / 3))
    items = manifest["dataset"]["val"]
    wrong = [round((1 - accuracy[e]) * items) for e in (first, last)]
    scene = rendered
    said = " ".join(line.text for line in scene.narrator.log)
    assert f"{wrong[0]:,} digits wrong at epoch {first}, {wrong[1]:,} at epoch {last}" in said
    assert f"{1 - wrong[1] / wrong[0]:.0%} fewer mistakes" in said
    heights = [bar.height for bar in scene.mistake_parts[1]]
    assert heights[1] / heights[0] == pytest.approx(wrong[1] / wrong[0], rel=1e-3)


def test_a_run_without_history_still_renders(tmp_path, sigmoid_run):
    from nnexplain.scenes.training import Training

    scene = render_for_test(Training, sigmoid_run, tmp_path, digits=DIGITS)
    assert scene.shown_epoch is None and scene.divergence is None


def test_an_imported_run_is_refused_in_one_line(tmp_path):
    run = load_run(MOONS)
    weights = {f"{i}.weight": torch.from_numpy(w) for i, (w, _) in enumerate(run.params())}
    weights.update({f"{i}.bias": torch.from_numpy(b) for i, (_, b) in enumerate(run.params())})
    torch.save(dict(sorted(weights.items())), tmp_path / "moons.pt")
    assert (
        run_cli(
            "import", tmp_path / "moons.pt", "--activation", "tanh", "--data", "moons", "--out", tmp_path / "imported"
        ).returncode
        == 0
    )
    for scene in ("training", "neuron-maps"):
        assert_user_error(
            run_cli("render", scene, "--run", tmp_path / "imported"),
            f"scene '{scene}' cannot draw",
            "imported from a weights file",
            "at least 2 snapshots",
        )


@pytest.mark.graphical
@pytest.mark.parametrize("fixture", ["mnist-sigmoid"])  # moons-overfit, the default run: test_render_all_in_parallel
def test_last_frame(request, fixture, tmp_path):
    from nnexplain.scenes.training import Training

    frame = render_last_frame(Training, DATA / fixture, tmp_path, digits=DIGITS)
    check_frame(f"training-{fixture}", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failed")


def test_a_recipe_records_the_weights_after_every_step_of_the_epochs_it_names(tmp_path):
    """Trained for real (3 epochs): the epochs named in step_weights become snapshots with one set of weights per
    step, the last of them the epoch's own snapshot; a recipe naming none keeps the config (and cache hash) it had."""
    from nnexplain.train.loop import train
    from nnexplain.train.recipes import TrainConfig, get_recipe

    config = get_recipe("moons-overfit").config.with_overrides(epochs=3, max_snapshots=2, step_weights=(2,))
    run = load_run(train(config, tmp_path / "run"))
    assert run.epochs == [0, 2, 3] and run.step_params(3) == [] and run.step_params(0) == []
    steps = run.step_params(2)
    assert len(steps) == len(run.history.epoch_steps(2)[0]) == 8
    assert all(np.array_equal(a, b) for ours, theirs in zip(steps[-1], run.params(2)) for a, b in zip(ours, theirs))
    from nnexplain.run.schema import named_files

    assert "steps/epoch-00002.safetensors" in named_files(run.manifest)  # named, so verified like every other file
    verified = run.verify()
    assert verified.files == verified.checksummed == len(named_files(run.manifest))
    assert TrainConfig.from_dict(config.to_dict()) == config
    assert "step_weights" not in get_recipe("mnist").config.to_dict()


def test_the_red_validation_points_are_as_many_as_the_runs_validation_accuracy_says(rendered):
    """Counted from the snapshot's stored outputs; the oracle is the accuracy torch measured while training."""
    run, scene = load_run(MOONS), rendered
    for epoch in (scene.shown_epoch, run.epochs[-1]):
        points, wrong, missed = scene.validation_marks(epoch)
        accuracy = run.snapshot(epoch)["metrics"]["val_acc"]
        assert len(points) == run.dataset["val"] == 400
        assert missed == len(wrong) == round((1 - accuracy) * len(points))


def test_the_turn_is_read_off_the_moving_average_and_the_batches_use_each_point_once(rendered):
    """The flat stretch and the rise are re-found here by brute force on the fixture's validation loss; every training
    point is lit in exactly one batch of the epoch played."""
    run, scene = load_run(MOONS), rendered
    values = run.history.metric("val_loss")
    smooth = np.array([values[max(0, i - 12) : i + 13].mean() for i in range(len(values))])
    best = int(np.argmin(smooth))
    flat = [i for i in range(len(smooth)) if smooth[i] <= 1.05 * smooth[best]]
    low, high = best, best
    while low - 1 in flat:
        low -= 1
    while high + 1 in flat:
        high += 1
    said = " ".join(line.text for line in scene.narrator.log)
    assert f"flat from about epoch {round(low, -1)} to {round(high, -1)}" in said
    assert f"lowest single epoch, {int(np.argmin(values))}" in said
    rise = next(i for i in range(best, len(smooth)) if smooth[i] >= 1.2 * smooth[best])
    assert f"by epoch {rise} its average" in said
    assert sorted(np.concatenate(scene.batches).tolist()) == list(range(len(scene.dots)))
