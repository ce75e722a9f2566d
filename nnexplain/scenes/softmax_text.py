"""The softmax scene's narration: each line written from the run's numbers, short enough for the caption band.

Kept apart from the storyboard (:mod:`nnexplain.scenes.softmax`) so that the scene reads as its
beats, and a reader checking a claim finds the numbers it is written from in one place.
"""

from __future__ import annotations

import numpy as np

from nnexplain.mobjects.style import fmt_fixed, subscript

__all__ = ["Told", "fmt_value"]

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def fmt_value(value: float) -> str:
    """Three significant digits (two under 0.01), written out from 0.0001 to 999,999 (0.00016, 53.4, 123,291);
    beyond, a power of ten (7.1·10⁶)."""
    magnitude = abs(value)
    if value == 0:
        return "0"
    if 1e-4 <= magnitude < 1:  # two significant digits under 0.01, so that a bar's number fits over it
        decimals = (2 if magnitude >= 0.01 else 1) - int(np.floor(np.log10(magnitude)))
        return f"{value:.{decimals}f}".replace("-", "−")
    if 1 <= magnitude < 1000:
        return f"{value:.3g}".replace("-", "−")
    if 1000 <= magnitude < 1e6:
        return f"{value:,.0f}".replace("-", "−")
    exponent = int(np.floor(np.log10(magnitude)))
    return f"{value / 10**exponent:.1f}·10{str(exponent).translate(_SUPERSCRIPTS)}".replace("-", "−")


