"""Level curves of a function sampled on a raster (marching squares), as polylines.

A two-class network's decision boundary in its input plane is where the class-1
probability is one half. :func:`level_curves` finds it on a raster of the
probability, so a scene can draw it as a crisp curve (and carry it through the
layers, where it becomes the output layer's straight line).
"""

from __future__ import annotations

import numpy as np

__all__ = ["level_curves", "as_lines", "curve_bend"]


def _crossing(a: float, b: float) -> float:
    return a / (a - b)  # where the line from value a to value b crosses 0, as a fraction of the way


def level_curves(values: np.ndarray, bounds: tuple[float, float, float, float], level: float = 0.5) -> list[np.ndarray]:
    """Polylines (k, 2) where ``values`` crosses ``level``.

    ``values[r, c]`` is the sample at x = linspace(x_min, x_max)[c] and
    y = linspace(y_max, y_min)[r] (row 0 at the top, as an image); ``bounds`` is
    (x_min, x_max, y_min, y_max).
    """
    v = np.asarray(values, np.float64) - level
    rows, cols = v.shape
    x_min, x_max, y_min, y_max = bounds
    xs, ys = np.linspace(x_min, x_max, cols), np.linspace(y_max, y_min, rows)
    v = np.where(v == 0, 1e-12, v)  # no sample exactly on the level: every crossing is inside an edge

    def point(edge: tuple) -> np.ndarray:
        kind, r, c = edge
        if kind == "h":  # between (r, c) and (r, c + 1)
            return np.array([xs[c] + _crossing(v[r, c], v[r, c + 1]) * (xs[c + 1] - xs[c]), ys[r]])
        return np.array([xs[c], ys[r] + _crossing(v[r, c], v[r + 1, c]) * (ys[r + 1] - ys[r])])

    neighbours: dict[tuple, list[tuple]] = {}
    positive = v > 0
    cells = positive[:-1, :-1].astype(int) + positive[:-1, 1:] + positive[1:, 1:] + positive[1:, :-1]
    for r, c in zip(*np.nonzero((cells > 0) & (cells < 4))):
        r, c = int(r), int(c)
        corners = bool(positive[r, c]), bool(positive[r, c + 1]), bool(positive[r + 1, c + 1]), bool(positive[r + 1, c])
        # Edges in order around the cell: top, right, bottom, left; each crossed where its corners differ.
        edges = [("h", r, c), ("v", r, c + 1), ("h", r + 1, c), ("v", r, c)]
        crossed = [edge for edge, (a, b) in zip(edges, zip(corners, corners[1:] + corners[:1])) if a != b]
        if len(crossed) == 4:  # a saddle: pair the edges by the sign of the cell's centre
            centre = v[r, c] + v[r, c + 1] + v[r + 1, c + 1] + v[r + 1, c] > 0
            if centre == corners[0]:  # top-left joins bottom-right through the centre: cut off the other two
                pairs = [(crossed[0], crossed[1]), (crossed[2], crossed[3])]
            else:
                pairs = [(crossed[0], crossed[3]), (crossed[1], crossed[2])]
        else:
            pairs = [(crossed[0], crossed[1])]
        for a, b in pairs:
            neighbours.setdefault(a, []).append(b)
            neighbours.setdefault(b, []).append(a)
    return [np.array([point(edge) for edge in chain]) for chain in _chains(neighbours)]


def _chains(neighbours: dict[tuple, list[tuple]]) -> list[list[tuple]]:
    """Walk the graph of crossed edges into paths: open ones from their ends, then closed loops."""
    seen: set = set()
    chains = []
    starts = [edge for edge, linked in neighbours.items() if len(linked) == 1] + list(neighbours)
    for start in starts:
        if start in seen:
            continue
        chain, current, previous = [start], start, None
        seen.add(start)
        while True:
            following = [edge for edge in neighbours[current] if edge != previous and edge not in seen]
            if not following:
                if len(chain) > 2 and start in neighbours[current]:
                    chain.append(start)  # a closed loop
                break
            previous, current = current, following[0]
            chain.append(current)
            seen.add(current)
        if len(chain) > 1:
            chains.append(chain)
    return chains


def as_lines(curves: list[np.ndarray], points: int = 24) -> np.ndarray:
    """The polylines cut into pieces of ``points`` points each, neighbours sharing an end: (pieces, points, 2).

    Pieces of one length can be moved through a network like grid lines; a short last
    piece is padded by repeating its end (a zero-length segment draws nothing).
    """
    pieces = []
    for curve in curves:
        for start in range(0, max(len(curve) - 1, 1), points - 1):
            piece = curve[start : start + points]
            pieces.append(np.concatenate([piece, np.repeat(piece[-1:], points - len(piece), axis=0)]))
    return np.array(pieces).reshape(len(pieces), points, 2) if pieces else np.zeros((0, points, 2))


def curve_bend(curves: list[np.ndarray]) -> float:
    """How far the points of ``curves`` stray from the straight line that fits them best (0 for none)."""
    points = np.concatenate(curves) if curves else np.zeros((0, 2))
    if len(points) < 3:
        return 0.0
    centred = points - points.mean(axis=0)
    normal = np.linalg.svd(centred, full_matrices=False)[2][-1]
    return float(np.abs(centred @ normal).max())
