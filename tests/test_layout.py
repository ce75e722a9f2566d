"""The house by floors: the package's folders are its floors, and imports only go down.

The graph is read from the code (tests/import_graph.py), lazy imports and
``import_module`` calls included, so a change that adds an import going up fails here.
"""

import subprocess
import sys
import textwrap

import import_graph
import pytest
from import_graph import MAY_IMPORT, PACKAGE, floor_of, graph, loops, upward


@pytest.fixture(scope="module")
def edges():
    return graph()


def test_every_module_is_on_a_floor(edges):
    assert {floor_of(module) for module in edges} <= set(MAY_IMPORT)


def test_no_import_goes_up_a_floor_or_across_the_wings(edges):
    assert upward(edges) == []


def test_no_modules_import_each_other_in_a_loop(edges):
    assert loops(edges) == []


def test_scenes_never_train_or_find_runs(edges):
    reaching = {module for module in edges if floor_of(module) in ("scenes", "mobjects", "geometry")}
    for module in reaching:
        assert not {target for target in edges[module] if floor_of(target) in ("train", "app")}, module


def test_the_checker_sees_lazy_and_dynamic_imports(tmp_path):
    """The checker itself can fail: a lazy import and an import_module call going up are both caught."""
    package = tmp_path / "nnexplain"
    (package / "run").mkdir(parents=True)
    (package / "app").mkdir()
    for folder in (package, package / "run", package / "app"):
        (folder / "__init__.py").write_text("")
    (package / "app" / "cache.py").write_text("")
    (package / "run" / "lazy.py").write_text(
        textwrap.dedent("""
        def f():
            from nnexplain.app import cache
        """)
    )
    (package / "run" / "dynamic.py").write_text(
        "from importlib import import_module\nimport_module('nnexplain.app.cache')\n"
    )
    (package / "run" / "a.py").write_text("from nnexplain.run import b\n")
    (package / "run" / "b.py").write_text("def g():\n    from nnexplain.run import a\n")
    found = graph(package)
    assert upward(found) == [
        ("nnexplain.run.dynamic", "nnexplain.app.cache"),
        ("nnexplain.run.lazy", "nnexplain.app.cache"),
    ]
    assert loops(found) == [["nnexplain.run.a", "nnexplain.run.b"]]


def test_the_drawing_and_training_floors_import_no_manim_or_torch_where_they_should_not():
    """``nnexplain list``, ``info`` and the run floor stay light: no manim, no torch at import time."""
    code = (
        "import sys, nnexplain.run, nnexplain.data, nnexplain.geometry.hinges, nnexplain.app.catalog, "
        "nnexplain.app.cli, nnexplain.train.recipes, nnexplain.scenes.base.runs; "
        "print(sorted(m for m in ('torch', 'manim') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_graph_summary_prints(capsys):
    print(import_graph.summary(graph()))
    out = capsys.readouterr().out
    assert "imports going up or across a wing: 0" in out and "loops: 0" in out
    assert PACKAGE.name == "nnexplain"
