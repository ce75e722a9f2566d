"""The manifest's schema: every field typed and ranged, checked (pydantic, strict) before a run is used.

A manifest is read as JSON and validated against :class:`Manifest` before anything
else looks at it; whatever fails is one line naming the field (``snapshots[3].epoch:
Input should be a valid integer``). Strict mode: ``"5"`` is not 5 and ``true`` is not 1.
The dictionary the JSON gave stays the run's manifest (:attr:`nnexplain.run.Run.manifest`);
the models only check it.

**Paths.** Every file a manifest names is a :data:`RelativePath`: relative, inside the
run directory, spelled with letters, digits, ``.``, ``_``, ``-`` and ``/`` only
(no ``..``, no absolute path). Reading also refuses links that lead outside
(:func:`nnexplain.run.files.inside`).

**Checksums.** ``files`` maps each file's path to its SHA-256 and size; runs written
before checksums existed have no ``files`` table.

**Open, but only where it is safe.** Unknown keys are kept and ignored (the
``**fields`` a :class:`~nnexplain.Recorder` is given go into the manifest); they are
never followed as paths. The files a run holds are named only by the known keys:
``probe``, ``mistakes``, each snapshot's ``file``, ``history`` and ``resume``, and the
optional file entries of :data:`FILE_ENTRIES` (objects with a ``file``, such as
``landscape``).

**Adding a new kind of file** (say ``"saliency"``, an object of facts with its file):

1. add ``"saliency": SaliencyEntry = None`` to :class:`Manifest` (a subclass of
   :class:`FileEntry` typing the facts something reads, like :class:`LandscapeEntry`)
   and its key to :data:`FILE_ENTRIES`;
2. write it with :func:`nnexplain.run.directory.write_run_file` (``write_run_file(run_dir,
   "saliency.safetensors", arrays, saliency={"file": "saliency.safetensors", ...})``),
   which records its checksum and refuses to rewrite it;
3. read it with :meth:`nnexplain.run.Run.read_file`, which checks the checksum, and check
   what its arrays must hold (:mod:`nnexplain.run.checks`, as ``check_landscape``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from nnexplain.errors import RunError
from nnexplain.inputs import MAX_CLASSES, MAX_PARAMETERS
from nnexplain.run.activations import ALL_ACTIVATIONS, OUTPUT_FUNCTIONS, output_for_task
from nnexplain.run.layers import LayerSpecError
from nnexplain.run.network import Network, input_shape_for

__all__ = [
    "Manifest",
    "Snapshot",
    "DatasetInfo",
    "FileEntry",
    "FILE_ENTRIES",
    "RelativePath",
    "validate_manifest",
    "manifest_problem",
    "named_files",
]

MAX_EPOCH = 10**9
MAX_SNAPSHOTS = 100_000
MAX_LAYERS = 1_000
MAX_SEED = 2**64 - 1  # torch seeds are below 2**64
STATUSES = ("training", "complete", "diverged", "importing")
_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _relative(path: str) -> str:
    parts = path.split("/")
    if path.startswith("/") or not all(_PART.fullmatch(part) and part not in (".", "..") for part in parts):
        raise ValueError(
            "must be a path inside the run directory, relative to it (letters, digits, '.', '_', '-' and '/'; no '..')"
        )
    return path


def _sha256(value: str) -> str:
    if not _HEX64.fullmatch(value):
        raise ValueError("must be a SHA-256 in 64 lowercase hexadecimal digits")
    return value


RelativePath = Annotated[str, Field(min_length=1, max_length=255), AfterValidator(_relative)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=10_000)]
Count = Annotated[int, Field(ge=0, le=2**63 - 1)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Epoch = Annotated[int, Field(ge=0, le=MAX_EPOCH)]


class Strict(BaseModel):
    """Known keys only (a typo is an error)."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Open(BaseModel):
    """Known keys typed; other keys kept as they are and never followed."""

    model_config = ConfigDict(strict=True, extra="allow")


class FileRecord(Strict):
    sha256: Annotated[str, AfterValidator(_sha256)]
    size: Count


class FileEntry(Open):
    """An optional file of its own kind, with facts about it: ``{"file": "landscape.safetensors", ...}``."""

    file: RelativePath


class _Subset(Open):
    split: Literal["train"]
    first: Annotated[int, Field(ge=1)]
    of: Annotated[int, Field(ge=1)]


class _Weight(Open):
    index: Count
    kind: Literal["weight", "bias"]
    layer: Count
    row: Count
    column: Count
    value: Finite
    gradient: Finite


