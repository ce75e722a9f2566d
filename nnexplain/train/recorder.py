"""Record snapshots from any training loop, including a user's own.

    import nnexplain

    with nnexplain.Recorder(model, out="runs/mine", probe=(x_val[:40], y_val[:40]), dataset="mnist") as recorder:
        recorder.snapshot(epoch=0)                       # the initialisation
        for epoch in range(1, 11):
            train_one_epoch(model)
            recorder.snapshot(epoch=epoch, metrics={"val_acc": evaluate(model)})

Inside an epoch, ``recorder.log_step(loss)`` after each optimiser step records the
step's loss, and ``recorder.log_epoch(epoch, metrics)`` the metrics of epochs with no
snapshot; each snapshot writes what was logged since the previous one
(:mod:`nnexplain.run.history`), so a run killed mid-training keeps it.

``nnexplain train`` records through this same class, so a run written from a
user's loop cannot be told apart from one it trained. The model is either the
torch module of a :class:`~nnexplain.run.network.Network` (``network.torch_module()``,
of any layer kinds), a plain MLP: its state dict holds only Linear weights and
biases, in order (an ``nn.Sequential`` of ``Linear`` and ``Sigmoid``/``Tanh``/``ReLU``
modules is), or a CNN as an ``nn.Sequential`` of ``Conv2d``, ``MaxPool2d``, ``Flatten``,
``Linear`` and activations (:mod:`~nnexplain.train.sequential`).
"""

from __future__ import annotations

import datetime as _dt
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from nnexplain.errors import NnexplainError
from nnexplain.run import create_run, update_manifest, write_mistakes, write_snapshot
from nnexplain.run.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, output_for_task
from nnexplain.run.contents import STANDARD_CONTENTS, Content
from nnexplain.run.history import HistoryLog
from nnexplain.run.network import Network, Params, module_key
from nnexplain.run.snapshot import snapshot_tensors
from nnexplain.run.weights import mlp_params, network_params
from nnexplain.train.sequential import SequentialLayout, sequential_layout

__all__ = ["Recorder"]

_ACTIVATION_MODULES = {ACTIVATIONS[name].torch_module_name: name for name in HIDDEN_ACTIVATIONS}
_OUTPUT_MODULES = {"Softmax", "LogSoftmax"}  # the output layer's; runs record softmax for classifiers anyway
TASKS = ("classify", "regress")


def _numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _losses(values: list[Any]) -> np.ndarray:
    """Logged step losses as float32, tensors converted in one transfer (kept as they are, NaN included:
    they go into a safetensors file, not the JSON manifest)."""
    if all(hasattr(value, "detach") for value in values):
        import torch

        return torch.stack([value.reshape(()) for value in values]).float().cpu().numpy()
    return np.array([float(_numpy(value).reshape(-1)[0]) for value in values], np.float32)


def _metric(name: str, value: Any) -> float | None:
    """One number; NaN and infinities are recorded as null (the manifest is strict JSON)."""
    array = _numpy(value)
    if array.size != 1:
        raise NnexplainError(f"metric {name!r} holds {array.size} values; a metric is one number")
    number = float(array.item())
    return number if math.isfinite(number) else None


def _infer_activation(model: Any, given: str | None) -> str:
    """The hidden activation: ``given``, or the model's; they must agree with its activation modules."""
    if isinstance(getattr(model, "activation", None), str):
        return given or model.activation
    found, unsupported = set(), set()
    for module in model.modules():
        name = type(module).__name__
        if name in _ACTIVATION_MODULES:
            found.add(name)
        elif type(module).__module__ == "torch.nn.modules.activation" and name not in _OUTPUT_MODULES:
            unsupported.add(name)
    if unsupported:
        raise NnexplainError(
            f"the model uses {', '.join(sorted(unsupported))}; "
            f"nnexplain records networks with {_either(_ACTIVATION_MODULES)} hidden layers"
        )
    if len(found) > 1:
        raise NnexplainError(f"the model mixes {' and '.join(sorted(found))}; a run has one hidden activation")
    inferred = _ACTIVATION_MODULES[found.pop()] if found else None
    if given and inferred and given != inferred:
        raise NnexplainError(f"activation={given!r} was given but the model's hidden layers use {inferred}")
    if given or inferred:
        return given or inferred
    choices = _either(repr(name) for name in ACTIVATIONS)
    raise NnexplainError(f"cannot tell the model's hidden activation from its modules; pass activation={choices}")


