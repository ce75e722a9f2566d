"""backprop: one digit's wishes, passed backwards through the real weights; then one mini-batch step.

    nnexplain render backprop --run runs/mnist
    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/backprop.py Backprop

The network diagram of ``neurons``. A probe digit goes forward. The loss's slope at each
output is p − y (where ``softmax`` ends); flipped, it is the output's *wish*, −∂C/∂z = y − p,
the one sign convention of the scene (:mod:`~nnexplain.scenes.backprop_text`): every number
after it is a wish, green where it should rise (a weight: grow), violet where it should fall.
The weights keep their own blue and red for their sign. Backwards: the weights into the
outputs get their wishes (the wish above times the activation below); one hidden neuron
gathers the pulls of all the outputs, each weight × wish, into its own wish (the chain
rule's sum over paths); every other neuron does the same, layer by layer, down to the
pixels. Finally a batch of probe digits averages its gradients into one real step: the
weights it moves most change on screen, and every digit's loss is computed again.
Numbers from :mod:`nnexplain.geometry.wishes` (numpy backpropagation of the stored weights).

Subclass to change the pace (``pace``), the digit (``probe_index``), the batch size
(``batch_size``) or the snapshot (``epoch``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    BackgroundRectangle,
    Circle,
    Create,
    Line,
    ReplacementTransform,
    SurroundingRectangle,
    UpdateFromAlphaFunc,
    VGroup,
    there_and_back,
)

from nnexplain.geometry.backprop import example_losses
from nnexplain.geometry.network import image_shape, network_view
from nnexplain.geometry.wishes import (
    choose_example,
    example_backprop,
    gather,
    gradient_edges,
    strongest_edge,
)
from nnexplain.mobjects.edges import SignalPulse
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.network import NetworkDiagram, column_xs, layer_headers
from nnexplain.mobjects.pixels import PixelImage
from nnexplain.mobjects.style import formula, label
from nnexplain.mobjects.wishes import GradientEdges, WishArrows, WishRings, signed
from nnexplain.scenes.backprop_parts import SIZE, SMALL, Gathers, OneStep, weight_key_entries
from nnexplain.scenes.backprop_text import Told
from nnexplain.scenes.base.hinge_story import in_turn
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["Backprop"]

SAFE_LEFT, SAFE_TOP = -6.7, 3.6  # the title-safe margin (24 px of 854 × 480)
HEADER_Y = 2.72
LAYER_X = (-3.2, -1.0, 1.2, 3.3)
IMAGE_CENTER = np.array([-5.65, 0.35, 0])  # clear of the inputs' "784" and the 24 px margin
PIXEL_SIZE = 0.075
HEADING_AT = np.array([5.2, 3.33, 0])  # the output column's formula, on the question's row, right of it
WISH_X = 0.72  # a rising output's arrow stands this far right of its neuron; a falling one 0.35 further
NUMBER_X = 4.7  # the output column's numbers start here
FORMULA_SIZE = 38  # a typeset formula's letters about 16 px tall at 480p


class Backprop(Gathers, OneStep, RunScene):
    scene_name = "backprop"
    captions_in_band = True  # the narration is drawn as subtitles; the picture keeps short labels only
    probe_index: ClassVar[int | None] = None  # the walkthrough's digit; None: the first the network gets wrong
    batch_size: ClassVar[int] = 12
    epoch: ClassVar[int | None] = None
    shown_inputs: ClassVar[int] = 16

    def setup(self) -> None:
        super().setup()
        self.view = network_view(self.run, self.epoch, self.shown_inputs)
        self.params = self.run.params(self.epoch)
        self.inputs, self.labels = self.run.probe["inputs"], self.run.probe["labels"]
        self.predicted = self.view.activations[-1].argmax(axis=1)
        losses = example_losses(self.params, self.run.activation, self.run.output, self.inputs, self.labels)
        self.digit = (
            self.probe_index if self.probe_index is not None else choose_example(losses, self.predicted, self.labels)
        )
        if self.runs.own_index is not None:  # your own digit (render --input, with the --label you gave)
            self.digit = self.runs.own_index
        self.result = example_backprop(
            self.params, self.run.activation, self.run.output, self.inputs, self.labels, self.digit
        )
        self.names = [str(n) for n in (self.run.dataset.get("classes") or range(self.run.layers[-1]))]
        self.top = len(self.run.layers) - 2  # the weight layer into the outputs
        self.gathering = gather(self.params, self.run.activation, self.result, self.top - 1) if self.top else None
        self.told = Told(self)
        self.gradient_edges: dict[int, GradientEdges] = {}
        self.tags = VGroup()  # the numbers pinned beside neurons on the way back
        self.wish_rings: list[WishRings] = []

    def construct(self) -> None:
        self.beat("question")
        self.ask()
        self.beat("forward")
        self.forward()
        self.beat("wish list")
        self.wish_list()
        self.beat("weights into the outputs")
        self.weights_into_outputs()
        if self.gathering is not None:
            self.beat("one neuron gathers")
            self.gather_one()
        for layer in range(self.top - 1, -1, -1):
            self.beat(f"back to hidden {layer}" if layer else "back to the pixels")
            self.backwards(layer)
        self.beat("one step")
        self.one_step()
        self.beat("losses after")
        self.losses_after()

    # --- beats -------------------------------------------------------------

    def ask(self) -> None:
        question = label("How does one digit's error reach every weight?", self.theme, SMALL, weight="BOLD")
        self.question = question.move_to([SAFE_LEFT + question.width / 2, SAFE_TOP - 0.05 - question.height / 2, 0])
        self.layer_x = column_xs(LAYER_X, len(self.view.layers))
        self.layer_headers = layer_headers(self.layer_x, self.theme, SIZE, HEADER_Y)
        crowded = len(self.layer_headers) > len(self.layer_x)  # hidden columns numbered under one header
        height, centre = (3.9, -0.2) if crowded else (4.3, 0.05)
        self.diagram = NetworkDiagram(
            self.view,
            self.theme,
            self.layer_x,
            height=height,
            center_y=centre,
            class_names=self.names,
            count_size=SIZE,
            name_size=SIZE,
        )
        with self.narrate(self.told.question()) as line:  # the question from the first frame, the network drawn
            self.play(Fade(self.question), run_time=0.6)
            self.play(Create(self.diagram.layers), Fade(self.layer_headers), run_time=max(line.duration - 0.6, 1.0))
        with self.narrate(self.told.network()) as line:
            extras = VGroup(self.diagram.input_ellipsis, self.diagram.input_brace, self.diagram.input_count)
            self.legend = self.key(weight_key_entries(self.theme))
            self.play(  # every edge in its sign's colour from its first frame
                *(Fade(bundle) for bundle in self.diagram.edges),
                Fade(VGroup(extras, self.diagram.output_labels, self.legend)),
                run_time=0.5 * line.duration,
            )
        self.bring_to_back(*self.diagram.edges)

    def forward(self) -> None:
        shape = image_shape(self.run) or (1, self.run.layers[0])
        self.image = PixelImage(
            self.inputs[self.digit].reshape(shape), pixel_size=PIXEL_SIZE, frame_color=self.theme.neuron_stroke
        ).move_to(IMAGE_CENTER)
        true, said = int(self.labels[self.digit]), int(self.predicted[self.digit])
        tag = label(f"label {self.names[true]}", self.theme, SIZE, self.theme.muted).next_to(self.image, DOWN, 0.15)
        self.image_group = VGroup(self.image, tag)
        brightness = self.view.brightness(self.digit)
        with self.narrate(self.told.forward(true, self.runs.own_index is not None)) as line:
            self.play(Fade(self.image_group), run_time=0.6)
            self.play(*self.diagram.light(0, brightness[0]), run_time=0.5)
            hop = max(line.duration - 1.1, 1.5) / (len(self.view.layers) - 1)
            for layer in range(1, len(self.view.layers)):
                self.play(SignalPulse(self.diagram.edges[layer - 1]), run_time=0.6 * hop)
                self.play(*self.diagram.light(layer, brightness[layer]), run_time=0.4 * hop)
        p = self.view.activations[-1][self.digit]
        self.percent = VGroup(
            *(
                label(f"{round(100 * v):d}%", self.theme, SMALL, self.theme.muted).next_to(name, RIGHT, buff=0.15)
                for v, name in zip(p, self.diagram.output_labels)
            )
        )
        self.box = SurroundingRectangle(
            VGroup(self.diagram.layers[-1][said], self.diagram.output_labels[said], self.percent[said]),
            color=self.theme.correct if said == true else self.theme.wrong,
            buff=0.06,
        )
        with self.narrate(self.told.verdict(said, p[said], said == true)) as line:
            self.play(Fade(self.percent), run_time=0.5 * line.duration)
            self.play(Create(self.box), run_time=0.4 * line.duration)

    def wish_list(self) -> None:
        """p − y (softmax's last picture), then its opposite, the wish y − p, as arrows: the scene's one sign flip."""
        true = int(self.labels[self.digit])
        wish = -self.result.deltas[-1][0]
        centers = self.diagram.neuron_centers(len(self.view.layers) - 1)
        slope = VGroup(  # uncoloured: green and violet mean a wish, said with the flip
            *(
                label(signed(-value), self.theme, SMALL, self.theme.text).move_to([NUMBER_X, c[1], 0], LEFT)
                for value, c in zip(wish, centers)
            )
        )
        heading = formula("partial C slash partial z = p - y", self.theme, FORMULA_SIZE).move_to(HEADING_AT)
        p_true = float(self.view.activations[-1][self.digit][true])
        with self.narrate(self.told.slope(true, p_true)) as line:
            self.play(Fade(self.box, out=True), Fade(self.percent, out=True), run_time=0.6)
            self.play(Fade(heading), Fade(slope), run_time=max(line.duration - 0.6, 1.0) * 0.6)
        self.output_wishes = WishArrows(
            centers,
            wish,
            self.theme,
            max_length=0.9,
            x_offset=WISH_X,
            down_shift=0.35,
            numbers=True,
            size=SMALL,
            number_x=NUMBER_X,
            stroke_width=8,
            centred=True,  # the bottom output's falling arrow stays above the captions
        )
        self.wish_heading = formula("-partial C slash partial z = y - p", self.theme, FORMULA_SIZE).move_to(HEADING_AT)
        wish_key = self.key((("increase", self.theme.wish_up), ("decrease", self.theme.wish_down)))
        with self.narrate(self.told.convention()) as line:
            self.play(  # the weights' blue and red step back as their key leaves: one meaning per colour on screen
                in_turn(Fade(heading, out=True), Fade(self.wish_heading)),
                in_turn(self.leave(self.legend), Fade(wish_key)),
                *(bundle.animate.set_stroke(opacity=0.06) for bundle in self.diagram.edges),
                run_time=1.0,
            )
            self.weight_key = self.legend
            self.legend = wish_key
            self.play(
                ReplacementTransform(slope, self.output_wishes.numbers),
                Create(self.output_wishes.arrows),
                run_time=max(line.duration - 1.0, 1.2),
            )
        other = int(np.argmin(wish))
        with self.narrate(self.told.wishes(true, wish[true], other, -wish[other])) as line:
            self.play(
                *self.pulse([self.output_wishes.arrows[true], self.output_wishes.arrows[other]]),
                run_time=0.8 * line.duration,
            )

    def weights_into_outputs(self) -> None:
        layer = self.top
        edges = self.draw_gradient_edges(layer)
        with self.narrate(self.told.weight_rule()) as line:
            self.grow_back(edges, 0.8 * line.duration)
        self.bring_to_back(edges, *self.diagram.edges)
        with self.narrate(self.told.edge_colours()) as line:
            widest = [edges[style] for style in (3, 7) if style < len(edges)]  # the top width class of each colour
            self.play(*(self.pulse_stroke(strand) for strand in widest), run_time=0.8 * line.duration)
        index = strongest_edge(edges.group)
        start, end = edges.edge_line(index)
        source, target = int(edges.group.source[index]), int(edges.group.target[index])
        below = self.result.act[layer - 1][0] if layer else self.inputs[self.digit].reshape(-1)
        a_in = float(below[source] if layer else below[self.view.shown_inputs[source]])
        glow = Line(start, end, stroke_width=7, color=self.theme.highlight)
        rings = VGroup(
            *(
                self.ring(neuron, self.theme.highlight)
                for neuron in (self.diagram.layers[layer][source], self.diagram.layers[layer + 1][target])
            )
        )
        wish = float(-self.result.deltas[layer][0, target])
        tag = self.a_tag(self.diagram.layers[layer][source], a_in)
        with self.narrate(self.told.strongest(layer, source, target, a_in, wish)) as line:
            self.play(Create(glow), Create(rings), run_time=0.5 * line.duration)
            self.play(Fade(tag), run_time=0.3 * line.duration)
        dim = int(np.argmin(below)) if layer else None
        self.highlight = VGroup(glow, rings, tag)
        if dim is not None:
            dark = self.ring(self.diagram.layers[layer][dim], self.theme.muted)
            dark_tag = self.a_tag(self.diagram.layers[layer][dim], float(below[dim]))
            with self.narrate(self.told.dark(float(below[dim]))) as line:
                self.play(Create(dark), Fade(dark_tag), run_time=0.5 * line.duration)
            self.highlight.add(dark, dark_tag)

    def backwards(self, layer: int) -> None:
        """Weight layer ``layer`` (0: from the inputs) gets its wishes; the neurons under it gather theirs."""
        edges = self.draw_gradient_edges(layer)
        if layer == 0:
            pixels = self.inputs[self.digit].reshape(-1)[self.view.shown_inputs]
            dark, bright = int(np.argmin(pixels)), int(np.argmax(pixels))
            tags = VGroup(
                *(
                    self.tag(self.diagram.layers[0][i], f"x = {pixels[i]:.2f}", self.theme.text, RIGHT)
                    for i in (dark, bright)
                )
            )
            self.tags.add(tags)
            with self.narrate(self.told.pixels()) as line:
                self.grow_back(edges, 0.55 * line.duration)
                self.play(Fade(tags), run_time=0.3 * line.duration)  # over the edges just grown
            self.bring_to_back(edges, *self.diagram.edges)
            return
        rings = WishRings(self.diagram.layers[layer], -self.result.deltas[layer - 1][0], self.theme)
        self.wish_rings.append(rings)
        largest = int(np.argmax(np.abs(rings.values)))
        value = float(rings.values[largest])
        tag = self.tag(self.diagram.layers[layer][largest], signed(value), self.wish_colour(value), RIGHT)
        self.tags.add(tag)
        with self.narrate(self.told.further(layer, value)) as line:
            self.grow_back(edges, 0.45 * line.duration)
            self.bring_to_back(edges, *self.diagram.edges)
            self.play(Create(rings), run_time=0.25 * line.duration)
            self.play(Fade(tag), run_time=0.2 * line.duration)

    def draw_gradient_edges(self, layer: int) -> GradientEdges:
        group = gradient_edges(self.view, self.result, self.inputs[self.digit : self.digit + 1], layer)
        self.gradient_edges[layer] = GradientEdges(self.diagram, group, layer, self.theme)
        return self.gradient_edges[layer]

    def key(self, entries) -> VGroup:
        """What the edges' colours mean now, under the digit: a short line of each colour and its words."""
        rows = VGroup(
            *(
                VGroup(
                    Line(ORIGIN, 0.45 * RIGHT).set_stroke(colour, 5), label(words, self.theme, SMALL, colour)
                ).arrange(RIGHT, buff=0.15)
                for words, colour in entries
            )
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        return rows.move_to([SAFE_LEFT + 0.1 + rows.width / 2, -1.75, 0])

    def grow_back(self, edges: GradientEdges, seconds: float) -> None:
        """Draw ``edges`` from their upper ends down: each weight's wish arrives from the layer above."""
        back = edges.backwards()

        def grow(bundle, alpha: float) -> None:
            for strand in bundle:
                strand.show_between(0.0, max(alpha, 1e-3))

        self.play(UpdateFromAlphaFunc(back, grow), run_time=seconds)
        self.remove(back)
        self.add(edges)

    def pulse_stroke(self, strand):
        return strand.animate(rate_func=there_and_back).set_stroke(width=2 * strand.get_stroke_width())

    def tag(self, neuron, text: str, colour: str, side=LEFT) -> VGroup:
        """A short label beside ``neuron`` (left of it unless ``side``), on a dark backing over the edges."""
        value = label(text, self.theme, SMALL, colour).next_to(neuron, side, buff=0.12)
        return VGroup(BackgroundRectangle(value, color=self.theme.background, fill_opacity=0.85, buff=0.04), value)

    def a_tag(self, neuron, a: float) -> VGroup:
        return self.tag(neuron, f"a = {a:.2f}", self.theme.text)

    def wish_colour(self, value: float, muted: bool = False) -> str:
        """The colour of a wish (or of −value for a slope): which way it moves; ``muted`` where it rounds to 0."""
        if muted and abs(value) < 0.005:
            return self.theme.muted
        return self.theme.wish_up if value > 0 else self.theme.wish_down

    def weight_colour(self, value: float) -> str:
        return self.theme.positive if value > 0 else self.theme.negative

    def ring(self, neuron, colour: str) -> Circle:
        return Circle(radius=neuron.radius + 0.07, color=colour, stroke_width=3).move_to(neuron)

    def pulse(self, mobjects: list) -> list:
        return [m.animate(rate_func=there_and_back).scale(1.2) for m in mobjects]
