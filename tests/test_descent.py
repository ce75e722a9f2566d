"""The descent scene draws the stored landscape: its path points are the snapshots' projections, its curve the
stored loss along one weight, its arrows the stored gradients; it reads the landscape, never computes it."""

import shutil

import numpy as np
import pytest
from conftest import DATA, run_cli
from frames import check_frame, render_for_test
from test_cli import assert_user_error

from nnexplain.app.catalog import check_run_suits, get_scene
from nnexplain.errors import RunError
from nnexplain.geometry.contours import contour_segments, log_levels
from nnexplain.mobjects.landscape import GradientFan, LandscapePlot, loss_colors
from nnexplain.mobjects.style import Theme
from nnexplain.run import load_run
from nnexplain.run.landscape import read_landscape


@pytest.fixture(scope="module")
def landscape_run(tmp_path_factory):
    """The mnist fixture, copied, with its landscape stored as `nnexplain landscape` stores it."""
    from fixture_runs import with_landscape

    return with_landscape(DATA / "mnist-sigmoid", tmp_path_factory.mktemp("descent"))


@pytest.fixture(scope="module")
def landscape(landscape_run):
    return read_landscape(load_run(landscape_run))


def _flat(params):
    return np.concatenate([np.concatenate([w.ravel(), b.ravel()]) for w, b in params]).astype(np.float64)


def test_each_plotted_path_point_is_the_projection_of_a_stored_snapshot(landscape, landscape_run):
    run = load_run(landscape_run)
    plot = LandscapePlot(landscape, Theme(), width=5.9, height=5.0).shift([-3.35, -0.55, 0])
    plot.show_path(len(run.epochs) - 1)
    drawn = plot.coords_of(np.array([dot.get_center() for dot in plot.path_dots]))
    final, directions = _flat(run.params()), landscape["plane.directions"]
    projections = np.array([directions @ (_flat(run.params(epoch)) - final) for epoch in run.epochs])
    np.testing.assert_allclose(drawn, projections, atol=1e-6 * np.abs(projections).max())
    corners = plot.path_line.get_anchors()
    np.testing.assert_allclose(
        plot.coords_of(corners)[[0, -1]], projections[[0, -1]], atol=1e-6 * np.abs(projections).max()
    )


def test_contours_lie_on_their_level_and_colours_rise_with_the_loss(landscape):
    loss = landscape["grid.loss"]
    level = log_levels(loss, 12)[5]
    segments = contour_segments(loss, level).reshape(-1, 2)
    i, j = np.floor(segments).astype(int).T
    i, j = np.minimum(i, loss.shape[0] - 2), np.minimum(j, loss.shape[1] - 2)
    fi, fj = segments[:, 0] - i, segments[:, 1] - j
    bilinear = (
        loss[i, j] * (1 - fi) * (1 - fj)
        + loss[i + 1, j] * fi * (1 - fj)
        + loss[i, j + 1] * (1 - fi) * fj
        + loss[i + 1, j + 1] * fi * fj
    )
    np.testing.assert_allclose(bilinear, level, rtol=1e-9)  # on a cell edge the interpolation is exact
    shades = loss_colors(
        np.array([loss.min(), np.sqrt(loss.min() * loss.max()), loss.max()]), loss.min(), loss.max()
    ).sum(axis=1)
    assert shades[0] < shades[1] < shades[2]


def test_the_fan_draws_true_angles_and_relative_lengths(landscape):
    fan = GradientFan(
        float(landscape["stochastic.full_norm"][0]),
        landscape["stochastic.batch_norm"][0],
        landscape["stochastic.angles"][0],
        Theme(),
    )
    full = fan.full.get_end() - fan.full.get_start()
    for arrow, norm, angle in zip(
        fan.batches, landscape["stochastic.batch_norm"][0], landscape["stochastic.angles"][0]
    ):
        vector = arrow.get_end() - arrow.get_start()
        cosine = vector @ full / np.linalg.norm(vector) / np.linalg.norm(full)
        assert np.degrees(np.arccos(cosine)) == pytest.approx(angle, abs=1e-6)
        assert np.linalg.norm(vector) / np.linalg.norm(full) == pytest.approx(
            norm / landscape["stochastic.full_norm"][0], rel=1e-6
        )


def test_the_scene_refuses_runs_without_a_path(landscape_run):
    info = get_scene("descent")
    assert info.needs_landscape and info.recipe == "mnist"
    check_run_suits(info, load_run(landscape_run).manifest, "mnist")
    check_run_suits(info, load_run(DATA / "mnist-sigmoid").manifest, "mnist-sigmoid")  # computed when it renders
    with pytest.raises(
        RunError, match="has 2 snapshots; a loss landscape needs a recorded training path of at least 3"
    ):
        check_run_suits(info, load_run(DATA / "spiral").manifest, "spiral")


