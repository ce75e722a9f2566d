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

__all__ = ["RunSceneMixin", "RunScene", "RunThreeDScene"]


class RunSceneMixin:
    scene_name: ClassVar[str | None] = None  # a built-in scene's key in nnexplain.catalog.SCENES
    default_recipe: ClassVar[str | None] = None  # your own scene's default run, when it is not built in
    run_dir: ClassVar[Path | None] = None
    theme: ClassVar[Theme] = Theme()
    run: Run

    @classmethod
    def resolve_run_dir(cls) -> Path:
        if cls.run_dir is not None:
            return Path(cls.run_dir)
        if os.environ.get("NNEXPLAIN_RUN"):
            return Path(os.environ["NNEXPLAIN_RUN"])
        recipe = get_scene(cls.scene_name).recipe if cls.scene_name else cls.default_recipe
        if recipe is None:
            raise RunError(f"{cls.__name__} has no run: set $NNEXPLAIN_RUN, or give the class a run_dir or default_recipe")
        from nnexplain.cache import ensure_default_run

        return ensure_default_run(recipe)

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
