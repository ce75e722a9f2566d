"""``fold``: each layer moves the plane until one straight line separates the classes."""

from nnexplain.scenes.base.checks import folding
from nnexplain.scenes.base.spec import SceneSpec

SPEC = SceneSpec(
    name="fold",
    module="nnexplain.scenes.fold",
    class_name="Fold",
    question="What does a hidden layer do to its input?",
    description=(
        "a 2-D classifier moves its input plane layer by layer (tanh and sigmoid stretch and squash, ReLU folds) "
        "until one straight line separates the classes; a failing run is told as a failure"
    ),
    recipe="spiral",
    check=folding,
    order=20,
)
