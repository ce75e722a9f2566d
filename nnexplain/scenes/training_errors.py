"""The ``training`` scene's last beat: the error rate, counted in mistakes.

Told on the ``digits`` run (by default the project's mnist run: 2,000 validation digits),
whose accuracy climbs a few points late in training; the same climb counted in
mistakes is a large share of them (:func:`~nnexplain.geometry.learning.mistake_counts`).
Without a digits run it is told on the main run's own validation items.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Dot, FadeIn, FadeOut, Rectangle, VGroup

from nnexplain.geometry.learning import divergence, mistake_counts
from nnexplain.mobjects.charts import LineChart, nice_ticks
from nnexplain.mobjects.heatmap import Playback
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import fmt_count, fmt_percent, label
from nnexplain.scenes.training_panel import SIZE, SMALL

__all__ = ["ErrorRate"]

BAR_BASE, BAR_HEIGHT, BAR_WIDTH = -1.75, 2.55, 1.2
BAR_X = (2.2, 4.5)


class ErrorRate:
    """Mixed into :class:`~nnexplain.scenes.training.Training`."""

    def setup_errors(self) -> None:
        further = getattr(self.runs, "further", {}) if self.runs is not None else {}
        self.digits = further.get("digits") or self.run
        self.counts = mistake_counts(self.digits.history, self.digits.dataset.get("val"))

    def error_rate(self) -> None:
        counts, run = self.counts, self.digits
        leaving = [FadeOut(self.panel_parts)] + [
            Fade(part, out=True)
            for part in (self.panel_label, *self.chart_parts(), getattr(self, "markers", None))
            if part is not None
        ]
        if counts is None:
            self.line("Error rate is one minus accuracy: the share of items it gets wrong.", *leaving)
            return
        (first, last), (before, after) = counts.epochs, counts.accuracy
        shape = "-".join(map(str, run.layers))
        facts = label(f"{run.recipe} run · {shape} · {run.activation}", self.theme, SIZE, self.theme.muted)
        facts.move_to(self.title[1], aligned_edge=LEFT)
        what = "digits" if run.probe["inputs"].shape[1] == 784 else "items"
        chart = LineChart(
            (0, float(run.history.epochs[-1])),
            (0, 1),
            self.theme,
            4.7,
            3.0,
            y_ticks=[0, 0.5, 1],
            percent=True,
            title="validation accuracy",
            x_ticks=[t for t in nice_ticks(0, float(run.history.epochs[-1]), 4) if t > 0],  # no 0 under the 0%
            size=SMALL,
        )
        chart.move_to([-3.7, -0.3, 0])  # its 100% inside the title-safe margin
        self.digits_chart = chart
        curve = chart.curve(self.theme.text)
        accuracy = run.history.metric("val_acc")
        points = VGroup(
            *(Dot(chart.at(e, a), radius=0.09, color=self.theme.text) for e, a in zip(counts.epochs, counts.accuracy))
        )
        values = VGroup(
            *(
                label(fmt_percent(a), self.theme, SMALL).next_to(point, side, buff=0.15)
                for point, a, side in zip(points, counts.accuracy, (DOWN, DOWN + LEFT))
            )
        )
        chart.draw(curve, run.history.epochs, accuracy, upto=0)
        said = f"Does every network overfit? A {shape} classifier, on {fmt_count(counts.items)} validation {what}:"
        self.line(
            said, *leaving, Fade(self.title[1], out=True), run_time=self.t(1.0)
        )  # the picture leaves with its caption
        self.play(Fade(facts), Fade(chart), run_time=self.t(0.6))
        self.add(curve)
        self.play(
            Playback(curve, lambda t: chart.draw(curve, run.history.epochs, accuracy, upto=t * chart.x_high)),
            run_time=self.t(2.2),
        )
        chart.draw(curve, run.history.epochs, accuracy)
        self.title[1] = facts
        with self.narrate(
            f"Its validation accuracy: {fmt_percent(before)} at epoch {first}, {fmt_percent(after)} at epoch {last}."
        ):
            self.play(Fade(points), Fade(values), run_time=self.t(0.8))
        self.line("Count its mistakes: are they still falling?")
        self.count_mistakes(counts, what)
        self.error_parts = VGroup(chart, curve, points, values)

    def count_mistakes(self, counts, what: str) -> None:
        mistakes = counts.mistakes
        scale = BAR_HEIGHT / max(max(mistakes), 1)
        heading = label(f"mistakes on {fmt_count(counts.items)} validation {what}", self.theme, SIZE)
        heading.move_to([np.mean(BAR_X), BAR_BASE + BAR_HEIGHT + 0.8, 0])
        heading.shift(min(0.0, 6.6 - heading.get_right()[0]) * RIGHT)  # inside the 24 px title-safe margin
        bars = VGroup(
            *(
                Rectangle(width=BAR_WIDTH, height=0.01)
                .set_stroke(width=0)
                .set_fill(self.theme.negative, 0.85)
                .move_to([x, BAR_BASE, 0], aligned_edge=DOWN)
                for x in BAR_X
            )
        )
        names = VGroup(
            *(
                label(f"epoch {e}", self.theme, SMALL, self.theme.muted).move_to([x, BAR_BASE - 0.3, 0])
                for x, e in zip(BAR_X, counts.epochs)
            )
        )
        numbers = VGroup(
            *(
                label(fmt_count(m), self.theme, SIZE).move_to([x, BAR_BASE + m * scale + 0.3, 0])
                for x, m in zip(BAR_X, mistakes)
            )
        )

        def grow(t: float) -> None:
            for bar, m in zip(bars, mistakes):
                bar.stretch_to_fit_height(max(t * m * scale, 0.01)).move_to(
                    [bar.get_center()[0], BAR_BASE, 0], aligned_edge=DOWN
                )

        with self.narrate(
            f"{fmt_count(mistakes[0])} {what} wrong at epoch {counts.epochs[0]}, {fmt_count(mistakes[1])} at epoch {counts.epochs[1]}."
        ):
            self.play(Fade(heading), Fade(names), run_time=self.t(0.5))
            self.add(bars)
            self.play(Playback(bars, grow), run_time=self.t(1.5))
            grow(1.0)
            self.play(Fade(numbers), run_time=self.t(0.5))
        rates = counts.error_rates
        fewer = counts.fewer
        share = f"{fewer:.0%} fewer mistakes" if fewer >= 0 else f"{-fewer:.0%} more mistakes"
        third = ", about a third" if abs(fewer - 1 / 3) < 0.04 else ""
        change = label(f"−{fewer:.0%}" if fewer >= 0 else f"+{-fewer:.0%}", self.theme, SIZE + 4)
        change.next_to(bars[1], RIGHT, buff=0.2).align_to(numbers[1], DOWN)
        shares = VGroup(
            *(
                label(fmt_percent(rate), self.theme, SMALL).move_to([x, BAR_BASE + 0.3, 0])
                for x, rate in zip(BAR_X, rates)
            )
        )
        self.line(
            f"Error rate {fmt_percent(rates[0])} → {fmt_percent(rates[1])}: {share}{third}.",
            Fade(shares),
            Fade(change),
            run_time=self.t(0.8),
        )
        self.mistake_parts = VGroup(heading, bars, names, numbers, shares, change)
        history = self.digits.history
        accuracy, epochs = history.metric("val_acc"), history.epochs
        if fewer > 0 and np.isfinite(accuracy).any() and hasattr(self, "digits_chart"):
            best = int(np.nanargmax(accuracy))
            turned = divergence(history)
            said = (
                f"Best validation accuracy at epoch {epochs[best]} of {epochs[-1]}: no sign of overfitting yet."
                if turned is None
                else f"Its validation loss turns up after epoch {turned.epoch}: it too overfits."
            )
            mark = Dot(self.digits_chart.at(epochs[best], accuracy[best]), radius=0.1, color=self.theme.text)
            number = label(f"{epochs[best]}", self.theme, SMALL).next_to(mark, UP, buff=0.12)  # its epoch
            with self.narrate(said) as line:  # the best epoch, on the accuracy curve
                self.play(FadeIn(mark, scale=2), Fade(number), run_time=max(line.duration / 2, self.t(0.6)))
                self.play(mark.animate.scale(1.5), run_time=max(line.duration / 4, self.t(0.3)))
                self.play(mark.animate.scale(1 / 1.5), run_time=max(line.duration / 4, self.t(0.3)))
            self.mistake_parts.add(mark, number)

    def chart_parts(self) -> list:
        if not hasattr(self, "loss_chart"):
            return []
        return [
            self.loss_chart,
            self.accuracy_chart,
            self.key,
            *self.curves.values(),
            *(getattr(self, name, None) for name in ("landed", "landed_training", "final_value", "average", "plateau")),
            *([self.reading_now] if getattr(self, "reading_now", None) in self.mobjects else []),
        ]
