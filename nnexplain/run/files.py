"""The files of a run directory: written atomically with their checksum, read back only when they match it.

Every file a run holds is written here, to a temporary name that is renamed into
place, and comes back as a :class:`FileRecord` (its SHA-256 and size) that the
manifest keeps in its ``files`` table. Reading a file checks, in this order:

- the name the manifest gives is inside the run directory (links included);
- it is a regular file of bounded size (:mod:`nnexplain.inputs`);
- its bytes match the recorded size and SHA-256, when the run recorded them (runs
  written before checksums existed have none, and are read as they are);
- safetensors parses it (nothing is ever unpickled).

What the arrays must hold is checked by :mod:`nnexplain.run.checks`.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnexplain.errors import RunError
from nnexplain.inputs import read_bytes

__all__ = [
    "FileRecord",
    "atomic_write",
    "save_tensors",
    "inside",
    "read_checked",
    "parse_tensors",
    "tensor_metadata",
    "sha256",
]

FORMAT = "nnexplain-run"
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@dataclass(frozen=True)
class FileRecord:
    """What the manifest records of one file: its SHA-256 (hex) and its size in bytes."""

    sha256: str
    size: int

    def to_json(self) -> dict[str, object]:
        return {"sha256": self.sha256, "size": self.size}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def atomic_write(path: Path, data: bytes) -> FileRecord:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; give the usual permissions
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return FileRecord(sha256(data), len(data))


def save_tensors(path: Path, tensors: dict[str, np.ndarray], metadata: dict[str, str] | None = None) -> FileRecord:
    """Write a safetensors file of ``tensors`` (and string ``metadata``); returns its record."""
    from safetensors.numpy import save

    contiguous = {name: np.require(value, requirements="C") for name, value in tensors.items()}  # 0-d stays 0-d
    return atomic_write(path, save(contiguous, metadata={"format": FORMAT, **(metadata or {})}))


def inside(run_dir: Path, relative: str) -> Path:
    """``run_dir / relative``, refused when it leads outside the run directory (through ``..`` or a link)."""
    path = run_dir / relative
    root = os.path.realpath(run_dir)
    if Path(relative).is_absolute() or os.path.commonpath([root, os.path.realpath(path)]) != root:
        raise RunError(
            f"{run_dir}: the manifest names {relative!r}, which is outside the run directory; retrain the run"
        )
    return path


def read_checked(run_dir: Path, relative: str, record: dict | None) -> bytes:
    """The bytes of the run file ``relative``, checked against its ``record`` (``{"sha256", "size"}``) when there is one."""
    path = inside(run_dir, relative)
    if not path.exists() and not path.is_symlink():
        raise RunError(f"run file {path} is missing; retrain the run or copy it whole")
    data = read_bytes(path, "run file", RunError)
    if record is not None and (len(data) != record["size"] or sha256(data) != record["sha256"]):
        what = (
            f"is {len(data)} bytes, not the {record['size']} recorded"
            if len(data) != record["size"]
            else "does not match its recorded SHA-256"
        )
        raise RunError(f"run file {path} {what}: it was damaged or changed after it was written; retrain the run")
    return data


def parse_tensors(path: Path, data: bytes) -> dict[str, np.ndarray]:
    from safetensors.numpy import load

    try:
        return load(data)
    except Exception as error:  # safetensors raises its own error types for bad bytes
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise RunError(f"run file {path} is corrupt ({message}); retrain the run") from None


def tensor_metadata(data: bytes) -> dict[str, str]:
    """The string metadata in the header of safetensors ``data`` (already parsed once by :func:`parse_tensors`)."""
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    metadata = header.get("__metadata__") or {}
    return {key: value for key, value in metadata.items() if isinstance(key, str) and isinstance(value, str)}
