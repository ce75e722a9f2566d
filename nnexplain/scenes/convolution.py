"""What a convolutional layer computes, on a real trained CNN and one real probe digit.

    nnexplain render convolution                      # the cnn-mnist run, trained once
    NNEXPLAIN_RUN=runs/cnn manim -ql scenes/convolution.py Convolution

The first layer's kernel that this digit excites most, its 25 weights written in, lies on the
digit at three places: the patch under it times the weights gives 25 products, written in their
cells as they are counted up, and their sum plus the bias is the value the run stored in that
feature map. Then it slides over every position and the map fills in; every kernel's map; the
ReLU. The later beats (:mod:`~nnexplain.scenes.convolution_later`) pool, read the stack of maps
with the second layer, flatten, and turn the dense layer's scores into the run's probabilities.
Every number comes from the run (:mod:`nnexplain.geometry.convolution`). The narration is drawn
in the caption band; while a line is read, its picture moves.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, UP, Animation, AnimationGroup, FadeIn, FadeOut, Group, Rectangle, VGroup, Wait

from nnexplain.geometry.convolution import DotProduct, convolution_story, edge_correlation
from nnexplain.mobjects.feature_maps import map_grid_rgba, partial_map_rgba, symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, Playback, diverging_rgba, grey_rgba
from nnexplain.mobjects.style import fmt_percent, label
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.convolution_later import LaterLayers
from nnexplain.scenes.convolution_text import CELL, LABEL, by, numbered, outlined, reveal, signed, title, transparent

__all__ = ["Convolution", "live_readout"]

# The first layer's pictures: the digit over its feature map in a column on the left, the work on the right.
COLUMN_X, DIGIT_Y, MAP_Y, COLUMN_HEIGHT = -5.35, 2.3, -0.55, 2.3
WORK_X = 1.4  # the centre of the room right of the column
PATCH_X, PATCH_Y, WEIGHTS_Y, SMALL = -3.0, 2.55, 0.0, 1.3  # the patch over the weights, each SMALL tall
PRODUCTS_X, PRODUCTS_Y = 1.05, 0.75  # the 5 × 5 products, cells CELL wide
SUM_X = 4.95
GRID_Y, GRID_HEIGHT = 0.9, 4.0


def live_readout(values: np.ndarray, row: int, column: int) -> str:
    """The running value beside the sliding kernel: the map's value at (row, column), 1-based in the text."""
    return f"row {row + 1}, column {column + 1}\n= {signed(float(values[row, column]))}"


def cell_centre(heatmap: Heatmap, rows: int, row: float, column: float) -> np.ndarray:
    """The centre of cell (row, column) of a square-celled heatmap ``rows`` cells tall."""
    cell = heatmap.height / rows
    return heatmap.get_corner(UP + LEFT) + cell * np.array([column + 0.5, -(row + 0.5), 0])


