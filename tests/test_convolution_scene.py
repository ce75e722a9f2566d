"""The convolution scene's numbers: every dot product shown is the run's stored feature-map value, and torch's.

The answer keys: the feature map the run stored (``pre.0``, recorded when it trained) and
torch's ``F.conv2d`` of the probe digit with the stored kernel; torch's ``max_pool2d`` and
softmax for the pooled value and the probabilities.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import DATA
from test_speaker_notes import storyboard

from nnexplain.geometry.convolution import convolution_story, edge_correlation, ink_change
from nnexplain.run import load_run
from nnexplain.scenes.convolution import live_readout
from nnexplain.scenes.convolution_text import worked_product, written_sum

RUN = DATA / "cnn-mnist"


@pytest.fixture(scope="module")
def run():
    return load_run(RUN)


def test_each_dot_product_shown_is_the_stored_feature_map_value_and_torchs(run):
    story = convolution_story(run)
    stored = run.tensors()["pre.0"][story.probe_index, story.channel]
    image = torch.from_numpy(run.probe["inputs"][story.probe_index].astype(np.float64)).reshape(1, 1, 28, 28)
    kernel = torch.from_numpy(run.tensors()["weight.0"][story.channel : story.channel + 1].astype(np.float64))
    bias = torch.tensor([float(run.tensors()["bias.0"][story.channel])], dtype=torch.float64)
    torch_map = F.conv2d(image, kernel, bias)[0, 0].numpy()
    assert len(story.dot_products) == 3
    for dot in story.dot_products:
        assert dot.value == pytest.approx(float(stored[dot.row, dot.column]), abs=1e-5)  # float32 recording
        assert dot.value == pytest.approx(float(torch_map[dot.row, dot.column]), abs=1e-9)
        # the numbers written in the products' cells: the pixel × weight torch multiplies, within their last place
        torch_products = (image[0, 0, dot.row : dot.row + 5, dot.column : dot.column + 5] * kernel[0, 0]).numpy()
        written = [number(text) for text in written_sum(dot.products, dot.bias).part_texts()]
        np.testing.assert_allclose(written, torch_products.ravel(), atol=0.01 + 1e-9)
    # the live value beside the sliding kernel, at every position, is the stored map's
    for row in range(stored.shape[0]):
        for column in range(stored.shape[1]):
            shown = float(live_readout(story.pre_maps[story.channel], row, column).rsplit("= ", 1)[1].replace("−", "-"))
            assert shown == pytest.approx(float(torch_map[row, column]), abs=0.006)
    # "the kernel this digit drives highest": every kernel's largest weighted sum (no bias), from torch
    weights = torch.from_numpy(run.tensors()["weight.0"].astype(np.float64))
    sums = F.conv2d(image, weights)[0].numpy().reshape(len(weights), -1).max(1)
    np.testing.assert_allclose(story.peaks, sums, atol=1e-5)
    assert story.channel == int(sums.argmax())
    largest, smallest, corner = story.dot_products
    assert (largest.row, largest.column) == np.unravel_index(stored.argmax(), stored.shape)
    assert (smallest.row, smallest.column) == np.unravel_index(stored.argmin(), stored.shape)
    assert np.all(corner.patch == 0) and corner.value == pytest.approx(story.bias)


def number(text: str) -> float:
    """A number as the screen writes it (".67", "−.57", "0", "3.13") read back."""
    return float(text.replace("−", "-"))


def cents(text: str) -> int:
    """A number written with at most two decimals, in hundredths, exactly (no float sums)."""
    return round(number(text) * 100)


def test_every_sum_on_screen_adds_up_as_written(run):
    """For every dot product the scene writes out (three in the first layer, one in the second), the parts as
    written add up to the sum as written, which with the bias as written is the value as written; and that value is
    the stored feature map's, rounded as usual."""
    story = convolution_story(run)
    tensors = run.tensors()
    cases = [
        (dot.products, dot.bias, tensors["pre.0"][story.probe_index, story.channel, dot.row, dot.column])
        for dot in story.dot_products
    ]
    second = story.second
    cases.append(
        (second.parts, second.bias, tensors["pre.2"][story.probe_index, second.kernel, second.row, second.column])
    )
    for parts, bias, stored in cases:
        written = written_sum(parts, bias)
        texts = written.part_texts()
        total, bias_text, value = (f"{v:.2f}" for v in (written.total, written.bias, written.value))
        assert sum(cents(t) for t in texts) == cents(total)
        assert cents(total) + cents(bias_text) == cents(value)
        assert value == f"{float(stored):.2f}" or abs(number(value) - float(stored)) <= 0.005 + 1e-6
        assert bias_text == f"{bias:.2f}"
        for text, part in zip(texts, np.ravel(parts)):
            assert abs(number(text) - part) < 0.01  # each part within one unit of its last place
            assert part != 0 or number(text) == 0  # a product that is 0 is written 0


