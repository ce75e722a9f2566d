"""Animated explainers of real, trained neural networks.

The public API for recording and reading runs from Python::

    import nnexplain

    recorder = nnexplain.Recorder(model, out="runs/mine", probe=(x_val[:40], y_val[:40]))
    run = nnexplain.load_run("runs/mine")

``import nnexplain`` itself imports neither torch nor manim: the names below are
loaded on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["Recorder", "load_run", "Run"]

_LAZY = {"Recorder": "nnexplain.recorder", "load_run": "nnexplain.rundir", "Run": "nnexplain.rundir"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nnexplain' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
