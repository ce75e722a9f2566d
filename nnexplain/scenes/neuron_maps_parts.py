"""The pieces of ``neuron-maps`` (:mod:`nnexplain.scenes.neuron_maps`): its layout, the diagram and the plane
drawn at a snapshot (or between two), the epoch and losses, and what it picks to show (the layer-1 neuron to draw
large, the most bent layer-2 neuron, the points the regions bend around)."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, Dot, Group, Line, Rectangle, Square, VGroup, VMobject, linear

from nnexplain.data.toy2d import flipped_labels
from nnexplain.geometry.bent_points import BentPoint, bent_points
from nnexplain.geometry.contour import curve_bend, level_curves
from nnexplain.geometry.map_pacing import position_at
from nnexplain.geometry.regions import PlaneRaster, class_one_map, layer_maps
from nnexplain.mobjects.caption_band import BAND_TOP
from nnexplain.mobjects.charts import Readout
from nnexplain.mobjects.heatmap import Heatmap, Playback, blend_keyframes, diverging_rgba
from nnexplain.mobjects.neuron_maps import NeuronMapDiagram, PlanePanel, probability_rgba, regions_rgba
from nnexplain.mobjects.style import label
from nnexplain.run.network import forward_trace
from nnexplain.scenes.base.run_scene import RunScene

TEXT = 27  # every label: capital letters about 16 px tall at 480p
SAFE_LEFT, SAFE_RIGHT, SAFE_TOP = -6.7, 6.7, 3.6  # the 24 px title-safe margin of 854 × 480
COLUMNS_LEFT, COLUMNS_RIGHT = -5.9, -0.3  # x of the first and the last column of tiles
CENTRE_Y, HEIGHT = -0.2, 4.3  # the columns' middle and the most they may span
PANEL_CENTRE, PANEL_SIZE = np.array([3.55, -0.3, 0]), 3.8
INSET_CENTRE, INSET_SIZE, INSET_RASTER = np.array([-3.1, -0.35, 0]), 3.4, 64  # over the diagram's middle
INSET_REACH = 0.5  # the zoomed square's side, in input units: its 10 nearest validation points apart
NEIGHBOURS = 10  # a training point's label is contradicted when all these nearest validation points disagree
ON_TOP = 5  # z-index of what is drawn over the panel: the playback repaints the panel image every frame
MARK = 3  # the palette's purple, for rings and boxes: apart from the class colours and the weight signs


def fmt_signed(value: float) -> str:
    """Two decimals with a true minus sign."""
    return f"{value:.2f}".replace("-", "−")


class NeuronMapParts(RunScene):
    """What :class:`~nnexplain.scenes.neuron_maps.NeuronMaps` draws with; its ``setup`` sets the fields used here."""

    def build_inset(self, bent: BentPoint) -> None:
        """A zoomed copy of the plane around ``bent``, over the diagram: its regions at every snapshot (computed on
        a raster of its own), the data inside it, and lines from the point to its nearest validation points."""
        half = INSET_REACH / 2
        x, y = bent.point
        raster = PlaneRaster((x - half, x + half, y - half, y + half), INSET_RASTER)
        self.inset_regions = [class_one_map(p, self.run.activation, raster) for p in self.params]
        self.inset_raster = raster
        inset = PlanePanel(raster.bounds, INSET_SIZE, INSET_CENTRE, self.theme, INSET_RASTER)
        # The diagram goes on playing underneath (its columns are repainted each frame); the backing hides it.
        top, bottom = CENTRE_Y + HEIGHT / 2 + 0.15, BAND_TOP + 0.05  # the tiles, not the caption band below
        left, right = -7.2, COLUMNS_RIGHT + 0.6  # from the frame's edge: the input names too
        backing = Rectangle(width=right - left, height=top - bottom)
        backing.set_fill(self.theme.background, 1).set_stroke(width=0)
        backing.move_to([(left + right) / 2, (top + bottom) / 2, 0])
        val = self.run.dataset["val"]
        inputs, labels = self.run.probe["inputs"][:val], self.run.probe["labels"][:val]
        nearest = np.argsort(np.linalg.norm(inputs - bent.point, axis=1), kind="stable")[:NEIGHBOURS]
        centre = inset.to_scene(bent.point)[0]
        validation = VGroup(
            *(
                Square(0.16)
                .set_fill(self.theme.background, 1)
                .set_stroke(self.theme.palette[int(labels[i]) % 2], 3)
                .move_to(inset.to_scene(inputs[i])[0])
                for i in nearest
            )
        )
        lines = VGroup(
            *(Line(centre, place).set_stroke(self.theme.text, 1.5) for place in inset.to_scene(inputs[nearest]))
        )
        training = [i for i in range(len(self.train_x)) if np.all(np.abs(self.train_x[i] - bent.point) < half * 0.97)]
        dots = VGroup(
            *(
                Dot(
                    inset.to_scene(self.train_x[i])[0], radius=0.1, color=self.theme.palette[self.train_y[i] % 2]
                ).set_stroke(self.theme.background, 2)
                for i in training
            )
        )
        ring = Circle(radius=0.17).set_stroke(self.theme.palette[MARK], 4).move_to(centre)  # its neighbours show
        heading = label(f"zoom: a point labelled {self.classes[bent.label]}", self.theme, TEXT, self.theme.text)
        heading.next_to(inset, UP, buff=0.12)
        key = label(f"□ its {NEIGHBOURS} nearest validation points", self.theme, TEXT, self.theme.muted)
        key.next_to(inset, DOWN, buff=0.1)
        box = Square(INSET_REACH * PANEL_SIZE / (self.panel_raster.bounds[1] - self.panel_raster.bounds[0]))
        box.set_stroke(self.theme.text, 2).move_to(self.panel.to_scene(bent.point)[0])
        edge = self.panel.outline.get_left()[0]

        def link(near, far) -> Line:  # from the inset to the panel's edge only: not across the map and its points
            t = (edge - far[0]) / (near[0] - far[0]) if near[0] != far[0] else 1.0
            return Line(far, far + min(max(t, 0.0), 1.0) * (near - far))

        links = VGroup(
            link(box.get_corner(UP + LEFT), inset.get_corner(UP + RIGHT)),
            link(box.get_corner(DOWN + LEFT), inset.get_corner(DOWN + RIGHT)),
        ).set_stroke(self.theme.text, 1.5, opacity=0.6)
        self.inset_boundary = inset.level_path(self.inset_regions[-1], 0.5, self.theme.text, 4)
        self.inset = inset
        self.inset_parts = {
            "backing": backing, "panel": inset, "boundary": self.inset_boundary, "lines": lines,
            "validation": validation, "training": dots, "ring": ring, "heading": heading, "key": key,
            "box": box, "links": links,
        }  # fmt: skip
        for z, name in enumerate(("backing", "panel", "boundary", "lines", "validation", "training", "ring")):
            self.inset_parts[name].set_z_index(ON_TOP + 3 + z)
        for name in ("heading", "key", "box", "links"):
            self.inset_parts[name].set_z_index(ON_TOP + 3)

    def switch_lines(self, layer: int, index: int) -> VGroup:
        """On every tile of hidden ``layer`` (1: the first), the curves where the neuron's map at snapshot ``index``
        crosses 0: where it switches sign."""
        x_min, x_max, y_min, y_max = self.raster.bounds
        lines = VGroup()
        for unit, values in enumerate(self.maps[index][layer]):
            tile = self.diagram.tile(layer, unit)
            corner, size = tile.get_corner(DOWN + LEFT), tile.width
            for curve in level_curves(values, self.raster.bounds, 0.0):
                if len(curve) > 1:
                    u, v = (curve[:, 0] - x_min) / (x_max - x_min), (curve[:, 1] - y_min) / (y_max - y_min)
                    points = corner + size * np.stack([u, v, np.zeros_like(u)], axis=1)
                    lines.add(VMobject().set_points_as_corners(points).set_stroke(self.theme.text, 2.5))
        return lines

    def show_inset(self, position: float) -> None:
        regions = blend_keyframes(self.inset_regions, position)
        self.inset.image.show(regions_rgba(regions, self.theme))
        self.inset.set_level_path(self.inset_boundary, regions, 0.5)

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
        x1 = label("x₁ →", self.theme, 32, self.theme.muted).next_to(corner + PANEL_SIZE * RIGHT, RIGHT, buff=0.1)
        x1.align_to(corner, DOWN)
        x2 = label("x₂ ↑", self.theme, 32, self.theme.muted).next_to(corner + PANEL_SIZE * UP, LEFT, buff=0.12)
        x2.align_to(corner + PANEL_SIZE * UP, UP)
        return VGroup(x1, x2)

    def colour_bar(self, scale: float = 1.0) -> Group:
        """A vertical −scale … +scale bar right of the panel, for a hidden neuron's map (or a sum before tanh)."""
        values = np.linspace(1, -1, 64)[:, None]
        height = 2.4
        image = Heatmap(diverging_rgba(values, 1.0, self.theme), height, smooth=True)
        image.stretch_to_fit_width(0.16).move_to(PANEL_CENTRE + (PANEL_SIZE / 2 + 0.2) * RIGHT)
        marks = Group(image)
        top = "1" if scale == 1.0 else f"{scale:.1f}"
        for value, text in ((1, f"+{top}"), (0, "0"), (-1, f"−{top}")):
            y = image.get_center()[1] + value * height / 2
            marks.add(label(text, self.theme, TEXT, self.theme.muted).next_to([image.get_right()[0], y, 0], RIGHT, 0.1))
        return marks

    def activation_window(self, function, scale: float) -> VGroup:
        """The activation's curve above the panel, the part the sum reaches (−scale … +scale) drawn thick."""
        reach = max(3.0, 1.5 * scale)
        width, height, centre = 3.4, 1.2, PANEL_CENTRE + (PANEL_SIZE / 2 + 0.95) * UP

        def at(z: np.ndarray, a: np.ndarray) -> np.ndarray:
            return centre + np.stack([z / reach * width / 2, a * height / 2, np.zeros_like(z)], axis=1)

        def curve(low: float, high: float) -> VMobject:
            z = np.linspace(low, high, 60)
            return VMobject().set_points_smoothly(at(z, np.clip(function(z.copy()), -1.0, 1.0)))

        axis = Line(centre + width / 2 * LEFT, centre + width / 2 * RIGHT).set_stroke(self.theme.muted, 1.5)
        whole = curve(-reach, reach).set_stroke(self.theme.muted, 3)
        used = curve(-scale, scale).set_stroke(self.theme.palette[MARK], 7)
        ticks, marks = VGroup(), VGroup()
        for side in (-1, 1):  # the sum's reach marked on the input axis, its label on the side away from the curve
            foot = at(np.array([side * scale]), np.zeros(1))[0]
            ticks.add(Line(foot + 0.08 * DOWN, foot + 0.08 * UP).set_stroke(self.theme.palette[MARK], 3))
            text = label(f"{'−' if side < 0 else '+'}{scale:.2f}", self.theme, TEXT, self.theme.palette[MARK])
            marks.add(text.next_to(foot, UP if side < 0 else DOWN, buff=0.12))
        name = label(f"{self.run.activation}(sum)", self.theme, TEXT, self.theme.muted)
        name.next_to(axis, LEFT, buff=0.15).shift(0.3 * UP)
        return VGroup(axis, whole, used, ticks, marks, name)

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

    def rings_at(self, points: np.ndarray, colour: str, radius: float = 0.13) -> VGroup:
        """A ring around each input point on the panel, drawn over it."""
        places = self.panel.to_scene(points) if len(points) else []
        return VGroup(*(Circle(radius=radius).set_stroke(colour, 3).move_to(p) for p in places)).set_z_index(ON_TOP + 1)

    def flipped_points(self) -> np.ndarray:
        """Indices of the training labels flipped on purpose (empty unless the training points were regenerated)."""
        noise, name, size = (self.run.dataset.get(k) for k in ("label_noise", "name", "train"))
        if not (noise and size and self.own_training_points):
            return np.zeros(0, int)
        return np.sort(flipped_labels(name, size, noise))

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

    def play_snapshots(
        self, start: int, end: int, seconds: float, even: bool = False, lead_in: list = (), steps=None
    ) -> None:
        """From snapshot ``start`` to ``end``, each step's share of ``seconds`` its paced share (or even, or
        in proportion to ``steps``).

        ``lead_in``: a caption's swap, played over the first half second while the snapshots already move."""
        low, high = min(start, end), max(start, end)
        if steps is None:
            steps = np.ones(high - low) if even else self.step_seconds[low:high]
        durations = steps / steps.sum() * seconds if len(steps) else np.zeros(0)
        backwards = end < start

        def update(t: float) -> None:
            along = position_at((1 - t if backwards else t) * seconds, durations)
            self.show_snapshot(low + along)

        moving = Group(*self.diagram.edges, *self.diagram.columns, self.panel.image, self.boundary, self.status)
        if getattr(self, "inset", None) is not None:
            moving.add(self.inset.image, self.inset_boundary)
        moving.add(*self.follower_parts())
        head = self.t(0.5) if lead_in and seconds > 1.0 else 0.0
        if head:
            # Linear: the pacing is the durations' own; an ease in and out at each call would stall the playback.
            self.play(*lead_in, Playback(moving, lambda a: update(a * head / seconds), rate_func=linear), run_time=head)
        self.play(
            Playback(moving, lambda a: update((head + a * (seconds - head)) / seconds), rate_func=linear),
            run_time=seconds - head,
        )

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
        if getattr(self, "regions_shown", False):  # the plane stays blank until the regions are explained
            self.panel.image.show(regions_rgba(regions, self.theme))
        if hasattr(self, "boundary"):
            self.panel.set_level_path(self.boundary, regions, 0.5)
        if getattr(self, "inset", None) is not None:
            self.show_inset(position)
        # The nearest recorded snapshot: the counter changes halfway through each morph, so it neither runs ahead of
        # the picture (changing as the morph starts) nor lags it (changing as it ends).
        reached = int(np.floor(position + 0.5))
        if hasattr(self, "status"):
            self.show_status(reached)
        self.show_followers(position, reached)

    def show_followers(self, position: float, reached: int) -> None:
        """Neurons drawn large beside the panel follow the snapshots too (none here; see FollowBeats)."""

    def follower_parts(self) -> list:
        return []

    def make_status(self) -> VGroup:
        """The epoch and the losses of the snapshot on screen; :meth:`show_status` changes their numbers."""
        metrics = self.run.snapshots[0]["metrics"]
        # Placed with the longest epoch shown, so that a longer number never runs past the margin.
        self.readouts = [Readout("epoch", str(self.run.epochs[-1]), self.theme, 28, self.theme.text, width=4)]
        for name, key in (("training loss", "train_loss"), ("validation loss", "val_loss")):
            if key in metrics:
                self.readouts.append(Readout(name, f"{metrics[key]:.3f}", self.theme, TEXT, self.theme.text, width=5))
        losses = VGroup(*self.readouts[1:]).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        losses.move_to([SAFE_RIGHT - losses.width / 2, 2.62, 0])
        self.readouts[0].move_to(
            [SAFE_RIGHT - self.readouts[0].width / 2, SAFE_TOP - 0.05 - self.readouts[0].height / 2, 0]
        )
        self.readouts[0].set_value(str(self.run.epochs[0]))
        return VGroup(self.readouts[0], losses)

    def show_status(self, index: int) -> None:
        metrics = self.run.snapshots[index]["metrics"]
        self.readouts[0].set_value(str(self.run.epochs[index]))
        for readout, key in zip(self.readouts[1:], ("train_loss", "val_loss")):
            readout.set_value(f"{metrics[key]:.3f}")
