"""``lift``: three hidden units lift a disk out of its ring; two units cannot."""

from typing import Any

from nnexplain.scenes.base.checks import folding
from nnexplain.scenes.base.spec import FurtherRun, SceneSpec


def lifting(manifest: dict[str, Any]) -> str | None:
    """:func:`~nnexplain.scenes.base.checks.folding` with three units in the first hidden layer (a 3-D lift)."""
    layers = manifest["layers"]
    if len(layers) < 3 or layers[1] != 3:
        shape = "-".join(map(str, layers))
        return f"is a {shape} network; the scene needs three units in the first hidden layer (2-3-…, like circles-3)"
    return folding(manifest)


def two_unit_contrast(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """The ``contrast`` run: one hidden layer of two units on 2-D data."""
    layers = manifest["layers"]
    if len(layers) != 3 or layers[1] != 2:
        shape = "-".join(map(str, layers))
        return f"is a {shape} network; the contrast needs one hidden layer of 2 units (circles-2)"
    return folding(manifest)


SPEC = SceneSpec(
    name="lift",
    module="nnexplain.scenes.lift",
    class_name="Lift",
    question="Why can a wider layer separate what a narrower one cannot?",
    description=(
        "three hidden units lift a disk out of its ring into 3-D, where a plane separates them; two units cannot"
    ),
    recipe="circles-3",
    check=lifting,
    order=40,
    further=(
        FurtherRun("contrast", "circles-2", "the two-unit network whose boundary cannot close", two_unit_contrast),
    ),
)
