"""The training history in a run: every step's loss and every epoch's metrics, kept by a run killed mid-training."""

from dataclasses import replace

import numpy as np
import pytest
import torch
from conftest import DATA
from torch import nn

import nnexplain
from nnexplain.data.mnist import load_mnist
from nnexplain.errors import RunError
from nnexplain.run import directory as rundir
from nnexplain.run import load_run
from nnexplain.run.history import HistoryLog, history_part
from nnexplain.train.loop import train
from nnexplain.train.recipes import get_recipe


@pytest.fixture(scope="module")
def small_mnist():
    data = load_mnist()
    return replace(
        data, x_train=data.x_train[:600], y_train=data.y_train[:600], x_val=data.x_val[:200], y_val=data.y_val[:200]
    )


def _config(**overrides):
    # No augmentation, so the replay below needs no copy of the image shifts.
    return get_recipe("mnist").config.with_overrides(**{"epochs": 3, "device": "cpu", "augment_shift": 0, **overrides})


def test_every_step_and_every_epoch_is_in_the_history(tmp_path, small_mnist):
    run = load_run(train(_config(seed=3, max_snapshots=2), tmp_path / "run", dataset=small_mnist))
    history = run.history
    assert run.epochs == [0, 3]  # two snapshots, yet three epochs of steps and four epochs of metrics
    np.testing.assert_array_equal(history.steps, np.arange(1, 31))  # 600 / 64 -> 10 batches an epoch
    np.testing.assert_array_equal(history.step_epochs, np.repeat([1, 2, 3], 10))
    assert history.steps_per_epoch() == {1: 10, 2: 10, 3: 10} and history.every == 1
    np.testing.assert_array_equal(history.epochs, [0, 1, 2, 3])
    for snapshot in run.snapshots:  # the epochs that have a snapshot carry the same numbers in both places
        row = list(history.epochs).index(snapshot["epoch"])
        for name, value in snapshot["metrics"].items():
            assert history.metric(name)[row] == value
    assert np.isfinite(history.metric("val_loss")).all() and history.metric("nothing").shape == (4,)
    assert [s.get("history") for s in run.snapshots] == [
        "history/epoch-00000.safetensors",
        "history/epoch-00003.safetensors",
    ]


