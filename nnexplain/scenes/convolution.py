"""What a convolutional layer computes, on a real trained CNN and one real probe digit.

    nnexplain render convolution                      # the cnn-mnist run, trained once
    NNEXPLAIN_RUN=runs/cnn manim -ql scenes/convolution.py Convolution

The first layer's kernel that this digit excites most lies on the digit at three places,
the dot product written out (patch × weights = products, their sum plus the bias), each the
value the run stored in that feature map; then it slides over every position and the map
fills in. Then every kernel's map, the ReLU, max pooling (which value survives, and why the
map shrinks), the later layers' maps, flatten, and the dense layer's probabilities. Every
number comes from the run (:mod:`nnexplain.geometry.convolution`). While a line is read,
its picture moves: each beat's animations are spread over its narration.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, RIGHT, UP, Animation, AnimationGroup, FadeIn, FadeOut, Group, Rectangle, VGroup, Wait

from nnexplain.geometry.convolution import DotProduct, convolution_story, edge_correlation
from nnexplain.mobjects.charts import SignedBars
from nnexplain.mobjects.feature_maps import EMPTY, map_grid_rgba, partial_map_rgba, symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, Playback, diverging_rgba, grey_rgba
from nnexplain.mobjects.style import fmt_percent, label
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.convolution_text import (
    LABEL,
    by,
    caption,
    numbered,
    outlined,
    reveal,
    signed,
    title,
    transparent,
)

DIGIT_X, MAP_X, PANEL_Y, PANEL_HEIGHT = -4.65, 4.65, -0.2, 3.8
TRIPLE_Y, TRIPLE_HEIGHT, PRODUCTS_HEIGHT = 0.45, 1.05, 2.5
GRID_X, GRID_HEIGHT = 2.2, 3.6
WIDEST = 12.2  # a grid of later maps or the flattened strip, in scene units


def live_readout(values: np.ndarray, row: int, column: int) -> str:
    """The running value beside the sliding kernel: the map's value at (row, column), 1-based in the text."""
    return f"row {row + 1}, column {column + 1}\n= {signed(float(values[row, column]))}"


