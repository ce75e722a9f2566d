"""The convolution scene's slide: the kernel swept over every position while the feature map fills in.

A mixin of :class:`~nnexplain.scenes.convolution.Convolution`, which sets the digit and its feature map (``digit``,
``map``), the kernel (``kernel``), the ``window`` over the digit and the map's ``cell``, the dot products' leftovers
(``work``, ``tags``), and ``telling``/``muted``.

The digit and its map become the two large panels, side by side at one pixel scale; between them the live patch ×
weights = products, a line from the window to the patch and one from the products to the cell being written, and the
value under them. The top row goes a step at a time with its values, then faster, then every row.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, ORIGIN, RIGHT, AnimationGroup, FadeIn, FadeOut, Group, Line, VGroup, linear

from nnexplain.geometry.convolution import dot_product
from nnexplain.mobjects.feature_maps import symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, Playback, diverging_rgba, grey_rgba
from nnexplain.mobjects.style import label
from nnexplain.scenes.convolution_text import LABEL, by, outlined, signed, written_sum

__all__ = ["SlideBeats", "live_readout", "under"]

SLIDE_PIXEL, SLIDE_TOP, SLIDE_LEFT, SLIDE_RIGHT = 0.16, 3.45, -6.65, 6.65  # inside the 24 px margin
LIVE, LIVE_Y = 0.85, 1.9  # the live patch, weights and products between the panels, LIVE tall


def live_readout(values: np.ndarray, row: int, column: int) -> str:
    """The running value beside the sliding kernel: the map's value at (row, column), 1-based in the text."""
    return f"row {row + 1}, column {column + 1}\n= {signed(float(values[row, column]))}"


def under(centre: np.ndarray, height: float, text: VGroup, buff: float = 0.12) -> np.ndarray:
    """Where ``text`` goes, centred under a picture ``height`` tall at ``centre``."""
    return centre + (height / 2 + buff + text.height / 2) * DOWN


