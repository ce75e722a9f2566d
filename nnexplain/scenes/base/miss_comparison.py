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
    AnimationGroup,
    Circle,
    Create,
    DashedVMobject,
    Line,
    ReplacementTransform,
    Transform,
    VGroup,
    there_and_back,
)

from nnexplain.geometry.hinges import max_fit_error, minimax_output_refit
from nnexplain.mobjects.hinges import Fade, fmt_number, legend
from nnexplain.mobjects.style import label
from nnexplain.scenes.base.hinge_story import TEXT_SIZE, in_turn
from nnexplain.scenes.base.search_show import SearchShow
from nnexplain.scenes.base.sides_argument import SidesArgument, sides_words

__all__ = ["MissComparison"]


def _overlap(a, b) -> bool:
    """Whether two mobjects' bounding boxes meet."""
    return bool(
        a.get_left()[0] < b.get_right()[0]
        and b.get_left()[0] < a.get_right()[0]
        and a.get_bottom()[1] < b.get_top()[1]
        and b.get_bottom()[1] < a.get_top()[1]
    )


class MissComparison(SidesArgument, SearchShow):
    """The beats ``show_error``, ``refit_heights`` and ``compare_best_fit`` (see the module's docstring)."""

    # One colour one meaning: neither is a unit's colour (blue, orange, green), and the two are far apart in hue
    # (the three fits lie within a few pixels of each other over the output). The refit is violet, not teal (close to
    # unit 3's green); the best is red, not magenta (close to the violet); a highlight is the network's white.
    refit_color = "#C792EA"  # violet
    best_color = "#FF3D7F"  # raspberry: far from unit 2's orange (#F2A541) and from the violet
    # The best fit with the trained sides: its own colour (violet is the refit's), a lime far in hue from the
    # units' orange and green, the violet and the raspberry.
    sides_color = "#D7F25A"

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
        pieces = self.piece_marks(x, output)
        with self.narrate(text) as line:
            # Each piece thickens and gets its number, left to right, as they are counted (the count is in the words
            # and the numbers: the column stays free for the slopes that follow).
            self.play(
                AnimationGroup(
                    *[AnimationGroup(Create(piece), Fade(number)) for piece, number in pieces], lag_ratio=0.6
                ),
                run_time=min(0.75 * line.duration, 0.9 * len(pieces)),
            )
            self.wait(line.duration - min(0.75 * line.duration, 0.9 * len(pieces)))
        if hasattr(self, "explain_piece_slopes"):  # why each piece has its slope, while the pieces are marked
            self.explain_piece_slopes(pieces)
        self.network_error, self.miss_tags = error, []
        self.miss_top = max(error, self.best_fit.error if self.best_fit is not None else 0.0)
        if self.best_fit is not None:  # its miss between the data points too, so its curve stays in the panel
            grid = np.linspace(*self.domain, 400)
            between = np.max(np.abs(self.best_fit(grid) - self.target_values(grid)))
            self.miss_top = max(self.miss_top, between / 1.4)
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
        # The zoom comes first, so the largest error is pointed at where it can be seen. The units leave before the
        # words (which are about the zoom, not about them going) and before the panel changes scale; the kink lines
        # turn grey (their unit colours would now be read as the fits' colours).
        self.play(
            *[Fade(part, out=True) for part in (view.unit_curves, view.kink_dots, heading)],
            *[guide.animate.set_stroke(self.theme.muted, opacity=0.5) for guide in self.guides],
            Fade(pieces, out=True),
            *self.show_labels(None),
            *([Fade(self.network_formula, out=True)] if hasattr(self, "network_formula") else []),  # said and done
            run_time=0.6,
        )
        self.remove(view.unit_curves, view.kink_dots)
        with self.narrate(f"Above, {taller:.0f}× taller: how far the fit misses {self.formula}.") as line:
            # The zoomed panel and its heading come with the words, then the whole miss is drawn.
            swap = min(0.8, 0.3 * line.duration)
            self.play(*self.swap_panel(panel, self.misses), Fade(miss_heading), run_time=swap)
            self.play(Create(miss[0]), run_time=line.duration - swap)
        with self.narrate(f"Its largest error is {error:.3f}, at x = {fmt_number(x[at])}.") as line:
            # The gap at the worst point, ringed over the output, grows into its bar in the zoom, then its number.
            self.play(Create(ring), Create(gap), run_time=min(1.0, 0.3 * line.duration))
            self.play(
                ReplacementTransform(gap, miss[1]),
                Fade(miss[2]),
                self.add_error_row("largest error", self.theme.muted, 0),
                self.add_error_row(f"network: {error:.3f}", self.theme.text, 1),
                run_time=min(1.2, 0.4 * line.duration),
            )
            self.wait(line.duration - min(1.0, 0.3 * line.duration) - min(1.2, 0.4 * line.duration))
        self.network_ring, self.network_bar, self.network_miss = ring, miss[1], miss

    def piece_marks(self, x: np.ndarray, output: np.ndarray) -> VGroup:
        """Each straight piece of the output (between its kinks) drawn thick over it, with its number beside it,
        on the outer side of the bend (above the curve, off the piece's slope)."""
        ends = np.concatenate([[self.domain[0]], self.kinks, [self.domain[1]]])
        marks = VGroup()
        for number, (low, high) in enumerate(zip(ends, ends[1:]), start=1):
            inside = (x >= low) & (x <= high)
            piece = self.outputs.curve(x[inside], output[inside], self.theme.text, width=9)
            start, end = piece.points[0], piece.points[-1]
            along = (end - start) / max(np.linalg.norm(end - start), 1e-9)
            normal = np.array([-along[1], along[0], 0.0])
            normal = normal if normal[1] >= 0 else -normal
            middle = self.outputs.plot_point((low + high) / 2, float(np.interp((low + high) / 2, x, output)))
            tag = self.tag(str(number), middle + 0.3 * normal, normal, color=self.theme.text)
            tag.move_to(middle + (0.3 + 0.5 * max(tag.width, tag.height)) * normal)
            marks.add(VGroup(piece, tag))
        return marks

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
        # First beyond the bar's end, away from 0: the curve is at its worst there, so it never runs under the
        # number (beside the bar, the curve's shoulders did).
        beyond = UP if miss[at] > 0 else DOWN
        over = self.tag(text, tip, beyond, color=color)
        over.next_to(tip, beyond, buff=0.1)
        box = self.misses.box
        if box.get_bottom()[1] < over.get_bottom()[1] and over.get_top()[1] < box.get_top()[1]:
            if box.get_left()[0] < over.get_left()[0] and over.get_right()[0] < box.get_right()[0]:
                candidates.append((False, sum(_overlap(over, other) for other in self.miss_tags) - 0.5, over))
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
        self.__dict__.setdefault("legend_keys", {})[text] = row  # by its text, to dim while its curve is gone
        return row

    def refit_heights(self) -> None:
        """Keep the network's units (kinks and slopes), choose its output weights and bias for the least largest
        error (a linear programme): how much of the error is the training's, not the units'."""
        if self.hinges.hidden_layers != 1 or not hasattr(self, "misses"):
            return
        x = self.hinges.x
        refit, refit_error = minimax_output_refit(self.run.params(self.hinges.epoch), x, self.target)
        color = self.refit_color
        overlay = DashedVMobject(self.outputs.curve(x, refit, color, width=5), num_dashes=70)
        taken = [float(x[self.worst_point(x, self.hinges.output)])]
        at = self.far_worst_point(x, refit, taken)
        self.marked_x = [*taken, float(x[at])]
        miss = self.miss_mobjects(x, refit, at, color, f"{refit_error:.3f}", dashed=True)
        keyed = self.add_legend_row("same kinks, refit", color, dashed=True)
        text = f"Same kinks, output weights and bias refit to cut the largest error: {refit_error:.3f}."
        with self.narrate(text) as line:
            # The refit curve comes with its legend row (in the epoch's place, once the epoch has gone), then its
            # miss; the bar and number measure that miss, so they come last, with the words' number.
            # The whole curve fades in as the words start (drawn from the left, it hid under the output for 1.5 s).
            first = min(1.2, 0.3 * line.duration)
            self.play(
                Fade(overlay),
                in_turn(Fade(self.view.epoch_label, out=True), Fade(keyed)),
                run_time=min(0.8, 0.35 * line.duration),
            )
            self.play(Create(miss[0]), run_time=line.duration - min(0.8, 0.35 * line.duration) - first)
            self.land_miss(first, miss, f"same kinks, refit: {refit_error:.3f}", color, 2)
        self.refit_parts, self.refit_error = VGroup(overlay, miss, keyed), refit_error
        self.refit_back = Fade(overlay)  # made while it is shown: a fade in brings back the opacities it reads now
        self.refit_row = self.error_rows[-1]
        trained = len(self.run.epochs) > 1 and self.run.dataset.get("task") == "regress"
        target = self.target_values(x)
        mean_network = float(np.mean((self.hinges.output - target) ** 2))
        mean_refit = float(np.mean((refit - target) ** 2))
        # Training minimised the mean squared error: said only when the network's is the lower, which is what
        # keeps its largest error above the refit's.
        if trained and refit_error < 0.9 * self.network_error and mean_network < mean_refit:
            # The two numbers are read in the table drawn with the words (one place for each number).
            text = f"Training cuts mean squared error instead: {mean_network:.4f}, below the refit's {mean_refit:.4f}."
            with self.narrate(text) as line:
                first = min(1.2, 0.3 * line.duration)
                # A second table in the first's place, its rows named as the first's, each in the colour of its
                # curve, at full size (one row of both would be shrunk below 16 px). The largest errors step out
                # while it is read (they stay on their bars), so the column holds one table at a time; they come
                # back when it leaves, before the best fit's row (slot 3) arrives.
                # Their way back is made now: a fade in reads the opacities it brings in when it is made.
                self.largest_back = [Fade(row) for row in self.error_rows]
                self.largest_rows = list(self.error_rows)
                self.play(
                    in_turn(
                        AnimationGroup(*[Fade(row, out=True) for row in self.largest_rows]),
                        AnimationGroup(
                            self.add_error_row("mean squared error", self.theme.muted, 0),
                            self.add_error_row(f"network: {mean_network:.4f}", self.theme.text, 1),
                            self.add_error_row(f"refit: {mean_refit:.4f}", color, 2),
                        ),
                    ),
                    run_time=first,
                )
                self.play(
                    self.view.output_curve.animate(rate_func=there_and_back).set_stroke(width=9),
                    run_time=line.duration - first,
                )
            self.mean_rows = self.error_rows[-3:]

    def land_miss(self, seconds: float, miss, row: str, color, place: int) -> None:
        """A miss's bar and number, with its row of the error table: after its curve, which they measure."""
        self.play(Create(miss[1]), Fade(miss[2]), self.add_error_row(row, color, place), run_time=seconds)

    def compare_best_fit(self) -> None:
        """The best any bias + n hinges can draw (kinks searched, :func:`best_hinge_fit`): drawn over the output
        with its legend row, its kinks marked, its miss in the zoom panel; then the answer to the opening question,
        on a calmer picture (the refit, said and measured, leaves)."""
        fit, x = self.best_fit, self.hinges.x
        color = self.best_color
        units = len(self.hinges.units)
        drawn = self.outputs.curve(x, fit(x), color, width=4)
        inside = fit.kinks[(fit.kinks > self.domain[0]) & (fit.kinks < self.domain[1])]
        knots = self.outputs.dots(inside, fit(inside), color, radius=0.09)
        at = self.far_worst_point(x, fit(x), getattr(self, "marked_x", [float(np.mean(self.domain))]))
        miss = self.miss_mobjects(x, fit(x), at, color, f"{fit.error:.3f}")
        words = [fmt_number(k) for k in inside]
        kinks = f"{', '.join(words[:-1])} and {words[-1]}" if len(words) > 1 else ", ".join(words)
        refit = getattr(self, "refit_parts", VGroup())
        mean_rows = list(getattr(self, "mean_rows", []))  # said and done: fewer lines in the column
        refit_row = getattr(self, "refit_row", None)
        # The question is asked of the lowest error on screen: the refit's, where there is one (the same kinks already
        # beat the network's, so "could other kinks beat the network's?" would be answered "no" beside a "yes").
        refit_error = getattr(self, "refit_error", None)
        lowest = "the network's" if refit_error is None else "the refit's"
        question = f"Could other kinks beat {lowest} {self.network_error if refit_error is None else refit_error:.3f}?"
        sides_fit = self.same_sides_fit()
        with self.narrate(question) as line:
            # The refit, said and measured, leaves (its curve, legend row and number), so the best is drawn beside
            # the network alone: two curves to tell apart, and fewer lines in the column. The mean squared errors
            # leave too, and the largest errors they stood in for come back.
            # What the question names stays while it is asked: the refit leaves under the next line, when there is
            # one before the best fit takes its legend place (else at the question's end, as before); its row too.
            later = sides_fit is not None
            back = [fade for fade in getattr(self, "largest_back", []) if later or fade.mobject is not refit_row]
            rows = [] if refit_row is None or mean_rows or later else [Fade(refit_row, out=True)]
            swap = [in_turn(AnimationGroup(*[Fade(row, out=True) for row in mean_rows]), AnimationGroup(*back))]
            refit_leaves = [*[Fade(part, out=True) for part in refit], *rows]
            # The number asked about pulses, its bar and curve with it (the question is not a still).
            named = [refit[0], refit[1][1]] if later and len(refit) else [self.network_bar, self.view.output_curve]
            pulse = [part.animate(rate_func=there_and_back).set_stroke(width=11) for part in named]
            self.play(*([] if later else refit_leaves), *(swap if mean_rows else []), *pulse, run_time=line.duration)
        for row in [*mean_rows, *([] if refit_row is None else [refit_row])]:
            self.error_rows.remove(row)
        arrows = VGroup()
        if sides_fit is not None:
            fit_sides, sides, said = sides_fit
            ends = np.sort([unit_kinks[0] for unit_kinks in self.hinges.kinks])
            arrows = self.side_arrows(ends, np.interp(ends, x, self.hinges.output), sides, self.theme.text)
            # The arrows read as words the first time they are drawn: which way each hinge opens.
            named = self.side_words(arrows, sides)
            with self.narrate(f"Not with the way its hinges open, left to right: {said}.") as line:
                self.play(
                    AnimationGroup(
                        *[AnimationGroup(Create(arrow), Fade(word)) for arrow, word in zip(arrows, named)],
                        lag_ratio=0.5,
                    ),
                    *refit_leaves,
                    *([] if refit_row is None else [Fade(refit_row, out=True)]),  # made now: it is on screen now
                    run_time=0.8 * line.duration,
                )
                self.play(Fade(named, out=True), run_time=0.2 * line.duration)
            self.sides_argument(fit_sides, sides, said, arrows)
        keyed = self.add_legend_row(f"best {units} hinges", color, dashed=False)
        if len(refit):  # in the refit's legend place
            keyed.align_to(refit[2], UP)
        best_arrows = self.side_arrows(inside, fit(inside), fit.directions[np.isin(fit.kinks, inside)], color, fit)
        opening = f", opening {sides_words(fit.directions[np.isin(fit.kinks, inside)])}" if len(inside) else ""
        # Two fits at a time: the trained fit's sides, its error ring and the same-sides fit (curve, kinks, row)
        # leave before the best comes, so its arrows never lie over the trained ones.
        leaving = [*arrows, self.network_ring, *getattr(self, "same_sides_drawn", [])]
        for row in getattr(self, "same_sides_drawn", [])[2:]:
            self.error_rows.remove(row)
        with self.narrate(f"The best {units} kinks a search finds: {kinks}{opening}.") as line:
            bright = getattr(self, "network_miss_bright", None)  # the network's miss, dimmed while kinks slid
            back = [] if bright is None else [Transform(self.network_miss, bright)]
            self.play(*[Fade(part, out=True) for part in leaving], *back, run_time=0.2 * line.duration)
            early = [Create(miss[0])] if self.search_shown else []  # its miss comes with it (reviewer Q)
            self.play(
                Create(drawn), Fade(knots), Fade(keyed), *early, *self.guides_to(inside), run_time=0.45 * line.duration
            )
            if self.search_shown:
                self.land_miss(0.15 * line.duration, miss, f"best {units} hinges: {fit.error:.3f}", color, 2)
            self.play(
                AnimationGroup(*[Create(arrow) for arrow in best_arrows], lag_ratio=0.5),
                run_time=(0.2 if self.search_shown else 0.35) * line.duration,
            )
        self.best_tilts(fit, inside, best_arrows)
        # What the search is, said once (its defaults: the fit is found with them, see hinge_fit.best_hinge_fit).
        with self.narrate(self.search_words(units)) as line:
            if self.search_shown:  # drawn as it is said: each way to open at its best grid kinks
                self.show_search(fit, line.duration, 3)
            else:
                self.play(drawn.animate(rate_func=there_and_back).set_stroke(width=9), run_time=line.duration)
        self.best_error_line(fit, miss, f"best {units} hinges: {fit.error:.3f}", color)
        # The answer to the opening question, in two lines, with the run's numbers: two fits, each with its largest
        # error.
        low, high = (fmt_number(end) for end in self.domain)  # in words: brackets reach below the caption's margin
        answers = (
            f"From {low} to {high}, the best a search finds: {units} ReLU units within {fit.error:.3f}"
            f" of {self.formula}.",
            f"This training got within {self.network_error:.3f}.",
        )
        with self.narrate(answers[0]) as line:
            # Each number as it is said: the best's bar here, the network's with the next line, thickening once.
            # ... and its curve, miss and arrows with it (the picture moves while the answer is read).
            self.play(
                miss[1].animate(rate_func=there_and_back).set_stroke(width=13),
                drawn.animate(rate_func=there_and_back).set_stroke(width=9),
                miss[0].animate(rate_func=there_and_back).set_stroke(width=8),
                run_time=line.duration,
            )
        with self.narrate(answers[1]) as line:
            self.play(
                self.network_bar.animate(rate_func=there_and_back).set_stroke(width=13),
                self.view.output_curve.animate(rate_func=there_and_back).set_stroke(width=10),
                run_time=line.duration,
            )
        self.hold(extra=3.0)
