"""Numpy backpropagation against torch.autograd, the answer key."""

import numpy as np
import pytest
import torch
from conftest import torch_activations, torch_model
from hypothesis import given, settings
from hypothesis import strategies as st

from nnexplain.geometry.backprop import backprop, example_losses, flatten, sgd_step, unflatten
from nnexplain.run import load_run

ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity"]


def torch_answer(params, activation, output, x, y, dtype=torch.float64):
    """Loss, weight and bias gradients, and each example's δ (n × ∂mean-loss/∂z), from autograd."""
    weights = [torch.tensor(np.asarray(w), dtype=dtype, requires_grad=True) for w, _ in params]
    biases = [torch.tensor(np.asarray(b), dtype=dtype, requires_grad=True) for _, b in params]
    a = torch.tensor(np.asarray(x), dtype=dtype)
    pres = []
    for index, (w, b) in enumerate(zip(weights, biases)):
        z = a @ w.T + b
        z.retain_grad()
        pres.append(z)
        a = z if index == len(weights) - 1 else torch_activations()[activation](z)
    if output == "softmax":
        loss = torch.nn.functional.cross_entropy(a, torch.tensor(np.asarray(y), dtype=torch.int64))
    else:
        loss = torch.nn.functional.mse_loss(a, torch.tensor(np.asarray(y), dtype=dtype))
    loss.backward()
    count = len(x)
    return (
        loss.item(),
        [w.grad.numpy() for w in weights],
        [b.grad.numpy() for b in biases],
        [count * z.grad.numpy() for z in pres],
    )


@st.composite
def networks(draw):
    sizes = draw(st.lists(st.integers(1, 7), min_size=2, max_size=5))
    activation = draw(st.sampled_from(ACTIVATIONS))
    output = draw(st.sampled_from(["softmax", "identity"]))
    if output == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    examples = draw(st.integers(1, 9))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    params = [(rng.normal(0, 1.2, (b, a)), rng.normal(0, 0.5, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    x = rng.normal(0, 1.5, (examples, sizes[0]))
    y = rng.integers(0, sizes[-1], examples) if output == "softmax" else rng.normal(0, 1, (examples, sizes[-1]))
    return params, activation, output, x, y


@settings(max_examples=150, deadline=None)
@given(networks())
def test_gradients_and_deltas_equal_autograd(network):
    params, activation, output, x, y = network
    ours = backprop(params, activation, output, x, y)
    loss, weight_grads, bias_grads, deltas = torch_answer(params, activation, output, x, y)
    assert ours.loss == pytest.approx(loss, rel=1e-10, abs=1e-12)
    for mine, theirs in zip(ours.weight_grads + ours.bias_grads + ours.deltas, weight_grads + bias_grads + deltas):
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(example_losses(params, activation, output, x, y).mean(), loss, rtol=1e-10)


@pytest.mark.parametrize("fixture", ["sigmoid_run", "relu_run"])
def test_a_real_run_in_float32_agrees_to_float32_tolerance(fixture, request):
    run = load_run(request.getfixturevalue(fixture))
    x, y = run.probe["inputs"], run.probe["labels"]
    ours = backprop(run.params(), run.activation, run.output, x, y)
    model = torch_model(run)
    loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
    loss.backward()
    assert ours.loss == pytest.approx(loss.item(), rel=1e-5)
    for linear, grad_w, grad_b in zip(model.linears, ours.weight_grads, ours.bias_grads):
        np.testing.assert_allclose(grad_w, linear.weight.grad.numpy(), rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(grad_b, linear.bias.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_regression_run_agrees(data_dir):
    run = load_run(data_dir / "sine-relu")
    x, y = run.probe["inputs"], run.probe["labels"].reshape(-1, 1)
    ours = backprop(run.params(), run.activation, run.output, x, y)
    model = torch_model(run)
    loss = torch.nn.functional.mse_loss(model(torch.from_numpy(x)), torch.from_numpy(y))
    loss.backward()
    assert ours.loss == pytest.approx(loss.item(), rel=1e-4)
    np.testing.assert_allclose(ours.weight_grads[0], model.linears[0].weight.grad.numpy(), rtol=1e-3, atol=1e-6)


def test_edge_gradients_average_to_the_weight_gradient():
    rng = np.random.default_rng(0)
    params = [(rng.normal(size=(4, 3)), rng.normal(size=4)), (rng.normal(size=(3, 4)), rng.normal(size=3))]
    x, y = rng.normal(size=(5, 3)), rng.integers(0, 3, 5)
    result = backprop(params, "sigmoid", "softmax", x, y)
    for layer in (0, 1):
        mean = np.mean([result.edge_gradients(layer, x, n) for n in range(5)], axis=0)
        np.testing.assert_allclose(mean, result.weight_grads[layer], rtol=1e-12)


def test_flatten_round_trips_and_a_step_moves_against_the_gradient():
    rng = np.random.default_rng(1)
    params = [(rng.normal(size=(4, 3)), rng.normal(size=4)), (rng.normal(size=(2, 4)), rng.normal(size=2))]
    vector = flatten(params)
    assert vector.shape == (4 * 3 + 4 + 2 * 4 + 2,)
    for (w, b), (w2, b2) in zip(params, unflatten(vector, params)):
        np.testing.assert_array_equal(w, w2)
        np.testing.assert_array_equal(b, b2)
    x, y = rng.normal(size=(6, 3)), rng.integers(0, 2, 6)
    result = backprop(params, "tanh", "softmax", x, y)
    stepped = sgd_step(params, result, 0.1)
    np.testing.assert_allclose(
        flatten(stepped), vector - 0.1 * flatten(list(zip(result.weight_grads, result.bias_grads)))
    )
