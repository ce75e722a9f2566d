"""Run checks that several scenes' specs share: which runs a scene can draw, read from the manifest alone.

Each returns None when the run suits, else why not, completing "this run ..." (see
:mod:`nnexplain.scenes.base.spec`). A check only one scene uses lives in that scene's
spec module. Nothing here imports manim or torch.
"""

from __future__ import annotations

from typing import Any

from nnexplain.run.activations import HIDDEN_ACTIVATIONS

__all__ = [
    "MAX_HIDDEN_COLUMNS",
    "mnist_classifier",
    "warps",
    "folding",
    "curve_regression",
    "relu_curve_regression",
    "image_side",
    "image_classifier",
    "history",
]

MAX_HIDDEN_COLUMNS = 8  # neurons, backprop: more columns than this crowd the frame's width (their numbers touch)


def _shape(manifest: dict[str, Any]) -> str:
    return "-".join(map(str, manifest["layers"]))


def mnist_classifier(manifest: dict[str, Any]) -> str | None:
    """A 784-…-10 softmax classifier with a squashing or ReLU activation, drawn column by column."""
    layers = manifest["layers"]
    if layers[0] != 784 or layers[-1] != 10 or manifest["output"] != "softmax":
        return (
            f"is a {_shape(manifest)} network with {manifest['output']} output; "
            "the scene needs a 784-…-10 MNIST classifier"
        )
    if manifest["activation"] not in HIDDEN_ACTIVATIONS:
        return f"uses activation {manifest['activation']!r}; the scene needs sigmoid, tanh or relu"
    if len(layers) - 2 > MAX_HIDDEN_COLUMNS:
        return f"has {len(layers) - 2} hidden layers; the scene lays out at most {MAX_HIDDEN_COLUMNS} side by side"
    return None


def warps(manifest: dict[str, Any]) -> str | None:
    """A two-class classifier of 2-D points whose run recorded how each layer moves a grid."""
    layers = manifest["layers"]
    if layers[0] != 2:
        return (
            f"takes {layers[0]} inputs; the scene draws networks on 2-D data (train spiral, circles-3, moons-relu, ...)"
        )
    if not manifest["dataset"].get("warp_grid"):
        return (
            "has no recorded warps: its data set description names no warp_grid "
            "(see nnexplain.data.toy2d.warp_grid_spec)"
        )
    if manifest["output"] != "softmax" or layers[-1] != 2:
        return (
            f"ends in {layers[-1]} {manifest['output']} outputs; "
            "the scene needs a two-class classifier (softmax over 2)"
        )
    return None


def folding(manifest: dict[str, Any]) -> str | None:
    """:func:`warps`, with hidden layers that bend the plane (a squashing or ReLU activation)."""
    if manifest["activation"] not in HIDDEN_ACTIVATIONS:
        return f"uses activation {manifest['activation']!r}; the scene needs sigmoid, tanh or relu hidden layers"
    return warps(manifest)


def curve_regression(manifest: dict[str, Any]) -> str | None:
    """A 1-input, 1-output regression whose data set description says where to sample its curve."""
    layers, task = manifest["layers"], manifest["dataset"].get("task")
    if layers[0] != 1 or layers[-1] != 1 or task != "regress" or manifest["output"] != "identity":
        return (
            f"is a {_shape(manifest)} {task} network with {manifest['output']} output; "
            "the scene needs a 1-…-1 regression"
        )
    if len(layers) < 3:
        return "has no hidden layer; the scene draws the contributions of hidden units"
    if "domain" not in manifest["dataset"]:
        return "has no 'domain' [low, high] in its data set description, so its curve was not sampled"
    return None


def relu_curve_regression(manifest: dict[str, Any]) -> str | None:
    """:func:`curve_regression` with ReLU units, whose hinges the scene draws."""
    reason = curve_regression(manifest)
    if reason is None and manifest["activation"] != "relu":
        return f"uses activation {manifest['activation']!r}; the scene shows ReLU hinges and needs relu"
    return reason


def image_side(manifest: dict[str, Any]) -> int | None:
    """The side of a square image input, or None: only a data set that says its inputs are images (a 2-D
    ``input_shape``) has them drawn as one; four measurements are no 2 × 2 picture."""
    shape = manifest["dataset"].get("input_shape") or []
    return int(shape[0]) if len(shape) == 2 and shape[0] == shape[1] else None


def image_classifier(manifest: dict[str, Any]) -> str | None:
    """A classifier of images (its logits as bars, its inputs as pictures)."""
    layers = manifest["layers"]
    if manifest["output"] != "softmax" or layers[-1] < 3:
        return (
            f"ends in {layers[-1]} {manifest['output']} outputs; "
            "the scene needs a classifier of 3 classes or more (softmax output)"
        )
    if image_side(manifest) is None:
        return (
            f"takes {layers[0]} inputs, which its data set does not give as a square image; the scene draws its inputs "
            "as images (MNIST: 28 × 28)"
        )
    return None


def history(manifest: dict[str, Any]) -> str | None:
    """At least two snapshots with validation metrics: something to draw over time."""
    snapshots = manifest["snapshots"]
    if len(snapshots) < 2:
        where = "was imported from a weights file" if manifest.get("imported_from") else "has only one"
        return (
            f"has {len(snapshots)} snapshot{'s' * (len(snapshots) != 1)}: it {where}; "
            "the scene needs a run with at least 2 snapshots (train one)"
        )
    if not all((entry.get("metrics") or {}).get("val_loss") is not None for entry in snapshots):
        return "records no val_loss in some snapshots (or a NaN one); the scene draws training against validation"
    return None
