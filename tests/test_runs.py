"""How runs reach scenes: resolved once by the application, handed to the scene, never found by it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA, run_cli
from frames import HEIGHT, WIDTH, check_frame
from PIL import Image
from test_cli import assert_user_error

from nnexplain.app.cache import default_run_dir
from nnexplain.app.catalog import get_scene
from nnexplain.app.runs import resolve_runs, runs_from_environment
from nnexplain.errors import NnexplainError, RunError

SCENE_FILES = Path(__file__).parent.parent / "scenes"


def _never(recipe):
    raise AssertionError(f"trained {recipe}")


def test_given_runs_are_loaded_and_handed_over_by_role():
    runs = resolve_runs(
        get_scene("relu-sine"), DATA / "sine-relu", {"linear": DATA / "sine-linear"}, default_run=_never
    )
    assert runs.main.path == DATA / "sine-relu" and runs["linear"].path == DATA / "sine-linear"
    with pytest.raises(RunError, match=r"this scene was given no 'contrast' run \(further runs given: linear\)"):
        runs["contrast"]


def test_runs_not_given_are_the_default_runs():
    asked = []

    def default_run(recipe):
        asked.append(recipe)
        return DATA / recipe

    runs = resolve_runs(get_scene("lift"), default_run=default_run)
    assert asked == ["circles-3", "circles-2"]
    assert runs.main.path == DATA / "circles-3" and runs["contrast"].path == DATA / "circles-2"


def test_a_role_the_scene_does_not_read_is_refused():
    with pytest.raises(NnexplainError, match=r"scene 'lift' reads no 'linear' run; its further runs: contrast"):
        resolve_runs(get_scene("lift"), DATA / "circles-3", {"linear": DATA / "sine-linear"}, default_run=_never)


def test_the_environment_names_the_runs_for_plain_manim(monkeypatch):
    monkeypatch.setenv("NNEXPLAIN_RUN", str(DATA / "sine-relu"))
    monkeypatch.setenv("NNEXPLAIN_LINEAR_RUN", str(DATA / "sine-linear"))
    runs = runs_from_environment(get_scene("relu-sine"), default_run=_never)
    assert runs.main.path == DATA / "sine-relu" and runs["linear"].path == DATA / "sine-linear"


def test_the_cli_takes_further_runs_with_with(tmp_path):
    result = run_cli(
        "render",
        "relu-sine",
        "--run",
        DATA / "sine-relu",
        "--with",
        f"linear={DATA / 'sine-linear'}",
        "--format",
        "png",
        "--resolution",
        f"{WIDTH}x{HEIGHT}",
        "--out",
        tmp_path,
        env={"NNEXPLAIN_CACHE": str(tmp_path / "empty-cache")},
    )
    assert result.returncode == 0, result.stderr
    assert "training" not in result.stderr and not (tmp_path / "empty-cache").exists()
    frame = np.asarray(Image.open(result.stdout.strip().splitlines()[-1]).convert("RGB"))
    # The control frame was drawn on another machine: numpy's and cairo's SIMD paths may round an edge differently.
    check_frame("relu-sine", frame, False, tmp_path / "failures")


@pytest.mark.parametrize(
    "further, message",
    [
        (
            f"linear={DATA / 'sine-relu'}",
            f"scene 'relu-sine' cannot use {DATA / 'sine-relu'} as its linear run: it uses activation 'relu'",
        ),
        (f"linear={DATA / 'square-relu-3'}", "as its linear run: it uses activation 'relu'"),
        ("contrast=runs/x", "scene 'relu-sine' reads no 'contrast' run; its further runs: linear"),
        ("linear", "'linear' is not ROLE=DIR"),
        (f"linear={DATA / 'absent'}", f"no run directory at {DATA / 'absent'}"),
    ],
)
def test_a_wrong_further_run_is_one_line_and_exit_2(tmp_path, further, message):
    result = run_cli("render", "relu-sine", "--run", DATA / "sine-relu", "--with", further, "--out", tmp_path)
    assert_user_error(result, message)
    assert list(tmp_path.iterdir()) == []


def test_render_help_lists_each_scenes_further_runs():
    result = run_cli("render", "--help")
    text = " ".join(result.stdout.split())
    assert "relu-sine: linear (the same network with no activation, fitted first; default run sine-linear)" in text
    assert "lift: contrast" in text and "default run circles-2" in text


def test_a_scene_handed_no_runs_says_how_to_give_it_one(tmp_path):
    from manim import tempconfig

    from nnexplain.scenes.relu_square import ReluSquare

    with tempconfig({"media_dir": str(tmp_path), "dry_run": True, "verbosity": "ERROR"}):
        with pytest.raises(RunError, match=r"ReluSquare was given no run: render it with `nnexplain render`"):
            ReluSquare().setup()


def _plain_manim(tmp_path, scene_file: str, scene: str, env: dict) -> np.ndarray:
    """Render the last frame the way a user runs plain manim on a file of scenes/."""
    media = tmp_path / "media"
    command = [
        sys.executable,
        "-m",
        "manim",
        "-r",
        f"{WIDTH},{HEIGHT}",
        "--fps",
        "15",
        "-s",
        "--disable_caching",
        "--media_dir",
        str(media),
        "-v",
        "WARNING",
        str(SCENE_FILES / scene_file),
        scene,
    ]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    (image,) = media.rglob("*.png")
    return np.asarray(Image.open(image).convert("RGB"))


@pytest.mark.graphical
def test_plain_manim_reads_the_runs_from_the_environment(tmp_path):
    env = {
        "NNEXPLAIN_RUN": str(DATA / "sine-relu"),
        "NNEXPLAIN_LINEAR_RUN": str(DATA / "sine-linear"),
        "NNEXPLAIN_CACHE": str(tmp_path / "empty-cache"),
    }
    frame = _plain_manim(tmp_path, "relu_sine.py", "ReluSine", env)
    check_frame("relu-sine", frame, False, tmp_path / "failures")  # drawn on another machine, as above
    assert not (tmp_path / "empty-cache").exists()  # nothing was trained


@pytest.mark.graphical
def test_plain_manim_draws_the_cached_default_runs_when_none_is_named(tmp_path):
    cache = tmp_path / "cache"
    for recipe in ("circles-3", "circles-2"):
        shutil.copytree(DATA / recipe, cache / "runs" / default_run_dir(recipe).name)
    frame = _plain_manim(tmp_path, "lift.py", "Lift", {"NNEXPLAIN_CACHE": str(cache)})
    check_frame("lift", frame, False, tmp_path / "failures")
