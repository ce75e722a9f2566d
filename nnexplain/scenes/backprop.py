"""backprop: one digit's wishes, passed backwards through the real weights; then one mini-batch step.

The same network diagram as ``neurons``. A probe digit goes forward; the output's wish
list is the run's own −∂loss/∂z (y − p for softmax with cross-entropy), drawn as signed
arrows with their numbers; backwards, layer by layer, each hidden neuron's wish is the
weighted sum of the wishes above it times the activation's slope, and each edge takes
the colour and width of its gradient δ_out · a_in for this digit. The weights that matter
most join bright neurons to big wishes. Finally 12 real digits average their gradients
into one step, and every loss is computed again after it. Numbers from
:mod:`nnexplain.geometry.wishes` (numpy backpropagation of the stored weights).

    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/backprop.py Backprop

Each beat's caption is its narration, held until read. Subclass to change the pace
(``pace`` scales every animation), the digit (``probe_index``), the batch size
(``batch_size``) or the snapshot (``epoch``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, RIGHT, UP, Circle, Create, FadeIn, FadeOut, Line, SurroundingRectangle, VGroup

from nnexplain.geometry.backprop import example_losses
from nnexplain.geometry.network import image_shape, network_view
from nnexplain.geometry.wishes import (
    batch_step,
    choose_batch,
    choose_example,
    example_backprop,
    gradient_edges,
    strongest_edge,
)
from nnexplain.mobjects.edges import SignalPulse
from nnexplain.mobjects.hinges import paragraph
from nnexplain.mobjects.network import NetworkDiagram, column_xs, layer_headers
from nnexplain.mobjects.pixels import PixelImage
from nnexplain.mobjects.style import fmt_percent, label
from nnexplain.mobjects.wishes import GradientEdges, WishArrows, WishRings, signed
from nnexplain.scenes.base.run_facts import recorded_step_size
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["Backprop"]

LAYER_X = (-3.2, -1.0, 1.2, 3.3)
IMAGE_CENTER = np.array([-5.6, 0.35, 0])
PIXEL_SIZE = 0.095
SLOPES = {"sigmoid": "σ′(z) = a(1 − a)", "tanh": "tanh′(z) = 1 − a²", "relu": "ReLU′(z), 1 or 0"}


ILLUSTRATIVE_STEP_SIZE = 0.1  # the mini-batch step of a run that records no learning rate of its own
STEP_LABEL_WIDTH = 12.6  # scene units: the 14.2-wide frame less its margins


class Backprop(RunScene):
    scene_name = "backprop"
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
        self.names = self.run.dataset.get("classes") or [str(i) for i in range(self.run.layers[-1])]

    def construct(self) -> None:
        self.beat("title")
        self.show_title()
        self.beat("forward")
        self.forward()
        self.beat("wish list")
        self.wish_list()
        for layer in range(len(self.run.layers) - 2, -1, -1):
            self.beat(f"back to layer {layer}" if layer else "back to the pixels")
            self.backwards(layer)
        self.beat("what matters")
        self.what_matters()
        self.beat("mini-batch")
        self.mini_batch()

    # --- beats -------------------------------------------------------------

    def show_title(self) -> None:
        self.say(self.title_note())  # no caption: the title and its summary are labels
        title = label("Backpropagation: what one digit wants to change", self.theme, 30, weight="BOLD").to_edge(
            UP, buff=0.25
        )
        shape = "-".join(map(str, self.run.layers))
        accuracy = self.run.final_metrics.get("val_acc")
        summary = f"the trained {shape} {self.run.activation} network" + (
            f", validation accuracy {fmt_percent(accuracy)}" if accuracy is not None else ""
        )
        self.header = VGroup(title, label(summary, self.theme, 18, self.theme.muted).next_to(title, DOWN, buff=0.12))
        self.play(FadeIn(self.header, shift=0.2 * DOWN), run_time=self.t(1.0))

    def forward(self) -> None:
        self.image = PixelImage(
            self.inputs[self.digit].reshape(image_shape(self.run)),
            pixel_size=PIXEL_SIZE,
            frame_color=self.theme.neuron_stroke,
        ).move_to(IMAGE_CENTER)
        true, said = int(self.labels[self.digit]), int(self.predicted[self.digit])
        what = "validation digit" if self.runs.own_index is None else "your digit"
        tag = label(f"{what}, label {self.names[true]}", self.theme, 18, self.theme.muted).next_to(
            self.image, DOWN, buff=0.15
        )
        self.layer_x = column_xs(LAYER_X, len(self.view.layers))
        self.layer_headers = layer_headers(self.layer_x, self.theme, 17, 2.62)
        crowded = len(self.layer_headers) > len(
            self.layer_x
        )  # hidden columns numbered under one header: lower their tops
        height, centre = (4.4, -0.25) if crowded else (4.7, -0.1)
        self.diagram = NetworkDiagram(
            self.view, self.theme, self.layer_x, height=height, center_y=centre, class_names=self.names
        )
        self.play(
            FadeIn(self.image),
            FadeIn(tag),
            Create(self.diagram.layers),
            FadeIn(self.layer_headers),
            run_time=self.t(1.2),
        )
        self.play(
            *(Create(bundle) for bundle in self.diagram.edges),
            FadeIn(
                VGroup(
                    self.diagram.input_ellipsis,
                    self.diagram.input_brace,
                    self.diagram.input_count,
                    self.diagram.output_labels,
                )
            ),
            run_time=self.t(1.2),
        )
        self.bring_to_back(self.header, self.layer_headers, *self.diagram.edges)
        brightness = self.view.brightness(self.digit)
        self.play(*self.diagram.light(0, brightness[0]), run_time=self.t(0.6))
        for layer in range(1, len(self.view.layers)):
            self.play(SignalPulse(self.diagram.edges[layer - 1]), run_time=self.t(0.7))
            self.play(*self.diagram.light(layer, brightness[layer]), run_time=self.t(0.4))
        p = self.view.activations[-1][self.digit]
        self.percent = VGroup(
            *(
                label(f"{round(100 * v):d}%", self.theme, 15, self.theme.muted).next_to(name, RIGHT, buff=0.15)
                for v, name in zip(p, self.diagram.output_labels)
            )
        )
        box = SurroundingRectangle(
            VGroup(self.diagram.layers[-1][said], self.diagram.output_labels[said], self.percent[said]),
            color=self.theme.correct if said == true else self.theme.wrong,
            buff=0.06,
        )
        self.play(FadeIn(self.percent), Create(box), run_time=self.t(0.8))
        self.image_group, self.box = VGroup(self.image, tag), box
        verdict = "right" if said == true else "wrong"
        self.tell(
            f"{'A validation digit' if self.runs.own_index is None else 'Your digit'} labelled {self.names[true]} goes forward. The network says {self.names[said]}, "
            f"{fmt_percent(p[said], 0)} sure: {verdict}."
        )

    def wish_list(self) -> None:
        wish = -self.result.deltas[-1][0]
        self.play(FadeOut(self.box), run_time=self.t(0.3))
        self.output_wishes = WishArrows(
            self.diagram.neuron_centers(len(self.view.layers) - 1),
            wish,
            self.theme,
            max_length=0.42,
            x_offset=1.45,
            numbers=True,
            size=16,
        )
        heading = label("wish: y − p", self.theme, 17, self.theme.highlight).move_to([self.layer_x[-1] + 1.95, 2.62, 0])
        true = int(self.labels[self.digit])
        other = int(np.argmin(wish))
        self.tell(
            f"What should change? The loss wants output {self.names[true]} up by {wish[true]:.2f} and {self.names[other]} down by {-wish[other]:.2f}.\n"
            "Each output's wish is y − p: minus the run's own ∂loss/∂z = p − y (softmax with cross-entropy)."
        )
        # The weights' own colours step back: from here on, colour means how a weight should change.
        self.play(
            Create(self.output_wishes.arrows),
            FadeIn(self.output_wishes.numbers),
            FadeIn(heading),
            *(bundle.animate.set_stroke(opacity=0.06) for bundle in self.diagram.edges),
            run_time=self.t(1.2),
        )
        self.wish_heading = heading

    def backwards(self, layer: int) -> None:
        """Layer ``layer``'s weights (0: from the inputs) get their gradients; the neurons below get their wishes."""
        group = gradient_edges(self.view, self.result, self.inputs[self.digit : self.digit + 1], layer)
        edges = GradientEdges(self.diagram, group, layer, self.theme)
        self.gradient_edges = getattr(self, "gradient_edges", {})
        self.gradient_edges[layer] = edges
        animations = [Create(edges)]
        wishes = None
        if layer > 0:
            wishes = WishRings(self.diagram.layers[layer], -self.result.deltas[layer - 1][0], self.theme)
            self.wish_rings = [*getattr(self, "wish_rings", []), wishes]
            animations.append(Create(wishes))
        self.tell_rule(layer, wishes)
        self.play(SignalPulse(edges.backwards()), run_time=self.t(0.9))  # what the caption says, while it is read
        self.play(*animations, run_time=self.t(1.2))
        self.bring_to_back(edges)
        self.bring_to_back(self.header, self.layer_headers, *self.diagram.edges)

    def tell_rule(self, layer: int, wishes: WishRings | None) -> None:
        """The caption of a step back: the rule at the first, then the largest wish, then the pixels."""
        first = layer == len(self.view.layers) - 2
        if first:
            self.tell(
                f"Backwards: each edge takes the colour and width of its gradient for this digit, δ_out · a_in (blue: the weight\n"
                "should grow, red: shrink). A hidden neuron's wish (its ring) is the weighted sum "
                f"of the wishes above it, times {SLOPES[self.run.activation]}."
            )
        elif layer > 0:
            top = float(np.abs(wishes.values).max())
            self.tell(f"One layer further back, the same rule: the largest wish in hidden layer {layer} is {top:.2f}.")
        else:
            self.tell(
                "Down to the weights from the pixels: a dark pixel (value 0) gives its weights no gradient at all."
            )

    def what_matters(self) -> None:
        layer = len(self.view.layers) - 2
        edges = self.gradient_edges[layer]
        index = strongest_edge(edges.group)
        start, end = edges.edge_line(index)
        source, target = int(edges.group.source[index]), int(edges.group.target[index])
        a_in = float(self.result.act[layer - 1][0, source])
        delta = float(self.result.deltas[layer][0, target])
        glow = Line(start, end, stroke_width=7, color=self.theme.highlight)
        rings = VGroup(
            *(
                Circle(radius=neuron.radius + 0.07, color=self.theme.highlight, stroke_width=3).move_to(neuron)
                for neuron in (self.diagram.layers[layer][source], self.diagram.layers[layer + 1][target])
            )
        )
        dim = float(np.min(self.result.act[layer - 1][0]))
        change = "grow" if a_in * delta < 0 else "shrink"
        self.tell(
            f"This digit's largest gradient, hidden-{layer} neuron {source + 1} → output {self.names[target]}: a bright neuron (a = {a_in:.2f}) times a big wish\n"
            f"(δ = {signed(delta)}): δ·a = {signed(a_in * delta)}, so this weight should {change}. "
            f"A dark neuron (a = {dim:.2f}) passes almost nothing, whatever the wish."
        )
        self.play(Create(glow), Create(rings), run_time=self.t(0.8))
        self.highlight = VGroup(glow, rings)

    def mini_batch(self) -> None:
        recorded = recorded_step_size(self.run)
        lr = recorded or ILLUSTRATIVE_STEP_SIZE  # a run with none of its own (imported) gets one, said to be ours
        batch = choose_batch(self.labels, self.predicted, self.batch_size)
        step = batch_step(self.params, self.run.activation, self.run.output, self.inputs, self.labels, batch, lr)
        everything = VGroup(
            self.diagram,
            self.layer_headers,
            self.image_group,
            self.percent,
            self.output_wishes,
            self.wish_heading,
            self.highlight,
            *self.gradient_edges.values(),
            *self.wish_rings,
        )
        self.play(*self.unsay(), run_time=self.t(0.3))
        self.play(FadeOut(everything), run_time=self.t(0.8))
        self.remove(*self.mobjects)
        self.add(self.header)
        cards = VGroup()
        for item, before, after in zip(step.indices, step.before, step.after):
            image = PixelImage(
                self.inputs[item].reshape(image_shape(self.run)), pixel_size=0.05, frame_color=self.theme.neuron_stroke
            )
            moved = after - before
            color = self.theme.correct if moved < -0.0005 else self.theme.wrong if moved > 0.0005 else self.theme.muted
            text = VGroup(
                label(f"label {self.names[int(self.labels[item])]}", self.theme, 15, self.theme.muted),
                label(f"{before:.3f} → {after:.3f}", self.theme, 16, color),
            ).arrange(DOWN, buff=0.06)
            cards.add(VGroup(image, text.next_to(image, DOWN, buff=0.1)))
        cards.arrange_in_grid(rows=2, buff=(0.45, 0.3)).move_to([0, 0.15, 0])
        average = (
            f"the average of their {len(batch)} gradients" if recorded else f"mean of their {len(batch)} gradients"
        )
        top = label(
            f"{len(batch)} digits, one step: θ − η × ({average}), η = {lr:g}"
            + ("" if recorded else " (ours: the run has none)"),
            self.theme,
            20,
        ).move_to([0, 2.55, 0])
        if top.width > STEP_LABEL_WIDTH:  # inside the frame's margins, whatever the numbers
            top.scale_to_fit_width(STEP_LABEL_WIDTH)
        self.play(FadeIn(top), FadeIn(VGroup(*(card[0] for card in cards)), lag_ratio=0.1), run_time=self.t(1.2))
        self.play(FadeIn(VGroup(*(card[1] for card in cards))), run_time=self.t(0.8))
        rose = [int(self.labels[i]) for i, b, a in zip(step.indices, step.before, step.after) if a > b + 0.0005]
        fell = int(np.sum(step.after < step.before - 0.0005))
        note = f"{fell} of {len(batch)} digits' losses fell" + (
            f"; {len(rose)} rose ({', '.join(self.names[r] for r in rose)}): one step for the batch is not a step for every digit."
            if rose
            else "."
        )
        before_after = f"{step.loss_before:.3f} → {step.loss_after:.3f}"
        size = "" if recorded else f" of size η = {lr:g}, chosen for this picture since the run records no step size"
        self.tell(f"The batch's loss, computed before and after a step{size}: {before_after}.\n{note}")
        self.cards, self.step = cards, step

    # --- the title's narration (the other beats narrate their captions) --------

    def title_note(self) -> str:
        return f"The trained {'-'.join(map(str, self.run.layers))} {self.run.activation} network ({self.run.recipe}). {self.result_fact()}."

    # --- pieces ------------------------------------------------------------

    def tell(self, text: str) -> None:
        """Narrate ``text`` as the caption along the bottom: the old one fades out, once read, then this one in."""
        caption = paragraph(text, self.theme, 13.4, size=19).move_to([0, -3.05, 0], aligned_edge=UP)
        fade = self.t(0.8 if "caption" in self.caption_mobjects else 0.5)
        self.play(*self.say(text, caption, fade_seconds=fade), run_time=fade)
