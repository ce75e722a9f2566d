"""The filters scene's detail view: one kernel laid on one patch of a digit, then swept over every position.

A mixin of :class:`~nnexplain.scenes.filters.Filters` (which sets ``story``, ``tiles``, ``numbers`` and the
helpers ``telling``, ``kernel_rgba``, ``to_top_row`` and ``leave_training``). As in the CNN Explainer's detail
view: the kernel with the cleanest edge sits on one 5 × 5 patch of a validation digit; the patch comes out beside
it, pixel × weight summed with the bias gives one number, and that number paints one pixel of the kernel's
feature map. Then the window slides over all positions, row by row, while the map fills in; then it goes back to
the map's most positive and most negative places. Every value written is the stored map's (tested).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    AnimationGroup,
    FadeIn,
    FadeOut,
    Group,
    Rectangle,
    Square,
    VGroup,
    Wait,
    rgb_to_color,
    smooth,
)

from nnexplain.mobjects.feature_maps import EMPTY, symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, Playback, diverging_rgba, grey_rgba
from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import label
from nnexplain.scenes.convolution_text import by, outlined, signed
from nnexplain.scenes.filters_layout import LEFT_X, TEXT, column_x

__all__ = ["ApplyBeats", "masked_map_rgba"]

DETAIL_Y, BIG, SMALL = -0.8, 2.2, 1.1  # the digit and the map BIG tall, the patch, kernel and products SMALL
DIGIT_X, PATCH_X, TIMES_X, KERNEL_X, EQUALS_X, PRODUCTS_X, MAP_X = -5.5, -3.75, -2.85, -1.95, -1.05, -0.15, 5.4
SUM_X = 0.6  # where "Σ + bias = value" begins, right of the products
HEADING_Y = 0.72  # the labels above the detail view's pictures, clear of the kernels' numbers


def masked_map_rgba(values: np.ndarray, scale: float, theme, shown: np.ndarray) -> np.ndarray:
    """A map whose cells where ``shown`` is True are drawn, the rest left blank (not yet computed)."""
    rgba = diverging_rgba(values, scale, theme)
    empty = np.empty_like(rgba)
    empty[...] = (*(round(255 * c) for c in _rgb(EMPTY)), 255)
    return np.where(shown[..., None], rgba, empty)


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))


class ApplyBeats:
    def detail_kernel(self) -> int:
        """The kernel the detail view applies: the one a plane fits best (the cleanest edge)."""
        return int(np.argmax([fit.share for fit in self.story.fits]))

    def window_centre(self, row: float, column: float) -> np.ndarray:
        """Where the 5 × 5 window's centre sits on the big digit for output position (row, column)."""
        k, side = self.story.size, self.story.images.shape[-1]
        pixel = BIG / side
        return self.digit.get_corner(UP + [-1, 0, 0]) + pixel * np.array([column + k / 2, -(row + k / 2), 0])

    def cell_centre(self, row: float, column: float) -> np.ndarray:
        rows = self.map_values.shape[0]
        cell = BIG / rows
        return self.map_picture.get_corner(UP + [-1, 0, 0]) + cell * np.array([column + 0.5, -(row + 0.5), 0])

    def value_label(self, row: int, column: int) -> VGroup:
        """ "Σ + bias = value" at output position (row, column), its left edge at the sum's column. (The sweep meets
        the same texts again; `label` typesets each once a process.)"""
        _, value = self.story.dot(0, self.chosen, row, column)
        text = f"Σ + {signed(float(self.story.bias[self.chosen]))} = {f'{value:+.2f}'.replace('-', '−')}"
        typeset = label(text, self.theme, 30)
        return typeset.move_to([SUM_X + typeset.width / 2, DETAIL_Y, 0])

    def products_rgba(self, row: int, column: int) -> np.ndarray:
        k = self.story.size
        patch = self.story.images[self.story.digits[0]][row : row + k, column : column + k]
        return diverging_rgba(patch * self.story.kernels[-1][self.chosen], self.products_scale, self.theme)

    def at_position(self, row: int, column: int) -> None:
        """Window, patch, value and map marker at output position (row, column): redrawn in place."""
        k = self.story.size
        image = self.story.images[self.story.digits[0]]
        self.window.move_to(self.window_centre(row, column))
        self.patch.show(grey_rgba(image[row : row + k, column : column + k]))
        self.products.show(self.products_rgba(row, column))
        self.value.show(self.value_label(row, column))
        self.cell_mark.move_to(self.cell_centre(row, column))

    def apply_one_kernel(self) -> None:
        story = self.story
        best = self.chosen = self.detail_kernel()
        digit_index = story.digits[0]
        image = story.images[digit_index]
        k = story.size
        self.map_values = story.maps[0][best]
        self.map_scale = symmetric_scale(self.map_values)
        self.painted = np.zeros(self.map_values.shape, bool)
        row, column = np.unravel_index(int(self.map_values.argmax()), self.map_values.shape)
        self.peak = (int(row), int(column))

        self.products_scale = symmetric_scale(image[row : row + k, column : column + k] * story.kernels[-1][best])
        self.digit = Heatmap(grey_rgba(image), BIG).move_to([DIGIT_X, DETAIL_Y, 0])
        digit = outlined(self.digit, self.theme)
        digit_name = self.heading(f"a {story.labels[digit_index]}", DIGIT_X)
        kernel = outlined(Heatmap(self.kernel_rgba(story.kernels[-1][best]), SMALL), self.theme)
        kernel.move_to([KERNEL_X, DETAIL_Y, 0])
        kernel_name = self.heading(f"kernel {best + 1}", KERNEL_X)
        key = label("blue +, red −", self.theme, TEXT, self.theme.muted).next_to(kernel, DOWN, buff=0.15)
        pixel = BIG / image.shape[0]
        self.window = Rectangle(width=k * pixel, height=k * pixel).set_stroke(self.theme.text, 4)
        self.patch = Heatmap(grey_rgba(image[row : row + k, column : column + k]), SMALL)
        patch = outlined(self.patch, self.theme).move_to([PATCH_X, DETAIL_Y, 0])
        patch_name = self.heading("patch", PATCH_X)
        times = label("×", self.theme, 44).move_to([TIMES_X, DETAIL_Y, 0])
        equals = label("=", self.theme, 44).move_to([EQUALS_X, DETAIL_Y, 0])
        self.products = Heatmap(self.products_rgba(row, column), SMALL)
        products = outlined(self.products, self.theme).move_to([PRODUCTS_X, DETAIL_Y, 0])
        products_name = self.heading("products", PRODUCTS_X)
        # Glyph slots, not `become`: a value with more digits than the last (+10.23 after +3.77) would be padded
        # with copies of glyphs, so the text drawn would depend on the positions visited before (tests/test_split.py).
        self.value = SlotText(self.value_label(*self.peak).copy(), slots=len(self.value_label(*self.peak).text) + 4)
        self.map_picture = Heatmap(masked_map_rgba(self.map_values, self.map_scale, self.theme, self.painted), BIG)
        self.map_picture.move_to([MAP_X, DETAIL_Y, 0])
        rows, cols = self.map_values.shape
        map_name = self.heading(f"its map, ±{self.map_scale:.1f}", MAP_X)
        cell = BIG / rows
        self.cell_mark = Rectangle(width=cell, height=cell).set_stroke(self.theme.text, 3)
        self.window.move_to(self.window_centre(*self.peak))
        self.cell_mark.move_to(self.cell_centre(*self.peak))
        flying = self.tiles[best].copy()

        self.telling(
            f"What does one kernel do? Lay kernel {best + 1} on a {story.labels[digit_index]} from the validation set.",
            *self.leave_training(),
            AnimationGroup(*self.to_top_row(), run_time=1.0),
            FadeIn(Group(digit, digit_name), run_time=0.8),
            flying.animate(run_time=1.2).scale(SMALL / flying.height).move_to(kernel),
            FadeIn(Group(kernel_name, key), run_time=0.4),
        )
        self.add(kernel)
        self.remove(flying)
        source = Heatmap(grey_rgba(image[row : row + k, column : column + k]), k * pixel).move_to(self.window)
        self.telling(
            f"It covers one {by(k, k)} patch of the digit, enlarged here.",
            FadeIn(self.window, run_time=0.6),
            source.animate(run_time=1.2).scale(SMALL / source.height).move_to(patch),
            FadeIn(Group(patch, patch_name), run_time=0.4),
        )
        self.remove(source)
        overlay = kernel.copy()
        self.telling(
            "Each pixel is multiplied by the weight lying over it.",
            FadeIn(times, run_time=0.3),
            overlay.animate(run_time=1.2).move_to(patch).set_opacity(0.55),
            FadeOut(overlay, run_time=0.5),
            FadeIn(Group(equals, products, products_name), run_time=0.8),
        )
        self.telling(
            f"The {k * k} products and the bias add up to one number: {signed(self.map_values[self.peak])}.",
            FadeIn(self.value, shift=0.2 * DOWN, run_time=0.8),
        )
        colour = diverging_rgba(np.array([[self.map_values[self.peak]]]), self.map_scale, self.theme)[0, 0, :3]
        spark = Square(side_length=0.4).set_fill(rgb_to_color(colour / 255), 1).set_stroke(width=0)
        spark.next_to(self.value, RIGHT, buff=0.25)  # the value's colour, flying to its cell (clear of the number)
        self.painted[self.peak] = True
        self.telling(
            f"That number is one pixel of kernel {best + 1}'s feature map.",
            FadeIn(Group(self.map_picture, map_name), run_time=0.6),
            FadeIn(spark, run_time=0.2),
            spark.animate(run_time=1.0).scale(cell / 0.4).move_to(self.cell_centre(*self.peak)),
            Playback(self.map_picture, lambda t: self.paint(), run_time=0.3),
            FadeIn(self.cell_mark, run_time=0.3),
        )
        self.remove(spark)
        self.detail = Group(digit, digit_name, kernel, kernel_name, key, self.window, patch, patch_name, times, equals)
        self.detail.add(products, products_name, self.value, self.map_picture, map_name, self.cell_mark)

    def heading(self, text: str, x: float) -> VGroup:
        return label(text, self.theme, TEXT, self.theme.muted).move_to([x, HEADING_Y, 0])

    def paint(self) -> None:
        self.map_picture.show(masked_map_rgba(self.map_values, self.map_scale, self.theme, self.painted))

    def sweep_map(self) -> None:
        rows, cols = self.map_values.shape
        count = rows * cols
        row = self.peak[0]
        first = min(self.peak[1], cols - 8)  # from the position just computed (or as near it as 8 steps fit)
        steps = [(row, column) for column in range(first, first + 8)]  # along the peak's row, one step at a time
        moving = Group(self.window, self.patch, self.products, self.value, self.cell_mark, self.map_picture)

        def step_along(t: float) -> None:
            reached = min(int(t * len(steps)), len(steps) - 1)
            for place in steps[: reached + 1]:  # every step so far, not only this frame's: skipped frames paint too
                self.painted[place] = True
            self.paint()
            self.at_position(*steps[reached])

        self.telling(
            "Move it one pixel at a time: a new patch, a new number, the next pixel.",
            Playback(moving, step_along, run_time=4.0),
        )

        def sweep(t: float) -> None:
            step = min(int(t * count), count - 1)
            place = divmod(step, cols)
            self.painted.reshape(-1)[: step + 1] = True  # what was painted before stays painted
            self.paint()
            self.at_position(*place)

        self.telling(
            f"Everywhere the window fits: {rows} × {cols} = {count} positions, the same {self.story.size**2} weights.",
            Playback(moving, sweep, run_time=7.0),
        )
        high, low = self.sides()
        self.go_to(self.peak, f"Blue: patches like the kernel, ink at its {high} and paper at its {low}.")
        trough = np.unravel_index(int(self.map_values.argmin()), self.map_values.shape)
        self.go_to((int(trough[0]), int(trough[1])), f"Red: its opposite, paper at its {high} and ink at its {low}.")
        if self.run.network.layers[0].activation == "relu":
            signed_map = masked_map_rgba(self.map_values, self.map_scale, self.theme, self.painted)
            kept = masked_map_rgba(np.maximum(self.map_values, 0), self.map_scale, self.theme, self.painted)

            def rectify(t: float) -> None:
                self.map_picture.show(np.round((1 - t) * signed_map + t * kept).astype(np.uint8))

            rectified = max(0.0, float(self.map_values[trough]))
            after = label(
                f"ReLU → {rectified:.0f}" if rectified == 0 else f"ReLU → {signed(rectified)}",
                self.theme,
                TEXT,
                self.theme.text,
            )
            after = after.next_to(self.value, DOWN, buff=0.2)
            self.telling(
                "In the network a ReLU follows: it keeps the blue and sets the red to 0.",
                AnimationGroup(Playback(self.map_picture, rectify, run_time=1.5), FadeIn(after, run_time=1.5)),
            )
            self.detail.add(after)

    def sides(self) -> tuple[str, str]:
        from nnexplain.scenes.filters_measure import side_words

        return side_words(self.story.fits[self.chosen].angle)

    def go_to(self, place: tuple[int, int], text: str) -> None:
        """The window glides to output position ``place`` (the patch and value follow at its end)."""
        start = np.array(self.window.get_center())
        end = self.window_centre(*place)
        mark_start, mark_end = np.array(self.cell_mark.get_center()), self.cell_centre(*place)

        def glide(t: float) -> None:
            s = smooth(min(t / 0.7, 1.0))
            self.window.move_to(start + s * (end - start))
            self.cell_mark.move_to(mark_start + s * (mark_end - mark_start))
            if t >= 0.7:
                self.at_position(*place)

        self.telling(
            text,
            Playback(Group(self.window, self.cell_mark, self.patch, self.value), glide, run_time=1.6),
            Wait(1.6),  # the patch and its value stay in view while the line is read
        )

    def show_maps(self) -> None:
        story = self.story
        scale = symmetric_scale(story.maps)
        tile = 1.0
        rows = Group()
        for n, (digit, maps) in enumerate(zip(story.digits, story.maps)):
            y = 0.45 - 1.12 * n
            row = Group(outlined(Heatmap(grey_rgba(story.images[digit]), tile), self.theme).move_to([LEFT_X, y, 0]))
            for i, values in enumerate(maps):
                row.add(Heatmap(diverging_rgba(values, scale, self.theme), tile).move_to([column_x(i), y, 0]))
            rows.add(row)
        names = (
            ", ".join(f"a {story.labels[d]}" for d in story.digits[:-1]) + f" and a {story.labels[story.digits[-1]]}"
        )
        self.telling(
            f"Every kernel's map before the ReLU, on three digits: {names}.",
            FadeOut(self.detail, run_time=0.6),
            *(FadeIn(row, lag_ratio=0.08, run_time=1.2) for row in rows),
        )
        column = Group(*(row[1 + self.chosen] for row in rows))
        frame = Rectangle(width=1.12, height=column.height + 0.12).set_stroke(self.theme.text, 3).move_to(column)
        self.telling(
            f"Column {self.chosen + 1} is the map just built; each column is one kernel, on one colour scale.",
            FadeIn(frame, run_time=0.6),
        )
        self.maps = Group(rows, frame)
