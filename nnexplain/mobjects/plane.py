"""A warped grid with its data points, and the animation that moves them.

:class:`WarpedPlane` draws the image of an input grid and of the data points
under part of a network. It is a handful of mobjects however dense the grid:
one for the interior grid lines, one for the border lines, one per class for
the points (each dot a sub-path), so a frame is cheap to draw. A
:class:`PlaneView` says where representation coordinates land in the scene.
Given a ``clip`` rectangle, lines are cut at it and dots outside it hidden, so a
plane can be shown zoomed in on its data; ``axes=True`` draws the
representation's own axes; :meth:`WarpedPlane.mark` rings chosen points.

:class:`Warp` moves a plane along a motion (t ↦ grid and points, from
:mod:`nnexplain.geometry.steps`) and, at the same time, from one view to another,
or with a view that follows the data (``framing``: state ↦ view)::

    plane = WarpedPlane(stages[0].grid, stages[0].points, labels, view, theme)
    self.play(Warp(plane, step.motion, view=zoomed_view, run_time=2))
    self.play(Warp(plane, step.motion, framing=lambda state, t: view_around(state[1])))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from manim import RESAMPLING_ALGORITHMS, Animation, ImageMobject, ManimColor, Mobject, VGroup, VMobject, config

from nnexplain.errors import RunError
from nnexplain.geometry.simplify import simplified_segments
from nnexplain.geometry.steps import fitting_extent
from nnexplain.geometry.warp import GridSpec, Projection, representations
from nnexplain.mobjects.style import Theme, label
from nnexplain.run import Run

__all__ = [
    "PlaneView",
    "WarpedPlane",
    "CarriedLines",
    "Warp",
    "polyline_points",
    "clipped_polyline_points",
    "half_a_pixel",
    "prediction_image",
    "class_legend",
]

State = tuple[np.ndarray, np.ndarray]
# Control points of a unit circle as four cubic arcs, as (u, v) coefficients.
_K = 4 / 3 * np.tan(np.pi / 8)
_CIRCLE = np.array(
    [
        [1, 0], [1, _K], [_K, 1], [0, 1],
        [0, 1], [-_K, 1], [-1, _K], [-1, 0],
        [-1, 0], [-1, -_K], [-_K, -1], [0, -1],
        [0, -1], [_K, -1], [1, -_K], [1, 0],
    ]
)  # fmt: skip


@dataclass(frozen=True)
class PlaneView:
    """Representation coordinates → scene points: project, scale, then move to ``centre``."""

    projection: Projection
    scale: float  # scene units per representation unit
    centre: tuple[float, float, float] = (0.0, 0.0, 0.0)  # where ``origin`` lands in the scene
    origin: tuple[float, ...] = ()  # the projected point at ``centre``; () is the projection's zero

    @classmethod
    def fitting(cls, projection: Projection, extent: float, half_size: float, centre=(0.0, 0.0, 0.0)) -> "PlaneView":
        """The view that shows [−extent, extent] across a panel of half width ``half_size``."""
        return cls(projection, half_size / extent, tuple(centre))

    @classmethod
    def around(
        cls, projection: Projection, origin, radius: float, half_size: float, centre=(0.0, 0.0, 0.0), fill: float = 0.9
    ) -> "PlaneView":
        """The view that puts ``origin`` (projected) at ``centre`` and a circle of ``radius`` around it
        ``fill`` of the way to the panel's edge."""
        return cls(projection, fill * half_size / radius, tuple(centre), tuple(float(v) for v in origin))

    @property
    def shows_axes(self) -> bool:
        """Whether the representation's own axes mean anything here (not through a PCA projection)."""
        return not self.projection.is_projection

    def inverse(self, scene_point: np.ndarray) -> np.ndarray:
        """The projected coordinates drawn at ``scene_point``."""
        dims = self.projection.basis.shape[1]
        origin = np.asarray(self.origin or np.zeros(dims), np.float64)
        return (np.asarray(scene_point, np.float64)[..., :dims] - np.asarray(self.centre)[:dims]) / self.scale + origin

    def same_as(self, other: object) -> bool:
        return (
            isinstance(other, PlaneView)
            and (self.scale, self.centre, self.origin) == (other.scale, other.centre, other.origin)
            and self.projection.basis.shape == other.projection.basis.shape
            and np.array_equal(self.projection.basis, other.projection.basis)
            and np.array_equal(self.projection.centre, other.projection.centre)
        )

    def __call__(self, x: np.ndarray) -> np.ndarray:
        # A layer's input is zero padded to the width its linear step moves in: drop or add those zeros.
        width = self.projection.basis.shape[0]
        x = x[..., :width] if x.shape[-1] >= width else np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, width - x.shape[-1])])
        projected = self.projection(x)
        if self.origin:
            projected = projected - np.asarray(self.origin)
        projected = projected * self.scale
        flat = projected.reshape(-1, projected.shape[-1])
        points = np.zeros((len(flat), 3))
        points[:, : flat.shape[1]] = flat
        return (points + self.centre).reshape(*x.shape[:-1], 3)


