"""Pictures of a CNN's feature maps: a stack of maps as a grid on one diverging scale, a map filling in.

Every map of one picture shares one colour scale (red negative, dark zero, blue positive), so
that maps can be compared; the scale is stated where they are drawn.
"""

from __future__ import annotations

import numpy as np
from manim import ManimColor

from nnexplain.mobjects.heatmap import diverging_rgba
from nnexplain.mobjects.style import Theme

__all__ = ["map_grid_rgba", "partial_map_rgba", "symmetric_scale"]

EMPTY = "#2A313B"  # a thin frame between small maps: lighter than the background, which is the colour of 0
NOT_YET = "#1A2028"  # a map's cells not computed yet are a faint checker of this and the background: a texture, not
# a shade on the colour scale, so that "not yet" never looks like a value


def _rgb(colour: str) -> np.ndarray:
    return np.array(ManimColor(colour).to_rgb())


def symmetric_scale(values: np.ndarray) -> float:
    """The colour scale of ``values``: their largest magnitude (never 0)."""
    return float(max(np.abs(values).max(initial=0.0), 1e-9))


def map_grid_rgba(
    maps: np.ndarray, scale: float, theme: Theme, cols: int, gap: int = 1, frames: dict[int, str] | None = None
) -> np.ndarray:
    """(channels, r, c) maps side by side, ``cols`` a row, ``gap`` background pixels apart; ``frames`` colours
    the gap around some maps (by index)."""
    count, rows, width = maps.shape
    grid_rows = -(-count // cols)
    tile_h, tile_w = rows + 2 * gap, width + 2 * gap
    canvas = np.empty((grid_rows * tile_h, cols * tile_w, 4), np.uint8)
    canvas[...] = np.append(np.round(255 * _rgb(theme.background)), 255).astype(np.uint8)
    for index, values in enumerate(maps):
        top, left = (index // cols) * tile_h, (index % cols) * tile_w
        colour = (frames or {}).get(index)
        if colour is not None:
            canvas[top : top + tile_h, left : left + tile_w] = np.append(np.round(255 * _rgb(colour)), 255)
        canvas[top + gap : top + gap + rows, left + gap : left + gap + width] = diverging_rgba(values, scale, theme)
    return canvas


def partial_map_rgba(values: np.ndarray, scale: float, theme: Theme, filled: int) -> np.ndarray:
    """A map whose first ``filled`` values (row by row) are drawn, the rest left as the background."""
    rgba = diverging_rgba(values, scale, theme)
    empty = np.empty_like(rgba)
    empty[...] = np.append(np.round(255 * _rgb(theme.background)), 255).astype(np.uint8)
    rows, cols = values.shape
    checker = (np.add.outer(np.arange(rows), np.arange(cols)) % 2).astype(bool)
    empty[checker] = np.append(np.round(255 * _rgb(NOT_YET)), 255).astype(np.uint8)
    mask = (np.arange(values.size) < filled).reshape(values.shape)
    return np.where(mask[..., None], rgba, empty)
