"""Train a recipe with torch and record it into a run directory.

One explicit loop: the whole data set sits on the device, each epoch is a fresh
permutation cut into mini-batches, and a :class:`~nnexplain.train.recorder.Recorder`
takes a snapshot on the epochs :func:`~nnexplain.run.schedule.snapshot_epochs` picks,
and logs the loss of every step and the metrics of every epoch in between.
When training ends, the validation items the final network gets wrong are recorded
once, beside the probe set.

Each snapshot also records what the loop needs to go on from it (optimiser, schedule,
random generator: :mod:`~nnexplain.train.resume`), so :func:`resume` continues a killed
training from its last snapshot into the run the uninterrupted loop would have written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from nnexplain.data import Dataset, load_dataset
from nnexplain.errors import NnexplainError
from nnexplain.run import Run, load_run
from nnexplain.run.activations import output_for_task
from nnexplain.run.checks import MAX_ABS_WEIGHT
from nnexplain.run.directory import discard_unrecorded
from nnexplain.run.layers import LayerSpecError
from nnexplain.run.network import Network, input_shape_for
from nnexplain.run.schedule import snapshot_epochs
from nnexplain.train.probe import mistake_indices, probe_indices
from nnexplain.train.recipes import TrainConfig
from nnexplain.train.recorder import Recorder
from nnexplain.train.resume import recorded_config, restore_training_state, training_state

__all__ = ["train", "resume", "resumable_config", "resolve_device", "EpochReport"]


@dataclass(frozen=True)
class EpochReport:
    epoch: int
    epochs: int
    metrics: dict[str, float]


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise NnexplainError("--device cuda was asked for but no CUDA device is available; use --device cpu or auto")
    if name not in ("cpu", "cuda"):
        raise NnexplainError(f"unknown device {name!r}; choose auto, cpu or cuda")
    return torch.device(name)


def _shift_images(
    images: torch.Tensor, shape: tuple[int, ...], max_shift: int, generator: torch.Generator
) -> torch.Tensor:
    """Move each image by its own random offset of up to ``max_shift`` pixels (zero padded)."""
    n, (height, width) = len(images), shape
    padded = F.pad(images.view(n, height, width), (max_shift,) * 4)
    dy, dx = torch.randint(0, 2 * max_shift + 1, (2, n, 1), generator=generator, device=images.device)
    rows = (dy + torch.arange(height, device=images.device))[:, :, None]
    cols = (dx + torch.arange(width, device=images.device))[:, None, :]
    return padded[torch.arange(n, device=images.device)[:, None, None], rows, cols].reshape(n, -1)


def _loss(task: str, outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(outputs, targets) if task == "classify" else F.mse_loss(outputs, targets)


@torch.no_grad()
def _evaluate(model: torch.nn.Module, task: str, x: torch.Tensor, y: torch.Tensor, prefix: str) -> dict[str, float]:
    outputs = model(x)
    metrics = {f"{prefix}_loss": float(_loss(task, outputs, y))}
    if task == "classify":
        metrics[f"{prefix}_acc"] = float((outputs.argmax(1) == y).float().mean())
    else:
        metrics[f"{prefix}_max_error"] = float((outputs - y).abs().max())
    return metrics


def _optimizer(config: TrainConfig, model: torch.nn.Module, steps: int):
    if config.optimizer == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    elif config.optimizer == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=0.9, nesterov=True)
    else:
        raise NnexplainError(f"unknown optimizer {config.optimizer!r}; choose sgd or adam")
    if config.schedule == "onecycle":
        scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config.lr, total_steps=max(steps, 1))
    elif config.schedule == "constant":
        scheduler = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0)
    else:
        raise NnexplainError(f"unknown schedule {config.schedule!r}; choose onecycle or constant")
    return optimizer, scheduler


def train(
    config: TrainConfig,
    out: str | Path,
    on_epoch: Callable[[EpochReport], None] | None = None,
    dataset: Dataset | None = None,
) -> Path:
    """Train ``config`` and write its run directory to ``out``; returns ``out``."""
    device = resolve_device(config.device)
    dataset = dataset or load_dataset(config.dataset, config.data_dir, **config.dataset_options)
    return _single_threaded(device, lambda: _train(config, out, on_epoch, dataset, device))


def resume(
    out: str | Path, on_epoch: Callable[[EpochReport], None] | None = None, dataset: Dataset | None = None
) -> Path:
    """Go on training the partial run in ``out`` from its last snapshot, as if it had never stopped.

    The configuration, device and data set are the run's own; the optimiser, schedule and
    random generators come back from the snapshot's resume file (:mod:`nnexplain.train.resume`).
    What the stopped process wrote after its last manifest is removed first. The caller holds
    the run's lock. Raises :class:`NnexplainError` for a run that cannot go on.
    """
    run = load_run(out)
    config = resumable_config(run)
    discard_unrecorded(out)
    device = resolve_device(run.manifest["device"])
    try:
        dataset = dataset or load_dataset(config.dataset, config.data_dir, **config.dataset_options)
    except TypeError:  # options its data set does not take
        raise NnexplainError(
            f"{out}: its recorded data set options {config.dataset_options} are not {config.dataset!r}'s; it cannot go on"
        ) from None
    chosen = probe_indices(dataset, config.probe_per_class)
    picked = np.asarray(dataset.x_val[chosen], np.float32).reshape(len(chosen), -1)
    if picked.shape != run.probe_file["inputs"].shape or not np.array_equal(picked, run.probe_file["inputs"]):
        raise NnexplainError(
            f"{out} was trained on other data than {config.dataset!r} gives now (its probe differs); it cannot go on"
        )
    return _single_threaded(device, lambda: _train(config, out, on_epoch, dataset, device, start=run))


def resumable_config(run: Run) -> TrainConfig:
    """The configuration a partial run trained with, once it is clear the run can go on; else one line why not."""
    where, status = run.path, run.manifest["status"]
    if status == "diverged":
        raise NnexplainError(
            f"{where} diverged (at epoch {run.manifest['diverged_at']['epoch']}); going on would diverge again: retrain it with a smaller --lr (--overwrite)"
        )
    if status != "training":
        raise NnexplainError(f"{where} is {status}, not a training that was stopped; there is nothing to resume")
    if not run.snapshots:
        raise NnexplainError(
            f"{where} was stopped before its first snapshot; there is nothing to resume from: train it again (--overwrite)"
        )
    if not run.snapshot().get("resume"):
        raise NnexplainError(
            f"{where} recorded no resume state (an older nnexplain, or your own loop, wrote it); it cannot go on"
        )
    return recorded_config(run.manifest.get("config"), str(where))


def _single_threaded(device: torch.device, work: Callable[[], Path]) -> Path:
    threads = torch.get_num_threads()
    if device.type == "cpu":
        # These networks are tiny: a second thread only adds synchronisation, and on a
        # busy machine it made training 3-30x slower (benchmarks/training.py).
        torch.set_num_threads(1)
    try:
        return work()
    finally:
        torch.set_num_threads(threads)


def _train(
    config: TrainConfig, out: str | Path, on_epoch, dataset: Dataset, device: torch.device, start: Run | None = None
) -> Path:
    torch.manual_seed(config.seed)
    generator = torch.Generator(device=device).manual_seed(config.seed)
    to_device = lambda a: torch.from_numpy(np.ascontiguousarray(a)).to(device)  # noqa: E731
    x_train, y_train = to_device(dataset.x_train), to_device(dataset.y_train)
    x_val, y_val = to_device(dataset.x_val), to_device(dataset.y_val)

    sizes = [
        dataset.input_size,
        *config.hidden,
        len(dataset.classes) if dataset.task == "classify" else y_train.shape[1],
    ]
    model = training_network(config, dataset, sizes[-1]).torch_module().to(device)
    batch_size = config.batch_size or len(x_train)
    batches_per_epoch = -(-len(x_train) // batch_size)
    optimizer, scheduler = _optimizer(config, model, config.epochs * batches_per_epoch)

    probe = probe_indices(dataset, config.probe_per_class)
    elapsed = 0.0
    if start is None:
        recorder = Recorder(
            model,
            out,
            probe=(dataset.x_val[probe], dataset.y_val[probe]),
            activation=config.activation,
            task=dataset.task,
            dataset=dataset.describe(),
            recipe=config.recipe,
            config=config.to_dict(),
            seed=config.seed,
            device=device.type,
        )
    else:  # the state at the end of the last snapshot's epoch, as the uninterrupted run had it
        model.load_params(start.params())
        tensors, facts = start.resume_state()
        elapsed = restore_training_state(
            tensors, facts, optimizer, scheduler, generator, f"run file {start.path / start.snapshot()['resume']}"
        )
        recorder = Recorder.reopen(model, start)
    step_weights = {epoch for epoch in config.step_weights if 0 < epoch <= config.epochs}
    record_at = set(snapshot_epochs(config.epochs, config.max_snapshots)) | step_weights
    each_step: list = []  # the weights after each step of an epoch in step_weights
    started = time.perf_counter()

    def finish_epoch(epoch: int, train_metrics: dict[str, float]) -> None:
        if not all(torch.isfinite(parameter).all() for parameter in model.parameters()):
            _diverged(recorder, config, epoch, epoch * batches_per_epoch, "a weight became NaN or infinite")
        largest = max(float(parameter.detach().abs().max()) for parameter in model.parameters())
        if largest > MAX_ABS_WEIGHT:  # no scene could draw this snapshot: the run has failed, and says so now
            _diverged(
                recorder,
                config,
                epoch,
                epoch * batches_per_epoch,
                f"a weight reached magnitude {largest:.3g}, beyond the ±{MAX_ABS_WEIGHT:g} nnexplain can draw",
            )
        model.eval()
        metrics = {**train_metrics, **_evaluate(model, dataset.task, x_val, y_val, "val")}
        model.train()
        recorder.log_epoch(epoch, metrics)
        if epoch in record_at:
            state = training_state(optimizer, scheduler, generator, elapsed + time.perf_counter() - started)
            recorder.snapshot(
                epoch, metrics, step=epoch * batches_per_epoch, resume=state, step_params=each_step or None
            )
        each_step.clear()
        if on_epoch:
            on_epoch(EpochReport(epoch, config.epochs, metrics))

    if start is None:
        finish_epoch(0, _evaluate(model, dataset.task, x_train, y_train, "train"))
    for epoch in range((start.epochs[-1] if start else 0) + 1, config.epochs + 1):
        order = torch.randperm(len(x_train), generator=generator, device=device)
        for number, start_index in enumerate(range(0, len(x_train), batch_size), start=1):
            batch = order[start_index : start_index + batch_size]
            inputs = x_train[batch]
            if config.augment_shift:
                inputs = _shift_images(inputs, dataset.input_shape, config.augment_shift, generator)
            loss = _loss(dataset.task, model(inputs), y_train[batch])
            if not torch.isfinite(loss):  # stop at the first bad step; the snapshots so far stay
                _diverged(
                    recorder, config, epoch, (epoch - 1) * batches_per_epoch + number, f"the loss became {loss.item()}"
                )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            recorder.log_step(loss)
            if epoch in step_weights:
                each_step.append(model.numpy_params())
        finish_epoch(epoch, _evaluate(model, dataset.task, x_train, y_train, "train"))

    if dataset.task == "classify" and not (start and "mistakes" in start.manifest):  # a run stopped after them has them
        with torch.no_grad():
            wrong = mistake_indices(dataset, model(x_val).argmax(1).cpu().numpy(), probe)
        recorder.record_mistakes(dataset.x_val[wrong], dataset.y_val[wrong])
    recorder.finish(wall_seconds=round(elapsed + time.perf_counter() - started, 3))
    return Path(out)


def training_network(config: TrainConfig, dataset: Dataset, outputs: int) -> Network:
    """The network ``config`` trains: its ``network`` entries (or dense ``hidden`` layers), then a dense output layer."""
    output = output_for_task(dataset.task)
    if not config.network:
        return Network.mlp([dataset.input_size, *config.hidden, outputs], config.activation, output)
    specs = [*config.network, {"kind": "dense", "units": outputs}]
    shape = input_shape_for(specs, dataset.input_size, dataset.input_shape)
    try:
        return Network.from_specs(shape, specs, config.activation, output)
    except LayerSpecError as error:
        raise NnexplainError(f"recipe {config.recipe!r}: {error.key}: {error.message}") from None


def _diverged(recorder: Recorder, config: TrainConfig, epoch: int, step: int, what: str) -> None:
    """Mark the run as diverged (its snapshots so far stay readable) and stop with one line."""
    recorder.finish(status="diverged", diverged_at={"epoch": epoch, "step": step})
    raise NnexplainError(
        f"training diverged at epoch {epoch}, step {step}: {what}; the {len(recorder.epochs)} snapshots before it "
        f"are kept in {recorder.out}. Try a smaller --lr (it was {config.lr:g})"
    )
