"""``depth``: why depth, not just width? One wide ReLU layer against three narrow ones, the same budget, several seeds.

The main run is the deep fit of sin 3πx (``waves-deep``, seed 0). Every other run is a
further run by role: ``wide`` (``waves-wide``), the other seeds of both (``deep-seed1``,
``wide-seed1``, ...), and the 2-D pair on a three-turn spiral (``spiral-deep``,
``spiral-wide``, ``spiral-deep-seed1``, ...). Seeds are the recipes' ``NAME@SEED`` form.
"""

from __future__ import annotations

from typing import Any

from nnexplain.geometry.depth import SEEDS
from nnexplain.run.network import Network
from nnexplain.scenes.base.checks import relu_curve_regression, warps
from nnexplain.scenes.base.spec import FurtherRun, SceneSpec

BUDGET_TOLERANCE = 0.10  # the wide and the deep network's parameter counts differ by at most this fraction


def _hidden_layers(manifest: dict[str, Any]) -> int:
    return len(manifest["layers"]) - 2


def _parameters(manifest: dict[str, Any]) -> int:
    return Network.from_manifest(manifest).parameter_count


def deep_curve(manifest: dict[str, Any]) -> str | None:
    """A 1-…-1 ReLU regression with at least two hidden layers (the deep fit, the main run)."""
    reason = relu_curve_regression(manifest)
    if reason is None and _hidden_layers(manifest) < 2:
        return "has one hidden layer; the deep fit needs two or more"
    return reason


def _same_curve(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    if manifest["dataset"].get("function") != main["dataset"].get("function"):
        return f"fits {manifest['dataset'].get('formula')!r}, not the main run's {main['dataset'].get('formula')!r}"
    if manifest["dataset"].get("domain") != main["dataset"].get("domain"):
        return (
            f"was sampled on {manifest['dataset'].get('domain')}, not on the main run's {main['dataset'].get('domain')}"
        )
    return None


def wide_curve(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """One hidden ReLU layer on the main run's curve, with the main run's parameter budget (±10%)."""
    reason = relu_curve_regression(manifest) or _same_curve(manifest, main)
    if reason is None and _hidden_layers(manifest) != 1:
        return f"has {_hidden_layers(manifest)} hidden layers; the wide fit has one"
    if reason is None and abs(_parameters(manifest) / _parameters(main) - 1) > BUDGET_TOLERANCE:
        return f"has {_parameters(manifest)} parameters; the main run has {_parameters(main)} (within 10% needed)"
    return reason


def deep_curve_seed(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """Another seed of the deep fit: the main run's shape and curve."""
    reason = deep_curve(manifest) or _same_curve(manifest, main)
    if reason is None and manifest["layers"] != main["layers"]:
        return f"is a {manifest['layers']} network; the main run is {main['layers']}"
    return reason


def _relu_plane(manifest: dict[str, Any]) -> str | None:
    reason = warps(manifest)
    if reason is None and manifest["activation"] != "relu":
        return f"uses activation {manifest['activation']!r}; the 2-D pair is ReLU"
    return reason


def deep_plane(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """The 2-D deep network: a two-class ReLU classifier of points with two or more hidden layers."""
    reason = _relu_plane(manifest)
    if reason is None and _hidden_layers(manifest) < 2:
        return "has one hidden layer; the deep 2-D network needs two or more"
    return reason


def wide_plane(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """The 2-D wide network: a two-class ReLU classifier of points with one hidden layer."""
    reason = _relu_plane(manifest)
    if reason is None and _hidden_layers(manifest) != 1:
        return f"has {_hidden_layers(manifest)} hidden layers; the wide 2-D network has one"
    return reason


def _seeded(recipe: str, seed: int) -> str:
    return recipe if seed == 0 else f"{recipe}@{seed}"


def _role(name: str, seed: int) -> str:
    return name if seed == 0 else f"{name}-seed{seed}"


def _further_runs() -> tuple[FurtherRun, ...]:
    runs = []
    for seed in SEEDS:
        if seed:
            runs.append(FurtherRun(_role("deep", seed), _seeded("waves-deep", seed), "the deep fit", deep_curve_seed))
        runs.append(FurtherRun(_role("wide", seed), _seeded("waves-wide", seed), "the wide fit", wide_curve))
    for seed in SEEDS:
        runs.append(
            FurtherRun(_role("spiral-deep", seed), _seeded("spiral3-deep", seed), "the deep spiral net", deep_plane)
        )
        runs.append(
            FurtherRun(_role("spiral-wide", seed), _seeded("spiral3-wide", seed), "the wide spiral net", wide_plane)
        )
    return tuple(runs)


SPEC = SceneSpec(
    name="depth",
    module="nnexplain.scenes.depth",
    class_name="Depth",
    question="Why depth, not just width, when one wide hidden layer can already fit any curve?",
    description="one wide ReLU layer against three narrow ones, same parameter budget, several seeds, 1-D and 2-D",
    recipe="waves-deep",
    check=deep_curve,
    order=68,
    further=_further_runs(),
)
