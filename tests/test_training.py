from dataclasses import replace

import numpy as np
import pytest

from nnexplain.data.mnist import load_mnist
from nnexplain.errors import NnexplainError
from nnexplain.run import load_run
from nnexplain.train.loop import train
from nnexplain.train.recipes import TrainConfig, get_recipe


@pytest.fixture(scope="module")
def small_mnist():
    data = load_mnist()
    return replace(
        data, x_train=data.x_train[:600], y_train=data.y_train[:600], x_val=data.x_val[:200], y_val=data.y_val[:200]
    )


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


def test_mistakes_are_recorded_once_at_the_end_and_nothing_is_rewritten(tmp_path, small_mnist):
    import torch
    from conftest import torch_model

    written: dict = {}

    def remember_files(report) -> None:
        for path in (tmp_path / "run").rglob("*.safetensors"):
            written.setdefault(path, path.read_bytes())

    run = load_run(train(_config(seed=4), tmp_path / "run", on_epoch=remember_files, dataset=small_mnist))
    # The probe, every snapshot with its history and resume files, each seen as it was first written.
    assert len(written) == 1 + 3 * len(run.epochs)
    for path, first_bytes in written.items():
        assert path.read_bytes() == first_bytes, f"{path.name} was rewritten"
    assert run.manifest["mistakes"] == "mistakes.safetensors" and "mistakes.safetensors" not in {
        p.name for p in written
    }

    # The answer key: the final network, in torch, on the validation items outside the probe.
    final = torch_model(run)
    with torch.no_grad():
        wrong = np.flatnonzero(final(torch.from_numpy(small_mnist.x_val)).argmax(1).numpy() != small_mnist.y_val)
    chosen = len(run.probe["inputs"]) - len(run.mistakes["inputs"])
    probe_items = [int(np.flatnonzero((small_mnist.x_val == row).all(1))[0]) for row in run.probe["inputs"][:chosen]]
    expected = np.setdiff1d(wrong, probe_items)[:8]
    assert len(expected) > 0
    np.testing.assert_array_equal(run.mistakes["inputs"], small_mnist.x_val[expected])
    np.testing.assert_array_equal(run.probe["labels"][chosen:], small_mnist.y_val[expected])
    for epoch in (run.epochs[0], run.epochs[-1]):  # the mistakes' rows: computed on read, from that snapshot's weights
        with torch.no_grad():
            logits = torch_model(run, epoch)(torch.from_numpy(run.mistakes["inputs"])).numpy()
        np.testing.assert_allclose(run.tensors(epoch)["pre.2"][chosen:], logits, rtol=1e-4, atol=1e-5)
        assert run.tensors(epoch)["act.0"].shape[0] == len(run.probe["inputs"])


def test_a_run_stopped_mid_training_is_readable_and_says_it_is_incomplete(tmp_path, small_mnist):
    def stop_after_epoch_two(report) -> None:
        if report.epoch == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(_config(seed=5), tmp_path / "run", on_epoch=stop_after_epoch_two, dataset=small_mnist)
    run = load_run(tmp_path / "run")
    assert run.manifest["status"] == "training" and run.epochs == [0, 1, 2]
    assert "mistakes" not in run.manifest and run.mistakes == {}
    assert run.tensors(2)["act.2"].shape == (len(run.probe["inputs"]), 10)
