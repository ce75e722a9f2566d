"""``neurons``: a trained MNIST network lights up, layer by layer."""

from nnexplain.scenes.base.checks import mnist_classifier
from nnexplain.scenes.base.spec import SceneSpec

SPEC = SceneSpec(
    name="neurons",
    module="nnexplain.scenes.neurons",
    class_name="Neurons",
    question="What does a trained network compute, layer by layer?",
    description="a trained MNIST network lights up, layer by layer, digit by digit",
    recipe="mnist",
    check=mnist_classifier,
    order=10,
)
