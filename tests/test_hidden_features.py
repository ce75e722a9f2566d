"""hidden-features draws the run's first-layer weights on one colour scale, and one neuron's sum as torch computes it."""

import numpy as np
import pytest
import torch
from conftest import torch_model
from frames import check_frame, render_for_test, render_last_frame
from manim import ManimColor

from nnexplain.geometry.features import (
    neuron_sum,
    plainest_neuron,
    start_correlation,
    stroke_template,
    strongest_probe,
    top_share,
    weight_images,
)
from nnexplain.mobjects.heatmap import diverging_rgba
from nnexplain.mobjects.style import Theme
from nnexplain.run import load_run


@pytest.fixture(params=["sigmoid_run", "relu_run"])
def run(request):
    return load_run(request.getfixturevalue(request.param))


def test_one_neurons_sum_is_torchs_and_the_runs(run):
    model = torch_model(run).requires_grad_(False)
    for neuron in (0, 7, 15):
        probe = strongest_probe(run, neuron)
        total = neuron_sum(run, neuron, probe)
        x = torch.from_numpy(run.probe["inputs"][probe]).double()
        weight, bias = model.linears[0].weight.double()[neuron], model.linears[0].bias.double()[neuron]
        assert total.weighted_sum == pytest.approx(float((x * weight).sum()), abs=1e-9)
        z = float(x @ weight + bias)
        assert total.pre_activation == pytest.approx(z, abs=1e-9)
        assert total.output == pytest.approx(
            float({"sigmoid": torch.sigmoid, "relu": torch.relu}[run.activation](torch.tensor(z, dtype=torch.float64))),
            abs=1e-12,
        )
        assert total.output == pytest.approx(
            float(run.tensors()["act.0"][probe, neuron]), abs=1e-5
        )  # what the run recorded
        assert probe == int(np.argmax(run.tensors()["pre.0"][:, neuron]))


def test_concentration_and_start_correlation_against_plain_formulas(run):
    images = weight_images(run, None, (28, 28))
    spike = np.zeros((10, 10))
    spike.flat[:10] = 1.0
    assert top_share(spike) == 1.0 and top_share(np.ones((10, 10))) == pytest.approx(0.1)
    first = weight_images(run, 0, (28, 28))
    expected = [np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(first, images)]
    np.testing.assert_allclose(start_correlation(first, images), expected, rtol=1e-10)
    chosen = plainest_neuron(images)
    assert top_share(images[chosen]) == max(top_share(image) for image in images)
    template = stroke_template(images[chosen])
    assert (
        top_share(template) > 0.9 > 0.6 > top_share(images[chosen])
    )  # the drawn detector is a stroke; the neuron is not
    assert np.abs(template).max() == pytest.approx(np.abs(images[chosen]).max())  # same colour scale


def test_the_colour_map_is_diverging_on_one_fixed_scale():
    theme = Theme()
    rgba = diverging_rgba(np.array([[-2.0, -1.0, 0.0, 0.5, 1.0, 3.0]]), 1.0, theme)[0, :, :3].astype(int)
    hue = lambda colour: np.round(255 * np.array(ManimColor(colour).to_rgb())).astype(int)  # noqa: E731
    np.testing.assert_array_equal(rgba[[0, 1]], [hue(theme.negative)] * 2)  # saturated below −scale
    np.testing.assert_array_equal(rgba[2], hue(theme.background))
    np.testing.assert_array_equal(rgba[[4, 5]], [hue(theme.positive)] * 2)
    assert abs(rgba[3] - (hue(theme.background) + hue(theme.positive)) / 2).max() <= 1


def test_the_scene_draws_every_snapshot_on_one_scale_and_the_recorded_number(sigmoid_run, tmp_path):
    from nnexplain.scenes.hidden_features import HiddenFeatures

    run = load_run(sigmoid_run)
    scene = render_for_test(HiddenFeatures, sigmoid_run, tmp_path)
    assert len(scene.keyframes) == len(run.epochs)
    for keyframe, epoch in zip(scene.keyframes, run.epochs):
        np.testing.assert_array_equal(keyframe.reshape(16, -1), run.params(epoch)[0][0])
    assert scene.scale == pytest.approx(np.quantile(np.abs(run.params()[0][0]), 0.99))
    for tile, image in zip(
        scene.tiles, scene.final
    ):  # after the sweep every tile shows its final weights on that scale
        if tile is not scene.big:
            np.testing.assert_array_equal(tile.pixel_array, diverging_rgba(image, scene.scale, Theme()))
    probe, neuron = scene.total.probe_index, scene.total.neuron
    z, a = run.tensors()["pre.0"][probe, neuron], run.tensors()["act.0"][probe, neuron]
    assert scene.sum_texts[-1].endswith(f"z = {z:.3f},  σ(z) = {a:.6f}")


@pytest.mark.graphical
def test_last_frame(request, sigmoid_run, tmp_path):
    from nnexplain.scenes.hidden_features import HiddenFeatures

    frame = render_last_frame(HiddenFeatures, sigmoid_run, tmp_path)
    check_frame("hidden-features", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failed")
