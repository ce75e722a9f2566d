"""The narration of ``backprop``: each line a sentence of at most two caption rows, from the run's numbers.

One sign convention for the whole scene, said once (:meth:`Told.convention`): a *wish* is
−∂C/∂(the number), the way the number should move to lower this digit's loss C. Every
number said after it is a wish, never a raw gradient, so "+" always means "should rise"
(a weight: grow) and "−" always "should fall" (shrink).
"""

from __future__ import annotations

import numpy as np

from nnexplain.geometry.wishes import BatchStep, Gathering
from nnexplain.mobjects.wishes import signed

__all__ = ["Told", "SLOPES"]

SLOPES = {"sigmoid": "a(1−a)", "tanh": "1−a²", "relu": "ReLU′(z)"}
NAMES = {"sigmoid": "the sigmoid's", "tanh": "tanh's", "relu": "the ReLU's"}


def signed3(value: float) -> str:
    return signed(value, 3)


class Told:
    """Every line the scene narrates, worded from the numbers the scene draws."""

    def __init__(self, scene):
        self.scene = scene
        self.names = scene.names
        self.activation = scene.run.activation

    # --- the digit ----------------------------------------------------------

    def question(self) -> str:
        return "How does one digit's error reach every weight? Follow it backwards."

    def network(self) -> str:
        shape = "-".join(map(str, self.scene.run.layers))
        fact = self.scene.result_fact()
        return f"The trained {shape} {self.activation} network. {fact}." if fact else f"The trained {shape} network."

    def forward(self, true: int, own: bool) -> str:
        what = "Your digit" if own else "A validation digit"
        return f"{what} labelled {self.names[true]} goes forward."

    def verdict(self, said: int, sure: float, right: bool) -> str:
        return f"The network says {self.names[said]}, {100 * sure:.0f}% sure: {'right' if right else 'wrong'}."

    # --- the output's wishes -------------------------------------------------

    def slope(self, true: int, p_true: float) -> str:
        return f"The loss's slope at each output is p − y: for the {self.names[true]}, {p_true:.2f} − 1 = {signed(p_true - 1)}."

    def convention(self) -> str:
        return "Flip each sign: the wish, −∂C/∂z = y−p, says which way each output should move."

    def wishes(self, true: int, up: float, other: int, down: float) -> str:
        return f"Output {self.names[true]} up by {up:.2f} and {self.names[other]} down by {down:.2f}: the wish list."

    # --- the weights into the outputs ------------------------------------------

    def weight_rule(self) -> str:
        return "A weight's wish: the wish above it times the activation feeding it."

    def edge_colours(self) -> str:
        return "Green: the weight should grow. Violet: shrink. The wider, the stronger."

    def strongest(self, layer: int, source: int, target: int, a_in: float, wish: float) -> str:
        grow = "grow" if a_in * wish > 0 else "shrink"
        return (
            f"Largest: hidden {layer} neuron {source + 1} → output {self.names[target]}, "
            f"{a_in:.2f} × {signed(wish)} = {signed(a_in * wish)}: {grow}."
        )

    def dark(self, dim: float) -> str:
        return f"A dark neuron (a = {dim:.2f}) passes almost nothing, whatever the wish."

    # --- one hidden neuron gathers -----------------------------------------------

    def gather_question(self, layer: int, neuron: int, count: int) -> str:
        return f"Hidden {layer} neuron {neuron + 1} feeds all {count} outputs. Which way should it move?"

    def pull(self, gathering: Gathering, k: int, first: bool) -> str:
        w, wish, pull = gathering.weights[k], gathering.wishes[k], gathering.pulls[k]
        if first:
            return f"Output {self.names[k]} pulls by weight × wish: {signed(w)} × {signed(wish)} = {signed(pull)}."
        way = (
            "the same way" if np.sign(pull) == np.sign(gathering.pulls[self.first_pull(gathering)]) else "the other way"
        )
        return f"Output {self.names[k]} pulls {way}: {signed(w)} × {signed(wish)} = {signed(pull)}."

    @staticmethod
    def first_pull(gathering: Gathering) -> int:
        return int(np.argmax(np.abs(gathering.pulls)))

    def rest(self, count: int, total: float) -> str:
        return f"The other {count} outputs' pulls add up to {signed(total)}."

    def total(self, gathering: Gathering) -> str:
        return f"Summed: {signed(gathering.total)}, the wish for its activation, −∂C/∂a."

    def times_slope(self, gathering: Gathering) -> str:
        slope = SLOPES.get(self.activation, "f′(z)")
        name = NAMES.get(self.activation, "the activation's")
        return f"Times {name} slope {slope} = {gathering.slope:.2f}: its wish is {signed(gathering.wish)}."

    def every_neuron(self, layer: int) -> str:
        return f"Every neuron of hidden {layer} gathers its wish this way: its ring."

    # --- further back ----------------------------------------------------------

    def further(self, layer: int, top: float) -> str:
        return f"One layer back, the same two rules: hidden {layer}'s largest wish is {top:.2f}."

    def pixels(self) -> str:
        return "Down to the weights from the pixels: a black pixel (0) gives its weights no wish."

    # --- one step -------------------------------------------------------------

    def batch(self, size: int, run_batch: int | None) -> str:
        own = f" (the run's held {run_batch})" if run_batch else ""
        return f"Training steps on a batch's average wish: here {size} digits{own}."

    def step_size(self, lr: float, recorded: bool) -> str:
        if recorded:
            return f"Each weight moves by the run's own step size, η = {lr:g}, times its averaged wish."
        return f"Each weight moves by η = {lr:g} (ours: the run records none) times its averaged wish."

    def moved(self) -> str:
        return "In each layer, the drawn weight that this step moves most."

    def losses(self) -> str:
        return "Each digit's loss before the step, then after it, computed again."

    def mean(self, step: BatchStep) -> str:
        return f"The batch's mean loss, before and after: {step.loss_before:.3f} → {step.loss_after:.3f}."

    def rose(self, step: BatchStep) -> str:
        rose = [int(i) for i, b, a in zip(step.indices, step.before, step.after) if a > b + 0.0005]
        fell = int(np.sum(step.after < step.before - 0.0005))
        count = len(step.indices)
        if not rose:
            return f"{fell} of {count} digits' losses fell."
        return f"{fell} of {count} losses fell, the boxed {len(rose)} rose: a batch's step isn't every digit's."
