"""Arrowheads on a carried curve's open ends: where it leaves the picture, it runs on.

A curve traced over more of the plane than is shown is cut at the picture's edge, and
there it looks as if it simply stops. :class:`LineEnds` puts an arrowhead at each place
one of :class:`~nnexplain.mobjects.plane.CarriedLines`' curves ends or leaves its clip,
pointing the way the curve goes on, and redraws them every frame as the lines move.
A closed curve gets none.
"""

from __future__ import annotations

import numpy as np
from manim import VMobject

from nnexplain.mobjects.plane import CarriedLines

__all__ = ["LineEnds", "open_ends"]

STEP_IN = 4  # samples back from an end to take the curve's direction from (steadier than the last segment)


def chained(pieces: np.ndarray) -> list[np.ndarray]:
    """``pieces`` (k, n, 2 or 3), neighbours sharing an end (as :func:`~nnexplain.geometry.contour.as_lines` cuts
    a curve), joined back into whole curves, repeated samples dropped."""
    curves: list[list[np.ndarray]] = []
    for piece in np.asarray(pieces, np.float64)[..., :2]:
        if curves and np.allclose(curves[-1][-1], piece[0], atol=1e-9):
            curves[-1].extend(piece[1:])
        else:
            curves.append(list(piece))
    whole = []
    for curve in curves:
        curve = np.array(curve)
        keep = np.concatenate([[True], np.any(np.abs(np.diff(curve, axis=0)) > 1e-12, axis=1)])
        whole.append(curve[keep])
    return whole


def open_ends(curves: np.ndarray, clip=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """(where, which way) of each open end of ``curves`` (k, n, 2 or 3 scene points; pieces sharing ends are one
    curve) inside ``clip`` (x_min, x_max, y_min, y_max): the first and last sample of each curve's shown part,
    and the unit direction in which the curve leaves it there."""
    ends = []
    for curve in chained(curves):
        if len(curve) < 2 or np.allclose(curve[0], curve[-1]):
            continue  # a closed curve has no ends
        inside = np.ones(len(curve), bool)
        if clip is not None:
            x_min, x_max, y_min, y_max = clip
            inside = (curve[:, 0] >= x_min) & (curve[:, 0] <= x_max) & (curve[:, 1] >= y_min) & (curve[:, 1] <= y_max)
        shown = np.flatnonzero(inside)
        if len(shown) < 2:
            continue
        for end, inward in ((shown[0], 1), (shown[-1], -1)):
            back = int(np.clip(end + inward * STEP_IN, shown[0], shown[-1]))
            direction = curve[end] - curve[back]
            length = np.linalg.norm(direction)
            if length > 0:
                ends.append((curve[end], direction / length))
    return ends


class LineEnds(VMobject):
    """Filled arrowheads at ``lines``' open ends (see :func:`open_ends`), following them every frame."""

    def __init__(self, lines: CarriedLines, color: str, size: float = 0.2):
        super().__init__(fill_color=color, fill_opacity=1.0, stroke_width=0)
        self.lines, self.size = lines, size
        self.refresh()
        self.add_updater(lambda mobject: mobject.refresh())

    def refresh(self) -> "LineEnds":
        lines = self.lines
        if not len(lines.grid_state):
            self.set_points(np.zeros((0, 3)))
            return self
        segments = []
        for tip, direction in open_ends(lines.view(lines.grid_state), lines.clip):
            across = np.array([-direction[1], direction[0]])
            base = tip - self.size * direction
            corners = [tip, base + 0.55 * self.size * across, base - 0.55 * self.size * across]
            for a, b in zip(corners, corners[1:] + corners[:1]):
                a3, b3 = np.append(a, 0.0), np.append(b, 0.0)
                segments.append([a3, a3 + (b3 - a3) / 3, a3 + 2 * (b3 - a3) / 3, b3])
        self.set_points(np.array(segments).reshape(-1, 3) if segments else np.zeros((0, 3)))
        return self
