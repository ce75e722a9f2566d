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
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    AnimationGroup,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    Line,
    Rectangle,
    SurroundingRectangle,
    Transform,
    VGroup,
    smooth,
)

from nnexplain.geometry.network import brightness_note, image_shape, network_view, pick_probes
from nnexplain.mobjects.digit_preparation import DigitPreparation
from nnexplain.mobjects.network import NetworkDiagram, column_xs, layer_headers
from nnexplain.mobjects.pixels import PixelImage
from nnexplain.mobjects.style import fmt_count, fmt_percent, formula, label
from nnexplain.scenes.base.run_scene import RunScene

LAYER_X = (-2.9, -0.85, 1.2, 3.1)
NETWORK_HEIGHT, NETWORK_Y = 4.2, 0.05
IMAGE_CENTER = np.array([-5.7, 0.85, 0])
PIXEL_SIZE = 0.09  # a 28-pixel image is 2.52 wide: it ends well left of the "784" beside the input brace
LEFT_EDGE = -6.95
PANEL_X = 5.85
TEXT = 24  # every text: about 14 px tall at 480p


class Neurons(RunScene):
    scene_name = "neurons"
    probe_indices: ClassVar[tuple[int, ...] | None] = None  # probe items to show; None picks them
    shown_inputs: ClassVar[int] = 16
    epoch: ClassVar[int | None] = None  # the snapshot to draw; None is the last

    def construct(self) -> None:
        self.view = network_view(self.run, self.epoch, self.shown_inputs)
        self.overlay = VGroup()
        own = self.runs.own_index  # your own digit (render --input): the one digit shown
        first, *others = [own] if own is not None else (self.probe_indices or pick_probes(self.view))
        self.beat("title")
        self.say(self.title_note())
        self.show_title()
        if own is not None:
            self.beat("your digit")
            self.show_preparation()
        self.beat("digit")
        self.say(self.digit_note(first))
        self.show_image(first)
        self.beat("network")
        self.say(self.network_note())
        self.draw_network()
        self.beat("pixels in")
        self.say(self.pixels_note(first))
        self.feed_pixels(first)
        for layer in range(1, len(self.view.layers)):
            self.beat(f"layer {layer}")
            self.say(self.layer_note(layer, first))
            self.light_layer(layer, first)
        self.beat("prediction")
        self.say(self.prediction_note(first))
        self.reveal_prediction(first)
        self.beat("formula")
        self.say(self.formula_note())
        self.show_formula()
        for number, probe in enumerate(others, start=2):
            self.beat(f"digit {number}")
            self.say(self.digit_note(probe))
            self.next_digit(probe)
            self.beat("prediction")
            self.say(self.prediction_note(probe))
            self.reveal_prediction(probe)

    # --- beats -------------------------------------------------------------

    def show_title(self) -> None:
        shape = "-".join(str(n) for n in self.view.layers)
        title = label(f"A trained {shape} network reads handwritten digits", self.theme, 30)
        title.scale_to_fit_width(min(title.width, 13.9)).to_edge(UP, buff=0.2)  # a deep network's shape is long
        subtitle = label(self.run_summary(), self.theme, TEXT, self.theme.muted).next_to(title, DOWN, buff=0.1)
        subtitle.scale_to_fit_width(min(subtitle.width, 13.9))
        self.header = VGroup(title, subtitle)
        self.play(FadeIn(self.header, shift=0.2 * DOWN), run_time=self.t(1.2))

    def show_image(self, probe: int) -> None:
        self.image = self.pixel_image(probe)
        self.caption = self.digit_caption(probe)
        self.play(FadeIn(self.image), FadeIn(self.caption), run_time=self.t(1.0))

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
        self.layer_headers = layer_headers(self.layer_x, self.theme, TEXT, 2.7)
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
            f"yellow squares:\nthe {len(self.view.shown_inputs)} of {self.view.layers[0]:,}\npixels drawn\nas inputs",
            self.theme,
            TEXT,
            self.theme.muted,
        ).move_to([LEFT_EDGE, -1.0, 0], aligned_edge=LEFT + UP)
        self.play(
            LaggedStart(*(Create(column) for column in self.diagram.layers), lag_ratio=0.2),
            FadeIn(self.layer_headers),
            run_time=self.t(1.2),
        )
        self.play(
            LaggedStart(*(Create(bundle) for bundle in self.diagram.edges), lag_ratio=0.3),
            FadeIn(VGroup(self.diagram.input_ellipsis, self.diagram.input_brace, self.diagram.input_count)),
            FadeIn(self.diagram.output_labels),
            FadeIn(self.legend),
            FadeIn(self.input_note),
            run_time=self.t(1.6),
        )
        # manim redraws, every frame, each mobject that comes after one that moves. What never
        # moves again (texts, edges) goes first, so it is drawn once into the cached background.
        static = VGroup(
            self.header,
            self.layer_headers,
            self.legend,
            self.input_note,
            self.diagram.input_ellipsis,
            self.diagram.input_brace,
            self.diagram.input_count,
            self.diagram.output_labels,
            *self.diagram.edges,
        )
        self.bring_to_back(*static)

    def feed_pixels(self, probe: int) -> None:
        """The marked pixels fly into the drawn input neurons, which light when they arrive; the rest pour into the ellipsis."""
        self.markers = self.pixel_markers()
        self.play(Create(self.markers), run_time=self.t(0.6))
        self.fly_pixels(probe, self.t(1.4))

    def fly_pixels(self, probe: int, seconds: float) -> None:
        copies = VGroup(*(self.pixel_square(probe, index) for index in self.view.shown_inputs))
        rest = self.image.copy()
        self.play(
            *(
                Transform(square, neuron.copy().set_fill(self.theme.neuron_fill, 0))
                for square, neuron in zip(copies, self.diagram.layers[0])
            ),
            rest.animate.scale(0.04).move_to(self.diagram.input_ellipsis).set_opacity(0),
            run_time=seconds,
            rate_func=smooth,
        )
        self.remove(rest, copies)
        self.play(
            *self.diagram.light(0, self.view.brightness(probe)[0]), run_time=self.t(0.4)
        )  # they light once arrived

    def pulse(self, layer: int, probe: int, seconds: float) -> None:
        """What flows from layer ``layer − 1`` into ``layer`` for this digit, then the layer lights up."""
        sources = (
            self.view.probe_inputs[probe, self.view.shown_inputs]
            if layer == 1
            else self.view.activations[layer - 2][probe]
        )
        self.play(self.diagram.flow_pulse(layer - 1, sources, self.theme.highlight), run_time=seconds)

    def light_layer(self, layer: int, probe: int) -> None:
        self.pulse(layer, probe, self.t(0.9))
        self.play(*self.diagram.light(layer, self.view.brightness(probe)[layer]), run_time=self.t(0.6))

    def reveal_prediction(self, probe: int) -> None:
        self.probabilities = self.probability_labels(probe)
        self.verdict = self.prediction_panel(probe)
        self.box = self.output_box(probe)
        arriving = FadeIn(self.probabilities), Create(self.box), FadeIn(self.verdict, shift=0.2 * LEFT)
        self.play(*arriving, run_time=self.t(1.2))
        self.wait(self.t(1.2))

    def show_formula(self) -> None:
        panel = self.formula_panel()
        veil = (
            Rectangle(width=14.3, height=6.9)
            .move_to([0, -0.5, 0])
            .set_fill(self.theme.background, 0.92)
            .set_stroke(width=0)
        )
        self.play(FadeIn(veil), FadeIn(panel, shift=0.2 * UP), run_time=self.t(1.0))
        self.wait(self.t(1.0))
        self.overlay.add(veil, panel)  # the next digit clears it, so this beat ends on the formula

    def next_digit(self, probe: int) -> None:
        """Clear the last digit's answer, then run the next digit through the network (its answer: the next beat)."""
        image, caption = self.pixel_image(probe), self.digit_caption(probe)
        self.play(
            FadeOut(VGroup(self.box, self.verdict, self.probabilities, *self.overlay)),
            *(
                AnimationGroup(*self.diagram.light(layer, np.zeros(size)))
                for layer, size in enumerate(self.view.drawn_sizes)
            ),
            FadeOut(self.image),
            FadeIn(image),
            FadeOut(self.caption),
            FadeIn(caption),
            run_time=self.t(0.8),
        )
        self.overlay = VGroup()  # faded out and gone: it must not be faded (and so shown) again
        self.image, self.caption = image, caption
        self.bring_to_front(self.markers)  # the new image came in on top of them
        self.fly_pixels(probe, self.t(0.8))
        for layer in range(1, len(self.view.layers)):
            self.pulse(layer, probe, self.t(0.6))
            self.play(*self.diagram.light(layer, self.view.brightness(probe)[layer]), run_time=self.t(0.4))

    # --- the narration: what is said over each beat, from the numbers drawn ----------

    def title_note(self) -> str:
        shape = "-".join(map(str, self.view.layers))
        return f"A trained {shape} {self.run.activation} network ({self.run.recipe}). {self.result_fact()}."

    def digit_note(self, probe: int) -> str:
        best, confidence = self.view.prediction(probe)
        true = self.view.label(probe)
        which = self.digit_name(probe) + ("" if true is None else f" (label {true})")
        verdict = "" if true is None else " (right)" if best == true else f" (wrong: the label is {true})"
        return f"{which}, predicted {best} at {_note_percent(confidence)}{verdict}. {self.result_fact()}."

    def digit_name(self, probe: int) -> str:
        if probe == self.runs.own_index:
            return f"Your digit, {self.runs.own_digit.name}, prepared as MNIST was"
        return f"Probe digit {probe + 1}"

    def preparation_notes(self) -> list[str]:
        inverted = "Dark ink on light paper, inverted" if self.runs.own_digit.inverted else "Turned to grey"
        return [
            f"{inverted} as MNIST's digits are, white on black, and cropped to the ink.",
            "Scaled to fit 20 by 20 pixels, then centred by its centre of mass in 28 by 28: MNIST's recipe.",
        ]

    def network_note(self) -> str:
        sizes = self.view.layers
        total = self.run.network.parameter_count
        return (
            f"{len(sizes) - 1} layers of weights, {fmt_count(total)} parameters. Only {len(self.view.shown_inputs)} of the "
            f"{fmt_count(sizes[0])} input pixels are drawn; edge colour is the weight's sign, thickness its size."
        )

    def pixels_note(self, probe: int) -> str:
        pixels = self.view.probe_inputs[probe]
        inked = int((pixels > 0).sum())
        shown = int((pixels[self.view.shown_inputs] > 0).sum())
        return f"{inked} of this digit's {len(pixels)} pixels are inked; {shown} of the {len(self.view.shown_inputs)} drawn inputs are."

    def layer_note(self, layer: int, probe: int) -> str:
        values = self.view.activations[layer - 1][probe]
        if layer == len(self.view.layers) - 1:
            best, confidence = self.view.prediction(probe)
            return (
                f"Output layer, {len(values)} softmax outputs: the largest is {best}, at {_note_percent(confidence)}."
            )
        top = int(np.argmax(values))
        if self.run.activation == "relu":
            state = f"{int((values == 0).sum())} of its {len(values)} ReLU neurons are 0 (off)"
        else:
            state = f"{int((values > 0.5).sum())} of its {len(values)} {self.run.activation} neurons are above 0.5"
        return (
            f"Hidden layer {layer}: for this digit {state}; the brightest, neuron {top + 1}, is at {values[top]:.2f}."
        )

    def prediction_note(self, probe: int) -> str:
        probabilities = self.view.activations[-1][probe]
        best, second = np.argsort(probabilities)[::-1][:2]
        true = self.view.label(probe)
        verdict = "" if true is None else " Right." if best == true else f" Wrong: the label is {true}."
        return (
            f"The network says {best}, {_note_percent(probabilities[best])} sure; "
            f"runner-up {second} at {_note_percent(probabilities[second])}.{verdict}"
        )

    def formula_note(self) -> str:
        counts = [fmt_count(layer.parameter_count) for layer in self.run.network.layers]
        total = self.run.network.parameter_count
        return f"Each layer is weights times the layer below, plus biases, through {self.run.activation}: {' + '.join(counts)} = {fmt_count(total)} trained parameters."

    # --- pieces ------------------------------------------------------------

    def run_summary(self) -> str:
        config, dataset = self.run.manifest.get("config", {}), self.run.dataset
        parts = [self.run.activation]
        if config.get("epochs"):
            parts.append(f"{config['epochs']} epochs on {fmt_count(dataset.get('train', 0))} digits")
        if self.run.manifest.get("imported_from"):
            parts.append(f"imported from {self.run.manifest['imported_from']['file']}")
        if "val_acc" in self.run.final_metrics:
            accuracy = self.run.final_metrics["val_acc"]
            parts.append(f"{fmt_percent(accuracy)} of validation digits right (error {fmt_percent(1 - accuracy)})")
        return "  ·  ".join(parts)

    def image_values(self, probe: int) -> np.ndarray:
        return self.view.probe_inputs[probe].reshape(image_shape(self.run))

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
            markers.add(square.set_stroke(self.theme.highlight, 1.2).set_fill(opacity=0))
        return markers

    def pixel_square(self, probe: int, index: int) -> Rectangle:
        size = self.image.current_pixel_size
        square = Rectangle(width=size, height=size).move_to(self.image.pixel_center(index))
        value = float(self.view.probe_inputs[probe, index])
        return square.set_fill(self.theme.neuron_fill, value).set_stroke(self.theme.highlight, 1.2)

    def probability_labels(self, probe: int) -> VGroup:
        probabilities = self.view.activations[-1][probe]
        return VGroup(
            *(
                label(_short_percent(p), self.theme, TEXT, self.theme.muted).next_to(name, RIGHT, buff=0.15)
                for p, name in zip(probabilities, self.diagram.output_labels)
            )
        )

    def output_box(self, probe: int) -> SurroundingRectangle:
        best, _ = self.view.prediction(probe)
        color = {True: self.theme.correct, False: self.theme.wrong, None: self.theme.highlight}[
            self.view.is_correct(probe)
        ]
        target = VGroup(self.diagram.layers[-1][best], self.diagram.output_labels[best], self.probabilities[best])
        return SurroundingRectangle(target, color=color, buff=0.06, corner_radius=0.06)

    def prediction_panel(self, probe: int) -> VGroup:
        best, confidence = self.view.prediction(probe)
        true = self.view.label(probe)
        texts = ["network says", str(best), f"{fmt_percent(confidence)} sure"]
        lines = [
            label(texts[0], self.theme, TEXT, self.theme.muted),
            label(texts[1], self.theme, 54, weight="BOLD"),
            label(texts[2], self.theme, TEXT),
        ]
        # A run recorded without labels has nothing to check the answer against.
        if true is not None and best == true:
            texts.append("✓ correct")
            lines.append(label(texts[-1], self.theme, TEXT, self.theme.correct))
        elif true is not None:
            texts += ["✗ wrong:", f"the label is {true}"]
            lines += [
                label(texts[-2], self.theme, TEXT, self.theme.wrong),
                label(texts[-1], self.theme, TEXT, self.theme.wrong),
            ]
        panel = VGroup(*lines).arrange(DOWN, buff=0.14).move_to([PANEL_X, 0.2, 0])
        return panel

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
            label(brightness_note(self.run.activation), self.theme, TEXT, self.theme.muted),
        ).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        rows.scale_to_fit_width(min(rows.width, 10.2))
        return rows.move_to([-3.3, -3.95, 0], aligned_edge=LEFT + DOWN)

    def formula_panel(self) -> VGroup:
        sizes = self.view.layers
        symbol = {"sigmoid": "sigma", "tanh": "tanh", "relu": '"ReLU"'}[self.run.activation]
        hidden = formula(f"a^((1)) = {symbol}(W^((1)) a^((0)) + b^((1)))", self.theme, 48)
        last = len(sizes) - 1
        output = formula(
            f'a^(({last})) = "softmax"(W^(({last}))a^(({last - 1})) + b^(({last})))',
            self.theme,
            36,
            color=self.theme.muted,
        )
        texts = []
        for i, (n_in, n_out, layer) in enumerate(zip(sizes[:-1], sizes[1:], self.run.network.layers), start=1):
            texts.append(f"layer {i}:  {n_out}×{n_in} weights + {n_out} biases = {fmt_count(layer.parameter_count)}")
        total = self.run.network.parameter_count
        texts.append(f"this network: {fmt_count(total)} parameters, all of them trained")
        rows = [label(text, self.theme, TEXT) for text in texts[:-1]] + [
            label(texts[-1], self.theme, TEXT, self.theme.highlight)
        ]
        table = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        panel = VGroup(hidden, output, table).arrange(DOWN, buff=0.35).move_to([0, -0.45, 0])
        return panel


def _short_percent(p: float) -> str:
    """Whole percents, without rounding a not-quite-certain answer up to 100%."""
    return ">99%" if 0.995 <= p < 1 else f"{round(100 * p):d}%"


def _note_percent(p: float) -> str:
    """One decimal, as in "99.2%", without rounding a near-certainty to 100% or a small chance to 0%."""
    if 0.9995 <= p < 1:
        return "over 99.9%"
    return "under 0.1%" if 0 < p < 0.0005 else fmt_percent(p)
