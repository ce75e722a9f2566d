"""Writing a run directory: each file once, with its checksum, then the manifest that names it.

The writers of :mod:`~nnexplain.run.directory` (which re-exports them): :func:`create_run`,
:func:`write_snapshot`, :func:`write_run_file` (any other kind of file), :func:`write_mistakes`,
:func:`update_manifest`, and :func:`discard_unrecorded` (what a killed training left
behind its last manifest, removed before it goes on).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from nnexplain.errors import RunError
from nnexplain.run.files import save_tensors
from nnexplain.run.history import history_file
from nnexplain.run.manifest import FORMAT, FORMAT_VERSION, MANIFEST, read_manifest, write_manifest

__all__ = [
    "PROBE_FILE",
    "MISTAKES_FILE",
    "create_run",
    "write_snapshot",
    "write_run_file",
    "write_mistakes",
    "update_manifest",
    "discard_unrecorded",
]

PROBE_FILE = "probe.safetensors"
MISTAKES_FILE = "mistakes.safetensors"
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def _add_file(
    run_dir: Path,
    manifest: dict[str, Any],
    relative: str,
    tensors: dict[str, np.ndarray],
    metadata: dict[str, str] | None = None,
) -> str:
    """Write one file of the run and record its checksum in ``manifest`` (written by the caller, after it)."""
    record = save_tensors(run_dir / relative, tensors, metadata)
    manifest.setdefault("files", {})[relative] = record.to_json()
    return relative


def create_run(run_dir: str | Path, manifest: dict[str, Any], probe: dict[str, np.ndarray]) -> Path:
    """Start a run directory: write the probe set, then a manifest with no snapshots yet.

    ``manifest`` holds the run's description (recipe, layers, activation, output,
    dataset, ...); the format fields and the snapshot list are added here. Both files
    are made beside ``run_dir`` and renamed into place together, so a process killed
    meanwhile leaves no directory there, or a readable run with no snapshot yet.
    """
    run_dir = Path(run_dir)
    if run_dir.exists() and (not run_dir.is_dir() or any(run_dir.iterdir())):
        what = "holds a run already" if (run_dir / MANIFEST).exists() else "is not an empty directory"
        raise RunError(f"{run_dir} {what}; record into a new or empty directory (runs are never overwritten)")
    place = Path(os.path.realpath(run_dir))  # a link to an empty directory: the run goes where it points
    place.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{place.name}.{os.getpid()}.", suffix=".staging", dir=place.parent))
    try:
        os.chmod(building, 0o777 & ~_UMASK)  # mkdtemp makes 0700 directories; keep the user's usual mode
        full = {"format": FORMAT, "version": FORMAT_VERSION, **manifest, "probe": PROBE_FILE, "snapshots": []}
        _add_file(building, full, PROBE_FILE, probe)
        write_manifest(building, full, shown=run_dir)
        try:
            os.replace(building, place)  # onto an absent or empty directory
        except OSError:
            raise RunError(f"{run_dir} is not an empty directory; record into a new or empty directory") from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return run_dir


def write_snapshot(
    run_dir: str | Path,
    epoch: int,
    tensors: dict[str, np.ndarray],
    metrics: dict[str, float] | None = None,
    history: dict[str, np.ndarray] | None = None,
    resume: tuple[dict[str, np.ndarray], dict[str, Any]] | None = None,
    steps: dict[str, np.ndarray] | None = None,
    **fields: Any,
) -> None:
    """Add the snapshot of ``epoch``: its history part, resume state and tensors first, then the manifest entry.

    A recorded epoch is final. ``history`` holds the arrays of :func:`nnexplain.run.history.history_part`;
    ``resume`` the tensors and JSON facts training needs to go on from here (:mod:`nnexplain.train.resume`);
    ``steps`` the parameters after each optimiser step of the epoch, each snapshot key's arrays stacked.
    """
    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    if any(entry["epoch"] == epoch for entry in manifest["snapshots"]):
        raise RunError(f"{run_dir} already holds a snapshot of epoch {epoch}; a recorded snapshot is never rewritten")
    # A file left by a run killed before its manifest entry was written is named by no
    # manifest: replacing it (when a resumed run gets this far again) rewrites nothing recorded.
    if history is not None:
        fields["history"] = _add_file(run_dir, manifest, history_file(epoch), history)
    if resume is not None:
        state, facts = resume
        metadata = {"resume": json.dumps(facts, allow_nan=False)}
        fields["resume"] = _add_file(run_dir, manifest, f"resume/epoch-{epoch:05d}.safetensors", state, metadata)
    if steps is not None:
        fields["steps"] = _add_file(run_dir, manifest, f"steps/epoch-{epoch:05d}.safetensors", steps)
    relative = _add_file(run_dir, manifest, f"snapshots/epoch-{epoch:05d}.safetensors", tensors)
    entry = {"epoch": int(epoch), **fields, "file": relative, "metrics": dict(metrics or {})}
    manifest["snapshots"] = sorted([*manifest["snapshots"], entry], key=lambda s: s["epoch"])
    write_manifest(run_dir, manifest)


def write_run_file(run_dir: str | Path, relative: str, tensors: dict[str, np.ndarray], **fields: Any) -> None:
    """Add a file of another kind (``relative`` to the run), with its checksum, and set manifest ``fields``
    that name it, in one manifest write; a file the run already names is never rewritten.
    The kinds a manifest may name are listed in :mod:`nnexplain.run.schema`."""
    from nnexplain.run.schema import named_files

    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    if relative in named_files(manifest) or relative in (manifest.get("files") or {}):
        raise RunError(f"{run_dir} already holds {relative}; a recorded file is never rewritten")
    _add_file(run_dir, manifest, relative, tensors)
    manifest.update(fields)
    write_manifest(run_dir, manifest)


def write_mistakes(run_dir: str | Path, mistakes: dict[str, np.ndarray]) -> None:
    """Record, once, the validation items the final network gets wrong (``inputs`` and ``labels``)."""
    if "mistakes" in read_manifest(Path(run_dir)):
        raise RunError(f"{run_dir} already records its mistakes; they are written once, when training ends")
    write_run_file(run_dir, MISTAKES_FILE, mistakes, mistakes=MISTAKES_FILE)


def update_manifest(run_dir: str | Path, **fields: Any) -> None:
    """Set top-level manifest fields, such as ``status`` when training ends."""
    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    manifest.update(fields)
    write_manifest(run_dir, manifest)


_WRITTEN_BY_TRAINING = ("snapshots", "history", "resume", "steps")


def discard_unrecorded(run_dir: str | Path) -> list[str]:
    """Remove what a killed training wrote after its last manifest: files of the kinds training writes
    that the manifest does not name yet, and temporary files. The caller holds the run's lock; nothing
    the manifest names is touched. Returns the removed paths, relative to the run."""
    from nnexplain.run.schema import named_files

    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    named = set(named_files(manifest)) | set(manifest.get("files") or {})
    places = [run_dir] + [
        run_dir / name
        for name in _WRITTEN_BY_TRAINING
        if (run_dir / name).is_dir() and not (run_dir / name).is_symlink()
    ]
    removed = []
    for place in places:
        for path in place.iterdir():
            relative = path.relative_to(run_dir).as_posix()
            temporary = path.name.startswith(".") and path.name.endswith(".tmp")
            ours = place != run_dir or relative == MISTAKES_FILE
            if path.is_file() and not path.is_symlink() and relative not in named and (temporary or ours):
                path.unlink()
                removed.append(relative)
    return removed
