"""relu-square: ReLU hinges build x² piece by piece.

A 1 → 3 → 1 ReLU network (default recipe ``square-relu-3``) fits x² on [−1, 1]. The scene first builds one unit's hinge
from max(0, z) with the run's own numbers: its input weight scales it, its bias shifts the kink, its output weight
scales it again (:mod:`nnexplain.scenes.base.one_hinge`). Then every unit's hinge, each named on its kink
(:mod:`nnexplain.mobjects.kink_pins`), with the units whose weights are negative named as they are first seen (they
open left, or hang below 0; :mod:`nnexplain.scenes.base.mirror_turn`), and their sum built from the output bias at the
random start, so the output is never shown before it is made (:mod:`nnexplain.scenes.base.start_sum`); then training
(epochs on a log scale), with the stretch where the output changes most replayed slowly, its busiest unit named, its
kink and slope and the largest error drawn live (:mod:`nnexplain.scenes.base.fit_replay`). Frames between stored
snapshots are drawn from weights moving in a straight line, kinks included, so a kink slides and never hops; why a
hinge opens left (a turn through space, :mod:`nnexplain.scenes.base.mirror_turn`); then, from the output bias, the
hinges are added left to right, each bending the sum at its kink, until the sum is the network's output, its straight
pieces counted. A unit whose kink lies outside the interval is named, with what it adds instead (a straight line, or
0). The last beats zoom on the output's miss (fit − target) and set three largest errors side by side, each drawn in
its curve's colour (curve first, then its bar and number): the network's, the same kinks with output weights refit for
the largest error, and the best any bias + as many hinges can draw
(:func:`~nnexplain.geometry.hinge_fit.best_hinge_fit`); the last line answers the opening question with the best's and
the network's numbers. Those beats live in :mod:`nnexplain.scenes.base.miss_comparison`. On screen the formula's
superscript is said in words ("x squared"): a ² is drawn about 8 px tall at 480p.

    NNEXPLAIN_RUN=runs/square-relu-3 .venv/bin/manim -ql scenes/relu_square.py ReluSquare
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
from manim import (
    LEFT,
    RIGHT,
    UL,
    UP,
    AnimationGroup,
    Create,
    ReplacementTransform,
    UpdateFromAlphaFunc,
    VGroup,
    there_and_back,
)

from nnexplain.geometry.hinge_fit import HingeFit, best_hinge_fit
from nnexplain.geometry.hinges import (
    CurveSnapshot,
    build_order,
    hinge,
    max_fit_error,
    output_kinks,
    quiet_units,
    running_sums,
    unit_kinks,
)
from nnexplain.geometry.live_miss import blend_params
from nnexplain.mobjects.caption_band import caption_band
from nnexplain.mobjects.hinges import (
    Fade,
    FitView,
    Frame,
    SnapshotSweep,
    fmt_interval,
    fmt_number,
    fmt_small,
    legend,
    padded_range,
)
from nnexplain.mobjects.kink_pins import KinkPins, PinsFade
from nnexplain.mobjects.style import formula, label
from nnexplain.scenes.base.fit_replay import FitReplay
from nnexplain.scenes.base.hinge_story import TEXT_SIZE, HingeStory, in_turn
from nnexplain.scenes.base.mirror_turn import MirrorTurn
from nnexplain.scenes.base.miss_comparison import MissComparison
from nnexplain.scenes.base.network_formula import NetworkFormula
from nnexplain.scenes.base.one_hinge import OneHinge
from nnexplain.scenes.base.piece_slopes import PieceSlopes
from nnexplain.scenes.base.start_sum import StartSum

__all__ = ["ReluSquare"]


CAPTION_LIFT = 0.05  # scene units: 3 px at 480p

_BEST_HINGES: dict[tuple[str, tuple[float, float], int], HingeFit] = {}


def _best_hinges(target, formula: str, domain: tuple[float, float], units: int, directions=None) -> HingeFit:
    """The search takes seconds: once per target (named by its formula), interval, number of units and (when fixed)
    the hinges' sides in a process."""
    key = (formula, tuple(domain), units, directions)
    if key not in _BEST_HINGES:
        _BEST_HINGES[key] = best_hinge_fit(target, domain, units, directions=directions)
    return _BEST_HINGES[key]


