"""relu-square between stored snapshots: the kink dots, the live kink and slope readout, the largest error riding
the curve, and which hinges it says open left or hang below 0. torch, on the stored weights and a fine grid, is the
answer key."""

import numpy as np
import pytest
import torch
from conftest import DATA
from test_hinge_scenes import _setup

from nnexplain.run import load_run

GRID = torch.linspace(-1, 1, 200_001, dtype=torch.float64)


def _torch_params(run, epoch):
    return [[torch.from_numpy(np.asarray(a, np.float64)) for a in layer] for layer in run.params(epoch)]


def _between(run, before: int, after: int, fraction: float):
    """The weights a straight line between two stored epochs passes at ``fraction``, by torch."""
    return [
        [(1 - fraction) * p + fraction * q for p, q in zip(a, b)]
        for a, b in zip(_torch_params(run, before), _torch_params(run, after))
    ]


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    from nnexplain.scenes.relu_square import ReluSquare

    return _setup(ReluSquare, tmp_path_factory.mktemp("scene"), DATA / "square-relu-3")


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.75])
def test_a_frame_between_snapshots_carries_its_own_kinks_and_slopes(scene, fraction):
    """Oracle: the kink is where torch's w1x + b1 changes sign on the grid; the slope is torch's hinge rising over
    the grid where the unit is on."""
    before, after = scene.snapshots[0], scene.snapshots[1]
    frame = scene.hinges_between(before, after, fraction)
    (w1, b1), (w2, _) = _between(scene.run, before.epoch, after.epoch, fraction)
    for unit in range(len(b1)):
        inputs = GRID * w1[unit, 0] + b1[unit]
        turns = torch.nonzero(torch.diff(torch.sign(inputs)) != 0).flatten()
        assert len(frame.kinks[unit]) == len(turns)
        if len(turns):
            assert frame.kinks[unit][0] == pytest.approx(float(GRID[turns[0]]), abs=2e-5)
        values = torch.relu(inputs) * w2[0, unit]
        on = torch.nonzero(inputs > 0).flatten()
        rise = (values[on[-1]] - values[on[0]]) / (GRID[on[-1]] - GRID[on[0]])
        assert frame.slopes[unit] == pytest.approx(float(rise), rel=1e-6, abs=1e-9)


def test_kink_dots_slide_with_the_frame_not_hop_to_the_nearest_snapshot(scene):
    """Drawn halfway and a little before, each dot stands on the frame's own kink (torch's), so between two frames
    the dot moves as little as the kink does."""
    before, after = scene.snapshots[0], scene.snapshots[1]
    view = scene.view if hasattr(scene, "view") else None
    if view is None:
        from nnexplain.mobjects.hinges import FitView

        view = FitView.from_run(scene.run, epoch=before.epoch)
    for fraction in (0.49, 0.51):
        view.show(scene.hinges_between(before, after, fraction), nearest=before if fraction < 0.5 else after)
        (w1, b1), _ = _between(scene.run, before.epoch, after.epoch, fraction)
        for unit, point in view.kink_points.items():
            kink = float(-b1[unit] / w1[unit, 0])
            assert point[0] == pytest.approx(view.units_panel.plot_point(kink, 0)[0], abs=1e-3)


def _numpy_largest_miss(params) -> float:
    """The oracle: max|network − x²| on 2,000,001 evenly spaced points of [−1, 1], the network by plain numpy."""
    (w1, b1), (w2, b2) = [[np.asarray(a, np.float64) for a in layer] for layer in params]
    x = np.linspace(-1.0, 1.0, 2_000_001)
    output = np.maximum(0.0, x[:, None] * w1[:, 0] + b1) @ w2[0] + b2[0]
    return float(np.abs(output - x**2).max())


def test_the_live_largest_error_is_exact_at_stored_and_interpolated_weights(scene):
    """The readout is measured from the weights drawn (stored, or a straight line between two stored epochs), its
    kinks included: it matches a 2,000,001-point evaluation of the same weights, and at the last epoch reads 0.080,
    as every later label does (the 401 stored samples alone give 0.079)."""
    span = scene.replay_span()
    frames = [scene.hinges_between(span[0], span[1], fraction) for fraction in (0.0, 0.37, 0.5)]
    frames += [scene.hinges_between(scene.snapshots[-2], scene.snapshots[-1], 1.0), scene.snapshots[-1]]
    for frame in frames:
        params = frame.params if hasattr(frame, "params") else scene.run.params(frame.epoch)
        miss, at, fitted = scene.frame_miss(frame)
        # The grid can only fall short of the true largest miss (a corner between two points), by at most the
        # miss's steepest slope (under 3) times the spacing, 1e-6.
        oracle = _numpy_largest_miss(params)
        assert oracle - 1e-9 <= miss <= oracle + 3e-6
        assert abs(fitted - at**2) == pytest.approx(miss, abs=1e-12)
    assert f"{scene.frame_miss(scene.snapshots[-1])[0]:.3f}" == "0.080"


