"""What the first layer learns: its weight images, over training, honestly, and one neuron's sum.

    nnexplain render hidden-features --run runs/mnist
    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/hidden_features.py HiddenFeatures

Each first-layer neuron's 784 weights drawn as a 28 × 28 image, all on one fixed
colour scale (:func:`nnexplain.geometry.features.weight_scale`); then the grid
from the initialisation through every recorded snapshot, beside the validation
accuracy; then one neuron beside the stroke detector the hopeful story draws, with
a measured fact; then that neuron's weighted sum on the probe digit that excites
it most, ending on the number the run recorded. Subclass to change the pace
(``pace``, ``snapshot_seconds``) or the neuron (``neuron``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, Group, Rectangle, SurroundingRectangle, VGroup

from nnexplain.geometry.features import (
    neuron_sum,
    plainest_neuron,
    start_correlation,
    stroke_template,
    strongest_probe,
    top_share,
    weight_images,
    weight_scale,
)
from nnexplain.geometry.network import image_shape
from nnexplain.mobjects.charts import LineChart, Readout
from nnexplain.mobjects.heatmap import ColourBar, Heatmap, Playback, blend_keyframes, diverging_rgba, grey_rgba
from nnexplain.mobjects.style import fmt_percent, label
from nnexplain.scenes.base.caption_layout import say_below, title_block
from nnexplain.scenes.base.run_facts import has_history, has_random_start, origin
from nnexplain.scenes.base.run_scene import RunScene

GRID_CENTRE = np.array([-3.6, -0.2, 0])
TILE, GAP = 1.3, 0.12
COLUMN_X = 0.75  # left edge of the right-hand column
SYMBOL = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU"}


class HiddenFeatures(RunScene):
    scene_name = "hidden-features"
    snapshot_seconds: ClassVar[float] = 0.3  # per recorded snapshot in the sweep over training
    neuron: ClassVar[int | None] = None  # the neuron of the last two beats; None: the most concentrated one

    def setup(self) -> None:
        super().setup()
        self.shape = image_shape(self.run)
        self.scale = weight_scale(self.run)
        self.keyframes = [weight_images(self.run, epoch, self.shape) for epoch in self.run.epochs]
        self.final = self.keyframes[-1]
        self.chosen = plainest_neuron(self.final) if self.neuron is None else int(self.neuron)

    def construct(self) -> None:
        self.beat("the grid")
        self.show_grid()
        if has_history(self.run):
            self.beat("over training")
            self.over_training()
        else:  # one snapshot (an imported run): nothing to replay, and said so
            self.beat("final weights only")
            self.final_weights_only()
        self.beat("what are they")
        self.honest_answer()
        self.beat("one neuron")
        self.one_neuron()
        self.hold(extra=1.0)

    # --- beats -------------------------------------------------------------

    def show_grid(self) -> None:
        units = self.final.shape[0]
        shape = "-".join(map(str, self.run.layers))
        self.title = title_block(
            "What does the first layer learn?",
            f"{self.run.recipe} · {shape} · {self.run.activation} · the first layer's real weights",
            self.theme,
        )
        self.tiles = Group(*(Heatmap(self.rgba(image), TILE) for image in self.final))
        self.tiles.arrange_in_grid(rows=int(np.ceil(units / 4)), cols=min(units, 4), buff=GAP).move_to(GRID_CENTRE)
        self.frames = VGroup(
            *(Rectangle(width=TILE, height=TILE).set_stroke(self.theme.neuron_stroke, 1).move_to(t) for t in self.tiles)
        )
        self.legend = ColourBar(self.scale, self.theme, text="weight, one colour scale for every image", size=16)
        self.legend.move_to([COLUMN_X, 2.35, 0], aligned_edge=LEFT)
        note = label(
            f"colours saturate at ±{self.scale:.2f}:\n99% of the final weights lie inside",
            self.theme,
            16,
            self.theme.muted,
        )
        self.scale_note = note.next_to(self.legend, DOWN, buff=0.2, aligned_edge=LEFT)
        self.play(
            FadeIn(self.title, shift=0.2 * DOWN),
            FadeIn(self.tiles),
            FadeIn(self.frames),
            FadeIn(self.legend),
            FadeIn(self.scale_note),
            run_time=self.t(1.2),
        )
        say_below(
            self,
            f"Each of the {units} first-layer neurons has one weight per pixel: {self.shape[0]} × {self.shape[1]} "
            "weights, drawn as an image.",
        )
        say_below(self, "Blue pixels push the neuron up when they are inked, red ones pull it down; dark is near zero.")

    def final_weights_only(self) -> None:
        say_below(
            self,
            f"This run holds one snapshot, its final weights ({origin(self.run)}): there is no training "
            "to replay here.",
        )

    def over_training(self) -> None:
        history = self.run.history
        epochs = np.asarray(self.run.epochs, np.float64)
        accuracy = history.metric("val_acc")
        self.chart = LineChart(
            (0, max(epochs[-1], 1)),
            (0, 1),
            self.theme,
            4.7,
            2.0,
            y_ticks=[0, 0.5, 1],
            percent=True,
            title="validation accuracy",
            x_title="epoch",
        )
        self.chart.move_to([COLUMN_X + 0.55, -1.55, 0], aligned_edge=LEFT)
        curve = self.chart.curve(self.theme.highlight)
        rows = {int(epoch): row for row, epoch in enumerate(history.epochs)}
        accuracy_at = [accuracy[rows[epoch]] if epoch in rows else np.nan for epoch in self.run.epochs]
        epoch_readout = Readout("epoch", "0", self.theme, 20)
        accuracy_readout = Readout(
            "validation accuracy", fmt_percent(accuracy_at[0]) if np.isfinite(accuracy_at[0]) else "–", self.theme, 20
        )
        readout = (
            VGroup(epoch_readout, accuracy_readout)
            .arrange(RIGHT, buff=0.45)
            .move_to([COLUMN_X, 0.45, 0], aligned_edge=LEFT)
        )
        self.chart.draw(curve, history.epochs, accuracy, upto=0)
        back = Playback(
            self.tiles, lambda t: self.show_keyframe((1 - t) * (len(self.keyframes) - 1), fade_to_start=True)
        )
        say_below(
            self,
            "Training starts from small random weights: on this scale, nearly black.",
            back,
            FadeIn(self.chart),
            FadeIn(curve),
            FadeIn(readout),
            run_time=self.t(1.2),
        )

        def play(t: float) -> None:
            position = t * (len(self.keyframes) - 1)
            self.show_keyframe(position)
            epoch = np.interp(position, np.arange(len(epochs)), epochs)
            self.chart.draw(curve, history.epochs, accuracy, upto=epoch)
            index = int(round(position))
            epoch_readout.set_value(str(self.run.epochs[index]))
            accuracy_readout.set_value(fmt_percent(accuracy_at[index]) if np.isfinite(accuracy_at[index]) else "–")

        say_below(self, "Then every recorded snapshot, to the end of training:")
        self.play(
            Playback(
                Group(self.tiles, self.chart, curve, readout),
                play,
                run_time=self.snapshot_seconds * len(self.keyframes),
            )
        )
        self.sweep = VGroup(self.chart, curve, readout)
        self.hold(extra=self.t(0.5))

    def honest_answer(self) -> None:
        chosen, image = self.chosen, self.final[self.chosen]
        template = stroke_template(image)
        real_share, drawn_share = top_share(image), top_share(template)
        others = [top_share(other) for index, other in enumerate(self.final) if index != chosen]
        start = start_correlation(self.keyframes[0], self.final) if has_random_start(self.run) else None
        box = SurroundingRectangle(self.tiles[chosen], color=self.theme.highlight, buff=0.04)
        self.play(Create(box), run_time=self.t(0.5))
        big = Rectangle(width=2.7, height=2.7).move_to([-4.6, 0.05, 0])  # where the neuron's tile goes
        drawn = Heatmap(self.rgba(template), 2.7).move_to([-1.2, 0.05, 0])
        outlines = VGroup(
            *(Rectangle(width=2.7, height=2.7).set_stroke(self.theme.neuron_stroke, 1).move_to(m) for m in (big, drawn))
        )
        names = VGroup(
            label(f"neuron {chosen + 1}, trained", self.theme, 18).next_to(big, UP, buff=0.15),
            label("the hoped-for stroke detector\n(drawn here, not trained)", self.theme, 18, self.theme.muted).next_to(
                drawn, UP, buff=0.15
            ),
        )
        self.play(
            FadeOut(Group(*self.tiles[:chosen], *self.tiles[chosen + 1 :])),
            FadeOut(self.frames),
            FadeOut(box),
            *([FadeOut(self.sweep)] if has_history(self.run) else []),
            self.tiles[chosen].animate.scale_to_fit_height(big.height).move_to(big),
            FadeIn(drawn),
            FadeIn(names),
            FadeIn(outlines),
            run_time=self.t(1.0),
        )
        self.big = self.tiles[chosen]
        facts = (
            VGroup(
                label("share of the weight mass on the", self.theme, 20),
                label("strongest 10% of the pixels:", self.theme, 20),
                label(f"drawn detector   {fmt_percent(drawn_share, 0)}", self.theme, 20, self.theme.muted),
                label(
                    f"neuron {chosen + 1}         {fmt_percent(real_share, 0)}", self.theme, 20, self.theme.highlight
                ),
                label(
                    f"the other {len(others)} neurons   {fmt_percent(min(others), 0)} to {fmt_percent(max(others), 0)}",
                    self.theme,
                    20,
                ),
            )
            .arrange(DOWN, aligned_edge=LEFT, buff=0.14)
            .move_to([COLUMN_X + 0.9, -0.2, 0], aligned_edge=LEFT)
        )
        say_below(
            self,
            "The hopeful story: each neuron detects one stroke or loop. Here is the neatest of the 16 beside such a "
            "detector.",
        )
        say_below(
            self,
            "Its weights spread over the whole digit area: the strongest tenth of its pixels carry only "
            f"{fmt_percent(real_share, 0)} of its weight.",
            FadeIn(facts),
        )
        if start is not None:
            say_below(
                self,
                f"Nor is it the random start left over: its final weights correlate {start[chosen]:.2f} with their "
                "first values.",
            )
        else:
            say_below(self, "Whether it moved far from a random start, this run cannot tell: it holds no start.")
        self.facts = Group(drawn, names, facts, outlines)

    def one_neuron(self) -> None:
        chosen = self.chosen
        own = self.runs.own_index  # your own digit (render --input) instead of the probe digit that excites it most
        probe = strongest_probe(self.run, chosen) if own is None else own
        total = neuron_sum(self.run, chosen, probe)
        self.total = total
        size, y = 2.2, 0.15
        digit = Heatmap(grey_rgba(total.inputs.reshape(self.shape)), size).move_to([-5.2, y, 0])
        weights = Heatmap(self.rgba(total.weights.reshape(self.shape)), size).move_to([-2.2, y, 0])
        product = Heatmap(self.rgba(total.products.reshape(self.shape)), size).move_to([0.8, y, 0])
        symbols = VGroup(
            label("×", self.theme, 36).move_to([-3.7, y, 0]), label("=", self.theme, 36).move_to([-0.7, y, 0])
        )
        labels = self.probe_label(probe)
        names = VGroup(
            label(f"the digit{labels}", self.theme, 16, self.theme.muted).next_to(digit, DOWN, buff=0.1),
            label(f"neuron {chosen + 1}'s weights", self.theme, 16, self.theme.muted).next_to(weights, DOWN, buff=0.1),
            label("pixel × weight (same scale)", self.theme, 16, self.theme.muted).next_to(product, DOWN, buff=0.1),
        )
        self.play(
            FadeOut(self.facts),
            self.big.animate.scale_to_fit_height(size).move_to(weights),
            FadeIn(digit),
            FadeIn(symbols),
            FadeIn(names),
            run_time=self.t(1.0),
        )
        say_below(
            self,
            f"What does neuron {chosen + 1} respond to? The probe digit that excites it most, pixel by pixel times "
            "its weights."
            if own is None
            else f"How does neuron {chosen + 1} respond to your digit, {self.runs.own_digit.name}? Pixel by pixel "
            "times its weights.",
            FadeIn(product),
        )
        f = SYMBOL.get(self.run.activation, self.run.activation)
        recorded = self.run.tensors()
        pre, act = float(recorded["pre.0"][probe, chosen]), float(recorded["act.0"][probe, chosen])
        self.sum_texts = [
            f"sum of the {len(total.inputs)} products  =  {total.weighted_sum:.3f}",
            f"+ bias {total.bias:.3f}   →   z = {total.pre_activation:.3f}",
            f"{f}(z)  =  {total.output:.6f}",
            f"{'the run recorded' if own is None else 'the network computes'} for this neuron and digit:  "
            f"z = {pre:.3f},  {f}(z) = {act:.6f}",
        ]
        lines = VGroup(*(label(text.replace("-", "−"), self.theme, 20) for text in self.sum_texts[:3]))
        lines.add(label(self.sum_texts[3].replace("-", "−"), self.theme, 20, self.theme.highlight))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.14).move_to([-6.3, -2.35, 0], aligned_edge=LEFT)
        say_below(
            self, "Add up all the products, add the bias, apply the activation:", FadeIn(lines[0]), run_time=self.t(0.8)
        )
        self.play(FadeIn(lines[1]), run_time=self.t(0.8))
        self.play(FadeIn(lines[2]), run_time=self.t(0.8))
        say_below(
            self,
            "the same number the run recorded when it ran this digit through the network."
            if own is None
            else "the same number the network's forward pass gives for your digit.",
            FadeIn(lines[3]),
        )

    # --- pieces ------------------------------------------------------------

    def rgba(self, image: np.ndarray) -> np.ndarray:
        return diverging_rgba(image, self.scale, self.theme)

    def show_keyframe(self, position: float, fade_to_start: bool = False) -> None:
        """The grid at ``position`` along the snapshots; ``fade_to_start`` blends the last straight into the first."""
        if fade_to_start:
            fraction = position / max(len(self.keyframes) - 1, 1)
            images = fraction * self.keyframes[-1] + (1 - fraction) * self.keyframes[0]
        else:
            images = blend_keyframes(self.keyframes, position)
        for tile, image in zip(self.tiles, images):
            tile.show(self.rgba(image))

    def probe_label(self, probe: int) -> str:
        labels = self.run.probe.get("labels")
        names = self.run.dataset.get("classes") or []
        if labels is None or labels[probe] < 0:  # no labels, or your own digit unlabelled
            return ""
        value = int(labels[probe])
        return f" (a {names[value] if value < len(names) else value})"
