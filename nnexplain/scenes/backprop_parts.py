"""The later beats of ``backprop``, kept apart from its storyboard: one neuron gathers, and one step.

:class:`Gathers` draws one hidden neuron of the last hidden layer gathering the pulls of every
output, weight × wish, into the wish for its activation (−∂C/∂a), then times the activation's
slope into its own wish (−∂C/∂z): the chain rule's sum over paths, on the real weights
(:func:`~nnexplain.geometry.wishes.gather`, tested against autograd). :class:`OneStep` averages a
batch of probe digits' gradients into one real step with the run's step size, shows the drawn
weight it moves most in each layer, and every digit's loss computed again after it.
Both are mixins of :class:`~nnexplain.scenes.backprop.Backprop`, which owns the diagram and the layout.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    BackgroundRectangle,
    Create,
    Dot,
    Line,
    MoveAlongPath,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
)

from nnexplain.geometry.network import image_shape
from nnexplain.geometry.wishes import batch_step, choose_batch, example_wishes, moved_weights
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.pixels import PixelImage
from nnexplain.mobjects.style import label
from nnexplain.mobjects.wishes import WishRings, signed
from nnexplain.scenes.backprop_text import printed_moves, signed3
from nnexplain.scenes.base.hinge_story import in_turn
from nnexplain.scenes.base.run_facts import recorded_step_size

__all__ = ["SIZE", "SMALL", "Gathers", "OneStep", "fmt_weight"]

SIZE = 28  # every label: capitals about 17 px tall at 480p
SMALL = 26  # the densest labels (a column of numbers): about 16 px
STACK_X = 0.92  # the right edge of the gathering's column of pulls: 8 px clear of both hidden columns
SAFE_LEFT_EDGE = -6.7  # the title-safe margin's left edge (24 px of 854)
ILLUSTRATIVE_STEP_SIZE = 0.1  # the step of a run that records no learning rate of its own


def fmt_weight(value: float) -> str:
    """A weight to 3 decimals with a typographic minus: 3.102, −0.388."""
    return f"{value:.3f}".replace("-", "−")


def weight_key_entries(theme) -> tuple:
    """The weights' own colours: their sign."""
    return (("w > 0", theme.positive), ("w < 0", theme.negative))


