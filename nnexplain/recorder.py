"""Record snapshots from any training loop, including a user's own.

    from nnexplain import Recorder

    recorder = Recorder(model, out="runs/mine", probe=(x_val[:32], y_val[:32]), activation="relu")
    recorder.snapshot(epoch=0)                       # the initialisation
    for epoch in range(1, 11):
        train_one_epoch(model)
        recorder.snapshot(epoch=epoch, metrics={"val_acc": evaluate(model)})
    recorder.finish()

``nnexplain train`` records through this same class, so a run written from a
user's loop cannot be told apart from one it trained. The model must be a plain
MLP: its state dict holds only Linear weights and biases, in order.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import numpy as np

from nnexplain import rundir
from nnexplain.errors import NnexplainError
from nnexplain.snapshot import snapshot_tensors
from nnexplain.weights import layer_sizes, mlp_params

__all__ = ["Recorder", "extend_probe"]

_ACTIVATION_MODULES = {"Sigmoid": "sigmoid", "Tanh": "tanh", "ReLU": "relu"}


def _numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _infer_activation(model: Any) -> str:
    if isinstance(getattr(model, "activation", None), str):
        return model.activation
    found = {_ACTIVATION_MODULES[type(m).__name__] for m in model.modules() if type(m).__name__ in _ACTIVATION_MODULES}
    if len(found) == 1:
        return found.pop()
    raise NnexplainError(
        "cannot tell the model's hidden activation from its modules; pass activation='sigmoid', 'tanh', 'relu' or 'identity'"
    )


def _probe_arrays(probe: Any, labels: Any) -> dict[str, np.ndarray]:
    if isinstance(probe, tuple) and labels is None:
        probe, labels = probe
    inputs = _numpy(probe).astype(np.float32)
    arrays = {"inputs": inputs.reshape(len(inputs), -1)}
    if labels is not None:
        arrays["labels"] = _numpy(labels)
    return arrays


def model_params(model: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    state = {name: _numpy(value) for name, value in model.state_dict().items()}
    return mlp_params(state, source=type(model).__name__)


class Recorder:
    """Writes a run directory: one :meth:`snapshot` per recorded epoch, then :meth:`finish`."""

    def __init__(
        self,
        model: Any,
        out: str | Path,
        probe: Any,
        labels: Any = None,
        *,
        activation: str | None = None,
        task: str = "classify",
        dataset: dict[str, Any] | None = None,
        recipe: str = "custom",
        config: dict[str, Any] | None = None,
        **fields: Any,
    ):
        self.model = model
        self.out = Path(out)
        self.probe = _probe_arrays(probe, labels)
        sizes = layer_sizes(model_params(model))
        if self.probe["inputs"].shape[1] != sizes[0]:
            raise NnexplainError(
                f"probe inputs have {self.probe['inputs'].shape[1]} features but the model's first layer takes {sizes[0]}"
            )
        import torch

        self.manifest = {
            "recipe": recipe,
            "config": dict(config or {}),
            "layers": sizes,
            "activation": activation or _infer_activation(model),
            "output": "softmax" if task == "classify" else "identity",
            "dataset": dict(dataset or {"name": "custom", "task": task}),
            "torch": torch.__version__.split("+")[0],
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "status": "training",
            **fields,
        }
        rundir.create_run(self.out, self.manifest, self.probe)

    def snapshot(self, epoch: int, metrics: dict[str, float] | None = None, **fields: Any) -> None:
        """Record the model as it is now, as the state after ``epoch`` epochs (0 = initialisation)."""
        tensors = snapshot_tensors(model_params(self.model), self.manifest, self.probe["inputs"])
        clean = {key: float(value) for key, value in (metrics or {}).items()}
        rundir.write_snapshot(self.out, epoch, tensors, clean, **fields)

    def finish(self, **fields: Any) -> None:
        """Mark the run complete; fields such as ``wall_seconds`` go into the manifest."""
        rundir.update_manifest(self.out, status="complete", **fields)


def extend_probe(run_dir: str | Path, extra: dict[str, np.ndarray]) -> None:
    """Append inputs (and labels) to a run's probe set and recompute every snapshot's probe arrays.

    Used to add the validation images the final network gets wrong, which are
    only known once training ends.
    """
    run = rundir.load_run(run_dir)
    probe = {key: np.concatenate([run.probe[key], np.asarray(extra[key], run.probe[key].dtype)]) for key in run.probe}
    for entry in run.snapshots:
        tensors = snapshot_tensors(run.params(entry["epoch"]), run.manifest, probe["inputs"])
        fields = {k: v for k, v in entry.items() if k not in ("epoch", "file", "metrics")}
        rundir.write_snapshot(run.path, entry["epoch"], tensors, entry["metrics"], **fields)
    rundir.replace_probe(run.path, probe)
