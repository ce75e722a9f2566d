"""A 3-D view drawn in a flat scene: a turnable camera around the data, a box with depth cues, dots by depth.

:class:`OrbitView` takes representation points (three coordinates, or fewer, zero
padded) to scene points the way a camera at polar angle ``phi`` and azimuth
``theta`` sees them (manim's ThreeDCamera conventions), centred on ``origin`` and
scaled by ``scale``, in mild perspective: the camera stands ``distance`` half sides
from the box's centre, so what is near looks larger. Being a plain callable, it
drives a :class:`~nnexplain.mobjects.plane.WarpedPlane` like any 2-D view, so the
camera can turn and zoom in the same animation that moves the data, and the
picture can sit anywhere in the frame beside flat text.

The depth cues a flat picture of 3-D needs (a lecture hall sees no stereo):

- :class:`DepthPlane` draws each dot larger when near and dimmer when far, and, given
  a separating plane (:meth:`DepthPlane.cut_by`), the dots on the camera's side of it
  in a group of their own, added after the plane's polygon so they are seen in front;
- :class:`OrbitBox` draws the box's edges fainter the farther they are, a grid on its
  floor, its three axes, and each axis's name outside the box's outline, on the ray from
  its centre through the axis's end (so never over the data), with a table of the range
  each axis spans.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from manim import Polygon, VGroup, VMobject

from nnexplain.geometry.boundary import clip_plane
from nnexplain.geometry.warp import Projection
from nnexplain.mobjects.plane import WarpedPlane, clip_to_box, polyline_points
from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import Theme, fmt_fixed, label

__all__ = ["OrbitView", "OrbitBox", "DepthPlane", "SeparatingPlane", "camera_angles", "upright_roll"]

DOT_SHADES = (0.3, 0.5, 0.75, 1.0)
BOX_REACH = 1.02  # what a DepthPlane shows: a hair beyond the box, so points on its faces stay  # fill opacity of a dot, from the farthest quarter of depth to the nearer half


def _about_z(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def _about_x(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


@dataclass(frozen=True)
class OrbitView:
    """Representation → scene: project, move ``origin`` to 0, scale, turn as the camera sees it, perspective,
    move to ``centre``."""

    projection: Projection  # to 3 dimensions (zero padded when the representation is narrower)
    scale: float
    centre: tuple[float, float, float]
    origin: tuple[float, float, float]
    phi: float = 0.0  # the camera's polar angle: 0 looks straight down the third axis
    theta: float = -np.pi / 2  # its azimuth; −90° with phi = 0 is the flat view (x right, y up)
    half_size: float = 2.0  # the half side of the shown box, in scene units
    gamma: float = 0.0  # the camera's roll about its line of sight
    distance: float = 7.0  # the camera's distance from the box's centre, in half sides (the perspective's strength)

    @property
    def rotation(self) -> np.ndarray:
        """As manim's ThreeDCamera: about z by −theta − 90°, then about x by −phi, then about z by gamma."""
        return _about_z(self.gamma) @ _about_x(-self.phi) @ _about_z(-self.theta - np.pi / 2)

    @property
    def camera_direction(self) -> np.ndarray:
        """The unit vector from the scene towards the camera, in the box's coordinates."""
        return self.rotation.T @ np.array([0.0, 0.0, 1.0])

    @property
    def camera_position(self) -> np.ndarray:
        """Where the camera stands, in (projected) representation coordinates."""
        return np.asarray(self.origin, np.float64) + self.camera_direction * self.distance * self.half_size / self.scale

    def normalised(self, x: np.ndarray) -> np.ndarray:
        """Points in the box's scene-sized coordinates, before the camera turns them (…, 3)."""
        width = self.projection.basis.shape[0]
        x = x[..., :width] if x.shape[-1] >= width else np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, width - x.shape[-1])])
        projected = (self.projection(x) - np.asarray(self.origin)[: self.projection.basis.shape[1]]) * self.scale
        return np.pad(projected, [(0, 0)] * (projected.ndim - 1) + [(0, 3 - projected.shape[-1])])

    def magnification(self, turned_depth: np.ndarray) -> np.ndarray:
        """How much larger than at the box's centre a point at this depth (towards the camera) looks."""
        camera = self.distance * self.half_size
        return camera / np.maximum(camera - turned_depth, 0.05 * camera)

    def screen(self, box_points: np.ndarray) -> np.ndarray:
        """Scene points of points given in the box's scene-sized coordinates (…, 3)."""
        turned = box_points @ self.rotation.T
        flat = turned * self.magnification(turned[..., 2])[..., None]
        flat[..., 2] = 0.0
        return flat + np.asarray(self.centre)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.screen(self.normalised(x))

    def depth(self, x: np.ndarray) -> np.ndarray:
        """How near the camera each point is: its distance towards it from the box's centre, in half sides."""
        return (self.normalised(x) @ self.rotation.T)[..., 2] / self.half_size

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


