"""Reading the files users hand us: only regular files, and only sizes that fit.

A FIFO or a device (``/dev/zero``) where a file should be would hang a reader or
feed it forever, and a header may claim an array far larger than the file holds
(a deflate bomb inflates 3 GB from a few kB). So every file nnexplain reads from a
user (run files, weights, data) is checked here first, and sizes that headers
claim are checked against the stated limits below before anything is allocated.
Like :mod:`nnexplain.errors`, this module is on the ground floor: every floor may use it.
"""

from __future__ import annotations

import stat
from pathlib import Path

from nnexplain.errors import DataError, NnexplainError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ARRAY_BYTES",
    "MAX_PARAMETERS",
    "MAX_CLASSES",
    "MAX_ABS_VALUE",
    "regular_file",
    "read_bytes",
    "check_array_bytes",
]

MAX_FILE_BYTES = 2 << 30  # 2 GiB: any one file read whole
MAX_ARRAY_BYTES = 1 << 30  # 1 GiB: any one array a header claims, once read
MAX_PARAMETERS = 20_000_000  # weights and biases of one network (MNIST's 784-16-16-10 has 13,002)
MAX_CLASSES = 10_000
MAX_ABS_VALUE = 1e6  # data values drawn on screen; rescale larger data first

_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def regular_file(
    path: str | Path, what: str = "file", error: type[NnexplainError] = DataError, limit: int = MAX_FILE_BYTES
) -> Path:
    """``path``, checked to be a regular file (links followed) of at most ``limit`` bytes."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error(f"{what} {path} does not exist") from None
    except OSError as problem:
        raise error(f"cannot read {what} {path}: {problem.strerror or problem}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise error(f"{what} {path} is {kind}, not a regular file")
    if info.st_size > limit:
        raise error(
            f"{what} {path} is {info.st_size / 2**30:.1f} GiB; nnexplain reads files of up to {limit / 2**30:g} GiB"
        )
    return path


def read_bytes(
    path: str | Path, what: str = "file", error: type[NnexplainError] = DataError, limit: int = MAX_FILE_BYTES
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes."""
    path = regular_file(path, what, error, limit)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as problem:
        raise error(f"cannot read {what} {path}: {problem.strerror or problem}") from None
    if len(data) > limit:  # it grew while we read it
        raise error(f"{what} {path} is larger than {limit / 2**30:g} GiB; nnexplain reads files of up to that")
    return data


def check_array_bytes(
    shape: tuple[int, ...], itemsize: int, what: str, error: type[NnexplainError] = DataError
) -> None:
    """Refuse an array whose claimed shape would take more than :data:`MAX_ARRAY_BYTES`, before it is allocated."""
    count = 1
    for side in shape:
        count *= int(side)
    if count * itemsize > MAX_ARRAY_BYTES:
        shown = "×".join(map(str, shape))
        raise error(
            f"{what} claims a {shown} array ({count * itemsize / 2**30:.1f} GiB); nnexplain reads arrays of up to {MAX_ARRAY_BYTES / 2**30:g} GiB"
        )
