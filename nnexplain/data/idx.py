"""Reader for the IDX format that MNIST is distributed in.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), one big-endian uint32 per dimension, then the values in C order.
Files may be gzip-compressed; compression is detected from the bytes, not the name.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from nnexplain.errors import DataError
from nnexplain.inputs import MAX_FILE_BYTES, read_bytes

__all__ = ["read_idx", "write_idx"]

_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dtype.newbyteorder("="): code for code, dtype in _DTYPES.items()}


def _read_bytes(path: Path) -> bytes:
    raw = read_bytes(path, "IDX file")
    if raw[:2] != b"\x1f\x8b":
        return raw
    # Inflate at most the size limit: a small "gzip bomb" is refused before it fills memory.
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, MAX_FILE_BYTES + 1)
    except zlib.error:
        raise DataError(f"{path} is a truncated or corrupt gzip file; download it again") from None
    if len(data) > MAX_FILE_BYTES or inflater.unconsumed_tail:
        raise DataError(
            f"{path} inflates to more than {MAX_FILE_BYTES / 2**30:g} GiB; an IDX file of MNIST is far smaller"
        )
    if not inflater.eof:
        raise DataError(f"{path} is a truncated or corrupt gzip file; download it again")
    return data


def read_idx(path: str | Path, ndim: int | None = None) -> np.ndarray:
    """Read an IDX file (raw or gzipped) into a native-endian numpy array.

    ``ndim`` is the number of dimensions the caller expects (3 for images, 1 for
    labels); a file with another count is rejected, which is what a wrong magic
    number such as 2049 in place of 2051 means.
    """
    path = Path(path)
    data = _read_bytes(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _DTYPES:
        raise DataError(
            f"{path} is not an IDX file: bad magic number {data[:4].hex() or '(empty)'}; "
            "expected 0000 followed by a type code (08 for uint8) and the dimension count"
        )
    dtype, file_ndim = _DTYPES[data[2]], data[3]
    if ndim is not None and file_ndim != ndim:
        expected = (data[2] << 8) | ndim
        raise DataError(
            f"{path} has magic number {int.from_bytes(data[:4], 'big')} ({file_ndim}-D); expected {expected} ({ndim}-D)"
        )
    header_end = 4 + 4 * file_ndim
    if len(data) < header_end:
        raise DataError(f"{path} is truncated inside its header; download it again")
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", file_ndim, offset=4))
    count = int(np.prod(shape, dtype=np.int64))
    expected_bytes = header_end + count * dtype.itemsize
    if len(data) < expected_bytes:
        raise DataError(
            f"{path} is truncated: header promises shape {shape} ({expected_bytes} bytes) "
            f"but the file holds {len(data)} bytes; download it again"
        )
    values = np.frombuffer(data, dtype, count, offset=header_end)
    return values.reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path: str | Path, array: np.ndarray, compress: bool | None = None) -> None:
    """Write ``array`` as IDX; gzip it when ``compress`` is true or the name ends in .gz."""
    path = Path(path)
    array = np.ascontiguousarray(array)
    code = _CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(f"IDX cannot hold dtype {array.dtype}")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    payload = header + array.astype(_DTYPES[code]).tobytes()
    if compress if compress is not None else path.suffix == ".gz":
        payload = gzip.compress(payload, mtime=0)
    path.write_bytes(payload)
