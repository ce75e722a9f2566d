"""relu-square: ReLU hinges build x² piece by piece.

A 1 → 3 → 1 ReLU network (default recipe ``square-relu-3``) fits x² on [−1, 1]. The
scene first builds one unit's hinge from max(0, z) with the run's own numbers: its
input weight scales it, its bias shifts the kink, its output weight scales it again.
Then every unit's hinge, over training; then, from the output bias, the hinges are
added left to right, each bending the sum at its kink, until the sum is the network's
output. A unit whose kink lies outside the interval is named, with what it adds
instead (a straight line, or 0). The last beats zoom on the output's miss (fit − target)
and set three largest errors side by side, each drawn in its curve's colour: the network's,
the same kinks with output weights refit for the largest error, and the best any bias +
as many hinges can draw (:func:`~nnexplain.geometry.hinge_fit.best_hinge_fit`).

    NNEXPLAIN_RUN=runs/square-relu-3 .venv/bin/manim -ql scenes/relu_square.py ReluSquare
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    PI,
    RIGHT,
    UL,
    UP,
    Circle,
    Create,
    DashedVMobject,
    Dot,
    Line,
    ReplacementTransform,
    Rotate,
    VGroup,
    VMobject,
    linear,
    there_and_back,
)

from nnexplain.geometry.hinge_fit import HingeFit, best_hinge_fit
from nnexplain.geometry.hinges import (
    CurveSnapshot,
    build_order,
    hinge,
    max_fit_error,
    minimax_output_refit,
    output_kinks,
    quiet_units,
    running_sums,
)
from nnexplain.mobjects.hinges import (
    Fade,
    FitView,
    Frame,
    HingeMorph,
    fmt_interval,
    fmt_number,
    fmt_small,
    legend,
    padded_range,
)
from nnexplain.mobjects.style import label
from nnexplain.scenes.base.hinge_story import TEXT_SIZE, HingeStory, in_turn

__all__ = ["ReluSquare"]


_BEST_HINGES: dict[tuple[str, tuple[float, float], int], HingeFit] = {}


def _best_hinges(target, formula: str, domain: tuple[float, float], units: int) -> HingeFit:
    """The search takes seconds: once per target (named by its formula), interval and number of units in a process."""
    key = (formula, tuple(domain), units)
    if key not in _BEST_HINGES:
        _BEST_HINGES[key] = best_hinge_fit(target, domain, units)
    return _BEST_HINGES[key]


def _overlap(a, b) -> bool:
    """Whether two mobjects' bounding boxes meet."""
    return bool(
        a.get_left()[0] < b.get_right()[0]
        and b.get_left()[0] < a.get_right()[0]
        and a.get_bottom()[1] < b.get_top()[1]
        and b.get_bottom()[1] < a.get_top()[1]
    )


