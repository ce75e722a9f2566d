"""A run's loss landscape, stored beside its snapshots: ``landscape-v2.safetensors`` and a manifest entry.

The arrays (computed by :mod:`nnexplain.geometry.descent`)::

    grid.alpha, grid.beta          (41,)   plane coordinates of the grid
    grid.loss                      (41, 41) training loss of the network at (alpha[i], beta[j])
    plane.directions               (2, P)  the plane's orthonormal directions, flat parameter vectors
    plane.explained                (2,)    fraction of the trajectory's variance along each
    path.epochs, path.coords       (S,), (S, 2) each snapshot and its projection onto the plane
    path.surface_loss, path.loss   (S,)    the surface at that projection; the snapshot's own loss
    weight.offsets, weight.loss    (121,)  the loss along one weight, the others held at their final values
    stochastic.epochs              (2,)    the first and the last snapshot, where gradients are compared
    stochastic.full_norm           (2,)    length of the full-batch gradient there
    stochastic.batch_norm, .angles (2, B)  each mini-batch gradient's length, and its angle to the full one (degrees)
    stochastic.indices             (2, B, batch) the training examples of each mini-batch
    stochastic.downhill            (2, 2)  the full-batch −gradient projected on the plane's directions
    start.*                        the lesson's opening at the first snapshot (:func:`~nnexplain.geometry.descent.start_arrays`):
                                   example costs, one weight's curve and real steps, rates compared, mini-batch steps

and the manifest's ``landscape`` entry holds the facts: the file, the grid, the data
subset, the explained variance, the seconds it took, the chosen weight and its gradient.

It is written like everything in a run, under the run's lock: the file to a temporary
name renamed into place, with its checksum, then the manifest
(:func:`~nnexplain.run.directory.write_run_file`); reading checks both and the arrays'
shapes against the facts. A recorded landscape is never rewritten. Only a complete
run with at least three snapshots has one (:func:`landscape_refusal` says why not). The one exception:
a landscape of an older :data:`LANDSCAPE_VERSION`, which lacks arrays the scene now reads, is computed
again and replaced (:func:`landscape_current`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from nnexplain.errors import RunError
from nnexplain.run.checks import check_landscape
from nnexplain.run.directory import Run, load_run, write_run_file
from nnexplain.run.staging import run_lock

__all__ = [
    "LANDSCAPE_FILE",
    "LANDSCAPE_VERSION",
    "landscape_current",
    "MIN_SNAPSHOTS",
    "Landscape",
    "has_landscape",
    "landscape_refusal",
    "read_landscape",
    "write_landscape",
]

LANDSCAPE_VERSION = 2  # 2: the lesson's opening (start.*) and the downhill directions were added
# A new name for each version: a run never rewrites a file it names, so a replaced landscape leaves the old one be.
LANDSCAPE_FILE = f"landscape-v{LANDSCAPE_VERSION}.safetensors"
MIN_SNAPSHOTS = 3  # two principal directions of the path need two independent moves


def has_landscape(run: Run) -> bool:
    return "landscape" in run.manifest


def landscape_current(run: Run) -> bool:
    """Whether ``run``'s stored landscape is of this :data:`LANDSCAPE_VERSION` (an older one is computed again)."""
    return run.manifest.get("landscape", {}).get("version", 1) >= LANDSCAPE_VERSION


def landscape_refusal(manifest: dict[str, Any]) -> str | None:
    """Why a run cannot have a landscape (completing "this run ..."), or None when it can."""
    count = len(manifest["snapshots"])
    if "landscape" in manifest:
        return None
    if count < MIN_SNAPSHOTS:
        origin = " (an imported run holds only its final weights)" if manifest.get("imported_from") else ""
        return f"has {count} snapshot{'s' * (count != 1)}{origin}; a loss landscape needs a recorded training path of at least {MIN_SNAPSHOTS}"
    if manifest.get("status") != "complete":
        return (
            f"is not complete (status {manifest.get('status')!r}); its landscape is computed once training has finished"
        )
    return None


@dataclass(frozen=True)
class Landscape:
    """A run's stored landscape: ``arrays`` by name and ``info``, the manifest's facts."""

    arrays: dict[str, np.ndarray]
    info: dict[str, Any]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    @property
    def explained(self) -> float:
        """The fraction of the trajectory's variance the plane's two directions explain together."""
        return float(sum(self.info["explained_variance"]))

    @cached_property
    def epochs(self) -> list[int]:
        return [int(e) for e in self.arrays["path.epochs"]]


def read_landscape(run: Run) -> Landscape:
    """The landscape stored in ``run``, checked against its checksum and its facts; a one-line
    :class:`RunError` when it has none or it is damaged."""
    if not has_landscape(run):
        raise RunError(f"run {run.path} has no loss landscape yet; compute it with `nnexplain landscape {run.path}`")
    if not landscape_current(run):
        raise RunError(
            f"run {run.path} holds a loss landscape of an older version; compute it again with "
            f"`nnexplain landscape {run.path}`"
        )
    entry = run.manifest["landscape"]
    arrays = run.read_file(entry["file"])
    check_landscape(run.path / entry["file"], arrays, entry, len(run.epochs), run.network.parameter_count)
    return Landscape(arrays, entry)


def write_landscape(run: Run, arrays: dict[str, np.ndarray], info: dict[str, Any]) -> Run:
    """Store a landscape in ``run``'s directory (file first, with its checksum, manifest last), holding the
    run's lock (waiting for another writer); returns the run reloaded."""
    with run_lock(run.path, wait=True):
        stored = load_run(run.path)
        if has_landscape(stored) and landscape_current(stored):  # another process may have stored one meanwhile
            raise RunError(f"run {run.path} already holds its loss landscape; a recorded landscape is never rewritten")
        entry = {"file": LANDSCAPE_FILE, **info, "version": LANDSCAPE_VERSION}
        write_run_file(run.path, LANDSCAPE_FILE, arrays, landscape=entry)
    return load_run(run.path)