class Convolution(RunScene):
    scene_name = "convolution"
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
        self.beat("later layers")
        self.later_layers()
        self.beat("flatten")
        self.flatten()
        self.beat("dense")
        self.dense_to_softmax()
        self.hold(extra=1.0)

    def telling(self, text: str, *steps: Animation) -> None:
        """Narrate ``text`` as the caption, the ``steps`` played one after another while it is read
        (each takes its share of the line by its own run time)."""
        with self.narrate(text, caption(text, self.theme)) as line:
            # lag_ratio 1: one after another, but all begun at once, so nothing shows before its turn
            self.play(AnimationGroup(*steps, lag_ratio=1), run_time=max(line.duration, self.t(1.0)))

    # --- beats -------------------------------------------------------------

    def show_title(self) -> None:
        story, run = self.story, self.run
        entry = run.snapshot(self.epoch)
        facts = f"{run.recipe} · {run.network.parameter_count:,} parameters · epoch {entry['epoch']}"
        if entry["metrics"].get("val_acc") is not None:
            facts += f" · {fmt_percent(entry['metrics']['val_acc'])} validation accuracy"
        self.title = title("What does a convolutional layer compute?", facts, self.theme)
        self.digit = Heatmap(grey_rgba(story.image), PANEL_HEIGHT).move_to([DIGIT_X, PANEL_Y, 0])
        rows, cols = story.image.shape
        self.digit_caption = label(f"the digit, {by(rows, cols)} pixels", self.theme, LABEL, self.theme.muted)
        self.digit_caption.next_to(self.digit, DOWN, buff=0.12)
        self.play(FadeIn(self.title, shift=0.2 * DOWN), run_time=self.t(0.8))
        self.telling(
            f"A convolutional network reads an image through small kernels. Here is one handwritten digit, "
            f"a {story.label}.",
            FadeIn(self.digit, scale=0.6, run_time=2.0),
            FadeIn(self.digit_caption, run_time=1.0),
        )

    def show_kernel(self) -> None:
        story = self.story
        k = story.kernel.shape[0]
        self.kernel_scale = symmetric_scale(story.kernel)
        self.kernel = Heatmap(diverging_rgba(story.kernel, self.kernel_scale, self.theme), TRIPLE_HEIGHT * 1.3)
        caption = label(
            f"kernel {story.channel + 1}: {k} × {k} weights\nblue positive, red negative",
            self.theme,
            LABEL,
            self.theme.muted,
        )
        self.kernel_group = Group(self.kernel, caption.next_to(self.kernel, DOWN, buff=0.12)).move_to([0, TRIPLE_Y, 0])
        self.map_scale = symmetric_scale(story.pre_maps)
        rows, cols = story.pre_maps.shape[1:]
        self.map = Heatmap(partial_map_rgba(story.pre_maps[story.channel], self.map_scale, self.theme, 0), PANEL_HEIGHT)
        self.map.move_to([MAP_X, PANEL_Y, 0])
        self.map_caption = label(
            f"feature map {story.channel + 1}: {rows} × {cols}", self.theme, LABEL, self.theme.muted
        )
        self.map_caption.next_to(self.map, DOWN, buff=0.12)
        pixel = PANEL_HEIGHT / story.image.shape[0]
        self.window = Rectangle(width=k * pixel, height=k * pixel).set_stroke(self.theme.highlight, 3)
        cell = PANEL_HEIGHT / rows
        self.cell = Rectangle(width=cell, height=cell).set_stroke(self.theme.highlight, 3)
        self.shown_cells: set[tuple[int, int]] = set()
        self.triple: Group | None = None
        self.place_window(0, 0)
        self.telling(
            f"Its first layer has {story.conv.channels} kernels of {by(k, k)} weights. Here is one of them, kernel "
            f"{story.channel + 1}, the one this {story.label} drives highest.",
            FadeIn(self.kernel_group, shift=0.3 * UP, run_time=1.5),
            FadeIn(Group(self.map, self.map_caption), run_time=1.0),
        )

    def place_window(self, row: int, column: int) -> None:
        """The window over the digit's patch for output (row, column), and the map's cell it gives."""
        story, conv = self.story, self.story.conv
        pixel = PANEL_HEIGHT / story.image.shape[0]
        k = story.kernel.shape[0]
        centre = np.array(
            [column * conv.stride[1] - conv.padding[1] + k / 2, -(row * conv.stride[0] - conv.padding[0] + k / 2), 0]
        )
        self.window.move_to(self.digit.get_corner(UP + [-1, 0, 0]) + pixel * centre)
        cell = PANEL_HEIGHT / story.pre_maps.shape[1]
        self.cell.move_to(self.map.get_corner(UP + [-1, 0, 0]) + cell * np.array([column + 0.5, -(row + 0.5), 0]))

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
        scale = symmetric_scale(dot.products) if np.abs(dot.products).max() > 0 else self.kernel_scale
        patch = Heatmap(grey_rgba(dot.patch), TRIPLE_HEIGHT)
        kernel = Heatmap(diverging_rgba(story.kernel, self.kernel_scale, self.theme), TRIPLE_HEIGHT)
        products = Heatmap(diverging_rgba(dot.products, scale, self.theme), PRODUCTS_HEIGHT)
        times, equals = label("×", self.theme, 32), label("=", self.theme, 32)
        patch, kernel, products = (outlined(m, self.theme) for m in (patch, kernel, products))
        row = Group(patch, times, kernel, equals).arrange(RIGHT, buff=0.15)
        captions = VGroup(
            *(
                label(name, self.theme, LABEL, self.theme.muted).next_to(mobject, DOWN, buff=0.08)
                for name, mobject in (("patch", patch), ("weights", kernel))
            )
        )
        # the products written out, each pixel × the weight over it, in the cells they colour
        numbers = numbered(products, dot.products, self.theme)
        products_caption = label(f"products, sum {signed(dot.products.sum())}", self.theme, LABEL, self.theme.muted)
        sum_text = label(f"+ bias {signed(dot.bias)} = {signed(dot.value)}", self.theme, 28, self.theme.highlight)
        column = Group(Group(row, captions), Group(products, numbers), products_caption, sum_text)
        column.arrange(DOWN, buff=0.1).move_to([0, 0.05, 0])
        captions = VGroup(captions[0], captions[1], products_caption)
        products = Group(products, numbers)
        where = f"row {dot.row + 1}, column {dot.column + 1}"
        if number == 0:
            text = (
                f"Lay the kernel on the digit, multiply each pixel by the weight over it, add the 25 products "
                f"and the bias: {signed(dot.value)}, the map's largest value ({where})."
            )
        elif number == 1:
            text = f"Elsewhere the same sum gives {signed(dot.value)}, the smallest value in this map, at {where}."
        elif not np.any(dot.patch):
            text = f"On blank paper every product is 0, so only the bias is left: {signed(dot.bias)}."
        else:
            text = f"At the top-left corner the sum gives {signed(dot.value)}."
        old = self.triple if self.triple is not None else self.kernel_group
        self.triple = Group(row, captions, products, sum_text)
        before = self.window.get_center(), self.cell.get_center()
        self.place_window(dot.row, dot.column)
        after = self.window.get_center(), self.cell.get_center()
        if number > 0:  # the window and its cell travel there while the line is read
            self.window.move_to(before[0])
            self.cell.move_to(before[1])

        def fill(t: float) -> None:
            if t > 0:
                self.shown_cells.add((dot.row, dot.column))
                self.map.show(self.map_with_cells())

        steps = [
            FadeOut(old, run_time=0.6),
            (
                FadeIn(Group(self.window, self.cell), run_time=0.8)
                if number == 0
                else AnimationGroup(
                    self.window.animate.move_to(after[0]), self.cell.animate.move_to(after[1]), run_time=1.0
                )
            ),
            FadeIn(Group(patch, captions[0]), run_time=0.8),
            FadeIn(Group(times, kernel, captions[1]), run_time=0.8),
            FadeIn(Group(equals, products, captions[2]), run_time=0.8),
            FadeIn(sum_text, run_time=0.8),
            Playback(Group(self.map, self.cell), fill, run_time=0.5),  # the cell stays drawn over the map
        ]
        self.telling(text, *steps)

    def slide_kernel(self) -> None:
        story = self.story
        rows, cols = story.pre_maps.shape[1:]
        values = story.pre_maps[story.channel]
        kernel = outlined(
            Heatmap(diverging_rgba(story.kernel, self.kernel_scale, self.theme), TRIPLE_HEIGHT), self.theme
        )
        # the readout's text is swapped whole, never morphed with become(): its glyph count changes, and become()
        # would pad the glyphs with copies that depend on which frames were drawn, so the readout would differ
        # between a drawn and a skipped slide. A (no-op) updater keeps its holder redrawn.
        readout = VGroup(label(live_readout(values, 0, 0), self.theme, 28, self.theme.highlight))
        live = Group(kernel, readout).arrange(DOWN, buff=0.3).move_to([0, PANEL_Y, 0])
        centre = readout.get_center()
        readout.add_updater(lambda mobject: None)
        self.add(readout.set_opacity(0.0))

        def sweep(t: float) -> None:
            filled = int(round(t * rows * cols))
            self.map.show(partial_map_rgba(values, self.map_scale, self.theme, filled))
            position = min(filled, rows * cols - 1)
            self.place_window(position // cols, position % cols)
            # the value just written into the map, beside the kernel that made it
            text = label(live_readout(values, position // cols, position % cols), self.theme, 28, self.theme.highlight)
            readout.submobjects = [text.move_to(centre).set_opacity(1.0 if t > 0 else 0.0)]  # shown once it starts

        self.telling(
            f"The kernel slides over every position, one pixel at a time: {by(rows, cols)} = {rows * cols} "
            "dot products fill the feature map, row by row.",
            FadeOut(self.triple, run_time=0.5),
            FadeIn(kernel, run_time=0.5),
            Playback(Group(self.map, self.window, self.cell), sweep, run_time=6.0),
        )
        readout.clear_updaters()
        self.triple = live

    def what_it_detects(self) -> None:
        """The one sentence to keep, said only when the run shows it: the map measured against the ink's change."""
        story = self.story
        k = story.kernel.shape[0]
        correlation = edge_correlation(story.image, story.pre_maps[story.channel], story.conv, k)
        if correlation >= 0.7:
            answer = "an edge detector:\nblue where a stroke begins\nred where it ends"
            text = (
                f"So kernel {story.channel + 1} detects edges: its map is high where ink begins, reading left to "
                f"right, and negative where it ends (correlation {correlation:.2f} with the ink's change)."
            )
        else:
            answer = "one pattern,\nlooked for everywhere"
            text = (
                f"So a convolutional layer asks one question everywhere: how much does each patch look like "
                f"kernel {story.channel + 1}? Its map is the answer, position by position."
            )
        kernel, readout = self.triple
        words = label(answer, self.theme, LABEL, self.theme.highlight)
        if words.width > 4.8:  # between the digit and the map
            words.scale_to_fit_width(4.8)
        words.next_to(kernel, DOWN, buff=0.3)
        self.telling(
            text,
            FadeOut(Group(readout, self.window, self.cell), run_time=0.5),
            FadeIn(words, shift=0.2 * UP, run_time=1.0),
        )
        self.triple = Group(kernel, words)

    def grid_frames(self) -> dict[int, str]:
        return {self.story.channel: self.theme.highlight}

    def show_all_maps(self) -> None:
        story = self.story
        count = story.conv.channels
        self.maps_cols = 4 if count > 4 else count
        before = map_grid_rgba(story.pre_maps, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames())
        self.grid = Heatmap(before, GRID_HEIGHT).move_to([GRID_X, PANEL_Y, 0])
        self.grid_caption = label(
            f"all {count} maps, on one colour scale (±{self.map_scale:.2f})", self.theme, LABEL, self.theme.muted
        ).next_to(self.grid, DOWN, buff=0.12)
        shown = self.story.pre_maps.copy()

        def one_by_one(t: float) -> np.ndarray:
            hidden = shown.copy()
            hidden[int(t * count) :] = 0  # maps not reached yet: blank (0 is the background's colour)
            image = map_grid_rgba(hidden, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames())
            return image if t > 0 else transparent(image)  # nothing over the map fading out

        self.grid.show(one_by_one(0))
        self.add(self.grid)  # blank until revealed (a FadeIn would redraw it over the reveal)
        self.telling(
            f"Each of the {count} kernels makes its own map of the same digit; kernel {story.channel + 1}'s is framed.",
            FadeOut(Group(self.window, self.cell, self.map, self.map_caption, self.triple), run_time=0.8),
            FadeIn(self.grid_caption, run_time=0.6),
            reveal(self.grid, one_by_one, run_time=3.0),
        )

    def apply_relu(self) -> None:
        story = self.story
        before = map_grid_rgba(story.pre_maps, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames())
        after = map_grid_rgba(story.act_maps, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames())
        if self.run.activation == "relu":
            text = (
                f"ReLU sets every negative value to 0 and keeps the rest: {fmt_percent(story.zeroed_share)} "
                "of these values, the red ones, become 0."
            )
        else:
            text = f"The activation, {self.run.activation}, is applied to every value of every map."
        blend = lambda t: np.round((1 - t) * before + t * after).astype(np.uint8)  # noqa: E731
        self.telling(text, Wait(0.5), reveal(self.grid, blend, run_time=3.0))

    def pool(self) -> None:
        story, pool = self.story, self.story.pool
        kh, kw = pool.kernel_size
        row, column = story.pool_window
        top, left = row * pool.stride[0] - pool.padding[0], column * pool.stride[1] - pool.padding[1]
        window = story.act_maps[story.channel][max(top, 0) : top + kh, max(left, 0) : left + kw]
        values = VGroup(
            *(VGroup(*(label(signed(v), self.theme, LABEL) for v in line)).arrange(RIGHT, buff=0.35) for line in window)
        ).arrange(DOWN, buff=0.2)
        best = np.unravel_index(window.argmax(), window.shape)
        values[best[0]][best[1]].set_color(self.theme.highlight)
        box = Rectangle(width=values.width + 0.4, height=values.height + 0.3).set_stroke(self.theme.muted, 2)
        survived = label(signed(window.max()), self.theme, 28, self.theme.highlight)
        heading = label(f"one {kh} × {kw} window of map {story.channel + 1}", self.theme, LABEL, self.theme.muted)
        detail = VGroup(VGroup(box, values), label("→", self.theme, 32), survived).arrange(RIGHT, buff=0.35)
        detail = VGroup(heading, detail).arrange(DOWN, buff=0.25).move_to([DIGIT_X, PANEL_Y, 0])
        detail.shift(RIGHT * max(0.0, -6.6 - detail.get_left()[0]))  # inside the title-safe margin
        # The window's place on map's tile in the grid (tiles are the map plus a 1-pixel gap all round).
        rows, cols = story.act_maps.shape[1:]
        pixel = self.grid.height / (-(-story.conv.channels // self.maps_cols) * (rows + 2))
        tile_row, tile_col = divmod(story.channel, self.maps_cols)
        corner = np.array([tile_col * (cols + 2) + 1 + left + kw / 2, -(tile_row * (rows + 2) + 1 + top + kh / 2), 0])
        marker = Rectangle(width=kw * pixel, height=kh * pixel).set_stroke(self.theme.highlight, 2)
        marker.move_to(self.grid.get_corner(UP + [-1, 0, 0]) + pixel * corner)
        self.telling(
            f"Max pooling keeps the largest value of each {by(kh, kw)} window: here "
            f"{', '.join(signed(v) for v in window.ravel())} give {signed(window.max())}.",
            FadeOut(Group(self.digit, self.digit_caption), run_time=0.6),
            FadeIn(marker, run_time=0.6),
            FadeIn(VGroup(heading, detail[1][0]), run_time=1.0),
            FadeIn(detail[1][1:], shift=0.3 * RIGHT, run_time=1.0),
        )
        prows, pcols = story.pooled.shape[1:]
        pooled = Heatmap(
            map_grid_rgba(story.pooled, self.map_scale, self.theme, self.maps_cols, 1, self.grid_frames()),
            GRID_HEIGHT * prows / rows,
        ).move_to(self.grid)
        pooled_caption = label(
            f"pooled: {len(story.pooled)} maps of {prows} × {pcols}", self.theme, LABEL, self.theme.muted
        )
        pooled_caption.next_to(pooled, DOWN, buff=0.12)
        self.telling(
            f"The windows do not overlap, so each map shrinks from {by(rows, cols)} to {by(prows, pcols)}: "
            "a quarter of the values, each the strongest of its window.",
            FadeOut(VGroup(self.grid_caption, marker), run_time=0.4),
            self.grid.animate(run_time=1.5).stretch_to_fit_height(pooled.height).stretch_to_fit_width(pooled.width),
            FadeIn(Group(pooled, pooled_caption), run_time=0.6),
        )
        self.remove(self.grid)
        self.stage = Group(pooled, pooled_caption, detail)

    def later_layers(self) -> None:
        in_channels = self.story.conv.channels
        for summary, maps in self.story.later_maps:
            count, rows, cols = maps.shape
            scale = symmetric_scale(maps)
            per_row = min(count, 8)
            frames = dict.fromkeys(range(count), EMPTY)  # a thin frame parts small maps
            image = map_grid_rgba(maps, scale, self.theme, per_row, 1, frames)
            height = min(3.4, WIDEST * image.shape[0] / image.shape[1])
            grid = Heatmap(image, height).move_to([0, PANEL_Y + 0.3, 0])
            if summary.startswith("conv2d"):
                k = summary.split()[1].rsplit("×", 1)[0]
                summary = f"conv2d: {count} kernels of {k} × {in_channels}, then {self.run.activation}"
            caption = label(
                f"{summary}: {count} maps of {rows} × {cols} (scale ±{scale:.2f})", self.theme, LABEL, self.theme.muted
            ).next_to(grid, DOWN, buff=0.12)
            if summary.startswith("conv2d"):
                text = (
                    f"The next layer's {count} kernels each read all {in_channels} maps at once ({k}\u00a0×\u00a0{in_channels} "
                    f"weights each) and make {count} maps of {by(rows, cols)}; "
                    f"{self.run.activation} again sets their negative values to 0."
                )
            elif summary.startswith("maxpool2d"):
                text = f"Pooling again: {count} maps of {by(rows, cols)}."
            else:
                text = f"Then {summary}: {count} maps of {by(rows, cols)}."
            shown = maps.copy()

            def one_by_one(t: float, shown=shown, count=count, per_row=per_row, scale=scale, frames=frames):
                hidden = shown.copy()
                hidden[int(t * count) :] = 0
                image = map_grid_rgba(hidden, scale, self.theme, per_row, 1, frames)
                return image if t > 0 else transparent(image)  # nothing until its turn: the last picture fades

            grid.show(one_by_one(0))
            self.add(grid)
            self.telling(
                text,
                FadeOut(self.stage, run_time=0.6),
                FadeIn(caption, run_time=0.5),
                reveal(grid, one_by_one, run_time=2.5),
            )
            self.stage = Group(grid, caption)
            in_channels = count

    def flatten(self) -> None:
        flat = self.story.flat
        scale = symmetric_scale(flat)
        strip = Heatmap(diverging_rgba(flat[None, :], scale, self.theme), 0.4)
        strip.stretch_to_fit_width(WIDEST).move_to([0, 1.5, 0])
        caption = label(f"{flat.size} numbers in a row", self.theme, LABEL, self.theme.muted).next_to(
            strip, DOWN, buff=0.12
        )
        partial = lambda t: np.where(  # noqa: E731  (values not reached yet: see-through)
            (np.arange(flat.size) < t * flat.size)[None, :, None],
            diverging_rgba(flat[None, :], scale, self.theme),
            0,
        ).astype(np.uint8)
        strip.show(partial(0))
        self.add(strip)
        self.telling(
            f"Flatten lays these maps end to end, row after row: {flat.size} numbers in one long vector.",
            FadeOut(self.stage, run_time=0.6),
            FadeIn(caption, run_time=0.4),
            reveal(strip, partial, run_time=2.5),
        )
        self.stage = Group(strip, caption)

    def dense_to_softmax(self) -> None:
        story = self.story
        p = story.probabilities
        chart = SignedBars(list(story.classes), self.theme, 8.0, 2.2, 0.0, size=LABEL)
        chart.shift([0, -1.95 - chart.zero.get_center()[1], 0])  # bars rise from here, clear of the strip above
        winner = int(p.argmax())
        colours = [self.theme.highlight if i == winner else self.theme.positive for i in range(len(p))]
        number = label(fmt_percent(p[winner]), self.theme, LABEL, self.theme.highlight)

        chart.set_heights(p * 2.2, colours)
        number.next_to(chart.bars[winner], UP, buff=0.08)  # where the winner's bar will end
        grow = lambda t: chart.set_heights(t * p * 2.2, colours)  # noqa: E731
        grow(0)
        self.add(chart.bars)
        verdict = "right" if story.classes[winner] == story.label else "wrong"
        self.telling(
            f"A dense layer weighs all {story.flat.size} numbers for each of the {len(p)} classes, and softmax makes "
            f"the scores probabilities: {story.classes[winner]} with {fmt_percent(p[winner])}, {verdict}.",
            FadeIn(VGroup(chart.zero, chart.names), run_time=0.6),
            Playback(chart.bars, grow, run_time=2.0),
            FadeIn(number, run_time=0.4),
        )
