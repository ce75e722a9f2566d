"""The convolution scene's later beats: pooling, the second layer reading the stack, flatten, dense and softmax.

A mixin of :class:`~nnexplain.scenes.convolution.Convolution`, which sets what these beats start from:
``story`` (:class:`~nnexplain.geometry.convolution.ConvolutionStory`), the grid of first-layer maps after the
activation (``grid``, ``grid_label``), the digit (``digit``, ``digit_label``), and its ``telling``/``muted``.

- Pooling: the followed map large, one 2 × 2 window's four values written out, the largest flying into the
  pooled map drawn beside it at the same cell size (so it is visibly a quarter of the area), then the window
  jumping two cells at a time while the pooled map fills.
- The second layer: the pooled maps as a stack, one 5 × 5 window on each; one dot product per map, their sum
  and the bias: the stored value of the second layer's map there. Then its maps, and their pooling.
- Flatten: each cell of the last maps flies to its place in one row. Dense: the winning class's weights over
  that row, every class's score (the run's logits), then softmax turning them into the run's probabilities.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Circle,
    FadeIn,
    FadeOut,
    Group,
    ManimColor,
    Rectangle,
    Square,
    VGroup,
    there_and_back,
)

from nnexplain.mobjects.charts import SignedBars
from nnexplain.mobjects.feature_maps import partial_map_rgba, symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, Playback, diverging_rgba
from nnexplain.mobjects.style import fmt_percent, formula, label
from nnexplain.scenes.convolution_dot import glide
from nnexplain.scenes.convolution_text import LABEL, by, outlined, signed, written_sum

__all__ = ["LaterLayers"]

BIG_X, BIG_Y, BIG_HEIGHT = -4.0, 0.75, 4.2  # the map being pooled; the pooled map beside it at the same cell size
POOLED_X = 4.7
DECK_X, DECK_Y, DECK_HEIGHT, DECK_STEP = -5.2, 1.75, 2.0, 0.22  # the stack of pooled maps, back to front
STRIP_Y, STRIP_WIDTH, STRIP_HEIGHT = 3.05, 12.4, 0.45  # the flattened row
TILE_CELL, TILE_GAP = 0.3, 0.26  # the last maps' cells before they are flattened
STACK_PITCH, STACK_Y, SLICE_Y, PARTS_Y = 1.58, 2.55, 1.05, 0.3  # the second layer: maps, kernel slices, dot products
SUM_LEFT, OUT_X, OUT_Y, OUT_HEIGHT = -6.2, 4.5, -1.05, 1.8  # the sum, and the second layer's map it lands in


def pulse_once(mobject, factor: float):
    """Grow ``mobject`` a little and back."""
    return mobject.animate(rate_func=there_and_back).scale(factor)


def cell_at(heatmap: Heatmap, rows: int, row: float, column: float) -> np.ndarray:
    cell = heatmap.height / rows
    return heatmap.get_corner(UP + LEFT) + cell * np.array([column + 0.5, -(row + 0.5), 0])


class LaterLayers:
    def pool(self) -> None:
        story, pool = self.story, self.story.pool
        kh, kw = pool.kernel_size
        act = story.act_maps[story.channel]
        pooled = story.pooled[story.channel]
        rows, cols = act.shape
        prows, pcols = pooled.shape
        big = Heatmap(diverging_rgba(act, self.map_scale, self.theme), BIG_HEIGHT).move_to([BIG_X, BIG_Y, 0])
        big_label = self.muted(f"map {story.channel + 1} after ReLU, {by(rows, cols)}").next_to(big, DOWN, buff=0.15)
        small = Heatmap(partial_map_rgba(pooled, self.map_scale, self.theme, 0), BIG_HEIGHT * prows / rows)
        small.move_to([POOLED_X, BIG_Y + (BIG_HEIGHT - small.height) / 2, 0])  # tops level, cells the same size
        small_label = self.muted(f"pooled, {by(prows, pcols)}").next_to(small, DOWN, buff=0.15)
        # outlined: after ReLU a map's zeros are the page's colour, and its edges must still show
        frames = VGroup(
            *(
                Rectangle(width=m.width, height=m.height).set_stroke(self.theme.muted, 1).move_to(m)
                for m in (big, small)
            )
        )
        row, column = story.pool_window
        top, left = row * pool.stride[0] - pool.padding[0], column * pool.stride[1] - pool.padding[1]
        window = act[max(top, 0) : top + kh, max(left, 0) : left + kw]
        marker = Rectangle(width=kw * big.height / rows, height=kh * big.height / rows)
        marker.set_stroke(self.theme.highlight, 3).move_to(cell_at(big, rows, top + (kh - 1) / 2, left + (kw - 1) / 2))
        target = Rectangle(width=small.height / prows, height=small.height / prows).set_stroke(self.theme.highlight, 3)
        target.move_to(cell_at(small, prows, row, column))
        values = VGroup(*(label(signed(v), self.theme, LABEL) for v in window.ravel()))
        boxes = VGroup(*(Square(1.05).set_stroke(self.theme.muted, 1.5) for _ in values)).arrange_in_grid(
            kh, kw, buff=0
        )
        boxes.move_to([0.55, BIG_Y + 0.9, 0])
        for text, box in zip(values, boxes):
            text.move_to(box)
        best = int(window.argmax())
        heading = self.muted(f"one {by(kh, kw)} window").next_to(boxes, UP, buff=0.15)
        survivor = values[best]  # it leaves its box for the pooled map: no copy is drawn over it
        self.telling(
            f"Max pooling keeps the largest value of each {by(kh, kw)} window of a map.",
            FadeOut(Group(self.digit, self.digit_label, self.grid, self.grid_label), run_time=0.7),
            FadeIn(Group(big, frames[0], big_label), run_time=0.8),
            FadeIn(Group(small, frames[1], small_label), run_time=0.6),
            FadeIn(marker, run_time=0.4),
            FadeIn(VGroup(heading, boxes, values), target_position=marker.get_center(), scale=0.3, run_time=1.0),
        )

        def fill_one(t: float) -> None:
            if t > 0:
                shown = partial_map_rgba(pooled, self.map_scale, self.theme, 0)
                shown[row, column] = diverging_rgba(pooled, self.map_scale, self.theme)[row, column]
                small.show(shown)
                survivor.set_opacity(0.0)  # it is the cell's colour now

        others = ", ".join(signed(v) for i, v in enumerate(window.ravel()) if i != best)
        self.telling(
            f"Of {others} and {signed(window.max())}, {signed(window.max())} survives, alone in its cell.",
            values[best].animate(run_time=0.6).set_color(self.theme.highlight),
            FadeOut(VGroup(*(v for i, v in enumerate(values) if i != best)), run_time=0.4),  # nothing to fly over
            FadeIn(target, run_time=0.3),
            glide(  # out of the window's grid to its right first, so that it never crosses another value
                survivor,
                [
                    (survivor.get_center(), survivor.height),
                    (np.array([boxes.get_right()[0] + 0.4, survivor.get_y(), 0]), 0.6 * survivor.height),
                    (target.get_center(), 0.3 * survivor.height),
                ],
                run_time=1.4,
            ),
            Playback(Group(small, target, survivor), fill_one, run_time=0.3),
        )
        self.remove(survivor)

        def sweep(t: float) -> None:
            if t == 0:  # not begun
                return
            done = int(round(t * prows * pcols))
            small.show(partial_map_rgba(pooled, self.map_scale, self.theme, done))
            at = min(done, prows * pcols - 1)
            r, c = divmod(at, pcols)
            marker.move_to(cell_at(big, rows, r * pool.stride[0] + (kh - 1) / 2, c * pool.stride[1] + (kw - 1) / 2))
            target.move_to(cell_at(small, prows, r, c))

        self.telling(
            f"The window jumps {pool.stride[1]} cells at a time, so {by(rows, cols)} becomes {by(prows, pcols)}.",
            FadeOut(VGroup(heading, boxes), run_time=0.5),  # the losing values have left already
            Playback(Group(small, marker, target), sweep, run_time=5.0),
        )
        counts = label(f"{rows * cols} → {prows * pcols} values", self.theme, 34, self.theme.highlight)
        counts.move_to([(big.get_right()[0] + small.get_left()[0]) / 2, BIG_Y - 1.2, 0])
        self.telling(
            "A quarter of the values are left, each the strongest of its window.",
            FadeOut(VGroup(marker, target), run_time=0.5),
            FadeIn(counts, shift=0.2 * RIGHT, run_time=0.8),
            AnimationGroup(pulse_once(big, 1.04), pulse_once(small, 1.1), lag_ratio=0.6, run_time=2.0),
        )
        self.stage = Group(big, big_label, small, small_label, counts, frames)

    def second_layer(self) -> None:
        """The pooled maps in a row, each with its 5 × 5 window, and under each its slice of one 5 × 5 × 8 kernel and
        their dot product; the 8 results and the bias add up to the value in the second layer's map."""
        story, second = self.story, self.story.second
        if second is None:  # a second layer that is not a convolution: its maps only
            self.stage = self.show_later_maps(self.stage)
            return
        maps = story.pooled
        count, rows, cols = maps.shape
        weight = self.run.tensors(self.epoch)["weight.2"][second.kernel].astype(np.float64)  # (count, k, k)
        k = weight.shape[1]
        slice_scale = symmetric_scale(weight)
        pitch = min(STACK_PITCH, 12.6 / count)
        tiles, windows, slices, names = Group(), VGroup(), Group(), VGroup()
        for index, values in enumerate(maps):
            x = (index - (count - 1) / 2) * pitch
            tile = outlined(Heatmap(diverging_rgba(values, self.map_scale, self.theme), 0.82 * pitch), self.theme)
            tiles.add(tile.move_to([x, STACK_Y, 0]))
            names.add(self.muted(str(index + 1)).next_to(tile, UP, buff=0.08))
            box = Rectangle(width=k * tile.height / rows, height=k * tile.height / rows)
            box.set_stroke(self.theme.highlight, 2)
            windows.add(box.move_to(cell_at(tile[0], rows, second.row + (k - 1) / 2, second.column + (k - 1) / 2)))
            part = outlined(Heatmap(diverging_rgba(weight[index], slice_scale, self.theme), 0.55 * pitch), self.theme)
            slices.add(part.move_to([x, SLICE_Y, 0]))
        kernel_label = self.muted(
            f"kernel {second.kernel + 1}: {k}\u00a0×\u00a0{k}\u00a0×\u00a0{count}, a slice per map"
        )
        kernel_label.move_to([0, PARTS_Y - 0.6, 0])
        written = written_sum(second.parts, second.bias)  # the parts as written add up to the value as written
        parts = VGroup(
            *(
                label(signed(v), self.theme, LABEL).move_to([tile.get_x(), PARTS_Y, 0])
                for tile, v in zip(tiles, written.parts)
            )
        )
        total = label(f"sum {signed(written.total)} + bias {signed(written.bias)}", self.theme, LABEL)
        value = label(f"= {signed(written.value)}", self.theme, 34, self.theme.highlight)
        VGroup(total, value).arrange(RIGHT, buff=0.2).move_to([SUM_LEFT, OUT_Y, 0], aligned_edge=LEFT)
        pre = self.run.tensors(self.epoch)["pre.2"][story.probe_index, second.kernel].astype(np.float64)
        out_rows, out_cols = pre.shape
        out_scale = symmetric_scale(pre)
        out_map = Heatmap(partial_map_rgba(pre, out_scale, self.theme, 0), OUT_HEIGHT).move_to([OUT_X, OUT_Y, 0])
        out_count = self.run.network.layers[2].channels
        out_label = self.muted(f"map {second.kernel + 1} of {out_count}, {by(out_rows, out_cols)}")
        out_label.next_to(out_map, DOWN, buff=0.12)
        out_cell = Rectangle(width=OUT_HEIGHT / out_rows, height=OUT_HEIGHT / out_rows).set_stroke(
            self.theme.highlight, 3
        )
        out_cell.move_to(cell_at(out_map, out_rows, second.row, second.column))
        ring = Circle(radius=0.3).set_stroke(self.theme.highlight, 3).move_to(out_cell)
        self.telling(
            f"The second layer reads all {count} pooled maps at once: each kernel is {k}\u00a0×\u00a0{k}\u00a0×\u00a0{count}.",
            FadeOut(self.stage, run_time=0.7),
            AnimationGroup(*(FadeIn(Group(t, n)) for t, n in zip(tiles, names)), lag_ratio=0.15),
            AnimationGroup(*(FadeIn(piece, shift=0.2 * UP) for piece in slices), lag_ratio=0.15, run_time=1.6),
            FadeIn(kernel_label, run_time=0.5),
        )
        self.telling(
            f"At one place, each slice takes a dot product with its map's {by(k, k)} patch…",
            FadeIn(windows, run_time=0.6),
            AnimationGroup(
                *(FadeIn(part, shift=0.15 * DOWN) for part in parts),
                lag_ratio=0.4,
                run_time=3.0,
            ),
        )
        number = value[1:]

        def fill_one(t: float) -> None:
            if t > 0:
                shown = partial_map_rgba(pre, out_scale, self.theme, 0)
                shown[second.row, second.column] = diverging_rgba(pre, out_scale, self.theme)[second.row, second.column]
                out_map.show(shown)
                number.set_opacity(0.0)

        self.telling(
            f"…and the {count} results plus the bias give {signed(written.value)}, one value of map {second.kernel + 1}.",
            FadeIn(Group(out_map, out_label, out_cell), run_time=0.5),
            FadeIn(total, run_time=0.6),
            FadeIn(value, run_time=0.6),
            FadeOut(value[0], run_time=0.3),
            glide(number, [(number.get_center(), number.height), (out_cell.get_center(), 0.35 * number.height)], 1.2),
            Playback(Group(out_map, out_cell), fill_one, run_time=0.2),
            FadeIn(ring, scale=2.0, run_time=0.5),
        )
        self.remove(value)
        old = Group(tiles, names, windows, slices, kernel_label, parts, total, out_map, out_label, out_cell, ring)
        self.stage = self.show_later_maps(old)

    def show_later_maps(self, old: Group) -> Group:
        """The last image layer's maps, as cells to flatten; the layers between said in the same line."""
        maps = self.story.later_maps[-1][1]
        count, rows, cols = maps.shape
        scale = symmetric_scale(maps)
        steps = len(self.story.later_maps)
        activation = "ReLU" if self.run.activation == "relu" else self.run.activation
        again = f"{activation} and pooling again" if steps > 1 else f"{activation} again"
        first = self.story.later_maps[0][1].shape[0]
        self.telling(
            f"All {first} kernels, then {again}: {count} maps of {by(rows, cols)}"
            + (
                f", map {self.story.second.kernel + 1} framed."
                if self.story.second is not None and count == first
                else "."
            ),
            FadeOut(old, run_time=0.6),
            self.cells_in(maps, scale, min(count, 8)),
        )
        return Group()

    def cells_in(self, maps: np.ndarray, scale: float, per_row: int) -> AnimationGroup:
        """The last maps as one square per value (``self.cells``, in flatten's order), fading in map by map."""
        count, rows, cols = maps.shape
        colours = diverging_rgba(maps.reshape(1, -1), scale, self.theme)[0, :, :3] / 255
        tile = cols * TILE_CELL + TILE_GAP
        width = per_row * tile - TILE_GAP
        self.cells = VGroup()
        for index in range(maps.size):
            m, rest = divmod(index, rows * cols)
            r, c = divmod(rest, cols)
            x = -width / 2 + (m % per_row) * tile + (c + 0.5) * TILE_CELL
            y = 1.6 - (m // per_row) * (rows * TILE_CELL + TILE_GAP) - (r + 0.5) * TILE_CELL
            square = (
                Square(TILE_CELL)
                .set_stroke(width=0)
                .set_fill(ManimColor.from_rgb(tuple(colours[index])), 1)
                .move_to([x, y, 0])
            )
            self.cells.add(square)
        # each map outlined (a map's zeros are the background's colour); the outlines stay behind when it flattens
        self.tiles = VGroup(
            *(
                Rectangle(width=cols * TILE_CELL, height=rows * TILE_CELL)
                .set_stroke(self.theme.muted, 1)
                .move_to(self.cells[m * rows * cols : (m + 1) * rows * cols])
                for m in range(count)
            )
        )
        if (
            self.story.second is not None
            and len(self.story.later_maps)
            and count == self.story.later_maps[0][1].shape[0]
        ):
            # the map whose one value was just computed, followed through ReLU and pooling
            self.tiles[self.story.second.kernel].set_stroke(self.theme.highlight, 3)
        self.cells_label = self.muted(f"{count} maps of {by(rows, cols)} (scale ±{scale:.2f})")
        self.cells_label.next_to(self.cells, DOWN, buff=0.2)
        per_map = [self.cells[m * rows * cols : (m + 1) * rows * cols] for m in range(count)]
        return AnimationGroup(
            AnimationGroup(
                *(FadeIn(VGroup(tile, group)) for tile, group in zip(self.tiles, per_map)), lag_ratio=0.15, run_time=2.5
            ),
            FadeIn(self.cells_label, run_time=0.4),
            lag_ratio=1,
        )

    def flatten(self) -> None:
        flat = self.story.flat
        width = STRIP_WIDTH / flat.size
        targets = [
            square.copy().stretch_to_fit_width(width).stretch_to_fit_height(STRIP_HEIGHT) for square in self.cells
        ]
        for index, square in enumerate(targets):
            square.move_to([-STRIP_WIDTH / 2 + (index + 0.5) * width, STRIP_Y, 0])
        strip_label = self.muted(f"{flat.size} numbers in one row").next_to(targets[0], DOWN, buff=0.15)
        strip_label.set_x(0)
        self.telling(
            "Flatten lays these maps end to end, each map row after row,",
            FadeOut(VGroup(self.cells_label, self.tiles), run_time=0.4),
            AnimationGroup(
                *(square.animate.become(target) for square, target in zip(self.cells, targets)),
                lag_ratio=0.004,
                run_time=4.0,
            ),
        )
        self.telling(f"into one long vector of {flat.size} numbers.", FadeIn(strip_label, shift=0.2 * UP, run_time=1))
        self.stage = Group(self.cells, strip_label)

    def dense_to_softmax(self) -> None:
        story = self.story
        strip_label = self.stage[1]
        winner = int(story.probabilities.argmax())
        name = story.classes[winner]
        row = story.dense_weights[winner][None, :]
        weights = Heatmap(diverging_rgba(row, symmetric_scale(row), self.theme), STRIP_HEIGHT)
        weights.stretch_to_fit_width(STRIP_WIDTH).move_to([0, STRIP_Y - 0.75, 0])
        weights_label = self.muted(f"the dense layer's {row.size} weights for class {name}")
        weights_label.next_to(weights, DOWN, buff=0.15)
        logits, p = story.logits, story.probabilities
        up, down = 1.25, 1.1
        reach = float(np.abs(logits).max())
        chart = SignedBars(list(story.classes), self.theme, 12.4, up, down, size=LABEL)  # "−7.20" is 1.1 wide
        chart.shift([0, -0.4 - chart.zero.get_center()[1], 0])
        colours = [self.theme.highlight if i == winner else self.theme.positive for i in range(len(p))]
        neg = [self.theme.highlight if i == winner else self.theme.negative for i in range(len(p))]
        colours = [c if z >= 0 else n for c, n, z in zip(colours, neg, logits)]
        heights = logits / reach * up
        numbers = VGroup()
        chart.set_heights(heights, colours)
        for index, z in enumerate(logits):
            text = label(signed(z), self.theme, LABEL, colours[index])
            if text.width > 0.82 * chart.step:  # neighbours' numbers never touch
                text.scale_to_fit_width(0.82 * chart.step)
            # a negative score's number sits just over the zero line, clear of the class names under the bars
            numbers.add(
                text.next_to(
                    chart.top_of(index) if z >= 0 else chart.x(index) * RIGHT + chart.zero.get_center()[1] * UP,
                    UP,
                    buff=0.05,
                )
            )
        chart.set_heights(0 * heights, colours)
        self.add(chart.bars)
        self.telling(  # one line for the dense layer: its weights for the winner over the row, every class's score
            f"The dense layer weighs all {row.size} numbers into one score per class: {signed(logits[winner])} for {name}.",
            FadeOut(strip_label, run_time=0.4),
            FadeIn(Group(weights, weights_label), shift=0.2 * DOWN, run_time=1.0),
            FadeIn(VGroup(chart.zero, chart.names), run_time=0.5),
            Playback(chart.bars, lambda t: chart.set_heights(t * heights, colours), run_time=2.0),
            AnimationGroup(*(FadeIn(n) for n in numbers), lag_ratio=0.2, run_time=1.2),
        )
        law = formula("p_i = e^(z_i) / (sum_j e^(z_j))", self.theme, 56).move_to([4.4, 1.5, 0])
        chart_p = np.array(p) * up
        percent = label(fmt_percent(p[winner]), self.theme, LABEL, self.theme.highlight)
        end_colours = [self.theme.highlight if i == winner else self.theme.positive for i in range(len(p))]

        def morph(t: float) -> None:
            chart.set_heights((1 - t) * heights + t * chart_p, colours if t < 0.5 else end_colours)

        chart.set_heights(chart_p, end_colours)
        percent.next_to(chart.top_of(winner), UP, buff=0.05)
        score = numbers[winner]  # the winner's score stays beside its probability: 9.01 → 94.5%
        score_end = label(f"{signed(logits[winner])} →", self.theme, LABEL, self.theme.highlight)
        score_end.next_to(percent, LEFT, buff=0.15)
        chart.set_heights(heights, colours)
        verdict = "right" if name == story.label else f"wrong: it is a {story.label}"
        self.telling(
            "Softmax turns the scores into probabilities that add up to 1:",
            FadeOut(Group(weights, weights_label), run_time=0.5),
            FadeIn(law, run_time=0.6),
            FadeOut(VGroup(*(n for i, n in enumerate(numbers) if i != winner)), run_time=0.4),
            Playback(chart.bars, morph, run_time=2.0),
        )
        self.telling(  # the punchline said over its picture, and held
            f"{name} with {fmt_percent(p[winner])}, {verdict}.",
            FadeOut(score, run_time=0.3),  # the score leaves, then comes back beside its probability: no morph
            FadeIn(VGroup(score_end, percent), shift=0.2 * UP, run_time=0.8),
        )
        self.wait(self.t(1.5))  # the answer stays up a moment before the summary takes its place
        self.ending = Group(self.cells, law, chart, score_end, percent)  # what leaves for the answer
