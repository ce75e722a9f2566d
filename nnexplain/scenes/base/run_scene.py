"""The base every built-in scene stands on: load a run in ``setup()``, then animate.

How a run reaches a scene (manim constructs scenes with no arguments):

1. ``nnexplain render`` renders a subclass whose ``run_dir`` class attribute is set;
2. plain ``manim scenes/x.py X`` reads ``$NNEXPLAIN_RUN`` when it is set;
3. otherwise the scene draws the cached default run of its recipe, trained once
   on first use (``nnexplain.cache``), before any animation starts.

Scenes mark their teaching beats with :meth:`RunSceneMixin.beat`, which starts a
manim section, so ``--sections`` can cut one clip per beat.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from manim import ManimColor, Scene, ThreeDScene

from nnexplain.catalog import check_run_suits, get_scene
from nnexplain.mobjects.style import Theme
from nnexplain.errors import RunError
from nnexplain.rundir import Run, load_run

__all__ = ["RunSceneMixin", "RunScene", "RunThreeDScene", "locate_run"]


def locate_run(explicit: Path | None, env_var: str, recipe: str | None, owner: str) -> Path:
    """Where a scene's run is: ``explicit`` (a class attribute), else ``$env_var``, else the
    cached default run of ``recipe`` (trained once, before any animation)."""
    if explicit is not None:
        return Path(explicit)
    if os.environ.get(env_var):
        return Path(os.environ[env_var])
    if recipe is None:
        raise RunError(f"{owner} has no run: set ${env_var}, or give the class a run directory or default recipe")
    from nnexplain.cache import ensure_default_run

    return ensure_default_run(recipe)


class RunSceneMixin:
    scene_name: ClassVar[str | None] = None  # a built-in scene's key in nnexplain.catalog.SCENES
    default_recipe: ClassVar[str | None] = None  # your own scene's default run, when it is not built in
    run_dir: ClassVar[Path | None] = None
    theme: ClassVar[Theme] = Theme()
    run: Run

    @classmethod
    def resolve_run_dir(cls) -> Path:
        recipe = get_scene(cls.scene_name).recipe if cls.scene_name else cls.default_recipe
        return locate_run(cls.run_dir, "NNEXPLAIN_RUN", recipe, cls.__name__)

    def setup(self) -> None:
        super().setup()
        self.camera.background_color = ManimColor(self.theme.background)
        run_dir = self.resolve_run_dir()
        self.run = load_run(run_dir)
        if self.scene_name:
            check_run_suits(get_scene(self.scene_name), self.run.manifest, str(run_dir))

    def beat(self, name: str) -> None:
        """Start the teaching beat ``name`` (a manim section)."""
        self.next_section(name)


class RunScene(RunSceneMixin, Scene):
    pass


class RunThreeDScene(RunSceneMixin, ThreeDScene):
    pass
