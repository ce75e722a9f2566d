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
from manim import DOWN, LEFT, RIGHT, UP, AnimationGroup, FadeIn, FadeOut, Group, ManimColor, Rectangle, Square, VGroup

from nnexplain.mobjects.charts import SignedBars
from nnexplain.mobjects.feature_maps import EMPTY, map_grid_rgba, partial_map_rgba, symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, Playback, diverging_rgba
from nnexplain.mobjects.style import fmt_percent, formula, label
from nnexplain.scenes.convolution_text import LABEL, by, outlined, reveal, signed, transparent

__all__ = ["LaterLayers"]

BIG_X, BIG_Y, BIG_HEIGHT = -4.0, 0.75, 4.2  # the map being pooled; the pooled map beside it at the same cell size
POOLED_X = 4.7
DECK_X, DECK_Y, DECK_HEIGHT, DECK_STEP = -5.2, 1.75, 2.0, 0.22  # the stack of pooled maps, back to front
STRIP_Y, STRIP_WIDTH, STRIP_HEIGHT = 3.05, 12.4, 0.45  # the flattened row
TILE_CELL, TILE_GAP = 0.3, 0.26  # the last maps' cells before they are flattened


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
        survivor = values[best].copy().set_color(self.theme.highlight)
        self.telling(
            f"Max pooling keeps the largest value of each {by(kh, kw)} window of a map.",
            FadeOut(Group(self.digit, self.digit_label, self.grid, self.grid_label), run_time=0.7),
            FadeIn(Group(big, big_label), run_time=0.8),
            FadeIn(Group(small, small_label), run_time=0.6),
            FadeIn(marker, run_time=0.4),
            FadeIn(VGroup(heading, boxes, values), target_position=marker.get_center(), scale=0.3, run_time=1.0),
        )

        def fill_one(t: float) -> None:
            if t > 0:
                shown = partial_map_rgba(pooled, self.map_scale, self.theme, 0)
                shown[row, column] = diverging_rgba(pooled, self.map_scale, self.theme)[row, column]
                small.show(shown)

        others = ", ".join(signed(v) for i, v in enumerate(window.ravel()) if i != best)
        self.telling(
            f"Of {others} and {signed(window.max())}, {signed(window.max())} survives, alone in its cell.",
            values[best].animate(run_time=0.6).set_color(self.theme.highlight).scale(1.2),
            FadeIn(target, run_time=0.3),
            survivor.animate(run_time=1.2).scale(0.4).move_to(target).set_opacity(0.0),
            Playback(Group(small, target), fill_one, run_time=0.3),
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
            FadeOut(VGroup(heading, boxes, values), run_time=0.5),
            Playback(Group(small, marker, target), sweep, run_time=5.0),
        )
        self.telling(
            "A quarter of the values are left, each the strongest of its window.",
            FadeOut(VGroup(marker, target), run_time=0.5),
            small.animate(run_time=1.0, rate_func=lambda t: 1 - abs(2 * t - 1)).scale(1.1),
        )
        self.stage = Group(big, big_label, small, small_label)

    def second_layer(self) -> None:
        story, second = self.story, self.story.second
        if second is None:  # a second layer that is not a convolution: its maps only
            self.stage = self.show_later_maps(self.stage)
            return
        maps = story.pooled
        count, rows, cols = maps.shape
        k = self.run.network.layers[2].kernel_size[0]
        deck = Group()
        windows = VGroup()
        for index, values in enumerate(maps):
            tile = outlined(Heatmap(diverging_rgba(values, self.map_scale, self.theme), DECK_HEIGHT), self.theme)
            tile.move_to([DECK_X + DECK_STEP * index, DECK_Y - DECK_STEP * index, 0])
            box = Rectangle(width=k * DECK_HEIGHT / rows, height=k * DECK_HEIGHT / rows).set_stroke(
                self.theme.highlight, 2
            )
            windows.add(box.move_to(cell_at(tile[0], rows, second.row + (k - 1) / 2, second.column + (k - 1) / 2)))
            deck.add(Group(tile, box))
        deck_label = self.muted(f"{count} pooled maps, {by(rows, cols)}").next_to(deck, DOWN, buff=0.15)
        deck_label.align_to(deck, LEFT)
        for piece in windows:
            piece.set_stroke(opacity=0.0)
        parts = VGroup(
            *(
                label(f"map {i + 1}: {signed(v)}", self.theme, LABEL).move_to([0.3, 2.95 - 0.44 * i, 0])
                for i, v in enumerate(second.parts)
            )
        )
        total = label(f"sum {signed(second.parts.sum())} + bias {signed(second.bias)}", self.theme, LABEL)
        total.next_to(parts, DOWN, buff=0.25).set_x(0.3)
        value = label(f"= {signed(second.value)}", self.theme, 34, self.theme.highlight).next_to(total, DOWN, buff=0.15)
        out = story.later_maps[0][1] if story.later_maps else None
        pre = self.run.tensors(self.epoch)["pre.2"][story.probe_index, second.kernel].astype(np.float64)
        out_rows, out_cols = pre.shape
        out_scale = symmetric_scale(pre)
        out_map = Heatmap(partial_map_rgba(pre, out_scale, self.theme, 0), 2.6).move_to([4.6, 1.3, 0])
        out_label = self.muted(f"map {second.kernel + 1} of {len(out)}, {by(out_rows, out_cols)}")
        out_label.next_to(out_map, DOWN, buff=0.15)
        out_cell = Rectangle(width=2.6 / out_rows, height=2.6 / out_rows).set_stroke(self.theme.highlight, 3)
        out_cell.move_to(cell_at(out_map, out_rows, second.row, second.column))
        self.telling(
            f"The second layer reads all {count} pooled maps at once: each kernel is {k}\u00a0×\u00a0{k}\u00a0×\u00a0{count}.",
            FadeOut(self.stage, run_time=0.7),
            AnimationGroup(*(FadeIn(piece, shift=0.3 * RIGHT) for piece in deck), lag_ratio=0.25, run_time=2.0),
            FadeIn(deck_label, run_time=0.4),
        )
        self.telling(
            f"At one place, kernel {second.kernel + 1} takes a dot product with each map's patch…",
            AnimationGroup(*(piece.animate.set_stroke(opacity=1.0) for piece in windows), run_time=0.6),
            FadeIn(Group(out_map, out_label), run_time=0.5),
            FadeIn(out_cell, run_time=0.3),
            AnimationGroup(*(FadeIn(part, shift=0.2 * RIGHT) for part in parts), lag_ratio=0.5, run_time=3.0),
        )
        flying = value.copy()

        def fill_one(t: float) -> None:
            if t > 0:
                shown = partial_map_rgba(pre, out_scale, self.theme, 0)
                shown[second.row, second.column] = diverging_rgba(pre, out_scale, self.theme)[second.row, second.column]
                out_map.show(shown)

        self.telling(
            f"…and adds the {count} results and its bias: {signed(second.value)}.",
            FadeIn(total, run_time=0.6),
            FadeIn(value, run_time=0.6),
            flying.animate(run_time=1.0).scale(0.3).move_to(out_cell).set_opacity(0.0),
            Playback(Group(out_map, out_cell), fill_one, run_time=0.3),
        )
        self.remove(flying)
        self.stage = self.show_later_maps(Group(deck, deck_label, parts, total, value, out_map, out_label, out_cell))

    def show_later_maps(self, old: Group) -> Group:
        """Every later layer's maps as grids, revealed one map after another; the last one as cells, to flatten."""
        later = self.story.later_maps
        for step, (_summary, maps) in enumerate(later):
            count, rows, cols = maps.shape
            scale = symmetric_scale(maps)
            per_row = min(count, 8)
            if step == len(later) - 1:
                self.telling(
                    f"Pooling again: {count} maps of {by(rows, cols)}.",
                    FadeOut(old, run_time=0.6),
                    self.cells_in(maps, scale, per_row),
                )
                return Group()
            frames = dict.fromkeys(range(count), EMPTY)  # a thin frame parts small maps
            image = map_grid_rgba(maps, scale, self.theme, per_row, 1, frames)
            grid = Heatmap(image, min(4.2, 12.4 * image.shape[0] / image.shape[1])).move_to([0, 0.8, 0])
            caption = self.muted(f"{count} maps of {by(rows, cols)} (scale ±{scale:.2f})").next_to(
                grid, DOWN, buff=0.15
            )
            shown = maps.copy()

            def one_by_one(t: float, shown=shown, count=count, per_row=per_row, scale=scale):
                hidden = shown.copy()
                reached = int(t * count)
                hidden[reached:] = 0
                frames = dict.fromkeys(range(reached), EMPTY)  # a map's frame comes with it, never before
                image = map_grid_rgba(hidden, scale, self.theme, per_row, 1, frames)
                return image if t > 0 else transparent(image)  # nothing until its turn: the last picture fades

            grid.show(one_by_one(0))
            self.add(grid)
            text = f"Its {count} kernels make {count} maps of {by(rows, cols)}"
            text += ", and ReLU again." if self.run.activation == "relu" else f", and {self.run.activation} again."
            self.telling(
                text, FadeOut(old, run_time=0.6), FadeIn(caption, run_time=0.5), reveal(grid, one_by_one, run_time=2.5)
            )
            old = Group(grid, caption)
        return old

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
            if text.width > 0.95 * chart.step:
                text.scale_to_fit_width(0.95 * chart.step)
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
        self.telling(
            f"The dense layer gives each of the {len(p)} classes a weight for every one of the {row.size}.",
            FadeOut(strip_label, run_time=0.4),
            FadeIn(Group(weights, weights_label), shift=0.2 * DOWN, run_time=1.0),
        )
        self.telling(
            f"Their weighted sum plus a bias is the class's score: {signed(logits[winner])} for {name}.",
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
        self.telling(
            "Softmax turns the scores into probabilities that add up to 1:",
            FadeOut(Group(weights, weights_label), run_time=0.5),
            FadeIn(law, run_time=0.6),
            FadeOut(VGroup(*(n for i, n in enumerate(numbers) if i != winner)), run_time=0.4),
            Playback(chart.bars, morph, run_time=2.0),
        )
        verdict = "right" if name == story.label else f"wrong: it is a {story.label}"
        self.telling(
            f"{name} with {fmt_percent(p[winner])}, {verdict}.",
            score.animate(run_time=0.6).become(score_end),
            FadeIn(percent, shift=0.2 * UP, run_time=0.8),
        )
        self.ending = Group(self.cells, law, chart, score, percent)  # what leaves for the answer
