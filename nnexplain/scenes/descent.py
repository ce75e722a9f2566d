"""descent: how a network learns, from the cost of one example to the run's own path down its landscape.

Chapter 2 of 3Blue1Brown's series, on a real run; every number is read from the run's stored
landscape (:mod:`nnexplain.run.landscape`, computed once before the scene renders):

1. **The cost.** One training example's output at the first snapshot (the untrained network)
   against its target, and its cost on the −log p curve; then every example's cost and their average, C.
2. **One weight rolls downhill** (:mod:`~nnexplain.scenes.descent_weight`). The one weight lit in the
   network, the others held; C as it moves; real steps w − η·∂C/∂w with the run's η, the first three
   close up with each Δw drawn, then the rest with a tick every tenth step, so the steps are seen to shrink.
3. **Learning rates.** The same start, the run's η against a larger one that gets down fast and one
   so large its first step jumps past the bottom and C rises (real steps, computed, never drawn);
   then what the run's η did with every weight moving: the run's own C over its first epochs.
4. **The landscape** (:mod:`~nnexplain.scenes.descent_landscape`). C on the plane of the training
   path's two main directions, the path played with each snapshot coloured by its own cost.
5. **Stochastic.** Mini-batch gradients against the full one at the path's first and last points;
   then real mini-batch steps zig-zagging against a full-batch step of the same work.

Colours keep one meaning: purple the right answer, blue the run's own rate, orange mini-batches,
teal all the data, and the landscape's colour scale the cost C.

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
    Arrow,
    Create,
    Dot,
    GrowFromEdge,
    Indicate,
    Line,
    MoveAlongPath,
    VGroup,
    VMobject,
)

from nnexplain.mobjects.descent import CostHistogram, OutputBars
from nnexplain.mobjects.hinges import CurvePanel, Fade, fmt_number
from nnexplain.mobjects.pixels import PixelImage
from nnexplain.mobjects.style import fmt_count, label
from nnexplain.run.landscape import read_landscape
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.descent_landscape import LandscapeBeats
from nnexplain.scenes.descent_weight import OneWeightBeats
from nnexplain.scenes.descent_words import HEADING, TEXT

__all__ = ["Descent"]


class Descent(OneWeightBeats, LandscapeBeats, RunScene):
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
        palette = self.theme.palette
        self.run_colour = palette[0]  # blue: the run's own rate, the one weight and its steps
        self.batch_colour = palette[1]  # orange: mini-batches, nothing else
        self.full_colour = palette[5]  # teal: all the data
        self.truth_colour = palette[3]  # purple: the right answer and its cost, nothing else

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
        # One sentence a caption: the answer is not on screen before the question has been read.
        with self.narrate("How does a network learn?") as line:
            self.play(Fade(title), run_time=0.8 * line.duration)
        with self.narrate("By going downhill on one number: its cost.") as line:
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
        bars.target.move_to(bars.bars[target].get_bottom(), aligned_edge=DOWN).set_stroke(self.truth_colour)
        bars.bars[target].set_fill(self.truth_colour)
        untrained = "the untrained" if self.start["epoch"] == 0 else "the first recorded"
        with self.narrate(
            f"{untrained.capitalize()} network on one {self.items[:-1]}: a probability per answer."
        ) as line:
            self.play(Fade(picture), Create(bars.base), Fade(bars.names), run_time=0.4 * line.duration)
            self.play(*(GrowFromEdge(bar, DOWN) for bar in bars.bars), run_time=0.6 * line.duration)
        right = names[target]
        p = float(outputs[0, target])
        got = label(f"{p:.3f}", self.theme, TEXT, self.truth_colour).next_to(bars.bars[target], RIGHT, buff=0.1)
        got.shift((bars.bars[target].get_top()[1] + 0.25 - got.get_center()[1]) * UP)
        want = label("1", self.theme, TEXT, self.truth_colour).next_to(bars.target, UP, buff=0.1)
        with self.narrate(f"The right answer, {right}, should get 1.") as line:
            self.play(Create(bars.target), Fade(want), run_time=0.6 * line.duration)
        with self.narrate(f"It gets only {p:.3f}.") as line:
            self.play(Fade(got), Indicate(bars.bars[target], color=self.truth_colour), run_time=0.6 * line.duration)
        formula = label(f"cost = −log {p:.3f} = {cost:.2f}", self.theme, TEXT + 4, self.truth_colour)
        formula.move_to([1.9, -1.9, 0])
        with self.narrate(f"Its cost: −log {p:.3f} = {cost:.2f}.") as line:
            self.play(Fade(formula), run_time=0.5 * line.duration)
        curve_view = self.minus_log_curve(p, cost)
        with self.narrate("The less it believes the truth, the larger; believing it fully costs 0.") as line:
            self.play(Fade(picture, out=True), run_time=0.15 * line.duration)
            self.remove(picture)
            panel, curve, point, moving = curve_view
            self.play(Fade(panel), Create(curve), run_time=0.3 * line.duration)
            self.play(Fade(point), Fade(moving), run_time=0.1 * line.duration)
            along = np.linspace(p, 1.0, 40)
            track = VMobject().set_points_as_corners(panel[0].plot_points(along, -np.log(along)))
            self.play(MoveAlongPath(moving, track), run_time=0.35 * line.duration)
        self.example_view = VGroup(bars, bars.target, formula, got, want, curve_view)

    def minus_log_curve(self, p: float, cost: float) -> VGroup:
        """−log p against p, the example's own (p, cost) marked, and a dot to slide to p = 1 (the definition of
        the cost drawn, not data: the marked point is the run's)."""
        top = max(4.0, float(np.ceil(cost + 0.5)))
        panel = CurvePanel((0.0, 1.0), (0.0, top), self.theme, 2.9, 2.6, x_labels=False, label_size=TEXT)
        panel.move_to([-4.5, 0.35, 0])
        for value in (0, 0.5, 1):  # three ticks: quarters would run into each other at this width
            mark = label(f"{value:g}", self.theme, TEXT, self.theme.muted)
            panel.tick_labels.add(mark.next_to(panel.plot_point(value, 0.0), DOWN, buff=0.12))
        p_axis = label("p", self.theme, TEXT, self.theme.muted).next_to(panel.box, RIGHT, buff=0.1)
        p_axis.align_to(panel.box, DOWN).shift(0.3 * UP)
        c_axis = label("cost", self.theme, TEXT, self.theme.muted).next_to(panel.box, UP, buff=0.1, aligned_edge=LEFT)
        grid = np.linspace(np.exp(-top), 1.0, 120)
        curve = panel.curve(grid, -np.log(grid), self.theme.text, 3)
        point = Dot(panel.plot_point(p, cost), radius=0.08, color=self.truth_colour)
        said = label(f"{cost:.2f}", self.theme, TEXT, self.truth_colour).next_to(point, RIGHT, buff=0.12)
        moving = Dot(panel.plot_point(p, cost), radius=0.06, color=self.theme.text)
        return VGroup(VGroup(panel, p_axis, c_axis), curve, VGroup(point, said), moving)

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
        # The axis runs half a unit past the largest cost, so the last bar is seen to be a cost, not an overflow.
        top = float(np.ceil(costs.max() * 2) / 2 + 0.5)
        histogram = CostHistogram(costs, self.theme, 9.0, 1.7, top).move_to([0, -0.6, 0])
        ticks = VGroup(
            *(
                label(f"{value:g}", self.theme, TEXT, self.theme.muted).next_to(histogram.x_of(value), DOWN, buff=0.12)
                for value in range(0, int(top) + 1)
            )
        )
        count = fmt_count(len(costs))
        whole = fmt_count(self.facts["subset"]["of"])
        axis = label(f"cost of each of {count} training {self.items} (of {whole})", self.theme, TEXT, self.theme.muted)
        axis.next_to(ticks, DOWN, buff=0.12)
        marker = Line(histogram.x_of(mean), histogram.x_of(mean) + 2.0 * UP).set_stroke(self.theme.text, 4)
        named = label(f"average C = {mean:.3f}", self.theme, TEXT).next_to(marker, UP, buff=0.08)
        with self.narrate(f"Over {count} of the {whole} training {self.items}, the costs spread like this.") as line:
            self.play(Create(histogram.base), Fade(ticks), Fade(axis), run_time=0.3 * line.duration)
            self.play(*(GrowFromEdge(bar, DOWN) for bar in histogram.bars), run_time=0.7 * line.duration)
        with self.narrate(f"Their average, {mean:.3f}, is the cost C.") as line:
            self.play(Create(marker), Fade(named), run_time=0.6 * line.duration)
        lower = Arrow(
            named.get_left() + 0.1 * LEFT, [histogram.x_of(0.4)[0], named.get_center()[1], 0], buff=0, stroke_width=6
        ).set_color(self.theme.text)
        with self.narrate("Learning means bringing C down.") as line:
            self.play(Create(lower), run_time=0.6 * line.duration)
        self.cost_view = VGroup(row, histogram, ticks, axis, marker, named, lower)

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
