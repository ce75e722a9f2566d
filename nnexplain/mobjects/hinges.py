"""Panels of 1-D curves, and a view that draws a regression network's hinges and output.

    from nnexplain import load_run
    from nnexplain.mobjects import FitView

    view = FitView.from_run(load_run("runs/square-relu-3"))   # hinges above, output below

A :class:`CurvePanel` is a framed plotting area over an x interval and a y
range. A :class:`FitView` draws, from :class:`~nnexplain.geometry.hinges.CurveSnapshot`
arrays, each last-hidden-layer unit's contribution in one panel (its own colour,
its kinks as dots) and the network's output in another; :class:`SnapshotSweep`
plays it through a run's recorded snapshots. Every point drawn is a sampled value
of the recorded network; between two snapshots the curves are blended.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    DashedVMobject,
    Dot,
    Line,
    Mobject,
    Rectangle,
    VGroup,
    VMobject,
    linear,
)

from nnexplain.geometry.hinges import CurveSnapshot, curve_snapshot, hinge
from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import Theme, label
from nnexplain.run import Run

__all__ = [
    "nice_step",
    "nice_ticks",
    "padded_range",
    "x_ticks",
    "fmt_number",
    "fmt_small",
    "fmt_interval",
    "CurvePanel",
    "FitView",
    "SnapshotSweep",
    "HingeMorph",
    "Fade",
    "legend",
    "paragraph",
]

MINUS = "\u2212"


def fmt_number(value: float, digits: int = 2) -> str:
    """A short number with a typographic minus: 0.5, −1, 0.03."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if abs(value) >= 10**-digits else "0"
    return text.replace("-", MINUS)


def fmt_small(value: float) -> str:
    """Like :func:`fmt_number`, with a third digit for a value that two would round to 0 (a bias of 0.004)."""
    return fmt_number(value, 2 if abs(value) >= 0.005 else 3)


def _pi_multiple(value: float) -> float | None:
    halves = value / (math.pi / 2)
    return halves / 2 if abs(halves - round(halves)) < 1e-6 else None


def _fmt_pi(multiple: float) -> str:
    sign = MINUS if multiple < 0 else ""
    halves = round(abs(multiple) * 2)
    if halves == 0:
        return "0"
    if halves % 2:
        return f"{sign}{'' if halves == 1 else halves}π/2"
    return f"{sign}{'' if halves == 2 else halves // 2}π"


def fmt_x(value: float) -> str:
    """An x value: −π when it is a multiple of π/2, else as a number."""
    multiple = _pi_multiple(value)
    return _fmt_pi(multiple) if multiple is not None else fmt_number(value)


def fmt_interval(domain: tuple[float, float]) -> str:
    """[−π, π] when the ends are multiples of π/2, else [−1, 1]."""
    multiples = [_pi_multiple(end) for end in domain]
    if all(m is not None and m != 0 for m in multiples):
        return f"[{_fmt_pi(multiples[0])}, {_fmt_pi(multiples[1])}]"
    return f"[{fmt_number(domain[0])}, {fmt_number(domain[1])}]"


