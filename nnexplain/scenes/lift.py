"""Lift: three hidden units lift a disk out of its ring into 3-D, where a plane separates them.

The run is a 2-3-… classifier on the disk-in-ring data (``circles-3``). Its first
layer is played as three steps in 3-D: the 3 × 2 linear map (through an
invertible 3 × 3 path, :func:`nnexplain.geometry.paths.lift_matrix`), the shift
and the nonlinearity; then the output layer's boundary, a plane, is drawn and the
camera turns around it. Before that, a two-unit network on the same data
(``circles-2``) shows where it gets stuck: in its 2-D hidden plane the ring still
surrounds the disk, and its line cuts through the ring.

The two-unit network is the scene's ``contrast`` run (default ``circles-2``;
``nnexplain render lift --with contrast=DIR`` picks another).

    nnexplain render lift --run runs/circles-3 --with contrast=runs/circles-2
    NNEXPLAIN_RUN=runs/circles-3 NNEXPLAIN_CONTRAST_RUN=runs/circles-2 manim -ql scenes/lift.py Lift
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DEGREES, DOWN, LEFT, RIGHT, UP, AnimationGroup, FadeIn, FadeOut, Group, Polygon, Square, VMobject, smooth

from nnexplain.geometry.boundary import class_one_probability, clip_plane, decision_boundary
from nnexplain.geometry.steps import Step, fitting_extent, network_steps
from nnexplain.geometry.warp import GridSpec, Projection, representations
from nnexplain.mobjects.plane import PlaneView, Warp, WarpedPlane, class_legend, polyline_points, prediction_image
from nnexplain.mobjects.style import fmt_fixed, fmt_percent, formula, label, subscript, typst_matrix
from nnexplain.scenes.base.run_scene import RunThreeDScene

__all__ = ["Lift"]

RANGES = {"tanh": "squashed\ninto (−1, 1)", "sigmoid": "squashed\ninto (0, 1)", "relu": "negative\nvalues become 0"}


class Lift(RunThreeDScene):
    scene_name = "lift"
    epoch: ClassVar[int | None] = None
    step_seconds: ClassVar[float] = 1.6
    pause_seconds: ClassVar[float] = 0.4
    zoom_seconds: ClassVar[float] = 0.6
    contrast_seconds: ClassVar[float] = 3.0
    turn_seconds: ClassVar[float] = 6.0  # the camera's turn around the separating plane
    cube_half_size: ClassVar[float] = 2.1  # scene units from the centre to a face of the shown cube
    raster_size: ClassVar[int] = 160  # pixels per side of the two-unit network's verdict
    tilt: ClassVar[tuple[float, float]] = (62 * DEGREES, -55 * DEGREES)  # camera phi, theta in 3-D
    column_left: ClassVar[float] = 3.3  # x where the caption column starts
    column_width: ClassVar[float] = 3.4

    def setup(self) -> None:
        super().setup()
        spec = GridSpec.from_dataset(self.run.dataset)
        self.params = self.run.params(self.epoch)
        self.metrics = self.run.snapshot(self.epoch)["metrics"]
        self.stages = representations(self.run.tensors(self.epoch), self.run.probe["inputs"], spec)
        self.labels = self.run.probe["labels"].astype(int)
        self.steps = [s for s in network_steps(self.stages, self.params, self.run.activation, dims=3) if s.layer == 0]
        self.contrast = self.runs["contrast"]
        self.captions: dict[str, object] = {}

    # --- captions, fixed in the frame ------------------------------------------------------------

    def caption(self, key: str, mobject) -> list:
        self.add_fixed_in_frame_mobjects(mobject)
        old = self.captions.get(key)
        self.captions[key] = mobject
        if old is None:
            return [FadeIn(mobject, run_time=0.4)]
        return [AnimationGroup(FadeOut(old, run_time=0.2), FadeIn(mobject, run_time=0.3), lag_ratio=1)]

    def detail(self, text: str):
        """The explanation of the current step, in the column right of the cube."""
        mobject = label(text, self.theme, 22)
        mobject.scale_to_fit_width(min(mobject.width, self.column_width))
        return mobject.move_to([self.column_left, 1.0, 0], aligned_edge=LEFT + UP)

    # --- the 3-D panel ---------------------------------------------------------------------------

    def view_for(self, projection: Projection, extent: float) -> PlaneView:
        return PlaneView.fitting(projection, extent, self.cube_half_size)

    def fit_view(self, step: Step) -> None:
        view = self.view_for(step.projection, step.extent)
        if not view.same_as(self.view):
            self.bring_to_front(self.plane)  # only what comes after a moving mobject is redrawn
            self.play(Warp(self.plane, view=view, run_time=self.zoom_seconds, rate_func=smooth))
            self.view = view

    def box(self, dims: int) -> VMobject:
        """The faint outline of the shown square (2-D) or cube (3-D)."""
        h = self.cube_half_size
        corners = [(x, y, z) for x in (-h, h) for y in (-h, h) for z in ((-h, h) if dims == 3 else (0,))]
        edges = [(a, b) for i, a in enumerate(corners) for b in corners[i + 1 :] if np.sum(np.array(a) != np.array(b)) == 1]
        outline = VMobject(stroke_color=self.theme.muted, stroke_width=1.2, stroke_opacity=0.45)
        return outline.set_points(polyline_points(np.array(edges, float)))

    def facing(self) -> tuple[np.ndarray, np.ndarray]:
        rotation = self.camera.generate_rotation_matrix()
        return rotation[0], rotation[1]

    # --- the story -------------------------------------------------------------------------------

    def construct(self) -> None:
        self.beat("the data")
        self.show_input()
        self.beat("two units are not enough")
        self.show_contrast()
        for step in self.steps:
            self.beat(f"step: {step.kind}")
            self.play_step(step)
        self.beat("a plane separates them")
        self.show_plane()

    def show_input(self) -> None:
        self.set_camera_orientation(phi=0, theta=-90 * DEGREES)
        stage = self.stages[0]
        projection = Projection.fit(stage.points, 3)
        extent = fitting_extent((stage.grid, stage.points), projection)
        self.view = self.view_for(projection, extent)
        self.plane = WarpedPlane(stage.grid, stage.points, self.labels, self.view, self.theme, facing=self.facing)
        self.outline = self.box(2)
        title = label("Lifting into 3-D", self.theme, 34, weight="BOLD").to_corner(UP + LEFT, buff=0.4)
        shape = "-".join(map(str, self.run.layers))
        facts = label(f"{self.run.recipe} · {shape} · {self.run.activation}", self.theme, 20, self.theme.muted)
        facts.next_to(title, DOWN, buff=0.15, aligned_edge=LEFT)
        legend = self.legend().next_to(facts, DOWN, buff=0.3, aligned_edge=LEFT)
        self.add_fixed_in_frame_mobjects(title, facts, legend)
        intro = f"{len(self.labels)} validation points:\na disk inside a ring.\nNo straight line\nseparates them."
        self.play(*(FadeIn(m) for m in (self.outline, self.plane, title, facts, legend)), *self.caption("detail", self.detail(intro)))
        self.wait(1.5)

    def legend(self):
        return class_legend((self.run.dataset.get("classes") or ["class 0", "class 1"])[:2], self.theme)

    def show_contrast(self) -> None:
        """The two-unit network's verdict on the input plane, in a corner: its boundary cannot close."""
        run = self.contrast
        stage = representations(run.tensors(), run.probe["inputs"], GridSpec.from_dataset(run.dataset))[0]
        half, centre = 1.3, np.array([-5.45, -2.3, 0.0])
        projection = Projection.fit(stage.points, 2)
        extent = fitting_extent((stage.grid, stage.points), projection)
        view = PlaneView.fitting(projection, extent, half, centre)
        dots = WarpedPlane(stage.grid, stage.points, run.probe["labels"].astype(int), view, self.theme, dot_radius=0.028, line_width=0.5)
        probability = class_one_probability(run.params(), run.activation, (-extent, extent, -extent, extent), self.raster_size)
        image = prediction_image(probability, self.theme, 2 * half).move_to(centre)
        frame = Square(2 * half, color=self.theme.muted, stroke_width=1, stroke_opacity=0.5).move_to(centre)
        accuracy = fmt_percent(run.final_metrics.get("val_acc", float("nan")))
        heading = label(f"2 hidden units\n({run.recipe}): {accuracy}", self.theme, 20, weight="BOLD")
        heading.next_to(frame, UP, buff=0.15, aligned_edge=LEFT)
        group = Group(image, frame, dots, heading)
        self.add_fixed_in_frame_mobjects(group)
        text = (
            "With 2 hidden units the\nboundary in the input\nplane cannot close around\n"
            f"the disk (left): ring points\nfall inside. Stuck at {accuracy}."
        )
        self.play(FadeIn(group), *self.caption("detail", self.detail(text)), run_time=1.0)
        self.wait(self.contrast_seconds)

    def play_step(self, step: Step) -> None:
        k = subscript(step.layer + 1)
        weight, bias = step.layer_motion.weight, step.layer_motion.bias
        if step.kind == "linear":
            matrices = formula(f"W_1 = {typst_matrix(weight)} quad b_1 = {typst_matrix(bias[:, None])}", self.theme, 26)
            matrices.to_corner(DOWN + RIGHT, buff=0.4)
            text = f"1  Linear map  x ↦ W{k}x\nW{k} is 3 × 2: the plane\ntilts into 3-D, along a\npath of invertible 3 × 3\nmatrices (det > 0)."
            outline = self.box(3)
            self.view = self.view_for(step.projection, step.extent)  # zoom out while lifting
            self.move_camera(
                phi=self.tilt[0],
                theta=self.tilt[1],
                added_anims=[
                    Warp(self.plane, step.motion, view=self.view, run_time=self.step_seconds * 1.5, rate_func=smooth),
                    FadeOut(self.outline),
                    FadeIn(outline),
                    *self.caption("detail", self.detail(text)),
                    *self.caption("matrices", matrices),
                ],
                run_time=self.step_seconds * 1.5,
            )
            self.outline = outline
        else:
            if step.kind == "shift":
                text = f"2  Shift  + b{k}\nb{k} = ({', '.join(fmt_fixed(b) for b in bias)})\nmoves everything."
            else:
                text = f"3  {step.layer_motion.activation}, coordinate\nby coordinate: {RANGES[step.layer_motion.activation]}"
            self.fit_view(step)
            self.bring_to_front(self.plane)
            self.play(Warp(self.plane, step.motion, run_time=self.step_seconds, rate_func=smooth), *self.caption("detail", self.detail(text)))
        if step is self.steps[-1]:
            self.zoom_onto(step)  # end the beat on the lifted data at a readable size
        self.wait(self.pause_seconds)

    def zoom_onto(self, step: Step) -> float:
        """Fit the cube to where ``step`` ends; returns the extent shown."""
        extent = fitting_extent(step.motion(1.0), step.projection)
        view = self.view_for(step.projection, extent)
        if not view.same_as(self.view):
            self.bring_to_front(self.plane)
            self.play(Warp(self.plane, view=view, run_time=self.zoom_seconds, rate_func=smooth))
            self.view = view
        return extent

    def show_plane(self) -> None:
        final = self.steps[-1]
        extent = self.zoom_onto(final)
        normal, offset = decision_boundary(*self.params[-1])
        polygon = clip_plane(normal, offset, extent)
        accuracy = fmt_percent(self.metrics.get("val_acc", float("nan")))
        text = f"Output layer: one plane,\nwhere the two logits\nare equal. Disk on one\nside, ring on the other:\n{accuracy} on validation."
        anims = list(self.caption("detail", self.detail(text)))
        if polygon is not None:
            sheet = Polygon(*(self.view(p[None])[0] for p in polygon), stroke_color=self.theme.highlight, stroke_width=2)
            sheet.set_fill(self.theme.highlight, opacity=0.28)
            anims.append(FadeIn(sheet))
        self.play(*anims, run_time=1.0)
        self.plane.add_updater(lambda plane: plane.refresh_dots())
        self.begin_ambient_camera_rotation(rate=0.18)
        self.wait(self.turn_seconds)
        self.stop_ambient_camera_rotation()
        self.plane.refresh_dots()  # the updater ran before the camera's last turn
