"""chain-rule: how much does the cost change when one weight changes? Multiply along the chain.

A network of one neuron per layer (default recipe ``chain``: 1-1-1-1 sigmoid, fitted
to a step) and one example, the one the trained network fits worst. The scene draws
what depends on what (w⁽ᴸ⁾, a⁽ᴸ⁻¹⁾, b⁽ᴸ⁾ → z⁽ᴸ⁾ → a⁽ᴸ⁾ → C), writes ∂C/∂w⁽ᴸ⁾ as the
product of one factor per link with each factor's value, then nudges w⁽ᴸ⁾ by ε and
recomputes the cost: ΔC matches ε times the product. Then one layer further back.
Every value is computed from the run's stored weights (:mod:`nnexplain.geometry.chain`).
Regressions here have a linear output neuron, a⁽ᴸ⁾ = z⁽ᴸ⁾, so its factor is 1; the
sigmoid's slope σ′ enters one layer back, and the scene says so.

    NNEXPLAIN_RUN=runs/chain manim -ql scenes/chain_rule.py ChainRule

Each beat's caption is its narration, held until read; the beats without one (the title,
the checks, one layer back) narrate their numbers undrawn. Subclass to change the pace
(``pace`` scales every animation and pause), the example (``example``: a probe index),
the snapshot (``epoch``) or the nudge (``epsilon``).
"""

from __future__ import annotations

import re
from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, UP, Create, FadeIn, Indicate, VGroup

from nnexplain.geometry.chain import NUDGE, chain_factors, chain_values, nudged_cost, worst_example
from nnexplain.mobjects.chain import ChainRow, ChainTree, ProductColumns, number, sup
from nnexplain.mobjects.hinges import Fade, paragraph
from nnexplain.mobjects.style import label
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["ChainRule"]

SLOPE_NAMES = {"sigmoid": "sigma'", "tanh": "tanh'", "relu": '"ReLU"\'', "identity": "1"}


