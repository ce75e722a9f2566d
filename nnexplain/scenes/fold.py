"""Fold: a trained 2-D classifier moves its input plane until one straight line separates the classes.

Each hidden layer is played as separate, captioned steps: the linear map (along a
path of invertible matrices; when det W < 0, first a half turn of the plane
through 3-D to its mirror image), the shift by the
bias, and the pointwise nonlinearity, the view following the data all the while.
The title says what the activation does (colah, "Neural Networks, Manifolds, and
Topology"): tanh and sigmoid layers stretch and squash without tearing; ReLU layers
fold. The output layer's decision line is drawn in the last representation, the
layers are undone with that line carried along (it becomes the boundary in the
input plane), and the input plane is coloured by the network's verdict, its wrong
points ringed. Before that, "why more than one layer?" is answered with the run's
own numbers: after each layer, the share of points the best straight line puts on
their side (:mod:`nnexplain.geometry.separability`). A run that fails is narrated as a failure: where its points pile up
and which units are dead.

Every number comes from the run's last snapshot (or ``epoch``); the dots are the
run's probe, the whole validation set of the 2-D recipes.

    nnexplain render fold --run runs/spiral
    NNEXPLAIN_RUN=runs/spiral manim -ql scenes/fold.py Fold
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UP,
    AnimationGroup,
    Create,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    Indicate,
    LaggedStart,
    VGroup,
    Write,
)

from nnexplain.geometry.boundary import decision_boundary
from nnexplain.geometry.separability import best_line, best_line_accuracy
from nnexplain.mobjects.plane import share_bars
from nnexplain.mobjects.style import fmt_percent, formula
from nnexplain.scenes.base.plane_story import NUMBERS, ROWS_TOP, SAFE_BOTTOM, TEXT, PlaneStory

__all__ = ["Fold"]

LAYER_FORMULAS = {  # a hidden layer, in Typst
    "tanh": "h = tanh(W x + b)",
    "sigmoid": "h = sigma(W x + b)",
    "relu": "h = max(0, W x + b)",
}
CHART_HEIGHT = 1.8  # the separability bars at the column's foot, under four lines of words

TITLES = {
    "tanh": "Tanh layers stretch and\nsquash, but never tear",
    "sigmoid": "Sigmoid layers stretch\nand squash, never tear",
    "relu": "ReLU layers fold space",
}


class Fold(PlaneStory):
    scene_name = "fold"
    line_seconds: ClassVar[float] = 1.0  # extra hold on the decision line, beyond its caption
    verdict_seconds: ClassVar[float] = 1.5  # extra hold on the coloured input plane
    good_accuracy: ClassVar[float] = 0.95  # below this, the ending says the network failed

    def title_text(self) -> str:
        return TITLES[self.run.activation]

    def setup(self) -> None:
        super().setup()
        # How separable the points are at the input and after each hidden layer: the share of them that
        # the best straight line puts on their own side (geometry/separability.py), from the run's points.
        kept = [s.points for s in self.stages if s.stage == "input" or (s.stage == "act")]
        self.separable = [best_line_accuracy(points, self.labels) for points in kept[: len(self.params)]]

    def construct(self) -> None:
        self.beat("the data")
        question = f"What does a hidden layer do to\nits input? Here: {len(self.labels)} points,\ntwo classes."
        self.show_input(question, self.write_layer_formula)
        best = fmt_percent(self.separable[0])
        text = f"No straight line separates\nthem: the best one puts\n{best} on their side."
        self.draw_best_line(self.stages[0].points, text)
        hidden = len(self.params) - 1
        for layer in range(hidden):
            self.beat(f"layer {layer + 1}")
            weight = self.params[layer][0]
            self.play_layer(layer, f"Layer {layer + 1} of {hidden}:  {weight.shape[1]} → {weight.shape[0]}")
        self.beat("why more than one layer")
        self.show_separability()
        self.beat("the decision line")
        overlay = self.show_decision_line()
        self.beat("the boundary in the input plane")
        self.show_verdict(overlay)

    def write_layer_formula(self) -> list:
        """What a hidden layer computes, written out while the question is read (layer 1's numbers replace it)."""
        typst = LAYER_FORMULAS.get(self.run.activation)
        if typst is None:
            return []
        self.shown_labels["matrices"] = words = self.numbers(formula(typst, self.theme, 1.4 * NUMBERS))
        return [Write(words)]

    def show_summary(self, layer: int, text: str) -> None:
        """Say how separable the layer left the points while the best straight line is drawn over them."""
        self.draw_best_line([s for s in self.stages if s.stage == "act"][layer].points, text)

    def draw_best_line(self, points, text: str) -> None:
        """Say ``text`` while the best straight line through ``points`` (drawn now, in the plane) is drawn."""
        animations = self.tell(text, self.detail(text))
        if points.shape[1] == 2 and not self.view.projection.is_projection:
            _, normal, offset = best_line(points, self.labels)
            tints, line = self.boundary_overlay(normal, offset)
            self.best_line = VGroup(tints, line)
            self.add(tints)
            tints.set_opacity(0)
            self.play(*animations)
            reading = self.narrator.log[-1].duration
            self.play(Create(line), tints.animate.set_fill(opacity=0.16), run_time=max(1.5, min(reading - 1.0, 3.0)))
        else:
            self.play(*animations)

    def layer_summary(self, layer: int) -> str:
        """How separable the layer left the points: the best straight line's share, before and after it."""
        now, before = fmt_percent(self.separable[layer + 1]), fmt_percent(self.separable[layer])
        if now == before and layer > 0:
            return f"The best straight line still\nputs {now} on their side."
        return f"The best straight line now puts\n{now} on their side (before this\nlayer: {before})."

    def drop_best_line(self) -> list:
        best, self.best_line = getattr(self, "best_line", None), None
        return [] if best is None else [FadeOut(best)]

    def separability_words(self) -> str:
        """Why more than one layer, in the run's numbers: the best line's share at the input, after one layer,
        and from which layer on it is as good as at the end (later layers may add nothing: said so)."""
        share, layers = self.separable, len(self.separable) - 1
        text = f"Why more than one layer? The\nbest straight line: {fmt_percent(share[0])} at the\ninput"
        if layers == 1:
            return text + f", {fmt_percent(share[1])} after\nthe one hidden layer."
        text += f", {fmt_percent(share[1])} after one layer"
        reached = min(k for k in range(1, layers + 1) if share[k] >= share[-1])
        if reached == 1:
            return text + f",\nand no better after {layers}."
        if reached < layers:
            return text + f",\n{fmt_percent(share[-1])} from layer {reached} on:\nlater layers add nothing here."
        return text + f",\n{fmt_percent(share[-1])} after {layers}."

    def separability_chart(self) -> VGroup:
        """A bar per stage, the input and after each layer: the best straight line's share, at the column's foot."""
        names = [
            "input",
            *(f"layer {k}" if len(self.separable) <= 4 else str(k) for k in range(1, len(self.separable))),
        ]
        chart = share_bars(self.separable, names, self.theme, self.column_width - 0.2, CHART_HEIGHT, TEXT)
        return chart.move_to([self.column_left, SAFE_BOTTOM, 0], aligned_edge=LEFT + DOWN)

    def show_separability(self) -> None:
        """The best line's share grows bar by bar, input first, while the answer is read."""
        text = self.separability_words()
        chart = self.separability_chart()
        bars, values = chart.bars, chart.values
        chart.remove(bars, values)
        self.play(
            *self.drop_reference(),
            *self.put("header", self.heading("Why more than one layer")),
            *self.put("rows", VGroup()),
            *self.tell(text, self.detail(text).align_to([0, ROWS_TOP - 0.1, 0], UP)),  # up where the steps were
            *self.put("matrices", chart),
        )
        grow = [AnimationGroup(GrowFromEdge(bar, DOWN), FadeIn(value)) for bar, value in zip(bars, values)]
        reading = self.narrator.log[-1].duration
        growing = max(2.0, min(reading - 0.5, 5.0))
        self.play(LaggedStart(*grow, lag_ratio=0.7), run_time=growing)
        # While the rest is read, the bar where the best line first reaches its final share pulses: the
        # layer from which on, the words say, later layers add nothing (or the last, when each one helps).
        left = reading - growing - 0.3
        if left > 1.0:
            share = self.separable
            reached = min(k for k in range(len(share)) if share[k] >= share[-1])
            pulse = Indicate(VGroup(bars[reached], values[reached]), color=self.theme.highlight, scale_factor=1.08)
            self.play(pulse, run_time=min(left, 2.5))
        chart.add(bars, values)  # they leave with the chart
        self.hold("detail")

    def accuracy(self) -> str:
        return fmt_percent(self.metrics.get("val_acc", float("nan")))

    def show_decision_line(self) -> VGroup:
        normal, offset = decision_boundary(*self.params[-1])
        wrong = int(self.wrong.sum())
        marks = f"\n{wrong} wrong points are ringed in red." if wrong else ""
        if len(normal) > 2:
            overlay = VGroup()
            text = f"In {len(normal)}-D the output's boundary\nis a plane, not a line in this\nflat view. {self.accuracy()} correct.{marks}"
        else:
            overlay = self.boundary_overlay(np.pad(normal, (0, 2 - len(normal))), offset)
            text = f"The output layer draws one\nstraight line: where its two\noutputs are equal. {self.accuracy()} correct.{marks}"
        rings = self.ring_wrong()
        rings.set_stroke(opacity=0)
        self.play(
            *self.drop_reference(),
            *self.drop_best_line(),
            *self.put("header", self.heading("Output layer")),
            *self.put("rows", VGroup()),
            *self.put("matrices", VGroup()),
            *self.tell(text, self.detail(text)),
            *[FadeIn(part) for part in overlay[:1]],
            rings.animate.set_stroke(opacity=1),
            run_time=1.0,
        )
        if len(overlay) > 1 and overlay[1].family_members_with_points():
            self.play(Create(overlay[1]), run_time=2.0)  # the line drawn while its caption is read
        self.hold("detail", extra=self.line_seconds)
        return overlay

    def show_verdict(self, overlay: VGroup) -> None:
        """Undo the layers with the boundary carried along, then colour the input plane by the verdict."""
        boundary = self.decision_lines()
        self.add(boundary)
        if getattr(self, "pile_rings", None) is not None:
            self.plane.remark(self.pile_rings, radius=0.1)  # the pile spreads out again as the layers are undone
        self.play(FadeOut(overlay), *self.unsay("detail"), run_time=0.6)  # each layer undone says its own line
        self.rewind(boundary, words=self.undo_words)
        rings = getattr(self, "pile_rings", None)
        if rings is not None and len(np.unique(self.labels[self.pile.members])) == 1:
            self.play(rings.animate.set_stroke(opacity=0), run_time=0.4)  # a harmless pile: nothing to show here
        self.play(
            FadeIn(self.verdict_image()),
            self.plane.interior.animate.set_stroke(opacity=0.25),
            *self.put("header", self.heading("Back in the input plane")),
            run_time=1.0,
        )
        text = self.ending_words()
        self.play(*self.tell(text, self.detail(text)))
        self.hold("detail", extra=self.verdict_seconds)

    def ending_words(self) -> str:
        accuracy, wrong = self.accuracy(), int(self.wrong.sum())
        if self.metrics.get("val_acc", 1.0) >= self.good_accuracy:
            return f"{accuracy} of the points are on\ntheir side of the boundary."
        text = f"A failure: {accuracy} correct,\n{wrong} points wrong (ringed)."
        inside = 0 if self.pile is None else int((self.wrong & self.pile.members).sum())
        if inside:
            text += f"\n{inside} of them are among the {self.pile.count}\npoints pressed onto one spot\n(ringed in yellow): one answer\nfor all of them."
        dead = sorted({d.layer for d in self.dead})
        if dead:
            layers = ", ".join(str(layer + 1) for layer in dead)
            text += f"\nWhy: dead units in layer{'s' if len(dead) > 1 else ''} {layers}\nleave too few directions\nto untangle the arms."
        return text
