"""Polylines with fewer pieces, never further than a tolerance from the points they pass through.

A warped grid is recorded as 42 lines of 200 points. Where a line stays straight
(every linear step keeps it so) most of those points add nothing to the picture,
yet each is a Bézier piece the renderer strokes in every frame. Each line is
cut into chunks of ``CHUNK`` pieces; a chunk keeps every ``stride``-th point for
the largest stride (``CHUNK``, ``CHUNK``/2, …, 1) at which every dropped point
lies within ``tolerance`` of the straight piece that replaces it. Stride 1 keeps
every point, so the bound always holds; the work is a few array passes, with no
loop over points.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CHUNK", "simplified_segments", "distance_to_segments"]

CHUNK = 32  # a power of two: the strides tried are CHUNK, CHUNK/2, …, 1


def distance_to_segments(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The distance from each of ``points`` to the segment from ``a`` to ``b`` (broadcast, last axis: coordinates)."""
    d = b - a
    length2 = np.sum(d * d, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(length2 > 0, np.sum((points - a) * d, axis=-1) / length2, 0.0)
    nearest = a + np.clip(t, 0.0, 1.0)[..., None] * d
    return np.linalg.norm(points - nearest, axis=-1)


def _keep_mask(lines: np.ndarray, tolerance: float) -> np.ndarray:
    """Which points of ``lines`` (L, P, D) the simplified lines pass through (first and last always)."""
    count, length = lines.shape[:2]
    chunks = -(-(length - 1) // CHUNK)
    padded_length = chunks * CHUNK + 1
    # Repeating the last point makes the tail chunk whole; the copies are dropped at the end.
    padded = np.concatenate([lines, np.repeat(lines[:, -1:], padded_length - length, axis=1)], axis=1)
    offsets = np.arange(CHUNK + 1)
    chunk_points = padded[:, (np.arange(chunks) * CHUNK)[:, None] + offsets]  # (L, C, CHUNK + 1, D)
    chosen = np.ones((count, chunks), dtype=np.int64)  # stride 1 always holds
    stride = CHUNK
    while stride > 1:
        starts = (offsets[:-1] // stride) * stride  # the kept point before each point of the chunk
        a = chunk_points[:, :, starts]
        b = chunk_points[:, :, starts + stride]
        worst = distance_to_segments(chunk_points[:, :, :-1], a, b).max(axis=-1)
        chosen = np.where((chosen == 1) & (worst <= tolerance), stride, chosen)
        stride //= 2
    keep = np.zeros((count, padded_length), bool)
    for stride in np.unique(chosen):
        rows, chunk_index = np.nonzero(chosen == stride)
        columns = chunk_index[:, None] * CHUNK + np.arange(0, CHUNK + 1, stride)
        keep[rows[:, None], columns] = True
    keep = keep[:, :length]
    keep[:, -1] = True
    return keep


def simplified_segments(lines: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """The pieces (starts, ends) drawing ``lines`` (L, P, D) within ``tolerance`` of every point.

    Every point of ``lines`` lies within ``tolerance`` of a returned piece of its own line;
    a tolerance of 0 returns every piece.
    """
    lines = np.asarray(lines, dtype=np.float64)
    if lines.shape[1] < 2:
        return np.zeros((0, lines.shape[-1])), np.zeros((0, lines.shape[-1]))
    if tolerance <= 0:
        return lines[:, :-1].reshape(-1, lines.shape[-1]), lines[:, 1:].reshape(-1, lines.shape[-1])
    keep = _keep_mask(lines, tolerance)
    kept = lines[keep]
    line_of = np.nonzero(keep)[0]
    same_line = line_of[1:] == line_of[:-1]
    return kept[:-1][same_line], kept[1:][same_line]