class ChainRule(RunScene):
    scene_name = "chain-rule"
    example: ClassVar[int | None] = None  # a probe index; None: the example the network fits worst
    epoch: ClassVar[int | None] = None  # the snapshot; None: the last
    epsilon: ClassVar[float] = NUDGE

    caption_left: ClassVar[float] = -2.2
    caption_top: ClassVar[float] = -1.45
    product_center: ClassVar[tuple[float, float]] = (2.3, 0.05)
    product_width: ClassVar[float] = 8.8  # at most, with its result

    def setup(self) -> None:
        super().setup()
        self.params = self.run.params(self.epoch)
        inputs, targets = (
            self.run.probe["inputs"][:, 0],
            self.run.probe["labels"].reshape(len(self.run.probe["inputs"]), -1)[:, 0],
        )
        index = (
            self.example
            if self.example is not None
            else worst_example(self.params, self.run.activation, inputs, targets)
        )
        self.x, self.y = float(inputs[index]), float(targets[index])
        self.values = chain_values(self.params, self.run.activation, self.x, self.y)

    def construct(self) -> None:
        self.beat("title")
        self.show_title()
        self.beat("one example")
        self.show_network()
        self.beat("what depends on what")
        self.show_tree()
        self.beat("the product")
        self.show_product(0)
        self.beat("the check")
        self.nudge(0)
        self.beat("one layer back")
        self.further_back()
        self.beat("the longer product")
        self.show_product(1)
        self.beat("the check again")
        self.nudge(1)

    # --- beats -------------------------------------------------------------

    def show_title(self) -> None:
        self.say(self.title_note())  # no caption: the title and its subtitle are labels
        title = label("The chain rule, one neuron per layer", self.theme, 30, weight="BOLD").to_corner(
            UP + LEFT, buff=0.3
        )
        shape = "-".join(map(str, self.run.layers))
        epoch = self.run.snapshot(self.epoch)["epoch"]
        subtitle = label(
            f"a trained {shape} {self.run.activation} network ({self.training_words(epoch)})",
            self.theme,
            18,
            self.theme.muted,
        ).next_to(title, DOWN, buff=0.1, aligned_edge=LEFT)
        self.header = VGroup(title, subtitle)
        self.play(FadeIn(self.header, shift=0.1 * DOWN), run_time=self.t(1.0))

    def show_network(self) -> None:
        self.row = ChainRow(self.values, self.theme)
        cost = label(
            f"cost of this example: C = (a⁽ᴸ⁾ − y)² = {number(self.values.cost)}", self.theme, 22, self.theme.highlight
        )
        self.cost_note = cost.next_to(self.row, DOWN, buff=0.25)
        self.play(
            Create(self.row.links),
            Create(self.row.neurons),
            FadeIn(self.row.names),
            FadeIn(self.row.weights),
            run_time=self.t(1.4),
        )
        self.play(Fade(self.cost_note), run_time=self.t(0.6))
        self.tell(
            f"One example: x = {number(self.x, 2)}, target y = {number(self.y, 0)},\n"
            "the one this network fits worst.\n"
            f"Its cost: C = (a⁽ᴸ⁾ − y)² = {number(self.values.cost)}. "
            f"L = {self.values.depth}: the output layer."
        )

    def show_tree(self) -> None:
        self.tree = ChainTree(self.values, self.theme, levels=2)
        first = self.tree.level(0)
        inputs = VGroup(*(self.tree.nodes[k] for k in ("w0", "a1", "b0")))
        upper = [self.tree.nodes[k] for k in ("z0", "a0", "C", "y")]
        self.tell(
            "Each value is made from the ones below it:\n"
            "w⁽ᴸ⁾, a⁽ᴸ⁻¹⁾ and b⁽ᴸ⁾ make z⁽ᴸ⁾ = w⁽ᴸ⁾a⁽ᴸ⁻¹⁾ + b⁽ᴸ⁾,\n"
            "which makes a⁽ᴸ⁾, which makes the cost."
        )
        self.play(FadeIn(inputs, shift=0.1 * UP), run_time=self.t(0.8))  # the tree grows while the caption is read
        for node in upper:
            below = ("w0", "a1", "b0", "z0", "a0", "y")
            key = self.node_key(node)
            lines = [line for (lower, top), line in self.tree.edges.items() if top == key and lower in below]
            self.play(*(Create(line) for line in lines), FadeIn(node, shift=0.1 * UP), run_time=self.t(0.6))
        self.first_level = first

    def show_product(self, depth: int) -> None:
        factors = chain_factors(self.values, depth)
        colors = self.factor_colors(len(factors))
        symbols = [self.typst_symbol(f.name) for f in factors]
        meanings = [self.typst_meaning(f.meaning) for f in factors]
        product = ProductColumns(
            f"(partial C)/(partial w^{sup(depth)})",
            [(s, m, f.value, c) for s, m, f, c in zip(symbols, meanings, factors, colors)],
            self.theme,
        )
        total = float(np.prod([f.value for f in factors]))
        result = product.result(total, self.theme)
        whole = VGroup(product, result)
        if whole.width > self.product_width:
            whole.scale_to_fit_width(self.product_width)
        whole.move_to([*self.product_center, 0])
        if getattr(self, "product", None) is not None:
            old = (self.product, self.product_result, self.check)
            self.play(*(Fade(part, out=True) for part in old), run_time=self.t(0.5))
        self.tell_product(depth)
        links = self.chain_links(depth)  # the product is written out while its caption is read
        self.play(*(line.animate.set_stroke(color, 5, 1) for line, color in zip(links, colors)), run_time=self.t(0.8))
        self.play(Fade(product.lhs), Fade(product.rows(0)), run_time=self.t(0.9))
        self.play(Fade(product.rows(1)), run_time=self.t(0.8))
        self.play(Fade(product.rows(2)), Fade(result), run_time=self.t(0.8))
        self.product, self.product_result, self.total = product, result, total

    def tell_product(self, depth: int) -> None:
        """The product's caption: how it is made (first), what one layer further back adds (then)."""
        if depth == 0:
            self.tell(
                "How much does C move when w⁽ᴸ⁾ moves? Multiply\n"
                "how much each link passes on. The output neuron\n"
                "here is linear (a⁽ᴸ⁾ = z⁽ᴸ⁾), so its factor is 1."
            )
        else:
            slope = self.values.slopes[-2]
            self.tell(
                f"Further back, the chain is longer: it passes through\n"
                f"w⁽ᴸ⁾ = {number(self.values.weights[-1])} and the {self.run.activation}'s slope, "
                f"{number(slope)}.\nEach layer back multiplies in one weight and one slope."
            )

    def nudge(self, depth: int) -> None:
        self.say(self.check_note(depth))  # the rows drawn are numbers (labels): the narration says what they show
        layer_weight = self.values.weights[-1 - depth]
        after = nudged_cost(self.params, self.run.activation, self.x, self.y, depth, self.epsilon)
        change = after - self.values.cost
        predicted = self.epsilon * self.total
        agreement = abs(change - predicted) / abs(predicted) if predicted else 0.0
        name = "w⁽ᴸ⁾" if depth == 0 else f"w⁽ᴸ⁻{superscript(depth)}⁾"
        rows = VGroup(
            label(
                f"nudge {name} by ε = {self.epsilon:g}:  {number(layer_weight, 6)} → {number(layer_weight + self.epsilon, 6)}",
                self.theme,
                20,
            ),
            label(f"recompute the cost:  C = {number(self.values.cost, 6)} → {number(after, 6)}", self.theme, 20),
            label(f"the change:  ΔC = {_signed(change)}", self.theme, 20),
            label(
                f"ε × the product = {self.epsilon:g} × {number(self.total)} = {_signed(predicted)}",
                self.theme,
                20,
                self.theme.highlight,
            ),
            label(f"they agree to {100 * agreement:.2g}% of ΔC", self.theme, 20, self.theme.correct),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        rows.move_to([self.caption_left, self.caption_top + 0.1, 0], aligned_edge=UP + LEFT)
        self.play(*self.unsay(), run_time=self.t(0.3))  # the rows take the caption's place
        for row in rows:
            self.play(Fade(row), run_time=self.t(0.7))
            self.wait(self.t(0.6))
        self.check = rows
        self.wait(self.t(2.5))

    def further_back(self) -> None:
        self.say(self.back_note())  # no caption: the tree grows, and the next beat's caption says it
        self.play(Fade(self.check, out=True), run_time=self.t(0.4))
        self.check = VGroup()
        deeper = VGroup(*(self.tree.nodes[k] for k in ("z1", "w1", "a2", "b1")))
        lines = [line for (lower, upper), line in self.tree.edges.items() if lower in ("z1", "w1", "a2", "b1")]
        drawn = [line for line in self.tree.edges.values() if line in self.mobjects]
        self.play(*(line.animate.set_stroke(self.theme.muted, 2, 0.8) for line in drawn), run_time=self.t(0.5))
        self.play(FadeIn(deeper, shift=0.1 * UP), *(Create(line) for line in lines), run_time=self.t(1.2))
        self.play(Indicate(self.tree.nodes["a1"], color=self.theme.highlight), run_time=self.t(0.8))

    # --- the narration of the beats that draw no caption --------------------------

    def title_note(self) -> str:
        epoch = self.run.snapshot(self.epoch)["epoch"]
        return f"A trained {'-'.join(map(str, self.run.layers))} {self.run.activation} network, one neuron per layer, {self.training_words(epoch)}."

    def training_words(self, epoch: int) -> str:
        """How it was trained, as far as the run records: its epochs, or for an imported run only its data."""
        data = self.run.dataset.get("formula", "its data")
        origin = self.run.manifest.get("imported_from")
        return f"imported from {origin['file']}, on {data}" if origin else f"{epoch:,} epochs on {data}"

    def check_note(self, depth: int) -> str:
        total = float(np.prod([f.value for f in chain_factors(self.values, depth)]))
        change = nudged_cost(self.params, self.run.activation, self.x, self.y, depth, self.epsilon) - self.values.cost
        return f"Nudge the weight by ε = {self.epsilon:g}: the cost really changes by {change:+.7f}; ε × the product predicts {self.epsilon * total:+.7f}."

    def back_note(self) -> str:
        return (
            f"One layer further back, the chain passes through w(L) = {self.values.weights[-1]:.4f} and the {self.run.activation}'s slope "
            f"{self.values.slopes[-2]:.4f}: each layer back multiplies in one weight and one slope."
        )

    # --- pieces ------------------------------------------------------------

    def tell(self, text: str) -> None:
        """Narrate ``text`` as the caption under the tree: the old one fades out, once read, then this one in."""
        caption = paragraph(text, self.theme, 8.0, size=20).move_to(
            [self.caption_left, self.caption_top, 0], aligned_edge=UP + LEFT
        )
        fade = self.t(0.9 if "caption" in self.caption_mobjects else 0.6)
        self.play(*self.say(text, caption, fade_seconds=fade), run_time=fade)

    def node_key(self, node) -> str:
        return next(key for key, value in self.tree.nodes.items() if value is node)

    def chain_links(self, depth: int) -> list:
        """The tree's lines the factors of ∂C/∂w⁽ᴸ⁻ᵈᵉᵖᵗʰ⁾ follow, input end first."""
        edges = self.tree.edges
        links = [edges[(f"w{depth}", f"z{depth}")]]
        for k in range(depth, -1, -1):
            links.append(edges[(f"z{k}", f"a{k}")])
            if k > 0:
                links.append(edges[(f"a{k}", f"z{k - 1}")])
        links.append(edges[("a0", "C")])
        return links

    def factor_colors(self, count: int) -> list[str]:
        """One colour per factor (and its link in the tree), none repeated."""
        palette = self.theme.palette
        colors = [
            self.theme.highlight,
            palette[2],
            palette[4],
            palette[3],
            palette[0],
            palette[5],
            palette[1],
            palette[7],
        ]
        return [colors[index % len(colors)] for index in range(count)]

    def typst_symbol(self, name: str) -> str:
        """∂z(L)/∂w(L) -> (partial z^((L)))/(partial w^((L)))."""
        top, bottom = name.split("/")
        return f"({_typst(top)})/({_typst(bottom)})"

    def typst_meaning(self, meaning: str) -> str:
        if meaning.startswith("f′"):
            inner = _typst(meaning[3:-1])
            is_output = meaning.endswith("(L))")
            return "1" if is_output else f"{SLOPE_NAMES[self.run.activation]}({inner})"
        return _typst(meaning)


def _signed(value: float) -> str:
    return f"{value:+.7f}".replace("-", "−")


def superscript(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _typst(text: str) -> str:
    """Names such as ∂a(L−1) or 2(a(L) − y) in Typst: partial a^((L-1)), 2(a^((L)) - y)."""
    text = re.sub(r"([azwb])\(L(?:−(\d+))?\)", lambda m: f"{m[1]}^((L{'-' + m[2] if m[2] else ''}))", text)
    return text.replace("∂", "partial ").replace("−", "-")