class _Shared:
    """A callable that copies of the plane share instead of copying (it may hold the scene)."""

    def __init__(self, function: Callable):
        self.function = function

    def __call__(self):
        return self.function()

    def __deepcopy__(self, memo: dict) -> "_Shared":
        return self


def _screen_axes() -> tuple[np.ndarray, np.ndarray]:
    return np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])


class _BlendedView:
    def __init__(self, start: Callable, end: Callable, s: float):
        self.start, self.end, self.s = start, end, s

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return (1 - self.s) * self.start(x) + self.s * self.end(x)

    @property
    def shows_axes(self) -> bool:
        return getattr(self.start, "shows_axes", True) and getattr(self.end, "shows_axes", True)

    @property
    def scale(self) -> float:
        """Scene units per representation unit, blended (a plain view's scale; see PlaneView)."""
        return (1 - self.s) * getattr(self.start, "scale", 1.0) + self.s * getattr(self.end, "scale", 1.0)


def polyline_points(lines: np.ndarray) -> np.ndarray:
    """Cubic Bézier control points drawing each of ``lines`` (L, P, 3) as P − 1 straight pieces."""
    a, b = lines[:, :-1], lines[:, 1:]
    return np.stack([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b], axis=2).reshape(-1, 3)


Clip = tuple[float, float, float, float]  # x_min, x_max, y_min, y_max in scene units


def clip_segments(a: np.ndarray, b: np.ndarray, clip: Clip) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The parts of segments a→b (n, 3) inside the rectangle ``clip`` (x and y only): kept mask, new ends."""
    x_min, x_max, y_min, y_max = clip
    return clip_to_box(a, b, (x_min, y_min), (x_max, y_max))


def clip_to_box(a: np.ndarray, b: np.ndarray, lower, upper) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The parts of segments a→b (n, 3) inside the box ``lower`` ≤ coordinate ≤ ``upper`` on the first
    ``len(lower)`` axes (Liang–Barsky): kept mask, new ends."""
    d = b - a
    low, high = np.zeros(len(a)), np.ones(len(a))
    keep = np.ones(len(a), bool)
    for axis, (smallest, largest) in enumerate(zip(lower, upper)):
        for p, q in ((-d[:, axis], a[:, axis] - smallest), (d[:, axis], largest - a[:, axis])):
            keep &= ~((p == 0) & (q < 0))
            with np.errstate(divide="ignore", invalid="ignore"):
                r = q / p
            low = np.where(p < 0, np.maximum(low, r), low)
            high = np.where(p > 0, np.minimum(high, r), high)
    keep &= low < high
    return keep, a + low[:, None] * d, a + high[:, None] * d


def clipped_polyline_points(lines: np.ndarray, clip: Clip | None, tolerance: float = 0.0) -> np.ndarray:
    """Like :func:`polyline_points`, with every piece cut at ``clip`` (pieces outside it dropped), and
    straight runs drawn as fewer pieces that stay within ``tolerance`` (scene units) of every point."""
    a, b = simplified_segments(lines, tolerance)
    if clip is not None:
        keep, a, b = clip_segments(a, b, clip)
        a, b = a[keep], b[keep]
    return np.stack([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b], axis=1).reshape(-1, 3)


def half_a_pixel() -> float:
    """Half a pixel of the frame being rendered, in scene units: how far a drawn line may stray."""
    return 0.5 * config.frame_width / config.pixel_width