def _either(names) -> str:
    """The names joined as in "a, b or c"."""
    *others, last = names
    return f"{', '.join(others)} or {last}" if others else last


def _probe_arrays(probe: Any, labels: Any) -> tuple[dict[str, np.ndarray], tuple[int, ...]]:
    """The probe set as stored (inputs flattened to rows), and the shape of one input item."""
    if hasattr(probe, "tensors") and labels is None:  # a torch TensorDataset
        probe = tuple(probe.tensors)
    if isinstance(probe, tuple):
        if labels is not None or len(probe) != 2:
            raise NnexplainError("probe is a tuple: pass it as (inputs, labels), or pass the inputs alone with labels=")
        probe, labels = probe
    inputs = _numpy(probe)
    if inputs.ndim < 2 or len(inputs) == 0 or not np.issubdtype(inputs.dtype, np.number):
        raise NnexplainError(
            f"probe inputs have shape {inputs.shape}; expected numbers, one item per row (N × features)"
        )
    arrays = {"inputs": inputs.reshape(len(inputs), -1).astype(np.float32)}
    if labels is not None:
        labels = _numpy(labels)
        if len(labels) != len(inputs):
            raise NnexplainError(f"the probe has {len(inputs)} inputs but {len(labels)} labels")
        integer = np.issubdtype(labels.dtype, np.integer)
        arrays["labels"] = labels.astype(np.int64 if integer else np.float32)
    return arrays, tuple(int(n) for n in inputs.shape[1:])


def _describe_dataset(dataset: Any, task: str | None, item_shape: tuple[int, ...], outputs: int) -> dict[str, Any]:
    """The manifest's data set entry: a registered data set's own, else one made from the probe."""
    if isinstance(dataset, str):
        from nnexplain.data import load_dataset

        dataset = load_dataset(dataset)
    if hasattr(dataset, "describe"):
        dataset = dataset.describe()
    task = task or (dataset or {}).get("task") or "classify"
    if task not in TASKS:
        raise NnexplainError(f"unknown task {task!r}; choose classify or regress")
    made = {
        "name": "custom",
        "task": task,
        "train": None,
        "val": None,
        "input_shape": list(item_shape),
        "classes": [str(c) for c in range(outputs)] if task == "classify" else [],
        "source": "",
    }
    return {**made, **(dataset or {}), "task": task}


def model_params(model: Any) -> Params:
    """The parameters of every layer of ``model``: a network's torch module, or a plain MLP of Linear layers."""
    if not hasattr(model, "state_dict"):
        raise NnexplainError(f"the model is a {type(model).__name__}; Recorder needs a torch.nn.Module")
    state = {name: _numpy(value) for name, value in model.state_dict().items()}
    network = _built_network(model)
    if network is not None:
        return network_params(network, state, type(model).__name__, module_key)
    return mlp_params(state, source=type(model).__name__)


def _built_network(model: Any) -> Network | None:
    """The network whose :meth:`~nnexplain.run.network.Network.torch_module` ``model`` is, if it is one."""
    network = getattr(model, "network", None)
    return network if isinstance(network, Network) else None


def model_network(model: Any, activation: str | None, task: str) -> Network:
    """The network ``model`` computes, with the hidden activation given or read from it, and the task's output."""
    params = model_params(model)
    activation = _infer_activation(model, activation)
    if activation not in ACTIVATIONS:
        raise NnexplainError(f"unknown activation {activation!r}; choose one of: {', '.join(ACTIVATIONS)}")
    built = _built_network(model)
    if built is not None:
        if activation != built.activation:
            raise NnexplainError(f"activation={activation!r} was given but the model's network uses {built.activation}")
        return built.with_output(output_for_task(task))
    return Network.from_params(params, activation, output_for_task(task))


