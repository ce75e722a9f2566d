"""The scenes floor: one module per built-in scene, standing on :mod:`nnexplain.scenes.base`.

Each scene reads the runs the application hands it and animates them in named
beats; it never trains or finds runs. For your own scene::

    from nnexplain.scenes import RunScene        # loads nothing until used

    class MyScene(RunScene):
        default_recipe = "mnist"
        def construct(self):
            self.beat("title"); ...                # self.run is the main run

The names below load on first use, so importing this package does not import manim.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["RunScene", "RunThreeDScene", "SceneRuns"]

_LAZY = {
    "RunScene": "nnexplain.scenes.base.run_scene",
    "RunThreeDScene": "nnexplain.scenes.base.run_scene",
    "SceneRuns": "nnexplain.scenes.base.runs",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nnexplain.scenes' has no attribute {name!r}")
