"""Your own digit's preparation, as three pictures side by side: as given, its ink cropped, as MNIST's.

Drawn from the :class:`~nnexplain.data.own_digit.PreparedDigit` the app made, so every step
shown is the one the network's input went through.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, Arrow, Group, Rectangle, VGroup

from nnexplain.data.own_digit import BOX, SIDE, PreparedDigit
from nnexplain.mobjects.heatmap import Heatmap, grey_rgba
from nnexplain.mobjects.style import Theme, label

__all__ = ["DigitPreparation"]


class DigitPreparation(Group):
    """``panels`` (the picture, the ink cropped, the 28 × 28 input), ``arrows`` between them and ``names`` under
    them; ``crop`` outlines the ink's box on the second panel, ``fit`` the 20 × 20 box on the third."""

    def __init__(self, digit: PreparedDigit, theme: Theme, height: float = 2.8, text: int = 24, gap: float = 1.6):
        super().__init__()
        picture = Heatmap(grey_rgba(digit.picture), height, smooth=True)
        ink = Heatmap(grey_rgba(digit.ink), height, smooth=True)
        final = Heatmap(grey_rgba(digit.pixels), height)
        self.panels = Group(picture, ink, final).arrange(RIGHT, buff=gap)
        for panel in self.panels:
            panel.add(Rectangle(width=panel.width, height=panel.height).move_to(panel).set_stroke(theme.muted, 1))
        self.arrows = VGroup(
            *(
                Arrow(a.get_right(), b.get_left(), buff=0.12, color=theme.muted, stroke_width=3)
                for a, b in zip(self.panels[:-1], self.panels[1:])
            )
        )
        top, bottom, left, right = digit.box
        self.crop = self._outline(ink, digit.ink.shape, top, bottom, left, right, theme.highlight)
        fitted_rows, fitted_cols = digit.fitted.shape
        rows, cols = np.nonzero(digit.pixels > 0)
        row0 = int(rows.min()) if len(rows) else (SIDE - BOX) // 2
        col0 = int(cols.min()) if len(cols) else (SIDE - BOX) // 2
        self.fit = self._outline(
            final, (SIDE, SIDE), row0, row0 + fitted_rows, col0, col0 + fitted_cols, theme.highlight
        )
        names = [
            f"your picture\n{digit.name}",
            "ink, inverted,\ncropped" if digit.inverted else "ink,\ncropped",
            f"fitted to {BOX}×{BOX},\ncentred in {SIDE}×{SIDE}",
        ]
        self.names = VGroup(
            *(
                label(name, theme, text, theme.muted).next_to(panel, DOWN, buff=0.15)
                for name, panel in zip(names, self.panels)
            )
        )
        for name, panel in zip(self.names, self.panels):
            name.scale_to_fit_width(min(name.width, panel.width + gap - 0.1))
        self.add(self.panels, self.arrows, self.crop, self.fit, self.names)

    @staticmethod
    def _outline(panel: Heatmap, shape: tuple[int, int], top, bottom, left, right, colour) -> Rectangle:
        """A rectangle round pixel rows ``top``..``bottom`` and columns ``left``..``right`` (ends out) of ``panel``."""
        rows, cols = shape
        unit_x, unit_y = panel.width / cols, panel.height / rows
        corner = panel.get_corner(np.array([-1, 1, 0]))
        box = Rectangle(width=(right - left) * unit_x, height=(bottom - top) * unit_y).set_stroke(colour, 2)
        return box.move_to(corner + np.array([(left + right) / 2 * unit_x, -(top + bottom) / 2 * unit_y, 0]))
