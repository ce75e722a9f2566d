"""What training needs to go on from a snapshot, recorded with it, and put back.

A snapshot's weights are not enough to continue a training as if it had never
stopped: the optimiser keeps state (Adam's moment estimates and step count, SGD's
momentum), the learning-rate schedule knows where it is, and the random generator
that shuffles the batches (and shifts the images) has moved on. Each snapshot that
``nnexplain train`` records also writes them to ``resume/epoch-NNNNN.safetensors``:

    optimizer.I.NAME   each tensor of the optimiser's state for parameter I (exp_avg, step, momentum_buffer, ...)
    rng.generator      the state of the generator of batch orders and image shifts (uint8)
    rng.torch          torch's global CPU generator (uint8)

and, as JSON in the file's header (``resume``), the optimiser's parameter groups and
other scalars, the scheduler's state and the seconds trained so far. The file is
written before the snapshot's manifest entry, like the snapshot's own tensors, and is
covered by its checksum.

Restored on the same device, training goes on bit for bit as it would have: on the CPU
the resumed run's weights equal the uninterrupted run's (the tests compare them). On a
GPU the same holds as far as its kernels are deterministic, which CUDA does not promise
for every operation; resuming on another device than the one a run trained on is refused.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nnexplain.errors import RunError
from nnexplain.run.activations import ALL_ACTIVATIONS
from nnexplain.train.recipes import MAX_EPOCHS, MAX_SEED, TrainConfig

__all__ = ["training_state", "restore_training_state", "recorded_config", "RESUME_FORMAT"]

RESUME_FORMAT = 1
_PARAMETER_SHAPED = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer")
_SCALARS = ("step",)


class _Facts(BaseModel):
    """The JSON half of a resume file, checked before any of it reaches torch."""

    model_config = ConfigDict(strict=True, extra="forbid")
    format: int = Field(ge=RESUME_FORMAT, le=RESUME_FORMAT)
    optimizer: str
    param_groups: list[dict[str, Any]] = Field(min_length=1, max_length=1)
    scheduler: dict[str, Any]
    elapsed: float = Field(ge=0, allow_inf_nan=False)


class _Config(BaseModel):
    """A recorded :class:`~nnexplain.train.recipes.TrainConfig`, checked before training goes on with it."""

    model_config = ConfigDict(strict=True, extra="forbid")
    recipe: str
    dataset: str
    hidden: list[Annotated[int, Field(ge=1, le=100_000)]] = Field(max_length=100)
    activation: Literal[ALL_ACTIVATIONS]
    epochs: int = Field(ge=1, le=MAX_EPOCHS)
    lr: float = Field(gt=0, allow_inf_nan=False)
    batch_size: int = Field(ge=0, le=1_000_000)
    optimizer: Literal["sgd", "adam"]
    schedule: Literal["onecycle", "constant"]
    augment_shift: int = Field(ge=0, le=27)
    seed: int = Field(ge=0, le=MAX_SEED)
    device: str
    data_dir: str | None
    max_snapshots: int = Field(ge=1, le=100_000)
    probe_per_class: int = Field(ge=1, le=10_000)
    dataset_options: dict[str, Any]
    network: list[dict[str, Any]] = Field(default=[], max_length=100)  # absent from runs recorded before it existed
    step_weights: list[Annotated[int, Field(ge=1, le=MAX_EPOCHS)]] = Field(default=[], max_length=1_000)  # absent: none


def recorded_config(config: Any, where: str) -> TrainConfig:
    """The training configuration a run recorded, checked field by field; one-line :class:`RunError` if it is not one."""
    try:
        checked = _Config.model_validate(config)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise RunError(
            f"{where}: its recorded training config is not one this nnexplain trains ({'.'.join(map(str, first['loc']))}: {first['msg']}); it cannot go on"
        ) from None
    return TrainConfig(
        **{
            **checked.model_dump(),
            "hidden": tuple(checked.hidden),
            "network": tuple(checked.network),
            "step_weights": tuple(checked.step_weights),
        }
    )


def training_state(
    optimizer: torch.optim.Optimizer, scheduler: Any, generator: torch.Generator, elapsed: float
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The tensors and JSON facts of a resume file, taken now (at the end of an epoch)."""
    state = optimizer.state_dict()
    tensors: dict[str, np.ndarray] = {}
    for index, values in state["state"].items():
        for key, value in values.items():
            if not torch.is_tensor(value):
                raise RunError(
                    f"the optimiser keeps {key!r} as a {type(value).__name__}; nnexplain records tensors only"
                )
            tensors[f"optimizer.{index}.{key}"] = value.detach().cpu().numpy()
    tensors["rng.generator"] = generator.get_state().numpy()
    tensors["rng.torch"] = torch.get_rng_state().numpy()
    facts = {
        "format": RESUME_FORMAT,
        "optimizer": type(optimizer).__name__,
        "param_groups": [
            {key: list(value) if isinstance(value, tuple) else value for key, value in group.items()}
            for group in state["param_groups"]
        ],
        "scheduler": scheduler.state_dict(),
        "elapsed": round(float(elapsed), 3),
    }
    return tensors, facts


