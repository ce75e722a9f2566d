"""One bar per class, each drawn between two heights, with a value axis that can be relabelled.

A classifier's scores change meaning from step to step (logits, their exponentials on a
log axis, probabilities, the error p − y), and so does the axis under them. The bars here
know nothing of values: a scene maps each step's values to scene heights, and moves every
bar's two ends (``bottoms``, ``tops``) there, in place, frame by frame through
:class:`~nnexplain.mobjects.heatmap.Playback`. Its grid and tick labels, a separate
``VGroup`` made by :meth:`ClassBars.axis`, fade out and in as the axis changes.

The views (:class:`LogitView`, :class:`ProbabilityView`, :class:`SignedView`) are those maps, with the axis
each draws.

    bars = ClassBars([str(n) for n in range(10)], theme, left=-4.9, right=4.3, floor=-1.85)
    bars.set_bars(np.full(10, y0), y0 + 0.2 * logits, colours)
"""

from __future__ import annotations

import math

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, ManimColor, Rectangle, VGroup, interpolate_color

from nnexplain.mobjects.charts import fmt_tick, nice_ticks
from nnexplain.mobjects.style import Theme, label

__all__ = ["ClassBars", "LogitView", "ProbabilityView", "SignedView"]

LN10 = math.log(10)

MIN_HEIGHT = 0.004  # a bar of zero height stays a hairline, so it can grow again without a new mobject


class ClassBars(VGroup):
    """Bars between ``left`` and ``right``, class names under the ``floor`` line, a baseline the bars stand on."""

    def __init__(self, names: list[str], theme: Theme, left: float, right: float, floor: float, size: float = 28):
        super().__init__()
        self.theme, self.left, self.right, self.floor = theme, left, right, floor
        self.step = (right - left) / len(names)
        self.baseline = Line([left, floor, 0], [right, floor, 0]).set_stroke(theme.muted, 2)
        self.bars = VGroup(*(Rectangle(width=0.6 * self.step, height=1).set_stroke(width=0) for _ in names))
        self.names = VGroup(
            *(
                label(name, theme, size, theme.muted).move_to([self.x(i), floor - 0.3, 0])
                for i, name in enumerate(names)
            )
        )
        self.add(self.baseline, self.bars, self.names)
        self.set_bars(np.full(len(names), floor), np.full(len(names), floor), [theme.positive] * len(names))

    def x(self, index: int) -> float:
        return self.left + (index + 0.5) * self.step

    def set_bars(self, bottoms: np.ndarray, tops: np.ndarray, colours: list, baseline: float | None = None):
        """Each bar from ``bottoms[i]`` to ``tops[i]`` (scene heights; a top under its bottom hangs down)."""
        self.bottoms = np.asarray(bottoms, np.float64).copy()
        self.tops = np.asarray(tops, np.float64).copy()
        self.colours = [ManimColor(c) for c in colours]
        for index, (bar, low, high, colour) in enumerate(zip(self.bars, self.bottoms, self.tops, self.colours)):
            size = max(abs(high - low), MIN_HEIGHT)
            bar.stretch_to_fit_height(size)
            bar.move_to([self.x(index), (low + high) / 2, 0])
            bar.set_fill(colour, 1)
        if baseline is not None:
            self.baseline.put_start_and_end_on([self.left, baseline, 0], [self.right, baseline, 0])
        return self

    def blend(self, start: tuple, end: tuple, t: float | np.ndarray) -> None:
        """The bars (and baseline) a share ``t`` of the way from ``start`` to ``end``, each a :meth:`state`;
        ``t`` may be one share per bar (the baseline then follows the last)."""
        (b0, t0, c0, l0), (b1, t1, c1, l1) = start, end
        shares = np.broadcast_to(np.asarray(t, np.float64), b0.shape)
        colours = [interpolate_color(ManimColor(a), ManimColor(b), float(s)) for a, b, s in zip(c0, c1, shares)]
        last = float(shares[-1])
        self.set_bars(
            (1 - shares) * b0 + shares * b1, (1 - shares) * t0 + shares * t1, colours, (1 - last) * l0 + last * l1
        )

    def state(self) -> tuple:
        """(bottoms, tops, colours, baseline height) as drawn now."""
        return self.bottoms.copy(), self.tops.copy(), list(self.colours), float(self.baseline.get_center()[1])

    def tip(self, index: int) -> np.ndarray:
        """The end of bar ``index`` away from its bottom: where its number goes."""
        return np.array([self.x(index), self.tops[index], 0.0])

    def axis(self, heights: list[float], texts: list[str], size: float = 28, grid: list[float] | None = None) -> VGroup:
        """Tick labels at ``heights`` left of the bars, with faint grid lines there (and at ``grid``, unlabelled)."""
        lines = VGroup(
            *(
                Line([self.left, y, 0], [self.right, y, 0]).set_stroke(self.theme.muted, 1, opacity=0.3)
                for y in (grid if grid is not None else heights)
            )
        )
        labels = VGroup(
            *(
                label(text, self.theme, size, self.theme.muted).next_to([self.left, y, 0], LEFT, buff=0.15)
                for y, text in zip(heights, texts)
            )
        )
        return VGroup(lines, labels)

    def value(self, index: int, text: str, colour: str | None = None, size: float = 28):
        """``text`` beside the tip of bar ``index``: above a bar that stands up, below one that hangs down, or
        right of a hanging tip too near the class names for the text to fit under it."""
        tip, down = self.tip(index), self.tops[index] < self.bottoms[index] - 1e-9
        mark = label(text, self.theme, size, colour or self.theme.text)
        if down and tip[1] - mark.height - 0.1 < self.floor:
            return mark.next_to(tip, RIGHT, buff=0.05 + 0.3 * self.step).align_to(tip, DOWN)
        return mark.next_to(tip, -UP if down else UP, buff=0.08)


