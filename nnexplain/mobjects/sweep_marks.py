"""Marks that follow a training sweep: ticks where earlier layers kink, and a number read from each snapshot.

A :class:`~nnexplain.mobjects.hinges.SnapshotSweep` redraws the curves; :class:`MarksSweep`,
played beside it with the same snapshots and the same time shares, moves the
:class:`AxisTicks` between the snapshots' kinks and shows each snapshot's readout (a
:class:`~nnexplain.mobjects.slot_text.SlotText`) while that snapshot is the nearer one, as the
sweep does with its epoch counter.

    ticks = AxisTicks(panel, kinks_at_start, theme.muted)
    self.play(SnapshotSweep(view, snapshots, weights=w), MarksSweep(ticks, readout, kinks, texts, weights=w))
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, UP, Animation, Line, Mobject, VGroup, VMobject, linear

from nnexplain.mobjects.hinges import CurvePanel
from nnexplain.mobjects.slot_text import SlotText

__all__ = ["AxisTicks", "MarksSweep", "spread_positions"]


class AxisTicks(VGroup):
    """Short ticks standing on ``panel``'s bottom edge at x values; one tick per value, hidden outside the
    panel's interval. Standing on the frame (not the y = 0 line), they stay put when the panel's y range changes."""

    def __init__(self, panel: CurvePanel, xs: np.ndarray, color: str, height: float = 0.3, width: float = 4):
        super().__init__()
        self.panel, self.tick_height = panel, height
        self.add(*[Line(DOWN, UP, stroke_width=width).set_stroke(color) for _ in xs])
        self.show(xs)

    def show(self, xs: np.ndarray) -> "AxisTicks":
        low, high = self.panel.domain
        bottom = self.panel.box.get_bottom()[1]
        for tick, x in zip(self.submobjects, np.asarray(xs, np.float64)):
            inside = bool(np.isfinite(x) and low < x < high)
            across = self.panel.plot_point(float(np.clip(x, low, high)) if np.isfinite(x) else low, 0)[0]
            tick.put_start_and_end_on(np.array([across, bottom, 0]), np.array([across, bottom + self.tick_height, 0]))
            tick.set_stroke(opacity=1 if inside else 0)
        return self


class MarksSweep(Animation):
    """Ticks and a readout through the snapshots of a sweep: the ticks move from each snapshot's kinks to the next's
    (an x value per tick, the same ticks in every snapshot); the readout shows ``texts[i]`` while snapshot ``i`` is
    the nearer one. ``weights``: each step's share of the time, as given to the SnapshotSweep it goes with."""

    def __init__(
        self,
        ticks: AxisTicks,
        readout: SlotText,
        kinks: list[np.ndarray],
        texts: list[VMobject],
        weights: np.ndarray | None = None,
        **kwargs,
    ):
        self.ticks, self.readout, self.texts = ticks, readout, texts
        self.kinks = [np.asarray(k, np.float64) for k in kinks]
        shares = np.ones(max(len(kinks) - 1, 1)) if weights is None else np.asarray(weights, dtype=float)
        self.step_ends = np.cumsum(shares) / shares.sum()
        self._shown: int | None = None
        super().__init__(VGroup(ticks, readout), rate_func=linear, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # every frame is drawn from the snapshots

    def interpolate_mobject(self, alpha: float) -> None:
        if len(self.kinks) == 1:
            index, fraction = 0, 0.0
        else:
            index = min(int(np.searchsorted(self.step_ends, alpha, side="right")), len(self.kinks) - 2)
            start = self.step_ends[index - 1] if index else 0.0
            fraction = float(np.clip((alpha - start) / max(self.step_ends[index] - start, 1e-12), 0.0, 1.0))
        before, after = self.kinks[index], self.kinks[min(index + 1, len(self.kinks) - 1)]
        # A kink that leaves the interval (or is infinite) is not drawn moving to it: it hides at the nearer end.
        moving = np.where(np.isfinite(before) & np.isfinite(after), (1 - fraction) * before + fraction * after, before)
        self.ticks.show(moving if fraction < 1 else after)
        nearest = index if fraction < 0.5 else min(index + 1, len(self.texts) - 1)
        if nearest != self._shown:
            self.readout.show(self.texts[nearest])
            self._shown = nearest


def spread_positions(positions: np.ndarray, gap: float) -> np.ndarray:
    """Positions for labels of ``positions`` (sorted) at least ``gap`` apart: labels that would overlap are set
    side by side, centred on the mean of what they label, so each stays as near its own place as the others allow."""
    clusters = [[float(p)] for p in np.sort(np.asarray(positions, np.float64))]

    def start(cluster: list[float]) -> float:
        return float(np.mean(cluster)) - gap * (len(cluster) - 1) / 2

    merged = True
    while merged:
        merged = False
        for i in range(len(clusters) - 1):
            if start(clusters[i]) + gap * len(clusters[i]) > start(clusters[i + 1]) + 1e-12:
                clusters[i] = clusters[i] + clusters.pop(i + 1)
                merged = True
                break
    return np.array([start(c) + gap * k for c in clusters for k in range(len(c))])
