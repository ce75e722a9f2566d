"""The sides each unit opens to at the random start and at the end, from the stored weights (relu-square).

Said with "In this run, the input-weight signs set the sides at the random start, and training never flipped one":
the trained kinks' side arrows come back, each in its unit's colour, and a small table in the column gives each
unit's side at the first stored epoch and at the last, read from the signs of its input weight
(:func:`start_and_end_sides`).

A mixin for :class:`~nnexplain.scenes.base.sides_argument.SidesArgument`.
"""

from __future__ import annotations

import numpy as np
from manim import UL, VGroup

from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import label
from nnexplain.scenes.base.hinge_story import TEXT_SIZE

__all__ = ["StartSides", "start_and_end_sides"]


def start_and_end_sides(run, epoch: int) -> tuple[np.ndarray, np.ndarray]:
    """Each hidden unit's side (+1 right, −1 left: its input weight's sign) at the run's first stored epoch and at
    ``epoch``, in unit order."""
    first = np.sign(np.asarray(run.params(run.epochs[0])[0][0])[:, 0])
    last = np.sign(np.asarray(run.params(epoch)[0][0])[:, 0])
    return first, last


def _side(side: float) -> str:
    return "right" if side > 0 else "left"


class StartSides:
    """The beat ``show_start_sides``."""

    def start_sides_table(self) -> VGroup:
        """Rows in the column above the legend: a heading and, per unit in its colour, its side at the start and end."""
        first, last = start_and_end_sides(self.run, self.hinges.epoch)
        colors = self.theme.palette
        heading = f"side, epoch {self.run.epochs[0]:,} → {self.hinges.epoch:,}:"
        rows = VGroup(label(heading, self.theme, size=TEXT_SIZE, color=self.theme.text))
        for unit, (a, b) in enumerate(zip(first, last)):
            text = f"unit {unit + 1}: {_side(a)} → {_side(b)}"
            rows.add(label(text, self.theme, size=TEXT_SIZE, color=colors[unit % len(colors)]))
        for index, row in enumerate(rows):  # above the legend, where the column is free: heading highest
            row.move_to(self.column_point(self.legend_top + 0.1 + (len(rows) - index) * 0.36), aligned_edge=UL)
        return rows

    def show_start_sides(self, arrows: VGroup, seconds: float) -> None:
        """The trained arrows back in their units' colours, the start-and-end table row by row, then both leave."""
        order = np.argsort([kinks[0] for kinks in self.hinges.kinks])  # arrows are in kink order along x
        colors = self.theme.palette
        for arrow, unit in zip(arrows, order):  # faded out as the kinks slid: opaque again to fade in
            arrow.set_color(colors[int(unit) % len(colors)]).set_stroke(opacity=1).set_fill(opacity=1)
        table = self.start_sides_table()
        self.play(Fade(arrows), Fade(table[0]), run_time=min(0.8, 0.15 * seconds))
        for row in table[1:]:
            self.play(Fade(row), run_time=0.2 * seconds)
        self.wait(max(0.1, seconds - min(0.8, 0.15 * seconds) - 0.6 * seconds - 0.4))
        self.play(Fade(table, out=True), run_time=0.4)