def _inside(points: np.ndarray, clip: Clip | None, margin: float = 0.0) -> np.ndarray:
    if clip is None:
        return np.ones(len(points), bool)
    x_min, x_max, y_min, y_max = clip
    x, y = points[:, 0], points[:, 1]
    return (x >= x_min - margin) & (x <= x_max + margin) & (y >= y_min - margin) & (y <= y_max + margin)


def dot_points(centres: np.ndarray, radius: float, right: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Control points of one round dot per centre, in the plane spanned by ``right`` and ``up``."""
    offsets = radius * (_CIRCLE[:, :1] * right + _CIRCLE[:, 1:] * up)
    return (centres[:, None, :] + offsets[None]).reshape(-1, 3)


class WarpedPlane(VGroup):
    """The image of a grid and of labelled data points; :meth:`set_state` moves them.

    ``clip`` (scene rectangle) cuts the lines and hides the dots outside it; ``axes``
    draws the representation's coordinate axes (through its origin), cut the same way.
    """

    def __init__(
        self,
        grid: np.ndarray,
        points: np.ndarray,
        labels: np.ndarray,
        view: Callable[[np.ndarray], np.ndarray],
        theme: Theme,
        dot_radius: float = 0.05,
        line_width: float = 1.2,
        facing: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None,
        clip: Clip | None = None,
        axes: bool = False,
    ):
        super().__init__()
        self.labels = np.asarray(labels)
        self.view, self.dot_radius, self.clip = view, dot_radius, clip
        self.facing = _Shared(facing or _screen_axes)
        lines = len(grid) // 2
        self.border_rows = np.array([0, lines - 1, lines, 2 * lines - 1])
        self.interior_rows = np.setdiff1d(np.arange(len(grid)), self.border_rows)
        self.axes = VMobject(stroke_color=theme.muted, stroke_width=2.2, stroke_opacity=0.9) if axes else None
        self.interior = VMobject(stroke_color=theme.muted, stroke_width=line_width, stroke_opacity=0.55)
        self.border = VMobject(stroke_color=theme.text, stroke_width=1.8 * line_width, stroke_opacity=0.8)
        self.dots = [
            VMobject(
                fill_color=theme.palette[c % len(theme.palette)],
                fill_opacity=1.0,
                stroke_color=theme.background,
                stroke_width=0.6,
            )
            for c in range(int(self.labels.max()) + 1)
        ]
        self.rings: list[tuple[np.ndarray, VMobject, float]] = []
        self.add(*([self.axes] if self.axes is not None else []), self.interior, self.border, *self.dots)
        self.set_state(grid, points)

    @classmethod
    def from_run(
        cls, run: Run, stage: int = 0, epoch: int | None = None, half_size: float = 3.0, theme: Theme | None = None
    ) -> "WarpedPlane":
        """Stage ``stage`` of ``run`` (0: the input plane, then each recorded pre/act stage), fitted to a
        square panel of half width ``half_size`` at the origin; widths above 2 are drawn through PCA."""
        spec = GridSpec.from_dataset(run.dataset)
        if spec is None:
            raise RunError(f"run {run.path} records no warps: its data set has no 2-D warp grid")
        stages = representations(run.tensors(epoch), run.probe["inputs"], spec)
        chosen = stages[stage]
        projection = Projection.fit(chosen.points, 2)
        extent = fitting_extent((chosen.grid, chosen.points), projection)
        view = PlaneView.fitting(projection, extent, half_size)
        return cls(chosen.grid, chosen.points, run.probe["labels"], view, theme or Theme())

    def mark(self, members: np.ndarray, color: str, radius: float = 0.11, width: float = 2.5) -> VMobject:
        """Ring the points ``members`` (bool or indices) in ``color``; the rings move with them."""
        chosen = np.zeros(len(self.labels), bool)
        chosen[np.asarray(members)] = True
        rings = VMobject(stroke_color=color, stroke_width=width, fill_opacity=0)
        self.rings.append((chosen, rings, radius))
        self.add(rings)
        self.refresh_dots()
        return rings

    def remark(self, rings: VMobject, members: np.ndarray | None = None, radius: float | None = None) -> "WarpedPlane":
        """Change which points ``rings`` (from :meth:`mark`) ring, or how large the rings are."""
        for index, (chosen, mobject, old_radius) in enumerate(self.rings):
            if mobject is rings:
                if members is not None:
                    chosen = np.zeros(len(self.labels), bool)
                    chosen[np.asarray(members)] = True
                self.rings[index] = (chosen, mobject, old_radius if radius is None else radius)
        return self.refresh_dots()

    def set_state(self, grid: np.ndarray, points: np.ndarray, view: Callable | None = None) -> "WarpedPlane":
        """Put the grid and points at these representation coordinates (in ``view``, else the current one)."""
        self.grid_state, self.points_state = grid, points
        if view is not None:
            self.view = view
        scene_grid = self.view(grid)
        tolerance = half_a_pixel()
        self.interior.set_points(clipped_polyline_points(scene_grid[self.interior_rows], self.clip, tolerance))
        self.border.set_points(clipped_polyline_points(scene_grid[self.border_rows], self.clip, tolerance))
        if self.axes is not None:
            shown = getattr(self.view, "shows_axes", True)
            lines = self._axis_lines(grid.shape[-1]) if shown else np.zeros((0, 2, 3))
            self.axes.set_points(clipped_polyline_points(lines, self.clip) if len(lines) else np.zeros((0, 3)))
        self.scene_points = self.view(points)
        self.refresh_dots()
        return self

    def _axis_lines(self, width: int) -> np.ndarray:
        """The lines through the representation's origin along its first two axes, in scene points."""
        origin = self.view(np.zeros((1, width)))[0]
        lines = []
        for axis in range(min(width, 2)):
            direction = self.view(np.eye(width)[axis][None])[0] - origin
            length = np.linalg.norm(direction)
            if length > 0:
                reach = 100.0 * direction / length  # far past any panel; the clip cuts it
                lines.append([origin - reach, origin + reach])
        return np.array(lines).reshape(-1, 2, 3)

    def refresh_dots(self) -> "WarpedPlane":
        """Redraw the dots facing the camera (3-D scenes call this as the camera turns)."""
        right, up = self.facing()
        shown = _inside(self.scene_points, self.clip)
        for class_index, dots in enumerate(self.dots):
            chosen = (self.labels == class_index) & shown
            dots.set_points(dot_points(self.scene_points[chosen], self.dot_radius, right, up))
        for members, rings, radius in self.rings:
            rings.set_points(dot_points(self.scene_points[members & shown], radius, right, up))
        return self


class CarriedLines(VMobject):
    """Polylines moved through a network like a plane's grid: set_state(lines, points, view) draws them."""

    def __init__(self, lines: np.ndarray, view: Callable, color: str, width: float = 5, clip: Clip | None = None):
        super().__init__(stroke_color=color, stroke_width=width)
        self.clip = clip
        self.set_state(lines, np.zeros((0, lines.shape[-1])), view)

    def set_state(self, grid: np.ndarray, points: np.ndarray, view: Callable | None = None) -> "CarriedLines":
        self.grid_state, self.points_state = grid, points
        if view is not None:
            self.view = view
        lines = self.view(grid)
        self.set_points(clipped_polyline_points(lines, self.clip, half_a_pixel()) if len(grid) else np.zeros((0, 3)))
        return self


class Warp(Animation):
    """Move a :class:`WarpedPlane` along ``motion`` (t ↦ (grid, points)) and/or to another ``view``.

    With ``framing`` ((state, t) ↦ view), the view follows the state (and the time, for a
    turning camera) at every frame instead.
    ``carried`` are further (mobject, motion or None) pairs drawn in the same view (a motion of
    None keeps the mobject's state), and ``followers`` objects whose ``follow(view)`` is called
    every frame (a :class:`~nnexplain.mobjects.scalebar.ScaleBar`). Keep them after the plane in the scene, where manim redraws them.
    """

    def __init__(
        self,
        plane: WarpedPlane,
        motion: Callable[[float], State] | None = None,
        view: Callable | None = None,
        framing: Callable[[State, float], Callable] | None = None,
        carried: tuple = (),
        followers: tuple = (),
        **kwargs,
    ):
        self.motion, self.framing = motion, framing
        self.start_view, self.end_view = plane.view, view or plane.view
        self.still = (plane.grid_state, plane.points_state)
        self.carried = [(mobject, move, (mobject.grid_state, mobject.points_state)) for mobject, move in carried]
        self.followers = followers
        super().__init__(plane, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # the motion says where everything is; no copy of the plane is needed

    def interpolate_mobject(self, alpha: float) -> None:
        t = self.rate_func(alpha)
        state = self.motion(t) if self.motion is not None else self.still
        if self.framing is not None:
            view = self.framing(state, t)
        else:
            view = self.end_view if t == 1 else _BlendedView(self.start_view, self.end_view, t)
        self.mobject.set_state(*state, view=view)
        for mobject, move, still in self.carried:
            mobject.set_state(*(move(t) if move is not None else still), view=view)
        for follower in self.followers:
            follower.follow(view)


def prediction_image(probability: np.ndarray, theme: Theme, height: float, strength: float = 0.25) -> ImageMobject:
    """The input plane tinted by the network's verdict: toward class 0's colour or class 1's, by confidence."""
    background = np.array(ManimColor(theme.background).to_rgb())
    colours = [np.array(ManimColor(theme.palette[c]).to_rgb()) for c in (0, 1)]
    p = probability[..., None]
    target = (1 - p) * colours[0] + p * colours[1]
    confidence = np.abs(2 * p - 1) ** 0.5
    rgb = background + strength * confidence * (target - background)
    pixels = np.concatenate([rgb, np.ones_like(p)], axis=-1)
    image = ImageMobject((255 * np.clip(pixels, 0, 1)).astype(np.uint8))
    image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])  # a smooth boundary from a small raster
    return image.scale_to_fit_height(height)


