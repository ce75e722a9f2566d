"""CNN runs: trained through torch, recorded, loaded, and their feature maps those of the stored weights.

The answer key is torch's ``F.conv2d``/``F.max_pool2d``/``F.linear`` written out here, run on the
weights the snapshot stores (not on the module that trained them), and torch's own accuracy.
"""

from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F
from conftest import DATA

from nnexplain.run import load_run
from nnexplain.train.loop import train
from nnexplain.train.recipes import get_recipe

# float32 recordings against a float64 torch pass of the same float32 weights: float32 rounding of sums of ~400 terms.
FLOAT32 = dict(rtol=1e-4, atol=1e-5)


def torch_cnn_trace(arrays: dict[str, np.ndarray], images: np.ndarray) -> list[torch.Tensor]:
    """cnn-mnist's forward pass written out in torch: every layer's activation, from named snapshot arrays."""
    w = {name: torch.from_numpy(value.astype(np.float64)) for name, value in arrays.items()}
    x = torch.from_numpy(images.astype(np.float64)).reshape(-1, 1, 28, 28)
    conv1 = F.relu(F.conv2d(x, w["weight.0"], w["bias.0"]))
    pool1 = F.max_pool2d(conv1, 2)
    conv2 = F.relu(F.conv2d(pool1, w["weight.2"], w["bias.2"]))
    pool2 = F.max_pool2d(conv2, 2)
    flat = pool2.flatten(1)
    return [conv1, pool1, conv2, pool2, flat, torch.softmax(F.linear(flat, w["weight.5"], w["bias.5"]), 1)]


def test_recorded_feature_maps_are_a_torch_forward_of_the_stored_weights():
    run = load_run(DATA / "cnn-mnist")
    assert [layer.kind for layer in run.network.layers] == [
        "conv2d",
        "maxpool2d",
        "conv2d",
        "maxpool2d",
        "flatten",
        "dense",
    ]
    assert run.network.parameter_count == 5_994
    for epoch in run.epochs:
        arrays = run.tensors(epoch)  # the recorded probe rows, then the mistakes' rows computed in numpy
        expected = torch_cnn_trace(arrays, run.probe["inputs"])
        for index, activation in enumerate(expected):
            got = arrays[f"act.{index}"]
            assert got.shape == tuple(activation.shape), index
            np.testing.assert_allclose(got, activation.numpy(), **FLOAT32)


def test_cnn_mnist_learns_in_a_short_training(tmp_path):
    """Two epochs (of the recipe's eight) on the 8,000 training digits: above 95% validation accuracy.

    The full recipe reaches 98.55% (README); torch's own evaluation of the stored final
    weights on the 2,000 validation digits is the number checked, against the manifest's."""
    from nnexplain.data import load_dataset

    config = get_recipe("cnn-mnist").config.with_overrides(epochs=2, max_snapshots=2, probe_per_class=1, device="cpu")
    started = time.perf_counter()
    run = load_run(train(config, tmp_path / "run"))
    print(f"cnn-mnist, 2 epochs: {time.perf_counter() - started:.1f} s")  # reported, not asserted
    data = load_dataset("mnist")
    outputs = torch_cnn_trace(run.tensors(run.epochs[-1]), data.x_val)[-1]
    accuracy = float((outputs.argmax(1).numpy() == data.y_val).mean())
    assert accuracy > 0.95
    assert abs(accuracy - run.final_metrics["val_acc"]) < 1e-3


def test_recorder_records_a_users_own_sequential_cnn(tmp_path):
    """A CNN as a user writes it, in their own loop: the run holds its layers, weights and torch's feature maps."""
    from torch import nn

    import nnexplain
    from nnexplain.data import load_dataset

    data = load_dataset("mnist")
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 3, 3, stride=2, padding=1), nn.Tanh(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.1),
        nn.Linear(3 * 7 * 7, 10),
    )  # fmt: skip
    images = torch.from_numpy(data.x_train[:512]).reshape(-1, 1, 28, 28)
    probe = torch.from_numpy(data.x_val[:12]).reshape(-1, 1, 28, 28)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with nnexplain.Recorder(model, tmp_path / "run", probe=(probe, data.y_val[:12]), dataset="mnist") as recorder:
        recorder.snapshot(epoch=0)
        for start in range(0, 512, 64):
            loss = F.cross_entropy(
                model(images[start : start + 64]), torch.from_numpy(data.y_train[start : start + 64])
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            recorder.log_step(loss)
        recorder.snapshot(epoch=1)
    run = load_run(tmp_path / "run")
    assert [layer.summary() for layer in run.network.layers] == [
        "conv2d 3×3×3 (stride 2, padding 1)", "maxpool2d 2×2", "flatten", "dense 10"
    ]  # fmt: skip
    assert run.activation == "tanh" and run.network.input_shape == (1, 28, 28)
    tensors = run.tensors(1)
    model.eval()
    with torch.no_grad():
        conv = model[1](model[0](probe))
        np.testing.assert_allclose(tensors["act.0"][:12], conv.numpy(), **FLOAT32)
        np.testing.assert_allclose(tensors["pre.3"][:12], model(probe).numpy(), **FLOAT32)
    np.testing.assert_array_equal(tensors["weight.3"], model[5].weight.detach().numpy())
