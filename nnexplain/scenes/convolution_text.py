"""The convolution scene's text and picture helpers: labels at 28 points (17 px at 480p), heatmaps revealed in place.

The narration is drawn in the shared caption band (:mod:`~nnexplain.mobjects.caption_band`, 17 px); every label,
and every number written in a cell, is 28 points too, so nothing on screen is under 16 px at 480p.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from manim import DOWN, Group, Rectangle, VGroup

from nnexplain.geometry.convolution import addable
from nnexplain.mobjects.heatmap import Heatmap, Playback
from nnexplain.mobjects.style import label

__all__ = [
    "LABEL",
    "CELL",
    "WrittenSum",
    "written_sum",
    "signed",
    "by",
    "cell_text",
    "numbered",
    "outlined",
    "title",
    "transparent",
    "reveal",
]

# Capital letters 17 px tall at 480p; a number in a cell ("−.57" is 0.87 units wide) needs a cell 1 unit wide,
# so that the numbers of neighbouring cells do not run together.
LABEL, HEADING = 28, 34
CELL = 1.0


def signed(value: float) -> str:
    return f"{value:.2f}".replace("-", "−")


@dataclass(frozen=True)
class WrittenSum:
    """A dot product as the screen writes it: each part, the parts' sum, the bias and the value, so that the parts
    add up to the sum and the sum and the bias to the value, as written."""

    parts: np.ndarray  # the parts as written (rounded so that they add up)
    total: float  # their sum
    bias: float
    value: float

    def part_texts(self) -> list[str]:
        return [cell_text(float(v)) for v in np.ravel(self.parts)]


def written_sum(parts: np.ndarray, bias: float) -> WrittenSum:
    shown, bias_shown, value = addable(parts, bias)
    return WrittenSum(shown, round(value - bias_shown, 2), bias_shown, value)


def worked_product(a: float, b: float) -> tuple[str, str, str]:
    """``a``, ``b`` and ``a × b`` written with the fewest decimals (2 to 6) at which the factors as written multiply to
    the product as written."""
    for decimals in (2, 3, 4, 5, 6):
        shown = round(a, decimals), round(b, decimals), round(a * b, decimals)
        if round(shown[0] * shown[1], decimals) == shown[2]:
            break
    return tuple(f"{v:.{decimals}f}".replace("-", "−") for v in shown)


def cell_text(value: float) -> str:
    """One cell's value in two decimals without the leading zero (".34", "−.57"), so it fits its cell; 0 is "0"."""
    text = f"{value:.2f}"
    if float(text) == 0:
        return "0"
    return text.replace("0.", ".", 1).replace("-", "−")


def numbered(tile: Group, values: np.ndarray, theme, size: float = LABEL) -> VGroup:
    """Each of ``values`` written over its cell of ``tile`` (a square heatmap), outlined in the background's colour
    so that it reads on blue, red and blank cells alike."""
    rows, cols = values.shape
    cell = tile.width / cols
    texts = VGroup()
    for r in range(rows):
        for c in range(cols):
            text = label(cell_text(float(values[r, c])), theme, size)
            if text.width > 0.86 * cell:
                text.scale_to_fit_width(0.86 * cell)
            text.set_stroke(theme.background, width=3, background=True)
            texts.add(text.move_to(tile.get_corner([-1, 1, 0]) + cell * np.array([c + 0.5, -(r + 0.5), 0])))
    return texts


def by(rows: int, cols: int) -> str:
    """Rows × columns, never broken across caption lines (no-break spaces)."""
    return f"{rows}\u00a0×\u00a0{cols}"


def outlined(mobject: Heatmap, theme) -> Group:
    """A heatmap with a thin outline, so that one of zeros (the background's colour) still shows its place."""
    frame = Rectangle(width=mobject.width, height=mobject.height).set_stroke(theme.muted, 1).move_to(mobject)
    return Group(mobject, frame)


def title(heading: str, facts: str, theme) -> VGroup:
    """The question in bold over the run's facts, in the top-left corner."""
    group = VGroup(label(heading, theme, HEADING, weight="BOLD"), label(facts, theme, LABEL, theme.muted))
    group.arrange(DOWN, aligned_edge=[-1, 0, 0], buff=0.12)
    if group.width > 13.2:  # inside the title-safe margin
        group.scale_to_fit_width(13.2)
    return group.to_corner([-1, 1, 0], buff=0.4)


def transparent(rgba: np.ndarray) -> np.ndarray:
    """The same image, fully see-through (drawn over nothing until it is revealed)."""
    return np.zeros_like(rgba)


def reveal(mobject: Heatmap, frame: Callable[[float], np.ndarray], run_time: float = 1.0) -> Playback:
    """Redraw ``mobject`` each frame with ``frame(t)``, t from 0 to 1."""
    return Playback(mobject, lambda t: mobject.show(frame(t)), run_time=run_time)
