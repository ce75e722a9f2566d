"""Beats of ``relu-square``: which hinges open left or hang below 0, named where they are first seen (``name_signs``);
later, why a hinge opens to the left, drawn on one of the trained units (``explain_left_facing``).

Its own numbers first (a negative input weight), then what flipping the signs of its weight and bias would
do: the same kink, the weight and bias moving to their negatives, so the hinge flattens and opens right (every
frame a real hinge).

A mixin for a :class:`~nnexplain.scenes.base.hinge_story.HingeStory` whose scene sets ``hinges``, ``run``
and ``view`` before this beat runs.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    Create,
    Dot,
    VGroup,
    VMobject,
    linear,
    there_and_back,
)

from nnexplain.geometry.hinges import facing_units, hinge
from nnexplain.mobjects.hinges import Fade, HingeMorph, fmt_number
from nnexplain.mobjects.style import label
from nnexplain.scenes.base.hinge_story import TEXT_SIZE, in_turn

__all__ = ["MirrorTurn", "weight_bias_kink"]


def weight_bias_kink(weight: float, bias: float) -> tuple[str, str, str]:
    """A unit's weight, bias and kink (−bias/weight) as shown: the kink to 2 digits, weight and bias to as few
    digits (2 to 6) as make −bias/weight of the shown numbers round to the shown kink, so a student's sum agrees."""
    # Rounded first: fmt_number writes 0.005 to 0.01 as 0.
    kink = fmt_number(round(-bias / weight, 2))
    for digits in range(2, 7):
        w, b = fmt_number(weight, digits), fmt_number(bias, digits)
        shown_w, shown_b = (float(text.replace("\u2212", "-")) for text in (w, b))
        if shown_w != 0 and fmt_number(round(-shown_b / shown_w, 2)) == kink:
            break
    return w, b, kink


