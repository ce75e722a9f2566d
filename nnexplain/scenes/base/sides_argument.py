"""Why the trained units' order of sides caps the error, drawn as it is said (the ending of ``relu-square``).

With every left-opening kink before every right-opening one, one piece between them has no unit on: it is flat. A
flat line can miss a curve that rises ``r`` over its span by no less than ``r / 2``. The beats here draw that flat
piece on the best fit those sides allow (kinks searched, sides kept) with its miss in the zoom panel, two bars
from 0 to the miss at the span's lowest and highest point of the target; and, for the best fit, that no piece is
flat: the piece across the target's bottom tilts with it.

A mixin for :class:`~nnexplain.scenes.base.miss_comparison.MissComparison`, which calls these beats.
"""

from __future__ import annotations

import inspect
from typing import ClassVar

import numpy as np
from manim import (
    LEFT,
    RIGHT,
    UL,
    UP,
    AnimationGroup,
    Arrow,
    Create,
    DashedVMobject,
    Line,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    linear,
    there_and_back,
)

from nnexplain.geometry.hinge_fit import best_hinge_fit
from nnexplain.geometry.kink_tour import kink_stops, refit_at, tour_kinks
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import fmt_fixed, label
from nnexplain.scenes.base.hinge_story import TEXT_SIZE
from nnexplain.scenes.base.start_sides import StartSides

__all__ = ["SidesArgument", "sides_never_flip", "sides_words"]


def sides_never_flip(run) -> bool:
    """Whether every hidden unit's input weight keeps its sign (the side its hinge opens to) over all the run's
    snapshots: a 1 → n → 1 run of at least two snapshots, no weight at 0."""
    if len(run.epochs) < 2:
        return False
    signs = np.array([np.sign(np.asarray(run.params(epoch)[0][0])[:, 0]) for epoch in run.epochs])
    return bool(np.all(signs != 0) and np.all(signs == signs[0]))


def sides_words(directions: np.ndarray) -> str:
    """Sides in words, left to right: "left, left, right"."""
    return ", ".join("right" if side > 0 else "left" for side in directions)


def flat_span(kinks: np.ndarray, sides: np.ndarray) -> tuple[float, float] | None:
    """The span where no unit is on, between the last left-opening kink and the first right-opening one (kinks
    sorted along x), when all the left-opening kinks come first; None otherwise."""
    lefts, rights = np.flatnonzero(sides < 0), np.flatnonzero(sides > 0)
    if not (len(lefts) and len(rights) and lefts.max() < rights.min()):
        return None
    return float(kinks[lefts.max()]), float(kinks[rights.min()])


