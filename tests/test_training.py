from dataclasses import replace

import numpy as np
import pytest

from nnexplain.data.mnist import load_mnist
from nnexplain.train.recipes import TrainConfig, get_recipe
from nnexplain.errors import NnexplainError
from nnexplain.run import load_run
from nnexplain.train.loop import train


@pytest.fixture(scope="module")
def small_mnist():
    data = load_mnist()
    return replace(data, x_train=data.x_train[:600], y_train=data.y_train[:600], x_val=data.x_val[:200], y_val=data.y_val[:200])


def _config(**overrides) -> TrainConfig:
    return get_recipe("mnist").config.with_overrides(epochs=3, device="cpu", **overrides)


def _weights(path):
    run = load_run(path)
    return {epoch: run.tensors(epoch) for epoch in run.epochs}


def test_same_seed_same_run(tmp_path, small_mnist):
    first = _weights(train(_config(seed=7), tmp_path / "a", dataset=small_mnist))
    second = _weights(train(_config(seed=7), tmp_path / "b", dataset=small_mnist))
    assert first.keys() == second.keys() == {0, 1, 2, 3}
    for epoch in first:
        for name in first[epoch]:
            np.testing.assert_array_equal(first[epoch][name], second[epoch][name], err_msg=f"{epoch}/{name}")


def test_other_seed_other_run(tmp_path, small_mnist):
    first = _weights(train(_config(seed=1), tmp_path / "a", dataset=small_mnist))
    second = _weights(train(_config(seed=2), tmp_path / "b", dataset=small_mnist))
    assert not np.array_equal(first[3]["weight.0"], second[3]["weight.0"])


def test_manifest_describes_the_run(tmp_path, small_mnist):
    run = load_run(train(_config(seed=3), tmp_path / "run", dataset=small_mnist))
    assert run.layers == [784, 16, 16, 10]
    assert run.manifest["status"] == "complete" and run.manifest["device"] == "cpu"
    assert TrainConfig.from_dict(run.manifest["config"]) == _config(seed=3)
    assert [s["step"] for s in run.snapshots] == [0, 10, 20, 30]  # 600 / 64 -> 10 batches an epoch
    metrics = run.final_metrics
    assert set(metrics) == {"train_loss", "train_acc", "val_loss", "val_acc"}
    assert metrics["train_loss"] < run.snapshots[0]["metrics"]["train_loss"] - 0.05  # it learned something


def test_unknown_config_keys_are_refused():
    data = _config().to_dict() | {"learning_rate": 0.1}
    with pytest.raises(NnexplainError, match=r"unknown training config keys \['learning_rate'\]"):
        TrainConfig.from_dict(data)


def test_long_runs_are_recorded_on_a_log_schedule():
    from nnexplain.run.schedule import snapshot_epochs

    epochs = snapshot_epochs(3000, max_snapshots=60)
    assert len(epochs) == 60 and epochs[0] == 0 and epochs[-1] == 3000
    assert epochs[:10] == list(range(10))  # every early epoch
    gaps = np.diff(epochs)
    assert (gaps >= 1).all() and gaps[-1] > 100
    assert snapshot_epochs(10) == list(range(11))