class SlideBeats:
    def slide_kernel(self) -> None:
        """The digit and its map as the two large panels, side by side at one pixel scale, a line from the window to
        the cell it writes; under them the live patch × weights = products → value. The top row slowly, a step at a
        time, then faster, then every row."""
        story = self.story
        rows, cols = story.pre_maps.shape[1:]
        values = story.pre_maps[story.channel]
        pixel = SLIDE_PIXEL
        digit_height, map_height = story.image.shape[0] * pixel, rows * pixel
        digit_at = np.array([SLIDE_LEFT + story.image.shape[1] * pixel / 2, SLIDE_TOP - digit_height / 2, 0])
        map_at = np.array([SLIDE_RIGHT - cols * pixel / 2, SLIDE_TOP - map_height / 2, 0])
        # the live dot product between the panels: the patch, the weights, their products, and under them the value
        dots = [
            dot_product(story.image, story.kernel, story.bias, story.conv, r, c)
            for r in range(rows)
            for c in range(cols)
        ]
        product_scale = symmetric_scale(np.array([d.products for d in dots]))
        middle = (SLIDE_LEFT + story.image.shape[1] * pixel + SLIDE_RIGHT - cols * pixel) / 2
        # the three names side by side set where the patch, the weights and the products go under them
        names = VGroup(*(self.muted(name) for name in ("patch", "weights", "products"))).arrange(RIGHT, buff=0.25)
        names.move_to([middle, LIVE_Y + LIVE / 2 + 0.25, 0])
        xs = [name.get_x() for name in names]
        patch = outlined(Heatmap(grey_rgba(dots[0].patch), LIVE), self.theme).move_to([xs[0], LIVE_Y, 0])
        products = outlined(Heatmap(diverging_rgba(dots[0].products, product_scale, self.theme), LIVE), self.theme)
        products.move_to([xs[2], LIVE_Y, 0])
        weights_at = np.array([xs[1], LIVE_Y, 0])
        times = label("×", self.theme, 34).move_to([(xs[0] + xs[1]) / 2, LIVE_Y, 0])
        equals = label("=", self.theme, 34).move_to([(xs[1] + xs[2]) / 2, LIVE_Y, 0])
        readout_at = np.array([middle, LIVE_Y - LIVE / 2 - 0.6, 0])
        readout = VGroup(self.readout_text(live_readout(values, 0, 0), readout_at)).set_opacity(0.0)
        # the window's patch comes out to the left of the sum; the products' value goes into the map's cell
        links = VGroup(*(Line(ORIGIN, RIGHT).set_stroke(self.theme.highlight, 2, opacity=0.0) for _ in range(2)))
        self.add(readout, links)
        live = Group(patch, products)

        def step(start: int, stop: int, run_time: float, fast: bool = False) -> Playback:
            """Playback from position ``start`` to ``stop`` (inclusive), each position written when reached; ``fast``:
            faster than one can read, so only the row is written."""

            begun = []

            def update(t: float) -> None:
                # manim calls this once as the play begins, then keeps drawing every text it holds at that moment in
                # every frame: the text written then is see-through, so that it leaves no ghost under the next ones
                first = not begun
                begun.append(True)
                if first:
                    readout.submobjects = [text.copy().set_opacity(0.0) for text in readout.submobjects]
                if t == 0 and start == 0:  # not begun: the panels are still growing
                    return
                position = min(int(start + t * (stop - start + 1)), stop) if stop > start else stop
                self.map.show(self.map_with_cells(position + 1))  # the worked cells stay as they were
                row, column = divmod(position, cols)
                self.place_window(row, column)
                patch[0].show(grey_rgba(dots[position].patch))
                products[0].show(diverging_rgba(dots[position].products, product_scale, self.theme))
                if not first:
                    text = f"row {row + 1} of {rows}" if fast else live_readout(values, row, column)
                    readout.submobjects = [self.readout_text(text, readout_at)]
                links[0].put_start_and_end_on(self.window.get_right(), patch.get_left())
                links[1].put_start_and_end_on(products.get_right(), self.cell.get_left())
                links.set_stroke(opacity=1.0)

            moving = Group(self.map, self.window, self.cell, live, readout, links)
            return Playback(moving, update, run_time=run_time, rate_func=linear)

        ink = [i for i, d in enumerate(dots) if np.any(d.patch)]
        meets = ink[0] if ink else 0
        first = min(3, meets - 1) if meets > 0 else 0
        slow = min(meets + 6, rows * cols - 1)
        grow = AnimationGroup(
            FadeOut(Group(self.work, *getattr(self, "tags", [])), run_time=0.5),
            AnimationGroup(
                Group(self.digit, self.window).animate.scale(digit_height / self.digit.height).move_to(digit_at),
                Group(self.map, self.cell).animate.scale(map_height / self.map.height).move_to(map_at),
                self.map_label.animate.move_to(under(map_at, map_height, self.map_label)),
                self.digit_label.animate.move_to(under(digit_at, digit_height, self.digit_label)),
                self.kernel.animate.scale_to_fit_height(LIVE).move_to(weights_at),
                run_time=1.4,
            ),
            FadeIn(Group(patch, products, times, equals, names), run_time=0.6),
            lag_ratio=1,
        )
        self.telling(
            "Now slide the window one pixel at a time, along the top row.",
            grow,
            step(0, first, run_time=0.7 * (first + 1)),
        )
        if meets > first + 1:
            blank = written_sum(dots[0].products, story.bias).bias
            self.telling(
                f"On blank paper each value is just the bias, {signed(blank)}.",
                step(first + 1, meets - 1, run_time=max(2.0, 0.25 * (meets - first - 1))),
            )
        self.telling(
            "Where the window meets ink, the value changes.",
            step(meets, slow, run_time=0.7 * (slow - meets + 1)),
        )
        self.telling(
            f"Row after row, {rows * cols} dot products fill the {by(rows, cols)} map.",
            step(slow + 1, rows * cols - 1, run_time=5.0, fast=True),
        )
        self.work = Group(readout, links, patch, products, times, equals, names, self.kernel)

    def readout_text(self, text: str, at: np.ndarray) -> VGroup:
        """The readout ``text``, typeset once and copied after (typesetting costs far more than drawing a frame)."""
        made = self.__dict__.setdefault("_readouts", {})
        if text not in made:
            made[text] = label(text, self.theme, LABEL, self.theme.highlight).move_to(at)
        return made[text].copy().set_opacity(1.0)
