"""A network drawn as TensorFlow Playground draws it: every neuron a small map of the input plane.

Columns of square tiles, one per neuron (the inputs first, the output layer
last), each showing that neuron's activation over the whole input plane, and
between the columns one line per weight: blue for positive, red for negative,
thicker for larger. :meth:`NeuronMapDiagram.show` repaints the tiles and the
lines in place, so a scene can play it through snapshots frame by frame::

    diagram = NeuronMapDiagram(run.layers, theme, xs, tile=0.55, top=2.5)
    diagram.show(maps, params)          # maps: per layer (width, size, size); params: [(W, b), ...]
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from manim import LEFT, RIGHT, Group, Line, ManimColor, Rectangle, VGroup, VMobject

from nnexplain.geometry.contour import level_curves
from nnexplain.mobjects.heatmap import Heatmap, _rgb, _to_bytes, diverging_rgba
from nnexplain.mobjects.style import Theme

__all__ = ["NeuronMapDiagram", "PlanePanel", "probability_rgba", "regions_rgba"]

Painter = Callable[[np.ndarray, int], np.ndarray]  # (a neuron's map, its index in the layer) -> rgba


def probability_rgba(values: np.ndarray, colour: str, theme: Theme) -> np.ndarray:
    """A probability map (0 … 1) from the background (0) to ``colour`` (1): an output unit in its class's colour."""
    p = np.clip(np.asarray(values, np.float64), 0.0, 1.0)[..., None]
    background = _rgb(theme.background)
    return _to_bytes(background + p * (_rgb(colour) - background))


MAX_EDGE_WIDTH = 6.0


class NeuronMapDiagram(Group):
    """Tiles for ``sizes`` (input width first) at the column x positions ``xs``, centred on ``centre_y``.

    Each column is one image (its tiles stacked, transparent between them): the
    renderer composites an image onto the whole frame, so one per column, not one
    per neuron, keeps a frame cheap. :attr:`tiles` holds a square per neuron for
    positions and highlights.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        theme: Theme,
        xs: Sequence[float],
        tile: float,
        centre_y: float,
        gap: float,
        raster: int,
    ):
        super().__init__()
        self.theme, self.sizes, self.raster = theme, list(sizes), int(raster)
        self.gap_pixels = max(1, round(raster * gap / tile))
        self.tiles: list[VGroup] = []
        self.columns: list[Heatmap] = []
        self.frames = VGroup()
        for size, x in zip(self.sizes, xs):
            squares = VGroup()
            for row in range(size):
                y = centre_y + ((size - 1) / 2 - row) * (tile + gap)
                squares.add(Rectangle(width=tile, height=tile).set_stroke(theme.neuron_stroke, 1).move_to([x, y, 0]))
            self.tiles.append(squares)
            self.frames.add(*squares)
            blank = [np.zeros((raster, raster))] * size
            column = Heatmap(self._column_rgba(blank, 1.0), squares.height, smooth=True).move_to(squares)
            self.columns.append(column)
        self.edges: list[VGroup] = []
        for lower, upper in zip(self.tiles[:-1], self.tiles[1:]):
            lines = VGroup()
            for target in upper:
                for source in lower:
                    lines.add(
                        Line(source.get_edge_center(RIGHT), target.get_edge_center(LEFT)).set_stroke(theme.muted, 1)
                    )
            self.edges.append(lines)
        self.add(*self.edges, self.frames, *self.columns)

    def tile(self, layer: int, unit: int) -> Rectangle:
        """The square of ``unit`` in ``layer`` (0: the inputs)."""
        return self.tiles[layer][unit]

    def _column_rgba(self, maps: Sequence[np.ndarray], scale: float, painter: Painter | None = None) -> np.ndarray:
        # One colour-map call for the whole column (it works value by value, so the tiles come out the same as
        # one call each), written into the column between transparent gaps.
        tiles = diverging_rgba(np.asarray(maps), scale, self.theme) if painter is None else None
        step = self.raster + self.gap_pixels
        column = np.zeros((len(maps) * step - self.gap_pixels, self.raster, 4), np.uint8)  # the gaps: transparent
        for index, values in enumerate(maps):
            column[index * step : index * step + self.raster] = (
                tiles[index] if painter is None else painter(values, index)
            )
        return column

    def tile_pixels(self, layer: int, unit: int) -> np.ndarray:
        """The pixels of one neuron's map inside its column's image."""
        top = unit * (self.raster + self.gap_pixels)
        return self.columns[layer].pixel_array[top : top + self.raster]

    def show_maps(
        self, maps: Sequence[np.ndarray], scales: Sequence[float], painters: dict[int, Painter] | None = None
    ) -> None:
        """Repaint every tile: ``maps[layer]`` is (width, size, size), coloured on ``scales[layer]`` from −scale
        (red) to +scale (blue), or by ``painters[layer]`` where given (an output layer of probabilities)."""
        painters = painters or {}
        for layer, (column, layer_maps, scale) in enumerate(zip(self.columns, maps, scales)):
            column.show(self._column_rgba(layer_maps, scale, painters.get(layer)))

    def show_weights(self, params: Sequence[tuple[np.ndarray, np.ndarray]], largest: Sequence[float]) -> None:
        """Colour each line by its weight's sign and size it by |w| against ``largest[layer]``."""
        for lines, (weight, _), top in zip(self.edges, params, largest):
            for line, w in zip(lines, np.asarray(weight).ravel()):  # row-major: target by target, sources inside
                share = min(abs(float(w)) / top, 1.0) if top > 0 else 0.0
                colour = self.theme.positive if w >= 0 else self.theme.negative
                restroke(line, colour, width=0.4 + MAX_EDGE_WIDTH * share, opacity=0.25 + 0.7 * share)


