"""The closing beats of ``relu-square``: the network's largest error set beside what its units could do.

The upper panel becomes a zoom on the miss (fit − target), where errors of a few hundredths are bars one can read
(on the output's own scale they are a few pixels). Three fits are compared there and over the output: the network,
the same units with output weights and bias refit for the least largest error (a linear programme,
:func:`~nnexplain.geometry.hinges.minimax_output_refit`), and the best bias + as many hinges, kinks searched
(:func:`~nnexplain.geometry.hinge_fit.best_hinge_fit`). One colour rule: an error (its miss curve, its bar at that
curve's own worst point, its number) is drawn in the colour of the curve it belongs to.

A mixin for a :class:`~nnexplain.scenes.base.hinge_story.HingeStory` whose scene sets ``hinges``, ``formula``,
``pieces``, ``best_fit``, ``units_panel_parts`` and ``view`` before these beats run.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Circle,
    Create,
    DashedVMobject,
    Line,
    ReplacementTransform,
    VGroup,
    there_and_back,
)

from nnexplain.geometry.hinges import max_fit_error, minimax_output_refit
from nnexplain.mobjects.hinges import Fade, fmt_number, legend
from nnexplain.mobjects.style import label
from nnexplain.scenes.base.hinge_story import TEXT_SIZE

__all__ = ["MissComparison"]


def _overlap(a, b) -> bool:
    """Whether two mobjects' bounding boxes meet."""
    return bool(
        a.get_left()[0] < b.get_right()[0]
        and b.get_left()[0] < a.get_right()[0]
        and a.get_bottom()[1] < b.get_top()[1]
        and b.get_bottom()[1] < a.get_top()[1]
    )


