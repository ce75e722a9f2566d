"""``hidden-features``: the first layer's weight images, over training and up close."""

from typing import Any

from nnexplain.run.activations import HIDDEN_ACTIVATIONS
from nnexplain.scenes.base.checks import image_classifier
from nnexplain.scenes.base.spec import SceneSpec

MAX_UNITS = 16  # drawn as a 4 × 4 grid


def first_layer_images(manifest: dict[str, Any]) -> str | None:
    """An image classifier with a hidden layer whose weight vectors are images, 16 units at most (a 4 × 4 grid)."""
    reason = image_classifier(manifest)
    layers = manifest["layers"]
    if reason is None and len(layers) < 3:
        reason = "has no hidden layer; the scene draws the first hidden layer's weights"
    if reason is None and layers[1] > MAX_UNITS:
        reason = f"has {layers[1]} units in its first hidden layer; the scene draws at most {MAX_UNITS} (a 4 × 4 grid)"
    if reason is None and manifest["activation"] not in HIDDEN_ACTIVATIONS:
        reason = f"uses activation {manifest['activation']!r}; the scene needs sigmoid, tanh or relu"
    return reason


SPEC = SceneSpec(
    name="hidden-features",
    module="nnexplain.scenes.hidden_features",
    class_name="HiddenFeatures",
    question="How does the first layer construct its features, and what are they?",
    description="the first layer's 16 weight images over training, what they really are, and one neuron's weighted sum",
    recipe="mnist",
    check=first_layer_images,
    order=70,
)
