"""``training``: decision regions and learning curves over training, and overfitting."""

from typing import Any

from nnexplain.scenes.base.checks import history, image_side
from nnexplain.scenes.base.spec import SceneSpec


def learning(manifest: dict[str, Any]) -> str | None:
    """A classifier with history; its left panel is the plane (2-D input) or the probe images."""
    layers = manifest["layers"]
    if manifest["output"] != "softmax":
        return f"has {manifest['output']} output; the scene draws a classifier's accuracy and decision regions"
    if layers[0] != 2 and image_side(manifest) is None:
        return f"takes {layers[0]} inputs; the scene draws 2-D points or square images"
    return history(manifest)


SPEC = SceneSpec(
    name="training",
    module="nnexplain.scenes.training",
    class_name="Training",
    question="What happens over an epoch, and when does a network start to overfit?",
    description=(
        "decision regions and learning curves over training, the two passes of an epoch, overfitting, error rate"
    ),
    recipe="moons-overfit",
    check=learning,
    order=80,
)
