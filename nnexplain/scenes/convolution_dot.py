"""The convolution scene's dot products: the kernel laid on the digit, its 25 products counted in, summed with the bias.

A mixin of :class:`~nnexplain.scenes.convolution.Convolution`, which sets the digit and its feature map (``digit``,
``map``), the kernel (``kernel``, its written weights ``kernel_numbers`` and ``kernel_label``), the ``window`` over
the digit and the map's ``cell``, and ``telling``/``muted``.

At each position the patch under the window comes out of it; the products (pixel × the weight over it) are counted
into their cells one by one with the running sum beside them, one of them worked out in full; then the bias is
added, and the value flies into its cell of the map. The value is named only once it has been computed.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Circle,
    FadeIn,
    FadeOut,
    Group,
    Mobject,
    Square,
    VGroup,
    linear,
    smooth,
)

from nnexplain.geometry.convolution import DotProduct
from nnexplain.mobjects.feature_maps import partial_map_rgba, symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, Playback, diverging_rgba, grey_rgba
from nnexplain.mobjects.style import label
from nnexplain.scenes.convolution_text import CELL, LABEL, numbered, outlined, signed, worked_product, written_sum

__all__ = ["DotProductBeats", "cell_centre"]

PATCH_X, PATCH_Y, WEIGHTS_Y, SMALL = -3.0, 2.55, 0.0, 1.3  # the patch over the weights, each SMALL tall
PRODUCTS_X, PRODUCTS_Y = 1.05, 0.75  # the 5 × 5 products, cells CELL wide
SUM_X = 4.95
# the value's way to the map, around the text: down past the products' label, left under it, up beside the map
ROUTE_Y, ROUTE_X = -2.33, -3.8


def cell_centre(heatmap: Heatmap, rows: int, row: float, column: float) -> np.ndarray:
    """The centre of cell (row, column) of a square-celled heatmap ``rows`` cells tall."""
    cell = heatmap.height / rows
    return heatmap.get_corner(UP + LEFT) + cell * np.array([column + 0.5, -(row + 0.5), 0])


def glide(mobject: Mobject, stops: list[tuple[np.ndarray, float]], run_time: float) -> Playback:
    """Move ``mobject`` through ``stops`` (centre, height), smoothly between each two. Several glides of one mobject
    can share a play: each leaves it alone until its turn (an animation builder would reset it to where it began)."""
    legs = len(stops) - 1

    def update(t: float) -> None:
        if t == 0:
            return
        leg = min(int(t * legs), legs - 1)
        (a, ha), (b, hb) = stops[leg], stops[leg + 1]
        s = smooth(t * legs - leg)
        mobject.scale_to_fit_height((1 - s) * ha + s * hb).move_to((1 - s) * a + s * b)

    return Playback(mobject, update, run_time=run_time, rate_func=linear)


class DotProductBeats:
    def place_window(self, row: int, column: int) -> None:
        """The window over the digit's patch for output (row, column), and the map's cell it gives."""
        story, conv = self.story, self.story.conv
        k = story.kernel.shape[0]
        top, left = row * conv.stride[0] - conv.padding[0], column * conv.stride[1] - conv.padding[1]
        self.window.move_to(cell_centre(self.digit, story.image.shape[0], top + (k - 1) / 2, left + (k - 1) / 2))
        self.cell.move_to(self.cell_position(row, column))

    def cell_position(self, row: int, column: int) -> np.ndarray:
        return cell_centre(self.map, self.story.pre_maps.shape[1], row, column)

    def map_with_cells(self, filled: int = 0) -> np.ndarray:
        """The followed map with its first ``filled`` values (row by row) and the dot products worked out drawn in."""
        values = self.story.pre_maps[self.story.channel]
        rgba = partial_map_rgba(values, self.map_scale, self.theme, filled)
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
        products = outlined(Heatmap(partial_map_rgba(0 * dot.products, scale, self.theme, 0), CELL * k), self.theme)
        products.move_to([PRODUCTS_X, PRODUCTS_Y, 0])
        # the products written out, each pixel × the weight over it, in the cells they colour, counted in one by one
        written = written_sum(dot.products, dot.bias)  # the parts as written add up to the value as written
        numbers = numbered(products, written.parts, self.theme)
        products_label = self.muted(f"the {k * k} products").next_to(products, DOWN, buff=0.12)
        # the running sum's text is swapped each frame: the one there when the play begins stays in manim's still
        # frame, so it starts see-through
        running = VGroup(label("sum", self.theme, LABEL).set_opacity(0.0).move_to([SUM_X, PRODUCTS_Y + 1.0, 0]))
        bias = label(f"+ bias {signed(written.bias)}", self.theme, LABEL).move_to([SUM_X, PRODUCTS_Y + 0.35, 0])
        value = label(f"= {signed(written.value)}", self.theme, 34, self.theme.highlight)
        value.move_to([SUM_X, PRODUCTS_Y - 0.4, 0])

        def count_in(t: float) -> None:
            if t == 0:  # not begun: the products' board is still fading in
                return
            counted = int(round(t * k * k))
            products[0].show(partial_map_rgba(dot.products, scale, self.theme, counted))
            for index, text in enumerate(numbers):
                text.set_opacity(1.0 if index < counted else 0.0)
            total = label(f"sum {signed(written.parts.ravel()[:counted].sum())}", self.theme, LABEL)
            running.submobjects = [total.move_to([SUM_X, PRODUCTS_Y + 1.0, 0])]

        for text in numbers:
            text.set_opacity(0.0)
        numbers.set_z_index(1)  # over the products' board, which fades in after them
        self.add(numbers, running)  # see-through until counted in
        running.add_updater(lambda mobject: None)  # redrawn each frame while its text is swapped
        lay: list[Animation] = []
        if number == 0:  # the kernel, its numbers gone, lies on the digit as the window, then takes the weights' place
            self.place_window(dot.row, dot.column)
            source = self.window.get_center()
            start = (self.kernel.get_center(), self.kernel.height)
            on_digit = (self.window.get_center(), self.window.height)
            lay += [
                FadeOut(Group(self.kernel_numbers, self.kernel_label), run_time=0.5),
                glide(self.kernel, [start, on_digit, on_digit], run_time=1.8),  # it lies there a moment
                FadeIn(Group(self.window, self.cell), run_time=0.4),
                glide(self.kernel, [on_digit, (np.array([PATCH_X, WEIGHTS_Y, 0]), SMALL)], run_time=1.0),
            ]
        else:  # the last position's work leaves; the window and its cell travel to the next
            before = self.window.get_center(), self.cell.get_center()
            self.place_window(dot.row, dot.column)
            after = self.window.get_center(), self.cell.get_center()
            self.window.move_to(before[0])
            self.cell.move_to(before[1])
            source = after[0]
            lay += [
                FadeOut(self.work, run_time=0.5),
                AnimationGroup(
                    self.window.animate.move_to(after[0]), self.cell.animate.move_to(after[1]), run_time=1.0
                ),
            ]
        lay += [  # the patch comes out of the window on the digit
            FadeIn(patch, target_position=source, scale=0.3, run_time=0.9),
            FadeIn(patch_label, run_time=0.3),  # in its place, never drawn over the digit
            FadeIn(VGroup(times, weights_label, equals), run_time=0.5),
            FadeIn(Group(products, products_label), run_time=0.4),  # the running sum shows once counting starts
        ]
        count = Playback(Group(products, numbers, running), count_in, run_time=3.0)
        where = f"row {dot.row + 1}, column {dot.column + 1}"
        # the value itself (no copy over it) leaves its "=" behind and travels around the text into its cell, ringed
        arriving = value[1:]
        target = self.cell.copy().move_to(self.cell_position(dot.row, dot.column))
        small = 0.12
        stops = [
            (arriving.get_center(), arriving.height),
            (np.array([SUM_X, ROUTE_Y, 0]), small),
            (np.array([ROUTE_X, ROUTE_Y, 0]), small),
            (np.array([ROUTE_X, target.get_y(), 0]), small),
            (target.get_center(), 0.6 * small),
        ]
        ring = Circle(radius=0.3).set_stroke(self.theme.highlight, 3).move_to(target)
        # the value stays written beside its cell (over the map's picture, outlined to read on any colour)
        tag = label(signed(written.value), self.theme, LABEL, self.theme.highlight)
        tag.set_stroke(self.theme.background, width=4, background=True)
        tag.next_to(ring, RIGHT if dot.column < self.story.pre_maps.shape[2] / 2 else LEFT, buff=0.05)
        self.tags = [*getattr(self, "tags", []), tag]

        def fill(t: float) -> None:
            if t > 0:
                self.shown_cells.add((dot.row, dot.column))
                self.map.show(self.map_with_cells())
                arriving.set_opacity(0.0)

        land = [
            FadeOut(value[0], run_time=0.3),
            glide(arriving, stops, run_time=2.0),
            Playback(Group(self.map, self.cell), fill, run_time=0.2),  # the cell stays drawn over the map
            FadeIn(ring, scale=2.0, run_time=0.5),
            FadeIn(tag, run_time=0.4),
        ]
        sums = [FadeIn(bias, run_time=0.7), FadeIn(value, run_time=0.7)]
        if number == 0:
            worked, (pixel, weight, product) = self.worked_cell(dot, patch, products)
            self.telling("Lay the kernel on the digit: the yellow box is its window.", *lay)
            self.telling(f"Multiply each pixel by the weight over it: {k * k} products.", count)
            self.telling(
                f"One of them in full: pixel {pixel} × weight {weight} = {product}.",
                FadeIn(worked, lag_ratio=0.5, run_time=1.5),
            )
            peak = float(self.story.peaks[self.story.channel])
            self.telling(
                f"Their sum, {signed(written.total)}, is the {peak:.1f} we ranked kernel {self.story.channel + 1} by; "
                "add the bias…",
                *sums,
            )
            self.telling(f"…{signed(written.value)}, the map's largest value, at {where}.", *land)
        elif not np.any(dot.patch):
            self.telling("At the top-left corner the window covers only blank paper.", *lay, count)
            self.telling(f"Every product is 0, so only the bias is left: {signed(written.bias)}.", *sums, *land)
        else:
            self.telling(f"Move the window to {where} and do the same.", *lay, count)
            self.telling("Add the products and the bias…", *sums)
            smallest = ", the smallest value in this map" if number == 1 else ""
            self.telling(f"…{signed(written.value)}{smallest}.", *land)
        running.clear_updaters()
        self.remove(value)
        self.work = Group(patch, patch_label, times, weights_label, equals, products, numbers, products_label)
        self.work.add(running, bias, ring)
        if number == 0:
            self.work.add(worked)

    def worked_cell(self, dot: DotProduct, patch: Group, products: Group) -> tuple[VGroup, tuple[str, str, str]]:
        """The largest product worked out: its pixel, its weight and it marked, and the multiplication written."""
        k = dot.products.shape[0]
        row, column = np.unravel_index(np.abs(dot.products).argmax(), dot.products.shape)
        # the kernel is marked where it will be by then: in the weights' place, SMALL tall
        weights = Square(SMALL).move_to([PATCH_X, WEIGHTS_Y, 0])
        marks = VGroup(
            *(
                Square(tile.height / k).set_stroke(self.theme.highlight, 3).move_to(cell_centre(tile, k, row, column))
                for tile in (patch[0], weights, products[0])
            )
        )
        # as many decimals as it takes for the factors as written to multiply to the product as written
        pixel, weight, product = worked_product(float(dot.patch[row, column]), float(self.story.kernel[row, column]))
        text = VGroup(  # a line each, so that it fits between the products and the margin
            label(f"{pixel} ×", self.theme, LABEL, self.theme.highlight),
            label(weight, self.theme, LABEL, self.theme.highlight),
            label(f"= {product}", self.theme, LABEL, self.theme.highlight),
        ).arrange(DOWN, buff=0.08, aligned_edge=RIGHT)
        # right of the products' board, inside the title-safe margin
        text.move_to([SUM_X, PRODUCTS_Y + 2.05, 0])
        text.shift(max(products[0].get_right()[0] + 0.2 - text.get_left()[0], 0) * RIGHT)
        text.shift(min(6.7 - text.get_right()[0], 0) * RIGHT)
        return VGroup(marks, text), (pixel, weight, product)