def nice_step(span: float, max_ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^k) giving at most about ``max_ticks`` ticks over ``span``."""
    raw = max(span, 1e-9) / max_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def nice_ticks(low: float, high: float, max_ticks: int = 4) -> list[float]:
    """Round values inside [low, high]."""
    step = nice_step(high - low, max_ticks)
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def padded_range(values: list[np.ndarray], pad: float = 0.08) -> tuple[float, float]:
    """The range of all ``values`` and 0, widened by ``pad`` of its span on each side."""
    low = min(0.0, *(float(np.min(v)) for v in values))
    high = max(0.0, *(float(np.max(v)) for v in values))
    span = max(high - low, 1e-6)
    return low - pad * span, high + pad * span


def x_ticks(domain: tuple[float, float]) -> list[tuple[float, str]]:
    """Tick values and labels: multiples of π/2 when the domain ends on them, else round numbers."""
    low, high = domain
    if all(_pi_multiple(end) is not None for end in domain):
        halves = range(round(low / (math.pi / 2)), round(high / (math.pi / 2)) + 1)
        return [(h * math.pi / 2, _fmt_pi(h / 2)) for h in halves]
    return [(value, fmt_number(value)) for value in nice_ticks(low, high)]


class CurvePanel(VGroup):
    """A framed plot area mapping ``domain`` × ``y_range`` onto a ``width`` × ``height`` box."""

    def __init__(
        self,
        domain: tuple[float, float],
        y_range: tuple[float, float],
        theme: Theme,
        width: float,
        height: float,
        x_labels: bool = True,
        label_size: float = 24,
    ):
        super().__init__()
        self.domain, self.theme = domain, theme
        self.y_low, self.y_high = y_range
        self.box = Rectangle(width=width, height=height, stroke_color=theme.muted, stroke_width=1.5, stroke_opacity=0.5)
        self.add(self.box)
        if self.y_low < 0 < self.y_high:
            self.add(self._line((domain[0], 0), (domain[1], 0)))
        if domain[0] < 0 < domain[1]:
            self.add(self._line((0, self.y_low), (0, self.y_high)))
        self.tick_labels = VGroup()
        for value in nice_ticks(self.y_low, self.y_high, max_ticks=4):
            text = label(fmt_number(value), theme, size=label_size, color=theme.muted)
            self.tick_labels.add(text.next_to(self.plot_point(domain[0], value), LEFT, buff=0.12))
        if x_labels:
            for value, text in x_ticks(domain):
                mark = label(text, theme, size=label_size, color=theme.muted)
                self.tick_labels.add(mark.next_to(self.plot_point(value, self.y_low), DOWN, buff=0.12))
        self.add(self.tick_labels)

    def _line(self, start: tuple[float, float], end: tuple[float, float]) -> Line:
        return Line(
            self.plot_point(*start),
            self.plot_point(*end),
            stroke_color=self.theme.muted,
            stroke_width=1.5,
            stroke_opacity=0.6,
        )

    def plot_points(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Scene points (n, 3) of data coordinates; y is clipped to the panel so nothing leaves its frame."""
        left, bottom = self.box.get_corner(DOWN + LEFT)[:2]
        width, height = self.box.width, self.box.height
        x, y = np.asarray(x, np.float64), np.clip(np.asarray(y, np.float64), self.y_low, self.y_high)
        u = left + (x - self.domain[0]) / (self.domain[1] - self.domain[0]) * width
        v = bottom + (y - self.y_low) / (self.y_high - self.y_low) * height
        return np.stack([u, v, np.zeros_like(u)], axis=1)

    def plot_point(self, x: float, y: float) -> np.ndarray:
        return self.plot_points(np.array([x]), np.array([y]))[0]

    def curve(self, x: np.ndarray, y: np.ndarray, color: str, width: float = 4) -> VMobject:
        return VMobject(stroke_color=color, stroke_width=width).set_points_as_corners(self.plot_points(x, y))

    def dashed_curve(self, x: np.ndarray, y: np.ndarray, color: str, width: float = 3, dashes: int = 60) -> VMobject:
        return DashedVMobject(self.curve(x, y, color, width), num_dashes=dashes, dashed_ratio=0.55)

    def dots(self, x: np.ndarray, y: np.ndarray, color: str, radius: float = 0.045) -> VGroup:
        return VGroup(*[Dot(p, radius=radius, color=color) for p in self.plot_points(x, y)])


@dataclass(frozen=True)
class Frame:
    """A drawn frame between snapshots. ``kinks`` (optional, per unit, as in a snapshot): where its units bend in
    this frame, so kink dots slide with the curves; without them the nearest snapshot's kinks are drawn (they would
    hop there halfway between two snapshots)."""

    x: np.ndarray
    units: np.ndarray
    output: np.ndarray
    kinks: list[np.ndarray] | None = None
    slopes: np.ndarray | None = None  # each unit's slope where it is on (output weight × input weight)
    params: list | None = None  # the weights it is drawn from (for readouts measured exactly, between samples)


def _blend(a: CurveSnapshot, b: CurveSnapshot, fraction: float) -> Frame:
    mix = lambda p, q: (1 - fraction) * p + fraction * q  # noqa: E731
    return Frame(a.x, mix(a.units, b.units), mix(a.output, b.output))


