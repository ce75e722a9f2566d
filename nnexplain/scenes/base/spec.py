"""What a scene needs beside itself, declared next to it and read without importing manim.

Each built-in scene has a spec module, ``nnexplain/scenes/specs/<scene module>.py``,
defining ``SPEC = SceneSpec(...)``: the scene's name and class, the question it answers,
the recipe of its default run and which runs it can draw, and the further runs it reads
by role. The application's catalog (:mod:`nnexplain.app.catalog`) collects every spec
module it finds there, so adding a scene means adding its module and its spec::

    SPEC = SceneSpec(
        name="relu-square",
        module="nnexplain.scenes.relu_square",
        class_name="ReluSquare",
        question="How do ReLU units build a curve?",
        description="three ReLU hinges build x² piece by piece",
        recipe="square-relu-3",
        check=relu_curve_regression,
        order=60,
    )

A check is a named module-level function (so that a scene's entry pickles for worker
processes): it reads a run's manifest and returns None when the scene can draw the run,
else why not, completing the sentence "this run ...".

``layer_kinds`` names the layer kinds (:mod:`nnexplain.run.layers`) the scene can draw; a
run with a layer of another kind is refused in one line before its check is asked
(by default a scene draws dense layers only: every scene before the convolutional ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["RunCheck", "FurtherCheck", "FurtherRun", "SceneSpec", "layer_kinds_refusal"]

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
    layer_kinds: tuple[str, ...] = ("dense",)  # the layer kinds the scene can draw in this run

    @property
    def environment_variable(self) -> str:
        return f"NNEXPLAIN_{self.role.upper().replace('-', '_')}_RUN"


@dataclass(frozen=True)
class SceneSpec:
    """A built-in scene as the application sees it before importing it."""

    name: str  # as typed after `nnexplain render`; the scene class's scene_name
    module: str
    class_name: str
    question: str  # the one question a learner asks that the scene answers
    description: str  # what the scene shows, in one line
    recipe: str | None  # trains the default main run; None: the scene has none (it needs --run)
    check: RunCheck  # which main runs it can draw
    order: int  # its place in `nnexplain list` and `render all`: the course order (steps of 10 leave room)
    further: tuple[FurtherRun, ...] = ()
    needs_landscape: bool = False  # the app stores the main run's loss landscape before the scene renders
    layer_kinds: tuple[str, ...] = ("dense",)  # the layer kinds it can draw in its main run


def layer_kinds_refusal(manifest: dict[str, Any], kinds: tuple[str, ...] | None) -> str | None:
    """Why a scene that draws layers of ``kinds`` (None: any) cannot draw the run of ``manifest``, or None."""
    if kinds is None:
        return None
    entries = manifest.get("network") or [{"kind": "dense"}]  # no network list: a plain MLP
    present = list(dict.fromkeys(str(entry.get("kind")) for entry in entries))
    others = [kind for kind in present if kind not in kinds]
    if not others:
        return None
    return f"has {_listed(others)} layers, and this scene draws only {_listed(list(kinds))} layers"


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
