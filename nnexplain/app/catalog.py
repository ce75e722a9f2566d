"""The built-in scenes, described without importing manim.

``nnexplain list`` and the argument checks of ``nnexplain render`` read this
table, so they stay fast; the scene module is imported only to render. Each
entry says which recipe trains its default run, which runs it can draw, and the
further runs it reads beside its main run (each by a role, with its own default
recipe and check). :mod:`nnexplain.app.runs` resolves and checks them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from nnexplain.errors import NnexplainError, RunError
from nnexplain.run.landscape import landscape_refusal

__all__ = ["FurtherRun", "SceneInfo", "SCENES", "get_scene", "scene_info_of", "check_run_suits"]

# A check returns None when a run suits the scene, else why not (completing "this run ...").
RunCheck = Callable[[dict[str, Any]], "str | None"]
# A further run's check also sees the main run's manifest (the two must match in some ways).
FurtherCheck = Callable[[dict[str, Any], dict[str, Any]], "str | None"]


@dataclass(frozen=True)
class FurtherRun:
    """A run a scene reads beside its main run: ``--with ROLE=DIR``, ``$NNEXPLAIN_<ROLE>_RUN``."""

    role: str
    recipe: str  # trains the default run of this role
    description: str
    check: FurtherCheck

    @property
    def environment_variable(self) -> str:
        return f"NNEXPLAIN_{self.role.upper().replace('-', '_')}_RUN"


@dataclass(frozen=True)
class SceneInfo:
    name: str
    module: str
    class_name: str
    recipe: str | None  # trains the default main run; None: the scene has none (it needs --run)
    description: str
    check: RunCheck
    further: tuple[FurtherRun, ...] = ()
    needs_landscape: bool = False  # the app stores the main run's loss landscape before the scene renders

    def load_class(self) -> type:
        from importlib import import_module

        return getattr(import_module(self.module), self.class_name)

    def further_run(self, role: str) -> FurtherRun:
        for spec in self.further:
            if spec.role == role:
                return spec
        roles = ", ".join(spec.role for spec in self.further) or "none"
        raise NnexplainError(f"scene {self.name!r} reads no {role!r} run; its further runs: {roles}")


MAX_HIDDEN_COLUMNS = 8  # neurons, backprop: more columns than this crowd the frame's width (their numbers touch)


def _mnist_classifier(manifest: dict[str, Any]) -> str | None:
    layers = manifest["layers"]
    if layers[0] != 784 or layers[-1] != 10 or manifest["output"] != "softmax":
        shape = "-".join(map(str, layers))
        return f"is a {shape} network with {manifest['output']} output; the scene needs a 784-…-10 MNIST classifier"
    if manifest["activation"] not in ("sigmoid", "relu", "tanh"):
        return f"uses activation {manifest['activation']!r}; the scene needs sigmoid, tanh or relu"
    if len(layers) - 2 > MAX_HIDDEN_COLUMNS:
        return f"has {len(layers) - 2} hidden layers; the scene lays out at most {MAX_HIDDEN_COLUMNS} side by side"
    return None


def _warps(manifest: dict[str, Any]) -> str | None:
    layers = manifest["layers"]
    if layers[0] != 2:
        return f"takes {layers[0]} inputs; the scene draws networks on 2-D data (train spiral, circles-3, moons-relu, ...)"
    if not manifest["dataset"].get("warp_grid"):
        return "has no recorded warps: its data set description names no warp_grid (see nnexplain.data.toy2d.warp_grid_spec)"
    if manifest["output"] != "softmax" or layers[-1] != 2:
        return f"ends in {layers[-1]} {manifest['output']} outputs; the scene needs a two-class classifier (softmax over 2)"
    return None


def _folding(manifest: dict[str, Any]) -> str | None:
    if manifest["activation"] not in ("sigmoid", "tanh", "relu"):
        return f"uses activation {manifest['activation']!r}; the scene needs sigmoid, tanh or relu hidden layers"
    return _warps(manifest)


def _linear(manifest: dict[str, Any]) -> str | None:
    if manifest["activation"] != "identity":
        return f"uses activation {manifest['activation']!r}; the scene needs a purely linear network (activation identity)"
    return _warps(manifest)


def _lifting(manifest: dict[str, Any]) -> str | None:
    layers = manifest["layers"]
    if len(layers) < 3 or layers[1] != 3:
        shape = "-".join(map(str, layers))
        return f"is a {shape} network; the scene needs three units in the first hidden layer (2-3-…, like circles-3)"
    return _folding(manifest)


def _curve_regression(manifest: dict[str, Any]) -> str | None:
    """A 1-input, 1-output regression whose data set description says where to sample its curve."""
    layers, task = manifest["layers"], manifest["dataset"].get("task")
    if layers[0] != 1 or layers[-1] != 1 or task != "regress" or manifest["output"] != "identity":
        shape = "-".join(map(str, layers))
        return f"is a {shape} {task} network with {manifest['output']} output; the scene needs a 1-…-1 regression"
    if len(layers) < 3:
        return "has no hidden layer; the scene draws the contributions of hidden units"
    if "domain" not in manifest["dataset"]:
        return "has no 'domain' [low, high] in its data set description, so its curve was not sampled"
    return None


def _relu_curve_regression(manifest: dict[str, Any]) -> str | None:
    reason = _curve_regression(manifest)
    if reason is None and manifest["activation"] != "relu":
        return f"uses activation {manifest['activation']!r}; the scene shows ReLU hinges and needs relu"
    return reason


def _linear_companion(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """The ``linear`` run of ``relu-sine``: the same kind of network with no activation, on the main run's interval."""
    reason = _curve_regression(manifest)
    if reason is None and manifest["activation"] != "identity":
        return f"uses activation {manifest['activation']!r}; the linear run needs 'identity' (no activation)"
    if reason is None and manifest["dataset"]["domain"] != main["dataset"].get("domain"):
        return f"was sampled on {manifest['dataset']['domain']}, not on the main run's {main['dataset'].get('domain')}"
    return reason


