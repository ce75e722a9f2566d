"""The search drawn while it is said (relu-square): each way to open tried in turn.

Over the line naming the search (:meth:`~nnexplain.scenes.base.sides_argument.SidesArgument.search_words`), a dashed
candidate moves through the search's first stage, one way to open at a time, worst first
(:func:`~nnexplain.geometry.kink_tour.pattern_bests`): its best kinks on the grid, heights refit as it moves, its sides
and its largest error on the grid ticking in the column; the best fit's own way to open last.

A mixin for :class:`~nnexplain.scenes.base.miss_comparison.MissComparison`.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import LEFT, UL, Create, DashedVMobject, UpdateFromAlphaFunc, VGroup, linear, smooth, there_and_back

from nnexplain.geometry.kink_tour import pattern_bests, refit_at
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import label
from nnexplain.scenes.base.hinge_story import TEXT_SIZE

__all__ = ["SearchShow"]


def _words(directions: np.ndarray) -> str:
    return ", ".join("right" if side > 0 else "left" for side in directions)


class SearchShow:
    """The beat ``show_search`` (opt-in: ``search_shown``)."""

    search_shown: ClassVar[bool] = False
    candidate_color: ClassVar[str] = "#FFD166"  # gold: a candidate of the search, apart from the white network

    def show_search(self, fit, seconds: float, slot: float) -> None:
        """The 8 ways to open, each at its best grid kinks, for ``seconds``; rows in the column from ``slot``."""
        x, color = self.hinges.x, self.candidate_color
        found = tuple(float(d) for d in fit.directions)
        tried = pattern_bests(self.target, self.domain, len(fit.kinks))
        # Worst first; among equal grid errors the best fit's own way to open comes last (the one it was refined to).
        tried.sort(key=lambda entry: (-round(entry[0], 4), tuple(entry[2]) == found))
        fits = [refit_at(self.target, self.domain, np.sort(kinks), d) for _, kinks, d in tried]

        def dashed_values(values: np.ndarray) -> DashedVMobject:
            return DashedVMobject(self.outputs.curve(x, values, color, width=5), num_dashes=40)

        drawn = dashed_values(fits[0](x))
        knots = self.outputs.dots(fits[0].kinks, fits[0](fits[0].kinks), color, radius=0.07)
        top = self.column_point(self.labels_top - 0.45 - slot * 0.42)
        heading = label("on the grid, each way:", self.theme, size=TEXT_SIZE, color=color).move_to(top, aligned_edge=UL)

        def row_text(index: int):
            error, _, directions = tried[index]
            return label(f"{_words(directions)}: {error:.3f}", self.theme, size=TEXT_SIZE, color=color)

        row = SlotText(row_text(0), slots=26, edge=LEFT)
        row.move_to(top + 0.42 * np.array([0.0, -1.0, 0.0]), aligned_edge=UL)
        shown = {"index": 0}

        def step(group, alpha: float) -> None:
            at = min(alpha * len(fits), len(fits) - 1e-9)
            index = int(at)
            part = smooth(min(1.0, (at - index) / 0.4))  # moves in the first 40 % of its share, then holds
            # From one way's fit to the next: the curves blended (a transition; each stop is the refit itself).
            before, one = fits[max(index - 1, 0)], fits[index]
            values = (1 - part) * before(x) + part * one(x)
            for old, new in zip(drawn.submobjects, dashed_values(values).submobjects):
                old.set_points(new.points)
            kinks = (1 - part) * before.kinks + part * one.kinks
            heights = (1 - part) * before(before.kinks) + part * one(one.kinks)
            for dot, point in zip(knots, self.outputs.plot_points(kinks, heights)):
                dot.move_to(point)
            if index != shown["index"]:
                row.show(row_text(index))
                shown["index"] = index

        self.play(Fade(drawn), Fade(knots), Fade(heading), Fade(row), run_time=0.4)
        self.play(
            UpdateFromAlphaFunc(VGroup(drawn, knots, row), step, rate_func=linear), run_time=max(1.0, seconds - 0.8)
        )
        self.play(Fade(VGroup(drawn, knots, heading, row), out=True), run_time=0.4)

    def best_error_line(self, fit, miss, row: str, color: str) -> None:
        """The best fit's largest error said: its miss drawn then (its bar, number and ``row`` landing), or, when the
        search was shown (its miss came with the fit), its miss and bar pulsing."""
        # "the best a search finds" comes with the answer next
        with self.narrate(f"Its largest error: {fit.error:.3f}.") as line:
            first = min(1.2, 0.3 * line.duration)
            if self.search_shown:
                self.play(
                    miss[0].animate(rate_func=there_and_back).set_stroke(width=8),
                    miss[1].animate(rate_func=there_and_back).set_stroke(width=13),
                    run_time=line.duration,
                )
            else:
                self.play(Create(miss[0]), run_time=line.duration - first)
                self.land_miss(first, miss, row, color, 2)
