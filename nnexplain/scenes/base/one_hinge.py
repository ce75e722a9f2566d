"""A beat of ``relu-square``: one unit's hinge built from max(0, x) with the run's own numbers.

Its input weight scales x, its bias moves the kink to −bias/weight, its output weight scales it again; the formula
over the panel is typeset (Typst) at each stage, and a faint copy of the stage before stays while the next forms.

A mixin for a :class:`~nnexplain.scenes.base.hinge_story.HingeStory` whose scene sets ``snapshots``, ``run`` and
``units_box`` before this beat runs. It leaves ``one_hinge`` (unit, panel, formula, curve and dot, kink) and
``one_hinge_ghost`` for the next beat.
"""

from __future__ import annotations

import numpy as np
from manim import LEFT, UP, Create, Dot, VGroup, VMobject

from nnexplain.geometry.hinges import hinge
from nnexplain.mobjects.hinges import Fade, HingeMorph, fmt_number, padded_range
from nnexplain.mobjects.style import formula
from nnexplain.scenes.base.hinge_story import in_turn
from nnexplain.scenes.base.mirror_turn import weight_bias_kink

__all__ = ["OneHinge"]


class OneHinge:
    """The beat ``build_one_hinge`` (see the module's docstring)."""

    def build_one_hinge(self) -> None:
        """max(0, x), then the first unit's own input weight, bias and output weight, one at a time."""
        start = self.snapshots[0]
        params = self.run.params(start.epoch)
        unit = self._unit_to_build(start)
        weight, bias = float(params[0][0][unit, 0]), float(params[0][1][unit])
        out_weight = float(params[1][0][0, unit])
        stages = [(1.0, 0.0, 1.0), (weight, 0.0, 1.0), (weight, bias, 1.0), (weight, bias, out_weight)]
        x = start.x
        # A lower panel than the units' leaves room above it for the formula, typeset large (its digits about
        # 18 px at 480p): it is the panel's heading while the hinge is built.
        box = (self.units_box[0], self.units_box[1] - 0.12)
        panel = self.panel_in(box, padded_range([hinge(x, *stage) for stage in stages]), x_labels=False)
        color = self.theme.palette[unit % len(self.theme.palette)]
        curve = VMobject(stroke_color=color, stroke_width=5)
        dot = Dot(radius=0.08, color=color)
        built = VGroup(curve, dot)
        HingeMorph(built, panel, x, stages[0], stages[0]).interpolate_mobject(0)
        # Weight and bias to as many digits as make −bias/weight of the shown numbers give the shown kink.
        w, b, kink_x = weight_bias_kink(weight, bias)
        b, v = b.lstrip("−"), fmt_number(out_weight)
        sign = "−" if bias < 0 else "+"

        def typeset(source: str) -> VGroup:
            """A formula (Typst) over the panel, at its left edge."""
            shown = formula(source.replace("−", "-"), self.theme, 46)
            return shown.next_to(panel.box, UP, buff=0.1, aligned_edge=LEFT)

        formulas = [
            typeset("max(0, x)"),
            typeset(f"max(0, {w} x)"),
            typeset(f"max(0, {w} x {sign} {b})"),
            typeset(f"{v} dot max(0, {w} x {sign} {b})"),
        ]
        turned = ", and turns it to face left" if weight < 0 else ""
        over = " and turns it over" if out_weight < 0 else " again"
        lines = [
            "Every unit starts from ReLU: a negative x becomes 0, a positive x stays x.",
            f"Unit {unit + 1}'s input weight, {w}, scales x: the slope becomes {w}{turned}.",
            f"Its bias moves the kink to x = −bias/weight = {kink_x}.",
            f"Its output weight, {v}, scales it{over}, to slope {fmt_number(out_weight * weight)}: what unit {unit + 1}"
            " adds.",
        ]
        # A stage's note, shown once the picture has got there: the unit is named when its own numbers apply.
        notes = [f"unit {unit + 1}, at the\nrandom start: weight {w}", f"kink at x = {kink_x}", None]
        with self.narrate(lines[0]) as line:
            self.play(*self.draw_panel(panel), Fade(formulas[0]), run_time=0.4 * line.duration)
            self.play(Create(curve), Fade(dot), run_time=0.6 * line.duration)
        ghost, shown = None, formulas[0]
        for before, after, text, typeset_next, note in zip(stages, stages[1:], lines[1:], formulas[1:], notes):
            # A faint copy of the stage before stays while the new one forms, so a small change can be seen.
            previous = curve.copy().set_stroke(opacity=0.3, width=3)
            with self.narrate(text) as line:
                fading = [] if ghost is None else [Fade(ghost, out=True)]
                self.add(previous)
                self.play(in_turn(Fade(shown, out=True), Fade(typeset_next)), *fading, run_time=0.6)
                morph = max(line.duration - 0.6, 1.0)
                self.play(HingeMorph(built, panel, x, before, after), run_time=morph if note is None else 0.75 * morph)
                if note is not None:  # the kink has arrived: now its place is named
                    self.play(*self.show_labels(note, color=color), run_time=0.25 * morph)
            shown = typeset_next
            if ghost is not None:
                self.remove(ghost)
            ghost = previous
        self.one_hinge_ghost = ghost
        self.one_hinge = (unit, panel, shown, built, -bias / weight)

    def _unit_to_build(self, snapshot) -> int:
        """Of the units that bend inside the interval at the random start, the one adding the most (else unit 1)."""
        bending = [unit for unit, kinks in enumerate(snapshot.kinks) if len(kinks)]
        return max(bending, key=lambda unit: np.max(np.abs(snapshot.units[unit])), default=0)
