"""The training history of a run: the loss of every optimiser step, and the metrics of every epoch.

Snapshots are sparse (long runs keep a log-spaced few), but the story of learning
needs every step: the per-batch loss that the first progress bar of an epoch
shows, and one validation point per epoch on each curve. So each snapshot also
writes what happened since the previous snapshot, as a small file of its own::

    history/epoch-00003.safetensors
        step.index   int64    global step numbers (1 = the first optimiser step)
        step.epoch   int64    the epoch each step belongs to (epoch e leads from state e-1 to e)
        step.loss    float32  the training loss of that step's batch, before its update
        epoch.index  int64    every epoch finished since the previous snapshot, this one included
        epoch.NAME   float64  each metric of those epochs (train_loss, val_acc, ...)

The snapshot's manifest entry names the file (``"history": "history/epoch-00003.safetensors"``),
and the file is written before the manifest, like the snapshot's own tensors: a run
killed mid-training keeps its history up to its last snapshot, and no file is
ever rewritten. A run resumed from a snapshot simply starts a new file at its next
snapshot (steps keep their global numbers), so the parts always concatenate.

Only every k-th step may be kept (``step_loss_every`` in the manifest, default 1);
the step numbers are stored, so nothing has to be inferred from k. Runs recorded
before this file existed, and imported runs, have no history files:
:meth:`History.from_snapshots` then builds one from the snapshots' metrics, with
no steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np

__all__ = ["History", "history_file", "history_part", "HistoryLog"]


def history_file(epoch: int) -> str:
    """The history file written with the snapshot of ``epoch``, relative to the run directory."""
    return f"history/epoch-{int(epoch):05d}.safetensors"


def history_part(
    steps: Iterable[int], step_epochs: Iterable[int], losses: Iterable[float], epochs: Mapping[int, Mapping[str, float]]
) -> dict[str, np.ndarray]:
    """The arrays of one history file: steps since the previous snapshot, and the epochs they finished."""
    names = sorted({name for metrics in epochs.values() for name in metrics})
    ordered = sorted(epochs)
    part = {
        "step.index": np.asarray(list(steps), np.int64),
        "step.epoch": np.asarray(list(step_epochs), np.int64),
        "step.loss": np.asarray(list(losses), np.float32),
        "epoch.index": np.asarray(ordered, np.int64),
    }
    for name in names:
        part[f"epoch.{name}"] = np.array([epochs[e].get(name, np.nan) for e in ordered], np.float64)
    lengths = {len(part["step.index"]), len(part["step.epoch"]), len(part["step.loss"])}
    if len(lengths) != 1:
        raise ValueError(f"steps, their epochs and their losses differ in length ({sorted(lengths)})")
    return part


@dataclass(frozen=True)
class History:
    """The steps and epochs of a run, in order, read from its history files."""

    steps: np.ndarray  # global step numbers, increasing
    step_epochs: np.ndarray  # the epoch of each step
    losses: np.ndarray  # the training loss of each step's batch
    epochs: np.ndarray  # epochs with metrics, increasing (0: the initialisation)
    metrics: dict[str, np.ndarray] = field(default_factory=dict)  # name -> one value per epoch (NaN: not measured)
    every: int | None = None  # every k-th step was kept; None when the run recorded no steps

    @classmethod
    def concatenate(cls, parts: list[dict[str, np.ndarray]], every: int | None = None) -> "History":
        """The history of a run from its files' arrays, in snapshot order."""
        epochs = np.concatenate([p["epoch.index"] for p in parts]) if parts else np.zeros(0, np.int64)
        names = sorted(
            {key[len("epoch.") :] for p in parts for key in p if key.startswith("epoch.") and key != "epoch.index"}
        )
        metrics = {
            name: np.concatenate([p.get(f"epoch.{name}", np.full(len(p["epoch.index"]), np.nan)) for p in parts])
            for name in names
        }

        def column(key: str, dtype) -> np.ndarray:
            return np.concatenate([p[key] for p in parts]).astype(dtype) if parts else np.zeros(0, dtype)

        steps, step_epochs, losses = (
            column("step.index", np.int64),
            column("step.epoch", np.int64),
            column("step.loss", np.float32),
        )
        return cls(steps, step_epochs, losses, epochs.astype(np.int64), metrics, every)

    @classmethod
    def from_snapshots(cls, snapshots: list[dict[str, Any]]) -> "History":
        """For runs with no history files: one row per snapshot, from its manifest metrics, and no steps."""
        epochs = {int(s["epoch"]): s.get("metrics") or {} for s in snapshots}
        return cls.concatenate([history_part([], [], [], epochs)] if epochs else [], every=None)

    @property
    def has_steps(self) -> bool:
        return len(self.steps) > 0

    def metric(self, name: str) -> np.ndarray:
        """One value per epoch of :attr:`epochs`; NaN where the metric was not measured."""
        return self.metrics.get(name, np.full(len(self.epochs), np.nan))

    def epoch_steps(self, epoch: int) -> tuple[np.ndarray, np.ndarray]:
        """(step numbers, losses) of the steps recorded during ``epoch``."""
        inside = self.step_epochs == epoch
        return self.steps[inside], self.losses[inside]

    def steps_per_epoch(self) -> dict[int, int]:
        """How many steps were recorded in each epoch that has any."""
        epochs, counts = np.unique(self.step_epochs, return_counts=True)
        return {int(e): int(c) for e, c in zip(epochs, counts)}


class HistoryLog:
    """What a recorder keeps in memory between two snapshots; :meth:`part` gives the next file's arrays.

    Losses may be any objects ``to_floats`` turns into one float each (a recorder
    keeps torch tensors and converts them all at once, so that logging a step
    never waits for a GPU).
    """

    def __init__(self, every: int = 1, steps_done: int = 0, last_epoch: int = -1):
        if int(every) < 1:
            raise ValueError(f"every must be a positive whole number of steps, not {every!r}")
        self.every = int(every)
        self.steps_done = int(steps_done)  # a resumed run starts from its snapshot's step
        self.last_epoch = int(last_epoch)
        self._steps: list[tuple[int, int, Any]] = []
        self._epochs: dict[int, dict[str, float]] = {}

    def step(self, loss: Any, epoch: int | None = None) -> None:
        """Count one optimiser step; keep its loss when it is an every-th step."""
        self.steps_done += 1
        if self.steps_done % self.every == 0:
            self._steps.append((self.steps_done, self.last_epoch + 1 if epoch is None else int(epoch), loss))

    def epoch(self, epoch: int, metrics: Mapping[str, float]) -> None:
        """Record the metrics of a finished epoch (merged with any recorded for it before)."""
        self._epochs.setdefault(int(epoch), {}).update(metrics)
        self.last_epoch = max(self.last_epoch, int(epoch))

    def part(self, to_floats=lambda losses: np.asarray(losses, np.float32)) -> dict[str, np.ndarray]:
        steps = [s for s, _, _ in self._steps]
        epochs = [e for _, e, _ in self._steps]
        losses = to_floats([loss for _, _, loss in self._steps]) if self._steps else []
        return history_part(steps, epochs, losses, self._epochs)

    def clear(self) -> None:
        """Forget what the last written file holds."""
        self._steps, self._epochs = [], {}
