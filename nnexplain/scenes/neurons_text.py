"""The neurons scene's narration: each line written from the run's numbers, short enough for the caption band.

Kept apart from the storyboard (:mod:`nnexplain.scenes.neurons`) so that the scene reads as its beats, and a
reader checking a claim finds the numbers it is written from in one place. ``NeuronsNotes`` is a mixin: it reads
``self.run`` (the run), ``self.view`` (its :class:`~nnexplain.geometry.network.NetworkView`) and ``self.runs``.
"""

from __future__ import annotations

import numpy as np

from nnexplain.mobjects.style import fmt_count, fmt_percent

__all__ = ["NeuronsNotes", "note_percent", "note_share", "short_percent", "short_share", "short_sure"]


def short_percent(p: float) -> str:
    """Whole percents, without rounding a not-quite-certain answer up to 100% or a small share down to 0%."""
    if 0.995 <= p < 1:
        return ">99%"
    return "<1%" if p < 0.005 else f"{round(100 * p):d}%"  # "<1%", not "0%": a share is never quite 0


def short_sure(p: float) -> str:
    """One decimal, as in "99.2%", without rounding a near-certainty up to 100.0% (the output says ">99%")."""
    return ">99.9%" if 0.9995 <= p < 1 else fmt_percent(p)


def short_share(p: float) -> str:
    """Two decimals, as the softmax table writes a share, without rounding one to 1.00 or 0.00."""
    if 0.995 <= p < 1:
        return ">0.99"
    return "<0.01" if p < 0.005 else f"{p:.2f}"


def note_share(p: float) -> str:
    """A share as said: three decimals, without rounding a near-certainty up to 1 or a small one down to 0."""
    if 0.9995 <= p < 1:
        return "over 0.999"
    return "under 0.001" if p < 0.0005 else f"{p:.3f}"


def note_percent(p: float) -> str:
    """One decimal, as in "99.2%", without rounding a near-certainty to 100% or a small chance to 0%."""
    if 0.9995 <= p < 1:
        return "over 99.9%"
    return "under 0.1%" if 0 < p < 0.0005 else fmt_percent(p)


