"""Redrawing only what changes gives manim's own frames, byte for byte (nnexplain.scenes.base.redraw).

A small scene is rendered twice in one process, once through manim's own path and once
through ours, and every frame is compared. The scene is made to catch the ways a kept
(not redrawn) mobject could go wrong: a moving shape passing under a later static one,
a mobject changed by an animation that does not name it, an image changed in place,
mobjects that hold still and then move again (kept, then drawn every frame), z-indices,
and a mobject removed in the middle of an animation.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Arc,
    Circle,
    DashedVMobject,
    FadeIn,
    Rectangle,
    Scene,
    Square,
    Text,
    Transform,
    VGroup,
    Wait,
    tempconfig,
)
from manim.renderer.cairo_renderer import CairoRenderer

import nnexplain.scenes.base.run_scene  # noqa: F401  (installs the redraw)
from nnexplain.mobjects import cairo_paths
from nnexplain.mobjects.heatmap import Heatmap, Playback, diverging_rgba
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import Theme
from nnexplain.scenes.base import redraw


class Busy(Scene):
    def construct(self) -> None:
        theme = Theme()
        values = np.linspace(-1, 1, 48).reshape(6, 8)
        still_image = Heatmap(diverging_rgba(values, 1.0, theme), 1.2).move_to(3 * LEFT + UP)
        changing_image = Heatmap(diverging_rgba(values.T, 1.0, theme), 1.2).move_to(3 * RIGHT + UP)
        mover = Square(1.0, fill_opacity=0.9, color="#4FA3F7").move_to(4 * LEFT + DOWN)
        over = Circle(0.6, fill_opacity=0.6, color="#F26B5B", stroke_width=6).move_to(DOWN)  # after the mover
        far = Text("far away", font_size=20).move_to(2.5 * UP)
        hidden_change = Rectangle(width=1.0, height=0.5, fill_opacity=1, color="#FFD166").move_to(3 * RIGHT + DOWN)
        raised = Square(0.8, fill_opacity=1, color="#8B93A1").move_to(0.6 * DOWN + 0.3 * RIGHT).set_z_index(2)
        leaving = Square(0.4, fill_opacity=1, color="#FFFFFF").move_to(2 * LEFT + 2 * DOWN)
        self.add(still_image, mover, over, far, changing_image, hidden_change, raised, leaving)

        def undeclared(t: float) -> None:  # changes mobjects the animation does not name
            hidden_change.set_fill(opacity=0.2 + 0.8 * (t > 0.5))
            changing_image.show(diverging_rgba(values.T * (1 - t), 1.0, theme))
            if t > 0.6 and leaving in self.mobjects:
                self.remove(leaving)

        self.play(mover.animate.move_to(4 * RIGHT + DOWN), Playback(far, undeclared), run_time=2)
        words = VGroup(*(Text(w, font_size=18) for w in ("one", "after", "another"))).arrange(RIGHT).to_edge(DOWN)
        blink = Square(0.3, fill_opacity=1, color="#4FA3F7").move_to(2 * UP + 5 * LEFT)
        blink.add_updater(lambda m, dt: m.set_fill(opacity=0.3 if int(self.renderer.time * 3) % 2 else 1.0))
        self.add(blink)
        self.play(
            AnimationGroup(*(FadeIn(w, shift=0.2 * UP) for w in words), lag_ratio=1),
            Transform(mover, Circle(0.5, color="#F26B5B").move_to(UP)),
            run_time=2,
        )
        self.play(Wait(0.5))


def _rendered_frames(scene_class: type[Scene], tmp_path, *, redrawing: bool, reusing: bool = True) -> list[np.ndarray]:
    """Every frame ``scene_class`` hands the renderer at 320×180, with redraw's and cairo_paths' shortcuts on or off."""
    frames: list[np.ndarray] = []
    add_frame = CairoRenderer.add_frame

    def keep(self, frame, num_frames=1):
        if not self.skip_animations:
            frames.extend([frame.copy()] * num_frames)
        return add_frame(self, frame, num_frames)

    settings = {
        "pixel_width": 320,
        "pixel_height": 180,
        "frame_rate": 15,
        "media_dir": str(tmp_path / f"media-{scene_class.__name__}-{redrawing}-{reusing}"),
        "disable_caching": True,
        "verbosity": "ERROR",
        "progress_bar": "none",
    }
    CairoRenderer.add_frame = keep
    redraw.redrawing_changed_only.enabled = redrawing
    cairo_paths.reusing_paths.enabled = reusing
    try:
        with tempconfig(settings):
            scene_class().render()
    finally:
        CairoRenderer.add_frame = add_frame
        redraw.redrawing_changed_only.enabled = True
        cairo_paths.reusing_paths.enabled = True
    return frames


def _frames(enabled: bool, tmp_path) -> list[np.ndarray]:
    return _rendered_frames(Busy, tmp_path, redrawing=enabled)


def test_frames_are_byte_for_byte_manims(tmp_path):
    ours, manims = _frames(True, tmp_path), _frames(False, tmp_path)
    assert len(ours) == len(manims) > 60
    assert all(frame.any() for frame in ours)
    differing = [i for i, (a, b) in enumerate(zip(ours, manims)) if not np.array_equal(a, b)]
    assert differing == []


def test_frames_were_redrawn_in_part(tmp_path, monkeypatch):
    """The comparison above means something only if our path kept mobjects: count what it drew."""
    drawn: list[int] = []
    capture = redraw.Camera.capture_mobjects

    def counting(self, mobjects, **kwargs):
        drawn.append(len(list(mobjects)))
        return capture(self, mobjects, **kwargs)

    monkeypatch.setattr(redraw.Camera, "capture_mobjects", counting)
    _frames(True, tmp_path)
    ours = sum(drawn)
    drawn.clear()
    _frames(False, tmp_path)
    assert ours < 0.8 * sum(drawn)


@pytest.mark.parametrize("sabotage", ["states never change", "boxes are points", "boxes found once"])
def test_the_check_can_fail(tmp_path, monkeypatch, sabotage):
    """Trusting the animations (not comparing states), ignoring stroke and antialiasing, or keeping a mobject's
    first box after it moved, is caught."""
    if sabotage == "states never change":
        monkeypatch.setattr(redraw, "_state", lambda mobject: ())
    elif sabotage == "boxes found once":
        first: dict[int, np.ndarray] = {}
        box_of = redraw._box_of
        monkeypatch.setattr(
            redraw, "_box_of", lambda plan, camera, view, mobject, identity, state: first.setdefault(
                identity, box_of(plan, camera, view, mobject, identity, state))
        )  # fmt: skip
    else:
        monkeypatch.setattr(redraw, "MITER_LIMIT", 0.0)
        monkeypatch.setattr(redraw, "MARGIN_PIXELS", -3.0)
    ours, manims = _frames(True, tmp_path), _frames(False, tmp_path)
    assert any(not np.array_equal(a, b) for a, b in zip(ours, manims))


class Reshaped(Scene):
    """Paths drawn again and again: glyphs fading in (same points), shapes that flip between two outlines, one
    emptied and refilled, closed and open strokes, many subpaths."""

    def construct(self) -> None:
        words = Text("same points, new opacity", font_size=28).move_to(UP)
        flipping = Square(1.0, fill_opacity=0.7, color="#4FA3F7", stroke_width=8).move_to(3 * LEFT + DOWN)
        other = Circle(0.6).move_to(3 * LEFT + DOWN).points
        first = flipping.points.copy()
        emptied = Rectangle(width=1.2, height=0.4, fill_opacity=1, color="#FFD166").move_to(3 * RIGHT + DOWN)
        kept = emptied.points.copy()
        dashes = DashedVMobject(Circle(0.8, color="#F26B5B", stroke_width=5), num_dashes=14).move_to(DOWN)
        arc = Arc(radius=1.0, angle=2.5, stroke_width=10, color="#8B93A1").move_to(2 * DOWN + 1.5 * RIGHT)
        self.add(flipping, emptied, dashes, arc)
        frame = [0]

        def flip(mobject, dt):  # two frames one outline, two frames the other
            frame[0] += 1
            mobject.set_points(other if frame[0] // 2 % 2 else first)

        def blink(mobject, dt):
            mobject.set_points(kept if frame[0] // 3 % 2 else np.zeros((0, 3)))

        flipping.add_updater(flip)
        emptied.add_updater(blink)
        self.play(Fade(words), dashes.animate.set_stroke(opacity=0.3), run_time=1.5)
        self.play(arc.animate.set_stroke(width=3), Wait(), run_time=1)


def _reshaped_frames(reuse: bool, tmp_path) -> list[np.ndarray]:
    # Every mobject drawn every frame (redraw off): every path is built or reused.
    return _rendered_frames(Reshaped, tmp_path, redrawing=False, reusing=reuse)


def test_reused_paths_draw_manims_frames(tmp_path, monkeypatch):
    appended: list[int] = []
    monkeypatch.setattr(cairo_paths, "_PATHS", _CountingPaths(appended))
    ours, manims = _reshaped_frames(True, tmp_path), _reshaped_frames(False, tmp_path)
    assert len(ours) == len(manims) > 30
    assert [i for i, (a, b) in enumerate(zip(ours, manims)) if not np.array_equal(a, b)] == []
    assert len(appended) > 500  # the glyphs, dashes and arc were drawn from copied paths


def test_reused_paths_check_can_fail(tmp_path, monkeypatch):
    """A cache that forgot to compare the points (the flipping square, the emptied rectangle) is caught."""
    monkeypatch.setattr(cairo_paths, "_PATHS", _StalePaths())
    ours = _reshaped_frames(True, tmp_path)
    monkeypatch.undo()
    manims = _reshaped_frames(False, tmp_path)
    assert any(not np.array_equal(a, b) for a, b in zip(ours, manims))


class _Anything:
    def __eq__(self, other) -> bool:
        return True


class _StalePaths(dict):
    """The cache, believing every mobject still has the points its path was made from."""

    def get(self, key, default=None):
        seen = super().get(key, default)
        return None if seen is None else (_Anything(), seen[1])


class _CountingPaths(dict):
    """The cache, counting the copied paths it hands out."""

    def __init__(self, appended: list[int]):
        super().__init__()
        self.appended = appended

    def get(self, key, default=None):
        seen = super().get(key, default)
        if seen is not None and seen[1] is not None:
            self.appended.append(1)
        return seen
