"""A layered network diagram built from a :class:`~nnexplain.geometry.network.NetworkView`.

    diagram = NetworkDiagram.from_run(load_run("runs/mnist"))
    self.play(Create(diagram))
    view = diagram.view
    self.play(SignalPulse(diagram.edges[0]), *diagram.light(1, view.brightness(0)[1]))

Neurons are circles whose fill opacity is the brightness the view computed;
edges are bundled by sign (colour) and |weight| class (width and opacity).
The diagram never stores state in colours: values live in the view.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import LEFT, RIGHT, Brace, Circle, Dot, VGroup

from nnexplain.geometry.network import WIDTH_CLASSES, NetworkView, network_view
from nnexplain.mobjects.edges import EdgeBundle, FlowPulse
from nnexplain.mobjects.style import Theme, label
from nnexplain.run import Run

__all__ = ["NetworkDiagram", "edge_styles", "column_xs", "layer_headers"]

EDGE_WIDTHS = (0.5, 1.0, 1.7, 2.6)
EDGE_OPACITIES = (0.22, 0.35, 0.55, 0.8)


def edge_styles(weights: np.ndarray, width_classes: np.ndarray) -> np.ndarray:
    """Style index of each edge: sign picks the colour block, the width class the entry in it."""
    return np.where(weights >= 0, 0, WIDTH_CLASSES) + width_classes


def column_xs(layout: Sequence[float], count: int) -> tuple[float, ...]:
    """Where the columns of ``count`` layers stand: ``layout`` when it has that many (a scene's
    tuned spacing), else spread evenly from its first column to its last, so a network of any
    depth fills the same width."""
    if len(layout) == count:
        return tuple(layout)
    return tuple(float(x) for x in np.linspace(layout[0], layout[-1], count))


def layer_headers(xs: Sequence[float], theme: Theme, size: float, y: float) -> VGroup:
    """ "input", "hidden 1", …, "output" over the columns at ``xs``. Where "hidden 1" is wider than
    the room between columns (a deep network), one "hidden layers" stands over the hidden columns
    and each gets its number just under it, so no header runs into the next."""
    count = len(xs)
    names = ["input", *(f"hidden {i}" for i in range(1, count - 1)), "output"]
    headers = VGroup(*(label(text, theme, size, theme.muted).move_to([x, y, 0]) for text, x in zip(names, xs)))
    gaps = np.diff(np.asarray(xs, float))
    if count < 3 or all(gap >= (a.width + b.width) / 2 + 0.15 for gap, a, b in zip(gaps, headers, headers[1:])):
        return headers
    hidden = label("hidden layers", theme, size, theme.muted).move_to([float(np.mean(xs[1:-1])), y, 0])
    below = hidden.get_bottom()[1] - 0.06
    numbers = [label(str(i), theme, size, theme.muted) for i in range(1, count - 1)]
    for number, x in zip(numbers, xs[1:-1]):
        number.move_to([x, below - number.height / 2, 0])
    return VGroup(headers[0], hidden, *numbers, headers[-1])


class NetworkDiagram(VGroup):
    def __init__(
        self,
        view: NetworkView,
        theme: Theme,
        layer_x: Sequence[float],
        height: float = 5.4,
        center_y: float = 0.0,
        class_names: Sequence[str] = (),
        count_size: float = 20,
        name_size: float = 22,
    ):
        super().__init__()
        self.view, self.theme = view, theme
        if len(layer_x) != len(view.layers):
            raise ValueError(
                f"{len(view.layers)} layers need {len(view.layers)} column positions, not {len(layer_x)} (see column_xs)"
            )
        self.layers = VGroup(
            *(
                self._column(count, x, height, center_y, split=(i == 0))
                for i, (count, x) in enumerate(zip(view.drawn_sizes, layer_x))
            )
        )
        self.edges = VGroup(*(self._bundle(i) for i in range(len(view.edges))))
        self.input_ellipsis = self._ellipsis()
        self.input_brace = Brace(self.layers[0], direction=LEFT, buff=0.12, color=theme.muted)
        self.input_count = label(f"{view.layers[0]:,}", theme, count_size, theme.muted).next_to(
            self.input_brace, LEFT, buff=0.08
        )
        self.output_labels = VGroup(
            *(
                label(name, theme, name_size).next_to(neuron, RIGHT, buff=0.15)
                for name, neuron in zip(class_names, self.layers[-1])
            )
        )
        self.add(self.edges, self.layers, self.input_ellipsis, self.input_brace, self.input_count, self.output_labels)

    @classmethod
    def from_run(
        cls,
        run: Run,
        theme: Theme | None = None,
        epoch: int | None = None,
        shown_inputs: int = 16,
        layer_x: Sequence[float] | None = None,
        height: float = 5.4,
    ) -> "NetworkDiagram":
        """The diagram of ``run`` at ``epoch`` (the last snapshot by default), columns spread over the frame."""
        view = network_view(run, epoch, shown_inputs)
        count = len(view.layers)
        layer_x = layer_x if layer_x is not None else np.linspace(-4.5, 4.5, count)
        names = run.dataset.get("classes") or [str(i) for i in range(view.layers[-1])]
        return cls(view, theme or Theme(), layer_x, height=height, class_names=names)

    def _column(self, count: int, x: float, height: float, center_y: float, split: bool) -> VGroup:
        gap = 2 if split else 0  # room for the ellipsis, counted in neuron spacings
        spacing = min(height / (count - 1 + gap), 0.62)
        radius = min(0.42 * spacing, 0.21)
        offsets = np.arange(count, dtype=float)
        if split:
            offsets[count // 2 :] += gap
        ys = center_y + (offsets.max() / 2 - offsets) * spacing
        column = VGroup()
        for y in ys:
            neuron = Circle(radius=radius).move_to([x, y, 0])
            neuron.set_stroke(self.theme.neuron_stroke, 1.5).set_fill(self.theme.neuron_fill, 0.0)
            column.add(neuron)
        return column

    def _ellipsis(self) -> VGroup:
        column = self.layers[0]
        half = len(column) // 2
        top, bottom = column[half - 1].get_center(), column[half].get_center()
        return VGroup(*(Dot(top + (bottom - top) * t, radius=0.03, color=self.theme.muted) for t in (0.3, 0.5, 0.7)))

    def _bundle(self, index: int) -> EdgeBundle:
        group = self.view.edges[index]
        starts, ends = self.edge_ends(index)
        colors = [self.theme.positive] * WIDTH_CLASSES + [self.theme.negative] * WIDTH_CLASSES
        return EdgeBundle(
            starts, ends, edge_styles(group.weight, group.width_class), colors, EDGE_WIDTHS * 2, EDGE_OPACITIES * 2
        )

    def set_brightness(self, layer: int, values: np.ndarray) -> "NetworkDiagram":
        for neuron, value in zip(self.layers[layer], values):
            neuron.set_fill(opacity=float(value))
        return self

    def light(self, layer: int, values: np.ndarray) -> list:
        """Animations that bring the neurons of ``layer`` to ``values``."""
        return [neuron.animate.set_fill(opacity=float(value)) for neuron, value in zip(self.layers[layer], values)]

    def edge_ends(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Start and end points of every drawn edge between layers ``index`` and ``index + 1``."""
        group = self.view.edges[index]
        lower, upper = self.layers[index], self.layers[index + 1]
        starts = np.array([n.get_center() for n in lower])[group.source] + RIGHT * lower[0].radius
        ends = np.array([n.get_center() for n in upper])[group.target] + LEFT * upper[0].radius
        return starts, ends

    def flow_pulse(self, index: int, sources: np.ndarray, color: str, **kwargs) -> FlowPulse:
        """A pulse along the edges out of layer ``index`` showing |weight × activation| for the
        drawn source neurons' activations ``sources`` (one input's)."""
        group = self.view.edges[index]
        return FlowPulse(*self.edge_ends(index), group.weight * np.asarray(sources)[group.source], color, **kwargs)

    def neuron_centers(self, layer: int) -> np.ndarray:
        return np.array([neuron.get_center() for neuron in self.layers[layer]])
