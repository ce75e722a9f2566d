"""The example scene built from the public API, and rendering every scene at once."""

import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA, run_cli
from fixture_runs import fixture_of, with_landscape
from frames import HEIGHT, WIDTH, check_frame, render_last_frame
from PIL import Image

from nnexplain.app.cache import default_run_dir

# The control frame of a scene drawing its default runs is named after the scene, but for these.
CONTROL_OF_DEFAULT = {"neurons": "neurons-sigmoid_run", "fold": "fold-spiral", "training": "training-moons-overfit"}


SCENE_FILES = Path(__file__).parent.parent / "scenes"


def load_scene_file(name: str):
    """A file of the repository's scenes/ folder, imported as manim imports it (by path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"scene_file_{name}", SCENE_FILES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.graphical
def test_example_scene_renders(request, tmp_path, sigmoid_run):
    FirstLayerFeatures = load_scene_file("example_features").FirstLayerFeatures

    frame = render_last_frame(FirstLayerFeatures, sigmoid_run, tmp_path)
    check_frame("example-features", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failed")


PUBLIC_MODULES = {"nnexplain", "nnexplain.mobjects", "nnexplain.scenes", "nnexplain.app.standalone"}


def test_example_scene_uses_only_the_public_api():
    """Every nnexplain import of the example, wherever it stands in the file, is from a public module."""
    import ast

    tree = ast.parse((SCENE_FILES / "example_features.py").read_text())
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    used = {module for module in modules if module.split(".")[0] == "nnexplain"}
    assert used and used <= PUBLIC_MODULES, used - PUBLIC_MODULES


def ready_fixtures_of_recipe(recipe: str, scratch: Path) -> Path:
    """The fixture of ``recipe``, with a loss landscape where a scene needs one (as the app would store it)."""
    from nnexplain.app.catalog import SCENES

    needs = {info.recipe for info in SCENES.values() if info.needs_landscape}
    return with_landscape(fixture_of(recipe), scratch) if recipe in needs else fixture_of(recipe)


@pytest.mark.graphical
def test_render_all_in_parallel(tmp_path, request):
    """Every scene from its default runs' fixtures, in parallel, each last frame against its control frame:
    the one test of a scene's default drawing (``make regenerate-frames`` regenerates them here)."""
    from nnexplain.app.catalog import SCENES

    cache = tmp_path / "cache"
    recipes = {recipe for info in SCENES.values() for recipe in (info.recipe, *(f.recipe for f in info.further))}
    for recipe in recipes:  # the fixtures stand in for the cached default runs of each recipe
        ready = ready_fixtures_of_recipe(recipe, tmp_path / "landscapes")  # descent's, with its landscape
        shutil.copytree(ready, cache / "runs" / default_run_dir(recipe).name)
    result = run_cli(
        "render",
        "all",
        "--jobs",
        "2",
        "--format",
        "png",
        "--resolution",
        f"{WIDTH}x{HEIGHT}",
        "--out",
        tmp_path / "out",
        env={"NNEXPLAIN_CACHE": str(cache)},
    )
    assert result.returncode == 0, result.stderr
    written = result.stdout.strip().splitlines()
    assert written == [str(tmp_path / "out" / f"{name}-{WIDTH}x{HEIGHT}.png") for name in SCENES]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{name}-{WIDTH}x{HEIGHT}.png" for name in SCENES
    )
    assert "training" not in result.stderr  # every default run came from the cache
    # Each scene drew its default runs exactly as a render of it alone does: its control frame.
    for name, path in zip(SCENES, written):
        frame = np.asarray(Image.open(path).convert("RGB"))
        regenerate = request.config.getoption("--regenerate-frames")
        check_frame(CONTROL_OF_DEFAULT.get(name, name), frame, regenerate, tmp_path / "failed")


def test_public_mobjects_are_built_from_runs():
    from nnexplain import load_run
    from nnexplain.mobjects import FitView, NetworkDiagram, PixelImage, WarpedPlane

    mnist = load_run(DATA / "mnist-sigmoid")
    diagram = NetworkDiagram.from_run(mnist)
    assert [len(column) for column in diagram.layers] == [16, 16, 16, 10]
    digit = PixelImage.from_run(mnist, probe_index=2)
    np.testing.assert_array_equal(digit.values.ravel(), mnist.probe["inputs"][2])

    spiral = load_run(DATA / "spiral")
    plane = WarpedPlane.from_run(spiral, stage=0)
    assert len(plane.scene_points) == len(spiral.probe["inputs"])
    assert max(plane.width, plane.height) <= 6.0 + 1e-6  # fitted to the panel

    sine = load_run(DATA / "sine-relu")
    fit = FitView.from_run(sine)
    stored = sine.tensors()
    assert len(fit.unit_curves) == sine.layers[-2] == len(stored["curve.units"])
    # What is drawn is the recorded curve, mapped into the panel (clipped to it).
    np.testing.assert_allclose(
        np.asarray(fit.output_curve.get_anchors())[::2][:, :2],
        fit.output_panel.plot_points(stored["curve.x"], stored["curve.y"])[:-1, :2],
        atol=1e-9,
    )
    for curve, values in zip(fit.unit_curves, stored["curve.units"]):
        np.testing.assert_allclose(
            np.asarray(curve.get_anchors())[::2][:, :2],
            fit.units_panel.plot_points(stored["curve.x"], values)[:-1, :2],
            atol=1e-9,
        )