class FitView(VGroup):
    """Each unit's contribution (in ``units_panel``) and the network output (in ``output_panel``)."""

    def __init__(
        self,
        snapshot: CurveSnapshot,
        units_panel: CurvePanel,
        output_panel: CurvePanel,
        theme: Theme,
        unit_width: float = 3.5,
        output_width: float = 5,
        kink_radius: float = 0.06,
        label_size: float = 24,
        kink_color: str | None = None,
    ):
        super().__init__()
        self.units_panel, self.output_panel, self.theme = units_panel, output_panel, theme
        self.unit_width, self.kink_radius, self.label_size = unit_width, kink_radius, label_size
        self.kink_color = kink_color  # None: each kink dot in its unit's colour
        self.colors = [theme.palette[unit % len(theme.palette)] for unit in range(len(snapshot.units))]
        self.unit_curves = VGroup(*[VMobject(stroke_color=c, stroke_width=unit_width) for c in self.colors])
        self.kink_dots = VGroup()
        self.output_curve = VMobject(stroke_color=theme.text, stroke_width=output_width)
        # Slots for "epoch 999,999,999": the label changes inside sweeps (see nnexplain.mobjects.slot_text).
        self.epoch_label = SlotText(label(f"epoch {snapshot.epoch:,}", theme, size=label_size), slots=16)
        self._shown_epoch: int | None = None
        self.add(self.unit_curves, self.kink_dots, self.output_curve, self.epoch_label)
        self.show(snapshot)

    @classmethod
    def from_run(
        cls, run: Run, theme: Theme | None = None, epoch: int | None = None, width: float = 8.0, height: float = 2.6
    ) -> "FitView":
        """Both panels, stacked, with ``run``'s units and output at ``epoch`` (the last snapshot by default)."""
        theme = theme or Theme()
        snapshot = curve_snapshot(run, epoch)
        domain = (float(snapshot.x[0]), float(snapshot.x[-1]))
        units = CurvePanel(domain, padded_range([snapshot.units]), theme, width, height, x_labels=False)
        outputs = CurvePanel(domain, padded_range([snapshot.output, run.probe["labels"]]), theme, width, height)
        outputs.next_to(units, DOWN, buff=0.4)
        view = cls(snapshot, units, outputs, theme)
        view.add_to_back(units, outputs)
        return view.place_epoch_label(units.box.get_corner(UP + RIGHT) + 0.3 * RIGHT + 0.2 * DOWN)

    def show(self, frame: CurveSnapshot | Frame, nearest: CurveSnapshot | None = None) -> None:
        """Draw ``frame``; kinks and the epoch come from ``nearest`` (the frame itself when it is a snapshot)."""
        nearest = nearest or frame
        for curve, values in zip(self.unit_curves, frame.units):
            curve.set_points_as_corners(self.units_panel.plot_points(frame.x, values))
        self.output_curve.set_points_as_corners(self.output_panel.plot_points(frame.x, frame.output))
        own = getattr(frame, "kinks", None)
        kinks = [(unit, k) for unit, unit_kinks in enumerate(nearest.kinks if own is None else own) for k in unit_kinks]
        self.frame = frame  # what is drawn now, for readouts that follow it
        # Where each unit's first kink is drawn now, for labels that follow it (see nnexplain.mobjects.kink_pins).
        self.kink_points = {}
        self.reserve_kink_dots(len(kinks))
        for index, dot in enumerate(self.kink_dots):
            if index < len(kinks):
                unit, k = kinks[index]
                dot.move_to(self.units_panel.plot_point(k, np.interp(k, frame.x, frame.units[unit])))
                self.kink_points.setdefault(unit, dot.get_center())
                dot.set_fill(self.kink_color or self.colors[unit], opacity=1).set_stroke(
                    self.theme.background, width=1.5, opacity=1, background=True
                )
            else:
                dot.set_fill(opacity=0).set_stroke(opacity=0, background=True)
        if nearest.epoch != self._shown_epoch:
            self.epoch_label.show(label(f"epoch {nearest.epoch:,}", self.theme, size=self.label_size))
            self._shown_epoch = nearest.epoch

    def reserve_kink_dots(self, count: int) -> None:
        """Keep at least ``count`` kink dots; spare ones are hidden.

        An animation draws the mobjects it had when it began, so dots are reused
        and hidden rather than replaced while a sweep plays.
        """
        while len(self.kink_dots) < count:
            self.kink_dots.add(Dot(self.units_panel.box.get_center(), radius=self.kink_radius).set_opacity(0))

    def place_epoch_label(self, point: np.ndarray) -> "FitView":
        self.epoch_label.move_to(point, aligned_edge=LEFT)
        return self


