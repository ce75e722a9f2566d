"""Animated explainers of real, trained neural networks.

The public API for recording and reading runs from Python::

    import nnexplain

    recorder = nnexplain.Recorder(model, out="runs/mine", probe=(x_val[:40], y_val[:40]))
    run = nnexplain.load_run("runs/mine")
    nnexplain.show("neurons", run=recorder)   # in Jupyter or Colab: render it and show it inline

``import nnexplain`` itself imports neither torch nor manim: the names below are
loaded on first use.

The package is built in floors, each a folder, data flowing up through them::

    data/      data sets
    run/       the run directory: format, forward pass, what a snapshot holds
    train/     torch training, the Recorder, importing weights      (writes runs)
    geometry/  plain-numpy maths of what a network does             (reads runs)
    mobjects/  manim pieces built from runs
    scenes/    base classes and stories, then one module per scene
    app/       the command line, the catalog, run resolution, rendering

A floor imports only floors below it; train and the drawing floors (geometry,
mobjects, scenes) never import each other; only app finds and trains runs.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["Recorder", "load_run", "Run", "show"]

_LAZY = {
    "Recorder": "nnexplain.train.recorder",
    "load_run": "nnexplain.run.directory",
    "Run": "nnexplain.run.directory",
    "show": "nnexplain.app.notebook",  # a scene inline in Jupyter or Colab
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nnexplain' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
