"""The recorded activations are the network's: torch is the answer key."""

import numpy as np
import pytest
import torch
from conftest import torch_model

from nnexplain.run import load_run


@pytest.mark.parametrize("fixture", ["sigmoid_run", "relu_run"])
def test_every_snapshot_matches_a_fresh_torch_forward_pass(fixture, request):
    run = load_run(request.getfixturevalue(fixture))
    inputs = torch.from_numpy(run.probe["inputs"])
    for epoch in run.epochs:
        model = torch_model(run, epoch)
        stored = run.tensors(epoch)
        activation = {"sigmoid": torch.sigmoid, "relu": torch.relu}[run.activation]
        a = inputs
        with torch.no_grad():
            for index, linear in enumerate(model.linears):
                z = linear(a)
                last = index == len(model.linears) - 1
                a = torch.softmax(z, dim=1) if last else activation(z)
                np.testing.assert_allclose(stored[f"pre.{index}"], z.numpy(), rtol=1e-4, atol=1e-5)
                np.testing.assert_allclose(stored[f"act.{index}"], a.numpy(), rtol=1e-4, atol=1e-6)


def test_probe_holds_all_digits_and_some_mistakes(sigmoid_run):
    run = load_run(sigmoid_run)
    labels, probabilities = run.probe["labels"], run.tensors()["act.2"]
    assert len(labels) >= 32
    assert set(labels.tolist()) == set(range(10))
    wrong = probabilities.argmax(1) != labels
    assert wrong.sum() >= 1
    np.testing.assert_allclose(probabilities.sum(1), 1, rtol=1e-5)


def test_final_accuracy_is_what_the_weights_give(sigmoid_run):
    """The manifest's val_acc is recomputed from the stored weights on the embedded validation split."""
    from nnexplain.data.mnist import load_mnist

    run = load_run(sigmoid_run)
    data = load_mnist()
    with torch.no_grad():
        predictions = torch_model(run)(torch.from_numpy(data.x_val)).argmax(1).numpy()
    assert (predictions == data.y_val).mean() == pytest.approx(run.final_metrics["val_acc"], abs=1e-6)
