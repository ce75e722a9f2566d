"""Small charts drawn from run numbers: learning curves (linear or log axes), signed bars, a progress bar.

Each is a plain ``VGroup`` whose moving parts change in place (``set_points_as_corners``,
``stretch``), so a scene can redraw them every frame through
:class:`~nnexplain.mobjects.heatmap.Playback` without building new mobjects.
"""

from __future__ import annotations

import math

import numpy as np
from manim import DOWN, LEFT, ORIGIN, RIGHT, UP, DashedLine, Line, Rectangle, VGroup, VMobject

from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import Theme, label

__all__ = ["LineChart", "SignedBars", "ProgressBar", "Readout", "nice_ticks", "fmt_tick"]


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values between ``low`` and ``high``, about ``count`` of them."""
    span = high - low
    if span <= 0:
        return [low]
    step = 10 ** math.floor(math.log10(span / count))
    for multiple in (1, 2, 2.5, 5, 10):
        if span / (multiple * step) <= count:
            step *= multiple
            break
    first = math.ceil(low / step - 1e-9) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step + 1e-9) + 1)]


def fmt_tick(value: float, percent: bool = False) -> str:
    if percent:
        text = f"{100 * value:.3f}".rstrip("0").rstrip(".")
        return f"{text}%"
    if value == 0:
        return "0"
    return f"{value:g}".replace("-", "−")


class LineChart(VGroup):
    """Axes mapping x_range × y_range onto a ``width`` × ``height`` box (y on a log scale when ``log_y``)."""

    def __init__(
        self,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        theme: Theme,
        width: float,
        height: float,
        log_y: bool = False,
        y_ticks: list[float] | None = None,
        x_ticks: list[float] | None = None,
        percent: bool = False,
        title: str = "",
        x_title: str = "",
        size: float = 16,
    ):
        super().__init__()
        self.theme, self.log_y = theme, log_y
        self.x_low, self.x_high = map(float, x_range)
        self.y_low, self.y_high = map(float, y_range)
        self.box = Rectangle(width=width, height=height).set_stroke(theme.muted, 1.2, opacity=0.6)
        self.add(self.box)
        self.labels = VGroup()
        if y_ticks is None:
            y_ticks = (
                [10.0**k for k in range(math.ceil(math.log10(self.y_low)), math.floor(math.log10(self.y_high)) + 1)]
                if log_y
                else nice_ticks(self.y_low, self.y_high)
            )
        for value in y_ticks:
            self.labels.add(
                label(fmt_tick(value, percent), theme, size, theme.muted).next_to(
                    self.at(self.x_low, value), LEFT, buff=0.1
                )
            )
            self.add(
                Line(self.at(self.x_low, value), self.at(self.x_high, value)).set_stroke(theme.muted, 0.8, opacity=0.25)
            )
        for value in x_ticks if x_ticks is not None else nice_ticks(self.x_low, self.x_high, 4):
            self.labels.add(
                label(fmt_tick(value), theme, size, theme.muted).next_to(self.at(value, self.y_low), DOWN, buff=0.08)
            )
        if title:
            self.labels.add(label(title, theme, size + 2).next_to(self.box, UP, buff=0.1, aligned_edge=LEFT))
        if x_title:
            self.labels.add(label(x_title, theme, size, theme.muted).next_to(self.box, DOWN, buff=0.36))
        self.add(self.labels)

    def _v(self, y: np.ndarray) -> np.ndarray:
        y = np.clip(np.asarray(y, np.float64), self.y_low, self.y_high)
        if self.log_y:
            return (np.log10(y) - math.log10(self.y_low)) / (math.log10(self.y_high) - math.log10(self.y_low))
        return (y - self.y_low) / (self.y_high - self.y_low)

    def to_scene(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Scene points (n, 3); y is clipped to the axes so nothing leaves the box."""
        left, bottom = self.box.get_corner(DOWN + LEFT)[:2]
        x = np.asarray(x, np.float64)
        u = left + (x - self.x_low) / (self.x_high - self.x_low) * self.box.width
        v = bottom + self._v(y) * self.box.height
        return np.stack([u, v, np.zeros_like(u)], axis=1)

    def at(self, x: float, y: float) -> np.ndarray:
        return self.to_scene(np.array([x]), np.array([y]))[0]

    def curve(self, colour: str, width: float = 3.5) -> VMobject:
        """An empty curve in ``colour``; fill it with :meth:`draw`."""
        return VMobject(stroke_color=colour, stroke_width=width)

    def draw(self, curve: VMobject, x: np.ndarray, y: np.ndarray, upto: float | None = None) -> VMobject:
        """Set ``curve`` to the data up to x = ``upto`` (all of it when None), ending exactly there."""
        x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
        keep = np.isfinite(y)
        x, y = x[keep], y[keep]
        if upto is not None and len(x):
            inside = x <= upto
            if inside.sum() < len(x) and inside.any():
                end = np.interp(upto, x, y)
                x, y = np.append(x[inside], upto), np.append(y[inside], end)
            else:
                x, y = x[inside], y[inside]
        if len(x) < 2:
            points = self.to_scene(x[:1], y[:1]) if len(x) else np.zeros((1, 3)) + self.box.get_corner(DOWN + LEFT)
            return curve.set_points_as_corners(np.repeat(points, 2, axis=0))
        return curve.set_points_as_corners(self.to_scene(x, y))

    def marker(self, x: float, colour: str) -> DashedLine:
        """A dashed vertical line at ``x`` across the axes."""
        return DashedLine(self.at(x, self.y_low), self.at(x, self.y_high), dash_length=0.08).set_stroke(colour, 2.5)


