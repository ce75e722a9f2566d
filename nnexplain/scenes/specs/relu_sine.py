"""``relu-sine``: a line cannot fit sin x; ReLU hinges add up to the wave."""

from typing import Any

from nnexplain.scenes.base.checks import curve_regression, relu_curve_regression
from nnexplain.scenes.base.spec import FurtherRun, SceneSpec


def linear_companion(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """The ``linear`` run: the same kind of network with no activation, on the main run's interval."""
    reason = curve_regression(manifest)
    if reason is None and manifest["activation"] != "identity":
        return f"uses activation {manifest['activation']!r}; the linear run needs 'identity' (no activation)"
    if reason is None and manifest["dataset"]["domain"] != main["dataset"].get("domain"):
        return f"was sampled on {manifest['dataset']['domain']}, not on the main run's {main['dataset'].get('domain')}"
    return reason


SPEC = SceneSpec(
    name="relu-sine",
    module="nnexplain.scenes.relu_sine",
    class_name="ReluSine",
    question="How does ReLU approximate a curve?",
    description="without an activation a network fits sin x with a line; with ReLU, hinges add up to the wave",
    recipe="sine-relu",
    check=relu_curve_regression,
    order=50,
    further=(
        FurtherRun("linear", "sine-linear", "the same network with no activation, fitted first", linear_companion),
    ),
)
