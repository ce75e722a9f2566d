"""``filters``: what a CNN's first layer learns, measured, set against an MLP's first-layer weights."""

from typing import Any

from nnexplain.scenes.base.checks import image_classifier
from nnexplain.scenes.base.spec import FurtherRun, SceneSpec

MAX_UNITS = 16  # the MLP's weight images drawn in one row with the kernels


def first_conv_on_one_channel(manifest: dict[str, Any]) -> str | None:
    """An image classifier whose first layer is a square conv2d reading one channel, stride 1, no padding."""
    reason = image_classifier(manifest)
    network = manifest.get("network") or []
    first = network[0] if network else {}
    if reason is None and first.get("kind") != "conv2d":
        reason = "does not begin with a conv2d layer; the scene draws the first layer's kernels"
    if reason is None and len(manifest["dataset"].get("input_shape") or []) != 2:
        reason = "does not take one-channel images; the scene draws each kernel as one 2-D picture"
    if reason is None and (first.get("stride", 1) not in (1, [1, 1]) or first.get("padding", 0) not in (0, [0, 0])):
        reason = "has a first conv2d layer with stride or padding; the scene places each kernel's patch at stride 1"
    if reason is None and first.get("channels", 0) > MAX_UNITS:
        reason = f"has {first.get('channels')} kernels in its first layer; the scene draws at most {MAX_UNITS}"
    return reason


def mlp_companion(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """The ``mlp`` run (dense layers only, by its layer kinds): a network on the main run's data set, with at most 16 first-layer units."""
    reason = image_classifier(manifest)
    if reason is None and len(manifest["layers"]) < 3:
        reason = "has no hidden layer; the scene draws the MLP's first hidden layer's weight images"
    if reason is None and manifest["layers"][1] > MAX_UNITS:
        reason = f"has {manifest['layers'][1]} first-layer units; the scene draws at most {MAX_UNITS}"
    if reason is None and manifest["dataset"].get("name") != main["dataset"].get("name"):
        reason = (
            f"was trained on {manifest['dataset'].get('name')!r}, not the main run's {main['dataset'].get('name')!r}"
        )
    if reason is None and manifest["dataset"].get("input_shape") != main["dataset"].get("input_shape"):
        reason = "takes images of another size than the main run's"
    return reason


SPEC = SceneSpec(
    name="filters",
    module="nnexplain.scenes.filters",
    class_name="Filters",
    question="What do a CNN's first-layer kernels learn?",
    description="a CNN's first-layer kernels over training, what each responds to (measured), against an MLP's weights",
    recipe="cnn-mnist",
    check=first_conv_on_one_channel,
    order=106,
    layer_kinds=("conv2d", "maxpool2d", "flatten", "dense"),
    further=(FurtherRun("mlp", "mlp-mnist-6k", "an MLP of about the same parameter count", mlp_companion),),
)
