"""The data floor: data sets by name, each a :class:`~nnexplain.data.dataset.Dataset`.

Built in: the embedded MNIST digits (:mod:`~nnexplain.data.mnist`), 1-D curves
(:mod:`~nnexplain.data.curves`) and 2-D toy sets (:mod:`~nnexplain.data.toy2d`); a
user's own ``.npz`` file is read by :mod:`~nnexplain.data.npzfile`. Loaders import
their module on first use. This floor imports nothing of nnexplain but its errors.
"""

from __future__ import annotations

from typing import Any

from nnexplain.data.dataset import Dataset

__all__ = ["Dataset", "LOADERS", "load_dataset"]


def _mnist(data_dir: str | None = None, **options: Any) -> Dataset:
    from nnexplain.data.mnist import load_mnist

    return load_mnist(data_dir, **options)


def _curve(name: str):
    def load(data_dir: str | None = None, **options: Any) -> Dataset:
        from nnexplain.data.curves import load_curve

        return load_curve(name, **options)

    return load


def _toy2d(name: str):
    def load(data_dir: str | None = None, **options: Any) -> Dataset:
        from nnexplain.data.toy2d import load_toy2d

        return load_toy2d(name, **options)

    return load


# Name -> loader(data_dir=None, **dataset_options). Loaders import their module lazily.
LOADERS = {"mnist": _mnist}
LOADERS.update({"sine": _curve("sine"), "square": _curve("square"), "step": _curve("step")})
LOADERS.update({name: _toy2d(name) for name in ("spiral", "circles", "xor", "moons", "gauss")})
LOADERS.update({"waves": _curve("waves"), "spiral3": _toy2d("spiral3")})


def load_dataset(name: str, data_dir: str | None = None, **options: Any) -> Dataset:
    from nnexplain.errors import DataError

    if name not in LOADERS:
        raise DataError(f"unknown data set {name!r}; choose one of: {', '.join(LOADERS)}")
    if data_dir is not None and name != "mnist":
        raise DataError(f"--data-dir only applies to MNIST; data set {name!r} is generated in code")
    return LOADERS[name](data_dir=data_dir, **options)
