"""``linear-collapse``: without activations, layers amount to one matrix."""

from typing import Any

from nnexplain.scenes.base.checks import folding, warps
from nnexplain.scenes.base.spec import FurtherRun, SceneSpec


def linear(manifest: dict[str, Any]) -> str | None:
    """:func:`~nnexplain.scenes.base.checks.warps` of a network with no activation."""
    if manifest["activation"] != "identity":
        return (
            f"uses activation {manifest['activation']!r}; the scene needs a purely linear network (activation identity)"
        )
    return warps(manifest)


SAME_DATA = ("name", "source", "generation_seed", "train", "val")


def nonlinear_on_the_same_data(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """The ``nonlinear`` run: a network with an activation, trained on the main run's data."""
    if manifest["activation"] == "identity":
        return "has no activation; the comparison needs a network with one (tanh, like the spiral recipe)"
    if any(manifest["dataset"].get(key) != main["dataset"].get(key) for key in SAME_DATA):
        return f"was trained on other data ({manifest['dataset'].get('name')}), not the main run's"
    return folding(manifest)


SPEC = SceneSpec(
    name="linear-collapse",
    module="nnexplain.scenes.linear_collapse",
    class_name="LinearCollapse",
    question="Why do we need a nonlinearity?",
    description=(
        "linear layers only turn, stretch and shear, and amount to one matrix: the boundary stays a straight line"
    ),
    recipe="spiral-linear",
    check=linear,
    order=30,
    further=(
        FurtherRun(
            "nonlinear",
            "spiral",
            "the tanh network on the same data, shown side by side at the end",
            nonlinear_on_the_same_data,
        ),
    ),
)
