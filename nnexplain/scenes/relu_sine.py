"""relu-sine: without an activation a network fits sin x with a line; with ReLU its hinges add up to the wave.

The scene draws two real runs of the same sizes: its main run (default recipe
``sine-relu``) and its ``linear`` run, the same kind of network with no activation
(default ``sine-linear``; ``nnexplain render relu-sine --with linear=DIR`` picks another).

    nnexplain render relu-sine --run runs/sine-relu --with linear=runs/sine-linear
    NNEXPLAIN_RUN=runs/sine-relu NNEXPLAIN_LINEAR_RUN=runs/sine-linear manim -ql scenes/relu_sine.py ReluSine

With two ReLU layers the coloured curves are the units of the *last* hidden layer
(each already bent by the first layer's hinges); a caption says so.
"""

from __future__ import annotations

from manim import Create

from nnexplain.geometry.hinges import (
    build_order,
    interpolation_error,
    linear_map,
    max_fit_error,
    output_kinks,
    running_sums,
    silent_units,
    straight_pieces,
)
from nnexplain.mobjects.hinges import Fade, fmt_number
from nnexplain.mobjects.style import subscript
from nnexplain.scenes.base.hinge_story import HingeStory

__all__ = ["ReluSine"]


class ReluSine(HingeStory):
    scene_name = "relu-sine"

    def setup(self) -> None:
        super().setup()
        self.linear_run = self.runs["linear"]
        self.linear_sweep = self.sweep_of(self.linear_run)
        self.relu_sweep = self.sweep_of(self.run, self.hinge_epoch)
        self.hinges = self.relu_sweep[-1]
        self.formula = self.run.dataset.get("formula", "the target")
        self.shape = " → ".join(map(str, self.run.layers))

    def construct(self) -> None:
        self.beat("data")
        self.say(
            self.data_note(
                "Without an activation a network can only draw a line; with ReLU, hinges add up to the curve."
            )
        )
        self.show_data(f"Fitting {self.formula} with\nand without ReLU", self.linear_sweep + self.relu_sweep)
        self.beat("linear network")
        self.fit_linear()
        self.beat("why a line")
        self.explain_line()
        self.beat("relu network")
        self.introduce_relu()
        self.beat("training")
        self.train_relu()
        self.beat("adding up")
        self.add_up_hinges()
        self.beat("final error")
        self.show_error()

    # Beats ------------------------------------------------------------------

    def fit_linear(self) -> None:
        self.linear_parts = self.enter_units(self.linear_sweep)
        shape = " → ".join(map(str, self.linear_run.layers))
        self.set_caption(f"{shape},\nno activation, trained\non samples of {self.formula}.")
        self.sweep(self.linear_parts[-1], self.linear_sweep)

    def explain_line(self) -> None:
        slope, intercept = linear_map(self.linear_run.params(self.linear_sweep[-1].epoch))
        sign = "−" if intercept < 0 else "+"
        self.set_caption(
            "It ends as a straight line.\n"
            "With no activation the\n"
            "layers multiply out to one:\n"
            f"y = {slope:.2f}·x {sign} {abs(intercept):.2f}\n"
            "Each unit adds a line, and\n"
            "lines add up to a line,\n"
            "however deep.",
            run_time=1.0,
        )
        self.end_beat()

    def introduce_relu(self) -> None:
        self.play(*[Fade(part, out=True) for part in self.linear_parts], run_time=0.8)
        *_, self.relu_view = self.enter_units(self.relu_sweep, running_sums(self.hinges, build_order(self.hinges)))
        self.set_caption(f"{self.shape},\nwith ReLU between\nthe layers:\nrelu(z) = max(0, z)")
        self.end_beat()

    def train_relu(self) -> None:
        self.set_caption(self._decomposition_caption())
        self.sweep(self.relu_view, self.relu_sweep)

    def _decomposition_caption(self) -> str:
        layers = self.hinges.hidden_layers
        if layers == 1:
            return "Each colour is one unit's\nhinge, w₂ⱼ·relu(w₁ⱼx + b₁ⱼ);\nits dot is the kink,\nx = −b₁ⱼ/w₁ⱼ."
        out, last = subscript(layers + 1), subscript(layers)
        earlier = "the first layer's" if layers == 2 else "earlier layers'"
        return (
            f"{layers} hidden layers. Each\n"
            "colour is a unit of the\n"
            f"last one: w{out}ⱼ·relu(z{last}ⱼ).\n"
            f"z{last}ⱼ sums {earlier}\n"
            "hinges, so it can bend\n"
            "more than once. Dots:\n"
            "where its own ReLU cuts."
        )

    def add_up_hinges(self) -> None:
        silent = len(silent_units(self.hinges))
        note = (
            f"\n\n{silent} of {len(self.hinges.units)} units stay at 0\nhere: their ReLU never\nturns on (dead units)."
            if silent
            else ""
        )
        self.set_caption("Add them up: start at the\noutput bias, then add one\nunit at a time." + note)
        left = self.add_up(self.relu_view, self.hinges)
        self.set_caption("The sum is the\nnetwork's output.")
        self.play(Fade(left, out=True), run_time=0.6)

    def show_error(self) -> None:
        error, whole = max_fit_error(self.run, self.hinges.epoch)
        kinks = output_kinks(self.run.params(self.hinges.epoch), self.run.activation, self.domain)
        pieces, slivers = straight_pieces(kinks, self.domain)
        lines = f"Largest error{'' if whole else ' at the data'}: {error:.3f}\n{pieces} straight pieces"
        if slivers:
            narrow = fmt_number(0.01 * (self.domain[1] - self.domain[0]))
            lines += f";\n{slivers} of them are slivers\nnarrower than {narrow}"
        if self.target is not None:
            yardstick = interpolation_error(self.target, self.domain, pieces)
            lines += (
                f"\n\nJoining {pieces} equal pieces\nof {self.formula} with lines\nmisses by up to {yardstick:.3f}."
            )
        self.play(Create(self.error_marker(self.relu_view, self.hinges)), run_time=0.5)
        self.set_caption(lines, first_line_color=self.theme.highlight)
        self.end_beat()
