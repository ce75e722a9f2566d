"""The ``descent`` scene's one-weight beats: the weight in the network, its curve of C, real steps down it, and
three learning rates on it. A mixin of :class:`~nnexplain.scenes.descent.Descent`: it reads ``self.landscape``.

Every step drawn is a stored step w − η·∂C/∂w (:mod:`~nnexplain.geometry.descent_steps`). The first steps are
too short to see on the whole curve (a hundredth of it), so they are played close up, each Δw an arrow with its
number; the rest on the whole curve, a tick left every tenth step so their shrinking is seen.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Arrow,
    Create,
    DashedLine,
    Dot,
    DoubleArrow,
    Indicate,
    Line,
    Rectangle,
    ReplacementTransform,
    VGroup,
)

from nnexplain.geometry.network import network_view
from nnexplain.mobjects.descent import StepRoll, step_by_step, step_path, zoom_lines
from nnexplain.mobjects.hinges import CurvePanel, Fade, fmt_number
from nnexplain.mobjects.network import NetworkDiagram
from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import fmt_count, label
from nnexplain.scenes.descent_words import TEXT, signed

__all__ = ["OneWeightBeats"]

CLOSE_STEPS = 3  # steps played close up, one at a time
TICK_EVERY = 10  # a tick on the w axis every this many steps


def _curve_between(x: np.ndarray, y: np.ndarray, extra_x: np.ndarray, extra_y: np.ndarray, low: float, high: float):
    """The stored curve's samples in [low, high] merged with other stored samples of the same C (the steps'),
    sorted by w: a close-up has few curve samples of its own."""
    both_x, both_y = np.concatenate([x, extra_x]), np.concatenate([y, extra_y])
    keep = (both_x >= low) & (both_x <= high)
    order = np.argsort(both_x[keep])
    return both_x[keep][order], both_y[keep][order]


def _close_panel(x, y, low, high, theme, width, height, digits, room_below: float = 0.15) -> CurvePanel:
    """A panel over w in [low, high] with C's range there, its ticks written with enough digits to differ;
    ``room_below``: the share of that range left free under the curve (for arrows drawn there)."""
    y_low, y_high = float(y.min()), float(y.max())
    span = max(y_high - y_low, 1e-9)
    panel = CurvePanel(
        (low, high), (y_low - room_below * span, y_high + 0.15 * span), theme, width, height, x_labels=False
    )
    panel.remove(panel.tick_labels)
    panel.tick_labels = VGroup()
    for value in (y_low, y_high):
        text = label(f"{value:.{digits}f}", theme, TEXT, theme.muted)
        panel.tick_labels.add(text.next_to(panel.plot_point(low, value), LEFT, buff=0.12))
    panel.add(panel.tick_labels)
    return panel


class OneWeightBeats:
    """one_weight, roll_down and learning_rates of the descent scene."""

    def one_weight(self) -> None:
        weight = self.start["weight"]
        values, losses = self.landscape["start.roll_values"], self.landscape["start.roll_loss"]
        self.play(Fade(self.cost_view, out=True), run_time=self.t(0.5))
        self.remove(*self.cost_view)
        held = fmt_count(self.parameters - 1)
        self.set_heading(f"One weight, the other {held} held")
        self.show_the_weight(weight, held)
        curve_x, curve_y = self.landscape["start.curve_values"], self.landscape["start.curve_loss"]
        low, high = values.min(), values.max()
        pad = 0.15 * (high - low)
        keep = (curve_x >= low - pad) & (curve_x <= high + pad)
        x, y = curve_x[keep], curve_y[keep]
        y_pad = 0.12 * (y.max() - y.min())
        panel = CurvePanel(
            (float(x[0]), float(x[-1])), (y.min() - y_pad, y.max() + y_pad), self.theme, 8.0, 3.6, label_size=TEXT
        )
        panel.move_to([0.1, 0.45, 0])  # room on the right for the fall of C, inside the title-safe margin
        name = label(f"w: {self.weight_name(weight)}", self.theme, TEXT, self.theme.muted).next_to(
            panel.box, DOWN, buff=0.6
        )
        # Left of the tick column, clear of the readout that runs along the top of the box.
        axis = label("C", self.theme, TEXT, self.theme.muted).next_to(panel.tick_labels, LEFT, buff=0.2)
        axis.set_y(panel.box.get_center()[1])
        curve = panel.curve(x, y, self.theme.text, 4)
        dot = Dot(panel.plot_point(values[0], losses[0]), radius=0.09, color=self.run_colour)
        with self.narrate("Moving w alone traces this curve of C.") as line:
            self.play(Fade(panel), Fade(axis), Fade(name), run_time=0.3 * line.duration)
            self.play(Create(curve), run_time=0.6 * line.duration)
        start = label(f"w = {values[0]:.3f}", self.theme, TEXT, self.run_colour).next_to(dot, UP + RIGHT, buff=0.1)
        with self.narrate("The dot is where w starts.") as line:
            self.play(Fade(dot), Fade(start), run_time=0.3 * line.duration)
            self.play(Indicate(dot, color=self.run_colour, scale_factor=1.8), run_time=0.4 * line.duration)
        slope = float(self.landscape["start.roll_slope"][0])
        tangent = self.tangent(panel, values[0], losses[0], slope, 0.25 * (x[-1] - x[0]))
        said = label(f"slope {signed(slope)}", self.theme, TEXT, self.run_colour)
        said.next_to(tangent.get_end(), UP + RIGHT, buff=0.1)
        with self.narrate(f"Its slope there, ∂C/∂w, is {signed(slope)}: backpropagation computes it.") as line:
            self.play(Create(tangent), run_time=0.5 * line.duration)
            self.play(Fade(said), run_time=0.3 * line.duration)
        self.weight_panel = VGroup(panel, name, axis, curve, tangent, said, start)
        self.weight_curve = (x, y)
        self.dot = dot

    def show_the_weight(self, weight: dict, held: str) -> None:
        """The network at the start, every edge drawn; the one weight lit, then the others greyed: held."""
        layer, row, column = weight["layer"], weight["row"], weight["column"]
        count = len(self.run.layers)
        xs = tuple(float(x) for x in np.linspace(-4.3, 3.9, count))
        names = self.run.dataset.get("classes") or [str(i) for i in range(self.run.layers[-1])]
        view = network_view(self.run, self.start["epoch"])
        diagram = NetworkDiagram(view, self.theme, xs, height=3.7, class_names=names, count_size=TEXT, name_size=TEXT)
        diagram.shift(0.3 * UP)
        source, target = diagram.layers[layer][column], diagram.layers[layer + 1][row]
        edge = Line(source.get_center(), target.get_center(), buff=source.radius).set_stroke(self.run_colour, 7)
        ends = VGroup(source.copy().set_fill(self.run_colour, 1), target.copy().set_fill(self.run_colour, 1))
        name = label("w", self.theme, TEXT + 4, self.run_colour).next_to(edge.get_center(), UP, buff=0.15)
        key = label("edges: blue a positive weight, red a negative one", self.theme, TEXT, self.theme.muted)
        key.next_to(diagram, DOWN, buff=0.1)
        with self.narrate(f"Take one weight, w: {self.weight_name(weight)}.") as line:
            self.play(Fade(diagram), Fade(key), run_time=0.45 * line.duration)
            self.play(Create(edge), Fade(ends), Fade(name), run_time=0.35 * line.duration)
        with self.narrate(f"Hold the other {held} where they start.") as line:
            self.play(
                diagram.edges.animate.set_stroke(color=self.theme.muted, opacity=0.12), run_time=0.6 * line.duration
            )
        shown = VGroup(diagram, edge, ends, name, key)
        self.play(Fade(shown, out=True), run_time=self.t(0.5))
        self.remove(shown)

    def tangent(self, panel: CurvePanel, x0: float, y0: float, slope: float, reach: float) -> Line:
        """The tangent at (x0, y0), ``reach`` each way in w, cut where it would leave the panel."""
        ends = []
        for side in (-1, 1):
            far = min(reach, x0 - panel.domain[0] if side < 0 else panel.domain[1] - x0)
            rise = side * slope
            if abs(rise) > 0:
                room = (panel.y_high - y0) if rise > 0 else (y0 - panel.y_low)
                far = min(far, room / abs(rise))
            ends.append(panel.plot_point(x0 + side * far, y0 + side * far * slope))
        return Line(*ends).set_stroke(self.run_colour, 3)

    def roll_down(self) -> None:
        panel = self.weight_panel[0]
        values, losses = self.landscape["start.roll_values"], self.landscape["start.roll_loss"]
        slopes = self.landscape["start.roll_slope"]
        steps = len(values) - 1
        rate = f"η = {fmt_number(self.lr, 3)}" + (
            f", the run's {self.rate_kind()}," if self.own_lr else ", chosen for this picture,"
        )

        def readout_words(step: int) -> str:
            return f"after step {step:,}: slope {signed(slopes[step])} · C = {losses[step]:.4f}"

        def readout_text(step: int):
            return label(readout_words(step), self.theme, TEXT)

        # As many slots as the longest readout has glyphs (one a character, spaces none): another run's numbers
        # may be longer at its first step than at its last.
        longest = max(len(readout_words(step).replace(" ", "")) for step in range(steps + 1))
        readout = SlotText(readout_text(steps), slots=longest, edge=LEFT)
        readout.move_to(panel.box.get_corner(UP + RIGHT) + np.array([0, 0.12, 0]), aligned_edge=DOWN + RIGHT)

        def show(step: int) -> None:
            readout.show(readout_text(step))

        show(0)
        close = self.close_up(panel, values, losses, slopes, rate, readout, show)
        # The rest on the whole curve: an equal time per step, so the dot slows as they shrink; a tick at the foot
        # of the panel every tenth step, so their spacing is seen to shrink too.
        trail, ticks = VGroup(), VGroup()
        bottom = panel.box.get_bottom()[1]
        tick_at = {
            k: Line([0, 0, 0], [0, 0.22, 0])
            .set_stroke(self.run_colour, 3)
            .move_to([panel.plot_point(values[k], losses[k])[0], bottom + 0.11, 0])
            for k in range(TICK_EVERY, steps + 1, TICK_EVERY)
        }
        tick_note = label(f"a tick every {TICK_EVERY} steps", self.theme, TEXT, self.run_colour)
        tick_note.next_to(panel.box.get_corner(UP + RIGHT), DOWN + LEFT, buff=0.15)
        self.add(trail, ticks)

        def reach(step: int) -> None:
            show(step)
            if step in tick_at:
                ticks.add(tick_at[step])

        points = panel.plot_points(values, losses)
        with self.narrate(f"{steps} real steps: they shrink as the slope flattens.") as line:
            self.play(Fade(tick_note), run_time=self.t(0.4))
            roll = StepRoll(
                self.dot,
                points[CLOSE_STEPS:],
                trail,
                self.theme.muted,  # grey crumbs: the blue ball is the one thing moving
                on_step=reach,
                first=CLOSE_STEPS,
                run_time=max(line.duration, self.t(9.0)),
            )
            self.play(roll, Animation(readout))
        drop = losses[0] - losses[-1]
        right = panel.box.get_right()[0]
        levels = VGroup(
            *(
                DashedLine(
                    panel.plot_point(w, c), [right + 0.35, panel.plot_point(w, c)[1], 0], dash_length=0.08
                ).set_stroke(self.theme.muted, 2)
                for w, c in ((values[0], losses[0]), (values[-1], losses[-1]))
            )
        )
        span = DoubleArrow(
            [right + 0.3, levels[0].get_end()[1], 0], [right + 0.3, levels[1].get_end()[1], 0], buff=0
        ).set_stroke(self.theme.text, 3)
        span.set_color(self.theme.text)
        amount = label(f"{drop:.3f}", self.theme, TEXT).next_to(span, RIGHT, buff=0.1)
        with self.narrate(f"C fell by only {drop:.3f}.") as line:
            self.play(Create(levels), run_time=0.3 * line.duration)
            self.play(Create(span), Fade(amount), run_time=0.4 * line.duration)
        with self.narrate("One weight alone can do little.") as line:
            self.play(Indicate(self.dot, color=self.run_colour, scale_factor=1.6), run_time=0.5 * line.duration)
        self.roll_view = VGroup(readout, trail, ticks, tick_note, self.dot, levels, span, amount, close)

    def close_up(self, panel: CurvePanel, values, losses, slopes, rate: str, readout, show) -> VGroup:
        """The first steps on a close-up of the start: each Δw an arrow with its number, the slope it came from.

        Returns what stays on the whole curve (the small box the close-up magnified)."""
        x, y = self.weight_curve
        first, last = values[0], values[CLOSE_STEPS]
        span = last - first
        low, high = first - 0.08 * span, values[min(CLOSE_STEPS + 1, len(values) - 1)] + 0.05 * span
        cx, cy = _curve_between(x, y, values, losses, low, high)
        near = _close_panel(cx, cy, low, high, self.theme, panel.box.width, panel.box.height, 4, room_below=0.5)
        near.move_to(panel.box.get_center() - near.box.get_center() + near.get_center())
        region = Rectangle(
            width=abs(panel.plot_point(high, 0)[0] - panel.plot_point(low, 0)[0]),
            height=abs(panel.plot_point(0, near.y_high)[1] - panel.plot_point(0, near.y_low)[1]),
        ).set_stroke(self.run_colour, 2)
        region.move_to((panel.plot_point(low, near.y_low) + panel.plot_point(high, near.y_high)) / 2)
        home = region.copy()  # where the close-up goes back to
        near_curve = near.curve(cx, cy, self.theme.text, 4)
        points = near.plot_points(values[: CLOSE_STEPS + 1], losses[: CLOSE_STEPS + 1])
        dot = Dot(points[0], radius=0.11, color=self.run_colour)
        tangent = self.tangent(near, first, losses[0], slopes[0], 0.3 * span)
        zoom = label(f"close up: w {fmt_number(low, 3)} to {fmt_number(high, 3)}", self.theme, TEXT, self.theme.muted)
        zoom.next_to(near.box.get_corner(UP + RIGHT), DOWN + LEFT, buff=0.15)
        whole = VGroup(self.weight_panel, self.dot)
        # Made now, before the whole curve fades, so it restores the opacities it has; the tangent at the start and
        # its slope do not come back (the dot will have moved on).
        back = Fade(VGroup(*self.weight_panel[:4], self.dot))
        with self.narrate("A step moves w by −η × slope: downhill, and longer where it is steeper.") as line:
            self.play(Create(region), Fade(readout), run_time=0.25 * line.duration)
            self.play(Fade(whole, out=True), ReplacementTransform(region, near.box), run_time=0.3 * line.duration)
            self.remove(whole)
            rest = VGroup(*(part for part in near if part is not near.box))
            self.play(Fade(rest), Fade(zoom), Create(near_curve), Fade(dot), run_time=0.25 * line.duration)
            self.play(Create(tangent), run_time=0.2 * line.duration)
        base = near.box.get_bottom()[1] + 0.7  # its numbers under it stay inside the box
        arrows, numbers = VGroup(), VGroup()

        def rule_of(step: int):
            """Step ``step``'s own Δw = −η × slope, with the slope where it starts."""
            text = (
                f"Δw = −η × slope = −{fmt_number(self.lr, 3)} × ({signed(slopes[step - 1])})"
                f" = {signed(values[step] - values[step - 1])}"
            )
            return label(text, self.theme, TEXT, self.run_colour).next_to(near.box, DOWN, buff=0.2)

        rule = rule_of(1)
        for step in range(1, CLOSE_STEPS + 1):
            start, end = near.plot_point(values[step - 1], 0)[0], near.plot_point(values[step], 0)[0]
            arrow = Arrow([start, base, 0], [end, base, 0], buff=0, stroke_width=6, color=self.run_colour)
            arrow.max_tip_length_to_length_ratio = 0.2
            drops = DashedLine(points[step - 1], [start, base, 0], dash_length=0.08).set_stroke(self.theme.muted, 1.5)
            number = label(signed(values[step] - values[step - 1]), self.theme, TEXT, self.run_colour)
            number.next_to(arrow, DOWN if step % 2 else UP, buff=0.1)  # alternate sides: neighbours never touch
            hop = Line(points[step - 1], points[step]).set_stroke(self.run_colour, 3)
            arrows.add(drops, arrow)
            numbers.add(number)
            text = (
                f"With {rate} step 1 moves w by {signed(values[1] - values[0])}."
                if step == 1
                else f"Step {step}: the slope is recomputed at the new w, {signed(slopes[step - 1])}."
            )
            with self.narrate(text) as line:
                if step == 1:
                    self.play(Fade(rule), run_time=0.35 * line.duration)
                else:
                    moved = self.tangent(near, values[step - 1], losses[step - 1], slopes[step - 1], 0.3 * span)
                    self.play(ReplacementTransform(tangent, moved), Fade(rule, out=True), run_time=0.15 * line.duration)
                    rule = rule_of(step)
                    self.play(Fade(rule), run_time=0.15 * line.duration)
                    tangent = moved
                self.play(Create(drops), run_time=0.1 * line.duration)
                self.play(Create(arrow), Create(hop), dot.animate.move_to(points[step]), run_time=0.3 * line.duration)
                show(step)
                self.play(Fade(number), run_time=0.15 * line.duration)
            arrows.add(hop)
        # Back to the whole curve: the close-up shrinks into the small box it magnified.
        near_view = VGroup(*(part for part in near if part is not near.box), near_curve, tangent, arrows, numbers)
        near_view.add(rule, zoom, dot)
        self.play(Fade(near_view, out=True), run_time=self.t(0.4))
        self.remove(near_view)
        self.dot.move_to(panel.plot_point(values[CLOSE_STEPS], losses[CLOSE_STEPS]))
        self.play(ReplacementTransform(near.box, home), run_time=self.t(0.6))
        self.play(back, run_time=self.t(0.5))
        return VGroup(home)

    def learning_rates(self) -> None:
        if "start.rates" not in self.landscape.arrays:
            return
        rates, values, losses = (self.landscape[k] for k in ("start.rates", "start.rate_values", "start.rate_loss"))
        curve_x, curve_y = self.landscape["start.curve_values"], self.landscape["start.curve_loss"]
        # C up to well above the overshoot's landing, so it lands inside with room for its number; the curve is
        # cut where it leaves the panel, not flattened.
        x, y = curve_x, curve_y
        y_high = float(losses[:, :2].max())
        y_pad = 0.1 * (y_high - y.min())
        panel = CurvePanel(
            (float(x[0]), float(x[-1])), (y.min() - y_pad, y_high + 2.5 * y_pad), self.theme, 6.0, 3.6, label_size=TEXT
        )
        panel.move_to([-1.9, 0.45, 0])
        inside = y <= panel.y_high
        curve = panel.curve(x[inside], y[inside], self.theme.text, 4)
        self.play(Fade(self.weight_panel, out=True), Fade(self.roll_view, out=True), run_time=self.t(0.5))
        self.remove(*self.weight_panel, *self.roll_view)
        self.set_heading("Step sizes, from the same start")
        axis = label("C", self.theme, TEXT, self.theme.muted).next_to(panel.box, UP, buff=0.1, aligned_edge=LEFT)
        w_axis = label("w", self.theme, TEXT, self.theme.muted).next_to(panel.box, DOWN, buff=0.1, aligned_edge=RIGHT)
        axis = VGroup(axis, w_axis)
        with self.narrate("The same curve, zoomed out, and the same start: three step sizes.") as line:
            self.play(Fade(panel), Fade(axis), run_time=self.t(0.6))
            self.play(Create(curve), run_time=0.7 * line.duration)
        colors = [self.run_colour, self.theme.palette[2], self.theme.palette[4]]
        small, right, large = (fmt_number(r, 3) for r in rates)
        own = "the run's" if self.own_lr else "ours"
        moved = values[0, -1] - values[0, 0]
        tags = VGroup()
        for number, rate in enumerate(rates):
            tag = label(f"η = {fmt_number(rate, 3)}", self.theme, TEXT, colors[number])
            tags.add(tag.move_to([panel.box.get_right()[0] + 0.5, 2.1 - 0.5 * number, 0], aligned_edge=LEFT))
        paths = VGroup()
        for number in range(3):
            count = values.shape[1] if number < 2 else 2  # the overshoot's next step leaves the chart
            points = panel.plot_points(values[number, :count], losses[number, :count])
            paths.add(step_path(points, colors[number], 5, 0.08))
        inset = self.small_steps_inset(panel, values[0], losses[0], colors[0])
        with self.narrate(
            f"η = {small}, {own}: {values.shape[1] - 1} steps move w by only {signed(moved, 2)}."
        ) as line:
            self.play(Fade(tags[0]), step_by_step(paths[0]), run_time=0.3 * line.duration)
            self.play(Create(inset[0]), Fade(inset[1]), run_time=0.25 * line.duration)
            self.play(step_by_step(inset[2]), run_time=0.3 * line.duration)
            self.play(Fade(inset[3]), run_time=0.15 * line.duration)
        with self.narrate("Small, for one weight.") as line:
            self.play(Indicate(inset[3], color=colors[0], scale_factor=1.1), run_time=0.5 * line.duration)
            self.play(Fade(inset, out=True), run_time=0.3 * line.duration)  # the larger steps cross where it was
        self.remove(inset)
        with self.narrate(f"η = {right}: near the bottom in {self.steps_to_settle(losses[1])} steps.") as line:
            self.play(Fade(tags[1]), step_by_step(paths[1]), run_time=0.8 * line.duration)
        with self.narrate("Right for this one weight.") as line:
            self.play(Indicate(paths[1][1][-1], color=colors[1], scale_factor=2.0), run_time=0.6 * line.duration)
        landing = label(f"C = {losses[2, 1]:.3f}", self.theme, TEXT, colors[2])
        landing.next_to(paths[2][1][1], LEFT, buff=0.15)
        with self.narrate(f"η = {large}: one step jumps past the bottom, C rises to {losses[2, 1]:.3f}.") as line:
            self.play(Fade(tags[2]), step_by_step(paths[2]), run_time=0.6 * line.duration)
            self.play(Fade(landing), run_time=0.2 * line.duration)
        with self.narrate("Too large.") as line:
            self.play(Indicate(landing, color=colors[2], scale_factor=1.1), run_time=0.6 * line.duration)
        self.rate_view = VGroup(panel, axis, curve, tags, paths, landing)
        self.whole_network_fall(tags)
        self.play(Fade(self.rate_view, out=True), run_time=self.t(0.5))
        self.remove(*self.rate_view)

    def small_steps_inset(self, panel: CurvePanel, values: np.ndarray, losses: np.ndarray, colour: str) -> VGroup:
        """The run's own rate's few steps, too short to see on the whole curve, magnified in a box in the
        panel's free upper left: [0] the region and its zoom lines, [1] the box and curve, [2] the steps, [3] their
        total."""
        x, y = self.landscape["start.curve_values"], self.landscape["start.curve_loss"]
        span = values[-1] - values[0]
        low, high = values[0] - 0.25 * span, values[-1] + 0.25 * span
        cx, cy = _curve_between(x, y, values, losses, low, high)
        near = _close_panel(cx, cy, low, high, self.theme, 2.4, 1.0, 3)
        near.remove(near.tick_labels)
        # In the panel's upper middle: above the curve's low start and the overshoot's long step, below its top.
        near.move_to(panel.box.get_corner(UP + LEFT) + np.array([0.45 * panel.box.width, -1.05, 0]))
        region = Rectangle(
            width=max(abs(panel.plot_point(high, 0)[0] - panel.plot_point(low, 0)[0]), 0.12),
            height=max(abs(panel.plot_point(0, near.y_high)[1] - panel.plot_point(0, near.y_low)[1]), 0.12),
        ).set_stroke(colour, 2)
        region.move_to(panel.plot_point((low + high) / 2, (near.y_low + near.y_high) / 2))
        steps = step_path(near.plot_points(values, losses), colour, 4, 0.06)
        total = label(f"w {signed(span, 2)} in all", self.theme, TEXT, colour).next_to(near.box, UP, buff=0.08)
        return VGroup(
            VGroup(region, zoom_lines(region, near.box, colour)),
            VGroup(near, near.curve(cx, cy, self.theme.text, 3)),
            steps,
            total,
        )

    def whole_network_fall(self, tags: VGroup) -> None:
        """What the run's own rate did with every weight moving at once: the run's C over its first epochs."""
        everyone = fmt_count(self.parameters)
        own = self.landscape["path.loss"]
        epochs = self.landscape.epochs
        shown = min(3, len(epochs) - 1)
        if not self.own_lr or shown < 1:
            with self.narrate(f"One weight alone learns slowly; a network moves all {everyone} at once."):
                pass
            return
        chart = CurvePanel(
            (float(epochs[0]), float(epochs[shown])),
            (0.0, 1.45 * float(own[0])),  # room above the first point for its number
            self.theme,
            3.0,
            1.5,
            label_size=TEXT,
        )
        chart.move_to([tags.get_left()[0] + chart.width / 2, -0.8, 0])
        title = label("the run, all weights", self.theme, TEXT, self.run_colour).next_to(chart.box, UP, buff=0.15)
        title.align_to(chart, LEFT)
        line_ = chart.curve(epochs[: shown + 1], own[: shown + 1], self.run_colour, 4)
        dots = chart.dots(epochs[: shown + 1], own[: shown + 1], self.run_colour, 0.06)
        ends = VGroup(
            label(f"{own[0]:.2f}", self.theme, TEXT, self.run_colour).next_to(dots[0], UP + RIGHT, buff=0.05),
            label(f"{own[shown]:.2f}", self.theme, TEXT, self.run_colour).next_to(dots[-1], UP, buff=0.1),
        )
        epoch_axis = label("epoch", self.theme, TEXT, self.theme.muted).next_to(chart, DOWN, buff=0.08)
        epoch_axis.align_to(chart.box, RIGHT)
        rate = fmt_number(self.lr, 3)
        text = (
            f"All {everyone} at once, at η up to {rate}: C fell {own[0]:.2f} → {own[shown]:.2f} "
            f"by epoch {epochs[shown]}."
        )
        with self.narrate(text) as line:
            self.play(Fade(chart), Fade(title), Fade(epoch_axis), Fade(ends[0]), run_time=0.25 * line.duration)
            self.play(Create(line_), Fade(dots), run_time=0.45 * line.duration)
            self.play(Fade(ends[1]), run_time=0.15 * line.duration)
        self.rate_view.add(chart, title, line_, dots, ends, epoch_axis)