def _sequential_cnn(model: Any, item_shape: tuple[int, ...], dataset: Any, task: str | None) -> SequentialLayout | None:
    """A user's ``nn.Sequential`` CNN (:mod:`~nnexplain.train.sequential`) on the probe's images, else None."""
    shape = item_shape
    if len(shape) < 2:  # flat probe rows: the data set's images say the shape
        shape = tuple(_describe_dataset(dataset, task, item_shape, 0).get("input_shape") or item_shape)
    shape = (1, *shape) if len(shape) == 2 else tuple(shape)
    return sequential_layout(model, shape, output_for_task(task or "classify"))


def _check_fits(sizes: list[int], dataset: dict[str, Any], probe: dict[str, np.ndarray]) -> None:
    features, name = probe["inputs"].shape[1], dataset["name"]
    if features != sizes[0]:
        raise NnexplainError(f"probe inputs have {features} features but the model's first layer takes {sizes[0]}")
    if int(np.prod(dataset["input_shape"])) != sizes[0]:
        raise NnexplainError(
            f"data set {name!r} has inputs of shape {dataset['input_shape']} but the model takes {sizes[0]}"
        )
    if dataset["task"] != "classify":
        return
    if len(dataset["classes"]) != sizes[-1]:
        raise NnexplainError(
            f"data set {name!r} has {len(dataset['classes'])} classes but the model gives {sizes[-1]} outputs"
        )
    labels = probe.get("labels")
    if labels is not None and (
        labels.dtype != np.int64 or labels.ndim != 1 or not 0 <= labels.min() <= labels.max() < sizes[-1]
    ):
        raise NnexplainError(
            f"a classifier's probe labels must be class indices from 0 to {sizes[-1] - 1}, one per input"
        )


