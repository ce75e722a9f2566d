"""Pieces of the ``descent`` scene: one example's output against its target, a histogram of costs, a dot
rolling down a curve by recorded steps, and a path of steps on a small plane. No numbers are made here:
each piece draws arrays it is given (the run's stored landscape, :mod:`nnexplain.run.landscape`)."""

from __future__ import annotations

from typing import Callable

import numpy as np
from manim import (
    DL,
    DOWN,
    LEFT,
    UL,
    Animation,
    AnimationGroup,
    Create,
    Dot,
    FadeIn,
    Line,
    Mobject,
    Rectangle,
    Succession,
    VGroup,
    linear,
)

from nnexplain.mobjects.style import Theme, label

__all__ = [
    "OutputBars",
    "CostHistogram",
    "ColourBar",
    "StepRoll",
    "step_path",
    "step_by_step",
    "zoom_lines",
]


class OutputBars(VGroup):
    """The network's output for one example, a bar per class (height ∝ probability), and the target drawn as an
    outline of height 1 over the right class."""

    def __init__(
        self, outputs: np.ndarray, target: int, names: list[str], theme: Theme, width: float, height: float, size: float
    ):
        super().__init__()
        count = len(outputs)
        pitch = width / count
        self.base = Line([0, 0, 0], [width, 0, 0]).set_stroke(theme.muted, 2)
        self.bars, self.names = VGroup(), VGroup()
        for number, (value, name) in enumerate(zip(outputs, names)):
            bar = Rectangle(width=0.62 * pitch, height=max(float(value) * height, 0.01))
            bar.set_fill(theme.highlight if number == target else theme.text, 0.9).set_stroke(width=0)
            bar.move_to([(number + 0.5) * pitch, 0, 0], aligned_edge=DOWN)
            self.bars.add(bar)
            self.names.add(label(name, theme, size, theme.muted).move_to([(number + 0.5) * pitch, -0.3, 0]))
        self.target = Rectangle(width=0.8 * pitch, height=height).set_stroke(theme.highlight, 3).set_fill(opacity=0)
        self.target.move_to([(target + 0.5) * pitch, 0, 0], aligned_edge=DOWN)
        self.add(self.base, self.bars, self.names)


class CostHistogram(VGroup):
    """How many examples have each cost: ``bins`` bars over [0, ``top``], the tallest ``height`` high."""

    def __init__(self, costs: np.ndarray, theme: Theme, width: float, height: float, top: float, bins: int = 32):
        super().__init__()
        counts, edges = np.histogram(np.clip(costs, 0, top), bins=bins, range=(0, top))
        self.top, self.width_units = top, width
        self.bars = VGroup()
        for count, left, right in zip(counts, edges[:-1], edges[1:]):
            if count == 0:
                continue
            bar = Rectangle(width=(right - left) / top * width, height=count / counts.max() * height)
            bar.set_fill(theme.muted, 0.8).set_stroke(theme.background, 1)
            self.bars.add(bar.move_to([(left + right) / 2 / top * width, 0, 0], aligned_edge=DOWN))
        self.base = Line([0, 0, 0], [width, 0, 0]).set_stroke(theme.muted, 2)
        self.add(self.bars, self.base)

    def x_of(self, cost: float) -> np.ndarray:
        """The scene point on the base line at ``cost``."""
        start = self.base.get_start()
        return start + np.array([cost / self.top * self.width_units, 0, 0])


class StepRoll(Animation):
    """A dot moved through recorded ``points`` (scene points, one per step), an equal time per step, leaving a
    small dot at each; ``on_step(k)`` when step k is reached (to update a readout). Equal times make a step's
    length its speed: the dot is seen to slow down as the steps shrink."""

    def __init__(
        self,
        dot: Dot,
        points: np.ndarray,
        trail: VGroup,
        trail_color: str,
        on_step: Callable[[int], None] | None = None,
        first: int = 0,
        **kwargs,
    ):
        """``first``: the step number of ``points[0]``, when a roll is played in parts."""
        self.points, self.trail, self.trail_color, self.on_step = np.asarray(points), trail, trail_color, on_step
        self.reached, self.first = 0, first
        super().__init__(dot, rate_func=linear, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # the dot is placed from the recorded points, never from a copy

    def interpolate_mobject(self, alpha: float) -> None:
        position = alpha * (len(self.points) - 1)
        whole = min(int(np.floor(position)), len(self.points) - 1)
        part = position - whole
        here = (
            self.points[whole]
            if whole + 1 >= len(self.points)
            else (1 - part) * self.points[whole] + part * self.points[whole + 1]
        )
        self.mobject.move_to(here)
        while self.reached < whole:
            self.reached += 1
            self.trail.add(Dot(self.points[self.reached], radius=0.03, color=self.trail_color))
            if self.on_step is not None:
                self.on_step(self.first + self.reached)


def step_path(points: np.ndarray, color: str, width: float = 4, radius: float = 0.05) -> VGroup:
    """Straight steps through ``points`` (scene points), a dot at each: a path of discrete steps, not a curve.
    ``[0]`` holds one segment per step, ``[1]`` the dots (the start's first)."""
    points = np.asarray(points)
    segments = VGroup(*(Line(a, b).set_stroke(color, width) for a, b in zip(points[:-1], points[1:])))
    dots = VGroup(*(Dot(point, radius=radius, color=color) for point in points))
    return VGroup(segments, dots)


def step_by_step(path: VGroup, **kwargs) -> Succession:
    """Play a :func:`step_path` one step after another: the start's dot, then each segment and the dot it reaches."""
    segments, dots = path
    hops = [AnimationGroup(Create(segment), FadeIn(dot), lag_ratio=0.7) for segment, dot in zip(segments, dots[1:])]
    return Succession(FadeIn(dots[0]), *hops, **kwargs)


class ColourBar(VGroup):
    """The landscape's colour scale: ``low`` (bottom) to ``high`` (top), log-spaced like the map, with ticks."""

    def __init__(self, low: float, high: float, theme: Theme, height: float, size: float, width: float = 0.28):
        from nnexplain.mobjects.landscape import loss_colors

        super().__init__()
        rows = 48
        values = np.geomspace(low, high, rows)
        colours = loss_colors(values, low, high)
        self.strip = VGroup()
        for number, rgb in enumerate(colours):
            cell = Rectangle(width=width, height=height / rows).set_stroke(width=0)
            cell.set_fill("#{:02X}{:02X}{:02X}".format(*rgb), 1)
            self.strip.add(cell.move_to([0, (number + 0.5) * height / rows - height / 2, 0]))
        self.ticks = VGroup()
        for value in (low, float(np.sqrt(low * high)), high):
            y = (np.log(value) - np.log(low)) / (np.log(high) - np.log(low)) * height - height / 2
            text = f"{value:.2g}"
            self.ticks.add(label(text, theme, size, theme.muted).move_to([width / 2 + 0.12, y, 0], aligned_edge=LEFT))
        self.add(self.strip, self.ticks)


def zoom_lines(region: Rectangle, inset: Rectangle, color: str) -> VGroup:
    """Two thin lines from the left corners of ``region`` (a small box on a plot) to those of ``inset`` (the box
    showing it magnified): the inset is read as that region, enlarged."""
    return VGroup(
        *(Line(region.get_corner(corner), inset.get_corner(corner)).set_stroke(color, 1.5, 0.7) for corner in (UL, DL))
    )
