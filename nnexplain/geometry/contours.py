"""Contour lines of values sampled on a grid (marching squares), and levels to draw them at.

Every grid cell whose corners straddle a level gets a segment between the points
where its edges cross it, found by linear interpolation along the edges; a saddle
cell (all four edges crossed) is split by the value at its centre. Points are in
index coordinates: (i, j) is ``values[i, j]``, fractions in between.
"""

from __future__ import annotations

import numpy as np

__all__ = ["contour_segments", "log_levels"]


def log_levels(values: np.ndarray, count: int = 12) -> np.ndarray:
    """``count`` levels evenly spaced in log scale strictly inside the range of positive ``values``."""
    low, high = float(np.min(values)), float(np.max(values))
    if not (low > 0 and high > low):
        return np.linspace(low, high, count + 2)[1:-1]
    return np.geomspace(low, high, count + 2)[1:-1]


def contour_segments(values: np.ndarray, level: float) -> np.ndarray:
    """Segments (n, 2, 2) of the contour ``values == level``, in index coordinates."""
    f = np.asarray(values, np.float64) - level
    a, b, c, d = f[:-1, :-1], f[1:, :-1], f[1:, 1:], f[:-1, 1:]  # corners (i,j), (i+1,j), (i+1,j+1), (i,j+1)
    i, j = np.meshgrid(np.arange(f.shape[0] - 1, dtype=float), np.arange(f.shape[1] - 1, dtype=float), indexing="ij")

    def crossing(p, q, start, step):
        """Where the edge from corner value p to q crosses 0, and whether it does."""
        hits = (p < 0) != (q < 0)
        t = np.where(hits, p / np.where(hits, p - q, 1.0), 0.0)
        return hits, np.stack([start[0] + t * step[0], start[1] + t * step[1]], axis=-1)

    edges = [
        crossing(a, b, (i, j), (1, 0)),  # along i at j
        crossing(b, c, (i + 1, j), (0, 1)),  # along j at i + 1
        crossing(d, c, (i, j + 1), (1, 0)),  # along i at j + 1
        crossing(a, d, (i, j), (0, 1)),  # along j at i
    ]
    hits = np.stack([h for h, _ in edges], axis=-1)  # (..., 4)
    points = np.stack([p for _, p in edges], axis=-2)  # (..., 4, 2)
    count = hits.sum(axis=-1)
    segments = []
    two = count == 2
    if two.any():
        order = np.argsort(~hits[two], axis=-1, kind="stable")[:, :2]  # the two crossed edges
        chosen = np.take_along_axis(points[two], order[..., None], axis=1)
        segments.append(chosen)
    four = count == 4
    if four.any():
        centre = (a + b + c + d)[four] / 4
        p = points[four]
        # The centre's side says which corners connect: join edges around the corners on its other side.
        same_as_a = (centre < 0) == (a[four] < 0)
        first = np.where(same_as_a[:, None, None], p[:, [0, 1]], p[:, [0, 3]])
        second = np.where(same_as_a[:, None, None], p[:, [2, 3]], p[:, [2, 1]])
        segments += [first, second]
    return np.concatenate(segments) if segments else np.zeros((0, 2, 2))
