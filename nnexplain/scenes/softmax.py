"""Softmax, step by step, on the real logits of a trained classifier.

    nnexplain render softmax --run runs/mnist
    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/softmax.py Softmax

For a digit the network is sure of, then for the probe digit with the
highest-entropy prediction (the one it is least sure of): the output layer's
stored logits as signed bars, exponentiated, then divided by their sum. Then,
with the same logits, why not divide the raw scores by their sum, and why not
just take the largest. Every number is the run's (:mod:`nnexplain.geometry.softmax`).
Subclass to change the pace (``pace``), the snapshot (``epoch``) or the
size of the nudge (``nudge``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, UP, FadeIn, FadeOut, Group, ManimColor, VGroup, interpolate_color

from nnexplain.geometry.network import image_shape
from nnexplain.geometry.softmax import (
    SoftmaxSteps,
    nudged,
    one_hot,
    pick_confident,
    pick_uncertain,
    softmax_of,
    softmax_steps,
)
from nnexplain.mobjects.charts import SignedBars
from nnexplain.mobjects.heatmap import Heatmap, Playback, grey_rgba
from nnexplain.mobjects.slot_text import SlotText, glyph_count
from nnexplain.mobjects.style import fmt_fixed, label
from nnexplain.scenes.base.caption_layout import say_below, title_block
from nnexplain.scenes.base.run_scene import RunScene

DIGIT_CENTRE = np.array([-5.3, 0.35, 0])
CHART_X, ZERO_Y, UP_ROOM, DOWN_ROOM = 1.3, -0.2, 2.0, 1.35
SLOPE_ROOM = 2.3  # bar height of probability 1 in the last beat
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def fmt_value(value: float) -> str:
    """Three significant digits; very large and very small numbers as a power of ten (7.1·10⁴)."""
    if value == 0 or 0.01 <= abs(value) < 10_000:
        text = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
        return text.replace("-", "−")
    exponent = int(np.floor(np.log10(abs(value))))
    mantissa = value / 10**exponent
    return f"{mantissa:.1f}·10{str(exponent).translate(_SUPERSCRIPTS)}".replace("-", "−")


class Softmax(RunScene):
    scene_name = "softmax"
    epoch: ClassVar[int | None] = None  # the snapshot whose logits are shown; None: the last
    nudge: ClassVar[float] = 1.5  # how far past the winner the runner-up's logit is pushed

    def construct(self) -> None:
        self.names = list(self.run.dataset.get("classes") or range(self.run.layers[-1]))
        self.shown: dict[str, SoftmaxSteps] = {}
        self.beat("title")
        self.say(self.title_note())
        self.show_title()
        own = self.runs.own_index  # your own digit (render --input) takes the unsure digit's place
        for kind, index in (
            ("sure", pick_confident(self.runs.recorded_main, self.epoch)),
            ("unsure", pick_uncertain(self.run, self.epoch)) if own is None else ("yours", own),
        ):
            self.beat(f"{kind} digit")
            self.show_digit(kind, index)
            self.beat(f"{kind}: logits")
            self.show_logits(kind)
            self.beat(f"{kind}: exp")
            self.exponentiate(kind)
            self.beat(f"{kind}: probabilities")
            self.normalise(kind)
        self.beat("why exp")
        self.naive_division()
        self.beat("why not argmax")
        self.no_slope()
        self.hold(extra=1.0)

    # --- beats -------------------------------------------------------------

    def show_title(self) -> None:
        shape = "-".join(map(str, self.run.layers))
        epoch = self.run.snapshot(self.epoch)["epoch"]
        self.title = title_block(
            "Softmax: from scores to probabilities",
            f"{self.run.recipe} · {shape} · {self.run.activation} · {self.moment(epoch)} · the run's own logits",
            self.theme,
        )
        self.chart = SignedBars([str(n) for n in self.names], self.theme, 8.6, UP_ROOM, DOWN_ROOM)
        self.chart.move_to([CHART_X, ZERO_Y, 0], coor_mask=[1, 0, 0]).shift(
            (ZERO_Y - self.chart.zero.get_center()[1]) * UP
        )
        self.values: VGroup | None = None
        self.digit_parts: Group | None = None
        self.stage = VGroup()
        self.play(
            FadeIn(self.title, shift=0.2 * DOWN),
            FadeIn(VGroup(self.chart.zero, self.chart.names)),
            run_time=self.t(1.0),
        )

    def show_digit(self, kind: str, index: int) -> None:
        self.steps = softmax_steps(self.run, index, self.epoch)
        self.shown[kind] = self.steps
        digit = self.digit_image(index)
        truth = self.true_label(index)
        what = "surest prediction" if kind == "sure" else "highest entropy"
        text = f"probe digit {index + 1}\n{truth}, {what}"
        if kind == "yours":
            text = f"your digit, {self.runs.own_digit.name}\n{truth}"
        note = label(text, self.theme, 16, self.theme.muted).next_to(digit, DOWN, buff=0.15)
        leaving = [FadeOut(m) for m in (self.digit_parts, self.values) if m is not None]
        self.values, self.digit_parts = None, Group(digit, note)
        changes = [*leaving, FadeIn(self.digit_parts), self.bars_to(np.zeros(len(self.names)), self.theme.positive)]
        if kind == "sure":
            text = "A digit the network is sure of. Its last layer gives one score per class."
            say_below(self, text, *changes, run_time=self.t(0.8))
        elif kind == "yours":
            text = f"Now your digit, {self.runs.own_digit.name}, prepared as MNIST's digits were."
            say_below(self, text, *changes, run_time=self.t(0.8))
        else:
            say_below(
                self,
                "Now the probe digit with the highest-entropy prediction: the one it is least sure of.",
                *changes,
                run_time=self.t(0.8),
            )

    def show_logits(self, kind: str) -> None:
        z = self.steps.logits
        scale = min(UP_ROOM / max(z.max(), 1e-9), DOWN_ROOM / max(-z.min(), 1e-9))
        changes = [
            *self.stage_to("the logits z (the last layer's scores)"),
            self.bars_to(z * scale, self.signed_colours(z)),
        ]
        first, second = self.steps.winner, self.steps.runner_up
        close = f"Its two largest logits{' are close' if kind == 'unsure' else ''}: {self.names[first]}: {fmt_fixed(z[first])}, {self.names[second]}: {fmt_fixed(z[second])}."
        text = "These scores, the logits, can be negative and do not add up to 1." if kind == "sure" else close
        say_below(self, text, *changes, run_time=self.t(1.0))
        self.show_values([fmt_fixed(v) for v in z])

    def exponentiate(self, kind: str) -> None:
        e = self.steps.exponentials
        changes = [
            *self.drop_values(),
            *self.stage_to("exp(z): every score positive, order kept"),
            self.bars_to(e / e.max() * UP_ROOM, self.theme.positive),
        ]
        if kind == "sure":
            say_below(
                self, "Step 1: exp makes every score positive, and keeps their order.", *changes, run_time=self.t(1.2)
            )
        else:  # no caption of its own (the one about the logits stays up): the numbers are narrated
            self.say(self.exp_note())
            self.play(*changes, run_time=self.t(1.2))
        self.show_values([fmt_value(v) for v in e])
        if kind != "sure":
            self.wait(self.t(0.8))

    def normalise(self, kind: str) -> None:
        p = self.steps.probabilities
        colours = [self.theme.highlight if i == self.steps.winner else self.theme.positive for i in range(len(p))]
        stage = f"÷ Σ exp(z) = {fmt_value(self.steps.total)}:  probabilities, sum {p.sum():.3f}"
        changes = [*self.drop_values(), *self.stage_to(stage), self.bars_to(p * UP_ROOM, colours)]
        best = np.argsort(p)[::-1][:3]
        if kind == "sure":
            sure = "more than 99.9%" if 0.9995 <= p[best[0]] < 1 else f"{p[best[0]]:.1%}"
            text = f"Step 2: divide by their sum. Now they add up to 1: {self.names[best[0]]}, {sure} sure."
        else:
            top = ", ".join(f"{self.names[i]}: {p[i]:.0%}" for i in best)
            text = f"Probabilities {top}." + (" The network hesitates." if kind == "unsure" else "")
        say_below(self, text, *changes, run_time=self.t(1.2))
        self.show_values([f"{v:.3f}" for v in p])

    def naive_division(self) -> None:
        steps = self.steps
        naive, total = steps.naive, steps.naive_total
        self.naive_values, self.naive_texts = naive, [fmt_fixed(v) for v in naive]
        scale = min(UP_ROOM / max(naive.max(), 1e-9), DOWN_ROOM / max(-naive.min(), 1e-9))
        changes = [
            *self.drop_values(),
            *self.stage_to(f"z ÷ Σ z,  with Σ z = {fmt_fixed(total)}"),
            self.bars_to(naive * scale, self.signed_colours(naive)),
        ]
        troubles = []
        if (naive < 0).any():
            troubles.append(f"{int((naive < 0).sum())} 'probabilities' come out below zero")
        if (naive > 1).any():
            troubles.append(f"{int((naive > 1).sum())} above 1")
        problem = ", ".join(troubles) or "the numbers only happen to look like probabilities"
        say_below(
            self,
            f"Why not divide the raw logits by their sum, {fmt_fixed(total)}?\n{problem[0].upper() + problem[1:]}.",
            *changes,
            run_time=self.t(1.2),
        )
        self.show_values(self.naive_texts)

    def no_slope(self) -> None:
        steps, k = self.steps, self.steps.runner_up
        left, right = self.small_chart(-3.4), self.small_chart(3.6)
        headings = VGroup(
            label("softmax(z)", self.theme, 20).move_to([-3.4, ZERO_Y + SLOPE_ROOM + 0.35, 0]),
            label("argmax: 1 for the largest, 0 elsewhere", self.theme, 20).move_to(
                [3.6, ZERO_Y + SLOPE_ROOM + 0.35, 0]
            ),
        )

        def show(delta: float) -> None:
            z = nudged(steps.logits, k, delta)
            winner = int(np.argmax(z))
            left.set_heights(
                softmax_of(z) * SLOPE_ROOM,
                [self.theme.highlight if i == winner else self.theme.positive for i in range(len(z))],
            )
            right.set_heights(one_hot(z) * SLOPE_ROOM, [self.theme.highlight] * len(z))
            for chart in (left, right):
                chart.bars[k].set_stroke(self.theme.text, 2)

        show(0.0)
        top = steps.logits[steps.winner] - steps.logits[k] + self.nudge
        notes = [
            label(f"logit of {self.names[k]} nudged up by {d:.1f}", self.theme, 18, self.theme.highlight).move_to(
                [0, ZERO_Y - 0.8, 0]
            )
            for d in np.arange(0, top + 0.05, 0.1)
        ]
        note = SlotText(
            notes[0].copy(), slots=max(map(glyph_count, notes))
        )  # changes inside the nudge: see nnexplain.mobjects.slot_text
        leaving = [FadeOut(m) for m in (self.values, self.chart, self.stage, self.digit_parts) if m is not None]
        say_below(
            self,
            "Why not just take the largest? The argmax has no slope to learn from.",
            *leaving,
            FadeIn(left),
            FadeIn(right),
            FadeIn(headings),
            FadeIn(note),
            run_time=self.t(0.8),
        )

        def nudge(t: float) -> None:
            delta = top * np.sin(np.pi * t)
            show(delta)
            note.show(notes[min(int(round(delta / 0.1)), len(notes) - 1)], placed=True)

        self.play(Playback(VGroup(left, right, note), nudge, run_time=self.t(5.0)))
        say_below(self, "Softmax moves smoothly as a logit moves, so training can tell which way to push it.")

    # --- narrated undrawn (beats with no caption of their own) ----------------

    def title_note(self) -> str:
        shape, epoch = "-".join(map(str, self.run.layers)), self.run.snapshot(self.epoch)["epoch"]
        return f"{self.run.recipe}, a {shape} {self.run.activation} network {self.moment(epoch, spoken=True)}: every bar is its own logit or probability. {self.result_fact()}."

    def moment(self, epoch: int, spoken: bool = False) -> str:
        """Which weights: an epoch of a recorded training, or an imported run's only (final) weights."""
        if self.run.manifest.get("imported_from"):
            return "with its imported final weights" if spoken else "imported final weights"
        return f"at epoch {epoch}" if spoken else f"epoch {epoch}"

    def exp_note(self) -> str:
        e = self.steps.exponentials
        return f"exp makes them all positive, order kept: from {fmt_value(e.min())} to {fmt_value(e.max())}, summing to {fmt_value(self.steps.total)}."

    # --- pieces ------------------------------------------------------------

    def signed_colours(self, values: np.ndarray) -> list[str]:
        return [self.theme.positive if v >= 0 else self.theme.negative for v in values]

    def small_chart(self, x: float) -> SignedBars:
        chart = SignedBars([str(n) for n in self.names], self.theme, 5.4, SLOPE_ROOM, 0.1, size=16)
        return chart.shift([x - chart.zero.get_center()[0], ZERO_Y - chart.zero.get_center()[1], 0])

    def bars_to(self, heights: np.ndarray, colours) -> Playback:
        """Move the bars, and blend their colours, from what they are now to ``heights`` and ``colours``."""
        end_colours = [ManimColor(c) for c in ([colours] * len(heights) if isinstance(colours, str) else colours)]
        start, start_colours = self.chart.heights.copy(), [ManimColor(c) for c in self.chart.colours]
        end = np.asarray(heights, np.float64)

        def move(t: float) -> None:
            blended = [interpolate_color(a, b, t) for a, b in zip(start_colours, end_colours)]
            self.chart.set_heights((1 - t) * start + t * end, blended)

        return Playback(self.chart.bars, move)

    def drop_values(self) -> list:
        leaving, self.values = self.values, None
        return [] if leaving is None else [FadeOut(leaving)]

    def show_values(self, texts: list[str]) -> None:
        """Each bar's number beside its end; every other one raised when they would touch."""
        values = VGroup()
        for index, text in enumerate(texts):
            end = self.chart.top_of(index)
            value = label(text, self.theme, 15).next_to(end, UP if end[1] >= ZERO_Y else DOWN, buff=0.02)
            values.add(value)
        if max(v.width for v in values) > 0.92 * self.chart.step:
            for index in range(1, len(values), 2):
                values[index].shift(0.26 * (UP if values[index].get_center()[1] >= ZERO_Y else DOWN))
        self.values = values
        self.play(FadeIn(self.values), run_time=self.t(0.5))

    def stage_to(self, text: str) -> list:
        """Animations replacing the stage line over the chart by ``text``."""
        old, self.stage = (
            self.stage,
            label(text, self.theme, 22, self.theme.highlight).move_to([CHART_X, ZERO_Y + UP_ROOM + 0.75, 0]),
        )
        return [FadeOut(old), FadeIn(self.stage)]

    def digit_image(self, index: int) -> Heatmap:
        shape = image_shape(self.run) or (1, self.run.layers[0])
        values = self.run.probe["inputs"][index].reshape(shape)
        return Heatmap(grey_rgba(values), 2.5).move_to(DIGIT_CENTRE)

    def true_label(self, index: int) -> str:
        labels = self.run.probe.get("labels")
        if labels is None or labels[index] < 0:  # a run without labels, or your own digit unlabelled
            return "no label"
        return f"label {self.names[int(labels[index])]}"