class SidesArgument(StartSides):
    """The beats ``sides_argument`` (the trained sides' flat piece and the best they allow) and ``best_tilts``."""

    # Opt-in (relu-square): the kinks slide for at least this many seconds (0: the line's reading time), the largest-
    # miss bar moves to another peak only when it is clearly higher, and the sliding miss is clipped to its panel.
    slide_seconds: ClassVar[float] = 0.0

    def sides_argument(self, fit_sides, sides: np.ndarray, said: str, arrows: VGroup) -> None:
        """Why the trained units fall short, step by step as said: the flat piece their order of sides leaves, the
        best any kinks do with those sides (drawn), the gap its flat piece must leave, and the cause (said only
        when no unit's side flipped in any snapshot)."""
        x, output = self.hinges.x, self.hinges.output
        if flat_span(np.arange(len(sides), dtype=float), sides) is not None:  # sides in kink order: a piece is flat
            number = int(np.flatnonzero(sides < 0).max()) + 2  # between the last left kink and the next
            piece = self.piece_marks(x, output)[number - 1]
            with self.narrate(f"Then on piece {number} no unit is on: it stays flat.") as line:
                self.play(Create(piece[0]), Fade(piece[1]), run_time=min(1.0, 0.4 * line.duration))
                self.play(piece[0].animate(rate_func=there_and_back).set_stroke(width=14), run_time=0.6 * line.duration)
            self.play(Fade(piece, out=True), run_time=0.4)
        shown = f"{fit_sides.error:.3f}"
        refit = getattr(self, "refit_error", None)
        as_refit = ", the refit's error" if refit is not None and f"{refit:.3f}" == shown else ""
        count = len(self.hinges.units)
        drawn, knots, row = self.slide_kinks(fit_sides, count, arrows)
        with self.narrate(f"With these sides, the best a search finds is {shown}{as_refit}.") as line:
            self.play(
                drawn.animate(rate_func=there_and_back).set_stroke(width=11),
                *[dot.animate(rate_func=there_and_back).scale(1.6) for dot in knots],  # each in place
                run_time=line.duration,
            )
        # Its curve, kinks and row leave together, before the best fit comes (``compare_best_fit``).
        self.same_sides_drawn = [drawn, knots, row, *self.sides_extras]
        self.flat_gap(fit_sides)
        if sides_never_flip(self.run):
            # Said of what never flipped: the input weights' signs (unit 1's output weight did turn positive).
            # Opt-in: the start's sides shown beside the trained ones (their arrows left as the kinks slid).
            if self.slide_seconds > 0:
                with self.narrate("In this run, the input-weight signs set the sides at the random start.") as line:
                    self.show_start_sides(arrows, line.duration)
                text = "Training never flipped one."
            else:
                text = "Input-weight signs set the sides at the random start; training never flipped one."
            with self.narrate(text) as line:
                self.play(arrows.animate(rate_func=there_and_back).set_stroke(width=11), run_time=line.duration)

    def trained_sides(self) -> np.ndarray | None:
        """The sides the trained units open to (+1 right, −1 left), in the order of their kinks along x; None when
        a unit bends outside the interval (or not at all)."""
        if self.quiet or any(len(kinks) != 1 for kinks in self.hinges.kinks):
            return None
        weights = np.asarray(self.run.params(self.hinges.epoch)[0][0])[:, 0]
        order = np.argsort([kinks[0] for kinks in self.hinges.kinks])
        return np.sign(weights[order])

    def same_sides_fit(self):
        """The best fit whose hinges open to the trained units' sides, in their order along x (kinks searched), the
        sides, and the sides in words; None for a network of more layers, a unit bending outside, or no target."""
        sides = self.trained_sides() if self.hinges.hidden_layers == 1 and self.best_fit is not None else None
        if sides is None:
            return None
        fit = self.best_with_sides(tuple(float(side) for side in sides))
        if fit.error < self.best_fit.error + 1e-3:  # the trained order is as good as the best: nothing to tell
            return None
        return fit, sides, sides_words(sides)

    def side_arrows(
        self, kinks: np.ndarray, values: np.ndarray, directions: np.ndarray, color: str, fit=None
    ) -> VGroup:
        """At each kink over the output, a short arrow above it pointing to the side its hinge opens to, lifted
        clear of the curves drawn under it (the network's, the target's and ``fit``'s, when given) with room for
        its word above."""
        x = self.hinges.x
        drawn = [self.hinges.output, self.target_values(x)] + ([] if fit is None else [fit(x)])
        points = np.concatenate([self.outputs.plot_points(x, y) for y in drawn])
        arrows = VGroup()
        for kink, value, side in zip(kinks, values, directions):
            # About 50 px long at 480p, with a large tip: read as "opens right / left".
            start = self.outputs.plot_point(float(kink), float(value)) + 0.36 * UP
            low, high = sorted((start[0], start[0] + 0.85 * side))
            under = points[(points[:, 0] >= low) & (points[:, 0] <= high), 1]
            if len(under):  # no higher than leaves its word inside the panel
                ceiling = self.outputs.box.get_top()[1] - 0.45
                start[1] = max(start[1], min(float(under.max()) + 0.2, ceiling))
            arrows.add(
                Arrow(
                    start,
                    start + 0.85 * side * RIGHT,
                    buff=0,
                    stroke_width=7,
                    color=color,
                    tip_length=0.24,
                    max_tip_length_to_length_ratio=0.4,
                )
            )
        return arrows

    def side_words(self, arrows: VGroup, sides: np.ndarray) -> VGroup:
        """Above each side arrow, the side in a word ("left", "right")."""
        words = VGroup()
        for arrow, side in zip(arrows, sides):
            word = label("right" if side > 0 else "left", self.theme, size=TEXT_SIZE, color=self.theme.text)
            words.add(word.next_to(arrow, UP, buff=0.08))
        return words

    def slide_kinks(self, fit_sides, count: int, arrows: VGroup) -> tuple[VGroup, VGroup, SlotText]:
        """The same-sides fit found as the search finds it: its kinks slide through placements the search tried
        (worse first) to the kinks it settled on, sides kept, the heights refit at every frame (a linear programme:
        :mod:`~nnexplain.geometry.kink_tour`), the fit's largest error following in the column."""
        x, color = self.hinges.x, self.sides_color
        stops = kink_stops(self.target, self.domain, fit_sides)
        directions = fit_sides.directions
        first = refit_at(self.target, self.domain, stops[0], directions)
        dashes = 40  # long dashes, thick: seen at 480p over the network's white curve

        def dashed(fit) -> VMobject:
            return DashedVMobject(self.outputs.curve(x, fit(x), color, width=8), num_dashes=dashes)

        drawn = dashed(first)
        knots = self.outputs.dots(stops[0], first(stops[0]), color, radius=0.1)
        row = SlotText(self.readout(first.error), slots=24, edge=LEFT)
        row.move_to(self.column_point(self.labels_top - 0.45 - 2 * 0.42), aligned_edge=UL)

        calm = self.slide_seconds > 0

        def peak(values: np.ndarray, before: int | None) -> int:
            """The largest miss's index; calm, the peak held (``before``, followed as it drifts) unless another is
            15 % higher."""
            at = int(np.argmax(np.abs(values)))
            if calm and before is not None and np.abs(values[at]) < 1.15 * np.abs(values[before]):
                near = slice(max(0, before - 12), before + 13)
                at = near.start + int(np.argmax(np.abs(values[near])))
            return at

        def fit_at(alpha: float):
            return refit_at(self.target, self.domain, tour_kinks(stops, alpha), directions) if alpha < 1 else fit_sides

        # The held peak at each of 100 steps of the slide, worked out first: a frame's bar depends on its alpha only
        # (a skipped animation lands on the frame drawing it does).
        steps, held = 100, [None]
        for k in range(steps + 1 if calm else 0):
            fit = fit_at(k / steps)
            held.append(peak(fit(x) - self.target_values(x), held[-1]))

        def miss_of(fit, alpha: float = 0.0) -> VGroup:
            """The sliding fit's miss in the zoom panel, and its largest-miss bar (from 0), in its colour. Calm: the
            bar stays on its peak until another is 15 % higher, and the curve is clipped to the panel."""
            values = fit(x) - self.target_values(x)
            at = peak(values, held[int(alpha * steps)] if calm else None)
            if calm:
                values = np.clip(values, self.misses.y_low, self.misses.y_high)
            bar = Line(self.misses.plot_point(x[at], 0.0), self.misses.plot_point(x[at], values[at]), stroke_width=7)
            return VGroup(self.misses.curve(x, values, color, width=4), bar.set_color(color))

        slid = miss_of(first) if hasattr(self, "misses") else VGroup()
        keyed = self.add_legend_row("sides kept", color, dashed=True)
        if len(getattr(self, "refit_parts", [])):  # in the refit's legend place, which it has left
            keyed.align_to(self.refit_parts[2], UP)
        network = getattr(self, "network_miss", VGroup())
        self.network_miss_bright = network.copy()

        def follow(group, alpha: float) -> None:
            kinks, fit = tour_kinks(stops, alpha), fit_at(alpha)  # the end: the search's fit, measured finely
            fresh = dashed(fit)
            for old, new in zip(drawn.submobjects, fresh.submobjects):
                old.set_points(new.points)
            for old in drawn.submobjects[len(fresh.submobjects) :]:
                old.set_points(fresh.submobjects[-1].points)
            for dot, point in zip(knots, self.outputs.plot_points(kinks, fit(kinks))):
                dot.move_to(point)
            row.show(self.readout(fit.error))
            if len(slid):
                for old, new in zip(slid, miss_of(fit, alpha)):
                    old.set_points(new.points)

        words = f"Slide the {count} kinks, sides kept, heights refit: its largest error follows."
        with self.narrate(words) as line:
            appear = min(1.0, 0.2 * line.duration)
            # The network's miss dimmed: the zoom shows the sliding fit's miss, its bar moving with it.
            self.play(
                Create(drawn),
                Fade(knots),
                Fade(row),
                Fade(keyed),
                Create(slid),
                *self.dimmed(network),
                *([Fade(arrows, out=True)] if self.slide_seconds > 0 else []),  # the trained kinks' arrows: stale
                run_time=appear,
            )
            self.play(
                UpdateFromAlphaFunc(VGroup(drawn, knots, row, slid), follow, rate_func=linear),
                run_time=max(line.duration, self.slide_seconds) - appear,
            )
        self.error_rows.add(row)
        self.sides_extras = [slid, keyed]
        return drawn, knots, row

    def readout(self, error: float):
        """The same-sides fit's row in the column: its sides in words and its largest error."""
        return label(f"sides kept: {error:.3f}", self.theme, size=TEXT_SIZE, color=self.sides_color)

    def flat_gap(self, fit_sides) -> None:
        """The same-sides fit's flat piece, thick over the output, and its miss over that span in the zoom panel,
        with bars from 0 (in the fit's colour, as every error) at the target's lowest and highest point there: a flat line misses a curve rising ``r``
        over its span by at least ``r / 2``. Said only when that half is the fit's miss there (its level is the
        middle of the target's range over the span), to the digits shown."""
        span = flat_span(np.sort(fit_sides.kinks), fit_sides.directions[np.argsort(fit_sides.kinks)])
        if span is None or not hasattr(self, "misses"):
            return
        x = self.hinges.x
        x = np.union1d(x[(x > span[0]) & (x < span[1])], span)
        target, fitted = self.target_values(x), fit_sides(x)
        miss = fitted - target
        rise = float(target.max() - target.min())
        if f"{rise / 2:.3f}" != f"{np.abs(miss).max():.3f}" or np.ptp(fitted) > 1e-6:
            return
        low, high = int(np.argmin(target)), int(np.argmax(target))
        color = self.sides_color
        flat = self.outputs.curve(x, fitted, self.theme.text, width=10)
        curve = self.misses.curve(x, miss, color, width=7)
        bars = VGroup(
            *[
                Line(
                    self.misses.plot_point(x[at], 0.0), self.misses.plot_point(x[at], miss[at]), stroke_width=8
                ).set_color(color)
                for at in (low, high)
            ]
        )
        # Fits two caption rows: "it" is the same-sides fit just drawn.
        # The ends to three decimals, as the rise is said: at two, 0.33² = 0.109 read against "rises 0.111" (the end
        # is 1/3; reviewer N).
        words = f"from {fmt_fixed(span[0], 3)} to {fmt_fixed(span[1], 3)}"
        ends = [("0" if abs(value) < 5e-4 else fmt_fixed(value, 3)) for value in (target.min(), target.max())]
        bracket = self.span_bracket(span[1], float(target.min()), float(target.max()), color)
        # Two lines: the flat piece and the span of the target over it (a bracket on the output), then its miss.
        with self.narrate(f"Flat {words}, where {self.formula} spans {ends[0]} to {ends[1]}:") as line:
            first = min(1.0, 0.3 * line.duration)
            self.play(Create(flat), run_time=first)
            self.play(Create(bracket), run_time=0.35 * line.duration)
            self.play(
                flat.animate(rate_func=there_and_back).set_stroke(width=14),
                bracket.animate(rate_func=there_and_back).set_stroke(width=10),
                run_time=0.65 * line.duration - first,
            )
        with self.narrate(f"it misses by half, {rise / 2:.3f}.") as line:
            first = min(1.0, 0.3 * line.duration)
            self.play(Create(curve), run_time=first)
            self.play(AnimationGroup(*[Create(bar) for bar in bars], lag_ratio=0.6), run_time=line.duration - first)
        self.play(Fade(VGroup(flat, curve, bars, bracket), out=True), run_time=0.4)

    def dimmed(self, miss: VGroup) -> list:
        """The network's miss (curve, bar, number) dimmed: its lines' strokes only (a curve has no fill to show)."""
        if len(miss) != 3:
            return []
        lines = [part.animate.set_stroke(opacity=0.3) for part in miss[:2]]
        return [*lines, miss[2].animate.set_opacity(0.3)]

    def guides_to(self, kinks: np.ndarray) -> list:
        """The dashed kink guides (at the trained kinks) moved to ``kinks``, one each in order along x; faded when
        the counts differ."""
        guides = list(getattr(self, "guides", []))
        if len(guides) != len(kinks):
            return [Fade(guide, out=True) for guide in guides]
        guides.sort(key=lambda guide: guide.get_center()[0])
        return [
            guide.animate.shift(RIGHT * (self.outputs.plot_point(float(kink), 0.0)[0] - guide.get_center()[0]))
            for guide, kink in zip(guides, np.sort(kinks))
        ]

    def search_words(self, units: int) -> str:
        """What the search (:func:`~nnexplain.geometry.hinge_fit.best_hinge_fit`, at its defaults) does, in a line."""
        defaults = inspect.signature(best_hinge_fit).parameters
        grid, refine = defaults["grid"].default, defaults["refine"].default
        return f"Searched: kinks on an {grid}-point grid, all {2**units} ways to open; the {refine} best refined."

    def span_bracket(self, right: float, low: float, high: float, color: str) -> VGroup:
        """On the output panel, just right of the flat span's end ``right``: a bracket from ``low`` to ``high``, the
        range the target spans over the flat piece."""
        x = right + 0.04 * (self.domain[1] - self.domain[0])
        bottom, top = self.outputs.plot_point(x, low), self.outputs.plot_point(x, high)
        ticks = [Line(end + 0.16 * LEFT, end, stroke_width=6) for end in (bottom, top)]
        return VGroup(Line(bottom, top, stroke_width=8), *ticks).set_color(color)

    def best_tilts(self, fit, inside: np.ndarray, arrows: VGroup) -> None:
        """The best fit's sides leave no piece flat (each has a unit on): the piece across the target's lowest
        point, flashed, tilts as the target does there. Said only when each of those is so."""
        x = self.hinges.x
        ends = np.concatenate([[self.domain[0]], np.sort(inside), [self.domain[1]]])
        middles = (ends[:-1] + ends[1:]) / 2
        on = np.maximum(0.0, fit.directions[None, :] * (middles[:, None] - fit.kinks[None, :])) > 0
        bottom = float(x[np.argmin(self.target_values(x))])
        at = int(np.clip(np.searchsorted(ends, bottom) - 1, 0, len(middles) - 1))
        low, high = ends[at], ends[at + 1]
        slope = (fit(np.array([high])) - fit(np.array([low])))[0] / (high - low)
        chord = (self.target_values(np.array([high])) - self.target_values(np.array([low])))[0] / (high - low)
        if not (on.any(axis=1).all() and abs(slope) > 1e-3 and np.sign(slope) == np.sign(chord)):
            return
        part = (x >= low) & (x <= high)
        # In the fit's own colour, thick: a white piece would lie over (and hide) its line.
        piece = self.outputs.curve(x[part], fit(x[part]), self.best_color, width=10)
        with self.narrate(
            f"No piece is flat: each has a unit on, so the bottom one tilts with {self.formula}."
        ) as line:
            self.play(Create(piece), run_time=min(1.0, 0.3 * line.duration))
            self.play(
                piece.animate(rate_func=there_and_back).set_stroke(width=14),
                arrows.animate(rate_func=there_and_back).set_stroke(width=11),
                run_time=line.duration - min(1.0, 0.3 * line.duration),
            )
        self.play(Fade(piece, out=True), run_time=0.4)
