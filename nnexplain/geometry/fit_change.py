"""Where in training a network's output changes most, read from its stored snapshots.

The change of one step is the largest |Δ output| on the snapshots' common grid between two consecutive stored
epochs; a span of ``steps`` steps changes by the sum of its steps' changes. A lecture replays the span that changes
most slowly: that is where the fit forms.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["busiest_span", "error_detour", "step_changes"]


def step_changes(outputs: Sequence[np.ndarray]) -> np.ndarray:
    """The largest |Δ output| between each pair of consecutive ``outputs`` (one fewer than the outputs)."""
    stacked = np.asarray([np.asarray(o, np.float64) for o in outputs])
    return np.abs(np.diff(stacked, axis=0)).max(axis=1)


def busiest_span(outputs: Sequence[np.ndarray], steps: int) -> int:
    """The index of the first of ``steps`` + 1 consecutive ``outputs`` whose steps change the most in total (the
    earliest such span on a tie); 0 when there are no more than ``steps`` + 1 outputs."""
    changes = step_changes(outputs)
    if len(changes) <= steps:
        return 0
    totals = np.convolve(changes, np.ones(steps), mode="valid")  # totals[i]: the steps i .. i + steps - 1
    return int(np.argmax(totals))


def error_detour(errors: Sequence[float], least_rise: float = 0.05) -> tuple[int, int] | None:
    """Where a falling error turns and rises before it falls again: (the low point's index, the high point's) for
    the largest rise from a low to a later high, the high the first at its value; None when no rise of at least
    ``least_rise`` follows a fall from the first value (or the high is the last value: it never falls again)."""
    errors = np.asarray(errors, np.float64)
    if len(errors) < 3:
        return None
    lows = np.minimum.accumulate(errors)
    high = int(np.argmax(errors - lows))
    low = int(np.argmin(errors[: high + 1]))
    if errors[high] - errors[low] < least_rise or low == 0 or high == len(errors) - 1:
        return None
    return low, high
