"""Linear collapse: layers without an activation add up to one matrix and one shift.

A purely linear network (the ``spiral-linear`` recipe: three affine layers, no
activation) moves the spiral's plane layer by layer; the grid lines stay
straight, parallel and evenly spaced after every layer. Then the single map
W = W₃W₂W₁, b = W₃W₂b₁ + W₃b₂ + b₃, with its real numbers on screen, does the
whole journey in one step and lands on exactly the same picture. The boundary
such a network draws in the input plane is therefore a straight line.

    nnexplain render linear-collapse --run runs/spiral-linear
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, FadeIn, FadeOut, VGroup

from nnexplain.geometry.boundary import decision_boundary
from nnexplain.geometry.steps import composite_map, layer_steps
from nnexplain.mobjects.style import fmt_percent, formula, typst_matrix
from nnexplain.scenes.base.plane_story import PlaneStory

__all__ = ["LinearCollapse"]


class LinearCollapse(PlaneStory):
    scene_name = "linear-collapse"
    title = "Linear layers collapse"
    include_output = True  # the output layer is one more affine map: its image is the logit plane
    compare_seconds: ClassVar[float] = 1.5  # how long the one-step result is held over the layer-by-layer one
    verdict_seconds: ClassVar[float] = 3.0

    def construct(self) -> None:
        self.beat("the data")
        self.show_input("No activation: every layer only multiplies\nby a matrix and adds a vector.")
        count = len(self.params)
        for layer in range(count):
            self.beat(f"layer {layer + 1}")
            weight = self.params[layer][0]
            role = "  (logits)" if layer == count - 1 else ""
            self.play_layer(layer, f"Layer {layer + 1} of {count}   {weight.shape[1]} → {weight.shape[0]}{role}")
            self.wait(self.pause_seconds)
        self.beat("one matrix")
        self.show_one_step()
        self.beat("one straight line")
        self.show_verdict()

    def product_names(self) -> tuple[str, str]:
        """Typst for W_L ⋯ W_1 and for W_L ⋯ W_2 b_1 + ⋯ + b_L."""
        count = len(self.params)
        weight = " ".join(f"W_{i}" for i in range(count, 0, -1))
        terms = [" ".join([*(f"W_{j}" for j in range(count, i, -1)), f"b_{i}"]) for i in range(1, count + 1)]
        return weight, " + ".join(terms)

    def show_one_step(self) -> None:
        ghost = self.plane.copy().set_stroke(opacity=0.25).set_fill(opacity=0.3)
        self.add(ghost)
        self.rewind()
        weight, bias = composite_map(self.params)
        weight_name, bias_name = self.product_names()
        product = formula(f"W = {weight_name} = {typst_matrix(weight)}", self.theme, 28)
        shift = formula(f"b = {bias_name} = {typst_matrix(bias[:, None])}", self.theme, 28)
        numbers = VGroup(product, shift).arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        steps = layer_steps(self.stages[0], weight, bias, "identity", 0, self.steps[-1].projection)
        names = ("1  One linear map   x ↦ Wx", "2  One shift   + b")
        rows = self.at_column(self.rows(names), 0.75)
        self.play(
            *self.caption("header", self.heading("All layers as one")),
            *self.caption("rows", rows),
            *self.caption("detail", self.detail("Multiply the matrices and collect the shifts:\nthe same journey in one step.")),
            *self.caption("matrices", self.numbers(numbers)),
        )
        for step in steps:
            self.highlight(rows, 1 if step.kind == "shift" else 0)
            self.play_step(step)
        landed = "It lands exactly on the layer-by-layer picture\n(faint underneath): a combination of linear\nfunctions is just another linear function."
        self.play(*self.caption("detail", self.detail(landed)))
        self.wait(self.compare_seconds)
        self.play(FadeOut(ghost), run_time=0.4)

    def show_verdict(self) -> None:
        normal, offset = decision_boundary(np.eye(2), np.zeros(2))  # in the logit plane: logit₁ = logit₀
        overlay = self.boundary_overlay(normal, offset)
        accuracy = fmt_percent(self.metrics.get("val_acc", float("nan")))
        text = f"Where the two logits are equal: one line.\nIn the input plane it is a straight line too,\nso the spiral stays tangled: {accuracy} correct."
        self.play(FadeIn(overlay), *self.caption("detail", self.detail(text)), *self.caption("rows", VGroup()), run_time=1.0)
        self.wait(1.0)
        self.play(FadeOut(overlay), run_time=0.4)
        self.rewind()
        self.play(
            FadeIn(self.verdict_image()),
            self.plane.interior.animate.set_stroke(opacity=0.25),
            *self.caption("header", self.heading("Back in the input plane")),
            run_time=1.0,
        )
        self.wait(self.verdict_seconds)
