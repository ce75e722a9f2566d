"""relu-square: three ReLU hinges build x² piece by piece.

A 1 → 3 → 1 ReLU network (default recipe ``square-relu-3``) fits x² on a limited
interval. Each hidden unit adds a hinge ``w₂ⱼ·relu(w₁ⱼx + b₁ⱼ)``, flat on one side
of its kink at ``x = −b₁ⱼ/w₁ⱼ`` and straight on the other; added up from the
output bias, left to right, each hinge bends the sum at its kink, so the output
is made of straight pieces joined at the kinks.

    NNEXPLAIN_RUN=runs/square-relu-3 .venv/bin/manim -ql scenes/relu_square.py ReluSquare
"""

from __future__ import annotations

from typing import ClassVar


from nnexplain.geometry.hinges import build_order, max_fit_error, output_kinks, running_sums, silent_units
from nnexplain.mobjects.hinges import Fade, fmt_interval, fmt_number
from nnexplain.mobjects.style import subscript
from nnexplain.scenes.base.hinge_story import HingeStory

__all__ = ["ReluSquare"]


class ReluSquare(HingeStory):
    scene_name = "relu-square"
    kink_guides: ClassVar[bool] = True
    add_seconds: ClassVar[float] = 1.0

    def setup(self) -> None:
        super().setup()
        self.snapshots = self.sweep_of(self.run, self.hinge_epoch)
        self.hinges = self.snapshots[-1]
        self.formula = self.run.dataset.get("formula", "the target")

    def construct(self) -> None:
        self.beat("data")
        count = len(self.hinges.units)
        self.show_data(f"{count} ReLU hinge{'s' if count != 1 else ''} build {self.formula}", self.snapshots)
        self.beat("hinges")
        self.introduce_hinges()
        self.beat("training")
        self.sweep(self.view, self.snapshots)
        self.beat("piece by piece")
        self.build_pieces()
        self.beat("final error")
        self.show_error()

    def introduce_hinges(self) -> None:
        sums = running_sums(self.hinges, build_order(self.hinges))
        *_, self.view = self.enter_units(self.snapshots, sums)
        shape = " → ".join(map(str, self.run.layers))
        inner, outer = subscript(self.hinges.hidden_layers), subscript(self.hinges.hidden_layers + 1)
        self.set_caption(
            f"{shape}, with ReLU. Each unit\n"
            f"adds a hinge, w{outer}ⱼ·relu(w{inner}ⱼx + b{inner}ⱼ):\n"
            "flat on one side of its kink,\n"
            f"the dot at x = −b{inner}ⱼ/w{inner}ⱼ."
        )
        self.wait(self.hold_seconds)

    def build_pieces(self) -> None:
        self.set_caption(
            "Start at the output bias and add\n"
            "the hinges left to right: each one\n"
            "bends the sum at its kink."
        )
        left = self.add_up(self.view, self.hinges)
        self.play(Fade(left[0], out=True), run_time=0.6)

    def show_error(self) -> None:
        error, whole = max_fit_error(self.run, self.hinges.epoch)
        where = f"on {fmt_interval(self.domain)}" if whole else "at the data points"
        kinks = output_kinks(self.run.params(self.hinges.epoch), self.run.activation, self.domain)
        lines = f"max error {where}: {error:.3f}\n{len(kinks) + 1} straight pieces"
        if len(kinks):
            lines += ", joined at\nx = " + ", ".join(fmt_number(k) for k in kinks)
        lines += self._quiet_units_note()
        self.set_caption(lines, first_line_color=self.theme.highlight)
        self.wait(self.hold_seconds)

    def _quiet_units_note(self) -> str:
        """About units that put no bend inside the interval: straight lines there, or silent."""
        interval = fmt_interval(self.domain)
        silent = set(silent_units(self.hinges))
        straight = [unit for unit, kinks in enumerate(self.hinges.kinks) if len(kinks) == 0 and unit not in silent]
        note = ""
        if len(straight) == 1:
            note += f"\n\n1 unit bends only outside {interval}:\nhere it adds a straight line."
        elif straight:
            note += f"\n\n{len(straight)} units bend only outside {interval}:\nhere they add straight lines."
        if silent:
            note += f"\n{len(silent)} unit{'s stay' if len(silent) > 1 else ' stays'} at 0 on {interval}."
        return note
