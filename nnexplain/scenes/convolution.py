"""What a convolutional layer computes, on a real trained CNN and one real probe digit.

    nnexplain render convolution                      # the cnn-mnist run, trained once
    NNEXPLAIN_RUN=runs/cnn manim -ql scenes/convolution.py Convolution

The first layer's kernel that this digit excites most, its 25 weights written in, lies on the
digit at three places (:mod:`~nnexplain.scenes.convolution_dot`): the patch under it times the
weights gives 25 products, written in their cells as they are counted up, and their sum plus the
bias is the value the run stored in that feature map. Then it slides over every position and the map fills in; every kernel's map; the
ReLU. The later beats (:mod:`~nnexplain.scenes.convolution_later`) pool, read the stack of maps
with the second layer, flatten, and turn the dense layer's scores into the run's probabilities.
Every number comes from the run (:mod:`nnexplain.geometry.convolution`). The narration is drawn
in the caption band; while a line is read, its picture moves.
"""

from __future__ import annotations

from typing import Callable, ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    FadeIn,
    FadeOut,
    Group,
    Rectangle,
    VGroup,
    Wait,
    there_and_back,
)

from nnexplain.geometry.convolution import convolution_story, edge_correlation, ink_change
from nnexplain.mobjects.feature_maps import map_grid_rgba, partial_map_rgba, symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, diverging_rgba, grey_rgba
from nnexplain.mobjects.style import fmt_percent, formula, label
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.convolution_dot import DotProductBeats
from nnexplain.scenes.convolution_later import LaterLayers
from nnexplain.scenes.convolution_slide import SlideBeats, live_readout, under
from nnexplain.scenes.convolution_text import (
    CELL,
    LABEL,
    by,
    numbered,
    outlined,
    reveal,
    title,
    transparent,
    written_sum,
)

__all__ = ["Convolution", "live_readout"]

# The first layer's pictures: the digit over its feature map in a column on the left, the work on the right.
COLUMN_X, DIGIT_Y, MAP_Y, COLUMN_HEIGHT = -5.1, 2.3, -0.55, 2.3  # labels inside the 24 px margin
WORK_X = 1.4  # the centre of the room right of the column
GRID_Y, GRID_HEIGHT = 0.9, 4.0


def pulse(mobject, factor: float, run_time: float = 1.0) -> Animation:
    """Grow ``mobject`` a little and back: "this one"."""
    return mobject.animate(run_time=run_time, rate_func=there_and_back).scale(factor)


