"""Straight edges drawn in bundles, and a pulse that runs along them.

A network diagram has hundreds of edges. One ``Line`` per edge costs a mobject
per edge on every frame; an :class:`EdgeBundle` draws all edges that share a
colour and a thickness as the subpaths of a single ``VMobject``, so the cost
grows with the number of styles, not edges (``benchmarks/edges.py`` measures it).

    bundle = EdgeBundle(starts, ends, styles, colors, widths, opacities)
    self.play(Create(bundle))
    self.play(SignalPulse(bundle))      # a flash travels along every edge at once
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import Animation, VGroup, VMobject

__all__ = ["EdgeBundle", "SignalPulse", "FlowPulse", "FLOW_LEVELS", "segment_points"]

# What share of the largest flow an edge must carry to be drawn in each pulse class (thinnest first).
FLOW_LEVELS = (0.05, 0.2, 0.4, 0.6, 0.8)


def segment_points(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Bezier points (4 per edge) that draw the straight segments ``starts[i] -> ends[i]``."""
    t = np.array([0.0, 1 / 3, 2 / 3, 1.0])[None, :, None]
    points = starts[:, None, :] + (ends - starts)[:, None, :] * t
    return points.reshape(-1, 3)


class _Strand(VMobject):
    """All edges of one style; keeps their end points to redraw parts of them."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray, **kwargs):
        super().__init__(**kwargs)
        self.starts, self.ends = starts, ends
        self.set_points(segment_points(starts, ends))

    def show_between(self, lower: float, upper: float) -> None:
        """Draw only the part of every edge between fractions ``lower`` and ``upper`` of its length."""
        direction = self.ends - self.starts
        self.set_points(segment_points(self.starts + lower * direction, self.starts + upper * direction))


class EdgeBundle(VGroup):
    """Edges grouped by style: one strand per distinct ``style`` value.

    ``styles[i]`` picks the colour, width and opacity of edge i from the per-style
    sequences, so ``colors[s]``, ``widths[s]`` and ``opacities[s]`` describe style s.
    """

    def __init__(
        self,
        starts: np.ndarray,
        ends: np.ndarray,
        styles: np.ndarray,
        colors: Sequence[str],
        widths: Sequence[float],
        opacities: Sequence[float],
        **kwargs,
    ):
        strands = []
        for style in np.unique(styles):
            chosen = styles == style
            strand = _Strand(np.asarray(starts)[chosen], np.asarray(ends)[chosen])
            strand.set_stroke(colors[style], widths[style], opacities[style])
            strand.style = int(style)
            strands.append(strand)
        super().__init__(*strands, **kwargs)


class SignalPulse(Animation):
    """A short bright segment that travels along every edge of a bundle at once."""

    def __init__(self, bundle: EdgeBundle, pulse_length: float = 0.25, width_factor: float = 1.8, **kwargs):
        self.pulse_length = pulse_length
        pulse = bundle.copy()
        for strand in pulse:
            strand.set_stroke(width=strand.get_stroke_width() * width_factor, opacity=1.0)
        super().__init__(pulse, remover=True, introducer=True, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        head = alpha * (1 + self.pulse_length)
        lower, upper = np.clip([head - self.pulse_length, head], 0.0, 1.0)
        for strand in self.mobject:
            strand.show_between(lower, upper)


class FlowPulse(Animation):
    """A pulse that shows what flows along each edge: width and brightness ∝ |weight × activation|.

    ``flows`` holds one value per edge (its weight times its source neuron's activation
    for one input); edges carrying under 5% of the largest flow get no pulse. Edges are
    bundled into a few classes by their share of the largest flow, as :class:`EdgeBundle` does.
    """

    def __init__(
        self,
        starts: np.ndarray,
        ends: np.ndarray,
        flows: np.ndarray,
        color: str,
        max_width: float = 7.0,
        pulse_length: float = 0.3,
        **kwargs,
    ):
        self.pulse_length = pulse_length
        share = np.abs(np.asarray(flows, np.float64))
        share = share / (share.max() or 1.0)
        self.flow_class = np.searchsorted(FLOW_LEVELS, share, side="right") - 1  # −1: nothing flows
        strands = []
        for level in range(len(FLOW_LEVELS)):
            chosen = self.flow_class == level
            if chosen.any():
                strand = _Strand(np.asarray(starts)[chosen], np.asarray(ends)[chosen])
                weight = (level + 1) / len(FLOW_LEVELS)
                strand.set_stroke(color, max_width * weight, 0.3 + 0.7 * weight)
                strand.level = level
                strands.append(strand)
        super().__init__(VGroup(*strands), remover=True, introducer=True, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        head = alpha * (1 + self.pulse_length)
        lower, upper = np.clip([head - self.pulse_length, head], 0.0, 1.0)
        for strand in self.mobject:
            strand.show_between(lower, upper)
