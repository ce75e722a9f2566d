"""A data set in memory: training and validation arrays, and the description a run manifest stores.

Inputs are float32 rows; classification targets are int64 class indices and
regression targets float32 columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Dataset"]


@dataclass(frozen=True)
class Dataset:
    name: str
    task: str  # "classify" or "regress"
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    input_shape: tuple[int, ...]
    classes: tuple[str, ...] = ()
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def input_size(self) -> int:
        return int(np.prod(self.input_shape))

    def describe(self) -> dict[str, Any]:
        """The JSON-ready description stored in a run manifest."""
        return {
            "name": self.name,
            "task": self.task,
            "train": len(self.x_train),
            "val": len(self.x_val),
            "input_shape": list(self.input_shape),
            "classes": list(self.classes),
            "source": self.source,
            **self.extra,
        }
