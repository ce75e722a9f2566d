"""``neuron-maps``: every neuron of a 2-D network as a map of the input plane, over training."""

from typing import Any

from nnexplain.run.activations import ALL_ACTIVATIONS
from nnexplain.scenes.base.checks import history
from nnexplain.scenes.base.spec import SceneSpec

NEURON_MAP_WIDTH = 8


def neuron_maps(manifest: dict[str, Any]) -> str | None:
    """A 2-D two-class classifier with history, each layer at most 8 wide."""
    layers = manifest["layers"]
    if layers[0] != 2:
        return (
            f"takes {layers[0]} inputs; "
            "the scene maps neurons over a 2-D input plane (train moons-overfit, spiral, ...)"
        )
    if manifest["output"] != "softmax" or layers[-1] != 2:
        return (
            f"ends in {layers[-1]} {manifest['output']} outputs; "
            "the scene needs a two-class classifier (softmax over 2)"
        )
    if max(layers[1:-1], default=0) > NEURON_MAP_WIDTH:
        return f"has a layer of {max(layers[1:-1])} units; the scene draws layers up to {NEURON_MAP_WIDTH} wide"
    if manifest["activation"] not in ALL_ACTIVATIONS:
        return f"uses activation {manifest['activation']!r}; the scene needs sigmoid, tanh, relu or identity"
    return history(manifest)


SPEC = SceneSpec(
    name="neuron-maps",
    module="nnexplain.scenes.neuron_maps",
    class_name="NeuronMaps",
    question="What does each neuron of a small network compute, over training?",
    description=(
        "every neuron of a 2-D network as a map of the input plane; training paced by how much the maps change; "
        "the training points an overfitting run bends around"
    ),
    recipe="moons-overfit",
    check=neuron_maps,
    order=90,
)
