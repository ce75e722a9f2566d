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

from manim import (
    DOWN,
    UP,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
    Rectangle,
    SurroundingRectangle,
    Transform,
    VGroup,
)

from nnexplain.mobjects.style import fmt_count, formula, label

__all__ = ["FormulaBeat"]

ROW_BOTTOM = -4.0 + 0.42  # the frame's bottom, less the 24 px title-safe margin and a pixel
ROW_SIZE = 40  # a formula row, as tall as the legend's three lines it stands in for
NAME_SIZE = 36  # a⁽ᵏ⁾ and W⁽ᵏ⁾ under the framed columns and their edges
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
                self.play(FadeOut(self.legend if row is None else row), run_time=self.t(0.4))
                arrive = [FadeIn(new_row, shift=0.15 * UP)]
                arrive.append(FadeIn(new_frames) if frames is None else Transform(frames, new_frames))
                self.play(*arrive, *veiling, run_time=self.t(0.8))
                if row is not None:
                    self.remove(row)
                row, frames = new_row, frames if frames is not None else new_frames
                # "W times a": what flows along this layer's edges for the digit on screen, again
                left = max(line.duration - 1.2, 1.0)
                if layer < last:
                    self.pulse(layer, probe, self.t(left))
                    continue
                self.pulse(layer, probe, self.t(0.55 * left))
                # "shares that add up to 1": the outputs' percentages, as softmax made them
                shares = [Indicate(share, color=self.theme.text, scale_factor=1.15) for share in self.probabilities]
                self.play(LaggedStart(*shares, lag_ratio=0.15), run_time=self.t(0.45 * left))  # each in its place
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
        return formula(
            f"a^(({layer})) = {squash}(W^(({layer})) a^(({layer - 1})) + b^(({layer})))", self.theme, ROW_SIZE
        )

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
        below = SurroundingRectangle(self.diagram.layers[layer - 1], color=self.theme.muted, buff=0.08)
        above = SurroundingRectangle(self.diagram.layers[layer], color=self.theme.text, buff=0.08)
        names = VGroup(
            formula(f"a^(({layer - 1}))", self.theme, NAME_SIZE, color=self.theme.muted).next_to(below, DOWN, 0.06),
            formula(f"a^(({layer}))", self.theme, NAME_SIZE).next_to(above, DOWN, 0.06),
        )
        weights = formula(f"W^(({layer}))", self.theme, NAME_SIZE).move_to(
            [self.diagram.edges[layer - 1].get_x(), 0, 0]
        )
        names.add(weights.align_to(names[0], DOWN))
        return VGroup(below.set_stroke(width=2), above.set_stroke(width=2), names)