def test_the_replay_lines_name_the_held_epochs_numbers(scene):
    """The first replay line is said over the held first epoch: its slope and largest error are the stored
    weights' (torch), to the digits said."""
    span = scene.replay_span()
    (w1, b1), (w2, b2) = _torch_params(scene.run, span[0].epoch)
    x = torch.linspace(-1, 1, 2_000_001, dtype=torch.float64)
    error = float((torch.relu(x[:, None] * w1[:, 0] + b1) @ w2[0] + b2[0] - x**2).abs().max())
    assert f"{error:.3f}" == f"{scene.frame_miss(span[0])[0]:.3f}"


def test_the_output_weight_said_to_turn_positive_does_so_there(scene):
    """Oracle: the stored output weights (safetensors into torch) of the unit named: negative at the start and at
    the stored epoch before the one named, positive at it and at the end."""
    from safetensors.torch import load_file

    snapshots = scene.snapshots
    turn = scene.output_sign_turn(snapshots)
    assert turn is not None
    unit, at, weight = turn

    def w2(epoch):
        return load_file(scene.run.path / scene.run.snapshot(epoch)["file"])["weight.1"][0, unit].item()

    assert w2(snapshots[0].epoch) < 0 and w2(snapshots[at - 1].epoch) < 0
    assert w2(snapshots[at].epoch) == pytest.approx(weight) and weight > 0 and w2(scene.hinges.epoch) > 0


def test_the_units_said_to_open_left_or_hang_below_are_those_that_do():
    """Oracle: on a wide grid, a hinge that opens left is non-zero at the far left and zero at the far right; one
    that hangs below 0 is never above it and somewhere below."""
    from nnexplain.geometry.hinges import facing_units

    run = load_run(DATA / "square-relu-3")
    wide = torch.linspace(-100, 100, 20_001, dtype=torch.float64)
    for epoch in run.epochs[:: max(len(run.epochs) // 5, 1)]:
        (w1, b1), (w2, _) = _torch_params(run, epoch)
        hinges = torch.relu(wide[:, None] * w1[:, 0] + b1).T * w2[0][:, None]
        left = [j for j in range(len(b1)) if hinges[j, 0] != 0 and hinges[j, -1] == 0]
        below = [j for j in range(len(b1)) if hinges[j].max() <= 0 and hinges[j].min() < 0]
        assert facing_units(run.params(epoch)) == (left, below)


def test_the_signs_are_said_of_the_units_that_have_them(scene):
    """The lines name exactly the units torch finds facing left / hanging below at the random start."""
    from nnexplain.geometry.hinges import facing_units

    left, below = facing_units(scene.run.params(scene.snapshots[0].epoch))
    lines = scene.signs_lines(scene.snapshots[0].epoch)
    said = dict((("left" if " left:" in text else "below"), units) for text, units in lines)
    assert said.get("left", []) == left and said.get("below", []) == below
    for text, units in lines:
        assert all(f"nit {unit + 1}" in text for unit in units) and text[0].isupper()
        assert ("weights are" in text) == (len(units) > 1)
    # "for now" exactly when a unit said to hang below ends training with a positive output weight: read by
    # safetensors into torch from the last drawn snapshot's file, not through the run's accessors.
    below_line = [text for text, _ in lines if "below" in text]
    if below_line:
        from safetensors.torch import load_file

        w2_end = load_file(scene.run.path / scene.run.snapshot(scene.hinges.epoch)["file"])["weight.1"]
        ends_positive = bool((w2_end[0, below] > 0).any())
        assert below_line[0].endswith(", for now.") == ends_positive


def test_the_output_bias_is_tagged_off_the_target_curve_and_inside_its_panel(scene):
    """Oracle: x² by torch on a fine grid, mapped into the panel: no point of it under the tag's box."""
    panel = scene.output_panel(scene.snapshots)
    bias = float(scene.snapshots[0].output_bias)
    tag = scene.clear_tag(f"bias {bias:.2f}", panel, scene.snapshots[0].x, bias)
    curve = panel.plot_points(GRID.numpy(), (GRID**2).numpy())
    (x0, y0, _), (x1, y1, _) = tag.get_corner([-1, -1, 0]), tag.get_corner([1, 1, 0])
    assert not np.any((curve[:, 0] > x0) & (curve[:, 0] < x1) & (curve[:, 1] > y0) & (curve[:, 1] < y1))
    box = panel.box
    assert box.get_left()[0] <= x0 and x1 <= box.get_right()[0] and box.get_bottom()[1] <= y0 <= y1 <= box.get_top()[1]