def test_render_computes_a_missing_landscape_once_and_refuses_a_single_snapshot(tmp_path):
    shutil.copytree(DATA / "mnist-sigmoid", tmp_path / "run")
    done = run_cli(
        "render",
        "descent",
        "--run",
        tmp_path / "run",
        "--format",
        "png",
        "--resolution",
        "320x180",
        "--out",
        tmp_path / "out",
    )
    assert done.returncode == 0, done.stderr
    assert (
        "landscape" in load_run(tmp_path / "run").manifest and (tmp_path / "run" / "landscape-v2.safetensors").exists()
    )
    assert_user_error(run_cli("render", "descent", "--run", DATA / "square-relu-3" / "nope"), "no run directory")
    from test_import import _fixture_weights

    from nnexplain.train.importer import import_weights

    imported = import_weights(
        _fixture_weights(DATA / "mnist-sigmoid", tmp_path / "w.npz"), "sigmoid", tmp_path / "imported"
    )
    assert_user_error(
        run_cli("render", "descent", "--run", imported),
        "cannot draw run",
        "has 1 snapshot (an imported run holds only its final weights)",
    )


def test_the_scene_reads_the_landscape_and_shows_its_numbers(tmp_path, landscape):
    """A scene handed a run without its landscape fails with the one-line message: scenes never compute it."""
    from nnexplain.scenes.base.runs import SceneRuns
    from nnexplain.scenes.descent import Descent

    shutil.copytree(DATA / "mnist-sigmoid", tmp_path / "run")
    scene = Descent()
    scene.bind(SceneRuns(load_run(tmp_path / "run")))
    with pytest.raises(RunError, match="has no loss landscape yet; compute it with `nnexplain landscape"):
        scene.setup()
    assert not (tmp_path / "run" / "landscape-v2.safetensors").exists()


def _torch_cost_and_gradient(run, flat, x, y):
    """C over (x, y) of the network holding ``flat`` and its gradient, from torch autograd: the answer key."""
    import torch
    from conftest import torch_model

    model = torch_model(run).double()
    with torch.no_grad():
        torch.nn.utils.vector_to_parameters(torch.from_numpy(np.asarray(flat, np.float64)), model.parameters())
    cost = torch.nn.functional.cross_entropy(model(torch.from_numpy(np.asarray(x, np.float64))), torch.from_numpy(y))
    cost.backward()
    return cost.item(), torch.cat([p.grad.flatten() for p in model.parameters()]).numpy()


@pytest.fixture(scope="module")
def start_data(landscape_run, landscape):
    from test_landscape import _subset

    run = load_run(landscape_run)
    x, y = _subset(run, landscape)
    return run, _flat(run.params(run.epochs[0])), np.asarray(x, np.float64).reshape(len(x), -1), np.asarray(y)


def test_each_drawn_step_is_w_minus_eta_times_autograds_slope(landscape, start_data):
    """The rolling dot's steps and every compared rate's: w − η·∂C/∂w, ∂C/∂w and C from torch at each w."""
    run, start, x, y = start_data
    index, lr = landscape.info["start"]["weight"]["index"], landscape.info["start"]["lr"]
    assert lr == run.manifest["config"]["lr"]
    values, losses = landscape["start.roll_values"], landscape["start.roll_loss"]
    assert values[0] == start[index]
    paths = [(lr, values, losses, [0, 1, 2, len(values) - 2])]
    paths += [
        (rate, v, c, range(len(v) - 1))
        for rate, v, c in zip(*(landscape[k] for k in ("start.rates", "start.rate_values", "start.rate_loss")))
    ]
    for rate, path, costs, steps in paths:
        for k in steps:
            flat = start.copy()
            flat[index] = path[k]
            cost, gradient = _torch_cost_and_gradient(run, flat, x, y)
            assert costs[k] == pytest.approx(cost, rel=1e-9)
            assert path[k + 1] == pytest.approx(path[k] - rate * gradient[index], rel=1e-9, abs=1e-12)


def test_the_rates_are_too_small_right_and_a_real_overshoot(landscape, start_data):
    """Too large: its first step lands past the bottom, where torch's C is higher than at the start; about right:
    C never rises; too small: the run's own η, which moves w least."""
    run, start, x, y = start_data
    index = landscape.info["start"]["weight"]["index"]
    rates, values = landscape["start.rates"], landscape["start.rate_values"]
    assert rates[0] == run.manifest["config"]["lr"] and rates[0] < rates[1] < rates[2]
    landed = start.copy()
    landed[index] = values[2, 1]
    assert _torch_cost_and_gradient(run, landed, x, y)[0] > _torch_cost_and_gradient(run, start, x, y)[0]
    bottom = values[0, 0] + (values[1, -1] - values[0, 0])  # where the right rate settles
    assert (values[2, 1] - bottom) * (values[0, 0] - bottom) < 0  # on the other side of the bottom
    assert np.all(np.diff(landscape["start.rate_loss"][1]) <= 0)
    assert abs(values[0, -1] - values[0, 0]) < abs(values[1, -1] - values[1, 0])


