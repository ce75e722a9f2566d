"""The chain-rule scene's pieces: its drawing order, heading, the graph's keys and the nudge's values, the run's
data inset and the first chain's factors written out (:mod:`nnexplain.scenes.chain_rule` tells the story)."""

from __future__ import annotations

import re

import numpy as np
from manim import DOWN, LEFT, UL, Dot, Line, VGroup

from nnexplain.mobjects.chain import TEXT_SIZE, number, sup
from nnexplain.mobjects.hinges import CurvePanel, Fade
from nnexplain.mobjects.style import formula, label
from nnexplain.run.network import forward_trace
from nnexplain.scenes.base.hinge_story import in_turn

__all__ = ["ChainPieces", "FORMULA_Y", "moving_mobjects", "fraction", "factor_text", "signed", "count_words"]

FORMULA_Y = -1.35  # the middle of the product (fractions over values), above the caption band


class ChainPieces:
    """Mixed into :class:`~nnexplain.scenes.chain_rule.ChainRule` (a RunScene): what its beats draw with."""

    def play(self, *animations, **kwargs) -> None:
        """manim redraws, every frame, each mobject from the first one that moves to the end of the scene's list; the
        moving ones are put last first (the graph and the product stay a still background), drawn in the same order
        among themselves, so a frame costs what moves in it."""
        moving = {id(mobject) for mobject in moving_mobjects(animations)}
        ahead = [mobject for mobject in self.mobjects if id(mobject) in moving]
        if ahead:
            self.mobjects = [m for m in self.mobjects if id(m) not in moving] + ahead
        super().play(*animations, **kwargs)

    def set_heading(self, text: str) -> None:
        heading = label(text, self.theme, TEXT_SIZE + 2, weight="BOLD").to_corner(UL, buff=0.45)
        if self.heading is not None:  # the old one fully out before the new one comes in
            self.play(Fade(self.heading, out=True), run_time=self.t(0.3))
            self.remove(self.heading)
        self.play(Fade(heading), run_time=self.t(0.4))
        self.heading = heading

    def restore_values(self) -> list:
        """The animations that bring the nodes' values back in place of the nudge's changes."""
        animations = []
        for value, tag in self.swapped:
            value.set_fill(opacity=1)  # faded out to nothing: its opacity restored before it fades back in
            animations.append(in_turn(Fade(tag, out=True), Fade(value)))
        self.swapped = []
        return animations

    def chain_links(self, depth: int) -> list[tuple[str, str]]:
        """The graph's edges the factors of ∂C/∂w⁽ᴸ⁻ᵈᵉᵖᵗʰ⁾ follow, weight end first."""
        links = [(f"w{depth}", f"z{depth}")]
        for k in range(depth, -1, -1):
            links.append((f"z{k}", f"a{k}"))
            if k > 0:
                links.append((f"a{k}", f"z{k - 1}"))
        links.append(("a0", "C"))
        return links

    def ripple_keys(self, depth: int) -> list[str]:
        """The nodes a nudge of w⁽ᴸ⁻ᵈᵉᵖᵗʰ⁾ moves, the weight first, C last."""
        keys = [f"w{depth}"]
        for k in range(depth, -1, -1):
            keys += [f"z{k}", f"a{k}"]
        return keys + ["C"]

    def change(self, after, key: str) -> float:
        """How much the node ``key`` moved, from the network run again with the nudged weight."""
        top = self.values.depth
        if key == "C":
            return after.cost - self.values.cost
        kind, k = key[0], int(key[1:])
        layer = top - k
        if kind == "w":
            return after.weights[layer - 1] - self.values.weights[layer - 1]
        if kind == "z":
            return after.pre[layer - 1] - self.values.pre[layer - 1]
        return after.act[layer] - self.values.act[layer]

    def data_inset(self) -> VGroup:
        """The run's data and the network's curve over it, the example and its output marked, the miss between."""
        inputs = self.run.probe["inputs"][:, 0]
        targets = self.run.probe["labels"].reshape(len(inputs), -1)[:, 0]
        low, high = float(inputs.min()), float(inputs.max())
        grid = np.linspace(low, high, 161)
        curve = forward_trace(self.params, self.run.activation, "identity", grid.reshape(-1, 1))[-1][1][:, 0]
        bottom = float(min(targets.min(), curve.min(), 0.0))
        top = float(max(targets.max(), curve.max(), 1.0))
        pad = 0.1 * (top - bottom)
        panel = CurvePanel((low, high), (bottom - pad, top + pad), self.theme, 4.2, 1.7, label_size=TEXT_SIZE)
        panel.move_to([-3.9, FORMULA_Y + 0.35, 0])
        points = panel.dots(inputs, targets, self.theme.muted, radius=0.04)
        fit = panel.curve(grid, curve, self.theme.text, 4)
        example = Dot(panel.plot_point(self.x, self.y), radius=0.09, color=self.theme.text)
        output = Dot(panel.plot_point(self.x, self.values.act[-1]), radius=0.09, color=self.theme.text)
        miss = Line(panel.plot_point(self.x, self.y), panel.plot_point(self.x, self.values.act[-1]))
        miss.set_stroke(self.theme.text, 5)
        return VGroup(panel, points, fit, example, output, miss)

    def data_words(self) -> str:
        formula_text = self.run.dataset.get("formula")
        return formula_text if formula_text and len(formula_text) <= 40 else "its data"

    def derivations(self, factors, colors) -> list[VGroup]:
        """The first chain's factors written out, each in its colour: what it is, and its value from the run."""
        a, y = number(self.values.act[-1]), number(self.y, 0)
        rows = [
            [f"(partial z^{sup(0)})/(partial w^{sup(0)}) = a^{sup(1)} = {number(factors[0].value)}"],
            [f"(partial a^{sup(0)})/(partial z^{sup(0)}) = 1", f'a^{sup(0)} = z^{sup(0)}: "linear"'],
            [f"(partial C)/(partial a^{sup(0)}) = 2(a^{sup(0)} - y)", f"= 2({a} - {y}) = {number(factors[-1].value)}"],
        ]
        written = []
        for lines, color in zip(rows, colors):
            group = VGroup(*(formula(text.replace("−", "-"), self.theme, 50, color=color) for text in lines))
            group.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
            if group.width > 4.4:  # the room left of the graph, inside the title-safe margin
                group.scale_to_fit_width(4.4)
            group.move_to([-6.45 + group.width / 2, 1.75, 0])
            written.append(group)
        return written


def moving_mobjects(animations):
    """The mobjects the animations (and those inside their groups) move."""
    for animation in animations:
        inner = getattr(animation, "animations", None)
        if inner:
            yield from moving_mobjects(inner)
        elif getattr(animation, "mobject", None) is not None:
            yield animation.mobject


def fraction(name: str) -> str:
    """∂z(L)/∂w(L) -> (partial z^((L)))/(partial w^((L))): one factor's symbol in Typst."""
    top, bottom = name.split("/")
    return f"({typst(top)})/({typst(bottom)})"


def typst(text: str) -> str:
    text = re.sub(r"([azwbC])\(L(?:−(\d+))?\)", lambda m: f"{m[1]}^((L{'-' + m[2] if m[2] else ''}))", text)
    return text.replace("∂", "partial ").replace("−", "-")


def factor_text(value: float, digits: int = 3) -> str:
    """A number as a factor after ×: a negative one in parentheses."""
    return f"({number(value, digits)})" if value < 0 else number(value, digits)


def signed(value: float, digits: int) -> str:
    return f"{value:+.{digits}f}".replace("-", "−")


def count_words(number: int) -> str:
    return {1: "one", 2: "two", 3: "three", 4: "four"}.get(number, str(number))
