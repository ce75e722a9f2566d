"""The caption band: a line of narration drawn at the foot of the frame, as a subtitle is.

When a scene's narration is shown on screen (the ``captions`` mode), each line is
drawn here, in at most two rows of at most 42 characters (the subtitle standard),
centred at the bottom inside the title-safe margin, large enough to read in a lecture
hall (about 17 pixels tall at 480p). Scenes keep the band free: nothing they draw goes
below :data:`BAND_TOP`.

    band = caption_band("The weights are real.", theme)
"""

from __future__ import annotations

from manim import DOWN, VGroup

from nnexplain.errors import NnexplainError
from nnexplain.mobjects.style import Theme, label

__all__ = ["BAND_TOP", "MAX_ROW", "MAX_ROWS", "CAPTION_SIZE", "caption_rows", "caption_band"]

MAX_ROW = 42  # characters a row, as subtitle standards have it
MAX_ROWS = 2
CAPTION_SIZE = 30  # points: capital letters about 17 px tall at 480p
SAFE_MARGIN = 0.4  # scene units: 24 px of 854 at 480p, LECTURE.md's title-safe margin
FRAME_BOTTOM = -4.0
BAND_TOP = -2.5  # scenes draw nothing below this line: two rows of captions and the safe margin


class NarrationTooLong(NnexplainError):
    """A line of narration that does not fit two rows of a caption."""


def caption_rows(text: str, width: int = MAX_ROW, rows: int = MAX_ROWS) -> list[str]:
    """``text`` broken at spaces into at most ``rows`` rows of at most ``width`` characters, balanced
    (the shortest longest row); :class:`NarrationTooLong` when it cannot fit."""
    words = text.split()
    if not words:
        return []
    if len(" ".join(words)) <= width:
        return [" ".join(words)]
    best = None
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        if len(first) <= width and len(second) <= width:
            longest = max(len(first), len(second))
            if best is None or longest < best[0]:
                best = (longest, [first, second])
    if best is None or rows < 2:
        raise NarrationTooLong(
            f"a line of narration is longer than {rows} rows of {width} characters: {text!r}; say it as two lines"
        )
    return best[1]


def caption_band(text: str, theme: Theme, size: float = CAPTION_SIZE) -> VGroup:
    """The caption of ``text``: its rows centred, the last one resting on the title-safe margin."""
    rows = VGroup(*(label(row, theme, size) for row in caption_rows(text)))
    rows.arrange(DOWN, buff=0.14)
    return rows.move_to([0, FRAME_BOTTOM + SAFE_MARGIN + rows.height / 2, 0])