class ReluSquare(HingeStory):
    scene_name = "relu-square"
    kink_guides: ClassVar[bool] = True
    # The upper panel's heading stays inside the 24 px title-safe margin (relu-sine keeps the shared box).
    units_box: ClassVar[tuple[float, float]] = (1.0, 3.08)

    def setup(self) -> None:
        super().setup()
        self.snapshots = self.sweep_of(self.run, self.hinge_epoch)
        self.hinges = self.snapshots[-1]
        self.formula = self.run.dataset.get("formula", "the target")
        if self.hinges.hidden_layers == 1:  # a unit is one hinge: frames between snapshots drawn from the weights
            self.sweep_blend = self.hinges_between
        self.quiet = quiet_units(self.hinges, self.run.params(self.hinges.epoch))
        self.bending = len(self.hinges.units) - len(self.quiet)
        self.kinks = output_kinks(self.run.params(self.hinges.epoch), self.run.activation, self.domain)
        self.pieces = len(self.kinks) + 1
        self.best_fit = None
        if self.target is not None and self.hinges.hidden_layers == 1:
            self.best_fit = _best_hinges(self.target, self.formula, self.domain, len(self.hinges.units))

    def construct(self) -> None:
        self.beat("data")
        self.show_question()
        if self.hinges.hidden_layers == 1:  # one unit's hinge is w₂·relu(w₁x + b₁) only with one hidden layer
            self.beat("one hinge")
            self.build_one_hinge()
        self.beat("hinges")
        self.introduce_hinges()
        self.beat("training")
        self.train()
        self.beat("facing left")
        self.explain_left_facing()
        self.beat("piece by piece")
        self.build_pieces()
        self.beat("final error")
        self.show_error()
        self.beat("same kinks, refit")
        self.refit_heights()
        if self.best_fit is not None:
            self.beat("best hinges")
            self.compare_best_fit()

    # Beats ------------------------------------------------------------------

    def show_question(self) -> None:
        plural = "s" if self.bending != 1 else ""
        self.show_data(
            f"{self.bending} ReLU hinge{plural}\nbuild {self.formula}",
            self.snapshots,
            f"How can {len(self.hinges.units)} ReLU units draw {self.formula}, a curve?",
            f"The data: {len(self.run.probe['inputs'])} samples of {self.formula} on {fmt_interval(self.domain)}.",
        )

    def build_one_hinge(self) -> None:
        """max(0, x), then the first unit's own input weight, bias and output weight, one at a time."""
        start = self.snapshots[0]
        params = self.run.params(start.epoch)
        unit = self._unit_to_build(start)
        weight, bias = float(params[0][0][unit, 0]), float(params[0][1][unit])
        out_weight = float(params[1][0][0, unit])
        stages = [(1.0, 0.0, 1.0), (weight, 0.0, 1.0), (weight, bias, 1.0), (weight, bias, out_weight)]
        x = start.x
        panel = self.panel_in(self.units_box, padded_range([hinge(x, *stage) for stage in stages]), x_labels=False)
        heading = self.panel_heading(panel, f"unit {unit + 1} at the random start")
        color = self.theme.palette[unit % len(self.theme.palette)]
        curve = VMobject(stroke_color=color, stroke_width=5)
        dot = Dot(radius=0.08, color=color)
        built = VGroup(curve, dot)
        HingeMorph(built, panel, x, stages[0], stages[0]).interpolate_mobject(0)
        w, b, v = fmt_number(weight), fmt_number(abs(bias)), fmt_number(out_weight)
        sign = "−" if bias < 0 else "+"
        formulas = [
            "max(0, x)",
            f"max(0, {w}·x)",
            f"max(0, {w}·x {sign} {b})\nkink at x = {fmt_number(-bias / weight)}",
            f"{v} ·\nmax(0, {w}·x {sign} {b})",
        ]
        turned = ", and turns it to face left" if weight < 0 else ""
        over = " and turns it over" if out_weight < 0 else " again"
        lines = [
            "Every unit starts from ReLU: a negative x becomes 0, a positive x stays x.",
            f"Unit {unit + 1}'s input weight, {w}, scales x: the slope becomes {w}{turned}.",
            f"Its bias moves the kink to x = −bias/weight = {fmt_number(-bias / weight)}.",
            f"Its output weight, {v}, scales it{over}: this is what unit {unit + 1} adds.",
        ]
        with self.narrate(lines[0]) as line:
            self.play(
                *self.draw_panel(panel), Fade(heading), *self.show_labels(formulas[0]), run_time=0.4 * line.duration
            )
            self.play(Create(curve), Fade(dot), run_time=0.6 * line.duration)
        ghost = None
        for before, after, text, formula in zip(stages, stages[1:], lines[1:], formulas[1:]):
            # A faint copy of the stage before stays while the new one forms, so a small change can be seen.
            previous = curve.copy().set_stroke(opacity=0.3, width=3)
            with self.narrate(text) as line:
                fading = [] if ghost is None else [Fade(ghost, out=True)]
                self.add(previous)
                self.play(*self.show_labels(formula), *fading, run_time=0.5)
                self.play(HingeMorph(built, panel, x, before, after), run_time=max(line.duration - 0.5, 1.0))
            if ghost is not None:
                self.remove(ghost)
            ghost = previous
        self.one_hinge_ghost = ghost
        self.one_hinge = (unit, panel, heading, built)

    def _unit_to_build(self, snapshot) -> int:
        """Of the units that bend inside the interval at the random start, the one adding the most (else unit 1)."""
        bending = [unit for unit, kinks in enumerate(snapshot.kinks) if len(kinks)]
        return max(bending, key=lambda unit: np.max(np.abs(snapshot.units[unit])), default=0)

    def introduce_hinges(self) -> None:
        sums = running_sums(self.hinges, build_order(self.hinges))
        panel = self.units_panel(self.snapshots, sums)
        heading = self.units_heading(panel, self.hinges.hidden_layers)
        view = FitView(self.snapshots[0], panel, self.outputs, self.theme, label_size=28)
        view.place_epoch_label(self.column_point(self.epoch_y))
        units = len(self.hinges.units)
        text = f"Each of the {units} units adds a hinge; the dots are their kinks."
        if not hasattr(self, "one_hinge"):
            self.units_panel_parts = self.enter_units(self.snapshots, sums, text)
            self.view = self.units_panel_parts[-1]
            return
        unit, old_panel, old_heading, built = self.one_hinge
        others = [curve for index, curve in enumerate(view.unit_curves) if index != unit]
        with self.narrate(text) as line:
            self.play(
                *self.swap_panel(old_panel, panel),
                in_turn(Fade(old_heading, out=True), Fade(heading)),
                ReplacementTransform(built[0], view.unit_curves[unit]),
                Fade(self.one_hinge_ghost, out=True),
                Fade(built[1], out=True),
                *self.show_labels(None),
                run_time=0.5 * line.duration,
            )
            self.remove(view.unit_curves[unit])  # back into the view, where it is drawn from now on
            # The fades read the opacities they bring in now, before the parts are hidden.
            appearing = [Fade(view.kink_dots), Fade(view.epoch_label)]
            for curve in others:
                curve.set_stroke(opacity=0)
            view.kink_dots.set_opacity(0)
            view.output_curve.set_stroke(opacity=0)
            view.epoch_label.set_opacity(0)
            self.add(view)
            self.play(
                *[curve.animate.set_stroke(opacity=1) for curve in others],
                *appearing,
                view.output_curve.animate.set_stroke(opacity=1),
                run_time=0.5 * line.duration,
            )
        view.show(self.snapshots[0])
        self.units_panel_parts, self.view = (panel, heading, view), view

    def train(self) -> None:
        (before, _), (after, whole) = (max_fit_error(self.run, s.epoch) for s in (self.snapshots[0], self.hinges))
        where = "" if whole else " at the data"
        first, last = self.snapshots[0].epoch, self.hinges.epoch
        self.sweep(self.view, self.snapshots, [f"Training moves every kink and slope, epoch {first:,} to {last:,}."])
        if len(self.snapshots) < 2:  # an imported run: no history, no drop to tell
            return
        # Said once training has reached it, with both numbers on screen.
        text = f"By epoch {last:,}, the largest error{where} has gone from {before:.3f} to {after:.3f}."
        trained = self.hinges
        worst = None
        if self.target is not None:
            at = self.worst_point(trained.x, trained.output)
            # The network's colour: an error is drawn in the colour of the curve it belongs to.
            worst = self.error_marker(self.outputs, trained.x, trained.output, at, "", color=self.theme.text)[:2]
        with self.narrate(text) as line:
            # The ring comes with the words, and stays while they are read.
            drawn = [] if worst is None else [Create(worst)]
            self.play(
                *self.show_labels(f"largest error{where}\n{before:.3f} → {after:.3f}"),
                *drawn,
                run_time=min(1.0, 0.4 * line.duration),
            )
            self.wait(line.duration - min(1.0, 0.4 * line.duration))
        self.play(*self.show_labels(None), *([] if worst is None else [Fade(worst, out=True)]), run_time=0.4)

    def hinges_between(self, before: CurveSnapshot, after: CurveSnapshot, fraction: float) -> Frame:
        """Between two snapshots, the weights move in a straight line and every hinge is drawn from them: a kink
        slides, never two bends at once (mixing the two drawn hinges would show both kinks)."""
        (w1, b1), (w2, b2) = [
            [(1 - fraction) * np.asarray(p, np.float64) + fraction * np.asarray(q, np.float64) for p, q in zip(a, b)]
            for a, b in zip(self.run.params(before.epoch), self.run.params(after.epoch))
        ]
        units = np.stack([hinge(before.x, w1[j, 0], b1[j], w2[0, j]) for j in range(len(b1))])
        return Frame(before.x, units, units.sum(axis=0) + b2[0])

    def explain_left_facing(self) -> None:
        """A negative input weight mirrors the hinge about its kink: it opens to the left. Shown on one of the
        trained units: its hinge drawn as a positive weight would make it, then flipped into its own."""
        params = self.run.params(self.hinges.epoch)
        weights = params[0][0][:, 0]
        left = [unit for unit in range(len(weights)) if weights[unit] < 0 and len(self.hinges.kinks[unit])]
        if self.hinges.hidden_layers != 1 or not left:
            return
        biases, out_weights, x = params[0][1], params[1][0][0], self.hinges.x

        def mirror_of(u: int) -> tuple[float, float, float]:
            """The same kink with the input weight's sign flipped. Moving the numbers in a straight line from
            there keeps the kink fixed while the hinge flattens and turns over: a mirror about the kink."""
            return (-float(weights[u]), -float(biases[u]), float(out_weights[u]))

        # The unit whose mirror leaves the panel least. The would-be hinge is drawn only where it and its mirror
        # image about the kink both stay inside the panel, so the turn through space never leaves it.
        unit = min(left, key=lambda u: np.max(np.abs(hinge(x, *mirror_of(u)))))
        weight, bias = float(weights[unit]), float(biases[unit])
        panel, color = self.view.units_panel, self.view.colors[unit]
        kink = -bias / weight
        mirrored = mirror_of(unit)
        values = hinge(x, *mirrored)
        low, high = self.domain
        x = x[(values <= panel.y_high) & (values >= panel.y_low) & (2 * kink - x >= low) & (2 * kink - x <= high)]
        flipping = VGroup(VMobject(stroke_color=color, stroke_width=7), Dot(radius=0.08, color=color))
        HingeMorph(flipping, panel, x, mirrored, mirrored).interpolate_mobject(0)
        w = fmt_number(weight)
        with self.narrate(f"With weight +{w[1:]}, unit {unit + 1}'s hinge would open to the right.") as line:
            self.play(
                *[curve.animate.set_stroke(opacity=0.25) for curve in self.view.unit_curves],
                *self.show_labels(f"unit {unit + 1}: weight {w}\nkink at x = {fmt_number(kink)}", color=color),
                Create(flipping[0]),
                Fade(flipping[1]),
                run_time=line.duration,
            )
        with self.narrate(f"Its weight is {w}: the hinge turns over about its kink and opens to the left.") as line:
            # A turn through space about the vertical line at the kink: every point keeps its height, and
            # x − kink becomes kink − x, which is the hinge with the weight's sign flipped.
            self.play(
                Rotate(flipping[0], angle=PI, axis=UP, about_point=panel.plot_point(kink, 0), rate_func=linear),
                run_time=0.6 * line.duration,
            )
            self.play(
                Fade(flipping, out=True),
                *[curve.animate.set_stroke(opacity=1) for curve in self.view.unit_curves],
                *self.show_labels(None),
                run_time=0.4 * line.duration,
            )

    def build_pieces(self) -> None:
        def unit_text(step: int, unit: int) -> str:
            quiet = self.quiet_unit_line(unit)
            if quiet is not None:
                return quiet
            kinks = ", ".join(fmt_number(k) for k in self.hinges.kinks[unit])
            return f"Add unit {unit + 1}: the sum bends at x = {kinks}."

        bias = fmt_small(self.hinges.output_bias)
        self.guides = self.add_up(
            self.view, self.hinges, f"Now add them up. Start at the output bias, {bias}: a flat line.", unit_text
        )

    def quiet_unit_line(self, unit: int) -> str | None:
        """About a unit that puts no bend inside the interval: where it bends, and what it adds instead."""
        quiet = next((q for q in self.quiet if q.unit == unit), None)
        if quiet is None:
            return None
        bends = f"bends at x = {fmt_number(quiet.kink)}" if quiet.kink is not None else "never bends"
        return f"Unit {unit + 1} {bends}, outside {fmt_interval(self.domain)}: here it adds {quiet.adds}."

    def show_error(self) -> None:
        """The output's pieces, then its largest error: the upper panel becomes a zoom on the miss, fit − target,
        where 0.079 is a bar one can read (on the output's own scale it is a few pixels)."""
        x, output = self.hinges.x, self.hinges.output
        error, whole = max_fit_error(self.run, self.hinges.epoch)
        text = f"The sum is the network's output: {self.pieces} straight pieces."
        if self.target is None:
            with self.narrate(f"{text} Its largest error at the data: {error:.3f}.") as line:
                self.play(*self.show_labels(f"largest error: {error:.3f}"), run_time=line.duration)
            return
        with self.narrate(text) as line:
            self.play(*self.show_labels(f"{self.pieces} straight pieces"), run_time=line.duration)
        self.network_error, self.miss_tags = error, []
        self.miss_top = max(error, self.best_fit.error if self.best_fit is not None else 0.0)
        panel, heading, view = self.units_panel_parts
        self.misses = self.panel_in(self.units_box, (-1.6 * self.miss_top, 1.6 * self.miss_top), x_labels=False)
        miss_heading = self.panel_heading(self.misses, f"zoom on the miss: fit − {self.formula}")
        at = self.worst_point(x, output)
        ring = self.ring_at(self.outputs, x[at], output[at], self.theme.text)
        miss = self.miss_mobjects(x, output, at, self.theme.text, f"{error:.3f}")
        # Under the legend and the two rows it will gain (the refit, the best hinges).
        self.error_rows = VGroup(
            label("largest error", self.theme, size=TEXT_SIZE, color=self.theme.muted),
            label(f"network: {error:.3f}", self.theme, size=TEXT_SIZE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        self.error_rows.move_to(self.column_point(self.labels_top - 0.45), aligned_edge=UL)
        with self.narrate(f"Its largest error is {error:.3f}, at x = {fmt_number(x[at])}. Above, zoomed in.") as line:
            self.play(
                *[Fade(part, out=True) for part in (view.unit_curves, view.kink_dots, heading)],
                *self.swap_panel(panel, self.misses),
                Create(ring),
                *self.show_labels(None),
                run_time=0.35 * line.duration,
            )
            self.play(Fade(miss_heading), Create(miss[0]), Fade(self.error_rows[0]), run_time=0.3 * line.duration)
            self.play(Create(miss[1]), Fade(miss[2]), Fade(self.error_rows[1]), run_time=0.35 * line.duration)
        self.network_ring = ring

    def ring_at(self, panel, x: float, y: float, color: str) -> Circle:
        return Circle(radius=0.14, color=color, stroke_width=4).move_to(panel.plot_point(x, y))

    def miss_mobjects(self, x: np.ndarray, fitted: np.ndarray, at: int, color: str, text: str, dashed=False) -> VGroup:
        """In the zoom panel: the fit's miss (fit − target) as a curve, a bar from 0 to it at its worst point
        ``at``, and ``text`` beside the bar's end, all in the fit's colour (one rule: an error is drawn in the
        colour of the curve it belongs to)."""
        miss = fitted - self.target_values(x)
        curve = self.misses.curve(x, miss, color, width=4)
        if dashed:
            curve = DashedVMobject(curve, num_dashes=70)
        base, tip = self.misses.plot_point(x[at], 0.0), self.misses.plot_point(x[at], miss[at])
        bar = Line(base, tip, stroke_width=7, color=color)
        # Beside the bar, level with its end and on its far side from 0: the miss curve falls back towards 0
        # from there, so it does not pass under the number. The side towards the middle first, unless the
        # number would cover one already there or leave the panel.
        toward_middle = RIGHT if tip[0] < self.misses.box.get_center()[0] else LEFT
        candidates = []
        for side in (toward_middle, -toward_middle):
            tag = self.tag(text, tip, side, color=color)
            tag.next_to(tip, side, buff=0.12).align_to(tip, DOWN if miss[at] > 0 else UP)
            box = self.misses.box
            outside = tag.get_left()[0] < box.get_left()[0] or tag.get_right()[0] > box.get_right()[0]
            candidates.append((outside, sum(_overlap(tag, other) for other in self.miss_tags), tag))
        tag = min(candidates, key=lambda c: c[:2])[2]  # inside the panel first, then covering the fewest
        self.miss_tags.append(tag)
        return VGroup(curve, bar, tag)

    def far_worst_point(self, x: np.ndarray, fitted: np.ndarray, taken: list[float]) -> int:
        """Of the points where ``fitted`` misses the target (nearly) most, the one farthest from the x already
        marked, so each bar and its number stand apart."""
        miss = np.abs(fitted - self.target_values(x))
        ties = np.flatnonzero(miss >= miss.max() - 0.002 * miss.max())
        # A bar on the panel's frame is hidden by it: inside points first, when there are any.
        margin = 0.06 * (self.domain[1] - self.domain[0])
        inside = ties[(x[ties] > self.domain[0] + margin) & (x[ties] < self.domain[1] - margin)]
        ties = inside if len(inside) else ties
        distance = np.min(np.abs(x[ties][:, None] - np.array(taken)[None, :]), axis=1)
        return int(ties[np.argmax(distance)])

    def add_error_row(self, text: str, color: str) -> Fade:
        row = label(text, self.theme, size=TEXT_SIZE, color=color)
        row.next_to(self.error_rows, DOWN, buff=0.12, aligned_edge=LEFT)
        self.error_rows.add(row)
        return Fade(row)

    def add_legend_row(self, text: str, color: str, dashed: bool) -> VGroup:
        """A legend row under the rows there (a Transform of the whole legend would scramble its letters)."""
        row = legend([(color, dashed, text)], self.theme, size=TEXT_SIZE)
        row.next_to(self.legend, DOWN, buff=0.12, aligned_edge=LEFT)
        self.legend = VGroup(self.legend, row)
        return row

    def refit_heights(self) -> None:
        """Keep the network's units (kinks and slopes), choose its output weights and bias for the least largest
        error (a linear programme): how much of the error is the training's, not the units'."""
        if self.hinges.hidden_layers != 1 or not hasattr(self, "misses"):
            return
        x = self.hinges.x
        refit, refit_error = minimax_output_refit(self.run.params(self.hinges.epoch), x, self.target_values(x))
        color = self.theme.palette[5]  # no unit, target or best fit uses it
        overlay = DashedVMobject(self.outputs.curve(x, refit, color, width=5), num_dashes=70)
        taken = [float(x[self.worst_point(x, self.hinges.output)])]
        at = self.far_worst_point(x, refit, taken)
        self.marked_x = [*taken, float(x[at])]
        miss = self.miss_mobjects(x, refit, at, color, f"{refit_error:.3f}", dashed=True)
        keyed = self.add_legend_row("same kinks, refit", color, dashed=True)
        text = f"Same kinks, output weights and bias refit to cut the largest error: {refit_error:.3f}."
        with self.narrate(text) as line:
            self.play(
                Create(overlay),
                Fade(self.view.epoch_label, out=True),  # the legend's new rows take its place
                Fade(keyed),
                run_time=0.35 * line.duration,
            )
            self.play(Create(miss[0]), run_time=0.3 * line.duration)
            self.play(
                Create(miss[1]),
                Fade(miss[2]),
                self.add_error_row(f"same kinks, refit: {refit_error:.3f}", color),
                run_time=0.35 * line.duration,
            )
        trained = len(self.run.epochs) > 1 and self.run.dataset.get("task") == "regress"
        if trained and refit_error < 0.9 * self.network_error:
            text = (
                f"Training cuts the average squared error, not the largest one: the network's {self.network_error:.3f}."
            )
            ring = self.network_ring
            with self.narrate(text) as line:
                self.play(
                    ring.animate(rate_func=there_and_back).scale(1.4, about_point=ring.get_center()),
                    self.view.output_curve.animate(rate_func=there_and_back).set_stroke(width=9),
                    run_time=line.duration,
                )

    def compare_best_fit(self) -> None:
        """The best any bias + n hinges can draw (kinks searched, :func:`best_hinge_fit`): drawn over the output,
        its kinks marked, its miss in the zoom panel."""
        fit, x = self.best_fit, self.hinges.x
        color = self.theme.highlight
        units = len(self.hinges.units)
        drawn = self.outputs.curve(x, fit(x), color, width=4)
        inside = fit.kinks[(fit.kinks > self.domain[0]) & (fit.kinks < self.domain[1])]
        knots = self.outputs.dots(inside, fit(inside), color, radius=0.09)
        at = self.far_worst_point(x, fit(x), getattr(self, "marked_x", [float(np.mean(self.domain))]))
        miss = self.miss_mobjects(x, fit(x), at, color, f"{fit.error:.3f}")
        keyed = self.add_legend_row(f"best {units} hinges", color, dashed=False)
        kinks = ", ".join(fmt_number(k) for k in inside)
        with self.narrate(f"And with other kinks? The best bias + {units} hinges bend at x = {kinks}.") as line:
            self.play(Create(drawn), Fade(knots), Fade(keyed), run_time=line.duration)
        text = f"Its largest error is {fit.error:.3f}, the least a search over kinks finds for {units} hinges."
        with self.narrate(text) as line:
            self.play(Create(miss[0]), run_time=0.5 * line.duration)
            self.play(
                Create(miss[1]),
                Fade(miss[2]),
                self.add_error_row(f"best {units} hinges: {fit.error:.3f}", color),
                run_time=0.5 * line.duration,
            )
        closing = (
            f"So {units} hinges could miss by only {fit.error:.3f}; this training stopped at {self.network_error:.3f}."
        )
        with self.narrate(closing) as line:
            self.play(
                self.network_ring.animate(rate_func=there_and_back).scale(1.4),
                miss[1].animate(rate_func=there_and_back).set_stroke(width=12),
                run_time=min(2.0, line.duration),
            )
            self.wait(max(line.duration - 2.0, 0))
        self.hold(extra=self.hold_seconds)
