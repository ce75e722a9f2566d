"""MNIST: the embedded 10,000-digit test set, or the full set from a directory.

The embedded files are the official t10k files (see ``nnexplain/data/mnist-t10k/README.md``
for checksums and the CC BY-SA 3.0 attribution). They are split 8,000 / 2,000
into training and validation with a fixed seed, so every run sees the same split.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnexplain.data.dataset import Dataset
from nnexplain.data.idx import read_idx
from nnexplain.errors import DataError

__all__ = ["load_mnist", "EMBEDDED_SPLIT"]

EMBEDDED_DIR = Path(__file__).resolve().parent / "mnist-t10k"
EMBEDDED_SPLIT = (8000, 2000)
SPLIT_SEED = 20240527
SOURCE = "MNIST by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, CC BY-SA 3.0"
CLASSES = tuple(str(digit) for digit in range(10))


def _find(directory: Path, stem: str) -> Path:
    for name in (f"{stem}.gz", stem, stem.replace("-idx", ".idx")):
        if (directory / name).exists():  # a FIFO or device too: reading it says what it is
            return directory / name
    raise DataError(f"{directory} has no {stem}[.gz]; --data-dir needs the four standard MNIST IDX files")


def _load_pair(directory: Path, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    images = read_idx(_find(directory, f"{prefix}-images-idx3-ubyte"), ndim=3)
    labels = read_idx(_find(directory, f"{prefix}-labels-idx1-ubyte"), ndim=1)
    if images.shape[1:] != (28, 28) or len(images) != len(labels):
        raise DataError(
            f"{directory}: {prefix} images {images.shape} and labels {labels.shape} do not match "
            "(expected N×28×28 images and N labels)"
        )
    if len(images) == 0:
        raise DataError(f"{directory}: the {prefix} files hold no images")
    outside = labels[(labels < 0) | (labels > 9)]
    if len(outside):
        raise DataError(
            f"{directory}: the {prefix} labels include {int(outside[0])}; MNIST labels are the digits 0 to 9"
        )
    return images, labels


def _as_inputs(images: np.ndarray) -> np.ndarray:
    return (images.reshape(len(images), -1) / 255.0).astype(np.float32)


def load_mnist(data_dir: str | Path | None = None) -> Dataset:
    """The embedded split, or with ``data_dir`` the full 60k training / 10k test files."""
    if data_dir is None:
        images, labels = _load_pair(EMBEDDED_DIR, "t10k")
        order = np.random.default_rng(SPLIT_SEED).permutation(len(images))
        train, val = order[: EMBEDDED_SPLIT[0]], order[EMBEDDED_SPLIT[0] :]
        return Dataset(
            name="mnist",
            task="classify",
            x_train=_as_inputs(images[train]),
            y_train=labels[train].astype(np.int64),
            x_val=_as_inputs(images[val]),
            y_val=labels[val].astype(np.int64),
            input_shape=(28, 28),
            classes=CLASSES,
            source=SOURCE + "; embedded test set split 8,000/2,000",
        )
    directory = Path(data_dir)
    if not directory.is_dir():
        raise DataError(f"--data-dir {directory} is not a directory of MNIST IDX files")
    train_images, train_labels = _load_pair(directory, "train")
    val_images, val_labels = _load_pair(directory, "t10k")
    return Dataset(
        name="mnist-full",
        task="classify",
        x_train=_as_inputs(train_images),
        y_train=train_labels.astype(np.int64),
        x_val=_as_inputs(val_images),
        y_val=val_labels.astype(np.int64),
        input_shape=(28, 28),
        classes=CLASSES,
        source=SOURCE + f"; full set from {directory}",
    )
