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
