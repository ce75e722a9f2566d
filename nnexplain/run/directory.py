"""The run directory: the contract between training and drawing.

A run directory holds::

    manifest.json                     what the run is, and one entry per snapshot
    probe.safetensors                 the fixed probe inputs (and their labels)
    snapshots/epoch-0003.safetensors  weights, biases and recorded tensors of one snapshot
    history/epoch-0003.safetensors    step losses and epoch metrics since the previous snapshot
    mistakes.safetensors              validation items the final network gets wrong (classifiers)

Structured data lives in the JSON manifest; arrays live in safetensors files,
whose paths the manifest stores relative to the run directory. Every file is
written once, to a temporary name renamed into place, and the manifest is
written after it, so a run killed mid-training is readable up to its last
snapshot (its ``status`` says ``training``). A finished file is never rewritten.
Loading reads JSON and safetensors only: nothing is ever unpickled.

The mistakes are known only when training ends, so they are recorded once, at
the end, as inputs and labels; :attr:`Run.probe` appends them to the probe set,
and :meth:`Run.tensors` appends their activations, computed from that
snapshot's stored weights. (Runs written before this file existed hold them in
the probe itself.)

Each snapshot may name a history file (:mod:`~nnexplain.run.history`), written
before the manifest like its tensors; :attr:`Run.history` joins them.

The verbs: :func:`create_run`, :func:`write_snapshot`, :func:`write_mistakes`,
:func:`update_manifest`, :func:`load_run` and :meth:`Run.tensors`.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from nnexplain.errors import RunError
from nnexplain.inputs import read_bytes
from nnexplain.run import staging
from nnexplain.run.history import History, history_file
from nnexplain.run.snapshot import probe_activations

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "Run",
    "create_run",
    "write_snapshot",
    "write_mistakes",
    "update_manifest",
    "load_run",
    "atomic_write",
]

FORMAT = "nnexplain-run"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PROBE_FILE = "probe.safetensors"
MISTAKES_FILE = "mistakes.safetensors"
MAX_MANIFEST_BYTES = 64 << 20  # a manifest of 60 snapshots is a few kB
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_REQUIRED_KEYS = ("recipe", "layers", "activation", "output", "dataset", "snapshots")


def atomic_write(path: Path, data: bytes) -> None:
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


def _save_tensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    from safetensors.numpy import save

    contiguous = {name: np.ascontiguousarray(value) for name, value in tensors.items()}
    atomic_write(path, save(contiguous, metadata={"format": FORMAT}))


def _load_tensors(path: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load

    if not path.exists() and not path.is_symlink():
        raise RunError(f"run file {path} is missing; retrain the run or copy it whole")
    data = read_bytes(path, "run file", RunError)
    try:
        return load(data)
    except Exception as error:  # safetensors raises its own error types for bad bytes
        raise RunError(f"run file {path} is corrupt ({str(error).splitlines()[0]}); retrain the run") from None


def _write_manifest(run_dir: Path, manifest: dict[str, Any]) -> None:
    try:
        text = json.dumps(manifest, indent=2, sort_keys=False, allow_nan=False) + "\n"
    except ValueError:
        raise RunError(f"{run_dir}: a value to record is NaN or infinite; the manifest holds only finite numbers") from None
    atomic_write(run_dir / MANIFEST, text.encode())


def create_run(run_dir: str | Path, manifest: dict[str, Any], probe: dict[str, np.ndarray]) -> Path:
    """Start a run directory: write the probe set, then a manifest with no snapshots yet.

    ``manifest`` holds the run's description (recipe, layers, activation, output,
    dataset, ...); the format fields and the snapshot list are added here.
    """
    run_dir = Path(run_dir)
    if run_dir.exists() and (not run_dir.is_dir() or any(run_dir.iterdir())):
        what = "holds a run already" if (run_dir / MANIFEST).exists() else "is not an empty directory"
        raise RunError(f"{run_dir} {what}; record into a new or empty directory (runs are never overwritten)")
    run_dir.mkdir(parents=True, exist_ok=True)
    _save_tensors(run_dir / PROBE_FILE, probe)
    full = {"format": FORMAT, "version": FORMAT_VERSION, **manifest, "probe": PROBE_FILE, "snapshots": []}
    _write_manifest(run_dir, full)
    return run_dir


def write_snapshot(
    run_dir: str | Path,
    epoch: int,
    tensors: dict[str, np.ndarray],
    metrics: dict[str, float] | None = None,
    history: dict[str, np.ndarray] | None = None,
    **fields: Any,
) -> None:
    """Add the snapshot of ``epoch``: its history part and tensors first, then the manifest entry.

    A recorded epoch is final. ``history`` holds the arrays of :func:`nnexplain.run.history.history_part`.
    """
    run_dir = Path(run_dir)
    manifest = _read_manifest(run_dir)
    if any(entry["epoch"] == epoch for entry in manifest["snapshots"]):
        raise RunError(f"{run_dir} already holds a snapshot of epoch {epoch}; a recorded snapshot is never rewritten")
    if history is not None:
        # A file left by a run killed before its manifest entry was written is named by no
        # manifest: replacing it (when a resumed run gets this far again) rewrites nothing recorded.
        fields["history"] = history_file(epoch)
        _save_tensors(run_dir / fields["history"], history)
    relative = f"snapshots/epoch-{epoch:05d}.safetensors"
    _save_tensors(run_dir / relative, tensors)
    entry = {"epoch": int(epoch), **fields, "file": relative, "metrics": dict(metrics or {})}
    manifest["snapshots"] = sorted([*manifest["snapshots"], entry], key=lambda s: s["epoch"])
    _write_manifest(run_dir, manifest)


def write_mistakes(run_dir: str | Path, mistakes: dict[str, np.ndarray]) -> None:
    """Record, once, the validation items the final network gets wrong (``inputs`` and ``labels``)."""
    run_dir = Path(run_dir)
    manifest = _read_manifest(run_dir)
    if "mistakes" in manifest:
        raise RunError(f"{run_dir} already records its mistakes; they are written once, when training ends")
    _save_tensors(run_dir / MISTAKES_FILE, mistakes)
    manifest["mistakes"] = MISTAKES_FILE
    _write_manifest(run_dir, manifest)


def update_manifest(run_dir: str | Path, **fields: Any) -> None:
    """Set top-level manifest fields, such as ``status`` when training ends."""
    run_dir = Path(run_dir)
    manifest = _read_manifest(run_dir)
    manifest.update(fields)
    _write_manifest(run_dir, manifest)


def _read_manifest(run_dir: Path) -> dict[str, Any]:
    path = run_dir / MANIFEST
    if not run_dir.is_dir():
        raise RunError(f"no run directory at {run_dir}; train one with `nnexplain train RECIPE --out {run_dir}`")
    if not path.exists() and not path.is_symlink():
        raise RunError(f"{run_dir} is not a run directory: it has no {MANIFEST}")
    text = read_bytes(path, "run manifest", RunError, limit=MAX_MANIFEST_BYTES)
    try:
        manifest = json.loads(text.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise RunError(f"{path} is corrupt ({error}); retrain the run") from None
    except RecursionError:
        raise RunError(f"{path} is corrupt (nested too deep to be a run manifest); retrain the run") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RunError(f"{path} is not an nnexplain run manifest (its 'format' is not {FORMAT!r})")
    version = manifest.get("version")
    if type(version) is not int:  # "1" is not 1, and true is not 1 either
        raise RunError(f"{path} is corrupt: its version is {json.dumps(version)}, not a whole number; retrain the run")
    if version != FORMAT_VERSION:
        raise RunError(
            f"{run_dir} was written in run format version {version}; this nnexplain reads version "
            f"{FORMAT_VERSION}: retrain it with this version"
        )
    missing = [key for key in _REQUIRED_KEYS if key not in manifest]
    if missing:
        raise RunError(f"{path} is corrupt: it lacks {', '.join(missing)}; retrain the run")
    return manifest


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

    @property
    def snapshots(self) -> list[dict[str, Any]]:
        return self.manifest["snapshots"]

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
        return f"partial run: {last} of {planned} epochs" if planned else f"partial run: {last} epochs so far, not finished"

    @property
    def final_metrics(self) -> dict[str, float]:
        return self.snapshots[-1]["metrics"] if self.snapshots else {}

    @cached_property
    def probe(self) -> dict[str, np.ndarray]:
        """The probe inputs (and labels), followed by the recorded mistakes when the run has them."""
        probe = _load_tensors(self.path / self.manifest["probe"])
        mistakes = self.mistakes
        if not mistakes:
            return probe
        return {key: np.concatenate([probe[key], mistakes[key].astype(probe[key].dtype)]) for key in probe}

    @cached_property
    def mistakes(self) -> dict[str, np.ndarray]:
        """Validation items the final network gets wrong, recorded at the end (empty when none were)."""
        if "mistakes" not in self.manifest:
            return {}
        return _load_tensors(self.path / self.manifest["mistakes"])

    @cached_property
    def history(self) -> History:
        """Every recorded step loss and epoch's metrics, joined from the snapshots' history files.

        Runs without history files (recorded before they existed, or imported) get
        one row per snapshot from its metrics, and no steps.
        """
        files = [entry["history"] for entry in self.snapshots if entry.get("history")]
        if not files:
            return History.from_snapshots(self.snapshots)
        return History.concatenate([_load_tensors(self.path / name) for name in files], self.manifest.get("step_loss_every"))

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
            cache[entry["file"]] = self._with_mistakes(self._load(entry["file"]))
        return cache[entry["file"]]

    def params(self, epoch: int | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
        """The (weight, bias) pair of every layer; weights are (out, in) like torch's."""
        tensors = self._load(self.snapshot(epoch)["file"])
        return [(tensors[f"weight.{i}"], tensors[f"bias.{i}"]) for i in range(len(self.layers) - 1)]

    def _with_mistakes(self, tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if not self.mistakes or "pre.0" not in tensors:
            return tensors
        count = len(self.layers) - 1
        params = [(tensors[f"weight.{i}"], tensors[f"bias.{i}"]) for i in range(count)]
        extra = probe_activations(params, self.activation, self.output, self.mistakes["inputs"])
        return {**tensors, **{key: np.concatenate([tensors[key], extra[key]]) for key in extra}}

    def _load(self, relative: str) -> dict[str, np.ndarray]:
        cache = self.__dict__.setdefault("_tensor_cache", {})
        if relative not in cache:
            cache[relative] = _load_tensors(self.path / relative)
        return cache[relative]


def load_run(run_dir: str | Path) -> Run:
    """Open a run directory, checking its manifest; tensors load lazily.

    A replacement of the run that a killed process left half done is finished or
    rolled back first (:func:`nnexplain.run.staging.recover`).
    """
    run_dir = Path(run_dir)
    if staging.interrupted(run_dir):
        with staging.run_lock(run_dir):
            staging.recover(run_dir)
    return Run(run_dir, _read_manifest(run_dir))
