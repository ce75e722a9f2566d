"""Neurons light up: a real trained MNIST network reads digits, layer by layer.

    nnexplain render neurons --run runs/mnist
    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/neurons.py Neurons

Every brightness is the neuron's stored activation for that digit, every edge
colour is the sign of its real weight, and every prediction is the network's.
Subclass to change colours (``theme``), pace (``step_seconds``), the digits
shown (``probe_indices``), or how many inputs stand for the 784 (``shown_inputs``).
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
    LaggedStart,
    Line,
    Rectangle,
    SurroundingRectangle,
    Transform,
    VGroup,
    smooth,
)

from nnexplain.geometry.network import brightness_note, image_shape, network_view, pick_probes
from nnexplain.mobjects.edges import SignalPulse
from nnexplain.mobjects.network import NetworkDiagram
from nnexplain.mobjects.pixels import PixelImage
from nnexplain.mobjects.style import fmt_count, fmt_percent, formula, label
from nnexplain.scenes.base.run_scene import RunScene

LAYER_X = (-3.2, -1.0, 1.2, 3.3)
IMAGE_CENTER = np.array([-5.6, 0.35, 0])
PIXEL_SIZE = 0.095  # a 28-pixel image is 2.66 wide: it ends left of the input brace's label
PANEL_X = 5.75


class Neurons(RunScene):
    scene_name = "neurons"
    step_seconds: ClassVar[float] = 1.0  # scales every beat; 0.5 plays twice as fast
    probe_indices: ClassVar[tuple[int, ...] | None] = None  # probe items to show; None picks them
    shown_inputs: ClassVar[int] = 16
    epoch: ClassVar[int | None] = None  # the snapshot to draw; None is the last

    def construct(self) -> None:
        self.view = network_view(self.run, self.epoch, self.shown_inputs)
        self.overlay = VGroup()
        first, *others = self.probe_indices or pick_probes(self.view)
        self.show_title()
        self.show_image(first)
        self.draw_network()
        self.feed_pixels(first)
        for layer in range(1, len(self.view.layers)):
            self.light_layer(layer, first)
        self.reveal_prediction(first)
        self.show_formula()
        for number, probe in enumerate(others, start=2):
            self.next_digit(probe, number)

    # --- beats -------------------------------------------------------------

    def show_title(self) -> None:
        self.beat("title")
        shape = "-".join(str(n) for n in self.view.layers)
        title = label(f"A trained {shape} network reads handwritten digits", self.theme, 30)
        title.to_edge(UP, buff=0.25)
        subtitle = label(self.run_summary(), self.theme, 18, self.theme.muted).next_to(title, DOWN, buff=0.12)
        self.header = VGroup(title, subtitle)
        self.play(FadeIn(self.header, shift=0.2 * DOWN), run_time=self.t(1.2))

    def show_image(self, probe: int) -> None:
        self.beat("digit")
        self.image = self.pixel_image(probe)
        self.caption = self.digit_caption(probe)
        self.play(FadeIn(self.image), FadeIn(self.caption), run_time=self.t(1.0))

    def draw_network(self) -> None:
        self.beat("network")
        names = self.run.dataset.get("classes") or [str(i) for i in range(self.view.layers[-1])]
        self.diagram = NetworkDiagram(self.view, self.theme, LAYER_X, height=4.7, center_y=-0.1, class_names=names)
        headers = ["input", *(f"hidden {i}" for i in range(1, len(self.view.layers) - 1)), "output"]
        self.layer_headers = VGroup(
            *(label(text, self.theme, 17, self.theme.muted).move_to([x, 2.62, 0]) for text, x in zip(headers, LAYER_X))
        )
        self.legend = self.make_legend()
        self.input_note = label(
            f"marked: the {len(self.view.shown_inputs)} of {self.view.layers[0]:,}\npixels drawn as inputs\n(weighted most by layer 1)",
            self.theme, 14, self.theme.muted,
        ).next_to(IMAGE_CENTER + 1.8 * DOWN, DOWN, buff=0.12)
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
        static = VGroup(self.header, self.layer_headers, self.legend, self.input_note, self.diagram.input_ellipsis,
                        self.diagram.input_brace, self.diagram.input_count, self.diagram.output_labels, *self.diagram.edges)
        self.bring_to_back(*static)

    def feed_pixels(self, probe: int) -> None:
        """The drawn input neurons take their pixels' values; the other pixels pour into the ellipsis."""
        self.beat("pixels in")
        shown = self.view.shown_inputs
        markers = self.pixel_markers()
        copies = VGroup(*(self.pixel_square(probe, index) for index in shown))
        targets = self.diagram.layers[0].copy()
        self.diagram.set_brightness(0, self.view.brightness(probe)[0])
        rest = self.image.copy()
        self.play(Create(markers), run_time=self.t(0.6))
        self.play(
            *(Transform(square, neuron) for square, neuron in zip(copies, self.diagram.layers[0])),
            rest.animate.scale(0.04).move_to(self.diagram.input_ellipsis).set_opacity(0),
            run_time=self.t(1.4),
            rate_func=smooth,
        )
        self.remove(rest, copies, targets)
        self.add(self.diagram.layers[0])
        self.markers = markers

    def light_layer(self, layer: int, probe: int) -> None:
        self.beat(f"layer {layer}")
        values = self.view.brightness(probe)[layer]
        self.play(SignalPulse(self.diagram.edges[layer - 1]), run_time=self.t(0.9))
        self.play(*self.diagram.light(layer, values), run_time=self.t(0.6))

    def reveal_prediction(self, probe: int) -> None:
        self.beat("prediction")
        self.probabilities = self.probability_labels(probe)
        self.verdict = self.prediction_panel(probe)
        self.box = self.output_box(probe)
        self.play(FadeIn(self.probabilities), Create(self.box), FadeIn(self.verdict, shift=0.2 * LEFT), run_time=self.t(1.2))
        self.wait(self.t(1.2))

    def show_formula(self) -> None:
        self.beat("formula")
        panel = self.formula_panel()
        veil = Rectangle(width=14.3, height=6.5).move_to([0, -0.45, 0]).set_fill(self.theme.background, 0.9).set_stroke(width=0)
        self.play(FadeIn(veil), FadeIn(panel, shift=0.2 * UP), run_time=self.t(1.0))
        self.wait(self.t(4.0))
        self.overlay.add(veil, panel)  # the next digit clears it, so this beat ends on the formula

    def next_digit(self, probe: int, number: int) -> None:
        self.beat(f"digit {number}")
        image, caption = self.pixel_image(probe), self.digit_caption(probe)
        self.play(
            FadeOut(VGroup(self.box, self.verdict, self.probabilities, *self.overlay)),
            *(AnimationGroup(*self.diagram.light(layer, np.zeros(size))) for layer, size in enumerate(self.view.drawn_sizes)),
            FadeOut(self.image),
            FadeIn(image),
            FadeOut(self.caption),
            FadeIn(caption),
            run_time=self.t(0.8),
        )
        self.image, self.caption = image, caption
        self.bring_to_front(self.markers)  # the new image came in on top of them
        self.play(*self.diagram.light(0, self.view.brightness(probe)[0]), run_time=self.t(0.6))
        for layer in range(1, len(self.view.layers)):
            values = self.view.brightness(probe)[layer]
            self.play(SignalPulse(self.diagram.edges[layer - 1]), run_time=self.t(0.6))
            self.play(*self.diagram.light(layer, values), run_time=self.t(0.4))
        self.reveal_prediction(probe)

    # --- pieces ------------------------------------------------------------

    def t(self, seconds: float) -> float:
        return seconds * self.step_seconds

    def run_summary(self) -> str:
        config, dataset = self.run.manifest.get("config", {}), self.run.dataset
        parts = [self.run.activation]
        if config.get("epochs"):
            parts.append(f"{config['epochs']} epochs on {fmt_count(dataset.get('train', 0))} MNIST digits")
        if self.run.manifest.get("imported_from"):
            parts.append(f"imported from {self.run.manifest['imported_from']['file']}")
        if "val_acc" in self.run.final_metrics:
            accuracy = self.run.final_metrics["val_acc"]
            parts.append(f"validation accuracy {fmt_percent(accuracy)} (error {fmt_percent(1 - accuracy)})")
        return "  ·  ".join(parts)

    def image_values(self, probe: int) -> np.ndarray:
        return self.view.probe_inputs[probe].reshape(image_shape(self.run))

    def pixel_image(self, probe: int) -> PixelImage:
        image = PixelImage(self.image_values(probe), pixel_size=PIXEL_SIZE, frame_color=self.theme.neuron_stroke)
        return image.move_to(IMAGE_CENTER)

    def digit_caption(self, probe: int) -> VGroup:
        true = self.view.label(probe)
        text = f"probe input {probe + 1}" if true is None else f"validation digit, label {true}"
        return label(text, self.theme, 18, self.theme.muted).next_to(IMAGE_CENTER + 1.4 * DOWN, DOWN, buff=0.1)

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
                label(_short_percent(p), self.theme, 16, self.theme.muted).next_to(name, RIGHT, buff=0.18)
                for p, name in zip(probabilities, self.diagram.output_labels)
            )
        )

    def output_box(self, probe: int) -> SurroundingRectangle:
        best, _ = self.view.prediction(probe)
        color = {True: self.theme.correct, False: self.theme.wrong, None: self.theme.highlight}[self.view.is_correct(probe)]
        target = VGroup(self.diagram.layers[-1][best], self.diagram.output_labels[best], self.probabilities[best])
        return SurroundingRectangle(target, color=color, buff=0.07, corner_radius=0.06)

    def prediction_panel(self, probe: int) -> VGroup:
        best, confidence = self.view.prediction(probe)
        true = self.view.label(probe)
        lines = [
            label("network says", self.theme, 18, self.theme.muted),
            label(str(best), self.theme, 54, weight="BOLD"),
            label(f"{fmt_percent(confidence)} sure", self.theme, 18),
        ]
        # A run recorded without labels has nothing to check the answer against.
        if true is not None and best == true:
            lines.append(label("✓ correct", self.theme, 20, self.theme.correct))
        elif true is not None:
            lines += [label("✗ wrong:", self.theme, 20, self.theme.wrong), label(f"the label is {true}", self.theme, 20, self.theme.wrong)]
        return VGroup(*lines).arrange(DOWN, buff=0.14).move_to([PANEL_X, -0.1, 0])

    def make_legend(self) -> VGroup:
        def swatch(color: str) -> Line:
            return Line(ORIGIN, 0.45 * RIGHT, stroke_width=3, color=color)

        row_one = VGroup(
            swatch(self.theme.positive), label("positive weight", self.theme, 16),
            swatch(self.theme.negative), label("negative weight", self.theme, 16),
            label("thicker = larger |weight|", self.theme, 16, self.theme.muted),
        ).arrange(RIGHT, buff=0.15)
        row_two = label(f"{brightness_note(self.run.activation)}  ·  output: softmax probability", self.theme, 15, self.theme.muted)
        legend = VGroup(row_one, row_two).arrange(DOWN, buff=0.12)
        legend.to_edge(DOWN, buff=0.18)
        return legend

    def formula_panel(self) -> VGroup:
        sizes = self.view.layers
        symbol = {"sigmoid": "sigma", "tanh": "tanh", "relu": '"ReLU"'}[self.run.activation]
        hidden = formula(f"a^((1)) = {symbol}(W^((1)) a^((0)) + b^((1)))", self.theme, 44)
        output = formula(f"a^(({len(sizes) - 1})) = \"softmax\"(W^(({len(sizes) - 1}))a^(({len(sizes) - 2})) + b^(({len(sizes) - 1})))", self.theme, 30, color=self.theme.muted)
        rows = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            rows.append(
                label(f"layer {i}:  W is {n_out}×{n_in},  b has {n_out}  →  {n_out}×{n_in} + {n_out} = {fmt_count(n_out * n_in + n_out)} parameters", self.theme, 20)
            )
        total = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
        rows.append(label(f"this network: {fmt_count(total)} parameters, all of them trained", self.theme, 22, self.theme.highlight))
        table = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        return VGroup(hidden, output, table).arrange(DOWN, buff=0.35).move_to([0, -0.35, 0])


def _short_percent(p: float) -> str:
    """Whole percents, without rounding a not-quite-certain answer up to 100%."""
    return ">99%" if 0.995 <= p < 1 else f"{round(100 * p):d}%"
