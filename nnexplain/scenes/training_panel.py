"""The ``training`` scene's left panel: what the network says at a snapshot, or after one update.

A 2-D classifier's decision regions over its input plane (from the stored weights,
:func:`~nnexplain.geometry.regions.class_one_map`) under its training points; an image
classifier's probe items framed green when right and red when wrong. Above the panel,
which weights it shows: after an epoch, or after one update inside the epoch played.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Circle,
    DashedVMobject,
    Dot,
    FadeIn,
    Group,
    LaggedStart,
    Rectangle,
    VGroup,
    VMobject,
)

from nnexplain.geometry.contour import level_curves
from nnexplain.geometry.learning import flipped_labels, probe_verdicts, training_points
from nnexplain.geometry.network import image_shape
from nnexplain.geometry.regions import PlaneRaster, class_one_map
from nnexplain.mobjects.charts import Readout
from nnexplain.mobjects.heatmap import Heatmap, Playback, blend_keyframes, mosaic_rgba, two_class_rgba
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import label
from nnexplain.run.network import Params, forward_trace

__all__ = ["PANEL_CENTRE", "PANEL_SIZE", "SIZE", "SMALL", "TrainingPanel"]

SIZE = 28  # labels: capital letters about 17 px tall at 480p
SMALL = 27  # ticks and keys: digits about 16 px tall
# the panel fills the left column from under its label down to the caption band (about 280 px at 480p)
PANEL_CENTRE, PANEL_SIZE = np.array([-4.33, -0.125, 0]), 4.65


class TrainingPanel:
    """Mixed into :class:`~nnexplain.scenes.training.Training` (needs its ``run``, ``theme`` and ``raster_size``)."""

    def setup_panel(self) -> None:
        self.plane = self.run.layers[0] == 2
        self.training_items = training_points(self.run) if self.plane else None
        self.flipped = flipped_labels(self.run) if self.training_items is not None else None
        # 2-D runs: the class-1 probability over the plane at each snapshot; blended, then coloured, with its boundary
        self.maps = [self.params_map(self.run.params(epoch)) for epoch in self.run.epochs] if self.plane else []
        self.keyframes = [self.panel_rgba(epoch) for epoch in self.run.epochs]
        self.items = "points" if self.plane else "items"

    def show_title(self, question: str) -> list:
        """Builds the title and the panel; returns the animation bringing in the title."""
        shape = "-".join(map(str, self.run.layers))
        heading = label(question, self.theme, 32, weight="BOLD")
        facts = label(f"{self.run.recipe} run · {shape} · {self.run.activation}", self.theme, SIZE, self.theme.muted)
        self.title = VGroup(heading, facts).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        self.title.scale_to_fit_width(min(self.title.width, 13.3)).to_corner(UL, buff=0.45)  # 24 px title-safe, inked
        self.panel = Heatmap(self.keyframes[0], PANEL_SIZE, smooth=self.plane).move_to(PANEL_CENTRE)
        self.outline = Rectangle(width=PANEL_SIZE, height=PANEL_SIZE).set_stroke(self.theme.muted, 1.2)
        self.outline.move_to(PANEL_CENTRE)
        self.dots = self.points()
        self.boundary = VMobject(stroke_color=self.theme.text, stroke_width=2.5)
        if self.plane:
            self.show_map(self.maps[0])
        corner = PANEL_CENTRE + PANEL_SIZE / 2 * (LEFT + UP)
        self.panel_label = Readout("weights:", "at the random start", self.theme, SIZE, self.theme.text, width=24)
        self.panel_label.next_to(corner, UP, buff=0.12, aligned_edge=LEFT)
        self.note = self.panel_note()
        self.panel_parts = Group(self.panel, self.outline, self.boundary, self.dots, self.note)
        return [Fade(self.title)]

    def show_panel(self) -> list:
        return [FadeIn(Group(self.panel, self.outline, self.boundary)), Fade(self.note)]  # no boundary at a 50/50 start

    def show_points(self) -> list:
        return [LaggedStart(*(FadeIn(dot, scale=2) for dot in self.dots), lag_ratio=0.05)]

    def show_panel_label(self) -> list:
        return [Fade(self.panel_label)]

    def flipped_labels(self) -> int:
        return int(self.flipped.sum()) if self.flipped is not None else 0

    def certainty_key(self, values: np.ndarray) -> tuple[Group, VGroup]:
        """A bar of the panel's colours from 0% to 100% for the second class, and the span ``values`` cover on it."""
        width, height, centre = 4.6, 0.36, np.array([2.45, 0.3, 0])
        ramp = np.tile(np.linspace(0, 1, 230)[None, :], (18, 1))
        bar = Heatmap(self.map_rgba(ramp), height, smooth=True).move_to(centre)
        bar.stretch_to_fit_width(width)
        outline = Rectangle(width=width, height=height).set_stroke(self.theme.muted, 1).move_to(centre)
        classes = self.run.dataset.get("classes") or ["class 0", "class 1"]
        title = label(f"how sure of {classes[1]}", self.theme, SMALL).next_to(outline, UP, buff=0.15)
        ticks = VGroup(
            *(
                label(text, self.theme, SMALL, self.theme.muted).next_to(
                    outline.get_corner(DOWN + LEFT) + f * width * RIGHT, DOWN, buff=0.12
                )
                for f, text in ((0, "0%"), (0.5, "50%"), (1, "100%"))
            )
        )
        low, high = float(values.min()), float(values.max())
        left = outline.get_left() + low * width * RIGHT
        span = Rectangle(width=max((high - low) * width, 0.04), height=height + 0.16).set_stroke(self.theme.text, 3)
        span.move_to(left + (high - low) * width / 2 * RIGHT)
        said = label(f"{low:.0%} to {high:.0%}", self.theme, SIZE).next_to(span, DOWN, buff=0.55)
        return Group(bar, outline, title, ticks), VGroup(span, said)

    def validation_marks(self, epoch: int) -> tuple[VGroup, VGroup, int]:
        """The validation points (small hollow rings in their class colours) and, filled red, those the snapshot of
        ``epoch`` gets wrong; with how many that is. Empty when the run's probe is not its validation set."""
        count = self.run.dataset.get("val") or 0
        probe = self.run.probe
        if not self.plane or "labels" not in probe or len(probe["inputs"]) < count or not count:
            return VGroup(), VGroup(), 0
        unit = self.raster().to_unit(probe["inputs"][:count])
        corner = PANEL_CENTRE - PANEL_SIZE / 2 * (RIGHT + UP)
        places = [corner + PANEL_SIZE * (u * RIGHT + v * UP) for u, v in unit]
        labels = probe["labels"][:count]
        points = VGroup(
            *(
                Circle(radius=0.035).set_stroke(self.theme.palette[int(c) % 2], 1.5).move_to(place)
                for place, c in zip(places, labels)
            )
        )
        right = probe_verdicts(self.run, epoch)[:count]
        wrong = VGroup(  # a red ring round each point it gets wrong: the point's own class colour still shows
            *(Circle(radius=0.065).set_stroke(self.theme.wrong, 3).move_to(p) for p, ok in zip(places, right) if not ok)
        )
        return points, wrong, int((~right).sum())

    def rings(self, epoch: int | None = None) -> VGroup:
        """A ring around each training point whose label was flipped; with ``epoch``, the rings of the flipped labels
        the network at ``epoch`` fits drawn bold, the others faint."""
        if self.flipped is None:
            return VGroup()
        fitted = self.flipped_predicted(epoch) if epoch is not None else None
        rings = VGroup()
        for index, (dot, flipped) in enumerate(zip(self.dots, self.flipped)):
            if not flipped:
                continue
            bold = fitted is None or fitted[index]
            ring = Circle(radius=0.14).set_stroke(self.theme.text, 4 if fitted is not None and bold else 2.2)
            if not bold:  # a flipped label the network does not fit: a faint, thin, dashed ring
                ring = DashedVMobject(ring.set_stroke(width=1.5), num_dashes=8).set_stroke(opacity=0.6)
            rings.add(ring.move_to(dot))
        return rings

    def panel_rgba(self, epoch: int) -> np.ndarray:
        if self.plane:
            return self.map_rgba(self.maps[self.run.epochs.index(epoch)])
        shape = image_shape(self.run)
        images = self.run.probe["inputs"].reshape(-1, *shape)
        right = probe_verdicts(self.run, epoch)
        borders = [self.theme.correct if ok else self.theme.wrong for ok in right]
        return mosaic_rgba(images, borders, self.theme, cols=int(np.ceil(np.sqrt(len(images)))))

    def params_map(self, params: Params) -> np.ndarray:
        return class_one_map(params, self.run.activation, self.raster())

    def map_rgba(self, values: np.ndarray) -> np.ndarray:
        return two_class_rgba(values, self.theme, strength=0.32)

    def show_map(self, values: np.ndarray) -> None:
        """The regions of ``values`` (class-1 probabilities) and their boundary, where it is one half."""
        self.panel.show(self.map_rgba(values))
        self.boundary.set_points(self.boundary_of(values).points)
        self.boundary.set_stroke(opacity=1)

    def show_at(self, position: float) -> None:
        """The panel at ``position`` along the snapshots (fractions blend two)."""
        if self.plane:
            self.show_map(blend_keyframes(self.maps, position))
        else:
            self.panel.show(blend_keyframes(self.keyframes, position))

    def epochs_with_updates(self) -> set[int]:
        """Epochs whose weights after every step the run recorded (2-D runs: their regions are drawn)."""
        if not self.plane:
            return set()
        return {epoch for epoch in self.run.epochs if self.run.snapshot(epoch).get("steps")}

    def update_maps(self, epoch: int) -> list[np.ndarray]:
        """The class-1 map after each update of ``epoch``, from the recorded weights; empty when the run has none."""
        if epoch not in self.epochs_with_updates():
            return []
        return [self.params_map(params) for params in self.run.step_params(epoch)]

    def raster(self) -> PlaneRaster:
        if not hasattr(self, "_raster"):
            grid = self.run.dataset.get("warp_grid")
            if grid:
                bounds = grid["bounds"]
            else:
                x = self.run.probe["inputs"]
                bounds = (x[:, 0].min(), x[:, 0].max(), x[:, 1].min(), x[:, 1].max())
            self._raster = PlaneRaster.around(bounds, self.raster_size)
        return self._raster

    def points(self) -> VGroup:
        """The training points (or, when they cannot be regenerated, the validation points) over the regions."""
        if not self.plane:
            return VGroup()
        found = self.training_items
        x, y = found if found is not None else (self.run.probe["inputs"], self.run.probe["labels"])
        unit = self.raster().to_unit(x)
        corner = PANEL_CENTRE - PANEL_SIZE / 2 * (RIGHT + UP)
        return VGroup(
            *(
                Dot(
                    corner + PANEL_SIZE * (u * RIGHT + v * UP), radius=0.06, color=self.theme.palette[int(c) % 2]
                ).set_stroke(self.theme.background, 2)
                for (u, v), c in zip(unit, y)
            )
        )

    def points_said(self) -> str:
        if self.training_items is not None:
            return f"{len(self.dots)} training points"
        return f"{len(self.dots)} validation points"

    def panel_note(self) -> VGroup:
        """The panel's key, on the title's second line at the right (the panel reaches down to the caption band)."""
        right = 7.11 - 0.45  # the frame's right edge less the title-safe margin
        if not self.plane:
            note = label("green frame: right, red: wrong", self.theme, SIZE, self.theme.muted)
        else:
            classes = (self.run.dataset.get("classes") or ["class 0", "class 1"])[:2]
            note = VGroup(
                *(label(f"● {name}", self.theme, SMALL, self.theme.palette[i]) for i, name in enumerate(classes))
            ).arrange(RIGHT, buff=0.25)
        note.move_to(self.title[1]).align_to(right * RIGHT, RIGHT)
        return note

    def moving_panel(self) -> Group:
        """The panel and, after it, what is drawn over it: an animation puts its group last, so this order stays."""
        rings = getattr(self, "epoch_rings", None)
        on = [rings] if rings is not None and not getattr(self, "rings_leaving", False) else []  # while shown
        return Group(self.panel, self.boundary, self.dots, *on)

    def panel_to(self, start: float, end: float, said: str, group: Group | None = None) -> Playback:
        """Blend the panel from snapshot index ``start`` to ``end``; while it blends, its label names both epochs."""
        before = self.panel_label.text
        between = f"epoch {self.run.epochs[int(start)]} → {self.run.epochs[int(end)]}"

        def show(t: float) -> None:
            self.show_at(start + t * (end - start))
            self.panel_label.set_value(before if t == 0 else said if t == 1 else between)

        return Playback(group or Group(self.moving_panel(), self.panel_label), show)

    def position_said(self, position: float) -> str:
        """The panel's label at ``position`` along the snapshots: a recorded epoch, or the two it blends."""
        low, high = int(np.floor(position + 1e-9)), int(np.ceil(position - 1e-9))
        if low >= high:
            return f"after epoch {self.run.epochs[low]}"
        return f"epoch {self.run.epochs[low]} → {self.run.epochs[high]}"

    def flipped_predicted(self, epoch: int) -> np.ndarray | None:
        """Per training point, whether it is a flipped label that the network at ``epoch`` predicts (as flipped)."""
        if self.flipped is None:
            return None
        x, y = self.training_items
        output = forward_trace(self.run.params(epoch), self.run.activation, self.run.output, x)[-1][1]
        return (output.argmax(1) == y) & self.flipped

    def flipped_fitted(self, epoch: int) -> int | None:
        """How many flipped training labels the network at ``epoch`` now predicts (as flipped), else None."""
        fitted = self.flipped_predicted(epoch)
        return None if fitted is None else int(fitted.sum())

    def crossfade_to(self, start: int, end: int, said: str, group: Group) -> Playback:
        """A cross-fade from snapshot index ``start`` to ``end`` (colours mixed, one boundary fading into the other):
        between snapshots far apart, blended weights would draw boundaries no trained network had."""
        before, after = self.keyframes[start], self.keyframes[end]
        outlines = [self.boundary_of(self.maps[i]) if self.plane else None for i in (start, end)]

        def show(t: float) -> None:
            mixed = before.astype(np.float64) * (1 - t) + after.astype(np.float64) * t
            self.panel.show(np.round(mixed).astype(before.dtype))
            if self.plane:
                shown = outlines[0] if t < 0.5 else outlines[1]
                self.boundary.set_points(shown.points if len(shown.points) else np.zeros((0, 3)))
                self.boundary.set_stroke(opacity=abs(1 - 2 * t))
            self.panel_label.set_value(said if t >= 0.5 else self.panel_label.text)

        return Playback(group, show)

    def boundary_of(self, values: np.ndarray) -> VMobject:
        """The 50/50 line of ``values`` (class-1 probabilities) in panel coordinates."""
        outline = VMobject()
        raster = self.raster()
        corner = PANEL_CENTRE - PANEL_SIZE / 2 * (RIGHT + UP)
        for curve in level_curves(values, raster.bounds):
            unit = raster.to_unit(curve)
            points = corner + PANEL_SIZE * (unit[:, :1] * RIGHT + unit[:, 1:] * UP)
            outline.start_new_path(points[0])
            outline.add_points_as_corners(points[1:])
        return outline
