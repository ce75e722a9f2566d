"""Softmax, step by step, on a run's stored logits.

A classifier's last layer gives one score per class, its logits z (the output
layer's pre-activation, stored for every probe item at every snapshot as
``pre.{last}``). Softmax turns them into probabilities in two steps:

    exp(zᵢ)                     every score becomes positive, order kept
    exp(zᵢ) / Σⱼ exp(zⱼ)        they are scaled to add up to 1

The naive alternative, zᵢ / Σⱼ zⱼ, fails on the same numbers: logits can be
negative, so "probabilities" come out negative, and their sum can be near zero,
so they blow up. The argmax, a one-hot vector, has no slope: nudging a logit
changes nothing until the winner flips, so gradient descent learns nothing from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.run import Run

__all__ = [
    "softmax_of",
    "SoftmaxSteps",
    "softmax_steps",
    "logits_of",
    "entropies",
    "pick_confident",
    "pick_uncertain",
    "nudged",
    "one_hot",
]


def softmax_of(z: np.ndarray) -> np.ndarray:
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class SoftmaxSteps:
    """The numbers of every step for one item's logits (float64)."""

    logits: np.ndarray

    @property
    def exponentials(self) -> np.ndarray:
        return np.exp(self.logits)

    @property
    def total(self) -> float:
        return float(self.exponentials.sum())

    @property
    def probabilities(self) -> np.ndarray:
        return softmax_of(self.logits)

    @property
    def naive_total(self) -> float:
        return float(self.logits.sum())

    @property
    def naive(self) -> np.ndarray:
        """zᵢ / Σⱼ zⱼ: what dividing the raw logits by their sum gives."""
        return self.logits / self.naive_total

    @property
    def winner(self) -> int:
        return int(np.argmax(self.logits))

    @property
    def runner_up(self) -> int:
        return int(np.argsort(self.logits)[-2])


def logits_of(run: Run, epoch: int | None = None) -> np.ndarray:
    """(items, classes) stored logits of every probe item (mistakes included) at ``epoch``."""
    return np.asarray(run.tensors(epoch)[f"pre.{len(run.layers) - 2}"], np.float64)


def softmax_steps(run: Run, probe_index: int, epoch: int | None = None) -> SoftmaxSteps:
    return SoftmaxSteps(logits_of(run, epoch)[probe_index])


def entropies(logits: np.ndarray) -> np.ndarray:
    """The entropy (in nats) of each row's softmax: 0 when sure, log(classes) when undecided."""
    p = softmax_of(np.asarray(logits, np.float64))
    return -(p * np.log(np.clip(p, 1e-300, None))).sum(axis=-1)


def pick_confident(run: Run, epoch: int | None = None) -> int:
    """The correctly classified probe item with the lowest entropy (any item when none has a label)."""
    logits = logits_of(run, epoch)
    candidates = np.arange(len(logits))
    labels = run.probe.get("labels")
    if labels is not None and labels.ndim == 1:
        right = candidates[logits.argmax(axis=1) == labels]
        candidates = right if len(right) else candidates
    return int(candidates[np.argmin(entropies(logits[candidates]))])


def pick_uncertain(run: Run, epoch: int | None = None) -> int:
    """The probe item whose prediction has the highest entropy."""
    return int(np.argmax(entropies(logits_of(run, epoch))))


def nudged(logits: np.ndarray, index: int, delta: float) -> np.ndarray:
    """The logits with logit ``index`` moved by ``delta``."""
    moved = np.array(logits, np.float64)
    moved[index] += delta
    return moved


def one_hot(logits: np.ndarray) -> np.ndarray:
    """The argmax as a vector: 1 for the largest logit, 0 elsewhere."""
    vector = np.zeros(len(logits))
    vector[int(np.argmax(logits))] = 1.0
    return vector
