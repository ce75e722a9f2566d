"""Turn a trained MLP from a weights file into a run directory.

    nnexplain import model.pt --activation relu --data mnist --out runs/mine

Three formats are read, told apart by their bytes rather than their names:

* a PyTorch ``state_dict`` saved with ``torch.save`` (read with
  ``torch.load(weights_only=True)``, so no pickled code ever runs);
* a ``.safetensors`` file;
* a numpy ``.npz`` file (read with ``allow_pickle=False``).

The layers are the 2-D ``*.weight`` tensors and their ``*.bias`` tensors, in
key order (safetensors files do not keep their key order, so theirs are taken in
natural name order: ``2.weight`` before ``10.weight``; names that sort against the
layer order are refused with that hint). A weight without a bias (``Linear(bias=False)``)
gets a bias of zeros, which computes the same. Float weights of any width are read and
held as float32 (:func:`conversion`): float16, bfloat16 and float8 widen exactly, float64
rounds to the nearest float32; the dtypes read are recorded in the manifest (``imported_from``).
The run is written
through the same machinery as training (:func:`~nnexplain.run.snapshot.snapshot_tensors`
with the standard :mod:`~nnexplain.run.contents`), so every scene that can draw a
trained run of that shape draws the imported one. It holds one snapshot, epoch 0, with
``step`` null: the history of the training is not in the file. Its metrics are
computed here, in numpy, on the data set's training and validation splits.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from nnexplain.data import LOADERS, Dataset, load_dataset
from nnexplain.data.toy2d import warp_grid_spec
from nnexplain.errors import DataError, NnexplainError
from nnexplain.inputs import read_bytes, regular_file
from nnexplain.run import create_run, update_manifest, write_mistakes, write_snapshot
from nnexplain.run.activations import ALL_ACTIVATIONS, output_for_task
from nnexplain.run.checks import MAX_ABS_WEIGHT
from nnexplain.run.contents import STANDARD_CONTENTS
from nnexplain.run.layers import LayerSpecError
from nnexplain.run.network import Network, Params, input_shape_for
from nnexplain.run.snapshot import snapshot_tensors
from nnexplain.run.staging import StagedDirectory, check_place, is_run_directory
from nnexplain.run.weights import mlp_params, network_params, weight_names
from nnexplain.train.onnx_graph import is_onnx, read_onnx
from nnexplain.train.probe import mistake_indices, probe_indices
from nnexplain.train.recipes import TrainConfig

__all__ = [
    "FORMATS",
    "detect_format",
    "read_tensors",
    "read_weights",
    "conversion",
    "resolve_dataset",
    "network_outputs",
    "evaluate",
    "import_weights",
]

FORMATS = ("torch", "safetensors", "npz", "onnx")
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a first member, or the end record of an empty archive
_EVALUATION_CHUNK = 8192


def detect_format(path: Path) -> str:
    """``"torch"``, ``"safetensors"``, ``"npz"`` or ``"onnx"``, from the file's bytes; raises for anything else."""
    regular_file(path, "weights file", NnexplainError)
    with open(path, "rb") as handle:
        head = handle.read(9)
    size = path.stat().st_size
    if head.startswith(_ZIP_MAGICS):
        return _zip_format(path)
    if len(head) == 9 and head[8:9] == b"{" and struct.unpack("<Q", head[:8])[0] <= size - 8:
        return "safetensors"
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "torch"  # torch.save's legacy (pre-1.6) format is a bare pickle stream; weights_only reads it safely
    if is_onnx(head):
        return "onnx"
    raise NnexplainError(
        f"{path} is not a weights file nnexplain reads; expected a torch.save state_dict (.pt/.pth), "
        "a .safetensors file, a numpy .npz file or an ONNX model (.onnx)"
    )


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        raise NnexplainError(f"{path} starts like a zip archive but is corrupt; save the weights again") from None
    leaves = {name.rsplit("/", 1)[-1] for name in names}
    if "constants.pkl" in leaves:
        raise NnexplainError(f"{path} is a TorchScript archive; save the model's state_dict with torch.save instead")
    if "data.pkl" in leaves:
        return "torch"
    if all(name.endswith(".npy") for name in names):  # numpy.savez() of nothing is an empty zip
        return "npz"
    raise NnexplainError(f"{path} is a zip archive but neither a torch.save file nor a numpy .npz file")


