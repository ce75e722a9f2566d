"""A 3-D view drawn in a flat scene: a turnable camera around the data, a labelled box, dots in front of a sheet.

:class:`OrbitView` takes representation points (three coordinates, or fewer, zero
padded) to scene points the way a camera at polar angle ``phi`` and azimuth
``theta`` sees them (manim's ThreeDCamera conventions, orthographic), centred on
``origin`` and scaled by ``scale``. Being a plain callable, it drives a
:class:`~nnexplain.mobjects.plane.WarpedPlane` like any 2-D view, so the camera
can turn and zoom in the same animation that moves the data, and the picture can
sit anywhere in the frame beside flat captions.

:class:`OrbitBox` is the box the view shows, its three axes named with the range
of values they span; :class:`FrontDots` redraws one class's dots above a sheet,
so points on the camera's side of a separating plane are seen in front of it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from manim import VGroup, VMobject

from nnexplain.geometry.warp import Projection
from nnexplain.mobjects.plane import polyline_points
from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import Theme, fmt_fixed, label

__all__ = ["OrbitView", "OrbitBox", "FrontDots", "camera_angles", "upright_roll"]


def _about_z(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def _about_x(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


@dataclass(frozen=True)
class OrbitView:
    """Representation → scene: project, move ``origin`` to 0, scale, turn as the camera sees it, move to ``centre``."""

    projection: Projection  # to 3 dimensions (zero padded when the representation is narrower)
    scale: float
    centre: tuple[float, float, float]
    origin: tuple[float, float, float]
    phi: float = 0.0  # the camera's polar angle: 0 looks straight down the third axis
    theta: float = -np.pi / 2  # its azimuth; −90° with phi = 0 is the flat view (x right, y up)
    half_size: float = 2.0  # the half side of the shown box, in scene units
    gamma: float = 0.0  # the camera's roll about its line of sight

    @property
    def rotation(self) -> np.ndarray:
        """As manim's ThreeDCamera: about z by −theta − 90°, then about x by −phi, then about z by gamma."""
        return _about_z(self.gamma) @ _about_x(-self.phi) @ _about_z(-self.theta - np.pi / 2)

    @property
    def camera_direction(self) -> np.ndarray:
        """The unit vector from the scene towards the camera, in the box's coordinates."""
        return self.rotation.T @ np.array([0.0, 0.0, 1.0])

    def normalised(self, x: np.ndarray) -> np.ndarray:
        """Points in the box's scene-sized coordinates, before the camera turns them (…, 3)."""
        width = self.projection.basis.shape[0]
        x = x[..., :width] if x.shape[-1] >= width else np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, width - x.shape[-1])])
        projected = (self.projection(x) - np.asarray(self.origin)[: self.projection.basis.shape[1]]) * self.scale
        return np.pad(projected, [(0, 0)] * (projected.ndim - 1) + [(0, 3 - projected.shape[-1])])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        turned = self.normalised(x) @ self.rotation.T
        turned[..., 2] = 0.0
        return turned + np.asarray(self.centre)

    def shown_range(self, axis: int) -> tuple[float, float]:
        """The values axis ``axis`` spans across the box."""
        reach = self.half_size / self.scale
        return self.origin[axis] - reach, self.origin[axis] + reach

    def turned(self, phi: float, theta: float, half_size: float | None = None) -> "OrbitView":
        factor = 1.0 if half_size is None else half_size / self.half_size
        return replace(self, phi=phi, theta=theta, scale=self.scale * factor, half_size=half_size or self.half_size)


def camera_angles(direction: np.ndarray) -> tuple[float, float]:
    """(phi, theta) of a camera looking from ``direction`` (towards the box's centre)."""
    x, y, z = np.asarray(direction, np.float64) / np.linalg.norm(direction)
    return float(np.arccos(np.clip(z, -1, 1))), float(np.arctan2(y, x))


def upright_roll(phi: float, theta: float, up: np.ndarray) -> float:
    """The roll that makes direction ``up`` point straight up on the screen of a camera at (phi, theta)."""
    seen = (_about_x(-phi) @ _about_z(-theta - np.pi / 2)) @ np.asarray(up, np.float64)
    return float(np.pi / 2 - np.arctan2(seen[1], seen[0]))


