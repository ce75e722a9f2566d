"""How fast a network's neuron maps change over its snapshots, and a playback paced by it.

A scene that plays a run through its recorded snapshots at one snapshot per
fixed time shows whatever the snapshot schedule happens to be: log-spaced
snapshots crowd the early epochs, and the late bending of an overfitting run
flashes past. Here the screen time of each step between two snapshots is set by
how much the maps change over it (:func:`map_changes`): the mean absolute change
of every neuron's value over the input plane, each layer on its own colour scale,
so a change one can see on screen gets time on screen (:func:`paced_durations`).

    changes = map_changes(maps, scales)             # one number per step between snapshots
    seconds = paced_durations(changes, total=24.0)  # screen time per step, larger where maps change more
    position = position_at(t, seconds)              # t seconds in: where along the snapshots (0 … n − 1)
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["map_changes", "paced_durations", "position_at"]


def map_changes(maps: Sequence[Sequence[np.ndarray]], scales: Sequence[float]) -> np.ndarray:
    """Per step between snapshots, the mean |change| of the neurons' maps, each layer divided by its scale.

    ``maps[snapshot][layer]`` is (width, size, size); every layer counts once, whatever its width
    (the mean over its neurons), so the two output units weigh as much as eight hidden ones.
    """
    if len(maps) < 2:
        return np.zeros(0)
    steps = []
    for before, after in zip(maps[:-1], maps[1:]):
        per_layer = [
            float(np.mean(np.abs(np.asarray(b, np.float64) - np.asarray(a, np.float64)))) / scale
            for a, b, scale in zip(before, after, scales)
        ]
        steps.append(np.mean(per_layer))
    return np.asarray(steps)


def paced_durations(changes: np.ndarray, total: float, floor: float = 0.25) -> np.ndarray:
    """Seconds on screen for each step: ``total`` shared in proportion to ``changes``.

    Every step gets at least ``floor`` of an equal share, so a still stretch still passes
    visibly (its epoch counter ticks) rather than in a single frame.
    """
    changes = np.clip(np.asarray(changes, np.float64), 0.0, None)
    count = len(changes)
    if count == 0:
        return np.zeros(0)
    even = np.full(count, 1.0 / count)
    share = changes / changes.sum() if changes.sum() > 0 else even
    share = floor * even + (1 - floor) * share
    return total * share


def position_at(seconds: float, durations: np.ndarray) -> float:
    """Where along the snapshots (0 … len(durations)) the playback is ``seconds`` after it starts."""
    ends = np.concatenate([[0.0], np.cumsum(durations)])
    return float(np.interp(seconds, ends, np.arange(len(ends), dtype=np.float64)))
