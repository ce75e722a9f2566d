"""Learning over time, read from a run's history: curves, one epoch's steps, overfitting, error rates.

Every number comes from :attr:`nnexplain.run.Run.history`: the metrics of every
epoch (or, for runs recorded before history files, of every snapshot) and the
loss of every optimiser step.

**Overfitting** is marked where the validation loss is lowest, when afterwards it
rose by a clear margin (:data:`OVERFIT_MARGIN` of its minimum, at least
:data:`OVERFIT_MIN_RISE`) while the training loss kept falling: the network keeps
fitting its training data better and new data worse.

The training points of a generated 2-D data set are not stored in the run; they
are regenerated from its description (:func:`training_points`), and only when the
regenerated validation points are exactly the run's probe.

**Error rate** is 1 − accuracy. A log axis shows what a linear accuracy axis hides:
from 99% to 99.5% the accuracy moves half a point, the error halves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.run import Run
from nnexplain.run.history import History

__all__ = [
    "OVERFIT_MARGIN",
    "OVERFIT_MIN_RISE",
    "Divergence",
    "divergence",
    "EpochSteps",
    "epoch_steps",
    "shown_epoch",
    "error_rates",
    "error_floor",
    "late_epochs",
    "training_points",
    "probe_verdicts",
    "flipped_labels",
    "snapshot_near",
    "MistakeCounts",
    "mistake_counts",
]

OVERFIT_MARGIN = 0.2  # the final validation loss is at least 20% above its minimum ...
OVERFIT_MIN_RISE = 0.02  # ... and at least this much above it in absolute terms


@dataclass(frozen=True)
class Divergence:
    """Where training and validation part ways."""

    epoch: int  # the epoch of the lowest validation loss
    best_val_loss: float
    final_val_loss: float
    train_loss_then: float
    final_train_loss: float

    @property
    def rise(self) -> float:
        return self.final_val_loss - self.best_val_loss


def divergence(history: History) -> Divergence | None:
    """The overfitting point of a run, or None when its validation loss did not turn back up."""
    val, train = history.metric("val_loss"), history.metric("train_loss")
    known = np.isfinite(val) & np.isfinite(train)
    if known.sum() < 3:
        return None
    epochs, val, train = history.epochs[known], val[known], train[known]
    best = int(np.argmin(val))
    rise = val[-1] - val[best]
    if best == len(val) - 1 or rise < max(OVERFIT_MARGIN * val[best], OVERFIT_MIN_RISE) or train[-1] >= train[best]:
        return None
    return Divergence(int(epochs[best]), float(val[best]), float(val[-1]), float(train[best]), float(train[-1]))


@dataclass(frozen=True)
class EpochSteps:
    """The training pass of one epoch: its steps' losses, and the batches behind them."""

    epoch: int
    steps: np.ndarray  # global step numbers
    losses: np.ndarray
    batch_size: int | None  # None when the run does not say
    train_items: int | None

    @property
    def count(self) -> int:
        return len(self.steps)


