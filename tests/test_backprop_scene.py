"""The backprop scene draws one digit's real gradients (torch is the answer key) and a real mini-batch step."""

import numpy as np
import pytest
import torch
from conftest import DATA, torch_model
from frames import check_frame, render_for_test
from manim import ManimColor

from nnexplain.geometry.network import network_view
from nnexplain.geometry.wishes import (
    batch_step,
    choose_batch,
    example_backprop,
    example_wishes,
    gather,
    gradient_edges,
    moved_weights,
    strongest_edge,
)
from nnexplain.mobjects.network import NetworkDiagram
from nnexplain.mobjects.style import Theme
from nnexplain.mobjects.wishes import GradientEdges, WishArrows, WishRings
from nnexplain.run import load_run

RUN = DATA / "mnist-sigmoid"
LAYER_X = (-3.2, -1.0, 1.2, 3.3)


def _hex(color):
    return ManimColor(color).to_hex().upper()


@pytest.fixture(scope="module")
def run():
    return load_run(RUN)


def torch_example(run, index, activations=None):
    """Per-weight gradients and per-layer δ of one probe item, from autograd (and ∂loss/∂a of each hidden layer,
    into ``activations`` when given)."""
    model = torch_model(run).double()
    x = torch.from_numpy(run.probe["inputs"][index : index + 1].astype(np.float64))
    pres, hidden, a = [], [], x
    for number, linear in enumerate(model.linears):
        z = linear(a)
        z.retain_grad()
        pres.append(z)
        a = torch.sigmoid(z) if number < len(model.linears) - 1 else z
        if number < len(model.linears) - 1:
            a.retain_grad()
            hidden.append(a)
    loss = torch.nn.functional.cross_entropy(a, torch.from_numpy(run.probe["labels"][index : index + 1]))
    loss.backward()
    if activations is not None:
        activations.extend(h.grad.numpy()[0] for h in hidden)
    return (
        [linear.weight.grad.numpy() for linear in model.linears],
        [z.grad.numpy()[0] for z in pres],
        torch.softmax(a, 1).detach().numpy()[0],
    )


@pytest.mark.parametrize("index", [4, 17])
def test_edges_and_wishes_are_autograds(run, index):
    theme = Theme()
    view = network_view(run)
    diagram = NetworkDiagram(view, theme, LAYER_X, height=4.7)
    result = example_backprop(run.params(), run.activation, run.output, run.probe["inputs"], run.probe["labels"], index)
    weight_grads, deltas, probabilities = torch_example(run, index)
    target = np.eye(10)[run.probe["labels"][index]]
    output = WishArrows(diagram.neuron_centers(3), -result.deltas[2][0], theme, numbers=True)
    np.testing.assert_allclose(output.values, target - probabilities, atol=1e-6)
    for arrow, wish in zip(output.arrows, target - probabilities):
        assert (arrow.get_end()[1] > arrow.get_start()[1]) == (wish > 0)
    for layer in range(3):
        group = gradient_edges(view, result, run.probe["inputs"][index : index + 1], layer)
        columns = view.shown_inputs[group.source] if layer == 0 else group.source
        np.testing.assert_allclose(group.weight, weight_grads[layer][group.target, columns], atol=1e-7)
        edges = GradientEdges(diagram, group, layer, theme)
        lower, upper = diagram.neuron_centers(layer), diagram.neuron_centers(layer + 1)
        for strand in edges:
            for start, end in zip(strand.starts, strand.ends):
                source = np.argmin(np.linalg.norm(lower[:, :2] - start[:2], axis=1))
                goal = np.argmin(np.linalg.norm(upper[:, :2] - end[:2], axis=1))
                column = view.shown_inputs[source] if layer == 0 else source
                wanted = theme.wish_up if weight_grads[layer][goal, column] < 0 else theme.wish_down
                if abs(weight_grads[layer][goal, column]) > 1e-9:
                    assert _hex(strand.get_stroke_color()) == _hex(wanted)
        strongest = strongest_edge(group)
        assert abs(group.weight[strongest]) == pytest.approx(np.abs(weight_grads[layer][:, columns]).max(), rel=1e-6)
    for layer in (1, 2):
        rings = WishRings(diagram.layers[layer], -result.deltas[layer - 1][0], theme)
        for ring, delta in zip(rings, deltas[layer - 1]):
            assert _hex(ring.get_stroke_color()) == _hex(theme.wish_up if -delta > 0 else theme.wish_down)
        widths = [ring.get_stroke_width() for ring in rings]
        assert np.argmax(widths) == np.argmax(np.abs(deltas[layer - 1]))


@pytest.mark.parametrize("index", [4, 17])
def test_a_hidden_neuron_gathers_autograds_wish(run, index):
    """The pulls weight × wish of the 10 outputs sum to −∂C/∂a of the neuron, and times f′(z) to −∂C/∂z
    (a wish is −∂C/∂ of what it moves: the scene's one sign convention), by autograd."""
    result = example_backprop(run.params(), run.activation, run.output, run.probe["inputs"], run.probe["labels"], index)
    activations = []
    _, deltas, probabilities = torch_example(run, index, activations)
    for layer in (0, 1):
        gathering = gather(run.params(), run.activation, result, layer)
        assert len(gathering.pulls) == len(deltas[layer + 1])
        assert gathering.total == pytest.approx(-activations[layer][gathering.neuron], abs=1e-9)
        assert gathering.wish == pytest.approx(-deltas[layer][gathering.neuron], abs=1e-9)
        assert abs(gathering.total) == pytest.approx(np.abs(activations[layer]).max(), rel=1e-9)  # the largest
    wishes = gather(run.params(), run.activation, result, 1).wishes
    np.testing.assert_allclose(wishes, np.eye(10)[run.probe["labels"][index]] - probabilities, atol=1e-9)


