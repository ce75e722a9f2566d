"""Where a panel looks while the data move: a frame that follows the data points.

A layer can stretch the data tenfold or squash them into a corner. A view fixed
for a whole step shows that as a speck or a blur; a view that follows the data
keeps them filling the panel at every instant, so the motion itself is seen.

:func:`follow` frames a set of points (already projected to the panel's 2 or 3
dimensions): the centre of their bounding box, and the largest distance of a
point from it. A circle of that radius holds every point whichever way the data
turn, so the zoom does not breathe while a layer rotates them; and since the
radius is at most √2 (√3 in 3-D) times the bounding box's larger half side, the
data still fill at least ``fill``/√2 of the panel in their larger direction.

:func:`bounding_fraction` is the quantity the scenes promise to keep large: how
much of the panel's side the data's bounding box spans in its larger direction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Framing", "follow", "bounding_fraction", "nice_length"]

MIN_RADIUS = 1e-3  # a frame never zooms in further than this (all points on one spot)


@dataclass(frozen=True)
class Framing:
    """The point of representation space at the panel's centre, and the radius shown around it."""

    centre: np.ndarray  # (dims,), in projected coordinates
    radius: float


def follow(points: np.ndarray) -> Framing:
    """The frame of ``points`` (n, dims): bounding-box centre, farthest point's distance from it."""
    points = np.asarray(points, np.float64)
    finite = points[np.all(np.isfinite(points), axis=1)]
    if len(finite) == 0:
        return Framing(np.zeros(points.shape[1]), 1.0)
    centre = (finite.min(axis=0) + finite.max(axis=0)) / 2
    radius = float(np.max(np.linalg.norm(finite - centre, axis=1)))
    return Framing(centre, max(radius, MIN_RADIUS))


def bounding_fraction(scene_points: np.ndarray, panel_side: float) -> float:
    """The larger side of the bounding box of ``scene_points`` (n, 2 or 3), as a fraction of ``panel_side``."""
    spans = np.ptp(np.asarray(scene_points, np.float64), axis=0)
    return float(spans.max() / panel_side)


def nice_length(longest: float) -> float:
    """The largest 1, 2 or 5 × 10^k not above ``longest``: a scale bar's round length."""
    longest = max(float(longest), 1e-12)
    power = 10.0 ** np.floor(np.log10(longest))
    for step in (5, 2, 1):
        if step * power <= longest * (1 + 1e-9):
            return float(step * power)
    return float(power)
