"""The application computes a run's loss landscape once and stores it in the run; scenes only read it.

``nnexplain landscape RUN`` calls :func:`ensure_landscape`, and so does
:func:`nnexplain.app.runs.prepare_runs` for a scene whose catalog entry says
``needs_landscape`` (``descent``), before the scene is built. The run's training
data is loaded as training loaded it (its recipe's data set, options and data
directory), so the landscape is the training loss.
"""

from __future__ import annotations

import numpy as np

from nnexplain.data import LOADERS, Dataset, load_dataset
from nnexplain.errors import RunError
from nnexplain.run import Run, load_run
from nnexplain.run.landscape import has_landscape, landscape_current, landscape_refusal, write_landscape

__all__ = ["compute_landscape", "ensure_landscape", "training_data"]

PICTURE_LR = 0.1  # the step size of the opening's pictures for a run that records none (the scene says so)


def training_data(run: Run) -> Dataset:
    """The data set ``run`` trained on, loaded again; a one-line :class:`RunError` when nnexplain cannot."""
    config = run.manifest.get("config") or {}
    name = config.get("dataset") or run.dataset.get("name")
    if name not in LOADERS:
        raise RunError(
            f"run {run.path} trained on data set {name!r}, which nnexplain cannot load again; "
            "its loss landscape needs the training data (built in: " + ", ".join(LOADERS) + ")"
        )
    dataset = load_dataset(name, config.get("data_dir"), **(config.get("dataset_options") or {}))
    if run.dataset.get("train") not in (None, len(dataset.x_train)):
        raise RunError(
            f"run {run.path} trained on {run.dataset['train']} examples of {name!r}, but loading it again gives "
            f"{len(dataset.x_train)}; its landscape would not be its training loss"
        )
    return dataset


def compute_landscape(run: Run) -> tuple[dict, dict]:
    """The arrays and facts of ``run``'s landscape, computed (not stored)."""
    reason = landscape_refusal(run.manifest)
    if reason:
        raise RunError(f"run {run.path} {reason}")
    from nnexplain.geometry.descent import descent_arrays

    dataset = training_data(run)
    snapshots = [run.params(epoch) for epoch in run.epochs]
    config = run.manifest.get("config") or {}
    arrays, info = descent_arrays(
        snapshots,
        run.epochs,
        run.activation,
        run.output,
        dataset.x_train,
        np.asarray(dataset.y_train),
        int(config.get("batch_size") or 0),
        float(config.get("lr") or PICTURE_LR),
    )
    info["lr"] = config.get("lr")
    info["trained_batch_size"] = config.get("batch_size")
    return arrays, info


def ensure_landscape(run: Run) -> Run:
    """``run`` with its landscape stored, computing it first when it has none."""
    if has_landscape(run) and landscape_current(run):
        return run
    arrays, info = compute_landscape(run)
    stored = load_run(run.path)
    if has_landscape(stored) and landscape_current(
        stored
    ):  # another process (a parallel render) stored it while this one computed
        return stored
    return write_landscape(run, arrays, info)