def test_the_batch_step_is_a_real_step(run):
    labels, inputs = run.probe["labels"], run.probe["inputs"]
    predicted = network_view(run).activations[-1].argmax(1)
    batch = choose_batch(labels, predicted, 12)
    assert len(batch) == 12 and set(labels[batch[:10]]) == set(range(10))
    assert all(predicted[i] != labels[i] for i in batch[10:])
    step = batch_step(run.params(), run.activation, run.output, inputs, labels, batch, 0.5)
    model = torch_model(run).double()
    x, y = torch.from_numpy(inputs[batch].astype(np.float64)), torch.from_numpy(labels[batch])
    torch.nn.functional.cross_entropy(model(x), y).backward()
    with torch.no_grad():
        before = torch.nn.functional.cross_entropy(model(x), y, reduction="none").numpy()
        for parameter in model.parameters():
            parameter -= 0.5 * parameter.grad
        after = torch.nn.functional.cross_entropy(model(x), y, reduction="none").numpy()
    np.testing.assert_allclose(step.before, before, rtol=1e-6)
    np.testing.assert_allclose(step.after, after, rtol=1e-6)
    assert step.loss_after < step.loss_before
    view = network_view(run)
    for number in range(len(batch)):  # each digit's own wish for the weights drawn changing, by autograd
        alone = torch_model(run).double()
        torch.nn.functional.cross_entropy(alone(x[number : number + 1]), y[number : number + 1]).backward()
        for layer, _, flat, _ in moved_weights(view, step):
            wished = example_wishes(step, inputs, layer, flat)[number]
            assert wished == pytest.approx(-alone.linears[layer].weight.grad.numpy().flat[flat], rel=1e-6, abs=1e-12)
    for layer, index, flat, change in moved_weights(view, step):
        assert example_wishes(step, inputs, layer, flat).mean() * 0.5 == pytest.approx(
            change, rel=1e-9
        )  # the weight drawn changing, and by how much
        linear = model.linears[layer]
        drawn = view.edges[layer]
        column = view.shown_inputs[drawn.source[index]] if layer == 0 else drawn.source[index]
        assert flat == drawn.target[index] * linear.weight.shape[1] + column
        moved = -0.5 * linear.weight.grad.numpy()
        assert change == pytest.approx(moved.flat[flat], rel=1e-6)
        columns = view.shown_inputs[drawn.source] if layer == 0 else drawn.source
        assert abs(change) == pytest.approx(np.abs(moved[drawn.target, columns]).max(), rel=1e-6)


def test_the_narration_says_what_autograd_computes(run, tmp_path):
    """The digit's prediction and wishes (y − p), and the batch's loss before and after the step, by torch."""
    from test_speaker_notes import storyboard

    scene = storyboard("backprop", RUN, tmp_path)
    narration = {beat.name: beat.narration for beat in scene.beat_log}
    _, _, probabilities = torch_example(run, scene.digit)
    label, said = int(run.probe["labels"][scene.digit]), int(np.argmax(probabilities))
    verdict = "right" if said == label else "wrong"
    assert (
        f"labelled {label} goes forward. The network says {said}, {100 * probabilities[said]:.0f}% sure: {verdict}."
        in narration["forward"]
    )
    wish = np.eye(10)[label] - probabilities
    other = int(np.argmin(wish))
    assert f"Output {label} up by {wish[label]:.2f} and {other} down by {-wish[other]:.2f}" in narration["wish list"]
    assert "for the wish, which way each z should move: −∂C/∂z = y−p." in narration["wish list"]  # said once
    assert sum("−∂C/∂z = y−p" in beat.narration for beat in scene.beat_log) == 1
    activations = []
    _, deltas, _ = torch_example(run, scene.digit, activations)
    neuron = scene.gathering.neuron
    gathered = narration["one neuron gathers"]
    summed = f"{-activations[-1][neuron]:+.2f}".replace("-", "−")
    assert f"Summed: {summed}" in gathered or f"Summed: about {summed}" in gathered
    assert f"its wish for z is {-deltas[-2][neuron]:+.2f}.".replace("-", "−") in gathered

    batch, lr = scene.step.indices, run.manifest["config"]["lr"]
    model = torch_model(run).double()
    x, y = torch.from_numpy(run.probe["inputs"][batch].astype(np.float64)), torch.from_numpy(run.probe["labels"][batch])
    torch.nn.functional.cross_entropy(model(x), y).backward()
    with torch.no_grad():
        before = torch.nn.functional.cross_entropy(model(x), y, reduction="none").numpy()
        for parameter in model.parameters():
            parameter -= lr * parameter.grad
        after = torch.nn.functional.cross_entropy(model(x), y, reduction="none").numpy()
    fell = int(np.sum(np.round(after, 3) < np.round(before, 3)))  # as the screen prints them
    assert f"Their mean: {before.mean():.3f} → {after.mean():.3f}," in narration["losses after"]
    assert f" {fell} fell, " in narration["losses after"]
    assert f"η = {lr:g}" in narration["one step"]


@pytest.mark.graphical
def test_backprop_last_frame(tmp_path, request, run):
    from nnexplain.scenes.backprop import Backprop

    scene = render_for_test(Backprop, RUN, tmp_path / "media")
    frame = np.asarray(scene.renderer.get_frame())[..., :3].copy()
    check_frame("backprop", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failures")
    assert 60 <= scene.renderer.time <= 150
    assert scene.cards[0][1].text == f"{scene.step.before[0]:.3f}"
    assert scene.afters[0].text == f"→{scene.step.after[0]:.3f}"