def _natural_key(name: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _refusal_reason(error: Exception) -> str:
    """The line of torch's (long, multi-line) refusal that says what it refused (never its advice to
    load with ``weights_only=False``, which would run the file's pickled code)."""
    pickled = re.search(r"Unsupported global: GLOBAL ([\w.]+)", str(error))
    if pickled:
        return (
            f"it pickles a {pickled.group(1)} object, not only tensors (torch.save(model) saves the whole module); "
            "save its weights with torch.save(model.state_dict(), PATH) and import that"
        )
    boilerplate = ("Weights only load failed", "Please file an issue", "Check the documentation", "(1)", "(2)")
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith(boilerplate)]
    return (useful or lines or [type(error).__name__])[0]


def _read_torch(path: Path) -> tuple[dict[str, np.ndarray], set[str]]:
    import warnings

    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. about the pickle protocol: the error below says enough
            state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises UnpicklingError, RuntimeError and more for files it refuses
        raise NnexplainError(
            f"{path}: refused by torch.load(weights_only=True): {_refusal_reason(error)}; "
            "nnexplain reads only a state_dict of tensors and never runs pickled code"
        ) from None
    if not isinstance(state, dict):
        raise NnexplainError(
            f"{path} holds a {type(state).__name__}, not a state_dict; save model.state_dict() with torch.save"
        )
    arrays, dtypes = {}, set()
    for name, value in state.items():
        if not isinstance(value, torch.Tensor):
            raise NnexplainError(
                f"{path}: entry {name!r} is not a tensor (it is {type(value).__name__}); "
                "expected a bare model.state_dict() of Linear weights and biases"
            )
        odd = _odd_tensor(value)
        if odd:
            raise NnexplainError(
                f"{path}: tensor {name!r} is {odd}; save the model's plain (dense, real) float weights"
            )
        tensor = value.detach().cpu()
        dtypes.add(str(tensor.dtype).removeprefix("torch."))
        arrays[str(name)] = (tensor.float() if tensor.is_floating_point() else tensor).numpy()
    return arrays, dtypes


def _odd_tensor(tensor) -> str | None:
    """What makes a tensor other than a plain dense real array, if anything."""
    import torch

    if tensor.is_sparse or tensor.layout != torch.strided:
        return f"sparse (layout {tensor.layout})"
    if tensor.is_meta:
        return "a meta tensor (it has a shape but no values)"
    if tensor.is_quantized:
        return f"quantized ({tensor.dtype})"
    if tensor.is_complex():
        return f"complex ({tensor.dtype})"
    return None


def _read_safetensors(path: Path) -> tuple[dict[str, np.ndarray], set[str]]:
    from safetensors.numpy import load

    data = read_bytes(path, "weights file", NnexplainError)
    try:
        arrays = load(data)
        dtypes = {str(array.dtype) for array in arrays.values()}
    except KeyError:  # numpy has no type for this dtype (bfloat16, float8): torch reads it
        arrays, dtypes = _read_safetensors_with_torch(path, data)
    except Exception as error:  # safetensors raises its own error types for bad bytes
        reason = str(error).splitlines()[0]
        raise NnexplainError(f"{path} is not a readable safetensors file ({reason})") from None
    return {name: arrays[name] for name in sorted(arrays, key=_natural_key)}, dtypes


def _read_safetensors_with_torch(path: Path, data: bytes) -> tuple[dict[str, np.ndarray], set[str]]:
    try:
        from safetensors.torch import load
    except ImportError:
        raise NnexplainError(
            f"{path}: its dtypes have no numpy type and torch is missing; save them as float32"
        ) from None
    try:
        tensors = load(data)
    except Exception as error:
        reason = str(error).splitlines()[0]
        raise NnexplainError(f"{path} is not a readable safetensors file ({reason})") from None
    arrays, dtypes = {}, set()
    for name, tensor in tensors.items():
        odd = _odd_tensor(tensor)
        if odd:
            raise NnexplainError(
                f"{path}: tensor {name!r} is {odd}; save the model's plain (dense, real) float weights"
            )
        dtypes.add(str(tensor.dtype).removeprefix("torch."))
        arrays[name] = (tensor.float() if tensor.is_floating_point() else tensor).numpy()
    return arrays, dtypes


