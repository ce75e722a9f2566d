"""A warped grid with its data points, and the animation that moves them.

:class:`WarpedPlane` draws the image of an input grid and of the data points
under part of a network. It is a handful of mobjects however dense the grid:
one for the interior grid lines, one for the border lines, one per class for
the points (each dot a sub-path), so a frame is cheap to draw. A
:class:`PlaneView` says where representation coordinates land in the scene.

:class:`Warp` moves a plane along a motion (t ↦ grid and points, from
:mod:`nnexplain.geometry.steps`) and, at the same time, from one view to another::

    plane = WarpedPlane(stages[0].grid, stages[0].points, labels, view, theme)
    self.play(Warp(plane, step.motion, view=zoomed_view, run_time=2))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from manim import RESAMPLING_ALGORITHMS, Animation, ImageMobject, ManimColor, Mobject, VGroup, VMobject

from nnexplain.errors import RunError
from nnexplain.geometry.steps import fitting_extent
from nnexplain.geometry.warp import GridSpec, Projection, representations
from nnexplain.mobjects.style import Theme, label
from nnexplain.run import Run

__all__ = ["PlaneView", "WarpedPlane", "Warp", "polyline_points", "prediction_image", "class_legend"]

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
    centre: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @classmethod
    def fitting(cls, projection: Projection, extent: float, half_size: float, centre=(0.0, 0.0, 0.0)) -> "PlaneView":
        """The view that shows [−extent, extent] across a panel of half width ``half_size``."""
        return cls(projection, half_size / extent, tuple(centre))

    def same_as(self, other: object) -> bool:
        return (
            isinstance(other, PlaneView)
            and (self.scale, self.centre) == (other.scale, other.centre)
            and self.projection.basis.shape == other.projection.basis.shape
            and np.array_equal(self.projection.basis, other.projection.basis)
            and np.array_equal(self.projection.centre, other.projection.centre)
        )

    def __call__(self, x: np.ndarray) -> np.ndarray:
        # A layer's input is zero padded to the width its linear step moves in: drop or add those zeros.
        width = self.projection.basis.shape[0]
        x = x[..., :width] if x.shape[-1] >= width else np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, width - x.shape[-1])])
        projected = self.projection(x) * self.scale
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


def polyline_points(lines: np.ndarray) -> np.ndarray:
    """Cubic Bézier control points drawing each of ``lines`` (L, P, 3) as P − 1 straight pieces."""
    a, b = lines[:, :-1], lines[:, 1:]
    return np.stack([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b], axis=2).reshape(-1, 3)


def dot_points(centres: np.ndarray, radius: float, right: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Control points of one round dot per centre, in the plane spanned by ``right`` and ``up``."""
    offsets = radius * (_CIRCLE[:, :1] * right + _CIRCLE[:, 1:] * up)
    return (centres[:, None, :] + offsets[None]).reshape(-1, 3)


class WarpedPlane(VGroup):
    """The image of a grid and of labelled data points; :meth:`set_state` moves them."""

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
    ):
        super().__init__()
        self.labels = np.asarray(labels)
        self.view, self.dot_radius = view, dot_radius
        self.facing = _Shared(facing or _screen_axes)
        lines = len(grid) // 2
        self.border_rows = np.array([0, lines - 1, lines, 2 * lines - 1])
        self.interior_rows = np.setdiff1d(np.arange(len(grid)), self.border_rows)
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
        self.add(self.interior, self.border, *self.dots)
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

    def set_state(self, grid: np.ndarray, points: np.ndarray, view: Callable | None = None) -> "WarpedPlane":
        """Put the grid and points at these representation coordinates (in ``view``, else the current one)."""
        self.grid_state, self.points_state = grid, points
        if view is not None:
            self.view = view
        scene_grid = self.view(grid)
        self.interior.set_points(polyline_points(scene_grid[self.interior_rows]))
        self.border.set_points(polyline_points(scene_grid[self.border_rows]))
        self.scene_points = self.view(points)
        self.refresh_dots()
        return self

    def refresh_dots(self) -> "WarpedPlane":
        """Redraw the dots facing the camera (3-D scenes call this as the camera turns)."""
        right, up = self.facing()
        for class_index, dots in enumerate(self.dots):
            dots.set_points(dot_points(self.scene_points[self.labels == class_index], self.dot_radius, right, up))
        return self


class Warp(Animation):
    """Move a :class:`WarpedPlane` along ``motion`` (t ↦ (grid, points)) and/or to another ``view``."""

    def __init__(
        self,
        plane: WarpedPlane,
        motion: Callable[[float], State] | None = None,
        view: Callable | None = None,
        **kwargs,
    ):
        self.motion = motion
        self.start_view, self.end_view = plane.view, view or plane.view
        self.still = (plane.grid_state, plane.points_state)
        super().__init__(plane, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # the motion says where everything is; no copy of the plane is needed

    def interpolate_mobject(self, alpha: float) -> None:
        t = self.rate_func(alpha)
        state = self.motion(t) if self.motion is not None else self.still
        view = self.end_view if t == 1 else _BlendedView(self.start_view, self.end_view, t)
        self.mobject.set_state(*state, view=view)


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


def class_legend(classes: list[str], theme: Theme, size: float = 20):
    """"■ first class   ■ second class" in the points' colours, on one baseline."""
    text = "     ".join(f"■ {name}" for name in classes)
    glyphs = [char for char in text if not char.isspace()]  # Text keeps no glyphs for spaces
    squares = [i for i, char in enumerate(glyphs) if char == "■"]
    legend = label(text, theme, size)
    for index, position in enumerate(squares):
        legend.chars[position].set_color(theme.palette[index % len(theme.palette)])
    return legend
