"""The ``training`` scene's second half: all epochs, the flat stretch of the validation loss, and the turn.

The validation loss jumps from epoch to epoch, so the turn is read off its moving average
(:func:`~nnexplain.geometry.trend.validation_trend`): flat around its lowest, then clearly up.
The lowest single epoch is named as what it is, one dip of the noise. The network is compared
at the recorded snapshot nearest the average's lowest and at the end, by cross-fading the two
(blending weights 650 epochs apart would draw boundaries no trained network had); the numbers
under the charts are those of the epoch being talked about.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, Create, FadeIn, FadeOut, Group, VGroup

from nnexplain.geometry.learning import divergence, snapshot_near
from nnexplain.geometry.trend import moving_average, validation_trend
from nnexplain.mobjects.heatmap import Playback
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import fmt_count, fmt_percent, label
from nnexplain.scenes.training_curves import TRAINING, VALIDATION
from nnexplain.scenes.training_panel import SMALL

__all__ = ["AVERAGE_EPOCHS", "Overfitting"]

AVERAGE_EPOCHS = 25  # the moving average of the validation loss, in epochs: wide enough to smooth its jumps
READING_AT = np.array([-1.45, -2.24, 0])  # the left end of the line of numbers under the charts


class Overfitting:
    """Mixed into :class:`~nnexplain.scenes.training.Training`."""

    def the_whole_training(self) -> None:
        self.found = divergence(self.history)
        self.divergence = self.found
        self.trend = validation_trend(self.history.epochs, self.metric["val_loss"], window=AVERAGE_EPOCHS)
        last = float(self.epochs[-1])
        total = fmt_count(int(last))
        if self.found is None or self.trend is None:
            self.sweep_to(last, f"Now all {total} epochs, one point per curve each epoch.")
            return
        trend, found = self.trend, self.found
        low, high = (int(round(e, -1)) for e in trend.plateau)
        self.sweep_to(
            trend.plateau[1], f"Now all {total} epochs. Both losses fall; validation's jumps from epoch to epoch."
        )
        self.plateau = self.band(*trend.plateau)
        flipped, row = self.flipped_labels(), list(self.history.epochs).index(trend.plateau[1])
        if flipped and self.metric["train_loss"][row] > trend.smoothed[list(trend.epochs).index(trend.plateau[1])]:
            said = f"Training loss sits above validation's: {flipped} of its {len(self.dots)} labels are flipped."
            with self.narrate(said) as line:  # the grey curve, the one that is higher, thickens while it is named
                for width in (5.0, 2.6):
                    self.play(
                        self.curves["train_loss"].animate.set_stroke(width=width),
                        run_time=max(line.duration / 2, self.t(0.5)),
                    )
        with self.narrate(
            f"Its {trend.window}-epoch average (thick line) is flat from about epoch {low} to {high}."
        ) as line:
            self.add(self.average, self.plateau)
            self.bring_to_front(*self.curves.values(), *self.overlays())
            self.play(
                FadeIn(self.plateau),
                self.curves["val_loss"].animate.set_stroke(opacity=0.45),  # the noise steps back behind its trend
                Playback(self.average, lambda t: self.draw_average(t * trend.plateau[1])),
                run_time=max(line.duration, self.t(2.0)),
            )
        self.curves["val_loss"].set_stroke(opacity=0.45)
        self.draw_average(trend.plateau[1])
        self.markers = VGroup(
            self.loss_chart.marker(found.epoch, VALIDATION).set_stroke(width=1.5),
            self.dot_at(self.loss_chart, found.epoch, found.best_val_loss),
        )
        with self.narrate(
            f"Its lowest single epoch, {found.epoch} ({found.best_val_loss:.2f}), is one dip in that noise."
        ) as line:
            reading = self.reading(f"epoch {found.epoch}:", (f"validation loss {found.best_val_loss:.2f}", VALIDATION))
            self.play(FadeIn(self.markers[1], scale=2), Fade(reading), run_time=self.t(0.6))
            self.play(Create(self.markers[0]), run_time=max(line.duration - self.t(0.6), self.t(1.0)))
        self.near = snapshot_near(self.run, trend.lowest)  # the recorded snapshot nearest the average's lowest
        row = list(self.history.epochs).index(self.near)
        train_acc, val_acc = self.metric["train_acc"][row], self.metric["val_acc"][row]
        index = self.run.epochs.index(self.near)
        start = self.run.epochs.index(trend.plateau[1]) if trend.plateau[1] in self.run.epochs else round(self.position)
        accuracies = VGroup(
            self.dot_at(self.accuracy_chart, self.near, val_acc),
            self.dot_at(self.accuracy_chart, self.near, train_acc, TRAINING),
        )
        with self.narrate(f"On the plane: epoch {self.near}, the snapshot nearest the average's lowest.") as line:
            self.play(Fade(self.markers, out=True), Fade(self.reading_now, out=True), run_time=self.t(0.5))
            self.markers = VGroup()  # the dismissed single-epoch dip leaves with its numbers
            group = Group(self.moving_panel(), self.panel_label)
            self.play(
                self.crossfade_to(start, index, f"after epoch {self.near}", group),
                run_time=max(line.duration, self.t(1.5)),
            )
        self.settle_panel(index, f"after epoch {self.near}")
        if np.isfinite(train_acc) and np.isfinite(val_acc):
            self.markers.add(accuracies)
            reading = self.reading(
                f"epoch {self.near}:",
                (f"training {fmt_percent(train_acc, 0)}", TRAINING),
                (f"validation {fmt_percent(val_acc, 0)}", VALIDATION),
            )
            with self.narrate(
                f"There training accuracy is {fmt_percent(train_acc, 0)}, validation {fmt_percent(val_acc, 0)}."
            ) as line:
                self.play(Fade(accuracies), Fade(reading), run_time=max(line.duration, self.t(1.0)))
        flipped = self.flipped_labels()
        if flipped:  # why training scores lower than validation: only the training labels were flipped
            self.rings_now = self.rings(self.near)
            fitted = self.flipped_fitted(self.near)
            said = (
                f"Only training labels were flipped: it fits {fitted} of those {flipped} (bold). Validation is clean."
            )
            with self.narrate(said) as line:
                self.play(Create(self.rings_now), run_time=self.t(1.5))

    def overfitting(self) -> None:
        found, trend, last = self.found, getattr(self, "trend", None), float(self.epochs[-1])
        if found is None or trend is None:
            self.line("Training and validation losses never part ways here: this run does not overfit.")
            return
        self.position = float(self.run.epochs.index(self.near))  # the panel goes on from the snapshot it shows
        rise = trend.rise if trend.rise is not None else int(last)
        turn = int(round(trend.plateau[1], -1))
        if hasattr(self, "rings_now"):
            self.play(Fade(self.rings_now, out=True), Fade(self.reading_now, out=True), run_time=self.t(0.5))
        self.sweep_to(
            rise, f"After epoch {turn}, training loss keeps falling, but validation loss turns up:", seconds=3.0
        )
        average = trend.smoothed[list(trend.epochs).index(rise)]
        share = f"{average / trend.smoothed.min() - 1:.0%}"
        risen = self.dot_at(self.loss_chart, rise, average)
        self.markers.add(risen)
        with self.narrate(f"by epoch {rise} its average is {share} above its lowest.") as line:
            reading = self.reading(
                f"epoch {rise}:", (f"average {average:.2f}, lowest {trend.smoothed.min():.2f}", VALIDATION)
            )
            self.play(Fade(risen), Fade(reading), run_time=max(line.duration, self.t(1.0)))
        row = int(np.flatnonzero(np.isfinite(self.metric["val_loss"]))[-1])
        accuracy = self.metric["val_acc"][row]
        self.play(Fade(self.reading_now, out=True), run_time=self.t(0.3))
        crossing = self.crossing()
        if rise < crossing < last:  # each sentence while its part of the curves is drawn
            self.sweep_to(
                crossing, f"Near epoch {round(crossing, -1)}, training loss drops below validation's,", seconds=3.5
            )
            self.sweep_to(last, "and validation loss keeps climbing to the end.", seconds=6.0)
        else:
            self.sweep_to(last, "Validation loss keeps climbing to the end.", seconds=9.0)
        self.final_value = VGroup(
            self.dot_at(self.loss_chart, self.history.epochs[row], found.final_val_loss),
            self.dot_at(self.accuracy_chart, self.history.epochs[row], accuracy),
        )
        reading = self.reading(
            f"epoch {int(last)}:",
            (f"loss {found.final_val_loss:.2f}, accuracy {fmt_percent(accuracy, 0)}", VALIDATION),
        )
        flipped, fitted, rings = self.flipped_labels(), self.flipped_fitted(int(last)), self.rings(int(last))
        if flipped and fitted is not None:
            said = f"It now fits {fitted} of the {flipped} flipped labels (bold): it memorises its training points."
            with self.narrate(said) as line:
                self.play(Fade(self.final_value), Fade(reading), Create(rings), run_time=self.t(1.5))
        else:
            self.line(f"It fits its own training {self.items} ever better.", Fade(self.final_value), Fade(reading))
        self.compare(rings, accuracy)
        self.answer(turn)

    def compare(self, rings: VGroup, accuracy: float) -> None:
        """The clean validation points at the end and at the snapshot on the flat stretch, the wrong ones red."""
        last = int(self.epochs[-1])
        end, index = len(self.keyframes) - 1, self.run.epochs.index(self.near)
        points_end, wrong_end, missed_end = self.validation_marks(last)
        _, wrong_near, missed_near = self.validation_marks(self.near)
        if not len(wrong_end):
            return
        said = f"On the {len(points_end)} clean validation points it now gets {missed_end} wrong (red), at {fmt_percent(accuracy, 0)}."
        with self.narrate(said) as line:
            self.play(
                Fade(rings, out=True), FadeIn(points_end), self.dots.animate.set_opacity(0.15), run_time=self.t(0.8)
            )
            self.add(wrong_end)
            self.play(self.appear_in_turn(wrong_end), run_time=max(line.duration - self.t(0.8), self.t(1.5)))
        self.reveal(wrong_end, 1)
        group = Group(self.moving_panel(), self.panel_label, points_end)
        near_row = list(self.history.epochs).index(self.near)
        with self.narrate(f"At epoch {self.near}, before it bent around flipped points: {missed_near} wrong.") as line:
            self.play(
                FadeOut(wrong_end),
                self.crossfade_to(end, index, f"after epoch {self.near}", group),
                Fade(self.reading_now, out=True),
                run_time=max(self.t(1.5), line.duration * 0.5),
            )
            self.settle_panel(index, f"after epoch {self.near}")
            self.add(wrong_near)
            near_accuracy = fmt_percent(self.metric["val_acc"][near_row], 0)
            reading = self.reading(
                f"epoch {self.near}:", (f"{missed_near} of {len(points_end)} wrong ({near_accuracy})", VALIDATION)
            )
            self.play(self.appear_in_turn(wrong_near), Fade(reading), run_time=max(self.t(1.0), line.duration * 0.5))
        self.reveal(wrong_near, 1)
        with self.narrate(f"Back at epoch {last}: {missed_end}. That is the price of memorising.") as line:
            self.play(
                FadeOut(wrong_near),
                self.crossfade_to(index, end, f"after epoch {last}", group),
                Fade(self.reading_now, out=True),
                run_time=max(self.t(1.5), line.duration * 0.5),
            )
            self.settle_panel(end, f"after epoch {last}")
            self.add(wrong_end)
            self.reveal(wrong_end, 0)
            reading = self.reading(
                f"epoch {last}:", (f"{missed_end} of {len(points_end)} wrong ({fmt_percent(accuracy, 0)})", VALIDATION)
            )
            self.play(self.appear_in_turn(wrong_end), Fade(reading), run_time=max(self.t(1.0), line.duration * 0.5))
        self.reveal(wrong_end, 1)
        self.validation_end = Group(points_end, wrong_end)

    def answer(self, turn: int) -> None:
        """The answer, each half over its picture: an epoch's batches replayed on the plane, then the turn."""
        once = ", every training point once" if getattr(self, "batches", None) is not None else ""
        leaving = [FadeOut(self.validation_end)] if hasattr(self, "validation_end") else []
        if leaving:
            del self.validation_end  # gone for good: nothing may bring it back when the picture leaves
        leaving += [Fade(self.reading_now, out=True)] if self.reading_now in self.mobjects else []
        with self.narrate(f"So: an epoch is {self.updates_said()}{once}, then a frozen check.") as line:
            self.play(*leaving, self.dots.animate.set_opacity(1), run_time=self.t(0.5))
            if getattr(self, "batches", None) is not None:
                count = len(self.batches)
                replay = lambda t: self.mark_batch(min(int(t * count), count - 1), 0.5 if t < 1 else 1.0)  # noqa: E731
                self.play(Playback(self.dots, replay), run_time=max(line.duration - self.t(1.3), self.t(1.5)))
                self.mark_batch(count - 1, 1.0)
            if hasattr(self, "landed"):  # then the check: one point on each validation curve
                self.play(*(dot.animate.scale(1.8) for dot in self.landed), run_time=self.t(0.4))
                self.play(*(dot.animate.scale(1 / 1.8) for dot in self.landed), run_time=self.t(0.4))
        self.play(self.dots.animate.set_opacity(1), run_time=self.t(0.4))
        answer = f"This run overfits once its validation loss turns up: after about epoch {turn}."
        edge = self.loss_chart.at(self.trend.plateau[1], self.loss_chart.y_high)
        where = (
            label(f"{turn}", self.theme, SMALL).next_to(edge, DOWN, buff=0.08).align_to(edge, RIGHT).shift(0.05 * LEFT)
        )
        with self.narrate(answer) as line:  # the flat stretch and its average, where the turn is read, pulse
            self.play(Fade(where), run_time=self.t(0.4))
            self.markers.add(where)
            for width, opacity in ((8, 0.3), (4.5, 0.13)):
                self.play(
                    self.average.animate.set_stroke(width=width),
                    self.plateau.animate.set_fill(opacity=opacity),
                    run_time=max(line.duration, 1) / 2,
                )

    # --- helpers ------------------------------------------------------------------------------

    def crossing(self) -> int:
        """The first epoch after which the training loss's moving average lies below the validation loss's."""
        train = moving_average(self.metric["train_loss"], AVERAGE_EPOCHS)
        if len(train) != len(self.trend.smoothed):  # epochs without a validation loss: no crossing to read
            return int(self.epochs[-1])
        below = np.flatnonzero((train < self.trend.smoothed) & (self.trend.epochs > self.trend.lowest))
        return int(self.trend.epochs[below[0]]) if len(below) else int(self.epochs[-1])

    def reading(self, head: str, *parts: tuple[str, str]) -> VGroup:
        """The numbers under the charts: ``head`` then each (text, colour); kept as ``reading_now``."""
        row = VGroup(
            label(head, self.theme, SMALL, self.theme.muted), *(label(t, self.theme, SMALL, c) for t, c in parts)
        )
        row.arrange(RIGHT, buff=0.2).move_to(READING_AT, aligned_edge=LEFT)
        old = getattr(self, "reading_now", None)
        if old is not None and old in self.mobjects:  # one line of numbers at a time: the last one leaves first
            self.play(Fade(old, out=True), run_time=self.t(0.3))
        self.reading_now = row
        return row

    def dot_at(self, chart, x: float, y: float, colour: str = VALIDATION):
        return self.value_dot(chart, x, y, "", RIGHT, colour)[0]

    def appear_in_turn(self, marks: VGroup) -> Playback:
        return Playback(marks, lambda t: self.reveal(marks, t))

    @staticmethod
    def reveal(marks: VGroup, t: float) -> None:
        for index, mark in enumerate(marks):
            mark.set_opacity(1.0 if index < t * len(marks) else 0.0)
