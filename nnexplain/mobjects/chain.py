"""Mobjects of the chain rule on a network of one neuron per layer.

    values = chain_values(run.params(), run.activation, x, y)      # nnexplain.geometry.chain
    row = ChainRow(values, "sigmoid", theme)      # x → a → a → a, the hidden neurons σ, the output linear
    graph = ChainGraph(values, theme)             # what depends on what, left to right, every node with its value
    product = ProductLine("(partial C)/(partial w^((L)))", factors, theme)   # fractions, their values under them
    panel = SlopePanel("sigmoid", z, theme)        # the activation's curve and its tangent at z

Names are written relative to the output layer L (a⁽ᴸ⁻¹⁾ is the last hidden neuron), in
Typst (:func:`~nnexplain.mobjects.style.formula`), at :data:`NAME_SIZE`: large enough that a
superscript such as (L−1) is 16 pixels tall at 480p.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import DOWN, RIGHT, UP, BackgroundRectangle, Circle, Dot, Line, Square, VGroup

from nnexplain.geometry.chain import ChainValues
from nnexplain.mobjects.hinges import CurvePanel
from nnexplain.mobjects.style import Theme, formula, label
from nnexplain.run.activations import ACTIVATIONS

__all__ = ["NAME_SIZE", "TEXT_SIZE", "sup", "number", "ChainRow", "ChainGraph", "ProductLine", "SlopePanel"]

NAME_SIZE = 54  # a formula's letters 23 px tall at 480p, its superscripts 16 px
TEXT_SIZE = 28  # a text's capitals 17 px tall at 480p

# Where each node of the graph sits (x; row 1 above the middle, 0 on it, −1 below): two layers of weights,
# read left to right as the network is. The weight, neuron and bias feeding one z stand in one column.
COLUMNS = {"stack1": -5.8, "z1": -3.4, "stack0": -1.0, "z0": 1.4, "a0": 3.65, "C": 5.8}
ROW_Y = 1.55  # the middle row
ROW_STEP = 1.0


def sup(offset: int) -> str:
    """Typst superscript of the layer ``offset`` below the output: ((L)), ((L-1)), …"""
    return "((L))" if offset == 0 else f"((L-{offset}))"


def number(value: float, digits: int = 3) -> str:
    """A number with fixed decimals and a typographic minus (Typst draws either as a minus)."""
    return f"{value:.{digits}f}".replace("-", "−")


def _node(name: str, value: str, theme: Theme, color: str | None = None) -> VGroup:
    """A quantity's name (a formula) over its value."""
    return VGroup(
        formula(name, theme, NAME_SIZE, color=color), label(value, theme, TEXT_SIZE, color or theme.text)
    ).arrange(DOWN, buff=0.06)


class ChainRow(VGroup):
    """The network as a row of neurons, each with its name and value; the hidden ones marked with their
    activation, the output drawn as a square: it is linear (a⁽ᴸ⁾ = z⁽ᴸ⁾)."""

    def __init__(self, values: ChainValues, activation: str, theme: Theme, left: float = -5.6, right: float = 4.6):
        super().__init__()
        xs = np.linspace(left, right, values.depth + 1)
        self.neurons, self.names, self.links, self.kinds = VGroup(), VGroup(), VGroup(), VGroup()
        for index, x in enumerate(xs):
            output = index == values.depth
            shape = Square(0.6) if output else Circle(radius=0.3)
            shape.move_to([x, ROW_Y + 0.55, 0]).set_stroke(theme.neuron_stroke, 3)
            self.neurons.add(shape)
            name = "x" if index == 0 else f"a^{sup(values.depth - index)}"
            self.names.add(_node(name, number(values.act[index]), theme).next_to(shape, DOWN, buff=0.15))
            kind = "input" if index == 0 else ("linear" if output else activation)
            self.kinds.add(label(kind, theme, TEXT_SIZE, theme.muted).next_to(shape, UP, buff=0.15))
        for start, end in zip(self.neurons[:-1], self.neurons[1:]):
            self.links.add(Line(start.get_right(), end.get_left(), stroke_color=theme.muted, stroke_width=3))
        self.add(self.links, self.neurons, self.names, self.kinds)