def _read_npz(path: Path) -> tuple[dict[str, np.ndarray], set[str]]:
    from nnexplain.data.npzfile import read_npz

    arrays = read_npz(path, what="weights file")
    return arrays, {str(array.dtype) for array in arrays.values()}


def read_weights(path: str | Path) -> tuple[dict[str, np.ndarray], str, list[str]]:
    """The named arrays in ``path`` (those numpy has no type for already float32), its format, and the
    dtypes the file held; nothing is unpickled."""
    path = Path(path)
    fmt = detect_format(path)
    reader = {"torch": _read_torch, "safetensors": _read_safetensors, "npz": _read_npz}[fmt]
    arrays, dtypes = reader(path)
    return arrays, fmt, sorted(dtypes)


def read_tensors(path: str | Path) -> tuple[dict[str, np.ndarray], str]:
    """The named arrays in ``path`` and its format; nothing is unpickled."""
    arrays, fmt, _ = read_weights(path)
    return arrays, fmt


_EXACT = "exactly (each of its values is a float32)"


def conversion(dtype: str) -> str | None:
    """How weights of ``dtype`` become the float32 a run holds; None for float32 itself."""
    if dtype == "float32":
        return None
    if dtype in ("float16", "bfloat16") or dtype.startswith("float8"):
        return _EXACT
    if dtype == "float64":
        return "rounded to the nearest float32 (ties to even)"
    return "rounded to the nearest float32 (exact up to 2**24)"  # integer weights


def _load_data(spec: str) -> Dataset:
    if spec in LOADERS:
        return load_dataset(spec)
    if spec.endswith((".npz", ".csv")) or Path(spec).exists():
        regular_file(spec, "--data file")
        from nnexplain.data.csvfile import load_data_file

        return load_data_file(spec)
    raise DataError(f"unknown data set {spec!r}; choose one of: {', '.join(LOADERS)}, or a FILE.csv or FILE.npz")


def resolve_dataset(spec: str | Dataset | None, inputs: int) -> Dataset:
    """The data set ``spec`` names (or is), or with none the one registered data set that takes ``inputs`` features."""
    if isinstance(spec, Dataset):
        return spec
    if spec is not None:
        return _load_data(spec)
    registered = {name: load_dataset(name) for name in LOADERS}
    fitting = [name for name, dataset in registered.items() if dataset.input_size == inputs]
    if len(fitting) == 1:
        return registered[fitting[0]]
    if fitting:
        raise DataError(f"several data sets take {inputs} inputs ({', '.join(fitting)}); choose one with --data")
    known = ", ".join(f"{name} {dataset.input_size}" for name, dataset in registered.items())
    raise DataError(
        f"no registered data set takes {inputs} inputs (they take: {known}); pass --data FILE.npz with your own data"
    )


def _check_fits(names: list[str], sizes: list[int], dataset: Dataset, source: str) -> None:
    """The network's input and output sizes are the data set's."""
    first, last = names[0], names[-1]
    if sizes[0] != dataset.input_size:
        shape = "×".join(map(str, dataset.input_shape))
        raise NnexplainError(
            f"{source}: {first!r} takes {sizes[0]} inputs "
            f"but data set {dataset.name!r} has {dataset.input_size} ({shape})"
        )
    wanted = len(dataset.classes) if dataset.task == "classify" else dataset.y_val.shape[1]
    kind = "classes" if dataset.task == "classify" else "target columns"
    if sizes[-1] != wanted:
        hint = ""
        if dataset.task != "classify" and sizes[-1] > 1 and wanted == 1:  # class labels saved as floats, likely
            hint = (
                "; its y holds floats, read as regression targets: for a classifier, save y_train and y_val "
                "as integer class indices"
            )
        raise NnexplainError(
            f"{source}: {last!r} gives {sizes[-1]} outputs but data set {dataset.name!r} has {wanted} {kind}{hint}"
        )