def restore_training_state(
    tensors: dict[str, np.ndarray],
    facts: Any,
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
    generator: torch.Generator,
    where: str,
) -> float:
    """Put a resume file's state into a freshly built optimiser, scheduler and generator; returns the
    seconds trained before. Anything that does not fit them is a one-line :class:`RunError`."""
    try:
        checked = _Facts.model_validate(facts)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise RunError(
            f"{where} is corrupt: {'.'.join(map(str, first['loc']))}: {first['msg']}; retrain the run"
        ) from None
    if checked.optimizer != type(optimizer).__name__:
        raise RunError(
            f"{where} holds the state of {checked.optimizer}, but the run's recipe trains with {type(optimizer).__name__}"
        )
    parameters = [p for group in optimizer.param_groups for p in group["params"]]
    state: dict[int, dict[str, torch.Tensor]] = {}
    for name, value in tensors.items():
        if name in ("rng.generator", "rng.torch"):
            continue
        _, index, key = (name.split(".", 2) + ["", ""])[:3]
        if not index.isdigit() or int(index) >= len(parameters) or key not in (*_PARAMETER_SHAPED, *_SCALARS):
            raise RunError(f"{where} is corrupt: it holds {name!r}, which is no state of this run's optimiser")
        shape = () if key in _SCALARS else tuple(parameters[int(index)].shape)
        if value.dtype != np.float32 or value.shape != shape or not np.all(np.isfinite(value)):
            raise RunError(f"{where} is corrupt: {name!r} is {value.dtype} {value.shape}, not finite float32 {shape}")
        state.setdefault(int(index), {})[key] = torch.from_numpy(value.copy())
    fresh = optimizer.state_dict()["param_groups"]
    groups = [
        {key: tuple(value) if isinstance(fresh[0].get(key), tuple) else value for key, value in group.items()}
        for group in checked.param_groups
    ]
    for what, recorded, built in (
        ("optimizer", groups, fresh),
        ("scheduler", checked.scheduler, scheduler.state_dict()),
    ):
        problem = _unlike(recorded, built)
        if problem:
            raise RunError(f"{where} does not fit this run's {what} ({problem}); retrain the run")
    try:
        optimizer.load_state_dict({"state": state, "param_groups": groups})
        scheduler.load_state_dict(checked.scheduler)
        generator.set_state(_byte_state(tensors, "rng.generator"))
        torch.set_rng_state(_byte_state(tensors, "rng.torch"))
        _check_learning_rates(optimizer)
    except (KeyError, ValueError, TypeError, RuntimeError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise RunError(f"{where} does not fit this run's optimiser and schedule ({message}); retrain the run") from None
    return checked.elapsed


def _unlike(recorded: Any, built: Any, at: str = "") -> str | None:
    """Where ``recorded`` (from JSON) is not shaped like ``built`` (a fresh optimiser's or scheduler's state):
    the same keys, list lengths and kinds of value, or None when it is."""
    number = (int, float)
    if isinstance(built, dict):
        if not isinstance(recorded, dict) or set(recorded) != set(built):
            return f"{at or 'its state'} has other entries"
        return next((p for key in built if (p := _unlike(recorded[key], built[key], f"{at}.{key}".lstrip(".")))), None)
    if isinstance(built, (list, tuple)):
        if not isinstance(recorded, (list, tuple)) or len(recorded) != len(built):
            return f"{at} has another length"
        return next((p for i, pair in enumerate(zip(recorded, built)) if (p := _unlike(*pair, f"{at}[{i}]"))), None)
    if isinstance(built, bool) or built is None or isinstance(built, str):
        return (
            None if type(recorded) is type(built) or (built is None and recorded is None) else f"{at} is {recorded!r}"
        )
    if isinstance(built, number) and not isinstance(recorded, bool) and isinstance(recorded, number):
        return None if math.isfinite(recorded) else f"{at} is {recorded!r}"
    return f"{at} is {recorded!r}"


def _byte_state(tensors: dict[str, np.ndarray], name: str) -> torch.Tensor:
    value = tensors.get(name)
    if value is None or value.dtype != np.uint8 or value.ndim != 1:
        raise ValueError(f"{name} is missing or not a row of bytes")
    return torch.from_numpy(value.copy())


def _check_learning_rates(optimizer: torch.optim.Optimizer) -> None:
    for group in optimizer.param_groups:
        for key in ("lr", "initial_lr", "max_lr", "min_lr"):
            value = group.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0
            ):
                raise ValueError(f"{key} is {value!r}")