class OrbitBox(VGroup):
    """The outline of the shown box and its three axes, each named with the range it spans.

    Each axis's tip carries the last word of its name ("2" for "unit 2"), and a table in a
    corner gives each name with its range. Labels are redrawn in place every frame
    (``follow``) in glyph slots reserved for a long placeholder, because manim draws during
    an animation only the parts a mobject had when the animation began
    (:mod:`nnexplain.mobjects.slot_text`).
    """

    def __init__(self, theme: Theme, names: tuple[str, str, str], size: float = 24, table_corner=(-7.0, 3.95)):
        super().__init__()
        self.theme, self.names, self.size, self.table_corner = theme, list(names), size, np.array(table_corner)
        self.outline = VMobject(stroke_color=theme.muted, stroke_width=1.5, stroke_opacity=0.6)
        self.axes = VMobject(stroke_color=theme.text, stroke_width=2.5, stroke_opacity=0.8)
        self.tips = [SlotText(label("x" * 8, theme, size, theme.text), edge=None) for _ in range(3)]
        self.ranges = [SlotText(label("x" * 28, theme, size, theme.muted), edge=None) for _ in range(3)]
        self.texts: dict[int, str] = {}
        self.add(self.outline, self.axes, *self.tips, *self.ranges)

    def _write(self, key: int, mobject, text: str, color: str) -> None:
        if self.texts.get(key) != text:
            mobject.show(label(text, self.theme, self.size, color), placed=True)  # placed by follow()
            self.texts[key] = text

    def follow(self, view: OrbitView) -> "OrbitBox":
        h = view.half_size
        corners = np.array([[x, y, z] for x in (-h, h) for y in (-h, h) for z in (-h, h)])
        edges = [(i, j) for i in range(8) for j in range(i + 1, 8) if np.sum(corners[i] != corners[j]) == 1]
        turned = corners @ view.rotation.T
        turned[:, 2] = 0
        turned += np.asarray(view.centre)
        self.outline.set_points(polyline_points(np.array([[turned[i], turned[j]] for i, j in edges])))
        # The three axes start at the corner (−h, −h, −h): corner 0; along x: 4, y: 2, z: 1.
        ends = [4, 2, 1]
        self.axes.set_points(polyline_points(np.array([[turned[0], turned[end]] for end in ends])))
        row = 0
        for axis, end in enumerate(ends):
            edge = turned[end] - turned[0]
            length = np.linalg.norm(edge[:2])
            shown = float(np.clip((length - 0.6) / 0.6, 0, 1))  # an axis pointing at the camera has no name
            self._write(
                axis, self.tips[axis], self.names[axis].split()[-1], self.theme.text
            )  # "unit 2" → "2" at the tip
            self.tips[axis].move_to(
                turned[end] + edge / (length or 1.0) * (0.2 + self.tips[axis].width / 2)
            ).set_opacity(shown)
            low, high = view.shown_range(axis)
            self._write(
                3 + axis,
                self.ranges[axis],
                f"{self.names[axis]}: {fmt_fixed(low, 1)} to {fmt_fixed(high, 1)}",
                self.theme.muted,
            )
            self.ranges[axis].move_to(
                [*(self.table_corner + [0, -0.4 * row]), 0], aligned_edge=np.array([-1.0, 1.0, 0.0])
            )
            self.ranges[axis].set_opacity(shown)
            row += shown > 0
        return self


class FrontDots(VMobject):
    """A copy of one class's dots of a plane, redrawn each frame: add it after a sheet to show them in front."""

    def __init__(self, dots: VMobject):
        super().__init__(
            fill_color=dots.get_fill_color(), fill_opacity=1.0, stroke_color=dots.get_stroke_color(), stroke_width=0.6
        )
        self.source = dots
        self.follow(None)

    def follow(self, view) -> "FrontDots":
        self.set_points(self.source.points.copy())
        return self
