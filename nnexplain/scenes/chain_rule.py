"""chain-rule: how much does the cost change when one weight changes? Multiply along the chain.

A network of one neuron per layer (default recipe ``chain``: 1-1-1-1, sigmoid hidden neurons
and a linear output, fitted to a step) and one example, the one the trained network fits worst.
3Blue1Brown's chapter 4 on the run's own numbers:

1. the question first: how much does C move when one weight moves?
2. the network on its example, and the example's cost;
3. what depends on what, drawn left to right as the network runs: w⁽ᴸ⁾, a⁽ᴸ⁻¹⁾, b⁽ᴸ⁾ → z⁽ᴸ⁾ → a⁽ᴸ⁾ → C;
4. ∂C/∂w⁽ᴸ⁾ built factor by factor, each factor lighting its edge with its value, one colour per edge for
   the whole video; the product under the fractions;
5. the check: the weight nudged by ε and the network run again; the nudge ripples Δw → Δz → Δa → ΔC
   through the graph's values, and ΔC is ε times the product;
6. one layer back: what makes a⁽ᴸ⁻¹⁾, and the activation's slope drawn as a tangent;
7. the longer product, its last two factors the same edges (and colours) as before; the check again.

Every value is computed from the run's stored weights (:mod:`nnexplain.geometry.chain`); the nudged
values are the network run again, never a prediction. The narration is drawn as subtitles; the picture
keeps one short line per beat.

    NNEXPLAIN_RUN=runs/chain manim -ql scenes/chain_rule.py ChainRule

Subclass to change the pace (``pace``), the example (``example``: a probe index), the snapshot
(``epoch``) or the nudge (``epsilon``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    Indicate,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
)

from nnexplain.geometry.chain import NUDGE, chain_factors, chain_values, nudged_values, worst_example
from nnexplain.mobjects.chain import NAME_SIZE, TEXT_SIZE, ChainGraph, ChainRow, ProductLine, SlopePanel, number, sup
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import formula, label
from nnexplain.scenes.base.hinge_story import in_turn
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.chain_rule_pieces import (
    FORMULA_Y,
    ChainPieces,
    count_words,
    factor_text,
    fraction,
    signed,
)

__all__ = ["ChainRule"]

FACTOR_SOURCES = {("w0", "z0"): "a1", ("w1", "z1"): "a2", ("a1", "z0"): "w0"}  # an edge -> the node its factor is
SLOPE_NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}


class ChainRule(ChainPieces, RunScene):
    scene_name = "chain-rule"
    captions_in_band = True  # the narration is drawn as subtitles; the picture keeps short labels only
    example: ClassVar[int | None] = None  # a probe index; None: the example the network fits worst
    epoch: ClassVar[int | None] = None  # the snapshot; None: the last
    epsilon: ClassVar[float] = NUDGE

    def setup(self) -> None:
        super().setup()
        self.params = self.run.params(self.epoch)
        inputs = self.run.probe["inputs"][:, 0]
        targets = self.run.probe["labels"].reshape(len(inputs), -1)[:, 0]
        index = (
            self.example
            if self.example is not None
            else worst_example(self.params, self.run.activation, inputs, targets)
        )
        self.x, self.y = float(inputs[index]), float(targets[index])
        self.values = chain_values(self.params, self.run.activation, self.x, self.y)
        palette = self.theme.palette
        # One colour per edge (and its factor) for the whole video; yellow is the nudge's and the product's.
        self.edge_colors = {
            ("w0", "z0"): palette[0],  # blue
            ("z0", "a0"): palette[2],  # green
            ("a0", "C"): palette[1],  # orange
            ("a1", "z0"): palette[3],  # purple
            ("z1", "a1"): palette[5],  # teal
            ("w1", "z1"): palette[7],  # pink
        }
        self.nudge_color = self.theme.highlight
        self.heading = None
        self.product = None
        self.edge_tags = VGroup()
        self.swapped: list = []  # (a node's value text, the change shown in its place) while a nudge is shown

    def construct(self) -> None:
        self.beat("question")
        self.ask()
        self.beat("one example")
        self.show_network()
        self.beat("what depends on what")
        self.show_graph()
        self.beat("the product")
        self.build_product(0)
        self.beat("the check")
        self.nudge(0)
        self.beat("one layer back")
        self.further_back()
        self.beat("the longer product")
        self.build_product(1)
        self.beat("the check again")
        self.nudge(1)
        self.beat("why a product")
        self.close()

    # --- beats -------------------------------------------------------------

    def ask(self) -> None:
        question = label("How much does the cost C move\nwhen one weight w moves?", self.theme, 44, weight="BOLD")
        question.move_to([0, 0.9, 0])
        symbol = formula("(partial C)/(partial w)", self.theme, 64).next_to(question, UP * -1, buff=0.45)
        with self.narrate("How much does the cost move when one weight of the network moves?") as line:
            self.play(Fade(question), run_time=0.6 * line.duration)
        with self.narrate("That rate, ∂C/∂w, is what training needs for every weight.") as line:
            self.play(Fade(symbol), run_time=0.4 * line.duration)
        self.play(Fade(question, out=True), Fade(symbol, out=True), run_time=self.t(0.6))

    def show_network(self) -> None:
        self.set_heading("One example, the one this network fits worst")
        self.row = row = ChainRow(self.values, self.run.activation, self.theme)
        shape = "-".join(map(str, self.run.layers))
        hidden = len(self.run.layers) - 2
        with self.narrate(
            f"A trained {shape} network: {count_words(hidden)} {self.run.activation} neurons, then a linear output."
        ) as line:
            self.play(Create(row.links), Create(row.neurons), Fade(row.kinds), run_time=0.6 * line.duration)
        data = self.data_inset()
        panel, points, fit, example, output, miss = data
        out = number(self.values.act[-1])
        target = number(self.y, 0)
        with self.narrate(f"It was fitted to {self.data_words()}: the dots, and its curve.") as line:
            self.play(Fade(panel), Fade(points), run_time=0.4 * line.duration)
            self.play(Create(fit), run_time=0.5 * line.duration)
        with self.narrate(
            f"Its worst point: at x = {number(self.x, 2)} it should give {target}; it gives {out}."
        ) as line:
            self.play(Fade(example), *(Fade(name) for name in row.names), run_time=0.4 * line.duration)
            self.play(
                Fade(output), Create(miss), Indicate(row.names[-1], color=self.theme.text), run_time=0.5 * line.duration
            )
        cost = VGroup(
            formula(f"C = (a^{sup(0)} - y)^2", self.theme, NAME_SIZE),
            formula(f"= ({out} - {target})^2 = {number(self.values.cost)}", self.theme, NAME_SIZE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        cost[1].shift(0.6 * RIGHT)
        cost.next_to(panel, RIGHT, buff=0.8).set_y(panel.get_y())
        with self.narrate(f"Its cost is the square of that miss: C = {number(self.values.cost)}.") as line:
            self.play(Indicate(miss, color=self.theme.text), Fade(cost), run_time=0.6 * line.duration)
        self.leaving = VGroup(data, cost)

    def show_graph(self) -> None:
        self.set_heading("What depends on what")
        self.graph = graph = ChainGraph(self.values, self.theme)
        nodes, edges = graph.nodes, graph.edges
        row = self.row
        # the last two neurons of the network become the graph's a⁽ᴸ⁻¹⁾ and a⁽ᴸ⁾: the same values, now as a chain
        with self.narrate("The last weight w, the neuron below it and a bias make z = w·a + b.") as line:
            self.play(
                Fade(self.leaving, out=True),
                Fade(VGroup(row.links, row.neurons, row.kinds, *row.names[:-2]), out=True),
                ReplacementTransform(row.names[-2], nodes["a1"]),
                ReplacementTransform(row.names[-1], nodes["a0"]),
                run_time=0.35 * line.duration,
            )
            self.play(
                Fade(nodes["w0"]),
                Fade(nodes["b0"]),
                *(Create(edges[(key, "z0")]) for key in ("w0", "a1", "b0")),
                Fade(nodes["z0"]),
                run_time=0.45 * line.duration,
            )
        with self.narrate("z makes the output a; a and the target y make the cost C.") as line:
            self.play(
                Create(edges[("z0", "a0")]), Indicate(nodes["a0"], color=self.theme.text), run_time=0.4 * line.duration
            )
            self.play(
                Fade(nodes["y"]),
                Create(edges[("y", "C")]),
                Create(edges[("a0", "C")]),
                Fade(nodes["C"]),
                run_time=0.4 * line.duration,
            )

    def build_product(self, depth: int) -> None:
        factors = chain_factors(self.values, depth)
        links = self.chain_links(depth)
        colors = [self.edge_colors[link] for link in links]
        total = float(np.prod([f.value for f in factors]))
        product = ProductLine(
            f"(partial C)/(partial w^{sup(depth)})",
            [(fraction(f.name), f.value, color) for f, color in zip(factors, colors)],
            total,
            self.theme,
        )
        product.move_to([0, FORMULA_Y, 0])
        heading = "The last weight" if depth == 0 else "One layer back"
        self.set_heading(f"{heading}: multiply along the {'chain' if depth == 0 else 'longer chain'}")
        tags = VGroup(*(self.graph.edge_label(link, number(f.value), c) for link, f, c in zip(links, factors, colors)))
        lines = self.factor_lines(depth, factors)
        with self.narrate(lines[0]) as line:
            self.play(Fade(product.lhs), Fade(product.equals[0]), run_time=0.4 * line.duration)
            # the chain traced edge by edge, as the line counts them
            self.play(
                in_turn(*(Indicate(self.graph.edges[link], color=self.theme.text, scale_factor=1.0) for link in links)),
                run_time=0.55 * line.duration,
            )
        groups = [[k] for k in range(len(links))]
        if depth > 0:  # the last two edges are the first product's: lit together, in the colours they had
            groups = groups[:-2] + [[len(links) - 2, len(links) - 1]]
        # with the first chain, the graph's left is free: each factor's derivative is written out there
        derivations = self.derivations(factors, colors) if depth == 0 else []
        shown = None
        for index, (group, text) in enumerate(zip(groups, lines[1:])):
            written = derivations[index] if index < len(derivations) else None
            swap = []
            if written is not None:
                swap = [in_turn(Fade(shown, out=True), Fade(written)) if shown is not None else Fade(written)]
                shown = written
            with self.narrate(text) as line:
                self.play(
                    *(self.graph.edges[links[k]].animate.set_stroke(colors[k], 7, 1) for k in group),
                    *(Fade(product.factor(k)) for k in group),
                    *(Fade(tags[k]) for k in group),
                    *swap,
                    *(  # the node whose value the factor is: the neuron below (for a weight's edge), or the weight
                        Indicate(self.graph.value_of(FACTOR_SOURCES[links[k]]), color=colors[k])
                        for k in group
                        if links[k] in FACTOR_SOURCES
                    ),
                    run_time=0.6 * line.duration,
                )
        sign = "raises" if total > 0 else "lowers"
        whose = "the last weight" if depth == 0 else "this weight"
        with self.narrate(f"Multiplied: ∂C/∂w = {number(total)} for {whose}; raising it {sign} the cost.") as line:
            self.play(
                Fade(product.equals[1]),
                Fade(product.lhs_value),
                *([Fade(shown, out=True)] if shown is not None else []),
                run_time=0.5 * line.duration,
            )
            self.play(Indicate(product.lhs_value, color=self.theme.highlight), run_time=0.4 * line.duration)
        self.product, self.edge_tags, self.total = product, tags, total

    def factor_lines(self, depth: int, factors) -> list[str]:
        """The narration of the product: how it is made, then one line per new edge."""
        miss = f"2(a−y) = {number(factors[-1].value)}"  # no spaces: a subtitle row never breaks inside it
        if depth == 0:
            return [
                "From w up to C: each edge passes a nudge on, times its own factor.",
                f"z = w·a + b moves by the neuron below, a = {number(factors[0].value)}, per unit of w.",
                "The output is linear, a = z: × 1.",
                f"The cost moves by {miss} per unit of the output a.",
            ]
        slope = SLOPE_NAMES.get(self.run.activation, self.run.activation)
        return [
            "From this weight up to C the chain is longer: five edges, five factors.",
            f"Its own edge: z moves by the first {slope} neuron's output, {number(factors[0].value)}.",
            f"The second {slope} neuron's slope, the tangent: {number(factors[1].value)}.",
            f"Into the output neuron: its z moves by its weight, {number(factors[2].value)}.",
            f"Then the same two edges as before: × 1, × {number(factors[-1].value)}.",
        ]

    def nudge(self, depth: int) -> None:
        self.set_heading("Check: nudge the weight, run the network again")
        after = nudged_values(self.params, self.run.activation, self.x, self.y, depth, self.epsilon)
        keys = self.ripple_keys(depth)
        changes = [self.change(after, key) for key in keys]
        # Each moved value's text gives way to its change, in multiples of ε: the nudge is seen to ripple up the chain.
        tags = [
            label(
                "+ε" if index == 0 else f"{signed(change / self.epsilon, 3)}ε", self.theme, TEXT_SIZE, self.nudge_color
            ).move_to(self.graph.value_of(key))
            for index, (key, change) in enumerate(zip(keys, changes))
        ]
        swaps = [in_turn(Fade(self.graph.value_of(key), out=True), Fade(tag)) for key, tag in zip(keys, tags)]
        self.swapped = [(self.graph.value_of(key), tag) for key, tag in zip(keys, tags)]
        weight = "w" if depth == 0 else "this weight"
        with self.narrate(f"Nudge {weight} by a small ε = {self.epsilon:g} and run the network again.") as line:
            self.play(
                swaps[0], Indicate(self.graph.nodes[keys[0]][0], color=self.nudge_color), run_time=0.6 * line.duration
            )
        change = after.cost - self.values.cost
        with self.narrate(
            f"Each value moves, edge by edge, until C moves by {signed(change / self.epsilon, 3)}ε."
        ) as line:
            step = 0.85 * line.duration / (len(keys) - 1)
            for key, swap in zip(keys[1:], swaps[1:]):
                self.play(swap, Indicate(self.graph.nodes[key][0], color=self.nudge_color), run_time=step)
        predicted = self.epsilon * self.total
        agreement = abs(change - predicted) / abs(predicted) if predicted else 0.0
        check = VGroup(
            label(f"ΔC, the network run again = {signed(change, 7)}", self.theme, TEXT_SIZE + 4, self.nudge_color),
            label(
                f"ε × ∂C/∂w = {self.epsilon:g} × {factor_text(self.total, 5)} = {signed(predicted, 7)}",
                self.theme,
                TEXT_SIZE + 4,
                self.theme.highlight,
            ),
            label(f"they agree to {100 * agreement:.2g}%", self.theme, TEXT_SIZE, self.theme.text),
        ).arrange(UP * -1, buff=0.15)
        check.move_to([0, FORMULA_Y, 0])
        self.check = check
        with self.narrate(
            f"The cost really changes by {signed(change, 7)}; ε × the product predicts {signed(predicted, 7)}."
        ) as line:
            self.play(Fade(self.product, out=True), run_time=0.2 * line.duration)
            self.play(Fade(check[0]), run_time=0.25 * line.duration)
            self.play(Fade(check[1]), run_time=0.25 * line.duration)
            self.play(Fade(check[2]), run_time=0.2 * line.duration)

    def further_back(self) -> None:
        self.set_heading("One layer back")
        nodes, edges = self.graph.level(1)
        with self.narrate("One layer back, a weight reaches C only through the neuron a.") as line:
            self.play(
                Fade(self.check, out=True),
                Fade(self.edge_tags, out=True),
                *self.restore_values(),
                # the first chain's edges go back to grey: the longer chain lights its own
                *(self.graph.edges[link].animate.set_stroke(self.theme.muted, 3, 0.8) for link in self.chain_links(0)),
                run_time=0.3 * line.duration,
            )
            self.play(Fade(nodes), *(Create(edge) for edge in edges), run_time=0.35 * line.duration)
            # the only way through: a⁽ᴸ⁻¹⁾ boxed, the other inputs of z⁽ᴸ⁾ dimmed, while the line is read
            box = SurroundingRectangle(self.graph.nodes["a1"], color=self.theme.text, buff=0.05, corner_radius=0.1)
            others = VGroup(
                *(self.graph.nodes[k] for k in ("w0", "b0")), *(self.graph.edges[(k, "z0")] for k in ("w0", "b0"))
            )
            self.play(Create(box), others.animate.set_opacity(0.3), run_time=0.3 * line.duration)
        self.play(Fade(box, out=True), others.animate.set_opacity(1.0), run_time=self.t(0.4))
        for edge in (self.graph.edges[(k, "z0")] for k in ("w0", "b0")):
            edge.set_stroke(opacity=0.8)  # the edges' own opacity, as drawn
        slope = self.values.slopes[-2]
        z = self.values.pre[-2]
        color = self.edge_colors[("z1", "a1")]
        panel = SlopePanel(self.run.activation, z, slope, self.theme, color).move_to([2.4, FORMULA_Y + 0.3, 0])
        squash = "sigma" if self.run.activation == "sigmoid" else "f"
        name = formula(f"a^{sup(1)} = {squash}(z^{sup(1)})", self.theme, NAME_SIZE)
        name.next_to(panel, LEFT, buff=0.6).shift(0.35 * UP)
        a = self.values.act[-2]
        if self.run.activation == "sigmoid":
            rows = [f"sigma' = a^{sup(1)}(1 - a^{sup(1)})", f"= {number(a)} times {number(1 - a)} = {number(slope)}"]
        else:
            rows = [f"f'(z^{sup(1)}) = {number(slope)}"]
        derivative = VGroup(*(formula(row.replace("−", "-"), self.theme, NAME_SIZE - 8, color=color) for row in rows))
        derivative.arrange(DOWN, aligned_edge=LEFT, buff=0.15).next_to(name, DOWN, buff=0.25)
        derivative.align_to(name, LEFT)
        slope_tag = label(f"slope {number(slope)}", self.theme, TEXT_SIZE, color)
        # in the panel's lower right, under the curve, clear of the point's z
        slope_tag.move_to(panel.panel.box.get_corner(DOWN + RIGHT) + np.array([-0.15 - slope_tag.width / 2, 0.3, 0]))
        kind = SLOPE_NAMES.get(self.run.activation, self.run.activation)
        curve = "σ(z)" if self.run.activation == "sigmoid" else "f(z)"
        with self.narrate(f"That neuron is a {kind}: its output a = {curve}, here at its z = {number(z)}.") as line:
            self.play(Fade(name), Fade(panel.panel), Create(panel.curve), run_time=0.5 * line.duration)
            self.play(Fade(panel.dot), Fade(panel.z_mark), run_time=0.3 * line.duration)
        with self.narrate(
            f"Its output moves per unit of z by the tangent's slope: {number(slope)}, from a = {number(a)}."
        ) as line:
            self.play(
                Create(panel.tangent),
                self.graph.edges[("z1", "a1")].animate.set_stroke(color, 7, 1),
                run_time=0.5 * line.duration,
            )
            self.play(Fade(slope_tag), Fade(derivative), run_time=0.3 * line.duration)
        self.play(Fade(VGroup(panel, name, derivative, slope_tag), out=True), run_time=self.t(0.5))

    def close(self) -> None:
        """The answer to the question: the nudge multiplied edge by edge, written out with the run's factors."""
        self.set_heading("Why a product")
        depth = 1
        factors = chain_factors(self.values, depth)
        keys = self.ripple_keys(depth)
        links = self.chain_links(depth)
        # the running product at each node: ε, then ε times each factor met so far (the product's own numbers)
        running = np.cumprod([f.value for f in factors])
        tags = [label("ε", self.theme, TEXT_SIZE, self.theme.text).move_to(self.graph.value_of(keys[0]))]
        for key, value in zip(keys[1:], running):  # the node each edge leads to
            tags.append(
                label(f"{signed(value, 3)}ε", self.theme, TEXT_SIZE, self.theme.text).move_to(self.graph.value_of(key))
            )
        # the product with the run's numbers, each factor in its edge's colour
        size = NAME_SIZE - 6
        written = VGroup(formula(f"(partial C)/(partial w^{sup(depth)}) =", self.theme, size))
        for index, (f, link) in enumerate(zip(factors, links)):
            if index:
                written.add(formula("dot", self.theme, size, color=self.theme.muted))
            written.add(formula(factor_text(f.value).replace("−", "-"), self.theme, size, color=self.edge_colors[link]))
        written.add(formula(f"= {number(float(running[-1]))}".replace("−", "-"), self.theme, size))
        written.arrange(RIGHT, buff=0.15).move_to([0, FORMULA_Y + 0.1, 0])
        for part in written[1:]:  # level with the fraction's bar
            part.set_y(written[0].get_y())
        numbers = [part for part in written[1:-1] if len(part.family_members_with_points()) > 1]
        baseline = numbers[0].family_members_with_points()[0].get_bottom()[1]
        for part in numbers:  # every number's digits on one baseline, a parenthesised one too
            glyphs = part.family_members_with_points()
            digit = (
                glyphs[2]
                if len(glyphs) > 2 and glyphs[0].get_bottom()[1] < glyphs[1].get_bottom()[1] - 0.05
                else glyphs[0]
            )
            part.shift((baseline - digit.get_bottom()[1]) * UP)
        with self.narrate("A nudge is multiplied edge by edge: each edge multiplies it by its factor.") as line:
            self.play(Fade(self.check, out=True), *self.restore_values(), run_time=0.2 * line.duration)
            swaps = [in_turn(Fade(self.graph.value_of(k), out=True), Fade(t)) for k, t in zip(keys, tags)]
            self.swapped = [(self.graph.value_of(k), t) for k, t in zip(keys, tags)]
            self.play(swaps[0], run_time=0.1 * line.duration)
            step = 0.6 * line.duration / len(links)
            for link, swap in zip(links, swaps[1:]):
                self.play(
                    Indicate(self.graph.edges[link], color=self.theme.text, scale_factor=1.0), swap, run_time=step
                )
        with self.narrate(f"So the rate is the product of the edge factors: {number(float(running[-1]))}.") as line:
            self.play(Fade(written), run_time=0.5 * line.duration)
        self.hold()
        self.wait(self.t(3.0))  # the last picture stays up, its answer read
