"""descent: how a network learns, from the cost of one example to the run's own path down its landscape.

Chapter 2 of 3Blue1Brown's series, on a real run; every number is read from the run's stored
landscape (:mod:`nnexplain.run.landscape`, computed once before the scene renders):

1. **The cost.** One training example's output at the first snapshot (the untrained network)
   against its target, and its cost; then every example's cost and their average, the cost C.
2. **One weight rolls downhill.** C as one weight moves, the others held at the start; real
   steps w − η·∂C/∂w with the run's η, an equal time per step, so the dot slows as the slope flattens.
3. **Learning rates.** The same start, the run's η against a larger one that gets down fast and one
   so large its first step jumps past the bottom and C rises (real steps, computed, never drawn).
4. **The landscape.** C on the plane of the training path's two main directions, the path played
   with each snapshot's own cost.
5. **Stochastic.** Mini-batch gradients against the full one at the path's first and last points;
   then real mini-batch steps zig-zagging against full-batch steps from the same start.

    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/descent.py Descent
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Animation,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    Indicate,
    Line,
    VGroup,
)

from nnexplain.mobjects.descent import ColourBar, CostHistogram, OutputBars, StepRoll, step_by_step, step_path
from nnexplain.mobjects.hinges import CurvePanel, Fade, fmt_number
from nnexplain.mobjects.landscape import GradientFan, LandscapePlot, PathSweep
from nnexplain.mobjects.pixels import PixelImage
from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import fmt_count, label
from nnexplain.run.landscape import read_landscape
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["Descent"]

TEXT = 29  # points: capital letters about 16 px tall at 480p
HEADING = 34
MINUS = "−"


def signed(value: float, digits: int = 3) -> str:
    return f"{value:+.{digits}g}".replace("-", MINUS)


class Descent(RunScene):
    scene_name = "descent"
    captions_in_band = True  # the narration is drawn as subtitles; the picture keeps short labels only

    def setup(self) -> None:
        super().setup()
        self.landscape = read_landscape(self.run)
        self.facts = self.landscape.info
        self.start = self.facts["start"]
        self.parameters = self.run.network.parameter_count
        self.subset = self.facts["subset"]["first"]
        self.classify = self.run.output == "softmax"
        self.items = "digits" if self.run.dataset.get("name", "").startswith("mnist") else "examples"
        self.lr = self.start["lr"]
        self.own_lr = self.facts.get("lr") is not None
        self.heading = None

    def construct(self) -> None:
        self.beat("question")
        self.ask()
        self.beat("one example")
        self.one_example()
        self.beat("the average")
        self.average()
        self.beat("one weight")
        self.one_weight()
        self.beat("rolling down")
        self.roll_down()
        self.beat("learning rates")
        self.learning_rates()
        self.beat("the landscape")
        self.whole_landscape()
        self.beat("stochastic")
        self.batch_fans()
        self.beat("zig-zag")
        self.zig_zag()

    # --- beats -------------------------------------------------------------

    def ask(self) -> None:
        title = label("How does a network learn?", self.theme, 44, weight="BOLD").move_to([0, 0.9, 0])
        shape = " → ".join(map(str, self.run.layers))
        sub = label(f"a {shape} {self.run.activation} network, {self.items}", self.theme, TEXT, self.theme.muted)
        sub.next_to(title, DOWN, buff=0.35)
        with self.narrate("How does a network learn? By going downhill on one number: its cost.") as line:
            self.play(Fade(title), run_time=0.5 * line.duration)
            self.play(Fade(sub), run_time=0.5 * line.duration)
        self.play(Fade(title, out=True), Fade(sub, out=True), run_time=self.t(0.6))

    def one_example(self) -> None:
        self.set_heading(f"The cost of one {self.items[:-1]}, at epoch {self.start['epoch']:,}")
        inputs, outputs = self.landscape["start.example_inputs"], self.landscape["start.example_outputs"]
        target = int(self.landscape["start.example_targets"][0]) if self.classify else 0
        cost = float(self.landscape["start.losses"][0])
        picture = self.example_image(inputs[0], 2.6).move_to([-4.6, 0.4, 0])
        names = list(self.run.dataset.get("classes") or map(str, range(outputs.shape[1])))
        bars = OutputBars(outputs[0], target, names, self.theme, 6.4, 2.8, TEXT)
        bars.shift(np.array([1.9, -0.95, 0]) - bars.base.get_center())  # the base line; a probability of 1 is 2.8 up
        bars.target.move_to(bars.bars[target].get_bottom(), aligned_edge=DOWN)
        untrained = "the untrained" if self.start["epoch"] == 0 else "the first recorded"
        self.example_view = VGroup(bars)
        with self.narrate(
            f"{untrained.capitalize()} network on one {self.items[:-1]}: a probability per answer."
        ) as line:
            self.play(Fade(picture), Create(bars.base), Fade(bars.names), run_time=0.4 * line.duration)
            self.play(*(GrowFromEdge(bar, DOWN) for bar in bars.bars), run_time=0.6 * line.duration)
        right = names[target]
        p = float(outputs[0, target])
        got = label(f"{p:.3f}", self.theme, TEXT, self.theme.highlight).next_to(bars.bars[target], RIGHT, buff=0.1)
        got.shift((bars.bars[target].get_top()[1] + 0.25 - got.get_center()[1]) * UP)
        want = label("1", self.theme, TEXT, self.theme.highlight).next_to(bars.target, UP, buff=0.1)
        with self.narrate(f"The right answer, {right}, should get 1. It gets only {p:.3f}.") as line:
            self.play(Create(bars.target), Fade(want), run_time=0.5 * line.duration)
            self.play(Fade(got), run_time=0.3 * line.duration)
        formula = label(f"cost = −log {p:.3f} = {cost:.2f}", self.theme, TEXT + 4, self.theme.highlight)
        formula.move_to([1.9, -1.9, 0])
        with self.narrate(f"Its cost: −log {p:.3f} = {cost:.2f}. The less it believes the truth, the larger.") as line:
            self.play(Fade(formula), run_time=0.5 * line.duration)
        self.example_view = VGroup(picture, bars, bars.target, formula, got, want)

    def average(self) -> None:
        costs = self.landscape["start.losses"]
        inputs = self.landscape["start.example_inputs"]
        mean = float(costs.mean())
        row = VGroup()
        for number in range(len(inputs)):
            image = self.example_image(inputs[number], 1.2)
            value = label(f"{costs[number]:.2f}", self.theme, TEXT).next_to(image, DOWN, buff=0.12)
            row.add(VGroup(image, value))
        row.arrange(RIGHT, buff=0.45).move_to([0, 2.0, 0])
        self.play(Fade(self.example_view, out=True), run_time=self.t(0.5))
        self.remove(*self.example_view)
        self.set_heading(f"The cost C: an average over {self.items}")
        with self.narrate(f"Every {self.items[:-1]} has a cost of its own.") as line:
            self.play(*(Fade(part) for part in row), run_time=line.duration)
        top = float(np.ceil(costs.max()))
        histogram = CostHistogram(costs, self.theme, 9.0, 1.7, top).move_to([0, -0.6, 0])
        ticks = VGroup(
            *(
                label(f"{value:g}", self.theme, TEXT, self.theme.muted).next_to(histogram.x_of(value), DOWN, buff=0.12)
                for value in range(0, int(top) + 1)
            )
        )
        marker = Line(histogram.x_of(mean), histogram.x_of(mean) + 2.0 * UP).set_stroke(self.theme.highlight, 4)
        named = label(f"average C = {mean:.3f}", self.theme, TEXT, self.theme.highlight).next_to(marker, UP, buff=0.08)
        count = fmt_count(len(costs))
        with self.narrate(f"Over {count} training {self.items}, the costs spread like this.") as line:
            self.play(Create(histogram.base), Fade(ticks), run_time=0.3 * line.duration)
            self.play(*(GrowFromEdge(bar, DOWN) for bar in histogram.bars), run_time=0.7 * line.duration)
        with self.narrate(f"Their average, {mean:.3f}, is the cost C. Learning means bringing C down.") as line:
            self.play(Create(marker), Fade(named), run_time=0.5 * line.duration)
        self.cost_view = VGroup(row, histogram, ticks, marker, named)

    def one_weight(self) -> None:
        weight = self.start["weight"]
        values, losses = self.landscape["start.roll_values"], self.landscape["start.roll_loss"]
        curve_x, curve_y = self.landscape["start.curve_values"], self.landscape["start.curve_loss"]
        low, high = values.min(), values.max()
        pad = 0.15 * (high - low)
        keep = (curve_x >= low - pad) & (curve_x <= high + pad)
        x, y = curve_x[keep], curve_y[keep]
        y_pad = 0.12 * (y.max() - y.min())
        panel = CurvePanel(
            (float(x[0]), float(x[-1])), (y.min() - y_pad, y.max() + y_pad), self.theme, 8.0, 3.6, label_size=TEXT
        )
        panel.move_to([0.6, 0.45, 0])
        name = label(f"w: {self.weight_name(weight)}", self.theme, TEXT, self.theme.muted).next_to(
            panel.box, DOWN, buff=0.6
        )
        axis = label("C", self.theme, TEXT, self.theme.muted).next_to(panel.box, UP, buff=0.1, aligned_edge=LEFT)
        curve = panel.curve(x, y, self.theme.text, 4)
        self.play(Fade(self.cost_view, out=True), run_time=self.t(0.5))
        self.remove(*self.cost_view)
        self.set_heading("One weight, the other " + fmt_count(self.parameters - 1) + " held")
        held = fmt_count(self.parameters - 1)
        with self.narrate(f"Take one weight, w, and hold the other {held} where they start.") as line:
            self.play(Fade(panel), Fade(axis), run_time=self.t(0.6))
            self.play(Fade(name), run_time=0.3 * line.duration)
            self.play(Indicate(name, color=self.theme.text, scale_factor=1.08), run_time=0.4 * line.duration)
        dot = Dot(panel.plot_point(values[0], losses[0]), radius=0.09, color=self.theme.highlight)
        with self.narrate("Moving w alone traces this curve of C. The dot is where w starts.") as line:
            self.play(Create(curve), run_time=0.7 * line.duration)
            self.play(Fade(dot), run_time=0.3 * line.duration)
        slope = float(self.landscape["start.roll_slope"][0])
        # The tangent runs a quarter of the axis each way, cut where it would leave the panel.
        ends = []
        for side in (-1, 1):
            reach = 0.25 * (x[-1] - x[0])
            reach = min(reach, values[0] - x[0] if side < 0 else x[-1] - values[0])
            rise = side * slope
            if abs(rise) > 0:
                room = (panel.y_high - losses[0]) if rise > 0 else (losses[0] - panel.y_low)
                reach = min(reach, room / abs(rise))
            ends.append(panel.plot_point(values[0] + side * reach, losses[0] + side * reach * slope))
        tangent = Line(*ends).set_stroke(self.theme.highlight, 3)
        with self.narrate(f"Its slope there, ∂C/∂w, is {signed(slope)}: backpropagation computes it.") as line:
            self.play(Create(tangent), run_time=0.6 * line.duration)
        self.weight_panel = VGroup(panel, name, axis, curve, tangent)
        self.dot = dot
        self.tangent = tangent

    def roll_down(self) -> None:
        panel = self.weight_panel[0]
        values, losses = self.landscape["start.roll_values"], self.landscape["start.roll_loss"]
        slopes = self.landscape["start.roll_slope"]
        first = -self.lr * slopes[0]
        rate = f"η = {fmt_number(self.lr, 3)}" + (
            f", the run's {self.rate_kind()}" if self.own_lr else ", chosen for this picture"
        )
        readout = SlotText(label(f"step {len(values) - 1:,} · C = {losses.max():.4f}", self.theme, TEXT), edge=UL)
        readout.move_to(panel.box.get_corner(UP + RIGHT) + np.array([0, 0.12, 0]), aligned_edge=DOWN + RIGHT)

        def show(step: int) -> None:
            readout.show(label(f"step {step:,} · C = {losses[step]:.4f}", self.theme, TEXT))

        show(0)
        self.add(readout)
        trail = VGroup()
        self.add(trail)
        steps = len(values) - 1
        points = panel.plot_points(values, losses)
        # The first steps slowly, one hop at a time while the rule is said; then the rest at an equal time per
        # step, so each hop's length is the dot's speed and it is seen to slow down.
        parts = [(0, 3), (3, 10), (10, steps)]
        lines = [
            "A step moves w by −η × slope: downhill, and longer where it is steeper.",
            f"With {rate}, step 1 moves w by {signed(first, 2)}.",
            f"{steps} real steps, the slope recomputed each time: they shrink as it flattens.",
        ]
        for (begin, end), text in zip(parts, lines):
            with self.narrate(text) as line:
                roll = StepRoll(
                    self.dot,
                    points[begin : end + 1],
                    trail,
                    self.theme.highlight,
                    on_step=show,
                    first=begin,
                    run_time=max(0.9 * line.duration, self.t(8.0) if end == steps else 0),
                )
                if begin == 0:
                    self.play(Fade(self.tangent, out=True), run_time=self.t(0.4))
                self.play(roll, Animation(readout))
        drop = losses[0] - losses[-1]
        with self.narrate(f"C fell by only {drop:.3f}. One weight alone can do little.") as line:
            self.play(self.dot.animate.scale(1.6), run_time=0.3 * line.duration)
            self.play(self.dot.animate.scale(1 / 1.6), run_time=0.3 * line.duration)
        self.roll_view = VGroup(readout, trail, self.dot)

    def learning_rates(self) -> None:
        if "start.rates" not in self.landscape.arrays:
            return
        rates, values, losses = (self.landscape[k] for k in ("start.rates", "start.rate_values", "start.rate_loss"))
        curve_x, curve_y = self.landscape["start.curve_values"], self.landscape["start.curve_loss"]
        # C up to a little above the overshoot's landing; the curve is cut where it leaves the panel, not flattened.
        x, y = curve_x, curve_y
        y_high = float(losses[:, :2].max())
        y_pad = 0.1 * (y_high - y.min())
        panel = CurvePanel(
            (float(x[0]), float(x[-1])), (y.min() - y_pad, y_high + y_pad), self.theme, 7.4, 3.6, label_size=TEXT
        )
        panel.move_to([0.2, 0.45, 0])
        inside = y <= y_high + y_pad
        curve = panel.curve(x[inside], y[inside], self.theme.text, 4)
        self.play(Fade(self.weight_panel, out=True), Fade(self.roll_view, out=True), run_time=self.t(0.5))
        self.remove(*self.weight_panel, *self.roll_view)
        self.set_heading("Step sizes, from the same start")
        axis = label("C", self.theme, TEXT, self.theme.muted).next_to(panel.box, UP, buff=0.1, aligned_edge=LEFT)
        with self.narrate("The same curve, zoomed out, and the same start: three step sizes.") as line:
            self.play(Fade(panel), Fade(axis), run_time=self.t(0.6))
            self.play(Create(curve), run_time=0.7 * line.duration)
        colors = [self.theme.palette[0], self.theme.palette[2], self.theme.palette[4]]
        small, right, large = (fmt_number(r, 3) for r in rates)
        own = "the run's" if self.own_lr else "ours"
        words = [
            f"η = {small}, {own}: {values.shape[1] - 1} steps and w has barely moved: small for one weight.",
            f"η = {right}: near the bottom in {self.steps_to_settle(losses[1])} steps. Right for this one weight.",
            f"η = {large}: one step jumps past the bottom, C rises to {losses[2, 1]:.3f}. Too large.",
        ]
        tags = VGroup()
        self.rate_parts = VGroup()
        for number, (color, text) in enumerate(zip(colors, words)):
            count = values.shape[1] if number < 2 else 2  # the overshoot's next step leaves the chart
            path = step_path(panel.plot_points(values[number, :count], losses[number, :count]), color)
            tag = label(f"η = {fmt_number(rates[number], 3)}", self.theme, TEXT, color)
            tags.add(tag)
            tag.move_to([panel.box.get_right()[0] + 0.25, 1.6 - 0.55 * number, 0], aligned_edge=LEFT)
            with self.narrate(text) as line:
                self.play(Fade(tag), step_by_step(path), run_time=0.7 * line.duration)
            self.rate_parts.add(path)
        self.rate_view = VGroup(panel, axis, curve, tags, self.rate_parts)
        everyone = fmt_count(self.parameters)
        closing = (
            f"But with all {everyone} moving at once, η = {small} is what trained this run."
            if self.own_lr
            else f"One weight alone learns slowly; a network moves all {everyone} at once."
        )
        with self.narrate(closing) as line:
            self.play(Indicate(tags[0], color=colors[0], scale_factor=1.3), run_time=0.5 * line.duration)
        self.play(Fade(self.rate_view, out=True), run_time=self.t(0.5))
        self.remove(*self.rate_view)

    def whole_landscape(self) -> None:
        self.set_heading("All the weights at once")
        plot = LandscapePlot(self.landscape, self.theme, width=5.4, height=4.3)
        plot.move_to([-3.3, 0.35, 0])
        self.plot = plot
        right = label("direction 1 →", self.theme, TEXT, self.theme.muted).next_to(plot.box, DOWN, buff=0.12)
        up = (
            label("direction 2 →", self.theme, TEXT, self.theme.muted)
            .rotate(np.pi / 2)
            .next_to(plot.box, LEFT, buff=0.12)
        )
        grid = self.landscape["grid.loss"]
        scale = ColourBar(float(grid.min()), float(grid.max()), self.theme, plot.box.height, TEXT)
        scale.next_to(plot.box, RIGHT, buff=0.2).align_to(plot.box, DOWN)
        scale.shift((plot.box.get_center()[1] - scale.strip.get_center()[1]) * UP)
        with self.narrate("C over a plane of weights: the two directions the training path moved most.") as line:
            self.play(
                FadeIn(plot.image),
                FadeIn(scale),
                Create(plot.contours),
                Create(plot.box),
                Fade(right),
                Fade(up),
                run_time=line.duration,
            )
        final = Dot(plot.plot_point([0.0, 0.0]), radius=0.11, color=self.theme.highlight)
        named = label("final weights", self.theme, TEXT, self.theme.highlight).next_to(final, DOWN, buff=0.12)
        with self.narrate("Bright is high cost, dark is low. The plane passes through the final weights.") as line:
            self.play(Fade(final), Fade(named), run_time=0.5 * line.duration)
        self.play(Fade(final, out=True), Fade(named, out=True), run_time=self.t(0.4))
        epochs, own = self.landscape.epochs, self.landscape["path.loss"]
        readout = (
            VGroup(
                SlotText(label(f"epoch {max(epochs):,}", self.theme, HEADING, weight="BOLD"), edge=UL),
                SlotText(label(f"C = {max(own):.3f}", self.theme, HEADING), edge=UL),
            )
            .arrange(DOWN, aligned_edge=LEFT, buff=0.25)
            .move_to([1.8, 1.8, 0], aligned_edge=UL)
        )
        own_note = label("the snapshot's own C", self.theme, TEXT, self.theme.muted)
        own_note.next_to(readout, DOWN, buff=0.2, aligned_edge=LEFT)

        def show(index: int) -> None:
            readout[0].show(label(f"epoch {epochs[index]:,}", self.theme, HEADING, weight="BOLD"))
            readout[1].show(label(f"C = {own[index]:.3f}", self.theme, HEADING))

        show(0)
        self.add(readout)
        self.play(Fade(own_note), run_time=self.t(0.3))
        sweep_seconds = max(6.0, 0.45 * (len(epochs) - 1))
        with self.narrate(
            f"The run's own path, epoch {epochs[0]} to {epochs[-1]}: C falls {own[0]:.2f} → {own[-1]:.2f}."
        ) as line:
            self.play(
                Animation(readout),
                PathSweep(plot, on_snapshot=show, step_seconds=self.t(sweep_seconds) / max(len(epochs) - 1, 1)),
                run_time=max(line.duration, sweep_seconds),
            )
        half = next(k for k, value in enumerate(own) if value <= own[0] - 0.9 * (own[0] - own[-1]))
        with self.narrate(f"Nine tenths of that fall is done by epoch {epochs[half]}; the rest is a creep.") as line:
            dot = Dot(plot.plot_point(self.landscape["path.coords"][half]), radius=0.12, color=self.theme.highlight)
            show(half)
            self.play(Fade(dot), Animation(readout), run_time=0.4 * line.duration)
        # The plane holds most of the path's motion, not all: the colour under a snapshot is not its own cost.
        under = float(self.landscape["path.surface_loss"][half])
        if abs(under - own[half]) > 0.05 * own[half]:
            caveat = VGroup(
                label(f"colour under it: C = {under:.2f}", self.theme, TEXT, self.theme.muted),
                label("(the path leaves the plane)", self.theme, TEXT, self.theme.muted),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            caveat.next_to(readout, DOWN, buff=0.35, aligned_edge=LEFT)
            with self.narrate(
                f"The path leaves the plane: under epoch {epochs[half]} the colour says {under:.2f}, "
                f"not its {own[half]:.2f}."
            ) as line:
                self.play(Fade(caveat), Indicate(dot, color=self.theme.highlight), run_time=0.6 * line.duration)
            readout = VGroup(readout, caveat)
        self.landscape_view = VGroup(right, up, VGroup(readout, own_note), dot)

    def batch_fans(self) -> None:
        stochastic = self.facts["stochastic"]
        batch, full = stochastic["batch_size"], stochastic["full"]
        trained = self.facts.get("trained_batch_size")
        self.play(Fade(self.landscape_view[2:], out=True), run_time=self.t(0.4))
        self.remove(*self.landscape_view[2:])
        self.set_heading("Why “stochastic”")
        if trained:
            text = f"Each real step used only {batch} {self.items} of the {fmt_count(full)}: a mini-batch."
        else:
            text = f"This run stepped on all {fmt_count(full)} {self.items}; a stochastic step uses {batch}."
        coords = self.landscape["path.coords"]
        where = [0, len(coords) - 1]
        fans = VGroup()
        orange = self.theme.palette[1]
        for slot, index in enumerate(where):
            fan = GradientFan(
                float(self.landscape["stochastic.full_norm"][slot]),
                self.landscape["stochastic.batch_norm"][slot],
                self.landscape["stochastic.angles"][slot],
                self.theme,
                length=1.2,
                color=orange,
            )
            downhill = self.landscape["stochastic.downhill"][slot]
            fan.rotate(np.arctan2(downhill[1], downhill[0]), about_point=fan.full.get_start())
            fan.shift(self.plot.plot_point(coords[index]) - fan.full.get_start())
            fan.full.set_color(self.theme.palette[5])  # teal: all the data, as in the close-up below
            for arrow in [*fan.batches, fan.full]:  # a dark rim keeps them visible on the bright slopes
                arrow.set_stroke(self.theme.background, width=8, background=True)
            fans.add(fan)
        legend = (
            VGroup(
                label("teal: all the data", self.theme, TEXT, self.theme.palette[5]),
                label(f"orange: {stochastic['batches']} mini-batches", self.theme, TEXT, orange),
            )
            .arrange(DOWN, aligned_edge=LEFT, buff=0.2)
            .move_to([0.9, 2.2, 0], aligned_edge=UL)
        )
        angles, norms = self.landscape["stochastic.angles"], self.landscape["stochastic.batch_norm"]
        fulls = self.landscape["stochastic.full_norm"]
        with self.narrate(text) as line:
            self.play(Fade(legend[1]), run_time=0.5 * line.duration)
        with self.narrate(
            f"At the start, mini-batches point within {angles[0].max():.0f}° of the full gradient."
        ) as line:
            self.play(
                Fade(legend[0]),
                Create(fans[0].full),
                *(Create(a) for a in fans[0].batches),
                run_time=0.6 * line.duration,
            )
        ratio = norms[1].mean() / fulls[1]
        with self.narrate(
            f"Near the end: {ratio:.0f}× longer than it, and {angles[1].min():.0f}–{angles[1].max():.0f}° off its direction."
        ) as line:
            self.play(Create(fans[1].full), *(Create(a) for a in fans[1].batches), run_time=0.6 * line.duration)
        self.fan_view = VGroup(fans, legend)

    def zig_zag(self) -> None:
        batch_xy, full_xy = self.landscape["start.zigzag_batch"], self.landscape["start.zigzag_full"]
        batch_loss, full_loss = self.landscape["start.zigzag_batch_loss"], self.landscape["start.zigzag_full_loss"]
        zig = self.start["zigzag"]
        self.play(FadeOut(self.fan_view), run_time=self.t(0.4))  # FadeOut: Fade leaves the arrows' dark rims
        self.remove(*self.fan_view)
        both = np.vstack([batch_xy, full_xy])
        span = max(np.ptp(both[:, 0]), np.ptp(both[:, 1]), 1e-9)
        box_w, box_h = 5.2, 3.2
        scale = 0.85 * min(box_w / max(np.ptp(both[:, 0]), 1e-9), box_h / max(np.ptp(both[:, 1]), span * 0.3))
        centre = (both.max(axis=0) + both.min(axis=0)) / 2
        origin = np.array([3.6, 0.75, 0])

        def to_scene(xy: np.ndarray) -> np.ndarray:
            shifted = (np.asarray(xy) - centre) * scale
            return np.column_stack([shifted, np.zeros(len(shifted))]) + origin

        orange, teal = self.theme.palette[1], self.theme.palette[5]
        zig_path = step_path(to_scene(batch_xy), orange, 4)
        full_path = step_path(to_scene(full_xy), teal, 5)
        steps, full_steps = len(batch_xy) - 1, len(full_xy) - 1
        count = fmt_count(self.subset)
        # Tied to the path's first point: a close look at the start, on a plane of its own (said below).
        start = self.plot.plot_point(self.landscape["path.coords"][0])
        link = DashedLine(start, zig_path[1][0].get_center(), dash_length=0.12).set_stroke(self.theme.muted, 2)
        title = label(f"epoch {self.start['epoch']:,}, close up", self.theme, TEXT, self.theme.muted)
        title.move_to([origin[0], origin[1] + box_h / 2 + 0.35, 0])
        here = label("start", self.theme, TEXT, self.theme.muted).next_to(zig_path[1][0], DOWN, buff=0.15)
        self.play(Create(link), Fade(title), Fade(here), run_time=self.t(0.6))
        with self.narrate(
            f"From the start: {steps} steps of η = {fmt_number(self.lr, 3)}, each on {zig['batch_size']} {self.items}…"
        ) as line:
            self.play(step_by_step(zig_path), run_time=0.85 * line.duration)
        work = "one step" if full_steps == 1 else f"{full_steps} steps"
        with self.narrate(f"…the same work as {work} on all {count} {self.items} C is measured on.") as line:
            self.play(step_by_step(full_path), run_time=0.8 * line.duration)
        shown = f"{zig['captured']:.0%}"
        with self.narrate(f"Drawn in the plane of that step and the batches' widest swerve: {shown} of it.") as line:
            self.play(Indicate(zig_path[0], color=orange), run_time=0.5 * line.duration)
        with self.narrate(
            f"Same work: the batches reach C = {batch_loss[-1]:.3f}, the full step only {full_loss[-1]:.3f}."
        ) as line:
            ends = (
                VGroup(
                    label(f"{steps} batch steps: C = {batch_loss[-1]:.3f}", self.theme, TEXT, orange),
                    label(f"{work} on all: C = {full_loss[-1]:.3f}", self.theme, TEXT, teal),
                )
                .arrange(DOWN, aligned_edge=LEFT, buff=0.2)
                .move_to([6.65, -0.95, 0], aligned_edge=UP + RIGHT)
            )
            self.play(Fade(ends), run_time=0.4 * line.duration)
        per_epoch = int(np.ceil(self.facts["stochastic"]["full"] / zig["batch_size"]))
        trained = self.facts.get("trained_batch_size")
        ending = (
            f"Each dot of the run's path is an epoch of {per_epoch} such noisy steps."
            if trained
            else "Cheap, noisy steps like these are what “stochastic” gradient descent takes."
        )
        with self.narrate(ending) as line:
            self.play(self.plot.path_dots.animate.set_color(orange), run_time=0.5 * line.duration)

    # --- pieces ------------------------------------------------------------

    def set_heading(self, text: str) -> None:
        heading = label(text, self.theme, HEADING, weight="BOLD").to_corner(UL, buff=0.45)
        if self.heading is not None:  # the old one fully out before the new one comes in
            self.play(Fade(self.heading, out=True), run_time=self.t(0.3))
            self.remove(self.heading)
        self.play(Fade(heading), run_time=self.t(0.4))
        self.heading = heading

    def example_image(self, values: np.ndarray, height: float):
        shape = self.run.dataset.get("input_shape")
        if shape and len(shape) == 2:
            return PixelImage(np.asarray(values).reshape(shape), height / shape[0])
        text = ", ".join(fmt_number(v) for v in np.ravel(values)[:3])
        return label(f"({text})", self.theme, TEXT)

    def rate_kind(self) -> str:
        """The run's η is its peak under a one-cycle schedule (it starts and ends far lower)."""
        schedule = (self.run.manifest.get("config") or {}).get("schedule")
        return "peak rate" if schedule == "onecycle" else "rate"

    def steps_to_settle(self, losses: np.ndarray) -> int:
        """The first step after which C is within a tenth of its last fall's total of where it ends."""
        fall = losses[0] - losses[-1]
        return int(next(k for k, value in enumerate(losses) if value - losses[-1] <= 0.1 * fall))

    def weight_name(self, weight: dict) -> str:
        layer, row, column = weight["layer"], weight["row"], weight["column"]
        last = len(self.run.layers) - 2
        source = f"input {column + 1}" if layer == 0 else f"hidden neuron {column + 1}"
        classes = self.run.dataset.get("classes") or []
        if layer == last:
            target = f"output {classes[row]!r}" if row < len(classes) else f"output {row + 1}"
        else:
            target = f"neuron {row + 1} above"
        return f"from {source} to {target}"
