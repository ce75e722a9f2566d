"""Linear collapse: layers without an activation add up to one matrix and one shift.

A purely linear network (the ``spiral-linear`` recipe: three affine layers, no
activation) moves the spiral's plane layer by layer, the view following the data;
the grid lines stay straight, parallel and evenly spaced after every layer: linear
layers only turn, stretch and shear. Then the single map W = W₃W₂W₁,
b = W₃W₂b₁ + W₃b₂ + b₃, with its real numbers on screen, does the whole journey in
one step and lands on exactly the same picture (drawn faint underneath). The
boundary such a network draws in the input plane is therefore a straight line,
which the layers, undone, are seen to carry back there.

    nnexplain render linear-collapse --run runs/spiral-linear
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, UP, FadeIn, FadeOut, VGroup

from nnexplain.geometry.boundary import decision_boundary
from nnexplain.geometry.steps import composite_map, layer_steps
from nnexplain.mobjects.plane import WarpedPlane
from nnexplain.mobjects.style import fmt_percent, formula, typst_matrix
from nnexplain.scenes.base.plane_story import NUMBERS, PlaneStory

__all__ = ["LinearCollapse"]


class LinearCollapse(PlaneStory):
    scene_name = "linear-collapse"
    include_output = True  # the output layer is one more affine map: its image is the logit plane
    compare_seconds: ClassVar[float] = 1.0  # extra hold on the one-step result over the layer-by-layer one
    verdict_seconds: ClassVar[float] = 1.5

    def title_text(self) -> str:
        return "Linear layers only turn,\nstretch and shear"

    def construct(self) -> None:
        self.beat("the data")
        intro = "No activation: every layer\nonly multiplies by a matrix\nand adds a vector."
        self.show_input(intro)
        count = len(self.params)
        for layer in range(count):
            self.beat(f"layer {layer + 1}")
            weight = self.params[layer][0]
            role = "  (outputs)" if layer == count - 1 else ""
            self.play_layer(layer, f"Layer {layer + 1} of {count}:  {weight.shape[1]} → {weight.shape[0]}{role}")
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
        grid, points = self.plane.grid_state, self.plane.points_state
        ghost = WarpedPlane(grid, points, self.labels, self.plane.view, self.theme, clip=self.clip)
        ghost.set_stroke(opacity=0.25).set_fill(opacity=0.3)
        self.add(ghost)
        self.rewind(also=[ghost])
        weight, bias = composite_map(self.params)
        weight_name, bias_name = self.product_names()
        product = formula(f"W = {weight_name} = {typst_matrix(weight)}", self.theme, NUMBERS)
        shift = formula(f"b = {bias_name} = {typst_matrix(bias[:, None])}", self.theme, NUMBERS)
        numbers = VGroup(product, shift).arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        steps = layer_steps(self.stages[0], weight, bias, "identity", 0, self.steps[-1].projection)
        rows = self.rows(["1  One turn and stretch   x ↦ Wx", "2  One shift   + b"])
        rows.move_to([self.column_left, 1.3, 0], aligned_edge=LEFT + UP)
        header = "All layers as one"
        text = "Multiply the matrices, collect\nthe shifts: the same journey\nin one step."
        self.play(
            *self.put("header", self.heading(header)),
            *self.put("rows", rows),
            *self.tell(text, self.detail(text)),
            *self.put("matrices", self.numbers(numbers)),
        )
        self.hold("detail")
        for step in steps:
            self.highlight(rows, 1 if step.kind == "shift" else 0)
            self.switch_projection(step.projection)
            seconds = self.mirror_seconds if step.kind == "mirror" else self.step_seconds
            self.warp(step.motion, step.projection, seconds, carried=[(ghost, None)])
        landed = "It lands exactly on the layer-\nby-layer picture (faint): linear\nmaps combine into one linear map."
        self.play(*self.tell(landed, self.detail(landed)))
        self.hold("detail", extra=self.compare_seconds)
        self.carried = []
        self.play(FadeOut(ghost), run_time=0.4)

    def show_verdict(self) -> None:
        normal, offset = decision_boundary(np.eye(2), np.zeros(2))  # in the output plane: output₁ = output₀
        overlay = self.boundary_overlay(normal, offset)
        accuracy = fmt_percent(self.metrics.get("val_acc", float("nan")))
        rings = self.ring_wrong()
        rings.set_stroke(opacity=0)
        header = "One straight line"
        text = f"Where the two outputs are\nequal: one line. {accuracy} correct;\nwrong points ringed in red."
        self.play(
            FadeIn(overlay),
            rings.animate.set_stroke(opacity=1),
            *self.put("header", self.heading(header)),
            *self.tell(text, self.detail(text)),
            *self.put("rows", VGroup()),
            run_time=1.0,
        )
        self.hold("detail")
        boundary = self.decision_lines()
        self.add(boundary)
        back = "Undo the layers: in the input\nplane it is a straight line too,\nwhatever the data."
        self.play(FadeOut(overlay), *self.tell(back, self.detail(back)), run_time=0.6)
        self.rewind(boundary)
        self.play(
            FadeIn(self.verdict_image()),
            self.plane.interior.animate.set_stroke(opacity=0.25),
            *self.put("header", self.heading("Back in the input plane")),
            run_time=1.0,
        )
        self.hold("detail", extra=self.verdict_seconds)
