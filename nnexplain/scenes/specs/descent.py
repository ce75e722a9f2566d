"""``descent``: downhill on the run's own loss."""

from typing import Any

from nnexplain.run.activations import OUTPUT_FUNCTIONS
from nnexplain.run.landscape import landscape_refusal
from nnexplain.scenes.base.spec import SceneSpec


def training_path(manifest: dict[str, Any]) -> str | None:
    """A run whose loss landscape is stored, or can be: a recorded path of at least three snapshots."""
    if manifest["output"] not in OUTPUT_FUNCTIONS:
        return f"has {manifest['output']} output; the scene knows the losses of softmax and identity outputs"
    return landscape_refusal(manifest)


SPEC = SceneSpec(
    name="descent",
    module="nnexplain.scenes.descent",
    class_name="Descent",
    question="How does a network learn by gradient steps on its own loss?",
    description=(
        "downhill on the run's own loss: one weight's slope, the landscape under the training path, mini-batches"
    ),
    recipe="mnist",
    check=training_path,
    order=120,
    needs_landscape=True,
)
