"""Pieces of the ``depth`` scene's picture: a curve plot, bend markers, a card of text rows, a strip of seeds.

Each is built from numbers the scene computed (:mod:`nnexplain.geometry.depth`); nothing here
reads a run. Text is at least 28 points (about 16 px tall at 480p, LECTURE.md's floor).
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Animation, Axes, Dot, Line, Mobject, VGroup, VMobject

from nnexplain.mobjects.style import Theme, label

__all__ = ["TEXT_SIZE", "curve_axes", "edge_ticks", "curve_path", "bend_dots", "card", "SeedStrip", "StrokeTo"]

TEXT_SIZE = 28  # about 16 px tall capitals at 480p


def curve_axes(
    domain: tuple[float, float],
    y_range: tuple[float, float],
    width: float,
    height: float,
    theme: Theme,
    y_step: float = 1.0,
) -> Axes:
    """Plain axes over ``domain`` × ``y_range``, ticks every quarter of the domain and every ``y_step``."""
    axes = Axes(
        x_range=[domain[0], domain[1], (domain[1] - domain[0]) / 4],
        y_range=[y_range[0], y_range[1], y_step],
        x_length=width,
        y_length=height,
        tips=False,
        axis_config={"color": theme.muted, "stroke_width": 2, "include_ticks": True, "tick_size": 0.05},
    )
    return axes


def edge_ticks(axes: Axes, xs, ys, theme: Theme, size: float = TEXT_SIZE - 4) -> VGroup:
    """Tick numbers along the plot's bottom edge (``xs``) and left edge (``ys``), clear of the curves inside it."""
    (x_low, _), (y_low, _) = axes.x_range[:2], axes.y_range[:2]
    numbers = VGroup()
    for x in xs:
        text = label(f"{x:g}".replace("-", "−"), theme, size, theme.muted)
        numbers.add(text.next_to(axes.c2p(x, y_low), DOWN, buff=0.12))
    for y in ys:
        text = label(f"{y:g}".replace("-", "−"), theme, size, theme.muted)
        numbers.add(text.next_to(axes.c2p(x_low, y), LEFT, buff=0.12))
    return numbers


def curve_path(axes: Axes, x: np.ndarray, y: np.ndarray, color: str, width: float = 4) -> VMobject:
    """The polyline through (x, y) on ``axes``: a piecewise-linear curve drawn exactly as its samples."""
    path = VMobject(stroke_color=color, stroke_width=width)
    points = np.asarray(axes.c2p(np.asarray(x, np.float64), np.asarray(y, np.float64)))  # (3, samples)
    path.set_points_as_corners(points.T)
    return path


def bend_dots(axes: Axes, x: np.ndarray, y: np.ndarray, color: str, radius: float = 0.055) -> VGroup:
    """A dot at each bend (x, y) of a curve."""
    return VGroup(*(Dot(axes.c2p(a, b), radius=radius, color=color) for a, b in zip(x, y)))


def card(rows: Sequence[tuple[str, str]], theme: Theme, size: float = TEXT_SIZE, spacing: float = 0.14) -> VGroup:
    """Rows of (text, colour), left-aligned, one under the other."""
    lines = VGroup(*(label(text, theme, size, color) for text, color in rows))
    return lines.arrange(DOWN, aligned_edge=LEFT, buff=spacing)


class SeedStrip(VGroup):
    """A number line with one dot per seed for each of two networks, and each one's median as a bar.

    ``rows``: (name, colour, values) for each network; ``fmt`` writes a value for the median labels.
    ``jitter``: each seed's dot sits this far above the one before (centred on the row), so equal values stay apart.
    """

    def __init__(
        self,
        title: str,
        rows: Sequence[tuple[str, str, Sequence[float]]],
        value_range: tuple[float, float],
        width: float,
        theme: Theme,
        fmt: Callable[[float], str],
        ticks: Sequence[float] = (),
        row_gap: float = 0.42,
        jitter: float = 0.0,
    ):
        super().__init__()
        low, high = value_range
        self.place = lambda v: LEFT * width / 2 + RIGHT * width * (v - low) / (high - low)  # noqa: E731
        heading = label(title, theme, TEXT_SIZE, theme.text)
        axis = Line(self.place(low), self.place(high), stroke_color=theme.muted, stroke_width=2)
        tick_marks = VGroup()
        for tick in ticks:
            mark = Line(self.place(tick) + UP * 0.06, self.place(tick) + DOWN * 0.06, stroke_color=theme.muted)
            tick_marks.add(mark, label(fmt(tick), theme, TEXT_SIZE - 2, theme.muted).next_to(mark, DOWN, buff=0.08))
        heading.next_to(axis, UP, buff=0.75 + row_gap * (len(rows) - 1) + jitter).align_to(axis, LEFT)
        self.rows = VGroup()
        for index, (name, color, values) in enumerate(rows):
            y = UP * (0.35 + jitter + row_gap * (len(rows) - 1 - index))
            lift = [UP * jitter * (k - (len(values) - 1) / 2) for k in range(len(values))]
            dots = VGroup(*(Dot(self.place(v) + y + up, radius=0.08, color=color) for v, up in zip(values, lift)))
            median = float(np.median(values))
            reach = 0.14 + jitter * (len(values) - 1) / 2
            bar = Line(self.place(median) + y + DOWN * reach, self.place(median) + y + UP * reach, stroke_color=color)
            bar.set_stroke(width=5)
            name_label = label(name, theme, TEXT_SIZE - 2, color).next_to(self.place(low) + y, LEFT, buff=0.25)
            median_label = label(fmt(median), theme, TEXT_SIZE - 2, color).next_to(
                self.place(high) + y, RIGHT, buff=0.45
            )
            self.rows.add(VGroup(name_label, dots, bar, median_label))
        self.add(heading, axis, tick_marks, self.rows)


class StrokeTo(Animation):
    """Take a curve's stroke opacity to ``opacity`` (dim it, or bring it back), copying nothing.

    ``mobject.animate.set_stroke(...)`` would copy the curve and interpolate every point each frame."""

    def __init__(self, mobject: VMobject, opacity: float, **kwargs):
        super().__init__(mobject, **kwargs)
        self.start, self.end = mobject.get_stroke_opacity(), opacity

    def create_starting_mobject(self) -> Mobject:
        return Mobject()

    def interpolate_mobject(self, alpha: float) -> None:
        self.mobject.set_stroke(opacity=self.start + (self.end - self.start) * self.rate_func(alpha))
