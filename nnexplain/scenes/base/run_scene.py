"""The base every scene stands on: draw the runs it was handed, in named beats.

manim constructs a scene with no arguments, so the application binds the runs
after constructing it and before rendering::

    scene = Neurons()
    scene.bind(SceneRuns(load_run("runs/mnist")))   # what nnexplain.app does, checks included
    scene.render()

A scene never finds, trains or checks runs itself; the application floor does
(:mod:`nnexplain.app.runs`), for ``nnexplain render`` and, through
:class:`nnexplain.app.standalone.FromEnvironment`, for plain ``manim``.

A scene's ``construct()`` reads like a storyboard of named beats. Each beat starts
with :meth:`RunSceneMixin.beat` (a manim section, so ``--sections`` cuts one clip per
beat and a deck pauses at each) and carries its narration: the lines a narrator
would say over it, written from the run's numbers, each given with
:meth:`RunSceneMixin.say` (or :meth:`RunSceneMixin.narrate`, manim-voiceover's
``with`` form). The narration is the one source of the captions drawn on screen,
the speaker notes (:attr:`Beat.note`) and the subtitles; every line stays up at
least as long as it takes to read (:mod:`~nnexplain.scenes.base.narration`), and a
beat ends only once its lines have been read. ``t(seconds)`` scales an animation's
time by the scene's ``pace``.

Scenes that time anything (how long a caption has been up) read
:attr:`RunSceneMixin.script_time`, the length of video played so far (whole frames). manim's
own clock counts drawn frames when rendering but run times when skipping, so a
decision taken from it could differ between a whole render and one cut into
parts (:mod:`nnexplain.app.split`), and the parts would not join up.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import ClassVar, Iterator

import numpy as np
from manim import DR, AnimationGroup, BackgroundRectangle, ManimColor, Mobject, Scene, ThreeDScene, VGroup, config

from nnexplain.errors import RunError
from nnexplain.mobjects.caption_band import caption_band
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import Theme, label
from nnexplain.run import Run
from nnexplain.scenes.base.encode import encode_without_copies
from nnexplain.scenes.base.frame_memory import reuse_frame_memory
from nnexplain.scenes.base.narration import Line, Narrator
from nnexplain.scenes.base.redraw import redraw_changed_only
from nnexplain.scenes.base.runs import SceneRuns
from nnexplain.speech.speaker import Speaker
from nnexplain.speech.timing import reading_timing

__all__ = ["Beat", "RunSceneMixin", "RunScene", "RunThreeDScene"]

redraw_changed_only()  # see nnexplain.scenes.base.redraw: each frame redraws only what changes, the same pixels
encode_without_copies()  # see nnexplain.scenes.base.encode: the same frames reach the codec, without copies
reuse_frame_memory()  # see nnexplain.scenes.base.frame_memory: a freed frame's memory serves the next one


@dataclass
class Beat:
    """A named step of a scene's story, with the lines of narration said over it."""

    name: str
    label: str | None = None  # a short on-screen label for the beat, if the scene draws one
    loop: bool = False  # the beat's clip repeats until the presenter moves on
    lines: list[Line] = field(default_factory=list)

    @property
    def narration(self) -> str:
        """Everything narrated over the beat, as one paragraph."""
        return " ".join(line.sentence for line in self.lines)

    @property
    def note(self) -> str:
        """What the presenter reads in the speaker view: the beat's narration."""
        return self.narration


@dataclass(frozen=True)
class Tracker:
    """What :meth:`RunSceneMixin.narrate` yields: how long its line takes, to spread the animations over."""

    duration: float


NARRATION_SLOTS = ("caption", "band")  # where a line's own paragraph is drawn (other slots hold labels)


