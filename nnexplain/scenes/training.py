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
from manim import DOWN, LEFT, RIGHT, Create, DashedVMobject, Dot, FadeIn, FadeOut, Group, VGroup

from nnexplain.geometry.contour import level_curves
from nnexplain.geometry.learning import epoch_steps, shown_epoch
from nnexplain.mobjects.charts import LineChart, ProgressBar, Readout
from nnexplain.mobjects.heatmap import Playback
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import fmt_count, fmt_percent, label
from nnexplain.run.batches import batch_order
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.training_curves import TRAINING, TrainingCurves
from nnexplain.scenes.training_errors import ErrorRate
from nnexplain.scenes.training_overfit import Overfitting
from nnexplain.scenes.training_panel import SIZE, SMALL, TrainingPanel

COLUMN_X = -1.55  # the left edge of the right column
AVERAGE_EPOCHS = (
    25  # the moving average of the validation loss, in epochs: wide enough to smooth its epoch-to-epoch jumps
)


class Training(ErrorRate, Overfitting, TrainingCurves, TrainingPanel, RunScene):
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
        leaving = []  # the rings stay through the epoch played: its batches hold flipped labels too
        if self.plane and self.flipped_labels():
            self.epoch_rings = rings
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
        # which training points each batch held: the shuffle drawn again from the generator state the run recorded
        self.batches = batch_order(self.run, epoch) if self.training_items is not None else None
        if self.batches is not None and len(self.batches) != steps.count:
            self.batches = None
        used = Readout("used:", f"0 of {len(self.dots)}", self.theme, SMALL, self.theme.text, width=9)
        used.next_to(loss_title, DOWN, buff=0.25, aligned_edge=LEFT)  # training points the pass has used so far
        if self.batches is not None:
            self.epoch_parts.add(used)
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
            shown = [Fade(used)] if self.batches is not None else []
            self.play(Fade(losses), Fade(loss_title), *shown, run_time=self.t(0.8))
            if self.batches is not None:  # the 80 points split into the epoch's 8 batches, each lit in turn
                count = len(self.batches)
                self.play(
                    Playback(self.dots, lambda t: self.light_batch(min(int(t * count), count - 1) if t < 1 else None)),
                    run_time=max(line.duration - self.t(1.3), self.t(1.5)),
                )
                self.light_batch(None)
        maps = self.update_maps(epoch)
        x = np.arange(1, steps.count + 1)
        dots = VGroup(*(Dot(losses.at(i, value), radius=0.06, color=TRAINING) for i, value in zip(x, steps.losses)))
        curve = losses.curve(TRAINING, 3)
        self.epoch_parts.add(dots, curve)
        after = self.run.epochs.index(epoch) if epoch in self.run.epochs else None
        start_map = self.maps[before] if maps and before is not None else None
        if maps and start_map is not None and self.boundary.has_points():
            self.ghost = DashedVMobject(self.boundary.copy(), num_dashes=70).set_stroke(self.theme.muted, 2.5)
            said = (
                "Each batch lights its points, gives a loss, then one update nudges the boundary.",
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
                self.panel_label.set_value(f"epoch {epoch}, after update {made} of {steps.count}")
            if self.batches is not None:
                self.mark_batch(k, into)
                done_points = sum(len(b) for b in self.batches[: k + (1 if into >= 0.15 else 0)])
                used.set_value(f"{done_points} of {len(self.dots)}")

        self.add(curve, dots)
        train(0)
        half = steps.count // 2 / steps.count
        for part, (low, high) in zip(said, ((0.0, half), (half, 1.0))):
            with self.narrate(part) as line:
                # the dashed start drawn last: a mobject that does not move is painted under the moving panel
                moving = Group(self.moving_panel(), self.panel_label, curve, dots, used, *self.ghosts())
                self.play(
                    Playback(moving, lambda t, low=low, high=high: train(low + t * (high - low))),
                    run_time=max(line.duration, self.t(self.update_seconds) * steps.count * (high - low)),
                )
        train(1.0)  # the pass's end, also when its animation was skipped
        if after is not None:
            self.show_at(after)
        if self.batches is not None:  # all 80, each once: lit together, then back to used
            with self.narrate(f"{batch}: every training point used once. That is one epoch's training pass.") as line:
                self.play(self.dots.animate.set_opacity(1), run_time=max(line.duration / 2, self.t(0.6)))
                self.play(self.dots.animate.set_opacity(0.28), run_time=max(line.duration / 2, self.t(0.6)))

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
        if getattr(self, "epoch_rings", None) is not None:
            leaving.append(Fade(self.epoch_rings, out=True))
            self.rings_leaving = True  # from here on the rings are no part of the moving panel
        self.panel_label.set_value(f"after epoch {epoch}, frozen")
        said = f"Second, the validation pass: weights frozen, {fmt_count(count)} {self.items} it never trains on."
        points, wrong, missed = self.validation_marks(epoch) if epoch in self.run.epochs else (VGroup(), VGroup(), 0)
        with self.narrate(said) as line:
            self.play(Fade(second), Fade(items), *leaving, run_time=self.t(0.6))
            if len(points):  # the points it is scored on, drawn over the frozen boundary; the training points dim
                self.play(FadeIn(points), self.dots.animate.set_opacity(0.15), run_time=self.t(0.8))
            rest = max(line.duration - self.t(1.4 if len(points) else 0.6), self.t(1.5))

            def check(t: float) -> None:  # the bar sweeps the points in order; each one it gets wrong turns red
                frozen.set_fraction(t)
                for index, dot in enumerate(wrong):
                    dot.set_opacity(1.0 if index < t * len(wrong) else 0.0)

            self.add(wrong)
            check(0)
            self.play(Playback(Group(frozen, wrong), check), run_time=max(rest, self.t(2.5)))
        check(1)
        self.epoch_parts.add(second, frozen, items)
        row = list(self.history.epochs).index(epoch)
        self.result = self.result_label(self.metric["val_loss"][row], self.metric["val_acc"][row])
        self.result.move_to(
            [COLUMN_X + 0.45, -2.3, 0], aligned_edge=LEFT
        )  # under the epoch ticks of the charts to come
        loss_said, accuracy_said = f"{self.metric['val_loss'][row]:.2f}", fmt_percent(self.metric["val_acc"][row], 0)
        if len(points):
            said = (
                f"The score: loss {loss_said}, accuracy {accuracy_said}: {missed} of {len(points)} points wrong (red)."
            )
            with self.narrate(said) as line:  # the wrong ones pulse while they are counted
                grow = [dot.animate.scale(1.3) for dot in wrong]  # each about its own centre: none leaves the plane
                self.play(Fade(self.result), *grow, run_time=max(line.duration / 2, self.t(0.6)))
                self.play(*(dot.animate.scale(1 / 1.3) for dot in wrong), run_time=max(line.duration / 2, self.t(0.6)))
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
        with self.narrate(f"Right: where the curves of all {fmt_count(int(self.epochs[-1]))} epochs will go.") as line:
            self.play(Fade(self.loss_chart), Fade(self.accuracy_chart), run_time=max(line.duration / 2, self.t(0.6)))
            self.play(Fade(self.key), run_time=max(line.duration / 2, self.t(0.6)))
        if hasattr(self, "result"):  # the validation score lands as one point on each validation curve
            row = list(self.history.epochs).index(epoch)
            targets = (
                self.loss_chart.at(epoch, self.metric["val_loss"][row]),
                self.accuracy_chart.at(epoch, self.metric["val_acc"][row]),
            )
            said = f"Epoch {epoch}'s score lands on the white curves; grey: the same check on training points."
            self.landed_training = VGroup(
                self.dot_at(self.loss_chart, epoch, self.metric["train_loss"][row], TRAINING),
                self.dot_at(self.accuracy_chart, epoch, self.metric["train_acc"][row], TRAINING),
            )
            with self.narrate(said) as line:
                self.play(
                    self.result.dots[0].animate.move_to(targets[0]),
                    self.result.dots[1].animate.move_to(targets[1]),
                    run_time=self.t(1.5),
                )
                self.play(Fade(self.result.words, out=True), run_time=self.t(0.5))
                self.play(
                    *(FadeIn(dot, scale=2) for dot in self.landed_training),
                    run_time=max(line.duration - self.t(2.0), self.t(0.8)),
                )
            for dot, target in zip(self.result.dots, targets):  # where the animation left them, also when skipped
                dot.move_to(target)
            self.remove(self.result.words)
            self.landed = self.result.dots
        self.the_whole_training()

    def updates_said(self) -> str:
        if self.shown_epoch is None:
            return "one pass of updates"
        return f"{epoch_steps(self.run, self.shown_epoch).count} updates"

    def settle_panel(self, position: float, said: str) -> None:
        """The panel and its label where a blend ends (set again: a skipped animation draws nothing)."""
        self.show_at(position)
        self.panel_label.set_value(said)

    def light_batch(self, current: int | None) -> None:
        """Batch ``current`` lit, every other point as it was at the epoch's start (None: all of them)."""
        for index, batch in enumerate(self.batches):
            for i in batch:
                self.dots[i].scale_to_fit_width(0.2 if index == current else 0.12)
                self.dots[i].set_stroke(
                    self.theme.text if index == current else self.theme.background, 2.5 if index == current else 2
                )

    def mark_batch(self, current: int, into: float) -> None:
        """Batch ``current`` lit (large, outlined), the batches before it dimmed: used; the rest as they were."""
        for index, batch in enumerate(self.batches):
            lit = index == current and into < 0.97
            for i in batch:
                dot = self.dots[i]
                dot.scale_to_fit_width(0.2 if lit else 0.12)
                dot.set_stroke(self.theme.text if lit else self.theme.background, 2.5 if lit else 2)
                dot.set_opacity(0.28 if index < current or (index == current and not lit) else 1.0)

    def ghosts(self) -> list:
        return [self.ghost] if hasattr(self, "ghost") else []

    def line(self, text: str, *animations, run_time: float | None = None) -> None:
        """Narrate ``text`` in the caption band, playing ``animations`` while its caption comes in."""
        swap = self.say(text)
        if swap or animations:
            self.play(*swap, *animations, run_time=self.t(0.6) if run_time is None else run_time)