def shown_epoch(
    history: History, recorded: list[int], preferred: int | None = None, prefer: set[int] | frozenset[int] = frozenset()
) -> int | None:
    """The epoch whose two passes a scene plays, or None when the run recorded no steps.

    ``preferred`` when it has recorded steps; else, among the epochs with steps whose
    start and end are both recorded snapshots, the one whose batch losses fell most
    (first quarter against last quarter): learning you can see. Failing that, the
    first epoch with steps. Epochs in ``prefer`` (those whose every update the run recorded) come first.
    """
    counts = history.steps_per_epoch()
    if not counts:
        return None
    if preferred in counts:
        return preferred
    snapshots = set(recorded)
    candidates = [e for e in counts if e in snapshots and e - 1 in snapshots and counts[e] >= 2]
    candidates = [e for e in candidates if e in prefer] or candidates
    if not candidates:
        return min(counts)

    def fall(epoch: int) -> float:
        losses = history.epoch_steps(epoch)[1]
        quarter = max(1, len(losses) // 4)
        return float(losses[:quarter].mean() - losses[-quarter:].mean())

    return max(candidates, key=fall)


def epoch_steps(run: Run, epoch: int) -> EpochSteps:
    steps, losses = run.history.epoch_steps(epoch)
    config = run.manifest.get("config") or {}
    train_items = run.dataset.get("train")
    batch_size = config.get("batch_size")
    if batch_size == 0:  # full batch
        batch_size = train_items
    return EpochSteps(int(epoch), steps, losses, batch_size, train_items)


def error_rates(accuracy: np.ndarray) -> np.ndarray:
    return 1.0 - np.asarray(accuracy, np.float64)


def error_floor(items: int | None) -> float:
    """Where a log axis of error rates stops: half of one item in ``items`` (zero errors are drawn there)."""
    return 0.5 / items if items else 1e-4


def late_epochs(history: History, fraction: float = 0.5) -> np.ndarray:
    """Indices of the last ``fraction`` of the epochs with a validation accuracy (at least two)."""
    known = np.flatnonzero(np.isfinite(history.metric("val_acc")))
    count = max(2, int(np.ceil(fraction * len(known))))
    return known[-count:]


def training_points(run: Run) -> tuple[np.ndarray, np.ndarray] | None:
    """The training points and labels of a run on a built-in generated 2-D data set, else None.

    Regenerated with the data set options the run trained with; refused (None) unless
    the regenerated validation points are exactly the run's probe inputs, so a changed
    generator can never put other points on screen.
    """
    from nnexplain.data.toy2d import GENERATION_SEEDS, load_toy2d
    from nnexplain.errors import DataError

    description = run.dataset
    name = description.get("name")
    if name not in GENERATION_SEEDS or description.get("generation_seed") != GENERATION_SEEDS[name]:
        return None
    options = dict((run.manifest.get("config") or {}).get("dataset_options") or {})
    try:
        data = load_toy2d(name, **options)
    except (DataError, TypeError):
        return None
    probe = run.probe["inputs"]
    if (
        len(data.x_train) != description.get("train")
        or len(probe) < len(data.x_val)
        or not np.array_equal(probe[: len(data.x_val)], data.x_val)
    ):
        return None
    return data.x_train, data.y_train


def flipped_labels(run: Run) -> np.ndarray | None:
    """Which training points had their label flipped (the data set's ``label_noise``), else None.

    The same points regenerated with no label noise: where the labels differ. None when the run's
    training points cannot be regenerated (:func:`training_points`) or it flipped none.
    """
    from nnexplain.data.toy2d import load_toy2d

    found = training_points(run)
    options = dict((run.manifest.get("config") or {}).get("dataset_options") or {})
    if found is None or not options.get("label_noise"):
        return None
    clean = load_toy2d(run.dataset["name"], **{**options, "label_noise": 0.0})
    if not np.array_equal(clean.x_train, found[0]):
        return None
    return clean.y_train != found[1]


def probe_verdicts(run: Run, epoch: int) -> np.ndarray:
    """Per probe item (mistakes included), whether the snapshot's network classifies it right."""
    logits = run.tensors(epoch)[f"pre.{len(run.layers) - 2}"]
    return logits.argmax(axis=1) == run.probe["labels"]


def snapshot_near(run: Run, epoch: float) -> int:
    """The recorded epoch nearest ``epoch``."""
    return min(run.epochs, key=lambda recorded: abs(recorded - epoch))


@dataclass(frozen=True)
class MistakeCounts:
    """Validation accuracy at two epochs, and what it means in mistakes on ``items`` validation items."""

    items: int
    epochs: tuple[int, int]
    accuracy: tuple[float, float]

    @property
    def mistakes(self) -> tuple[int, int]:
        return tuple(int(round((1 - a) * self.items)) for a in self.accuracy)

    @property
    def error_rates(self) -> tuple[float, float]:
        return tuple(1 - a for a in self.accuracy)

    @property
    def fewer(self) -> float:
        """The share of the first epoch's mistakes that the second no longer makes (negative: more mistakes)."""
        first, second = self.mistakes
        return 1 - second / first if first else 0.0


def mistake_counts(history: History, items: int | None, fraction: float = 1 / 3) -> MistakeCounts | None:
    """The last epoch with a validation accuracy against the one nearest ``fraction`` of the way to it.

    None when there are not two such epochs after the initialisation, or the run does not say how many
    validation items it has.
    """
    accuracy = history.metric("val_acc")
    known = [int(e) for e, a in zip(history.epochs, accuracy) if np.isfinite(a) and e > 0]
    if not items or len(known) < 2:
        return None
    last = known[-1]
    first = min(known[:-1], key=lambda e: abs(e - fraction * last))
    row = {int(e): i for i, e in enumerate(history.epochs)}
    return MistakeCounts(int(items), (first, last), (float(accuracy[row[first]]), float(accuracy[row[last]])))
