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
    from nnexplain.app.landscape import ensure_landscape

    target = tmp_path_factory.mktemp("descent") / "mnist"
    shutil.copytree(DATA / "mnist-sigmoid", target)
    ensure_landscape(load_run(target))
    return target


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
    assert "landscape" in load_run(tmp_path / "run").manifest and (tmp_path / "run" / "landscape.safetensors").exists()
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
    assert not (tmp_path / "run" / "landscape.safetensors").exists()


def test_the_one_weight_narration_states_autograds_steepest_slope_and_step(tmp_path, landscape_run, landscape):
    """The weight narrated is the one torch finds steepest (biases aside); its slope and −η·slope are said."""
    import torch
    from conftest import torch_model
    from test_landscape import _subset
    from test_speaker_notes import storyboard

    run = load_run(landscape_run)
    x, y = _subset(run, landscape)
    model = torch_model(run).double()
    torch.nn.functional.cross_entropy(
        model(torch.from_numpy(np.asarray(x, np.float64))), torch.from_numpy(y)
    ).backward()
    gradient = torch.cat([parameter.grad.flatten() for parameter in model.parameters()]).numpy()
    is_weight = np.concatenate([np.full(p.numel(), name.endswith("weight")) for name, p in model.named_parameters()])
    steepest = int(np.argmax(np.where(is_weight, np.abs(gradient), -1.0)))  # a weight's, as the scene says
    slope, lr = float(gradient[steepest]), run.manifest["config"]["lr"]
    assert landscape.info["weight"]["index"] == steepest
    narration = {beat.name: beat.narration for beat in storyboard("descent", landscape_run, tmp_path).beat_log}

    def said(value: float) -> str:
        return f"{value:.3g}".replace("-", "−")

    assert f"∂loss/∂w = {said(slope)}:" in narration["one weight"]
    assert f"× {said(slope)} = {said(-lr * slope)}, downhill." in narration["one weight"]


@pytest.mark.graphical
def test_descent_last_frame(tmp_path, request, landscape, landscape_run):
    from nnexplain.scenes.descent import Descent

    scene = render_for_test(Descent, landscape_run, tmp_path / "media")
    frame = np.asarray(scene.renderer.get_frame())[..., :3].copy()
    check_frame("descent", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failures")
    assert 40 <= scene.renderer.time <= 90
    notes = "".join(part.text for note in scene.fan_notes for part in note)
    angles = landscape["stochastic.angles"]
    assert (
        f"angles{angles[0].min():.0f}°–{angles[0].max():.0f}°" in notes
        and f"angles{angles[1].min():.0f}°–{angles[1].max():.0f}°" in notes
    )
    assert "used64ofthe8,000digits" in "".join(line.text for line in scene.caption_mobjects["caption"])  # drawn
    assert "used 64 of the 8,000 digits" in scene.beat_log[-1].narration  # and narrated
