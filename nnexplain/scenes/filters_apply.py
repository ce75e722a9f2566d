"""The filters scene's detail view: one kernel laid on one patch of a digit, then swept over every position.

A mixin of :class:`~nnexplain.scenes.filters.Filters` (which sets ``story``, ``tiles``, ``numbers`` and the
helpers ``telling``, ``kernel_rgba`` and ``leave_training``). As in the CNN Explainer's detail view, in two
layouts:

- **worked**: the patch, the kernel and their products large, a number in every cell, the digit and the map
  small above them; the products add up row by row (a running Σ), the bias is added, and the value flies to its
  cell of the map;
- **sweep**: the numbers go, the digit and the map grow (each map cell the size of a digit pixel), and the window
  slides over every position while the map fills in under it; then it glides to the map's most positive and most
  negative places, the patch, products and value following it at every position it passes.

Every value written is the stored map's (tested); cell numbers have two decimals, the products rounded so that
they add up to the Σ as written.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    FadeIn,
    FadeOut,
    Group,
    Line,
    Rectangle,
    Square,
    VGroup,
    VMobject,
    Wait,
    linear,
    rgb_to_color,
    smooth,
)

from nnexplain.geometry.convolution import addable
from nnexplain.mobjects.feature_maps import EMPTY, symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, Playback, diverging_rgba, grey_rgba
from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import label
from nnexplain.scenes.convolution_text import by, outlined, signed
from nnexplain.scenes.filters_layout import TEXT

__all__ = ["ApplyBeats", "masked_map_rgba", "two_decimals"]

# The worked layout: digit and map small in the top strip, the three numbered grids large below.
WORK_TOP_Y, WORK_DIGIT, WORK_DIGIT_X, WORK_MAP_X = 1.85, 1.45, -5.9, 5.95
# Patch, kernel, products: cells 0.76 wide (46 px: "-.55" and its neighbours stay apart) and 0.64 tall (the most the
# height between the top strip and the caption band allows); the outer grids reach the title-safe margin.
WORK_Y, WORK_GRID, WORK_WIDTH, WORK_X = -0.85, 3.2, 3.7, (-4.75, 0.0, 4.75)
SUM_AT = np.array([-2.9, WORK_TOP_Y, 0])  # the left edge of the running Σ
# The sweep layout: digit and map large, the three grids small, in one row.
SWEEP_Y, BIG, SMALL = -0.45, 2.1, 1.0
SWEEP_DIGIT_X, SWEEP_X, SWEEP_MAP_X = -5.6, (-3.9, -2.05, -0.2), 5.5
SWEEP_SUM = np.array([0.55, SWEEP_Y, 0])
CELL_TEXT = 26  # a cell's number: 16 px capitals at 480p


def masked_map_rgba(values: np.ndarray, scale: float, theme, shown: np.ndarray) -> np.ndarray:
    """A map whose cells where ``shown`` is True are drawn, the rest left blank (not yet computed)."""
    rgba = diverging_rgba(values, scale, theme)
    empty = np.empty_like(rgba)
    empty[...] = (*(round(255 * c) for c in _rgb(EMPTY)), 255)
    return np.where(shown[..., None], rgba, empty)


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))


def two_decimals(value: float) -> str:
    """A cell's value to two decimals without the leading zero (".45", "-.55", "1"); 0 (or −0.00) is "0". The sign
    is a hyphen: a minus sign is so wide that two negative neighbours would run together."""
    text = f"{value:.2f}"
    if float(text) == 0:
        return "0"
    if text.endswith(".00"):
        return text[:-3]
    return text.replace("0.", ".", 1)


class ApplyBeats:
    def detail_kernel(self) -> int:
        """The kernel the detail view applies: the one a plane fits best (the cleanest edge)."""
        return int(np.argmax([fit.share for fit in self.story.fits]))

    # --- where things are -----------------------------------------------------

    def window_centre(self, row: float, column: float) -> np.ndarray:
        """Where the window's centre sits on the digit (in either layout) for output position (row, column)."""
        k, side = self.story.size, self.story.images.shape[-1]
        pixel = self.digit.height / side
        return self.digit.get_corner(UP + LEFT) + pixel * np.array([column + k / 2, -(row + k / 2), 0])

    def cell_centre(self, row: float, column: float) -> np.ndarray:
        cell = self.map_picture.height / self.map_values.shape[0]
        return self.map_picture.get_corner(UP + LEFT) + cell * np.array([column + 0.5, -(row + 0.5), 0])

    def patch_at(self, row: int, column: int) -> np.ndarray:
        k = self.story.size
        return self.story.images[self.story.digits[0]][row : row + k, column : column + k]

    def value_label(self, row: int, column: int) -> VGroup:
        """ "Σ + bias = value" at output position (row, column) (placed by the SlotText that shows it)."""
        _, value = self.story.dot(0, self.chosen, row, column)
        return label(f"Σ + {signed(float(self.story.bias[self.chosen]))} = {signed_plus(value)}", self.theme, TEXT)

    def products_rgba(self, row: int, column: int) -> np.ndarray:
        products = self.patch_at(row, column) * self.story.kernels[-1][self.chosen]
        return diverging_rgba(products, self.products_scale, self.theme)

    def at_position(self, row: int, column: int) -> None:
        """Window, patch, products, value and map marker at output position (row, column): redrawn in place."""
        self.window.move_to(self.window_centre(row, column))
        self.patch.show(grey_rgba(self.patch_at(row, column)))
        self.products.show(self.products_rgba(row, column))
        self.value.show(self.value_label(row, column))
        self.cell_mark.move_to(self.cell_centre(row, column))
        if self.link is not None:
            self.place_link()

    def place_link(self) -> None:
        """The line from the window up, across above the row of pictures, and down to its cell of the map."""
        window, cell = self.window.get_top(), self.cell_mark.get_top()
        y = SWEEP_Y + BIG / 2 + 0.3
        self.link.set_points_as_corners([window, [window[0], y, 0], [cell[0], y, 0], cell])

    def numbers_on(self, tile: Group, values: np.ndarray) -> VGroup:
        """``values`` to one decimal over their cells of ``tile``, outlined in the background's colour."""
        rows, cols = values.shape
        width, height = tile.width / cols, tile.height / rows
        texts = VGroup()
        for r in range(rows):
            for c in range(cols):
                text = label(two_decimals(float(values[r, c])), self.theme, CELL_TEXT)
                text.set_stroke(self.theme.background, width=4, background=True)
                texts.add(
                    text.move_to(tile.get_corner(UP + LEFT) + np.array([width * (c + 0.5), -height * (r + 0.5), 0]))
                )
        corner = tile.get_corner(UP + LEFT)
        for c in range(1, cols):  # thin dark seams between columns: neighbouring negatives do not run together
            x = corner[0] + width * c
            texts.add(Line([x, corner[1], 0], [x, corner[1] - tile.height, 0]).set_stroke(self.theme.background, 2))
        return texts

    def heading(self, text: str, above: Group) -> VGroup:
        return label(text, self.theme, TEXT, self.theme.muted).next_to(above, UP, buff=0.12)

    # --- the worked position ----------------------------------------------------

    def apply_one_kernel(self) -> None:
        story = self.story
        best = self.chosen = self.detail_kernel()
        digit_index = story.digits[0]
        image = story.images[digit_index]
        k = story.size
        kernel_values = story.kernels[-1][best]
        self.map_values = story.maps[0][best]
        self.map_scale = symmetric_scale(self.map_values)
        self.painted = np.zeros(self.map_values.shape, bool)
        self.link = None  # the window-to-cell line, drawn from the sweep on
        row, column = np.unravel_index(int(self.map_values.argmax()), self.map_values.shape)
        self.peak = peak = (int(row), int(column))
        patch_values = self.patch_at(*peak)
        products_values = patch_values * kernel_values
        self.products_scale = symmetric_scale(products_values)
        rows, cols = self.map_values.shape

        self.digit = Heatmap(grey_rgba(image), WORK_DIGIT).move_to([WORK_DIGIT_X, WORK_TOP_Y, 0])
        digit = outlined(self.digit, self.theme)
        digit_name = label(f"a {story.labels[digit_index]}", self.theme, TEXT, self.theme.muted)
        digit_name.next_to(digit, RIGHT, buff=0.2)
        self.patch = Heatmap(grey_rgba(patch_values), WORK_GRID).stretch_to_fit_width(WORK_WIDTH)
        patch = outlined(self.patch, self.theme).move_to([WORK_X[0], WORK_Y, 0])
        kernel = outlined(
            Heatmap(self.kernel_rgba(kernel_values), WORK_GRID).stretch_to_fit_width(WORK_WIDTH), self.theme
        )
        kernel.move_to([WORK_X[1], WORK_Y, 0])
        self.products = Heatmap(diverging_rgba(products_values, self.products_scale, self.theme), WORK_GRID)
        self.products.stretch_to_fit_width(WORK_WIDTH)
        products = outlined(self.products, self.theme).move_to([WORK_X[2], WORK_Y, 0])
        names = [
            self.heading("patch", patch),
            self.heading(f"kernel {best + 1}", kernel),
            self.heading("products, rounded", products),
        ]
        signs = VGroup(
            label("×", self.theme, 44).move_to([(WORK_X[0] + WORK_X[1]) / 2, WORK_Y, 0]),
            label("=", self.theme, 44).move_to([(WORK_X[1] + WORK_X[2]) / 2, WORK_Y, 0]),
        )
        pixel = WORK_DIGIT / image.shape[0]
        self.window = Rectangle(width=k * pixel, height=k * pixel).set_stroke(self.theme.text, 3)
        self.map_picture = Heatmap(masked_map_rgba(self.map_values, self.map_scale, self.theme, self.painted), 1.0)
        self.map_picture.scale_to_fit_height(pixel * rows).move_to([WORK_MAP_X, WORK_TOP_Y, 0])
        self.map_frame = Rectangle(width=pixel * cols, height=pixel * rows).set_stroke(self.theme.muted, 1)
        self.map_frame.move_to(self.map_picture)
        self.map_name = label(f"kernel {best + 1}'s map", self.theme, TEXT, self.theme.muted)
        self.map_name.next_to(self.map_picture, LEFT, buff=0.2)
        self.cell_mark = Rectangle(width=pixel, height=pixel).set_stroke(self.theme.text, 3)
        self.cell_mark.set_stroke(self.theme.background, 6, background=True)  # a dark rim: it shows on any colour
        self.window.move_to(self.window_centre(*peak))
        self.cell_mark.move_to(self.cell_centre(*peak))
        leaving = [tile for i, tile in enumerate(self.tiles) if i != best] + list(self.numbers)
        flying = self.tiles[best]

        self.telling(
            f"What does one kernel do? Lay kernel {best + 1} on a {story.labels[digit_index]} from the validation set.",
            AnimationGroup(*self.leave_training(), FadeOut(Group(*leaving)), run_time=0.8),
            FadeIn(Group(digit, digit_name), run_time=0.6),
            flying.animate(run_time=1.2)
            .stretch_to_fit_height(WORK_GRID)
            .stretch_to_fit_width(WORK_WIDTH)
            .move_to(kernel),
            FadeIn(names[1], run_time=0.4),
        )
        self.remove(flying)
        self.add(kernel)
        source = Heatmap(grey_rgba(patch_values), k * pixel).move_to(self.window)
        patch_numbers = self.numbers_on(patch, patch_values)
        self.telling(
            f"It covers one {by(k, k)} patch of the digit, enlarged here, with each pixel's value.",
            FadeIn(self.window, run_time=0.5),
            source.animate(run_time=1.2)
            .stretch_to_fit_height(WORK_GRID)
            .stretch_to_fit_width(WORK_WIDTH)
            .move_to(patch),
            FadeIn(Group(patch, names[0]), run_time=0.3),
            FadeIn(patch_numbers, run_time=0.6),
        )
        self.remove(source)
        kernel_numbers = self.numbers_on(kernel, kernel_values)
        bias = float(story.bias[best])
        written, bias_shown, total = addable(products_values, bias, 2)  # the cells as written add up, with the bias
        product_numbers = self.numbers_on(products, written)
        self.telling(
            "Each pixel is multiplied by the weight lying over it.",
            FadeIn(kernel_numbers, run_time=0.6),
            FadeIn(signs, run_time=0.3),
            FadeIn(Group(products, names[2]), run_time=0.5),
            FadeIn(product_numbers, lag_ratio=0.04, run_time=1.4),
        )
        self.sum_row(products, written, total - bias_shown)
        colour = diverging_rgba(np.array([[self.map_values[peak]]]), self.map_scale, self.theme)[0, 0, :3]
        spark = Square(side_length=0.3).set_fill(rgb_to_color(colour / 255), 1).set_stroke(width=0)
        spark.next_to(self.value, RIGHT, buff=0.2)  # the value's colour, flying to its cell (clear of the number)
        self.painted[peak] = True
        self.telling(
            f"That number is one pixel of kernel {best + 1}'s feature map.",
            FadeIn(Group(self.map_picture, self.map_frame, self.map_name), run_time=0.5),
            FadeIn(spark, run_time=0.2),
            spark.animate(run_time=1.0).scale(pixel / 0.3).move_to(self.cell_centre(*peak)),
            Playback(self.map_picture, lambda t: self.paint(), run_time=0.2),
            FadeIn(self.cell_mark, run_time=0.3),
        )
        self.remove(spark)
        self.cell_numbers = VGroup(patch_numbers, kernel_numbers, product_numbers)
        self.worked = dict(digit=digit, digit_name=digit_name, patch=patch, kernel=kernel, products=products)
        self.grid_names, self.signs = names, signs
        self.detail = Group(digit, digit_name, kernel, self.window, patch, *names, signs, products, self.value)
        self.detail.add(self.map_picture, self.map_frame, self.map_name, self.cell_mark, self.cell_numbers)

    def sum_row(self, products: Group, written: np.ndarray, exact: float) -> None:
        """The products added row by row: a running Σ of the cells as written ticks as a bracket steps down the
        rows; then the Σ (``exact``, as written) and the bias."""
        k = self.story.size
        partial = np.round(np.cumsum(written.sum(axis=1)), 2)
        self.value = SlotText(label("Σ = +0.00", self.theme, TEXT).move_to(SUM_AT, aligned_edge=LEFT), slots=24)
        cell = products.height / k
        bar = Rectangle(width=products.width + 0.12, height=cell).set_stroke(self.theme.highlight, 4)
        top = products.get_top() + np.array([0, -cell / 2, 0])

        def tick(t: float) -> None:
            """Rows one by one over the first 80% (the bracket on the row just added), then the bias: one Playback,
            so that nothing else sets the Σ's glyphs while it plays (each animation's start is taken at once)."""
            if t < 0.8:
                row = min(int(t / 0.8 * k), k - 1)
                bar.move_to(top + np.array([0, -row * cell, 0])).set_stroke(opacity=1)
                self.value.show(label(f"Σ = {signed_plus(partial[row])}", self.theme, TEXT))
            else:
                bar.set_stroke(opacity=0)
                self.value.show(
                    label(f"Σ {exact:.2f} + {bias} = {signed_plus(value)}".replace("-", "−"), self.theme, TEXT)
                )

        peak_value = self.map_values[self.peak]
        _, value = self.story.dot(0, self.chosen, *self.peak)
        bias = signed(float(self.story.bias[self.chosen]))
        self.telling(  # the Σ is not faded in: it appears with the first row, ticking
            f"The {k * k} products and the bias add up to one number: {signed(peak_value)}.",
            Playback(Group(bar, self.value), tick, run_time=3.6, rate_func=linear),  # each row as long as the next
            Wait(0.6),
        )
        self.remove(bar)

    def paint(self) -> None:
        self.map_picture.show(masked_map_rgba(self.map_values, self.map_scale, self.theme, self.painted))

    # --- the sweep ---------------------------------------------------------------

    def to_sweep_layout(self) -> list:
        """The numbers go; the digit and the map grow, the three grids shrink into one row."""
        worked = self.worked
        rows = self.map_values.shape[0]
        pixel = BIG / self.story.images.shape[-1]
        digit = Group(worked["digit"], self.window)
        the_map = Group(self.map_picture, self.map_frame, self.cell_mark)
        moves = [
            digit.animate.scale(BIG / worked["digit"].height).move_to([SWEEP_DIGIT_X, SWEEP_Y, 0]),
            the_map.animate.scale(pixel * rows / self.map_picture.height).move_to([SWEEP_MAP_X, SWEEP_Y, 0]),
            self.signs[0].animate.move_to([(SWEEP_X[0] + SWEEP_X[1]) / 2, SWEEP_Y, 0]),
            self.signs[1].animate.move_to([(SWEEP_X[1] + SWEEP_X[2]) / 2, SWEEP_Y, 0]),
        ]
        for name, x in zip(("patch", "kernel", "products"), SWEEP_X):
            tile = worked[name]
            moves.append(tile.animate.stretch_to_fit_height(SMALL).stretch_to_fit_width(SMALL).move_to([x, SWEEP_Y, 0]))
        short = ("patch", f"kernel {self.chosen + 1}", "products")
        self.short_names = VGroup(
            *(
                label(text, self.theme, TEXT, self.theme.muted).move_to([x, SWEEP_Y + SMALL / 2 + 0.3, 0])
                for text, x in zip(short, SWEEP_X)
            )
        )
        self.digit_name_target = [SWEEP_DIGIT_X, SWEEP_Y - BIG / 2 - 0.3, 0]  # under: the link runs above
        self.map_name_target = [SWEEP_MAP_X, SWEEP_Y - BIG / 2 - 0.3, 0]
        self.value.move_to(SWEEP_SUM, aligned_edge=LEFT)  # faded out while the pictures move, like the names
        self.worked["digit_name"].move_to(self.digit_name_target)
        self.map_name = label("its map", self.theme, TEXT, self.theme.muted).move_to(self.map_name_target)
        return moves

    def sweep_map(self) -> None:
        rows, cols = self.map_values.shape
        count = rows * cols
        row = self.peak[0]
        first = min(self.peak[1], cols - 8)  # from the position just computed (or as near it as 8 steps fit)
        steps = [(row, column) for column in range(first, first + 8)]  # along the peak's row, one step at a time
        self.link = VMobject().set_stroke(self.theme.text, 2, opacity=0.8)
        moving = Group(self.window, self.patch, self.products, self.value, self.cell_mark, self.map_picture, self.link)

        def step_along(t: float) -> None:
            reached = min(int(t * len(steps)), len(steps) - 1)
            for place in steps[: reached + 1]:  # every step so far, not only this frame's: skipped frames paint too
                self.painted[place] = True
            self.paint()
            self.at_position(*steps[reached])

        # The layout changes in a play of its own: the value's glyphs must not change while it moves.
        # Names and numbers go first, the pictures move, the names come back: no text passes over another.
        names = Group(*self.grid_names, self.worked["digit_name"], self.map_name)
        self.play(FadeOut(Group(self.cell_numbers, names, self.value)), run_time=self.t(0.4))
        self.detail.remove(self.map_name)
        self.play(*self.to_sweep_layout(), run_time=self.t(1.0))
        self.place_link()
        self.play(
            FadeIn(Group(self.short_names, self.worked["digit_name"], self.map_name, self.value, self.link)),
            run_time=self.t(0.4),
        )
        self.telling(
            "Move it one pixel at a time: a new patch, a new number, the next pixel.",
            Playback(moving, step_along, run_time=4.0),
        )
        self.detail.remove(self.cell_numbers, *self.grid_names)
        self.detail.add(self.short_names, self.map_name, self.link)

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
            after = after.next_to(self.value, DOWN, buff=0.2).align_to(self.value, LEFT)
            self.telling(
                "In the network a ReLU follows: it keeps the blue and sets the red to 0.",
                AnimationGroup(Playback(self.map_picture, rectify, run_time=1.5), FadeIn(after, run_time=1.5)),
            )
            self.detail.add(after)

    def sides(self) -> tuple[str, str]:
        from nnexplain.scenes.filters_measure import side_words

        return side_words(self.story.fits[self.chosen].angle)

    def go_to(self, place: tuple[int, int], text: str) -> None:
        """The window glides to output position ``place``, through the positions between: at each, the patch, the
        products, the value and the map's marker are those of the position under the window."""
        start = np.array(self.window_position())
        end = np.array(place, dtype=float)

        def glide(t: float) -> None:
            here = start + smooth(t) * (end - start)
            self.at_position(int(round(here[0])), int(round(here[1])))

        self.telling(
            text,
            Playback(
                Group(self.window, self.cell_mark, self.patch, self.products, self.value, self.link),
                glide,
                run_time=1.6,
            ),
            Wait(1.6),  # the patch and its value stay in view while the line is read
        )

    def window_position(self) -> tuple[int, int]:
        """The output position the window is at now, read back from where it is drawn."""
        k, side = self.story.size, self.story.images.shape[-1]
        pixel = self.digit.height / side
        offset = (self.window.get_center() - self.digit.get_corner(UP + LEFT)) / pixel
        return int(round(-offset[1] - k / 2)), int(round(offset[0] - k / 2))


def signed_plus(value: float) -> str:
    """A value with its sign always written: "+3.77", "−2.36"."""
    return f"{value:+.2f}".replace("-", "−")
