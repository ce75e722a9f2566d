"""Why each straight piece of a 1 → n → 1 ReLU network's output has the slope it has.

Between two neighbouring kinks no unit switches, so each unit is either off (adds a constant 0) or on, where it adds
w2ⱼ·(w1ⱼx + b1ⱼ): slope w2ⱼ·w1ⱼ. A piece's slope is the sum of the slopes of the units on there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.run.network import Params

__all__ = ["PieceSlope", "piece_slopes"]


@dataclass(frozen=True)
class PieceSlope:
    number: int  # 1-based, left to right
    low: float
    high: float
    units: tuple[int, ...]  # the units (0-based) on inside the piece
    unit_slopes: tuple[float, ...]  # w2ⱼ·w1ⱼ of each of them

    @property
    def slope(self) -> float:
        return float(sum(self.unit_slopes))


def piece_slopes(params: Params, kinks: np.ndarray, domain: tuple[float, float]) -> list[PieceSlope]:
    """The pieces between ``domain``'s ends and the output's ``kinks`` (sorted), each with the units on in it."""
    (w1, b1), (w2, _) = [[np.asarray(a, np.float64) for a in layer] for layer in params]
    ends = np.concatenate([[domain[0]], np.sort(np.asarray(kinks, np.float64)), [domain[1]]])
    pieces = []
    for number, (low, high) in enumerate(zip(ends, ends[1:]), start=1):
        on = np.flatnonzero(w1[:, 0] * (low + high) / 2 + b1 > 0)
        slopes = tuple(float(w2[0, j] * w1[j, 0]) for j in on)
        pieces.append(PieceSlope(number, float(low), float(high), tuple(int(j) for j in on), slopes))
    return pieces
