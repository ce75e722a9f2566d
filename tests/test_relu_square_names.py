"""relu-square names its units: each name stands on its unit's kink, off every other hinge; a unit it calls nearly
flat stays within the stated distance of 0. torch, on a fine grid, is the answer key."""

from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import DATA

from nnexplain.run import load_run

GRID = torch.linspace(-1, 1, 200_001, dtype=torch.float64)


def _hinges(params) -> torch.Tensor:
    """Each unit's w2ⱼ·relu(w1ⱼx + b1ⱼ) on the grid, by torch from the stored weights (units × grid)."""
    (w1, b1), (w2, _) = [[torch.from_numpy(np.asarray(a, np.float64)) for a in layer] for layer in params]
    return torch.relu(GRID[:, None] * w1[:, 0] + b1).T * w2[0][:, None]


def _record(tmp_path: Path, epochs: list[list[tuple[float, float, float]]]) -> Path:
    """A 1-3-1 ReLU run on x² with one snapshot per entry of ``epochs``: unit j is w2ⱼ·relu(sⱼ·(x − kⱼ))."""
    from nnexplain import Recorder

    model = torch.nn.Sequential(torch.nn.Linear(1, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    x = torch.linspace(-1, 1, 21)[:, None]
    description = {"name": "square", "task": "regress", "domain": [-1.0, 1.0], "function": "square", "formula": "x²"}
    with Recorder(model, tmp_path / "run", probe=(x, x**2), task="regress", dataset=description) as recorder:
        for epoch, units in enumerate(epochs):
            with torch.no_grad():
                for unit, (kink, facing, out) in enumerate(units):
                    model[0].weight[unit, 0], model[0].bias[unit] = facing, -facing * kink
                    model[2].weight[0, unit] = out
                model[2].bias[0] = 0.1
            recorder.snapshot(epoch=epoch)
    return tmp_path / "run"


def _outputs(run) -> torch.Tensor:
    """The network's output on the grid at every stored epoch, by torch from the stored weights (epochs × grid)."""
    rows = []
    for epoch in run.epochs:
        (w1, b1), (w2, b2) = [
            [torch.from_numpy(np.asarray(a, np.float64)) for a in layer] for layer in run.params(epoch)
        ]
        rows.append((torch.relu(GRID[:, None] * w1[:, 0] + b1) @ w2[0] + b2[0]))
    return torch.stack(rows)


def _replay_span(run, steps: int) -> list[int]:

    from nnexplain.geometry.hinges import curve_snapshot
    from nnexplain.scenes.base.fit_replay import FitReplay

    replay = FitReplay()
    replay.run, replay.hinges, replay.replay_steps = run, curve_snapshot(run), steps
    return [s.epoch for s in replay.replay_span()]


@pytest.mark.parametrize("steps", [2, 3])
def test_the_slow_replay_covers_where_the_output_changes_most(steps):
    run = load_run(DATA / "square-relu-3")
    change = (_outputs(run).diff(dim=0)).abs().max(dim=1).values  # per stored step, on a fine grid
    totals = [float(change[i : i + steps].sum()) for i in range(len(change) - steps + 1)]
    span = _replay_span(run, steps)
    first = run.epochs.index(span[0])
    assert span == run.epochs[first : first + steps + 1]
    assert totals[first] >= max(totals) - 1e-3  # the busiest span (the stored grid is coarser than torch's)
    busiest = int(torch.argmax(change))
    assert first <= busiest < first + steps  # the single biggest step is replayed slowly


def test_the_slow_replay_finds_a_late_burst_of_change(tmp_path):
    # Four quiet steps, then unit 2's kink jumps twice: the replay must sit on the jumps, not at the start.
    still = [(-0.5, -1.0, 0.5), (-0.4, -1.0, 0.8), (0.3, 1.0, 0.9)]
    moved = [(-0.5, -1.0, 0.5), (0.2, -1.0, 0.8), (0.3, 1.0, 0.9)]
    further = [(-0.5, -1.0, 0.5), (0.6, -1.0, 0.8), (0.3, 1.0, 0.9)]
    run = load_run(_record(tmp_path, [still] * 5 + [moved, further, further]))
    change = (_outputs(run).diff(dim=0)).abs().max(dim=1).values
    assert float(change[:4].max()) < 1e-9 < float(change[4]) and float(change[5]) > 1e-3
    assert _replay_span(run, 2) == run.epochs[4:7]


@pytest.mark.parametrize("epoch_index", [0, -1])
def test_each_unit_is_named_on_its_kink_and_off_every_other_hinge(epoch_index):
    from nnexplain.mobjects.hinges import FitView
    from nnexplain.mobjects.kink_pins import KinkPins
    from nnexplain.mobjects.style import Theme

    run = load_run(DATA / "square-relu-3")
    epoch = run.epochs[epoch_index]
    view = FitView.from_run(run, epoch=epoch)
    pins = KinkPins(view, [0, 1, 2], Theme())
    hinges = _hinges(run.params(epoch))
    (w1, b1), _ = run.params(epoch)
    panel = view.units_panel
    boxes = []
    for unit, (stem, tag) in enumerate(zip(pins.stems, pins.tags)):
        # The kink: where the unit's input w1x + b1 changes sign on the grid (torch), not −b/w.
        inputs = GRID * float(w1[unit, 0]) + float(b1[unit])
        turns = torch.nonzero(torch.diff(torch.sign(inputs)) != 0).flatten()
        assert len(turns) == 1  # every unit of this run bends inside [−1, 1] at these epochs
        kink = float(GRID[turns[0]])
        assert stem.get_start()[0] == pytest.approx(panel.plot_point(kink, 0)[0], abs=0.01)
        assert tag.get_bottom()[1] >= stem.get_start()[1]  # the name stands above its kink
        left, right, bottom, top = tag.get_left()[0], tag.get_right()[0], tag.get_bottom()[1], tag.get_top()[1]
        for other in range(3):  # no other hinge runs through a name (its own starts at the stem's foot)
            if other == unit:
                continue
            scene = panel.plot_points(GRID.numpy(), hinges[other].numpy())
            inside = (scene[:, 0] > left) & (scene[:, 0] < right) & (scene[:, 1] > bottom) & (scene[:, 1] < top)
            assert not inside.any(), f"unit {other + 1}'s hinge crosses the name of unit {unit + 1} at epoch {epoch}"
        assert all(not (a < right and left < b and c < top and bottom < d) for a, b, c, d in boxes)  # names apart
        boxes.append((left, right, bottom, top))


def _sides_by_torch(run) -> torch.Tensor:
    """Each unit's side at every stored epoch (+1 opens right, −1 left), by torch: the sign of the change of its
    input w1x + b1 from x = −1 to x = 1, through a Linear layer loaded with the stored weights (epochs × units)."""
    layer = torch.nn.Linear(1, 3, dtype=torch.float64)
    rows = []
    for epoch in run.epochs:
        (w1, b1), _ = run.params(epoch)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(np.asarray(w1, np.float64)))
            layer.bias.copy_(torch.from_numpy(np.asarray(b1, np.float64)))
            ends = layer(torch.tensor([[-1.0], [1.0]], dtype=torch.float64))
        rows.append(torch.sign(ends[1] - ends[0]))
    return torch.stack(rows)


def test_the_sides_claim_holds_on_every_stored_snapshot():
    """'These sides were set at the random start, and training never flipped one' is said only when no unit's
    side changes over the stored snapshots (torch the answer key)."""
    from nnexplain.scenes.base.sides_argument import sides_never_flip

    run = load_run(DATA / "square-relu-3")
    sides = _sides_by_torch(run)
    assert len(run.epochs) > 1
    assert sides_never_flip(run) == bool(torch.all(sides == sides[0]) and torch.all(sides != 0))
    assert sides_never_flip(run)  # the run the scene shows: the sentence is said


def test_the_sides_claim_is_not_made_when_a_side_flips(tmp_path):
    from nnexplain.scenes.base.sides_argument import sides_never_flip

    start = [(-0.5, -1.0, 0.5), (0.0, -1.0, 0.5), (0.5, 1.0, 0.5)]
    flipped = [(-0.5, -1.0, 0.5), (0.0, 1.0, 0.5), (0.5, 1.0, 0.5)]
    run = load_run(_record(tmp_path, [start, start, flipped]))
    assert not bool(torch.all(_sides_by_torch(run) == _sides_by_torch(run)[0]))
    assert not sides_never_flip(run)
    assert sides_never_flip(load_run(_record(tmp_path / "kept", [start, start])))


def test_the_start_and_end_sides_shown_are_torchs():
    """The table said with 'In this run, the input-weight signs set the sides at the random start': each unit's side
    at the first stored epoch and the last, as torch finds them (the side the layer rises to from −1 to 1)."""
    from nnexplain.scenes.base.start_sides import start_and_end_sides

    run = load_run(DATA / "square-relu-3")
    first, last = start_and_end_sides(run, run.epochs[-1])
    sides = _sides_by_torch(run).numpy()
    assert np.array_equal(first, sides[0]) and np.array_equal(last, sides[-1])
    assert list(first) == [-1.0, -1.0, 1.0]  # unit 1 left, unit 2 left, unit 3 right, as drawn
