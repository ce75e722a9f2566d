"""A run's loss landscape drawn as a contour plot, its training path played on it, and gradient fans.

    landscape = read_landscape(run)                    # nnexplain.run.landscape
    plot = LandscapePlot(landscape, theme, width=5.6, height=5.0)
    self.play(FadeIn(plot))
    self.play(PathSweep(plot, on_snapshot=...))         # the path grows snapshot by snapshot

The colours are the log of the loss at the stored grid (bilinear between grid
points), the lines are contours of the same grid at log-spaced levels, and every
path point is a stored snapshot's projection (:meth:`LandscapePlot.plot_point`).
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Animation,
    Arrow,
    Dot,
    Group,
    ImageMobject,
    Mobject,
    Rectangle,
    VGroup,
    VMobject,
    linear,
)

from nnexplain.geometry.contours import contour_segments, log_levels
from nnexplain.mobjects.edges import EdgeBundle
from nnexplain.mobjects.style import Theme, label
from nnexplain.run.landscape import Landscape

__all__ = ["LOSS_COLORS", "loss_colors", "LandscapePlot", "PathSweep", "GradientFan"]

# Low loss dark, high loss bright: the valley is where the eye rests.
LOSS_COLORS = ("#0B1D3A", "#1F4E79", "#2A7F8F", "#6DB37E", "#E6C35C", "#F4E6B5")
IMAGE_SIDE = 240  # pixels of the colour image; the grid is bilinearly resampled to it


def _hex_rgb(color: str) -> np.ndarray:
    return np.array([int(color[k : k + 2], 16) for k in (1, 3, 5)], np.float64)


def loss_colors(values: np.ndarray, low: float, high: float, stops: Sequence[str] = LOSS_COLORS) -> np.ndarray:
    """RGB (…, 3) uint8 of ``values`` on a log scale from ``low`` to ``high``."""
    t = (np.log(values) - np.log(low)) / max(np.log(high) - np.log(low), 1e-12)
    t = np.clip(t, 0, 1) * (len(stops) - 1)
    index = np.minimum(t.astype(int), len(stops) - 2)
    frac = (t - index)[..., None]
    table = np.stack([_hex_rgb(c) for c in stops])
    return ((1 - frac) * table[index] + frac * table[index + 1]).round().astype(np.uint8)


def _resample(grid: np.ndarray, side: int) -> np.ndarray:
    """``grid`` bilinearly resampled to side × side, corners on corners."""
    rows = np.linspace(0, grid.shape[0] - 1, side)
    cols = np.linspace(0, grid.shape[1] - 1, side)
    r0 = np.minimum(rows.astype(int), grid.shape[0] - 2)
    c0 = np.minimum(cols.astype(int), grid.shape[1] - 2)
    fr, fc = (rows - r0)[:, None], (cols - c0)[None, :]
    top = grid[r0][:, c0] * (1 - fc) + grid[r0][:, c0 + 1] * fc
    bottom = grid[r0 + 1][:, c0] * (1 - fc) + grid[r0 + 1][:, c0 + 1] * fc
    return top * (1 - fr) + bottom * fr


class LandscapePlot(Group):
    """The loss on the plane (α right, β up) with contour lines, a frame, and the path's mobjects (empty)."""

    def __init__(
        self,
        landscape: Landscape,
        theme: Theme,
        width: float = 5.6,
        height: float = 5.0,
        levels: int = 12,
        own_colours: bool = False,
    ):
        """``own_colours``: each path dot filled with its snapshot's own loss on the map's colour scale (ringed,
        so it shows where the plane's colour under it differs), not plain white."""
        super().__init__()
        self.landscape, self.theme = landscape, theme
        self.alpha, self.beta = landscape["grid.alpha"], landscape["grid.beta"]
        loss = landscape["grid.loss"]
        self.box = Rectangle(width=width, height=height).set_stroke(theme.muted, 1.5, 0.8)
        # Image rows run top to bottom (β falling), columns left to right (α rising).
        picture = loss_colors(_resample(loss, IMAGE_SIDE).T[::-1], loss.min(), loss.max())
        self.image = ImageMobject(picture).stretch_to_fit_width(width).stretch_to_fit_height(height)
        self.contours = self._contours(loss, log_levels(loss, levels))
        self.path_line = VMobject().set_stroke(theme.text, 3)
        self.path_dots = VGroup()
        self.dot_colours = None
        if own_colours:
            own = loss_colors(landscape["path.loss"], loss.min(), loss.max())
            self.dot_colours = ["#{:02X}{:02X}{:02X}".format(*rgb) for rgb in own]
        self.add(self.image, self.contours, self.box, self.path_line, self.path_dots)

    def _contours(self, loss: np.ndarray, levels: np.ndarray) -> VGroup:
        starts, ends, styles = [], [], []
        for number, level in enumerate(levels):
            segments = contour_segments(loss, level)
            if len(segments):
                starts.append(self._index_points(segments[:, 0]))
                ends.append(self._index_points(segments[:, 1]))
                styles.append(np.full(len(segments), number))
        if not starts:
            return VGroup()
        # Light lines over the dark valley, dark lines over the bright slopes (the colours run in log scale).
        count = len(levels)
        shade = (np.log(levels) - np.log(loss.min())) / (np.log(loss.max()) - np.log(loss.min()) + 1e-12)
        colors = [self.theme.text if t < 0.5 else self.theme.background for t in shade]
        return EdgeBundle(
            np.concatenate(starts), np.concatenate(ends), np.concatenate(styles), colors, [1.2] * count, [0.35] * count
        )

    def _index_points(self, index: np.ndarray) -> np.ndarray:
        alpha = np.interp(index[:, 0], np.arange(len(self.alpha)), self.alpha)
        beta = np.interp(index[:, 1], np.arange(len(self.beta)), self.beta)
        return self.plot_points(np.stack([alpha, beta], axis=1))

    def plot_points(self, coords: np.ndarray) -> np.ndarray:
        """Scene points (n, 3) of plane coordinates (α, β)."""
        coords = np.atleast_2d(coords)
        left, bottom = self.box.get_corner(DOWN + LEFT)[:2]
        u = left + (coords[:, 0] - self.alpha[0]) / (self.alpha[-1] - self.alpha[0]) * self.box.width
        v = bottom + (coords[:, 1] - self.beta[0]) / (self.beta[-1] - self.beta[0]) * self.box.height
        return np.stack([u, v, np.zeros_like(u)], axis=1)

    def plot_point(self, coords) -> np.ndarray:
        return self.plot_points(np.asarray(coords, np.float64))[0]

    def coords_of(self, points: np.ndarray) -> np.ndarray:
        """Plane coordinates (n, 2) of scene points: the inverse of :meth:`plot_points`."""
        points = np.atleast_2d(points)
        left, bottom = self.box.get_corner(DOWN + LEFT)[:2]
        alpha = self.alpha[0] + (points[:, 0] - left) / self.box.width * (self.alpha[-1] - self.alpha[0])
        beta = self.beta[0] + (points[:, 1] - bottom) / self.box.height * (self.beta[-1] - self.beta[0])
        return np.stack([alpha, beta], axis=1)

    def axis_labels(self, size: float = 16) -> VGroup:
        explained = self.landscape["plane.explained"]
        below = label(f"direction 1 ({explained[0]:.0%} of the path's variance) →", self.theme, size, self.theme.muted)
        side = label(f"direction 2 ({explained[1]:.0%}) →", self.theme, size, self.theme.muted).rotate(np.pi / 2)
        return VGroup(below.next_to(self.box, DOWN, buff=0.1), side.next_to(self.box, LEFT, buff=0.1))

    def show_path(self, upto: float) -> int:
        """Draw the path through snapshot ``upto`` (fractions draw part of the next segment); returns the last whole one."""
        points = self.plot_points(self.landscape["path.coords"])
        whole = int(np.floor(upto))
        drawn = list(points[: whole + 1])
        if upto > whole and whole + 1 < len(points):
            drawn.append(points[whole] + (upto - whole) * (points[whole + 1] - points[whole]))
        if len(drawn) > 1:
            self.path_line.set_points_as_corners(np.array(drawn))
        while len(self.path_dots) < whole + 1:
            self.path_dots.add(self.path_dot(len(self.path_dots), points[len(self.path_dots)]))
        return whole

    def path_dot(self, index: int, point: np.ndarray) -> Dot:
        """Snapshot ``index``'s dot: white, or its own loss's colour with a dark rim (seen on the bright slopes)
        and a thin light one outside it (seen in the dark valley)."""
        if self.dot_colours is None:
            return Dot(point, radius=0.045, color=self.theme.text)
        dot = Dot(point, radius=0.075, color=self.dot_colours[index]).set_stroke(self.theme.background, 2.5, 1)
        return dot.set_stroke(self.theme.text, 4.5, 0.8, background=True)


