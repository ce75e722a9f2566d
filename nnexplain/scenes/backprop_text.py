"""The narration of ``backprop``: each line a sentence of at most two caption rows, from the run's numbers.

One sign convention for the whole scene, said once (:meth:`Told.convention`): a *wish* is
−∂C/∂(the number), the way the number should move to lower this digit's loss C. Every
number said after it is a wish, never a raw gradient, so "+" always means "should increase"
and "−" always "should decrease" (never "grow" or "shrink": a negative weight that decreases
grows in size).
"""

from __future__ import annotations

import numpy as np

from nnexplain.geometry.wishes import BatchStep, Gathering
from nnexplain.mobjects.wishes import signed

__all__ = ["Told", "SLOPES", "printed_moves"]

SLOPES = {"sigmoid": "a(1−a)", "tanh": "1−a²", "relu": "ReLU′(z)"}
NAMES = {"sigmoid": "the sigmoid's", "tanh": "tanh's", "relu": "the ReLU's"}


def signed3(value: float) -> str:
    return signed(value, 3)


def printed_moves(before: np.ndarray, after: np.ndarray, digits: int = 3) -> np.ndarray:
    """+1 where a loss rose, −1 where it fell, 0 where it stayed, as the screen prints them (``digits`` decimals):
    what a student counting the printed numbers finds."""
    return np.sign(np.round(after, digits) - np.round(before, digits)).astype(int)


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
        return f"The loss's slope in each output's z is p − y: for the {self.names[true]}, {p_true:.2f} − 1."

    def convention(self) -> str:
        return "Flip each sign for the wish, which way each z should move: −∂C/∂z = y−p."

    def wishes(self, true: int, up: float, other: int, down: float) -> str:
        return f"Output {self.names[true]} up by {up:.2f} and {self.names[other]} down by {down:.2f}: the wish list."

    # --- the weights into the outputs ------------------------------------------

    def weight_rule(self) -> str:
        return "A weight's wish: the wish above it times the activation feeding it."

    def edge_colours(self) -> str:
        return "Green: the weight should increase. Violet: decrease. The wider, the stronger."

    def strongest(self, layer: int, source: int, target: int, a_in: float, wish: float) -> str:
        way = "increase" if a_in * wish > 0 else "decrease"
        return (
            f"Largest: hidden {layer} neuron {source + 1} → output {self.names[target]}, "
            f"{a_in:.2f} × {signed(wish)} = {signed(a_in * wish)}: {way}."
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

    def total(self, gathering: Gathering, about: bool) -> str:
        value = f"about {signed(gathering.total)}" if about else signed(gathering.total)
        return f"Summed: {value}, the wish for its activation a, −∂C/∂a."

    def times_slope(self, gathering: Gathering, a: float) -> str:
        slope = SLOPES.get(self.activation, "f′(z)")
        name = NAMES.get(self.activation, "the activation's")
        at = f" (a is {a:.2f})" if "a" in slope else ""  # a slope written in a says which a
        return f"Times {name} slope {slope}{at}, {gathering.slope:.2f}: its wish for z is {signed(gathering.wish)}."

    def every_neuron(self, layer: int) -> str:
        return f"Every neuron of hidden {layer} gathers its wish this way: its ring."

    # --- further back ----------------------------------------------------------

    def further(self, layer: int, top: float) -> str:
        return f"One layer back, weights and neurons the same way. Hidden {layer}'s largest wish: {signed(top)}."

    def pixels(self) -> str:
        return "Down to the weights from the pixels: a black pixel (0) gives its weights no wish."

    # --- one step -------------------------------------------------------------

    def batch(self, size: int, run_batch: int | None) -> str:
        own = f" (the run used batches of {run_batch})" if run_batch else ""
        return f"Training steps on a batch: here these {size} digits{own}."

    def each_wishes(self, layer: int, source: int, target: int) -> str:
        return f"Each wishes its own change of one weight: hidden {layer} neuron {source + 1} → output {self.names[target]}."

    def zeros(self, own: float | None, label: str, zero: int) -> str:
        ours = f"Ours (framed) wishes {signed3(own)}. " if own is not None else ""
        return f"{ours}{zero} wish 0.000: their output {label} is already near 0."

    def averaged(self, mean: float, lr: float, recorded: bool) -> str:
        if recorded:
            return f"Averaged, {signed3(mean)}; times the run's step size η = {lr:g}: a change of {signed3(mean * lr)}."
        return f"Averaged, {signed3(mean)}; times η = {lr:g}, ours, as the run records none: {signed3(mean * lr)}."

    def moved(self) -> str:
        return "Every weight moves so. Per layer, the one moving most; the last, the one averaged."

    def losses(self, count: int) -> str:
        return f"The losses of these same {count} digits, computed again after the step:"

    def mean(self, step: BatchStep) -> str:
        return f"Their mean: {step.loss_before:.3f} → {step.loss_after:.3f}, on the very digits the step came from."

    def largest_fall(self, before: float, after: float, ours: bool) -> str:
        whose = ", our digit's" if ours else ""
        return f"The largest fall{whose}: {before:.3f} → {after:.3f}."

    def recap(self) -> str:
        return "So one digit's error reaches every weight: wishes passed back, layer by layer."

    def rose(self, step: BatchStep) -> str:
        moves = printed_moves(step.before, step.after)
        fell, rose, stayed = int(np.sum(moves < 0)), int(np.sum(moves > 0)), int(np.sum(moves == 0))
        if not rose:
            return f"All {fell} losses that moved fell." if stayed else f"All {fell} losses fell."
        still = f", {stayed} stayed" if stayed else ""
        return f"{fell} fell, {rose} rose (boxed){still}: a batch's step isn't every digit's."
