"""Write a whole run directory beside its place, then rename it into place.

Training into the cache, ``train --overwrite`` and ``import`` all build a run that
must appear complete or not at all::

    with StagedDirectory(target, replace=True) as staging:
        train(config, staging.path)          # a failure here leaves target as it was

The staging directory is a hidden sibling of ``target`` (same file system, so the
final rename is atomic). On success it takes ``target``'s place: ``target`` must be
absent or empty unless ``replace`` is true, and then the old run stays in place
until the new one is complete. On failure, or after :meth:`StagedDirectory.discard`,
the staging directory is removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from nnexplain.errors import RunError

__all__ = ["StagedDirectory"]

_UMASK = os.umask(0o022)
os.umask(_UMASK)


class StagedDirectory:
    def __init__(self, target: str | Path, replace: bool = False):
        self.target = Path(target)
        self.replace = replace
        self.path: Path | None = None
        self._discarded = False

    def __enter__(self) -> "StagedDirectory":
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.", suffix=".staging", dir=self.target.parent))
        os.chmod(self.path, 0o777 & ~_UMASK)  # mkdtemp makes 0700 directories; keep the user's usual mode
        return self

    def discard(self) -> None:
        """Keep ``target`` as it is (e.g. another process completed it meanwhile)."""
        self._discarded = True

    def __exit__(self, error_type, error, traceback) -> None:
        try:
            if error_type is None and not self._discarded:
                self._install()
        finally:
            shutil.rmtree(self.path, ignore_errors=True)

    def _install(self) -> None:
        target = self.target
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()  # an empty directory is replaced
        if not target.exists():
            os.replace(self.path, target)
            return
        if not self.replace:
            raise RunError(f"{target} is not empty; choose another place, or remove what is in it first")
        retired = target.with_name(f".{target.name}.old")
        shutil.rmtree(retired, ignore_errors=True)
        target.rename(retired)
        self.path.rename(target)
        shutil.rmtree(retired)