def _units(units: list[int]) -> str:
    names = [f"unit {unit + 1}" for unit in units]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class MirrorTurn:
    """The beats ``name_signs`` and ``explain_left_facing`` (see the module's docstring)."""

    def signs_lines(self, epoch: int) -> list[tuple[str, list[int]]]:
        """What the hinges at ``epoch`` show of their weights' signs: a line per sign, with the units it names
        (none: every hinge opens right and stands above 0)."""
        left, below = facing_units(self.run.params(epoch))

        def line(units: list[int], verb: str, where: str, weight: str) -> str:
            one = len(units) == 1
            said = f"{_units(units)} {verb}{'s' if one else ''} {where}: {'its' if one else 'their'} {weight} weight"
            return f"{said}{'' if one else 's'} {'is' if one else 'are'} negative."

        lines = [(line(left, "open", "left", "input"), left)] if left else []
        if below:
            # Said of the start: an output weight that training later makes positive (a unit that ends above 0) is
            # negative "for now", so "its output weight is negative" is not taken for the trained unit's.
            (_, _), (w2_end, _) = self.run.params(self.hinges.epoch)
            turns = any(float(np.asarray(w2_end)[0][unit]) > 0 for unit in below)
            said = line(below, "hang", "below 0", "output")
            lines += [(said[:-1] + ", for now." if turns else said, below)]
        return [(text[0].upper() + text[1:], units) for text, units in lines]

    def name_signs(self) -> None:
        """Where the hinges are first seen, the units that open left or hang below 0 are named, each curve pulsing
        as its sign is said (why a negative input weight turns a hinge is shown later, on a trained unit)."""
        if self.hinges.hidden_layers != 1:
            return
        curves, epoch = self.view.unit_curves, self.snapshots[0].epoch
        (w1, _), (w2, _) = self.run.params(epoch)
        lines = self.signs_lines(epoch)
        for text, units in lines:
            # The named weights in the column, each in its unit's colour (the run's numbers), as the words start.
            which, weights = ("input", np.asarray(w1)[:, 0]) if " left:" in text else ("output", np.asarray(w2)[0])
            rows = VGroup(label(f"{which} weight", self.theme, size=TEXT_SIZE, color=self.theme.muted))
            for unit in units:
                row = f"unit {unit + 1}: {fmt_number(float(weights[unit]))}"
                rows.add(label(row, self.theme, size=TEXT_SIZE, color=self.view.colors[unit]))
            rows.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
            with self.narrate(text) as line:
                first = min(0.8, 0.25 * line.duration)
                self.play(*self.show_labels(rows), run_time=first)
                pulses = [curves[unit].animate(rate_func=there_and_back).set_stroke(width=9) for unit in units]
                self.play(in_turn(*pulses), run_time=line.duration - first)
        if lines:
            self.play(*self.show_labels(None), run_time=0.4)

    def explain_left_facing(self) -> None:
        """A negative input weight makes a hinge open to the left. Shown on one of the trained units: its own
        numbers first, then what flipping both their signs would do, the same kink opening right, drawn as the
        numbers move there (every frame a real hinge)."""
        params = self.run.params(self.hinges.epoch)
        weights = params[0][0][:, 0]
        left = [unit for unit in range(len(weights)) if weights[unit] < 0 and len(self.hinges.kinks[unit])]
        if self.hinges.hidden_layers != 1 or not left:
            return
        biases, out_weights, x = params[0][1], params[1][0][0], self.hinges.x

        def mirror_of(u: int) -> tuple[float, float, float]:
            """The same kink with the input weight's sign flipped. Moving the numbers in a straight line from
            there keeps the kink fixed while the hinge flattens and turns over: a mirror about the kink."""
            return (-float(weights[u]), -float(biases[u]), float(out_weights[u]))

        # The unit whose mirror leaves the panel least (the panel clips what rises above it).
        unit = min(left, key=lambda u: np.max(np.abs(hinge(x, *mirror_of(u)))))
        weight, bias = float(weights[unit]), float(biases[unit])
        panel, color = self.view.units_panel, self.view.colors[unit]
        own, mirrored = (weight, bias, float(out_weights[unit])), mirror_of(unit)
        # Drawn across the whole interval. The flip moves the input weight and bias in a straight line to their
        # negatives: −bias/weight stays put, so every frame is a real hinge with the same kink, flattening to 0 as
        # both pass through 0 and rising again on the other side (a mirror about the kink, never a shape no unit
        # can take).
        flipping = VGroup(VMobject(stroke_color=color, stroke_width=7), Dot(radius=0.08, color=color))
        HingeMorph(flipping, panel, x, own, own).interpolate_mobject(0)
        arm = flipping[0]
        w, b, kink_x = weight_bias_kink(weight, bias)
        flip_w, flip_b, _ = weight_bias_kink(-weight, -bias)

        # The unit's own numbers first, then what flipping their signs would do, then what that shows.
        said = f"Unit {unit + 1} opens left: its weight, {w}, is negative; its kink is at x = {kink_x}."
        with self.narrate(said) as line:
            self.play(
                *[curve.animate.set_stroke(opacity=0.25) for curve in self.view.unit_curves],
                *self.show_labels(f"unit {unit + 1}: weight {w}\nand bias {b}\nkink x = {kink_x}", color=color),
                Create(arm),
                Fade(flipping[1]),
                run_time=line.duration,
            )
        what_if = f"Flip both signs, to {flip_w} and {flip_b}: the same kink, now opening right."
        with self.narrate(what_if) as line:
            self.play(
                *self.show_labels(f"if weight {flip_w}\nand bias {flip_b}:\nkink x = {kink_x}", color=color),
                run_time=min(1.0, 0.25 * line.duration),
            )
            self.play(
                HingeMorph(flipping, panel, x, own, mirrored, rate_func=linear),
                run_time=line.duration - min(1.0, 0.25 * line.duration),
            )
        with self.narrate("So the sign of the input weight picks the side a hinge opens to.") as line:
            self.play(
                *self.show_labels("weight < 0: opens left\nweight > 0: opens right", color=color),
                run_time=min(1.0, 0.3 * line.duration),
            )
            self.wait(0.4 * line.duration - min(1.0, 0.3 * line.duration))
            self.play(
                Fade(flipping, out=True),
                *[curve.animate.set_stroke(opacity=1) for curve in self.view.unit_curves],
                *self.show_labels(None),
                run_time=0.6 * line.duration,
            )
