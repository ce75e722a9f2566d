"""Linear collapse: layers without an activation add up to one matrix and one shift.

A purely linear network (the ``spiral-linear`` recipe: three affine layers, no
activation) moves the spiral's plane layer by layer, the view following the data;
the grid lines stay straight, parallel and evenly spaced after every layer: linear
layers only turn and stretch (a shear is one too). Then the single map W = W₃W₂W₁,
b = W₃W₂b₁ + W₃b₂ + b₃, with its real numbers on screen, does the whole journey in
one step and lands on exactly the same picture (drawn faint underneath). The
boundary such a network draws in the input plane is therefore a straight line,
which the layers, undone, are seen to carry back there, its wrong points ringed. It
ends with a fair comparison: a tanh network of exactly this shape, trained the same way
on the same data (``spiral-tanh-small``, the ``nonlinear`` run), drawn beside it with its
boundary bending, and both networks' accuracies over three seeds each, median and range
(the ``linear-seedN`` and ``nonlinear-seedN`` runs; see ``specs/linear_collapse.py``).

    nnexplain render linear-collapse --run runs/spiral-linear --with nonlinear=runs/spiral-tanh-small
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    BackgroundRectangle,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    Square,
    VGroup,
    Write,
    there_and_back,
)

from nnexplain.geometry.boundary import class_one_probability, decision_boundary
from nnexplain.geometry.contour import as_lines, level_curves
from nnexplain.geometry.findings import misclassified
from nnexplain.geometry.framing import follow
from nnexplain.geometry.steps import carried_motions, composite_map, layer_steps
from nnexplain.geometry.warp import GridSpec, Projection, representations
from nnexplain.mobjects.plane import CarriedLines, PlaneView, WarpedPlane, prediction_image
from nnexplain.mobjects.style import fmt_percent, formula, label, typst_matrix
from nnexplain.scenes.base.plane_story import LINE_COLOR, NUMBERS, ROWS_TOP, TEXT, PlaneStory
from nnexplain.scenes.base.seed_roles import SEEDS, role

__all__ = ["LinearCollapse"]


def short_percent(share: float) -> str:
    """A share as the table shows it: 74.8%, and 100% (not 100.0%, one letter too wide for the table's room)."""
    return "100%" if share == 1.0 else fmt_percent(share)


class LinearCollapse(PlaneStory):
    scene_name = "linear-collapse"
    include_output = True  # the output layer is one more affine map: its image is the logit plane
    side_half: ClassVar[float] = 1.25  # the tanh network's panel, at the column's foot, right of the seeds' table
    side_centre: ClassVar[tuple[float, float, float]] = (5.4, -2.3, 0.0)  # its foot and right on the safe margin
    compare_seconds: ClassVar[float] = 1.0  # extra hold on the one-step result over the layer-by-layer one
    verdict_seconds: ClassVar[float] = 1.5
    one_step_seconds: ClassVar[float] = 3.0  # each step of the single map: slow, it is the claim

    def title_text(self) -> str:
        return "Why do we need\na nonlinearity?"  # the question; its answer is drawn, then said, at the end

    def construct(self) -> None:
        self.beat("the data")
        intro = "Here, no nonlinearity: every\nlayer only multiplies by a\nmatrix and adds a vector."
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
        text = f"The axes: the two outputs. The\nlarger one wins; they are equal\non the line. {accuracy} correct."
        tints, line = overlay
        axes = self.output_axis_names()
        self.play(
            FadeIn(tints),
            FadeIn(axes),
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
        self.play(FadeOut(overlay), FadeOut(axes), *self.tell(back, self.detail(back)), run_time=0.6)
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

    def seed_runs(self) -> tuple[list, list]:
        """The linear and the tanh runs of the comparison, seed by seed (seed 0 of the linear one: this run)."""
        linear = [self.run] + [self.runs[role("linear", seed)] for seed in SEEDS[1:]]
        return linear, [self.runs[role("nonlinear", seed)] for seed in SEEDS]

    @staticmethod
    def training_names(linear_runs: list, tanh_runs: list) -> list[str]:
        """Each pair's name in the table: "seed 0", … where both runs record that seed; else "run 1", … (an
        imported run records none)."""
        seeds = [(a.manifest.get("seed"), b.manifest.get("seed")) for a, b in zip(linear_runs, tanh_runs)]
        if all(a is not None and a == b for a, b in seeds):
            return [f"seed {a}" for a, _ in seeds]
        return [f"run {k + 1}" for k in range(len(seeds))]

    def accuracy_table(self, linear: list[float], tanh: list[float], names: list[str]) -> VGroup:
        """Training by training, then the median: the validation accuracy of each side, in two right-aligned
        columns."""
        rows = [(name, short_percent(a), short_percent(b)) for name, a, b in zip(names, linear, tanh)]
        rows.append(("median", short_percent(float(np.median(linear))), short_percent(float(np.median(tanh)))))
        head = [label(name, self.theme, TEXT, self.theme.muted) for name in ("", "linear", "tanh")]
        cells = [head] + [[label(text, self.theme, TEXT, self.theme.text) for text in row] for row in rows]
        for cell in cells[-1]:
            cell.set_color(self.theme.highlight)
        table = VGroup(*(cell for row in cells for cell in row))
        return table.arrange_in_grid(rows=len(cells), cols=3, col_alignments="lrr", buff=(0.25, 0.16))

    def output_axis_names(self) -> VGroup:
        """Name the output plane's two axes, each the score (logit) of one class, in that class's colour, as a graph
        names them: the horizontal one in the panel's lower right corner, the vertical one in its upper left, each
        with its arrow, on a dark ground so that the tints (and any point) beneath do not blur them."""
        classes = (self.run.dataset.get("classes") or ["class 0", "class 1"])[:2]
        x_min, x_max, y_min, y_max = self.clip
        names = VGroup()
        for axis, name in enumerate(classes):
            words = f"output 1 ({name}) →" if axis == 0 else f"↑ output 2 ({name})"
            text = label(words, self.theme, 28, self.theme.palette[axis])
            if axis == 0:
                text.move_to([x_max - 0.15, y_min + 0.15, 0], aligned_edge=RIGHT + DOWN)
            else:
                text.move_to([x_min + 0.15, y_max - 0.15, 0], aligned_edge=LEFT + UP)
            ground = BackgroundRectangle(text, color=self.theme.background, fill_opacity=0.75, buff=0.06)
            names.add(VGroup(ground, text))
        return names

    def decision_lines(self) -> CarriedLines:
        """The network's boundary in the input plane, exactly: the layers collapse to x ↦ Wx + b, and the two outputs
        are equal on the line (W₂ − W₁)·x + (b₂ − b₁) = 0 (rows of W). It is drawn long enough to cross the whole
        panel at every step of the way back (clipped to the panel), so that it is seen as one straight line
        throughout, not a stub the width of the data."""
        weight, bias = composite_map(self.params)
        normal, offset = weight[1] - weight[0], bias[1] - bias[0]
        direction = np.array([-normal[1], normal[0]]) / np.linalg.norm(normal)
        centre = self.stages[0].points.mean(axis=0)
        anchor = centre - (normal @ centre + offset) / (normal @ normal) * normal  # the data's centre, onto the line
        unit = np.stack([anchor, anchor + direction])[None]
        reach = 1.0  # input units either side of the anchor
        for step, motion in zip(self.steps, carried_motions(self.steps, unit)):
            if step.kind == "mirror":  # edge-on halfway through the turn, the line is short: that is the turn
                continue
            for t in (0.0, 0.5, 1.0):
                view = self.framed(step.projection, step.motion(t)[1])
                scene_length = np.linalg.norm(np.diff(view(motion(t)[0][0]), axis=0))
                reach = max(reach, 3 * self.panel_half_size / max(scene_length, 1e-9))  # > the panel's diagonal
        ends = np.stack([anchor - reach * direction, anchor + reach * direction])
        self.boundary_lines = np.linspace(ends[0], ends[1], 64)[None]
        self.boundary_motions = carried_motions(self.steps, self.boundary_lines)
        here = self.boundary_motions[-1](1.0)[0]
        return CarriedLines(here, self.view, LINE_COLOR, width=5, clip=self.clip)

    def show_side_by_side(self) -> None:
        """A tanh network of exactly this shape, trained the same way on the same data (seed 0), beside this one:
        its boundary bends around the arms. Then both trained from three seeds: the accuracies, median and range."""
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
        linear_runs, tanh_runs = self.seed_runs()
        names = self.training_names(linear_runs, tanh_runs)
        accuracy = short_percent(run.final_metrics["val_acc"])
        tag = label(f"tanh, {names[0]}: {accuracy}", self.theme, TEXT, self.theme.muted)
        tag.next_to(border, UP, buff=0.12).align_to(border, RIGHT)
        tag = VGroup(tag, self.panel_tag(f"linear, {names[0]}: {short_percent(self.metrics['val_acc'])}"))
        shape = "-".join(map(str, self.run.layers))
        count = self.run.network.parameter_count
        steps = {r.manifest.get("config", {}).get("epochs") for r in (self.run, run)}  # none recorded when imported
        trained = f", {steps.pop():,} steps" if len(steps) == 1 and None not in steps else ""
        text = f"The same {shape} network with tanh\nbetween the layers: same data,\n{count} parameters{trained}."
        caption = self.fit_column(label(text, self.theme, TEXT, self.theme.text))
        caption.move_to([self.column_left, ROWS_TOP, 0], aligned_edge=LEFT + UP)
        self.play(
            *self.put("header", self.heading("Linear (left), tanh (right)")),
            *self.put("matrices", VGroup()),
            *self.tell(text, caption),
            FadeIn(border),
            FadeIn(image),
            FadeIn(plane),
            FadeIn(tag),
            run_time=1.0,
        )
        reading = self.narrator.log[-1].duration
        self.play(Create(curve), run_time=max(2.0, min(reading - 1.0, 3.5)))  # its bend drawn while it is read
        self.hold("detail")
        linear = [r.final_metrics["val_acc"] for r in linear_runs]
        tanh = [r.final_metrics["val_acc"] for r in tanh_runs]
        table = self.accuracy_table(linear, tanh, names)
        table.move_to([self.column_left, -1.15, 0], aligned_edge=LEFT + UP)
        cells = list(table)
        rows = [VGroup(*cells[i : i + 3]) for i in range(0, len(cells), 3)]
        spread = f"{self.spread_words('linear', linear)}; {self.spread_words('tanh', tanh)}"
        which = f"Seeds {', '.join(n.split()[1] for n in names)} of each" if names[0].startswith("seed") else None
        text = f"{which or f'{len(names)} trainings each'}: {spread}."
        words = self.fit_column(label(self.wrapped(text), self.theme, TEXT, self.theme.text))
        words.move_to([self.column_left, ROWS_TOP, 0], aligned_edge=LEFT + UP)
        self.play(*self.tell(text, words), FadeIn(rows[0]))
        reading = self.narrator.log[-1].duration
        self.play(LaggedStart(*map(FadeIn, rows[1:]), lag_ratio=0.8), run_time=max(2.0, min(reading - 0.8, 4.0)))
        self.hold("detail")
        end = "Only a nonlinearity lets the\nboundary bend: linear layers,\nhowever many, are one line."
        words = self.fit_column(label(end, self.theme, TEXT, self.theme.text))
        words.move_to([self.column_left, ROWS_TOP, 0], aligned_edge=LEFT + UP)
        self.play(*self.tell(end, words))
        # While it is read: the linear network's one line, then the tanh network's bent one, each pulses in turn.
        reading = self.narrator.log[-1].duration
        pulse = max(1.2, min(reading / 2, 2.5))
        self.play(self.linear_boundary.animate(rate_func=there_and_back).set_stroke(width=11), run_time=pulse)
        self.play(curve.animate(rate_func=there_and_back).set_stroke(width=9), run_time=pulse)
        self.hold("detail", extra=self.verdict_seconds)

    def panel_tag(self, text: str):
        """A short muted label over the main panel's right corner (where the zoom note goes; gone by the end)."""
        half = self.panel_half_size
        tag = label(text, self.theme, TEXT, self.theme.muted)
        return tag.move_to(np.array(self.panel_centre) + [half, half + 0.35, 0], aligned_edge=RIGHT)

    @staticmethod
    def spread_words(name: str, accuracies: list[float]) -> str:
        """``name``'s median accuracy and range, or its one value when every seed ends the same."""
        low, high, median = min(accuracies), max(accuracies), float(np.median(accuracies))
        if short_percent(low) == short_percent(high):
            return f"{name} {short_percent(median)} every time"
        return f"{name} median {short_percent(median)}, from {short_percent(low)} to {short_percent(high)}"

    def wrapped(self, text: str, width: int = 32) -> str:
        """``text`` broken into lines of at most ``width`` characters, at spaces."""
        lines, line = [], ""
        for word in text.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        return "\n".join([*lines, line])