class Convolution(LaterLayers, RunScene):
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
        self.hold(extra=1.5)

    def telling(self, text: str, *steps: Animation) -> None:
        """Narrate ``text`` in the caption band, the ``steps`` played one after another while it is read
        (each takes its share of the line by its own run time)."""
        with self.narrate(text) as line:
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
        self.telling(
            "A convolutional network reads an image through small kernels.",
            FadeIn(self.title, shift=0.2 * DOWN, run_time=1.0),
        )
        self.telling(
            f"Here is one handwritten {story.label} from the run's probe set; "
            f"{'the network gets it right' if right else 'the network gets it wrong'}.",
            FadeIn(self.digit, scale=0.6, run_time=1.5),
            FadeIn(self.digit_label, run_time=0.8),
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
        self.telling(
            f"Its first layer has {story.conv.channels} kernels, each a {by(k, k)} grid of weights.",
            FadeOut(self.title, run_time=0.6),
            AnimationGroup(
                self.digit.animate.scale_to_fit_height(COLUMN_HEIGHT).move_to(small_digit),
                self.digit_label.animate.become(digit_label),
                run_time=1.2,
            ),
        )
        self.telling(
            f"This is kernel {story.channel + 1}, the one this {story.label} drives highest.",
            FadeIn(Group(kernel, self.kernel_label), shift=0.3 * UP, run_time=1.0),
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
            f"What it computes is a feature map, {by(rows, cols)}, empty so far.",
            FadeIn(Group(self.map, self.map_label), shift=0.2 * UP, run_time=1.0),
        )

    def place_window(self, row: int, column: int) -> None:
        """The window over the digit's patch for output (row, column), and the map's cell it gives."""
        story, conv = self.story, self.story.conv
        k = story.kernel.shape[0]
        top, left = row * conv.stride[0] - conv.padding[0], column * conv.stride[1] - conv.padding[1]
        self.window.move_to(cell_centre(self.digit, story.image.shape[0], top + (k - 1) / 2, left + (k - 1) / 2))
        self.cell.move_to(cell_centre(self.map, story.pre_maps.shape[1], row, column))

    def map_with_cells(self) -> np.ndarray:
        """The followed map with only the dot products computed so far drawn in."""
        values = self.story.pre_maps[self.story.channel]
        rgba = partial_map_rgba(values, self.map_scale, self.theme, 0)
        full = diverging_rgba(values, self.map_scale, self.theme)
        for r, c in self.shown_cells:
            rgba[r, c] = full[r, c]
        return rgba

    def show_dot_product(self, number: int, dot: DotProduct) -> None:
        story = self.story
        k = story.kernel.shape[0]
        scale = symmetric_scale(dot.products) if np.abs(dot.products).max() > 0 else self.kernel_scale
        patch = outlined(Heatmap(grey_rgba(dot.patch), SMALL), self.theme).move_to([PATCH_X, PATCH_Y, 0])
        patch_label = self.muted("patch").next_to(patch, DOWN, buff=0.08)
        times = label("×", self.theme, 40).move_to([PATCH_X, (PATCH_Y + WEIGHTS_Y) / 2 - 0.15, 0])
        weights_label = self.muted("weights").move_to([PATCH_X, WEIGHTS_Y - SMALL / 2 - 0.22, 0])
        equals = label("=", self.theme, 40).move_to([PRODUCTS_X - CELL * k / 2 - 0.45, PRODUCTS_Y, 0])
        empty = np.zeros_like(dot.products)
        products = outlined(Heatmap(partial_map_rgba(empty, scale, self.theme, 0), CELL * k), self.theme)
        products.move_to([PRODUCTS_X, PRODUCTS_Y, 0])
        # the products written out, each pixel × the weight over it, in the cells they colour, counted in one by one
        numbers = numbered(products, dot.products, self.theme)
        products_label = self.muted(f"the {k * k} products").next_to(products, DOWN, buff=0.12)
        running = VGroup(label("sum 0", self.theme, LABEL))
        running.move_to([SUM_X, PRODUCTS_Y + 1.0, 0])
        bias = label(f"+ bias {signed(dot.bias)}", self.theme, LABEL).move_to([SUM_X, PRODUCTS_Y + 0.35, 0])
        value = label(f"= {signed(dot.value)}", self.theme, 34, self.theme.highlight)
        value.move_to([SUM_X, PRODUCTS_Y - 0.4, 0])

        def count_in(t: float) -> None:
            if t == 0:  # not begun: the products' board is still fading in
                return
            counted = int(round(t * k * k))
            products[0].show(partial_map_rgba(dot.products, scale, self.theme, counted))
            for index, text in enumerate(numbers):
                text.set_opacity(1.0 if index < counted else 0.0)
            total = label(f"sum {signed(dot.products.ravel()[:counted].sum())}", self.theme, LABEL)
            running.submobjects = [total.move_to([SUM_X, PRODUCTS_Y + 1.0, 0]).set_opacity(float(t > 0))]

        for text in numbers:
            text.set_opacity(0.0)
        numbers.set_z_index(1)  # over the products' board, which fades in after them
        self.add(running)
        running.add_updater(lambda mobject: None)  # redrawn each frame while its text is swapped
        steps: list[Animation] = []
        if number == 0:  # the big kernel, numbers and all, shrinks to the weights' place
            self.place_window(dot.row, dot.column)
            source = self.window.get_center()
            steps += [
                FadeOut(Group(self.kernel_numbers, self.kernel_label), run_time=0.5),
                self.kernel.animate(run_time=1.0).scale_to_fit_height(SMALL).move_to([PATCH_X, WEIGHTS_Y, 0]),
                FadeIn(Group(self.window, self.cell), run_time=0.6),
            ]
        else:  # the last position's work leaves; the window and its cell travel to the next
            before = self.window.get_center(), self.cell.get_center()
            self.place_window(dot.row, dot.column)
            after = self.window.get_center(), self.cell.get_center()
            self.window.move_to(before[0])
            self.cell.move_to(before[1])
            source = after[0]
            steps += [
                FadeOut(self.work, run_time=0.5),
                AnimationGroup(
                    self.window.animate.move_to(after[0]), self.cell.animate.move_to(after[1]), run_time=1.0
                ),
            ]
        steps += [  # the patch comes out of the window on the digit
            FadeIn(Group(patch, patch_label), target_position=source, scale=0.3, run_time=0.9),
            FadeIn(VGroup(times, weights_label, equals), run_time=0.5),
            FadeIn(Group(products, products_label), run_time=0.4),  # the running sum shows once counting starts
            Playback(Group(products, numbers, running), count_in, run_time=3.0),
        ]
        self.add(numbers)  # see-through until counted in
        where = f"row {dot.row + 1}, column {dot.column + 1}"
        if number == 0:
            lines = [
                "Lay the kernel on the digit; multiply each pixel by the weight over it.",
                f"Add the {k * k} products and the bias: {signed(dot.value)}, the map's largest value.",
            ]
        elif not np.any(dot.patch):
            lines = [
                "At the top-left corner the window covers only blank paper.",
                f"Every product is 0, so only the bias is left: {signed(dot.bias)}.",
            ]
        elif number == 1:
            lines = [
                f"Move the window to {where} and do the same.",
                f"The sum is {signed(dot.value)}, the smallest value in this map.",
            ]
        else:
            lines = [f"Move the window to {where} and do the same.", f"The sum is {signed(dot.value)}."]
        self.telling(lines[0], *steps)
        running.clear_updaters()
        flying = value.copy()

        def fill(t: float) -> None:
            if t > 0:
                self.shown_cells.add((dot.row, dot.column))
                self.map.show(self.map_with_cells())

        self.telling(
            lines[1],
            FadeIn(bias, run_time=0.7),
            FadeIn(value, run_time=0.7),
            flying.animate(run_time=1.0).scale(0.3).move_to(self.cell).set_opacity(0.0),
            Playback(Group(self.map, self.cell), fill, run_time=0.3),  # the cell stays drawn over the map
        )
        self.remove(flying)
        self.work = Group(patch, patch_label, times, weights_label, equals, products, numbers, products_label)
        self.work.add(running, bias, value)

    def slide_kernel(self) -> None:
        story = self.story
        rows, cols = story.pre_maps.shape[1:]
        values = story.pre_maps[story.channel]
        # the readout's text is swapped whole, never morphed with become(): its glyph count changes, and become()
        # would pad the glyphs with copies that depend on which frames were drawn, so the readout would differ
        # between a drawn and a skipped slide. A (no-op) updater keeps its holder redrawn.
        centre = np.array([WORK_X, -1.0, 0])
        readout = VGroup(label(live_readout(values, 0, 0), self.theme, LABEL, self.theme.highlight).move_to(centre))
        readout.add_updater(lambda mobject: None)
        self.add(readout.set_opacity(0.0))

        def sweep(t: float) -> None:
            filled = int(round(t * rows * cols))
            self.map.show(partial_map_rgba(values, self.map_scale, self.theme, filled))
            position = min(filled, rows * cols - 1)
            self.place_window(position // cols, position % cols)
            # the value just written into the map, beside the kernel that made it
            text = label(live_readout(values, position // cols, position % cols), self.theme, LABEL)
            readout.submobjects = [text.set_color(self.theme.highlight).move_to(centre).set_opacity(float(t > 0))]

        moving = Group(self.map, self.window, self.cell, readout)
        self.telling(  # one line, one play: the readout's text is swapped each frame, never left in a still frame
            f"Slide it one pixel at a time: {rows * cols} dot products fill the map, row by row.",
            FadeOut(self.work, run_time=0.6),
            self.kernel.animate(run_time=0.8).scale_to_fit_height(2.4).move_to([WORK_X, 1.4, 0]),
            Playback(moving, sweep, run_time=6.0),
        )
        readout.clear_updaters()
        self.work = Group(readout)

    def what_it_detects(self) -> None:
        """The one sentence to keep, said only when the run shows it: the map measured against the ink's change."""
        story = self.story
        k = story.kernel.shape[0]
        correlation = edge_correlation(story.image, story.pre_maps[story.channel], story.conv, k)
        if correlation >= 0.7:
            answer = "an edge detector:\nblue where a stroke begins,\nred where it ends"
            lines = [
                f"Kernel {story.channel + 1} detects edges: its map is high where ink begins, left to right,",
                f"and negative where it ends (correlation {correlation:.2f} with the ink's change).",
            ]
        else:
            answer = "one pattern,\nlooked for everywhere"
            lines = [
                f"A convolution asks one question everywhere: how much is each patch like kernel {story.channel + 1}?",
                "Its map is the answer, position by position.",
            ]
        words = label(answer, self.theme, LABEL, self.theme.highlight).move_to([WORK_X, -1.0, 0])
        self.telling(
            lines[0],
            FadeOut(Group(self.work, self.window, self.cell), run_time=0.5),
            FadeIn(words, shift=0.2 * UP, run_time=1.0),
        )
        self.telling(lines[1], self.map.animate(run_time=0.8, rate_func=lambda t: 1 - abs(2 * t - 1)).scale(1.12))
        self.work = Group(self.kernel, words)

    def grid_frames(self) -> dict[int, str]:
        return {self.story.channel: self.theme.highlight}

    def show_all_maps(self) -> None:
        story = self.story
        count = story.conv.channels
        self.maps_cols = 4 if count > 4 else count
        before = map_grid_rgba(story.pre_maps, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames())
        height = min(GRID_HEIGHT, 9.6 * before.shape[0] / before.shape[1])
        self.grid = Heatmap(before, height).move_to([WORK_X, GRID_Y, 0])
        self.grid_label = self.muted(f"all {count} maps, one colour scale (±{self.map_scale:.2f})")
        self.grid_label.next_to(self.grid, DOWN, buff=0.15)
        shown = self.story.pre_maps.copy()

        def one_by_one(t: float) -> np.ndarray:
            hidden = shown.copy()
            hidden[int(t * count) :] = 0  # maps not reached yet: blank (0 is the background's colour)
            image = map_grid_rgba(hidden, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames())
            return image if t > 0 else transparent(image)  # nothing over the map fading out

        self.grid.show(one_by_one(0))
        self.add(self.grid)  # blank until revealed (a FadeIn would redraw it over the reveal)
        self.telling(
            f"Each of the {count} kernels makes its own map of the same digit.",
            FadeOut(Group(self.map, self.map_label, self.work), run_time=0.8),
            FadeIn(self.grid_label, run_time=0.5),
            reveal(self.grid, one_by_one, run_time=3.0),
        )
        self.telling(
            f"Kernel {story.channel + 1}'s map, the one we built, is framed in yellow.",
            self.grid.animate(run_time=1.2, rate_func=lambda t: 1 - abs(2 * t - 1)).scale(1.04),
        )

    def apply_relu(self) -> None:
        story = self.story
        before = map_grid_rgba(story.pre_maps, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames())
        after = map_grid_rgba(story.act_maps, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames())
        blend = lambda t: np.round((1 - t) * before + t * after).astype(np.uint8)  # noqa: E731
        if self.run.activation == "relu":
            self.telling(
                "ReLU sets every negative value to 0 and keeps the rest.",
                reveal(self.grid, lambda t: blend(0.5 * t), run_time=3.0),
            )
            self.telling(
                f"{fmt_percent(story.zeroed_share)} of these values, the red ones, become 0.",
                reveal(self.grid, lambda t: blend(0.5 + 0.5 * t), run_time=3.0),
            )
        else:
            self.telling(
                f"The activation, {self.run.activation}, is applied to every value of every map.",
                reveal(self.grid, blend, run_time=3.0),
            )
