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

Training scores the probabilities by the cross-entropy, the minus log of the right
class's probability. Written in the logits it is

    C = −log pₖ = log Σⱼ exp(zⱼ) − zₖ

whose slope in each logit is ∂C/∂zᵢ = pᵢ − yᵢ: the log-sum rises with zᵢ by exactly
pᵢ (softmax again), and −zₖ falls by 1 with the right class's own logit (y, the one-hot
label). That p − y is the error backpropagation starts from at the output layer.
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
    "cross_entropy",
    "output_error",
    "probability_against_logit",
    "argmax_against_logit",
    "overtaking_logit",
    "log_sum_exp",
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


def log_sum_exp(logits: np.ndarray) -> float:
    """log Σ exp(z), shifted by the largest logit so that no exp overflows."""
    z = np.asarray(logits, np.float64)
    top = z.max()
    return float(top + np.log(np.exp(z - top).sum()))


def cross_entropy(logits: np.ndarray, label: int) -> float:
    """−log p of class ``label``, as log Σ exp(z) − z_label (no probability rounded to 0 first)."""
    return log_sum_exp(logits) - float(np.asarray(logits, np.float64)[label])


def output_error(logits: np.ndarray, label: int) -> np.ndarray:
    """∂C/∂z of the cross-entropy: the probabilities minus the one-hot label, p − y."""
    error = softmax_of(np.asarray(logits, np.float64))
    error[label] -= 1.0
    return error


def probability_against_logit(logits: np.ndarray, index: int, values: np.ndarray) -> np.ndarray:
    """p(``index``) when logit ``index`` is set to each of ``values``, the others kept."""
    z = np.asarray(logits, np.float64)
    others = np.delete(z, index)
    top = np.maximum(others.max(), np.asarray(values, np.float64))  # shift by the largest, as softmax_of does
    mine = np.exp(np.asarray(values, np.float64) - top)
    return mine / (mine + np.exp(others[None, :] - top[..., None]).sum(axis=-1))


def overtaking_logit(logits: np.ndarray, index: int) -> float:
    """Where logit ``index`` must rise past to become the argmax: the largest of the others."""
    return float(np.delete(np.asarray(logits, np.float64), index).max())


def argmax_against_logit(logits: np.ndarray, index: int, values: np.ndarray) -> np.ndarray:
    """1 where class ``index`` is the argmax with its logit set to each of ``values``, else 0 (ties go to the
    lower class, as numpy's and torch's argmax give them)."""
    z = np.asarray(logits, np.float64)
    values = np.asarray(values, np.float64)
    before, after = z[:index], z[index + 1 :]
    wins = np.ones(values.shape, bool)
    if len(before):
        wins &= values > before.max()
    if len(after):
        wins &= values >= after.max()
    return wins.astype(np.float64)
