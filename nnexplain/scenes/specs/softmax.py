"""``softmax``: a classifier's real logits turned into probabilities."""

from nnexplain.scenes.base.checks import image_classifier
from nnexplain.scenes.base.spec import SceneSpec

SPEC = SceneSpec(
    name="softmax",
    module="nnexplain.scenes.softmax",
    class_name="Softmax",
    question="What does softmax do, and why is it there?",
    description=(
        "a classifier's real logits exponentiated (on a ×10 axis, order kept) and divided by their sum; p(class) "
        "against its logit beside argmax's step; the cross-entropy and its slope p − y, where backprop starts"
    ),
    recipe="mnist",
    check=image_classifier,
    order=100,
)