class MissComparison:
    """The beats ``show_error``, ``refit_heights`` and ``compare_best_fit`` (see the module's docstring)."""

    def show_error(self) -> None:
        """The output's pieces, then its largest error: the upper panel becomes the miss, fit − target, drawn
        taller, where 0.079 is a bar one can read (on the output's own scale it is a few pixels)."""
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
        # How much taller the miss is drawn above than the same gap in the output panel.
        taller = (self.misses.box.height / (2 * 1.6 * self.miss_top)) / (
            self.outputs.box.height / (self.outputs.y_high - self.outputs.y_low)
        )
        miss_heading = self.panel_heading(self.misses, f"the miss, fit − {self.formula}, {taller:.0f}× taller")
        at = self.worst_point(x, output)
        ring = self.ring_at(self.outputs, x[at], output[at], self.theme.text)
        gap = Line(*self.outputs.plot_points(x[[at, at]], np.array([output[at], self.target_values(x[at])])))
        gap.set_stroke(self.theme.text, width=7)
        miss = self.miss_mobjects(x, output, at, self.theme.text, f"{error:.3f}")
        self.error_rows = VGroup()
        with self.narrate(f"Its largest error is {error:.3f}, at x = {fmt_number(x[at])}.") as line:
            self.play(
                Create(ring),
                Create(gap),
                *self.show_labels(None),
                self.add_error_row("largest error", self.theme.muted, 0),
                self.add_error_row(f"network: {error:.3f}", self.theme.text, 1),
                run_time=min(1.2, 0.4 * line.duration),
            )
            self.wait(line.duration - min(1.2, 0.4 * line.duration))
        # The units leave before the panel changes scale; the kink lines turn grey (their unit colours would
        # now be read as the fits' colours).
        with self.narrate(f"Above, {taller:.0f}× taller: the miss, fit − {self.formula}.") as line:
            self.play(
                *[Fade(part, out=True) for part in (view.unit_curves, view.kink_dots, heading)],
                *[guide.animate.set_stroke(self.theme.muted, opacity=0.5) for guide in self.guides],
                run_time=0.25 * line.duration,
            )
            self.remove(view.unit_curves, view.kink_dots)
            self.play(*self.swap_panel(panel, self.misses), Fade(miss_heading), run_time=0.25 * line.duration)
            # The gap at the worst point grows into its bar above, then the whole miss is drawn through it.
            self.play(ReplacementTransform(gap, miss[1]), Fade(miss[2]), run_time=0.25 * line.duration)
            self.play(Create(miss[0]), run_time=0.25 * line.duration)
        self.network_ring, self.network_bar = ring, miss[1]

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

    def add_error_row(self, text: str | VGroup, color: str, slot: float) -> Fade:
        """A row of the error table in the column, in its fixed slot (rows arrive out of order): largest error's
        header, network, refit, best (0–3); mean squared error's header and values (4, 5)."""
        row = text if isinstance(text, VGroup) else label(text, self.theme, size=TEXT_SIZE, color=color)
        row.move_to(self.column_point(self.labels_top - 0.45 - slot * 0.42), aligned_edge=UL)
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
            rest = self.land_miss(
                line,
                miss,
                f"same kinks, refit: {refit_error:.3f}",
                color,
                2,
                Fade(self.view.epoch_label, out=True),  # the legend's new rows take its place
                Fade(keyed),
            )
            self.play(Create(overlay), run_time=0.5 * rest)
            self.play(Create(miss[0]), run_time=0.5 * rest)
        trained = len(self.run.epochs) > 1 and self.run.dataset.get("task") == "regress"
        target = self.target_values(x)
        mean_network = float(np.mean((self.hinges.output - target) ** 2))
        mean_refit = float(np.mean((refit - target) ** 2))
        # Training minimised the mean squared error: said only when the network's is the lower, which is what
        # keeps its largest error above the refit's.
        if trained and refit_error < 0.9 * self.network_error and mean_network < mean_refit:
            values = VGroup(
                label(f"{mean_network:.4f}", self.theme, size=TEXT_SIZE),  # in the colours of their curves
                label("vs", self.theme, size=TEXT_SIZE, color=self.theme.muted),
                label(f"{mean_refit:.4f}", self.theme, size=TEXT_SIZE, color=color),
            ).arrange(RIGHT, buff=0.2)
            if values.width > self.column_width:
                values.scale_to_fit_width(self.column_width)
            text = f"Training cuts the mean squared error, not the largest: {mean_network:.4f} vs {mean_refit:.4f}."
            with self.narrate(text) as line:
                first = min(1.2, 0.3 * line.duration)
                self.play(
                    self.add_error_row("mean squared error", self.theme.muted, 4.4),  # a gap above: a new table
                    self.add_error_row(values, color, 5.4),
                    run_time=first,
                )
                self.play(
                    self.view.output_curve.animate(rate_func=there_and_back).set_stroke(width=9),
                    run_time=line.duration - first,
                )

    def land_miss(self, line, miss, row: str, color, place: int, *also) -> float:
        """A miss's bar and number come in with its row of the error table (and ``also``), in the first part of
        ``line``, so the number lands with the words; returns the seconds of the line left for the curves."""
        first = min(1.2, 0.3 * line.duration)
        self.play(Create(miss[1]), Fade(miss[2]), self.add_error_row(row, color, place), *also, run_time=first)
        return line.duration - first

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
        with self.narrate("And with other kinks?") as line:
            self.play(Fade(keyed), run_time=line.duration)
        # Why the best is lopsided and no 4 free pieces: no x term, so the outer slopes come from the hinges.
        with self.narrate(f"With no x term, {units} hinges cannot draw every {units + 1}-piece line.") as line:
            self.play(
                self.network_ring.animate(rate_func=there_and_back).scale(1.3),
                run_time=line.duration,
            )
        with self.narrate(f"The best bias + {units} hinges, kinks searched, bend at x = {kinks}.") as line:
            self.play(Create(drawn), Fade(knots), run_time=line.duration)
        text = f"Its largest error: {fit.error:.3f}, the least a search over kinks finds for {units} hinges."
        with self.narrate(text) as line:
            rest = self.land_miss(line, miss, f"best {units} hinges: {fit.error:.3f}", color, 3)
            self.play(Create(miss[0]), run_time=rest)
        with self.narrate(f"Aimed at the largest error, {units} hinges could miss by only {fit.error:.3f}.") as line:
            self.play(miss[1].animate(rate_func=there_and_back).set_stroke(width=12), run_time=line.duration)
        # Which error ends where: the largest (drawn) is not the mean squared one that training lowers.
        mean_squared = float(np.mean((self.hinges.output - self.target_values(self.hinges.x)) ** 2))
        closing = f"Training lowered the mean squared error ({mean_squared:.4f}); its largest error is {self.network_error:.3f}."
        if len(self.run.epochs) < 2:  # no training recorded (an imported run): only what is measured
            closing = f"Its mean squared error is {mean_squared:.4f}; the largest, {self.network_error:.3f}."
        with self.narrate(closing) as line:
            self.play(
                self.network_ring.animate(rate_func=there_and_back).scale(1.4),
                self.network_bar.animate(rate_func=there_and_back).set_stroke(width=12),
                run_time=min(2.0, line.duration),
            )
            self.wait(max(line.duration - 2.0, 0))
        self.hold(extra=self.hold_seconds)
