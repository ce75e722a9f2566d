"""The lift scene's camera: the box fitted to the picture, views that follow the data, warps and zooms.

A mixin of :class:`~nnexplain.scenes.lift.Lift`, kept apart from its storyboard. Every
view is an :class:`~nnexplain.mobjects.orbit.OrbitView` on a box fitted to the picture's
area (``PICTURE``) at the camera's angle; a warp moves the data while the camera turns,
follows them, or holds still; a reframe zooms with the data still.
"""

from __future__ import annotations

import numpy as np
from manim import LEFT, RIGHT, UP, FadeIn, Polygon, VGroup, smooth, there_and_back_with_pause

from nnexplain.geometry.boundary import clip_line_to, split_rectangle
from nnexplain.geometry.framing import follow
from nnexplain.geometry.steps import Step
from nnexplain.geometry.warp import Projection
from nnexplain.mobjects.orbit import BOX_REACH, OrbitView
from nnexplain.mobjects.plane import Warp
from nnexplain.mobjects.style import label

__all__ = ["LiftCamera", "PICTURE", "padded"]

PICTURE = (-6.2, 2.0, -1.85, 2.6)  # x_min, x_max, y_min, y_max of the box's outline (its names go round it)
ZOOM_BADGE_CORNER = (-6.2, -1.95)  # the "zoom in ×6" badge's top-left corner, flat: below the picture, left of it
ZOOM_BADGE_CORNER_3D = (6.7, 3.6)  # its top-right corner in 3-D: the title's row, at its right end (the axes'
# names go all round the box, so no place beside the box stays free)
NOTABLE_ZOOM = 1.5  # a reframe that changes the scale this much or more is a zoom: said on screen, never popped
ZOOM_SECONDS = 1.6  # the least time such a zoom takes


