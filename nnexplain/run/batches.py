"""Which training points each batch of an epoch held, read back from what the run recorded.

Training shuffles each epoch with ``torch.randperm`` on its own generator, and every snapshot
records that generator's state in its resume file (:mod:`nnexplain.train.resume`). The order
of the epoch after a snapshot is therefore drawn again, exactly, from the snapshot's state.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

__all__ = ["batch_order"]


def batch_order(run: Any, epoch: int) -> list[np.ndarray] | None:
    """The indices into the training set of each batch of ``epoch``, in the order training drew them; else None.

    Training shuffles each epoch with ``torch.randperm`` on its own generator, and the snapshot before
    ``epoch`` recorded that generator's state (``rng.generator``): drawing the same permutation from it
    gives the epoch's batches, exactly as the loop split them. Only for runs trained on the CPU without
    image shifts (which draw from the same generator between permutations), whose previous epoch is a
    snapshot with a resume file; otherwise None.
    """
    config = (run.manifest.get("config") or {}) if run is not None else {}
    items, size = (run.dataset or {}).get("train"), config.get("batch_size")
    if run.manifest.get("device") != "cpu" or config.get("augment_shift") or not items or size is None:
        return None
    if epoch - 1 not in run.epochs or not run.snapshot(epoch - 1).get("resume"):
        return None
    tensors, _ = run.resume_state(epoch - 1)
    generator = torch.Generator(device="cpu")
    generator.set_state(torch.from_numpy(np.asarray(tensors["rng.generator"], np.uint8)))
    order = torch.randperm(int(items), generator=generator).numpy()
    size = int(size) or int(items)  # 0: the whole training set at once
    return [order[start : start + size] for start in range(0, int(items), size)]
