"""The ``formula`` beat of ``neurons``: each layer as one formula, tied to the drawn network.

3Blue1Brown's chapter 1 ends its layer story on σ(Wa + b). Here the formula is not a slide over a
veiled network: one layer at a time, its row stands under the network (where the legend was), the
edges it multiplies by stay bright while the other layers' edges are veiled, the layer below (a⁽ᵏ⁻¹⁾)
and the layer computed (a⁽ᵏ⁾) are framed, and the digit's flow runs along that layer's edges again
as the narration says "W times a". The beat's short line counts that layer's parameters; its last
line adds them up, each layer's edges circled as its count is reached.

``FormulaBeat`` is a mixin for :class:`~nnexplain.scenes.neurons.Neurons`: it reads ``self.view``,
``self.diagram``, ``self.legend`` and the scene's ``tell``/``pulse``.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    ORIGIN,
    RIGHT,
    UP,
    AnimationGroup,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    Line,
    Rectangle,
    SurroundingRectangle,
    VGroup,
)

from nnexplain.geometry.network import neuron_sum
from nnexplain.mobjects.style import fmt_count, formula, label
from nnexplain.scenes.neurons_text import short_share

__all__ = ["FormulaBeat"]

ROW_BOTTOM = -4.0 + 0.42  # the frame's bottom, less the 24 px title-safe margin and a pixel
ROW_SIZE = 40  # a formula row, as tall as the legend's three lines it stands in for
NAME_SIZE = 36  # a⁽ᵏ⁾ and W⁽ᵏ⁾ under the framed columns and their edges
SHARE_RIGHT = 7.11 - 0.45  # the shares' column ends at the title-safe margin
VEILED = 0.82  # how much of another layer's edges the veil hides: still there, clearly not the subject


class FormulaBeat:
    def show_formula(self, probe: int) -> None:
        """Each layer's formula in turn, its edges bright and its two columns framed, then the parameters added up."""
        last = len(self.view.layers) - 1
        veils = self.gap_veils()
        spot = self.legend.get_center()
        row = frames = None
        for layer in range(1, last + 1):
            new_row = self.formula_row(layer)
            # as low as the title-safe margin lets it: clear of the a⁽ᵏ⁾ and W⁽ᵏ⁾ names under the columns
            low = ROW_BOTTOM + new_row.height / 2
            new_row.move_to([self.diagram.layers.get_center()[0], min(spot[1], low + 0.02), 0])
            new_frames = self.column_frames(layer)
            veiling = [
                veil.animate.set_fill(opacity=0 if gap == layer - 1 else VEILED) for gap, veil in enumerate(veils)
            ]
            with self.tell(self.formula_note(layer), self.layer_count(layer)) as line:
                # what stood in the row's place leaves first: no two texts cross-fade in one place
                # the old frames' names too: morphed into the next ones, their indices were garbled on the way
                leaving = [self.legend] if row is None else [row, frames]
                self.play(FadeOut(VGroup(*leaving)), run_time=self.t(0.4))
                # no shift: from below, the row's first frames stood inside the title-safe margin
                self.play(FadeIn(new_row), FadeIn(new_frames), *veiling, run_time=self.t(0.8))
                row, frames = new_row, new_frames
                # "W times a": what flows along this layer's edges for the digit on screen, again
                left = max(line.duration - 1.2, 1.0)
                if layer < last:
                    self.pulse(layer, probe, self.t(left))
                    continue
                self.pulse(layer, probe, self.t(left))
            if layer == last:
                self.show_softmax(probe)
        total = self.run.network.parameter_count
        counts = [fmt_count(layer.parameter_count) for layer in self.run.network.layers]
        summed = label(f"{' + '.join(counts)} = {fmt_count(total)} parameters, every one trained", self.theme, 24)
        with self.tell(self.parameter_note(), summed) as line:
            self.play(FadeOut(frames), FadeOut(row), run_time=self.t(0.4))
            # each layer's edges in turn as its count is read, then all of them
            each = self.t(max((line.duration - 1.6) / len(veils), 0.6))
            for gap in range(len(veils)):
                shown = [veil.animate.set_fill(opacity=0 if g == gap else VEILED) for g, veil in enumerate(veils)]
                self.play(*shown, run_time=each)
            self.play(*(veil.animate.set_fill(opacity=0) for veil in veils), run_time=self.t(0.6))
            self.play(FadeIn(self.legend), run_time=self.t(0.6))
        self.remove(*veils, frames, row)

    def formula_row(self, layer: int):
        """a⁽ᵏ⁾ = squash(W⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾), the output's through its own name (softmax)."""
        squash = f'"{self.output_name}"' if layer == len(self.view.layers) - 1 else self.squash
        # the layer indices at full size (display): as script they are 8 px tall at 480p; the brackets escaped, so
        # that they keep the text's height (grown around the raised indices, they ran into the names above)
        return formula(
            f"a^display(({layer})) = {squash}\\(W^display(({layer})) a^display(({layer - 1})) + b^display(({layer}))\\)",
            self.theme,
            ROW_SIZE,
        )

    def output_sums(self, probe: int) -> np.ndarray:
        """The output layer's weighted sums plus biases for the digit, from its stored weights and the stored
        activations of the layer below: what softmax is given."""
        weight, bias = (np.asarray(t) for t in self.run.params(self.epoch)[-1])
        below = self.view.activations[-2][probe]
        return np.array([neuron_sum(weight, bias, below, n).z for n in range(weight.shape[0])])

    def show_softmax(self, probe: int) -> None:
        """ "softmax turns its 10 sums into shares that add up to 1": the answer steps aside, each output's sum is
        written beside it, then its share (the stored output) beside the sum, then the shares' total."""
        sums, shares = self.output_sums(probe), self.view.activations[-1][probe]
        names = self.diagram.output_labels
        left = self.probabilities.get_left()[0]
        sum_texts = VGroup(
            *(
                label(f"{z:.2f}".replace("-", "−"), self.theme, 24).next_to(name, RIGHT, buff=0.22)
                for z, name in zip(sums, names)
            )
        )
        widest = max(text.width for text in sum_texts)  # right-aligned, as far left as the widest lets them
        for text in sum_texts:
            text.align_to([left + widest, 0, 0], RIGHT)
        share_texts = VGroup(
            *(
                label(short_share(p), self.theme, 24).move_to(text).set_x(SHARE_RIGHT, RIGHT)
                for p, text in zip(shares, sum_texts)
            )
        )
        for text, name in zip(share_texts, names):
            text.set_y(name.get_y())
        top = max(text.get_top()[1] for text in sum_texts) + 0.25
        heads = VGroup(
            label("sum", self.theme, 24, self.theme.muted).move_to([0, top, 0]).align_to(sum_texts, RIGHT),
            label(self.output_name, self.theme, 24, self.theme.muted).move_to([0, top, 0]).align_to(share_texts, RIGHT),
        )
        total = label(f"total: {float(np.sum(shares)):.2f}", self.theme, 24)
        total.next_to(share_texts, DOWN, buff=0.22).align_to(share_texts, RIGHT)
        rule = Line(ORIGIN, total.width * RIGHT, stroke_width=1.5, color=self.theme.muted)
        rule.next_to(total, UP, buff=0.08).align_to(total, RIGHT)
        start = max(text.get_right()[0] for text in sum_texts) + 0.1
        end = min(text.get_left()[0] for text in share_texts) - 0.2  # the tip clear of "<" and ">"
        arrows = VGroup(
            *(
                Arrow([start, t.get_y(), 0], [end, t.get_y(), 0], buff=0, stroke_width=2, tip_length=0.12).set_color(
                    self.theme.muted
                )
                for t in share_texts
            )
        )
        answer = VGroup(self.box, self.runner_up, self.verdict, self.probabilities)
        with self.tell(self.softmax_note(sums, shares)) as line:
            self.play(FadeOut(answer), run_time=self.t(0.4))
            self.play(
                FadeIn(heads[0]), LaggedStart(*(FadeIn(t) for t in sum_texts), lag_ratio=0.1), run_time=self.t(1.0)
            )
            # each share at its own x, an arrow from its sum: a share slid out of its sum crossed the sums' digits
            self.play(
                FadeIn(heads[1]),
                LaggedStart(
                    *(AnimationGroup(GrowArrow(a), FadeIn(p, shift=0.1 * RIGHT)) for a, p in zip(arrows, share_texts)),
                    lag_ratio=0.1,
                ),
                run_time=self.t(1.4),
            )
            self.play(Create(rule), FadeIn(total, shift=0.1 * UP), run_time=self.t(max(line.duration - 3.4, 0.8)))
        self.play(FadeOut(VGroup(heads, sum_texts, arrows, share_texts, rule, total)), run_time=self.t(0.4))
        self.play(FadeIn(answer), run_time=self.t(0.5))

    def layer_count(self, layer: int):
        """The beat's short line: what the layer is made of, e.g. "hidden 1: 16×784 weights + 16 biases = 12,560"."""
        sizes = self.view.layers
        name = "output" if layer == len(sizes) - 1 else f"hidden {layer}"
        count = fmt_count(self.run.network.layers[layer - 1].parameter_count)
        text = f"{name}: {sizes[layer]}×{fmt_count(sizes[layer - 1])} weights + {sizes[layer]} biases = {count}"
        return label(text, self.theme, 24)

    def gap_veils(self) -> list[Rectangle]:
        """A clear veil over each layer's edges (from one column's neurons to the next's), drawn over the edges and
        under nothing else: the columns stand outside them."""
        veils = []
        for bundle in self.diagram.edges:
            veil = Rectangle(width=bundle.width, height=bundle.height + 0.1).move_to(bundle)
            veils.append(veil.set_stroke(width=0).set_fill(self.theme.background, 0))
        self.add(*veils)
        self.bring_to_front(*self.diagram.layers)  # each column is in the scene on its own
        return veils

    def column_frames(self, layer: int) -> VGroup:
        """The layer below (a⁽ᵏ⁻¹⁾, muted) and the layer computed (a⁽ᵏ⁾, white) framed and named under their columns,
        and W⁽ᵏ⁾ named under the edges between them: the row's symbols, on the picture."""
        below = SurroundingRectangle(self.diagram.layers[layer - 1], color=self.theme.muted, buff=0.05)
        above = SurroundingRectangle(self.diagram.layers[layer], color=self.theme.text, buff=0.05)
        names = VGroup(
            formula(f"a^display(({layer - 1}))", self.theme, NAME_SIZE, color=self.theme.muted).next_to(
                below, DOWN, 0.06
            ),
            formula(f"a^display(({layer}))", self.theme, NAME_SIZE).next_to(above, DOWN, 0.06),
        )
        weights = formula(f"W^display(({layer}))", self.theme, NAME_SIZE).move_to(
            [self.diagram.edges[layer - 1].get_x(), 0, 0]
        )
        names.add(weights.align_to(names[0], DOWN))
        return VGroup(below.set_stroke(width=2), above.set_stroke(width=2), names)
