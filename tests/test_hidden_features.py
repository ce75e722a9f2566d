"""hidden-features draws the run's first-layer weights on one colour scale, and one neuron's sum as torch computes it."""

import re

import numpy as np
import pytest
import torch
from conftest import torch_model
from frames import render_for_test
from manim import ManimColor

from nnexplain.geometry.features import (
    ink_share,
    mask_outline,
    neuron_sum,
    plainest_neuron,
    snapshot_seconds,
    start_correlation,
    stroke_template,
    strong_stroke,
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


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The scene on the sigmoid fixture, rendered once (last frame only) for the tests that read its state."""
    from conftest import DATA

    from nnexplain.scenes.hidden_features import HiddenFeatures

    return render_for_test(HiddenFeatures, DATA / "mnist-sigmoid", tmp_path_factory.mktemp("hidden"))


def test_the_scene_draws_every_snapshot_on_one_scale_and_the_recorded_number(sigmoid_run, rendered):
    run, scene = load_run(sigmoid_run), rendered
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


def test_what_the_neuron_responds_to_is_recomputed_from_its_weights_and_the_digits(sigmoid_run, rendered):
    """The digits said to excite the chosen neuron most and least, and what its band adds on them, from torch."""
    run, scene = load_run(sigmoid_run), rendered
    model = torch_model(run).requires_grad_(False)
    x = torch.from_numpy(run.probe["inputs"]).double()
    z = (x @ model.linears[0].weight.double().T + model.linears[0].bias.double())[:, scene.chosen].numpy()
    order = np.argsort(-z)
    from nnexplain.scenes.hidden_features_response import EXAMPLES

    most, least = [int(i) for i in order[:EXAMPLES]], [int(i) for i in order[::-1][:EXAMPLES]]
    assert [row[0] for row in scene.rows] == [most, least]
    weights = model.linears[0].weight.double()[scene.chosen].numpy().reshape(28, 28)
    # The band, found here by brute force: the sign of the largest |w|, and every pixel at least half that strong.
    peak = weights.flat[np.argmax(np.abs(weights))]
    band = (weights / peak) >= 0.5
    np.testing.assert_array_equal(scene.stroke.mask, band)
    narration = " ".join(line.sentence for line in scene.narrator.log)
    inputs = run.probe["inputs"].astype(np.float64)
    adds = [
        ", ".join(f"{(inputs[i].reshape(28, 28) * weights)[band].sum():.1f}" for i in group) for group in (most, least)
    ]
    assert f"On these the band adds {adds[0]};".replace("-", "−") in narration
    assert f"On these the band alone adds {adds[1]} to z.".replace("-", "−") in narration
    share = [np.mean([inputs[i].reshape(28, 28)[band].sum() / inputs[i].sum() for i in g]) for g in (most, least)]
    if peak < 0 and share[0] < share[1]:  # the verdict follows the ink: the most exciting digits avoid the red band
        assert "Ink on its red band shuts" in narration
    assert f"outlined: {int(band.sum())} {'red' if peak < 0 else 'blue'} pixels" in narration
    rows = np.nonzero(band.any(axis=1))[0]
    assert f"rows {rows.min() + 1}–{rows.max() + 1}" in narration


def shown(text: str) -> float:
    """The number at the end of a label such as "rest +13.5" or "z = −47.7" (manim keeps its text unspaced)."""
    return float(re.search(r"[+−-]?[0-9.]+$", text).group(0).replace("−", "-"))


def test_every_column_on_screen_adds_up_as_printed_and_each_part_is_torchs(sigmoid_run, rendered):
    """Each digit's z = band + rest + bias, read back from the labels drawn, adds up to the digit, and every
    part is within its rounding of what torch computes from the stored weights."""
    run, scene = load_run(sigmoid_run), rendered
    model = torch_model(run).requires_grad_(False)
    weight, bias = model.linears[0].weight.double()[scene.chosen], float(model.linears[0].bias[scene.chosen])
    band = torch.from_numpy(scene.stroke.mask.ravel())
    checked = 0
    for row, note in zip(scene.rows, scene.notes):
        group, names = row[0], row[2]
        for probe, name, parts in zip(group, names, note):
            x = torch.from_numpy(run.probe["inputs"][probe]).double()
            z, on_band = float(x @ weight) + bias, float((x * weight)[band].sum())
            drawn_z, drawn_band, drawn_rest, drawn_bias = (shown(text.text) for text in (name, *parts))
            assert drawn_band + drawn_rest + drawn_bias == pytest.approx(drawn_z, abs=1e-9)
            assert drawn_z == pytest.approx(z, abs=0.05 + 1e-6) and drawn_band == pytest.approx(
                on_band, abs=0.05 + 1e-6
            )
            assert drawn_bias == pytest.approx(bias, abs=0.05 + 1e-6)
            assert drawn_rest == pytest.approx(z - on_band - bias, abs=0.1 + 1e-6)  # two roundings off at most
            checked += 1
    assert checked == 2 * len(scene.rows[0][0])
    z, blue, red, shown_bias = (round(value, 1) for value in scene.split)  # the best digit: blue + red + bias = z
    x = torch.from_numpy(run.probe["inputs"][scene.best]).double()
    products = (x * weight).numpy()
    assert blue + red + shown_bias == pytest.approx(z, abs=1e-9)
    assert blue == pytest.approx(products[products > 0].sum(), abs=0.05 + 1e-6)
    assert red == pytest.approx(products[products < 0].sum(), abs=0.1 + 1e-6)
    total = scene.total  # the last sum's line: z = products − |bias| (the bias) = z, as printed and as torch's
    numbers = [float(word.replace("−", "-")) for word in scene.z_text.split() if word[-1].isdigit()]
    x = torch.from_numpy(run.probe["inputs"][total.probe_index]).double()
    assert numbers[0] - numbers[1] == pytest.approx(numbers[2], abs=1e-9)
    assert numbers[0] == pytest.approx(float(x @ weight), abs=0.01 + 1e-6) and numbers[1] == pytest.approx(
        -bias, abs=0.005
    )


def test_what_switches_it_on_is_the_fewest_pixels_holding_half_its_push_up(sigmoid_run, rendered):
    """The outlined pixels on the most exciting digit, checked by their defining property on torch's products:
    every one pushes up at least as much as any pixel left out, they hold half the push up, and one fewer would not."""
    run, scene = load_run(sigmoid_run), rendered
    model = torch_model(run).requires_grad_(False)
    x = torch.from_numpy(run.probe["inputs"][scene.best]).double()
    products = (x * model.linears[0].weight.double()[scene.chosen]).numpy()
    push = scene.push.ravel()
    positive = np.clip(products, 0, None).sum()
    assert products[push].min() > 0 and products[push].min() >= products[~push].max()
    assert products[push].sum() >= 0.5 * positive - 1e-9
    assert products[push].sum() - products[push].min() < 0.5 * positive
    narration = " ".join(line.sentence for line in scene.narrator.log)
    assert f"These {int(push.sum())} pixels push z up by {products[push].sum():.1f}" in narration
    rows = np.nonzero(scene.push)[0]
    first, last = np.nonzero(scene.stroke.mask.any(axis=1))[0][[0, -1]]
    if (rows < first).any() and (rows > last).any():
        assert "above and below the band" in narration


def test_the_strongest_weights_and_their_direction_on_drawn_bars():
    image = np.zeros((28, 28))
    image[12, 5:20] = -1.0  # a horizontal red bar, and weaker weights that are not part of it
    image[3, 3] = 0.4
    stroke = strong_stroke(image)
    assert stroke.sign == -1 and stroke.pixels == 15 and stroke.rows == (12, 12) and stroke.cols == (5, 19)
    assert stroke.orientation == "horizontal"
    assert strong_stroke(image.T * -1).orientation == "vertical" and strong_stroke(image.T * -1).sign == 1
    rising = np.zeros((28, 28))
    for k in range(10):
        rising[20 - k, 5 + k] = 1.0  # up and to the right on screen: the row falls as the column grows
    assert strong_stroke(rising).orientation == "rising"
    assert strong_stroke(rising[:, ::-1]).orientation == "falling"
    blob = np.zeros((28, 28))
    blob[10:14, 10:14] = 1.0
    assert strong_stroke(blob).orientation == "compact"


def test_ink_share_and_outline_against_plain_counts():
    rng = np.random.default_rng(1)
    mask = rng.random((28, 28)) > 0.7
    digits = rng.random((5, 784))
    expected = [digit.reshape(28, 28)[mask].sum() / digit.sum() for digit in digits]
    np.testing.assert_allclose(ink_share(digits, mask), expected, rtol=1e-12)
    padded = np.pad(mask, 1).astype(int)  # every edge between a mask pixel and a non-mask one, counted both ways
    boundary = np.abs(np.diff(padded, axis=0)).sum() + np.abs(np.diff(padded, axis=1)).sum()
    edges = mask_outline(mask)
    assert len(edges) == boundary and len(set(edges)) == boundary
    for (r0, c0), (r1, c1) in edges:
        assert abs(r1 - r0) + abs(c1 - c0) == 1  # unit edges along the pixel grid


def test_the_sweep_is_slowest_where_the_weights_move_most_for_their_size(sigmoid_run):
    run = load_run(sigmoid_run)
    keyframes = [weight_images(run, epoch, (28, 28)) for epoch in run.epochs]
    seconds = snapshot_seconds(keyframes, total=12.0, floor=0.15)
    moves = [np.sqrt(((b - a) ** 2).sum() / (b**2).sum()) for a, b in zip(keyframes, keyframes[1:])]
    assert seconds.sum() == pytest.approx(12.0) and seconds.min() >= 0.15 - 1e-12
    assert np.argmax(seconds) == np.argmax(moves) and np.argmin(seconds) == np.argmin(moves)
    np.testing.assert_allclose(np.diff(seconds) * np.diff(moves) >= -1e-12, True)  # same order of steps
