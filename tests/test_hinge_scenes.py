"""The hinge scenes: last frames, which runs they accept, and what a subclass can change."""

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import DATA, run_cli
from frames import scene_runs

from nnexplain.app.catalog import check_run_suits, get_scene
from nnexplain.errors import RunError
from nnexplain.mobjects.style import Theme
from nnexplain.run import load_run


@pytest.mark.parametrize("scene", ["relu-sine", "relu-square"])
def test_the_scenes_draw_their_recipes_and_refuse_other_runs(scene):
    info = get_scene(scene)
    check_run_suits(info, load_run(DATA / info.recipe).manifest, info.recipe)
    with pytest.raises(
        RunError, match=r"is a 784-16-16-10 classify network with softmax output; the scene needs a 1-…-1 regression"
    ):
        check_run_suits(info, load_run(DATA / "mnist-relu").manifest, "mnist-relu")
    with pytest.raises(RunError, match=r"uses activation 'identity'; the scene shows ReLU hinges and needs relu"):
        check_run_suits(info, load_run(DATA / "sine-linear").manifest, "sine-linear")
    manifest = load_run(DATA / "square-relu-3").manifest
    unsampled = {**manifest, "dataset": {k: v for k, v in manifest["dataset"].items() if k != "domain"}}
    with pytest.raises(RunError, match=r"has no 'domain' \[low, high\] in its data set description"):
        check_run_suits(info, unsampled, "unsampled")


