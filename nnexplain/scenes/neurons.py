"""Neurons light up: a real trained MNIST network reads digits, layer by layer.

    nnexplain render neurons --run runs/mnist
    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/neurons.py Neurons

Every brightness is the neuron's stored activation for that digit, every edge
colour is the sign of its real weight, and every prediction is the network's.
The marked pixels fly into the input neurons, which light only when they arrive;
then a pulse runs along each layer's edges whose width and brightness show what
flows along each edge for that digit, |weight × activation| (3Blue1Brown,
"But what is a neural network?", chapter 1). Each beat is narrated (speaker notes,
subtitles), not captioned: what is on screen is labels and numbers. Subclass to change
colours (``theme``), pace (``pace``: 0.5 plays the animations twice as fast; the
narration still takes as long to read), the digits shown (``probe_indices``), or how
many inputs stand for the 784 (``shown_inputs``).

The narration's lines are written in :mod:`nnexplain.scenes.neurons_text`; the formula beat, each layer's
a⁽ᵏ⁾ = σ(W⁽ᵏ⁾a⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾) tied to its edges and columns, in :mod:`nnexplain.scenes.neurons_formula`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    AnimationGroup,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    Line,
    Rectangle,
    Succession,
    SurroundingRectangle,
    Transform,
    TransformFromCopy,
    VGroup,
    Write,
    smooth,
)

from nnexplain.geometry.network import brightness_note, image_shape, network_view, pick_probes, varied_patch
from nnexplain.mobjects.digit_preparation import DigitPreparation
from nnexplain.mobjects.network import NetworkDiagram, column_xs, layer_headers
from nnexplain.mobjects.pixels import PixelImage, PixelValues
from nnexplain.mobjects.style import Theme, fmt_count, formula, label
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.neurons_formula import FormulaBeat
from nnexplain.scenes.neurons_one import OneNeuron
from nnexplain.scenes.neurons_text import NeuronsNotes, short_percent, short_sure

LAYER_X = (-2.9, -0.85, 1.2, 3.1)
NETWORK_HEIGHT, NETWORK_Y = 4.2, -0.07
IMAGE_CENTER = np.array([-5.44, 0.85, 0])
PATCH, PATCH_CELL = 3, 1.0  # the pixels blown up beside the digit: 3×3 of them, each 60 px wide at 480p
PATCH_CENTER = np.array([-2.0, 0.85, 0])
PIXEL_SIZE = 0.09  # a 28-pixel image is 2.52 wide: it ends well left of the "784" beside the input brace
LEFT_EDGE = -6.7  # the title-safe margin, 24 px at 480p
PANEL_X = 5.75
LANDING = 0.3  # of a flying pixel's 1 + LANDING: its neuron lighting once it has landed
MISTAKE = "#E879F9"  # violet: no edge, pulse or neuron is drawn in it
# cyan: the sampled pixels and the input neurons they fly to. Not the pulse's yellow (what flows), the weights'
# blue and red, or right and wrong's green and violet
SAMPLE = "#22D3EE"
PANEL_TOP, PANEL_BOTTOM = 2.45, -2.35  # the answer panel's room: under the beat's line, over the legend
SAFE_MARGIN = 0.4  # 24 px of 854 at 480p: LECTURE.md's title-safe margin
SAFE_RIGHT = 7.11 - SAFE_MARGIN - 0.05  # the frame's right edge, less the margin and a pixel or three
TEXT = 24  # every text: about 14 px tall at 480p
LEGEND_LEFTMOST = -5.0  # the legend may start this far left, under the digit's column, clear of the input brace
MATH = 34  # typeset formulas in a beat's line, as tall as the text beside them
HEADERS_Y = 2.43  # the layers' names, clear of the beat's line (its formulas reach lower than text)


class Neurons(OneNeuron, FormulaBeat, NeuronsNotes, RunScene):
    scene_name = "neurons"
    # red is a negative weight here, on every edge: a mistake gets a colour of its own
    theme: ClassVar[Theme] = replace(Theme(), wrong=MISTAKE)
    probe_indices: ClassVar[tuple[int, ...] | None] = None  # probe items to show; None picks them
    shown_inputs: ClassVar[int] = 16
    epoch: ClassVar[int | None] = None  # the snapshot to draw; None is the last

    def construct(self) -> None:
        self.view = network_view(self.run, self.epoch, self.shown_inputs)
        own = self.runs.own_index  # your own digit (render --input): the one digit shown
        first, *others = [own] if own is not None else (self.probe_indices or pick_probes(self.view))
        self.beat("title")
        self.show_title(first if own is None else None)
        if own is not None:
            self.beat("your digit")
            self.show_preparation()
        self.beat("digit")
        self.show_image(first)
        self.beat("network")
        self.draw_network()
        self.beat("pixels in")
        self.feed_pixels(first)
        self.beat("one neuron")
        self.show_one_neuron(first)
        for layer in range(1, len(self.view.layers)):
            self.beat(f"layer {layer}")
            self.light_layer(layer, first)
        self.beat("prediction")
        self.reveal_prediction(first, last=not others)
        self.beat("formula")
        self.show_formula(first)
        for number, probe in enumerate(others, start=2):
            self.beat(f"digit {number}")
            self.next_digit(probe)
            self.beat("prediction")
            self.reveal_prediction(probe, last=number == len(others) + 1)
        self.beat("answer")
        self.answer_question(others[-1] if others else first)

    # --- beats -------------------------------------------------------------

    def show_title(self, probe: int | None = None) -> None:
        shape = "-".join(str(n) for n in self.view.layers)
        title = label(f"What does a trained {shape} network compute, layer by layer?", self.theme, 30)
        title.scale_to_fit_width(min(title.width, 13.2)).to_edge(
            UP, buff=SAFE_MARGIN + 0.05
        )  # a deep network's shape is long
        self.header = VGroup(title)
        summary = label(self.run_summary(), self.theme, TEXT, self.theme.muted)
        summary.scale_to_fit_width(min(summary.width, 13.2)).next_to(self.header, DOWN, buff=0.08)
        # the question as the title comes in, with the digit the network is about to read (your own digit, prepared
        # first, comes in its own beat); the run's summary written as the narration describes the run
        self.image = None if probe is None else self.pixel_image(probe)
        with self.narrate(self.title_note()) as line:
            shown = [] if self.image is None else [FadeIn(self.image)]
            self.play(FadeIn(self.header, shift=0.2 * UP), *shown, run_time=self.t(1.0))
            self.play(Write(summary), run_time=self.t(max(line.duration - 1.6, 1.0)))
        shown = VGroup(summary)
        errors = self.error_count()
        if errors is not None:
            wrong, total = errors
            counted = label(
                f"{fmt_count(wrong)} of its {fmt_count(total)} validation digits read wrong", self.theme, TEXT
            )
            shown.add(counted.set_color(self.theme.wrong).next_to(summary, DOWN, buff=0.12))
            with self.narrate(
                f"It reads {fmt_count(wrong)} of its {fmt_count(total)} validation digits wrong."
            ) as line:
                self.play(Write(counted), run_time=self.t(0.8 * line.duration))  # the count, as it is said
        self.play(FadeOut(shown), run_time=self.t(0.5))  # read: they leave before the digit's line comes

    def show_image(self, probe: int) -> None:
        arriving = []  # the digit is up since the title, unless your own digit's preparation came between
        if getattr(self, "image", None) is None:
            self.image = self.pixel_image(probe)
            arriving = [FadeIn(self.image)]
        self.caption = self.digit_caption(probe)
        rows, cols = self.image.values.shape
        shown = label(f"{rows}×{cols} pixels, each a number from 0 (black) to 1 (white)", self.theme, TEXT)
        with self.tell(self.digit_note(probe), shown) as line:
            self.play(*arriving, FadeIn(self.caption), run_time=self.t(1.2))
            self.show_pixel_values(max(line.duration - 1.2, 2.4))

    def show_pixel_values(self, seconds: float) -> None:
        """A 4×4 patch of the digit's pixels blown up beside it, each with its value: a pixel is a number."""
        values = self.image.values
        row, col = varied_patch(values, PATCH)
        size = self.image.current_pixel_size
        corner = self.image.pixel_center_array(np.array([row]), np.array([col]))[0] + size / 2 * (LEFT + UP)
        outline = Rectangle(width=PATCH * size, height=PATCH * size).move_to(corner + PATCH * size / 2 * (RIGHT + DOWN))
        outline.set_stroke(self.theme.muted, 2).set_fill(opacity=0)  # a zoom, not the sample
        patch = PixelValues(values[row : row + PATCH, col : col + PATCH], PATCH_CELL, self.theme, TEXT)
        patch.move_to(PATCH_CENTER)
        rims = VGroup(
            *(
                Line(outline.get_corner(RIGHT + side), patch.cells.get_corner(LEFT + side), stroke_width=1.2).set_color(
                    self.theme.muted
                )
                for side in (UP, DOWN)  # the outline's right corners to the patch's near (left) ones
            )
        )
        self.play(Create(outline), run_time=self.t(0.5))
        self.play(
            TransformFromCopy(outline.copy().set_fill(self.theme.background, 1), patch.cells),
            Create(rims),
            run_time=self.t(0.9),
        )
        self.play(LaggedStart(*(FadeIn(text) for text in patch.texts), lag_ratio=0.1), run_time=self.t(seconds - 1.4))
        self.play(FadeOut(VGroup(outline, rims, patch)), run_time=self.t(0.5))

    def show_preparation(self) -> None:
        digit = self.runs.own_digit
        strip = DigitPreparation(digit, self.theme, text=TEXT).move_to(0.3 * DOWN)
        strip.scale_to_fit_width(min(strip.width, 13.4))
        with self.narrate(f"Your picture, {digit.name}, as you gave it.") as line:
            self.play(FadeIn(strip.panels[0]), FadeIn(strip.names[0]), run_time=self.t(line.duration))
        for step, text in enumerate(self.preparation_notes(), start=1):
            outline = strip.crop if step == 1 else strip.fit
            with self.narrate(text) as line:
                self.play(GrowArrow(strip.arrows[step - 1]), FadeIn(strip.panels[step]), run_time=self.t(0.8))
                self.play(Create(outline), FadeIn(strip.names[step]), run_time=max(line.duration - self.t(0.8), 0.5))
        self.play(FadeOut(strip), run_time=self.t(0.6))

    def draw_network(self) -> None:
        names = self.run.dataset.get("classes") or [str(i) for i in range(self.view.layers[-1])]
        self.layer_x = column_xs(LAYER_X, len(self.view.layers))
        self.layer_headers = layer_headers(self.layer_x, self.theme, TEXT, HEADERS_Y)
        crowded = len(self.layer_headers) > len(
            self.layer_x
        )  # hidden columns numbered under one header: lower their tops
        height, centre = (NETWORK_HEIGHT - 0.3, NETWORK_Y - 0.15) if crowded else (NETWORK_HEIGHT, NETWORK_Y)
        self.diagram = NetworkDiagram(
            self.view,
            self.theme,
            self.layer_x,
            height=height,
            center_y=centre,
            class_names=names,
            count_size=TEXT,
            name_size=TEXT,
        )
        self.legend = self.make_legend()
        self.input_note = label(
            f"cyan squares:\nthe {len(self.view.shown_inputs)} of {self.view.layers[0]:,}\npixels drawn\nas inputs",
            self.theme,
            TEXT,
            self.theme.muted,
        ).move_to([LEFT_EDGE, -1.0, 0], aligned_edge=LEFT + UP)
        sizes = " → ".join(fmt_count(n) for n in self.view.layers)
        shape = label(f"{sizes} neurons, {fmt_count(self.run.network.parameter_count)} parameters", self.theme, TEXT)
        with self.tell(self.network_note(), shape) as line:
            self.play(
                LaggedStart(*(Create(column) for column in self.diagram.layers), lag_ratio=0.2),
                FadeIn(self.layer_headers),
                run_time=self.t(0.4 * line.duration),
            )
            # lag_ratio 0: every strand (each sign, each width) grows at once, so an edge has its colour from its first frame
            self.play(
                LaggedStart(*(Create(bundle, lag_ratio=0) for bundle in self.diagram.edges), lag_ratio=0.3),
                FadeIn(VGroup(self.diagram.input_ellipsis, self.diagram.input_brace, self.diagram.input_count)),
                FadeIn(self.diagram.output_labels),
                FadeIn(VGroup(self.legend[0], self.legend[2])),  # the pulse's row comes with the first pulse
                run_time=self.t(0.6 * line.duration),
            )
        # manim redraws, every frame, each mobject that comes after one that moves. What never
        # moves again (texts, edges) goes first, so it is drawn once into the cached background.
        static = VGroup(
            self.header,
            self.layer_headers,
            self.legend[0],
            self.legend[2],
            self.diagram.input_ellipsis,
            self.diagram.input_brace,
            self.diagram.input_count,
            self.diagram.output_labels,
            *self.diagram.edges,
        )
        self.bring_to_back(*static)

    def feed_pixels(self, probe: int) -> None:
        """The marked pixels fly, one after another, into the drawn input neurons, which light once they have arrived."""
        self.markers = self.pixel_markers()
        shown = self.mixed(formula("a^display((0)) =", self.theme, MATH), "the pixels, one to each input neuron")
        with self.tell(self.pixels_note(probe), shown) as line:
            self.play(Create(self.markers), FadeIn(self.input_note), run_time=self.t(0.6))  # the note with its squares
            self.fly_pixels(probe, self.t(max(line.duration - 1.0, 1.4)), lag_ratio=0.35)

    def fly_pixels(self, probe: int, seconds: float, lag_ratio: float = 0.2) -> None:
        """Each marked square, a copy filled with its pixel's grey and ringed in cyan, flies into its input neuron,
        which lights with the pixel's value as it lands; later squares leave as earlier ones land, so one can follow
        which pixel becomes which input."""
        self.flying = VGroup(*(self.pixel_square(probe, index) for index in self.view.shown_inputs))
        values = self.view.brightness(probe)[0]
        self.play(
            LaggedStart(
                *(
                    Succession(
                        Transform(square, self.landed(neuron), rate_func=smooth),
                        neuron.animate(run_time=LANDING).set_fill(opacity=float(value)),
                    )
                    for square, neuron, value in zip(self.flying, self.diagram.layers[0], values)
                ),
                lag_ratio=lag_ratio,
            ),
            run_time=seconds,
        )
        # the flown squares' rings fade (each square is in the scene on its own)
        self.play(FadeOut(self.flying), run_time=self.t(0.4))
        self.remove(*self.flying)

    def landed(self, neuron):
        """Where a flying square ends: the neuron's circle, ringed in cyan, not yet lit."""
        return neuron.copy().set_fill(self.theme.neuron_fill, 0).set_stroke(SAMPLE, 2.5)

    def pulse(self, layer: int, probe: int, seconds: float) -> None:
        """What flows from layer ``layer − 1`` into ``layer`` for this digit, then the layer lights up."""
        sources = (
            self.view.probe_inputs[probe, self.view.shown_inputs]
            if layer == 1
            else self.view.activations[layer - 2][probe]
        )
        self.play(self.diagram.flow_pulse(layer - 1, sources, self.theme.highlight), run_time=seconds)

    def light_layer(self, layer: int, probe: int) -> None:
        """The pulse and the lights while the layer's state is said; then its largest value, ringed and tagged."""
        with self.tell(self.layer_note(layer, probe), self.layer_rule(layer)) as line:
            if layer == 1:  # the legend's pulse row, as the first pulse runs
                self.play(FadeIn(self.legend[1]), run_time=self.t(0.4))
            self.pulse(layer, probe, self.t(max(0.6 * line.duration, 0.9)))
            self.play(
                *self.diagram.light(layer, self.view.brightness(probe)[layer]),
                run_time=self.t(max(0.4 * line.duration, 0.6)),
            )
        values = self.view.activations[layer - 1][probe]
        top = int(np.argmax(values))
        neuron = self.diagram.layers[layer][top]
        ring = Circle(radius=neuron.radius + 0.07).move_to(neuron).set_stroke(self.theme.text, 2.5)
        last = layer == len(self.view.layers) - 1
        if last:  # every output's share as "the largest is 7, at 99.9%" is said; they stay for the answer
            self.probabilities = self.probability_labels(probe)
            with self.narrate(self.layer_peak_note(layer, probe)) as line:
                self.play(Create(ring), FadeIn(self.probabilities), run_time=self.t(min(line.duration, 0.8)))
            self.play(FadeOut(ring), run_time=self.t(0.4))
            return
        else:
            # on two short lines: one long line reached over the next column's neurons
            tag = VGroup(label(f"neuron {top + 1}", self.theme, TEXT), label(f"{values[top]:.2f}", self.theme, TEXT))
            tag.arrange(DOWN, buff=0.05).next_to(neuron, RIGHT, buff=0.22)
            column = self.diagram.layers[layer]
            if tag.get_top()[1] > column.get_top()[1]:  # the top neuron's tag hangs down, clear of the headers
                tag.align_to(column, UP)
            elif tag.get_bottom()[1] < column.get_bottom()[1]:  # and the bottom one's stands up, clear of the legend
                tag.align_to(column, DOWN)
            tag.add_background_rectangle(color=self.theme.background, opacity=1, buff=0.05)  # no wire through it
        with self.narrate(self.layer_peak_note(layer, probe)) as line:
            self.play(Create(ring), FadeIn(tag), run_time=self.t(min(line.duration, 0.8)))
        self.play(FadeOut(ring), FadeOut(tag), run_time=self.t(0.4))

    def network_texts(self) -> VGroup:
        """The network's names, counts and legend rows up now: what leaves while a panel covers the network."""
        texts = [
            self.layer_headers,
            self.diagram.input_ellipsis,
            self.diagram.input_brace,
            self.diagram.input_count,
            self.diagram.output_labels,
        ]
        shown = {part for mobject in self.mobjects for part in mobject.get_family()}
        return VGroup(*texts, *(row for row in self.legend if row in shown))

    def layer_rule(self, layer: int):
        """The short line of a layer's beat: what each of its neurons computes, typeset."""
        if layer == len(self.view.layers) - 1:
            return self.mixed(
                "output:",
                formula(f'"{self.output_name}"("weighted sums" + "biases")', self.theme, MATH),
                f"= {self.view.layers[-1]} shares adding to 1",
            )
        below = "pixels" if layer == 1 else f"hidden {layer - 1}"
        return self.mixed(
            f"hidden {layer}, each neuron:",
            formula(f'{self.squash}("weighted sum of {below}" + "bias")', self.theme, MATH),
        )

    def mixed(self, *parts) -> VGroup:
        """Words (strings, in the labels' font) and typeset formulas on one line."""
        drawn = [label(part, self.theme, TEXT) if isinstance(part, str) else part for part in parts]
        return VGroup(*drawn).arrange(RIGHT, buff=0.15)

    @property
    def squash(self) -> str:
        return {"sigmoid": "sigma", "tanh": "tanh", "relu": '"ReLU"'}[self.run.activation]

    @property
    def output_name(self) -> str:
        return self.run.manifest.get("output", "softmax")

    def reveal_prediction(self, probe: int, last: bool = False) -> None:
        # the shares are up when the output layer was lit as the largest was said; another digit brings its own
        up = {part for mobject in self.mobjects for part in mobject.get_family()}
        shown = getattr(self, "probabilities", None) is not None and self.probabilities[0] in up
        self.probabilities = self.probabilities if shown else self.probability_labels(probe)
        self.verdict = self.prediction_panel(probe)
        self.box = self.output_box(probe)
        arriving = Create(self.box), FadeIn(self.verdict, shift=0.2 * UP)
        arriving = arriving if shown else (FadeIn(self.probabilities), *arriving)
        answer = label("the answer: the largest output", self.theme, TEXT)
        with self.tell(self.prediction_note(probe), answer) as line:
            self.play(*arriving, run_time=self.t(min(line.duration, 1.6)))
        second = int(np.argsort(self.view.activations[-1][probe])[::-1][1])
        row = VGroup(self.diagram.layers[-1][second], self.diagram.output_labels[second], self.probabilities[second])
        self.runner_up = SurroundingRectangle(row, color=self.theme.muted, buff=0.03, corner_radius=0.05)
        with self.narrate(self.runner_up_note(probe)) as line:
            self.play(Create(self.runner_up), run_time=self.t(min(line.duration, 1.0)))
        if last and self.mistake_count(probe) is not None:  # the closing mistake, set against the run's count
            wrong, total = self.mistake_count(probe)
            counted = label(
                f"one of {fmt_count(wrong)} wrong among {fmt_count(total)} validation digits", self.theme, TEXT
            )
            with self.tell(self.mistake_note(probe), counted.set_color(self.theme.wrong)) as line:
                # drawn once and kept: Circumscribe's passing flash left a stray bar after the "4" as it went
                ring = SurroundingRectangle(self.verdict[-1], color=self.theme.wrong, buff=0.07, corner_radius=0.05)
                self.play(Create(ring), run_time=self.t(min(line.duration, 1.5)))
                self.verdict.add(ring)

    def answer_question(self, probe: int) -> None:
        """The title's question answered in one line, while the last digit's flow runs through every layer again."""
        last = len(self.view.layers) - 1
        # Hidden layers and the output in their own clauses: the output was shown as softmax, not the squash.
        rule = self.mixed(
            "hidden:",
            formula(f'{self.squash}("weighted sum" + "bias")', self.theme, MATH),
            f"; output: {self.output_name}, the largest share wins",
        )
        with self.tell(self.answer_note(), rule) as line:
            for layer in range(1, last + 1):
                self.pulse(layer, probe, self.t(max(line.duration / last, 0.8)))
        self.hold(extra=3.0)  # the flow has arrived: the answer and the still network stay up to be read

    def next_digit(self, probe: int) -> None:
        """Clear the formula and the last digit's answer, then run the next digit through the network."""
        image, caption = self.pixel_image(probe), self.digit_caption(probe)
        shown = label("another digit, the same weights", self.theme, TEXT)
        with self.tell(self.next_digit_note(probe), shown) as line:
            self.run_next_digit(probe, image, caption, line.duration)

    def run_next_digit(self, probe: int, image, caption, seconds: float) -> None:
        # the last answer leaves first: no stale verdict beside a new digit
        self.play(FadeOut(VGroup(self.box, self.runner_up, self.verdict, self.probabilities)), run_time=self.t(0.5))
        self.play(
            *(
                AnimationGroup(*self.diagram.light(layer, np.zeros(size)))
                for layer, size in enumerate(self.view.drawn_sizes)
            ),
            FadeOut(self.image),
            FadeOut(self.caption),
            run_time=self.t(0.5),
        )
        # the new digit and label after the old have gone: two in one place would blur into one
        self.play(FadeIn(image), FadeIn(caption), run_time=self.t(0.5))
        self.image, self.caption = image, caption
        self.bring_to_front(self.markers)  # the new image came in on top of them
        steps = len(self.view.layers) - 1
        # spread over the line: the flight, then each layer (a floor of 1 ran the pulses 1.8 s past the line)
        pace = max(0.6, (seconds - 2.0) / (1.6 + steps))
        self.fly_pixels(probe, self.t(1.6 * pace))
        for layer in range(1, steps + 1):
            self.pulse(layer, probe, self.t(0.6 * pace))
            self.play(*self.diagram.light(layer, self.view.brightness(probe)[layer]), run_time=self.t(0.4 * pace))

    # --- pieces ------------------------------------------------------------

    def image_values(self, probe: int) -> np.ndarray:
        """The probe's inputs as a picture: the data set's shape, else (a run recorded without one, as a
        bare Recorder writes) a square when the input count is one, e.g. 784 = 28 × 28."""
        inputs = self.view.probe_inputs[probe]
        shape = image_shape(self.run)
        side = int(round(np.sqrt(inputs.size)))
        if shape is None and side * side == inputs.size:
            shape = (side, side)
        return inputs.reshape(shape)

    def pixel_image(self, probe: int) -> PixelImage:
        image = PixelImage(self.image_values(probe), pixel_size=PIXEL_SIZE, frame_color=self.theme.neuron_stroke)
        return image.move_to(IMAGE_CENTER)

    def digit_caption(self, probe: int):
        true = self.view.label(probe)
        text = f"its label: {true}" if true is not None else f"probe input {probe + 1}"
        if true is None and probe == self.runs.own_index:
            text = "your digit"
        return label(text, self.theme, TEXT, self.theme.muted).move_to(
            [LEFT_EDGE, IMAGE_CENTER[1] - 1.55, 0], aligned_edge=LEFT
        )

    def pixel_markers(self) -> VGroup:
        size = self.image.current_pixel_size
        markers = VGroup()
        for index in self.view.shown_inputs:
            square = Rectangle(width=size, height=size).move_to(self.image.pixel_center(index))
            markers.add(square.set_stroke(SAMPLE, 1.2).set_fill(opacity=0))
        return markers

    def pixel_square(self, probe: int, index: int) -> Rectangle:
        size = self.image.current_pixel_size
        square = Rectangle(width=size, height=size).move_to(self.image.pixel_center(index))
        value = float(self.view.probe_inputs[probe, index])
        return square.set_fill(self.theme.neuron_fill, value).set_stroke(SAMPLE, 2.5)

    def probability_labels(self, probe: int) -> VGroup:
        probabilities = self.view.activations[-1][probe]
        return VGroup(
            *(
                label(short_percent(p), self.theme, TEXT, self.theme.muted).next_to(name, RIGHT, buff=0.22)
                for p, name in zip(probabilities, self.diagram.output_labels)
            )
        )

    def output_box(self, probe: int) -> SurroundingRectangle:
        best, _ = self.view.prediction(probe)
        color = {True: self.theme.correct, False: self.theme.wrong, None: self.theme.highlight}[
            self.view.is_correct(probe)
        ]
        target = VGroup(self.diagram.layers[-1][best], self.diagram.output_labels[best], self.probabilities[best])
        return SurroundingRectangle(target, color=color, buff=0.03, corner_radius=0.05)

    def prediction_panel(self, probe: int) -> VGroup:
        best, confidence = self.view.prediction(probe)
        true = self.view.label(probe)
        lines = [
            label("it says", self.theme, TEXT, self.theme.muted),
            label(str(best), self.theme, 54, weight="BOLD"),
            label(f"{short_sure(confidence)} sure", self.theme, TEXT),
        ]
        # A run recorded without labels has nothing to check the answer against.
        if true is not None and best == true:
            lines.append(label("✓ correct", self.theme, TEXT, self.theme.correct))
        elif true is not None:
            lines.append(label(f"✗ it is a {true}", self.theme, TEXT, self.theme.wrong))
        # centred on PANEL_X, each line kept clear of the other rows' percentages: a line wider than the room
        # right of them ("✗ wrong: label 4") ends at the title-safe margin instead
        panel = VGroup(*lines).arrange(DOWN, buff=0.14).set_x(PANEL_X)
        clear = max(share.get_right()[0] for row, share in enumerate(self.probabilities) if row != best) + 0.25
        for line in lines:
            if line.get_left()[0] < clear:
                line.set_x(max(line.get_x(), SAFE_RIGHT - line.width / 2))
        return self.beside_answer(panel, best)

    def beside_answer(self, panel: VGroup, best: int) -> VGroup:
        """The panel just above or below the answer's row, on the side with more room, so that it never stands
        beside the answer's boxed percentage (a wide one, ">99%", reaches under the panel)."""
        answer = self.diagram.layers[-1][best]
        top, bottom = answer.get_top()[1] + 0.12, answer.get_bottom()[1] - 0.12
        if PANEL_TOP - top >= bottom - PANEL_BOTTOM:
            return panel.move_to([panel.get_x(), min(top + panel.height / 2, PANEL_TOP - panel.height / 2), 0])
        return panel.move_to([panel.get_x(), max(bottom - panel.height / 2, PANEL_BOTTOM + panel.height / 2), 0])

    def make_legend(self) -> VGroup:
        def swatch(color: str, width: float = 3) -> Line:
            return Line(ORIGIN, 0.45 * RIGHT, stroke_width=width, color=color)

        rows = VGroup(
            VGroup(
                swatch(self.theme.positive),
                label("positive weight", self.theme, TEXT),
                swatch(self.theme.negative),
                label("negative weight", self.theme, TEXT),
                label("(thicker: larger)", self.theme, TEXT, self.theme.muted),
            ).arrange(RIGHT, buff=0.15),
            VGroup(
                swatch(self.theme.highlight, 6), label("pulse: what flows, |weight × activation|", self.theme, TEXT)
            ).arrange(RIGHT, buff=0.15),
            label(
                f"{brightness_note(self.run.activation)}; output: {self.output_name}",
                self.theme,
                TEXT,
                self.theme.muted,
            ),
        ).arrange(DOWN, buff=0.06, aligned_edge=LEFT)  # tight: the box of the lowest output stays clear above it
        # It starts under the network; a wider legend (ReLU's and tanh's longer brightness notes) starts further
        # left, under the digit's column, rather than shrink under 14 px, and ends inside the title-safe margin.
        right = -3.3 + 9.9
        rows.scale_to_fit_width(min(rows.width, right - LEGEND_LEFTMOST))
        return rows.move_to([min(-3.3, right - rows.width), -4.0 + SAFE_MARGIN, 0], aligned_edge=LEFT + DOWN)

    def tell(self, text: str, drawn=None):
        """Narrate ``text`` (``with self.tell(...) as line:``) while ``drawn``, its short line, replaces the one
        under the title; in its own slot, so it stays in the picture when a voice speaks the narration."""
        return self.narrate(text, None if drawn is None else self.beat_line(drawn), slot="beat line")

    def beat_line(self, drawn):
        """The beat's short line, centred under the title."""
        drawn.scale_to_fit_width(min(drawn.width, 13.2))
        return drawn.next_to(self.header, DOWN, buff=0.08).set_x(0)
