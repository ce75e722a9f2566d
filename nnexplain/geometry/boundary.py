"""Where a two-class network decides: its output layer's boundary, and its verdict on the input plane.

The output layer turns the last hidden representation h into two logits; the
network says class 1 where logit₁ > logit₀, that is where

    (w₁ − w₀)·h + (b₁ − b₀) > 0.

In the last representation that boundary is a straight line (a plane when h
has three units); pulled back to the input plane it is whatever curve the
layers' folds made of it.
"""

from __future__ import annotations

import numpy as np

from nnexplain.run.network import Params, forward_trace

__all__ = [
    "decision_boundary",
    "clip_line",
    "split_square",
    "split_rectangle",
    "clip_line_to",
    "clip_plane",
    "class_one_probability",
]


def decision_boundary(weight: np.ndarray, bias: np.ndarray) -> tuple[np.ndarray, float]:
    """(normal, offset) of the two-class output layer: class 1 where normal·h + offset > 0."""
    weight, bias = np.asarray(weight, np.float64), np.asarray(bias, np.float64)
    if weight.shape[0] != 2:
        raise ValueError(f"a decision boundary needs two output classes; this layer has {weight.shape[0]}")
    return weight[1] - weight[0], float(bias[1] - bias[0])


def clip_line(normal: np.ndarray, offset: float, half_extent: float) -> np.ndarray | None:
    """The segment of the line normal·p + offset = 0 inside the square [−e, e]²; None when it misses."""
    a, b = normal
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * half_extent
    crossings = []
    for start, end in zip(corners, np.roll(corners, -1, axis=0)):
        f_start, f_end = start @ normal + offset, end @ normal + offset
        if f_start == 0:
            crossings.append(start)
        if f_start * f_end < 0:
            crossings.append(start + (end - start) * f_start / (f_start - f_end))
    if len(crossings) < 2 or not np.isfinite([a, b]).all():
        return None
    points = np.array(crossings)
    farthest = np.argmax(np.linalg.norm(points - points[0], axis=1))
    return np.array([points[0], points[farthest]])


def split_square(normal: np.ndarray, offset: float, half_extent: float) -> tuple[np.ndarray, np.ndarray]:
    """The square [−e, e]² cut by the line into (class 0 side, class 1 side) polygons; either may be empty."""
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], float) * half_extent
    sides: tuple[list, list] = ([], [])
    for start, end in zip(corners, np.roll(corners, -1, axis=0)):
        f_start, f_end = start @ normal + offset, end @ normal + offset
        if f_start <= 0:
            sides[0].append(start)
        if f_start >= 0:
            sides[1].append(start)  # a corner on the line belongs to both sides
        if f_start * f_end < 0:
            crossing = start + (end - start) * f_start / (f_start - f_end)
            sides[0].append(crossing)
            sides[1].append(crossing)
    return np.array(sides[0]).reshape(-1, 2), np.array(sides[1]).reshape(-1, 2)


def split_rectangle(
    normal: np.ndarray, offset: float, bounds: tuple[float, float, float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """The rectangle (x_min, x_max, y_min, y_max) cut by the line normal·p + offset = 0 into
    (class 0 side, class 1 side) polygons; either may be empty."""
    x_min, x_max, y_min, y_max = bounds
    centre = np.array([(x_min + x_max) / 2, (y_min + y_max) / 2])
    half = np.array([(x_max - x_min) / 2, (y_max - y_min) / 2])
    # In coordinates u = (p − centre)/half the rectangle is the square [−1, 1]²: n·p + o = (n·half)·u + (n·centre + o).
    sides = split_square(np.asarray(normal) * half, float(np.asarray(normal) @ centre + offset), 1.0)
    return tuple(side * half + centre if len(side) else side for side in sides)


def clip_line_to(normal: np.ndarray, offset: float, bounds: tuple[float, float, float, float]) -> np.ndarray | None:
    """The segment of the line normal·p + offset = 0 inside the rectangle (x_min, x_max, y_min, y_max)."""
    x_min, x_max, y_min, y_max = bounds
    centre = np.array([(x_min + x_max) / 2, (y_min + y_max) / 2])
    half = np.array([(x_max - x_min) / 2, (y_max - y_min) / 2])
    segment = clip_line(np.asarray(normal) * half, float(np.asarray(normal) @ centre + offset), 1.0)
    return None if segment is None else segment * half + centre


def clip_plane(normal: np.ndarray, offset: float, half_extent: float) -> np.ndarray | None:
    """The polygon where the plane normal·p + offset = 0 cuts the cube [−e, e]³, in order; None when it misses."""
    cube = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], float) * half_extent
    edges = [(i, j) for i in range(8) for j in range(i + 1, 8) if np.sum(cube[i] != cube[j]) == 1]
    values = cube @ normal + offset
    crossings = [
        cube[i] + (cube[j] - cube[i]) * values[i] / (values[i] - values[j])
        for i, j in edges
        if values[i] * values[j] < 0
    ]
    if len(crossings) < 3:
        return None
    points = np.array(crossings)
    centre = points.mean(axis=0)
    unit = normal / np.linalg.norm(normal)
    u = np.cross(unit, [1.0, 0.0, 0.0] if abs(unit[0]) < 0.9 else [0.0, 1.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(unit, u)
    order = np.argsort(np.arctan2((points - centre) @ v, (points - centre) @ u))
    return points[order]


def class_one_probability(
    params: Params, activation: str, bounds: tuple[float, float, float, float], size: int
) -> np.ndarray:
    """(size, size) probability of class 1 on a raster of the input rectangle; row 0 is the top."""
    x_min, x_max, y_min, y_max = bounds
    xs = np.linspace(x_min, x_max, size)
    ys = np.linspace(y_max, y_min, size)
    pixels = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    probabilities = forward_trace(params, activation, "softmax", pixels)[-1][1]
    return probabilities[:, 1].reshape(size, size)
