"""Your own digit through a run (``nnexplain render neurons --input digit.png``), on the app floor.

The picture is read and prepared as MNIST was made (:mod:`nnexplain.data.own_digit`), checked
against the scene and its run, and handed to the scene inside its
:class:`~nnexplain.scenes.base.runs.SceneRuns`: the main run seen with the digit appended to
its probe, its activations computed from the run's weights like any probe item's.
Scenes never read the file.
"""

from __future__ import annotations

from pathlib import Path

from nnexplain.app.catalog import SceneInfo
from nnexplain.data.own_digit import PreparedDigit, load_digit
from nnexplain.errors import NnexplainError
from nnexplain.scenes.base.runs import SceneRuns

__all__ = ["OWN_DIGIT_SCENES", "NEEDS_LABEL", "read_own_digit", "with_own_digit"]

OWN_DIGIT_SCENES = ("neurons", "softmax", "backprop", "hidden-features")
NEEDS_LABEL = ("backprop",)  # its walkthrough is the loss against the digit's true label


def read_own_digit(scene: str, image: str | Path) -> PreparedDigit:
    """The digit in ``image`` for ``scene``, prepared as MNIST's were; checked before any run is found or trained."""
    if scene not in OWN_DIGIT_SCENES:
        raise NnexplainError(f"--input feeds your own digit to {', '.join(OWN_DIGIT_SCENES)}; not to {scene}")
    return load_digit(image)


def with_own_digit(info: SceneInfo, runs: SceneRuns, digit: PreparedDigit, label: int | None = None) -> SceneRuns:
    """``runs`` with ``digit`` appended to the main run's probe; one-line errors for what cannot be."""
    run = runs.main
    if list(run.dataset.get("input_shape") or []) != [28, 28]:
        raise NnexplainError(
            f"--input: run {run.path} reads {run.layers[0]} inputs, not 28×28 images like MNIST's; "
            "give a run trained on MNIST-style digits"
        )
    classes = run.layers[-1]
    if label is not None and not 0 <= label < classes:
        raise NnexplainError(f"--label {label}: the run's classes are 0 to {classes - 1}")
    if label is None and info.name in NEEDS_LABEL:
        raise NnexplainError(
            f"{info.name} walks back from the loss against your digit's true label: say which digit it is with --label"
        )
    return runs.with_own_digit(digit, label)
