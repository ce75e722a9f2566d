"""Wishes and gradients drawn on a :class:`~nnexplain.mobjects.network.NetworkDiagram`.

    wishes = WishArrows(diagram.neuron_centers(3), -result.deltas[2][0], theme, x_offset=1.0, numbers=True)
    edges = GradientEdges(diagram, gradient_edges(view, result, x, 2), 2, theme)   # nnexplain.geometry.wishes
    self.play(SignalPulse(edges.backwards()), Create(wishes))

A wish arrow points up for a neuron that should rise, down for one that should
fall, its length proportional to the wish (the layer's largest is ``max_length``);
:class:`WishRings` say the same with a ring's colour and thickness, for dense columns.
Gradient edges are coloured by the change the example wishes for the weight (−gradient:
``theme.wish_up`` to grow, ``theme.wish_down`` to shrink; never the weights' own blue and red) and drawn wider for larger |gradient| (classes of
:data:`~nnexplain.geometry.wishes.GRADIENT_QUANTILES`); the diagram itself is unchanged.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Arrow, Circle, VGroup

from nnexplain.geometry.network import EdgeGroup
from nnexplain.mobjects.edges import EdgeBundle
from nnexplain.mobjects.network import NetworkDiagram
from nnexplain.mobjects.style import Theme, label

__all__ = ["WishArrows", "WishRings", "GradientEdges", "signed"]

GRADIENT_WIDTHS = (0.4, 1.0, 2.2, 4.0)
GRADIENT_OPACITIES = (0.08, 0.25, 0.6, 1.0)


def signed(value: float, digits: int = 2) -> str:
    """+0.51, −0.50, 0.00."""
    text = f"{value:+.{digits}f}"
    return text[1:] if float(text) == 0 else text.replace("-", "−")


class WishArrows(VGroup):
    """Vertical arrows beside neurons at ``centers``, one per ``values`` entry, optionally with their numbers."""

    def __init__(
        self,
        centers: np.ndarray,
        values: np.ndarray,
        theme: Theme,
        max_length: float = 0.45,
        x_offset: float = 0.3,
        numbers: bool = False,
        size: float = 16,
        scale: float | None = None,
        down_shift: float = 0.0,
        number_x: float | None = None,
        stroke_width: float = 4,
        centred: bool = False,
    ):
        """``down_shift``: falling arrows stand that much further right, so a long rising arrow never runs into
        a long falling one from the row above; ``number_x``: the numbers' left edge (default: beside each base);
        ``centred``: each arrow's middle on its neuron's row (half its length above and below), not its tail."""
        super().__init__()
        self.values = np.asarray(values, np.float64)
        self.scale = scale or float(np.abs(self.values).max()) or 1.0  # the wish drawn max_length long
        self.arrows, self.numbers = VGroup(), VGroup()
        for center, value in zip(centers, self.values):
            length = max_length * abs(value) / self.scale
            base = np.asarray(center) + RIGHT * (x_offset + (down_shift if value < 0 else 0.0))
            color = theme.wish_up if value > 0 else theme.wish_down
            way = (UP if value > 0 else DOWN) * max(length, 1e-3)
            tail = base - way / 2 if centred else base
            arrow = Arrow(
                tail,
                tail + way,
                buff=0,
                stroke_width=stroke_width,
                color=color,
                max_tip_length_to_length_ratio=0.3,
                max_stroke_width_to_length_ratio=12,
            )
            if length < 0.03:  # too small to see as an arrow: a faint tick
                arrow.set_opacity(0.25)
            self.arrows.add(arrow)
            if numbers:
                text = label(signed(value), theme, size, color if abs(value) >= 0.005 else theme.muted)
                if number_x is None:
                    self.numbers.add(text.next_to(base, RIGHT, buff=0.12))
                else:
                    self.numbers.add(text.move_to([number_x + text.width / 2, center[1], 0]))
        self.add(self.arrows, self.numbers)


class WishRings(VGroup):
    """Rings around neurons where an arrow would drown among the edges: the colour is the wish's sign
    (``theme.wish_up`` or ``theme.wish_down``), the thickness its size (the layer's largest is ``max_width``)."""

    def __init__(self, neurons: VGroup, values: np.ndarray, theme: Theme, max_width: float = 7.0, gap: float = 0.05):
        super().__init__()
        self.values = np.asarray(values, np.float64)
        self.scale = float(np.abs(self.values).max()) or 1.0
        for neuron, value in zip(neurons, self.values):
            share = abs(value) / self.scale
            ring = Circle(radius=neuron.radius + gap).move_to(neuron.get_center())
            ring.set_stroke(
                theme.wish_up if value > 0 else theme.wish_down, 0.5 + max_width * share, 0.25 + 0.75 * share
            )
            self.add(ring)


class GradientEdges(EdgeBundle):
    """The diagram's drawn edges between ``layer`` and ``layer + 1``, styled by this example's gradient."""

    def __init__(self, diagram: NetworkDiagram, group: EdgeGroup, layer: int, theme: Theme):
        lower, upper = diagram.layers[layer], diagram.layers[layer + 1]
        starts = diagram.neuron_centers(layer)[group.source] + RIGHT * lower[0].radius
        ends = diagram.neuron_centers(layer + 1)[group.target] + LEFT * upper[0].radius
        classes = len(GRADIENT_WIDTHS)
        # The wished change of a weight is −gradient: wish_up where it should grow, wish_down where it should shrink.
        styles = np.where(group.weight <= 0, 0, classes) + group.width_class
        colors = [theme.wish_up] * classes + [theme.wish_down] * classes
        super().__init__(starts, ends, styles, colors, GRADIENT_WIDTHS * 2, GRADIENT_OPACITIES * 2)
        self.group, self.starts, self.ends = group, starts, ends
        self._bundle_args = (styles, colors)

    def backwards(self) -> EdgeBundle:
        """The same edges drawn from the upper layer down, for a pulse that runs backwards."""
        styles, colors = self._bundle_args
        return EdgeBundle(self.ends, self.starts, styles, colors, GRADIENT_WIDTHS * 2, GRADIENT_OPACITIES * 2)

    def edge_line(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Start and end of edge ``index`` of the group."""
        return self.starts[index], self.ends[index]