class Gathers:
    """The beat "one neuron gathers" (a mixin of the scene)."""

    def gather_one(self) -> None:
        """One neuron of the last hidden layer gathers every output's pull, weight × wish, into its own wish."""
        g, layer = self.gathering, self.top
        neuron = self.diagram.layers[layer][g.neuron]
        outputs = self.diagram.layers[layer + 1]
        biggest = float(np.abs(g.weights).max()) or 1.0
        lines = VGroup(
            *(
                Line(neuron.get_right(), out.get_left()).set_stroke(
                    self.theme.positive if w > 0 else self.theme.negative, 1.5 + 3.5 * abs(w) / biggest
                )
                for w, out in zip(g.weights, outputs)
            )
        )
        mark = self.ring(neuron, self.theme.highlight)
        with self.narrate(self.told.gather_question(layer, g.neuron, len(g.weights))) as line:
            wish_key, weight_key = self.legend, self.key(weight_key_entries(self.theme))  # the lines drawn are weights
            self.play(
                Fade(self.highlight, out=True),
                self.gradient_edges[layer].animate.set_stroke(opacity=0.08),
                in_turn(self.leave(wish_key), Fade(weight_key)),
                run_time=0.5,
            )
            self.play(Create(lines), Create(mark), run_time=max(line.duration - 0.5, 1.0) * 0.7)
        order = [int(k) for k in np.argsort(-np.abs(g.pulls))]
        named, rest = order[:2], order[2:]
        y0, step = neuron.get_center()[1] + 1.0, 0.42
        rows = VGroup()
        for row, k in enumerate(named):
            at = np.array([STACK_X, y0 - row * step, 0])
            value = self.stack_number(signed(g.pulls[k]), self.wish_colour(g.pulls[k]), at)
            name = label(f"{self.names[k]}:", self.theme, SMALL, self.theme.muted).next_to(value, LEFT, buff=0.12)
            weight = self.on_line(lines[k], signed(g.weights[k]), self.theme.positive if g.weights[k] > 0 else None)
            token = self.output_wishes.numbers[k].copy()
            with self.narrate(self.told.pull(g, k, row == 0)) as line:
                self.play(Fade(weight), lines[k].animate.set_stroke(width=6), run_time=0.35 * line.duration)
                self.play(
                    MoveAlongPath(token, Line(token.get_center(), at - [value.width / 2, 0, 0])),
                    run_time=0.35 * line.duration,
                )
                self.play(ReplacementTransform(token, value), Fade(name), run_time=0.2 * line.duration)
            rows.add(VGroup(value, name, weight))
        rest_total = float(g.pulls[rest].sum())
        at = np.array([STACK_X, y0 - 2 * step, 0])
        value = self.stack_number(signed(rest_total), self.wish_colour(rest_total), at)
        name = label("⋯", self.theme, SMALL, self.theme.muted).next_to(value, LEFT, buff=0.12)
        dots = [Dot(outputs[k].get_left(), radius=0.05, color=self.theme.highlight) for k in rest]
        with self.narrate(self.told.rest(len(rest), rest_total)) as line:
            self.play(
                *(MoveAlongPath(dot, Line(outputs[k].get_left(), neuron.get_right())) for dot, k in zip(dots, rest)),
                run_time=0.5 * line.duration,
            )
            self.remove(*dots)
            self.play(Fade(value), Fade(name), run_time=0.3 * line.duration)
        rows.add(VGroup(value, name))
        rule = Line([STACK_X - 1.2, 0, 0], [STACK_X, 0, 0]).set_stroke(self.theme.text, 2)
        rule.move_to([STACK_X - 0.6, y0 - 2.5 * step, 0])
        # The parts as printed may add up to a hundredth off the exact sum: then the sum is said to be "about" it.
        printed = round(sum(round(float(g.pulls[k]), 2) for k in named) + round(rest_total, 2), 2)
        about = printed != round(g.total, 2)
        text = f"≈{signed(g.total)}" if about else signed(g.total)
        total = self.stack_number(text, self.wish_colour(g.total), [STACK_X, y0 - 3 * step, 0])
        sigma = label("Σ", self.theme, SMALL, self.theme.muted).next_to(total, LEFT, buff=0.12)
        with self.narrate(self.told.total(g, about)) as line:
            self.play(Create(rule), run_time=0.3 * line.duration)
            self.play(
                ReplacementTransform(VGroup(*(r[0].copy() for r in rows)), total),
                Fade(sigma),
                run_time=0.4 * line.duration,
            )
        slope = self.stack_number(f"× {g.slope:.2f}", self.theme.text, [STACK_X, y0 - 4 * step, 0])
        wish = self.stack_number(f"= {signed(g.wish)}", self.wish_colour(g.wish), [STACK_X, y0 - 5 * step, 0])
        ring = WishRings(self.diagram.layers[layer], -self.result.deltas[layer - 1][0], self.theme)[g.neuron]
        a = float(self.result.act[layer - 1][0, g.neuron])
        a_row = self.stack_number(f"a = {a:.2f}", self.theme.text, [STACK_X, y0 + step, 0])
        with self.narrate(self.told.times_slope(g, a)) as line:
            self.play(Fade(a_row), Fade(slope), run_time=0.35 * line.duration)
            self.play(Fade(wish), ReplacementTransform(mark, ring), run_time=0.4 * line.duration)
        stack = VGroup(rows, rule, total, sigma, a_row, slope, wish)
        backing = BackgroundRectangle(stack, color=self.theme.background, fill_opacity=0.85, buff=0.08)
        self.add(backing)
        self.bring_to_front(stack)
        rings = WishRings(self.diagram.layers[layer], -self.result.deltas[layer - 1][0], self.theme)
        self.wish_rings.append(rings)
        with self.narrate(self.told.every_neuron(layer)) as line:
            self.play(
                Fade(VGroup(stack, backing, lines), out=True),
                in_turn(Fade(weight_key, out=True), Fade(wish_key)),
                run_time=0.4 * line.duration,
            )
            self.remove(ring)
            self.play(
                Create(rings), self.gradient_edges[layer].animate.set_stroke(opacity=1.0), run_time=0.5 * line.duration
            )

    def stack_number(self, text: str, colour: str, at) -> VGroup:
        """A number of the gathering's column, its right edge at ``at``."""
        value = label(text, self.theme, SMALL, colour)
        return value.move_to(np.asarray(at, float) - [value.width / 2, 0, 0])

    def on_line(self, line: Line, text: str, colour: str | None) -> VGroup:
        """A weight's value on its edge, three quarters of the way to the output, on a dark backing."""
        value = label(text, self.theme, SMALL, colour or self.theme.negative)
        value.move_to(line.point_from_proportion(0.72) + 0.18 * UP)
        return VGroup(BackgroundRectangle(value, color=self.theme.background, fill_opacity=0.85, buff=0.04), value)


