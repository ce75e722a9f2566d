"""Every neuron as a map of the input plane, as TensorFlow Playground draws a network, over training.

    nnexplain render neuron-maps                      # the moons-overfit run, trained once
    nnexplain render neuron-maps --run runs/spiral
    NNEXPLAIN_RUN=runs/spiral manim -ql scenes/neuron_maps.py NeuronMaps

The story, every number recomputed from the snapshots' stored weights with the numpy
forward pass (:mod:`nnexplain.geometry.regions`):

1. the question, the data and the network;
2. what one map is: a layer-1 neuron drawn large, tanh(w₁x₁ + w₂x₂ + b) over the plane with the
   run's own numbers, its colour scale, and the straight line where it switches sign; shrunk
   back into its tile; a layer-2 neuron fed by the weighted lines; the output as decision regions;
3. training, paced by the maps (:mod:`nnexplain.geometry.map_pacing`): each step between two
   snapshots gets screen time in proportion to how much the maps change over it, and the
   counter shows the real epoch of the snapshot on screen;
4. for an overfitting run, the training points the regions bend around
   (:mod:`nnexplain.geometry.bent_points`): ringed, one named, the boundary at the best
   validation snapshot dashed beside the final one, the bending played a second time, slowly.

Tiles of hidden layers run from red (−scale) through dark (0) to blue (+scale); an output
tile is its class's probability, dark (0) to the class's colour (1). Lines are the weights
(blue positive, red negative, thicker larger). Layers up to 8 wide.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    BackgroundRectangle,
    Circle,
    Create,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    Group,
    Line,
    Restore,
    Square,
    VGroup,
)

from nnexplain.geometry.bent_points import BentPoint, bent_points
from nnexplain.geometry.contour import level_curves
from nnexplain.geometry.learning import divergence, training_points
from nnexplain.geometry.map_pacing import map_changes, paced_durations, position_at
from nnexplain.geometry.regions import PlaneRaster, class_one_map, layer_maps, map_scale
from nnexplain.mobjects.charts import Readout
from nnexplain.mobjects.heatmap import Heatmap, Playback, blend_keyframes, diverging_rgba, two_class_rgba
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.neuron_maps import NeuronMapDiagram, PlanePanel, probability_rgba
from nnexplain.mobjects.style import fmt_count, formula, label
from nnexplain.run.network import forward_trace
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["NeuronMaps"]


def curve_bend(curves: list[np.ndarray]) -> float:
    """How far the points of ``curves`` stray from the straight line that fits them best (0 for none)."""
    points = np.concatenate(curves) if curves else np.zeros((0, 2))
    if len(points) < 3:
        return 0.0
    centred = points - points.mean(axis=0)
    normal = np.linalg.svd(centred, full_matrices=False)[2][-1]
    return float(np.abs(centred @ normal).max())


def fmt_signed(value: float) -> str:
    """Two decimals with a true minus sign."""
    return f"{value:.2f}".replace("-", "−")


TEXT = 27  # every label: capital letters about 16 px tall at 480p
SAFE_LEFT, SAFE_RIGHT, SAFE_TOP = -6.7, 6.7, 3.6  # the 24 px title-safe margin of 854 × 480
COLUMNS_LEFT, COLUMNS_RIGHT = -5.9, -0.3  # x of the first and the last column of tiles
CENTRE_Y, HEIGHT = -0.2, 4.3  # the columns' middle and the most they may span
PANEL_CENTRE, PANEL_SIZE = np.array([3.75, -0.35, 0]), 4.0
NEIGHBOURS = 10  # a training point's label is contradicted when all these nearest validation points disagree
ON_TOP = 5  # z-index of what is drawn over the panel: the playback repaints the panel image every frame


class NeuronMaps(RunScene):
    scene_name = "neuron-maps"
    captions_in_band = True  # the narration is drawn as subtitles; the picture keeps short labels only
    sweep_seconds: ClassVar[float] = 24.0  # all recorded snapshots, first to last, shared out by how much maps change
    tile_raster: ClassVar[int] = 40  # pixels per side of a neuron's map
    panel_raster: ClassVar[int] = 96

    def setup(self) -> None:
        super().setup()
        grid = self.run.dataset.get("warp_grid")
        points = self.run.probe["inputs"]
        bounds = (
            grid["bounds"] if grid else (points[:, 0].min(), points[:, 0].max(), points[:, 1].min(), points[:, 1].max())
        )
        self.raster = PlaneRaster.around(bounds, self.tile_raster)
        self.panel_raster = PlaneRaster.around(bounds, type(self).panel_raster)
        self.params = [self.run.params(epoch) for epoch in self.run.epochs]
        self.maps = [self.snapshot_maps(epoch) for epoch in self.run.epochs]
        self.class_one = [class_one_map(p, self.run.activation, self.panel_raster) for p in self.params]
        layers = len(self.run.layers)
        self.scales = [float(np.abs(self.maps[0][0]).max())] + [
            map_scale([k[layer] for k in self.maps], self.run.activation if layer < layers - 1 else "sigmoid")
            for layer in range(1, layers)
        ]
        self.largest = [max(float(np.abs(p[layer][0]).max()) for p in self.params) for layer in range(layers - 1)]
        self.changes = map_changes([k[1:] for k in self.maps], self.scales[1:])
        self.step_seconds = paced_durations(self.changes, self.sweep_seconds)
        self.classes = list(self.run.dataset.get("classes") or ("class 0", "class 1"))
        found = training_points(self.run)
        x, y = found if found is not None else (self.run.probe["inputs"], self.run.probe["labels"])
        self.train_x, self.train_y, self.own_training_points = x, np.asarray(y).astype(int), found is not None
        losses = [s["metrics"].get("val_loss", np.nan) for s in self.run.snapshots]
        self.best = int(np.nanargmin(losses)) if np.isfinite(losses).any() else len(self.run.epochs) - 1
        self.bent = self.find_bent() if divergence(self.run.history) is not None else []

    def construct(self) -> None:
        self.beat("question")
        self.ask()
        self.beat("one map")
        self.one_map()
        self.beat("layer 2 and the output")
        self.layer_two_and_output()
        self.beat("training")
        self.train()
        if self.bent:
            self.beat("bent around points")
            self.bent_around()
        self.beat("reading it")
        self.read_it()
        self.hold(extra=1.0)

    # --- beats -------------------------------------------------------------

    def ask(self) -> None:
        title = label("What does each neuron compute?", self.theme, 30, weight="BOLD")
        self.title = title.move_to([SAFE_LEFT + title.width / 2, SAFE_TOP - title.height / 2, 0])
        self.build_diagram()
        self.panel = PlanePanel(self.panel_raster.bounds, PANEL_SIZE, PANEL_CENTRE, self.theme, self.panel_raster.size)
        self.panel.image.show(two_class_rgba(np.full_like(self.class_one[0], 0.5), self.theme))
        self.dots = self.training_dots()
        self.axis_names = self.plane_axes()
        with self.narrate("What does each neuron of a network compute, and how does training change it?") as line:
            self.play(Fade(self.title), run_time=0.5 * line.duration)
            self.play(FadeIn(self.panel), Fade(self.axis_names), run_time=0.4 * line.duration)
        count, size = fmt_count(len(self.train_x)), self.run.dataset.get("train")
        flipped = self.run.dataset.get("label_noise")
        data = f"The data: {count} training points, two classes in the plane (x₁, x₂)."
        if flipped and size and self.own_training_points:
            data = f"The data: {count} training points of two moons; {round(flipped * size)} labels flipped on purpose."
        self.panel_heading = self.heading_for("training data")
        with self.narrate(data) as line:
            self.play(Fade(self.panel_heading), run_time=0.3 * line.duration)
            self.play(FadeIn(self.dots, lag_ratio=0.02), run_time=0.6 * line.duration)
        hidden, act = self.run.layers[1:-1], self.run.activation
        if len(set(hidden)) == 1:
            layers = f"{len(hidden)} {act} layer{'s' if len(hidden) > 1 else ''} of {hidden[0]} neurons"
        else:
            layers = f"{act} layers of {', '.join(map(str, hidden))} neurons"
        with self.narrate(
            f"The network: {self.run.layers[0]} inputs, {layers}, {self.run.layers[-1]} outputs."
        ) as line:
            self.show_snapshot(0.0)
            self.play(
                FadeIn(self.diagram.frames),
                *(FadeIn(c) for c in self.diagram.columns),
                Fade(self.headers),
                run_time=0.4 * line.duration,
            )
            self.play(*(Create(lines) for lines in self.diagram.edges), run_time=0.5 * line.duration)

    def one_map(self) -> None:
        """One layer-1 neuron at the random start, drawn large over the plane, then shrunk into its tile."""
        unit = self.layer_one_unit()
        (w1, w2), b = self.params[0][0][0][unit], float(self.params[0][0][1][unit])
        tile = self.diagram.tile(1, unit)
        ring = tile.copy().set_stroke(self.theme.highlight, 4)
        start = "the random start" if self.run.epochs[0] == 0 else f"epoch {self.run.epochs[0]}"
        with self.narrate(f"Take one neuron: neuron {unit + 1} of layer 1, at {start}.") as line:
            self.play(Create(ring), run_time=0.5 * line.duration)
        values = layer_maps(self.params[0], self.run.activation, self.run.output, self.panel_raster)[0][unit]
        big = Heatmap(diverging_rgba(values, 1.0, self.theme), PANEL_SIZE, smooth=True).move_to(PANEL_CENTRE)
        small = big.copy().replace(tile)
        sign = "−" if b < 0 else "+"
        typst = f"{self.run.activation}({w1:.2f} x_1 {'-' if w2 < 0 else '+'} {abs(w2):.2f} x_2 {sign} {abs(b):.2f})"
        shown = formula(typst.replace("−", "-"), self.theme, 36).move_to([0, 0, 0])
        shown.move_to([PANEL_CENTRE[0], PANEL_CENTRE[1] + PANEL_SIZE / 2 + 0.35, 0])
        act = self.run.activation
        with self.narrate(f"At every point of the plane it computes {act} of a weighted sum of x₁ and x₂.") as line:
            self.play(Fade(self.panel_heading, out=True), self.dots.animate.set_opacity(0.25), run_time=0.4)
            self.add(small)
            self.play(small.animate.replace(big), Fade(shown), run_time=max(line.duration - 0.4, 1.0) * 0.7)
        bar = self.colour_bar()
        with self.narrate("Colour shows its value: blue near +1, dark near 0, red near −1.") as line:
            self.play(FadeIn(bar), run_time=0.6 * line.duration)
        switch = self.panel.level_lines(values, 0.0, self.theme.text, 4)
        with self.narrate(
            f"It switches sign along one straight line: {fmt_signed(w1)}x₁ {'−' if w2 < 0 else '+'} "
            f"{abs(w2):.2f}x₂ {sign} {abs(b):.2f} = 0."
        ) as line:
            self.play(Create(switch), run_time=0.6 * line.duration)
        with self.narrate("Shrunk to a square, that is its tile. Every layer-1 tile is such a cut.") as line:
            self.play(
                small.animate.replace(tile),
                Fade(switch, out=True),
                Fade(shown, out=True),
                run_time=0.5 * line.duration,
            )
            self.remove(small)
            column = self.diagram.tiles[1].copy().set_stroke(self.theme.highlight, 3)
            self.play(FadeIn(column), run_time=0.2 * line.duration)
            self.play(FadeOut(column), Fade(ring, out=True), run_time=0.2 * line.duration)
        self.bar = bar

    def layer_two_and_output(self) -> None:
        unit = 0
        incoming = self.diagram.edges[1][unit * self.run.layers[1] : (unit + 1) * self.run.layers[1]]
        others = [line for line in self.diagram.edges[1] if line not in incoming]
        ring = self.diagram.tile(2, unit).copy().set_stroke(self.theme.highlight, 4)
        self.diagram.edges[1].save_state()
        with self.narrate("A layer-2 neuron adds up layer 1's maps, weighted by its lines, then takes tanh.") as line:
            self.play(
                Create(ring),
                *(o.animate.set_stroke(opacity=0.08) for o in others),
                *(e.animate.set_stroke(width=6, opacity=1) for e in incoming),
                run_time=0.5 * line.duration,
            )
        self.play(Restore(self.diagram.edges[1]), Fade(ring, out=True), run_time=0.6)
        outputs = self.diagram.tiles[-1].copy().set_stroke(self.theme.highlight, 4)
        names = VGroup(
            *(label(name, self.theme, TEXT, colour) for name, colour in zip(self.classes, self.theme.palette[:2]))
        )
        names.arrange(RIGHT, buff=0.4).move_to([PANEL_CENTRE[0], PANEL_CENTRE[1] + PANEL_SIZE / 2 + 0.3, 0])
        self.panel_heading = names
        with self.narrate(f"The two outputs are the probabilities of {self.classes[0]} and {self.classes[1]}.") as line:
            self.play(Create(outputs), FadeOut(self.bar), run_time=0.4 * line.duration)
            self.play(Fade(names), self.dots.animate.set_opacity(1), run_time=0.4 * line.duration)
        self.boundary = self.panel.level_lines(self.class_one[0], 0.5, self.theme.text, 3).set_z_index(ON_TOP - 1)
        with self.narrate("Each point gets the likelier class: the plane splits into two regions.") as line:
            self.play(FadeOut(outputs), Create(self.boundary), run_time=0.6 * line.duration)
        self.status = self.make_status()
        self.play(Fade(self.status), run_time=0.5)

    def train(self) -> None:
        """The snapshots in order, each step on screen for its paced share; a line of narration over each part."""
        metrics = [s["metrics"] for s in self.run.snapshots]
        last = len(self.run.epochs) - 1
        lines = ["Now training, snapshot by snapshot: slower where the maps change more."]
        if "val_loss" in metrics[0]:
            lines.append(
                f"Validation loss falls from {metrics[0]['val_loss']:.3f} to its lowest, "
                f"{metrics[self.best]['val_loss']:.3f}, at epoch {self.run.epochs[self.best]}."
            )
        else:
            lines.append(f"Epoch {self.run.epochs[0]} to {self.run.epochs[self.best]}.")
        parts = self.halves(0, self.best)
        if self.best < last:
            lines.append(
                f"After that, training loss keeps falling: {metrics[self.best]['train_loss']:.3f} at epoch "
                f"{self.run.epochs[self.best]}, {metrics[-1]['train_loss']:.3f} at epoch {self.run.epochs[-1]}."
            )
            lines.append(f"But validation loss climbs back up, to {metrics[-1]['val_loss']:.3f}.")
            parts += self.halves(self.best, last)
        for text, (start, end) in zip(lines, parts):
            swap = self.say(text)  # the caption changes while the snapshots keep moving
            seconds = max(float(self.step_seconds[start:end].sum()), self.narrator.log[-1].duration + self.t(0.5))
            self.play_snapshots(start, end, seconds, lead_in=swap)

    def halves(self, start: int, end: int) -> list[tuple[int, int]]:
        """Snapshots ``start`` to ``end`` cut in two where half their paced time has passed."""
        if end - start < 2:
            return [(start, end), (end, end)]
        ends = np.cumsum(self.step_seconds[start:end])
        middle = start + 1 + int(np.searchsorted(ends, ends[-1] / 2))
        middle = min(max(middle, start + 1), end - 1)
        return [(start, middle), (middle, end)]

    def bent_around(self) -> None:
        named, best = self.bent[0], self.run.epochs[self.best]

        def ringed() -> VGroup:
            return VGroup(
                *(
                    Circle(radius=0.13).set_stroke(self.theme.highlight, 3).move_to(self.panel.to_scene(b.point)[0])
                    for b in self.bent
                )
            )

        rings, again = ringed().set_z_index(ON_TOP + 1), ringed().set_z_index(ON_TOP + 1)
        witnesses = self.nearest_validation(named)
        with self.narrate(
            f"{len(self.bent)} training points have labels that all {NEIGHBOURS} nearest validation points contradict."
        ) as line:
            self.play(Create(rings, lag_ratio=0.1), run_time=0.5 * line.duration)
            self.play(Create(witnesses[0]), FadeIn(witnesses[1]), run_time=0.4 * line.duration)
        with self.narrate(f"At epoch {best}, the best for validation, the regions leave them out.") as line:
            self.play(FadeOut(witnesses), run_time=self.t(0.5))
            self.play_snapshots(len(self.run.epochs) - 1, self.best, 0.6 * line.duration, even=True)
        earlier = VGroup(
            *(DashedVMobject(c.copy().set_stroke(self.theme.muted, 3), num_dashes=30) for c in self.boundary)
        ).set_z_index(ON_TOP - 1)
        where = self.panel.to_scene(named.point)[0]
        tag = label(f"labelled {self.classes[named.label]}", self.theme, TEXT, self.theme.highlight)
        tag.next_to(where, LEFT, buff=0.3)
        backing = BackgroundRectangle(tag, color=self.theme.background, fill_opacity=0.8, buff=0.06)
        tag = VGroup(backing, tag).set_z_index(ON_TOP + 1)
        mark = Circle(radius=0.22).set_stroke(self.theme.highlight, 5).move_to(where).set_z_index(ON_TOP + 1)
        side = self.classes[named.label]
        with self.narrate(f"By epoch {self.run.epochs[-1]} the {side} region bends out to take in this point.") as line:
            self.add(earlier)
            self.play(Fade(rings, out=True), Create(mark), Fade(tag), run_time=0.8)
            self.play_snapshots(self.best, len(self.run.epochs) - 1, max(line.duration - 0.8, 2.0))
        end = self.run.snapshots[-1]["metrics"]
        with self.narrate(
            f"Fitting such points is overfitting: validation loss rose from "
            f"{self.run.snapshots[self.best]['metrics']['val_loss']:.3f} to {end['val_loss']:.3f}."
        ) as line:
            self.play(Create(again), run_time=0.4 * line.duration)
        self.play(Fade(VGroup(again, mark, tag, earlier), out=True), run_time=0.6)

    def read_it(self) -> None:
        first, second = (tiles.copy().set_stroke(self.theme.highlight, 3) for tiles in self.diagram.tiles[1:3])
        with self.narrate("Layer 1 still cuts the plane with straight lines, one per neuron.") as line:
            self.play(FadeIn(first), run_time=0.4 * line.duration)
        if len(self.run.layers) > 3:
            unit, values = self.most_bent(1)
            tile = self.diagram.tile(2, unit)
            big = Heatmap(diverging_rgba(values, 1.0, self.theme), PANEL_SIZE, smooth=True).move_to(PANEL_CENTRE)
            big.set_z_index(ON_TOP + 2)
            small = big.copy().replace(tile)
            switch = self.panel.level_lines(values, 0.0, self.theme.text, 4).set_z_index(ON_TOP + 3)
            ring = tile.copy().set_stroke(self.theme.highlight, 4)
            with self.narrate(f"Layer 2 adds those cuts: neuron {unit + 1} switches along a bent curve.") as line:
                self.play(FadeOut(first), FadeIn(second), run_time=0.2 * line.duration)
                self.add(small)
                self.play(small.animate.replace(big), Create(ring), run_time=0.35 * line.duration)
                self.play(Create(switch), run_time=0.35 * line.duration)
            self.play(small.animate.replace(tile), FadeOut(switch), FadeOut(second), FadeOut(ring), run_time=0.8)
            self.remove(small)
        else:
            self.play(FadeOut(first), run_time=0.5)
        with self.narrate("The output weighs the last layer's maps: its regions are the network's answer.") as line:
            outputs = VGroup(*self.diagram.tiles[-1], self.panel.outline).copy().set_stroke(self.theme.highlight, 3)
            self.play(FadeIn(outputs), run_time=0.4 * line.duration)

    def nearest_validation(self, bent: BentPoint) -> VGroup:
        """Lines from ``bent`` to its nearest validation points, and those points in their labels' colours."""
        val = self.run.dataset["val"]
        inputs, labels = self.run.probe["inputs"][:val], self.run.probe["labels"][:val]
        nearest = np.argsort(np.linalg.norm(inputs - bent.point, axis=1), kind="stable")[:NEIGHBOURS]
        centre = self.panel.to_scene(bent.point)[0]
        places = self.panel.to_scene(inputs[nearest])
        lines = VGroup(*(Line(centre, place).set_stroke(self.theme.text, 1.5) for place in places))
        dots = VGroup(
            *(
                Square(0.09)
                .set_fill(self.theme.palette[int(labels[i]) % 2], 1)
                .set_stroke(self.theme.text, 1)
                .move_to(p)
                for i, p in zip(nearest, places)
            )
        )
        return VGroup(lines, dots).set_z_index(ON_TOP + 2)

    def most_bent(self, layer: int) -> tuple[int, np.ndarray]:
        """The neuron of hidden ``layer`` (0: the first) whose switching curve at the last snapshot strays furthest
        from a straight line (its map on the panel's raster, with it)."""
        maps = layer_maps(self.params[-1], self.run.activation, self.run.output, self.panel_raster)[layer]
        bends = [curve_bend(level_curves(values, self.panel_raster.bounds, 0.0)) for values in maps]
        unit = int(np.argmax(bends))
        return unit, maps[unit]

    # --- pieces ------------------------------------------------------------

    def build_diagram(self) -> None:
        count = len(self.run.layers)
        xs = np.linspace(COLUMNS_LEFT, COLUMNS_RIGHT, count)
        widest = max(self.run.layers)
        tile = min(0.6, (xs[1] - xs[0]) * 0.42, HEIGHT / (widest + (widest - 1) * 0.2))
        self.diagram = NeuronMapDiagram(self.run.layers, self.theme, xs, tile, CENTRE_Y, 0.2 * tile, self.tile_raster)
        names = ["input"] + [f"layer {i}" for i in range(1, count - 1)] + ["output"]
        top = CENTRE_Y + (widest * tile + (widest - 1) * 0.2 * tile) / 2
        self.headers = VGroup(
            *(label(name, self.theme, TEXT, self.theme.muted).move_to([x, top + 0.35, 0]) for name, x in zip(names, xs))
        )

    def heading_for(self, text: str):
        heading = label(text, self.theme, TEXT, self.theme.muted)
        return heading.move_to([PANEL_CENTRE[0], PANEL_CENTRE[1] + PANEL_SIZE / 2 + 0.3, 0])

    def plane_axes(self) -> VGroup:
        corner = PANEL_CENTRE + PANEL_SIZE / 2 * (LEFT + DOWN)
        x1 = label("x₁ →", self.theme, TEXT, self.theme.muted).next_to(corner + PANEL_SIZE * RIGHT, RIGHT, buff=0.1)
        x1.align_to(corner, DOWN)
        x2 = label("x₂ ↑", self.theme, TEXT, self.theme.muted).next_to(corner + PANEL_SIZE * UP, LEFT, buff=0.12)
        x2.align_to(corner + PANEL_SIZE * UP, UP)
        return VGroup(x1, x2)

    def colour_bar(self) -> VGroup:
        """A vertical −1 … +1 bar right of the panel, for a hidden neuron's map."""
        values = np.linspace(1, -1, 64)[:, None]
        height = 2.4
        image = Heatmap(diverging_rgba(values, 1.0, self.theme), height, smooth=True)
        image.stretch_to_fit_width(0.16).move_to(PANEL_CENTRE + (PANEL_SIZE / 2 + 0.25) * RIGHT)
        marks = Group(image)
        for value, text in ((1, "+1"), (0, "0"), (-1, "−1")):
            y = image.get_center()[1] + value * height / 2
            marks.add(label(text, self.theme, TEXT, self.theme.muted).next_to([image.get_right()[0], y, 0], RIGHT, 0.1))
        return marks

    def layer_one_unit(self) -> int:
        """The layer-1 neuron whose switching line passes nearest the middle of the plane at the first snapshot."""
        weight, bias = self.params[0][0]
        x_min, x_max, y_min, y_max = self.panel_raster.bounds
        middle = np.array([(x_min + x_max) / 2, (y_min + y_max) / 2])
        distance = np.abs(weight @ middle + bias) / np.maximum(np.linalg.norm(weight, axis=1), 1e-12)
        return int(np.argmin(distance))

    def find_bent(self) -> list[BentPoint]:
        val = self.run.dataset.get("val")
        if not self.own_training_points or not val:
            return []
        later = len(self.run.epochs) - 1

        def p_one(index: int) -> np.ndarray:
            return forward_trace(self.params[index], self.run.activation, "softmax", self.train_x)[-1][1][:, 1]

        return bent_points(
            self.train_x,
            self.train_y,
            self.run.probe["inputs"][:val],
            self.run.probe["labels"][:val],
            p_one(self.best),
            p_one(later),
            self.panel_raster,
            self.class_one[self.best],
            self.class_one[later],
            neighbours=NEIGHBOURS,
        )

    def training_dots(self) -> VGroup:
        places = self.panel.to_scene(self.train_x)
        return VGroup(
            *(
                Dot(place, radius=0.05, color=self.theme.palette[int(c) % 2]).set_stroke(self.theme.background, 1.5)
                for place, c in zip(places, self.train_y)
            )
        ).set_z_index(ON_TOP)

    def snapshot_maps(self, epoch: int) -> list[np.ndarray]:
        """The inputs' own maps (x₁, x₂), then every layer's, for one snapshot."""
        points = self.raster.points
        inputs = points.T.reshape(2, self.raster.size, self.raster.size)
        return [inputs, *layer_maps(self.run.params(epoch), self.run.activation, self.run.output, self.raster)]

    def play_snapshots(self, start: int, end: int, seconds: float, even: bool = False, lead_in: list = ()) -> None:
        """From snapshot ``start`` to ``end``, each step's share of ``seconds`` its paced share (or even).

        ``lead_in``: a caption's swap, played over the first half second while the snapshots already move."""
        low, high = min(start, end), max(start, end)
        steps = np.ones(high - low) if even else self.step_seconds[low:high]
        durations = steps / steps.sum() * seconds if len(steps) else np.zeros(0)
        backwards = end < start

        def update(t: float) -> None:
            along = position_at((1 - t if backwards else t) * seconds, durations)
            self.show_snapshot(low + along)

        moving = Group(*self.diagram.edges, *self.diagram.columns, self.panel.image, self.boundary, self.status)
        head = self.t(0.5) if lead_in and seconds > 1.0 else 0.0
        if head:
            self.play(*lead_in, Playback(moving, lambda a: update(a * head / seconds)), run_time=head)
        self.play(Playback(moving, lambda a: update((head + a * (seconds - head)) / seconds), run_time=seconds - head))

    def show_snapshot(self, position: float) -> None:
        """The diagram at ``position`` along the snapshots: maps and weights blended between neighbours."""
        last = len(self.maps) - 1
        index = min(int(position), max(last - 1, 0))
        fraction = position - index
        maps = [blend_keyframes([k[layer] for k in self.maps], position) for layer in range(len(self.maps[0]))]
        outputs = {len(maps) - 1: lambda values, unit: probability_rgba(values, self.theme.palette[unit], self.theme)}
        self.diagram.show_maps(maps, self.scales, outputs)
        if fraction and last:
            params = [
                ((1 - fraction) * a[0] + fraction * b[0], a[1])
                for a, b in zip(self.params[index], self.params[index + 1])
            ]
        else:
            params = self.params[int(round(position))]
        self.diagram.show_weights(params, self.largest)
        regions = blend_keyframes(self.class_one, position)
        self.panel.image.show(two_class_rgba(regions, self.theme, strength=0.4))
        if hasattr(self, "boundary"):
            self.boundary.remove(*self.boundary.submobjects)
            self.boundary.add(*self.panel.level_lines(regions, 0.5, self.theme.text, 3).set_z_index(ON_TOP - 1))
        if hasattr(self, "status"):
            self.show_status(int(round(position)))

    def make_status(self) -> VGroup:
        """The epoch and the losses of the snapshot on screen; :meth:`show_status` changes their numbers."""
        metrics = self.run.snapshots[0]["metrics"]
        # Placed with the longest epoch shown, so that a longer number never runs past the margin.
        self.readouts = [Readout("epoch", str(self.run.epochs[-1]), self.theme, 28, self.theme.highlight, width=4)]
        for name, key in (("training loss", "train_loss"), ("validation loss", "val_loss")):
            if key in metrics:
                self.readouts.append(Readout(name, f"{metrics[key]:.3f}", self.theme, TEXT, self.theme.text, width=5))
        losses = VGroup(*self.readouts[1:]).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        losses.move_to([SAFE_RIGHT - losses.width / 2, 2.62, 0])
        self.readouts[0].move_to([SAFE_RIGHT - self.readouts[0].width / 2, SAFE_TOP - self.readouts[0].height / 2, 0])
        self.readouts[0].set_value(str(self.run.epochs[0]))
        return VGroup(self.readouts[0], losses)

    def show_status(self, index: int) -> None:
        metrics = self.run.snapshots[index]["metrics"]
        self.readouts[0].set_value(str(self.run.epochs[index]))
        for readout, key in zip(self.readouts[1:], ("train_loss", "val_loss")):
            readout.set_value(f"{metrics[key]:.3f}")
