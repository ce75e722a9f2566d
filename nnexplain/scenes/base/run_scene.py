"""The base every scene stands on: draw the runs it was handed, in named beats.

manim constructs a scene with no arguments, so the application binds the runs
after constructing it and before rendering::

    scene = Neurons()
    scene.bind(SceneRuns(load_run("runs/mnist")))   # what nnexplain.app does, checks included
    scene.render()

A scene never finds, trains or checks runs itself; the application floor does
(:mod:`nnexplain.app.runs`), for ``nnexplain render`` and, through
:class:`nnexplain.app.standalone.FromEnvironment`, for plain ``manim``.

Scenes mark their teaching beats with :meth:`RunSceneMixin.beat`, which starts a
manim section, so ``--sections`` can cut one clip per beat.
"""

from __future__ import annotations

from typing import ClassVar

from manim import ManimColor, Scene, ThreeDScene

from nnexplain.errors import RunError
from nnexplain.mobjects.style import Theme
from nnexplain.run import Run
from nnexplain.scenes.base.runs import SceneRuns

__all__ = ["RunSceneMixin", "RunScene", "RunThreeDScene"]


class RunSceneMixin:
    scene_name: ClassVar[str | None] = None  # a built-in scene's name in the catalog (nnexplain.app.catalog)
    default_recipe: ClassVar[str | None] = None  # your own scene's default run, when it is not built in
    theme: ClassVar[Theme] = Theme()
    runs: SceneRuns | None = None
    run: Run  # the main run, set in setup()

    def bind(self, runs: SceneRuns) -> "RunSceneMixin":
        """Hand the scene the runs it draws; call before ``render()``."""
        self.runs = runs
        return self

    def setup(self) -> None:
        super().setup()
        self.camera.background_color = ManimColor(self.theme.background)
        if self.runs is None:
            raise RunError(
                f"{type(self).__name__} was given no run: render it with `nnexplain render`, or with plain manim "
                "through a class that mixes in nnexplain.app.standalone.FromEnvironment"
            )
        self.run = self.runs.main

    def beat(self, name: str) -> None:
        """Start the teaching beat ``name`` (a manim section)."""
        self.next_section(name)


class RunScene(RunSceneMixin, Scene):
    pass


class RunThreeDScene(RunSceneMixin, ThreeDScene):
    pass
