"""neuron-maps: every tile is a torch forward pass of the stored weights on the same grid; every line a real weight."""

import numpy as np
import pytest
import torch
from conftest import DATA, run_cli
from frames import render_for_test
from manim import ManimColor
from test_cli import assert_user_error
from test_training_scene import _torch_layers

import nnexplain
from nnexplain.mobjects.heatmap import diverging_rgba
from nnexplain.mobjects.neuron_maps import probability_rgba
from nnexplain.mobjects.style import Theme
from nnexplain.run import load_run

MOONS = DATA / "moons-overfit"


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    from nnexplain.scenes.neuron_maps import NeuronMaps

    return render_for_test(NeuronMaps, MOONS, tmp_path_factory.mktemp("media"))


def test_every_map_is_a_torch_forward_pass_on_the_same_grid(scene):
    run = load_run(MOONS)
    points = scene.raster.points
    for keyframe, epoch in zip(scene.maps, run.epochs):
        np.testing.assert_array_equal(keyframe[0].reshape(2, -1).T, points)  # the inputs' own maps
        for ours, theirs in zip(keyframe[1:], _torch_layers(run, epoch, points)):
            np.testing.assert_allclose(ours.reshape(len(ours), -1).T, theirs, rtol=1e-6, atol=1e-7)


def test_the_last_frame_shows_the_last_snapshot(scene):
    """Each tile's pixels are its final map on its layer's fixed scale (an output unit: its class's probability, from
    dark to the class's colour); each line's colour is its weight's sign."""
    theme = Theme()
    last = len(scene.maps[-1]) - 1
    for layer, (maps, scale) in enumerate(zip(scene.maps[-1], scene.scales)):
        for unit, values in enumerate(maps):
            expected = (
                probability_rgba(values, theme.palette[unit], theme)
                if layer == last
                else diverging_rgba(values, scale, theme)
            )
            np.testing.assert_array_equal(scene.diagram.tile_pixels(layer, unit), expected)
    assert scene.scales[1:-1] == [1.0, 1.0]  # tanh layers: one scale, ±1, for every neuron and snapshot
    run = load_run(MOONS)
    for lines, (weight, _), largest in zip(scene.diagram.edges, run.params(), scene.largest):
        colours = [line.get_stroke_color().to_hex().upper() for line in lines]
        expected = [ManimColor(theme.positive if w >= 0 else theme.negative).to_hex().upper() for w in weight.ravel()]
        assert colours == expected
        widths = np.array([line.get_stroke_width() for line in lines])
        order = np.argsort(np.abs(weight.ravel()))
        assert (np.diff(widths[order]) >= -1e-9).all()  # thicker lines carry larger weights
        assert largest >= np.abs(weight).max()


def test_layers_wider_than_eight_are_refused_in_one_line(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 9), torch.nn.Tanh(), torch.nn.Linear(9, 2))
    run = load_run(MOONS)
    with nnexplain.Recorder(
        model, out=tmp_path / "wide", probe=(run.probe["inputs"], run.probe["labels"]), dataset="moons"
    ) as recorder:
        recorder.snapshot(epoch=0, metrics={"val_loss": 0.7})
        recorder.snapshot(epoch=1, metrics={"val_loss": 0.6})
    assert_user_error(
        run_cli("render", "neuron-maps", "--run", tmp_path / "wide"), "a layer of 9 units", "up to 8 wide"
    )


def _torch_class_one(run, epoch, points):
    return _torch_layers(run, epoch, points)[-1][:, 1]


def test_the_replay_is_slowest_where_the_region_closes_in_on_the_zoomed_point(scene):
    """The share of the disc round the zoomed point that changes class, per step from the best snapshot on, is
    recounted from torch's class on the zoom's raster; the step where most of it changes is the one played slowest."""
    run = load_run(MOONS)
    assert scene.bent, "the fixture run overfits: it has a zoomed point"
    named, raster = scene.bent[0], scene.inset_raster
    disc = np.linalg.norm(raster.points - named.point, axis=1) <= 0.2
    classes = [_torch_class_one(run, epoch, raster.points[disc]) > 0.5 for epoch in run.epochs[scene.best :]]
    expected = [np.mean(a != b) for a, b in zip(classes, classes[1:])]
    near = scene.closing_in(named)
    np.testing.assert_allclose(near, expected, atol=2 / disc.sum())  # a pixel or two exactly on p = ½
    assert int(np.argmax(near)) == int(np.argmax(expected))


def test_the_followed_layer_two_neuron_flipped_its_sign_at_the_zoomed_point_towards_its_label(scene):
    """Torch's layer-2 values at the zoomed point, at the best and the last snapshot: the followed neuron's sign
    flipped, and its new value pushes the output towards the point's label through the last weights."""
    run = load_run(MOONS)
    pocket = scene.find_pocket()
    assert pocket is not None
    named = scene.bent[0]
    size = scene.panel_raster.size
    cell_point = scene.panel_raster.points[np.ravel_multi_index(scene.raster_cell(named.point), (size, size))]
    before = _torch_layers(run, run.epochs[scene.best], cell_point[None])[1][0]
    after = _torch_layers(run, run.epochs[-1], cell_point[None])[1][0]
    unit = pocket.unit
    assert np.sign(before[unit]) != np.sign(after[unit])
    weight = run.params()[2][0]
    assert (weight[named.label, unit] - weight[1 - named.label, unit]) * after[unit] > 0
    np.testing.assert_allclose([pocket.before, pocket.after], [before[unit], after[unit]], atol=1e-6)
