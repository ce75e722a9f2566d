"""Every neuron as a map of the input plane, as TensorFlow Playground draws a network, over training.

    nnexplain render neuron-maps                      # the moons-overfit run, trained once
    nnexplain render neuron-maps --run runs/spiral
    NNEXPLAIN_RUN=runs/spiral manim -ql scenes/neuron_maps.py NeuronMaps

Each square is one neuron: its activation at every point of the input plane
(x₁ to the right, x₂ up), recomputed from the snapshot's stored weights with the
numpy forward pass (:mod:`nnexplain.geometry.regions`). Lines are the weights
(blue positive, red negative, thicker larger). The output's decision regions,
with the data points, sit on the right. The whole diagram plays through the
recorded snapshots with the epoch and the losses. Layers up to 8 wide.
Subclass to change the pace (``sweep_seconds``, ``pace``) or the map
resolution (``tile_raster``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, RIGHT, UP, Dot, FadeIn, Group, Rectangle, SurroundingRectangle, VGroup

from nnexplain.geometry.learning import divergence, training_points
from nnexplain.geometry.regions import PlaneRaster, layer_maps, map_scale
from nnexplain.mobjects.charts import Readout
from nnexplain.mobjects.heatmap import ColourBar, Heatmap, Playback, blend_keyframes, two_class_rgba
from nnexplain.mobjects.neuron_maps import NeuronMapDiagram
from nnexplain.mobjects.style import label
from nnexplain.scenes.base.caption_layout import say_below, title_block
from nnexplain.scenes.base.run_scene import RunScene

DIAGRAM_LEFT, DIAGRAM_RIGHT = -6.2, 2.6  # x of the first and the last column of tiles
CENTRE_Y, HEIGHT = -0.2, 4.9  # the columns' middle and the most they may span
REGIONS_CENTRE, REGIONS_SIZE = np.array([5.1, -0.05, 0]), 3.2


class NeuronMaps(RunScene):
    scene_name = "neuron-maps"
    sweep_seconds: ClassVar[float] = 12.0  # all recorded snapshots, first to last
    tile_raster: ClassVar[int] = 40  # pixels per side of a neuron's map
    regions_raster: ClassVar[int] = 96

    def setup(self) -> None:
        super().setup()
        grid = self.run.dataset.get("warp_grid")
        points = self.run.probe["inputs"]
        bounds = (
            grid["bounds"] if grid else (points[:, 0].min(), points[:, 0].max(), points[:, 1].min(), points[:, 1].max())
        )
        self.raster = PlaneRaster.around(bounds, self.tile_raster)
        self.region_raster = PlaneRaster.around(bounds, self.regions_raster)
        self.maps = [self.snapshot_maps(epoch) for epoch in self.run.epochs]
        self.regions = [
            two_class_rgba(
                layer_maps(self.run.params(e), self.run.activation, "softmax", self.region_raster)[-1][1],
                self.theme,
                strength=0.32,
            )
            for e in self.run.epochs
        ]
        layers = len(self.run.layers)
        self.scales = [float(np.abs(self.maps[0][0]).max())] + [
            map_scale(
                [keyframe[layer] for keyframe in self.maps], self.run.activation if layer < layers - 1 else "sigmoid"
            )
            for layer in range(1, layers)
        ]
        self.params = [self.run.params(epoch) for epoch in self.run.epochs]
        self.largest = [max(float(np.abs(p[layer][0]).max()) for p in self.params) for layer in range(layers - 1)]

    def construct(self) -> None:
        self.beat("the network")
        self.show_network()
        self.beat("training")
        self.over_training()
        self.beat("reading it")
        self.read_it()
        self.hold(extra=1.0)

    # --- beats -------------------------------------------------------------

    def show_network(self) -> None:
        shape = "-".join(map(str, self.run.layers))
        self.title = title_block(
            "Every neuron is a map of the input plane",
            f"{self.run.recipe} · {shape} · {self.run.activation} · recomputed from each snapshot's weights",
            self.theme,
        )
        count = len(self.run.layers)
        xs = np.linspace(DIAGRAM_LEFT, DIAGRAM_RIGHT, count)
        widest = max(self.run.layers)
        tile = min(0.62, (xs[1] - xs[0]) * 0.42, HEIGHT / (widest + (widest - 1) * 0.2))
        self.diagram = NeuronMapDiagram(self.run.layers, self.theme, xs, tile, CENTRE_Y, 0.2 * tile, self.tile_raster)
        names = ["input"] + [f"layer {i}" for i in range(1, count - 1)] + ["output"]
        self.headers = VGroup(
            *(
                label(name, self.theme, 16, self.theme.muted).move_to([x, CENTRE_Y + HEIGHT / 2 + 0.3, 0])
                for name, x in zip(names, xs)
            )
        )
        self.region_panel = Heatmap(self.regions[0], REGIONS_SIZE, smooth=True).move_to(REGIONS_CENTRE)
        outline = (
            Rectangle(width=REGIONS_SIZE, height=REGIONS_SIZE).set_stroke(self.theme.muted, 1.2).move_to(REGIONS_CENTRE)
        )
        self.dots = self.points()
        heading = label("decision regions", self.theme, 16, self.theme.muted).next_to(outline, UP, buff=0.12)
        bar = ColourBar(
            1.0, self.theme, width=1.6, height=0.14, text="activation (inputs: own scale)", size=15, digits=0
        )
        bar.move_to(REGIONS_CENTRE + (REGIONS_SIZE / 2 + 0.6) * DOWN)
        key = label(
            "lines: weights, blue > 0, red < 0,\nthicker for larger |weight|", self.theme, 15, self.theme.muted
        ).next_to(bar, DOWN, buff=0.1)
        self.status = self.make_status()
        self.show_position(0.0)
        self.play(
            FadeIn(self.title, shift=0.2 * DOWN),
            FadeIn(self.diagram),
            FadeIn(self.headers),
            FadeIn(Group(self.region_panel, outline, self.dots)),
            FadeIn(heading),
            FadeIn(bar),
            FadeIn(key),
            FadeIn(self.status),
            run_time=self.t(1.2),
        )
        say_below(
            self, "Each square is one neuron: its activation at every point of the input plane, x₁ to the right, x₂ up."
        )
        say_below(
            self, "Each line is one weight: blue positive, red negative, thicker for larger. This is the random start."
        )

    def over_training(self) -> None:
        def play(t: float) -> None:
            position = t * (len(self.maps) - 1)
            self.show_position(position)
            self.show_status(int(round(position)))

        say_below(self, "Now every recorded snapshot, from the start to the end of training:")
        moving = Group(
            *self.diagram.edges, self.diagram.frames, *self.diagram.columns, self.region_panel, self.dots, self.status
        )
        self.play(Playback(moving, play, run_time=self.sweep_seconds))
        self.hold(extra=self.t(0.5))

    def read_it(self) -> None:
        first = self.diagram.tiles[1]
        box = SurroundingRectangle(first, color=self.theme.highlight, buff=0.08)
        say_below(
            self,
            f"Layer 1: each neuron is {self.run.activation} of one straight cut through the plane, a soft half-plane.",
            FadeIn(box),
            run_time=self.t(0.6),
        )
        if len(self.run.layers) > 3:
            second = SurroundingRectangle(self.diagram.tiles[2], color=self.theme.highlight, buff=0.08)
            say_below(
                self,
                "Layer 2 adds those cuts up, with its weights, into bent and curved regions.",
                box.animate.become(second),
                run_time=self.t(0.6),
            )
        output = SurroundingRectangle(
            Group(self.diagram.tiles[-1], self.region_panel), color=self.theme.highlight, buff=0.08
        )
        ending = "The output compares the last layer's maps: where class 1 wins is its decision region."
        if divergence(self.run.history) is not None:
            ending = "The output's regions bend around single training points: this run overfits."
        say_below(self, ending, box.animate.become(output), run_time=self.t(0.6))

    # --- pieces ------------------------------------------------------------

    def snapshot_maps(self, epoch: int) -> list[np.ndarray]:
        """The inputs' own maps (x₁, x₂), then every layer's, for one snapshot."""
        points = self.raster.points
        inputs = points.T.reshape(2, self.raster.size, self.raster.size)
        return [inputs, *layer_maps(self.run.params(epoch), self.run.activation, self.run.output, self.raster)]

    def show_position(self, position: float) -> None:
        """The diagram at ``position`` along the snapshots: maps and weights blended between neighbours."""
        index = min(int(position), len(self.maps) - 2) if len(self.maps) > 1 else 0
        fraction = position - index
        maps = [
            blend_keyframes([keyframe[layer] for keyframe in self.maps], position) for layer in range(len(self.maps[0]))
        ]
        self.diagram.show_maps(maps, self.scales)
        if fraction and len(self.params) > 1:
            params = [
                ((1 - fraction) * a[0] + fraction * b[0], a[1])
                for a, b in zip(self.params[index], self.params[index + 1])
            ]
        else:
            params = self.params[int(round(position))]
        self.diagram.show_weights(params, self.largest)
        self.region_panel.show(blend_keyframes(self.regions, position))

    def points(self) -> VGroup:
        found = training_points(self.run)
        x, y = found if found is not None else (self.run.probe["inputs"], self.run.probe["labels"])
        unit = self.region_raster.to_unit(x)
        corner = REGIONS_CENTRE - REGIONS_SIZE / 2 * (RIGHT + UP)
        return VGroup(
            *(
                Dot(
                    corner + REGIONS_SIZE * (u * RIGHT + v * UP), radius=0.045, color=self.theme.palette[int(c) % 2]
                ).set_stroke(self.theme.background, 1.5)
                for (u, v), c in zip(unit, y)
            )
        )

    def make_status(self) -> VGroup:
        """The epoch and the losses over the decision regions; :meth:`show_status` changes their numbers."""
        metrics = self.run.snapshots[0]["metrics"]
        self.readouts = [Readout("epoch", str(self.run.epochs[0]), self.theme, 22, self.theme.highlight)]
        for name, key in (("training loss", "train_loss"), ("validation loss", "val_loss")):
            if key in metrics:
                self.readouts.append(Readout(name, f"{metrics[key]:.3f}", self.theme, 16, self.theme.highlight))
        status = VGroup(self.readouts[0], VGroup(*self.readouts[1:]).arrange(RIGHT, buff=0.35)).arrange(
            DOWN, aligned_edge=RIGHT, buff=0.12
        )
        return status.move_to([REGIONS_CENTRE[0] + REGIONS_SIZE / 2, 2.75, 0], aligned_edge=RIGHT + UP)

    def show_status(self, index: int) -> None:
        metrics = self.run.snapshots[index]["metrics"]
        self.readouts[0].set_value(str(self.run.epochs[index]))
        for readout, key in zip(self.readouts[1:], ("train_loss", "val_loss")):
            readout.set_value(f"{metrics[key]:.3f}")
