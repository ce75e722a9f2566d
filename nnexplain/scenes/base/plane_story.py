"""What ``fold`` and ``linear-collapse`` share: a panel showing one representation, a caption
column, and a player for the steps of :func:`nnexplain.geometry.steps.network_steps`.

The panel is a square centred on the representation's origin; it zooms (a short,
separate animation) whenever the next step would leave it or look tiny in it, and
its corner note says what range it shows and whether it is a projection.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, AnimationGroup, FadeIn, FadeOut, ImageMobject, Line, Polygon, Square, VGroup, linear, smooth

from nnexplain.geometry.boundary import class_one_probability, clip_line, split_square
from nnexplain.geometry.steps import Step, fitting_extent, network_steps
from nnexplain.geometry.warp import GridSpec, Projection, representations
from nnexplain.mobjects.plane import PlaneView, Warp, WarpedPlane, class_legend, prediction_image
from nnexplain.mobjects.style import fmt_fixed, formula, label, subscript, typst_matrix
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["PlaneStory"]

SQUASH = {
    "tanh": "tanh squashes each coordinate into (−1, 1)",
    "sigmoid": "sigmoid squashes each coordinate into (0, 1)",
    "relu": "ReLU sets negative coordinates to 0:\nhalf-planes fold onto the axes",
}


class PlaneStory(RunScene):
    """The panel, the captions and the step player that ``fold`` and ``linear-collapse`` share."""

    title: ClassVar[str]
    epoch: ClassVar[int | None] = None  # the snapshot drawn; None for the last
    step_seconds: ClassVar[float] = 1.25
    mirror_seconds: ClassVar[float] = 0.9
    pause_seconds: ClassVar[float] = 0.3
    intro_seconds: ClassVar[float] = 2.0
    zoom_seconds: ClassVar[float] = 0.5
    panel_centre: ClassVar[tuple[float, float, float]] = (-3.35, -0.3, 0.0)
    panel_half_size: ClassVar[float] = 3.3
    column_left: ClassVar[float] = 0.75  # x where the caption column starts
    column_width: ClassVar[float] = 6.0
    include_output: ClassVar[bool] = False  # animate the output layer's affine map too
    rewind_seconds: ClassVar[float] = 0.2  # per step, when the layers are undone at the end
    raster_size: ClassVar[int] = 240  # pixels per side of the verdict image

    def setup(self) -> None:
        super().setup()
        self.spec = GridSpec.from_dataset(self.run.dataset)
        self.params = self.run.params(self.epoch)
        self.metrics = self.run.snapshot(self.epoch)["metrics"]
        self.stages = representations(self.run.tensors(self.epoch), self.run.probe["inputs"], self.spec)
        self.labels = self.run.probe["labels"].astype(int)
        self.steps = network_steps(self.stages, self.params, self.run.activation, include_output=self.include_output)
        self.captions: dict[str, object] = {}

    # --- layout -------------------------------------------------------------------------------

    def view_for(self, projection: Projection, extent: float) -> PlaneView:
        return PlaneView.fitting(projection, extent, self.panel_half_size, self.panel_centre)

    def at_column(self, mobject, y: float):
        return mobject.move_to([self.column_left, y, 0], aligned_edge=LEFT)

    def caption(self, key: str, mobject) -> list:
        """Put ``mobject`` in the caption slot ``key``; returns the animations that swap it in."""
        old = self.captions.get(key)
        self.captions[key] = mobject
        if old is None:
            return [FadeIn(mobject, run_time=0.3)]
        return [AnimationGroup(FadeOut(old, run_time=0.2), FadeIn(mobject, run_time=0.3), lag_ratio=1)]

    def view_note(self, view: PlaneView, extent: float):
        what = f"PCA projection of {view.projection.basis.shape[0]}-D space · " if view.projection.is_projection else ""
        text = label(f"{what}both axes −{extent:g} … {extent:g}", self.theme, 18, self.theme.muted)
        top_left = np.array(self.panel_centre) + [-self.panel_half_size, self.panel_half_size, 0]
        return text.move_to(top_left + [0, 0.25, 0], aligned_edge=LEFT)

    def extent_of_input(self) -> float:
        stage = self.stages[0]
        return fitting_extent((stage.grid, stage.points), Projection.fit(stage.points, 2))

    def show_input(self, intro: str) -> None:
        input_stage = self.stages[0]
        extent = self.extent_of_input()
        self.view = self.view_for(Projection.fit(input_stage.points, 2), extent)
        self.extent = extent
        half = self.panel_half_size
        self.frame = VGroup(
            Square(2 * half, color=self.theme.muted, stroke_width=1.5, stroke_opacity=0.5),
            Line(LEFT * half, RIGHT * half, color=self.theme.muted, stroke_width=1, stroke_opacity=0.35),
            Line(DOWN * half, UP * half, color=self.theme.muted, stroke_width=1, stroke_opacity=0.35),
        ).move_to(self.panel_centre)
        self.plane = WarpedPlane(input_stage.grid, input_stage.points, self.labels, self.view, self.theme)
        title = self.at_column(label(self.title, self.theme, 34, weight="BOLD"), 3.35)
        shape = "-".join(map(str, self.run.layers))
        facts = f"{self.run.recipe} · {shape} · {self.run.activation} · epoch {self.run.snapshot(self.epoch)['epoch']}"
        subtitle = self.at_column(label(facts, self.theme, 20, self.theme.muted), 2.8)
        legend = self.legend().next_to(subtitle, DOWN, buff=0.3, aligned_edge=LEFT)
        self.play(*map(FadeIn, (self.frame, self.plane, title, subtitle, legend)), run_time=1.0)
        self.play(*self.caption("view", self.view_note(self.view, extent)), *self.caption("detail", self.detail(intro)))
        self.wait(self.intro_seconds)

    def legend(self):
        return class_legend((self.run.dataset.get("classes") or ["class 0", "class 1"])[:2], self.theme)

    def fit_column(self, mobject):
        return mobject.scale_to_fit_width(min(mobject.width, self.column_width))

    def heading(self, text: str):
        return self.at_column(self.fit_column(label(text, self.theme, 28, weight="BOLD")), 1.75)

    def detail(self, text: str):
        """The explanation of the current step: a few short lines under the step list."""
        text = self.fit_column(label(text, self.theme, 20, self.theme.text))
        return text.move_to([self.column_left, -0.45, 0], aligned_edge=LEFT + UP)

    def numbers(self, mobject):
        """Formulas with the real numbers, at the foot of the column."""
        return self.fit_column(mobject).move_to([self.column_left, -3.75, 0], aligned_edge=LEFT + DOWN)

    # --- playing steps -------------------------------------------------------------------------

    def fit_view(self, step: Step, extent: float | None = None) -> None:
        """Zoom (or switch projection) first when the step would not fit the panel, or would look tiny."""
        extent = extent or step.extent
        view = self.view_for(step.projection, extent)
        if view.same_as(self.view):
            return
        self.keep_plane_last()
        self.play(
            Warp(self.plane, view=view, run_time=self.zoom_seconds, rate_func=smooth),
            *self.caption("view", self.view_note(view, extent)),
        )
        self.view, self.extent = view, extent

    def keep_plane_last(self) -> None:
        """manim redraws, every frame, each mobject listed after one that moves: with the moving
        plane last, the captions beside it stay in the cached background (they never overlap)."""
        self.bring_to_front(self.plane)

    def play_step(self, step: Step, *captions) -> None:
        """Play one step, with caption changes alongside; a mirror is a jump, held for a moment."""
        self.fit_view(step)
        self.keep_plane_last()
        if step.kind == "mirror":
            self.play(Warp(self.plane, step.motion, run_time=self.mirror_seconds, rate_func=linear), *captions)
        else:
            self.play(Warp(self.plane, step.motion, run_time=self.step_seconds, rate_func=smooth), *captions)
        self.wait(self.pause_seconds)

    def step_list(self, layer: int) -> VGroup:
        k = subscript(layer + 1)
        names = [f"1  Linear map   x ↦ W{k}x", f"2  Shift   + b{k}"]
        if self.run.activation != "identity" and layer < len(self.params) - 1:
            names.append(f"3  {self.run.activation}, coordinate by coordinate")
        return self.rows(names)

    def rows(self, names: list[str]) -> VGroup:
        """One muted line per step, their tops evenly spaced (subscripts must not push rows apart)."""
        rows = VGroup(*(label(name, self.theme, 24, self.theme.muted) for name in names))
        for index, row in enumerate(rows):
            row.move_to([0, -0.45 * index, 0], aligned_edge=LEFT + UP)
        return rows

    def detail_for(self, step: Step) -> str:
        k, motion = subscript(step.layer + 1), step.layer_motion
        weight, bias = motion.weight, motion.bias
        if step.kind == "mirror":
            return f"det W{k} = {fmt_fixed(np.linalg.det(weight))} < 0: W{k} mirrors the plane.\nNo smooth path of invertible maps\ncan flip it, so the mirror comes first."
        if step.kind == "linear":
            if weight.shape[0] != weight.shape[1]:
                if motion.lifted:
                    return f"W{k} is 3 × 2: the plane tilts into 3-D space\n(shown through an invertible 3 × 3 path)"
                return f"W{k} is {weight.shape[0]} × {weight.shape[1]}: drawn as a straight blend"
            det = np.linalg.det(weight)
            first = "After the mirror: turn" if det < 0 else "Turn"
            return f"det W{k} = {fmt_fixed(det)}\n{first} while stretching, through\ninvertible matrices only"
        if step.kind == "shift":
            return f"b{k} = ({', '.join(fmt_fixed(b) for b in bias)}) moves everything"
        return SQUASH[motion.activation]

    def highlight(self, rows: VGroup, current: int) -> None:
        for index, row in enumerate(rows):
            row.set_color(self.theme.highlight if index == current else self.theme.muted)

    def play_layer(self, layer: int, header: str) -> None:
        steps = [s for s in self.steps if s.layer == layer]
        rows = self.at_column(self.step_list(layer), 0.75)
        weight, bias = self.params[layer]
        matrices = formula(f"W_{layer + 1} = {typst_matrix(weight)} quad b_{layer + 1} = {typst_matrix(bias[:, None])}", self.theme, 28)
        self.play(
            *self.caption("header", self.heading(header)),
            *self.caption("rows", rows),
            *self.caption("matrices", self.numbers(matrices)),
        )
        for step in steps:
            row = {"mirror": 0, "linear": 0, "shift": 1, "activate": 2}[step.kind]
            self.highlight(rows, row)
            self.play_step(step, *self.caption("detail", self.detail(self.detail_for(step))))
        # End the beat on the layer's result at a readable size, not in the view its steps needed.
        last = steps[-1]
        self.fit_view(last, fitting_extent(last.motion(1.0), last.projection))

    # --- the ending: a boundary, then back to the input --------------------------------------------

    def boundary_overlay(self, normal: np.ndarray, offset: float) -> VGroup:
        """The line normal·h + offset = 0 in the current view, with the two sides tinted by class."""
        centre, scale = np.array(self.panel_centre), self.view.scale

        def to_scene(p: np.ndarray) -> np.ndarray:
            return centre + [*(p * scale), 0]

        tints = VGroup(
            *(
                Polygon(*map(to_scene, polygon), fill_color=self.theme.palette[side], fill_opacity=0.16, stroke_width=0)
                for side, polygon in enumerate(split_square(normal, offset, self.extent))
                if len(polygon) >= 3
            )
        ).set_z_index(-1)
        segment = clip_line(normal, offset, self.extent)
        line = VGroup() if segment is None else Line(*map(to_scene, segment), color=self.theme.highlight, stroke_width=5)
        return VGroup(tints, line)

    def rewind(self) -> None:
        """Undo every step quickly, back to the input plane in its first view."""
        for step in reversed(self.steps):
            self.fit_view(step, max(step.extent, self.extent))
            self.keep_plane_last()
            self.play(Warp(self.plane, lambda t, m=step.motion: m(1 - t), run_time=self.rewind_seconds, rate_func=linear))
        stage, extent = self.stages[0], self.extent_of_input()
        first = self.view_for(Projection.fit(stage.points, 2), extent)
        self.play(
            Warp(self.plane, lambda t: (stage.grid, stage.points), view=first, run_time=self.zoom_seconds),
            *self.caption("view", self.view_note(first, extent)),
        )
        self.view, self.extent = first, extent

    def verdict_image(self) -> ImageMobject:
        """The input panel coloured by the network's verdict, drawn under the grid and the dots."""
        extent = self.extent_of_input()
        probability = class_one_probability(self.params, self.run.activation, (-extent, extent, -extent, extent), self.raster_size)
        image = prediction_image(probability, self.theme, 2 * self.panel_half_size).move_to(self.panel_centre)
        return image.set_z_index(-1)
