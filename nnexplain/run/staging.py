"""Run directories written safely: a lock per run, a whole run built beside its place, swaps that survive a kill.

Three things protect a run directory ``X`` (all beside it, in its parent folder):

- **A lock**, ``.X.lock``, held (``flock``) by whoever writes ``X``: a second writer
  waits or is refused with one line. The kernel releases it when the process dies.
- **Staging**: training into the cache, ``train --overwrite`` and ``import`` build the
  new run in ``.X.<pid>.<random>.staging`` and rename it into place only once it is
  complete::

      with StagedDirectory(target, replace=True) as staging:
          train(config, staging.path)          # a failure here leaves target as it was

- **A journal**, ``.X.swap``, written before an old run is moved aside: a process
  killed in the middle of replacing ``X`` leaves enough behind for the next one that
  opens ``X`` (:func:`recover`) to finish the swap, or roll it back. Staging folders
  left by killed processes are removed then too.

Directories keep the modes the user's umask gives them.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from nnexplain.errors import RunError

__all__ = ["StagedDirectory", "run_lock", "recover", "interrupted", "is_run_directory", "check_place"]

_UMASK = os.umask(0o022)
os.umask(_UMASK)


def _sibling(target: Path, suffix: str) -> Path:
    return target.with_name(f".{target.name}.{suffix}")


def is_run_directory(path: Path) -> bool:
    """Whether ``path`` holds an nnexplain run (its manifest says so), complete or not."""
    try:
        return json.loads((path / "manifest.json").read_text()).get("format") == "nnexplain-run"
    except (OSError, ValueError, AttributeError):
        return False


def _status(path: Path) -> str | None:
    try:
        return json.loads((path / "manifest.json").read_text()).get("status")
    except (OSError, ValueError, AttributeError):
        return None


def check_place(target: str | Path, replace: bool) -> bool:
    """Whether a new run may go to ``target``, and whether it replaces one there.

    Absent or empty: yes, nothing to replace. A run directory: only when ``replace``.
    Anything else (a file, a folder of other things) is never replaced.
    """
    target = Path(target)
    if not target.exists():
        return False
    if not target.is_dir():
        raise RunError(f"{target} is a file, not a run directory; choose another place")
    contents = sorted(path.name for path in target.iterdir())
    if not contents:
        return False
    if not is_run_directory(target):
        shown = ", ".join(contents[:3]) + (f" and {len(contents) - 3} more" if len(contents) > 3 else "")
        raise RunError(
            f"{target} is not a run directory (it holds {shown}); nnexplain only ever replaces a run: choose another place"
        )
    if not replace:
        if _status(target) == "training":
            raise RunError(
                f"{target} holds a training that stopped before it finished; go on with it (train --resume), or replace it (train --overwrite)"
            )
        raise RunError(f"{target} holds a run already; choose another place, or replace it (train --overwrite)")
    return True


@contextmanager
def run_lock(target: str | Path, wait: bool = False) -> Iterator[None]:
    """Hold the lock of run directory ``target``; ``wait`` for it, else refuse at once if it is held."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(_sibling(target, "lock"), os.O_RDWR | os.O_CREAT, 0o666 & ~_UMASK)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise RunError(
                f"another nnexplain process is writing {target}; wait for it to finish, or choose another place"
            ) from None
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def interrupted(target: str | Path) -> bool:
    """Whether a replacement of ``target`` was left half done (its journal is still there)."""
    target = Path(target)
    return _sibling(target, "swap").exists()


def recover(target: str | Path) -> None:
    """Finish or roll back a replacement of ``target`` that a killed process left, and remove its
    leftover staging folders. The caller holds ``target``'s lock."""
    target = Path(target)
    journal, retired = _sibling(target, "swap"), _sibling(target, "old")
    if journal.exists():
        try:
            staging = target.with_name(json.loads(journal.read_text())["staging"])
        except (OSError, ValueError, KeyError, TypeError):
            staging = None
        if not target.exists():
            if staging is not None and is_run_directory(staging):
                os.replace(staging, target)  # killed between the two renames: the new run was complete
            elif retired.exists():
                os.replace(retired, target)  # the new run never made it: the old one comes back
        shutil.rmtree(retired, ignore_errors=True)
        journal.unlink(missing_ok=True)
    for leftover in _leftovers(target):
        shutil.rmtree(leftover, ignore_errors=True)


def _leftovers(target: Path) -> list[Path]:
    """Staging folders of ``target`` from earlier, killed operations (only ours: recognised by name and content)."""
    name = re.escape(target.name)
    patterns = [
        re.compile(rf"\.{name}\.\d+\.[A-Za-z0-9_]+\.staging"),  # this version's staging
        re.compile(rf"\.{name}\.[A-Za-z0-9_]{{8}}(\.staging)?"),  # earlier versions' tempfile.mkdtemp
        re.compile(rf"\.{name}\.\d+\.importing"),  # earlier versions' import
    ]
    if not target.parent.is_dir():
        return []
    found = []
    for path in target.parent.iterdir():
        if path.is_dir() and not path.is_symlink() and any(pattern.fullmatch(path.name) for pattern in patterns):
            if is_run_directory(path) or all(_BEGUN.fullmatch(entry.name) for entry in path.iterdir()):
                found.append(path)
    return found


# What a run being created holds before its manifest is in place (nnexplain.run.directory.create_run).
_BEGUN = re.compile(r"probe\.safetensors|\.(probe\.safetensors|manifest\.json)\.[A-Za-z0-9_]+\.tmp")


class StagedDirectory:
    """Build a run beside ``target`` and rename it into place when the block ends without an error."""

    def __init__(self, target: str | Path, replace: bool = False, wait: bool = False):
        self.target = Path(target)
        self.replace = replace
        self.wait = wait
        self.path: Path | None = None
        self._discarded = False
        self._lock = None

    def __enter__(self) -> "StagedDirectory":
        self._lock = run_lock(self.target, wait=self.wait)
        self._lock.__enter__()
        try:
            recover(self.target)
            check_place(self.target, self.replace)
            self.path = Path(
                tempfile.mkdtemp(
                    prefix=f".{self.target.name}.{os.getpid()}.", suffix=".staging", dir=self.target.parent
                )
            )
            os.chmod(self.path, 0o777 & ~_UMASK)  # mkdtemp makes 0700 directories; keep the user's usual mode
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
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
            self._lock.__exit__(None, None, None)

    def _install(self) -> None:
        target = self.target
        if not check_place(target, self.replace):
            if target.is_dir():
                target.rmdir()  # an empty directory is replaced
            os.replace(self.path, target)
            return
        journal, retired = _sibling(target, "swap"), _sibling(target, "old")
        journal.write_text(json.dumps({"staging": self.path.name, "pid": os.getpid()}))
        shutil.rmtree(retired, ignore_errors=True)
        os.replace(target, retired)
        os.replace(self.path, target)
        shutil.rmtree(retired)
        journal.unlink()
