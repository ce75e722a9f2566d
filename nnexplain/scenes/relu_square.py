"""relu-square: ReLU hinges build x² piece by piece.

A 1 → 3 → 1 ReLU network (default recipe ``square-relu-3``) fits x² on [−1, 1]. Each
hidden unit adds a hinge ``w₂ⱼ·relu(w₁ⱼx + b₁ⱼ)``, flat on one side of its kink at
``x = −b₁ⱼ/w₁ⱼ`` and straight on the other; added up from the output bias, left to
right, each hinge bends the sum at its kink, so the output is made of straight
pieces joined at the kinks. The title counts the hinges that bend inside the
interval; a unit whose kink lies outside it is named, with where it bends and
what it adds instead (a straight line, or 0). The last beat sets the max error
beside the least any that many straight pieces could have.

    NNEXPLAIN_RUN=runs/square-relu-3 .venv/bin/manim -ql scenes/relu_square.py ReluSquare
"""

from __future__ import annotations

from typing import ClassVar

from manim import Create

from nnexplain.geometry.hinges import (
    best_piecewise_error,
    build_order,
    max_fit_error,
    output_kinks,
    quiet_units,
    running_sums,
)
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
        self.quiet = quiet_units(self.hinges, self.run.params(self.hinges.epoch))
        self.bending = len(self.hinges.units) - len(self.quiet)

    def construct(self) -> None:
        self.beat("data")
        self.say(
            self.data_note(f"{self.bending} of the {len(self.hinges.units)} ReLU hinges bend inside the interval.")
        )
        plural = "s" if self.bending != 1 else ""
        self.show_data(f"{self.bending} ReLU hinge{plural}\nbuild {self.formula}", self.snapshots)
        self.beat("hinges")
        self.introduce_hinges()
        self.beat("training")
        self.say(self.sweep_note(self.run, self.snapshots))
        self.sweep(self.view, self.snapshots)
        self.beat("piece by piece")
        self.build_pieces()
        self.beat("final error")
        self.show_error()

    # Beats ------------------------------------------------------------------

    def introduce_hinges(self) -> None:
        sums = running_sums(self.hinges, build_order(self.hinges))
        *_, self.view = self.enter_units(self.snapshots, sums)
        shape = " → ".join(map(str, self.run.layers))
        inner, outer = subscript(self.hinges.hidden_layers), subscript(self.hinges.hidden_layers + 1)
        self.set_caption(
            f"{shape}, with ReLU.\n"
            "Each unit adds a hinge,\n"
            "flat on one side of its\n"
            "kink (the dot) and\n"
            "straight on the other:\n"
            f"w{outer}ⱼ·relu(w{inner}ⱼx + b{inner}ⱼ),\n"
            f"kink at x = −b{inner}ⱼ/w{inner}ⱼ"
        )
        self.end_beat()

    def build_pieces(self) -> None:
        self.set_caption(
            "Start at the output bias,\n"
            "then add the hinges left\n"
            "to right: each one bends\n"
            "the sum at its kink." + self._quiet_units_note()
        )
        left = self.add_up(self.view, self.hinges)
        self.play(Fade(left[0], out=True), Fade(left[2], out=True), run_time=0.6)

    def show_error(self) -> None:
        error, whole = max_fit_error(self.run, self.hinges.epoch)
        kinks = output_kinks(self.run.params(self.hinges.epoch), self.run.activation, self.domain)
        pieces = len(kinks) + 1
        lines = f"Largest error{'' if whole else ' at the data'}: {error:.3f}\n{pieces} straight pieces"
        if len(kinks):
            lines += ", joined\nat x = " + ", ".join(fmt_number(k) for k in kinks)
        if self.target is not None:
            best = best_piecewise_error(self.target, self.domain, pieces)
            lines += f"\n\nThe best any {pieces} straight\npieces can do: {best:.3f}."
            units = len(self.hinges.units)
            if self.hinges.hidden_layers == 1 and pieces == units + 1 and error > 1.2 * best:
                # n hinges and a bias are 2n + 1 numbers; n + 1 joined pieces take 2n + 2.
                lines += f"\n{units} hinges and a bias have\none number too few to\nmake that fit."
        self.play(Create(self.error_marker(self.view, self.hinges)), run_time=0.5)
        self.set_caption(lines, first_line_color=self.theme.highlight)
        self.end_beat()

    def _quiet_units_note(self) -> str:
        """About units that put no bend inside the interval: where they bend, and what they add instead."""
        interval = fmt_interval(self.domain)
        notes = []
        for quiet in self.quiet:
            where = f"bends at x = {fmt_number(quiet.kink)}" if quiet.kink is not None else "never bends"
            notes.append(f"\n\nUnit {quiet.unit + 1} {where},\noutside {interval}: here\nit adds {quiet.adds}.")
        return "".join(notes)