class ChainGraph(VGroup):
    """What depends on what, from two layers of weights up to the cost, read left to right; every node shows its value.

    ``nodes`` maps a key to its mobject: ``"C"``, ``"y"``, then per layer offset k (0 is the
    output): ``"a{k}"`` (the activation), ``"z{k}"``, ``"w{k}"``, ``"b{k}"``, and ``"a2"`` at the
    far left. ``edges`` maps (lower key, upper key) to the line between them. Nothing is added:
    the scene brings the parts in, level by level.
    """

    def __init__(self, values: ChainValues, theme: Theme):
        super().__init__()
        self.theme = theme
        top = values.depth  # L, 1-based layers
        nodes: dict[str, VGroup] = {}

        def place(key: str, name: str, value: float, x: float, row: int, digits: int = 3) -> None:
            nodes[key] = _node(name, number(value, digits), theme).move_to([x, ROW_Y + row * ROW_STEP, 0])

        place("C", "C", values.cost, COLUMNS["C"], 0)
        # the target on one line, high above C, so the edge from it to C is long enough to be seen
        target = VGroup(formula(f"y = {number(values.y, 0)}", theme, NAME_SIZE))
        nodes["y"] = target.move_to([COLUMNS["C"], ROW_Y + 1.4, 0])
        place("a0", f"a^{sup(0)}", values.act[top], COLUMNS["a0"], 0)
        for k in range(2):
            layer = top - k
            place(f"z{k}", f"z^{sup(k)}", values.pre[layer - 1], COLUMNS[f"z{k}"], 0)
            place(f"w{k}", f"w^{sup(k)}", values.weights[layer - 1], COLUMNS[f"stack{k}"], 1)
            place(f"a{k + 1}", f"a^{sup(k + 1)}", values.act[layer - 1], COLUMNS[f"stack{k}"], 0)
            place(f"b{k}", f"b^{sup(k)}", values.biases[layer - 1], COLUMNS[f"stack{k}"], -1)
        self.nodes = nodes
        self.edges: dict[tuple[str, str], Line] = {}
        for lower, upper in [("a0", "C"), ("y", "C"), ("z0", "a0"), ("w0", "z0"), ("a1", "z0"), ("b0", "z0")]:
            self._link(lower, upper)
        for lower, upper in [("z1", "a1"), ("w1", "z1"), ("a2", "z1"), ("b1", "z1")]:
            self._link(lower, upper)

    def _link(self, lower: str, upper: str) -> None:
        start, end = self.nodes[lower], self.nodes[upper]
        a, b = start.get_center(), end.get_center()
        line = Line(_box_exit(start, b - a, 0.1), _box_exit(end, a - b, 0.1))
        self.edges[(lower, upper)] = line.set_stroke(self.theme.muted, 3, 0.8)

    def _clear_of_nodes(self, tag, across: float = 0.15, up: float = 0.03, step: float = 0.05, reach: float = 0.6):
        """``tag`` moved sideways by as little as keeps it clear of every node (``across``, ``up``), if it can."""
        start = tag.get_center().copy()
        for shift in np.arange(0.0, reach + 1e-9, step):
            for sign in (-1, 1):
                tag.move_to(start + sign * shift * RIGHT)
                if not any(_overlaps(tag, node, across, up) for node in self.nodes.values()):
                    return tag
        return tag.move_to(start)

    def level(self, k: int) -> tuple[VGroup, VGroup]:
        """The nodes and the edges that layer offset ``k`` brings: for 0, everything from w⁽ᴸ⁾, a⁽ᴸ⁻¹⁾ and b⁽ᴸ⁾
        up to C; for 1, what makes a⁽ᴸ⁻¹⁾."""
        keys = ["w0", "a1", "b0", "z0", "a0", "y", "C"] if k == 0 else ["w1", "a2", "b1", "z1"]
        lines = [line for (lower, upper), line in self.edges.items() if lower in keys]
        return VGroup(*(self.nodes[key] for key in keys)), VGroup(*lines)

    def value_of(self, key: str):
        """The value text of a node."""
        return self.nodes[key][1]

    def edge_label(self, edge: tuple[str, str], text: str, color: str) -> VGroup:
        """A factor's value beside its edge: under a level edge, on the far side of a slanted one from the middle row."""
        line = self.edges[edge]
        tag = label(text, self.theme, TEXT_SIZE, color)
        start, end = line.get_start(), line.get_end()
        if abs(start[1] - end[1]) < 0.05:  # a level edge: under the values of its two nodes, clear of every node
            lower, upper = edge
            bottom = min(self.nodes[lower].get_bottom()[1], self.nodes[upper].get_bottom()[1])
            tag.move_to([line.get_center()[0], bottom - 0.1 - tag.height / 2, 0])
            self._clear_of_nodes(tag)
            # a slanted edge may pass behind it (the bias's into z): the label knocks it out
            knockout = BackgroundRectangle(tag, color=self.theme.background, fill_opacity=1, buff=0.05)
            return VGroup(knockout, tag).set_z_index(2)
        along = (end - start) / np.linalg.norm(end - start)
        across = np.array([-along[1], along[0], 0.0])
        if across[1] < 0:
            across = -across
        if start[1] < end[1]:  # from a bias below: the label under the edge
            across = -across
        reach = 0.5 * np.hypot(tag.width * across[0], tag.height * across[1]) / max(np.linalg.norm(across), 1e-9)
        return tag.move_to((start + end) / 2 + (0.12 + reach + 0.1) * across)


