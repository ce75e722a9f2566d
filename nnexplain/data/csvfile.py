"""A data set of the user's own, from a CSV file: the form people keep their points in.

The first line is a header naming the columns; each further line is one point:

- two columns, ``x,y``: a regression, ``y`` as a function of ``x``;
- three columns, ``x1,x2,label``: a classifier of points in the plane; labels are integers
  or strings (``red``, ``blue``), and the classes are their distinct values in sorted order.

Points are shuffled with a fixed seed and a share of them (``val_fraction``) kept aside for
validation, so the same file and seed always give the same split: the first
``round(val_fraction × rows)`` points of ``numpy.random.default_rng(seed).permutation(rows)``
validate, the rest train, each split in file order. A bad line is named by its line number
(the header is line 1), in one line.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from nnexplain.data.dataset import Dataset
from nnexplain.errors import DataError
from nnexplain.inputs import MAX_ABS_VALUE, MAX_CLASSES, read_bytes

__all__ = ["load_csv_dataset", "load_data_file", "split_rows", "MIN_ROWS", "DEFAULT_VAL_FRACTION", "DEFAULT_SPLIT_SEED"]

MIN_ROWS = 4  # two to train on and two to validate, at the least
DEFAULT_VAL_FRACTION = 0.2
DEFAULT_SPLIT_SEED = 0


def split_rows(rows: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training and validation rows, each in file order (see the module)."""
    val = min(max(round(val_fraction * rows), 2), rows - 2)
    order = np.random.default_rng(seed).permutation(rows)
    return np.sort(order[val:]), np.sort(order[:val])


def load_csv_dataset(
    path: str | Path, val_fraction: float = DEFAULT_VAL_FRACTION, seed: int = DEFAULT_SPLIT_SEED
) -> Dataset:
    """The data set in the CSV file ``path``; raises a one-line :class:`DataError` naming the line at fault."""
    path = Path(path)
    if not 0 < val_fraction < 1:
        raise DataError(f"the validation share must be between 0 and 1, not {val_fraction:g}")
    header, lines = _read_lines(path)
    if len(header) not in (2, 3):
        raise DataError(
            f"{path}, line 1: the header names {len(header)} columns ({', '.join(header)}); "
            "give two (x,y: a regression) or three (x1,x2,label: a classifier)"
        )
    classify = len(header) == 3
    features = 2 if classify else 1  # x1, x2 (then the label), or x (then y)
    numbers = np.empty((len(lines), len(header) if not classify else features), np.float64)
    labels: list[str] = []
    for row, (number, values) in enumerate(lines):
        if len(values) != len(header):
            raise DataError(f"{path}, line {number}: {len(values)} values, but the header names {len(header)} columns")
        for column in range(numbers.shape[1]):
            numbers[row, column] = _number(values[column], path, number, header[column])
        if classify:
            label = values[2].strip()
            if not label:
                raise DataError(f"{path}, line {number}: the {header[2]!r} column is empty")
            labels.append(label)
    if len(lines) < MIN_ROWS:
        where = f" (lines 2 to {lines[-1][0]})" if lines else ""
        raise DataError(f"{path} holds {len(lines)} rows of data{where}; nnexplain needs at least {MIN_ROWS}")
    x = numbers[:, :features]
    train, val = split_rows(len(lines), val_fraction, seed)
    if classify:
        classes, targets = _classes(labels, path, [number for number, _ in lines], header[2])
        y_train, y_val = targets[train], targets[val]
    else:
        classes = ()
        y = numbers[:, 1:].astype(np.float32)
        y_train, y_val = y[train], y[val]
    return Dataset(
        name=path.stem,
        task="classify" if classify else "regress",
        x_train=x[train].astype(np.float32),
        y_train=y_train,
        x_val=x[val].astype(np.float32),
        y_val=y_val,
        input_shape=(features,),
        classes=classes,
        source=f"{path.name} (the user's own data; {len(val)} of {len(lines)} rows kept for validation, seed {seed})",
        extra={"columns": list(header)},
    )


