"""The catalog is the scenes' specs, found where they live: a new scene is its module and its spec, nothing else.

Every spec names recipes; each has a fixture run (tests/fixture_runs.py) that the spec's
checks accept, so the test tables that derive from the catalog can render every scene.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import DATA, run_cli
from fixture_runs import FIXTURE_OF_RECIPE, default_fixtures

from nnexplain.app.catalog import SCENES, catalog_of, check_run_suits, discover_specs, get_scene
from nnexplain.errors import NnexplainError
from nnexplain.run import load_run
from nnexplain.scenes.base.spec import SceneSpec
from nnexplain.train.recipes import get_recipe

COURSE_ORDER = [
    "neurons",
    "fold",
    "linear-collapse",
    "lift",
    "relu-sine",
    "relu-square",
    "depth",
    "hidden-features",
    "training",
    "neuron-maps",
    "softmax",
    "convolution",
    "filters",
    "chain-rule",
    "descent",
    "backprop",
]


def test_the_catalog_lists_the_scenes_in_course_order():
    assert list(SCENES) == COURSE_ORDER


def test_every_scene_asks_one_question():
    for info in SCENES.values():
        assert info.question.endswith("?") and info.question[0].isupper(), info.name
        assert info.question.count("?") == 1 and len(info.question) <= 100, info.name
    assert len({info.question for info in SCENES.values()}) == len(SCENES)


def test_nnexplain_list_shows_each_scene_s_question():
    result = run_cli("list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for info in SCENES.values():
        [at] = [i for i, line in enumerate(lines) if line.split()[:1] == [info.name]]
        assert lines[at].endswith(info.question), lines[at]
        assert info.description in lines[at + 1]


def test_every_recipe_a_scene_names_has_a_fixture_run_of_that_recipe():
    """A new scene whose spec names a recipe with no fixture fails here until it gets one."""
    named = {recipe for info in SCENES.values() for recipe in _recipes(info)}
    missing = named - set(FIXTURE_OF_RECIPE)
    assert missing == set(), f"{missing}: train a fixture (tests/make_fixture_runs.py), add it to FIXTURE_OF_RECIPE"
    for recipe, fixture in FIXTURE_OF_RECIPE.items():
        manifest = json.loads((DATA / fixture / "manifest.json").read_text())
        name, _, seed = recipe.partition("@")  # NAME@SEED: recipe NAME trained from seed SEED
        assert manifest["recipe"] == name, fixture
        assert manifest["seed"] == int(seed or get_recipe(name).config.seed), fixture


@pytest.mark.parametrize("name", SCENES)
def test_each_scene_s_fixture_runs_suit_its_spec(name):
    """The fixtures standing in for a scene's default runs pass the scene's own checks (so tables can render it)."""
    info, runs = get_scene(name), default_fixtures(name)
    main = load_run(runs.main).manifest
    check_run_suits(info, main, str(runs.main))
    assert set(runs.further) == {further.role for further in info.further}
    for further in info.further:
        assert further.check(load_run(runs.further[further.role]).manifest, main) is None, further.role


@pytest.mark.parametrize("name", SCENES)
def test_each_spec_sits_beside_its_scene_and_names_its_class(name):
    info = get_scene(name)
    scene_module = info.module.rpartition(".")[2]
    spec_module = sys.modules[f"nnexplain.scenes.specs.{scene_module}"]
    assert spec_module.SPEC.name == name and info.module == f"nnexplain.scenes.{scene_module}"
    assert info.load_class().scene_name == name


def test_listing_the_catalog_imports_neither_manim_nor_torch():
    code = (
        "import sys; from nnexplain.app.catalog import SCENES; "
        "print(len([info.question for info in SCENES.values()]), "
        "sorted(m for m in ('torch', 'manim') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split(maxsplit=1) == [str(len(SCENES)), "[]\n"]


def test_specs_are_collected_in_course_order_and_each_name_once(tmp_path, monkeypatch):
    package = tmp_path / "more_specs"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for module, name, order in [("zeta", "late", 5), ("alpha", "early", 1), ("beta", "also-early", 1)]:
        (package / f"{module}.py").write_text(_spec_source(name, order))
    monkeypatch.syspath_prepend(str(tmp_path))
    specs = discover_specs("more_specs")
    assert [spec.name for spec in specs] == ["also-early", "early", "late"]
    assert all(isinstance(spec, SceneSpec) for spec in specs)
    with pytest.raises(NnexplainError, match="two scene specs are named 'early'"):
        catalog_of(specs + specs[1:2])
    (package / "stray.py").write_text("X = 1\n")
    with pytest.raises(NnexplainError, match="more_specs.stray defines no SPEC"):
        discover_specs("more_specs")


NEW_SCENE = """
from nnexplain.mobjects.style import label
from nnexplain.scenes import RunScene