class Told:
    """The lines of the softmax scene, from its run and the two digits it shows."""

    def __init__(self, scene):
        self.scene, self.run, self.names = scene, scene.run, scene.names
        self.sure, self.unsure = scene.steps["first"], scene.steps["second"]
        self.first_class = self.class_of(scene.first, self.sure)
        self.right_class = self.class_of(scene.second, self.unsure)
        self.labelled = self.label_of(scene.second) is not None

    def label_of(self, index: int) -> int | None:
        labels = self.run.probe.get("labels")
        if labels is None or labels[index] < 0:
            return None
        return int(labels[index])

    def class_of(self, index: int, steps) -> int:
        """The right class: the digit's label, or without one (your own digit unlabelled) the network's answer."""
        known = self.label_of(index)
        return steps.winner if known is None else known

    def digit_name(self, index: int) -> str:
        runs = self.scene.runs
        if index == runs.own_index:
            return "your digit" if self.label_of(index) is None else f"yours, label {self.names[self.label_of(index)]}"
        known = self.label_of(index)
        return f"label {self.names[known]}" if known is not None else f"probe digit {index + 1}"

    # --- the lines -----------------------------------------------------------

    def question(self) -> str:
        return "What does softmax do, and why is it there? Follow one trained network."

    def network(self) -> str:
        shape = "-".join(map(str, self.run.layers))
        if self.run.manifest.get("imported_from"):
            when = ", imported"  # its weights only: no epoch to name
        else:
            when = f" after epoch {self.run.snapshot(self.scene.epoch)['epoch']}"
        accuracy = self.run.final_metrics.get("val_acc")
        text = f"A {shape} {self.run.activation} network{when}, on a digit it is sure of."
        if accuracy is not None and self.scene.epoch is None:
            text = f"A {shape} {self.run.activation} network{when}: {100 * accuracy:.1f}% of validation digits right."
        return text

    def logits(self) -> str:
        return f"Its last layer gives one score per class, the logits z: all {len(self.names)} of them."

    def extremes(self, top: int, bottom: int) -> str:
        z = self.sure.logits
        return f"The {self.names[top]} scores highest, {fmt_fixed(z[top])}; the {self.names[bottom]} lowest, {fmt_fixed(z[bottom])}."

    def not_probabilities(self) -> str:
        z = self.sure.logits
        below = int((z < 0).sum())
        return f"Scores, not probabilities: {below} are below zero, and they add up to {fmt_fixed(z.sum())}."

    def exp_axis(self) -> str:
        return "Step 1, exp(z), on an axis where each line is ×10. Watch the tips: they stay put."

    def exp_range(self) -> str:
        e = self.sure.exponentials
        return f"exp is never below 0: all stand on the floor now, {fmt_value(e.min())} up to {fmt_value(e.max())}."

    def exp_ratio(self) -> str:
        first, second = self.sure.winner, self.sure.runner_up
        ratio = self.sure.exponentials[first] / self.sure.exponentials[second]
        return (
            f"Each 2.3 of logit is ×10: the {self.names[first]} is {fmt_value(ratio)} times the {self.names[second]}."
        )

    def exp_linear(self) -> str:
        e, first, second = self.sure.exponentials, self.sure.winner, self.sure.runner_up
        return f"On an ordinary axis only the {self.names[first]} shows: {fmt_value(e[first])} against {fmt_value(e[second])}."

    def divide(self) -> str:
        return f"Step 2: divide by their sum, {fmt_value(self.sure.total)}. Only the axis changes: 0 to 1."

    def probabilities(self) -> str:
        p, top = self.sure.probabilities, self.sure.winner
        value = "1 to four decimals" if p[top] >= 0.99995 else f"{p[top]:.4f}"
        return f"Probabilities: they add up to 1, and p({self.names[top]}) = {value}."

    def second(self) -> str:
        index, runs = self.scene.second, self.scene.runs
        if index == runs.own_index:
            return f"Now your digit, {runs.own_digit.name}, through the same network."
        known = self.label_of(index)
        called = f", labelled {self.names[known]}" if known is not None else ""
        return f"Now the digit it is least sure of{called}: its top two logits are close."

    def second_probabilities(self) -> str:
        p, top, k = self.unsure.probabilities, self.unsure.winner, self.right_class
        if not self.labelled:
            return f"Softmax gives the {self.names[k]} {p[k]:.0%}. With no label, take that as the answer."
        if top == k:
            verdict = "right, but far from sure" if p[k] < 0.9 else "right"
            return f"Softmax gives the {self.names[k]} {p[k]:.0%}: {verdict}."
        return f"Softmax: {self.names[top]} gets {p[top]:.0%}, {self.names[k]} {p[k]:.0%}. It reads this {self.names[k]} as {_a(self.names[top])}."

    def nudge_question(self, up: bool) -> str:
        k = self.names[self.right_class]
        return f"What if the {k}'s logit were {'higher' if up else 'lower'}? Move it, and watch p({k})."

    def nudge_smooth(self, up: bool) -> str:
        k, p = self.names[self.right_class], self.unsure.probabilities[self.right_class]
        return f"p({k}) {'rises' if up else 'falls'} smoothly from {p:.2f}: every nudge moves it a little."

    def nudge_jump(self, up: bool, flip: float) -> str:
        k = self.names[self.right_class]
        other = self.names[_largest_other(self.unsure.logits, self.right_class)]
        if up:
            return f"The argmax stays 0 until the {k} passes the {other} at {flip:.2f}; then it jumps to 1."
        return f"The argmax stays 1 until the {k} drops below the {other} at {flip:.2f}; then it falls to 0."

    def no_slope(self) -> str:
        return "Flat, then a jump: the argmax gives training no slope to follow."

    def slope(self, slope: float) -> str:
        k = self.names[self.right_class]
        return f"Softmax has one: here p({k}) moves {slope:.2f} per unit of logit."

    def cross_entropy(self) -> str:
        return "Training scores the right class's probability by −log p: the cross-entropy."

    def losses(self, p_second: float, c_second: float, p_first: float, c_first: float) -> str:
        k, j = self.names[self.right_class], self.names[self.first_class]
        return (
            f"This {k}: −log {p_second:.3f} = {c_second:.2f}. The sure {j}: −log {p_first:.4f} = {fmt_value(c_first)}."
        )

    def validation_loss(self) -> float | None:
        """The run's mean cross-entropy on its validation set, when it recorded one for the weights shown."""
        if self.scene.epoch is not None and self.scene.epoch != self.run.epochs[-1]:
            return None
        value = self.run.final_metrics.get("val_loss")
        return None if value is None else float(value)

    def mean_loss(self, mean: float) -> str:
        count = self.run.dataset.get("val")
        over = f"the {count:,} validation digits" if count else "the validation digits"
        return f"Averaged over {over}, the run's loss is {mean:.3f}."

    def as_ratio(self) -> str:
        k = self.names[self.right_class]
        return f"In the logits: −log p({k}) is −log of exp(z{subscript(k)}) over Σ exp(z)."

    def in_logits(self) -> str:
        k = self.names[self.right_class]
        return f"The log of a ratio is a difference: C = log Σ exp(z) − z{subscript(k)}."

    def log_sum_rise(self, index: int, rise: float, step: float, first: bool) -> str:
        name, p = self.names[index], self.unsure.probabilities[index]
        if first:
            return f"Raise the {name}'s logit by {step}: log Σ exp(z) rises {rise:.5f} ≈ {p:.3f} × {step}."
        return f"The {name}'s: {rise:.5f} ≈ {p:.3f} × {step}. Each logit moves it by its own p."

    def label_slope(self) -> str:
        k = self.names[self.right_class]
        return f"−z{subscript(k)} falls by 1 as the {k}'s logit rises: −y, with y 1 for the {k}, 0 for the rest."

    def p_minus_y(self, error: np.ndarray) -> str:
        k = self.right_class
        p = self.unsure.probabilities[k]
        return f"So the slope is p − y: for the {self.names[k]}, {p:.2f} − 1 = {fmt_fixed(error[k])}."

    def pushes(self) -> str:
        return "Positive: training pushes that logit down. Negative: up."

    def bridge(self) -> str:
        return f"These {len(self.names)} numbers, p − y, are where backprop starts, at the output layer."


def _a(name: str) -> str:
    """``name`` with its article: a 1, an 8, an 11."""
    vowel = name[:1].lower() in "aeiou8" or name in ("11", "18")
    return f"{'an' if vowel else 'a'} {name}"


def _largest_other(logits: np.ndarray, index: int) -> int:
    """The class with the largest logit other than ``index``."""
    others = np.array(logits, np.float64)
    others[index] = -np.inf
    return int(np.argmax(others))
