"""``training``: decision regions and learning curves over training, and overfitting."""

from typing import Any

from nnexplain.scenes.base.checks import history, image_side
from nnexplain.scenes.base.spec import FurtherRun, SceneSpec


def learning(manifest: dict[str, Any]) -> str | None:
    """A classifier with history; its left panel is the plane (2-D input) or the probe images."""
    layers = manifest["layers"]
    if manifest["output"] != "softmax":
        return f"has {manifest['output']} output; the scene draws a classifier's accuracy and decision regions"
    if layers[0] != 2 and image_side(manifest) is None:
        return f"takes {layers[0]} inputs; the scene draws 2-D points or square images"
    return history(manifest)


def digits_companion(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """The ``digits`` run: a classifier whose validation accuracy over epochs is counted in mistakes."""
    if manifest["output"] != "softmax":
        return f"has {manifest['output']} output; the error rate is counted on a classifier's validation items"
    if not (manifest.get("dataset") or {}).get("val"):
        return "does not say how many validation items it has; its mistakes cannot be counted"
    return history(manifest)


SPEC = SceneSpec(
    name="training",
    module="nnexplain.scenes.training",
    class_name="Training",
    question="What happens in an epoch, and when does a network start to overfit?",
    description=(
        "the two passes of an epoch, update by update; learning curves over training, overfitting; "
        "the error rate counted in mistakes"
    ),
    recipe="moons-overfit",
    check=learning,
    order=80,
    further=(
        FurtherRun("digits", "mnist", "a digit classifier whose validation mistakes are counted", digits_companion),
    ),
)
