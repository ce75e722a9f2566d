"""The ``training`` scene's right column once every epoch plays: loss and accuracy over all epochs.

Training curves grey, validation white: thin, because the validation loss jumps from epoch to
epoch, and under it, once the narration names it, its moving average (thick,
:mod:`nnexplain.geometry.trend`), which is what the scene reads the turn off.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, Dot, Group, Rectangle, VGroup

from nnexplain.mobjects.charts import LineChart, nice_ticks
from nnexplain.mobjects.heatmap import Playback
from nnexplain.mobjects.style import fmt_percent, label
from nnexplain.scenes.training_panel import SIZE, SMALL

__all__ = ["TRAINING", "VALIDATION", "TrainingCurves"]

# Curves in colours no class uses (the classes are blue and orange); yellow is kept for the dashed start-of-epoch line.
TRAINING, VALIDATION = "#8B93A1", "#F4F4F4"
CHART_LEFT, CHART_WIDTH, CHART_HEIGHT = -0.35, 6.55, 1.45
LOSS_Y, ACCURACY_Y = 1.2, -0.85  # centres of the two charts (the validation score sits under them)


class TrainingCurves:
    """Mixed into :class:`~nnexplain.scenes.training.Training` (needs its ``history``, ``metric``, ``theme``)."""

    def sweep_to(self, epoch: float, said: str, seconds: float | None = None) -> None:
        """Play the curves from where they are drawn up to ``epoch``, and the panel from its snapshot position on to
        ``epoch``'s, while ``said`` is read."""
        start = self.position
        target = float(np.interp(epoch, self.epochs, np.arange(len(self.epochs))))
        first = getattr(self, "drawn_upto", float(np.interp(start, np.arange(len(self.epochs)), self.epochs)))

        panel_first = float(np.interp(start, np.arange(len(self.epochs)), self.epochs))

        def play(t: float) -> None:  # the curves and the panel move evenly in epochs, each from where it is
            shown = first + t * (epoch - first)
            position = float(
                np.interp(panel_first + t * (epoch - panel_first), self.epochs, np.arange(len(self.epochs)))
            )
            self.show_at(position)
            self.draw_curves(shown)
            self.panel_label.set_value(self.position_said(position))

        with self.narrate(said) as line:
            self.play(
                Playback(Group(self.moving_panel(), self.panel_label, *self.curves.values(), *self.overlays()), play),
                run_time=max(line.duration, self.t(seconds or self.sweep_seconds)),
            )
        play(1.0)
        self.position, self.drawn_upto = target, float(epoch)

    def make_charts(self) -> None:
        top = float(np.nanmax([self.metric["train_loss"], self.metric["val_loss"]]))
        self.loss_chart = self.chart((0, 1.1 * top), LOSS_Y, "loss", epochs=False)  # the same epochs as below
        lowest = float(np.nanmin([self.metric["train_acc"], self.metric["val_acc"]]))
        floor = min(0.5, np.floor(10 * lowest) / 10) if np.isfinite(lowest) else 0.0  # the room 98% and 80% need
        self.accuracy_chart = self.chart((floor, 1), ACCURACY_Y, "accuracy", percent=True)
        self.curves = {
            # validation thin: it jumps from epoch to epoch, and a thick jagged line overshoots its values
            name: chart.curve(TRAINING, 2.6) if name.startswith("train") else chart.curve(VALIDATION, 1.4)
            for name, chart in (
                ("train_loss", self.loss_chart),
                ("val_loss", self.loss_chart),
                ("train_acc", self.accuracy_chart),
                ("val_acc", self.accuracy_chart),
            )
        }
        self.average = self.loss_chart.curve(VALIDATION, 4.5)  # the validation loss's trend, drawn once it is named
        self.average_upto: float | None = None
        self.key = VGroup(
            label("— training", self.theme, SMALL, TRAINING),
            label("— validation", self.theme, SMALL, VALIDATION),
        ).arrange(RIGHT, buff=0.4)
        self.key.next_to(self.loss_chart.box, UP, buff=0.12, aligned_edge=RIGHT)
        epochs = label("epoch", self.theme, SMALL, self.theme.muted)  # under the axis's origin, left of its first tick
        self.accuracy_chart.add(
            epochs.move_to(self.accuracy_chart.at(0, self.accuracy_chart.y_low) + 0.42 * DOWN + 0.55 * RIGHT)
        )
        self.add(*self.curves.values())

    def chart(self, y_range, y: float, title: str, percent: bool = False, epochs: bool = True) -> LineChart:
        """A chart over every epoch, its box centred at height ``y``; ``epochs``: with the epoch numbers under it."""
        last = float(max(self.epochs[-1], 1))
        top = y_range[1]
        chart = LineChart(
            (0, last),
            y_range,
            self.theme,
            CHART_WIDTH,
            CHART_HEIGHT,
            percent=percent,
            title=title,
            size=SMALL,
            y_ticks=[y_range[0], (y_range[0] + 1) / 2, 1] if percent else ([0, 0.5] if 0.5 < top < 1 else None),
            x_ticks=[t for t in nice_ticks(0, last, 4) if t > 0] if epochs else [],
        )
        return chart.shift([CHART_LEFT + CHART_WIDTH / 2, y, 0] - chart.box.get_center())

    def draw_curves(self, upto: float) -> None:
        for name, curve in self.curves.items():
            chart = self.loss_chart if name.endswith("loss") else self.accuracy_chart
            chart.draw(curve, self.history.epochs, self.metric[name], upto=upto)
        if self.average_upto is not None:
            self.draw_average(upto)

    def draw_average(self, upto: float) -> None:
        self.average_upto = upto
        self.loss_chart.draw(self.average, self.trend.epochs, self.trend.smoothed, upto=upto)

    def band(self, low: float, high: float) -> Rectangle:
        """A faint band over the loss chart from epoch ``low`` to ``high`` (the flat stretch)."""
        chart = self.loss_chart
        left, right = chart.at(low, chart.y_low), chart.at(high, chart.y_high)
        band = Rectangle(width=right[0] - left[0], height=right[1] - left[1]).set_stroke(width=0)
        return band.set_fill(VALIDATION, 0.13).move_to((left + right) / 2)

    def result_label(self, loss: float, accuracy: float) -> VGroup:
        """The validation score, each number after a dot that then flies to its curve."""
        dots = VGroup(*(Dot(radius=0.09, color=VALIDATION) for _ in range(2)))
        words = VGroup(
            label(f"loss {loss:.3f}", self.theme, SIZE, VALIDATION),
            label(f"accuracy {fmt_percent(accuracy)}", self.theme, SIZE, VALIDATION),
        )
        VGroup(dots[0], words[0], dots[1], words[1]).arrange(RIGHT, buff=0.15)
        words[1].shift(0.3 * RIGHT)
        dots[1].shift(0.3 * RIGHT)
        group = VGroup(dots, words)
        group.dots, group.words = dots, words
        return group

    def value_dot(self, chart, x: float, y: float, text: str, side, colour: str = VALIDATION) -> VGroup:
        """A dot on ``chart`` at (x, y) with ``text`` beside it, on an opaque patch (it is drawn over the curves)."""
        dot = Dot(chart.at(x, y), radius=0.1, color=colour).set_stroke(self.theme.background, 2)  # clear of the noise
        value = label(text, self.theme, SMALL, colour)
        value.add_background_rectangle(color=self.theme.background, opacity=1.0, buff=0.04)
        return VGroup(dot, value.next_to(dot, side, buff=0.05))

    def overlays(self) -> list:
        """What is drawn over the curves (the moving curves would otherwise be painted over it)."""
        names = ("average", "landed", "landed_training", "markers", "final_value")
        return [m for m in (getattr(self, name, None) for name in names) if m is not None]
