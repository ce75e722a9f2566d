"""The filters scene's grid of feature maps: every kernel's map of three validation digits, rows and columns named.

A mixin of :class:`~nnexplain.scenes.filters.Filters`. Each row is one digit (drawn at its left), each column one
kernel (drawn above it, in the top row the rest of the scene keeps), every map on one colour scale (its ± written
beside the grid). The column just built in the detail view is framed; then the two edge kernels whose maps are
most nearly each other's negative are framed together, their correlation measured over the three digits' maps.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, AnimationGroup, FadeIn, FadeOut, Group, Rectangle

from nnexplain.mobjects.feature_maps import symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, diverging_rgba, grey_rgba
from nnexplain.mobjects.style import label
from nnexplain.scenes.convolution_text import outlined
from nnexplain.scenes.filters_layout import LEFT_X, TEXT, TOP_Y, column_x

__all__ = ["MapsBeats", "opposite_pair"]

OPPOSITE = -0.3  # two edge kernels' maps correlated below this are said to light opposite sides of a stroke


def opposite_pair(maps: np.ndarray, edges: list[int]) -> tuple[int, int, float] | None:
    """Among the ``edges`` kernels, the two whose maps (``maps``: digits × kernels × r × c) correlate most
    negatively over all digits, with that correlation; None when no pair is below :data:`OPPOSITE`."""
    flat = np.asarray(maps, np.float64).transpose(1, 0, 2, 3).reshape(maps.shape[1], -1)
    best = None
    for n, a in enumerate(edges):
        for b in edges[n + 1 :]:
            r = float(np.corrcoef(flat[a], flat[b])[0, 1])
            if r < OPPOSITE and (best is None or r < best[2]):
                best = (a, b, r)
    return best


class MapsBeats:
    def show_maps(self) -> None:
        story = self.story
        scale = symmetric_scale(story.maps)
        tile = 0.95
        rows = Group()
        for n, (digit, maps) in enumerate(zip(story.digits, story.maps)):
            y = 0.4 - 1.02 * n
            row = Group(outlined(Heatmap(grey_rgba(story.images[digit]), tile), self.theme).move_to([LEFT_X, y, 0]))
            for i, values in enumerate(maps):
                row.add(Heatmap(diverging_rgba(values, scale, self.theme), tile).move_to([column_x(i), y, 0]))
            rows.add(row)
        names = (
            ", ".join(f"a {story.labels[d]}" for d in story.digits[:-1]) + f" and a {story.labels[story.digits[-1]]}"
        )
        kernels = self.top_row()
        heads = Group(label("kernel", self.theme, TEXT, self.theme.muted).move_to([LEFT_X, TOP_Y, 0]))
        key = label(f"blue +, red −, all ±{scale:.1f}", self.theme, TEXT, self.theme.muted)
        key.next_to(rows, DOWN, buff=0.12).align_to(rows[-1][-1], [1, 0, 0])
        self.telling(
            f"Every kernel's map before the ReLU, on three digits: {names}.",
            FadeOut(self.detail, run_time=0.6),
            FadeIn(kernels, run_time=0.6),
            *(FadeIn(row, lag_ratio=0.08, run_time=1.0) for row in rows),
        )
        column = Group(*(row[1 + self.chosen] for row in rows))
        frame = Rectangle(width=tile + 0.12, height=column.height + 0.12).set_stroke(self.theme.text, 3).move_to(column)
        self.telling(
            "A row per digit, a column per kernel, all on one colour scale.",
            FadeIn(heads, run_time=0.4),
            FadeIn(key, run_time=0.4),
        )
        self.telling(f"Column {self.chosen + 1} is the map just built.", FadeIn(frame, run_time=0.5))
        marks = Group(frame, key, heads)
        pair = opposite_pair(story.maps, list(story.edges))
        if pair is not None:
            a, b, r = pair
            gap = abs((story.fits[a].angle - story.fits[b].angle + 180) % 360 - 180)
            ways = " point nearly opposite ways" if gap >= 135 else ""
            frames = Group(
                *(
                    Rectangle(width=tile + 0.12, height=column.height + 0.12)
                    .set_stroke(self.theme.highlight, 3)
                    .move_to(Group(*(row[1 + i] for row in rows)))
                    for i in (a, b)
                )
            )
            self.telling(
                f"Kernels {a + 1} and {b + 1}{ways}:", FadeOut(frame, run_time=0.3), FadeIn(frames, run_time=0.5)
            )
            self.telling(
                f"where one's map is blue, the other's is mostly red (correlation {r:.2f}).".replace("-", "−"),
                AnimationGroup(*(self.pulse(frame, 1.04) for frame in frames)),
            )
            marks = Group(frames, key, heads)
        self.maps = Group(rows, marks)
