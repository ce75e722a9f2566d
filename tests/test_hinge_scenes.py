"""The hinge scenes: last frames, which runs they accept, and what a subclass can change."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import DATA, run_cli
from frames import check_frame, render_for_test, scene_runs
from nnexplain.app.catalog import check_run_suits, get_scene
from nnexplain.errors import RunError
from nnexplain.mobjects.style import Theme
from nnexplain.run import load_run


@pytest.mark.graphical
def test_relu_sine_last_frame(tmp_path, request):
    from nnexplain.scenes.relu_sine import ReluSine

    scene = render_for_test(ReluSine, DATA / "sine-relu", tmp_path / "media", linear=DATA / "sine-linear")
    frame = np.asarray(scene.renderer.get_frame())[..., :3].copy()
    check_frame("relu-sine", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failures")
    assert 20 <= scene.renderer.time <= 40  # seconds at the default speed


@pytest.mark.graphical
def test_relu_square_last_frame(tmp_path, request):
    from nnexplain.scenes.relu_square import ReluSquare

    scene = render_for_test(ReluSquare, DATA / "square-relu-3", tmp_path / "media")
    frame = np.asarray(scene.renderer.get_frame())[..., :3].copy()
    check_frame("relu-square", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failures")
    assert 20 <= scene.renderer.time <= 40


@pytest.mark.parametrize("scene", ["relu-sine", "relu-square"])
def test_the_scenes_draw_their_recipes_and_refuse_other_runs(scene):
    info = get_scene(scene)
    check_run_suits(info, load_run(DATA / info.recipe).manifest, info.recipe)
    with pytest.raises(RunError, match=r"is a 784-16-16-10 classify network with softmax output; the scene needs a 1-…-1 regression"):
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
    assert len(visible) == 2  # the two kinks inside [-1, 1]