@pytest.mark.parametrize("seed", range(20))
def test_written_sums_add_up_for_any_numbers(seed):
    rng = np.random.default_rng(seed)
    parts = rng.normal(0, rng.uniform(0.01, 3), size=rng.integers(1, 30)) * (rng.random(1) < 0.5 or rng.random(30)[:1])
    parts[rng.random(parts.size) < 0.3] = 0.0
    bias = float(rng.normal(0, 1))
    written = written_sum(parts, bias)
    texts = written.part_texts()
    assert sum(cents(t) for t in texts) == round(written.total * 100)
    assert round(written.total * 100) + round(written.bias * 100) == round(written.value * 100)
    assert abs(written.value - (parts.sum() + bias)) <= 0.005 + 1e-9
    assert all(abs(number(t) - p) < 0.01 for t, p in zip(texts, parts))


@pytest.mark.parametrize("seed", range(20))
def test_the_worked_product_multiplies_as_written(seed):
    rng = np.random.default_rng(seed)
    pixel, weight = float(rng.random()), float(rng.normal(0, 0.5))
    shown = [number(t) for t in worked_product(pixel, weight)]
    decimals = len(worked_product(pixel, weight)[2].split(".")[1])
    assert round(shown[0] * shown[1], decimals) == pytest.approx(shown[2], abs=1e-12)
    assert shown[2] == pytest.approx(pixel * weight, abs=0.5 * 10**-decimals + 1e-12)


def test_the_edge_detector_claim_is_measured(run):
    """The scene calls the kernel an edge detector only on a correlation >= 0.7, here recomputed with torch: the
    ink on the right two columns of each window minus the ink on the left two, as a convolution."""
    story = convolution_story(run)
    image = torch.from_numpy(story.image)[None, None]
    difference = torch.zeros(1, 1, 5, 5, dtype=torch.float64)
    difference[..., 3:], difference[..., :2] = 1 / 10, -1 / 10
    change = F.conv2d(image, difference)[0, 0].numpy().ravel()
    expected = np.corrcoef(change, story.pre_maps[story.channel].ravel())[0, 1]
    measured = edge_correlation(story.image, story.pre_maps[story.channel], story.conv, 5)
    assert measured == pytest.approx(expected, abs=1e-9)
    # the map drawn beside the feature map is that same change
    np.testing.assert_allclose(ink_change(story.image, story.conv, 5).ravel(), change, atol=1e-12)
    assert measured > 0.7  # this run's kernel is one: the narration says so


def test_pooling_and_probabilities_are_torchs(run):
    story = convolution_story(run)
    act = torch.from_numpy(story.act_maps)[None]
    np.testing.assert_allclose(story.pooled, F.max_pool2d(act, 2)[0].numpy(), atol=1e-6)
    tensors = run.tensors()
    logits = tensors[f"pre.{len(run.network.layers) - 1}"][story.probe_index].astype(np.float64)
    np.testing.assert_allclose(story.probabilities, torch.softmax(torch.from_numpy(logits), 0).numpy(), atol=1e-6)
    assert story.classes[int(story.probabilities.argmax())] == story.label  # a digit the network gets right


