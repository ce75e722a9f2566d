"""A scale bar for a zooming view: a bar of a round length in representation units, labelled.

When a layer scales its data tenfold and the view follows them, the picture alone
no longer says how big things are; the bar does, growing and shrinking with the
zoom and stepping through 1, 2, 5 × 10^k.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from manim import RIGHT, VGroup, VMobject

from nnexplain.mobjects.style import Theme, label

__all__ = ["ScaleBar"]


class ScaleBar(VGroup):
    """A bar of a round length in representation units, with its length written beside it; it
    follows the view's zoom, so a step that scales the data tenfold shows it.

    Every label it may need (1, 2, 5 × 10^k for k in ``decades``) is made up front and only
    shown or hidden: manim fixes the mobjects an animation draws when the animation begins.
    """

    def __init__(
        self, theme: Theme, left: np.ndarray, longest: float = 1.6, size: float = 24, decades: range = range(-3, 4)
    ):
        super().__init__()
        self.theme, self.left, self.longest = theme, np.asarray(left, float), longest
        self.bar = VMobject(stroke_color=theme.text, stroke_width=3)
        self.labels = {
            step * 10.0**k: label(f"{step * 10.0**k:g}", theme, size, theme.text).set_opacity(0)
            for k in decades
            for step in (1, 2, 5)
        }
        self.length: float | None = None
        self.add(self.bar, *self.labels.values())

    def follow(self, view: Callable) -> "ScaleBar":
        """Redraw for ``view`` (anything with a ``scale``: scene units per representation unit)."""
        from nnexplain.geometry.framing import nice_length

        unit = float(view.scale)
        wanted = nice_length(self.longest / max(unit, 1e-12))
        length = min(self.labels, key=lambda value: abs(np.log(value / wanted)))  # the same number, as a key
        span = length * unit
        tick = 0.09
        a, b = self.left, self.left + np.array([span, 0, 0])
        self.bar.set_points_as_corners([a + [0, tick, 0], a - [0, tick, 0], a, b, b + [0, tick, 0], b - [0, tick, 0]])
        text = self.labels[length]
        text.next_to(b, RIGHT, buff=0.15)
        if length != self.length:
            if self.length is not None:
                self.labels[self.length].set_opacity(0)
            text.set_opacity(1)
            self.length = length
        return self
