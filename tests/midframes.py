"""Frames from inside an animation, and samples of the view while the data move, for graphical tests.

Last frames hide what goes wrong in motion. :func:`render_frame_inside` renders a
scene writing only its last frame (every animation skipped, so it is quick) but
stops inside one chosen ``play`` to draw the frame there: the first play of beat
``beat`` whose animations satisfy ``predicate``, at fraction ``alpha`` of its run
time. :func:`sample_warps` records, at several moments inside every
:class:`~nnexplain.mobjects.plane.Warp` a render plays, where the data points are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
from frames import render_for_test


def render_frame_inside(
    scene_class: type,
    run_dir: Path,
    media_dir: Path,
    beat: str,
    predicate: Callable[[tuple], bool],
    alpha: float = 0.5,
    inspect: Callable | None = None,
    **further: Path,
):
    """The frame (480 × 270) at ``alpha`` of the chosen play; with ``inspect``, also what
    ``inspect(scene)`` returns at that moment, as (frame, inspected)."""
    captured: list = []

    class Inside(scene_class):
        def beat(self, name: str, **note_and_loop) -> None:
            self.current_beat = name
            super().beat(name, **note_and_loop)

        def play(self, *animations, **kwargs):
            if captured or getattr(self, "current_beat", None) != beat or not predicate(animations):
                return super().play(*animations, **kwargs)
            original = self.play_internal

            def play_internal(skip_rendering: bool = False) -> None:
                self.update_to_time(alpha * self.get_run_time(self.animations))
                self.renderer.static_image = None
                self.renderer.update_frame(self)
                frame = np.asarray(self.renderer.get_frame())[..., :3].copy()
                captured.append((frame, inspect(self)) if inspect else frame)
                original(skip_rendering)

            self.play_internal = play_internal
            try:
                return super().play(*animations, **kwargs)
            finally:
                del self.play_internal

    Inside.__name__ = scene_class.__name__
    render_for_test(Inside, run_dir, media_dir, **further)
    assert captured, f"no play in beat {beat!r} matched"
    return captured[0]


def warp_of(kind: str) -> Callable[[tuple], bool]:
    """A predicate: the play moves a plane through a step of ``kind`` ('linear', 'shift', 'activate')."""
    from nnexplain.mobjects.plane import Warp

    return lambda animations: any(isinstance(a, Warp) and getattr(a.motion, "__name__", "") == kind for a in animations)


def sample_warps(monkeypatch, alphas=np.linspace(0.05, 0.95, 7)) -> list[tuple]:
    """Patch :class:`Warp` so every warp, when it begins, is also drawn at ``alphas``; returns the
    list it fills with (motion name, alpha, scene points of the data, the view, the data's state)."""
    from nnexplain.mobjects.plane import Warp

    samples: list[tuple] = []
    begin = Warp.begin

    def sampling_begin(self):
        begin(self)
        name = getattr(self.motion, "__name__", "view") if self.motion is not None else "view"
        for alpha in alphas:
            self.interpolate_mobject(float(alpha))
            plane = self.mobject
            samples.append((name, float(alpha), np.array(plane.scene_points), plane.view, np.array(plane.points_state)))
        self.interpolate_mobject(0.0)

    monkeypatch.setattr(Warp, "begin", sampling_begin)
    return samples
