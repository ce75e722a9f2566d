"""Labels pinned to the hinges' kinks: "unit 2" in the unit's colour, on a stem standing on its kink dot.

A :class:`~nnexplain.mobjects.hinges.FitView` draws several hinges in one panel, told apart only by colour; a
hinge lying nearly flat on the axis is hard to see at all. Each pin names one unit where it bends and follows its
kink while training moves it (an updater reads the view's ``kink_points``). The labels stand at different heights,
one level per unit, so two kinks passing each other carry their names past each other instead of over each other.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, Animation, BackgroundRectangle, Line, Mobject, UpdateFromAlphaFunc, VGroup

from nnexplain.mobjects.hinges import FitView
from nnexplain.mobjects.style import Theme, label

__all__ = ["KinkPins", "PinsFade"]

# Heights a name may stand at, as shares of the panel's height: a row and a gap apart (at 0.19 apart two names in
# neighbouring rows touched in relu-square's replay, 21 px labels 24 px apart at 480p).
LEVELS = (0.44, 0.66, 0.88)


class KinkPins(VGroup):
    """A pin per unit in ``units``: a stem from its kink dot up to a label, at ``levels[i]`` of the panel's height.

    ``names`` (optional) replaces "unit k" for a unit. Call ``follow()`` once placed; ``start_following()`` keeps
    the pins on the kinks while the view changes. A unit with no kink inside the interval hides its pin."""

    def __init__(
        self,
        view: FitView,
        units: list[int],
        theme: Theme,
        levels: list[float] | None = None,
        size: float = 28,
        names: dict[int, str] | None = None,
    ):
        super().__init__()
        self.view, self.units = view, list(units)
        self.levels = list(levels) if levels else []
        self.opacity = 1.0
        names = names or {}
        # Every stem behind every name: a stem rising past a lower name passes behind it, not over its letters.
        self.stems, self.tags = VGroup(), VGroup()
        self.add(self.stems, self.tags)
        for unit in self.units:
            text = label(names.get(unit, f"unit {unit + 1}"), theme, size=size, color=view.colors[unit])
            patch = BackgroundRectangle(text, color=theme.background, fill_opacity=0.85, buff=0.05)
            stem = Line(np.zeros(3), DOWN, stroke_color=view.colors[unit], stroke_width=2)
            self.stems.add(stem)
            self.tags.add(VGroup(patch, text))
        if not self.levels:
            self.levels = self._free_levels()
        self.follow()

    def _free_levels(self) -> list[float]:
        """For each pin, in turn, the lowest of ``LEVELS`` where its label crosses no hinge as drawn now and no label
        placed before it (else the one crossing fewest): a name never sits on a curve it does not belong to."""
        box = self.view.units_panel.box
        left, right, bottom = box.get_left()[0], box.get_right()[0], box.get_bottom()[1]
        curves = [self._densified(curve.points[:, :2]) for curve in self.view.unit_curves if len(curve.points)]
        placed: list[tuple[float, float, float, float]] = []
        levels = []
        for tag, unit in zip(self.tags, self.units):
            point = self.view.kink_points.get(unit)
            x = 0.0 if point is None else float(np.clip(point[0], left + tag.width / 2, right - tag.width / 2))
            costs = []
            for level in LEVELS:
                y = bottom + level * box.height
                x0, x1, y0, y1 = x - tag.width / 2, x + tag.width / 2, y - tag.height / 2, y + tag.height / 2
                crossing = sum(
                    int(np.any((c[:, 0] > x0) & (c[:, 0] < x1) & (c[:, 1] > y0) & (c[:, 1] < y1))) for c in curves
                )
                crossing += sum(int(a < x1 and x0 < b and c < y1 and y0 < d) for a, b, c, d in placed)
                costs.append(crossing)
            best = int(np.argmin(costs))  # the first (lowest) of the least crossed
            y = bottom + LEVELS[best] * box.height
            placed.append((x - tag.width / 2, x + tag.width / 2, y - tag.height / 2, y + tag.height / 2))
            levels.append(LEVELS[best])
        return levels

    @staticmethod
    def _densified(points: np.ndarray, step: float = 0.02) -> np.ndarray:
        """The points of a polyline, with more along long straight stretches (a hinge's arm is two points)."""
        parts = [points[:1]]
        for a, b in zip(points, points[1:]):
            count = max(int(np.linalg.norm(b - a) / step), 1)
            parts.append(a + (b - a) * np.linspace(0, 1, count + 1)[1:, None])
        return np.concatenate(parts)

    def follow(self) -> "KinkPins":
        box = self.view.units_panel.box
        left, right, bottom = box.get_left()[0], box.get_right()[0], box.get_bottom()[1]
        for stem, tag, unit, level in zip(self.stems, self.tags, self.units, self.levels):
            point = self.view.kink_points.get(unit)
            shown = point is not None
            if shown:
                middle = bottom + level * box.height
                half = tag.width / 2
                tag.move_to([float(np.clip(point[0], left + half + 0.05, right - half - 0.05)), middle, 0])
                top = tag.get_bottom()[1]
                # A stem of no length would be drawn as a dot: kept at least a hair long.
                stem.put_start_and_end_on(point + [0, 0.09, 0], [point[0], max(top, point[1] + 0.1), 0])
            tag[0].set_fill(opacity=0.85 * self.opacity if shown else 0)
            tag[1].set_fill(opacity=self.opacity if shown else 0)
            stem.set_stroke(opacity=0.8 * self.opacity if shown else 0)
        return self

    def start_following(self) -> "KinkPins":
        self.add_updater(lambda pins: pins.follow())
        return self

    def can_part(self) -> bool:
        return len(self.units) <= len(LEVELS)

    def apart(self) -> UpdateFromAlphaFunc:
        """The names moving to a row each (by unit, the lowest row first; see ``can_part``), so names passing each
        other as their kinks move never overlap."""
        start, rows = list(self.levels), sorted(LEVELS)[: len(self.units)]
        end = [rows[sorted(self.units).index(unit)] for unit in self.units]

        def lift(pins: KinkPins, alpha: float) -> None:
            pins.levels = [a + alpha * (b - a) for a, b in zip(start, end)]
            pins.follow()

        return UpdateFromAlphaFunc(self, lift)


class PinsFade(Animation):
    """The pins fading in (or out, ``out=True``) where their kinks are now; the view may move meanwhile."""

    def __init__(self, pins: KinkPins, out: bool = False, **kwargs):
        self.out = out
        super().__init__(pins, suspend_mobject_updating=False, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        # Every frame is drawn from the view's kinks and the opacity: no copy (it would copy the whole view).
        return Mobject()

    def interpolate_mobject(self, alpha: float) -> None:
        self.mobject.opacity = 1 - alpha if self.out else alpha
        self.mobject.follow()