class ReluSquare(OneHinge, NetworkFormula, StartSum, FitReplay, PieceSlopes, MirrorTurn, MissComparison, HingeStory):
    scene_name = "relu-square"
    kink_guides: ClassVar[bool] = True
    search_shown: ClassVar[bool] = True  # the search drawn as it is said, the best fit's miss with it (reviewer Q)
    turn_held: ClassVar[bool] = True  # unit 1's output weight shown at the number said (reviewer Q)
    slide_seconds: ClassVar[float] = 8.0  # the sides-kept kinks slide slowly enough to follow (reviewer Q: 3.5 s)
    sides_color: ClassVar[str] = "#3FE0F0"  # cyan: far in hue from the units' green, the violet and the raspberry
    pace_kinks: ClassVar[bool] = True  # a kink sliding far in a quiet step is given the time it needs
    formula_pulse: ClassVar[float] = 1.2  # the formula lines pulse visibly as named (reviewer O: 29–40 s near-still)
    tags_inside_panel: ClassVar[bool] = True  # the final error's number was on the output panel's frame
    # The upper panel's heading stays inside the 24 px title-safe margin (relu-sine keeps the shared box).
    units_box: ClassVar[tuple[float, float]] = (1.0, 3.08)
    bias_tag_at: ClassVar[float] = 0.115  # far left, where x² lies well above the flat start and its label
    # Under the network's formula (two typeset lines, which take the title's place; it ends at y = 2.0), the legend,
    # the epoch and the column's labels each a little lower than the shared places.
    legend_top: ClassVar[float] = 1.92
    epoch_y: ClassVar[float] = 0.72
    labels_top: ClassVar[float] = 0.3
    # The column starts a little left of the shared one: its widest row ("x squared, dots on it") ends 31 px from
    # the right edge at 480p, outside the 24 px title-safe margin (at 2.1 it ended 22 px from it).
    column_left: ClassVar[float] = 1.95
    column_width: ClassVar[float] = 4.7

    def setup(self) -> None:
        super().setup()
        # One colour, one meaning: a highlight (a piece picked out, the column's labels) is the network's white, the
        # colour of what it picks out; no unit's, refit's or best fit's colour (violet meant a piece and the refit).
        self.theme = dataclasses.replace(self.theme, highlight=self.theme.text)
        self.snapshots = self.sweep_of(self.run, self.hinge_epoch)
        self.hinges = self.snapshots[-1]
        # A superscript ² is drawn about 8 px tall at 480p: on screen, in words, the formula reads "x squared".
        self.formula = self.run.dataset.get("formula", "the target").replace("²", " squared")
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
        self.name_signs()
        if hasattr(self, "pins"):
            self.beat("their sum")
            self.sum_at_start()
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

    def best_with_sides(self, directions: tuple[float, ...]) -> HingeFit:
        """The best fit whose hinges open to ``directions``, in that order along x (kinks searched)."""
        return _best_hinges(self.target, self.formula, self.domain, len(self.hinges.units), directions)

    def panel_heading(self, panel, text: str):
        """A panel's heading, with the target's "x squared" typeset as x² (Typst at 40: the x about 11 px of glyph
        at 480p, as tall as the words' x, its ² about 11 px)."""
        if self.formula != "x squared" or self.formula not in text:
            return super().panel_heading(panel, text)
        before, after = text.split(self.formula, 1)
        parts = [label(before.rstrip(), self.theme, size=TEXT_SIZE, color=self.theme.muted)]
        parts.append(formula("x^2", self.theme, 40, color=self.theme.muted))
        if after:
            parts.append(label(after, self.theme, size=TEXT_SIZE, color=self.theme.muted))
        heading = VGroup(*parts).arrange(RIGHT, buff=0.17)
        if after.startswith(","):  # a comma sits against the x², not a word's space away
            parts[-1].next_to(parts[1], RIGHT, buff=0.04)
        baseline = parts[0][0].get_bottom()[1]  # the first letter's foot ("n", "t": no descender)
        for part in parts[1:]:  # x's foot, and the last letter's ("r") of the words after, on that line
            part.shift(UP * (baseline - part[-1].get_bottom()[1] if part is parts[-1] and after else 0))
            if part is parts[1]:
                part.shift(UP * (baseline - part.get_bottom()[1]))
        return heading.next_to(panel.box, UP, buff=0.08, aligned_edge=LEFT)

    def say(self, text: str, caption=None, slot: str = "caption", fade_seconds: float = 0.0) -> list:
        """As every scene says a line, but its caption lifted 3 px: the shared band rests a two-row caption's
        descenders (q, y, parentheses) 23 px from the foot at 480p, a pixel inside the 24 px title-safe margin."""
        if caption is None and self.captions_in_band and self.narration_mode == "captions":
            caption, slot = caption_band(text, self.theme).shift(UP * CAPTION_LIFT), "band"
        return super().say(text, caption, slot, fade_seconds)

    # Beats ------------------------------------------------------------------

    def show_question(self) -> None:
        """The question with the target drawn as it is named; then the data, and a legend of what is drawn so far
        (the network's output joins it when it is first drawn)."""
        units = len(self.hinges.units)
        self.title = self.make_title(f"{units} ReLU units\nfit {self.formula}")
        self.outputs = self.output_panel(self.snapshots)
        heading = self.panel_heading(self.outputs, f"network output and {self.formula}")
        data = self.data_mobjects(self.outputs, self.snapshots[0].x)
        self.data_parts = data
        self.legend = legend(
            [(self.theme.muted, True, f"{self.formula}, dots on it")], self.theme, size=TEXT_SIZE
        ).move_to(self.column_point(self.legend_top), aligned_edge=UL)
        question = f"How close can {units} ReLU units get to the curve {self.formula}?"
        with self.narrate(question) as line:
            self.play(Fade(self.title), *self.draw_panel(self.outputs), Fade(heading), run_time=0.4 * line.duration)
            self.play(*[Create(part) for part in data[:-1]], run_time=0.6 * line.duration)
        with self.narrate(self.data_text()) as line:
            # The dots arrive left to right as they are named (a slow fade of them all reads as a still picture).
            self.play(Fade(self.legend), run_time=0.25 * line.duration)
            self.play(AnimationGroup(*[Fade(dot) for dot in data[-1]], lag_ratio=0.15), run_time=0.75 * line.duration)

    def data_text(self) -> str:
        """What the run was trained on, and what the dots are: evenly spaced points of the target (the probe),
        not the training samples, which are drawn at random. The interval is on the axis (and brackets would
        reach below the caption's margin)."""
        points, train = len(self.run.probe["inputs"]), self.run.dataset.get("train")
        if not train:
            return f"The dots only trace {self.formula}: {points} evenly spaced points."
        return f"Trained on {train:,} random samples; the dots, {points} evenly spaced points, only trace it."

    def introduce_hinges(self) -> None:
        sums = running_sums(self.hinges, build_order(self.hinges))
        self.full_units_panel = panel = self.units_panel(self.snapshots, sums)
        if len(self.snapshots) > 1 and hasattr(self, "one_hinge"):
            # At the random start the hinges are small: the units' axis is first fitted to the start's own hinges
            # (its ticks say the scale), and widens, visibly, before training grows them (see rescale_units).
            panel = self.panel_in(self.units_box, padded_range([self.snapshots[0].units]), x_labels=False)
        heading = self.units_heading(panel, self.hinges.hidden_layers)
        view = FitView(self.snapshots[0], panel, self.outputs, self.theme, label_size=28)
        view.place_epoch_label(self.column_point(self.epoch_y))
        units = len(self.hinges.units)
        kinks = np.sort(np.concatenate([np.zeros(0), *self.snapshots[0].kinks]))
        together = " (two start together)" if np.any(np.diff(kinks) < 0.05) else ""
        text = f"Each of the {units} units adds a hinge; the dots are their kinks{together}."
        if not hasattr(self, "one_hinge"):
            self.units_panel_parts = self.enter_units(self.snapshots, sums, text)
            self.view = self.units_panel_parts[-1]
            self.play(Fade(self.add_legend_row("network output", self.theme.text, dashed=False)), run_time=0.4)
            return
        unit, old_panel, old_heading, built, kink = self.one_hinge
        self.show_network_formula()
        others = [curve for index, curve in enumerate(view.unit_curves) if index != unit]
        # Each unit named where it bends, in its colour (two kinks that start together carry their names at two
        # heights).
        self.pins = KinkPins(view, list(range(units)), self.theme, size=TEXT_SIZE)
        self.pins.opacity = 0
        with self.narrate(text) as line:
            self.play(
                *self.swap_panel(old_panel, panel),
                in_turn(Fade(old_heading, out=True), Fade(heading)),
                ReplacementTransform(built[0], view.unit_curves[unit]),
                Fade(self.one_hinge_ghost, out=True),
                built[1].animate.move_to(panel.plot_point(kink, 0)),  # the kink dot rides on its hinge
                *self.show_labels(None),
                run_time=0.5 * line.duration,
            )
            self.remove(view.unit_curves[unit])  # back into the view, where it is drawn from now on
            # The fades read the opacities they bring in now, before the parts are hidden.
            appearing = [Fade(view.kink_dots), Fade(view.epoch_label)]
            for curve in others:
                curve.set_stroke(opacity=0)
            view.kink_dots.set_opacity(0)
            view.output_curve.set_stroke(opacity=0)  # drawn when their sum is built, in the next beat
            view.epoch_label.set_opacity(0)
            self.add(view, self.pins.follow())
            self.play(
                *[curve.animate.set_stroke(opacity=1) for curve in others],
                *appearing,
                Fade(built[1], out=True),  # where the view's own dot for it comes in
                PinsFade(self.pins),
                run_time=0.5 * line.duration,
            )
        view.show(self.snapshots[0])
        self.units_panel_parts, self.view = (panel, heading, view), view

    def train(self) -> None:
        (before, _), (after, whole) = (max_fit_error(self.run, s.epoch) for s in (self.snapshots[0], self.hinges))
        where = "" if whole else " at the data"
        first, last = self.snapshots[0].epoch, self.hinges.epoch
        start, trained = self.snapshots[0], self.hinges
        history = len(self.snapshots) > 1 and self.target is not None
        if history:
            # The start's largest error marked on the plot before training moves it (in the network's colour:
            # an error is drawn in the colour of the curve it belongs to).
            at = self.worst_point(start.x, start.output)
            marker = self.error_marker(self.outputs, start.x, start.output, at, f"{before:.3f}", color=self.theme.text)
            with self.narrate(f"At the random start, the largest error is {before:.3f}.") as line:
                # The bar, then the number it measures.
                self.play(in_turn(Create(marker[:2]), Fade(marker[2])), run_time=min(1.2, 0.4 * line.duration))
                self.wait(line.duration - min(1.2, 0.4 * line.duration))
            self.play(
                Fade(marker, out=True),
                *self.show_labels(None),
                *([self.pins.apart()] if hasattr(self, "pins") and self.pins.can_part() else []),
                run_time=0.4,
            )
        self.rescale_units()
        # The units' names ride on their kinks while training moves them, and leave once it is through.
        pins = self.pins.start_following() if hasattr(self, "pins") else None
        log_scale = f"Training moves every kink and slope, epochs {first:,} to {last:,} on a log scale."
        self.sweep_training(log_scale)
        if pins is not None:
            self.play(PinsFade(pins, out=True), run_time=0.4)
            self.remove(pins.clear_updaters())
        if len(self.snapshots) < 2:  # an imported run: no history, no drop to tell
            return
        settle = self.replay_fit()
        # Said once training has reached it (again, after a replay), with both numbers on screen.
        text = f"By epoch {last:,}, the largest error{where} has gone from {before:.3f} to {after:.3f}."
        if settle:  # back to where training ends, as the replay left it partway
            with self.narrate(f"Then they settle, up to epoch {last:,}.") as line:
                self.play(SnapshotSweep(self.view, settle, blend=self.sweep_blend, run_time=line.duration))
        worst = None
        if self.target is not None:
            at = self.worst_point(trained.x, trained.output)
            worst = self.error_marker(
                self.outputs, trained.x, trained.output, at, f"{after:.3f}", color=self.theme.text
            )
        with self.narrate(text) as line:
            # The ring comes with the words, and stays while they are read; the numbers are in the words and on the
            # ring (the column repeats them only when there is no ring).
            drawn = [] if worst is None else [in_turn(Create(worst[:2]), Fade(worst[2]))]
            shown = self.show_labels(f"largest error{where}\n{before:.3f} → {after:.3f}") if worst is None else []
            self.play(*shown, *drawn, run_time=min(1.0, 0.4 * line.duration))
            rest = line.duration - min(1.0, 0.4 * line.duration)
            if worst is None:
                self.wait(rest)
            else:  # the network's curve pulses while the words are read
                self.play(self.view.output_curve.animate(rate_func=there_and_back).set_stroke(width=9), run_time=rest)
        self.play(*self.show_labels(None), *([] if worst is None else [Fade(worst, out=True)]), run_time=0.4)

    def rescale_units(self) -> None:
        """The units' axis, fitted to the start's hinges, widens to the whole training's range: the ticks change and
        the hinges shrink with them, the weights unchanged."""
        start_panel, heading, view = self.units_panel_parts
        full = getattr(self, "full_units_panel", start_panel)
        if full is start_panel:
            return
        (low, high), (new_low, new_high) = (start_panel.y_low, start_panel.y_high), (full.y_low, full.y_high)
        snapshot = self.snapshots[0]

        def widen(mobject, alpha: float) -> None:
            start_panel.y_low = low + alpha * (new_low - low)
            start_panel.y_high = high + alpha * (new_high - high)
            view.show(snapshot)

        with self.narrate("Training will make these hinges much bigger, so first the top panel zooms out.") as line:
            self.play(*self.swap_panel(start_panel, full), UpdateFromAlphaFunc(view, widen), run_time=line.duration)
        view.units_panel = full
        view.show(snapshot)
        self.units_panel_parts = (full, heading, view)

    def hinges_between(self, before: CurveSnapshot, after: CurveSnapshot, fraction: float) -> Frame:
        """Between two snapshots, the weights move in a straight line and every hinge is drawn from them: a kink
        slides, never two bends at once (mixing the two drawn hinges would show both kinks), and its dot with it."""
        params = blend_params(self.run.params(before.epoch), self.run.params(after.epoch), fraction)
        (w1, b1), (w2, b2) = params
        units = np.stack([hinge(before.x, w1[j, 0], b1[j], w2[0, j]) for j in range(len(b1))])
        kinks = unit_kinks(params, self.run.activation, self.domain)
        return Frame(before.x, units, units.sum(axis=0) + b2[0], kinks, w2[0] * w1[:, 0], params)

    def build_pieces(self) -> None:
        def unit_text(step: int, unit: int) -> str:
            quiet = self.quiet_unit_line(unit)
            if quiet is not None:
                return quiet
            kinks = ", ".join(fmt_number(k) for k in self.hinges.kinks[unit])
            return f"Add unit {unit + 1}: the sum bends at x = {kinks}."

        bias = fmt_small(self.hinges.output_bias)
        # The sum is drawn thick while it is built: its flat start lies a few pixels above the x axis. The output
        # leaves first (as the building starts), so it is not seen to thicken.
        width = self.view.output_curve.stroke_width
        # Each unit named where it bends while the sum takes its bends one by one (named as the output leaves).
        units = len(self.hinges.units)
        pins = KinkPins(self.view, list(range(units)), self.theme, size=TEXT_SIZE)
        pins.opacity = 0
        self.add(pins.follow())
        key = getattr(self, "legend_keys", {}).get("network output", VGroup())  # dimmed while the output is gone
        leave = [self.view.output_curve.animate.set_stroke(opacity=0), key.animate.set_opacity(0.3)]
        self.play(*leave, PinsFade(pins), run_time=0.4)
        self.view.output_curve.set_stroke(width=2 * width)
        self.guides = self.add_up(
            self.view,
            self.hinges,
            f"Now add up the trained hinges, from the output bias, {bias}: a flat line.",
            unit_text,
        )
        back = [self.view.output_curve.animate.set_stroke(width=width), key.animate.set_opacity(1)]
        self.play(*back, PinsFade(pins, out=True), run_time=0.4)
        self.remove(pins)

    def quiet_unit_line(self, unit: int) -> str | None:
        """About a unit that puts no bend inside the interval: where it bends, and what it adds instead."""
        quiet = next((q for q in self.quiet if q.unit == unit), None)
        if quiet is None:
            return None
        bends = f"bends at x = {fmt_number(quiet.kink)}" if quiet.kink is not None else "never bends"
        return f"Unit {unit + 1} {bends}, outside {fmt_interval(self.domain)}: here it adds {quiet.adds}."
