"""Which validation items a run records activations for: its probe set.

Training and importing pick the same probe, so runs made either way show the
same items: a label-balanced handful of validation items, plus some that the
final network gets wrong (scenes show mistakes too). Regressions probe evenly
spaced validation items instead.
"""

from __future__ import annotations

import numpy as np

from nnexplain.data import Dataset

__all__ = ["probe_indices", "mistake_indices", "MAX_WRONG_PROBES"]

MAX_WRONG_PROBES = 8
REGRESSION_PROBES = 32


def probe_indices(dataset: Dataset, per_class: int) -> np.ndarray:
    """A fixed, label-balanced probe set: the first ``per_class`` validation items of each class."""
    if dataset.input_size == 2:
        # Points in the plane are what the space-folding scenes move: probe them all,
        # whether the run was trained or imported.
        return np.arange(len(dataset.x_val))
    if dataset.task != "classify":
        return np.linspace(0, len(dataset.x_val) - 1, min(REGRESSION_PROBES, len(dataset.x_val))).astype(int)
    chosen = [np.flatnonzero(dataset.y_val == c)[:per_class] for c in range(len(dataset.classes))]
    return np.sort(np.concatenate(chosen))


def mistake_indices(dataset: Dataset, predicted: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Validation items outside ``chosen`` whose ``predicted`` class is wrong, at most :data:`MAX_WRONG_PROBES`."""
    wrong = np.flatnonzero(np.asarray(predicted) != dataset.y_val)
    return np.setdiff1d(wrong, chosen)[:MAX_WRONG_PROBES]
