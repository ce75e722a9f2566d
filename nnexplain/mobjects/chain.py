"""Mobjects of the chain rule on a network of one neuron per layer.

    values = chain_values(run.params(), run.activation, x, y)      # nnexplain.geometry.chain
    row = ChainRow(values, theme)                 # x → a → a → a, neurons lit by their activation
    tree = ChainTree(values, theme)               # what depends on what, every node with its value
    product = ProductColumns(factors, theme, "(partial C)/(partial w^((L)))")   # symbol, meaning, value

Names are written relative to the output layer L (a⁽ᴸ⁻¹⁾ is the last hidden neuron),
in Typst (:func:`~nnexplain.mobjects.style.formula`).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, Line, VGroup

from nnexplain.geometry.chain import ChainValues
from nnexplain.mobjects.style import Theme, formula, label

__all__ = ["sup", "number", "ChainRow", "ChainTree", "ProductColumns"]


def sup(offset: int) -> str:
    """Typst superscript of the layer ``offset`` below the output: ((L)), ((L-1)), …"""
    return "((L))" if offset == 0 else f"((L-{offset}))"


def number(value: float, digits: int = 3) -> str:
    """A number with fixed decimals and a typographic minus (Typst draws either as a minus)."""
    return f"{value:.{digits}f}".replace("-", "−")


class ChainRow(VGroup):
    """The network as a row of neurons, each filled by its activation, the weights over the links."""

    def __init__(
        self,
        values: ChainValues,
        theme: Theme,
        left: float = -1.3,
        right: float = 6.3,
        y: float = 2.25,
        radius: float = 0.28,
        size: float = 28,
    ):
        super().__init__()
        count = values.depth + 1
        xs = np.linspace(left, right, count)
        span = max(1.0, max(abs(a) for a in values.act[1:]))
        self.neurons, self.names, self.links, self.weights = VGroup(), VGroup(), VGroup(), VGroup()
        for index, x in enumerate(xs):
            neuron = Circle(radius=radius).move_to([x, y, 0]).set_stroke(theme.neuron_stroke, 2)
            neuron.set_fill(theme.neuron_fill, 0.0 if index == 0 else float(np.clip(values.act[index] / span, 0, 1)))
            self.neurons.add(neuron)
            offset = values.depth - index
            name = "x" if index == 0 else f"a^{sup(offset)}"
            self.names.add(
                formula(f"{name} = {number(values.act[index], 2)}", theme, size).next_to(neuron, DOWN, buff=0.12)
            )
        for index in range(values.depth):
            start, end = self.neurons[index].get_right(), self.neurons[index + 1].get_left()
            self.links.add(Line(start, end, stroke_color=theme.muted, stroke_width=2.5))
            offset = values.depth - 1 - index
            weight = formula(
                f"w^{sup(offset)} = {number(values.weights[index], 2)}", theme, size - 4, color=theme.muted
            )
            self.weights.add(weight.next_to(self.links[-1], UP, buff=0.1))
        self.add(self.links, self.neurons, self.names, self.weights)


class ChainTree(VGroup):
    """What depends on what, from the cost down to ``levels`` layers of weights; each node shows its value.

    ``nodes`` maps a key to its mobject: ``"C"``, ``"y"``, then per layer offset k
    (0 is the output): ``"a{k}"``, ``"z{k}"``, ``"w{k}"``, ``"b{k}"``, and ``"a{levels}"``
    at the bottom. ``edges`` maps (lower key, upper key) to the line between them.
    """

    def __init__(
        self,
        values: ChainValues,
        theme: Theme,
        levels: int = 2,
        center_x: float = -5.0,
        top: float = 2.15,
        step: float = 1.0,
        spread: float = 1.5,
        size: float = 34,
    ):
        super().__init__()
        self.theme = theme
        top_layer = values.depth
        nodes: dict[str, VGroup] = {}

        def node(
            key: str, name: str, value: float, x: float, y: float, color: str | None = None, digits: int = 3
        ) -> None:
            # The name over its value: names with superscripts stay legible, nodes stay narrow.
            group = VGroup(
                formula(name, theme, size, color=color), label(number(value, digits), theme, 20, color or theme.text)
            )
            nodes[key] = group.arrange(DOWN, buff=0.06).move_to([x, y, 0])

        node("C", "C", values.cost, center_x, top, theme.highlight)
        node("y", "y", values.y, center_x + spread, top, theme.muted, digits=0)
        for k in range(levels):
            layer = top_layer - k  # 1-based
            y_a, y_z, y_in = top - (1 + 2 * k) * step, top - (2 + 2 * k) * step, top - (3 + 2 * k) * step
            if k == 0:
                node("a0", f"a^{sup(0)}", values.act[layer], center_x, y_a)
            node(f"z{k}", f"z^{sup(k)}", values.pre[layer - 1], center_x, y_z)
            node(f"w{k}", f"w^{sup(k)}", values.weights[layer - 1], center_x - spread, y_in)
            node(f"a{k + 1}", f"a^{sup(k + 1)}", values.act[layer - 1], center_x, y_in)
            node(f"b{k}", f"b^{sup(k)}", values.biases[layer - 1], center_x + spread, y_in)
        # a⁽ᴸ⁻ᵏ⁾ sits where the next level's activation is: the next level's z hangs below it.
        self.nodes = nodes
        self.edges: dict[tuple[str, str], Line] = {}
        self._link("a0", "C")
        self._link("y", "C")
        for k in range(levels):
            self._link(f"z{k}", f"a{k}")
            for source in (f"w{k}", f"a{k + 1}", f"b{k}"):
                self._link(source, f"z{k}")
            if k + 1 < levels:
                self._link(f"z{k + 1}", f"a{k + 1}")
        self.add(*self.edges.values(), *nodes.values())

    def _link(self, lower: str, upper: str) -> None:
        if (lower, upper) in self.edges:
            return
        start, end = self.nodes[lower], self.nodes[upper]
        if abs(start.get_y() - end.get_y()) < 1e-6:  # side by side (y beside C)
            line = Line(start.get_left(), end.get_right(), buff=0.12)
        else:
            line = Line(start.get_top(), end.get_bottom(), buff=0.08)
        self.edges[(lower, upper)] = line.set_stroke(self.theme.muted, 2, 0.8)

    def level(self, k: int) -> VGroup:
        """The nodes and edges of layer offset ``k`` (its z, w, b and the activation below), for revealing in steps."""
        keys = [f"z{k}", f"w{k}", f"a{k + 1}", f"b{k}"] + (["a0", "C", "y"] if k == 0 else [])
        lines = [
            line for (lower, upper), line in self.edges.items() if lower in keys and (upper in keys or upper == f"a{k}")
        ]
        return VGroup(*lines, *(self.nodes[key] for key in keys))


class ProductColumns(VGroup):
    """``lhs = f₁ · f₂ · …``: each factor a column of its symbol, its meaning and its value, in its colour."""

    def __init__(
        self, lhs: str, factors: Sequence[tuple[str, str, float, str]], theme: Theme, size: float = 28, gap: float = 0.5
    ):
        super().__init__()
        self.lhs = formula(f"{lhs} =", theme, size)
        self.columns = VGroup()
        self.dots = VGroup()
        for symbol, meaning, value, color in factors:
            column = VGroup(
                formula(symbol, theme, size, color=color),
                formula(meaning, theme, size - 2, color=color),
                label(number(value), theme, size - 8, color=color),
            ).arrange(DOWN, buff=0.22)
            self.columns.add(column)
        self.columns.arrange(RIGHT, buff=gap, aligned_edge=UP)
        for row in (1, 2):  # each row on one line, whatever the heights of the fractions above
            baseline = min(column[row].get_y() for column in self.columns)
            for column in self.columns:
                column[row].set_y(baseline)
        for left, right in zip(self.columns[:-1], self.columns[1:]):
            for row in range(3):
                y = left[row].get_y()
                self.dots.add(
                    label("·" if row < 2 else "×", theme, size - 4, theme.muted).move_to(
                        [(left.get_right()[0] + right.get_left()[0]) / 2, y, 0]
                    )
                )
        self.lhs.next_to(self.columns[0][0], LEFT, buff=0.2)
        self.product = VGroup()
        self.add(self.lhs, self.columns, self.dots)

    def rows(self, row: int) -> VGroup:
        """Row ``row`` of every column (0 symbols, 1 meanings, 2 values) with the signs between them."""
        signs = self.dots[row::3]
        return VGroup(*(column[row] for column in self.columns), *signs)

    def result(self, value: float, theme: Theme, size: float = 20) -> VGroup:
        """``= value`` after the values row."""
        text = label(f"= {number(value)}", theme, size, theme.highlight)
        return text.next_to(self.columns[-1][2], RIGHT, buff=0.25)