def class_legend(classes: list[str], theme: Theme, size: float = 24):
    """ "■ first class   ■ second class" in the points' colours, on one baseline."""
    text = "     ".join(f"■ {name}" for name in classes)
    glyphs = [char for char in text if not char.isspace()]  # Text keeps no glyphs for spaces
    squares = [i for i, char in enumerate(glyphs) if char == "■"]
    legend = label(text, theme, size)
    for index, position in enumerate(squares):
        legend.chars[position].set_color(theme.palette[index % len(theme.palette)])
    return legend


def share_bars(shares: list[float], names: list[str], theme: Theme, width: float, height: float, size: float = 24):
    """A bar per share (0.5 … 1: two classes, where a line putting every point on one side of it gets at least
    half), named underneath, its percentage on top; a base line at 50% and a dashed line at 100%, labelled.

    ``.bars`` and ``.values`` hold the bars and their percentages, to be grown in one by one."""
    from manim import DOWN, LEFT, DashedLine, Line, Rectangle

    tick_50, tick_100 = label("50%", theme, size, theme.muted), label("100%", theme, size, theme.muted)
    axis_left = max(tick_50.width, tick_100.width) + 0.15
    name_row = label("Hg", theme, size).height + 0.12
    value_row = name_row
    bar_height = height - name_row - value_row
    base_y, top_y = name_row, name_row + bar_height
    slot = (width - axis_left) / len(shares)
    chart = VGroup()
    base = Line([axis_left, base_y, 0], [width, base_y, 0], color=theme.muted, stroke_width=2)
    top = DashedLine([axis_left, top_y, 0], [width, top_y, 0], color=theme.muted, stroke_width=1.5, dash_length=0.08)
    tick_50.next_to(base, LEFT, buff=0.1)
    tick_100.next_to(top, LEFT, buff=0.1)
    chart.bars, chart.values = VGroup(), VGroup()
    for index, (share, name) in enumerate(zip(shares, names)):
        centre = axis_left + slot * (index + 0.5)
        tall = max((min(share, 1.0) - 0.5) / 0.5, 0.0) * bar_height
        bar = Rectangle(width=0.55 * slot, height=max(tall, 1e-3), stroke_width=0, fill_opacity=0.9)
        bar.set_fill(theme.highlight).move_to([centre, base_y, 0], aligned_edge=DOWN)
        value = label(f"{100 * share:.0f}%", theme, size, theme.highlight)
        value.move_to([centre, top_y + value_row / 2 + 0.02, 0])  # one row over the 100% line, clear of it
        chart.bars.add(bar)
        chart.values.add(value)
        chart.add(label(name, theme, size, theme.text).move_to([centre, name_row / 2, 0]))
    chart.add(base, top, tick_50, tick_100, chart.bars, chart.values)
    return chart