def _read_lines(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and every non-blank data line with its line number (1 is the header)."""
    data = read_bytes(path, "data file", DataError)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = data[: problem.start].count(b"\n") + 1
        raise DataError(f"{path}, line {line}: not UTF-8 text; save the CSV as UTF-8") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as problem:
        raise DataError(f"{path}: not a readable CSV file ({problem})") from None
    # csv.reader yields one row per record; a record's line number is counted in the text itself.
    numbered, line = [], 1
    for values in rows:
        numbered.append((line, values))
        line += 1 + sum(value.count("\n") for value in values)
    numbered = [(number, values) for number, values in numbered if any(value.strip() for value in values)]
    if not numbered:
        raise DataError(f"{path} is empty; a CSV needs a header line and rows of data")
    header = [name.strip() for name in numbered[0][1]]
    if numbered[0][0] != 1 or all(_is_number(name) for name in header):
        raise DataError(
            f"{path}, line {numbered[0][0]}: the first line must be a header naming the columns (x,y or x1,x2,label)"
        )
    return header, numbered[1:]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _number(text: str, path: Path, line: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{path}, line {line}: {column} is {text.strip()!r}, not a number") from None
    if not math.isfinite(value):
        raise DataError(f"{path}, line {line}: {column} is {text.strip()}; every value must be a finite number")
    if abs(value) > MAX_ABS_VALUE:
        raise DataError(
            f"{path}, line {line}: {column} is {value:g}; nnexplain draws data of magnitude up to {MAX_ABS_VALUE:g}: rescale it"
        )
    return value


def _classes(labels: list[str], path: Path, lines: list[int], column: str) -> tuple[tuple[str, ...], np.ndarray]:
    """The class names (integers in numeric order, else strings in sorted order) and each row's class index."""
    integers = all(_is_integer(label) for label in labels)
    names = sorted(set(labels), key=(lambda label: int(label)) if integers else None)
    if integers:  # "1" and "01" are one class
        names = sorted({str(int(label)) for label in labels}, key=int)
        labels = [str(int(label)) for label in labels]
    if len(names) < 2:
        raise DataError(
            f"{path}, lines {lines[0]} to {lines[-1]}: every {column} is {names[0]!r}; a classifier needs two classes at least"
        )
    if len(names) > MAX_CLASSES:
        raise DataError(
            f"{path}: the {column} column holds {len(names):,} classes; nnexplain draws up to {MAX_CLASSES:,}"
        )
    index = {name: number for number, name in enumerate(names)}
    return tuple(names), np.array([index[label] for label in labels], np.int64)


def _is_integer(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def load_data_file(path: str | Path, val_fraction: float | None = None, seed: int | None = None) -> Dataset:
    """The user's own data in ``path``: a CSV (split here, ``val_fraction`` and ``seed`` [0.2, 0]) or an
    ``.npz`` (which holds its own split: ``val_fraction`` and ``seed`` do not apply). Points in the plane
    get a ``warp_grid`` round them and a curve its ``domain``, as ``import`` gives them, so the 2-D and
    curve scenes can draw a run trained on them."""
    if str(path).lower().endswith(".csv"):
        dataset = load_csv_dataset(
            path,
            DEFAULT_VAL_FRACTION if val_fraction is None else val_fraction,
            DEFAULT_SPLIT_SEED if seed is None else seed,
        )
    elif val_fraction is not None or seed is not None:
        raise DataError(f"--val-split and --split-seed split a CSV; {path} is not a .csv (an .npz holds its own split)")
    else:
        from nnexplain.data.npzfile import load_npz_dataset

        dataset = load_npz_dataset(path)
    return _with_drawing_extents(dataset)


def _with_drawing_extents(dataset: Dataset) -> Dataset:
    from dataclasses import replace

    from nnexplain.data.toy2d import warp_grid_spec

    # As nnexplain.train.importer.drawing_description gives imported runs (the train floor: not imported here).
    points = np.concatenate([dataset.x_train, dataset.x_val]).astype(np.float64)
    extra = dict(dataset.extra)
    if dataset.input_size == 2:
        extra.setdefault("warp_grid", warp_grid_spec(points))
    elif dataset.input_size == 1 and points.max() > points.min():
        extra.setdefault("domain", [float(points.min()), float(points.max())])
    return replace(dataset, extra=extra)
