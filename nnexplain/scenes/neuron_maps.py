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
    LEFT,
    RIGHT,
    BackgroundRectangle,
    Create,
    FadeIn,
    FadeOut,
    Group,
    Indicate,
    Restore,
    Square,
    VGroup,
    linear,
)

from nnexplain.geometry.learning import divergence, training_points
from nnexplain.geometry.map_pacing import map_changes, paced_durations, position_at
from nnexplain.geometry.regions import PlaneRaster, class_one_map, layer_maps, map_scale
from nnexplain.geometry.sign_changes import sign_flip_shares
from nnexplain.mobjects.charts import Readout
from nnexplain.mobjects.heatmap import Heatmap, Playback, blend_keyframes, diverging_rgba
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.neuron_maps import PlanePanel, regions_rgba
from nnexplain.mobjects.style import fmt_count, formula, label
from nnexplain.run.activations import ACTIVATIONS
from nnexplain.scenes.neuron_maps_follow import FollowBeats
from nnexplain.scenes.neuron_maps_parts import (
    MARK,
    ON_TOP,
    PANEL_CENTRE,
    PANEL_SIZE,
    SAFE_LEFT,
    SAFE_TOP,
    TEXT,
    fmt_signed,
)

__all__ = ["NeuronMaps"]


def baseline(text) -> float:
    """Where most glyphs of ``text`` stand."""
    return float(np.median([glyph.get_bottom()[1] for glyph in text.submobjects if glyph.has_points()]))


BIAS_HOLD = 0.8  # seconds the layer-2 neuron's bias is shown alone before the first map is added
TERM_SECONDS, TERM_SLOW = 0.9, 1.8  # each term of its sum: long enough to read; the terms that flip its sign: slower