def test_the_first_costs_are_torchs_cross_entropy_of_the_untrained_network(landscape, start_data):
    import torch
    from conftest import torch_model

    run, start, x, y = start_data
    model = torch_model(run, run.epochs[0]).double()
    with torch.no_grad():
        logits = model(torch.from_numpy(x))
        each = torch.nn.functional.cross_entropy(logits, torch.from_numpy(y), reduction="none").numpy()
        shown = len(landscape["start.example_outputs"])
        np.testing.assert_allclose(landscape["start.example_outputs"], logits.softmax(1).numpy()[:shown], rtol=1e-9)
    np.testing.assert_allclose(landscape["start.losses"], each, rtol=1e-9)
    assert landscape["start.losses"].mean() == pytest.approx(landscape["path.loss"][0], rel=1e-9)
    # the weight drawn is the one torch finds steepest at the start (biases aside)
    _, gradient = _torch_cost_and_gradient(run, start, x, y)
    is_weight = np.concatenate([np.full(w.size + b.size, True) for w, b in run.params(0)])
    at = 0
    for w, b in run.params(0):
        is_weight[at + w.size : at + w.size + b.size] = False
        at += w.size + b.size
    assert landscape.info["start"]["weight"]["index"] == int(np.argmax(np.where(is_weight, np.abs(gradient), -1)))


def test_zigzag_steps_are_mini_batch_and_full_batch_gradient_steps(landscape_run, start_data):
    """Each mini-batch step is θ − η·∇C(batch) and each full step θ − η·∇C(all), from torch; the drawn coordinates
    are the paths projected on an orthonormal plane whose first axis is the full path's direction."""
    from nnexplain.geometry.descent_steps import zigzag

    run, start, x, y = start_data
    found = zigzag(run.params(run.epochs[0]), 0.5, 64, 3, run.activation, run.output, x, y, x, y)
    for k in range(3):
        rows = found.indices[k]
        _, batch = _torch_cost_and_gradient(run, found.batch_path[k], x[rows], y[rows])
        np.testing.assert_allclose(found.batch_path[k + 1], found.batch_path[k] - 0.5 * batch, rtol=1e-9, atol=1e-12)
        cost, full = _torch_cost_and_gradient(run, found.full_path[k], x, y)
        np.testing.assert_allclose(found.full_path[k + 1], found.full_path[k] - 0.5 * full, rtol=1e-9, atol=1e-12)
        assert found.full_loss[k] == pytest.approx(cost, rel=1e-9)
    assert found.full_coords[-1, 1] == pytest.approx(0, abs=1e-12)  # the full path ends on the first axis
    moved = found.full_path[-1] - found.full_path[0]
    assert found.full_coords[-1, 0] == pytest.approx(np.linalg.norm(moved), rel=1e-9)
    assert 0 < found.captured <= 1


def test_the_narration_states_the_slope_and_the_steps(tmp_path, landscape_run, landscape):
    from test_speaker_notes import storyboard

    narration = {beat.name: beat.narration for beat in storyboard("descent", landscape_run, tmp_path).beat_log}
    slope = landscape["start.roll_slope"][0]
    lr = landscape.info["start"]["lr"]
    assert f"∂C/∂w, is {slope:+.3g}:".replace("-", "−") in narration["one weight"]
    assert f"step 1 moves w by {-lr * slope:+.3g}.".replace("-", "−") in narration["rolling down"]
    assert f"C rises to {landscape['start.rate_loss'][2, 1]:.3f}. Too large." in narration["learning rates"]


def test_each_path_dot_wears_the_colour_bar_colour_of_its_own_cost(landscape):
    """One colour, one meaning: a snapshot's dot has the colour the bar shows at its own C (read off the bar's
    cells, not recomputed), which is not in general the colour of the map under it."""
    from manim import ManimColor

    from nnexplain.mobjects.descent import ColourBar

    grid = landscape["grid.loss"]
    plot = LandscapePlot(landscape, Theme(), own_colours=True)
    plot.show_path(len(landscape["path.coords"]) - 1)
    bar = ColourBar(float(grid.min()), float(grid.max()), Theme(), 4.8, 16)
    cells = np.geomspace(grid.min(), grid.max(), len(bar.strip))
    for dot, own in zip(plot.path_dots, landscape["path.loss"]):
        nearest = bar.strip[int(np.argmin(np.abs(np.log(cells) - np.log(own))))]
        drawn = np.array(ManimColor(dot.get_fill_color()).to_rgb())
        shown = np.array(ManimColor(nearest.get_fill_color()).to_rgb())
        assert np.abs(drawn - shown).max() < 0.06, (own, drawn, shown)


