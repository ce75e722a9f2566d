"""``hidden-features``, one digit's sum: the digit times the neuron's weights, its 784 products added row by row
on a number line, the bias, the activation, and the numbers the run recorded for that digit."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, Dot, FadeIn, FadeOut, Group, Rectangle, VGroup

from nnexplain.geometry.features import balancing_term, neuron_sum
from nnexplain.mobjects.charts import LineChart, Readout
from nnexplain.mobjects.heatmap import Heatmap, Playback, grey_rgba
from nnexplain.mobjects.style import fmt_fixed, label
from nnexplain.mobjects.weight_parts import SumBar, pixel_outline
from nnexplain.run.activations import ACTIVATIONS

__all__ = ["OneSumBeats"]

TEXT = 27  # points: capital letters 16 px tall at 480p
SYMBOL = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU"}
DOES = {"sigmoid": "squashes z into 0…1", "tanh": "squashes z into −1…1", "relu": "keeps a positive z, else gives 0"}


class OneSumBeats:
    """The last beat of :class:`~nnexplain.scenes.hidden_features.HiddenFeatures`: one digit's sum, built."""

    def one_sum(self) -> None:
        own = self.runs.own_index
        probe = self.best if own is None else own
        total = neuron_sum(self.run, self.chosen, probe)
        self.total = total
        recorded = self.run.tensors()
        pre, act = float(recorded["pre.0"][probe, self.chosen]), float(recorded["act.0"][probe, self.chosen])
        size, y, weights_x = 2.3, 1.2, -2.5
        digit = Heatmap(grey_rgba(total.inputs.reshape(self.shape)), size).move_to([-5.4, y, 0])
        product = Heatmap(self.rgba(total.products.reshape(self.shape)), size).move_to([0.4, y, 0])
        symbols = VGroup(
            label("×", self.theme, 40).move_to([-3.95, y, 0]), label("=", self.theme, 40).move_to([-1.05, y, 0])
        )
        names = VGroup(
            label("the digit", self.theme, TEXT, self.theme.muted).next_to(digit, DOWN, buff=0.08),
            label("weights", self.theme, TEXT, self.theme.muted).next_to([weights_x, y - size / 2, 0], DOWN, 0.08),
            label("products", self.theme, TEXT, self.theme.muted).next_to(product, DOWN, buff=0.08),
        )
        intro = (
            f"That {self.class_name(probe) or 'digit'} in full: the digit times the weights gives its products."
            if own is None
            else f"Your digit, {self.runs.own_digit.name}, times {self.name}'s weights, pixel by pixel."
        )
        with self.narrate(intro) as line:
            self.play(
                FadeOut(self.close_parts),
                FadeOut(self.big_name),
                FadeOut(self.big_frame),
                FadeOut(self.outline),
                FadeOut(self.legend),
                run_time=0.3 * line.duration,
            )
            self.play(
                self.big.animate.scale_to_fit_height(size).move_to([weights_x, y, 0]),
                FadeIn(digit),
                FadeIn(symbols),
                FadeIn(names),
                run_time=0.35 * line.duration,
            )
            self.play(FadeIn(product, shift=0.3 * RIGHT), run_time=0.35 * line.duration)
        row_sums = np.cumsum(total.products.reshape(self.shape).sum(axis=1))
        ends = [0.0, *row_sums, row_sums[-1] + total.bias]
        bar = SumBar((min(0.0, *ends), max(0.0, *ends)), self.theme, width=7.6).move_to([-2.5, -1.42, 0])
        running = Readout("sum of the products so far", fmt_fixed(0.0, 2), self.theme, TEXT, width=8)
        running.move_to([-6.3, -0.65, 0], aligned_edge=LEFT)
        scan = Rectangle(width=size, height=size / self.shape[0]).set_stroke(self.theme.text, 2)
        frame = Rectangle(width=size, height=size).set_stroke(self.theme.neuron_stroke, 1).move_to(product)
        top = product.get_top()[1]
        rows = self.shape[0]

        # Time for each row: little for the empty rows, most where the sum moves most (up or down).
        change = np.abs(total.products.reshape(self.shape).sum(axis=1))
        ink_rows = np.nonzero(np.abs(total.products.reshape(self.shape)).sum(axis=1) > 0)[0]
        pace = np.full(rows, 0.03)
        pace[ink_rows.min() : ink_rows.max() + 1] = 1.0
        pace += 3.0 * change / max(change.max(), 1e-12)
        self.row_pace = pace
        reached = np.concatenate([[0.0], np.cumsum(pace)]) / pace.sum()
        band = pixel_outline(self.stroke.mask, product, self.theme.highlight, 2)

        def add_rows(t: float) -> None:
            done = float(np.interp(t, reached, np.arange(rows + 1)))
            whole = int(np.floor(done))
            value = np.interp(done, np.arange(rows + 1), ends[: rows + 1])
            bar.set_value(value)
            running.set_value(fmt_fixed(value, 2))
            scan.move_to([product.get_x(), top - (min(whole, rows - 1) + 0.5) * size / rows, 0])

        scan.move_to([product.get_x(), top - 0.5 * size / rows, 0])
        with self.narrate(
            f"Add up its {total.inputs.size} products row by row: blue pushes the sum up, red pulls it down."
        ) as line:
            self.play(FadeIn(bar), FadeIn(running), FadeIn(scan), FadeIn(frame), Create(band), run_time=0.5)
            self.play(Playback(Group(bar, running, scan), add_rows), run_time=max(line.duration - 0.5, 7.0))
        symbol = SYMBOL.get(self.run.activation, self.run.activation)
        shown_sum = balancing_term(total.pre_activation, [total.bias], 2)  # so the line adds up as printed
        running.set_value(fmt_fixed(shown_sum, 2))
        minus = "+" if total.bias >= 0 else "−"
        self.z_text = (
            f"z = {fmt_fixed(shown_sum, 2)} {minus} {abs(total.bias):.2f} (the bias) = "
            f"{fmt_fixed(total.pre_activation, 2)}"
        )
        z_readout = label(self.z_text, self.theme, TEXT).move_to(running, aligned_edge=LEFT)
        with self.narrate(
            f"Then the bias, {fmt_fixed(total.bias, 2)}: z = {fmt_fixed(total.pre_activation, 2)}."
        ) as line:
            self.play(FadeOut(scan), FadeOut(running), run_time=0.3 * line.duration)
            self.play(
                Playback(bar, lambda t: bar.set_value(ends[-2] + t * total.bias)),
                FadeIn(z_readout),
                run_time=0.7 * line.duration,
            )
        reach = max(abs(total.pre_activation) * 1.15, 6.0)
        z = np.linspace(-reach, reach, 201)
        squash_of = ACTIVATIONS[self.run.activation].function
        values = squash_of(z)
        low, high = float(np.floor(values.min())), float(np.ceil(values.max()))  # sigmoid 0…1, tanh −1…1
        ticks = [low, high] if high - low <= 2 else [0.0, float(np.floor(values.max()))]
        squash = LineChart((-reach, reach), (low, high), self.theme, 3.0, 1.5, y_ticks=ticks, x_ticks=[0], size=TEXT)
        squash.shift([6.5 - squash.box.get_right()[0], y - 0.1 - squash.box.get_y(), 0])
        curve = squash.curve(self.theme.text, 3)
        squash.draw(curve, z, values)
        dot = Dot(squash.at(-reach, float(values[0])), radius=0.09, color=self.theme.text)
        a_readout = label(f"{symbol}(z) = {total.output:.6f}", self.theme, TEXT).next_to(squash, UP, buff=0.12)
        z_tick = label(fmt_fixed(total.pre_activation, 2), self.theme, TEXT)
        z_tick.next_to(squash.at(total.pre_activation, low), DOWN, buff=0.08)
        z_tick.shift(min(0.0, 6.6 - z_tick.get_right()[0]) * RIGHT + max(0.0, 3.0 - z_tick.get_left()[0]) * RIGHT)
        with self.narrate(
            f"{symbol} {DOES.get(self.run.activation, 'acts on z')}: {symbol}({fmt_fixed(total.pre_activation, 2)}) "
            f"= {total.output:.6f}."
        ) as line:
            self.play(FadeIn(squash), Create(curve), run_time=0.4 * line.duration)

            def path(t: float) -> None:
                at = -reach + t * (total.pre_activation + reach)
                dot.move_to(squash.at(at, float(squash_of(np.array([at]))[0])))

            self.play(FadeIn(dot), Playback(dot, path), FadeIn(a_readout), FadeIn(z_tick), run_time=0.6 * line.duration)
        who = "the run recorded" if own is None else "the network computes"
        self.sum_texts = [f"{who}: z = {pre:.3f},  {symbol}(z) = {act:.6f}"]
        check = label(self.sum_texts[-1].replace("-", "−"), self.theme, TEXT)
        check.move_to([0, -2.17, 0])
        with self.narrate(
            "The run recorded the very same two numbers for this digit."
            if own is None
            else "The network itself computes the same two numbers for your digit."
        ) as line:
            self.play(FadeIn(check, shift=0.2 * UP), run_time=line.duration)
        self.sum_parts = [digit, self.big, product, frame, band, symbols, names, bar, z_readout]
        self.sum_parts += [squash, curve, dot, a_readout, z_tick, check]