class OutputBias(RunScene):
    scene_name = "output-bias"

    def construct(self):
        self.beat("bias")
        bias = float(self.run.params()[-1][1][0])
        line = f"The output bias of this run is {bias:.3f}."
        self.play(*self.say(line, caption=label(line, self.theme, 24)))
"""


def test_a_new_scene_is_its_module_and_its_spec(tmp_path):
    """A spec module dropped into nnexplain/scenes/specs/ (here: a folder added to its path) makes a scene that
    `nnexplain list` names and `nnexplain render` draws, with nothing else touched."""
    (tmp_path / "new_scenes").mkdir()
    (tmp_path / "new_scenes" / "__init__.py").write_text("")
    (tmp_path / "new_scenes" / "output_bias.py").write_text(NEW_SCENE)
    (tmp_path / "specs").mkdir()
    spec = _spec_source("output-bias", 65, "new_scenes.output_bias", "OutputBias")
    (tmp_path / "specs" / "output_bias.py").write_text(spec)
    cli = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import nnexplain.scenes.specs as specs; "
        f"specs.__path__.append({str(tmp_path / 'specs')!r}); from nnexplain.app.cli import main; main()"
    )

    def nnexplain(*args):
        return subprocess.run([sys.executable, "-c", cli, *map(str, args)], capture_output=True, text=True, timeout=600)

    listed = nnexplain("list")
    assert listed.returncode == 0, listed.stderr
    names = [line.split()[0] for line in listed.stdout.splitlines() if line.startswith("  ") and line[2] != " "]
    assert names[: len(SCENES) + 1] == [*COURSE_ORDER[:6], "output-bias", *COURSE_ORDER[6:]]
    assert "What is the output bias?" in listed.stdout
    refused = nnexplain("render", "output-bias", "--run", DATA / "mnist-sigmoid")
    assert refused.returncode == 2 and "scene 'output-bias' cannot draw run" in refused.stderr
    drawn = nnexplain(
        "render",
        "output-bias",
        "--run",
        DATA / "square-relu-3",
        "--format",
        "png",
        "--resolution",
        "160x90",
        "--jobs",
        "1",
        "--no-cache",
        "--out",
        tmp_path / "out",
    )
    assert drawn.returncode == 0, drawn.stderr
    assert Path(drawn.stdout.strip().splitlines()[-1]).is_file()


def _spec_source(name: str, order: int, module: str = "nowhere", class_name: str = "Nothing") -> str:
    return textwrap.dedent(f"""
        from nnexplain.scenes.base.checks import relu_curve_regression
        from nnexplain.scenes.base.spec import SceneSpec

        SPEC = SceneSpec(
            name={name!r}, module={module!r}, class_name={class_name!r}, question="What is the output bias?",
            description="the output bias of a 1-…-1 ReLU regression", recipe="square-relu-3",
            check=relu_curve_regression, order={order},
        )
        """)


def _recipes(info) -> list[str]:
    return [info.recipe, *(further.recipe for further in info.further)]
