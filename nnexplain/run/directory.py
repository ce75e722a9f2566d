"""The run directory: the contract between training and drawing.

A run directory holds::

    manifest.json                      what the run is, one entry per snapshot, every file's checksum
    probe.safetensors                  the fixed probe inputs (and their labels)
    snapshots/epoch-00003.safetensors  weights, biases and recorded tensors of one snapshot
    history/epoch-00003.safetensors    step losses and epoch metrics since the previous snapshot
    resume/epoch-00003.safetensors     what training needs to go on from this snapshot (``train --resume``)
    mistakes.safetensors               validation items the final network gets wrong (classifiers)

Structured data lives in the JSON manifest, checked against its schema
(:mod:`~nnexplain.run.schema`) whenever it is read or written; arrays live in
safetensors files, whose paths the manifest stores relative to the run directory
with their SHA-256 and size (:mod:`~nnexplain.run.files`). Every file is written
once, to a temporary name renamed into place, and the manifest after it, so a run
killed mid-training is readable up to its last snapshot (its ``status`` says
``training``). A finished file is never rewritten. Loading reads JSON and
safetensors only, nothing is ever unpickled, and every file read is checked: its
checksum, then its arrays against the manifest (:mod:`~nnexplain.run.checks`).

The mistakes are known only when training ends, so they are recorded once, at the
end; :attr:`Run.probe` appends them to the probe set, and :meth:`Run.tensors` appends
their activations, computed from that snapshot's stored weights. (Runs written
before this file existed hold them in the probe itself.)

The verbs: :func:`create_run`, :func:`write_snapshot`, :func:`write_run_file`,
:func:`update_manifest`, :func:`load_run`, :meth:`Run.tensors` and :meth:`Run.verify`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from nnexplain.errors import RunError
from nnexplain.run import staging
from nnexplain.run.checks import (
    check_drawable_weights,
    check_history,
    check_items,
    check_landscape,
    check_probe,
    check_snapshot,
    check_steps,
)
from nnexplain.run.files import atomic_write, parse_tensors, read_checked, tensor_metadata
from nnexplain.run.history import History
from nnexplain.run.manifest import FORMAT, FORMAT_VERSION, read_manifest
from nnexplain.run.network import Network, Params
from nnexplain.run.snapshot import probe_activations
from nnexplain.run.writing import (
    create_run,
    discard_unrecorded,
    update_manifest,
    write_mistakes,
    write_run_file,
    write_snapshot,
)

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "Run",
    "Verified",
    "create_run",
    "write_snapshot",
    "write_mistakes",
    "write_run_file",
    "update_manifest",
    "discard_unrecorded",
    "load_run",
    "atomic_write",
]


@dataclass(frozen=True)
class Verified:
    """What :meth:`Run.verify` checked: how many files, and how many of them against a recorded checksum."""

    files: int
    checksummed: int


@dataclass(frozen=True)
class Run:
    """A loaded run directory. Tensors are read from disk on first use and kept."""

    path: Path
    manifest: dict[str, Any]

    @property
    def recipe(self) -> str:
        return self.manifest["recipe"]

    @property
    def layers(self) -> list[int]:
        return list(self.manifest["layers"])

    @property
    def activation(self) -> str:
        return self.manifest["activation"]

    @property
    def output(self) -> str:
        return self.manifest["output"]

    @property
    def dataset(self) -> dict[str, Any]:
        return self.manifest["dataset"]

    @cached_property
    def network(self) -> Network:
        """The network the manifest describes: its layers, their parameters' names and shapes, its forward pass."""
        return Network.from_manifest(self.manifest)

    @cached_property
    def snapshots(self) -> list[dict[str, Any]]:
        """The manifest's snapshot entries; a metric recorded as null (it was NaN or infinite) is left out."""
        return [
            {**entry, "metrics": {name: value for name, value in entry["metrics"].items() if value is not None}}
            for entry in self.manifest["snapshots"]
        ]

    @property
    def epochs(self) -> list[int]:
        return [snapshot["epoch"] for snapshot in self.snapshots]

    @property
    def unfinished(self) -> str | None:
        """What is missing from a run that did not complete, in a few words ("partial run: 12 of
        30 epochs"); None for a complete run."""
        status = self.manifest.get("status", "complete")
        if status == "complete":
            return None
        last = self.epochs[-1] if self.epochs else None
        if status == "diverged":
            at = self.manifest.get("diverged_at") or {}
            return f"diverged at epoch {at.get('epoch', '?')}: drawn from the {len(self.epochs)} snapshots before it"
        planned = (self.manifest.get("config") or {}).get("epochs")
        if last is None:
            return "partial run: no snapshot yet"
        return (
            f"partial run: {last} of {planned} epochs"
            if planned
            else f"partial run: {last} epochs so far, not finished"
        )

    @property
    def final_metrics(self) -> dict[str, float]:
        return self.snapshots[-1]["metrics"] if self.snapshots else {}

    @cached_property
    def probe(self) -> dict[str, np.ndarray]:
        """The probe inputs (and labels), followed by the recorded mistakes when the run has them."""
        probe = self.probe_file
        mistakes = self.mistakes
        if not mistakes:
            return probe
        return {key: np.concatenate([probe[key], mistakes[key].astype(probe[key].dtype)]) for key in probe}

    @cached_property
    def probe_file(self) -> dict[str, np.ndarray]:
        """The probe set as its file holds it, without the mistakes."""
        relative = self.manifest["probe"]
        tensors = self.read_file(relative)
        check_probe(self.path / relative, tensors, self.manifest)
        return tensors

    @cached_property
    def mistakes(self) -> dict[str, np.ndarray]:
        """Validation items the final network gets wrong, recorded at the end (empty when none were)."""
        if "mistakes" not in self.manifest:
            return {}
        relative = self.manifest["mistakes"]
        tensors = self.read_file(relative)
        check_items(self.path / relative, tensors, self.manifest)
        if set(tensors) != set(self.probe_file):
            raise RunError(
                f"run file {self.path / relative} is corrupt: it holds {sorted(tensors)}, the probe {sorted(self.probe_file)}; retrain the run"
            )
        return tensors

    @cached_property
    def history(self) -> History:
        """Every recorded step loss and epoch's metrics, joined from the snapshots' history files.

        Runs without history files (recorded before they existed, or imported) get
        one row per snapshot from its metrics, and no steps.
        """
        files = [entry["history"] for entry in self.snapshots if entry.get("history")]
        if not files:
            return History.from_snapshots(self.snapshots)
        return History.concatenate([self._history_part(name) for name in files], self.manifest.get("step_loss_every"))

    def _history_part(self, relative: str) -> dict[str, np.ndarray]:
        tensors = self.read_file(relative)
        check_history(self.path / relative, tensors)
        return tensors

    def snapshot(self, epoch: int | None = None) -> dict[str, Any]:
        """The manifest entry of ``epoch``; the last snapshot when ``epoch`` is None."""
        if not self.snapshots:
            raise RunError(f"run {self.path} has no snapshots yet; let training finish at least one epoch")
        if epoch is None:
            return self.snapshots[-1]
        for entry in self.snapshots:
            if entry["epoch"] == epoch:
                return entry
        raise RunError(f"run {self.path} has no snapshot of epoch {epoch}; it has epochs {self.epochs}")

    def tensors(self, epoch: int | None = None) -> dict[str, np.ndarray]:
        """All arrays of one snapshot (the last one when ``epoch`` is None).

        ``pre.i``/``act.i`` cover the whole :attr:`probe`: the rows of the recorded
        mistakes are computed from this snapshot's weights.
        """
        entry = self.snapshot(epoch)
        cache = self.__dict__.setdefault("_snapshot_cache", {})
        if entry["file"] not in cache:
            cache[entry["file"]] = self._with_mistakes(self._snapshot_file(entry["file"]))
        return cache[entry["file"]]

    def params(self, epoch: int | None = None) -> Params:
        """Every layer's parameters (a dense layer's (weight, bias) pair; weights are (out, in) like torch's)."""
        return self.network.params_from_arrays(self._snapshot_file(self.snapshot(epoch)["file"]))

    def step_params(self, epoch: int) -> list[Params]:
        """The parameters after each optimiser step of ``epoch``, in order; empty when the run did not record them."""
        entry = self.snapshot(epoch) if epoch in self.epochs else {}
        if not entry.get("steps"):
            return []
        stacked = self.read_file(entry["steps"])
        count = check_steps(self.path / entry["steps"], stacked, self.manifest)
        return [
            self.network.params_from_arrays({name: value[i] for name, value in stacked.items()}) for i in range(count)
        ]

    def resume_state(self, epoch: int | None = None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """The tensors and JSON facts recorded with snapshot ``epoch`` for training to go on from it."""
        entry = self.snapshot(epoch)
        if not entry.get("resume"):
            raise RunError(f"run {self.path} recorded no resume state with its snapshot of epoch {entry['epoch']}")
        data = read_checked(self.path, entry["resume"], self._record(entry["resume"]))
        tensors = parse_tensors(self.path / entry["resume"], data)
        try:
            facts = json.loads(tensor_metadata(data)["resume"])
        except (KeyError, ValueError, RecursionError):
            raise RunError(
                f"run file {self.path / entry['resume']} is corrupt (its resume facts are unreadable); retrain the run"
            ) from None
        return tensors, facts

    def read_file(self, relative: str) -> dict[str, np.ndarray]:
        """The arrays of a file of the run (kept once read), checked against its recorded size and SHA-256."""
        cache = self.__dict__.setdefault("_tensor_cache", {})
        if relative not in cache:
            cache[relative] = parse_tensors(
                self.path / relative, read_checked(self.path, relative, self._record(relative))
            )
        return cache[relative]

    @property
    def checksums(self) -> bool:
        """Whether the run records its files' checksums (runs written before nnexplain did, do not)."""
        return "files" in self.manifest

    def verify(self) -> Verified:
        """Read every file the manifest names and check it: checksum (when recorded), format, arrays.

        Raises a one-line :class:`RunError` at the first file that fails. ``info`` calls this;
        drawing checks the files it reads as it reads them.
        """
        from nnexplain.run.schema import FILE_ENTRIES, named_files

        self.probe_file, self.mistakes, self.history  # noqa: B018  (each is read and checked)
        for entry in self.snapshots:
            self._snapshot_file(entry["file"])
            if entry.get("resume"):
                self.resume_state(entry["epoch"])
            if entry.get("steps"):
                self.step_params(entry["epoch"])
        for key in FILE_ENTRIES:
            if self.manifest.get(key):
                self.read_file(self.manifest[key]["file"])
        if self.manifest.get("landscape"):
            entry = self.manifest["landscape"]
            arrays = self.read_file(entry["file"])
            check_landscape(self.path / entry["file"], arrays, entry, len(self.epochs), self.network.parameter_count)
        names = named_files(self.manifest)
        return Verified(len(names), sum(self._record(name) is not None for name in names))

    def check_drawable(self) -> None:
        """Read and check what drawing reads (the probe, the mistakes, every snapshot): a damaged file,
        or weights that are NaN, infinite or too large to draw, is a one-line :class:`RunError` now,
        not a crash midway through a render."""
        self.probe_file, self.mistakes  # noqa: B018
        for entry in self.snapshots:
            check_drawable_weights(self.path / entry["file"], self._snapshot_file(entry["file"]), self.network)

    def _record(self, relative: str) -> dict[str, Any] | None:
        return (self.manifest.get("files") or {}).get(relative)

    def _snapshot_file(self, relative: str) -> dict[str, np.ndarray]:
        checked = self.__dict__.setdefault("_checked_snapshots", set())
        tensors = self.read_file(relative)
        if relative not in checked:
            check_snapshot(self.path / relative, tensors, self.manifest, self.probe_file["inputs"])
            checked.add(relative)
        return tensors

    def _with_mistakes(self, tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if not self.mistakes or "pre.0" not in tensors:
            return tensors
        params = self.network.params_from_arrays(tensors)
        extra = probe_activations(self.network, params, self.mistakes["inputs"])
        return {**tensors, **{key: np.concatenate([tensors[key], extra[key]]) for key in extra}}


def load_run(run_dir: str | Path) -> Run:
    """Open a run directory, checking its manifest; tensors load lazily.

    A replacement of the run that a killed process left half done is finished or
    rolled back first (:func:`nnexplain.run.staging.recover`).
    """
    run_dir = Path(run_dir)
    if staging.interrupted(run_dir):
        with staging.run_lock(run_dir):
            staging.recover(run_dir)
    return Run(run_dir, read_manifest(run_dir))