def test_the_rolling_dot_slows_down_as_its_steps_shrink(landscape):
    """The dot passes through the stored steps at an equal time each, so its speed on screen is the steps' length:
    fast at the steep start, slow near the bottom; each step leaves a dot where it landed."""
    from manim import Dot, VGroup

    from nnexplain.mobjects.descent import StepRoll
    from nnexplain.mobjects.hinges import CurvePanel

    values, losses = landscape["start.roll_values"], landscape["start.roll_loss"]
    panel = CurvePanel((values.min(), values.max()), (losses.min(), losses.max()), Theme(), 8.0, 3.6)
    points = panel.plot_points(values, losses)
    dot, trail = Dot(points[0]), VGroup()
    roll = StepRoll(dot, points, trail, "#FFFFFF", run_time=8.0)
    roll.begin()
    frames = np.linspace(0, 1, 8 * 15 + 1)  # 15 frames a second
    drawn = []
    for alpha in frames:
        roll.interpolate(alpha)
        drawn.append(dot.get_center().copy())
    speed = np.linalg.norm(np.diff(drawn, axis=0), axis=1)
    third = len(speed) // 3
    assert speed[:third].mean() > 4 * speed[-third:].mean() > 0
    np.testing.assert_allclose([d.get_center() for d in trail], points[1:], atol=1e-9)


@pytest.mark.graphical
def test_descent_last_frame(tmp_path, request, landscape, landscape_run):
    """The last frame, and every text over the whole video inside the 24 px title-safe margin."""
    from manim import MathTypst, Text, config

    from nnexplain.scenes.descent import Descent

    outside = []

    class Watched(Descent):
        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            margin = 0.4  # scene units: 24 px of 854 at 480p
            half_w, half_h = config.frame_width / 2 - margin, config.frame_height / 2 - margin
            for top in self.mobjects:
                for part in top.get_family():
                    if isinstance(part, (Text, MathTypst)) and part.height > 0:
                        (left, bottom, _), (right, up, _) = part.get_corner([-1, -1, 0]), part.get_corner([1, 1, 0])
                        if left < -half_w or right > half_w or bottom < -half_h or up > half_h:
                            outside.append(f"{part.original_text!r} at {self.script_time:.1f} s")

    scene = render_for_test(Watched, landscape_run, tmp_path / "media")
    frame = np.asarray(scene.renderer.get_frame())[..., :3].copy()
    check_frame("descent", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failures")
    assert 90 <= scene.renderer.time <= 200
    said = " ".join(beat.narration for beat in scene.beat_log)
    assert "Each real step used only 64 random digits of the 8,000: a mini-batch." in said
    assert not sorted(set(outside)), sorted(set(outside))[:5]


def test_a_landscape_of_an_older_version_is_computed_again_and_replaced(
    tmp_path, monkeypatch, landscape_run, landscape
):
    """A run whose landscape predates the lesson's opening (version 1, ``landscape.safetensors``) gets the current
    one on its next render, under a new name; the scene refuses to read the old one."""
    import json

    import nnexplain.app.landscape as app_landscape
    from nnexplain.run.landscape import LANDSCAPE_FILE, LANDSCAPE_VERSION

    run_dir = tmp_path / "run"
    shutil.copytree(landscape_run, run_dir)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    entry = manifest["landscape"]
    (run_dir / entry["file"]).rename(run_dir / "landscape.safetensors")
    manifest["files"]["landscape.safetensors"] = manifest["files"].pop(entry["file"])
    entry.pop("version")
    entry["file"] = "landscape.safetensors"
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(RunError, match="older version; compute it again with `nnexplain landscape"):
        read_landscape(load_run(run_dir))
    facts = {k: v for k, v in landscape.info.items() if k not in ("file", "version")}
    monkeypatch.setattr(app_landscape, "compute_landscape", lambda run: (dict(landscape.arrays), facts))
    stored = app_landscape.ensure_landscape(load_run(run_dir))
    assert stored.manifest["landscape"]["version"] == LANDSCAPE_VERSION
    assert stored.manifest["landscape"]["file"] == LANDSCAPE_FILE != "landscape.safetensors"
    np.testing.assert_array_equal(read_landscape(stored)["start.roll_values"], landscape["start.roll_values"])
    with pytest.raises(RunError, match="never rewritten"):
        from nnexplain.run.landscape import write_landscape

        write_landscape(stored, dict(landscape.arrays), facts)
