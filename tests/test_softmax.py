"""The softmax scene shows the run's own logits, and torch agrees with every number derived from them."""

import numpy as np
import pytest
import torch
from conftest import torch_model
from frames import check_frame, render_for_test, render_last_frame

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


def test_the_scene_shows_those_numbers_and_divides_the_same_logits_naively(sigmoid_run, tmp_path):
    from nnexplain.scenes.softmax import Softmax

    run = load_run(sigmoid_run)
    scene = render_for_test(Softmax, sigmoid_run, tmp_path)
    stored = run.tensors()["pre.2"]
    entropy = torch.distributions.Categorical(logits=torch.from_numpy(stored).double()).entropy().numpy()
    unsure = stored[int(np.argmax(entropy))].astype(np.float64)
    np.testing.assert_array_equal(scene.shown["unsure"].logits, unsure)
    np.testing.assert_allclose(scene.naive_values, unsure / unsure.sum(), rtol=1e-12)
    assert scene.naive_texts == [
        f"{v:.2f}".replace("-", "−") for v in unsure / unsure.sum()
    ]  # the numbers written over the bars
    assert (scene.naive_values < 0).any()  # this run's unsure digit shows the failure the caption names


@pytest.mark.graphical
def test_last_frame(request, sigmoid_run, tmp_path):
    from nnexplain.scenes.softmax import Softmax

    frame = render_last_frame(Softmax, sigmoid_run, tmp_path)
    check_frame("softmax", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failed")
