"""``convolution``: one real kernel sliding over a real digit, then the rest of a trained CNN to its probabilities."""

from typing import Any

from nnexplain.scenes.base.checks import image_classifier
from nnexplain.scenes.base.spec import SceneSpec


def first_conv_then_pool(manifest: dict[str, Any]) -> str | None:
    """An image classifier whose first layer convolves one channel and whose second pools, flattened to a dense end."""
    reason = image_classifier(manifest)
    kinds = [entry.get("kind") for entry in manifest.get("network") or []]
    if reason is None and kinds[:2] != ["conv2d", "maxpool2d"]:
        reason = "does not begin with a conv2d layer and a maxpool2d layer; the scene follows a kernel, then pooling"
    if reason is None and "flatten" not in kinds:
        reason = "has no flatten layer; the scene flattens the last maps into the dense layer"
    if reason is None and len(manifest["dataset"].get("input_shape") or []) != 2:
        reason = "does not take one-channel images; the scene draws the digit under the kernel"
    return reason


SPEC = SceneSpec(
    name="convolution",
    module="nnexplain.scenes.convolution",
    class_name="Convolution",
    question="What does a convolutional layer compute?",
    description="a real 5×5 kernel sliding over a real digit with its dot products; maps, ReLU, pooling, flatten, softmax",
    recipe="cnn-mnist",
    check=first_conv_then_pool,
    order=105,
    layer_kinds=("conv2d", "maxpool2d", "flatten", "dense"),
)
