"""Paths of matrices from the identity to a layer's weight matrix that never collapse space.

Animating a linear map W by the straight blend (1 − t)·I + t·W can pass through
a singular matrix, where the whole grid is squashed onto a line for an instant
(for a rotation by 180° it collapses to a point at t = 1/2). Following colah's
"Neural Networks, Manifolds, and Topology", we split W by its polar
decomposition W = R·S, with R orthogonal and S symmetric positive definite, and
animate

    M(t) = R(t) · ((1 − t)·I + t·S),

where R(t) turns by t times R's rotation angle. Both factors stay invertible, so
det M(t) > 0 for every t.

A negative determinant means W mirrors space, and no continuous path of
invertible matrices leads from I to a mirror. :class:`MatrixPath` then starts
from the mirror F = diag(1, …, 1, −1) instead of I: the scene shows the mirror
as its own, separate step, and the path from F to W keeps det M(t) < 0 all the
way. For a 3 × 2 weight (two units feeding three), :func:`lift_matrix` completes
W to an invertible 3 × 3 matrix that acts as W on the plane z = 0.

    >>> path = MatrixPath(np.array([[0.0, -2.0], [1.0, 0.0]]))
    >>> bool(np.allclose(path.at(1.0), [[0.0, -2.0], [1.0, 0.0]]))
    True
"""

from __future__ import annotations

import numpy as np

__all__ = ["MatrixPath", "polar", "rotation_power", "lift_matrix"]


def polar(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """W = R·S with R orthogonal and S symmetric positive semi-definite (definite when W is invertible)."""
    u, sigma, vt = np.linalg.svd(weight)
    return u @ vt, (vt.T * sigma) @ vt


def _rotation_2d(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


def _axis_angle(rotation: np.ndarray) -> tuple[np.ndarray, float]:
    skew = np.array([rotation[2, 1] - rotation[1, 2], rotation[0, 2] - rotation[2, 0], rotation[1, 0] - rotation[0, 1]])
    # atan2 of (sin, cos) keeps small angles exact, where arccos of the trace loses them.
    sine, cosine = np.linalg.norm(skew) / 2, (np.trace(rotation) - 1) / 2
    angle = float(np.arctan2(sine, cosine))
    if sine > 1e-6 or (sine > 0 and cosine > 0):
        return skew / np.linalg.norm(skew), angle
    if cosine > 0:  # the identity: any axis will do
        return np.array([0.0, 0.0, 1.0]), 0.0
    # (Nearly) a half turn: the axis is the direction R leaves alone, the null vector of R − I. Read off
    # R + I instead (exact only at a half turn), it was off by the tiny skew part, and R¹ missed R by as much.
    axis = np.linalg.svd(rotation - np.eye(3))[2][-1]
    along = skew @ axis / 2  # sin of the angle about this axis
    if along < 0:  # the skew part, small as it is, says which way round
        axis, along = -axis, -along
    return axis, float(np.arctan2(along, cosine))


def rotation_power(rotation: np.ndarray, t: float) -> np.ndarray:
    """R^t for a rotation R (orthogonal, det +1) of size 1, 2 or 3: the same axis, t times the angle."""
    size = rotation.shape[0]
    if size == 1:
        return np.eye(1)
    if size == 2:
        return _rotation_2d(t * np.arctan2(rotation[1, 0], rotation[0, 0]))
    if size == 3:
        axis, angle = _axis_angle(rotation)
        k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
        theta = t * angle
        return np.eye(3) + np.sin(theta) * k + (1 - np.cos(theta)) * (k @ k)
    raise ValueError(f"rotation_power handles 1, 2 or 3 dimensions, not {size}")


class MatrixPath:
    """An invertible path of matrices ending at an invertible square ``weight`` (size 1 to 3).

    ``start`` is I when det W > 0, else the mirror :attr:`mirror` (the scene's separate step).
    """

    def __init__(self, weight: np.ndarray):
        weight = np.asarray(weight, np.float64)
        size = weight.shape[0]
        if weight.shape != (size, size) or not 1 <= size <= 3:
            raise ValueError(f"MatrixPath needs a square matrix of size 1 to 3, not {weight.shape}")
        if abs(np.linalg.det(weight)) < 1e-12 * max(1.0, np.abs(weight).max()) ** size:
            raise ValueError("the weight matrix is singular: every path to it ends in a collapse")
        self.weight = weight
        orthogonal, self.stretch = polar(weight)
        self.mirror: np.ndarray | None = None
        if np.linalg.det(orthogonal) < 0:
            self.mirror = np.diag([1.0] * (size - 1) + [-1.0])
            orthogonal = orthogonal @ self.mirror  # now a rotation: W = (R·F)·F·S
        self.rotation = orthogonal

    @property
    def start(self) -> np.ndarray:
        return np.eye(len(self.weight)) if self.mirror is None else self.mirror

    def at(self, t: float) -> np.ndarray:
        """M(t): ``start`` at t = 0, W at t = 1, invertible in between."""
        size = len(self.weight)
        blend = (1 - t) * np.eye(size) + t * self.stretch  # positive definite for t in [0, 1]
        if self.mirror is not None:
            blend = self.mirror @ blend
        return rotation_power(self.rotation, t) @ blend


def lift_matrix(weight: np.ndarray) -> np.ndarray:
    """An invertible 3 × 3 matrix [w₁ w₂ n] acting as the 3 × 2 ``weight`` on the plane z = 0.

    n is the unit normal w₁ × w₂ scaled to the geometric mean of the two columns'
    lengths, so det = |w₁ × w₂| · |n| > 0 and the third direction is stretched
    about as much as the other two.
    """
    weight = np.asarray(weight, np.float64)
    if weight.shape != (3, 2):
        raise ValueError(f"lift_matrix takes a 3 × 2 weight (two units feeding three), not {weight.shape}")
    normal = np.cross(weight[:, 0], weight[:, 1])
    area = np.linalg.norm(normal)
    if area < 1e-12:
        raise ValueError("the two columns are parallel: the weight maps the plane onto a line")
    scale = np.sqrt(np.linalg.norm(weight[:, 0]) * np.linalg.norm(weight[:, 1]))
    return np.column_stack([weight, normal / area * scale])
