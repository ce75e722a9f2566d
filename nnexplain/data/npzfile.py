"""A data set of the user's own, from an ``.npz`` file.

The file holds four arrays: ``x_train`` and ``x_val`` (one item per row; images
may keep their shape, e.g. N×28×28) and ``y_train`` and ``y_val``. Integer
targets of one column are class indices (a classification); float targets are
regression targets, one column per output. An optional ``classes`` array of
strings names the classes. Nothing is unpickled.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np

from nnexplain.data.dataset import Dataset
from nnexplain.errors import DataError
from nnexplain.inputs import MAX_ABS_VALUE, MAX_ARRAY_BYTES, MAX_CLASSES, check_array_bytes, regular_file

__all__ = ["load_npz_dataset", "read_npz", "REQUIRED_KEYS"]

REQUIRED_KEYS = ("x_train", "y_train", "x_val", "y_val")


def read_npz(path: Path, what: str = "data file") -> dict[str, np.ndarray]:
    """The arrays of an .npz file: only numeric arrays (objects would need unpickling), each of a size
    checked from its header before it is inflated."""
    path = regular_file(path, what)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise DataError(f"{what} {path} is not a readable .npz file ({error})") from None
    arrays = {}
    with archive:
        for member in archive.infolist():
            key = member.filename.removesuffix(".npy")
            arrays[key] = _read_member(archive, member, f"{what} {path}: array {key!r}")
    return arrays


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, what: str) -> np.ndarray:
    if member.file_size > MAX_ARRAY_BYTES + 4096:
        raise DataError(
            f"{what} inflates to {member.file_size / 2**30:.1f} GiB; nnexplain reads arrays of up to {MAX_ARRAY_BYTES / 2**30:g} GiB"
        )
    try:
        with archive.open(member) as handle:
            version = np.lib.format.read_magic(handle)
            readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
            if version not in readers:
                raise DataError(f"{what} is in .npy format {version[0]}.{version[1]}; save it with numpy.savez")
            shape, fortran, dtype = readers[version](handle)
            if dtype.hasobject:
                raise DataError(f"{what} holds Python objects; only numeric arrays are read")
            check_array_bytes(shape, dtype.itemsize, what)
            expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            data = handle.read(expected + 1)
    except DataError:
        raise
    except (ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error) as error:
        raise DataError(
            f"{what} is truncated or corrupt ({str(error).splitlines()[0] if str(error) else type(error).__name__})"
        ) from None
    if len(data) != expected:
        raise DataError(
            f"{what} is truncated or corrupt: its header promises {expected} bytes, the file holds {len(data)}"
        )
    array = np.frombuffer(data, dtype=dtype)
    return array.reshape(shape[::-1]).T if fortran else array.reshape(shape)


def load_npz_dataset(path: str | Path) -> Dataset:
    """The data set in ``path``; raises :class:`DataError` naming the array at fault."""
    path = Path(path)
    arrays = read_npz(path)
    missing = [key for key in REQUIRED_KEYS if key not in arrays]
    if missing:
        raise DataError(f"data file {path} lacks {', '.join(missing)}; it needs {', '.join(REQUIRED_KEYS)}")
    x_train, y_train, x_val, y_val = (arrays[key] for key in REQUIRED_KEYS)
    for split, x, y in (("train", x_train, y_train), ("val", x_val, y_val)):
        if x.ndim < 2 or len(x) < 2:
            raise DataError(
                f"data file {path}: x_{split} has shape {x.shape}; expected at least 2 items, one per row (N × features)"
            )
        if len(y) != len(x) or y.ndim > 2:
            raise DataError(
                f"data file {path}: y_{split} has shape {y.shape}; expected {len(x)} targets to match x_{split}"
            )
        for name, values in ((f"x_{split}", x), (f"y_{split}", y)):
            if not np.issubdtype(values.dtype, np.number) or np.iscomplexobj(values) or not np.all(np.isfinite(values)):
                raise DataError(f"data file {path}: {name} must hold finite real numbers")
            labels = name.startswith("y_") and np.issubdtype(values.dtype, np.integer)  # class indices: checked below
            if values.size and not labels and np.abs(values).max() > MAX_ABS_VALUE:
                raise DataError(
                    f"data file {path}: {name} reaches {np.abs(values).max():.3g}; nnexplain draws data of magnitude "
                    f"up to {MAX_ABS_VALUE:g}: rescale it"
                )
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
        if count > MAX_CLASSES:
            raise DataError(
                f"data file {path}: the targets name class {count - 1}; nnexplain draws up to {MAX_CLASSES:,} classes"
            )
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
