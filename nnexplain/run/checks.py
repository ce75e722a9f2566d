"""What the arrays of a run's files must hold, checked when they are read: names, shapes, dtypes, values.

The manifest says what the network is (:mod:`~nnexplain.run.schema`); each file's
arrays must agree with it, or the run is corrupt (one line naming the file and the
array, never a crash further on). A snapshot's arrays must be finite, and to be
drawn its weights must lie within ±:data:`MAX_ABS_WEIGHT`: a network beyond that
cannot be drawn (its activations overflow), whatever wrote it. A probe must belong to the run: the first layer's
stored pre-activations are recomputed from it and the weights.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from nnexplain.errors import RunError
from nnexplain.run.network import Network

__all__ = [
    "MAX_ABS_WEIGHT",
    "check_steps",
    "check_probe",
    "check_items",
    "check_snapshot",
    "check_drawable_weights",
    "check_history",
    "check_landscape",
]

MAX_ABS_WEIGHT = 1e6
_REAL = ("f", "i", "u")
_HISTORY_KEYS = {"step.index": np.int64, "step.epoch": np.int64, "step.loss": np.float32, "epoch.index": np.int64}


def _fail(path: Path, what: str) -> RunError:
    return RunError(f"run file {path} is corrupt: {what}; retrain the run")


def _expect(path: Path, tensors: dict[str, np.ndarray], name: str, dtype, shape: tuple) -> np.ndarray:
    """``tensors[name]``, which must have ``dtype`` and ``shape`` (None: any length there)."""
    if name not in tensors:
        raise _fail(path, f"it lacks {name!r}")
    value = tensors[name]
    if value.dtype != np.dtype(dtype):
        raise _fail(path, f"{name!r} holds {value.dtype}, not {np.dtype(dtype)}")
    if len(value.shape) != len(shape) or any(want is not None and want != got for want, got in zip(shape, value.shape)):
        wanted = "×".join("N" if side is None else str(side) for side in shape) or "a single value"
        raise _fail(
            path,
            f"{name!r} has shape {tuple(value.shape)}, not {wanted} (the manifest's layers do not match its arrays)",
        )
    return value


def _finite(path: Path, tensors: dict[str, np.ndarray]) -> None:
    for name, value in tensors.items():
        if value.dtype.kind not in _REAL:
            raise _fail(path, f"{name!r} holds {value.dtype} values, not real numbers")
        if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
            raise RunError(
                f"run file {path} holds NaN or infinite values in {name!r}: the network cannot be drawn; retrain the run"
            )


def check_items(path: Path, tensors: dict[str, np.ndarray], manifest: dict[str, Any]) -> int:
    """A probe or mistakes file: ``inputs`` (N × inputs) and optional ``labels``; returns N."""
    layers, task = manifest["layers"], manifest["dataset"]["task"]
    inputs = _expect(path, tensors, "inputs", np.float32, (None, layers[0]))
    count = len(inputs)
    if "labels" in tensors:
        labels = tensors["labels"]
        if task == "classify":
            labels = _expect(path, tensors, "labels", np.int64, (count,))
            if count and not 0 <= labels.min() <= labels.max() < layers[-1]:
                raise _fail(
                    path, f"its labels run from {labels.min()} to {labels.max()}, outside the {layers[-1]} classes"
                )
        elif labels.dtype != np.float32 or labels.shape not in ((count,), (count, layers[-1])):
            raise _fail(
                path,
                f"'labels' has shape {labels.shape} and dtype {labels.dtype}; a regression's are {count} float32 targets",
            )
    unknown = sorted(set(tensors) - {"inputs", "labels"})
    if unknown:
        raise _fail(path, f"it holds {unknown[0]!r}; a probe holds only 'inputs' and 'labels'")
    _finite(path, {"inputs": inputs})
    return count


def check_probe(path: Path, tensors: dict[str, np.ndarray], manifest: dict[str, Any]) -> None:
    if check_items(path, tensors, manifest) == 0:
        raise _fail(path, "it holds no probe items")


_PER_LAYER = re.compile(r"(.+)\.(\d+)")
_RECORDED = ("pre", "act", "warp.pre", "warp.act")


def check_steps(path: Path, tensors: dict[str, np.ndarray], manifest: dict[str, Any]) -> int:
    """A snapshot's ``steps`` file: each parameter of the manifest's network, stacked over the epoch's optimiser
    steps (steps × the parameter's shape), all with the same number of steps and finite; returns that number."""
    network = Network.from_manifest(manifest)
    expected, steps = set(), None
    for index, layer in enumerate(network.layers):
        for name, shape in layer.parameter_shapes().items():
            key = f"{name}.{index}"
            steps = len(_expect(path, tensors, key, np.float32, (steps, *shape)))
            expected.add(key)
    unexpected = sorted(set(tensors) - expected)
    if unexpected:
        raise _fail(path, f"it holds {unexpected[0]!r}, which is no parameter of the manifest's layers")
    if not steps:
        raise _fail(path, "it holds no step")
    _finite(path, tensors)
    return steps


def check_snapshot(
    path: Path, tensors: dict[str, np.ndarray], manifest: dict[str, Any], probe_inputs: np.ndarray | None
) -> None:
    """A snapshot's parameters and recorded arrays against the manifest's network and the run's probe.

    ``probe_inputs``: the probe file's inputs (None to skip the check that the probe belongs to the run).
    """
    network = Network.from_manifest(manifest)
    layers, count = manifest["layers"], len(network.layers)
    expected = set()
    for index, layer in enumerate(network.layers):
        for name, shape in layer.parameter_shapes().items():
            key = f"{name}.{index}"
            _expect(path, tensors, key, np.float32, shape)
            expected.add(key)
    _finite(path, tensors)
    stems = {name for layer in network.layers for name in layer.parameter_names}
    for name in tensors:
        match = _PER_LAYER.fullmatch(name)
        if not match or name in expected:
            continue
        stem, index = match.group(1), int(match.group(2))
        if index >= count and (stem in _RECORDED or stem in stems):
            raise _fail(path, f"it holds {name!r}, but the manifest's layers {layers} have {count} layers")
        if stem in stems and stem not in _RECORDED:
            layer = network.layers[index]
            raise _fail(path, f"it holds {name!r}, but layer {index} is a {layer.kind} layer without it")
    recorded = "pre.0" in tensors
    rows = len(probe_inputs) if probe_inputs is not None else (len(tensors["pre.0"]) if recorded else None)
    for index, layer in enumerate(network.layers if recorded else ()):
        for kind in ("pre", "act"):
            _expect(path, tensors, f"{kind}.{index}", np.float32, (rows, *layer.output_shape))
    for index, layer in enumerate(network.layers):
        for kind in ("warp.pre", "warp.act"):
            if f"{kind}.{index}" in tensors:
                _expect(path, tensors, f"{kind}.{index}", np.float32, (None, None, *layer.output_shape))
    if "curve.x" in tensors:
        samples = len(_expect(path, tensors, "curve.x", np.float32, (None,)))
        _expect(path, tensors, "curve.y", np.float32, (samples,))
        _expect(path, tensors, "curve.units", np.float32, (layers[-2] if count > 1 else 0, samples))
    if recorded and probe_inputs is not None and rows:
        _probe_matches(path, tensors, probe_inputs, network)


def check_drawable_weights(path: Path, tensors: dict[str, np.ndarray], network: Network) -> None:
    """Weights a picture can hold: within ±:data:`MAX_ABS_WEIGHT` (a run that was diverging may record
    larger ones before it stops; they are kept and read, not drawn)."""
    for index, values in enumerate(network.params_from_arrays(tensors)):
        largest = max((np.abs(value).max(initial=0.0) for value in values), default=0.0)
        if largest > MAX_ABS_WEIGHT:
            raise RunError(
                f"run file {path}: layer {index} has a weight of magnitude {largest:.3g}; nnexplain draws networks whose "
                f"weights and biases lie within ±{MAX_ABS_WEIGHT:g} (larger ones overflow)"
            )


def _probe_matches(path: Path, tensors: dict[str, np.ndarray], inputs: np.ndarray, network: Network) -> None:
    """The stored first-layer pre-activations are the probe's, under this snapshot's weights."""
    first = network.layers[0]
    values = tuple(value.astype(np.float64) for value in network.params_from_arrays(tensors)[0])
    x = inputs.astype(np.float64).reshape(len(inputs), *network.input_shape)
    expected = first.pre_activation(values, x)
    # The same map of the magnitudes bounds the rounding a float32 recording can hold.
    scale = first.pre_activation(tuple(np.abs(value) for value in values), np.abs(x)) + 1e-6
    if np.max(np.abs(expected - tensors["pre.0"]) / scale) > 1e-3:
        raise RunError(
            f"run file {path} does not belong with the run's probe: its recorded activations are not the probe's "
            "under its weights (a probe or snapshot from another run?); retrain the run"
        )


def check_history(path: Path, tensors: dict[str, np.ndarray]) -> None:
    """A history file (:mod:`nnexplain.run.history`): steps with their epochs and losses, epochs with their metrics."""
    steps = len(_expect(path, tensors, "step.index", np.int64, (None,)))
    _expect(path, tensors, "step.epoch", np.int64, (steps,))
    _expect(path, tensors, "step.loss", np.float32, (steps,))
    epochs = len(_expect(path, tensors, "epoch.index", np.int64, (None,)))
    for name in tensors:
        if name.startswith("epoch.") and name != "epoch.index":
            _expect(path, tensors, name, np.float64, (epochs,))
        elif name not in _HISTORY_KEYS:
            raise _fail(path, f"it holds {name!r}; a history file holds step.* and epoch.* arrays")


def check_landscape(
    path: Path, tensors: dict[str, np.ndarray], facts: dict[str, Any], snapshots: int, parameters: int
) -> None:
    """A loss landscape file (:mod:`nnexplain.run.landscape`) against its manifest facts and the run."""
    grid = facts["grid"][0]
    batches = facts["stochastic"]["batches"]
    shapes = {
        "grid.alpha": (grid,),
        "grid.beta": (grid,),
        "grid.loss": (grid, facts["grid"][1]),
        "plane.directions": (2, parameters),
        "plane.explained": (2,),
        "path.coords": (snapshots, 2),
        "path.surface_loss": (snapshots,),
        "path.loss": (snapshots,),
        "weight.offsets": (None,),
        "weight.loss": (None,),
        "stochastic.full_norm": (2,),
        "stochastic.batch_norm": (2, batches),
        "stochastic.angles": (2, batches),
        "stochastic.downhill": (2, 2),
    }
    start = {  # the lesson's opening (nnexplain.geometry.descent.start_arrays); rates only where one overshoots
        "start.example_inputs": (None, None),
        # class indices (n,) for a classifier, target rows (n, outputs) for a regression
        "start.example_targets": (None,) * max(1, min(2, np.ndim(tensors.get("start.example_targets", 0)))),
        "start.example_outputs": (None, None),
        "start.losses": (facts["subset"]["first"],),
        "start.curve_values": (None,),
        "start.curve_loss": (None,),
        "start.roll_values": (None,),
        "start.roll_loss": (None,),
        "start.roll_slope": (None,),
        "start.zigzag_batch": (None, 2),
        "start.zigzag_full": (None, 2),
        "start.zigzag_batch_loss": (None,),
        "start.zigzag_full_loss": (None,),
    }
    rates = {"start.rates": (3,), "start.rate_values": (3, None), "start.rate_loss": (3, None)}
    shapes |= start | {name: shape for name, shape in rates.items() if name in tensors}
    for name, shape in shapes.items():
        _expect(path, tensors, name, np.float64, shape)
    _expect(path, tensors, "path.epochs", np.int64, (snapshots,))
    _expect(path, tensors, "stochastic.epochs", np.int64, (2,))
    _expect(path, tensors, "stochastic.indices", np.int64, (2, batches, None))
    if len(tensors["weight.loss"]) != len(tensors["weight.offsets"]):
        raise _fail(path, "'weight.loss' and 'weight.offsets' differ in length")
    unknown = sorted(set(tensors) - set(shapes) - {"path.epochs", "stochastic.epochs", "stochastic.indices"})
    if unknown:
        raise _fail(path, f"it holds {unknown[0]!r}, which is no part of a loss landscape")
    _finite(path, tensors)
