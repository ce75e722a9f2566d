"""relu-square: ReLU hinges build x² piece by piece.

A 1 → 3 → 1 ReLU network (default recipe ``square-relu-3``) fits x² on [−1, 1]. The
scene first builds one unit's hinge from max(0, z) with the run's own numbers: its
input weight scales it, its bias shifts the kink, its output weight scales it again.
Then every unit's hinge, over training; then, from the output bias, the hinges are
added left to right, each bending the sum at its kink, until the sum is the network's
output. A unit whose kink lies outside the interval is named, with what it adds
instead (a straight line, or 0). The last beats mark the largest error and draw, beside
the network's output, the best fit that many joined straight pieces can make, with its
error (:func:`~nnexplain.geometry.hinges.best_joined_fit`).

    NNEXPLAIN_RUN=runs/square-relu-3 .venv/bin/manim -ql scenes/relu_square.py ReluSquare
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UL,
    UP,
    Create,
    DashedVMobject,
    Dot,
    ReplacementTransform,
    VGroup,
    VMobject,
    there_and_back,
)

from nnexplain.geometry.hinges import (
    best_joined_fit,
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
        self.quiet = quiet_units(self.hinges, self.run.params(self.hinges.epoch))
        self.bending = len(self.hinges.units) - len(self.quiet)
        self.kinks = output_kinks(self.run.params(self.hinges.epoch), self.run.activation, self.domain)
        self.pieces = len(self.kinks) + 1
        self.best_fit = None if self.target is None else best_joined_fit(self.target, self.domain, self.pieces)

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
        if self.best_fit is not None:
            self.beat("best fit")
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
            worst = self.error_marker(self.outputs, trained.x, trained.output, at, "")[:2]  # bar and ring
        with self.narrate(text) as line:
            self.play(
                *self.show_labels(f"largest error{where}\n{before:.3f} → {after:.3f}"), run_time=0.3 * line.duration
            )
            if worst is None:
                self.wait(0.7 * line.duration)
            else:
                self.play(Create(worst), run_time=0.7 * line.duration)
        self.play(*self.show_labels(None), *([] if worst is None else [Fade(worst, out=True)]), run_time=0.4)

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

        # The unit whose mirror leaves the panel least; the mirror is drawn only where it stays inside.
        unit = min(left, key=lambda u: np.max(np.abs(hinge(x, *mirror_of(u)))))
        weight, bias, out_weight = float(weights[unit]), float(biases[unit]), float(out_weights[unit])
        panel, color = self.view.units_panel, self.view.colors[unit]
        kink = -bias / weight
        mirrored, own = mirror_of(unit), (weight, bias, out_weight)
        x = x[(hinge(x, *mirrored) <= panel.y_high) & (hinge(x, *mirrored) >= panel.y_low)]
        flipping = VGroup(VMobject(stroke_color=color, stroke_width=7), Dot(radius=0.08, color=color))
        HingeMorph(flipping, panel, x, mirrored, mirrored).interpolate_mobject(0)
        w = fmt_number(weight)
        with self.narrate(f"Unit {unit + 1}'s input weight is {w}. With +{w[1:]}, its hinge would open right:") as line:
            self.play(
                *[curve.animate.set_stroke(opacity=0.25) for curve in self.view.unit_curves],
                *self.show_labels(f"unit {unit + 1}: weight {w}\nkink at x = {fmt_number(kink)}", color=color),
                Create(flipping[0]),
                Fade(flipping[1]),
                run_time=line.duration,
            )
        with self.narrate("A negative weight mirrors the hinge about its kink: it opens to the left.") as line:
            self.play(HingeMorph(flipping, panel, x, mirrored, own), run_time=0.7 * line.duration)
            self.play(
                Fade(flipping, out=True),
                *[curve.animate.set_stroke(opacity=1) for curve in self.view.unit_curves],
                *self.show_labels(None),
                run_time=0.3 * line.duration,
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
        x, output = self.hinges.x, self.hinges.output
        error, whole = max_fit_error(self.run, self.hinges.epoch)
        text = f"The sum is the network's output: {self.pieces} straight pieces."
        if self.target is None:
            with self.narrate(f"{text} Its largest error at the data: {error:.3f}.") as line:
                self.play(*self.show_labels(f"largest error: {error:.3f}"), run_time=line.duration)
            return
        at = self.worst_point(x, output)
        marker = self.error_marker(self.outputs, x, output, at, f"{error:.3f}")
        with self.narrate(text) as line:
            self.play(*self.show_labels(f"{self.pieces} straight pieces"), run_time=line.duration)
        with self.narrate(f"Its largest error is {error:.3f}, at x = {fmt_number(x[at])}.") as line:
            self.play(Create(marker[:2]), Fade(marker[2]), run_time=line.duration)
        self.network_error, self.network_marker = error, marker

    def refit_heights(self, x: np.ndarray) -> None:
        """Keep the network's units (kinks and slopes), choose its output weights and bias for the least largest
        error (a linear programme): how much of the gap to the best pieces is the training's, not the units'."""
        if self.hinges.hidden_layers != 1:
            return
        refit, refit_error = minimax_output_refit(self.run.params(self.hinges.epoch), x, self.target_values(x))
        color = self.theme.palette[5]  # no unit, target or best fit uses it
        overlay = DashedVMobject(self.outputs.curve(x, refit, color, width=5), num_dashes=70)
        at = self.worst_point(x, refit)
        marker = self.error_marker(self.outputs, x, refit, at, f"{refit_error:.3f}", color=color)
        # Its worst point lies near the network's: its number goes above the network's, clear of both curves.
        marker[2].next_to(self.network_marker[2], UP, buff=0.08)
        # A third legend row under the two there (a Transform of the whole legend would scramble its letters).
        keyed = legend([(color, True, "same kinks, refit")], self.theme, size=TEXT_SIZE)
        keyed.next_to(self.legend, DOWN, buff=0.12, aligned_edge=LEFT)
        rows = [
            (f"network: {self.network_error:.3f}", self.theme.text),
            (f"same kinks, refit: {refit_error:.3f}", color),
            (f"best {self.pieces} pieces: {self.best_fit.error:.3f}", self.theme.highlight),
        ]
        labels = VGroup(*[label(t, self.theme, size=TEXT_SIZE, color=c) for t, c in rows])
        labels.arrange(DOWN, aligned_edge=LEFT, buff=0.12).move_to(self.column_point(self.labels_top), aligned_edge=UL)
        leaving = [] if self.column_labels is None else [Fade(self.column_labels, out=True)]
        self.column_labels = labels
        text = f"Same kinks, output weights and bias refit for the largest error: {refit_error:.3f}."
        with self.narrate(text) as line:
            self.play(
                Create(overlay),
                Fade(self.view.epoch_label, out=True),  # the legend's third row takes its place
                Fade(keyed),
                in_turn(*leaving, Fade(labels)),
                run_time=0.6 * line.duration,
            )
            self.play(Create(marker[:2]), Fade(marker[2]), run_time=0.4 * line.duration)
        trained = len(self.run.epochs) > 1 and self.run.dataset.get("task") == "regress"
        if trained and refit_error < 0.9 * self.network_error:
            text = (
                f"Training cuts the average squared error, not the largest one: the network's {self.network_error:.3f}."
            )
            ring = self.network_marker[1]
            with self.narrate(text) as line:
                self.play(
                    ring.animate(rate_func=there_and_back).scale(1.4, about_point=ring.get_center()),
                    self.view.output_curve.animate(rate_func=there_and_back).set_stroke(width=9),
                    run_time=line.duration,
                )

    def compare_best_fit(self) -> None:
        """The upper panel gives way to the best fit of as many joined pieces, with its error."""
        fit, x = self.best_fit, self.hinges.x
        panel, heading, view = self.units_panel_parts
        best_panel = self.panel_in(self.units_box, (self.outputs.y_low, self.outputs.y_high), x_labels=False)
        best_heading = self.panel_heading(best_panel, f"the best {self.pieces} joined straight pieces")
        target = best_panel.dashed_curve(x, self.target_values(x), self.theme.muted, width=3)
        drawn = best_panel.curve(x, fit(x), self.theme.highlight, width=5)
        knots = best_panel.dots(fit.knots, fit.heights, self.theme.highlight, radius=0.06)
        at = self.worst_point(x, fit(x))
        marker = self.error_marker(best_panel, x, fit(x), at, f"{fit.error:.3f}")
        marker[2].next_to(marker[1], UP, buff=0.45)  # above the pieces meeting at its corner, not on them
        leaving = [view.unit_curves, view.kink_dots, heading]  # the network's kink lines (dashed) stay
        with self.narrate(f"Could {self.pieces} straight pieces do better?") as line:
            self.play(
                *[Fade(part, out=True) for part in leaving],
                *self.swap_panel(panel, best_panel),
                run_time=0.4 * line.duration,
            )
            self.play(Fade(best_heading), Create(target), run_time=0.6 * line.duration)
        with self.narrate("The best, drawn above: its corners are not at the network's kinks.") as line:
            self.play(Create(drawn), Fade(knots), run_time=line.duration)
        labels = f"network: {self.network_error:.3f}\nbest {self.pieces} pieces: {fit.error:.3f}"
        with self.narrate(f"Its largest error is {fit.error:.3f}, the network's {self.network_error:.3f}.") as line:
            self.play(Create(marker[:2]), Fade(marker[2]), *self.show_labels(labels), run_time=line.duration)
        self.refit_heights(x)
        self.hold(extra=self.hold_seconds)
