"""The training points an overfitting network's decision regions bend around, found by measurement.

With noisy labels, some training points carry the other class's label: every one
of their nearest validation points (clean labels) says otherwise. A network that
generalises leaves them on the wrong side; one that overfits reaches out for them.
:func:`bent_points` finds the points where that happened between two snapshots
(the reference, e.g. the one with the lowest validation loss, and a later one):

- the later network classifies the point as its label and the reference did not;
- all ``neighbours`` nearest validation points have the other label;

and ranks them by how much of the plane around them (a disc of ``radius``) changed
to their label between the two snapshots: how far the region bent to take them in.

Plain numpy: the caller passes the two networks' class-1 probabilities at the
training points and on a raster of the plane (:mod:`nnexplain.geometry.regions`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.geometry.regions import PlaneRaster

__all__ = ["BentPoint", "bent_points"]


@dataclass(frozen=True)
class BentPoint:
    index: int  # into the training points
    point: np.ndarray  # (2,)
    label: int
    p_reference: float  # class-1 probability at the point, reference snapshot
    p_later: float  # and later
    swept: float  # share of the disc around the point that changed to its label between the two


def bent_points(
    train_x: np.ndarray,
    train_y: np.ndarray,
    val_x: np.ndarray,
    val_y: np.ndarray,
    p_reference: np.ndarray,
    p_later: np.ndarray,
    raster: PlaneRaster,
    map_reference: np.ndarray,
    map_later: np.ndarray,
    neighbours: int = 10,
    radius: float = 0.3,
) -> list[BentPoint]:
    """The training points the regions bent around, the most swept first (see the module's docstring)."""
    train_x, val_x = np.asarray(train_x, np.float64), np.asarray(val_x, np.float64)
    train_y, val_y = np.asarray(train_y).astype(int), np.asarray(val_y).astype(int)
    said_before = (np.asarray(p_reference) > 0.5).astype(int)
    said_after = (np.asarray(p_later) > 0.5).astype(int)
    cells = raster.points
    class_before = (np.asarray(map_reference).ravel() > 0.5).astype(int)
    class_after = (np.asarray(map_later).ravel() > 0.5).astype(int)
    found = []
    for index in np.flatnonzero((said_after == train_y) & (said_before != train_y)):
        label = int(train_y[index])
        distances = np.linalg.norm(val_x - train_x[index], axis=1)
        nearest = np.argsort(distances, kind="stable")[:neighbours]
        if np.any(val_y[nearest] == label):
            continue
        disc = np.linalg.norm(cells - train_x[index], axis=1) <= radius
        swept = float(np.mean((class_after[disc] == label) & (class_before[disc] != label))) if disc.any() else 0.0
        found.append(
            BentPoint(int(index), train_x[index], label, float(p_reference[index]), float(p_later[index]), swept)
        )
    return sorted(found, key=lambda bent: -bent.swept)