def _overlaps(a, b, across: float, up: float) -> bool:
    """Whether the boxes of ``a`` and ``b`` come closer than ``across`` side by side or ``up`` one above the other."""
    return (
        a.get_left()[0] - across < b.get_right()[0]
        and b.get_left()[0] < a.get_right()[0] + across
        and a.get_bottom()[1] - up < b.get_top()[1]
        and b.get_bottom()[1] < a.get_top()[1] + up
    )


def _box_exit(node: VGroup, direction: np.ndarray, buff: float) -> np.ndarray:
    """Where the ray from ``node``'s centre along ``direction`` leaves its bounding box (plus ``buff``)."""
    half = np.array([node.width / 2 + buff, node.height / 2 + buff])
    direction = np.asarray(direction[:2], dtype=float)
    scale = min(half[i] / abs(direction[i]) for i in range(2) if abs(direction[i]) > 1e-9)
    return node.get_center() + np.append(direction * scale, 0.0)


class ProductLine(VGroup):
    """``lhs = f₁ · f₂ · …`` as fractions in their colours, each factor's value under it, the product under ``lhs``.

    ``factors``: (Typst fraction, value, colour). ``lhs_value`` and ``values`` are the row under the fractions;
    ``signs`` the ``·`` between fractions, ``times`` the ``×`` between values, ``equals`` the two ``=``.
    """

    def __init__(self, lhs: str, factors: Sequence[tuple[str, float, str]], total: float, theme: Theme, gap=0.28):
        super().__init__()
        self.lhs = formula(lhs, theme, NAME_SIZE)
        self.fractions = VGroup(*(formula(symbol, theme, NAME_SIZE, color=color) for symbol, _, color in factors))
        self.signs = VGroup(*(formula("dot", theme, NAME_SIZE, color=theme.muted) for _ in factors[1:]))
        top = VGroup(self.lhs, formula("=", theme, NAME_SIZE))
        for index, fraction in enumerate(self.fractions):
            if index:
                top.add(self.signs[index - 1])
            top.add(fraction)
        top.arrange(RIGHT, buff=gap)
        self.values = VGroup(*(label(number(value), theme, TEXT_SIZE + 2, color) for (_, value, color) in factors))
        below = self.fractions.get_bottom()[1] - 0.35
        for value, fraction in zip(self.values, self.fractions):
            value.move_to([fraction.get_x(), below, 0])
        self.times = VGroup(
            *(
                label("×", theme, TEXT_SIZE + 2, theme.muted).move_to(
                    [(a.get_right()[0] + b.get_left()[0]) / 2, below, 0]
                )
                for a, b in zip(self.values[:-1], self.values[1:])
            )
        )
        self.lhs_value = label(number(total), theme, TEXT_SIZE + 2, theme.highlight).move_to(
            [self.lhs.get_x(), below, 0]
        )
        self.equals = VGroup(top[1], label("=", theme, TEXT_SIZE + 2, theme.muted).move_to([top[1].get_x(), below, 0]))
        self.add(top, self.values, self.times, self.lhs_value, self.equals[1])

    def factor(self, index: int) -> VGroup:
        """The ``index``-th fraction with its value and the signs before them."""
        parts = VGroup(self.fractions[index], self.values[index])
        if index:
            parts.add(self.signs[index - 1], self.times[index - 1])
        return parts


class SlopePanel(VGroup):
    """The activation ``f`` over z, the point at ``z`` and the tangent there, whose slope is f′(z)."""

    def __init__(self, activation: str, z: float, slope: float, theme: Theme, color: str, width=5.2, height=1.6):
        super().__init__()
        function = ACTIVATIONS[activation].function
        span = max(6.0, abs(z) + 2.0)
        grid = np.linspace(-span, span, 161)
        values = function(grid)
        low, high = float(min(values.min(), 0.0)), float(max(values.max(), 1.0))
        self.panel = CurvePanel((-span, span), (low, high), theme, width, height, x_labels=True, label_size=TEXT_SIZE)
        self.curve = self.panel.curve(grid, values, theme.text, 4)
        at = float(function(np.array([z]))[0])
        room = 0.95 * min(at - low, high - at, 0.35 * (high - low))  # the tangent stays inside the panel, unbent
        reach = min(room / max(abs(slope), 1e-3), 0.25 * span)
        ends = np.array([z - reach, z + reach])
        self.tangent = self.panel.curve(ends, at + slope * (ends - z), color, 7)
        self.dot = Dot(self.panel.plot_point(z, at), radius=0.09, color=color)
        # the point's z below and right of it, under the rising curve; the axis below carries the ticks
        self.z_mark = label(f"z = {number(z)}", theme, TEXT_SIZE, theme.muted).next_to(self.dot, DOWN + RIGHT, buff=0.1)
        self.add(self.panel, self.curve, self.tangent, self.dot, self.z_mark)
