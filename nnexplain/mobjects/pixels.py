"""A grey-scale image drawn as a grid of pixel squares.

Pixels of one grey level are the subpaths of one ``VMobject``, so a 28×28 digit
is a few dozen mobjects, not 784. Values are the image's own, in [0, 1];
grey levels are quantised to 1/64, finer than a video shows.
"""

from __future__ import annotations

import numpy as np
from manim import LEFT, UP, ManimColor, Rectangle, VGroup, VMobject, interpolate_color

from nnexplain.errors import RunError
from nnexplain.geometry.network import image_shape
from nnexplain.mobjects.style import Theme, label
from nnexplain.run import Run

__all__ = ["PixelImage", "PixelValues", "SignedPixelImage"]

LEVELS = 64


def _square_points(centers: np.ndarray, side: float) -> np.ndarray:
    h = side / 2
    corners = np.array([[-h, h, 0], [h, h, 0], [h, -h, 0], [-h, -h, 0], [-h, h, 0]])
    segments_start = centers[:, None, :] + corners[None, :-1, :]
    segments_end = centers[:, None, :] + corners[None, 1:, :]
    t = np.array([0.0, 1 / 3, 2 / 3, 1.0])[None, None, :, None]
    points = segments_start[:, :, None, :] + (segments_end - segments_start)[:, :, None, :] * t
    return points.reshape(-1, 3)


class PixelImage(VGroup):
    """``values`` (rows × cols, in [0, 1]) as squares of side ``pixel_size``, centred on the origin."""

    def __init__(
        self,
        values: np.ndarray,
        pixel_size: float = 0.1,
        ink: str = "#FFFFFF",
        paper: str = "#000000",
        frame_color: str = "#6C7480",
    ):
        super().__init__()
        self.values = np.asarray(values, dtype=float)
        self.pixel_size = pixel_size
        rows, cols = self.values.shape
        self.background = Rectangle(width=cols * pixel_size, height=rows * pixel_size)
        self.background.set_fill(paper, 1).set_stroke(frame_color, 1.5)
        self.add(self.background)
        levels = np.round(np.clip(self.values, 0, 1) * LEVELS).astype(int)
        for level in np.unique(levels[levels > 0]):
            r, c = np.nonzero(levels == level)
            shade = VMobject().set_points(_square_points(self.pixel_center_array(r, c), pixel_size))
            shade.set_fill(interpolate_color(ManimColor(paper), ManimColor(ink), level / LEVELS), 1).set_stroke(width=0)
            self.add(shade)

    @classmethod
    def from_run(cls, run: Run, probe_index: int, pixel_size: float = 0.1, **style) -> "PixelImage":
        """Probe input ``probe_index`` of an image run, shaped as the data set's images."""
        shape = image_shape(run)
        if shape is None:
            raise RunError(f"run {run.path} has {run.layers[0]} inputs, not images; PixelImage needs 2-D inputs")
        return cls(run.probe["inputs"][probe_index].reshape(shape), pixel_size, **style)

    def pixel_center_array(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Centres of pixels (row, col), in the image's current position and scale."""
        n_rows, n_cols = self.values.shape
        size = self.background.width / n_cols
        top_left = self.background.get_corner(UP + LEFT)
        x = top_left[0] + (np.asarray(cols) + 0.5) * size
        y = top_left[1] - (np.asarray(rows) + 0.5) * size
        return np.stack([x, y, np.zeros_like(x, dtype=float)], axis=1)

    def pixel_center(self, flat_index: int) -> np.ndarray:
        row, col = divmod(int(flat_index), self.values.shape[1])
        return self.pixel_center_array(np.array([row]), np.array([col]))[0]

    @property
    def current_pixel_size(self) -> float:
        return self.background.width / self.values.shape[1]


class PixelValues(VGroup):
    """A few pixels blown up, each square in its own grey with its value written in it ("0.45"): a pixel is a
    number. ``values`` is the patch (rows × cols, in [0, 1]); ``texts`` are the numbers, ``cells`` the squares."""

    def __init__(self, values: np.ndarray, cell: float, theme: Theme, size: float, ink="#FFFFFF", paper="#000000"):
        super().__init__()
        self.values = np.asarray(values, dtype=float)
        rows, cols = self.values.shape
        self.cells, self.texts = VGroup(), VGroup()
        for (row, col), value in np.ndenumerate(self.values):
            grey = interpolate_color(ManimColor(paper), ManimColor(ink), float(np.clip(value, 0, 1)))
            square = Rectangle(width=cell, height=cell).set_fill(grey, 1).set_stroke(theme.neuron_stroke, 1)
            square.move_to([(col - (cols - 1) / 2) * cell, ((rows - 1) / 2 - row) * cell, 0])
            # dark digits on light squares, light on dark: readable on every grey
            number = label(f"{value:.2f}", theme, size, paper if value > 0.5 else ink)
            self.cells.add(square)
            self.texts.add(number.move_to(square))
        self.add(self.cells, self.texts)


class SignedPixelImage(VGroup):
    """Signed ``values`` (rows × cols) as squares of side ``pixel_size``: ``positive`` where above 0, ``negative``
    where below, the stronger the larger |value| is against ``scale`` (the largest |value| by default); 0 is
    ``paper``. One neuron's weights drawn over the image they multiply, as 3Blue1Brown's chapter 1 draws them."""

    def __init__(self, values, pixel_size, positive, negative, paper="#000000", frame_color="#6C7480", scale=None):
        super().__init__()
        self.values = np.asarray(values, dtype=float)
        rows, cols = self.values.shape
        scale = float(scale or np.abs(self.values).max() or 1.0)
        self.background = Rectangle(width=cols * pixel_size, height=rows * pixel_size)
        self.background.set_fill(paper, 1).set_stroke(frame_color, 1.5)
        self.add(self.background)
        levels = np.round(np.clip(self.values / scale, -1, 1) * LEVELS).astype(int)
        top_left = self.background.get_corner(UP + LEFT)
        for level in np.unique(levels[levels != 0]):
            r, c = np.nonzero(levels == level)
            centers = np.stack([top_left[0] + (c + 0.5) * pixel_size, top_left[1] - (r + 0.5) * pixel_size, 0 * r], 1)
            color = interpolate_color(
                ManimColor(paper), ManimColor(positive if level > 0 else negative), abs(level) / LEVELS
            )
            shade = VMobject().set_points(_square_points(centers.astype(float), pixel_size))
            self.add(shade.set_fill(color, 1).set_stroke(width=0))
