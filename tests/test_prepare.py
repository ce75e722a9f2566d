"""Resolving runs only finds, loads and checks them; every path that renders prepares them (descent's landscape)."""

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA
from fixture_runs import fixture_of

from nnexplain.app.catalog import get_scene
from nnexplain.app.options import RenderOptions
from nnexplain.app.render import RenderResult
from nnexplain.app.runs import resolve_runs, runs_from_environment
from nnexplain.run.landscape import has_landscape, read_landscape


def _contents(folder: Path) -> dict[str, str]:
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


@pytest.fixture
def mnist_copy(tmp_path) -> Path:
    target = tmp_path / "mnist"
    shutil.copytree(DATA / "mnist-sigmoid", target)
    return target


@pytest.fixture
def copied_default_runs(tmp_path):
    """A default_run that hands out copies of the fixtures standing in for each recipe (tests/fixture_runs.py),
    made once each: descent's landscape goes into them, never into tests/data."""
    made = {}

    def default_run(recipe: str) -> Path:
        if recipe not in made:
            made[recipe] = tmp_path / "defaults" / recipe
            shutil.copytree(fixture_of(recipe), made[recipe])
        return made[recipe]

    return default_run


def _assert_landscape_stored(runs, where: Path) -> None:
    assert runs.main.path == where and has_landscape(runs.main)
    assert read_landscape(runs.main).info["grid"] == [41, 41]  # stored in the run itself, as read from disk


def test_resolving_writes_nothing_into_a_run(mnist_copy, monkeypatch):
    before = _contents(mnist_copy)
    runs = resolve_runs(get_scene("descent"), mnist_copy, default_run=lambda recipe: pytest.fail("trained"))
    assert not has_landscape(runs.main) and _contents(mnist_copy) == before
    monkeypatch.setenv("NNEXPLAIN_RUN", str(mnist_copy))
    from_environment = runs_from_environment(get_scene("descent"), default_run=lambda recipe: pytest.fail("trained"))
    assert not has_landscape(from_environment.main) and _contents(mnist_copy) == before


def _captured(monkeypatch, module: str, name: str, result):
    seen = []

    def capture(*args, **kwargs):
        seen.append(args)
        return result(*args)

    monkeypatch.setattr(f"{module}.{name}", capture)
    return seen


def test_render_prepares_the_runs(mnist_copy, monkeypatch, tmp_path):
    rendered = lambda job, out, *rest: RenderResult(tmp_path / "x.mp4")  # noqa: E731
    seen = _captured(monkeypatch, "nnexplain.app.render", "render_scene", rendered)
    from nnexplain.app.cli import cli

    result = CliRunner().invoke(cli, ["render", "descent", "--run", str(mnist_copy), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    ((job, *_),) = seen
    _assert_landscape_stored(job.runs, mnist_copy)


def test_preview_prepares_the_runs(mnist_copy, monkeypatch, tmp_path):
    seen = _captured(monkeypatch, "nnexplain.app.export", "write_contact_sheet", lambda info, runs, width, out: out)
    from nnexplain.app.cli import cli

    arguments = ["preview", "descent", "--run", str(mnist_copy), "--out", str(tmp_path / "sheet.png")]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    ((info, runs, *_),) = seen
    _assert_landscape_stored(runs, mnist_copy)


def test_slides_prepare_the_runs(mnist_copy, monkeypatch, tmp_path):
    seen = _captured(monkeypatch, "nnexplain.app.slides", "write_deck", lambda parts, *rest: tmp_path / "deck.html")
    from nnexplain.app.cli import cli

    result = CliRunner().invoke(cli, ["slides", "descent", "--run", str(mnist_copy), "--out", str(tmp_path / "deck")])
    assert result.exit_code == 0, result.output
    ((parts, *_),) = seen
    _assert_landscape_stored(parts[0].runs, mnist_copy)


def test_render_all_prepares_every_scenes_runs(copied_default_runs, monkeypatch, tmp_path):
    from nnexplain.app import render_all as render_all_module

    rendered = lambda job, out, *rest: RenderResult(out / job.info.name)  # noqa: E731
    seen = _captured(monkeypatch, "nnexplain.app.render_all", "render_scene", rendered)
    render_all_module.render_all(RenderOptions(fmt="png"), tmp_path / "out", 1, copied_default_runs)
    jobs = {job.info.name: job for job, *_ in seen}
    _assert_landscape_stored(jobs["descent"].runs, copied_default_runs("mnist"))


def test_bench_prepares_the_runs(copied_default_runs):
    from nnexplain.app.bench import _scene_job

    job = _scene_job("descent", RenderOptions(), copied_default_runs)
    _assert_landscape_stored(job.runs, copied_default_runs("mnist"))


def test_plain_manim_prepares_the_runs(mnist_copy, monkeypatch):
    """FromEnvironment's set-up, on a stand-in for the scene class (its own set-up needs manim's)."""
    from nnexplain.app.standalone import FromEnvironment

    class DescentLike:
        scene_name = "descent"
        runs = None

        def bind(self, runs):
            self.runs = runs

        def setup(self):
            self.set_up = True

    class Standalone(FromEnvironment, DescentLike):
        pass

    monkeypatch.setenv("NNEXPLAIN_RUN", str(mnist_copy))
    scene = Standalone()
    scene.setup()
    assert scene.set_up
    _assert_landscape_stored(scene.runs, mnist_copy)
