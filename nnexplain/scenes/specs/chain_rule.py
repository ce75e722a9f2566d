"""``chain-rule``: ∂C/∂w along a chain of one neuron per layer."""

from typing import Any

from nnexplain.run.activations import HIDDEN_ACTIVATIONS
from nnexplain.scenes.base.spec import SceneSpec


def one_neuron_chain(manifest: dict[str, Any]) -> str | None:
    """A regression of one neuron per layer with at least two layers of weights."""
    layers = manifest["layers"]
    if any(size != 1 for size in layers) or len(layers) < 3:
        shape = "-".join(map(str, layers))
        return f"is a {shape} network; the scene needs one neuron per layer and a hidden layer (1-1-1-1, like chain)"
    if manifest["output"] != "identity":
        return f"has {manifest['output']} output; the scene needs a regression (squared-error cost)"
    if manifest["activation"] not in HIDDEN_ACTIVATIONS:
        return f"uses activation {manifest['activation']!r}; the scene needs sigmoid, tanh or relu"
    return None


SPEC = SceneSpec(
    name="chain-rule",
    module="nnexplain.scenes.chain_rule",
    class_name="ChainRule",
    question="Why is ∂C/∂w a product along the network?",
    description="one neuron per layer: ∂C/∂w is a product along the chain, checked by nudging the weight",
    recipe="chain",
    check=one_neuron_chain,
    order=110,
)