def _two_unit_contrast(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """The ``contrast`` run of ``lift``: one hidden layer of two units on 2-D data."""
    layers = manifest["layers"]
    if len(layers) != 3 or layers[1] != 2:
        return f"is a {'-'.join(map(str, layers))} network; the contrast needs one hidden layer of 2 units (circles-2)"
    return _folding(manifest)


def _image_side(manifest: dict[str, Any]) -> int | None:
    """The side of a square image input (the data set's shape, else a square input size), or None."""
    shape = manifest["dataset"].get("input_shape") or []
    if len(shape) == 2:
        return int(shape[0]) if shape[0] == shape[1] else None
    side = round(manifest["layers"][0] ** 0.5)
    return side if side > 1 and side * side == manifest["layers"][0] else None


def _image_classifier(manifest: dict[str, Any]) -> str | None:
    """A classifier of images (its logits as bars, its inputs as pictures)."""
    layers = manifest["layers"]
    if manifest["output"] != "softmax" or layers[-1] < 3:
        return f"ends in {layers[-1]} {manifest['output']} outputs; the scene needs a classifier of 3 classes or more (softmax output)"
    if _image_side(manifest) is None:
        return f"takes {layers[0]} inputs, not a square image; the scene draws its inputs as images (MNIST: 784 = 28 × 28)"
    return None


def _first_layer_images(manifest: dict[str, Any]) -> str | None:
    """An image classifier with a hidden layer whose weight vectors are images, 16 units at most (a 4 × 4 grid)."""
    reason = _image_classifier(manifest)
    layers = manifest["layers"]
    if reason is None and len(layers) < 3:
        reason = "has no hidden layer; the scene draws the first hidden layer's weights"
    if reason is None and layers[1] > 16:
        reason = f"has {layers[1]} units in its first hidden layer; the scene draws at most 16 (a 4 × 4 grid)"
    if reason is None and manifest["activation"] not in ("sigmoid", "tanh", "relu"):
        reason = f"uses activation {manifest['activation']!r}; the scene needs sigmoid, tanh or relu"
    return reason


def _history(manifest: dict[str, Any]) -> str | None:
    """At least two snapshots with validation metrics: something to draw over time."""
    snapshots = manifest["snapshots"]
    if len(snapshots) < 2:
        where = "was imported from a weights file" if manifest.get("imported_from") else "has only one"
        return f"has {len(snapshots)} snapshot{'s' * (len(snapshots) != 1)}: it {where}; the scene needs a run with at least 2 snapshots (train one)"
    if not all((entry.get("metrics") or {}).get("val_loss") is not None for entry in snapshots):
        return "records no val_loss in some snapshots (or a NaN one); the scene draws training against validation"
    return None


def _learning(manifest: dict[str, Any]) -> str | None:
    """``training``: a classifier with history; its left panel is the plane (2-D input) or the probe images."""
    layers = manifest["layers"]
    if manifest["output"] != "softmax":
        return f"has {manifest['output']} output; the scene draws a classifier's accuracy and decision regions"
    if layers[0] != 2 and _image_side(manifest) is None:
        return f"takes {layers[0]} inputs; the scene draws 2-D points or square images"
    return _history(manifest)


NEURON_MAP_WIDTH = 8


def _neuron_maps(manifest: dict[str, Any]) -> str | None:
    """``neuron-maps``: a 2-D two-class classifier with history, each layer at most 8 wide."""
    layers = manifest["layers"]
    if layers[0] != 2:
        return f"takes {layers[0]} inputs; the scene maps neurons over a 2-D input plane (train moons-overfit, spiral, ...)"
    if manifest["output"] != "softmax" or layers[-1] != 2:
        return f"ends in {layers[-1]} {manifest['output']} outputs; the scene needs a two-class classifier (softmax over 2)"
    if max(layers[1:-1], default=0) > NEURON_MAP_WIDTH:
        return f"has a layer of {max(layers[1:-1])} units; the scene draws layers up to {NEURON_MAP_WIDTH} wide"
    if manifest["activation"] not in ("sigmoid", "tanh", "relu", "identity"):
        return f"uses activation {manifest['activation']!r}; the scene needs sigmoid, tanh, relu or identity"
    return _history(manifest)


def _one_neuron_chain(manifest: dict[str, Any]) -> str | None:
    """A regression of one neuron per layer with at least two layers of weights (chain-rule)."""
    layers = manifest["layers"]
    if any(size != 1 for size in layers) or len(layers) < 3:
        return f"is a {'-'.join(map(str, layers))} network; the scene needs one neuron per layer and a hidden layer (1-1-1-1, like chain)"
    if manifest["output"] != "identity":
        return f"has {manifest['output']} output; the scene needs a regression (squared-error cost)"
    if manifest["activation"] not in ("sigmoid", "tanh", "relu"):
        return f"uses activation {manifest['activation']!r}; the scene needs sigmoid, tanh or relu"
    return None


def _training_path(manifest: dict[str, Any]) -> str | None:
    """A run whose loss landscape is stored, or can be: a recorded path of at least three snapshots (descent)."""
    if manifest["output"] not in ("softmax", "identity"):
        return f"has {manifest['output']} output; the scene knows the losses of softmax and identity outputs"
    return landscape_refusal(manifest)


SCENES: dict[str, SceneInfo] = {
    info.name: info
    for info in [
        SceneInfo(
            "neurons",
            "nnexplain.scenes.neurons",
            "Neurons",
            "mnist",
            "a trained MNIST network lights up, layer by layer, digit by digit",
            _mnist_classifier,
        ),
        SceneInfo(
            "fold",
            "nnexplain.scenes.fold",
            "Fold",
            "spiral",
            "a 2-D classifier moves its input plane layer by layer (tanh and sigmoid stretch and squash, ReLU folds) "
            "until one straight line separates the classes; a failing run is told as a failure",
            _folding,
        ),
        SceneInfo(
            "linear-collapse",
            "nnexplain.scenes.linear_collapse",
            "LinearCollapse",
            "spiral-linear",
            "linear layers only turn, stretch and shear, and amount to one matrix: the boundary stays a straight line",
            _linear,
        ),
        SceneInfo(
            "lift",
            "nnexplain.scenes.lift",
            "Lift",
            "circles-3",
            "three hidden units lift a disk out of its ring into 3-D, where a plane separates them; two units cannot",
            _lifting,
            further=(FurtherRun("contrast", "circles-2", "the two-unit network whose boundary cannot close", _two_unit_contrast),),
        ),
        SceneInfo(
            "relu-sine",
            "nnexplain.scenes.relu_sine",
            "ReluSine",
            "sine-relu",
            "without an activation a network fits sin x with a line; with ReLU, hinges add up to the wave",
            _relu_curve_regression,
            further=(FurtherRun("linear", "sine-linear", "the same network with no activation, fitted first", _linear_companion),),
        ),
        SceneInfo(
            "relu-square",
            "nnexplain.scenes.relu_square",
            "ReluSquare",
            "square-relu-3",
            "three ReLU hinges build x² piece by piece",
            _relu_curve_regression,
        ),
        SceneInfo(
            "hidden-features",
            "nnexplain.scenes.hidden_features",
            "HiddenFeatures",
            "mnist",
            "the first layer's 16 weight images over training, what they really are, and one neuron's weighted sum",
            _first_layer_images,
        ),
        SceneInfo(
            "training",
            "nnexplain.scenes.training",
            "Training",
            "moons-overfit",
            "decision regions and learning curves over training, the two passes of an epoch, overfitting, error rate",
            _learning,
        ),
        SceneInfo(
            "neuron-maps",
            "nnexplain.scenes.neuron_maps",
            "NeuronMaps",
            "moons-overfit",
            "every neuron of a 2-D network as a map of the input plane, with weighted edges, over training",
            _neuron_maps,
        ),
        SceneInfo(
            "softmax",
            "nnexplain.scenes.softmax",
            "Softmax",
            "mnist",
            "a classifier's real logits exponentiated and divided by their sum; why not divide raw scores, why not argmax",
            _image_classifier,
        ),
        SceneInfo(
            "chain-rule",
            "nnexplain.scenes.chain_rule",
            "ChainRule",
            "chain",
            "one neuron per layer: ∂C/∂w is a product along the chain, checked by nudging the weight",
            _one_neuron_chain,
        ),
        SceneInfo(
            "descent",
            "nnexplain.scenes.descent",
            "Descent",
            "mnist",
            "downhill on the run's own loss: one weight's slope, the landscape under the training path, mini-batches",
            _training_path,
            needs_landscape=True,
        ),
        SceneInfo(
            "backprop",
            "nnexplain.scenes.backprop",
            "Backprop",
            "mnist",
            "one digit's wishes passed backwards through the real weights, each edge its real gradient; one mini-batch step",
            _mnist_classifier,
        ),
    ]
}


def get_scene(name: str) -> SceneInfo:
    try:
        return SCENES[name]
    except KeyError:
        raise NnexplainError(f"unknown scene {name!r}; choose one of: {', '.join(SCENES)}") from None


def scene_info_of(scene_class: type) -> SceneInfo:
    """The catalog entry of a built-in scene class, or an entry made for your own (its ``default_recipe``)."""
    name = getattr(scene_class, "scene_name", None)
    if name:
        return get_scene(name)
    return SceneInfo(
        name=scene_class.__name__,
        module=scene_class.__module__,
        class_name=scene_class.__name__,
        recipe=getattr(scene_class, "default_recipe", None),
        description=(scene_class.__doc__ or "").strip().split("\n")[0],
        check=_any_run,
    )


def _any_run(manifest: dict[str, Any]) -> None:
    """A scene of your own draws any run (a named function, so its entry pickles for worker processes)."""
    return None


def check_run_suits(info: SceneInfo, manifest: dict[str, Any], where: str) -> None:
    reason = info.check(manifest)
    if reason:
        raise RunError(f"scene {info.name!r} cannot draw run {where}: it {reason}")
