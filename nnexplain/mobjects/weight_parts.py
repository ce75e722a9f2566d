"""Pieces of ``hidden-features``: an outline of some pixels of a heatmap, and a running sum on a number line.

:func:`pixel_outline` draws the border of a pixel mask (:func:`nnexplain.geometry.features.mask_outline`)
over a :class:`~nnexplain.mobjects.heatmap.Heatmap`, wherever that heatmap is and at whatever size, as one
path. :class:`SumBar` is a number line with a bar from 0 to a value, redrawn in place (cheap every frame)::

    bar = SumBar((-40, 20), theme, width=12)
    self.play(Playback(bar, lambda t: bar.set_value(np.interp(t, times, sums))))
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, Line, Mobject, Rectangle, VGroup, VMobject

from nnexplain.geometry.features import mask_outline
from nnexplain.mobjects.charts import fmt_tick, nice_ticks
from nnexplain.mobjects.style import Theme, label

__all__ = ["pixel_outline", "SumBar"]


def pixel_outline(mask: np.ndarray, over: Mobject, colour: str, width: float = 3.0) -> VMobject:
    """The border of ``mask``'s pixels, laid over ``over`` (an image of ``mask``'s shape), as one path."""
    rows, cols = np.asarray(mask).shape
    left, top = over.get_left()[0], over.get_top()[1]
    pixel_w, pixel_h = over.width / cols, over.height / rows
    outline = VMobject(stroke_color=colour, stroke_width=width)
    for (r0, c0), (r1, c1) in mask_outline(mask):
        start = np.array([left + c0 * pixel_w, top - r0 * pixel_h, 0.0])
        end = np.array([left + c1 * pixel_w, top - r1 * pixel_h, 0.0])
        outline.start_new_path(start)
        outline.add_line_to(end)
    return outline


class SumBar(VGroup):
    """A number line over ``value_range`` with a bar from 0 to the current value, blue above 0, red below."""

    def __init__(self, value_range: tuple[float, float], theme: Theme, width: float, size: float = 27):
        super().__init__()
        self.theme = theme
        self.low, self.high = map(float, value_range)
        self.width_units = width
        self.axis = Line([-width / 2, 0, 0], [width / 2, 0, 0]).set_stroke(theme.muted, 2)
        self.add(self.axis)
        self.ticks = VGroup()
        for value in nice_ticks(self.low, self.high, 5):
            x = self.x(value)
            self.ticks.add(Line([x, -0.08, 0], [x, 0.08, 0]).set_stroke(theme.muted, 2))
            text = fmt_tick(value).replace("-", "−")
            self.ticks.add(label(text, theme, size, theme.muted).next_to([x, -0.08, 0], DOWN, 0.08))
        self.add(self.ticks)
        self.bar = Rectangle(width=0.01, height=0.32).set_stroke(width=0).set_fill(theme.positive, 0.9)
        self.add(self.bar)
        self.set_value(0.0)

    def x(self, value: float) -> float:
        """Where ``value`` lies along the line, in the bar's own coordinates (before it is moved)."""
        return (float(value) - self.low) / (self.high - self.low) * self.width_units - self.width_units / 2

    def at(self, value: float) -> np.ndarray:
        """The scene point of ``value`` on the line, wherever the bar has been moved."""
        left = self.axis.get_start()
        return left + (float(value) - self.low) / (self.high - self.low) * (self.axis.get_end() - left)

    def set_value(self, value: float) -> "SumBar":
        start, end = self.at(0.0), self.at(value)
        length = max(abs(end[0] - start[0]), 1e-3)
        self.bar.stretch_to_fit_width(length)
        self.bar.move_to([(start[0] + end[0]) / 2, start[1] + 0.2, 0])
        self.bar.set_fill(self.theme.positive if value >= 0 else self.theme.negative, 0.9)
        self.value = float(value)
        return self