class NeuronMaps(FollowBeats):
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
        self.flipped = self.flipped_points()

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
        self.beat("two neurons over training")
        self.follow_two()
        self.beat("reading it")
        self.read_it()
        self.hold(extra=3.0)

    # --- beats -------------------------------------------------------------

    def ask(self) -> None:
        title = label("What does each neuron compute?", self.theme, 30, weight="BOLD")
        self.title = title.move_to([SAFE_LEFT + title.width / 2, SAFE_TOP - title.height / 2, 0])
        self.build_diagram()
        self.panel = PlanePanel(self.panel_raster.bounds, PANEL_SIZE, PANEL_CENTRE, self.theme, self.panel_raster.size)
        self.panel.image.show(diverging_rgba(np.zeros_like(self.class_one[0]), 1.0, self.theme))  # blank
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
            self.play(FadeIn(self.dots, lag_ratio=0.02), run_time=0.4 * line.duration)
            if len(self.flipped):  # the flipped ones, ringed for a moment
                marks = self.rings_at(self.train_x[self.flipped], self.theme.text)
                self.play(Create(marks, lag_ratio=0.05), run_time=0.2 * line.duration)
                self.play(FadeOut(marks), run_time=self.t(0.5))
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
                run_time=0.5 * line.duration,
            )
        inputs = self.diagram.tiles[0].copy().set_stroke(self.theme.palette[MARK], 3)
        names = VGroup(
            *(
                label(name, self.theme, TEXT, self.theme.muted).next_to(tile, LEFT, buff=0.08)
                for name, tile in zip(("x₁", "x₂"), self.diagram.tiles[0])
            )
        )
        with self.narrate("The inputs are maps too: x₁ grows to the right, x₂ upward.") as line:
            self.play(Create(inputs), FadeIn(names), run_time=0.4 * line.duration)
        self.headers.add(*names)  # they leave and come back with the column names
        with self.narrate("Each line is a weight: blue positive, red negative, thicker is larger.") as line:
            self.play(FadeOut(inputs), run_time=self.t(0.4))
            self.play(*(Create(lines) for lines in self.diagram.edges), run_time=0.6 * line.duration)

    def one_map(self) -> None:
        """One layer-1 neuron at the random start, drawn large over the plane, then shrunk into its tile."""
        unit = self.layer_one_unit()
        (w1, w2), b = self.params[0][0][0][unit], float(self.params[0][0][1][unit])
        tile = self.diagram.tile(1, unit)
        ring = tile.copy().set_stroke(self.theme.palette[MARK], 4)
        start = "the random start" if self.run.epochs[0] == 0 else f"epoch {self.run.epochs[0]}"
        inputs = [self.diagram.edges[0][unit * 2 + k] for k in range(2)]  # row-major: its two input weights
        self.diagram.edges[0].save_state()
        values_at = VGroup()
        for k, (w, edge) in enumerate(zip((w1, w2), inputs)):
            text = label(fmt_signed(float(w)), self.theme, TEXT, self.theme.positive if w >= 0 else self.theme.negative)
            text.move_to(edge.point_from_proportion(0.35 if k == 0 else 0.65))
            text.shift((0.3 if k == 0 else -0.3) * np.array([0, 1, 0]))
            backing = BackgroundRectangle(text, color=self.theme.background, fill_opacity=0.9, buff=0.05)
            values_at.add(VGroup(backing, text))
        values_at.set_z_index(ON_TOP)
        with self.narrate(f"Take one neuron: neuron {unit + 1} of layer 1, at {start}, and its two weights.") as line:
            self.play(
                Create(ring), *(e.animate.set_stroke(width=6, opacity=1) for e in inputs), run_time=0.5 * line.duration
            )
            self.play(Fade(values_at), run_time=0.3 * line.duration)
        values = layer_maps(self.params[0], self.run.activation, self.run.output, self.panel_raster)[0][unit]
        big = Heatmap(diverging_rgba(values, 1.0, self.theme), PANEL_SIZE, smooth=True).move_to(PANEL_CENTRE)
        small = big.copy().replace(tile)
        sign = "−" if b < 0 else "+"
        typst = f"{self.run.activation}({w1:.2f} x_1 {'-' if w2 < 0 else '+'} {abs(w2):.2f} x_2 {sign} {abs(b):.2f})"
        shown = formula(typst.replace("−", "-"), self.theme, 44)  # subscripts ≥ 14 px, inside the 24 px margin
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
        switches = self.switch_lines(1, 0)
        crossing = sum(1 for values in self.maps[0][1] if values.min() < 0 < values.max())
        with self.narrate("Shrunk to its tile, it keeps its line.") as line:
            self.play(
                small.animate.replace(tile),
                switch.animate.scale(tile.width / PANEL_SIZE, about_point=PANEL_CENTRE).move_to(tile),
                Fade(shown, out=True),
                Fade(values_at, out=True),
                FadeOut(bar),
                Restore(self.diagram.edges[0]),
                run_time=0.6 * line.duration,
            )
            self.remove(small, switch)
        with self.narrate("Every layer-1 tile is such a cut: its own straight line.") as line:
            self.play(Create(switches), Fade(ring, out=True), run_time=0.5 * line.duration)
        units = len(self.maps[0][1])
        if crossing < units:
            with self.narrate(f"At the start {crossing} of the {units} lines cross the plane shown.") as line:
                self.play(
                    Indicate(switches, color=self.theme.palette[MARK], scale_factor=1.0), run_time=0.6 * line.duration
                )
        self.play(FadeOut(switches), run_time=0.5)
        self.bar = bar

    def layer_two_and_output(self) -> None:
        if len(self.run.layers) > 3:
            self.build_layer_two()
        outputs = self.diagram.tiles[-1].copy().set_stroke(self.theme.palette[MARK], 4)
        names = VGroup(
            *(label(name, self.theme, TEXT, colour) for name, colour in zip(self.classes, self.theme.palette[:2]))
        )
        names.arrange(RIGHT, buff=0.4).move_to([PANEL_CENTRE[0], PANEL_CENTRE[1] + PANEL_SIZE / 2 + 0.25, 0])
        for name in names[1:]:  # on one baseline: where most glyphs stand (descenders fall off the median)
            name.shift((baseline(names[0]) - baseline(name)) * np.array([0, 1, 0]))
        self.panel_heading = names
        with self.narrate(f"The two outputs are the probabilities of {self.classes[0]} and {self.classes[1]}.") as line:
            shown_bar = [FadeOut(self.bar)] if self.bar in self.mobjects else []
            self.play(Create(outputs), *shown_bar, run_time=0.4 * line.duration)
            self.play(Fade(names), self.dots.animate.set_opacity(1), run_time=0.4 * line.duration)
        self.boundary = self.panel.level_path(self.class_one[0], 0.5, self.theme.text, 3).set_z_index(ON_TOP - 1)
        start = self.class_one[0]
        blank, regions = self.panel.image.pixel_array.copy(), regions_rgba(self.class_one[0], self.theme)

        def tint(t: float) -> None:
            self.panel.image.show(np.round((1 - t) * blank + t * regions).astype(np.uint8))

        with self.narrate("Each point takes its likelier class's colour, brighter where it is surer.") as line:
            self.play(
                FadeOut(outputs), Create(self.boundary), Playback(self.panel.image, tint), run_time=0.6 * line.duration
            )
        self.regions_shown = True
        if start.min() > 0.5 or start.max() < 0.5:  # no boundary yet: one class wins everywhere
            winner = self.classes[1] if start.min() > 0.5 else self.classes[0]
            p = start if start.min() > 0.5 else 1 - start
            whole = self.panel.outline.copy().set_stroke(self.theme.palette[1 if start.min() > 0.5 else 0], 6)
            with self.narrate(
                f"At the start {winner} wins everywhere, with p from {p.min():.2f} to {p.max():.2f}."
            ) as line:
                self.play(Create(whole), run_time=0.5 * line.duration)
                self.play(FadeOut(whole), run_time=0.3 * line.duration)
        self.status = self.make_status()
        val, noise = self.run.dataset.get("val"), self.run.dataset.get("label_noise")
        if len(self.readouts) > 2 and val:
            clean = ", whose labels were not flipped" if noise else ""
            squares = self.validation_squares(val)
            with self.narrate(f"Validation loss is measured on {fmt_count(val)} other points{clean}.") as line:
                self.play(Fade(self.status), run_time=0.3 * line.duration)
                self.play(FadeIn(squares, lag_ratio=0.002), run_time=0.3 * line.duration)
                self.play(FadeOut(squares), run_time=0.3 * line.duration)
        else:
            self.play(Fade(self.status), run_time=0.5)

    def validation_squares(self, count: int) -> VGroup:
        """The validation points as small hollow squares in their (clean) labels' colours."""
        inputs, labels = self.run.probe["inputs"][:count], self.run.probe["labels"][:count]
        return VGroup(
            *(
                Square(0.07).set_stroke(self.theme.palette[int(c) % 2], 1.5).set_fill(opacity=0).move_to(place)
                for place, c in zip(self.panel.to_scene(inputs), labels)
            )
        ).set_z_index(ON_TOP)

    def build_layer_two(self) -> None:
        """One layer-2 neuron at the start: layer 1's maps added one by one, each times its line's weight, then tanh."""
        weight, bias = self.params[0][1]
        unit = int(np.argmax(np.abs(weight).sum(axis=1)))  # the one whose lines weigh most
        self.built_unit = unit
        inputs = layer_maps(self.params[0], self.run.activation, self.run.output, self.panel_raster)[0]
        partial = np.cumsum(weight[unit][:, None, None] * inputs, axis=0) + bias[unit]
        sums = np.concatenate([np.full((1, *inputs.shape[1:]), bias[unit]), partial])
        scale = float(np.abs(sums).max())
        act = ACTIVATIONS[self.run.activation]
        tile = self.diagram.tile(2, unit)
        ring = tile.copy().set_stroke(self.theme.palette[MARK], 4)
        count = len(inputs)
        incoming = [self.diagram.edges[1][unit * count + k] for k in range(count)]
        self.diagram.edges[1].save_state()
        big = Heatmap(diverging_rgba(sums[0], scale, self.theme), PANEL_SIZE, smooth=True).move_to(PANEL_CENTRE)
        sum_bar = self.colour_bar(scale)

        # Every term long enough to read its header; the terms that flip the sum's sign over most of the plane
        # (measured: sign_flip_shares) get the slow time and are named when they come in.
        flips = sign_flip_shares(sums)
        named = np.sort(np.argsort(-flips)[:2]) if flips.max() > 0 else np.zeros(0, int)
        steps = np.where(np.isin(np.arange(count), named), TERM_SLOW, TERM_SECONDS)
        term = Readout("adding", f"bias {fmt_signed(float(bias[unit]))}", self.theme, TEXT, self.theme.text, width=14)
        term.move_to([PANEL_CENTRE[0], PANEL_CENTRE[1] + PANEL_SIZE / 2 + 0.3, 0])
        names = [f"bias {fmt_signed(float(bias[unit]))}"] + [
            f"{fmt_signed(float(w))} × map {k + 1}" for k, w in enumerate(weight[unit])
        ]
        zero = self.panel.level_path(sums[0], 0.0, self.theme.text, 4).set_z_index(ON_TOP + 1)

        source = self.diagram.tile(1, 0).copy().set_stroke(self.theme.palette[MARK], 4, opacity=0.0)
        source.set_z_index(ON_TOP)

        def add_up(seconds: float) -> None:
            position = position_at(max(seconds - BIAS_HOLD, 0.0), steps)
            running = blend_keyframes(list(sums), position)
            big.show(diverging_rgba(running, scale, self.theme))
            self.panel.set_level_path(zero, running, 0.0)  # where the running sum changes sign
            adding = min(int(np.ceil(position - 1e-9)), count)  # the term coming in
            term.set_value(names[adding])
            for k, line in enumerate(incoming):
                line.set_stroke(width=7 if k == adding - 1 else 2, opacity=1)
            # the map being added, ringed in its column: "map 4" is found without counting tiles
            source.move_to(self.diagram.tile(1, max(adding - 1, 0))).set_stroke(opacity=1.0 if adding else 0.0)

        split = int(named[0]) if len(named) else count  # the first line runs until the first flipping term comes in
        head = BIAS_HOLD + float(steps[:split].sum())
        with self.narrate(
            f"Layer-2 neuron {unit + 1}: its bias, plus layer 1's {count} maps, each times its weight."
        ) as line:
            self.play(Create(ring), FadeIn(big), FadeIn(sum_bar), Fade(term), run_time=self.t(0.6))
            self.add(zero)
            stretch = max(line.duration - 0.6, head) / head
            self.add(source)
            moving = Group(big, term, zero, source, *incoming)
            self.play(Playback(moving, lambda t: add_up(t * head), run_time=stretch * head, rate_func=linear))
        rest = float(steps[split:].sum())
        if rest:
            said = f"The sum changes sign on the white line; maps {named[0] + 1} and {named[-1] + 1} move it most."
            if len(named) == 1:
                said = f"The sum changes sign on the white line; map {named[0] + 1} moves it most."
            if not len(named):
                said = "The rest of the maps, each times its weight: the sum keeps one sign everywhere."
            with self.narrate(said) as line:
                stretch = max(line.duration, rest) / rest
                self.play(
                    Playback(moving, lambda t: add_up(head + t * rest), run_time=stretch * rest, rate_func=linear)
                )
        squashed = act.function(sums[-1].copy())

        def squash(t: float) -> None:
            big.show(diverging_rgba((1 - t) * sums[-1] / scale + t * squashed / self.scales[2], 1.0, self.theme))

        if self.run.activation == "tanh" and scale < 1.0:
            said = f"Then tanh: the sum stays within ±{scale:.2f}, where tanh bends only a little."
        elif self.run.activation == "tanh":
            said = "Then tanh squashes the sum into −1…+1: its map, and where it switches sign."
        else:
            said = f"Then {self.run.activation} of the sum: its map, and where it switches sign."
        window = self.activation_window(act.function, scale)
        with self.narrate(said) as line:
            self.play(Fade(term, out=True), run_time=0.1 * line.duration)  # the header leaves before the curve comes
            self.play(Create(window), run_time=0.25 * line.duration)
            self.play(Playback(big, squash), FadeOut(sum_bar), run_time=0.35 * line.duration)
            self.play(FadeIn(self.bar), run_time=0.2 * line.duration)  # one scale's numbers gone before the next
        small = big.copy()
        self.remove(big)
        self.add(small)
        self.play(
            small.animate.replace(tile), FadeOut(zero), FadeOut(source), Restore(self.diagram.edges[1]),
            Fade(ring, out=True),
            FadeOut(window),
            FadeOut(self.bar),
            run_time=self.t(0.8),
        )  # fmt: skip
        self.remove(small)

    def train(self) -> None:
        """The snapshots in order, each step on screen for its paced share; each number said once it is shown."""
        metrics = [s["metrics"] for s in self.run.snapshots]
        last, best = len(self.run.epochs) - 1, self.best
        crosses = [bool(p.min() < 0.5 < p.max()) for p in self.class_one]
        first = ["Now training: the boundary moves and turns.", "It bends to follow the two moons."]
        if len(crosses) > 1 and not crosses[0] and crosses[1]:  # no boundary at the start, one a step later
            first[0] = f"Training begins: by epoch {self.run.epochs[1]} a boundary appears, then turns."
        self.narrate_playback(first, 0, best)
        if "val_loss" in metrics[0]:
            low = f"Epoch {self.run.epochs[best]}: validation loss at its lowest, {metrics[best]['val_loss']:.3f}."
            if best == last:
                low = f"Epoch {self.run.epochs[best]}: validation loss {metrics[best]['val_loss']:.3f}, its lowest."
            with self.narrate(low) as line:
                self.play(
                    Indicate(self.readouts[2], color=self.theme.palette[MARK], scale_factor=1.0),
                    run_time=0.6 * line.duration,
                )
        if best < last:
            self.narrate_playback(
                ["From here, training loss keeps falling but validation loss turns back up.",
                 "The regions reach out for single training points."],
                best, last,
            )  # fmt: skip
            end = metrics[-1]
            with self.narrate(
                f"Epoch {self.run.epochs[-1]}: training loss {end['train_loss']:.3f}, "
                f"validation loss back up to {end['val_loss']:.3f}."
            ) as line:
                self.play(
                    *(Indicate(r, color=self.theme.palette[MARK], scale_factor=1.0) for r in self.readouts[1:]),
                    run_time=0.6 * line.duration,
                )

    def narrate_playback(self, lines: list[str], start: int, end: int) -> None:
        """Snapshots ``start`` to ``end`` in two halves of their paced time, a line of narration over each."""
        for text, (first, last) in zip(lines, self.halves(start, end)):
            swap = self.say(text)  # the caption changes while the snapshots keep moving
            seconds = max(float(self.step_seconds[first:last].sum()), self.narrator.log[-1].duration + self.t(0.5))
            self.play_snapshots(first, last, seconds, lead_in=swap)

    def halves(self, start: int, end: int) -> list[tuple[int, int]]:
        """Snapshots ``start`` to ``end`` cut in two where half their paced time has passed."""
        if end - start < 2:
            return [(start, end), (end, end)]
        ends = np.cumsum(self.step_seconds[start:end])
        middle = start + 1 + int(np.searchsorted(ends, ends[-1] / 2))
        middle = min(max(middle, start + 1), end - 1)
        return [(start, middle), (middle, end)]

    def read_it(self) -> None:
        if len(self.run.layers) > 3:
            last = len(self.run.epochs) - 1
            with self.narrate(
                "So layer 1 cuts the plane along straight lines; layer 2 pieces them into curves."
            ) as line:
                drawn = VGroup()
                for layer in (1, 2):  # each column's switching curves drawn on its tiles as its clause is said
                    lines = self.switch_lines(layer, last).set_z_index(ON_TOP)
                    drawn.add(lines)
                    self.play(
                        Create(lines),
                        Indicate(self.diagram.tiles[layer], color=self.theme.palette[MARK], scale_factor=1.0),
                        run_time=0.45 * line.duration,
                    )
            self.play(FadeOut(drawn), run_time=0.4)
        with self.narrate("The output weighs the last layer's maps: its regions are the network's answer.") as line:
            outputs = VGroup(*self.diagram.tiles[-1], self.panel.outline).copy().set_stroke(self.theme.palette[MARK], 3)
            self.diagram.edges[-1].save_state()
            self.play(
                *(edge.animate.set_stroke(width=5, opacity=1) for edge in self.diagram.edges[-1]),
                Indicate(self.diagram.tiles[-2], color=self.theme.palette[MARK], scale_factor=1.0),
                run_time=0.4 * line.duration,
            )
            self.play(Restore(self.diagram.edges[-1]), FadeIn(outputs), run_time=0.4 * line.duration)
