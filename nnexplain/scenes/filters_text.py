"""The filters scene's own caption: a narrated line under the picture, at 24 points, broken in two when too wide.

(The convolution scene moved to the shared caption band; this scene keeps its caption where its layout expects it.)
"""

from __future__ import annotations

from manim import VGroup

from nnexplain.mobjects.style import label
from nnexplain.scenes.base.caption_layout import CAPTION_WIDTH

__all__ = ["caption"]

CAPTION = 24  # points: 14 px capitals at 480p
CAPTION_Y = -3.22  # two caption lines stay inside the 24 px margin


def caption(text: str, theme) -> VGroup:
    """A narrated line under the picture, broken at the space nearest its middle when one line is too wide."""
    line = label(text, theme, CAPTION)
    if line.width > CAPTION_WIDTH and " " in text:
        spaces = [i for i, char in enumerate(text) if char == " "]
        middle = min(spaces, key=lambda i: abs(i - len(text) / 2))
        line = label(text[:middle] + "\n" + text[middle + 1 :], theme, CAPTION)
    if line.width > CAPTION_WIDTH:
        line.scale_to_fit_width(CAPTION_WIDTH)  # too long a line: the readability test says so
    return line.move_to([0, CAPTION_Y, 0])
