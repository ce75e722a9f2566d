"""Linear collapse: layers without an activation add up to one matrix and one shift.

A purely linear network (the ``spiral-linear`` recipe: three affine layers, no
activation) moves the spiral's plane layer by layer, the view following the data;
the grid lines stay straight, parallel and evenly spaced after every layer: linear
layers only turn, stretch and shear. Then the single map W = W₃W₂W₁,
b = W₃W₂b₁ + W₃b₂ + b₃, with its real numbers on screen, does the whole journey in
one step and lands on exactly the same picture (drawn faint underneath). The
boundary such a network draws in the input plane is therefore a straight line,
which the layers, undone, are seen to carry back there, its wrong points ringed. It
ends side by side with a tanh network trained on the same data (the ``nonlinear``
run, default ``spiral``), whose boundary bends around the arms.

    nnexplain render linear-collapse --run runs/spiral-linear --with nonlinear=runs/spiral
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, UP, Create, FadeIn, FadeOut, Indicate, Square, VGroup, Write, there_and_back

from nnexplain.geometry.boundary import class_one_probability, decision_boundary
from nnexplain.geometry.contour import as_lines, level_curves
from nnexplain.geometry.findings import misclassified
from nnexplain.geometry.framing import follow
from nnexplain.geometry.steps import composite_map, layer_steps
from nnexplain.geometry.warp import GridSpec, Projection, representations
from nnexplain.mobjects.plane import CarriedLines, PlaneView, WarpedPlane, prediction_image
from nnexplain.mobjects.style import fmt_percent, formula, label, typst_matrix
from nnexplain.scenes.base.plane_story import LINE_COLOR, NUMBERS, ROWS_TOP, TEXT, PlaneStory

__all__ = ["LinearCollapse"]


class LinearCollapse(PlaneStory):
    scene_name = "linear-collapse"
    include_output = True  # the output layer is one more affine map: its image is the logit plane
    side_half: ClassVar[float] = 1.7  # the tanh network's panel, at the column's foot
    side_centre: ClassVar[tuple[float, float, float]] = (2.1, -1.85, 0.0)  # its foot on the title-safe margin
    compare_seconds: ClassVar[float] = 1.0  # extra hold on the one-step result over the layer-by-layer one
    verdict_seconds: ClassVar[float] = 1.5
    one_step_seconds: ClassVar[float] = 3.0  # each step of the single map: slow, it is the claim

    def title_text(self) -> str:
        return "Linear layers only turn,\nstretch and shear"

    def construct(self) -> None:
        self.beat("the data")
        intro = (
            "Why do we need a nonlinearity?\nHere, none: every layer only\nmultiplies by a matrix and\nadds a vector."
        )
        self.show_input(intro, self.write_layer_formula)
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
        self.beat("side by side")
        self.show_side_by_side()

    def write_layer_formula(self) -> list:
        """What every layer computes, written out while the intro is read (it stays until layer 1's numbers)."""
        words = formula("h_k = W_k h_(k-1) + b_k", self.theme, 1.4 * NUMBERS)
        self.shown_labels["matrices"] = words = self.numbers(words)
        return [Write(words)]

    def product_names(self) -> tuple[str, str]:
        """Typst for W_L ⋯ W_1 and for W_L ⋯ W_2 b_1 + ⋯ + b_L."""
        count = len(self.params)
        weight = " ".join(f"W_{i}" for i in range(count, 0, -1))
        terms = [" ".join([*(f"W_{j}" for j in range(count, i, -1)), f"b_{i}"]) for i in range(1, count + 1)]
        return weight, " + ".join(terms)

    def show_one_step(self) -> None:
        grid, points = self.plane.grid_state, self.plane.points_state
        ghost = WarpedPlane(grid, points, self.labels, self.plane.view, self.theme, clip=self.clip)
        # The layer-by-layer result as an outline in white (its points faint), so the one step is seen to land in it.
        ghost.set_stroke(opacity=0)
        ghost.border.set_stroke(color=LINE_COLOR, opacity=0.9, width=3)
        for dots in ghost.dots:
            dots.set_fill(opacity=0.3)
        back = "Keep this picture (faint) and\nundo the layers, back to the\ninput plane."
        self.play(
            *self.drop_reference(),
            *self.put("rows", VGroup()),
            *self.put("matrices", VGroup()),  # W₃ and b₃ leave: the layers are undone
            *self.tell(back, self.detail(back)),
        )
        self.play(FadeIn(ghost), run_time=0.5)  # the white outline comes in, not in one frame
        self.rewind(also=[ghost], words=self.ghost_words)
        weight, bias = composite_map(self.params)
        weight_name, bias_name = self.product_names()
        product = formula(f"W = {weight_name} = {typst_matrix(weight)}", self.theme, NUMBERS)
        shift = formula(f"b = {bias_name} = {typst_matrix(bias[:, None])}", self.theme, NUMBERS)
        numbers = VGroup(product, shift).arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        steps = layer_steps(self.stages[0], weight, bias, "identity", 0, self.steps[-1].projection)
        rows = self.rows(["1  One turn and stretch   x ↦ Wx", "2  One shift   + b"])
        rows.move_to([self.column_left, ROWS_TOP, 0], aligned_edge=LEFT + UP)
        header = "All layers as one"
        text = "Multiply the matrices, collect\nthe shifts: the same journey\nin one step."
        self.play(
            *self.put("header", self.heading(header)),
            *self.put("rows", rows),
            *self.tell(text, self.detail(text)),
            *self.put("matrices", self.numbers(numbers)),
        )
        self.carried = [(ghost, None)]  # the one step plays while its caption is read
        for step in steps:
            self.highlight(rows, 1 if step.kind == "shift" else 0)
            self.switch_projection(step.projection)
            if step.kind == "shift":
                self.play_in_place(step, self.one_step_seconds)  # the points move; the view zooms back after
                continue
            seconds = max(self.mirror_seconds if step.kind == "mirror" else self.step_seconds, self.one_step_seconds)
            self.warp(step.motion, step.projection, seconds, carried=[(ghost, None)], steady=step.kind == "mirror")
        landed = "It lands exactly in the layer-\nby-layer outline: linear maps\ncombine into one linear map."
        self.play(*self.tell(landed, self.detail(landed)), *self.drop_shift_marks())
        reading = self.narrator.log[-1].duration
        # The layer-by-layer outline pulses around the one-step result: they coincide.
        self.play(ghost.border.animate.set_stroke(width=7), rate_func=there_and_back, run_time=max(1.5, reading - 0.5))
        self.hold("detail", extra=self.compare_seconds)
        self.carried = []
        self.play(FadeOut(ghost), *self.put("zoom", VGroup()), run_time=0.4)

    def ghost_words(self, layer: int) -> str | None:
        """Said as layer ``layer`` is undone on the way back (the last one: the caption up is still read)."""
        if layer == len(self.params) - 1:
            return None
        return f"Undo layer {layer + 1}: its shift,\nthen its turn and stretch."

    def show_verdict(self) -> None:
        normal, offset = decision_boundary(np.eye(2), np.zeros(2))  # in the output plane: output₁ = output₀
        overlay = self.boundary_overlay(normal, offset)
        accuracy = fmt_percent(self.metrics.get("val_acc", float("nan")))
        header = "One straight line"
        text = f"The network answers by which\noutput is larger: the line where\nthey are equal. {accuracy} correct."
        tints, line = overlay
        self.play(
            FadeIn(tints),
            *self.put("header", self.heading(header)),
            *self.tell(text, self.detail(text)),
            *self.put("rows", VGroup()),
            run_time=1.0,
        )
        reading = self.narrator.log[-1].duration
        self.play(Create(line), run_time=max(1.5, min(reading - 1.0, 3.0)))  # drawn while its caption is read
        self.hold("detail")
        boundary = self.decision_lines()
        self.add(boundary)
        back = "Undo the layers: in the input\nplane it is a straight line too,\nwhatever the data."
        self.play(FadeOut(overlay), *self.tell(back, self.detail(back)), run_time=0.6)
        top = len(self.params) - 1  # undone first, while the caption that announced the rewind is read
        self.rewind(boundary, words=lambda layer: None if layer == top else self.undo_words(layer))
        rings = self.ring_wrong()
        rings.set_stroke(opacity=0)
        wrong = int(self.wrong.sum())
        ringed = f"{wrong} points are on the wrong\nside (ringed): a straight line\ncannot follow the arms."
        self.play(
            FadeIn(self.verdict_image()),
            self.plane.interior.animate.set_stroke(opacity=0.25),
            *self.put("header", self.heading("Back in the input plane")),
            *self.tell(ringed, self.detail(ringed)),
            run_time=1.0,
        )
        reading = self.narrator.log[-1].duration
        self.play(rings.animate.set_stroke(opacity=1), run_time=max(1.0, min(reading - 1.0, 3.0)))
        self.hold("detail")
        self.linear_boundary = boundary

    def show_side_by_side(self) -> None:
        """The tanh network on the same data beside this one: its boundary bends around the arms."""
        run = self.runs["nonlinear"]
        stage = representations(run.tensors(), run.probe["inputs"], GridSpec.from_dataset(run.dataset))[0]
        labels = run.probe["labels"].astype(int)
        h, centre = self.side_half, np.array(self.side_centre)
        clip = (centre[0] - h, centre[0] + h, centre[1] - h, centre[1] + h)
        frame = follow(stage.points)
        view = PlaneView.around(Projection.fit(stage.points, 2), frame.centre, frame.radius, h, centre, self.fill)
        (a, b), (c, d) = view.inverse(np.array(clip[::2])), view.inverse(np.array(clip[1::2]))
        bounds = (a, c, b, d)
        probability = class_one_probability(run.params(), run.activation, bounds, self.raster_size)
        image = prediction_image(probability, self.theme, 2 * h).move_to(centre).set_z_index(-1)
        plane = WarpedPlane(stage.grid, stage.points, labels, view, self.theme, clip=clip)
        plane.interior.set_stroke(opacity=0.25)
        wrong = misclassified(run.params(), run.activation, run.probe["inputs"], labels)
        if wrong.any():
            plane.mark(wrong, self.theme.wrong, radius=0.1, width=1.3)
        border = Square(2 * h, color=self.theme.muted, stroke_width=1.5, stroke_opacity=0.5).move_to(centre)
        curve = CarriedLines(as_lines(level_curves(probability, bounds)), view, LINE_COLOR, width=4, clip=clip)
        shape = "-".join(map(str, run.layers))
        accuracy = fmt_percent(run.final_metrics.get("val_acc", float("nan")))
        mine = fmt_percent(self.metrics.get("val_acc", float("nan")))
        text = f"Same data, {run.activation} between the layers\n({shape}): {accuracy} against {mine}."
        caption = self.fit_column(label(text, self.theme, TEXT, self.theme.text))
        caption.move_to([self.column_left, ROWS_TOP, 0], aligned_edge=LEFT + UP)
        self.play(
            *self.put("header", self.heading("Linear (left) and tanh (right)")),
            *self.put("matrices", VGroup()),
            *self.tell(text, caption),
            FadeIn(border),
            FadeIn(image),
            FadeIn(plane),
            run_time=1.0,
        )
        self.play(Create(curve), run_time=2.0)
        self.hold("detail")
        end = "Only a nonlinearity lets the\nboundary bend: linear layers,\nhowever many, are one line."
        words = self.fit_column(label(end, self.theme, TEXT, self.theme.text))
        words.move_to([self.column_left, ROWS_TOP, 0], aligned_edge=LEFT + UP)
        self.play(*self.tell(end, words), Indicate(curve, color=LINE_COLOR, scale_factor=1.0), run_time=1.5)
        self.hold("detail", extra=self.verdict_seconds)
