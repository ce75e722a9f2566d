"""Fold: a trained 2-D classifier moves its input plane until one straight line separates the classes.

Each hidden layer is played as three separate, captioned steps: the linear map
(along a path of invertible matrices, with a mirror first when det W < 0), the
shift by the bias, and the pointwise nonlinearity. The output layer's decision
line is then drawn in the last representation, and the input plane is coloured
by the network's verdict. Every number comes from the run's last snapshot
(or ``epoch``); the dots are the run's probe, the whole validation set of the
2-D recipes.

    nnexplain render fold --run runs/spiral
    NNEXPLAIN_RUN=runs/spiral manim -ql scenes/fold.py Fold
"""

from __future__ import annotations

import numpy as np
from manim import FadeIn, FadeOut, VGroup

from nnexplain.geometry.boundary import decision_boundary
from nnexplain.geometry.steps import fitting_extent
from nnexplain.mobjects.style import fmt_percent
from nnexplain.scenes.base.plane_story import PlaneStory

__all__ = ["Fold"]


class Fold(PlaneStory):
    scene_name = "fold"
    title = "How layers fold space"
    line_seconds = 2.0  # how long the decision line is held
    verdict_seconds = 2.5  # how long the coloured input plane is held

    def construct(self) -> None:
        self.beat("the data")
        self.show_input(f"{len(self.labels)} validation points, two classes.\nNo straight line separates them here.")
        hidden = len(self.params) - 1
        for layer in range(hidden):
            self.beat(f"layer {layer + 1}")
            weight = self.params[layer][0]
            self.play_layer(layer, f"Layer {layer + 1} of {hidden}   {weight.shape[1]} → {weight.shape[0]}")
        self.beat("the decision line")
        overlay = self.show_decision_line()
        self.beat("the boundary in the input plane")
        self.play(FadeOut(overlay), run_time=0.4)
        self.rewind()
        self.show_verdict()

    def show_decision_line(self) -> VGroup:
        last = self.steps[-1]
        self.fit_view(last, fitting_extent(last.motion(1.0), last.projection))
        normal, offset = decision_boundary(*self.params[-1])
        accuracy = f"validation accuracy {fmt_percent(self.metrics.get('val_acc', float('nan')))}"
        if len(normal) > 2:
            overlay = VGroup()
            hint = "\n(the lift scene draws it in 3-D)" if len(normal) == 3 else ""
            text = f"In {len(normal)}-D the output's boundary is a plane,\nnot a line in this projection.{hint}\n{accuracy}"
        else:
            overlay = self.boundary_overlay(np.pad(normal, (0, 2 - len(normal))), offset)
            text = f"The output layer draws one straight line,\nwhere its two logits are equal.\n{accuracy}"
        self.play(
            *self.caption("header", self.heading("Output layer")),
            *self.caption("rows", VGroup()),
            *self.caption("matrices", VGroup()),
            *self.caption("detail", self.detail(text)),
            FadeIn(overlay),
            run_time=1.0,
        )
        self.wait(self.line_seconds)
        return overlay

    def show_verdict(self) -> None:
        accuracy = fmt_percent(self.metrics.get("val_acc", float("nan")))
        text = f"Undo the layers: the straight line becomes\nthis boundary in the input plane.\nvalidation accuracy {accuracy}"
        self.play(
            FadeIn(self.verdict_image()),
            self.plane.interior.animate.set_stroke(opacity=0.25),
            *self.caption("header", self.heading("Back in the input plane")),
            *self.caption("detail", self.detail(text)),
            run_time=1.0,
        )
        self.wait(self.verdict_seconds)
