"""The ``one neuron`` beat of ``neurons``: one hidden neuron's computation, worked through with the run's numbers.

3Blue1Brown's chapter 1: one neuron's 784 weights drawn as a picture (blue positive, red negative, the edges'
colours), each weight times its pixel as a second picture, the products added up, the bias added, and the sum
put through the activation, a dot on its curve. The neuron is hidden layer 1's brightest for the digit on
screen; the sum is computed from the stored weights and pixels (:func:`~nnexplain.geometry.network.neuron_sum`),
the value read is the stored activation, and the two agree (``tests/test_neurons.py`` checks it against torch).

``OneNeuron`` is a mixin for :class:`~nnexplain.scenes.neurons.Neurons`.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UP,
    Axes,
    Circle,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromPoint,
    LaggedStart,
    Line,
    Rectangle,
    TransformFromCopy,
    VGroup,
    Write,
)

from nnexplain.geometry.network import neuron_sum, squash
from nnexplain.mobjects.pixels import SignedPixelImage
from nnexplain.mobjects.style import formula, label

__all__ = ["OneNeuron"]

WEIGHTS_AT, PRODUCTS_AT = np.array([-1.75, 0.55, 0]), np.array([1.35, 0.55, 0])
SUMS_X = 4.95  # the sum, the bias and the curve, right of the products
PIXEL = 0.085  # a 28-pixel picture 2.4 wide, two of them between the digit and the sums


class OneNeuron:
    def show_one_neuron(self, probe: int) -> None:
        values = self.view.activations[0][probe]
        neuron = int(np.argmax(values))
        weight, bias = (np.asarray(t) for t in self.run.params(self.epoch)[0])
        pixels = self.view.probe_inputs[probe]
        worked = neuron_sum(weight, bias, pixels, neuron)
        weights, products, names = self.neuron_pictures(weight, worked, neuron)
        # the others' rings and lights stand clear of the pictures and their names (the column runs behind them)
        pictures = VGroup(weights, products, names)
        clear = [
            n
            for n, circle in enumerate(self.diagram.layers[1])
            if circle.get_top()[1] < pictures.get_bottom()[1] - 0.12 or circle.get_bottom()[1] > weights.get_top()[1]
        ]
        others = _others(values, neuron, clear)
        reach = float(max(6.0, np.ceil(max(abs(neuron_sum(weight, bias, pixels, n).z) for n in [neuron, *others])) + 1))
        target = self.diagram.layers[1][neuron]
        ring = Circle(radius=target.radius + 0.08).move_to(target).set_stroke(self.theme.text, 3)
        veil = Rectangle(width=11.35, height=6.5).move_to([1.55, -0.78, 0])  # right of the digit, under the line
        veil.set_fill(self.theme.background, 1).set_stroke(width=0)  # opaque: no ghost of the web under the panel
        times = label("×", self.theme, 36).move_to((self.image.get_right() + weights.get_left()) / 2)
        equals = label("=", self.theme, 36).move_to((weights.get_right() + products.get_left()) / 2)
        inputs = weight.shape[1]
        # indices typeset at full size (display): a script-size 784 is 6 px tall at 480p
        rule = self.mixed(
            f"neuron {neuron + 1} of hidden 1:",
            formula(
                f"{self.squash}(w_display(1) a_display(1) + dots.c + w_display({inputs}) a_display({inputs}) + b)",
                self.theme,
                38,
            ),
        )
        # the network's texts leave first (the columns' names: the neuron's formula line reaches down to where they
        # stand; the output names and the legend stood as ghosts under the panel). The inputs' note has been read.
        texts = self.network_texts()
        self.play(FadeOut(texts), FadeOut(self.input_note), FadeOut(self.markers), run_time=self.t(0.4))
        with self.tell(self.one_neuron_note(neuron, inputs), rule) as line:
            self.play(Create(ring), run_time=self.t(0.6))
            self.add(veil)
            self.bring_to_front(target, ring)  # the neuron stays in sight: it lights when its value is worked out
            self.play(FadeIn(veil), run_time=self.t(0.5))
            self.play(
                GrowFromPoint(weights, target.get_center()),
                FadeIn(names[0]),
                run_time=self.t(max(line.duration - 1.1, 1)),
            )
        with self.tell(self.products_note()) as line:
            self.play(FadeIn(times), FadeIn(equals), run_time=self.t(0.5))
            self.play(
                TransformFromCopy(weights, products), FadeIn(names[1]), run_time=self.t(max(line.duration - 0.5, 1))
            )
        sums = self.running_sum(worked, neuron)
        with self.tell(self.sum_note(worked)) as line:
            self.play(*(Write(part) for part in sums), lag_ratio=0.9, run_time=self.t(max(line.duration, 1.5)))
        curve, dot, value = self.squash_curve(worked.z, float(values[neuron]), reach)
        with self.tell(self.squash_note(worked.z, float(values[neuron]))) as line:
            self.play(Create(curve), run_time=self.t(0.7))
            # the dot and its value together, while "sigmoid of z is ..." is said
            self.play(
                FadeIn(dot, scale=0.5),
                FadeIn(value, shift=0.1 * UP),
                target.animate.set_fill(opacity=self.view.brightness(probe)[1][neuron]),
                run_time=self.t(min(max(line.duration - 0.7, 0.8), 1.2)),
            )
        worked_parts = VGroup(weights, products, names, sums, dot, value)
        worked_parts = self.each_neuron_too(probe, weight, bias, others, worked_parts, ring, reach, curve)
        # the panel leaves, then the network and its texts come back: the two never dissolve through each other
        self.play(FadeOut(VGroup(worked_parts, times, equals, curve, ring)), run_time=self.t(0.5))
        self.play(FadeOut(veil), FadeIn(texts), FadeIn(self.markers), run_time=self.t(0.6))
        self.bring_to_back(*texts)  # still, they go back into the cached background

    def each_neuron_too(self, probe, weight, bias, others, shown: VGroup, ring, reach: float, curve) -> VGroup:
        """ "Every neuron does the same, with its own weights": a few other neurons of the layer worked out in turn,
        each one's weights, products, sums and value in place of the last, the ring on it and its light coming on."""
        values = self.view.activations[0][probe]
        pixels = self.view.probe_inputs[probe]
        axes = curve[0]
        rule = self.mixed(
            "every neuron of hidden 1:",
            formula(f'{self.squash}("its own weights · pixels" + "its own bias")', self.theme, 34),
        )
        intro, *each_line = self.each_neuron_notes(others, values)
        circles = [self.diagram.layers[1][other] for other in others]
        stand_ins = VGroup(*(circle.copy() for circle in circles))  # over the veil, before each is worked out
        with self.tell(intro, rule) as line:
            self.play(LaggedStart(*(FadeIn(c, scale=1.4) for c in stand_ins), lag_ratio=0.4), run_time=self.t(1.0))
        # each neuron's picture while its own line is said, not under the last one's
        for other, text in zip(others, each_line):
            with self.narrate(text) as line:
                worked = neuron_sum(weight, bias, pixels, other)
                value = float(values[other])
                neuron = self.diagram.layers[1][other]
                weights, products, names = self.neuron_pictures(weight, worked, other)
                _, dot, readout = self.squash_curve(worked.z, value, reach, axes)
                new = VGroup(weights, products, names, self.running_sum(worked, other), dot, readout)
                # the last one leaves before the next comes: no two pictures cross-fade in one place
                self.play(FadeOut(shown), ring.animate.move_to(neuron), run_time=self.t(0.3 * max(line.duration, 1.2)))
                self.bring_to_front(neuron, ring)
                self.play(
                    FadeIn(new),
                    neuron.animate.set_fill(opacity=self.view.brightness(probe)[1][other]),
                    run_time=self.t(0.4 * max(line.duration, 1.2)),
                )
                shown = new
        self.remove(*stand_ins)  # under the lit neurons now
        return shown

    def neuron_pictures(self, weight: np.ndarray, worked, neuron: int):
        """A neuron's weights as a picture, each weight × its pixel as a second picture, and their names."""
        shape = self.image.values.shape
        # full colour at the 99th percentile of |value|: the largest few would otherwise leave the rest near black
        weights = SignedPixelImage(
            weight[neuron].reshape(shape), PIXEL, *self.signs, scale=_strong(weight[neuron])
        ).move_to(WEIGHTS_AT)
        products = SignedPixelImage(
            worked.products.reshape(shape), PIXEL, *self.signs, scale=_strong(worked.products)
        ).move_to(PRODUCTS_AT)
        names = VGroup(
            label(f"its {weight.shape[1]} weights", self.theme, 24).next_to(weights, DOWN, 0.15),
            label("weight × pixel", self.theme, 24).next_to(products, DOWN, 0.15),
        )
        return weights, products, names

    def running_sum(self, worked, neuron: int) -> VGroup:
        """The neuron's name, its products' sum, its bias and z, in one font."""
        sums = VGroup(
            label(f"neuron {neuron + 1}", self.theme, 24, self.theme.muted),
            label(f"sum: {_signed(worked.total)}", self.theme, 24),
            label(f"+ bias: {_signed(worked.bias)}", self.theme, 24),
            label(f"= z: {_signed(worked.z)}", self.theme, 24, weight="BOLD"),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        return sums.move_to([SUMS_X, 1.35, 0])

    @property
    def signs(self) -> tuple[str, str]:
        return self.theme.positive, self.theme.negative

    def squash_curve(self, z: float, value: float, reach: float, axes: Axes | None = None):
        """The activation's curve over ±``reach`` (it holds every z shown), a dot at (z, value) with a line down to
        its z on the axis, and the value written under the curve; on ``axes`` when given (only the dot and value)."""
        low, high = {"sigmoid": (0, 1), "tanh": (-1, 1), "relu": (0, max(reach, 1.0))}[self.run.activation]
        axes = axes or Axes(
            x_range=[-reach, reach, reach],
            y_range=[low, high, high - low],
            x_length=2.9,
            y_length=1.3,
            axis_config={"color": self.theme.muted, "stroke_width": 1.5, "include_ticks": False},
            tips=False,
        ).move_to([SUMS_X, -1.35, 0])
        # sampled densely and joined by straight pieces: a smoothed spline overshot (0, 1) at the curve's knees
        graph = axes.plot(
            lambda x: float(squash(self.run.activation, x)),
            x_range=[-reach, reach, reach / 150],
            use_smoothing=False,
            color=self.theme.text,
            stroke_width=2.5,
        )
        dot = VGroup(
            DashedLine(axes.c2p(z, low), axes.c2p(z, value), stroke_width=1.5, color=self.theme.muted),
            Dot(axes.c2p(z, value), radius=0.08, color=self.theme.text),
        )
        name = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU"}[self.run.activation]
        # where z = 0 is, and the output's bounds: enough to read the dot's place off the curve
        marks = VGroup(
            label("0", self.theme, 24, self.theme.muted).next_to(axes.c2p(0, low), DOWN, buff=0.06),
            label(f"{high:g}", self.theme, 24, self.theme.muted).next_to(axes.c2p(-reach, high), LEFT, buff=0.08),
            label(f"{low:g}", self.theme, 24, self.theme.muted).next_to(axes.c2p(-reach, low), LEFT, buff=0.08),
        )
        # ticks on the z axis, the outermost two named: the dot's z can be read off it
        step = _tick_step(reach)
        ticks = [step * k for k in range(-int(reach // step), int(reach // step) + 1) if k != 0]
        marks.add(
            *(
                Line(axes.c2p(x, low), axes.c2p(x, low) + 0.08 * DOWN, stroke_width=1.5, color=self.theme.muted)
                for x in ticks
            ),
            *(
                label(_signed(x, 0), self.theme, 24, self.theme.muted).next_to(axes.c2p(x, low), DOWN, buff=0.06)
                for x in (ticks[0], ticks[-1])
            ),
        )
        value_text = label(f"{name}(z) = {value:.2f}", self.theme, 24).next_to(marks, DOWN, buff=0.06)
        value_text.set_x(axes.get_x())
        return VGroup(axes, graph, marks), dot, value_text


def _others(values: np.ndarray, worked: int, allowed: list[int] | None = None, count: int = 3) -> list[int]:
    """A few other neurons of the layer (of ``allowed``, when two or more of them are), its dimmest, a middle one
    and the next brightest: their values differ."""
    allowed = [n for n in (allowed or []) if n != worked]
    allowed = allowed if len(allowed) >= 2 else range(len(values))
    order = [int(n) for n in np.argsort(values, kind="stable") if n != worked and n in allowed]
    picks = [order[0], order[len(order) // 2], order[-1]]
    return list(dict.fromkeys(picks))[:count]


def _strong(values: np.ndarray) -> float:
    """What full colour stands for: the 99th percentile of |values| (1 when they are all 0)."""
    return float(np.percentile(np.abs(values), 99)) or 1.0


def _tick_step(reach: float) -> float:
    """The z axis's tick spacing: 1, 2 or 5 times a power of ten, two or three ticks each side of 0."""
    for power in range(-1, 4):
        for base in (1, 2, 5):
            step = base * 10.0**power
            if reach // step <= 3:
                return step
    return reach


def _signed(value: float, places: int = 2) -> str:
    return f"{value:.{places}f}".replace("-", "−")