class RunSceneMixin:
    scene_name: ClassVar[str | None] = None  # a built-in scene's name in the catalog (nnexplain.app.catalog)
    default_recipe: ClassVar[str | None] = None  # your own scene's default run, when it is not built in
    theme: ClassVar[Theme] = Theme()
    pace: ClassVar[float] = 1.0  # scales every animation's time (t()); 0.5 plays twice as fast
    # How narration shows: "captions" draws each line in the caption band at the foot of the frame;
    # "voice" speaks it (subtitles beside the video); "presenter" draws nothing (the notes carry it).
    narration_mode: str = "captions"
    # The slots where a line's own paragraph is drawn: left out of the picture in voice and presenter modes.
    narration_slots: ClassVar[tuple[str, ...]] = NARRATION_SLOTS
    captions_in_band: ClassVar[bool] = (
        False  # to go once every scene narrates this way: lines without a caption of their own are drawn in the band
    )
    runs: SceneRuns | None = None
    run: Run  # the main run, set in setup()
    beat_log: list[Beat]  # the beats so far, set in setup()
    narrator: Narrator  # the reading clock and the log of every line narrated, set in setup()
    script_time: float = 0.0  # seconds of storyboard played so far, the same whether frames are drawn or skipped

    speaker: Speaker | None = None  # says the narration in voice mode (nnexplain.speech), given with bind()

    def bind(self, runs: SceneRuns, narration: str | None = None, speaker: Speaker | None = None) -> "RunSceneMixin":
        """Hand the scene the runs it draws, and how to narrate (a mode, a speaker for "voice"); before ``render()``."""
        self.runs = runs
        if narration is not None:
            self.narration_mode = narration
        self.speaker = speaker
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
        if self.narration_mode == "voice" and self.speaker is None:
            raise RunError(f"{type(self).__name__}: voice narration needs a speaker, given with bind()")
        # Voiced, each line lasts as long as it is said, so the picture keeps time with the voice.
        self.narrator = Narrator(self, self.speaker.timing if self.narration_mode == "voice" else reading_timing)
        self.caption_mobjects: dict[str, Mobject] = {}  # slot -> the caption drawn there now
        self._fading_in: dict[int, Line] = {}  # id of the animation bringing a caption in -> its line
        self.script_time = 0.0
        self.show_unfinished()

    def play(self, *args, **kwargs) -> None:
        super().play(*args, **kwargs)
        self.script_time += self._seconds_drawn()
        if self._fading_in:  # a caption is readable once its fade-in has played
            for animation in _all_animations(args):
                line = self._fading_in.pop(id(animation), None)
                if line is not None:
                    line.shown = self.script_time

    def wait(self, duration: float = 1.0, *args, **kwargs) -> None:
        """manim's wait, lasting whole frames: at least ``duration`` (a line held until read is held that long in
        the video too, where a still wait is cut down to whole frames)."""
        step = 1 / config.frame_rate
        frames = math.ceil(duration / step - 1e-6)
        super().wait((frames + 0.5) * step if frames > 0 else duration, *args, **kwargs)

    def _seconds_drawn(self) -> float:
        """How long the play just compiled lasts in the video: manim draws its run time (``self.duration``) as
        whole frames, rounded up for an animation and down for a still wait (cairo_renderer.freeze_current_frame).
        Summing bare run times put a long scene's subtitles seconds ahead of its picture by the end. The count
        depends on the run time and the frame rate only, so it is the same whether frames are drawn or skipped."""
        step = 1 / config.frame_rate
        if self.is_current_animation_frozen_frame():
            frames = int(self.duration / step)
        else:
            frames = len(np.arange(0, self.duration, step))
        return frames * step

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

    # --- the storyboard: beats and their narration ---------------------------------------------

    def t(self, seconds: float) -> float:
        """``seconds`` of animation at the scene's pace."""
        return seconds * self.pace

    def beat(self, name: str, note: str | None = None, loop: bool = False, *, label: str | None = None) -> Beat:
        """Start the beat ``name`` (a manim section), once the lines of the one before have been read.

        ``note`` (to go: scenes not yet converted to narration) is narrated, undrawn."""
        if self.beat_log:
            self.narrator.settle()
        beat = Beat(name, label, loop)
        self.beat_log.append(beat)
        self.next_section(name)
        if note:
            self.say(note)
        return beat

    def say(self, text: str, caption: Mobject | None = None, slot: str = "caption", fade_seconds: float = 0.0) -> list:
        """Narrate ``text``, a line of the current beat; returns the animations that bring in its caption.

        ``caption`` is how the line is drawn, in ``slot``: it replaces the caption there
        once that one has been up long enough to read (the old one fades out, then the new
        one in). Play what is returned, with any animation that goes with the line: the
        line's reading time starts when that play ends. Without ``caption`` the line is
        narrated (notes, subtitles, voice) but not drawn, from now, and the beat still lasts
        until it could have been read. ``fade_seconds``: for a caption brought in some other
        way, how long after now it becomes readable.
        """
        if caption is None and self.captions_in_band and self.narration_mode == "captions":
            caption, slot = caption_band(text, self.theme), "band"
        if caption is not None and self.narration_mode != "captions" and slot in self.narration_slots:
            # The paragraph leaves the picture: the voice or the presenter says it, the subtitles and
            # notes carry it. An empty stand-in keeps the timeline (every fade, every wait) unchanged.
            caption = VGroup()
        drawn = slot if caption is not None else None
        self.narrator.settle(drawn)
        line = self.narrator.shown(drawn, text, self.beat_log[-1].name if self.beat_log else None, fade_seconds)
        if self.beat_log:
            self.beat_log[-1].lines.append(line)
        if caption is None:
            return []
        old = self.caption_mobjects.get(slot)
        self.caption_mobjects[slot] = caption
        swap = Fade(caption) if old is None else AnimationGroup(Fade(old, out=True), Fade(caption), lag_ratio=1)
        self._fading_in[id(swap)] = line  # its reading time starts when the play that fades it in ends
        return [swap]

    @contextmanager
    def narrate(
        self, text: str, caption: Mobject | None = None, slot: str = "caption", fade_seconds: float = 0.0
    ) -> Iterator[Tracker]:
        """manim-voiceover's form: ``with self.narrate(text) as line: self.play(..., run_time=line.duration)``.

        The caption comes in first; the block's animations play while the line is read,
        and the block ends once it has been.
        """
        animations = self.say(text, caption, slot, fade_seconds)
        if animations:
            self.play(*animations, run_time=self.t(0.5))
        line = self.narrator.log[-1]
        yield Tracker(line.duration)  # its reading time, or its speech and a pause when voiced
        self.narrator.settle(line.slot)

    def unsay(self, slot: str = "caption") -> list:
        """The animations that take the caption in ``slot`` away (once read)."""
        self.narrator.settle(slot)
        self.narrator.hidden(slot)
        old = self.caption_mobjects.pop(slot, None)
        return [] if old is None else [Fade(old, out=True)]

    def hold(self, *slots: str | None, extra: float = 0.0) -> None:
        """Wait until the lines up (in ``slots``; all when none are named) have been read, then ``extra`` seconds."""
        self.narrator.settle(*slots)
        if extra > 0:
            self.wait(extra)

    def finish(self) -> None:
        """End the scene once every line still up has been read (tear_down does it too)."""
        self.narrator.finish()

    def tear_down(self) -> None:
        from manim.utils.exceptions import EndSceneEarlyException

        try:
            self.finish()  # the last beat, like every other, lasts until its lines are read
        except EndSceneEarlyException:
            pass  # a part of a split render ends before the final hold: the last part draws it
        super().tear_down()

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


def _all_animations(animations) -> Iterator:
    """Every animation in ``animations`` and inside their groups (a caption's swap may be nested)."""
    for animation in animations:
        yield animation
        yield from _all_animations(getattr(animation, "animations", ()))


class RunScene(RunSceneMixin, Scene):
    pass


class RunThreeDScene(RunSceneMixin, ThreeDScene):
    pass