class SnapshotSweep(Animation):
    """Play a :class:`FitView` through recorded snapshots, each step taking the same time (or its ``weights`` share)."""

    def __init__(
        self,
        view: FitView,
        snapshots: list[CurveSnapshot],
        step_seconds: float = 0.5,
        weights: np.ndarray | None = None,
        blend=None,
        **kwargs,
    ):
        self.snapshots = snapshots
        # ``blend(before, after, fraction)``: a frame between two snapshots (default: their arrays mixed; a scene
        # may mix the weights instead, so every frame is a real network's).
        self.blend = blend or _blend
        # ``weights``: each step's share of the time (default equal); cumulative ends of the steps in [0, 1].
        shares = np.ones(max(len(snapshots) - 1, 1)) if weights is None else np.asarray(weights, dtype=float)
        self.step_ends = np.cumsum(shares) / shares.sum()
        view.reserve_kink_dots(max(sum(len(k) for k in snapshot.kinks) for snapshot in snapshots))
        kwargs.setdefault("run_time", step_seconds * max(len(snapshots) - 1, 1))
        super().__init__(view, rate_func=linear, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        # Every frame is drawn from the snapshots, never from the view's starting state: skip the copy.
        return Mobject()

    def interpolate_mobject(self, alpha: float) -> None:
        if len(self.snapshots) == 1:
            self.mobject.show(self.snapshots[0])
            return
        index = min(int(np.searchsorted(self.step_ends, alpha, side="right")), len(self.snapshots) - 2)
        start = self.step_ends[index - 1] if index else 0.0
        fraction = float(np.clip((alpha - start) / max(self.step_ends[index] - start, 1e-12), 0.0, 1.0))
        before, after = self.snapshots[index], self.snapshots[index + 1]
        self.mobject.show(self.blend(before, after, fraction), nearest=before if fraction < 0.5 else after)


class HingeMorph(Animation):
    """Move one hinge ``v·max(0, w·x + b)`` from one (w, b, v) to another; its kink dot follows.

    The numbers move in a straight line, so every frame draws a real hinge (a weight
    passing through 0 flattens it, then turns it to face the other way).
    """

    def __init__(self, hinge_view: VGroup, panel: CurvePanel, x: np.ndarray, start, end, **kwargs):
        self.panel, self.x = panel, x
        self.start, self.end = np.asarray(start, np.float64), np.asarray(end, np.float64)
        super().__init__(hinge_view, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # every frame is drawn from the numbers: no copy needed

    def interpolate_mobject(self, alpha: float) -> None:
        weight, bias, out_weight = (1 - alpha) * self.start + alpha * self.end
        curve, dot = self.mobject
        curve.set_points_as_corners(self.panel.plot_points(self.x, hinge(self.x, weight, bias, out_weight)))
        low, high = self.panel.domain
        kink = -bias / weight if weight != 0 else np.inf
        if low <= kink <= high:
            dot.move_to(self.panel.plot_point(kink, 0)).set_opacity(1)
        else:
            dot.set_opacity(0)


class Fade(Animation):
    """Fade a mobject in (or out) by scaling its own opacities.

    manim's FadeIn/FadeOut copy the mobject two or three times, and copying Text
    is slow (tens of milliseconds per line); captions change often, so this one
    copies nothing.
    """

    def __init__(self, mobject: Mobject, out: bool = False, **kwargs):
        super().__init__(mobject, remover=out, introducer=not out, **kwargs)
        self.out = out
        self.opacities = [
            (m, m.get_fill_opacity(), m.get_stroke_opacity()) for m in mobject.family_members_with_points()
        ]

    def create_starting_mobject(self) -> Mobject:
        return Mobject()

    def interpolate_mobject(self, alpha: float) -> None:
        level = 1 - alpha if self.out else alpha
        for part, fill, stroke in self.opacities:
            _set_opacities(part, fill * level, stroke * level)


def _set_opacities(part: Mobject, fill: float, stroke: float) -> None:
    """``part.set_fill(opacity=fill, family=False).set_stroke(opacity=stroke, family=False)``, the same state
    without rebuilding the colour arrays: with a colour array already there and no sheen, manim's set_fill and
    set_stroke only write the opacity into its alpha column, all rows, and note it. A glyph fading in is set so
    every frame; manim's way (a new colour array made and matched up each time) was a fifth of the drawing thread."""
    fills, strokes = getattr(part, "fill_rgbas", None), getattr(part, "stroke_rgbas", None)
    if (
        not isinstance(part, VMobject)
        or part.get_sheen_factor() != 0
        or not isinstance(fills, np.ndarray)
        or not isinstance(strokes, np.ndarray)
        or len(fills) == 0
        or len(strokes) == 0
    ):
        part.set_fill(opacity=fill, family=False).set_stroke(opacity=stroke, family=False)
        return
    fills[:, 3] = fill
    part.fill_opacity = fill
    strokes[:, 3] = stroke
    part.stroke_opacity = stroke


def legend(entries: list[tuple[str, bool, str]], theme: Theme, size: float = 24) -> VGroup:
    """Rows of (colour, dashed, text): a short line sample and its label."""
    rows = VGroup()
    for color, dashed, text in entries:
        sample = Line(LEFT * 0.25, RIGHT * 0.25, stroke_color=color, stroke_width=4)
        if dashed:
            sample = DashedVMobject(sample, num_dashes=3, dashed_ratio=0.6)
        rows.add(VGroup(sample, label(text, theme, size=size)).arrange(RIGHT, buff=0.15))
    return rows.arrange(DOWN, aligned_edge=LEFT, buff=0.12)


def paragraph(text: str, theme: Theme, width: float, size: float = 24, color: str | None = None) -> VGroup:
    """Lines of text (split at newlines), left aligned, shrunk if wider than ``width``."""
    # An empty line keeps the height of a line of text, so paragraphs can be separated.
    lines = VGroup(
        *[label(line or "|", theme, size=size, color=color).set_opacity(1 if line else 0) for line in text.split("\n")]
    )
    lines.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
    if lines.width > width:
        lines.scale_to_fit_width(width)
    return lines
