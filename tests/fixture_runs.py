"""The fixture run under ``tests/data/`` that stands in for each recipe's default run.

Tests that list scenes iterate over the catalog (:data:`nnexplain.app.catalog.SCENES`)
and find each scene's runs from its spec's recipes through this one map. A new scene
whose spec names a recipe missing here fails ``tests/test_catalog.py`` until the recipe
gets a fixture (train it in ``tests/make_fixture_runs.py``) and a line here.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from conftest import DATA

FIXTURE_OF_RECIPE = {
    "mnist": "mnist-sigmoid",
    "spiral": "spiral",
    "spiral-linear": "spiral-linear",
    "circles-2": "circles-2",
    "circles-3": "circles-3",
    "sine-linear": "sine-linear",
    "sine-relu": "sine-relu",
    "square-relu-3": "square-relu-3",
    "moons-overfit": "moons-overfit",
    "chain": "chain",
    "cnn-mnist": "cnn-mnist",
    "mlp-mnist-6k": "mlp-mnist-6k",
}
# linear-collapse's fair comparison: the linear net's other seeds and the tanh net of its shape, seeds 0-2.
FIXTURE_OF_RECIPE.update(
    {
        (name if seed == 0 else f"{name}@{seed}"): f"collapse/{name}-{seed}"
        for name, seeds in (("spiral-linear", (1, 2)), ("spiral-tanh-small", (0, 1, 2)))
        for seed in seeds
    }
)
# The depth scene's runs: three seeds of each, NAME@SEED (seed 0 is the recipe itself).
FIXTURE_OF_RECIPE.update(
    {
        (name if seed == 0 else f"{name}@{seed}"): f"depth/{name}-{seed}"
        for name in ("waves-wide", "waves-deep", "spiral3-wide", "spiral3-deep")
        for seed in (0, 1, 2)
    }
)


@dataclass(frozen=True)
class SceneRunDirs:
    """The run directories a scene is rendered from in a test: ``--run MAIN --with ROLE=DIR``."""

    main: Path
    further: dict[str, Path] = field(default_factory=dict)


def fixture_of(recipe: str) -> Path:
    """The fixture run standing in for ``recipe``'s default run."""
    return DATA / FIXTURE_OF_RECIPE[recipe]


def default_fixtures(scene: str) -> SceneRunDirs:
    """The fixture runs standing in for every default run of ``scene`` (its main run's and its further runs')."""
    from nnexplain.app.catalog import get_scene

    info = get_scene(scene)
    return SceneRunDirs(fixture_of(info.recipe), {further.role: fixture_of(further.recipe) for further in info.further})


def ready_fixtures(scene: str, scratch: Path) -> SceneRunDirs:
    """:func:`default_fixtures`, ready to render: where the scene needs a loss landscape, its main run is
    a copy under ``scratch`` with one stored (the app would store it in the run it is given)."""
    from nnexplain.app.catalog import get_scene

    runs = default_fixtures(scene)
    if not get_scene(scene).needs_landscape:
        return runs
    return SceneRunDirs(with_landscape(runs.main, scratch), runs.further)


def with_landscape(run_dir: Path, scratch: Path) -> Path:
    """A copy of ``run_dir`` under ``scratch`` with its loss landscape stored (the fixture itself stays as it is).

    The landscape is computed once per test session, whichever worker asks first, in a folder all workers
    share (conftest's NNEXPLAIN_TEST_SHARED); every later copy is a file copy."""
    target = scratch / run_dir.name
    if not target.exists():
        shutil.copytree(_landscape_once(run_dir, scratch), target)
    return target


def _landscape_once(run_dir: Path, scratch: Path) -> Path:
    import fcntl
    import os

    from nnexplain.app.landscape import ensure_landscape
    from nnexplain.run import load_run

    shared = Path(os.environ.get("NNEXPLAIN_TEST_SHARED") or scratch)
    ready = shared / f"{run_dir.name}-with-landscape"
    with open(shared / f"{run_dir.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker computes; the others wait, then copy
        if not ready.exists():
            making = shared / f"{run_dir.name}-making"
            shutil.rmtree(making, ignore_errors=True)
            shutil.copytree(run_dir, making)
            ensure_landscape(load_run(making))
            making.rename(ready)
    return ready
