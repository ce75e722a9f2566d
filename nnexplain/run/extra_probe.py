"""A run seen with more probe inputs than it recorded: a user's own digit, run through its weights.

:class:`RunWithExtraProbe` is the run as loaded, with extra items appended to :attr:`Run.probe`
(after the recorded mistakes, so every recorded item keeps its index) and their activations
appended to :meth:`Run.tensors`, computed from each snapshot's stored weights, exactly as the
mistakes' are. Nothing is written into the run directory. An extra item whose label is not
known has the label :data:`NO_LABEL`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from nnexplain.errors import RunError
from nnexplain.run.directory import Run
from nnexplain.run.snapshot import probe_activations

__all__ = ["RunWithExtraProbe", "NO_LABEL"]

NO_LABEL = -1  # the label of an extra item nobody labelled (your own digit, unless you say which it is)


@dataclass(frozen=True, eq=False)
class RunWithExtraProbe(Run):
    extra_inputs: np.ndarray = None  # (items, inputs), in the probe's own scale
    extra_labels: np.ndarray | None = None  # (items,) class indices or NO_LABEL; None when the run has no labels

    def __post_init__(self) -> None:
        inputs = self.manifest["layers"][0]
        if self.extra_inputs is None or self.extra_inputs.ndim != 2 or self.extra_inputs.shape[1] != inputs:
            shape = None if self.extra_inputs is None else self.extra_inputs.shape
            raise RunError(f"run {self.path} reads {inputs} inputs per item; the extra probe items are {shape}")

    @cached_property
    def probe(self) -> dict[str, np.ndarray]:
        """The run's probe (and mistakes), then the extra items."""
        probe = Run.probe.func(self)
        joined = {"inputs": np.concatenate([probe["inputs"], self.extra_inputs.astype(probe["inputs"].dtype)])}
        if "labels" in probe:
            labels = self.extra_labels
            if labels is None:
                labels = np.full(len(self.extra_inputs), NO_LABEL)
            joined["labels"] = np.concatenate([probe["labels"], labels.astype(probe["labels"].dtype)])
        return joined

    @cached_property
    def recorded(self) -> Run:
        """The run as recorded, without the extra items (their indices are the same in both)."""
        return Run(self.path, self.manifest)

    @property
    def extra_indices(self) -> list[int]:
        """Where the extra items are in :attr:`probe`."""
        total = len(self.probe["inputs"])
        return list(range(total - len(self.extra_inputs), total))

    def tensors(self, epoch: int | None = None) -> dict[str, np.ndarray]:
        """The snapshot's arrays; ``pre.i``/``act.i`` with the extra items' rows, from this snapshot's weights."""
        recorded = super().tensors(epoch)
        file = self.snapshot(epoch)["file"]
        cache = self.__dict__.setdefault("_extra_cache", {})
        if file not in cache:
            if "pre.0" not in recorded:
                cache[file] = recorded
            else:
                extra = probe_activations(self.network, self.params(epoch), self.extra_inputs.astype(np.float32))
                cache[file] = {**recorded, **{key: np.concatenate([recorded[key], extra[key]]) for key in extra}}
        return cache[file]
