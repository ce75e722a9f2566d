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


# Tests that build a scene per catalog entry, by their parameter's name. `make test` runs pytest-xdist with
# --dist loadgroup: each scene's tests go to one worker, where its texts are typeset once
# (nnexplain.mobjects.style) and a module's scene, built once, serves all its tests (test_readability).
_BY_SCENE = {
    "test_readability.py": "case",
    "test_split.py": "scene",
    "test_speaker_notes.py": "case",
    "test_scene_claims.py": "name",
}


def pytest_collection_modifyitems(config, items):
    from nnexplain.app.catalog import SCENES

    names = sorted(SCENES, key=len, reverse=True)  # "relu-square" before "relu"
    for item in items:
        param = _BY_SCENE.get(item.path.name)
        value = getattr(getattr(item, "callspec", None), "params", {}).get(param)
        if isinstance(value, str):
            scene = next((name for name in names if value == name or value.startswith(name + "-")), value)
            item.add_marker(pytest.mark.xdist_group(scene))


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


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Default runs go to a per-test cache, never the user's."""
    monkeypatch.setenv("NNEXPLAIN_CACHE", str(tmp_path / "cache"))


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real ``nnexplain`` entry point in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-c", "from nnexplain.app.cli import main; main()", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


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