class _Stochastic(Open):
    batch_size: Annotated[int, Field(ge=1)]
    batches: Annotated[int, Field(ge=1, le=10_000)]
    seed: Count
    full: Annotated[int, Field(ge=1)]


class LandscapeEntry(FileEntry):
    """The facts of a run's loss landscape (:mod:`nnexplain.run.landscape`), as ``descent`` reads them."""

    grid: Annotated[list[Annotated[int, Field(ge=2, le=10_000)]], Field(min_length=2, max_length=2)]
    subset: _Subset
    explained_variance: Annotated[list[Annotated[float, Field(ge=0, le=1.000001)]], Field(min_length=2, max_length=2)]
    landscape_seconds: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    seconds: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    weight: _Weight
    stochastic: _Stochastic
    lr: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    trained_batch_size: Count | None = None
    version: Count | None = None  # absent: version 1, stored before the lesson's opening (start.*) was added


class WarpGrid(Open):
    bounds: Annotated[list[Finite], Field(min_length=4, max_length=4)]  # x_min, x_max, y_min, y_max
    lines: Annotated[int, Field(ge=2, le=1_000)]
    points: Annotated[int, Field(ge=2, le=100_000)]

    @model_validator(mode="after")
    def _ordered(self) -> "WarpGrid":
        x_min, x_max, y_min, y_max = self.bounds
        if not (x_min < x_max and y_min < y_max):
            raise ValueError("bounds must be [x_min, x_max, y_min, y_max] with each minimum below its maximum")
        if 2 * self.lines * self.points > 10_000_000:
            raise ValueError("the grid holds more than 10 million points")
        return self


class DatasetInfo(Open):
    name: Name
    task: Literal["classify", "regress"]
    train: Count | None = None
    val: Count | None = None
    input_shape: Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1, max_length=4)] | None = None
    classes: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=MAX_CLASSES)] = []
    source: Text = ""
    warp_grid: WarpGrid | None = None
    domain: Annotated[list[Finite], Field(min_length=2, max_length=2)] | None = None
    generation_seed: Count | None = None
    label_noise: Annotated[float, Field(ge=0, le=1)] | None = None
    noise: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    function: Name | None = None
    formula: Text | None = None

    @model_validator(mode="after")
    def _domain_ordered(self) -> "DatasetInfo":
        if self.domain is not None and not self.domain[0] < self.domain[1]:
            raise ValueError("domain must be [low, high] with low < high")
        return self


class Snapshot(Open):
    epoch: Epoch
    file: RelativePath
    metrics: dict[Annotated[str, Field(min_length=1, max_length=100)], Finite | None]
    step: Count | None = None
    history: RelativePath | None = None
    resume: RelativePath | None = None
    steps: RelativePath | None = None  # the weights after each optimiser step of the epoch


class DivergedAt(Open):
    epoch: Epoch
    step: Count | None = None


class ImportedFrom(Open):
    file: Annotated[str, Field(max_length=1_000)]
    format: Literal["torch", "safetensors", "npz", "onnx"]
    sha256: Annotated[str, AfterValidator(_sha256)]


class Config(Open):
    """The training configuration as its trainer recorded it (a user's loop records its own keys).

    Typed here: the keys the drawing floors read. ``train --resume`` checks the whole of it
    against :class:`nnexplain.train.recipes.TrainConfig` before training on."""

    epochs: Annotated[int, Field(ge=1, le=MAX_EPOCH)] | None = None
    batch_size: Count | None = None  # 0: the whole training set
    dataset_options: dict[str, Any] | None = None


