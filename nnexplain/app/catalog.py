"""The built-in scenes, collected from their specs without importing manim.

``nnexplain list`` and the argument checks of ``nnexplain render`` read this
table, so they stay fast; the scene module is imported only to render. Each scene
declares what it needs beside itself, in ``nnexplain/scenes/specs/<module>.py``
(:class:`~nnexplain.scenes.base.spec.SceneSpec`): the recipe of its default run, which
runs it can draw, the further runs it reads beside its main run (each by a role, with
its own default recipe and check). The catalog finds every spec module there, so a new
scene needs no line here. :mod:`nnexplain.app.runs` resolves and checks the runs.
"""

from __future__ import annotations

import pkgutil
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from nnexplain.errors import NnexplainError, RunError
from nnexplain.scenes.base.spec import FurtherCheck, FurtherRun, RunCheck, SceneSpec, layer_kinds_refusal

__all__ = [
    "RunCheck",
    "FurtherCheck",
    "FurtherRun",
    "SceneInfo",
    "SCENES",
    "discover_specs",
    "catalog_of",
    "get_scene",
    "scene_info_of",
    "check_run_suits",
]

SPECS_PACKAGE = "nnexplain.scenes.specs"


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
    question: str = ""  # what a learner asks that the scene answers ("" for a scene of your own without one)
    layer_kinds: tuple[str, ...] | None = None  # the layer kinds it draws in its main run; None: any (your own scene)

    @classmethod
    def from_spec(cls, spec: SceneSpec) -> "SceneInfo":
        return cls(
            spec.name,
            spec.module,
            spec.class_name,
            spec.recipe,
            spec.description,
            spec.check,
            spec.further,
            spec.needs_landscape,
            spec.question,
            spec.layer_kinds,
        )

    def load_class(self) -> type:
        return getattr(import_module(self.module), self.class_name)

    def further_run(self, role: str) -> FurtherRun:
        for spec in self.further:
            if spec.role == role:
                return spec
        roles = ", ".join(spec.role for spec in self.further) or "none"
        raise NnexplainError(f"scene {self.name!r} reads no {role!r} run; its further runs: {roles}")


def discover_specs(package: str = SPECS_PACKAGE) -> list[SceneSpec]:
    """The ``SPEC`` of every module in ``package``, in course order (then by name)."""
    found = []
    for module in pkgutil.iter_modules(import_module(package).__path__):
        spec = getattr(import_module(f"{package}.{module.name}"), "SPEC", None)
        if not isinstance(spec, SceneSpec):
            raise NnexplainError(f"spec module {package}.{module.name} defines no SPEC = SceneSpec(...)")
        found.append(spec)
    return sorted(found, key=lambda spec: (spec.order, spec.name))


def catalog_of(specs: list[SceneSpec]) -> dict[str, SceneInfo]:
    """Scene name -> entry, in the order given; two specs of one name are a mistake, told at import."""
    catalog: dict[str, SceneInfo] = {}
    for spec in specs:
        if spec.name in catalog:
            modules = f"{catalog[spec.name].module}, {spec.module}"
            raise NnexplainError(f"two scene specs are named {spec.name!r} ({modules})")
        catalog[spec.name] = SceneInfo.from_spec(spec)
    return catalog


SCENES: dict[str, SceneInfo] = catalog_of(discover_specs())


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
    reason = layer_kinds_refusal(manifest, info.layer_kinds) or info.check(manifest)
    if reason:
        raise RunError(f"scene {info.name!r} cannot draw run {where}: it {reason}")