class NeuronsNotes:
    """What is said over each beat of ``neurons``."""

    def title_note(self) -> str:
        shape = "-".join(map(str, self.view.layers))
        fact = self.result_fact()
        trained = self.run.dataset.get("train")
        on = f", trained on {fmt_count(trained)} digits" if trained else ""
        return (
            f"What does a trained network compute, layer by layer? This one: {shape}, {self.run.activation}{on} "
            f"({self.run.recipe}).{f' {fact}.' if fact else ''}"
        )

    def digit_note(self, probe: int) -> str:
        return f"{self.digit_title(probe)}: its pixels, from 0 for black to 1 for white, are all the network sees."

    def next_digit_note(self, probe: int) -> str:
        return f"{self.digit_title(probe)}: its own pixels through the same weights, layer by layer again."

    def digit_title(self, probe: int) -> str:
        true = self.view.label(probe)
        return self.digit_name(probe) + ("" if true is None else f", labelled {true}")

    def digit_name(self, probe: int) -> str:
        if probe == self.runs.own_index:
            return f"Your digit, {self.runs.own_digit.name}, prepared as MNIST was"
        return f"Probe digit {probe + 1}"

    def preparation_notes(self) -> list[str]:
        inverted = "Dark ink on light paper, inverted" if self.runs.own_digit.inverted else "Turned to grey"
        return [
            f"{inverted} as MNIST's digits are, white on black, and cropped to the ink.",
            "Scaled to fit 20 by 20 pixels, then centred by its centre of mass in 28 by 28: MNIST's recipe.",
        ]

    def network_note(self) -> str:
        sizes = self.view.layers
        total = self.run.network.parameter_count
        return (
            f"{len(sizes) - 1} layers of weights, {fmt_count(total)} parameters. Only {len(self.view.shown_inputs)} of "
            f"the {fmt_count(sizes[0])} input pixels are drawn. An edge's colour is its weight's sign, its thickness the size."
        )

    def pixels_note(self, probe: int) -> str:
        pixels = self.view.probe_inputs[probe]
        inked = int((pixels > 0).sum())
        shown = int((pixels[self.view.shown_inputs] > 0).sum())
        drawn = len(self.view.shown_inputs)
        return (
            f"Each pixel becomes one input neuron. {inked} of this digit's {len(pixels)} pixels are inked; "
            f"{shown} of the {drawn} drawn inputs are."
        )

    def one_neuron_note(self, neuron: int, inputs: int) -> str:
        return (
            f"Take one neuron of hidden layer 1, neuron {neuron + 1}. Its {inputs} "
            f"weights, one per pixel, drawn as a picture: blue positive, red negative."
        )

    def products_note(self) -> str:
        return "Each weight times its pixel: where the digit has no ink, the product is 0."

    def sum_note(self, worked) -> str:
        return f"The products add up to {worked.total:.2f}; plus the neuron's bias, {worked.bias:.2f}, z is {worked.z:.2f}."

    def squash_note(self, z: float, value: float) -> str:
        return f"Through {self.run.activation}: {self.run.activation} of {z:.2f} is {value:.2f}, the neuron's value."

    def each_neuron_notes(self, others: list[int], values: np.ndarray) -> list[str]:
        """The claim, then a line for each neuron worked out, said as its picture is up."""
        return [
            "Every neuron of the layer does the same with its own weights.",
            *(f"Neuron {n + 1} gets {values[n]:.2f}." for n in others),
        ]

    def softmax_note(self, sums: np.ndarray, shares: np.ndarray) -> str:
        best = int(np.argmax(shares))
        return (
            f"Then {self.output_name} turns the {len(sums)} sums into shares that add up to 1: the largest sum, "
            f"{sums[best]:.2f}, gets {note_share(shares[best])} (softmax has a scene of its own)."
        )

    def layer_note(self, layer: int, probe: int) -> str:
        """What the layer's lights show, said while they come on; :meth:`layer_peak_note` follows once they are."""
        values = self.view.activations[layer - 1][probe]
        if layer == len(self.view.layers) - 1:
            return f"Output layer: {len(values)} softmax outputs, one per digit, that add up to 1."
        if self.run.activation == "relu":
            state = f"{int((values == 0).sum())} of its {len(values)} ReLU neurons are 0 (off)"
        else:
            state = f"{int((values > 0.5).sum())} of its {len(values)} {self.run.activation} neurons are above 0.5"
        if layer == 1:  # its pulse runs from the drawn inputs only; every pixel feeds it
            pixels, drawn = self.view.layers[0], len(self.view.shown_inputs)
            return f"Hidden layer 1, fed by all {fmt_count(pixels)} pixels ({drawn} drawn): for this digit {state}."
        return f"Hidden layer {layer}: for this digit {state}."

    def layer_peak_note(self, layer: int, probe: int) -> str:
        values = self.view.activations[layer - 1][probe]
        top = int(np.argmax(values))
        if layer == len(self.view.layers) - 1:
            return f"The largest is {top}, at {note_percent(values[top])}."
        return f"The brightest, neuron {top + 1}, is at {values[top]:.2f}."

    def prediction_note(self, probe: int) -> str:
        """The answer and its verdict in one sentence (a verdict alone made a half-second subtitle)."""
        probabilities = self.view.activations[-1][probe]
        best = int(np.argmax(probabilities))
        true = self.view.label(probe)
        verdict = "" if true is None else ": right" if best == true else f": wrong, the label is {true}"
        return f"The network says {best}, {note_percent(probabilities[best])} sure{verdict}."

    def runner_up_note(self, probe: int) -> str:
        probabilities = self.view.activations[-1][probe]
        second = np.argsort(probabilities)[::-1][1]
        return f"The runner-up is {second}, at {note_percent(probabilities[second])}."

    def mistake_count(self, probe: int) -> tuple[int, int] | None:
        """(mistakes, validation digits) when ``probe`` is read wrong and the run counted its mistakes, else None."""
        true, errors = self.view.label(probe), self.error_count()
        if true is None or errors is None or self.view.prediction(probe)[0] == true:
            return None
        return errors

    def mistake_note(self, probe: int) -> str:
        wrong, total = self.mistake_count(probe)
        return f"One of its {fmt_count(wrong)} mistakes on {fmt_count(total)} validation digits."

    def formula_note(self, layer: int) -> str:
        """What layer ``layer`` (1 is the first hidden layer) computes, as its formula row says."""
        last = len(self.view.layers) - 1
        sizes = self.view.layers
        if layer == 1:
            return (
                f"All {sizes[1]} neurons of hidden layer 1 at once: the weight matrix W, {sizes[1]} by "
                f"{fmt_count(sizes[0])}, times the layer below, a, plus the biases b, through {self.run.activation}."
            )
        if layer < last:
            return (
                f"Hidden layer {layer} does the same to hidden layer {layer - 1}: {sizes[layer]} by {sizes[layer - 1]}."
            )
        return f"The output layer sums the same way: {sizes[-1]} by {sizes[-2]}, {sizes[-1]} sums."

    def answer_note(self) -> str:
        errors = self.error_count()
        tally = (
            ""
            if errors is None
            else f", and wrong for {fmt_count(errors[0])} of {fmt_count(errors[1])} validation digits"
        )
        return (
            f"So, layer by layer: each hidden neuron takes a weighted sum of the layer below, adds its bias and squashes "
            f"it with {self.run.activation}; the output's {self.output_name} shares name the digit, the largest "
            f"winning{tally}."
        )

    def parameter_note(self) -> str:
        counts = [fmt_count(layer.parameter_count) for layer in self.run.network.layers]
        total = self.run.network.parameter_count
        return f"Every weight and bias was trained: {' + '.join(counts)} = {fmt_count(total)} parameters."

    def error_count(self) -> tuple[int, int] | None:
        """(validation digits read wrong, validation digits), from the run's accuracy and its split."""
        accuracy, total = self.run.final_metrics.get("val_acc"), self.run.dataset.get("val")
        if accuracy is None or not total:
            return None
        return round((1 - accuracy) * total), int(total)

    def run_summary(self) -> str:
        config, dataset = self.run.manifest.get("config", {}), self.run.dataset
        parts = [self.run.activation]
        if config.get("epochs"):
            parts.append(f"{config['epochs']} epochs on {fmt_count(dataset.get('train', 0))} digits")
        if self.run.manifest.get("imported_from"):
            parts.append(f"imported from {self.run.manifest['imported_from']['file']}")
        if "val_acc" in self.run.final_metrics:
            parts.append(f"{fmt_percent(self.run.final_metrics['val_acc'])} of validation digits right")
        return "  ·  ".join(parts)
