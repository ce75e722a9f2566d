from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def pytest_addoption(parser):
    parser.addoption(
        "--regenerate-frames",
        action="store_true",
        help="re-render the control frames of the graphical tests instead of comparing to them",
    )


SHARED = "NNEXPLAIN_TEST_SHARED"  # a folder every xdist worker of one session shares (tests/fixture_runs.py)


def pytest_configure(config):
    config.addinivalue_line("markers", "graphical: renders a scene and compares its last frame to a control frame")
    if not hasattr(config, "workerinput"):  # the controller, before it starts the workers (they inherit it)
        import tempfile

        os.environ[SHARED] = tempfile.mkdtemp(prefix="nnx-test-shared-")
    # Labels typeset by one process of the session are read back by the others (nnexplain.mobjects.typeset_cache):
    # renders in subprocesses (the CLI, --jobs, Ray) set it up for themselves from this variable, the tests' own
    # processes in shared_typesetting below. tests/test_typeset_cache.py holds what is read back to manim's own
    # typesetting, attribute for attribute.
    os.environ.setdefault("NNEXPLAIN_TYPESET", str(Path(os.environ[SHARED]) / "typeset"))


@pytest.fixture(autouse=True, scope="session")
def shared_typesetting():
    from nnexplain.mobjects.typeset_cache import keep_typeset_in

    keep_typeset_in(os.environ["NNEXPLAIN_TYPESET"])


# `make test` runs pytest-xdist with --dist loadgroup: tests of one xdist_group run in one worker, and building a
# scene costs most the first time in a process (each text is typeset once a process, nnexplain.mobjects.style; a
# fixture of module scope is built once a process). So every test of a scene goes to one worker, found here:
# file -> (the parameter naming the scene of each case, else None; the scene of the file's other tests, else None).
_BY_SCENE = {
    "test_readability.py": ("case", None),
    "test_split.py": ("scene", None),
    "test_speaker_notes.py": ("case", None),
    "test_scene_claims.py": ("name", None),
    "test_plane_story.py": ("scene_name", "fold"),
    "test_hinge_scenes.py": ("scene", "relu-square"),  # relu-square's best hinge fit is searched once a process
    "test_lift_scene.py": (None, "lift"),
    "test_neurons.py": (None, "neurons"),
    "test_backprop_scene.py": (None, "backprop"),
    "test_chain.py": (None, "chain-rule"),
    "test_convolution_scene.py": (None, "convolution"),
    "test_depth.py": (None, "depth"),
    "test_descent.py": (None, "descent"),
    "test_softmax.py": (None, "softmax"),
    "test_filters_scene.py": (None, "filters"),
    "test_training_scene.py": (None, "training"),
    "test_neuron_maps.py": (None, "neuron-maps"),
    "test_hidden_features.py": (None, "hidden-features"),
}


def _group(item, names) -> str | None:
    """The xdist group of a test: its scene's (above); else its module's, where it uses a fixture of module scope
    defined there (a deck, a trained run), which would otherwise be built again in each worker that gets a test."""
    param, scene = _BY_SCENE.get(item.path.name, (None, None))
    value = getattr(getattr(item, "callspec", None), "params", {}).get(param) if param else None
    if isinstance(value, str):
        return next((name for name in names if value == name or value.startswith(name + "-")), value)
    if scene:
        return scene
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    for fixturedefs in definitions.values():
        if any(d.scope == "module" and str(d.baseid).startswith(item.nodeid.split("::")[0]) for d in fixturedefs):
            return item.path.name
    return None


