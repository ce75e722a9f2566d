"""The example scene built from the public API, and rendering every scene at once."""

import shutil
from pathlib import Path

import pytest

from conftest import DATA, run_cli
from frames import check_frame, render_last_frame

# Fixture runs standing in for the cached default runs of each recipe.
DEFAULT_RUNS = {
    "mnist": "mnist-sigmoid",
    "spiral": "spiral",
    "spiral-linear": "spiral-linear",
    "circles-2": "circles-2",
    "circles-3": "circles-3",
    "sine-linear": "sine-linear",
    "sine-relu": "sine-relu",
    "square-relu-3": "square-relu-3",
}


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


def test_example_scene_uses_only_the_public_api():
    source = (SCENE_FILES / "example_features.py").read_text()
    imports = [line for line in source.splitlines() if line.startswith(("from nnexplain", "import nnexplain"))]
    assert imports == [
        "from nnexplain.app.standalone import FromEnvironment",
        "from nnexplain.mobjects import PixelImage, label",
        "from nnexplain.scenes import RunScene",
    ]


def test_render_all_in_parallel(tmp_path):
    from nnexplain.app.catalog import SCENES

    cache = tmp_path / "cache"
    for recipe, fixture in DEFAULT_RUNS.items():
        shutil.copytree(DATA / fixture, cache / "runs" / f"{recipe}-v1")
    result = run_cli(
        "render", "all", "--jobs", "2", "--format", "png", "--resolution", "160x90", "--out", tmp_path / "out",
        env={"NNEXPLAIN_CACHE": str(cache)},
    )
    assert result.returncode == 0, result.stderr
    written = result.stdout.strip().splitlines()
    assert written == [str(tmp_path / "out" / f"{name}-160x90.png") for name in SCENES]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{name}-160x90.png" for name in SCENES)
    assert "training" not in result.stderr  # every default run came from the cache


def test_public_mobjects_are_built_from_runs():
    import numpy as np

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

    fit = FitView.from_run(load_run(DATA / "sine-relu"))
    assert fit.width > 0
