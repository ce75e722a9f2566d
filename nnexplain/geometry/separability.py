"""How separable two classes of points are: the accuracy of the best straight line.

``fold`` answers "why more than one layer?" with the run's own numbers: after each
layer, how well could one straight line (one linear readout) split the points as
they are now? We measure it as the share of points that the best line puts on their
own side, found by brute force over directions:

- for a unit direction u, every line with normal u is a threshold on the projections
  u·x; sorting them, the best threshold and orientation is read off cumulative class
  counts in O(n log n);
- the best line over all directions is the best of these over a dense fan of
  directions (2-D: ``DIRECTIONS`` angles over a half turn; 3-D: as many spread over a
  half sphere; wider: principal components first, down to 3).

A line exists with that accuracy (so the number is never flattering), and the
search misses the true optimum only when the optimal directions form a fan narrower
than the angle between two neighbours (1/20 of a degree in 2-D).
"""

from __future__ import annotations

import numpy as np

__all__ = ["DIRECTIONS", "best_line", "best_line_accuracy", "threshold_accuracy"]

DIRECTIONS = 3600


def threshold_accuracy(projections: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """For each row of ``projections`` (directions × points), the best share correct of a threshold on it,
    class 1 on either side."""
    order = np.argsort(projections, axis=1, kind="stable")
    sorted_labels = labels[order]
    ones_below = np.concatenate([np.zeros((len(order), 1)), np.cumsum(sorted_labels, axis=1)], axis=1)
    count = labels.size
    below = np.arange(count + 1)[None]
    # Threshold after k points: class 0 below and class 1 above, or the other way round.
    zeros_below = below - ones_below
    ones_above = labels.sum() - ones_below
    correct = np.maximum(zeros_below + ones_above, count - (zeros_below + ones_above))
    # A threshold can only fall between different projections: ties move together.
    values = np.take_along_axis(projections, order, axis=1)
    split_ok = np.ones_like(correct, bool)
    split_ok[:, 1:-1] = values[:, 1:] > values[:, :-1]
    return np.where(split_ok, correct, 0).max(axis=1) / count


def _directions(width: int, count: int) -> np.ndarray:
    if width == 1:
        return np.ones((1, 1))
    if width == 2:
        angles = np.pi * np.arange(count) / count
        return np.column_stack([np.cos(angles), np.sin(angles)])
    # A Fibonacci lattice on the upper half sphere: evenly spread, every direction up to its sign.
    index = np.arange(count) + 0.5
    z = index / count
    angle = np.pi * (1 + 5**0.5) * index
    r = np.sqrt(1 - z**2)
    return np.column_stack([r * np.cos(angle), r * np.sin(angle), z])


def best_line_accuracy(points: np.ndarray, labels: np.ndarray, directions: int = DIRECTIONS) -> float:
    """The share of ``points`` (n, width) that the best straight line (plane, in 3-D) puts on their class's
    side; ``labels`` are 0 and 1."""
    points = np.asarray(points, np.float64)
    labels = np.asarray(labels).astype(np.int64)
    if points.shape[1] > 3:  # the three directions the points spread most along
        centred = points - points.mean(axis=0)
        points = centred @ np.linalg.svd(centred, full_matrices=False)[2][:3].T
    fan = _directions(points.shape[1], directions if points.shape[1] == 2 else 4 * directions)
    best = 0.0
    for chunk in np.array_split(fan, max(1, len(fan) // 512)):
        best = max(best, float(threshold_accuracy(chunk @ points.T, labels).max()))
    return best


def best_line(points: np.ndarray, labels: np.ndarray, directions: int = DIRECTIONS) -> tuple[float, np.ndarray, float]:
    """For 2-D ``points``: the best line's share correct, its unit normal n and offset c (the line n·x + c = 0,
    halfway between the two projections it falls between), as :func:`best_line_accuracy` finds it. The normal
    points to class 1's side: n·x + c > 0 there (a picture that tints the sides by class needs to know which)."""
    points = np.asarray(points, np.float64)
    labels = np.asarray(labels).astype(np.int64)
    if points.shape[1] != 2:
        raise ValueError(f"best_line draws lines in the plane, not in {points.shape[1]}-D")
    fan = _directions(2, directions)
    scores = threshold_accuracy(fan @ points.T, labels)
    normal = fan[int(np.argmax(scores))]
    projections = np.sort(points @ normal)
    cuts = np.concatenate([[projections[0] - 1], (projections[1:] + projections[:-1]) / 2, [projections[-1] + 1]])
    agree = [max(np.mean((points @ normal > c) == labels), np.mean((points @ normal <= c) == labels)) for c in cuts]
    cut = float(cuts[int(np.argmax(agree))])
    if np.mean((points @ normal > cut) == labels) < 0.5:  # class 1 lies below the cut: turn the normal round
        return float(scores.max()), -normal, cut
    return float(scores.max()), normal, -cut
