"""What a CNN's first-layer kernels learn: their training, one applied to a digit, what each responds to, an MLP.

    nnexplain render filters                          # cnn-mnist, with mlp-mnist-6k as the MLP
    nnexplain render filters --run runs/cnn --with mlp=runs/mlp

The first layer's kernels play from the random start through every recorded snapshot, the
first epoch slowly. Then the best-fitting edge kernel is laid on one patch of a validation digit:
pixel × weight, summed with the bias, paints one value of its feature map, and the kernel sweeps
every position while the map fills (:mod:`~nnexplain.scenes.filters_apply`). A tilted plane fitted
to each kernel says which way it points and how much of it is an edge, beside each kernel's plane
share at the random start and noise's; a curved fit names a bar; the place among all probe digits
that drives each kernel highest follows (:mod:`~nnexplain.scenes.filters_measure`). Last, the
MLP's first-layer weight images, drawn at the same pixel scale, with the share of each one's
energy in its best window of the kernel's size beside an even spread's
(:mod:`~nnexplain.scenes.filters_compare`). Every number is the runs' own
(:mod:`nnexplain.geometry.filters`). The narration is drawn in the caption band, one cue at a time;
the picture keeps short labels.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UP,
    Animation,
    AnimationGroup,
    FadeIn,
    FadeOut,
    Group,
    Indicate,
    Line,
    Polygon,
    VGroup,
)

from nnexplain.geometry.filters import filters_story
from nnexplain.mobjects.feature_maps import symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, Playback, blend_keyframes, diverging_rgba
from nnexplain.mobjects.style import fmt_percent, label
from nnexplain.scenes.base.run_facts import has_history, has_random_start
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.convolution_text import LABEL, by, outlined, title
from nnexplain.scenes.filters_apply import ApplyBeats
from nnexplain.scenes.filters_compare import CompareBeats
from nnexplain.scenes.filters_layout import TEXT, TOP_TILE, TOP_Y, TRAIN_PITCH, TRAIN_TILE, TRAIN_Y, column_x
from nnexplain.scenes.filters_maps import MapsBeats
from nnexplain.scenes.filters_measure import MeasureBeats, listed, side_words

__all__ = ["Filters", "side_words", "listed"]

QUESTION = "What do a CNN's first-layer kernels learn?"
STEP_BASE, STEP_HEIGHT, STEP_PITCH, STEP_WIDTH = -2.25, 0.95, 0.6, 0.36  # the chart of change per epoch, under the text


def moved_text(value: float) -> str:
    return f"{value:.1f}×"


class Filters(ApplyBeats, MapsBeats, MeasureBeats, CompareBeats, RunScene):
    scene_name = "filters"
    captions_in_band = True  # the narration is drawn as subtitles, one cue at a time; the picture keeps short labels

    def setup(self) -> None:
        super().setup()
        self.mlp = self.runs["mlp"]
        self.story = filters_story(self.run, self.mlp)
        self.kernel_scale = symmetric_scale(self.story.kernels)  # one scale for every kernel at every snapshot

    def construct(self) -> None:
        self.beat("question")
        self.show_question()
        if has_history(self.run):
            self.beat("first epoch")
            self.first_epoch()
            self.beat("the rest of training")
            self.rest_of_training()
        self.beat("one kernel on a digit")
        self.apply_one_kernel()
        self.beat("its whole map")
        self.sweep_map()
        self.beat("feature maps")
        self.show_maps()
        self.beat("one kernel's edge")
        self.fit_one_edge()
        self.beat("one kernel's bar")
        if not self.fit_one_bar():
            self.say("No kernel here is a bar: curvature adds little to any of them.")
        self.beat("every kernel")
        self.measure_every_kernel()
        self.beat("strongest places")
        self.show_strongest()
        self.beat("against an mlp")
        self.compare_mlp()
        self.beat("verdict")
        self.verdict()
        self.hold(extra=3.0)  # the answer stays up once every label is in

    def telling(self, text: str, *steps: Animation) -> None:
        """Narrate ``text`` (drawn in the caption band), the ``steps`` played one after another while it is read."""
        with self.narrate(text) as line:
            if steps:
                self.play(AnimationGroup(*steps, lag_ratio=1), run_time=max(line.duration, self.t(1.0)))

    # --- pictures ----------------------------------------------------------

    def kernel_rgba(self, kernel: np.ndarray) -> np.ndarray:
        return diverging_rgba(kernel, self.kernel_scale, self.theme)

    def epoch_text(self, index: int) -> VGroup:
        story = self.story
        parts = [f"epoch {story.epochs[index]} of {story.epochs[-1]}"] if has_history(self.run) else []
        if story.accuracy[index] is not None:
            parts.append(f"{fmt_percent(story.accuracy[index])} validation accuracy")
        text = " · ".join(parts) or " "
        return label(text, self.theme, LABEL, self.theme.muted).move_to([0, TRAIN_Y - TRAIN_TILE / 2 - 0.65, 0])

    def show_epoch(self, position: float) -> None:
        """Only one line of the epoch texts is drawn (all stay in the scene: nothing is swapped): a snapshot's at a
        whole ``position``, "epoch a → b" between two (the kernels drawn there are a blend of the two snapshots)."""
        count = len(self.story.epochs)
        nearest = int(round(position))
        index = nearest if abs(position - nearest) < 1e-6 else count + int(np.floor(position))
        for number, text in enumerate(self.epoch_texts):
            text.set_opacity(1.0 if number == index else 0.0)

    # --- beats -------------------------------------------------------------

    def show_question(self) -> None:
        story, run = self.story, self.run
        count, k = story.kernels.shape[1], story.size
        facts = f"{run.recipe} · {run.network.parameter_count:,} parameters"
        if story.accuracy[-1] is not None:
            facts += f" · {fmt_percent(story.accuracy[-1])} validation accuracy"
        self.title = title(QUESTION, facts, self.theme)
        start = 0 if has_history(run) else len(story.epochs) - 1
        self.heatmaps = [Heatmap(self.kernel_rgba(kernel), TRAIN_TILE) for kernel in story.kernels[start]]
        self.tiles = [outlined(heatmap, self.theme) for heatmap in self.heatmaps]
        self.numbers = [label(str(i + 1), self.theme, TEXT, self.theme.muted) for i in range(count)]
        for i, (tile, number) in enumerate(zip(self.tiles, self.numbers)):
            tile.move_to([(i - (count - 1) / 2) * TRAIN_PITCH, TRAIN_Y, 0])
            number.next_to(tile, DOWN, buff=0.12)
        self.legend = label(
            f"{by(k, k)} weights each · blue +, red −, one scale for all (±{self.kernel_scale:.2f})",
            self.theme,
            LABEL,
            self.theme.muted,
        ).move_to([0, TRAIN_Y + TRAIN_TILE / 2 + 0.45, 0])
        between = (
            label(f"epoch {a} → {b}", self.theme, LABEL, self.theme.muted).move_to(self.epoch_text(0))
            for a, b in zip(story.epochs, story.epochs[1:])
        )
        self.epoch_texts = VGroup(*(self.epoch_text(i) for i in range(len(story.epochs))), *between)
        self.show_epoch(start)
        self.play(FadeIn(self.title, shift=0.2 * DOWN), run_time=self.t(0.8))
        self.telling(
            f"{QUESTION} This one has {count} kernels of {by(k, k)} weights.",
            FadeIn(Group(*self.tiles), lag_ratio=0.15, run_time=2.0),
            FadeIn(VGroup(*self.numbers, self.legend), run_time=1.0),
        )
        if has_random_start(run):
            self.telling(
                "At the random start they are small random numbers: faint noise.",
                FadeIn(self.epoch_texts, run_time=1.0),
                AnimationGroup(*(self.flash(tile) for tile in self.tiles), lag_ratio=0.25),
            )
        else:
            self.telling("Here they are as the run holds them.", FadeIn(self.epoch_texts, run_time=1.0))

    def flash(self, tile: Group) -> Animation:
        """A kernel's outline lit and put back: this one (a short cue, no change of the kernel)."""
        outline = tile[1]
        return outline.animate(run_time=0.5, rate_func=lambda t: 1 - abs(2 * t - 1)).set_stroke(self.theme.text, 3)

    def play_training(self, start: float, end: float, run_time: float) -> Playback:
        """The kernels from snapshot position ``start`` to ``end``, blended between recorded snapshots."""
        keyframes = list(self.story.kernels)

        def update(t: float) -> None:
            position = start + t * (end - start)
            kernels = blend_keyframes(keyframes, position)
            for heatmap, kernel in zip(self.heatmaps, kernels):
                heatmap.show(self.kernel_rgba(kernel))
            self.show_epoch(position)
            self.grow_steps(position)

        return Playback(Group(*self.heatmaps, self.epoch_texts, self.step_bars), update, run_time=run_time)

    def step_chart(self) -> VGroup:
        """One bar per snapshot interval: how far the whole first layer moved in it, per epoch (grown as it plays)."""
        story = self.story
        per_epoch = story.steps / np.diff(story.epochs)
        self.step_heights = STEP_HEIGHT * per_epoch / per_epoch.max()
        count = len(per_epoch)
        xs = [(i - (count - 1) / 2) * STEP_PITCH for i in range(count)]
        self.step_bars = VGroup(
            *(Polygon(*[[x, STEP_BASE, 0]] * 4).set_fill(self.theme.muted, 1).set_stroke(width=0) for x in xs)
        )
        self.step_xs = xs
        axis = Line([xs[0] - 0.3, STEP_BASE, 0], [xs[-1] + 0.3, STEP_BASE, 0]).set_stroke(self.theme.muted, 1)
        name = label("change per epoch", self.theme, TEXT, self.theme.muted)
        name.next_to(axis, LEFT, buff=0.3).align_to(axis, DOWN)
        return VGroup(axis, name, self.step_bars)

    def chart_ends(self, per_epoch: np.ndarray) -> VGroup:
        """The first and last bars' heights as shares of the first: "100%", "2%"."""
        ends = VGroup()
        for i in (0, len(per_epoch) - 1):
            text = label(fmt_percent(per_epoch[i] / per_epoch[0], 0), self.theme, TEXT, self.theme.text)
            ends.add(
                text.next_to(  # the first left of its bar's top, clear of the bars and of the row above
                    [self.step_xs[i] - (STEP_WIDTH / 2 if i == 0 else 0), STEP_BASE + self.step_heights[i], 0],
                    LEFT if i == 0 else UP,
                    buff=0.12,
                )
            )
        self.chart.add(ends)
        return ends

    def grow_steps(self, position: float) -> None:
        for i, (bar, x, height) in enumerate(zip(self.step_bars, self.step_xs, self.step_heights)):
            top = STEP_BASE + height * float(np.clip(position - i, 0, 1))
            w = STEP_WIDTH / 2
            bar.set_points_as_corners(
                [[x - w, STEP_BASE, 0], [x + w, STEP_BASE, 0], [x + w, top, 0], [x - w, top, 0], [x - w, STEP_BASE, 0]]
            )

    def span(self, start: int, end: int) -> str:
        """Snapshots ``start`` to ``end`` in epochs: "the first epoch", "epochs 2 to 8"."""
        first, last = self.story.epochs[start], self.story.epochs[end]
        if last - first == 1:
            return "the first epoch" if first == 0 else f"epoch {last}"
        return f"epochs {first} to {last}"

    def first_epoch(self) -> None:
        story = self.story
        per_epoch = story.steps / np.diff(story.epochs)  # how far the kernels moved per epoch, snapshot to snapshot
        most = " the most" if per_epoch[0] >= per_epoch.max() else ""
        self.chart = self.step_chart()
        self.telling(
            f"Training starts. In {self.span(0, 1)} the kernels change{most}.",
            FadeIn(self.chart, run_time=0.5),
            self.play_training(0, 1, 5.0),
        )
        if story.accuracy[0] is not None and story.accuracy[1] is not None:
            text = (
                f"Validation accuracy climbs from {fmt_percent(story.accuracy[0])} to {fmt_percent(story.accuracy[1])}."
            )
            self.telling(
                text, self.epoch_texts.animate(run_time=0.8, rate_func=lambda t: 1 - abs(2 * t - 1)).scale(1.1)
            )

    def rest_of_training(self) -> None:
        story = self.story
        last = len(story.epochs) - 1
        if last >= 2:
            per_epoch = story.steps / np.diff(story.epochs)
            pace = "each epoch less than the one before" if np.all(np.diff(per_epoch) < 0) else "more slowly"
            self.telling(
                f"Over {self.span(1, last)} they keep changing, {pace}.",
                self.play_training(1, last, run_time=6.0),
            )
            self.telling(
                f"By the end they move {fmt_percent(per_epoch[-1] / per_epoch[0], 0)} as fast as in the first epoch.",
                Indicate(self.epoch_texts, color=self.theme.text, scale_factor=1.1, run_time=1.0),
                FadeIn(self.chart_ends(per_epoch), run_time=0.6),
            )
        self.moved_labels = VGroup(
            *(
                label(moved_text(value), self.theme, TEXT, self.theme.text).next_to(number, DOWN, buff=0.1)
                for value, number in zip(story.moved, self.numbers)
            )
        )
        self.telling(
            "Under each kernel: how far it moved, in units of its own starting size.",
            FadeOut(self.epoch_texts, run_time=0.4),  # the last epoch's line would sit against the row
            FadeIn(self.moved_labels, lag_ratio=0.1, run_time=1.5),
        )

    def top_row(self) -> Group:
        """The kernels (left off the screen during the detail view), smaller, put in the top row over the columns
        that the rest of the scene fills: to be faded in."""
        for i, (tile, number) in enumerate(zip(self.tiles, self.numbers)):
            tile.stretch_to_fit_width(TOP_TILE).stretch_to_fit_height(TOP_TILE).move_to([column_x(i), TOP_Y, 0])
            number.move_to([column_x(i), TOP_Y - TOP_TILE / 2 - 0.22, 0])
        return Group(*self.tiles, *self.numbers)

    def leave_training(self) -> list[Animation]:
        leaving = [
            FadeOut(self.legend if has_history(self.run) else Group(self.legend, self.epoch_texts), run_time=0.6)
        ]
        if has_history(self.run):
            leaving.append(FadeOut(self.chart, run_time=0.6))
        if has_history(self.run):
            leaving.append(FadeOut(self.moved_labels, run_time=0.6))
        return leaving