class PathSweep(Animation):
    """Grow the plot's path from the first snapshot to the last; ``on_snapshot(k)`` when snapshot k is reached."""

    def __init__(
        self,
        plot: LandscapePlot,
        on_snapshot: Callable[[int], None] | None = None,
        step_seconds: float = 0.35,
        **kwargs,
    ):
        self.count = len(plot.landscape["path.coords"])
        self.on_snapshot = on_snapshot
        self.reached = -1
        kwargs.setdefault("run_time", step_seconds * max(self.count - 1, 1))
        super().__init__(plot, rate_func=linear, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # every frame is drawn from the stored path, never from a copy

    def interpolate_mobject(self, alpha: float) -> None:
        whole = self.mobject.show_path(alpha * (self.count - 1))
        if whole != self.reached and self.on_snapshot is not None:
            self.on_snapshot(whole)
        self.reached = whole


class GradientFan(VGroup):
    """The full-batch gradient (``full``, drawn on top) and mini-batch gradients (``batches``) at their true
    angles to it and true relative lengths. Each batch arrow lies in its own plane with the full one, so it
    is drawn alternately above and below."""

    def __init__(
        self,
        full_norm: float,
        batch_norms: np.ndarray,
        angles: np.ndarray,
        theme: Theme,
        length: float = 2.2,
        color: str | None = None,
    ):
        super().__init__()
        self.scale_factor = length / max(full_norm, *batch_norms)  # scene units per unit of gradient length
        self.batches = VGroup()
        for number, (norm, angle) in enumerate(zip(batch_norms, angles)):
            side = 1 if number % 2 == 0 else -1
            direction = np.array([np.cos(np.radians(angle)), side * np.sin(np.radians(angle)), 0.0])
            arrow = Arrow(
                np.zeros(3),
                direction * norm * self.scale_factor,
                buff=0,
                stroke_width=3,
                color=color or theme.highlight,
                max_tip_length_to_length_ratio=0.12,
            )
            self.batches.add(arrow.set_opacity(0.85))
        self.full = Arrow(
            np.zeros(3),
            RIGHT * full_norm * self.scale_factor,
            buff=0,
            stroke_width=6,
            color=theme.text,
            max_tip_length_to_length_ratio=0.12,
        )
        self.add(self.batches, self.full)
