"""softmax: what softmax does to a trained classifier's scores, and why training needs it.

    nnexplain render softmax --run runs/mnist
    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/softmax.py Softmax

Every number is the run's (:mod:`nnexplain.geometry.softmax`). The story:

- the surest probe digit's ten logits arrive one bar at a time, as the narration names them;
- exp(z) on an axis where each grid line is ×10: there a bar's tip sits where its logit's did,
  so every bar is seen and the order is visibly kept; then on an ordinary axis, where only the
  winner can be seen;
- divided by their sum: the same bars, the axis relabelled to probabilities;
- the least sure probe digit (or your own, ``render --input``): its logits and probabilities;
- the nudge: the right class's logit moves, and its probability is traced against it beside the
  argmax's step, while the bars follow;
- the cross-entropy, −log p of the right class, for both digits, and the run's validation mean;
- its slope in each logit, p − y: the probabilities minus the one-hot label, the error
  backpropagation starts from, coloured as ``backprop`` colours wishes (green: the logit should rise).

Subclass to change the pace (``pace``) or the snapshot (``epoch``).
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, ORIGIN, RIGHT, UP, Arrow, Create, DashedLine, Dot, FadeIn, FadeOut, Group, Line, VGroup

from nnexplain.geometry.network import image_shape
from nnexplain.geometry.softmax import (
    argmax_against_logit,
    cross_entropy,
    log_sum_exp,
    nudged,
    output_error,
    overtaking_logit,
    pick_confident,
    pick_uncertain,
    probability_against_logit,
    softmax_of,
    softmax_steps,
)
from nnexplain.mobjects.charts import LineChart, nice_ticks
from nnexplain.mobjects.class_bars import ClassBars, LogitView, ProbabilityView, SignedView
from nnexplain.mobjects.heatmap import Heatmap, Playback, grey_rgba
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import fmt_fixed, formula, label, subscript
from nnexplain.scenes.base.hinge_story import in_turn
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.softmax_text import Told, fmt_value

__all__ = ["Softmax"]

SIZE = 28  # every text: capital letters about 17 px tall at 480p
FORMULA_SIZE = 40  # a formula's letters as tall as the text's
SAFE_LEFT, SAFE_TOP = -6.7, 3.6  # the title-safe margin (24 px of 854 × 480)
HIGH = 2.0  # the top of every chart: room above it for a tip's number under the stage line
WIDE = dict(left=-4.9, right=4.3, floor=-1.85)  # the chart of the first digit, its picture on the right
NARROW = dict(left=-5.6, right=-0.6, floor=-1.85)  # the second digit's, beside a panel on the right
PANEL = dict(left=1.2, right=6.5, bottom=-1.45, top=HIGH)  # the nudge's, the loss's and the formulas' place
NUDGE = 0.01  # the step by which one logit is raised to show log Σ exp(z) rising by p times it


class Softmax(RunScene):
    scene_name = "softmax"
    captions_in_band = True  # the narration is drawn as subtitles; the picture keeps short labels only
    epoch: ClassVar[int | None] = None  # the snapshot whose logits are shown; None: the last

    def setup(self) -> None:
        super().setup()
        self.names = [str(n) for n in (self.run.dataset.get("classes") or range(self.run.layers[-1]))]
        self.first = pick_confident(self.runs.recorded_main, self.epoch)
        own = self.runs.own_index  # your own digit (render --input) takes the unsure digit's place
        self.second = pick_uncertain(self.run, self.epoch) if own is None else own
        self.steps = {which: softmax_steps(self.run, index, self.epoch) for which, index in self.digits().items()}
        self.told = Told(self)
        self.shown_losses: dict[str, tuple[float, str]] = {}  # which digit -> (its cross-entropy, as drawn)
        self.rises: dict[int, float] = {}  # class -> how much log Σ exp(z) rises when its logit rises by NUDGE
        self.readouts = VGroup()

    def digits(self) -> dict[str, int]:
        return {"first": self.first, "second": self.second}

    def construct(self) -> None:
        self.beat("question")
        self.ask()
        self.beat("logits")
        self.show_logits()
        self.beat("exp")
        self.exponentiate()
        self.beat("divide")
        self.normalise()
        self.beat("second digit")
        self.second_digit()
        self.beat("nudge")
        self.nudge()
        self.beat("cross-entropy")
        self.score()
        self.beat("p minus y")
        self.output_error()
        self.beat("to backprop")
        self.to_backprop()

    # --- beats -------------------------------------------------------------

    def ask(self) -> None:
        question = label("What does softmax do, and why is it there?", self.theme, SIZE + 2, weight="BOLD")
        self.question = question.move_to([SAFE_LEFT + question.width / 2, SAFE_TOP - question.height / 2, 0])
        self.picture = self.digit_picture(self.first, 2.0, [5.6, 0.95, 0])
        place = self.picture.get_center()
        self.picture.scale(1.6).move_to([0, 0.1, 0])  # first large in the middle: the digit is the input
        self.chart = ClassBars(self.names, self.theme, **WIDE)
        self.stage, self.ticks, self.values = VGroup(), VGroup(), VGroup()
        self.play(*self.say(self.told.question()), Fade(self.question), run_time=0.6)  # the question from frame one
        self.play(FadeIn(self.picture), run_time=1.2)
        with self.narrate(self.told.network()) as line:
            self.play(self.picture.animate.scale(1 / 1.6).move_to(place), run_time=0.8 * line.duration)

    def show_logits(self) -> None:
        z, steps = self.steps["first"].logits, self.steps["first"]
        self.view = LogitView(z, WIDE["floor"], HIGH)
        top, bottom = steps.winner, int(np.argmin(z))
        self.chart.set_bars(
            np.full(len(z), self.view.zero), np.full(len(z), self.view.zero), self.signed(z), self.view.zero
        )
        with self.narrate(self.told.logits()) as line:
            arriving = Fade(VGroup(self.chart.baseline, self.chart.names))
            self.play(
                arriving, *self.stage_to("the logits z"), *self.ticks_to(self.view.logit_axis(self.chart)), run_time=0.8
            )
            grow = self.bars_to(self.view.zero, self.view.y(z), self.signed(z), self.view.zero, in_turn=True)
            self.play(grow, run_time=max(line.duration - 1.3, 1.5))
        with self.narrate(self.told.extremes(top, bottom)) as line:
            marks = [self.chart.value(i, fmt_fixed(z[i])) for i in (top, bottom)]
            self.play(*self.values_to(VGroup(*marks)), run_time=0.6 * line.duration)
        with self.narrate(self.told.not_probabilities()) as line:
            total = label(f"Σ z = {fmt_fixed(z.sum())}", self.theme, SIZE, self.theme.highlight)
            total.move_to([WIDE["left"] + 0.1 + total.width / 2, HIGH - 0.1, 0])
            negative = [self.chart.bars[i] for i in np.flatnonzero(z < 0)]
            self.values.add(total)
            self.play(Fade(total), *self.pulse(negative), run_time=line.duration)

    def exponentiate(self) -> None:
        steps, view = self.steps["first"], self.view
        e, z = steps.exponentials, steps.logits
        first, second = steps.winner, steps.runner_up
        with self.narrate(self.told.exp_axis()) as line:
            self.play(*self.values_to(VGroup()), *self.stage_to("exp(z), each grid line ×10"), run_time=0.6)
            self.play(
                *self.ticks_to(view.log_axis(self.chart)),
                self.bars_to(view.floor, view.y(z), self.theme.positive, view.floor),
                run_time=max(line.duration - 1.1, 1.5),
            )
        with self.narrate(self.told.exp_range()) as line:
            low = int(np.argmin(e))
            marks = [self.chart.value(i, fmt_value(e[i])) for i in (first, low)]
            self.play(*self.values_to(VGroup(*marks)), run_time=0.6 * line.duration)
        with self.narrate(self.told.exp_ratio()) as line:
            gap = self.ratio_mark(first, second, f"×{fmt_value(e[first] / e[second])}")
            self.play(Create(gap[:3]), Fade(gap[3]), run_time=0.6 * line.duration)
        with self.narrate(self.told.exp_linear()) as line:
            linear = view.floor + e / e.max() * (HIGH - view.floor)
            ticks = nice_ticks(0, e.max(), 2)
            axis = self.chart.axis(
                [view.floor + t / e.max() * (HIGH - view.floor) for t in ticks], [f"{t:,.0f}" for t in ticks]
            )
            self.play(
                Fade(gap, out=True),
                *self.values_to(VGroup()),
                *self.ticks_to(VGroup()),
                run_time=0.6,
            )
            self.play(
                *self.stage_to("exp(z) on an ordinary axis"),
                *self.ticks_to(axis),
                self.bars_to(view.floor, linear, self.theme.positive, view.floor),
                run_time=2.0,
            )
            marks = [self.chart.value(i, fmt_value(e[i])) for i in (first, second)]
            self.play(*self.values_to(VGroup(*marks)), run_time=0.5)

    def normalise(self) -> None:
        steps, view = self.steps["first"], self.view
        p = steps.probabilities
        heights = view.floor + p * (HIGH - view.floor)
        colours = self.class_colours(len(p), steps.winner)
        with self.narrate(self.told.divide()) as line:
            self.play(*self.values_to(VGroup()), *self.stage_to("exp(z) ÷ Σ exp(z)"), run_time=0.6)
            axis = self.chart.axis([view.floor, (view.floor + HIGH) / 2, HIGH], ["0", "0.5", "1"])
            self.play(
                *self.ticks_to(axis),
                self.bars_to(view.floor, heights, colours, view.floor),
                run_time=max(line.duration - 1.1, 1.5),
            )
        with self.narrate(self.told.probabilities()) as line:
            marks = [self.chart.value(steps.winner, f"{p[steps.winner]:.4f}"), self.sum_mark("Σ p = 1")]
            self.play(*self.values_to(VGroup(*marks)), run_time=0.6 * line.duration)

    def second_digit(self) -> None:
        steps = self.steps["second"]
        z, p = steps.logits, steps.probabilities
        chart = ClassBars(self.names, self.theme, **NARROW)
        picture = self.digit_picture(self.second, 1.25, [5.95, 2.95, 0], beside=True)
        view = LogitView(z, NARROW["floor"], HIGH, log_floor=False)
        chart.set_bars(np.full(len(z), view.zero), np.full(len(z), view.zero), self.signed(z), view.zero)
        # Fade copies nothing (FadeOut copies each text it fades); only the picture, an image, needs FadeOut.
        leaving = [FadeOut(self.picture)] + [
            Fade(m, out=True) for m in (self.chart, self.ticks, self.values, self.stage)
        ]
        self.chart, self.picture, self.stage, self.ticks, self.values = chart, picture, VGroup(), VGroup(), VGroup()
        with self.narrate(self.told.second()) as line:
            self.play(*leaving, run_time=0.6)
            self.play(
                FadeIn(picture),
                Fade(VGroup(chart.baseline, chart.names)),
                *self.ticks_to(view.logit_axis(chart)),
                *self.stage_to("its logits z"),
                run_time=0.8,
            )
            self.play(
                self.bars_to(view.zero, view.y(z), self.signed(z), view.zero), run_time=max(line.duration - 2.5, 1.2)
            )
            top = sorted({steps.winner, self.told.right_class, steps.runner_up}, key=lambda i: -z[i])[:2]
            self.play(*self.values_to(VGroup(*(chart.value(i, fmt_fixed(z[i])) for i in top))), run_time=0.6)
        self.p_view = ProbabilityView(NARROW["floor"], HIGH)
        k = self.told.right_class
        with self.narrate(self.told.second_probabilities()) as line:
            self.play(
                *self.stage_to("softmax: exp(z) ÷ Σ exp(z)"),
                *self.ticks_to(self.p_view.axis(chart)),
                *self.values_to(VGroup()),
                run_time=0.6,
            )
            self.play(
                self.bars_to(self.p_view.floor, self.p_view.y(p), self.class_colours(len(p), k), self.p_view.floor),
                run_time=1.6,
            )
            shown = sorted({steps.winner, k})
            self.play(*self.values_to(VGroup(*(chart.value(i, f"{p[i]:.2f}") for i in shown))), run_time=0.6)

    def nudge(self) -> None:
        steps, k = self.steps["second"], self.told.right_class
        z = steps.logits
        flip = overtaking_logit(z, k)
        low, high = min(z[k], flip) - 2.0, max(z[k], flip) + 2.5
        far = high if z[k] < flip else low
        plot = self.panel_plot(
            (low, high), (0, 1), [0, 0.5, 1], nice_ticks(low, high, 4), f"the {self.names[k]}'s logit", top=1.6
        )
        soft, step = plot.curve(self.theme.highlight, 5), plot.curve(self.theme.text, 4)
        soft_dot, step_dot = Dot(radius=0.09, color=self.theme.highlight), Dot(radius=0.09, color=self.theme.text)
        names = self.legend(
            plot,
            [(f"p({self.names[k]})", self.theme.highlight), (f"argmax is {self.names[k]}? 0 or 1", self.theme.text)],
        )
        title = VGroup()
        seen = [z[k], z[k]]

        def show(value: float) -> None:
            seen[0], seen[1] = min(seen[0], value), max(seen[1], value)
            xs = np.union1d(np.linspace(seen[0], seen[1], 240), [v for v in (flip,) if seen[0] <= v <= seen[1]])
            plot.draw(soft, xs, probability_against_logit(z, k, xs))
            plot.draw(step, xs, argmax_against_logit(z, k, xs))
            soft_dot.move_to(plot.at(value, float(probability_against_logit(z, k, np.array([value]))[0])))
            step_dot.move_to(plot.at(value, float(argmax_against_logit(z, k, np.array([value]))[0])))
            moved = z.copy()
            moved[k] = value
            self.chart.set_bars(
                np.full(len(z), self.p_view.floor), self.p_view.y(softmax_of(moved)), self.chart.colours
            )

        def move(start: float, end: float) -> Playback:
            return Playback(
                VGroup(soft, step, soft_dot, step_dot, self.chart.bars),
                lambda t: show(start + t * (end - start)),
            )

        show(z[k])
        mark = plot.marker(z[k], self.theme.muted)
        with self.narrate(self.told.nudge_question(far > z[k])) as line:
            self.play(
                *self.values_to(VGroup()),
                Fade(VGroup(plot, title, mark)),
                Fade(VGroup(soft_dot, step_dot, names)),
                run_time=0.35 * line.duration,
            )
            halfway = (z[k] + flip) / 2  # the logit starts to move as the question is asked
            self.play(move(z[k], halfway), run_time=0.65 * line.duration)
        with self.narrate(self.told.nudge_smooth(far > z[k])) as line:
            self.play(move(halfway, flip - 0.02 * np.sign(far - z[k])), run_time=line.duration)
        with self.narrate(self.told.nudge_jump(far > z[k], flip)) as line:
            self.play(move(flip - 0.02 * np.sign(far - z[k]), far), run_time=line.duration)
        with self.narrate(self.told.no_slope()) as line:
            self.play(move(far, z[k]), run_time=line.duration)
        slope = steps.probabilities[k] * (1 - steps.probabilities[k])
        with self.narrate(self.told.slope(slope)) as line:
            p = steps.probabilities[k]
            half = min(1.2, z[k] - low, high - z[k], p / slope, (1 - p) / slope)  # inside the plot's box
            tangent = Line(
                plot.at(z[k] - half, steps.probabilities[k] - half * slope),
                plot.at(z[k] + half, steps.probabilities[k] + half * slope),
            ).set_stroke(self.theme.text, 3)
            p = steps.probabilities[k]
            named = label(f"slope {slope:.2f} = {p:.2f} × {1 - p:.2f}", self.theme, SIZE, self.theme.text)
            named.next_to(plot.box.get_corner(DOWN + RIGHT), UP + LEFT, buff=0.12)
            self.play(Create(tangent), Fade(named), run_time=0.6 * line.duration)
        self.panel = VGroup(plot, title, mark, soft, step, soft_dot, step_dot, names, tangent, named)

    def score(self) -> None:
        k, label_first = self.told.right_class, self.told.first_class
        p_second = self.steps["second"].probabilities[k]
        p_first = self.steps["first"].probabilities[label_first]
        c_second, c_first = (cross_entropy(self.steps[w].logits, c) for w, c in (("second", k), ("first", label_first)))
        top = max(4.0, math.ceil(c_second * 1.25))
        plot = self.panel_plot(
            (0, 1), (0, top), list(range(0, int(top) + 1, 2)), [0.25, 0.5, 0.75], f"p({self.names[k]})"
        )
        curve = plot.curve(self.theme.highlight, 5)
        ps = np.exp(-np.linspace(top, 0, 200))
        plot.draw(curve, ps, -np.log(ps))
        title = label("loss = −log p", self.theme, SIZE, self.theme.highlight)
        title.next_to(plot.box.get_corner(UP + RIGHT), DOWN + LEFT, buff=0.15)
        with self.narrate(self.told.cross_entropy()) as line:
            self.play(Fade(self.panel, out=True), run_time=0.6)
            self.play(Fade(VGroup(plot, title)), Create(curve), run_time=max(line.duration - 0.6, 1.2))
        texts = {"second": fmt_fixed(c_second), "first": fmt_value(c_first)}
        self.shown_losses = {"second": (c_second, texts["second"]), "first": (c_first, texts["first"])}
        dots = VGroup()
        for p, c, text, beside in (
            (p_second, c_second, texts["second"], True),
            (p_first, c_first, texts["first"], False),
        ):
            dot = Dot(plot.at(p, c), radius=0.08, color=self.theme.text)
            mark = label(text, self.theme, SIZE)
            # right of a dot up the curve; over the sure one, at the box's right edge, ending where it does
            mark.next_to(dot, RIGHT, buff=0.12) if beside else mark.next_to(dot, UP, buff=0.4).align_to(dot, RIGHT)
            leader = Line(dot.get_top(), [dot.get_center()[0], mark.get_bottom()[1] - 0.03, 0]).set_stroke(
                self.theme.text, 2
            )
            dots.add(dot, mark) if beside else dots.add(dot, mark, leader)
        with self.narrate(self.told.losses(p_second, c_second, p_first, c_first)) as line:
            self.play(Fade(dots), run_time=0.6 * line.duration)
        parts = VGroup(plot, title, curve, dots)
        mean = self.told.validation_loss()
        if mean is not None:
            level = DashedLine(plot.at(0, mean), plot.at(1, mean), dash_length=0.1).set_stroke(self.theme.muted, 3)
            note = label(f"mean {mean:.3f}", self.theme, SIZE, self.theme.muted)
            note.next_to(plot.at(0.03, mean), UP, buff=0.08).align_to(plot.at(0.03, mean), LEFT)
            with self.narrate(self.told.mean_loss(mean)) as line:
                self.play(Create(level), Fade(note), run_time=0.6 * line.duration)
            parts.add(level, note)
        self.panel = parts

    def output_error(self) -> None:
        steps, k = self.steps["second"], self.told.right_class
        p, error = steps.probabilities, output_error(steps.logits, k)
        self.error_values, self.error_texts = error, [f"{v:+.2f}".replace("-", "−") for v in error]
        n = self.names[k]
        loss = formula(f"C = log sum_j e^(z_j) - z_{n}", self.theme, FORMULA_SIZE)
        slope = formula("(partial C)/(partial z_i) = p_i - y_i", self.theme, FORMULA_SIZE)
        middle = (PANEL["left"] + PANEL["right"]) / 2
        loss.move_to([middle, 1.35, 0])
        slope.move_to([middle, -1.05, 0])
        ratio = formula(f"-log p_{n} = -log e^(z_{n}) / (sum_j e^(z_j))", self.theme, FORMULA_SIZE)
        ratio.move_to(loss)
        with self.narrate(self.told.as_ratio()) as line:
            self.play(Fade(self.panel, out=True), *self.values_to(VGroup()), run_time=0.6)
            self.play(Fade(ratio), run_time=0.6)
            self.play(*self.pulse([self.chart.bars[k]]), run_time=max(line.duration - 1.2, 1.0))
        # The formula's glyphs run left to right: "C", "=", then log Σ e^(z_j), then "−", "z" and the class's name.
        tail = 2 + len(n)
        log_sum, own = self.underline(loss[2:-tail], self.theme.text), self.underline(loss[-tail:], self.theme.negative)
        with self.narrate(self.told.in_logits()) as line:  # the difference's two parts underlined, one colour each
            self.play(in_turn(Fade(ratio, out=True), Fade(loss)), run_time=1.0)
            self.play(in_turn(Create(log_sum), Create(own)), run_time=max(line.duration - 1.4, 1.0))
        # log Σ exp(z) nudged through one logit, then another: it rises by that class's p times the nudge
        first = int(np.argmax(np.where(np.arange(len(p)) == k, -1.0, p)))  # the likeliest wrong class
        for index, y in ((first, 0.3), (k, -0.15)):  # under the underlines
            rise = log_sum_exp(nudged(steps.logits, index, NUDGE)) - log_sum_exp(steps.logits)
            self.rises[index] = rise
            readout = label(
                f"z{subscript(self.names[index])} + {NUDGE} → log Σ + {rise:.5f}", self.theme, SIZE, self.theme.text
            ).move_to([middle, y, 0])
            with self.narrate(self.told.log_sum_rise(index, rise, NUDGE, index == first)) as line:
                self.play(*self.pulse([self.chart.bars[index]]), run_time=0.45 * line.duration)
                self.play(Fade(readout), run_time=0.4 * line.duration)
            self.readouts.add(readout)
        view = SignedView(NARROW["floor"], HIGH)
        with self.narrate(self.told.label_slope()) as line:
            self.play(
                *self.ticks_to(view.axis(self.chart)),
                self.bars_to(view.zero, view.y(p), self.chart.colours, view.zero),
                run_time=0.45 * line.duration,
            )
            wanted = self.chart.bars[k].copy().set_fill(opacity=0).set_stroke(self.theme.negative, 3)
            wanted.stretch_to_fit_height(view.zero - view.y(np.array([-1.0]))[0]).move_to(
                [self.chart.x(k), (view.zero + view.y(np.array([-1.0]))[0]) / 2, 0]
            )
            name = label("−y", self.theme, SIZE, self.theme.negative).next_to(wanted, RIGHT, buff=0.05)
            self.play(Create(wanted), *self.values_to(VGroup(name)), run_time=0.45 * line.duration)
        with self.narrate(self.told.p_minus_y(error)) as line:
            self.play(*self.stage_to("p − y"), Fade(slope), run_time=0.8)
            self.play(
                self.bars_to(view.zero, view.y(error), self.wished(error), view.zero),
                Fade(wanted, out=True),
                Fade(VGroup(log_sum, own, self.readouts), out=True),
                *self.values_to(VGroup()),
                run_time=max(line.duration - 1.6, 1.2),
            )
            named = sorted({k, int(np.argmax(error))})
            self.play(*self.values_to(VGroup(*(self.chart.value(i, self.error_texts[i]) for i in named))), run_time=0.6)
        self.formulas = VGroup(loss, slope)

    def to_backprop(self) -> None:
        error = self.error_values
        with self.narrate(self.told.pushes()) as line:
            arrows = VGroup()
            for i in sorted({self.told.right_class, int(np.argmax(error))}):
                # on the bar itself, from its tip toward the zero line (down for a positive error, up for a negative)
                tip = np.array([self.chart.x(i), self.chart.tops[i], 0])
                length = min(0.8, 0.8 * abs(self.chart.tops[i] - self.chart.bottoms[i]))
                arrows.add(
                    Arrow(
                        tip,
                        tip + length * np.sign(-error[i]) * UP,
                        buff=0.05,
                        color=self.theme.highlight,
                        stroke_width=6,
                    )
                )
            self.play(Create(arrows), run_time=0.6 * line.duration)
        with self.narrate(self.told.bridge()) as line:
            self.play(*self.pulse(list(self.chart.bars)), run_time=0.6 * line.duration)

    # --- pieces ------------------------------------------------------------

    def digit_picture(self, index: int, size: float, centre, beside: bool = False) -> Group:
        shape = image_shape(self.run) or (1, self.run.layers[0])
        picture = Heatmap(grey_rgba(self.run.probe["inputs"][index].reshape(shape)), size).move_to(centre)
        note = label(self.told.digit_name(index), self.theme, SIZE, self.theme.muted)
        note.next_to(picture, LEFT if beside else DOWN, buff=0.15)
        return Group(picture, note)

    def signed(self, values: np.ndarray) -> list[str]:
        return [self.theme.positive if v >= 0 else self.theme.negative for v in values]

    def wished(self, errors: np.ndarray) -> list[str]:
        """p − y in backprop's colours: the way the logit should move (against the slope), never the weights' blue
        and red, so that the last picture here is backprop's first."""
        return [self.theme.wish_up if v < 0 else self.theme.wish_down for v in errors]

    def class_colours(self, count: int, marked: int) -> list[str]:
        return [self.theme.highlight if i == marked else self.theme.positive for i in range(count)]

    def bars_to(self, bottoms, tops, colours, baseline, in_turn: bool = False) -> Playback:
        """Move the bars from where they are to ``bottoms``..``tops`` in ``colours`` (one after another, when
        ``in_turn``: each bar takes a third of the time, the next starting as the one before is a third done)."""
        chart, count = self.chart, len(self.chart.bars)
        colours = [colours] * count if isinstance(colours, str) else list(colours)
        start = chart.state()
        end = (np.broadcast_to(bottoms, (count,)).astype(float), np.asarray(tops, float), colours, float(baseline))
        if not in_turn:
            return Playback(VGroup(chart.bars, chart.baseline), lambda t: chart.blend(start, end, t))
        length = 1 / (1 + (count - 1) / 3)  # each bar's share of the time, the starts a third of it apart

        def grow(t: float) -> None:
            shares = np.clip((t - np.arange(count) * length / 3) / length, 0, 1)
            chart.blend(start, end, shares)

        return Playback(VGroup(chart.bars, chart.baseline), grow)

    def stage_to(self, text: str) -> list:
        old, self.stage = self.stage, label(text, self.theme, SIZE, self.theme.highlight)
        self.stage.move_to([(self.chart.left + self.chart.right) / 2, HIGH + 0.75, 0])
        return [in_turn(Fade(old, out=True), Fade(self.stage))] if len(old) else [Fade(self.stage)]

    def ticks_to(self, axis: VGroup) -> list:
        old, self.ticks = self.ticks, axis
        return [in_turn(Fade(old, out=True), Fade(axis))] if len(old) else [Fade(axis)]

    def values_to(self, values: VGroup) -> list:
        old, self.values = self.values, values
        out = [Fade(old, out=True)] if len(old) else []
        return out + ([Fade(values)] if len(values) else [])

    def panel_plot(self, x_range, y_range, y_ticks, x_ticks, x_title: str, top: float = PANEL["top"]) -> LineChart:
        """Axes filling the panel right of the bars up to ``top``, the x axis's name clear of its tick labels."""
        width, height = PANEL["right"] - PANEL["left"], top - PANEL["bottom"]
        plot = LineChart(x_range, y_range, self.theme, width, height, y_ticks=y_ticks, x_ticks=x_ticks, size=SIZE)
        plot.shift([PANEL["left"] - plot.box.get_left()[0], PANEL["bottom"] - plot.box.get_bottom()[1], 0])
        name = label(x_title, self.theme, SIZE, self.theme.muted).next_to(plot.box, DOWN, buff=0.45)
        plot.labels.add(name)
        return plot

    def underline(self, part, colour: str) -> Line:
        return Line(part.get_corner(DOWN + LEFT), part.get_corner(DOWN + RIGHT)).shift(0.1 * DOWN).set_stroke(colour, 4)

    def legend(self, plot: LineChart, entries: list[tuple[str, str]]) -> VGroup:
        """A short line of each colour and its name, in rows over ``plot``'s box (inside, a curve would cross it)."""
        rows = VGroup()
        for text, colour in entries:
            sample = Line(ORIGIN, 0.4 * RIGHT).set_stroke(colour, 5)
            rows.add(VGroup(sample, label(text, self.theme, SIZE, colour)).arrange(RIGHT, buff=0.12))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        return rows.next_to(plot.box, UP, buff=0.12).align_to(plot.box, LEFT)

    def sum_mark(self, text: str):
        mark = label(text, self.theme, SIZE, self.theme.highlight)
        return mark.move_to([self.chart.right - mark.width / 2, HIGH - 0.1, 0])

    def pulse(self, bars: list) -> list:
        """Each of ``bars`` outlined, and the outline gone again."""
        from manim import there_and_back

        return [bar.animate(rate_func=there_and_back).set_stroke(self.theme.text, 4) for bar in bars]

    def ratio_mark(self, first: int, second: int, text: str) -> VGroup:
        """Dashed levels at two bars' tips and an arrow with the factor between them, beside the taller bar (on
        the side with more bars to stand over)."""
        chart = self.chart
        side = 1 if first < len(chart.bars) - 2 else -1
        x = chart.x(first) + side * 0.55 * chart.step
        high, low = chart.tops[first], chart.tops[second]
        levels = [
            DashedLine([chart.x(i), y, 0], [x, y, 0], dash_length=0.08).set_stroke(self.theme.highlight, 2)
            for i, y in ((first, high), (second, low))
        ]
        span = Arrow([x, low, 0], [x, high, 0], buff=0, color=self.theme.highlight, stroke_width=4)
        note = label(text, self.theme, SIZE, self.theme.highlight).next_to(span, side * RIGHT, buff=0.1)
        return VGroup(*levels, span, note)
