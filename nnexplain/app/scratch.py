"""Scratch folders in the system's temporary directory, never left behind; and which path a failed write names.

A render draws into a scratch folder, removed when it ends however it ends, short of
``kill -9``. The folder's name holds the process id (``nnexplain-render-PID-…``), so the
next command removes the folders of processes that no longer exist (:func:`sweep_stale`).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["scratch_dir", "sweep_stale", "sweep_ended", "failed_path", "reason"]

_NAME = re.compile(r"nnexplain-[a-z]+-(\d+)-")
# A full disk or quota: the write failed at the destination, whatever the source was.
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


@contextmanager
def scratch_dir(kind: str) -> Iterator[Path]:
    """A fresh folder ``nnexplain-KIND-PID-…`` in the system's temporary directory, removed on the way out."""
    sweep_stale()
    with tempfile.TemporaryDirectory(prefix=f"nnexplain-{kind}-{os.getpid()}-") as folder:
        yield Path(folder)


def sweep_stale(root: str | Path | None = None) -> list[Path]:
    """Remove the scratch folders that processes no longer running left (killed with SIGKILL, or a crashed
    machine); returns them. Only this user's folders, and never a live process's."""
    removed = []
    try:
        candidates = list(Path(root or tempfile.gettempdir()).glob("nnexplain-*-*-*"))
    except OSError:
        return removed
    for folder in candidates:
        match = _NAME.match(folder.name)
        try:
            mine = folder.is_dir() and not folder.is_symlink() and folder.stat().st_uid == os.getuid()
        except OSError:
            continue
        if match and mine and not _alive(int(match.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def sweep_ended(within: float = 3.0) -> None:
    """After ending this command's workers: :func:`sweep_stale` until no other process's scratch folder is left,
    or ``within`` seconds have passed (a worker being killed still holds its folder for a moment)."""
    import time

    deadline = time.monotonic() + within
    while True:
        sweep_stale()
        others = [
            folder
            for folder in Path(tempfile.gettempdir()).glob("nnexplain-*-*-*")
            if (match := _NAME.match(folder.name)) and int(match.group(1)) != os.getpid()
        ]
        if not others or time.monotonic() > deadline:
            return
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or no pid at all): leave its folder alone
    return True


def failed_path(error: OSError) -> str | None:
    """The path a failed file operation failed at: for a full disk the destination (a copy names its
    source first, though writing the destination is what failed), else the path it names."""
    if error.errno in _FULL and error.filename2:
        return str(error.filename2)
    return None if error.filename is None else str(error.filename)


def reason(error: OSError) -> str:
    """``strerror: path`` of an :class:`OSError`, the path being :func:`failed_path`."""
    text = error.strerror or str(error) or type(error).__name__
    path = failed_path(error)
    return f"{text}: {path}" if path else text