def network_outputs(params: Params, activation: str | Network, x: np.ndarray) -> np.ndarray:
    """The last layer's raw outputs (logits, or regression values) for inputs ``x``, a chunk at a time.

    ``activation``: the plain MLP's hidden activation, or the network itself."""
    network = activation if isinstance(activation, Network) else Network.from_params(params, activation)
    # A chunk's widest layer is kept near 2 million values (a CNN's feature maps are wide; an MLP's chunk is 8,192).
    size = max(16, min(_EVALUATION_CHUNK, 2_000_000 // max(network.widths)))
    chunks = [x[start : start + size] for start in range(0, len(x), size)]
    return np.concatenate([network.trace(params, chunk)[-1][0] for chunk in chunks])


def evaluate(outputs: np.ndarray, y: np.ndarray, task: str, prefix: str) -> dict[str, float]:
    """The metrics training reports (``_loss``, and ``_acc`` or ``_max_error``) of raw ``outputs``."""
    if task == "classify":
        shifted = outputs - outputs.max(axis=1, keepdims=True)
        log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return {
            f"{prefix}_loss": float(-log_probabilities[np.arange(len(y)), y].mean()),
            f"{prefix}_acc": float((outputs.argmax(1) == y).mean()),
        }
    errors = outputs - y
    return {f"{prefix}_loss": float((errors**2).mean()), f"{prefix}_max_error": float(np.abs(errors).max())}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_weights(
    weights: str | Path,
    activation: str | None,
    out: str | Path,
    data: str | Dataset | None = None,
    name: str = "imported",
) -> Path:
    """Write the run directory of the MLP in ``weights`` to ``out`` (which must be empty or absent)."""
    weights, out = Path(weights), Path(out)
    if out.is_dir() and is_run_directory(out):
        raise NnexplainError(f"{out} holds a run already; import into another --out (an import never replaces a run)")
    if detect_format(weights) == "onnx":
        return _import_onnx(weights, activation, out, data, name)
    if activation is None:
        raise NnexplainError(f"{weights.name} holds weights only: say the hidden layers' activation with --activation")
    if activation not in ALL_ACTIVATIONS:
        *others, last = ALL_ACTIVATIONS
        raise NnexplainError(f"unknown activation {activation!r}; choose {', '.join(others)} or {last} (none)")
    check_place(out, replace=False)  # before anything slow; checked again, locked, when the run goes in
    tensors, fmt, dtypes = read_weights(weights)
    order_hint = (
        "; a safetensors file does not keep the layers' order, so nnexplain takes its names in natural order "
        "(here: " + ", ".join(weight_names(tensors)) + "): rename the layers so their names sort in order "
        "(e.g. 0.weight, 1.weight), or save a torch state_dict, which keeps it"
        if fmt == "safetensors"
        else ""
    )
    params = mlp_params(tensors, source=weights.name, zero_missing_biases=True, order_hint=order_hint)
    _check_drawable(params, weights.name)
    sizes = Network.from_params(params, activation).widths
    try:
        dataset = resolve_dataset(data, sizes[0])
        _check_fits(weight_names(tensors), sizes, dataset, weights.name)
    except NnexplainError as error:  # names sorted against the layer order can chain and still not fit
        raise type(error)(f"{error}{order_hint}") from None
    network = Network.from_params(params, activation, output_for_task(dataset.task))
    return _write_imported(network, params, dataset, weights, fmt, out, name, dtypes)


def _import_onnx(weights: Path, activation: str | None, out: Path, data: str | None, name: str) -> Path:
    """An ONNX model's network (:mod:`~nnexplain.train.onnx_graph`), its layers and activation read from its graph."""
    check_place(out, replace=False)
    graph = read_onnx(weights)
    if activation is not None and activation != graph.activation:
        raise NnexplainError(
            f"{weights.name}: --activation {activation} was given, but the graph's hidden layers use {graph.activation}"
        )
    width = int(np.prod(graph.input_shape))
    dataset = resolve_dataset(data, width)
    shape = input_shape_for(graph.specs, width, dataset.input_shape)
    if shape != graph.input_shape and len(graph.input_shape) > 1:
        raise NnexplainError(
            f"{weights.name}: the graph takes inputs of shape {graph.input_shape}, "
            f"but data set {dataset.name!r} has {tuple(dataset.input_shape)}"
        )
    try:
        network = Network.from_specs(shape, graph.specs, graph.activation, output_for_task(dataset.task))
    except LayerSpecError as error:
        raise NnexplainError(f"{weights.name}: {error.key}: {error.message}") from None
    params = network_params(network, network.arrays_of_params(graph.params), weights.name)  # shapes, finite values
    _check_drawable(params, weights.name)
    _check_fits([f"layer {i}" for i in range(len(network.layers))], network.widths, dataset, weights.name)
    return _write_imported(network, params, dataset, weights, "onnx", out, name)


def _write_imported(
    network: Network,
    params: Params,
    dataset: Dataset,
    weights: Path,
    fmt: str,
    out: Path,
    name: str,
    dtypes: list[str] = (),
) -> Path:
    """Evaluate ``network`` with ``params`` on the data set, and write its run of one snapshot to ``out``."""
    task = dataset.task
    val_outputs = network_outputs(params, network, dataset.x_val)
    metrics = {
        **evaluate(network_outputs(params, network, dataset.x_train), dataset.y_train, task, "train"),
        **evaluate(val_outputs, dataset.y_val, task, "val"),
    }
    probe = probe_indices(dataset, TrainConfig.probe_per_class)
    wrong = mistake_indices(dataset, val_outputs.argmax(1), probe) if task == "classify" else probe[:0]
    manifest: dict[str, Any] = {
        "recipe": name,
        "config": {},
        **network.manifest_entries(),
        "dataset": drawing_description(dataset),
        "torch": None,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "status": "importing",
        "seed": None,
        "device": None,
        "imported_from": {"file": weights.name, "format": fmt, "sha256": _sha256(weights), "dtypes": list(dtypes)},
    }
    # Built beside --out and renamed into place, so a failed import leaves nothing half-written there.
    with StagedDirectory(out) as staging:
        create_run(staging.path, manifest, {"inputs": dataset.x_val[probe], "labels": dataset.y_val[probe]})
        tensors = snapshot_tensors(params, manifest, dataset.x_val[probe], STANDARD_CONTENTS)
        write_snapshot(staging.path, 0, tensors, metrics, step=None)
        if len(wrong):
            write_mistakes(staging.path, {"inputs": dataset.x_val[wrong], "labels": dataset.y_val[wrong]})
        update_manifest(staging.path, status="complete", wall_seconds=None)
    return out


def _check_drawable(params: Params, source: str) -> None:
    """Refuse now what no scene could draw (as :func:`~nnexplain.run.checks.check_drawable_weights` would at render)."""
    for index, values in enumerate(params):
        largest = max((float(np.abs(value).max(initial=0.0)) for value in values), default=0.0)
        if largest > MAX_ABS_WEIGHT:
            raise NnexplainError(
                f"{source}: layer {index} has a weight of magnitude {largest:.3g}; nnexplain draws networks whose "
                f"weights and biases lie within ±{MAX_ABS_WEIGHT:g}"
            )


def drawing_description(dataset: Dataset) -> dict[str, Any]:
    """The data set's description, with what the standard snapshot contents need to draw a user's own
    low-dimensional data as the built-in sets give it: a warp grid around 2-D points (fold, lift),
    the interval of 1-D inputs (relu-sine, relu-square)."""
    description = dataset.describe()
    inputs = np.concatenate([dataset.x_train, dataset.x_val]).astype(np.float64)
    if dataset.input_size == 2 and "warp_grid" not in description:
        description["warp_grid"] = warp_grid_spec(inputs)
    elif dataset.input_size == 1 and "domain" not in description and inputs.max() > inputs.min():
        description["domain"] = [float(inputs.min()), float(inputs.max())]
    return description
