"""The softmax scene shows the run's own logits, and torch agrees with every number derived from them."""

import numpy as np
import pytest
import torch
from conftest import DATA, torch_model

from nnexplain.geometry.softmax import (
    argmax_against_logit,
    cross_entropy,
    logits_of,
    output_error,
    overtaking_logit,
    pick_confident,
    pick_uncertain,
    probability_against_logit,
    softmax_steps,
)
from nnexplain.run import load_run


@pytest.fixture(params=["sigmoid_run", "relu_run"])
def run(request):
    return load_run(request.getfixturevalue(request.param))


def test_the_logits_are_the_networks_own(run):
    """The stored logits are what the stored weights give, in torch, for every probe item (mistakes included)."""
    with torch.no_grad():
        expected = torch_model(run)(torch.from_numpy(run.probe["inputs"])).double().numpy()
    np.testing.assert_allclose(logits_of(run), expected, rtol=1e-4, atol=1e-4)


def test_probabilities_sum_to_one_and_are_torch_softmax(run):
    stored = torch.from_numpy(run.tensors()["pre.2"]).double()
    for index in range(len(stored)):
        steps = softmax_steps(run, index)
        assert steps.probabilities.sum() == pytest.approx(1.0, abs=1e-12)
        np.testing.assert_allclose(steps.probabilities, torch.softmax(stored[index], 0).numpy(), rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(steps.exponentials / steps.total, steps.probabilities, rtol=1e-9)


def test_cross_entropy_is_torchs_on_every_probe_item(run):
    stored, labels = torch.from_numpy(logits_of(run)), torch.from_numpy(run.probe["labels"]).long()
    expected = torch.nn.functional.cross_entropy(stored, labels, reduction="none").numpy()
    ours = [cross_entropy(z, int(k)) for z, k in zip(logits_of(run), run.probe["labels"])]
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-14)


def test_the_output_error_p_minus_y_is_autograds_slope_of_the_cross_entropy(run):
    for logits, label in zip(logits_of(run), run.probe["labels"]):
        z = torch.tensor(logits, requires_grad=True)
        torch.nn.functional.cross_entropy(z[None], torch.tensor([int(label)])).backward()
        np.testing.assert_allclose(output_error(logits, int(label)), z.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_the_nudge_curves_are_softmax_and_argmax_of_the_nudged_logits(run):
    """Brute force: set the logit to each value, softmax and argmax the whole vector in torch."""
    logits = logits_of(run)[pick_uncertain(run)]
    for index in range(len(logits)):
        values = np.linspace(logits.min() - 3, logits.max() + 3, 301)
        values = np.append(values, overtaking_logit(logits, index))  # the tie itself
        nudged = torch.from_numpy(np.repeat(logits[None], len(values), axis=0))
        nudged[:, index] = torch.from_numpy(values)
        expected_p = torch.softmax(nudged, 1)[:, index].numpy()
        expected_win = (torch.argmax(nudged, 1) == index).double().numpy()
        np.testing.assert_allclose(probability_against_logit(logits, index, values), expected_p, rtol=1e-12)
        np.testing.assert_array_equal(argmax_against_logit(logits, index, values), expected_win)


def test_the_digits_are_the_surest_and_the_least_sure(run):
    stored = torch.from_numpy(run.tensors()["pre.2"]).double()
    entropy = torch.distributions.Categorical(logits=stored).entropy().numpy()
    assert pick_uncertain(run) == int(np.argmax(entropy))
    right = np.flatnonzero(stored.argmax(1).numpy() == run.probe["labels"])
    assert pick_confident(run) == int(right[np.argmin(entropy[right])])


# The title-safe half-width and half-height (24 px in from each edge at 854 × 480), and a third of a pixel of rounding.
SAFE = (854 / 2 - 24) / 60 + 0.005, (480 / 2 - 24) / 60 + 0.005


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    """The scene on the mnist fixture, every animation skipped, noting after each play the texts on screen
    (readability.texts_on_screen) and every visible mobject that leaves the title-safe margin."""
    from manim import ImageMobject
    from readability import render_watched

    from nnexplain.scenes.softmax import Softmax

    outside = []

    class Bounded(Softmax):
        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            for top in self.mobjects:
                for part in top.get_family():
                    shown = isinstance(part, ImageMobject) or (
                        part.has_points() and (part.get_fill_opacity() > 0.05 or part.get_stroke_opacity() > 0.05)
                    )
                    if shown and (np.abs(part.get_center()[:2]) + [part.width / 2, part.height / 2] > SAFE).any():
                        outside.append((round(self.script_time, 1), type(part).__name__, part.get_center()[:2]))

    scene = render_watched(Bounded, DATA / "mnist-sigmoid", tmp_path_factory.mktemp("softmax"))
    scene.outside = outside
    return scene


def test_every_text_is_16_pixels_tall_and_nothing_leaves_the_title_safe_margin(watched):
    from readability import small_texts

    assert len(watched.seen_texts) > 100
    assert small_texts(watched, floor=16) == []
    assert watched.outside == []


def test_the_cross_entropy_shown_is_torchs_on_the_runs_logits(watched):
    """Both digits' −log p of their label, as drawn, against torch.nn.functional.cross_entropy on the stored logits."""
    run = load_run(DATA / "mnist-sigmoid")
    stored = torch.from_numpy(run.tensors()["pre.2"]).double()
    entropy = torch.distributions.Categorical(logits=stored).entropy().numpy()
    labels = torch.from_numpy(run.probe["labels"]).long()
    losses = torch.nn.functional.cross_entropy(stored, labels, reduction="none").numpy()
    second, first = int(np.argmax(entropy)), pick_confident(run)
    assert (watched.second, watched.first) == (second, first)
    for which, index in (("second", second), ("first", first)):
        value, text = watched.shown_losses[which]
        assert value == pytest.approx(losses[index], rel=1e-9)
        assert float(text.replace("−", "-")) == pytest.approx(losses[index], rel=0.01)  # as written on screen


def test_the_output_error_shown_is_autograds_slope_of_the_loss(watched):
    """p − y, drawn as the last bars, is ∂C/∂z by autograd, with C the cross-entropy of the unsure digit's label."""
    run = load_run(DATA / "mnist-sigmoid")
    index = watched.second
    z = torch.tensor(run.tensors()["pre.2"][index], dtype=torch.float64, requires_grad=True)
    torch.nn.functional.cross_entropy(z[None], torch.tensor([int(run.probe["labels"][index])])).backward()
    np.testing.assert_allclose(watched.error_values, z.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert watched.error_texts == [f"{v:+.2f}".replace("-", "−") for v in z.grad.numpy()]
    bars = watched.chart  # the bars end as p − y, on an axis from −1 to 1 around the chart's middle
    middle, half = (bars.floor + 2.0) / 2, (2.0 - bars.floor) / 2
    np.testing.assert_allclose((bars.tops - middle) / half, z.grad.numpy(), atol=1e-9)