class OneStep:
    """The beats "one step" and "losses after" (a mixin of the scene)."""

    def one_step(self) -> None:
        recorded = recorded_step_size(self.run)
        lr = recorded or ILLUSTRATIVE_STEP_SIZE  # a run with none of its own (imported) gets one, said to be ours
        batch = choose_batch(self.labels, self.predicted, self.batch_size)
        self.step = batch_step(self.params, self.run.activation, self.run.output, self.inputs, self.labels, batch, lr)
        self.cards = self.batch_cards()
        network = VGroup(
            self.diagram, self.layer_headers, self.image_group, self.legend, self.output_wishes, self.wish_heading
        )
        network.add(*self.gradient_edges.values(), *self.wish_rings, self.tags)
        run_batch = self.run.manifest.get("config", {}).get("batch_size") if recorded else None
        with self.narrate(self.told.batch(len(batch), run_batch)) as line:
            self.play(self.leave(network), run_time=0.6)
            self.play(Fade(VGroup(*(card[0] for card in self.cards))), run_time=0.4 * line.duration)
            self.play(Fade(VGroup(*(card[1] for card in self.cards))), run_time=0.3 * line.duration)
        # One weight's story: the drawn weight of the last layer that the step moves most.
        moved = moved_weights(self.view, self.step)
        layer, index, flat, change = moved[-1]
        wishes = example_wishes(self.step, self.inputs, layer, flat)
        drawn = self.view.edges[layer]
        source, target = int(drawn.source[index]), int(drawn.target[index])
        numbers = VGroup(
            *(
                label(signed3(w), self.theme, SMALL, self.wish_colour(w, muted=True)).next_to(card[1], DOWN, 0.08)
                for w, card in zip(wishes, self.cards)
            )
        )
        firsts = [0, len(self.cards) - len(self.cards) // 2]  # the first card of each row
        self.row_names = VGroup(
            *(self.row_name("loss", self.cards[i][1]) for i in firsts)
        )  # what each row of numbers is
        wish_names = VGroup(*(self.row_name("wish", numbers[i]) for i in firsts))
        with self.narrate(self.told.each_wishes(layer, source, target)) as line:
            self.play(Fade(self.row_names), run_time=0.2 * line.duration)
            self.play(Fade(numbers, lag_ratio=0.1), Fade(wish_names), run_time=0.6 * line.duration)
        ours = [i for i, item in enumerate(self.step.indices) if item == self.digit]
        self.ours = VGroup(*(SurroundingRectangle(self.cards[i][0], color=self.theme.text, buff=0.06) for i in ours))
        zero = int(np.sum(np.round(wishes, 3) == 0))
        own = float(wishes[ours[0]]) if ours else None
        with self.narrate(self.told.zeros(own, self.names[target], zero)) as line:
            self.play(Create(self.ours), run_time=0.3 * line.duration)
            quiet = [n for n, w in zip(numbers, wishes) if round(float(w), 3) == 0]
            if quiet:
                self.play(*self.pulse(quiet), run_time=0.4 * line.duration)
        mean = float(wishes.mean())
        average = label(f"average {signed3(mean)}", self.theme, SIZE, self.wish_colour(mean))
        product = label(f"× η ({lr:g}) = {signed3(mean * lr)}", self.theme, SIZE, self.wish_colour(change))
        VGroup(average, product).arrange(RIGHT, buff=0.3).move_to([0, -1.95, 0])
        with self.narrate(self.told.averaged(mean, lr, recorded is not None)) as line:
            copies = numbers.copy()  # the twelve numbers only, not their row's name
            self.play(  # the twelve wishes fall into their average
                *(number.animate.move_to(average).set_opacity(0) for number in copies), run_time=0.35 * line.duration
            )
            self.remove(copies)
            self.play(Fade(average), run_time=0.2 * line.duration)
            self.play(Fade(product), run_time=0.25 * line.duration)
        self.wish_numbers, self.average = VGroup(numbers, wish_names), VGroup(average, product)
        self.show_moved_weights(moved)

    def show_moved_weights(self, moved) -> None:
        """The network again (unlit: the step is the batch's), each layer's most moved drawn weight changing."""
        glows, values, changes = VGroup(), VGroup(), VGroup()
        for layer, index, flat, change in moved:
            start, end = self.diagram.edge_ends(layer)
            glows.add(Line(start[index], end[index], stroke_width=6, color=self.theme.highlight))
            before = float(np.ravel(self.params[layer][0])[flat])
            middle = (start[index] + end[index]) / 2
            value = label(fmt_weight(before), self.theme, SMALL, self.weight_colour(before)).move_to(middle + 0.2 * UP)
            after = label(fmt_weight(before + change), self.theme, SMALL, self.weight_colour(before + change))
            delta = label(signed3(change), self.theme, SMALL, self.wish_colour(change))
            values.add(VGroup(value, after.move_to(value)))
            changes.add(delta.next_to(value, DOWN, buff=0.1))
        backing = VGroup(
            *(
                BackgroundRectangle(VGroup(v[0], c), color=self.theme.background, fill_opacity=0.85, buff=0.06)
                for v, c in zip(values, changes)
            )
        )
        for layer, column in enumerate(self.diagram.layers):
            self.diagram.set_brightness(layer, np.zeros(len(column)))
        for bundle in self.diagram.edges:
            bundle.set_stroke(opacity=0.35)
        batch = VGroup(self.cards, self.wish_numbers, self.row_names, self.ours)
        # Both colourings are on screen now (the weights, and their changes): both keys.
        self.keys = VGroup(self.weight_key, self.legend).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        self.keys.move_to([SAFE_LEFT_EDGE + 0.1 + self.keys.width / 2, -1.2, 0])
        with self.narrate(self.told.moved()) as line:
            self.play(self.leave(batch), self.leave(self.average), run_time=0.6)
            self.play(Fade(VGroup(self.diagram, self.layer_headers, self.keys)), run_time=0.6)
            self.play(Create(glows), run_time=0.25 * line.duration)
            self.play(Fade(backing), *(Fade(v[0]) for v in values), Fade(changes), run_time=0.2 * line.duration)
            self.play(*(in_turn(Fade(v[0], out=True), Fade(v[1])) for v in values), run_time=0.2 * line.duration)
        self.moved = (glows, VGroup(*(v[1] for v in values)), changes, backing, self.keys)

    def losses_after(self) -> None:
        step, cards = self.step, self.cards
        moves = printed_moves(step.before, step.after)
        afters = VGroup(
            *(
                label(f"→ {after:.3f}", self.theme, SMALL, self.theme.text).next_to(card[1], DOWN, 0.08)
                for after, move, card in zip(step.after, moves, cards)
            )
        )
        network = VGroup(self.diagram, self.layer_headers, *self.moved)
        firsts = [0, len(cards) - len(cards) // 2]
        afters.add(*(self.row_name("after", afters[i]) for i in firsts))
        with self.narrate(self.told.losses(len(step.indices))) as line:
            self.play(self.leave(network), run_time=0.6)
            self.play(Fade(cards), Fade(self.row_names), Fade(self.ours), run_time=0.6)
            self.play(Fade(afters, lag_ratio=0.1), run_time=max(line.duration - 1.2, 1.0) * 0.8)
        mean = label(f"mean loss {step.loss_before:.3f} → {step.loss_after:.3f}", self.theme, SIZE)
        mean.move_to([0, -1.95, 0])
        with self.narrate(self.told.mean(step)) as line:
            self.play(Fade(mean), run_time=0.5 * line.duration)
        fall = int(np.argmax(step.before - step.after))
        fallen = SurroundingRectangle(VGroup(cards[fall], afters[fall]), color=self.theme.text, buff=0.08)
        ours = step.indices[fall] == self.digit
        with self.narrate(self.told.largest_fall(step.before[fall], step.after[fall], ours)) as line:
            self.play(Create(fallen), run_time=0.4 * line.duration)
            self.play(*self.pulse([afters[fall]]), run_time=0.3 * line.duration)
        risen = [i for i, move in enumerate(moves) if move > 0]
        boxes = VGroup(
            *(SurroundingRectangle(VGroup(cards[i], afters[i]), color=self.theme.highlight, buff=0.08) for i in risen)
        )
        with self.narrate(self.told.rose(step)) as line:  # gold: a loss that rose, said as it is drawn
            self.play(
                Create(boxes),
                *(afters[i].animate.set_color(self.theme.highlight) for i in risen),
                run_time=0.5 * line.duration,
            )
        recap = label(
            "wish y − p  →  a weight's: wish × a  →  a neuron's: Σ w × wish, × a(1−a)", self.theme, SMALL
        ).move_to(mean)
        with self.narrate(self.told.recap()) as line:
            self.play(in_turn(Fade(mean, out=True), Fade(recap)), run_time=0.5 * line.duration)
        self.afters, self.mean_label, self.rose_boxes, self.recap = afters, mean, boxes, recap

    def leave(self, mobject) -> Fade:
        """A fade out after which ``mobject`` keeps its own opacities, to be faded in again later."""
        fade = Fade(mobject, out=True)

        def restore(_fade=fade) -> None:
            for part, fill, stroke in _fade.opacities:
                part.set_fill(opacity=fill, family=False).set_stroke(opacity=stroke, family=False)

        fade.clean_up_from_scene = lambda scene, _up=fade.clean_up_from_scene: (_up(scene), restore())
        return fade

    def row_name(self, text: str, first) -> VGroup:
        return label(text, self.theme, SMALL, self.theme.muted).next_to(first, LEFT, buff=0.3)

    def batch_cards(self) -> VGroup:
        """The batch's digits in two rows, each with its loss before the step (room under it for one more number)."""
        cards = VGroup()
        for item, before in zip(self.step.indices, self.step.before):
            image = PixelImage(
                self.inputs[item].reshape(image_shape(self.run) or (1, -1)),
                pixel_size=0.036,
                frame_color=self.theme.neuron_stroke,
            )
            loss = label(f"{before:.3f}", self.theme, SMALL, self.theme.muted).next_to(image, DOWN, buff=0.08)
            cards.add(VGroup(image, loss))
        cards.arrange_in_grid(rows=2, buff=(0.75, 0.55)).move_to([0, 1.05, 0])  # room for "→ 0.123" under each
        return cards