class Convolution(DotProductBeats, SlideBeats, LaterLayers, RunScene):
    scene_name = "convolution"
    captions_in_band = True  # the narration is drawn as subtitles; the picture keeps short labels only
    epoch: ClassVar[int | None] = None  # the snapshot drawn; None: the last

    def construct(self) -> None:
        self.story = convolution_story(self.run, self.epoch)
        self.beat("title")
        self.show_title()
        self.beat("kernel")
        self.show_kernel()
        for number, dot in enumerate(self.story.dot_products):
            self.beat(f"dot product {number + 1}")
            self.show_dot_product(number, dot)
        self.beat("slide")
        self.slide_kernel()
        self.beat("what it detects")
        self.what_it_detects()
        self.beat("all maps")
        self.show_all_maps()
        self.beat("relu")
        self.apply_relu()
        self.beat("pooling")
        self.pool()
        self.beat("second layer")
        self.second_layer()
        self.beat("flatten")
        self.flatten()
        self.beat("dense")
        self.dense_to_softmax()
        self.beat("answer")
        self.answer()
        self.hold(extra=3.0)

    def telling(self, text: str, *steps: Animation, before: Callable[[], None] | None = None) -> None:
        """Narrate ``text`` in the caption band, the ``steps`` played one after another while it is read
        (each takes its share of the line by its own run time); ``before`` is called just before they play."""
        with self.narrate(text) as line:
            if before is not None:
                before()
            # lag_ratio 1: one after another, but all begun at once, so nothing shows before its turn
            self.play(AnimationGroup(*(steps or [Wait(1.0)]), lag_ratio=1), run_time=max(line.duration, self.t(1.0)))

    def muted(self, text: str) -> VGroup:
        return label(text, self.theme, LABEL, self.theme.muted)

    # --- beats -------------------------------------------------------------

    def show_title(self) -> None:
        story, run = self.story, self.run
        entry = run.snapshot(self.epoch)
        facts = f"{run.recipe} · {run.network.parameter_count:,} parameters · epoch {entry['epoch']}"
        if entry["metrics"].get("val_acc") is not None:
            facts += f" · {fmt_percent(entry['metrics']['val_acc'])} validation accuracy"
        self.title = title("What does a convolutional layer compute?", facts, self.theme)
        self.digit = Heatmap(grey_rgba(story.image), 3.4).move_to([0, 0, 0])
        rows, cols = story.image.shape
        self.digit_label = self.muted(f"the digit, {by(rows, cols)} pixels").next_to(self.digit, DOWN, buff=0.15)
        right = story.classes[int(story.probabilities.argmax())] == story.label
        self.play(FadeIn(self.title, shift=0.2 * DOWN), run_time=self.t(1.0))  # a picture before any word
        self.telling(
            "A convolutional network reads an image through small kernels.",
            FadeIn(self.digit, scale=0.6, run_time=1.5),
        )
        self.telling(
            f"Here is one handwritten {story.label} from the run's probe set; "
            f"{'the network gets it right' if right else 'the network gets it wrong'}.",
            FadeIn(self.digit_label, run_time=0.8),
            pulse(self.digit, 1.08, run_time=1.2),
        )

    def show_kernel(self) -> None:
        story = self.story
        k = story.kernel.shape[0]
        self.kernel_scale = symmetric_scale(story.kernel)
        kernel = outlined(Heatmap(diverging_rgba(story.kernel, self.kernel_scale, self.theme), CELL * k), self.theme)
        self.kernel_numbers = numbered(kernel, story.kernel, self.theme)
        self.kernel = kernel
        Group(kernel, self.kernel_numbers).move_to([WORK_X, 0.95, 0])
        self.kernel_label = self.muted(f"kernel {story.channel + 1}: {by(k, k)} weights, blue +, red −")
        self.kernel_label.next_to(kernel, DOWN, buff=0.15)
        self.map_scale = symmetric_scale(story.pre_maps)
        rows, cols = story.pre_maps.shape[1:]
        values = story.pre_maps[story.channel]
        self.map = Heatmap(partial_map_rgba(values, self.map_scale, self.theme, 0), COLUMN_HEIGHT)
        self.map.move_to([COLUMN_X, MAP_Y, 0])
        self.map_label = self.muted(f"map {story.channel + 1}, {by(rows, cols)}").next_to(self.map, DOWN, buff=0.12)
        small_digit = self.digit.copy().scale_to_fit_height(COLUMN_HEIGHT).move_to([COLUMN_X, DIGIT_Y, 0])
        digit_label = self.muted("the digit").next_to(small_digit, DOWN, buff=0.12)
        old_label, self.digit_label = self.digit_label, digit_label
        # every kernel in a row, each with its largest weighted sum on this digit under it
        weights = self.run.tensors(self.epoch)["weight.0"][:, 0].astype(np.float64)
        row = Group(
            *(outlined(Heatmap(diverging_rgba(w, symmetric_scale(w), self.theme), 1.0), self.theme) for w in weights)
        )
        row.arrange(RIGHT, buff=0.25).move_to([1.45, 1.6, 0])  # inside the margin, clear of the digit
        peaks = VGroup(
            *(
                label(f"{v:.1f}", self.theme, LABEL, self.theme.highlight if i == story.channel else None)
                for i, v in enumerate(story.peaks)
            )
        )
        for tile, peak in zip(row, peaks):
            peak.next_to(tile, DOWN, buff=0.15)
        names = VGroup(*(self.muted(str(i + 1)).next_to(tile, UP, buff=0.1) for i, tile in enumerate(row)))
        peaks_label = self.muted(f"each kernel's largest sum on this {story.label}, before its bias").next_to(
            peaks, DOWN, buff=0.2
        )
        self.telling(
            f"Its first layer has {story.conv.channels} kernels, each a {by(k, k)} grid of weights.",
            FadeOut(self.title, run_time=0.6),
            FadeOut(old_label, run_time=0.4),  # the long label leaves, then the short one comes: no morph of letters
            self.digit.animate(run_time=1.0).scale_to_fit_height(COLUMN_HEIGHT).move_to(small_digit),
            FadeIn(digit_label, run_time=0.4),
            AnimationGroup(*(FadeIn(Group(t, n)) for t, n in zip(row, names)), lag_ratio=0.2, run_time=1.6),
        )
        self.telling(
            f"Kernel {story.channel + 1} responds most to this {story.label}; what its number means comes next.",
            AnimationGroup(*(FadeIn(p, shift=0.2 * DOWN) for p in peaks), lag_ratio=0.2, run_time=1.6),
            FadeIn(peaks_label, run_time=0.6),
            pulse(row[story.channel], 1.25, run_time=1.0),
        )
        others = Group(*(Group(t, n, p) for i, (t, n, p) in enumerate(zip(row, names, peaks)) if i != story.channel))
        chosen = Group(row[story.channel], names[story.channel], peaks[story.channel], peaks_label)
        self.telling(
            f"Here are its {k * k} weights: blue positive, red negative.",
            FadeOut(others, run_time=0.6),
            FadeOut(chosen, run_time=0.6),
            FadeIn(Group(kernel, self.kernel_label), scale=0.3, run_time=0.8),
            FadeIn(self.kernel_numbers, lag_ratio=0.04, run_time=1.5),
        )
        pixel = COLUMN_HEIGHT / story.image.shape[0]
        self.window = Rectangle(width=k * pixel, height=k * pixel).set_stroke(self.theme.highlight, 3)
        cell = COLUMN_HEIGHT / rows
        self.cell = Rectangle(width=cell, height=cell).set_stroke(self.theme.highlight, 3)
        self.shown_cells: set[tuple[int, int]] = set()
        self.work: Group | None = None  # the dot product's pictures, replaced at each position
        self.place_window(0, 0)
        self.telling(
            f"It makes a feature map: the window fits {story.image.shape[1]} − {k} + 1 = {cols} places across.",
            FadeIn(Group(self.map, self.map_label), shift=0.2 * UP, run_time=1.0),
        )

    def what_it_detects(self) -> None:
        """The one sentence to keep, said only when the run shows it: the map drawn beside the ink's change, and their
        correlation, measured."""
        story = self.story
        k = story.kernel.shape[0]
        correlation = edge_correlation(story.image, story.pre_maps[story.channel], story.conv, k)
        middle = np.array([(self.digit.get_right()[0] + self.map.get_left()[0]) / 2, 0, 0])  # between the panels
        leave = FadeOut(Group(self.work, self.window, self.cell), run_time=0.5)
        below = np.array([0, -1.75, 0])  # under the panels' labels, over the caption band
        if correlation < 0.7:
            words = label("one pattern, looked for everywhere", self.theme, LABEL, self.theme.highlight)
            self.telling(
                f"A convolution asks one question everywhere: how much is each patch like kernel {story.channel + 1}?",
                leave,
                FadeIn(words.move_to(middle + below), shift=0.2 * UP, run_time=1.0),
            )
            self.telling("Its map is the answer, position by position.", pulse(self.map, 1.05))
            self.work = Group(words)
            return
        change = ink_change(story.image, story.conv, k)
        ink = Heatmap(diverging_rgba(change, symmetric_scale(change), self.theme), 0.85 * self.map.height)
        ink.move_to([middle[0], self.map.get_top()[1] - ink.height / 2, 0])
        ink_label = self.muted("the ink's change,\nleft to right")
        ink_label.move_to(under(ink.get_center(), ink.height, ink_label))

        words = VGroup(
            label("blue: ink begins", self.theme, LABEL, self.theme.positive),
            label("red: ink ends", self.theme, LABEL, self.theme.negative),
        ).arrange(RIGHT, buff=0.5)
        words.move_to(middle + below + 0.05 * UP)
        r = label(f"match with the ink's change: r = {correlation:.2f}", self.theme, LABEL, self.theme.highlight)
        r.next_to(words, DOWN, buff=0.12)
        self.telling(
            f"Kernel {story.channel + 1} detects edges: its map is high where ink begins, left to right,",
            leave,
            FadeIn(words, run_time=0.8),
            AnimationGroup(pulse(self.map, 1.05), run_time=1.5),
        )
        self.telling(
            f"and negative where it ends (correlation {correlation:.2f} with the ink's change).",
            FadeIn(Group(ink, ink_label), shift=0.3 * RIGHT, run_time=1.2),
            FadeIn(r, scale=1.3, run_time=0.8),
        )
        self.work = Group(words, ink, ink_label, r)

    def grid_frames(self) -> dict[int, str]:
        return {self.story.channel: self.theme.highlight}

    def show_all_maps(self) -> None:
        """The followed map moves into its place among all the first layer's maps; the others come in around it."""
        story = self.story
        count = story.conv.channels
        self.maps_cols = 4 if count > 4 else count
        maps = story.pre_maps
        image = map_grid_rgba(maps, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames())
        height = min(GRID_HEIGHT, 9.6 * image.shape[0] / image.shape[1])
        self.grid = Heatmap(image, height).move_to([WORK_X, GRID_Y, 0])
        self.grid_label = self.muted(f"all {count} maps, one colour scale (±{self.map_scale:.2f})")
        self.grid_label.next_to(self.grid, DOWN, buff=0.15)
        rows, cols = maps.shape[1:]
        pixel = self.grid.height / image.shape[0]  # tiles are a map and a 1-pixel frame all round
        tile_row, tile_col = divmod(story.channel, self.maps_cols)
        slot = self.grid.get_corner(UP + LEFT) + pixel * np.array(
            [tile_col * (cols + 2) + 1 + cols / 2, -(tile_row * (rows + 2) + 1 + rows / 2), 0]
        )

        def around(t: float) -> np.ndarray:
            hidden = maps.copy()
            reached = int(t * count)
            for index in range(count):  # the followed map is there from the start (it flew in); the rest in turn
                if index >= reached and index != story.channel:
                    hidden[index] = 0  # blank: 0 is the background's colour
            image = map_grid_rgba(hidden, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames())
            return image if t > 0 else transparent(image)

        self.grid.show(around(0))
        self.add(self.grid)  # see-through until revealed (a FadeIn would redraw it over the reveal)
        self.telling(
            f"Each of the {count} kernels makes its own map of the same digit.",
            FadeOut(Group(self.map_label, self.work), run_time=0.6),
            AnimationGroup(
                self.map.animate.scale_to_fit_height(rows * pixel).move_to(slot),
                self.digit.animate.scale_to_fit_height(COLUMN_HEIGHT).move_to([COLUMN_X, DIGIT_Y, 0]),
                self.digit_label.animate.move_to(under([COLUMN_X, DIGIT_Y, 0], COLUMN_HEIGHT, self.digit_label)),
                run_time=1.2,
            ),
            reveal(self.grid, around, run_time=3.0),
        )
        self.remove(self.map)  # the grid draws it now
        names = VGroup()  # each map numbered as its kernel was, in its tile's top-left corner
        for index in range(count):
            tile_row, tile_col = divmod(index, self.maps_cols)
            corner = self.grid.get_corner(UP + LEFT) + pixel * np.array(
                [tile_col * (cols + 2) + 1, -(tile_row * (rows + 2) + 1), 0]
            )
            name = label(str(index + 1), self.theme, LABEL, self.theme.highlight if index == story.channel else None)
            name.set_stroke(self.theme.background, width=4, background=True).set_z_index(2)  # over the grid
            names.add(name.move_to(corner + np.array([0.22, -0.24, 0])))
        self.telling(
            f"Kernel {story.channel + 1}'s map, the one we built, is framed in yellow.",
            FadeIn(names, lag_ratio=0.15, run_time=1.0),
            pulse(Group(self.grid, names), 1.04, run_time=1.2),
            FadeIn(self.grid_label, run_time=0.6),
        )
        self.grid_label = VGroup(self.grid_label, names)

    def apply_relu(self) -> None:
        story = self.story
        before = map_grid_rgba(story.pre_maps, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames())
        after = map_grid_rgba(story.act_maps, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames())
        blend = lambda t: np.round((1 - t) * before + t * after).astype(np.uint8)  # noqa: E731
        if self.run.activation == "relu":
            # the red counted while it is there, then taken away as the sentence says so
            marked = map_grid_rgba(  # every negative value at full red for a moment: these are the ones
                np.where(story.pre_maps < 0, -self.map_scale, story.pre_maps),
                self.map_scale,
                self.theme,
                self.maps_cols,
                1,
                self.grid_frames(),
            )
            flash = lambda t: np.round(before + np.sin(np.pi * t) * (marked.astype(float) - before)).astype(np.uint8)  # noqa: E731
            self.telling(
                f"{fmt_percent(story.zeroed_share)} of these values are negative: the red ones.",
                reveal(self.grid, flash, run_time=2.0),
            )
            self.telling(
                "ReLU sets every negative value to 0 and keeps the rest.",
                reveal(self.grid, blend, run_time=3.0),
            )
        else:
            self.telling(
                f"The activation, {self.run.activation}, is applied to every value of every map.",
                reveal(self.grid, blend, run_time=3.0),
            )

    def answer(self) -> None:
        """The question again, answered by the layer's formula and the two values worked out with it in this run."""
        story = self.story
        question = label("What does a convolutional layer compute?", self.theme, 34, weight="BOLD")
        # the layer's whole rule: every kernel k reads every input map c; layer 1 has one input map, layer 2 eight
        law = formula(
            "y_(k,i,j) = b_k + sum_c sum_(u,v=0)^4 w_(k,c,u,v) x_(c, i+u, j+v)",
            self.theme,
            64,
            color=self.theme.highlight,
        )
        dot = story.dot_products[0]
        written = written_sum(dot.products, dot.bias)
        lines = [
            f'"layer 1:" quad y_({story.channel + 1},{dot.row + 1},{dot.column + 1}) = '
            f"{written.total:.2f} + ({written.bias:.2f}) = {written.value:.2f}"
        ]
        if story.second is not None:
            second = written_sum(story.second.parts, story.second.bias)
            where = f"{story.second.kernel + 1},{story.second.row + 1},{story.second.column + 1}"
            lines.append(
                f'"layer 2, 8 maps:" quad y_({where}) = {second.total:.2f} + ({second.bias:.2f}) = {second.value:.2f}'
            )
        worked = VGroup(*(formula(line, self.theme, 52) for line in lines)).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        VGroup(question, law, worked).arrange(DOWN, aligned_edge=LEFT, buff=0.2).to_corner(UP + LEFT, buff=0.5)
        # the chart and its caption leave before the summary is said
        self.play(FadeOut(self.ending), *self.unsay("band"), run_time=self.t(0.6))
        self.play(FadeIn(question, shift=0.2 * DOWN), FadeIn(law), run_time=self.t(0.8))  # never words over nothing
        self.telling(
            "So a kernel's dot product with every patch, plus its bias, makes one map.",
            FadeIn(worked, lag_ratio=0.5, run_time=1.6),
        )
