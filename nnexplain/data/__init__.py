"""Data sets: arrays in memory, split into training and validation.

Every data set is a :class:`Dataset`. Inputs are float32 rows; classification
targets are int64 class indices and regression targets float32 columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Dataset", "LOADERS", "load_dataset"]


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


def _mnist(data_dir: str | None = None, **options: Any) -> Dataset:
    from nnexplain.datasets.mnist import load_mnist

    return load_mnist(data_dir, **options)


def _curve(name: str):
    def load(data_dir: str | None = None, **options: Any) -> Dataset:
        from nnexplain.datasets.curves import load_curve

        return load_curve(name, **options)

    return load


def _toy2d(name: str):
    def load(data_dir: str | None = None, **options: Any) -> Dataset:
        from nnexplain.datasets.toy2d import load_toy2d

        return load_toy2d(name, **options)

    return load


# Name -> loader(data_dir=None, **dataset_options). Loaders import their module lazily.
LOADERS = {"mnist": _mnist}
LOADERS.update({"sine": _curve("sine"), "square": _curve("square")})
LOADERS.update({name: _toy2d(name) for name in ("spiral", "circles", "xor", "moons", "gauss")})


def load_dataset(name: str, data_dir: str | None = None, **options: Any) -> Dataset:
    from nnexplain.errors import DataError

    if name not in LOADERS:
        raise DataError(f"unknown data set {name!r}; choose one of: {', '.join(LOADERS)}")
    if data_dir is not None and name != "mnist":
        raise DataError(f"--data-dir only applies to MNIST; data set {name!r} is generated in code")
    return LOADERS[name](data_dir=data_dir, **options)
