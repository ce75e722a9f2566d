"""One RenderJob goes through render, split, Ray and the render cache; its key holds everything that changes pixels."""

import pickle
import re
from dataclasses import FrozenInstanceError, fields, replace
from pathlib import Path

import pytest
from conftest import DATA

from nnexplain.app.catalog import SCENES, get_scene
from nnexplain.app.job import RenderJob
from nnexplain.app.options import RenderOptions
from nnexplain.app.render_cache import DRAWING_VARIABLES, drawing_environment, scene_key
from nnexplain.app.runs import resolve_runs
from nnexplain.scenes.relu_square import ReluSquare

PACKAGE = Path(__file__).resolve().parent.parent / "nnexplain"
DRAWING_FLOORS = ("mobjects", "scenes", "geometry")


class MyReluSquare(ReluSquare):
    """Your own subclass, in your own file: its source is part of the key."""

    step_seconds = 0.5


def _never(recipe):
    raise AssertionError(f"trained {recipe}")


def _job(**changes) -> RenderJob:
    info = get_scene("relu-square")
    job = RenderJob(info, resolve_runs(info, DATA / "square-relu-3", default_run=_never), RenderOptions())
    return replace(job, **changes)


def test_a_job_names_its_fields_and_cannot_be_changed():
    job = _job(jobs=2)
    assert (job.info.name, job.options, job.jobs) == ("relu-square", RenderOptions(), 2)
    assert (job.backend, job.address) == ("local", None)
    assert job.load_class() is ReluSquare and replace(job, scene_class=MyReluSquare).load_class() is MyReluSquare
    with pytest.raises(FrozenInstanceError):
        job.jobs = 3
    with pytest.raises(ValueError, match="backend 'cluster'"):
        _job(backend="cluster")
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        _job(jobs=0)


@pytest.mark.parametrize("name", sorted(SCENES))
def test_every_scenes_job_pickles_for_spawned_processes_and_ray_tasks(name):
    from fixture_runs import default_fixtures

    info = SCENES[name]
    fixtures = default_fixtures(name)
    runs = resolve_runs(info, fixtures.main, fixtures.further, default_run=_never)
    job = RenderJob(info, runs, RenderOptions(), jobs=2, backend="ray", address="auto")
    again = pickle.loads(pickle.dumps(job))
    assert again == job and again.load_class() is job.load_class()
    assert again.runs.main.params()[0][0].tolist() == job.runs.main.params()[0][0].tolist()


# One other value of every field of a RenderJob. A field added to RenderJob (a narration voice, a presenter
# mode) must be added here too, and either change the render key or be listed in RenderJob.NOT_DRAWN.
def _other_values():
    lift = get_scene("lift")
    return {
        "info": lift,
        "runs": resolve_runs(get_scene("relu-square"), DATA / "sine-relu", default_run=_never),
        "options": RenderOptions(fps=10),
        "scene_class": MyReluSquare,
        "jobs": 4,
        "backend": "ray",
        "address": "ray://head:10001",
    }


def test_every_field_of_a_job_changes_its_key_or_is_declared_not_drawn():
    job, others = _job(), _other_values()
    assert set(others) == {field.name for field in fields(RenderJob)}, "give the new field another value here"
    assert set(RenderJob.NOT_DRAWN) < set(others)
    key = scene_key(job)
    assert scene_key(_job()) == key  # the same job, built again
    for name, value in others.items():
        changed = scene_key(replace(job, **{name: value}))
        assert (changed == key) == (name in RenderJob.NOT_DRAWN), name


@pytest.mark.parametrize(
    "changes",
    [
        {"quality": "medium"},
        {"fmt": "webm"},
        {"fps": 24},
        {"resolution": (320, 180)},
        {"fmt": "webm", "transparent": True},
        {"sections": True},
        {"fmt": "gif"},
        {"narration": "presenter"},
        {"narration": "voice", "voice": "tone"},
        {"burn_subtitles": True},
    ],
    ids=str,
)
def test_every_render_option_changes_the_key(changes):
    assert scene_key(_job(options=RenderOptions(**changes))) != scene_key(_job())


def test_tex_formulas_change_the_key_where_latex_is_found(monkeypatch):
    monkeypatch.delenv("NNEXPLAIN_TEX", raising=False)
    monkeypatch.setattr("shutil.which", lambda name: f"/opt/texlive/bin/{name}")
    plain = scene_key(_job())
    monkeypatch.setenv("NNEXPLAIN_TEX", "1")
    with_tex = scene_key(_job())
    assert with_tex != plain
    monkeypatch.setattr("shutil.which", lambda name: None)  # asked for, but there is no LaTeX: Typst, as without
    assert scene_key(_job()) == plain
    monkeypatch.setenv("NNEXPLAIN_TEX", "0")
    assert scene_key(_job()) == plain


@pytest.mark.parametrize("value", [None, "0", "1"])
@pytest.mark.parametrize("latex", [None, "/usr/bin/latex"])
def test_the_key_reads_tex_as_the_formulas_do(monkeypatch, value, latex):
    """The oracle is the drawing code itself: style.formula builds a MathTex exactly when the key says LaTeX."""
    from nnexplain.mobjects import style

    class UsedLatex(Exception):
        pass

    def tex(*args, **kwargs):
        raise UsedLatex

    if value is None:
        monkeypatch.delenv("NNEXPLAIN_TEX", raising=False)
    else:
        monkeypatch.setenv("NNEXPLAIN_TEX", value)
    monkeypatch.setattr("shutil.which", lambda name: latex if name == "latex" else None)
    monkeypatch.setattr(style, "MathTex", tex)
    try:
        style.formula("x^2", style.Theme(), tex="x^2")
        drew_latex = False
    except UsedLatex:
        drew_latex = True
    assert drew_latex == (drawing_environment()["NNEXPLAIN_TEX"] is not None)


def test_manim_config_files_change_the_key(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    plain = scene_key(_job())
    (tmp_path / "manim.cfg").write_text("[CLI]\nbackground_color = WHITE\n")
    folder_wide = scene_key(_job())
    user = tmp_path / "home" / ".config" / "manim" / "manim.cfg"
    user.parent.mkdir(parents=True)
    user.write_text("[CLI]\nbackground_color = BLACK\n")
    user_wide = scene_key(_job())
    assert len({plain, folder_wide, user_wide}) == 3
    (tmp_path / "manim.cfg").unlink()
    user.unlink()
    assert scene_key(_job()) == plain


def test_every_environment_variable_the_drawing_floors_read_is_in_the_key():
    reads = re.compile(r"""(?:environ\.get\(|environ\[|getenv\()\s*["']([A-Z0-9_]+)["']""")
    found = set()
    for floor in DRAWING_FLOORS:
        for path in (PACKAGE / floor).rglob("*.py"):
            found |= set(reads.findall(path.read_text()))
    assert "NNEXPLAIN_TEX" in found  # the scan sees the one we know of
    missing = found - set(DRAWING_VARIABLES)
    assert not missing, f"read while drawing but not in the render key: {missing}"
