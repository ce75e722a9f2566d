"""Which epochs get a snapshot, and which of the recorded ones a sweep shows.

Training moves fastest at the start, so long runs are recorded on a log-spaced
schedule: every early epoch, then further and further apart, always ending on
the last epoch. Short runs record every epoch. Scenes that play a run through
its snapshots pick an evenly spread handful of the recorded ones.
"""

from __future__ import annotations

import numpy as np

__all__ = ["snapshot_epochs", "spread_epochs"]


def snapshot_epochs(total_epochs: int, max_snapshots: int = 60) -> list[int]:
    """Sorted epochs to record, from 0 (the initialisation) to ``total_epochs``.

    At most ``max_snapshots`` epochs; all of them when the run is that short.
    """
    if total_epochs + 1 <= max_snapshots:
        return list(range(total_epochs + 1))
    # Grow the log-spaced sample until rounding collisions leave exactly enough distinct epochs.
    count = max_snapshots
    while True:
        epochs = np.unique(np.round(np.geomspace(1, total_epochs + 1, count)).astype(int) - 1)
        epochs = np.union1d(epochs, [0, total_epochs])
        if len(epochs) >= max_snapshots or count > 10 * max_snapshots:
            return [int(e) for e in epochs[: max_snapshots - 1]] + [total_epochs]
        count += 1


def spread_epochs(recorded: list[int], count: int) -> list[int]:
    """``count`` of the ``recorded`` epochs, evenly spread over the list, always the first and the last.

    Spread over the list, not over epoch numbers: on a log-spaced schedule this
    keeps the early, fast-moving snapshots.
    """
    if count >= len(recorded):
        return list(recorded)
    if count < 2:
        return [recorded[-1]]
    picks = np.unique(np.round(np.linspace(0, len(recorded) - 1, count)).astype(int))
    return [recorded[i] for i in picks]