class LiftCamera:
    """Views, warps and zooms for a scene that keeps ``self.view``, ``self.plane``, ``self.depth``, ``self.extras``
    and ``self.followers``, and has a ``fill`` (the share of the box the followed data fill)."""

    def line_across(self, normal: np.ndarray, offset: float) -> np.ndarray:
        """The segment of the line normal·p + offset = 0 across the flat picture now shown (2-D points)."""
        (x, y), reach = self.view.origin[:2], self.view.half_size / self.view.scale
        return clip_line_to(normal, offset, (x - reach, x + reach, y - reach, y + reach))

    def sides_of(self, normal: np.ndarray, offset: float) -> VGroup:
        """The flat picture's two sides of the line normal·p + offset = 0, tinted by the class each is given to
        (class 1 where normal·p + offset > 0), not yet shown."""
        (x, y), reach = self.view.origin[:2], self.view.half_size / self.view.scale
        polygons = split_rectangle(normal, offset, (x - reach, x + reach, y - reach, y + reach))
        tints = VGroup(
            *(
                Polygon(*self.view(np.asarray(polygon)), stroke_width=0, fill_color=self.theme.palette[side])
                for side, polygon in enumerate(polygons)
                if len(polygon) >= 3
            )
        )
        return tints.set_fill(opacity=0)

    # --- views --------------------------------------------------------------------------------

    def box_view(
        self,
        projection: Projection,
        origin,
        reach: float,
        phi: float,
        theta: float,
        gamma: float = 0.0,
        depth: float = 1.0,
    ) -> OrbitView:
        """The camera at (phi, theta, roll gamma) on the box ``origin`` ± ``reach`` (representation units), the box
        as large as the picture holds at this angle. ``depth``: the share of the box's height that counts in
        fitting it (0 seen flat, where only its middle plane is drawn)."""
        origin = tuple(np.pad(np.asarray(origin, np.float64), (0, 3 - len(origin))))
        corners = np.array([[x, y, z * depth] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], np.float64)
        unit = OrbitView(projection, 1.0 / reach, (0.0, 0.0, 0.0), origin, phi, theta, 1.0, gamma)
        screen = unit.screen(corners)[:, :2]
        low, high = screen.min(axis=0), screen.max(axis=0)
        x_min, x_max, y_min, y_max = PICTURE
        half = min((x_max - x_min) / (high - low)[0], (y_max - y_min) / (high - low)[1])
        centre = (np.array([x_min + x_max, y_min + y_max]) - half * (low + high)) / 2
        return OrbitView(projection, half / reach, (*centre, 0.0), origin, phi, theta, half, gamma)

    def view_of(self, projection: Projection, points: np.ndarray, phi, theta, gamma=0.0, depth=1.0) -> OrbitView:
        """The view following ``points`` (representation rows): they fill ``fill`` of the box."""
        frame = follow(projection(padded(points, projection.basis.shape[0])))
        return self.box_view(projection, frame.centre, frame.radius / self.fill, phi, theta, gamma, depth)

    def framing(self, projection: Projection, angles=None, still: OrbitView | None = None, keep: bool = False):
        """Per frame of a warp: ``still`` throughout; or the camera turned by ``angles`` (t ↦ phi, theta, roll,
        depth) on the same box (``keep``) or on a box following the data."""
        here, flat = self.view, self.depth

        def view(state, t):
            if still is not None:
                return still
            phi, theta, gamma, depth = angles(t) if angles else (here.phi, here.theta, here.gamma, flat)
            if keep:
                return self.box_view(projection, here.origin, here.half_size / here.scale, phi, theta, gamma, depth)
            return self.view_of(projection, state[1], phi, theta, gamma, depth)

        return view

    def warp(
        self,
        motion,
        projection: Projection,
        run_time: float,
        angles=None,
        still=None,
        carried=(),
        rate=smooth,
        keep=False,
    ):
        self.bring_to_front(*self.drawn)
        self.play(
            Warp(
                self.plane,
                motion,
                framing=self.framing(projection, angles, still, keep),
                carried=carried,
                followers=self.followers,
                run_time=run_time,
                rate_func=rate,
            )
        )
        self.view = self.plane.view

    def reframe(self, target: OrbitView, run_time: float, carried=()) -> None:
        """Zoom (and move) from the view now to ``target``'s box, geometrically in scale, the camera turning to
        ``target``'s angles (as given: the caller picks the way round), the data still. A zoom by
        :data:`NOTABLE_ZOOM` or more takes at least :data:`ZOOM_SECONDS` and is named on screen while it plays
        ("zoom out ×6"), so it is never read as the layer shrinking or growing the data."""
        start = self.view
        reaches = start.half_size / start.scale, target.half_size / target.scale
        turn = np.array([start.phi, start.theta, start.gamma]), np.array([target.phi, target.theta, target.gamma])

        def view(state, t):
            origin = (1 - t) * np.asarray(start.origin) + t * np.asarray(target.origin)
            reach = reaches[0] * (reaches[1] / reaches[0]) ** t
            phi, theta, gamma = (1 - t) * turn[0] + t * turn[1]
            return self.box_view(start.projection, origin, reach, phi, theta, gamma, self.depth)

        zoom = reaches[0] / reaches[1]  # > 1: zooming in
        badge = []
        if max(zoom, 1 / zoom) >= NOTABLE_ZOOM:
            run_time = max(run_time, ZOOM_SECONDS)
            words = f"zoom in ×{zoom:.0f}" if zoom > 1 else f"zoom out ×{1 / zoom:.0f}"
            sign = label(words, self.theme, 28, self.theme.highlight)
            if self.depth > 0:
                sign.move_to([*ZOOM_BADGE_CORNER_3D, 0.0], aligned_edge=RIGHT + UP)
            else:
                sign.move_to([*ZOOM_BADGE_CORNER, 0.0], aligned_edge=LEFT + UP)
            badge = [FadeIn(sign, rate_func=there_and_back_with_pause, run_time=run_time)]
        self.bring_to_front(*self.drawn)
        # A zoom at a nearly even pace (a factor per second): smooth easing put most of a ×9 into one second.
        rate = (lambda t: 0.3 * smooth(t) + 0.7 * t) if badge else smooth
        self.play(
            Warp(
                self.plane, framing=view, carried=carried, followers=self.followers, run_time=run_time, rate_func=rate
            ),
            *badge,
        )
        if badge:
            self.remove(badge[0].mobject)
        self.view = self.plane.view

    def holds(self, view: OrbitView, points: np.ndarray) -> bool:
        """Whether ``view``'s box holds ``points`` (representation rows)."""
        projection = view.projection
        inside = padded(projection(padded(points, projection.basis.shape[0])), 3) - np.asarray(view.origin)
        return bool(np.all(np.abs(inside) <= view.half_size / view.scale * self.fill + 1e-9))

    def layer_frame(self, steps: list[Step], cube=None, angles=None) -> OrbitView:
        """The one view a layer's linear map, shift and squash are all seen in, the camera as now (or at
        ``angles``: phi, theta, roll): it holds where each starts and ends, and ``cube`` (the corners a squash
        maps into), so nothing in between moves the camera: a shift is seen as the points moving, not the frame."""
        v = self.view
        phi, theta, gamma = angles if angles is not None else (v.phi, v.theta, v.gamma)
        moving = [s for s in steps if s.kind in ("linear", "shift", "activate")]
        ends = [s.motion(t)[1] for s in moving for t in (0.0, 1.0)]
        if cube is not None:
            ends.append(padded(cube, ends[0].shape[1]))
        return self.view_of(moving[0].projection, np.concatenate(ends), phi, theta, gamma, self.depth)

    @property
    def drawn(self) -> list:
        """What moves, last in the scene, so manim redraws it (and not the still labels) each frame."""
        return [self.plane, *self.extras]

    def make_room(self, step: Step, frame: OrbitView | None = None) -> OrbitView:
        """Zoom out, the data still, to ``frame`` or else a view holding where a linear step starts and ends: the
        stretch is then seen as growth, not as a shrinking frame. Unnarrated (a zoom is camera work, not
        content), but named on screen. Returns that view."""
        v = self.view
        ends = np.concatenate([step.motion(0.0)[1], step.motion(1.0)[1]])
        still = frame or self.view_of(step.projection, ends, v.phi, v.theta, v.gamma, self.depth)
        self.reframe(still, ZOOM_SECONDS)
        return still

    def shift_still(self, step: Step, seconds: float, back: bool = False, carried=()) -> None:
        """The shift (undone, ``back``) with the view holding where it starts and ends: the points move, not the
        frame. ``carried``: (lines, motion) pairs moved along, as in :class:`Warp`. Where the view now already
        holds both ends (a :meth:`layer_frame`), the camera does not move at all."""
        v = self.view
        ends = np.concatenate([step.motion(0.0)[1], step.motion(1.0)[1]])
        if self.holds(v, ends):
            still, lead = v, 0.0
        else:
            still = self.view_of(step.projection, ends, v.phi, v.theta, v.gamma, self.depth)
            lead = min(0.8, seconds / 4)
            self.reframe(still, lead, carried=[(lines, None) for lines, _ in carried])
        motion = backwards(step) if back else step.motion
        self.warp(motion, step.projection, seconds - lead, still=still, carried=carried)

    @staticmethod
    def picture_clip() -> tuple[float, float, float, float]:
        """The drawing area left of the column (x_min, x_max, y_min, y_max): a curve that runs on past the shown
        box is cut here, at the panel's edge, not in mid-air at the box's."""
        x_min, _, y_min, y_max = PICTURE
        return x_min, 2.3, y_min, y_max

    def flat_box(self) -> tuple[float, float, float, float]:
        """The shown box's outline on the screen in the flat view (x_min, x_max, y_min, y_max): lines are cut
        there, as the plane is."""
        (x, y), reach = np.asarray(self.view.centre[:2]), self.view.half_size * BOX_REACH
        return x - reach, x + reach, y - reach, y + reach

    @staticmethod
    def widened(bounds, factor: float = 2.5) -> tuple[float, float, float, float]:
        """``bounds`` (x_min, x_max, y_min, y_max) grown ``factor`` times about their centre."""
        x_min, x_max, y_min, y_max = bounds
        x, y, half_x, half_y = (x_min + x_max) / 2, (y_min + y_max) / 2, (x_max - x_min) / 2, (y_max - y_min) / 2
        return x - factor * half_x, x + factor * half_x, y - factor * half_y, y + factor * half_y

    def undo(self, step: Step, seconds: float, carried=(), angles=None, still: OrbitView | None = None) -> None:
        """``step`` played backwards in ``seconds``, with ``carried`` lines: a shift with the view still; any other
        step first eases the view to where the warp's framing starts (so the warp begins without a jump), then
        follows the points (turning the camera by ``angles``, as in :meth:`framing`). ``still``: the view the
        step is played in, the camera not moving (a :meth:`layer_frame` the view is already at)."""
        if still is not None:
            self.warp(backwards(step), step.projection, seconds, still=still, carried=carried)
            return
        if step.kind == "shift":
            self.shift_still(step, seconds, back=True, carried=carried)
            return
        if step.kind == "linear" and angles is None:  # as forward: at a fixed zoom holding both ends, then the warp
            v = self.view
            ends = np.concatenate([step.motion(0.0)[1], step.motion(1.0)[1]])
            still = self.view_of(step.projection, ends, v.phi, v.theta, v.gamma, self.depth)
            if not self.holds(v, ends):
                self.reframe(still, 0.8, carried=[(lines, None) for lines, _ in carried])
            else:
                still = v
            back = backwards(step)
            self.warp(back, step.projection, max(seconds - 0.8, 3.0), still=still, carried=carried)
            return
        start = self.framing(step.projection, angles)(step.motion(1.0), 0.0)
        lead = min(0.6, seconds / 4)
        self.reframe(start, lead, carried=[(lines, None) for lines, _ in carried])
        self.warp(backwards(step), step.projection, seconds - lead, angles=angles, carried=carried)


def backwards(step: Step):
    """``step``'s motion played backwards, named "undo KIND" (tests tell an undone squash from a forward one)."""

    def motion(t: float):
        return step.motion(1 - t)

    motion.__name__ = f"undo {step.kind}"
    return motion


def padded(points: np.ndarray, width: int) -> np.ndarray:
    """``points`` cut or zero padded to ``width`` columns."""
    return points[:, :width] if points.shape[1] >= width else np.pad(points, [(0, 0), (0, width - points.shape[1])])