class Recorder:
    """Writes a run directory: one :meth:`snapshot` per recorded epoch, then :meth:`finish`.

    ``probe``: the inputs whose activations every snapshot records (torch or numpy,
    one item per row; images may keep their shape), or an ``(inputs, labels)`` tuple.
    ``dataset``: a registered data set's name (``"mnist"``), a :class:`~nnexplain.data.Dataset`,
    a dict, or None to describe one from the probe. ``activation`` is read from the
    model's modules when not given. ``contents``: what each snapshot records beyond
    weights and probe activations (:data:`~nnexplain.run.contents.STANDARD_CONTENTS`:
    warps of 2-D input planes, curves of 1-D regressions). Used as a context manager,
    it finishes the run when the block ends without an error.
    """

    def __init__(
        self,
        model: Any,
        out: str | Path,
        probe: Any,
        labels: Any = None,
        *,
        activation: str | None = None,
        task: str | None = None,
        dataset: Any = None,
        recipe: str = "custom",
        config: dict[str, Any] | None = None,
        seed: int | None = None,
        device: str | None = None,
        contents: tuple[Content, ...] = STANDARD_CONTENTS,
        loss_every: int = 1,
        **fields: Any,
    ):
        import torch

        self.model = model
        self.out = Path(out)
        self.contents = tuple(contents)
        self.probe, item_shape = _probe_arrays(probe, labels)
        self._layout = _sequential_cnn(model, item_shape, dataset, task)
        network = self._layout.network if self._layout else model_network(model, activation, task or "classify")
        if self._layout and activation not in (None, network.activation):
            raise NnexplainError(f"activation={activation!r} was given but the model's layers use {network.activation}")
        sizes = network.widths
        description = _describe_dataset(dataset, task, item_shape, sizes[-1])
        network = network.with_output(output_for_task(description["task"]))
        _check_fits(sizes, description, self.probe)
        parameter = next(iter(model.parameters()))
        self.manifest = {
            "recipe": recipe,
            "config": dict(config or {}),
            **network.manifest_entries(),
            "dataset": description,
            "torch": torch.__version__.split("+")[0],
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "status": "training",
            "seed": torch.initial_seed() if seed is None else seed,
            "device": device or parameter.device.type,
            "step_loss_every": int(loss_every),
            **fields,
        }
        self.history = HistoryLog(every=loss_every)
        self._started = time.perf_counter()
        self.epochs: list[int] = []  # recorded so far
        create_run(self.out, self.manifest, self.probe)

    @classmethod
    def reopen(cls, model: Any, run: Any, contents: tuple[Content, ...] = STANDARD_CONTENTS) -> "Recorder":
        """Go on recording a partial ``run`` (:class:`~nnexplain.run.Run`) after its last snapshot, whose
        weights ``model`` holds: how ``train --resume`` continues a killed training."""
        network = model_network(model, run.activation, run.dataset["task"])
        if network != run.network:
            raise NnexplainError(f"the model's layers {network.widths} are not the run's {run.layers}")
        recorder = cls.__new__(cls)
        recorder.model, recorder.out, recorder.contents = model, Path(run.path), tuple(contents)
        recorder._layout = None  # train --resume records the network's own module
        recorder.probe = dict(run.probe_file)
        recorder.manifest = dict(run.manifest)
        last = run.snapshot()
        every = run.manifest.get("step_loss_every", 1)
        recorder.history = HistoryLog(every=every, steps_done=last.get("step") or 0, last_epoch=last["epoch"])
        recorder._started = time.perf_counter()
        recorder.epochs = list(run.epochs)
        update_manifest(recorder.out, resumed_from=[*run.manifest.get("resumed_from", []), last["epoch"]])
        return recorder

    def _params(self) -> Params:
        if self._layout is None:
            return model_params(self.model)
        state = {name: _numpy(value) for name, value in self.model.state_dict().items()}
        return network_params(self._layout.network, state, type(self.model).__name__, self._layout.key)

    def snapshot(
        self,
        epoch: int,
        metrics: dict[str, Any] | None = None,
        step: int | None = None,
        resume: tuple[dict[str, np.ndarray], dict[str, Any]] | None = None,
        step_params: list[Params] | None = None,
        **fields: Any,
    ) -> None:
        """Record the model as it is now, as the state after ``epoch`` epochs (0 = initialisation).

        ``metrics`` values may be floats or one-element tensors; ``step`` is the
        number of optimiser steps so far (by default, the steps logged with :meth:`log_step`,
        when there were any). The steps and epochs logged since the previous snapshot
        are written beside it, and so is ``resume``, what training needs to go on from
        here (:func:`nnexplain.train.resume.training_state`). ``step_params``: the parameters after each
        optimiser step of this epoch, in order (:meth:`nnexplain.run.Run.step_params` reads them back).
        """
        steps = None
        if step_params:
            network = (
                self._layout.network
                if self._layout
                else model_network(self.model, None, self.manifest["dataset"]["task"])
            )
            each = [network.arrays_of_params(params) for params in step_params]
            steps = {name: np.stack([arrays[name] for arrays in each]) for name in each[0]}
        tensors = snapshot_tensors(self._params(), self.manifest, self.probe["inputs"], self.contents)
        clean = {key: _metric(key, value) for key, value in (metrics or {}).items()}
        self.history.epoch(epoch, clean)
        if step is None and self.history.steps_done:
            step = self.history.steps_done
        history = self.history.part(_losses)
        write_snapshot(
            self.out, int(epoch), tensors, clean, history=history, resume=resume, steps=steps, step=step, **fields
        )
        self.history.clear()
        self.epochs.append(int(epoch))

    def log_step(self, loss: Any) -> None:
        """Record the loss of one optimiser step (a float or a one-element tensor; it is read at the next snapshot)."""
        self.history.step(loss.detach() if hasattr(loss, "detach") else loss)

    def log_epoch(self, epoch: int, metrics: dict[str, Any]) -> None:
        """Record the metrics of a finished epoch that gets no snapshot; the next snapshot writes them."""
        self.history.epoch(epoch, {key: _metric(key, value) for key, value in metrics.items()})

    def record_mistakes(self, inputs: Any, labels: Any) -> None:
        """Record, once and at the end, validation items the final network gets wrong.

        Scenes show them after the probe items; their activations at every snapshot
        are computed from that snapshot's weights when the run is read.
        """
        if len(_numpy(inputs)) == 0:
            return
        arrays, _ = _probe_arrays(inputs, labels)
        write_mistakes(self.out, arrays)

    def finish(self, status: str = "complete", **fields: Any) -> None:
        """Mark the run complete (or ``diverged``); fields such as ``wall_seconds`` go into the manifest."""
        fields.setdefault("wall_seconds", round(time.perf_counter() - self._started, 3))
        update_manifest(self.out, status=status, **fields)

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        if error_type is None:
            self.finish()
