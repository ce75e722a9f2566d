"""A data set of the user's own, from an ``.npz`` file.

The file holds four arrays: ``x_train`` and ``x_val`` (one item per row; images
may keep their shape, e.g. N×28×28) and ``y_train`` and ``y_val``. Integer
targets of one column are class indices (a classification); float targets are
regression targets, one column per output. An optional ``classes`` array of
strings names the classes. Nothing is unpickled.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from nnexplain.data.dataset import Dataset
from nnexplain.errors import DataError

__all__ = ["load_npz_dataset", "read_npz", "REQUIRED_KEYS"]

REQUIRED_KEYS = ("x_train", "y_train", "x_val", "y_val")


def read_npz(path: Path, what: str = "data file") -> dict[str, np.ndarray]:
    """The arrays of an .npz file, refusing object arrays (they would need unpickling)."""
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise DataError(f"{what} {path} is not a readable .npz file ({error})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise DataError(f"{what} {path} holds a single array, not an .npz of named arrays")
    with archive:
        arrays = {}
        for key in archive.files:
            try:
                arrays[key] = archive[key]
            except ValueError:
                raise DataError(
                    f"{what} {path}: array {key!r} holds Python objects; only numeric arrays are read"
                ) from None
        return arrays


def load_npz_dataset(path: str | Path) -> Dataset:
    """The data set in ``path``; raises :class:`DataError` naming the array at fault."""
    path = Path(path)
    arrays = read_npz(path)
    missing = [key for key in REQUIRED_KEYS if key not in arrays]
    if missing:
        raise DataError(f"data file {path} lacks {', '.join(missing)}; it needs {', '.join(REQUIRED_KEYS)}")
    x_train, y_train, x_val, y_val = (arrays[key] for key in REQUIRED_KEYS)
    for split, x, y in (("train", x_train, y_train), ("val", x_val, y_val)):
        if x.ndim < 2 or len(x) == 0:
            raise DataError(
                f"data file {path}: x_{split} has shape {x.shape}; expected one item per row (N × features)"
            )
        if len(y) != len(x) or y.ndim > 2:
            raise DataError(
                f"data file {path}: y_{split} has shape {y.shape}; expected {len(x)} targets to match x_{split}"
            )
        if not np.issubdtype(x.dtype, np.number) or not np.all(np.isfinite(x)):
            raise DataError(f"data file {path}: x_{split} must hold finite numbers")
    if x_train.shape[1:] != x_val.shape[1:]:
        raise DataError(
            f"data file {path}: x_train items have shape {x_train.shape[1:]} but x_val items {x_val.shape[1:]}"
        )
    classify = np.issubdtype(y_train.dtype, np.integer) and y_train.ndim == 1
    if classify:
        if not np.issubdtype(y_val.dtype, np.integer) or y_val.ndim != 1 or min(y_train.min(), y_val.min()) < 0:
            raise DataError(
                f"data file {path}: class targets must be non-negative integers, one per item, in y_train and y_val"
            )
        count = int(max(y_train.max(), y_val.max())) + 1
        classes = (
            tuple(str(name) for name in arrays["classes"]) if "classes" in arrays else tuple(map(str, range(count)))
        )
        if len(classes) < count:
            raise DataError(f"data file {path}: 'classes' names {len(classes)} classes but the targets use {count}")
        targets = (y_train.astype(np.int64), y_val.astype(np.int64))
    else:
        classes = ()
        targets = tuple(y.reshape(len(y), -1).astype(np.float32) for y in (y_train, y_val))
        if targets[0].shape[1] != targets[1].shape[1]:
            raise DataError(
                f"data file {path}: y_train has {targets[0].shape[1]} target columns but y_val {targets[1].shape[1]}"
            )
    return Dataset(
        name=path.stem,
        task="classify" if classify else "regress",
        x_train=x_train.reshape(len(x_train), -1).astype(np.float32),
        y_train=targets[0],
        x_val=x_val.reshape(len(x_val), -1).astype(np.float32),
        y_val=targets[1],
        input_shape=tuple(int(n) for n in x_train.shape[1:]),
        classes=classes,
        source=f"{path.name} (the user's own data)",
    )

