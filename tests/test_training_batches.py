"""The training scene's two new readings of a run: each batch's points, and the trend of the validation loss."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import DATA

from nnexplain.geometry.learning import training_points
from nnexplain.geometry.trend import moving_average, validation_trend
from nnexplain.run import load_run
from nnexplain.run.batches import batch_order

MOONS = DATA / "moons-overfit"


@pytest.mark.parametrize("epoch", [1, 3, 4])
def test_each_batch_is_the_one_whose_loss_training_logged(epoch):
    """The oracle is the run's own step losses: torch's cross-entropy of batch k's points, on the weights before
    step k (the recorded weights after step k - 1), equals the loss training logged for step k. With 80 points in
    batches of 10 no other split reproduces eight logged losses to 6 digits."""
    run = load_run(MOONS)
    batches = batch_order(run, epoch)
    x, y = training_points(run)
    assert len(batches) == 8 and sorted(np.concatenate(batches)) == list(range(80))  # each point once
    weights = [run.params(epoch - 1), *run.step_params(epoch)]
    _, logged = run.history.epoch_steps(epoch)
    for k, batch in enumerate(batches):
        h = torch.from_numpy(x[batch]).double()
        for index, (weight, bias) in enumerate(weights[k]):
            h = h @ torch.from_numpy(weight).double().T + torch.from_numpy(bias).double()
            h = torch.tanh(h) if index < len(weights[k]) - 1 else h
        assert float(F.cross_entropy(h, torch.from_numpy(y[batch]).long())) == pytest.approx(logged[k], abs=1e-5)


def test_no_batches_without_the_previous_epochs_generator_state():
    run = load_run(MOONS)
    missing = next(e for e in range(1, run.epochs[-1]) if e - 1 not in run.epochs)
    assert batch_order(run, missing) is None


def test_the_moving_average_is_the_mean_of_each_window():
    values = np.random.default_rng(0).normal(size=40)
    for window in (1, 5, 25):
        half = window // 2
        brute = [values[max(0, i - half) : i + half + 1].mean() for i in range(len(values))]
        np.testing.assert_allclose(moving_average(values, window), brute, rtol=1e-12)
    with pytest.raises(ValueError):
        moving_average(values, 4)


def test_the_trend_is_found_by_brute_force():
    """Plateau and rise re-found by scanning each epoch, on the fixture's real validation loss."""
    history = load_run(MOONS).history
    values = history.metric("val_loss")
    trend = validation_trend(history.epochs, values, window=25, flat=0.05, risen=0.2)
    smooth = [np.mean(values[max(0, i - 12) : i + 13]) for i in range(len(values))]
    best = min(range(len(smooth)), key=lambda i: smooth[i])
    assert trend.lowest == history.epochs[best]
    flat = [i for i in range(len(smooth)) if smooth[i] <= 1.05 * smooth[best]]
    run_of_flat = [i for i in flat if all(j in flat for j in range(min(i, best), max(i, best) + 1))]
    assert trend.plateau == (history.epochs[min(run_of_flat)], history.epochs[max(run_of_flat)])
    later = [i for i in range(best, len(smooth)) if smooth[i] >= 1.2 * smooth[best]]
    assert trend.rise == history.epochs[later[0]]
    assert trend.plateau[0] < trend.lowest <= trend.plateau[1] < trend.rise  # the run turns, after a flat stretch