def test_the_second_layer_reads_the_stack_as_torch_does(run):
    """The second layer's value shown (one dot product per pooled map, added, plus the bias) is the stored ``pre.2``
    and torch's conv2d of the stored pooled maps; each per-map part is torch's conv2d of that map alone."""
    story = convolution_story(run)
    second = story.second
    tensors = run.tensors()
    pooled = torch.from_numpy(tensors["act.1"][story.probe_index].astype(np.float64))[None]
    weight = torch.from_numpy(tensors["weight.2"].astype(np.float64))
    bias = torch.from_numpy(tensors["bias.2"].astype(np.float64))
    torch_maps = F.conv2d(pooled, weight, bias)[0].numpy()
    assert second.value == pytest.approx(float(torch_maps[second.kernel, second.row, second.column]), abs=1e-9)
    stored = tensors["pre.2"][story.probe_index]
    assert second.value == pytest.approx(float(stored[second.kernel, second.row, second.column]), abs=1e-4)
    assert (second.kernel, second.row, second.column) == np.unravel_index(stored.argmax(), stored.shape)
    for channel, part in enumerate(second.parts):
        alone = F.conv2d(
            pooled[:, channel : channel + 1], weight[second.kernel : second.kernel + 1, channel : channel + 1]
        )
        assert part == pytest.approx(float(alone[0, 0, second.row, second.column]), abs=1e-9)


def test_flatten_order_and_the_dense_scores_are_torchs(run):
    """The row the last maps fly into is torch's flatten of them, and the scores over it are torch's linear layer."""
    story = convolution_story(run)
    last_maps = torch.from_numpy(story.later_maps[-1][1])[None]
    np.testing.assert_allclose(story.flat, torch.flatten(last_maps, 1)[0].numpy(), atol=1e-6)
    np.testing.assert_allclose(story.flat, story.later_maps[-1][1].reshape(-1), atol=0)  # the cells' order
    tensors = run.tensors()
    flat = torch.from_numpy(tensors["act.4"][story.probe_index].astype(np.float64))
    weight = torch.from_numpy(tensors["weight.5"].astype(np.float64))
    bias = torch.from_numpy(tensors["bias.5"].astype(np.float64))
    np.testing.assert_allclose(story.logits, F.linear(flat, weight, bias).numpy(), atol=1e-4)
    np.testing.assert_allclose(story.probabilities, torch.softmax(torch.from_numpy(story.logits), 0).numpy(), atol=1e-6)


def test_the_pooled_value_shown_is_its_windows_largest(run):
    story = convolution_story(run)
    row, column = story.pool_window
    window = torch.from_numpy(story.act_maps[story.channel, 2 * row : 2 * row + 2, 2 * column : 2 * column + 2])
    stored = run.tensors()["act.1"][story.probe_index, story.channel, row, column]
    assert float(window.max()) == pytest.approx(float(stored), abs=1e-6)


def test_the_narration_says_the_stored_values(run, tmp_path):
    story = convolution_story(run)
    scene = storyboard("convolution", RUN, tmp_path)
    notes = {beat.name: beat.note for beat in scene.beat_log}
    stored = run.tensors()["pre.0"][story.probe_index, story.channel]
    for number, dot in enumerate(story.dot_products):
        shown = f"{float(stored[dot.row, dot.column]):.2f}".replace("-", "−")
        assert shown in notes[f"dot product {number + 1}"]
    assert f"{story.probabilities.max():.1%}" in notes["dense"]
    winner = int(story.probabilities.argmax())
    assert f"{story.logits[winner]:.2f}".replace("-", "−") in notes["dense"]
    second = run.tensors()["pre.2"][story.probe_index].max()
    assert f"{float(second):.2f}".replace("-", "−") in notes["second layer"]
    survivor = run.tensors()["act.1"][story.probe_index, story.channel][story.pool_window]
    assert f"{float(survivor):.2f} survives" in notes["pooling"]