def _round_dots(centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Control points of one round dot per centre (on the screen), each of its own radius."""
    from nnexplain.mobjects.plane import _CIRCLE

    offsets = np.zeros((len(_CIRCLE), 3))
    offsets[:, :2] = _CIRCLE
    return (centres[:, None, :] + radii[:, None, None] * offsets[None]).reshape(-1, 3)


class DepthPlane(WarpedPlane):
    """A :class:`WarpedPlane` seen by an :class:`OrbitView`: near dots larger, far dots dimmer.

    Each class's dots are drawn as one mobject per shade of :data:`DOT_SHADES`. After
    :meth:`cut_by`, the dots on the camera's side of the plane are drawn in :attr:`front`
    instead, a group the scene adds after the plane's polygon; which side the camera is on
    is found every frame, so the picture stays right as the camera turns.
    """

    def __init__(self, *args, **kwargs):
        self.shades = None
        super().__init__(*args, **kwargs)
        self.remove(*self.dots)

        def shaded(dots: VMobject) -> list[VMobject]:
            colour = dots.get_fill_color()
            return [
                VMobject(fill_color=colour, fill_opacity=o, stroke_color=dots.get_stroke_color(), stroke_width=0)
                for o in DOT_SHADES
            ]

        self.shades = [shaded(dots) for dots in self.dots]
        self.front_shades = [shaded(dots) for dots in self.dots]
        self.front = VGroup(*(m for shades in self.front_shades for m in shades))
        self.add(*(m for shades in self.shades for m in shades))
        self.cut: tuple[np.ndarray, float] | None = None
        self.refresh_dots()

    def set_state(self, grid: np.ndarray, points: np.ndarray, view=None) -> "WarpedPlane":
        """As :meth:`WarpedPlane.set_state`, but cut at the shown box (in 3-D, before the perspective), not at
        a rectangle of the screen: what leaves the box is hidden, and comes in through its faces."""
        if view is not None:
            self.view = view
        if not hasattr(self.view, "normalised"):
            return super().set_state(grid, points)
        self.grid_state, self.points_state = grid, points
        reach = self.view.half_size * BOX_REACH
        boxed = self.view.normalised(grid)
        for rows, lines in ((self.interior_rows, self.interior), (self.border_rows, self.border)):
            a, b = boxed[rows][:, :-1].reshape(-1, 3), boxed[rows][:, 1:].reshape(-1, 3)
            keep, a, b = clip_to_box(a, b, (-reach,) * 3, (reach,) * 3)
            a, b = self.view.screen(a[keep]), self.view.screen(b[keep])
            lines.set_points(np.stack([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b], axis=1).reshape(-1, 3))
        self.scene_points = self.view(points)
        self.in_box = np.all(np.abs(self.view.normalised(points)) <= reach, axis=-1)
        return self.refresh_dots()

    def cut_by(self, normal: np.ndarray, offset: float) -> "DepthPlane":
        """Draw the dots on the camera's side of the plane normal·h + offset = 0 in :attr:`front`."""
        self.cut = (np.asarray(normal, np.float64), float(offset))
        return self.refresh_dots()

    def in_front(self) -> np.ndarray:
        if self.cut is None or not hasattr(self.view, "camera_position"):
            return np.zeros(len(self.labels), bool)
        normal, offset = self.cut
        camera_side = np.sign(self.view.camera_position @ normal + offset)
        points = self.points_state[:, : len(normal)]
        points = np.pad(points, [(0, 0), (0, len(normal) - points.shape[1])])  # a flat plane: its third coordinate 0
        return np.sign(points @ normal + offset) == camera_side

    def refresh_dots(self) -> "WarpedPlane":
        if self.shades is None:
            return super().refresh_dots()
        from nnexplain.mobjects.plane import _inside

        shown = self.in_box if hasattr(self, "in_box") else _inside(self.scene_points, self.clip)
        if hasattr(self.view, "depth"):
            depth = np.clip(self.view.depth(self.points_state), -1.0, 1.0)
            radii = self.dot_radius * self.view.magnification(depth * self.view.half_size)
        else:
            depth, radii = np.zeros(len(self.labels)), np.full(len(self.labels), self.dot_radius)
        # The nearer half at full strength; the farther half in three fainter steps.
        level = np.clip(np.floor((depth + 1.0) * 3.0).astype(int), 0, len(DOT_SHADES) - 1)
        front = self.in_front()
        for class_index in range(len(self.shades)):
            for shade in range(len(DOT_SHADES)):
                chosen = (self.labels == class_index) & shown & (level == shade)
                for group, side in ((self.shades, ~front), (self.front_shades, front)):
                    picked = chosen & side
                    group[class_index][shade].set_points(_round_dots(self.scene_points[picked], radii[picked]))
        for members, rings, radius in self.rings:
            picked = members & shown
            rings.set_points(_round_dots(self.scene_points[picked], radius * radii[picked] / self.dot_radius))
        return self


def _turn(a, b, c) -> float:
    """The z component of (b − a) × (c − a): positive when a, b, c turn counter-clockwise."""
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _hull(points: np.ndarray) -> np.ndarray:
    """The convex hull of 2-D ``points``, counter-clockwise (Andrew's monotone chain)."""
    ordered = sorted(map(tuple, points))

    def half(sequence):
        chain: list = []
        for p in sequence:
            while len(chain) >= 2 and _turn(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
        return chain[:-1]

    return np.array(half(ordered) + half(ordered[::-1]))


def _overlap(a, b) -> bool:
    """Whether the bounding boxes of two mobjects overlap."""
    return bool(
        abs(a.get_center()[0] - b.get_center()[0]) < (a.width + b.width) / 2
        and abs(a.get_center()[1] - b.get_center()[1]) < (a.height + b.height) / 2
    )


def _exit_distance(centre: np.ndarray, direction: np.ndarray, hull: np.ndarray) -> float:
    """How far from ``centre`` (inside the convex polygon ``hull``) the ray along ``direction`` leaves it."""
    edges = np.roll(hull, -1, axis=0) - hull
    normals = np.stack([edges[:, 1], -edges[:, 0]], axis=1)
    facing = normals @ direction
    ahead = facing > 1e-12
    if not ahead.any():
        return 0.0
    return float(np.min(np.einsum("ij,ij->i", normals[ahead], hull[ahead] - centre) / facing[ahead]))


class OrbitBox(VGroup):
    """The shown box with depth cues: edges fainter when far, a floor grid, three named axes, a table of ranges.

    The axes start at the box's corner (−h, −h, −h); each axis's name stands outside the
    box's outline, on the ray from the outline's centre through the axis's end, and fades
    out only where the axis points at the camera. The table (placed by the scene at
    ``table_corner``) gives each name with the range of values it spans. Labels are
    redrawn in place every frame (``follow``) in glyph slots reserved for a long
    placeholder, because manim draws during an animation only the parts a mobject had when
    the animation began (:mod:`nnexplain.mobjects.slot_text`).
    """

    floor_lines: int = 7  # grid lines each way on the floor, edges included

    def __init__(
        self,
        theme: Theme,
        names: tuple[str, str, str],
        size: float = 28,
        table_corner=(2.7, -0.4),
        name_bounds=(-6.7, 2.45, -2.15, 3.05),
    ):
        super().__init__()
        self.name_bounds = name_bounds  # x_min, x_max, y_min, y_max the axes' names stay inside
        self.theme, self.names, self.size, self.table_corner = theme, list(names), size, np.array(table_corner)
        h = 1.0
        self.corners = np.array([[x, y, z] for x in (-h, h) for y in (-h, h) for z in (-h, h)])
        self.edges = [
            (i, j) for i in range(8) for j in range(i + 1, 8) if np.sum(self.corners[i] != self.corners[j]) == 1
        ]
        self.edge_lines = [VMobject(stroke_color=theme.muted, stroke_width=2.0) for _ in self.edges]
        self.floor = VMobject(stroke_color=theme.muted, stroke_width=1.2)
        self.axes = VMobject(stroke_color=theme.muted, stroke_width=3.0, stroke_opacity=0.85)  # white: plane, cut
        self.tips = [SlotText(label("x" * 8, theme, size, theme.text), edge=None) for _ in range(3)]
        self.ranges = [SlotText(label("x" * 24, theme, size, theme.muted), edge=None) for _ in range(3)]
        self.texts: dict[int, str] = {}
        self.strength = 1.0  # every part's opacity is scaled by this: 0 hides the box, 1 shows it
        self.name_strength = 1.0  # the axes' names' opacity is scaled by this too: 0 until the axes mean units
        self.add(self.floor, *self.edge_lines, self.axes, *self.tips, *self.ranges)

    def _write(self, key: int, mobject, text: str, color: str) -> None:
        if self.texts.get(key) != text:
            mobject.show(label(text, self.theme, self.size, color), placed=True)  # placed by follow()
            self.texts[key] = text

    def follow(self, view: OrbitView) -> "OrbitBox":
        h = view.half_size
        corners = self.corners * h
        screen = view.screen(corners)
        depth = (corners @ view.rotation.T)[:, 2] / (np.sqrt(3) * h)  # −1 farthest … 1 nearest
        for (i, j), line in zip(self.edges, self.edge_lines):
            line.set_points(polyline_points(np.array([[screen[i], screen[j]]])))
            # Dim, as the floor grid: the box is a frame of reference, not one of the white things (plane, cut).
            line.set_stroke(opacity=self.strength * float(0.15 + 0.3 * (1 + (depth[i] + depth[j]) / 2) / 2))
        # The floor (z = −h): seen edge-on from the side, face-on from above; drawn as the box tilts away from flat.
        upright = np.linalg.norm(screen[1, :2] - screen[0, :2]) / (2 * h)  # the vertical edge's length on screen
        steps = np.linspace(-h, h, self.floor_lines)
        lines = [[[s, -h, -h], [s, h, -h]] for s in steps] + [[[-h, s, -h], [h, s, -h]] for s in steps]
        self.floor.set_points(polyline_points(view.screen(np.array(lines, np.float64))))
        self.floor.set_stroke(opacity=self.strength * float(0.28 * np.clip(upright / 0.4, 0, 1)))
        # The axes from corner 0 (−h, −h, −h): along x to corner 4, y to 2, z to 1.
        ends = [4, 2, 1]
        self.axes.set_points(polyline_points(np.array([[screen[0], screen[end]] for end in ends])))
        self.axes.set_stroke(opacity=0.85 * self.strength)
        hull = _hull(screen[:, :2])
        row = 0
        for axis, end in enumerate(ends):
            edge = screen[end] - screen[0]
            length = np.linalg.norm(edge[:2])
            self._write(axis, self.tips[axis], self.names[axis], self.theme.text)
            tip = self.tips[axis]
            # Outside the box's outline, on the ray from its centre through the axis's end: never over the data.
            centre = hull.mean(axis=0)
            away = screen[end, :2] - centre
            away = away / (np.linalg.norm(away) or 1.0)
            reach = max(_exit_distance(centre, away, hull), float(np.linalg.norm(screen[end, :2] - centre)))
            reach += 0.5 * (abs(away[0]) * tip.width + abs(away[1]) * tip.height) + 0.12
            x_min, x_max, y_min, y_max = self.name_bounds
            place = centre + away * reach
            place[0] = np.clip(place[0], x_min + tip.width / 2, x_max - tip.width / 2)
            place[1] = np.clip(place[1], y_min + tip.height / 2, y_max - tip.height / 2)
            tip.move_to([*place, 0.0])
            # Gone while the axis points nearly at the camera (under 0.6 units, 36 px at 480p, on the screen).
            tip.set_opacity(float(np.clip((length - 0.6) / 0.5, 0, 1)) * self.strength * self.name_strength)
            low, high = view.shown_range(axis)
            self._write(
                3 + axis,
                self.ranges[axis],
                f"{self.names[axis]}: {fmt_fixed(low, 1)} to {fmt_fixed(high, 1)}",
                self.theme.muted,
            )
            self.ranges[axis].move_to(
                [*(self.table_corner + [0, -0.45 * row]), 0], aligned_edge=np.array([-1.0, 1.0, 0.0])
            )
            self.ranges[axis].set_opacity(self.strength)
            row += 1
        self._part_names(hull.mean(axis=0))
        return self

    def _part_names(self, centre: np.ndarray, gap: float = 0.45) -> None:
        """Two names on nearly the same ray, or pushed into the same corner: the later one steps sideways, away
        from the box's ``centre`` on the screen (so still outside the box), until the two are ``gap`` apart; where
        ``name_bounds`` leave no room for that, up or down instead."""
        x_min, x_max, y_min, y_max = self.name_bounds
        for _ in range(2):
            for later, tip in enumerate(self.tips):
                for other in self.tips[:later]:
                    if not _overlap(tip, other):
                        continue
                    (x, y, _), (x_other, y_other, _) = tip.get_center(), other.get_center()
                    side = 1.0 if x >= centre[0] else -1.0
                    target = x_other + side * ((tip.width + other.width) / 2 + gap)
                    if x_min + tip.width / 2 <= target <= x_max - tip.width / 2:
                        tip.shift([target - x, 0.0, 0.0])
                        continue
                    reach = (tip.height + other.height) / 2 + gap
                    first = 1.0 if y >= y_other else -1.0
                    for sign in (first, -first):
                        target = y_other + sign * reach
                        if y_min + tip.height / 2 <= target <= y_max - tip.height / 2:
                            break
                    tip.shift([0.0, target - y, 0.0])


class SeparatingPlane(Polygon):
    """The output layer's plane normal·h + offset = 0 where it cuts the shown box, redrawn in each frame's view.

    White, its face a clear grey, so it reads as a surface without taking a class's colour."""

    def __init__(self, normal: np.ndarray, offset: float, theme):
        super().__init__(*np.zeros((3, 3)), stroke_color=theme.text, stroke_width=2.5)
        self.set_fill(theme.text, opacity=0.3)
        self.normal, self.offset = np.asarray(normal, np.float64), float(offset)

    def follow(self, view: OrbitView) -> "SeparatingPlane":
        origin = np.asarray(view.origin)
        polygon = clip_plane(self.normal, float(self.offset + self.normal @ origin), view.half_size / view.scale)
        if polygon is not None:
            corners = view(polygon + origin)
            self.set_points_as_corners([*corners, corners[0]])
        return self
