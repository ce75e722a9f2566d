"""Lift: three hidden units lift a disk out of its ring into 3-D, where a plane separates them.

The run is a 2-3-… classifier on the disk-in-ring data (``circles-3``). First, a
two-unit network on the same data (``circles-2``, the scene's ``contrast`` run) gets
the whole panel for its own beat: its boundary in the input plane cannot close
around the disk, and the ring points it gets wrong are ringed. Then the three-unit
run's first layer is played as three steps: the 3 × 2 linear map (through an
invertible 3 × 3 path, :func:`nnexplain.geometry.paths.lift_matrix`) while the
camera tilts from above to an angle, the shift, and the nonlinearity, the view
following the data throughout and the box's axes named with the ranges they span.
Last, the output layer's boundary, a plane, is drawn, and the camera turns to look
at it obliquely: the points on its near side are drawn in front of it, those on the
far side behind. The last beat circles the plane once at an even speed, ending where
it starts, so a slide deck loops it (``loop=True``).

The captions in the column are the beats' narration, each up at least as long as it
takes to read (:mod:`~nnexplain.scenes.base.narration`); the formulas under them are labels.

The 3-D picture is drawn by :class:`~nnexplain.mobjects.orbit.OrbitView` in a flat
scene, so the camera turns and zooms in the same animation that moves the data.

    nnexplain render lift --run runs/circles-3 --with contrast=runs/circles-2
    NNEXPLAIN_RUN=runs/circles-3 NNEXPLAIN_CONTRAST_RUN=runs/circles-2 manim -ql scenes/lift.py Lift
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DEGREES, DOWN, LEFT, UP, AnimationGroup, FadeIn, FadeOut, Polygon, VGroup, linear, smooth

from nnexplain.geometry.boundary import class_one_probability, clip_plane, decision_boundary
from nnexplain.geometry.contour import as_lines, level_curves
from nnexplain.geometry.findings import misclassified
from nnexplain.geometry.framing import follow
from nnexplain.geometry.steps import Step, network_steps
from nnexplain.geometry.warp import GridSpec, Projection, representations
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.orbit import FrontDots, OrbitBox, OrbitView, camera_angles, upright_roll
from nnexplain.mobjects.plane import CarriedLines, PlaneView, Warp, WarpedPlane, class_legend, prediction_image
from nnexplain.mobjects.style import fmt_fixed, fmt_percent, formula, label, subscript, typst_matrix
from nnexplain.scenes.base.narration import reading_seconds
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["Lift"]

TEXT = 24
SQUASH = {"tanh": "into −1 … 1 (tanh)", "sigmoid": "into 0 … 1 (sigmoid)", "relu": "negatives to 0 (ReLU)"}


class Lift(RunScene):
    scene_name = "lift"
    epoch: ClassVar[int | None] = None
    step_seconds: ClassVar[float] = 1.8  # per step of the first layer after the lift (the shift, the activation)
    lift_seconds: ClassVar[float] = 3.0  # the 3 × 2 map, while the camera tilts
    pause_seconds: ClassVar[float] = 0.4
    turn_seconds: ClassVar[float] = 3.0  # the camera's turn to look at the separating plane
    hold_seconds: ClassVar[float] = 1.0  # extra hold at the end, beyond the last caption's reading time
    orbit_seconds: ClassVar[float] = 8.0  # the last beat's whole turn around the plane (a looping slide), or as
    # long as its narration takes to read, if that is longer
    raster_size: ClassVar[int] = 240  # pixels per side of the two-unit network's verdict
    tilt: ClassVar[tuple[float, float]] = (62 * DEGREES, -55 * DEGREES)  # camera phi, theta after the lift
    plane_angle: ClassVar[float] = 76 * DEGREES  # the final camera's angle from the plane's normal: 14° above it
    panel_centre: ClassVar[tuple[float, float, float]] = (-3.45, -0.3, 0.0)
    flat_half: ClassVar[float] = 3.1  # half side of the panel seen from above
    box_half: ClassVar[float] = 1.85  # half side of the box once tilted (its outline reaches farther)
    fill: ClassVar[float] = 0.9
    column_left: ClassVar[float] = 0.55
    column_width: ClassVar[float] = 6.35

    def setup(self) -> None:
        super().setup()
        spec = GridSpec.from_dataset(self.run.dataset)
        self.params = self.run.params(self.epoch)
        self.metrics = self.run.snapshot(self.epoch)["metrics"]
        self.stages = representations(self.run.tensors(self.epoch), self.run.probe["inputs"], spec)
        self.labels = self.run.probe["labels"].astype(int)
        self.steps = [s for s in network_steps(self.stages, self.params, self.run.activation, dims=3) if s.layer == 0]
        self.contrast = self.runs["contrast"]
        x, y, _ = self.panel_centre
        self.clip = (x - 3.6, x + 3.6, -4.0, 4.0)  # lines never reach the caption column

    # --- captions ----------------------------------------------------------------------------------

    def tell(self, text: str) -> list:
        """Narrate ``text`` in the column, once the caption there has been read; returns the animations
        that swap it in (the old one fades out, then the new one in) in half a second, whatever plays with it.
        Its reading time starts when the play that brings it in ends."""
        animations = self.say(text, self.detail(text), "detail")
        for animation in animations:
            animation.run_time = 0.5 if isinstance(animation, AnimationGroup) else 0.4
        return animations

    def detail(self, text: str):
        mobject = label(text, self.theme, TEXT)
        mobject.scale_to_fit_width(min(mobject.width, self.column_width))
        return mobject.move_to([self.column_left, 1.2, 0], aligned_edge=LEFT + UP)

    def numbers(self, mobject):
        mobject.scale_to_fit_width(min(mobject.width, self.column_width))
        return mobject.move_to([self.column_left, -3.85, 0], aligned_edge=LEFT + DOWN)

    # --- the run's numbers, in words --------------------------------------------------------------

    def wrong_of(self, run) -> tuple[int, int]:
        labels = run.probe["labels"].astype(int)
        return int(
            misclassified(
                run.params(self.epoch if run is self.run else None), run.activation, run.probe["inputs"], labels
            ).sum()
        ), len(labels)

    def orbit_words(self) -> str:
        wrong, _ = self.wrong_of(self.run)
        sides = (
            "every disk point on one side of the plane, every ring point on the other"
            if not wrong
            else f"{wrong} point{'s' * (wrong != 1)} on the wrong side of the plane"
        )
        return (
            "One slow turn around the plane, ending where it starts: this slide loops until you move on. "
            f"Seen from all round: {sides}."
        )

    # --- views -------------------------------------------------------------------------------------

    def orbit(
        self, projection: Projection, points: np.ndarray, phi: float, theta: float, half: float, gamma: float = 0.0
    ) -> OrbitView:
        """The camera at (phi, theta, roll gamma) around ``points``, filling a box of half side ``half``."""
        width = projection.basis.shape[0]
        points = (
            points[:, :width] if points.shape[1] >= width else np.pad(points, [(0, 0), (0, width - points.shape[1])])
        )
        frame = follow(projection(points))
        origin = tuple(np.pad(frame.centre, (0, 3 - len(frame.centre))))
        return OrbitView(
            projection, self.fill * half / frame.radius, self.panel_centre, origin, phi, theta, half, gamma
        )

    def framing(self, projection: Projection, angles=None):
        """View following the data; ``angles`` (t ↦ phi, theta, [roll,] half) turns the camera meanwhile."""
        still = (self.view.phi, self.view.theta, self.view.half_size)

        def view(state, t):
            phi, theta, *rest = angles(t) if angles else still
            gamma, half = (rest[0], rest[1]) if len(rest) == 2 else (self.view.gamma, rest[0])
            return self.orbit(projection, state[1], phi, theta, half, gamma)

        return view

    def warp(self, motion, projection: Projection, run_time: float, angles=None) -> None:
        self.bring_to_front(self.plane, self.box, *self.front)
        self.play(
            Warp(
                self.plane,
                motion,
                framing=self.framing(projection, angles),
                followers=(self.box, *self.front),
                run_time=run_time,
                rate_func=smooth,
            ),
        )
        self.view = self.plane.view

    # --- the story ---------------------------------------------------------------------------------

    def construct(self) -> None:
        self.front: list = []
        self.beat("the data")
        self.show_input()
        self.beat("two units are not enough")
        self.show_contrast()
        for step in self.steps:
            self.beat(f"step: {step.kind}")
            if step is self.steps[0]:
                self.back_to_the_run()
            self.play_step(step)
        self.beat("a plane separates them")
        self.show_plane()
        # Its own beat, and the last: one whole turn that ends where it starts, so the slide loops seamlessly.
        self.beat("around the plane", loop=True)
        self.circle_the_plane()

    def show_input(self) -> None:
        stage = self.stages[0]
        projection = self.steps[0].projection
        self.view = self.orbit(projection, stage.points, 0.0, -90 * DEGREES, self.flat_half)
        self.plane = WarpedPlane(stage.grid, stage.points, self.labels, self.view, self.theme, clip=self.clip)
        self.box = OrbitBox(self.theme, ("x₁", "x₂", "—"), TEXT).follow(self.view)
        title = VGroup(
            *(label(line, self.theme, 32, weight="BOLD") for line in ("Three units lift the disk", "out of the ring"))
        )
        title.arrange(DOWN, aligned_edge=LEFT, buff=0.1).move_to([self.column_left, 3.85, 0], aligned_edge=LEFT + UP)
        shape = "-".join(map(str, self.run.layers))
        facts = label(f"{self.run.recipe} · {shape} · {self.run.activation}", self.theme, TEXT, self.theme.muted)
        facts.next_to(title, DOWN, buff=0.2, aligned_edge=LEFT)
        self.legend = class_legend((self.run.dataset.get("classes") or ["class 0", "class 1"])[:2], self.theme, TEXT)
        self.legend.next_to(facts, DOWN, buff=0.2, aligned_edge=LEFT)
        intro = f"{len(self.labels)} validation points: a disk\ninside a ring. No straight\nline separates them."
        self.play(*(FadeIn(m) for m in (self.plane, self.box, title, facts, self.legend)), *self.tell(intro))
        self.hold("detail")

    def show_contrast(self) -> None:
        """The two-unit network, full size: its boundary cannot close around the disk; its mistakes ringed."""
        run = self.contrast
        stage = representations(run.tensors(), run.probe["inputs"], GridSpec.from_dataset(run.dataset))[0]
        labels = run.probe["labels"].astype(int)
        frame = follow(stage.points)
        view = PlaneView.around(
            Projection.fit(stage.points, 2), frame.centre, frame.radius, self.flat_half, self.panel_centre, self.fill
        )
        x, y, _ = self.panel_centre
        h = self.flat_half
        bounds = (*view.inverse(np.array([x - h, y - h])), *view.inverse(np.array([x + h, y + h])))
        bounds = (bounds[0], bounds[2], bounds[1], bounds[3])
        probability = class_one_probability(run.params(), run.activation, bounds, self.raster_size)
        image = prediction_image(probability, self.theme, 2 * h).move_to(self.panel_centre).set_z_index(-1)
        contrast = WarpedPlane(stage.grid, stage.points, labels, view, self.theme, clip=(x - h, x + h, y - h, y + h))
        contrast.interior.set_stroke(opacity=0.18)
        boundary = CarriedLines(as_lines(level_curves(probability, bounds)), view, self.theme.highlight, width=5)
        wrong = misclassified(run.params(), run.activation, run.probe["inputs"], labels)
        contrast.mark(wrong, self.theme.wrong, radius=0.1, width=2.5)
        accuracy = fmt_percent(run.final_metrics.get("val_acc", float("nan")))
        shape = "-".join(map(str, run.layers))
        heading = label(f"Two hidden units ({run.recipe}, {shape})", self.theme, TEXT, weight="BOLD")
        heading.move_to([self.column_left, 1.75, 0], aligned_edge=LEFT)
        text = (
            "Its boundary in the input\nplane cannot close around\nthe disk, so ring points fall\n"
            f"on the disk's side: {int(wrong.sum())} wrong\n(ringed in red), {accuracy} correct."
        )
        self.play(FadeOut(self.plane), FadeOut(self.box), run_time=0.5)
        self.play(FadeIn(image), FadeIn(contrast), FadeIn(boundary), FadeIn(heading), *self.tell(text), run_time=1.0)
        self.hold("detail", extra=self.pause_seconds)
        self.contrast_parts = (image, contrast, boundary, heading)  # the beat ends on them; the next clears them

    def back_to_the_run(self) -> None:
        back = "Now three hidden units\n(this run), same data."
        self.play(
            *(FadeOut(m) for m in self.contrast_parts),
            FadeIn(self.plane),
            FadeIn(self.box),
            *self.tell(back),
            run_time=1.0,
        )

    def play_step(self, step: Step) -> None:
        k = subscript(step.layer + 1)
        weight, bias = step.layer_motion.weight, step.layer_motion.bias
        angles = None
        if step.kind == "linear":
            matrices = formula(f"W_1 = {typst_matrix(weight)} quad b_1 = {typst_matrix(bias[:, None])}", self.theme, 34)
            text = f"1  Turn and stretch x ↦ W{k}x.\nW{k} is 3 × 2: each point gets\nthree coordinates, one per\nunit; the plane tilts into\nspace (det > 0 all the way)."
            self.box.names = ["unit 1", "unit 2", "unit 3"]
            start = (self.view.phi, self.view.theta, self.view.half_size)
            end = (*self.tilt, self.box_half)
            # The box shrinks early in the tilt: seen from an angle, its outline reaches farther than its side.

            def angles(t, start=start, end=end):
                return (
                    *((1 - t) * np.array(start[:2]) + t * np.array(end[:2])),
                    start[2] + (end[2] - start[2]) * (1 - (1 - t) ** 3),
                )

            captions = [*self.tell(text), Fade(self.numbers(matrices), run_time=0.4)]  # the formulas: a label
            seconds = self.lift_seconds
        elif step.kind == "shift":
            text = f"2  Shift everything\n(b{k} = ({', '.join(fmt_fixed(b) for b in bias)}))."
            captions, seconds = self.tell(text), self.step_seconds
        else:
            words = SQUASH[step.layer_motion.activation]
            text = f"3  Squash each coordinate\n{words}: the lifted\nsheet bends, nothing tears."
            captions, seconds = self.tell(text), self.step_seconds
        self.play(*captions)  # the words first: the step plays while they are read
        self.warp(step.motion, step.projection, seconds, angles)
        self.wait(self.pause_seconds)

    def show_plane(self) -> None:
        """The output layer's plane, then a turn to see it obliquely, near-side points in front of it."""
        self.hold("detail")
        normal, offset = decision_boundary(*self.params[-1])
        unit = normal / np.linalg.norm(normal)
        here = self.view.camera_direction
        across = here - (here @ unit) * unit
        across = across / (np.linalg.norm(across) or 1.0)
        side = 1.0 if here @ unit >= 0 else -1.0
        direction = np.cos(self.plane_angle) * side * unit + np.sin(self.plane_angle) * across
        phi, theta = camera_angles(direction)
        theta = self.view.theta + (theta - self.view.theta + np.pi) % (2 * np.pi) - np.pi  # the short way round
        gamma = upright_roll(phi, theta, side * unit)  # the plane level on the screen, the camera's side up
        gamma = (gamma + np.pi) % (2 * np.pi) - np.pi
        final = self.steps[-1].motion(1.0)[1]  # the first layer's output, where the plane is drawn
        heights = final @ normal + offset
        near = [c for c in (0, 1) if np.mean(heights[self.labels == c]) * side > 0]
        wrong, drawn = self.wrong_of(self.run)  # the points on screen: what the sentence must agree with
        accuracy = fmt_percent(1 - wrong / drawn)
        if wrong:
            text = (
                f"Output layer: one plane, where\nthe two outputs are equal.\nDisk mostly on one side, ring\n"
                f"on the other: {wrong} of {drawn} points\non the wrong side, {accuracy} correct."
            )
        else:
            text = f"Output layer: one plane, where\nthe two outputs are equal.\nDisk on one side, ring on the\nother: {accuracy} correct."
        sheet = self.sheet(normal, offset)
        self.add(sheet)
        sheet.set_fill(opacity=0).set_stroke(opacity=0)
        self.play(sheet.animate.set_fill(opacity=0.18).set_stroke(opacity=1), *self.tell(text), run_time=1.0)
        self.front = [FrontDots(self.plane.dots[c]) for c in near]
        self.add(*self.front)
        start = np.array([self.view.phi, self.view.theta, self.view.gamma])
        end = np.array([phi, theta, gamma])
        angles = lambda t: (*((1 - t) * start + t * end), self.box_half)  # noqa: E731
        self.sheet_follower = _SheetFollower(sheet, self, normal, offset)
        self.bring_to_front(self.plane, self.box, sheet, *self.front)
        self.play(
            Warp(
                self.plane,
                framing=self.framing(self.view.projection, angles),
                followers=(self.box, self.sheet_follower, *self.front),
                run_time=self.turn_seconds,
                rate_func=smooth,
            )
        )
        self.view = self.plane.view
        look = (
            "Seen from here, the points\nin front of the sheet and\nthose behind it are the\ntwo classes."
            if not wrong
            else f"Seen from here, in front of\nthe sheet and behind it lie\nthe two classes, but for\n{wrong} point{'s' * (wrong != 1)} on the wrong side."
        )
        self.play(*self.tell(look))
        self.hold("detail", extra=self.hold_seconds)

    def circle_the_plane(self) -> None:
        """One whole turn of the camera about the plane's normal, at the same height above the plane and
        the plane kept level, at an even speed: its last frame is its first, so the clip can loop."""
        normal, _ = decision_boundary(*self.params[-1])
        here = self.view.camera_direction
        up = normal / np.linalg.norm(normal)
        up = up if here @ up >= 0 else -up  # the camera stays on its side, so the points in front stay in front
        height = float(here @ up)
        across = (here - height * up) / np.linalg.norm(here - height * up)
        other = np.cross(up, across)

        def angles(t: float):
            turn = 2 * np.pi * t
            direction = height * up + np.sqrt(1 - height**2) * (np.cos(turn) * across + np.sin(turn) * other)
            phi, theta = camera_angles(direction)
            return phi, theta, upright_roll(phi, theta, up), self.box_half

        followers = (self.box, self.sheet_follower, *self.front)
        words = self.orbit_words()
        self.say(words)  # narrated, not drawn: the turn lasts as long as it takes to say, at an even speed
        seconds = max(self.orbit_seconds, reading_seconds(words))
        framing = self.framing(self.view.projection, angles)
        self.play(Warp(self.plane, framing=framing, followers=followers, run_time=seconds, rate_func=linear))
        self.view = self.plane.view

    def sheet(self, normal: np.ndarray, offset: float) -> Polygon:
        polygon = _sheet_corners(self.view, normal, offset)
        sheet = Polygon(
            *(polygon if polygon is not None else np.zeros((3, 3))), stroke_color=self.theme.highlight, stroke_width=2
        )
        return sheet.set_fill(self.theme.highlight, opacity=0.18)


def _sheet_corners(view: OrbitView, normal: np.ndarray, offset: float) -> np.ndarray | None:
    """Scene corners of the plane normal·h + offset = 0 where it cuts the shown box."""
    reach = view.half_size / view.scale
    origin = np.asarray(view.origin)
    polygon = clip_plane(normal, float(offset + normal @ origin), reach)
    return None if polygon is None else view(polygon + origin)


class _SheetFollower:
    """Redraws the separating sheet in each frame's view."""

    def __init__(self, sheet: Polygon, scene: Lift, normal: np.ndarray, offset: float):
        self.sheet, self.normal, self.offset = sheet, normal, offset

    def follow(self, view: OrbitView) -> None:
        corners = _sheet_corners(view, self.normal, self.offset)
        if corners is not None:
            self.sheet.set_points_as_corners([*corners, corners[0]])