def test_step_losses_match_a_replay_of_the_first_steps(tmp_path, small_mnist):
    """The answer key: the same seed, model, order and optimiser written out again in plain torch."""
    config = _config(seed=11)
    run = load_run(train(config, tmp_path / "run", dataset=small_mnist))

    torch.manual_seed(config.seed)
    model = nn.Sequential(nn.Linear(784, 16), nn.Sigmoid(), nn.Linear(16, 16), nn.Sigmoid(), nn.Linear(16, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=0.9, nesterov=True)
    batches = -(-600 // config.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config.lr, total_steps=config.epochs * batches)
    generator = torch.Generator().manual_seed(config.seed)
    x, y = torch.from_numpy(small_mnist.x_train), torch.from_numpy(small_mnist.y_train)
    replayed = []
    for _ in range(2):  # two epochs: the second draws a new order
        for batch in torch.randperm(600, generator=generator).split(config.batch_size):
            loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            replayed.append(loss.item())
    np.testing.assert_allclose(run.history.losses[: len(replayed)], replayed, rtol=1e-5)
    assert np.ptp(replayed) > 0.05  # the losses move: matching them is no accident of a constant


def test_a_run_killed_mid_training_keeps_its_history(tmp_path, small_mnist):
    def stop_after_epoch_two(report) -> None:
        if report.epoch == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(_config(seed=5), tmp_path / "run", on_epoch=stop_after_epoch_two, dataset=small_mnist)
    run = load_run(tmp_path / "run")
    assert run.manifest["status"] == "training" and run.epochs == [0, 1, 2]
    np.testing.assert_array_equal(run.history.steps, np.arange(1, 21))
    np.testing.assert_array_equal(run.history.epochs, [0, 1, 2])


def test_every_kth_step_is_kept_with_k_recorded(tmp_path, small_mnist):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 16), nn.Sigmoid(), nn.Linear(16, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    x, y = torch.from_numpy(small_mnist.x_train), torch.from_numpy(small_mnist.y_train)
    losses = []
    probe = (small_mnist.x_val[:10], small_mnist.y_val[:10])
    with nnexplain.Recorder(model, out=tmp_path / "run", probe=probe, dataset=small_mnist, loss_every=3) as recorder:
        recorder.snapshot(epoch=0)
        for epoch in (1, 2):
            for batch in torch.arange(600).split(100):
                loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                recorder.log_step(loss)
                losses.append(loss.item())
            if epoch == 1:
                recorder.log_epoch(epoch, {"train_loss": loss})  # an epoch without a snapshot
            else:
                recorder.snapshot(epoch=epoch, metrics={"train_loss": loss})
    run = load_run(tmp_path / "run")
    assert run.manifest["step_loss_every"] == 3 and run.history.every == 3
    np.testing.assert_array_equal(run.history.steps, [3, 6, 9, 12])
    np.testing.assert_array_equal(run.history.step_epochs, [1, 1, 2, 2])
    np.testing.assert_allclose(run.history.losses, [losses[i - 1] for i in (3, 6, 9, 12)], rtol=1e-6)
    np.testing.assert_array_equal(run.history.epochs, [0, 1, 2])
    assert run.snapshot(2)["step"] == 12  # counted from the logged steps
    np.testing.assert_allclose(run.history.metric("train_loss")[1:], [losses[5], losses[11]], rtol=1e-6)


def test_a_resumed_run_continues_the_history(tmp_path):
    """A run resumed from its last snapshot starts a new log at that step; the files join without a gap."""
    path = tmp_path / "run"
    rundir.create_run(
        path,
        {
            "recipe": "t",
            "layers": [1, 1],
            "activation": "relu",
            "output": "identity",
            "dataset": {"name": "t", "task": "regress"},
        },
        {"inputs": np.zeros((1, 1), np.float32)},
    )
    tensors = {"weight.0": np.ones((1, 1), np.float32), "bias.0": np.zeros(1, np.float32)}
    log = HistoryLog()
    for epoch in (0, 1):
        for _ in range(4 * epoch):
            log.step(1.0 / (log.steps_done + 1))
        log.epoch(epoch, {"val_loss": 1.0 - epoch / 10})
        rundir.write_snapshot(path, epoch, tensors, history=log.part(), step=log.steps_done)
        log.clear()
    last = load_run(path).snapshot()
    resumed = HistoryLog(steps_done=last["step"], last_epoch=last["epoch"])
    for _ in range(4):
        resumed.step(0.5)
    resumed.epoch(2, {"val_loss": 0.8})
    rundir.write_snapshot(path, 2, tensors, history=resumed.part(), step=resumed.steps_done)
    history = load_run(path).history
    np.testing.assert_array_equal(history.steps, np.arange(1, 9))
    np.testing.assert_array_equal(history.step_epochs, [1, 1, 1, 1, 2, 2, 2, 2])
    np.testing.assert_allclose(history.metric("val_loss"), [1.0, 0.9, 0.8])


def test_runs_without_history_files_get_one_row_per_snapshot():
    run = load_run(DATA / "mnist-sigmoid")  # recorded before history files existed
    history = run.history
    assert not history.has_steps and history.every is None
    np.testing.assert_array_equal(history.epochs, run.epochs)
    np.testing.assert_allclose(history.metric("val_acc"), [s["metrics"]["val_acc"] for s in run.snapshots])


@pytest.mark.parametrize("damage", ["truncate", "delete"])
def test_a_damaged_history_file_is_named(tmp_path, small_mnist, damage):
    path = train(_config(seed=1, epochs=1), tmp_path / "run", dataset=small_mnist)
    target = path / "history" / "epoch-00001.safetensors"
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:40])
    else:
        target.unlink()
    with pytest.raises(RunError, match="epoch-00001.safetensors"):
        load_run(path).history  # noqa: B018  (reading it is the check)


def test_steps_and_their_losses_must_pair():
    with pytest.raises(ValueError, match="differ in length"):
        history_part([1, 2], [1, 1], [0.5], {})
