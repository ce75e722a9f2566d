"""``relu-square``: three ReLU hinges build x²."""

from nnexplain.scenes.base.checks import relu_curve_regression
from nnexplain.scenes.base.spec import SceneSpec

SPEC = SceneSpec(
    name="relu-square",
    module="nnexplain.scenes.relu_square",
    class_name="ReluSquare",
    question="How close can three hinges get to x²?",
    description="three ReLU hinges approximate x² piece by piece",
    recipe="square-relu-3",
    check=relu_curve_regression,
    order=60,
)