class LogitView:
    """Logits to scene heights, shared by the logit axis and the log axis of their exponentials: a bar's tip
    sits where its logit puts it in both, since log₁₀ exp(z) = z / ln 10. The floor is the decade under the
    smallest logit (``log_floor``), so every exponential's bar stands on it."""

    def __init__(self, z: np.ndarray, floor: float, high: float, log_floor: bool = True):
        low_decade = math.floor(min(z.min(), 0) / LN10 - 0.5)  # the smallest exp(z) at least half a decade tall
        self.z_low = low_decade * LN10 if log_floor else min(z.min(), 0) - 0.5
        self.z_high = max(z.max(), 0)
        self.floor, self.high = floor, high
        self.zero = float(self.y(np.array([0.0]))[0])

    def y(self, z: np.ndarray) -> np.ndarray:
        return self.floor + (np.asarray(z, float) - self.z_low) / (self.z_high - self.z_low) * (self.high - self.floor)

    def logit_axis(self, chart: ClassBars) -> VGroup:
        ticks = [t for t in nice_ticks(self.z_low, self.z_high, 6) if t >= self.z_low]
        return chart.axis(list(self.y(np.array(ticks))), [fmt_tick(t) for t in ticks])

    def log_axis(self, chart: ClassBars) -> VGroup:
        decades = list(range(round(self.z_low / LN10), math.floor(self.z_high / LN10) + 1))
        heights = self.y(np.array(decades) * LN10)
        every = max(1, math.ceil(0.55 / max(heights[1] - heights[0], 1e-9))) if len(decades) > 1 else 1
        shown = [d for d in decades if d % every == 0]
        texts = [f"{10.0**d:.{-d}f}" if d < 0 else f"{10**d:,}" for d in shown]
        return chart.axis(list(self.y(np.array(shown) * LN10)), texts, grid=list(heights))


class ProbabilityView:
    """Probabilities 0…1 to scene heights, from the chart's floor to its top."""

    def __init__(self, floor: float, high: float):
        self.floor, self.high = floor, high

    def y(self, p: np.ndarray) -> np.ndarray:
        return self.floor + np.asarray(p, float) * (self.high - self.floor)

    def axis(self, chart: ClassBars) -> VGroup:
        return chart.axis(list(self.y(np.array([0, 0.5, 1]))), ["0", "0.5", "1"])


class SignedView(ProbabilityView):
    """−1…1 to scene heights: room for the error p − y, which is negative for the right class."""

    def __init__(self, floor: float, high: float):
        super().__init__(floor, high)
        self.zero = (floor + high) / 2

    def y(self, value: np.ndarray) -> np.ndarray:
        return self.zero + np.asarray(value, float) * (self.high - self.floor) / 2

    def axis(self, chart: ClassBars) -> VGroup:
        return chart.axis(list(self.y(np.array([-1, 0, 1]))), ["−1", "0", "1"])
