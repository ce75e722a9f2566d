"""The built-in scenes, described without importing manim.

``nnexplain list`` and the argument checks of ``nnexplain render`` read this
table, so they stay fast; the scene module is imported only to render. Each
entry says which recipe trains its default run and which runs it can draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from nnexplain.errors import NnexplainError, RunError

__all__ = ["SceneInfo", "SCENES", "get_scene", "check_run_suits"]

# A check returns None when a run suits the scene, else why not (completing "this run ...").
RunCheck = Callable[[dict[str, Any]], "str | None"]


@dataclass(frozen=True)
class SceneInfo:
    name: str
    module: str
    class_name: str
    recipe: str
    description: str
    check: RunCheck
    also_needs: tuple[str, ...] = ()  # recipes of further default runs the scene reads (e.g. a baseline)

    def load_class(self) -> type:
        from importlib import import_module

        return getattr(import_module(self.module), self.class_name)


def _mnist_classifier(manifest: dict[str, Any]) -> str | None:
    layers = manifest["layers"]
    if layers[0] != 784 or layers[-1] != 10 or manifest["output"] != "softmax":
        shape = "-".join(map(str, layers))
        return f"is a {shape} network with {manifest['output']} output; the scene needs a 784-…-10 MNIST classifier"
    if manifest["activation"] not in ("sigmoid", "relu", "tanh"):
        return f"uses activation {manifest['activation']!r}; the scene needs sigmoid, tanh or relu"
    return None


def _warps(manifest: dict[str, Any]) -> str | None:
    layers = manifest["layers"]
    if layers[0] != 2:
        return f"takes {layers[0]} inputs; the scene draws networks on 2-D data (train spiral, circles-3, moons-relu, ...)"
    if not manifest["dataset"].get("warp_grid"):
        return "has no recorded warps: its data set description names no warp_grid (see nnexplain.datasets.toy2d.warp_grid_spec)"
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


def linear_curve_regression(manifest: dict[str, Any]) -> str | None:
    """The companion run of ``relu-sine``: the same kind of network with no activation."""
    reason = _curve_regression(manifest)
    if reason is None and manifest["activation"] != "identity":
        return f"uses activation {manifest['activation']!r}; the linear companion run needs 'identity' (no activation)"
    return reason


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
            "a 2-D classifier folds its input plane, layer by layer, until one straight line separates the classes",
            _folding,
        ),
        SceneInfo(
            "linear-collapse",
            "nnexplain.scenes.linear_collapse",
            "LinearCollapse",
            "spiral-linear",
            "linear layers without activation amount to one matrix: grid lines stay straight, the boundary a line",
            _linear,
        ),
        SceneInfo(
            "lift",
            "nnexplain.scenes.lift",
            "Lift",
            "circles-3",
            "three hidden units lift a disk out of its ring into 3-D, where a plane separates them; two units cannot",
            _lifting,
            also_needs=("circles-2",),
        ),
        SceneInfo(
            "relu-sine",
            "nnexplain.scenes.relu_sine",
            "ReluSine",
            "sine-relu",
            "without an activation a network fits sin x with a line; with ReLU, hinges add up to the wave",
            _relu_curve_regression,
            also_needs=("sine-linear",),
        ),
        SceneInfo(
            "relu-square",
            "nnexplain.scenes.relu_square",
            "ReluSquare",
            "square-relu-3",
            "three ReLU hinges build x² piece by piece",
            _relu_curve_regression,
        ),
    ]
}


def get_scene(name: str) -> SceneInfo:
    try:
        return SCENES[name]
    except KeyError:
        raise NnexplainError(f"unknown scene {name!r}; choose one of: {', '.join(SCENES)}") from None


def check_run_suits(info: SceneInfo, manifest: dict[str, Any], where: str) -> None:
    reason = info.check(manifest)
    if reason:
        raise RunError(f"scene {info.name!r} cannot draw run {where}: it {reason}")
