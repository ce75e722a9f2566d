"""When two hidden units' kinks pass each other during training, read from a run's stored weights.

A unit of a 1 → n → 1 ReLU network switches where w·x + b = 0, at x = −b/w. Two units' kinks cross between two
stored epochs when the sign of their difference changes there (both kinks inside the interval at both epochs).
Kinks that start closer than a tenth of the interval start together: their swapping places is not a visible event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.run import Run
from nnexplain.run.contents import curve_domain

__all__ = ["KinkCrossing", "first_kink_crossing"]


@dataclass(frozen=True)
class KinkCrossing:
    units: tuple[int, int]  # the two units (0-based), the one whose kink starts on the left first
    before: int  # the last stored epoch with the starting order
    after: int  # the first stored epoch with the order swapped


def _kinks(run: Run, epoch: int) -> np.ndarray:
    weights, biases = run.params(epoch)[0]
    weights, biases = np.asarray(weights, np.float64)[:, 0], np.asarray(biases, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(weights != 0, -biases / weights, np.nan)


def first_kink_crossing(run: Run, apart: float = 0.1) -> KinkCrossing | None:
    """The first pair of stored epochs between which two units' kinks (inside the interval) swap order, of two
    units whose kinks started at least ``apart`` of the interval apart."""
    low, high = curve_domain(run.manifest)
    epochs = list(run.epochs)
    previous = _kinks(run, epochs[0])
    started_apart = np.abs(previous[:, None] - previous[None, :]) >= apart * (high - low)
    for before, after in zip(epochs, epochs[1:]):
        kinks = _kinks(run, after)
        inside = (previous > low) & (previous < high) & (kinks > low) & (kinks < high)
        for i in range(len(kinks)):
            for j in range(i + 1, len(kinks)):
                crossed = (previous[i] - previous[j]) * (kinks[i] - kinks[j]) < 0
                if inside[i] and inside[j] and started_apart[i, j] and crossed:
                    pair = (i, j) if previous[i] < previous[j] else (j, i)
                    return KinkCrossing(pair, before, after)
        previous = kinks
    return None
