"""Learning over time: decision regions and learning curves, the two passes of an epoch, overfitting, error rate.

    nnexplain render training                        # the moons-overfit run, trained once
    nnexplain render training --run runs/mnist       # a digit classifier: its probe digits instead of regions
    NNEXPLAIN_RUN=runs/moons-overfit manim -ql scenes/training.py Training

Left, what the network says at each recorded snapshot: the decision regions of a
2-D classifier (recomputed from the stored weights, :mod:`nnexplain.geometry.regions`)
with its training points, or, for image classifiers, its probe items framed green
when right and red when wrong. Right, the training and validation curves of every
epoch (:attr:`nnexplain.run.Run.history`). One epoch is played as its two passes:
the training batches with their real losses, then the validation pass with frozen
weights. Then the whole training, where it overfits, and the error rate.
Subclass to change the pace (``pace``, ``sweep_seconds``) or the epoch played.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, Dot, FadeIn, FadeOut, Group, Rectangle, VGroup

from nnexplain.geometry.learning import (
    divergence,
    epoch_steps,
    error_floor,
    error_rates,
    late_epochs,
    probe_verdicts,
    shown_epoch,
    snapshot_near,
    training_points,
)
from nnexplain.geometry.network import image_shape
from nnexplain.geometry.regions import PlaneRaster, class_one_map
from nnexplain.mobjects.charts import LineChart, ProgressBar, Readout
from nnexplain.mobjects.heatmap import Heatmap, Playback, blend_keyframes, mosaic_rgba, two_class_rgba
from nnexplain.mobjects.style import fmt_count, fmt_percent, label
from nnexplain.scenes.base.caption_layout import say_below, title_block
from nnexplain.scenes.base.run_scene import RunScene

PANEL_CENTRE, PANEL_SIZE = np.array([-4.0, -0.25, 0]), 4.9
COLUMN_X, CHART_WIDTH, CHART_HEIGHT = 0.1, 5.9, 1.55
LOSS_Y, ACCURACY_Y = 1.05, -1.65  # centres of the two charts


class Training(RunScene):
    scene_name = "training"
    sweep_seconds: ClassVar[float] = 10.0  # the whole training, snapshot after snapshot
    batch_seconds: ClassVar[float] = 0.45  # per batch in the training pass (at most pass_seconds in all)
    pass_seconds: ClassVar[float] = 4.5
    epoch: ClassVar[int | None] = None  # the epoch whose two passes are played; None: the one whose loss fell most
    raster_size: ClassVar[int] = 96

    def setup(self) -> None:
        super().setup()
        self.history = self.run.history
        self.epochs = np.asarray(self.run.epochs, np.float64)
        self.plane = self.run.layers[0] == 2
        self.keyframes = [self.panel_rgba(epoch) for epoch in self.run.epochs]
        self.training_items = training_points(self.run) if self.plane else None
        self.metric = {name: self.history.metric(name) for name in ("train_loss", "val_loss", "train_acc", "val_acc")}

    def construct(self) -> None:
        self.beat("title")
        self.show_title()
        self.beat("one epoch")
        self.one_epoch()
        self.beat("over training")
        self.over_training()
        self.beat("overfitting")
        self.overfitting()
        self.beat("error rate")
        self.error_rate()
        self.hold(extra=1.0)

    # --- beats -------------------------------------------------------------

    def show_title(self) -> None:
        shape = "-".join(map(str, self.run.layers))
        data = self.run.dataset
        self.title = title_block(
            "How a network learns, epoch by epoch",
            f"{self.run.recipe} · {shape} · {self.run.activation} · {fmt_count(data.get('train') or 0)} training / "
            f"{fmt_count(data.get('val') or 0)} validation items",
            self.theme,
        )
        self.panel = Heatmap(self.keyframes[0], PANEL_SIZE, smooth=self.plane).move_to(PANEL_CENTRE)
        outline = Rectangle(width=PANEL_SIZE, height=PANEL_SIZE).set_stroke(self.theme.muted, 1.2).move_to(PANEL_CENTRE)
        self.dots = self.points()
        self.panel_parts = Group(self.panel, outline, self.dots, self.panel_note())
        self.epoch_label = self.epoch_text(0)
        self.play(
            FadeIn(self.title, shift=0.2 * DOWN),
            FadeIn(self.panel_parts),
            FadeIn(self.epoch_label),
            run_time=self.t(1.0),
        )
        what = "its decision regions over the input plane" if self.plane else "its verdict on each probe digit"
        say_below(self, f"Left: what the network says, at each recorded snapshot: {what}. Epoch 0 is the random start.")

    def one_epoch(self) -> None:
        epoch = shown_epoch(self.history, self.run.epochs, self.epoch)
        if epoch is None:
            say_below(self, "This run recorded no per-step losses, so the passes inside an epoch cannot be shown.")
            return
        steps = epoch_steps(self.run, epoch)
        total = int(self.run.manifest.get("config", {}).get("epochs") or self.epochs[-1])
        heading = label(f"epoch {epoch} of {total}: two passes", self.theme, 22, weight="BOLD")
        heading.move_to([COLUMN_X, 2.55, 0], aligned_edge=LEFT)
        batch = f"a batch of {steps.batch_size}" if steps.batch_size else "a batch"
        first = label(f"1  training: {batch}, its loss, an update", self.theme, 18).move_to(
            [COLUMN_X, 2.0, 0], aligned_edge=LEFT
        )
        bar = ProgressBar(self.theme, 3.6).move_to([COLUMN_X, 1.55, 0], aligned_edge=LEFT)
        losses = LineChart(
            (0.5, steps.count + 0.5),
            (0, 1.1 * float(steps.losses.max())),
            self.theme,
            5.6,
            1.2,
            x_ticks=[1, steps.count],
            title="",
            size=15,
        )
        losses.move_to([COLUMN_X + 0.45, 0.35, 0], aligned_edge=LEFT)
        loss_title = label("training loss of each batch", self.theme, 15, self.theme.muted).next_to(
            losses.box, UP, buff=0.06, aligned_edge=LEFT
        )
        curve, marker = losses.curve(self.theme.positive, 3), Dot(radius=0.05, color=self.theme.positive)
        counter = Readout("batch", f"0 / {steps.count}", self.theme, 16, self.theme.muted).next_to(bar, RIGHT, buff=0.2)
        losses.draw(curve, [1], [steps.losses[0]], upto=1)
        marker.move_to(losses.at(1, steps.losses[0]))
        parts = VGroup(heading, first, bar, losses, loss_title, counter)
        which = f"Epoch {epoch}" if self.epoch is not None else f"Take epoch {epoch}, whose batch losses fell most"
        before = (
            []
            if epoch - 1 not in self.run.epochs or epoch == 1
            else [
                Playback(
                    self.moving_panel(),
                    lambda t, k=self.run.epochs.index(epoch - 1): self.panel.show(
                        blend_keyframes(self.keyframes, t * k)
                    ),
                ),
                *self.epoch_to(epoch - 1),
            ]
        )  # the network as the epoch finds it
        say_below(
            self,
            f"{which}. An epoch is two passes over the data. First, training: {steps.count} batches, each followed by a weight update.",
            FadeIn(parts),
            *before,
            run_time=self.t(0.8),
        )

        def train(t: float) -> None:
            done = t * steps.count
            bar.set_fraction(done / steps.count)
            counter.set_value(f"{int(np.floor(done))} / {steps.count}")
            upto = max(1.0, min(done, steps.count))
            x = np.arange(1, steps.count + 1)
            losses.draw(curve, x, steps.losses, upto=upto)
            marker.move_to(losses.at(upto, np.interp(upto, x, steps.losses)))

        self.add(curve, marker)
        seconds = min(self.pass_seconds, self.batch_seconds * steps.count)
        self.play(Playback(VGroup(bar, counter, curve, marker), train, run_time=seconds))
        after = self.run.epochs.index(epoch) if epoch in self.run.epochs else None
        if after is not None:
            self.play(
                Playback(
                    self.moving_panel(), lambda t: self.panel.show(blend_keyframes(self.keyframes, after - 1 + t))
                ),
                *self.epoch_to(epoch),
                run_time=self.t(0.6),
            )
        second = label("2  validation: weights frozen, no updates", self.theme, 18).move_to(
            [COLUMN_X, -0.75, 0], aligned_edge=LEFT
        )
        frozen = ProgressBar(self.theme, 3.6, colour=self.theme.muted).move_to([COLUMN_X, -1.2, 0], aligned_edge=LEFT)
        items = label(
            f"{fmt_count(self.run.dataset.get('val') or 0)} validation items", self.theme, 16, self.theme.muted
        ).next_to(frozen, RIGHT, buff=0.2)
        say_below(
            self,
            "Second, validation: the same network, weights frozen, scored on items it never trains on.",
            FadeIn(second),
            FadeIn(frozen),
            FadeIn(items),
        )
        self.play(Playback(frozen, frozen.set_fraction, run_time=self.t(1.2)))
        row = list(self.history.epochs).index(epoch)
        val_loss, val_acc = self.metric["val_loss"][row], self.metric["val_acc"][row]
        result = label(
            f"validation loss {val_loss:.3f}   validation accuracy {fmt_percent(val_acc)}",
            self.theme,
            18,
            self.theme.highlight,
        )
        result.move_to([COLUMN_X, -1.8, 0], aligned_edge=LEFT)
        say_below(self, "Its result is one point on each validation curve, once an epoch.", FadeIn(result))
        self.epoch_parts = VGroup(parts, curve, marker, second, frozen, items, result)
        self.shown_epoch = epoch

    def over_training(self) -> None:
        top = float(np.nanmax([self.metric["train_loss"], self.metric["val_loss"]]))
        self.loss_chart = self.chart((0, 1.1 * top), LOSS_Y, "loss (lower is better)", percent=False)
        self.accuracy_chart = self.chart((0, 1), ACCURACY_Y, "accuracy", percent=True, x_title="epoch")
        self.curves = {
            name: chart.curve(self.theme.positive if name.startswith("train") else self.theme.highlight)
            for name, chart in (
                ("train_loss", self.loss_chart),
                ("val_loss", self.loss_chart),
                ("train_acc", self.accuracy_chart),
                ("val_acc", self.accuracy_chart),
            )
        }
        key = self.curve_key()
        start = (
            self.run.epochs.index(getattr(self, "shown_epoch", 0))
            if getattr(self, "shown_epoch", 0) in self.run.epochs
            else 0
        )
        self.draw_curves(self.epochs[start])
        leaving = [FadeOut(self.epoch_parts)] if hasattr(self, "epoch_parts") else []
        say_below(
            self,
            "Right: training and validation curves, one point per epoch. Now every recorded snapshot:",
            *leaving,
            FadeIn(self.loss_chart),
            FadeIn(self.accuracy_chart),
            FadeIn(key),
            *(FadeIn(c) for c in self.curves.values()),
            run_time=self.t(0.8),
        )

        def play(t: float) -> None:
            position = start + t * (len(self.keyframes) - 1 - start)
            epoch = float(np.interp(position, np.arange(len(self.epochs)), self.epochs))
            self.panel.show(blend_keyframes(self.keyframes, position))
            self.draw_curves(epoch)
            self.epoch_label.set_value(str(int(round(epoch))))

        self.play(
            Playback(
                Group(self.moving_panel(), self.epoch_label, *self.curves.values()),
                play,
                run_time=self.sweep_seconds * (1 - start / max(len(self.keyframes) - 1, 1)),
            )
        )
        self.key = key
        self.hold(extra=self.t(0.5))

    def overfitting(self) -> None:
        found = divergence(self.history)
        self.divergence = found
        if found is None:
            say_below(self, "Training and validation losses never part ways here: this run does not overfit.")
            return
        markers = VGroup(
            self.loss_chart.marker(found.epoch, self.theme.negative),
            self.accuracy_chart.marker(found.epoch, self.theme.negative),
        )
        near = snapshot_near(self.run, found.epoch)
        index, last = self.run.epochs.index(near), len(self.keyframes) - 1
        say_below(
            self,
            f"Validation loss is lowest at epoch {found.epoch} ({found.best_val_loss:.2f}). After that, training loss keeps falling and validation loss rises.",
            Create(markers),
            run_time=self.t(0.8),
        )
        self.play(
            Playback(
                self.moving_panel(),
                lambda t: self.panel.show(blend_keyframes(self.keyframes, last + t * (index - last))),
            ),
            *self.epoch_to(near),
            run_time=self.t(1.0),
        )
        say_below(self, f"Epoch {near}, the snapshot nearest that point, against the last:")
        self.play(
            Playback(
                self.moving_panel(),
                lambda t: self.panel.show(blend_keyframes(self.keyframes, index + t * (last - index))),
            ),
            *self.epoch_to(self.run.epochs[-1]),
            run_time=self.t(1.5),
        )
        noisy = self.run.dataset.get("label_noise")
        why = f" ({noisy:.0%} of them have flipped labels)" if noisy else ""
        say_below(
            self,
            f"Overfitting: it fits its own training items{why} ever better, new items worse: validation loss "
            f"{found.final_val_loss:.2f} at the end.",
        )
        self.markers = markers

    def error_rate(self) -> None:
        rows = late_epochs(self.history)
        epochs = self.history.epochs[rows].astype(np.float64)
        accuracy = {name: self.metric[name][rows] for name in ("train_acc", "val_acc")}
        final = self.metric["val_acc"][np.flatnonzero(np.isfinite(self.metric["val_acc"]))[-1]]
        floor = error_floor(self.run.dataset.get("val"))
        errors = {name: np.maximum(error_rates(values), floor) for name, values in accuracy.items()}
        low = 10 ** np.floor(np.log10(max(min(np.nanmin(v) for v in errors.values()), floor)))
        x_range = (float(epochs[0]), float(max(epochs[-1], epochs[0] + 1)))
        left = LineChart(
            x_range,
            (0, 1),
            self.theme,
            2.3,
            2.2,
            y_ticks=[0, 0.5, 1],
            percent=True,
            title="accuracy",
            x_title="epoch",
            x_ticks=list(x_range),
            size=15,
        )
        right = LineChart(
            x_range,
            (low, 1.0),
            self.theme,
            2.3,
            2.2,
            log_y=True,
            percent=True,
            title="error rate, log scale",
            x_title="epoch",
            x_ticks=list(x_range),
            size=15,
        )
        left.shift([COLUMN_X + 0.75 - left.box.get_left()[0], -0.9 - left.box.get_center()[1], 0])
        right.shift([left.box.get_right()[0] + 1.05 - right.box.get_left()[0], -0.9 - right.box.get_center()[1], 0])
        drawn = VGroup()
        for chart, series in ((left, accuracy), (right, errors)):
            for name, values in series.items():
                drawn.add(
                    chart.draw(
                        chart.curve(self.theme.positive if name.startswith("train") else self.theme.highlight),
                        epochs,
                        values,
                    )
                )
        formula = label(
            f"error rate = 1 − accuracy = 1 − {fmt_percent(final)} = {fmt_percent(1 - final)}", self.theme, 20
        ).move_to([COLUMN_X, 2.3, 0], aligned_edge=LEFT)
        note = label(
            f"the last {len(rows)} recorded epochs; zero errors drawn at {fmt_percent(floor, 2)}",
            self.theme,
            16,
            self.theme.muted,
        ).move_to([COLUMN_X, 1.7, 0], aligned_edge=LEFT)
        leaving = [
            FadeOut(m)
            for m in (self.loss_chart, self.accuracy_chart, *self.curves.values(), getattr(self, "markers", None))
            if m is not None
        ]
        say_below(
            self,
            "Error rate is one minus accuracy; here with the run's final validation accuracy.",
            *leaving,
            FadeIn(formula),
            run_time=self.t(0.8),
        )
        say_below(
            self,
            self.why_error_rate(accuracy["train_acc"]),
            FadeIn(note),
            FadeIn(left),
            FadeIn(right),
            FadeIn(drawn),
            self.key.animate.next_to(right.box, UP, buff=0.45, aligned_edge=RIGHT),
        )
        self.error_charts = VGroup(left, right, drawn)

    # --- narration -------------------------------------------------------

    @staticmethod
    def why_error_rate(train_accuracy: np.ndarray) -> str:
        """Why report the error rate, told with the run's training accuracy over the charted epochs (first, then best)."""
        known = train_accuracy[np.isfinite(train_accuracy)]
        first, best = float(known[0]), float(known.max())
        if best <= first:
            return f"Why report it? Mistakes are what a user meets. Here training accuracy did not rise over these epochs: {fmt_percent(first)} at first, {fmt_percent(best)} at best."
        if best >= 1:
            return f"Why report it? Training accuracy rises from {fmt_percent(first)} to 100%, {100 * (best - first):.1f} points; the error falls from {fmt_percent(1 - first)} to none."
        return (
            f"Why report it? Training accuracy rises from {fmt_percent(first)} to at best {fmt_percent(best)}, "
            f"{100 * (best - first):.1f} points; the error falls from {fmt_percent(1 - first)} to {fmt_percent(1 - best)}: "
            f"{(1 - first) / (1 - best):.1f} times fewer mistakes."
        )

    # --- pieces ------------------------------------------------------------

    def panel_rgba(self, epoch: int) -> np.ndarray:
        if self.plane:
            raster = self.raster()
            return two_class_rgba(
                class_one_map(self.run.params(epoch), self.run.activation, raster), self.theme, strength=0.32
            )
        shape = image_shape(self.run)
        images = self.run.probe["inputs"].reshape(-1, *shape)
        right = probe_verdicts(self.run, epoch)
        borders = [self.theme.correct if ok else self.theme.wrong for ok in right]
        return mosaic_rgba(images, borders, self.theme, cols=int(np.ceil(np.sqrt(len(images)))))

    def raster(self) -> PlaneRaster:
        grid = self.run.dataset.get("warp_grid")
        if grid:
            bounds = grid["bounds"]
        else:
            x = self.run.probe["inputs"]
            bounds = (x[:, 0].min(), x[:, 0].max(), x[:, 1].min(), x[:, 1].max())
        return PlaneRaster.around(bounds, self.raster_size)

    def points(self) -> VGroup:
        """The training points (or, when they cannot be regenerated, the validation points) over the regions."""
        if not self.plane:
            return VGroup()
        found = self.training_items
        x, y = found if found is not None else (self.run.probe["inputs"], self.run.probe["labels"])
        unit = self.raster().to_unit(x)
        corner = PANEL_CENTRE - PANEL_SIZE / 2 * (RIGHT + UP)
        return VGroup(
            *(
                Dot(
                    corner + PANEL_SIZE * (u * RIGHT + v * UP), radius=0.06, color=self.theme.palette[int(c) % 2]
                ).set_stroke(self.theme.background, 2)
                for (u, v), c in zip(unit, y)
            )
        )

    def panel_note(self) -> VGroup:
        below = PANEL_CENTRE + (PANEL_SIZE / 2 + 0.3) * DOWN
        if not self.plane:
            return label(
                f"{len(self.run.probe['inputs'])} probe digits: green frame right, red wrong",
                self.theme,
                16,
                self.theme.muted,
            ).move_to(below)
        classes = (self.run.dataset.get("classes") or ["class 0", "class 1"])[:2]
        which = f"{len(self.dots)} training points" if self.training_items is not None else "the validation points"
        parts = VGroup(*(label(f"■ {name}", self.theme, 16, self.theme.palette[i]) for i, name in enumerate(classes)))
        parts.add(label(f"· dots: {which}", self.theme, 16, self.theme.muted))
        parts.arrange(RIGHT, buff=0.2)
        return parts.scale_to_fit_width(min(parts.width, PANEL_SIZE + 0.4)).move_to(below)

    def epoch_text(self, epoch: int) -> Readout:
        corner = PANEL_CENTRE + PANEL_SIZE / 2 * (LEFT + UP)
        return Readout("epoch", str(epoch), self.theme, 20, self.theme.highlight).next_to(
            corner, UP, buff=0.1, aligned_edge=LEFT
        )

    def moving_panel(self) -> Group:
        """The panel and, after it, what is drawn over it: an animation puts its group last, so this order stays."""
        return Group(self.panel, self.dots)

    def epoch_to(self, epoch: int) -> list:
        """An animation switching the epoch over the panel to ``epoch`` halfway through."""
        before, after = self.epoch_label.text, str(int(epoch))
        return [Playback(self.epoch_label, lambda t: self.epoch_label.set_value(before if t < 0.5 else after))]

    def chart(self, y_range, y: float, title: str, percent: bool, x_title: str = "") -> LineChart:
        chart = LineChart(
            (0, float(max(self.epochs[-1], 1))),
            y_range,
            self.theme,
            CHART_WIDTH,
            CHART_HEIGHT,
            percent=percent,
            title=title,
            x_title=x_title,
            size=15,
        )
        return chart.move_to([COLUMN_X + 0.55 + CHART_WIDTH / 2, y, 0])

    def curve_key(self) -> VGroup:
        key = VGroup(
            label("— training", self.theme, 16, self.theme.positive),
            label("— validation", self.theme, 16, self.theme.highlight),
        ).arrange(RIGHT, buff=0.4)
        return key.next_to(self.loss_chart.box, UP, buff=0.08, aligned_edge=RIGHT)

    def draw_curves(self, upto: float) -> None:
        for name, curve in self.curves.items():
            chart = self.loss_chart if name.endswith("loss") else self.accuracy_chart
            chart.draw(curve, self.history.epochs, self.metric[name], upto=upto)