def test_render_refuses_a_classifier_in_one_line(tmp_path):
    result = run_cli("render", "relu-square", "--run", DATA / "mnist-relu", "--format", "png", "--out", tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "scene 'relu-square' cannot draw run" in result.stderr


def _setup(scene_class: type, tmp_path: Path, run_dir: Path, further: dict | None = None, **attributes):
    from manim import tempconfig

    with tempconfig({"media_dir": str(tmp_path), "verbosity": "ERROR"}):
        scene = type(scene_class.__name__, (scene_class,), attributes)()
        scene.bind(scene_runs(scene_class, run_dir, **(further or {})))
        scene.setup()
    return scene


def test_relu_sine_refuses_a_relu_run_as_its_linear_run():
    from nnexplain.scenes.relu_sine import ReluSine

    with pytest.raises(RunError, match=r"cannot use .*sine-relu as its linear run: it uses activation 'relu'"):
        scene_runs(ReluSine, DATA / "sine-relu", linear=DATA / "sine-relu")
    with pytest.raises(RunError, match=r"cannot use .*square-relu-3 as its linear run"):
        scene_runs(ReluSine, DATA / "sine-relu", linear=DATA / "square-relu-3")


def test_relu_sine_draws_the_linear_run_it_is_handed(tmp_path):
    from nnexplain.scenes.relu_sine import ReluSine

    scene = _setup(ReluSine, tmp_path, DATA / "sine-relu", {"linear": DATA / "sine-linear"})
    assert scene.linear_run.path == DATA / "sine-linear"
    assert [s.epoch for s in scene.linear_sweep] == load_run(DATA / "sine-linear").epochs


def test_a_subclass_picks_snapshots_colours_and_timing(tmp_path):
    from nnexplain.mobjects.hinges import FitView
    from nnexplain.scenes.relu_square import ReluSquare

    palette = ("#FF0000", "#00FF00", "#0000FF")
    run = load_run(DATA / "square-relu-3")
    scene = _setup(
        ReluSquare,
        tmp_path,
        DATA / "square-relu-3",
        theme=replace(Theme(), palette=palette),
        sweep_snapshots=3,
        hinge_epoch=run.epochs[-2],
    )
    # evenly over the 7 recorded snapshots up to the chosen one
    assert [s.epoch for s in scene.snapshots] == [0, run.epochs[3], run.epochs[-2]]
    assert scene.hinges.epoch == run.epochs[-2]
    panel = scene.units_panel(scene.snapshots)
    view = FitView(scene.hinges, panel, panel, scene.theme)
    assert [curve.get_stroke_color().to_hex().upper() for curve in view.unit_curves] == list(palette)


def test_a_fit_view_from_a_run_is_ready_for_any_scene():
    from nnexplain.mobjects import FitView

    run = load_run(DATA / "square-relu-3")
    view = FitView.from_run(run, epoch=run.epochs[-1])
    assert len(view.unit_curves) == 3 and view.units_panel in view.submobjects
    assert view.output_panel.box.get_top()[1] < view.units_panel.box.get_bottom()[1]  # stacked, output below
    visible = [dot for dot in view.kink_dots if dot.get_fill_opacity() > 0]
    assert len(visible) == 3  # the recipe's three kinks all lie inside [-1, 1]


def _one_hidden_layer_run(tmp_path: Path, kinks_and_slopes: list[tuple[float, float, float]]) -> Path:
    """A 1-n-1 ReLU run on x² recorded from set weights: unit j is w2ⱼ·relu(sⱼ·(x − kⱼ))."""
    import torch

    from nnexplain import Recorder

    model = torch.nn.Sequential(
        torch.nn.Linear(1, len(kinks_and_slopes)), torch.nn.ReLU(), torch.nn.Linear(len(kinks_and_slopes), 1)
    )
    with torch.no_grad():
        for unit, (kink, facing, out) in enumerate(kinks_and_slopes):
            model[0].weight[unit, 0], model[0].bias[unit] = facing, -facing * kink
            model[2].weight[0, unit] = out
        model[2].bias[0] = 0.1
    x = torch.linspace(-1, 1, 21)[:, None]
    description = {"name": "square", "task": "regress", "domain": [-1.0, 1.0], "function": "square", "formula": "x²"}
    with Recorder(model, tmp_path / "run", probe=(x, x**2), task="regress", dataset=description) as recorder:
        recorder.snapshot(epoch=0)
    return tmp_path / "run"


def test_hinges_whose_kink_lies_outside_the_data_are_named_with_what_they_add(tmp_path):
    """A run built with one hinge bending at x = 70 (off on [-1, 1]: adds 0) and one at x = -5 (on: adds a line)."""
    import torch

    from nnexplain.geometry.hinges import curve_snapshot, quiet_units

    run_dir = _one_hidden_layer_run(tmp_path, [(-0.5, 1.0, 1.0), (70.0, 1.0, 2.0), (-5.0, 1.0, 0.3), (0.4, -1.0, 0.5)])
    run = load_run(run_dir)
    quiet = quiet_units(curve_snapshot(run), run.params())
    assert [(q.unit, q.adds) for q in quiet] == [(1, "0"), (2, "a straight line")]
    assert [q.kink for q in quiet] == [pytest.approx(70.0), pytest.approx(-5.0)]
    # torch as the answer key: on [-1, 1] unit 1 is 0 and unit 2 is straight and not 0
    x = torch.linspace(-1, 1, 101)[:, None]
    weight, bias = (torch.from_numpy(a) for a in run.params()[0])
    hidden = torch.relu(x @ weight.T + bias)
    assert torch.all(hidden[:, 1] == 0) and torch.all(hidden[:, 2] > 0)
    assert torch.allclose(torch.diff(hidden[:, 2], 2), torch.zeros(99), atol=1e-5)


def test_relu_square_says_how_many_hinges_bend_and_names_the_others(tmp_path):
    from nnexplain.scenes.relu_square import ReluSquare

    fixture = _setup(ReluSquare, tmp_path / "a", DATA / "square-relu-3")
    weight, bias = fixture.run.params()[0]
    assert np.all(np.abs(-bias / weight[:, 0]) < 1)  # the recipe's run: three kinks inside [-1, 1]
    assert fixture.bending == 3 and fixture.quiet == []
    built = _setup(
        ReluSquare,
        tmp_path / "b",
        _one_hidden_layer_run(tmp_path, [(-0.5, 1.0, 1.0), (70.0, 1.0, 2.0), (0.4, -1.0, 0.5)]),
    )
    assert built.bending == 2
    assert built.quiet_unit_line(1) == "Unit 2 bends at x = 70, outside [−1, 1]: here it adds 0."
    assert built.quiet_unit_line(0) is None


def test_the_best_error_of_n_straight_pieces_beats_every_other_choice_of_knots():
    """Oracle: for random knots, the least max error (a linear programme over the heights) is never below it."""
    from scipy.optimize import linprog

    from nnexplain.geometry.hinges import best_piecewise_error

    best = best_piecewise_error(np.square, (-1.0, 1.0), 4)
    assert best == pytest.approx(1 / 32, rel=1e-4)  # h²·max|f''|/16 with h = 1/2

    x = np.linspace(-1, 1, 401)

    def least_error(knots: np.ndarray) -> float:
        ends = np.concatenate([[-1.0], np.sort(knots), [1.0]])
        basis = np.stack([np.interp(x, ends, np.eye(len(ends))[i]) for i in range(len(ends))], axis=1)
        ones = np.ones((len(x), 1))  # minimise e subject to |basis·v − x²| ≤ e
        a = np.block([[basis, -ones], [-basis, -ones]])
        b = np.concatenate([x**2, -(x**2)])
        result = linprog(np.r_[np.zeros(len(ends)), 1.0], A_ub=a, b_ub=b, bounds=[(None, None)] * (len(ends) + 1))
        return result.fun

    assert least_error(np.array([-0.5, 0.0, 0.5])) == pytest.approx(best, rel=1e-3)
    rng = np.random.default_rng(0)
    assert min(least_error(rng.uniform(-1, 1, 3)) for _ in range(60)) >= best - 1e-6


def test_pieces_narrower_than_a_hundredth_of_the_interval_are_slivers():
    from nnexplain.geometry.hinges import straight_pieces

    assert straight_pieces(np.array([-0.5, 0.0, 0.005]), (-1.0, 1.0)) == (4, 1)
    assert straight_pieces(np.array([]), (-1.0, 1.0)) == (1, 0)
    assert straight_pieces(np.array([0.5, -0.5]), (-1.0, 1.0)) == (3, 0)


def test_the_drawn_best_fit_of_joined_pieces_is_as_good_as_a_brute_force_search_can_find():
    """Oracle: over a grid of knot choices, a linear programme finds the least max error of joined pieces on a fine
    grid; the fit the scene draws (measured on its own) must match it, and never be beaten."""
    from scipy.optimize import linprog

    from nnexplain.geometry.hinges import best_joined_fit

    x = np.linspace(-1, 1, 801)

    def least_error(knots: np.ndarray) -> float:
        ends = np.concatenate([[-1.0], knots, [1.0]])
        basis = np.stack([np.interp(x, ends, np.eye(len(ends))[i]) for i in range(len(ends))], axis=1)
        ones = np.ones((len(x), 1))  # minimise e subject to |basis·heights − x²| ≤ e
        a = np.block([[basis, -ones], [-basis, -ones]])
        b = np.concatenate([x**2, -(x**2)])
        result = linprog(np.r_[np.zeros(len(ends)), 1.0], A_ub=a, b_ub=b, bounds=[(None, None)] * (len(ends) + 1))
        return result.fun

    fit = best_joined_fit(np.square, (-1.0, 1.0), 4)
    fine = np.linspace(-1, 1, 200_001)
    assert fit.error == pytest.approx(np.max(np.abs(np.interp(fine, fit.knots, fit.heights) - fine**2)), rel=1e-6)
    grid = np.linspace(-0.9, 0.9, 10)
    searched = min(least_error(np.array(k)) for k in itertools.combinations(grid, 3))
    searched = min(searched, least_error(np.array([-0.5, 0.0, 0.5])))
    assert fit.error == pytest.approx(searched, rel=2e-3)  # nothing on the grid does better than what is drawn
    assert best_joined_fit(np.sin, (-np.pi, np.pi), 4) is None  # no closed form when the curvature varies


def test_a_hinge_is_what_the_run_stored_for_its_unit():
    from nnexplain.geometry.hinges import hinge

    run = load_run(DATA / "square-relu-3")
    for epoch in (run.epochs[0], run.epochs[-1]):
        (w1, b1), (w2, _) = run.params(epoch)
        x = run.tensors(epoch)["curve.x"].astype(np.float64)
        for unit, stored in enumerate(run.tensors(epoch)["curve.units"]):
            expected = torch.relu(torch.from_numpy(x) * float(w1[unit, 0]) + float(b1[unit])) * float(w2[0, unit])
            np.testing.assert_allclose(hinge(x, w1[unit, 0], b1[unit], w2[0, unit]), expected.numpy(), atol=1e-6)
            np.testing.assert_allclose(stored, expected.numpy(), atol=1e-5)


def test_relu_sine_marks_every_kink_of_the_stored_output_and_its_slivers(tmp_path):
    """Oracle: the stored network evaluated by torch on a 200,001-point grid; a kink is where its second difference
    leaves 0 (changes sign away from it); the marked kinks, pieces and slivers must be exactly those."""
    from nnexplain.scenes.relu_sine import SLIVER_FRACTION, ReluSine

    scene = _setup(ReluSine, tmp_path, DATA / "sine-relu", {"linear": DATA / "sine-linear"})
    kinks, slivers = scene.piece_marks()
    low, high = scene.domain
    x = np.linspace(low, high, 200_001)
    a = torch.from_numpy(x[:, None])
    params = scene.run.params(scene.hinges.epoch)
    with torch.no_grad():
        for depth, (weight, bias) in enumerate(params):
            a = a @ torch.from_numpy(weight.astype(np.float64)).T + torch.from_numpy(bias.astype(np.float64))
            if depth < len(params) - 1:
                a = torch.relu(a)
    second = np.diff(a.numpy()[:, 0], 2)
    bent = np.flatnonzero(np.abs(second) > 1e-12) + 1  # grid points next to a kink
    clusters = np.split(bent, np.flatnonzero(np.diff(bent) > 1) + 1)
    assert len(kinks) == len(clusters) > 5
    for kink, cluster in zip(kinks, clusters):
        assert x[cluster[0] - 1] <= kink <= x[cluster[-1] + 1]
    found = np.array([x[c].mean() for c in clusters])
    widths = np.diff(np.concatenate([[low], found, [high]]))
    assert len(slivers) == int(np.sum(widths < SLIVER_FRACTION * (high - low))) > 0


def test_relu_square_draws_every_training_frame_from_weights_so_a_hinge_bends_once(tmp_path):
    """Oracle: at the snapshots, the frames are the run's stored curves; between them, each unit's drawn values have
    at most one kink (second differences non-zero in one place), which mixing two drawn hinges would not give."""
    from nnexplain.scenes.relu_square import ReluSquare

    scene = _setup(ReluSquare, tmp_path, DATA / "square-relu-3")
    before, after = scene.snapshots[0], scene.snapshots[1]
    for snapshot, fraction in ((before, 0.0), (after, 1.0)):
        frame = scene.hinges_between(before, after, fraction)
        np.testing.assert_allclose(frame.units, snapshot.units, atol=1e-5)
        np.testing.assert_allclose(frame.output, snapshot.output, atol=1e-5)
    mixed = 0
    for fraction in np.linspace(0.05, 0.95, 7):
        frame = scene.hinges_between(before, after, fraction)
        for values in frame.units:
            slopes = np.diff(values) / np.diff(frame.x)  # the stored grid is float32: not quite even
            bends = np.flatnonzero(np.abs(np.diff(slopes)) > 1e-3 * max(np.max(np.abs(slopes)), 1e-9))
            assert len(bends) == 0 or bends[-1] - bends[0] <= 1  # one kink: one or two neighbouring grid points
        mixed += np.any(np.abs(frame.units - ((1 - fraction) * before.units + fraction * after.units)) > 1e-4)
    assert mixed  # the frames differ from mixing the drawn curves: the test can tell the two apart


def test_the_hinge_scenes_say_what_the_run_was_trained_on_and_what_the_dots_are(tmp_path):
    """Oracle: the data set rebuilt from its own description (load_dataset) — how many training samples, drawn at
    random (not evenly spaced) — and the probe points the dots are drawn from, which lie on the target."""
    from nnexplain.data import load_dataset
    from nnexplain.data.curves import target_function
    from nnexplain.scenes.relu_sine import ReluSine

    scene = _setup(ReluSine, tmp_path, DATA / "sine-relu", {"linear": DATA / "sine-linear"})
    description = scene.run.dataset
    data = load_dataset(description["name"], train=description["train"], val=description["val"])
    train_x = data.x_train[:, 0].astype(np.float64)
    assert np.ptp(np.diff(train_x)) > 1e-3  # random, not a grid
    probe_x = scene.run.probe["inputs"][:, 0].astype(np.float64)
    np.testing.assert_allclose(scene.run.probe["labels"][:, 0], target_function(description)(probe_x), atol=1e-5)
    said = scene.data_text()
    assert f"{len(train_x):,} random samples" in said and f"the dots mark {len(probe_x)} points" in said


def test_relu_square_calls_its_dots_evenly_spaced_and_its_samples_random_only_when_they_are(tmp_path):
    """Oracle: the data set rebuilt from its own description (load_dataset): its training x are not a grid, and
    the probe's x, which the dots are drawn from, are (equal steps, up to the rounding they are stored with)."""
    from nnexplain.data import load_dataset
    from nnexplain.scenes.relu_square import ReluSquare

    scene = _setup(ReluSquare, tmp_path, DATA / "square-relu-3")
    description = scene.run.dataset
    data = load_dataset(description["name"], train=description["train"], val=description["val"])
    train_x = np.sort(data.x_train[:, 0].astype(np.float64))
    probe_x = scene.run.probe["inputs"][:, 0].astype(np.float64)
    steps, probe_steps = np.diff(train_x), np.diff(probe_x)
    assert np.ptp(steps) > np.mean(steps)  # random: gaps from nearly 0 to several times the mean
    assert np.ptp(probe_steps) < 0.1 * np.mean(probe_steps)  # evenly spaced (the stored x are rounded to 0.005)
    said = scene.data_text()
    assert f"{len(train_x):,} random samples" in said and f"{len(probe_x)} evenly spaced points" in said


def test_relu_sine_best_line_is_numpys_least_squares_fit_of_the_training_samples(tmp_path):
    """Oracle: numpy.polyfit on the data set rebuilt from the run's description, and its largest miss of sin x
    on a 200,001-point grid (the stored curve's grid includes the ends, where a line misses sin x most)."""
    from nnexplain.data import load_dataset
    from nnexplain.scenes.relu_sine import ReluSine

    scene = _setup(ReluSine, tmp_path, DATA / "sine-relu", {"linear": DATA / "sine-linear"})
    description = scene.run.dataset
    data = load_dataset(description["name"], train=description["train"], val=description["val"])
    expected = np.polyfit(data.x_train[:, 0].astype(np.float64), data.y_train[:, 0].astype(np.float64), 1)
    slope, intercept, error = scene.best_line()
    np.testing.assert_allclose([slope, intercept], expected, rtol=1e-9, atol=1e-12)
    x = np.linspace(*scene.domain, 200_001)
    assert error == pytest.approx(np.max(np.abs(np.polyval(expected, x) - np.sin(x))), abs=1e-4)


def test_relu_sine_training_plays_every_snapshot_until_the_output_has_made_most_of_its_moves(tmp_path):
    """Oracle: the stored output curves read straight from the snapshots; the first stretch holds every recorded
    snapshot until the output has moved 80% of its total (largest change per step), none skipped."""
    from nnexplain.scenes.relu_sine import ReluSine
    from nnexplain.scenes.relu_sine_layers import FORMED_SHARE

    # One snapshot after the stretch, so a sweep that spread its snapshots evenly would show here.
    scene = _setup(ReluSine, tmp_path, DATA / "sine-relu", {"linear": DATA / "sine-linear"}, later_snapshots=1)
    run = scene.run
    curves = [run.tensors(epoch)["curve.y"].astype(np.float64) for epoch in run.epochs]
    moved = np.cumsum([np.max(np.abs(b - a)) for a, b in zip(curves, curves[1:])])
    formed = next(i for i, m in enumerate(moved) if m >= FORMED_SHARE * moved[-1]) + 1  # snapshot index reached
    epochs = [s.epoch for s in scene.relu_sweep]
    assert epochs == run.epochs[: formed + 1] + [run.epochs[-1]] and formed + 1 < len(run.epochs) - 1


def test_ticks_and_readout_follow_the_sweep_and_stand_on_the_panel_at_each_snapshot():
    """Oracle: the panel's own linear map from x to the frame; at each step's end the ticks stand exactly at that
    snapshot's kinks (those outside the interval hidden), and the readout shows that snapshot's text."""
    from manim import Text

    from nnexplain.mobjects.hinges import CurvePanel
    from nnexplain.mobjects.slot_text import SlotText
    from nnexplain.mobjects.sweep_marks import AxisTicks, MarksSweep, spread_positions

    theme = Theme()
    panel = CurvePanel((-2.0, 2.0), (-1.0, 1.0), theme, 6.0, 2.0, x_labels=False)
    kinks = [np.array([-1.5, 0.0, 5.0]), np.array([-1.0, 0.5, 1.9]), np.array([1.0, 1.5, -3.0])]
    texts = [Text(t) for t in ("a", "bb", "ccc")]
    ticks, readout = AxisTicks(panel, kinks[0], theme.muted), SlotText(texts[0], slots=3)
    sweep = MarksSweep(ticks, readout, kinks, texts, weights=np.array([1.0, 3.0]))
    left, width = panel.box.get_left()[0], panel.box.width
    for alpha, index in ((0.0, 0), (0.25, 1), (1.0, 2)):
        sweep.interpolate_mobject(alpha)
        for tick, x in zip(ticks, kinks[index]):
            inside = -2 < x < 2
            assert tick.get_stroke_opacity() == (1 if inside else 0)
            if inside:
                assert tick.get_start()[0] == pytest.approx(left + (x + 2) / 4 * width)
                assert tick.get_start()[1] == pytest.approx(panel.box.get_bottom()[1])
        assert len([s for s in readout.slots if len(s.points)]) == index + 1
    spread = spread_positions(np.array([0.0, 0.01, 0.02, 3.0]), 0.5)
    assert np.all(np.diff(spread) >= 0.5 - 1e-9) and spread[-1] == 3.0
    assert np.mean(spread[:3]) == pytest.approx(0.01)


def test_a_shown_weight_and_bias_give_the_shown_kink_when_divided():
    """Oracle: the shown strings parsed back and divided (−bias/weight), rounded as the kink is shown; and the
    shown kink is the true kink rounded. Unit 2 of the run (−1.0064, −0.2364) needs a third digit."""
    from nnexplain.scenes.base.mirror_turn import weight_bias_kink

    def value(text: str) -> float:
        return float(text.replace("\u2212", "-"))

    rng = np.random.default_rng(7)
    weights = rng.choice([-1, 1], 300) * rng.uniform(0.02, 2, 300)
    cases = [(-1.0063838, -0.23641631)] + [(w, -w * k) for w, k in zip(weights, rng.uniform(-1, 1, 300))]
    for weight, bias in cases:  # kinks inside the interval, as drawn
        w, b, kink = weight_bias_kink(weight, bias)
        assert round(-value(b) / value(w), 2) == pytest.approx(value(kink), abs=1e-9)
        assert value(kink) == pytest.approx(-bias / weight, abs=0.005 + 1e-9)
    assert weight_bias_kink(-1.0063838, -0.23641631) == ("\u22121.006", "\u22120.236", "\u22120.23")
