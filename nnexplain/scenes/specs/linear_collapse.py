"""``linear-collapse``: without activations, layers amount to one matrix."""

from typing import Any

from nnexplain.scenes.base.checks import warps
from nnexplain.scenes.base.spec import SceneSpec


def linear(manifest: dict[str, Any]) -> str | None:
    """:func:`~nnexplain.scenes.base.checks.warps` of a network with no activation."""
    if manifest["activation"] != "identity":
        return (
            f"uses activation {manifest['activation']!r}; the scene needs a purely linear network (activation identity)"
        )
    return warps(manifest)


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
)
