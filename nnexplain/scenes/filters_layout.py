"""Where the filters scene draws: the kernels' row while they train, the columns the rest of the scene fills.

Everything stays above the caption band (:data:`~nnexplain.mobjects.caption_band.BAND_TOP`) and inside the
title-safe margin; labels are 28 points (16 px at 480p).
"""

from __future__ import annotations

__all__ = [
    "TRAIN_Y",
    "TRAIN_TILE",
    "TRAIN_PITCH",
    "TOP_Y",
    "TOP_TILE",
    "PITCH",
    "FIRST_X",
    "TEXT",
    "LEFT_X",
    "column_x",
]

# The kernels' row while they train (large, centred) and from the measuring on (smaller, above the rest).
TRAIN_Y, TRAIN_TILE, TRAIN_PITCH = 0.45, 1.3, 1.5
TOP_Y, TOP_TILE, PITCH, FIRST_X = 1.95, 1.05, 1.4, -4.2
TEXT = 28  # labels under and beside the pictures: 16 px at 480p
LEFT_X = -5.85  # the column of row names, digits and run names, left of the kernels' columns


def column_x(index: int) -> float:
    """The x of kernel ``index``'s column."""
    return FIRST_X + PITCH * index
