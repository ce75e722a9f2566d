"""The public recording API: nnexplain.Recorder in a user's own loop, nnexplain.load_run."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import nnexplain
from nnexplain.data.mnist import load_mnist
from nnexplain.errors import NnexplainError
from nnexplain.train.loop import train
from nnexplain.train.recipes import get_recipe

README = Path(__file__).parent.parent / "README.md"


@pytest.fixture(scope="module")
def small_mnist():
    data = load_mnist()
    return replace(
        data, x_train=data.x_train[:600], y_train=data.y_train[:600], x_val=data.x_val[:200], y_val=data.y_val[:200]
    )


def _sigmoid_sequential(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(784, 16), nn.Sigmoid(), nn.Linear(16, 16), nn.Sigmoid(), nn.Linear(16, 10))


def _shapes(arrays):
    return {name: (value.shape, value.dtype) for name, value in arrays.items()}


def test_a_user_loop_run_is_shaped_like_a_trained_run(tmp_path, small_mnist):
    config = get_recipe("mnist").config.with_overrides(epochs=2, device="cpu")
    trained = nnexplain.load_run(train(config, tmp_path / "trained", dataset=small_mnist))

    model = _sigmoid_sequential()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    x, y = torch.from_numpy(small_mnist.x_train), torch.from_numpy(small_mnist.y_train)
    chosen = len(trained.probe["inputs"]) - len(trained.mistakes["inputs"])  # the probe before the mistakes
    probe = (torch.from_numpy(trained.probe["inputs"][:chosen]), torch.from_numpy(trained.probe["labels"][:chosen]))
    with nnexplain.Recorder(model, out=tmp_path / "mine", probe=probe, dataset=small_mnist) as recorder:
        for epoch in range(3):
            if epoch:
                loss = nn.functional.cross_entropy(model(x), y)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            recorder.snapshot(epoch=epoch, metrics={"train_loss": loss if epoch else 2.3}, step=epoch)
        recorder.record_mistakes(trained.mistakes["inputs"], trained.mistakes["labels"])
    mine = nnexplain.load_run(tmp_path / "mine")
    assert len(trained.mistakes["inputs"]) > 0  # two epochs on 600 digits leave some

    assert set(mine.manifest) == set(trained.manifest)
    assert mine.dataset == trained.dataset
    assert {key: mine.manifest[key] for key in ("layers", "activation", "output", "status", "device")} == {
        key: trained.manifest[key] for key in ("layers", "activation", "output", "status", "device")
    }
    assert mine.manifest["seed"] == 0 and mine.manifest["wall_seconds"] > 0
    assert mine.epochs == trained.epochs == [0, 1, 2]
    for ours, theirs in zip(mine.snapshots, trained.snapshots):
        assert set(ours) == set(theirs) - {"resume"}  # what `train` keeps to go on after a stop (train --resume)
    assert _shapes(mine.probe) == _shapes(trained.probe)
    for epoch in mine.epochs:
        assert _shapes(mine.tensors(epoch)) == _shapes(trained.tensors(epoch))


def _torch_activations(model: nn.Sequential, inputs: torch.Tensor) -> list[np.ndarray]:
    """The output of every hidden activation module, then the softmax of the last Linear."""
    outputs, a = [], inputs
    with torch.no_grad():
        for module in model:
            a = module(a)
            if isinstance(module, (nn.Sigmoid, nn.Tanh, nn.ReLU)):
                outputs.append(a.numpy())
        outputs.append(torch.softmax(a, dim=1).numpy())
    return outputs


def test_recorded_activations_are_the_models(tmp_path):
    """Images kept in their shape, no labels, numpy probe; the model starts with Flatten."""
    images = load_mnist().x_val[:24].reshape(24, 28, 28)
    torch.manual_seed(5)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 12), nn.Tanh(), nn.Linear(12, 10))
    recorder = nnexplain.Recorder(model, out=tmp_path / "run", probe=images)
    recorder.snapshot(epoch=0)
    recorder.finish()
    run = nnexplain.load_run(tmp_path / "run")
    assert run.activation == "tanh" and run.layers == [784, 12, 10] and run.output == "softmax"
    assert run.dataset["input_shape"] == [28, 28] and run.dataset["classes"] == [str(d) for d in range(10)]
    assert set(run.probe) == {"inputs"} and run.probe["inputs"].shape == (24, 784)
    assert run.manifest["seed"] == 5 and run.manifest["status"] == "complete"
    expected = _torch_activations(model, torch.from_numpy(images))
    for index, activations in enumerate(expected):
        np.testing.assert_allclose(run.tensors()[f"act.{index}"], activations, rtol=1e-4, atol=1e-6)


def test_regression_with_a_tensor_dataset_probe(tmp_path):
    x = torch.linspace(-1, 1, 20)[:, None]
    model = nn.Sequential(nn.Linear(1, 6), nn.ReLU(), nn.Linear(6, 1))
    recorder = nnexplain.Recorder(model, tmp_path / "run", torch.utils.data.TensorDataset(x, x**2), task="regress")
    recorder.snapshot(0)
    run = nnexplain.load_run(tmp_path / "run")
    assert run.output == "identity" and run.dataset["task"] == "regress" and run.dataset["classes"] == []
    assert run.probe["labels"].dtype == np.float32 and run.probe["labels"].shape == (20, 1)
    with torch.no_grad():
        np.testing.assert_allclose(run.tensors()["act.1"], model(x).numpy(), rtol=1e-5, atol=1e-6)


def test_a_failed_loop_leaves_the_run_unfinished(tmp_path):
    model = _sigmoid_sequential()
    with pytest.raises(KeyboardInterrupt):
        with nnexplain.Recorder(model, tmp_path / "run", torch.zeros(3, 784)) as recorder:
            recorder.snapshot(0)
            raise KeyboardInterrupt
    run = nnexplain.load_run(tmp_path / "run")
    assert run.manifest["status"] == "training" and run.epochs == [0]


@pytest.mark.parametrize(
    ("model", "arguments", "message"),
    [
        (nn.Sequential(nn.Linear(784, 8), nn.GELU(), nn.Linear(8, 10)), {}, "uses GELU"),
        (
            nn.Sequential(nn.Linear(784, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 10)),
            {},
            "mixes ReLU and Tanh",
        ),
        (nn.Sequential(nn.Linear(784, 8), nn.ReLU(), nn.Linear(8, 10)), {"activation": "sigmoid"}, "use relu"),
        (nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU()), {}, r"must end in a Linear layer"),
        (nn.Sequential(nn.Linear(784, 8, bias=False), nn.ReLU(), nn.Linear(8, 10)), {}, "no matching bias"),
        (nn.Sequential(nn.Linear(20, 8), nn.ReLU(), nn.Linear(8, 10)), {}, "probe inputs have 784 features"),
        (nn.Sequential(nn.Linear(784, 8), nn.ReLU(), nn.Linear(8, 5)), {"dataset": "mnist"}, "10 classes"),
        (
            nn.Sequential(nn.Linear(784, 8), nn.ReLU(), nn.Linear(8, 10)),
            {"labels": torch.full((4,), 10)},
            "class indices",
        ),
        (
            nn.Sequential(nn.Linear(784, 8), nn.ReLU(), nn.Linear(8, 10)),
            {"labels": torch.zeros(3)},
            "4 inputs but 3 labels",
        ),
    ],
    ids=["gelu", "mixed", "contradicts", "conv", "no-bias", "features", "classes", "label-range", "label-count"],
)
def test_models_and_probes_it_cannot_record_are_refused(tmp_path, model, arguments, message):
    with pytest.raises(NnexplainError, match=message):
        nnexplain.Recorder(model, tmp_path / "run", torch.zeros(4, 784), **arguments)
    assert not (tmp_path / "run").exists()


def test_importing_nnexplain_loads_neither_torch_nor_manim():
    code = "import sys, nnexplain; nnexplain.load_run; print(sorted(m for m in ('torch', 'manim') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def _readme_example() -> str:
    text = README.read_text()
    section = text[text.index("## Bring your own network") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs(tmp_path):
    """The README's loop, run as a user would run it: from a directory of their own."""
    (tmp_path / "example.py").write_text(_readme_example())
    result = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    layers, epochs, accuracy = re.fullmatch(r"(\[.*?\]) (\[.*?\]) val_acc ([\d.]+)%\n", result.stdout).groups()
    assert (layers, epochs) == ("[784, 16, 16, 10]", "[0, 1, 2, 3]")
    assert float(accuracy) > 80
    run = nnexplain.load_run(tmp_path / "runs" / "my-loop")
    assert run.manifest["status"] == "complete" and run.dataset["name"] == "mnist"
    assert run.final_metrics["val_acc"] == pytest.approx(float(accuracy) / 100, abs=5e-4)


def test_metrics_may_be_tensors_that_need_grad(tmp_path):
    model = _sigmoid_sequential()
    loss = model(torch.ones(2, 784)).sum()
    recorder = nnexplain.Recorder(model, tmp_path / "run", torch.ones(2, 784))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch warns when a tensor that needs grad is turned into a float
        recorder.snapshot(epoch=0, metrics={"train_loss": loss, "val_acc": torch.tensor([0.5]), "lr": 0.1})
    metrics = nnexplain.load_run(tmp_path / "run").final_metrics
    assert metrics == {"train_loss": pytest.approx(loss.item()), "val_acc": 0.5, "lr": 0.1}
    with pytest.raises(NnexplainError, match="metric 'val_acc' holds 2 values"):
        recorder.snapshot(epoch=1, metrics={"val_acc": torch.tensor([0.5, 0.6])})
