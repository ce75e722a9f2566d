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
manim section, so ``--sections`` can cut one clip per beat and a slide deck can
pause at each. A beat carries a speaker note written from the run's facts (the
scene passes its own, or :meth:`RunSceneMixin.beat_note` writes one) and says
whether its clip is meant to loop (a spinning view).

Scenes that time anything (how long a caption has been up) read
:attr:`RunSceneMixin.script_time`, the sum of the run times played so far. manim's
own clock counts drawn frames when rendering but run times when skipping, so a
decision taken from it could differ between a whole render and one cut into
parts (:mod:`nnexplain.app.split`), and the parts would not join up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from manim import DR, BackgroundRectangle, ManimColor, Scene, ThreeDScene, VGroup

from nnexplain.errors import RunError
from nnexplain.mobjects.style import Theme, label
from nnexplain.run import Run
from nnexplain.scenes.base.runs import SceneRuns

__all__ = ["Beat", "RunSceneMixin", "RunScene", "RunThreeDScene"]


@dataclass(frozen=True)
class Beat:
    name: str
    note: str  # what the presenter reads in the speaker view (Markdown)
    loop: bool = False  # the beat's clip repeats until the presenter moves on


class RunSceneMixin:
    scene_name: ClassVar[str | None] = None  # a built-in scene's name in the catalog (nnexplain.app.catalog)
    default_recipe: ClassVar[str | None] = None  # your own scene's default run, when it is not built in
    theme: ClassVar[Theme] = Theme()
    runs: SceneRuns | None = None
    run: Run  # the main run, set in setup()
    beat_log: list[Beat]  # the beats so far, set in setup()
    script_time: float = 0.0  # seconds of storyboard played so far, the same whether frames are drawn or skipped

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
        self.beat_log: list[Beat] = []
        self.script_time = 0.0
        self.show_unfinished()

    def play(self, *args, **kwargs) -> None:
        super().play(*args, **kwargs)
        self.script_time += self.duration  # the run time manim compiled for this play (a wait's too)

    def show_unfinished(self) -> None:
        """A run that did not complete is never drawn as if it had: a note stays on screen throughout."""
        if self.run.unfinished is None:
            return
        note = label(self.run.unfinished, self.theme, 20, self.theme.highlight)
        box = BackgroundRectangle(note, color=self.theme.background, fill_opacity=0.85, buff=0.08)
        marker = VGroup(box, note).to_corner(DR, buff=0.1).set_z_index(100)
        if isinstance(self, ThreeDScene):
            self.add_fixed_in_frame_mobjects(marker)
        self.add(marker)

    def beat(self, name: str, note: str | None = None, loop: bool = False) -> None:
        """Start the teaching beat ``name`` (a manim section), with its speaker note."""
        self.beat_log.append(Beat(name, self.beat_note(name) if note is None else note, loop))
        self.next_section(name)

    def beat_note(self, name: str) -> str:
        """The note of a beat the scene wrote none for: the beat, and the facts of the run on screen."""
        run = self.run
        facts = [f"{run.recipe}: a {'-'.join(map(str, run.layers))} network, {run.activation} hidden layers"]
        result = self.result_fact()
        if result:
            facts.append(result[:1].lower() + result[1:])
        return f"{name[:1].upper()}{name[1:]}. " + "; ".join(facts) + "."

    def result_fact(self, run: Run | None = None) -> str:
        """How the run ended, e.g. "Validation accuracy 94.8% after 30 epochs" ("" when it recorded neither)."""
        run = run or self.run
        metrics, epochs = run.final_metrics, run.epochs[-1] if run.epochs else 0
        trained = f" after {epochs} epochs" if epochs else ""
        if "val_acc" in metrics:
            return f"Validation accuracy {100 * metrics['val_acc']:.1f}%{trained}"
        if "val_max_error" in metrics:
            return f"Largest validation error {metrics['val_max_error']:.3f}{trained}"
        return ""


class RunScene(RunSceneMixin, Scene):
    pass


class RunThreeDScene(RunSceneMixin, ThreeDScene):
    pass