def pytest_collection_modifyitems(config, items):
    from nnexplain.app.catalog import SCENES

    names = sorted(SCENES, key=len, reverse=True)  # "relu-square" before "relu"
    groups = {}
    for item in items:
        group = _group(item, names)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
            groups[item.nodeid] = group
    if hasattr(config, "workerinput") and os.environ.get(SHARED):  # for the controller's scheduler, below
        import json

        mine = Path(os.environ[SHARED]) / f"groups-{config.workerinput['workerid']}.json"
        mine.with_suffix(".part").write_text(json.dumps(groups))
        mine.with_suffix(".part").replace(mine)


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # optional: a run without xdist has no such hook
def pytest_xdist_make_scheduler(config, log):
    """xdist's loadgroup, with the groups read from what the workers collected. xdist 3.8 marks a test's group by
    appending it to ``item._nodeid``, which pytest 9 no longer reads (a node's id is ``item._id``): every test was
    its own unit and a scene's tests were spread over the workers, each building the scene again."""
    if config.getvalue("dist") != "loadgroup":
        return None
    import json

    from xdist.scheduler import LoadGroupScheduling

    class CollectedGroups(LoadGroupScheduling):
        _groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._groups is None:  # the workers wrote them before reporting their collection
                self._groups = {}
                for written in Path(os.environ[SHARED]).glob("groups-*.json"):
                    self._groups.update(json.loads(written.read_text()))
            return self._groups.get(nodeid) or super()._split_scope(nodeid)

    return CollectedGroups(config, log)


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput") and os.environ.get(SHARED):
        import shutil

        shutil.rmtree(os.environ.pop(SHARED), ignore_errors=True)


@pytest.fixture
def sigmoid_run() -> Path:
    return DATA / "mnist-sigmoid"


@pytest.fixture
def relu_run() -> Path:
    return DATA / "mnist-relu"


@pytest.fixture(scope="session")
def default_runs(tmp_path_factory):
    """scene name -> the fixture runs standing in for its default runs (tests/fixture_runs.py), ready to render."""
    from fixture_runs import ready_fixtures

    scratch = tmp_path_factory.mktemp("default-runs")
    return lambda scene: ready_fixtures(scene, scratch)


@pytest.fixture(scope="session")
def watched_case(tmp_path_factory, default_runs):
    """case of tests/readability.py's CASES -> what its watched render saw (readability.WatchedScene).

    Each case is rendered once in a worker, with its animations skipped, and read by both the readability checks
    (texts and how long each line is held) and the speaker-notes check (its beat log: what a deck's notes are made
    of). --dist loadgroup sends all of a scene's cases to one worker (pytest_collection_modifyitems above)."""
    from readability import CASES, WatchedScene, render_watched

    from nnexplain.app.catalog import SCENES

    seen = {}

    def watched(case):
        if case not in seen:
            name, runs = CASES[case]
            runs = runs or default_runs(name)
            media = tmp_path_factory.mktemp(case)
            seen[case] = WatchedScene.of(render_watched(SCENES[name].load_class(), runs.main, media, **runs.further))
        return seen[case]

    return watched


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Default runs go to a per-test cache, never the user's."""
    monkeypatch.setenv("NNEXPLAIN_CACHE", str(tmp_path / "cache"))


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real ``nnexplain`` entry point in a subprocess, as a user would."""
    command = [sys.executable, "-c", "from nnexplain.app.cli import main; main()", *map(str, args)]
    # In a session of its own, so that a command past its time is ended with every process it started (a --jobs
    # render's workers, a local Ray cluster): subprocess.run's timeout kills the command alone and left them running.
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def ahead_on_path(folder: Path) -> dict:
    """An environment whose imports look in ``folder`` first (a stand-in package that refuses to import),
    then where they looked before: the code under test stays this checkout's, not an installed copy."""
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))}


@pytest.fixture
def data_dir() -> Path:
    return DATA


def torch_activations() -> dict:
    """Each activation as torch computes it: the answer key for the registry's numpy functions."""
    import torch

    return {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "identity": lambda z: z}


def torch_mlp(sizes, activation: str):
    """A plain torch MLP written out here (``linears``, ``activation``), independent of the package's network."""
    from torch import nn

    class TorchMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.activation = activation
            self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

        def forward(self, x):
            act = torch_activations()[self.activation]
            for linear in self.linears[:-1]:
                x = act(linear(x))
            return self.linears[-1](x)

    return TorchMLP()


def torch_model(run, epoch=None):
    """A torch MLP holding a run's stored weights at ``epoch``: the answer key for recorded arrays."""
    import torch

    model = torch_mlp(run.layers, run.activation)
    with torch.no_grad():
        for linear, (weight, bias) in zip(model.linears, run.params(epoch)):
            linear.weight.copy_(torch.from_numpy(weight))
            linear.bias.copy_(torch.from_numpy(bias))
    return model