class Manifest(Open):
    format: Literal["nnexplain-run"]
    version: Literal[1]
    recipe: Name
    layers: Annotated[list[Annotated[int, Field(ge=1, le=MAX_PARAMETERS)]], Field(min_length=2, max_length=MAX_LAYERS)]
    activation: Literal[ALL_ACTIVATIONS]
    output: Literal[OUTPUT_FUNCTIONS]
    # The layers of a network that is not a plain MLP ({"kind": ..., ...} each; nnexplain.run.network).
    # Absent for a plain MLP; never null.
    network: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_LAYERS)] = None  # type: ignore[assignment]
    dataset: DatasetInfo
    probe: RelativePath
    snapshots: Annotated[list[Snapshot], Field(max_length=MAX_SNAPSHOTS)]
    config: Config = None  # type: ignore[assignment]  # absent for some runs; never null (readers take .get of it)
    status: Literal[STATUSES] = "complete"  # runs recorded before the status existed were complete
    diverged_at: DivergedAt | None = None
    step_loss_every: Annotated[int, Field(ge=1, le=2**31)] = 1
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] | None = None
    device: Annotated[str, Field(max_length=50)] | None = None
    torch: Annotated[str, Field(max_length=50)] | None = None
    created: Annotated[str, Field(max_length=50)] | None = None
    wall_seconds: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    imported_from: ImportedFrom | None = None
    resumed_from: list[Epoch] = []  # the epochs a killed training was resumed from, in order
    files: dict[RelativePath, FileRecord] | None = None
    mistakes: RelativePath = None  # type: ignore[assignment]  # absent when none were recorded; never null
    landscape: LandscapeEntry = None  # type: ignore[assignment]  # absent until computed; never null

    @model_validator(mode="after")
    def _consistent(self) -> "Manifest":
        layers, dataset = self.layers, self.dataset
        network = self._network()
        if network.parameter_count > MAX_PARAMETERS:
            raise ValueError(f"layers {layers} make more than {MAX_PARAMETERS:,} parameters")
        expected = output_for_task(dataset.task)
        if self.output != expected:
            raise ValueError(f"a {dataset.task} run has {expected} output, not {self.output}")
        if dataset.input_shape is not None and _product(dataset.input_shape) != layers[0]:
            raise ValueError(
                f"dataset.input_shape {dataset.input_shape} does not match the {layers[0]} inputs of layers {layers}"
            )
        if dataset.task == "classify" and dataset.classes and len(dataset.classes) != layers[-1]:
            raise ValueError(
                f"dataset.classes names {len(dataset.classes)} classes, but layers {layers} end in {layers[-1]} outputs"
            )
        epochs = [snapshot.epoch for snapshot in self.snapshots]
        if any(a >= b for a, b in zip(epochs, epochs[1:])):
            raise ValueError("snapshots must be in order of epoch, each epoch once")
        return self

    def _network(self) -> Network:
        """The network the manifest describes; its ``network`` entries must give the widths ``layers`` states."""
        if self.network is None:
            return Network.mlp(self.layers, self.activation, self.output)
        try:
            shape = input_shape_for(self.network, self.layers[0], self.dataset.input_shape)
            network = Network.from_specs(shape, self.network, self.activation, self.output)
        except LayerSpecError as error:
            raise ValueError(f"{error.key}: {error.message}") from None
        if network.widths != self.layers:
            raise ValueError(f"network: its layers give widths {network.widths}, but layers is {self.layers}")
        return network


FILE_ENTRIES = ("landscape",)  # optional top-level objects naming a file of their own


def _product(values: list[int]) -> int:
    result = 1
    for value in values:
        result *= value
    return result


def named_files(manifest: dict[str, Any]) -> list[str]:
    """Every file a (validated) manifest names, each once, in a stable order."""
    names = [manifest["probe"]]
    if "mistakes" in manifest:
        names.append(manifest["mistakes"])
    for snapshot in manifest["snapshots"]:
        names += [snapshot[key] for key in ("file", "history", "resume", "steps") if snapshot.get(key)]
    names += [manifest[key]["file"] for key in FILE_ENTRIES if manifest.get(key)]
    return list(dict.fromkeys(names))


def manifest_problem(manifest: Any) -> str | None:
    """What is wrong with a manifest read from JSON, in a few words naming the first bad field; None if nothing."""
    try:
        Manifest.model_validate(manifest)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        field = _location(first["loc"])
        shown = f" (it is {_short(first['input'])})" if first["type"] not in ("missing", "value_error") else ""
        message = first["msg"].removeprefix("Value error, ")
        return f"{field + ': ' if field else ''}{message}{shown}"
    return None


def validate_manifest(manifest: Any, where: str) -> None:
    """Check a manifest read from ``where``; one-line :class:`RunError` naming the first bad field."""
    problem = manifest_problem(manifest)
    if problem:
        raise RunError(f"{where} is corrupt: {problem}; retrain the run")


def _location(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in ("function-after", "lax-or-strict", "strict", "union", "literal") or "[" in str(part):
            continue  # pydantic's names for the validators it tried, not the manifest's keys
        else:
            part = str(part) if re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", str(part)) else _short(str(part))
            text += f".{part}" if text else part
    return text


def _short(value: Any) -> str:
    text = ascii(value)  # one line, whatever the value holds
    return text if len(text) <= 40 else text[:37] + "..."