class SignedBars(VGroup):
    """One vertical bar per value from a zero line, up for positive, down for negative, with a name under each."""

    def __init__(self, names: list[str], theme: Theme, width: float, up: float, down: float, size: float = 18):
        super().__init__()
        self.theme, self.up, self.down = theme, up, down
        self.step = width / len(names)
        self.zero = Line(LEFT * width / 2, RIGHT * width / 2).set_stroke(theme.muted, 1.5)
        self.bars = VGroup(*(Rectangle(width=0.6 * self.step, height=0.01).set_stroke(width=0) for _ in names))
        for index, bar in enumerate(self.bars):
            bar.move_to(self.x(index) * RIGHT)
        self.names = VGroup(*(label(name, theme, size, theme.muted) for name in names))
        for index, name in enumerate(self.names):
            name.move_to([self.x(index), -down - (0.55 if down > 0.5 else 0.25), 0])
        self.add(self.zero, self.bars, self.names)
        self.set_heights(np.zeros(len(names)), [theme.positive] * len(names))

    def x(self, index: int) -> float:
        return self.zero.get_left()[0] + (index + 0.5) * self.step

    def set_heights(self, heights: np.ndarray, colours: list) -> "SignedBars":
        """Heights in scene units (positive up, negative down), clipped to the room above and below the zero line."""
        base = self.zero.get_center()[1]
        self.heights, self.colours = np.asarray(heights, np.float64).copy(), list(colours)
        for index, (bar, height, colour) in enumerate(zip(self.bars, heights, colours)):
            height = float(np.clip(height, -self.down, self.up))
            size = max(abs(height), 0.004)
            bar.stretch_to_fit_height(size)
            bar.move_to([self.x(index), base + np.sign(height) * size / 2, 0])
            bar.set_fill(colour, 1)
        return self

    def top_of(self, index: int) -> np.ndarray:
        """Where a bar's number goes: above a positive bar, below a negative one."""
        bar = self.bars[index]
        base = self.zero.get_center()[1]
        return bar.get_top() + 0.05 * UP if bar.get_center()[1] >= base - 1e-9 else bar.get_bottom() + 0.05 * DOWN


class ProgressBar(VGroup):
    """An outlined bar filling from the left, as a training loop's progress bar does."""

    def __init__(self, theme: Theme, width: float, height: float = 0.22, colour: str | None = None):
        super().__init__()
        self.outline = Rectangle(width=width, height=height).set_stroke(theme.muted, 1.5)
        self.fill = Rectangle(width=width, height=height).set_stroke(width=0).set_fill(colour or theme.highlight, 0.85)
        self.add(self.outline, self.fill)
        self.set_fraction(0.0)

    def set_fraction(self, fraction: float) -> "ProgressBar":
        fraction = float(np.clip(fraction, 0.0, 1.0))
        width = max(fraction * self.outline.width, 1e-3)
        self.fill.stretch_to_fit_width(width)
        self.fill.move_to(self.outline.get_left() + RIGHT * width / 2 + ORIGIN)
        self.fill.set_fill(opacity=0.85 if fraction > 0 else 0)
        return self


SHOWN_KEPT = 256  # placed values a readout keeps: more than a playback's snapshots, few enough when its name moves


class Readout(VGroup):
    """A fixed name and a value that changes often (an epoch, a loss): only the value is typeset anew.

    Text is typeset glyph by glyph, so a long label rebuilt every snapshot costs far
    more than the few digits that change; each value's text is made once and kept.
    """

    def __init__(
        self,
        name: str,
        value: str,
        theme: Theme,
        size: float = 18,
        colour: str | None = None,
        buff: float = 0.12,
        width: int = 16,
    ):
        super().__init__()
        self.theme, self.size, self.colour, self.buff = theme, size, colour or theme.text, buff
        self.name = label(name, theme, size, self.colour)
        self._values: dict[str, VGroup] = {}
        self._shown: dict[tuple, VGroup] = {}  # (text, the name's points) -> the value placed after that name
        # The value changes inside animations: glyph slots for ``width`` characters (see nnexplain.mobjects.slot_text).
        self.value = SlotText(self._placed(self._typeset(value)), slots=max(width, len(value)))
        self.text = value
        self.add(self.name, self.value)

    def _typeset(self, text: str) -> VGroup:
        if text not in self._values:
            self._values[text] = label(text, self.theme, self.size, self.colour)
        return self._values[text].copy()

    def set_value(self, text: str) -> "Readout":
        """Show ``text`` as the value, after the name, on the name's baseline."""
        # Placing depends only on the text and where the name's glyphs are: a playback that sets the value every
        # frame reuses the placed copy (a deep copy and a placement per frame were most of a counter's cost).
        key = (text, tuple(glyph.points.tobytes() for glyph in self.name.family_members_with_points()))
        placed = self._shown.get(key)
        if placed is None:
            if len(self._shown) >= SHOWN_KEPT:
                self._shown.clear()
            placed = self._shown[key] = self._placed(self._typeset(text))
        self.value.show(placed, placed=True)  # copies the glyphs' points and style: ``placed`` stays as it is
        self.text = text
        return self

    def _placed(self, value: VGroup) -> VGroup:
        value.next_to(self.name, RIGHT, buff=self.buff)
        return value.shift((_baseline(self.name) - _baseline(value)) * UP)


def _baseline(text: VMobject) -> float:
    """Where most glyphs of ``text`` stand (descenders and dots fall off the median)."""
    glyphs = [glyph for glyph in text.submobjects if glyph.has_points()] or [text]
    return float(np.median([glyph.get_bottom()[1] for glyph in glyphs]))
