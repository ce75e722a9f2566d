"""Learning over time: one epoch's two passes, the whole training, where it overfits, and the error rate.

    nnexplain render training                        # the moons-overfit run, trained once
    nnexplain render training --run runs/mnist       # a digit classifier: its probe digits instead of regions
    NNEXPLAIN_RUN=runs/moons-overfit manim -ql scenes/training.py Training

Left, what the network says: the decision regions of a 2-D classifier (recomputed
from the stored weights, :mod:`nnexplain.geometry.regions`) with its training points,
or, for image classifiers, its probe items framed green when right and red when wrong.
One epoch is played as its two passes: the training batches, each with its real loss
and, where the run recorded the weights after every step (``step_weights``), the
regions after each update; then the validation pass with frozen weights, whose score
lands as one point on each validation curve. Then every epoch, slowed where the
validation loss turns back up, and the error rate, counted in mistakes on the digits
run's validation set (:mod:`nnexplain.scenes.training_errors`).
Subclass to change the pace (``pace``, ``sweep_seconds``) or the epoch played.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, DashedVMobject, Dot, FadeIn, FadeOut, Group, VGroup

from nnexplain.geometry.contour import level_curves
from nnexplain.geometry.learning import divergence, epoch_steps, shown_epoch, snapshot_near
from nnexplain.mobjects.charts import LineChart, ProgressBar, nice_ticks
from nnexplain.mobjects.heatmap import Playback
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import fmt_count, fmt_percent, label
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.training_errors import ErrorRate
from nnexplain.scenes.training_panel import SIZE, SMALL, TrainingPanel

# Curves in colours no class uses (the classes are blue and orange); yellow is kept for the dashed start-of-epoch line.
TRAINING, VALIDATION = "#8B93A1", "#F4F4F4"
COLUMN_X = -1.55  # the left edge of the right column
CHART_LEFT, CHART_WIDTH, CHART_HEIGHT = -0.35, 6.55, 1.2
LOSS_Y, ACCURACY_Y = 1.1, -0.7  # centres of the two charts (the validation score sits under them)


class Training(ErrorRate, TrainingPanel, RunScene):
    scene_name = "training"
    captions_in_band = True  # the narration is drawn as subtitles; the picture keeps short labels only
    sweep_seconds: ClassVar[float] = 7.0  # each of the two stretches of the whole training, at least
    update_seconds: ClassVar[float] = 0.8  # per batch of the training pass: its loss, then its update
    epoch: ClassVar[int | None] = None  # the epoch whose two passes are played; None: see shown_epoch
    raster_size: ClassVar[int] = 96

    def setup(self) -> None:
        super().setup()
        self.history = self.run.history
        self.epochs = np.asarray(self.run.epochs, np.float64)
        self.metric = {name: self.history.metric(name) for name in ("train_loss", "val_loss", "train_acc", "val_acc")}
        self.setup_panel()
        self.setup_errors()

    def construct(self) -> None:
        self.beat("question")
        self.show_question()
        self.beat("training pass")
        self.training_pass()
        self.beat("validation pass")
        self.validation_pass()
        self.beat("every epoch")
        self.every_epoch()
        self.beat("overfitting")
        self.overfitting()
        self.beat("error rate")
        self.error_rate()
        self.hold(extra=1.0)

    # --- beats -------------------------------------------------------------

    def show_question(self) -> None:
        question = "What happens in one epoch of training, and when does a network overfit?"
        title = self.show_title("What happens in an epoch, and when does a network overfit?")
        with self.narrate(question) as line:
            self.play(*title, run_time=self.t(1.0))
            self.play(*self.show_panel(), run_time=max(line.duration - self.t(1.0), self.t(1.0)))
        if self.plane:
            flipped = self.flipped_labels()
            these = f"{self.points_said()}, {flipped} with flipped labels" if flipped else self.points_said()
            rings = self.rings()
            with self.narrate(f"On the plane, its {these}.") as line:
                self.play(*self.show_points(), run_time=line.duration * (0.6 if flipped else 1))
                if flipped:
                    self.play(Create(rings), run_time=line.duration * 0.4)
            unsure = float(np.abs(self.maps[0] - 0.5).max())
            if unsure < 0.2:  # no class is much more likely anywhere: the two colours are too faint to see
                said = f"At the random start it is unsure: nowhere over {0.5 + unsure:.0%} for a class."
            else:
                said = "At the random start: its two regions, and the boundary between them."
        else:
            said = "At the random start: each probe digit, framed green if right, red if wrong."
        leaving = [Fade(rings, out=True)] if self.plane and self.flipped_labels() else []
        if not self.plane:
            self.line(said, *self.show_panel_label(), *leaving, run_time=self.t(0.8))
            return
        key, span = self.certainty_key(self.maps[0])  # "nowhere over 58%" drawn on the panel's own colour scale
        with self.narrate(said) as line:
            self.play(*self.show_panel_label(), *leaving, FadeIn(key), run_time=self.t(1.0))
            self.play(Create(span[0]), Fade(span[1]), run_time=max(line.duration - self.t(1.0), self.t(1.0)))
        self.key_parts = Group(key, span)

    def training_pass(self) -> None:
        epoch = shown_epoch(self.history, self.run.epochs, self.epoch, prefer=self.epochs_with_updates())
        self.shown_epoch = epoch
        if epoch is None:
            self.line("This run records no per-step losses: the passes inside an epoch cannot be shown.")
            return
        steps = epoch_steps(self.run, epoch)
        total = int(self.run.manifest.get("config", {}).get("epochs") or self.epochs[-1])
        heading = label(f"epoch {epoch} of {fmt_count(total)}", self.theme, SIZE + 4, weight="BOLD")
        heading.move_to([COLUMN_X, 1.7, 0], aligned_edge=LEFT)
        batch = f"{steps.count} batches of {steps.batch_size}" if steps.batch_size else f"{steps.count} batches"
        first = label(f"1  training pass: {batch}", self.theme, SIZE).move_to([COLUMN_X, 1.15, 0], aligned_edge=LEFT)
        losses = LineChart(
            (0.5, steps.count + 0.5),
            (0, 1.1 * float(steps.losses.max())),
            self.theme,
            4.6,
            1.1,
            x_ticks=list(range(1, steps.count + 1)) if steps.count <= 10 else [1, steps.count],
            size=SMALL,
        )
        losses.move_to([COLUMN_X + 0.2, -0.2, 0], aligned_edge=LEFT)
        loss_title = label("loss of\neach batch", self.theme, SMALL, self.theme.muted).next_to(
            losses.box, RIGHT, buff=0.2
        )
        self.epoch_parts = VGroup(heading, first, losses, loss_title)
        before = self.run.epochs.index(epoch - 1) if epoch - 1 in self.run.epochs else None
        with self.narrate(f"Take epoch {epoch}, starting where epoch {epoch - 1} left it.") as line:
            span = [FadeOut(self.key_parts[1])] if hasattr(self, "key_parts") else []  # 51-58% was epoch 0's
            self.play(Fade(heading), *span, run_time=self.t(0.5))
            if hasattr(self, "key_parts"):
                self.key_parts.remove(self.key_parts[1])
            if before:
                self.play(
                    self.panel_to(0, before, f"after epoch {epoch - 1}"),
                    run_time=max(line.duration - self.t(0.5), self.t(0.5)),
                )
                self.settle_panel(before, f"after epoch {epoch - 1}")
        if self.plane and before and level_curves(self.maps[before], self.raster().bounds):
            with self.narrate("By now the colours split the plane; the white line is where it is 50/50.") as line:
                self.play(self.boundary.animate.set_stroke(width=7), run_time=line.duration / 2)
                self.play(self.boundary.animate.set_stroke(width=2.5), run_time=line.duration / 2)
        if hasattr(self, "key_parts"):  # the colour key has been read: the right column is the epoch's now
            self.play(FadeOut(self.key_parts), run_time=self.t(0.5))
        with self.narrate(f"An epoch makes two passes. First, the training pass: {batch}.") as line:
            self.play(Fade(first), run_time=self.t(0.5))
            self.play(Fade(losses), Fade(loss_title), run_time=max(line.duration - self.t(0.5), self.t(0.5)))
        maps = self.update_maps(epoch)
        x = np.arange(1, steps.count + 1)
        dots = VGroup(*(Dot(losses.at(i, value), radius=0.06, color=TRAINING) for i, value in zip(x, steps.losses)))
        curve = losses.curve(TRAINING, 3)
        self.epoch_parts.add(dots, curve)
        after = self.run.epochs.index(epoch) if epoch in self.run.epochs else None
        start_map = self.maps[before] if maps and before is not None else None
        if maps and start_map is not None and self.boundary.has_points():
            self.ghost = DashedVMobject(self.boundary.copy(), num_dashes=70).set_stroke(self.theme.highlight, 2.5)
            said = (
                "Each batch gives a loss, then one weight update that nudges the boundary.",
                "Dashed: where the epoch began. Losses jump: each batch holds other points.",
            )
        else:
            said = (
                "Each batch gives a loss, then one weight update.",
                "This run kept no weights between batches: the panel blends the epoch's start and end.",
            )

        def train(t: float) -> None:
            done = t * steps.count  # batch k's loss shows first, its update follows in the rest of its slot
            k = min(int(done), steps.count - 1)
            into = done - k
            for i, dot in enumerate(dots):
                dot.set_opacity(1.0 if i < k or (i == k and into >= 0.15) else 0.0)
            losses.draw(curve, x, steps.losses, upto=float(k + 1) if into >= 0.15 else float(max(k, 1)))
            blend = float(np.clip((into - 0.3) / 0.6, 0, 1))
            if maps and start_map is not None:
                earlier = start_map if k == 0 else maps[k - 1]
                self.show_map(earlier * (1 - blend) + maps[k] * blend)
            elif after is not None and before is not None:
                self.show_at(before + (k + blend) / steps.count * (after - before))
            made = k + (1 if blend >= 0.5 else 0)
            if made:
                self.panel_label.set_value(f"epoch {epoch}: update {made} of {steps.count}")

        self.add(curve, dots)
        train(0)
        half = steps.count // 2 / steps.count
        for part, (low, high) in zip(said, ((0.0, half), (half, 1.0))):
            with self.narrate(part) as line:
                # the dashed start drawn last: a mobject that does not move is painted under the moving panel
                moving = Group(self.moving_panel(), self.panel_label, curve, dots, *self.ghosts())
                self.play(
                    Playback(moving, lambda t, low=low, high=high: train(low + t * (high - low))),
                    run_time=max(line.duration, self.t(self.update_seconds) * steps.count * (high - low)),
                )
        train(1.0)  # the pass's end, also when its animation was skipped
        if after is not None:
            self.show_at(after)

    def validation_pass(self) -> None:
        epoch = self.shown_epoch
        if epoch is None:
            return
        second = label("2  validation pass: weights frozen", self.theme, SIZE).move_to(
            [COLUMN_X, -1.15, 0], aligned_edge=LEFT
        )
        frozen = ProgressBar(self.theme, 3.4, colour=self.theme.muted).move_to([COLUMN_X, -1.65, 0], aligned_edge=LEFT)
        count = self.run.dataset.get("val") or 0
        items = label(f"{fmt_count(count)} validation {self.items}", self.theme, SMALL, self.theme.muted).next_to(
            frozen, RIGHT, buff=0.2
        )
        leaving = [Fade(self.ghost, out=True)] if hasattr(self, "ghost") else []
        self.panel_label.set_value(f"after epoch {epoch}, frozen")
        said = f"Second, the validation pass: weights frozen, {fmt_count(count)} {self.items} it never trains on."
        points, wrong, missed = self.validation_marks(epoch) if epoch in self.run.epochs else (VGroup(), VGroup(), 0)
        with self.narrate(said) as line:
            self.play(Fade(second), Fade(items), *leaving, run_time=self.t(0.6))
            if len(points):  # the points it is scored on, drawn over the frozen boundary; the training points dim
                self.play(FadeIn(points), self.dots.animate.set_opacity(0.25), run_time=self.t(0.8))
            self.play(Playback(frozen, frozen.set_fraction), run_time=max(line.duration - self.t(0.6), self.t(1.5)))
        frozen.set_fraction(1)
        self.epoch_parts.add(second, frozen, items)
        row = list(self.history.epochs).index(epoch)
        self.result = self.result_label(self.metric["val_loss"][row], self.metric["val_acc"][row])
        self.result.move_to([COLUMN_X + 0.45, -2.17, 0], aligned_edge=LEFT)  # clear of the panel's legend
        loss_said, accuracy_said = f"{self.metric['val_loss'][row]:.2f}", fmt_percent(self.metric["val_acc"][row], 0)
        if len(points):
            said = (
                f"The score: loss {loss_said}, accuracy {accuracy_said}: {missed} of {len(points)} points wrong (red)."
            )
            self.line(said, Fade(self.result), FadeIn(wrong))
            self.validation_drawn = Group(points, wrong)
        else:
            self.line(f"The score: validation loss {loss_said}, accuracy {accuracy_said}.", Fade(self.result))

    def every_epoch(self) -> None:
        self.make_charts()
        epoch = self.shown_epoch if self.shown_epoch is not None else 0
        self.draw_curves(epoch)
        start = self.run.epochs.index(epoch) if epoch in self.run.epochs else 0
        self.position = start
        self.panel_label.set_value(f"after epoch {epoch}")
        if hasattr(self, "epoch_parts"):
            drawn = [FadeOut(self.validation_drawn)] if hasattr(self, "validation_drawn") else []
            self.play(Fade(self.epoch_parts, out=True), *drawn, self.dots.animate.set_opacity(1), run_time=self.t(0.6))
            self.dots.set_opacity(1)
        self.line(
            f"Right: where the curves of all {fmt_count(int(self.epochs[-1]))} epochs will go.",
            Fade(self.loss_chart),
            Fade(self.accuracy_chart),
            Fade(self.key),
            run_time=self.t(1.0),
        )
        if hasattr(self, "result"):  # the validation score lands as one point on each validation curve
            row = list(self.history.epochs).index(epoch)
            targets = (
                self.loss_chart.at(epoch, self.metric["val_loss"][row]),
                self.accuracy_chart.at(epoch, self.metric["val_acc"][row]),
            )
            with self.narrate(f"Epoch {epoch}'s score is one point on each validation curve."):
                self.play(
                    self.result.dots[0].animate.move_to(targets[0]),
                    self.result.dots[1].animate.move_to(targets[1]),
                    run_time=self.t(1.5),
                )
                self.play(Fade(self.result.words, out=True), run_time=self.t(0.5))
            for dot, target in zip(self.result.dots, targets):  # where the animation left them, also when skipped
                dot.move_to(target)
            self.remove(self.result.words)
            self.landed = self.result.dots
        self.found = divergence(self.history)
        self.divergence = self.found
        last = float(self.epochs[-1])
        turn = float(self.found.epoch) if self.found is not None else last
        total = fmt_count(int(last))
        if self.found is None:
            self.sweep_to(last, f"Now all {total} epochs, one point per curve each epoch.")
            return
        self.sweep_to(turn, f"Now all {total} epochs. Both losses fall at first; validation's is noisy.")
        found = self.found
        row = list(self.history.epochs).index(found.epoch)
        self.markers = VGroup(
            self.loss_chart.marker(found.epoch, VALIDATION),
            self.accuracy_chart.marker(found.epoch, VALIDATION),
            self.value_dot(self.loss_chart, found.epoch, found.best_val_loss, f"{found.best_val_loss:.2f}", UP + RIGHT),
        )
        self.line(
            f"Validation loss is lowest at epoch {found.epoch}: {found.best_val_loss:.2f}.",
            Create(self.markers),
            run_time=self.t(0.8),
        )
        train_acc, val_acc = self.metric["train_acc"][row], self.metric["val_acc"][row]
        if np.isfinite(train_acc) and np.isfinite(val_acc):
            accuracies = VGroup(
                self.value_dot(self.accuracy_chart, found.epoch, val_acc, fmt_percent(val_acc, 0), DOWN + RIGHT),
                self.value_dot(
                    self.accuracy_chart, found.epoch, train_acc, fmt_percent(train_acc, 0), DOWN + LEFT, TRAINING
                ),
            )
            self.markers.add(accuracies)
            self.line(
                f"There training accuracy is {fmt_percent(train_acc, 0)}, validation {fmt_percent(val_acc, 0)}.",
                Fade(accuracies),
            )
        flipped = self.flipped_labels()
        if flipped:  # why training scores lower than validation: only the training labels were flipped
            self.rings_now = self.rings()
            with self.narrate(f"Only training points have flipped labels ({flipped}); validation points are clean."):
                self.play(Create(self.rings_now), run_time=self.t(1.5))

    def overfitting(self) -> None:
        found, last = self.found, float(self.epochs[-1])
        if found is None:
            self.line("Training and validation losses never part ways here: this run does not overfit.")
            return
        leaving = [Fade(self.rings_now, out=True)] if hasattr(self, "rings_now") else []
        if leaving:
            self.play(*leaving, run_time=self.t(0.5))
        self.sweep_to(last, "After it, training loss keeps falling, but validation loss rises.")
        row = int(np.flatnonzero(np.isfinite(self.metric["val_loss"]))[-1])
        flipped = self.flipped_labels()
        fitted = self.flipped_fitted(int(last))
        rings = self.rings()
        if flipped and fitted is not None:
            said = f"It now fits {fitted} of the {flipped} flipped labels: it is memorising its training points."
            with self.narrate(said):
                self.play(Create(rings), run_time=self.t(1.5))
        else:
            self.line(f"It fits its own training {self.items} ever better.")
        final = self.value_dot(
            self.loss_chart, self.history.epochs[row], found.final_val_loss, f"{found.final_val_loss:.2f}", DOWN + LEFT
        )
        accuracy = self.metric["val_acc"][row]
        with self.narrate(
            f"New points it gets worse: validation loss {found.final_val_loss:.2f}, accuracy {fmt_percent(accuracy, 0)}."
        ):
            self.play(Fade(final), run_time=self.t(1.0))
        self.final_value = final
        near = snapshot_near(self.run, found.epoch)
        index, end = self.run.epochs.index(near), len(self.keyframes) - 1
        near_row = list(self.history.epochs).index(near)
        near_loss, near_acc = self.metric["val_loss"][near_row], self.metric["val_acc"][near_row]
        group = Group(self.moving_panel(), self.panel_label, rings)
        with self.narrate(
            f"Back at epoch {near}, a snapshot near the best: loss {near_loss:.2f}, accuracy {fmt_percent(near_acc, 0)}."
        ) as line:
            self.play(self.panel_to(end, index, f"after epoch {near}", group), run_time=self.t(1.5))
            self.settle_panel(index, f"after epoch {near}")
        _, wrong_near, missed_near = self.validation_marks(near)
        _, wrong_end, missed_end = self.validation_marks(int(last))
        if len(wrong_near):  # the clean validation points each network gets wrong, in red
            self.line(f"Red: the {missed_near} validation points it gets wrong at epoch {near}.", FadeIn(wrong_near))
        with self.narrate(f"At epoch {int(last)} the boundary bends around flipped points.") as line:
            self.play(FadeOut(wrong_near), run_time=self.t(0.4))
            self.play(
                self.panel_to(index, end, f"after epoch {int(last)}", group),
                run_time=max(self.t(1.5), line.duration - self.t(0.4)),
            )
        self.settle_panel(end, f"after epoch {int(last)}")
        if len(wrong_end):
            self.line(
                f"Now {missed_end} clean validation points are wrong: the price of memorising.", FadeIn(wrong_end)
            )
            self.wrong_end = wrong_end
        answer = f"So: an epoch is {self.updates_said()}, then a frozen check. After epoch {found.epoch}, it overfits."
        with self.narrate(answer) as line:  # the turn, marked on both charts, pulses while the answer is read
            ending = [FadeOut(self.wrong_end)] if hasattr(self, "wrong_end") else []
            self.play(Fade(rings, out=True), *ending, run_time=self.t(0.5))
            turn = VGroup(self.markers[0], self.markers[1])
            for width in (6, 2.5):
                self.play(turn.animate.set_stroke(width=width), run_time=max(line.duration - self.t(0.5), 1) / 2)

    # --- the sweep ----------------------------------------------------------------------------

    def sweep_to(self, epoch: float, said: str) -> None:
        """Play the snapshots and curves from where they are up to ``epoch``, while ``said`` is read."""
        start = self.position
        target = float(np.interp(epoch, self.epochs, np.arange(len(self.epochs))))

        def play(t: float) -> None:
            position = start + t * (target - start)
            shown = float(np.interp(position, np.arange(len(self.epochs)), self.epochs))
            self.show_at(position)
            self.draw_curves(shown)
            self.panel_label.set_value(self.position_said(position))

        with self.narrate(said) as line:
            self.play(
                Playback(Group(self.moving_panel(), self.panel_label, *self.curves.values(), *self.overlays()), play),
                run_time=max(line.duration, self.t(self.sweep_seconds)),
            )
        play(1.0)
        self.position = target

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
        self.key = VGroup(
            label("— training", self.theme, SMALL, TRAINING),
            label("— validation", self.theme, SMALL, VALIDATION),
        ).arrange(RIGHT, buff=0.4)
        self.key.next_to(self.loss_chart.box, UP, buff=0.12, aligned_edge=RIGHT)
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
        """A dot on ``chart`` at (x, y) with ``text`` beside it, on a patch of background (curves run under it)."""
        dot = Dot(chart.at(x, y), radius=0.08, color=colour)
        value = label(text, self.theme, SMALL, colour)
        value.add_background_rectangle(color=self.theme.background, opacity=0.85, buff=0.04)
        return VGroup(dot, value.next_to(dot, side, buff=0.05))

    def updates_said(self) -> str:
        if self.shown_epoch is None:
            return "one pass of updates"
        return f"{epoch_steps(self.run, self.shown_epoch).count} updates"

    def settle_panel(self, position: float, said: str) -> None:
        """The panel and its label where a blend ends (set again: a skipped animation draws nothing)."""
        self.show_at(position)
        self.panel_label.set_value(said)

    def overlays(self) -> list:
        """What is drawn over the curves (the moving curves would otherwise be painted over it)."""
        return [m for m in (getattr(self, "landed", None), getattr(self, "markers", None)) if m is not None]

    def ghosts(self) -> list:
        return [self.ghost] if hasattr(self, "ghost") else []

    def line(self, text: str, *animations, run_time: float | None = None) -> None:
        """Narrate ``text`` in the caption band, playing ``animations`` while its caption comes in."""
        swap = self.say(text)
        if swap or animations:
            self.play(*swap, *animations, run_time=self.t(0.6) if run_time is None else run_time)