_RGB: dict[str, np.ndarray] = {}  # a colour's rgb, as manim's set_stroke writes it


def restroke(line: VMobject, colour: str, width: float, opacity: float) -> VMobject:
    """``line.set_stroke(colour, width=width, opacity=opacity)``, setting what manim's would set, without parsing
    the colour and building its rgba array anew: a playback restrokes every weight's line every frame. Anything
    manim would do more with (submobjects, a sheen's second colour) goes through manim's own."""
    rgbas = getattr(line, "stroke_rgbas", None)
    if line.submobjects or line.get_sheen_factor() != 0 or rgbas is None or len(rgbas) == 0:
        return line.set_stroke(colour, width=width, opacity=opacity)
    if colour not in _RGB:
        _RGB[colour] = ManimColor(colour).to_rgba_with_alpha(0.0)[:3]
    rgbas[:, :3] = _RGB[colour]
    rgbas[:, 3] = opacity
    line.stroke_width, line.stroke_opacity = width, opacity
    return line


def regions_rgba(probability: np.ndarray, theme: Theme, floor: float = 0.3, strength: float = 0.5) -> np.ndarray:
    """Decision regions: each point in the colour of its likelier class (palette 0 or 1), brighter the surer
    the network is; even a barely sure point shows its class (``floor`` of the full tint)."""
    p = np.asarray(probability, np.float64)[..., None]
    background = _rgb(theme.background)
    target = np.where(p >= 0.5, _rgb(theme.palette[1]), _rgb(theme.palette[0]))
    sure = floor + (1 - floor) * np.abs(2 * p - 1) ** 0.5
    return _to_bytes(background + strength * sure * (target - background))


class PlanePanel(Group):
    """The input plane drawn large: one map (or the decision regions) as an image, x₁ to the right, x₂ up.

    :meth:`to_scene` places input points on it; :meth:`level_lines` draws where a map crosses a
    level (a neuron's switching line at 0, the decision boundary at ½) from
    :func:`~nnexplain.geometry.contour.level_curves`.
    """

    def __init__(self, bounds: tuple[float, float, float, float], size: float, centre, theme: Theme, pixels: int):
        super().__init__()
        self.bounds, self.size, self.centre = bounds, float(size), np.asarray(centre, np.float64)
        self.image = Heatmap(np.zeros((pixels, pixels, 4), np.uint8), size, smooth=True).move_to(self.centre)
        self.outline = Rectangle(width=size, height=size).set_stroke(theme.muted, 1.5).move_to(self.centre)
        self.add(self.image, self.outline)

    def to_scene(self, points: np.ndarray) -> np.ndarray:
        """(n, 2) input points -> (n, 3) scene points."""
        x_min, x_max, y_min, y_max = self.bounds
        points = np.atleast_2d(np.asarray(points, np.float64))
        u = (points[:, 0] - x_min) / (x_max - x_min) - 0.5
        v = (points[:, 1] - y_min) / (y_max - y_min) - 0.5
        return self.centre + self.size * np.stack([u, v, np.zeros_like(u)], axis=1)

    def level_path(self, values: np.ndarray, level: float, colour: str, width: float = 3.0) -> VMobject:
        """Like :meth:`level_lines`, as one path of several pieces, to be redrawn in place with
        :meth:`set_level_path`: a playback that changed which sub-mobjects a group holds would leave the ones it
        started with drawn (the renderer lists the moving family when a play begins)."""
        return self.set_level_path(VMobject().set_stroke(colour, width), values, level)

    def set_level_path(self, path: VMobject, values: np.ndarray, level: float) -> VMobject:
        """Make ``path`` the curves where ``values`` crosses ``level``."""
        path.clear_points()
        for curve in level_curves(values, self.bounds, level):
            if len(curve) > 1:
                points = self.to_scene(curve)
                path.start_new_path(points[0])
                path.add_points_as_corners(points[1:])
        return path

    def level_lines(self, values: np.ndarray, level: float, colour: str, width: float = 3.0) -> VGroup:
        """Where ``values`` (a raster of this plane, row 0 at the top) crosses ``level``, as lines on the panel."""
        lines = VGroup()
        for curve in level_curves(values, self.bounds, level):
            if len(curve) > 1:
                lines.add(VMobject().set_points_as_corners(self.to_scene(curve)).set_stroke(colour, width))
        return lines
