"""``backprop``: one digit's wishes passed backwards through the real weights."""

from nnexplain.scenes.base.checks import mnist_classifier
from nnexplain.scenes.base.spec import SceneSpec

SPEC = SceneSpec(
    name="backprop",
    module="nnexplain.scenes.backprop",
    class_name="Backprop",
    question="How does one digit's error reach every weight?",
    description=(
        "one digit's wishes passed backwards through the real weights, each edge its real gradient; one mini-batch step"
    ),
    recipe="mnist",
    check=mnist_classifier,
    order=130,
)
