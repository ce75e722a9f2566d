"""Lift: three hidden units lift a disk out of its ring into 3-D, where a plane separates them; two units cannot.

The run is a 2-3-… classifier on the disk-in-ring data (``circles-3``). First the
question, on the input plane: the best straight line (:mod:`nnexplain.geometry.separability`)
leaves many points on the wrong side, ringed and counted. Then a two-unit network on the
same data (``circles-2``, the scene's ``contrast`` run; :mod:`nnexplain.scenes.lift_two_units`)
moves the plane through its layer and its output line is carried back to the input
plane: a curve with open ends, as it is for any weights. Then the three-unit run: the
camera tilts into a 3-D box, the 3 × 2 map places the plane as a flat sheet in it (rank
2; its two stretches are the singular values of W₁), the shift moves the sheet through
the box, tanh squashes it into the cube −1 … 1 (drawn), and the view zooms onto the
cube. The output layer's plane is drawn in white, the
camera turns until it looks at it from just above, and circles it once at an even speed,
ending where it starts, so a slide deck loops that beat (``loop=True``). Last, the
plane's cut through the sheet, a closed curve, is carried back through the layer to the
input plane, beside the two-unit curve, and the picture holds.

The narration is drawn in the caption band at the foot of the frame; the column on the
right keeps short labels (which run, the formulas, the ranges the box spans). Every
step plays while its line is read. The 3-D picture is drawn by
:class:`~nnexplain.mobjects.orbit.OrbitView` in a flat scene, in mild perspective,
with dots shaded by depth, a floor grid and axis names outside the box.

    nnexplain render lift --run runs/circles-3 --with contrast=runs/circles-2
    NNEXPLAIN_RUN=runs/circles-3 NNEXPLAIN_CONTRAST_RUN=runs/circles-2 manim -ql scenes/lift.py Lift
"""

from __future__ import annotations

import itertools
from typing import ClassVar

import numpy as np
from manim import (
    DEGREES,
    LEFT,
    UP,
    AnimationGroup,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    ImageMobject,
    MoveAlongPath,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    color_to_rgb,
    linear,
    rush_from,
    rush_into,
)

from nnexplain.geometry.boundary import (
    class_one_probability,
    decision_boundary,
)
from nnexplain.geometry.contour import as_lines, level_curves
from nnexplain.geometry.findings import misclassified
from nnexplain.geometry.separability import best_line
from nnexplain.geometry.steps import Step, carried_motions, network_steps
from nnexplain.geometry.warp import GridSpec, representations
from nnexplain.mobjects.caption_band import caption_band
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.line_ends import LineEnds
from nnexplain.mobjects.orbit import BOX_REACH, DepthPlane, OrbitBox, SeparatingPlane, camera_angles, upright_roll
from nnexplain.mobjects.plane import CarriedLines, class_legend
from nnexplain.mobjects.style import fmt_fixed, fmt_percent, formula, label, subscript, typst_matrix
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.lift_camera import LiftCamera, padded
from nnexplain.scenes.lift_two_units import FAR_COLOUR, SQUASH, ZOOMED_OUT, TwoUnits

__all__ = ["Lift"]

TEXT = 28  # labels: capital letters about 16 px tall at 480p
NUMBERS = 38  # formulas (their capitals are smaller at the same size): about 16 px tall at 480p


class Lift(TwoUnits, LiftCamera, RunScene):
    scene_name = "lift"
    captions_in_band = True  # the narration as subtitles at the foot; the column keeps labels only
    epoch: ClassVar[int | None] = None
    tilt: ClassVar[tuple[float, float]] = (62 * DEGREES, -55 * DEGREES)  # camera phi, theta once in 3-D
    plane_angle: ClassVar[float] = 72 * DEGREES  # the final camera's angle from the plane's normal: 18° above it
    fill: ClassVar[float] = 0.9
    squash_room: ClassVar[float] = 3.0  # a squash is seen with the box three times its cube (as fold's square)
    orbit_seconds: ClassVar[float] = 7.0  # the orbit's whole turn (a looping slide), or its narration's time
    final_hold: ClassVar[float] = 2.5  # seconds the last picture stays still once its last line is read
    clip: ClassVar[tuple[float, float, float, float]] = (-6.7, 2.45, -2.3, 3.05)  # the picture, its names included
    raster_size: ClassVar[int] = 320  # samples per side where the two-unit network's boundary is traced
    column_left: ClassVar[float] = 2.6
    column_width: ClassVar[float] = 4.1

    def setup(self) -> None:
        super().setup()
        self.params = self.run.params(self.epoch)
        self.labels = self.run.probe["labels"].astype(int)
        stages = representations(
            self.run.tensors(self.epoch), self.run.probe["inputs"], GridSpec.from_dataset(self.run.dataset)
        )
        self.input = stages[0]
        self.steps = [s for s in network_steps(stages, self.params, self.run.activation, dims=3) if s.layer == 0]
        self.contrast = self.runs["contrast"]
        contrast_stages = representations(
            self.contrast.tensors(), self.contrast.probe["inputs"], GridSpec.from_dataset(self.contrast.dataset)
        )
        self.contrast_input = contrast_stages[0]
        self.contrast_steps = [
            s for s in network_steps(contrast_stages, self.contrast.params(), self.contrast.activation) if s.layer == 0
        ]

    # --- the run's numbers ----------------------------------------------------------------------

    def wrong_of(self, run) -> np.ndarray:
        """Which of ``run``'s drawn points its network gets wrong."""
        params = run.params(self.epoch if run is self.run else None)
        return misclassified(params, run.activation, run.probe["inputs"], run.probe["labels"].astype(int))

    def verdict_words(self) -> str:
        """The plane's verdict on every drawn point: true from whichever side the plane is seen."""
        wrong = int(self.wrong_of(self.run).sum())
        total = len(self.labels)
        accuracy = fmt_percent(1 - wrong / total)
        if not wrong:
            classes = (self.run.dataset.get("classes") or ["class 0", "class 1"])[:2]
            return f"The {classes[0]} on one side of the plane, the {classes[1]} on the other: {accuracy} correct."
        return f"{wrong} of {total} points on the wrong side of the plane: {accuracy} correct."

    # --- layout -------------------------------------------------------------------------------

    def column(self, mobject, y: float):
        mobject.scale_to_fit_width(min(mobject.width, self.column_width))
        return mobject.move_to([self.column_left, y, 0], aligned_edge=LEFT + UP)

    def run_labels(self, run, heading: str, detail: str | None = None) -> VGroup:
        """Which run is drawn: a heading, its recipe, shape and activation (or ``detail``), and the class legend."""
        shape = " → ".join(map(str, run.layers))  # units per layer, inputs first
        detail = detail or f"{shape} units · {run.activation}"
        parts = VGroup(
            self.column(label(heading, self.theme, TEXT, weight="BOLD"), 3.0),
            self.column(label(detail, self.theme, 27, self.theme.muted), 2.45),
            self.column(
                class_legend((run.dataset.get("classes") or ["class 0", "class 1"])[:2], self.theme, TEXT), 1.9
            ),
        )
        return parts

    def weights_label(self, step: Step):
        k = step.layer + 1
        motion = step.layer_motion
        bias = ", ".join(f"{b:.2f}" for b in motion.bias)
        weight = self.column(formula(f"W_{k} = {typst_matrix(motion.weight)}", self.theme, NUMBERS), 1.35)
        return VGroup(
            weight, self.column(formula(f"b_{k} = ({bias})", self.theme, NUMBERS), weight.get_bottom()[1] - 0.15)
        )

    def swap_label(self, slot: str, mobject) -> list:
        """The animations that put ``mobject`` in the column's ``slot`` (out with the old one, then in)."""
        old = self.labels_shown.get(slot)
        self.labels_shown[slot] = mobject
        leaving = [] if old is None else [Fade(old, out=True, run_time=0.3)]
        return [*leaving, Fade(mobject, run_time=0.4)] if not leaving else [self._then(leaving[0], Fade(mobject))]

    @staticmethod
    def _then(first, second):
        return AnimationGroup(first, second, lag_ratio=1, run_time=0.6)

    # --- the story ------------------------------------------------------------------------------

    def construct(self) -> None:
        self.labels_shown: dict[str, object] = {}
        self.depth = 0.0  # the box's height counted in fitting it to the picture: 0 while the data are flat
        self.extras: list = []
        self.followers: tuple = ()
        self.outline = None  # the square (or cube) a squash maps into, drawn from the shift before it on
        self.beat("the question")
        self.ask()
        self.beat("two units")
        self.two_units()
        self.beat("two units cannot close around the disk")
        self.two_units_fail()
        for step in self.steps:
            self.beat(f"step: {step.kind}")
            {"linear": self.lift, "shift": self.shift, "activate": self.squash}[step.kind](step)
        self.beat("a plane separates them")
        self.show_plane()
        # Its own beat (circle_the_plane starts it): one whole turn that ends where it starts, so the slide loops
        # seamlessly.
        self.circle_the_plane()
        self.beat("the cut, carried back")
        self.carry_back()
        self.beat("why two units cannot")
        self.compare()

    def ask(self) -> None:
        """The data in the input plane, and the best straight line, which fails."""
        stage = self.input
        projection = self.steps[0].projection
        self.view = self.view_of(projection, stage.points, 0.0, -90 * DEGREES, depth=0.0)
        self.plane = DepthPlane(stage.grid, stage.points, self.labels, self.view, self.theme)
        self.plane.border.set_stroke(
            self.theme.muted, width=1.2, opacity=0.55
        )  # the grid's edge is no boundary: not white
        (x, y), reach = self.view.origin[:2], self.view.half_size / self.view.scale
        self.input_bounds = (x - reach, x + reach, y - reach, y + reach)  # the input plane shown
        title = label("Why can three units separate what two cannot?", self.theme, TEXT, weight="BOLD")
        title.move_to([-6.7, 3.6, 0], aligned_edge=LEFT + UP)
        self.title = title
        total = len(self.labels)
        run = self.run_labels(self.run, "The data", f"{total} validation points")  # no network yet
        text = f"{total} validation points: a disk of one class inside a ring of the other."
        self.play(*self.say(text), FadeIn(title), *self.swap_label("run", run), run_time=0.6)  # no black start
        self.play(FadeIn(self.plane), run_time=self.narrator.log[-1].duration)  # while the line is read
        share, normal, offset = best_line(stage.points, self.labels)
        best = CarriedLines(self.line_across(normal, offset)[None], self.view, self.theme.text, width=5)
        # The line's verdict on each point: its better orientation gives class 1 to one side (best_line's share).
        above = stage.points @ normal + offset > 0
        wrong = (
            above != (self.labels == 1) if np.mean(above == (self.labels == 1)) >= 0.5 else above == (self.labels == 1)
        )
        rings = self.plane.mark(wrong, self.theme.wrong, radius=0.1, width=1.2)
        rings.set_stroke(opacity=0)
        counted = self.verdict_label(int(wrong.sum()), total, share)
        flip = 1.0 if np.mean(above == (self.labels == 1)) >= 0.5 else -1.0  # sides_of gives class 1 the + side
        sides = self.sides_of(flip * normal, flip * offset)
        with self.narrate(
            f"No straight line separates them: the best one gets {fmt_percent(share)} of them right."
        ) as line:
            self.add(sides)
            self.bring_to_front(*self.drawn)
            self.play(Create(best), sides.animate.set_fill(opacity=0.16), run_time=0.5 * line.duration)
            self.play(
                rings.animate.set_stroke(opacity=1), *self.swap_label("verdict", counted), run_time=0.5 * line.duration
            )
        self.play(
            FadeOut(best),
            FadeOut(sides),
            rings.animate.set_stroke(opacity=0),
            *self.swap_label("verdict", VGroup()),
            run_time=0.6,
        )
        self.plane.remark(rings, np.zeros(total, bool))

    def verdict_label(self, wrong: int, total: int, share: float):
        """ "N of total wrong / x% correct" in the column, red where any is wrong."""
        colour = self.theme.wrong if wrong else self.theme.text
        return self.column(
            label(f"{wrong} of {total} wrong\n{fmt_percent(share)} correct", self.theme, TEXT, colour), -0.95
        )

    def regions(self, probability: np.ndarray) -> ImageMobject:
        """The input plane shown, tinted by the class the network gives each place (not yet added)."""
        colours = np.array([color_to_rgb(c) for c in self.theme.palette[:2]]) * 255
        rgb = colours[(probability > 0.5).astype(int)]
        alpha = np.full((*probability.shape, 1), 0.16 * 255)
        image = ImageMobject(np.concatenate([rgb, alpha], axis=-1).astype(np.uint8))
        x_min, x_max, y_min, y_max = self.input_bounds
        corners = self.view(np.array([[x_min, y_min], [x_max, y_max]]))
        image.stretch_to_fit_width(abs(corners[1, 0] - corners[0, 0]))
        image.stretch_to_fit_height(abs(corners[1, 1] - corners[0, 1]))
        return image.move_to(corners.mean(axis=0))

    def lift(self, step: Step) -> None:
        """Back to the three-unit run; the camera tilts into a box; W₁ places the plane there as a flat sheet."""
        flat = self.view_of(step.projection, self.input.points, 0.0, -90 * DEGREES, depth=0.0)
        with self.narrate("Now three hidden units, on the same data.") as line:
            self.play(
                FadeOut(self.plane),
                *(FadeOut(m) for m in self.contrast_parts),
                FadeIn(self.main_plane),
                *self.swap_label("run", self.run_labels(self.run, "Three hidden units")),
                *self.swap_label("numbers", self.weights_label(step)),
                *self.swap_label("verdict", VGroup()),
                run_time=min(1.2, line.duration),
            )
        self.plane, self.extras, self.view = self.main_plane, [], flat
        self.plane.set_state(self.plane.grid_state, self.plane.points_state, flat)
        self.box = OrbitBox(self.theme, ("unit 1", "unit 2", "unit 3"), TEXT, table_corner=(self.column_left, -0.95))
        self.box.strength = 0.0
        self.box.name_strength = 0.0  # "unit 1/2/3" only once W₁ has given the points those coordinates
        self.box.follow(flat)
        self.extras, self.followers = [self.box], (self.box,)
        start, end = np.array([flat.phi, flat.theta, flat.gamma]), np.array([*self.tilt, 0.0])

        def angles(t, start=start, end=end):
            self.box.strength = min(1.0, 2.0 * t)  # the box comes in as the camera leaves the flat view
            return (*((1 - t) * start + t * end), t)  # its height counts in fitting it as it comes into view

        with self.narrate(
            f"W{subscript(1)} is 3 × 2: each point gets three coordinates, one per unit, in a 3-D box."
        ) as line:
            self.add(self.box)
            self.warp(lambda t: step.motion(0.0), step.projection, line.duration, angles=angles)
        self.depth = 1.0
        stretch = np.linalg.svd(step.layer_motion.weight, compute_uv=False)
        still = self.make_room(step, self.layer_frame(self.steps, self.cube_corners(step)))
        with self.narrate(
            f"W{subscript(1)} has rank 2: the plane becomes a flat sheet, stretched {stretch[0]:.1f}× and {stretch[1]:.1f}×."
        ) as line:
            names = UpdateFromAlphaFunc(VMobject(), lambda _, a: setattr(self.box, "name_strength", a))
            self.play(names, run_time=0.1)
            self.warp(step.motion, step.projection, line.duration - 0.1, still=still)

    def shift(self, step: Step, moving: str = "the sheet") -> None:
        """The shift by b₁, the view still and the square (or cube) the squash maps into drawn first: a fixed
        reference the points visibly move past."""
        bias = ", ".join(fmt_fixed(b) for b in step.layer_motion.bias)
        corners = self.cube_corners(step)
        shape = "square" if step.projection.basis.shape[1] == 2 else "cube"
        words = f"Shift {moving} by b{subscript(1)} = ({bias})."
        if corners is not None:
            words = f"The grey {shape} stays put as {moving} shifts by b{subscript(1)} = ({bias})."
        with self.narrate(words) as line:
            if corners is not None:
                self.outline = self.square_outline(corners)
                self.play(FadeIn(self.outline), run_time=0.5)
                self.extras.append(self.outline)
            self.shift_still(step, line.duration - 0.5, carried=[(m, None) for m in self.extras[-1:]])

    def cube_corners(self, step: Step) -> np.ndarray | None:
        """The corners of the square (or cube) the run's squashing activation maps into (None for ReLU)."""
        bounds = SQUASH.get(step.layer_motion.activation)
        if bounds is None:
            return None
        dims = step.projection.basis.shape[1]
        return np.array(list(itertools.product(bounds, repeat=dims)), np.float64)

    def square_outline(self, corners: np.ndarray) -> CarriedLines:
        """The square (or cube) with ``corners``, in the view now. Flat, the square is cut at the box's outline on
        the screen (a later zoom onto its corner would draw its sides across the frame); in 3-D the cube's edges
        stay inside the box."""
        v = self.view
        edges = np.array([[a, b] for a, b in itertools.combinations(corners, 2) if np.sum(a != b) == 1])
        (x, y), reach = np.asarray(v.centre[:2]), v.half_size * BOX_REACH
        flat_box = (x - reach, x + reach, y - reach, y + reach) if corners.shape[1] == 2 else None
        return CarriedLines(edges, v, self.theme.muted, width=3, clip=flat_box)

    def squash(self, step: Step) -> None:
        """The squash with the view holding all of it and the square (or cube) it maps into; then a zoom onto it."""
        v = self.view
        activation = step.layer_motion.activation
        bounds = SQUASH.get(activation)
        if bounds is None:  # ReLU: no cube to fall into; the view follows the data
            with self.narrate(
                "ReLU sets every negative coordinate to 0: the sheet folds onto the box's walls."
            ) as line:
                self.warp(step.motion, step.projection, line.duration)
            return
        low, high = bounds
        middle, half = (low + high) / 2, (high - low) / 2
        dims = step.projection.basis.shape[1]
        corners = self.cube_corners(step)
        ends = np.concatenate([step.motion(0.0)[1], step.motion(1.0)[1], padded(corners, step.motion(0.0)[1].shape[1])])
        shape, moving = ("cube", "sheet") if dims == 3 else ("square", "plane")
        outline = getattr(self, "outline", None)
        with self.narrate(
            f"{activation} squashes each coordinate into [{fmt_fixed(low, 0)},{fmt_fixed(high, 0)}]: "
            f"the whole {moving} falls into the {shape}."
        ) as line:
            lead = 0.0
            if not self.holds(v, ends):  # the layer's frame holds it all, the camera still: otherwise make room
                self.reframe(self.view_of(step.projection, ends, v.phi, v.theta, v.gamma, self.depth), 0.6)
                lead += 0.6
            if outline is None:
                outline = self.square_outline(corners)
                self.play(FadeIn(outline), run_time=0.4)
                self.extras.append(outline)
                lead += 0.4
            outline.set_state(outline.grid_state, outline.points_state, self.view)
            self.warp(step.motion, step.projection, line.duration - lead, still=self.view, carried=[(outline, None)])
        self.squashed_into, self.outline = outline, None  # kept: the far-off points are drawn over it
        target = self.box_view(step.projection, [middle] * dims, half, v.phi, v.theta, v.gamma, self.depth)
        with self.narrate(f"Closer in: the {moving} is bent, but nothing has torn.") as line:
            if dims == 3:  # the box becomes the cube: its outline goes
                self.reframe(target, line.duration * 0.7, carried=[(outline, None)])
                self.play(FadeOut(outline), run_time=0.3 * line.duration)
                self.extras.remove(outline)
            else:
                self.reframe(target, line.duration, carried=[(outline, None)])

    def show_plane(self) -> None:
        """The output layer's plane, then a turn until the camera looks along it: the plane is a line on the
        screen, one class above it, the other below."""
        normal, offset = decision_boundary(*self.params[-1])
        unit = normal / np.linalg.norm(normal)
        here = self.view.camera_direction
        across = here - (here @ unit) * unit
        across = across / (np.linalg.norm(across) or 1.0)
        side = 1.0 if here @ unit >= 0 else -1.0
        self.up = side * unit  # up on the screen from now on
        # With perspective, the plane is a line on the screen only when the camera stands on it: lift the camera off
        # the plane's parallel through the box's centre by as much as that centre sits off the plane.
        reach = self.view.distance * self.view.half_size / self.view.scale
        off = -(unit @ np.asarray(self.view.origin) + offset / np.linalg.norm(normal)) / reach * side
        tilt = np.clip(np.cos(self.plane_angle) + off, -1.0, 1.0)
        direction = tilt * self.up + np.sqrt(1 - tilt**2) * across
        phi, theta = camera_angles(direction)
        theta = self.view.theta + (theta - self.view.theta + np.pi) % (2 * np.pi) - np.pi  # the short way round
        gamma = upright_roll(phi, theta, self.up)  # the plane level on the screen, the camera's side up
        gamma = self.view.gamma + (gamma - self.view.gamma + np.pi) % (2 * np.pi) - np.pi
        self.grid_opacity = self.plane.interior.get_stroke_opacity()  # restored once the plane has gone
        sheet = SeparatingPlane(normal, offset, self.theme)
        sheet.follow(self.view)
        sheet.set_fill(opacity=0).set_stroke(opacity=0)
        self.plane.cut_by(normal, offset)
        self.extras = [self.box, sheet, self.plane.front]
        self.followers = (self.box, sheet)
        self.add(sheet, self.plane.front)
        start = np.array([self.view.phi, self.view.theta, self.view.gamma])
        turn_to = np.array([phi, theta, gamma])
        halfway = (start + turn_to) / 2
        with self.narrate("The output layer's two outputs are equal on one flat plane, drawn in white.") as line:
            self.play(
                sheet.animate.set_fill(opacity=0.3).set_stroke(opacity=0.35),  # edge faint: the cut is the white line
                self.plane.interior.animate.set_stroke(opacity=0.2),  # the sheet's grid steps back
                run_time=0.4 * line.duration,
            )
            angles = lambda t: (*((1 - t) * start + t * halfway), 1.0)  # noqa: E731
            self.warp(None, self.view.projection, 0.6 * line.duration, angles=angles, rate=rush_into, keep=True)
        with self.narrate(self.verdict_words()) as line:
            angles = lambda t: (*((1 - t) * halfway + t * turn_to), 1.0)  # noqa: E731
            self.warp(None, self.view.projection, 0.6 * line.duration, angles=angles, rate=rush_from, keep=True)
            self.wait(0.4 * line.duration)  # just above the plane: every point is seen on one side of it or the other

    def orbit_words(self) -> str:
        """What stays true all the way round the plane, said over the last beat."""
        wrong = int(self.wrong_of(self.run).sum())
        if wrong:
            return f"All the way round, the same {wrong} point{'s' * (wrong != 1)} stay on the wrong side."
        normal, offset = decision_boundary(*self.params[-1])
        heights = self.steps[-1].motion(1.0)[1] @ normal + offset
        classes = (self.run.dataset.get("classes") or ["class 0", "class 1"])[:2]
        above = classes[0] if np.mean(heights[self.labels == 0]) * (self.up @ normal) > 0 else classes[1]
        below = classes[1] if above == classes[0] else classes[0]
        return f"All the way round, from every side: the {above} above the plane, the {below} below it."

    def circle_the_plane(self) -> None:
        """One whole turn of the camera about the plane's normal, looking along the plane, the plane kept level,
        at an even speed: its last frame is its first, so the clip can loop.

        The caption comes in just before the beat (in the band, as the last play of the one before), so the
        clip holds it from its first frame to its last."""
        up = self.up
        here = self.view.camera_direction
        height = float(np.clip(here @ up, -1.0, 1.0))
        across = (here - height * up) / np.linalg.norm(here - height * up)
        other = np.cross(up, across)

        def angles(t: float):  # t turns: 1 is the whole way round
            turn = 2 * np.pi * t
            direction = height * up + np.sqrt(1 - height**2) * (np.cos(turn) * across + np.sin(turn) * other)
            phi, theta = camera_angles(direction)
            return phi, theta, upright_roll(phi, theta, up), 1.0

        self.orbit_angles = angles
        words = self.orbit_words()
        self.captions_in_band = False  # drawn by hand, below: say() must not build a second caption
        caption = caption_band(words, self.theme) if self.narration_mode == "captions" else None
        self.captions_in_band = True
        if caption is not None:
            leaving = self.unsay("band")  # out, then the new one in: never two captions in one place
            self.play(AnimationGroup(*leaving, Fade(caption), lag_ratio=1), run_time=0.8)
        self.beat("around the plane", loop=True)
        # Readable from now; the swap say() returns is never played (the caption is up), so keep it referenced:
        # an animation's id marks its caption's fade, and a recycled id would move the line's time.
        self.kept_swap = self.say(words, caption, "band") if caption is not None else self.say(words)
        seconds = max(self.orbit_seconds, self.narrator.log[-1].duration)
        self.warp(None, self.view.projection, seconds, angles=angles, rate=linear, keep=True)

    def carry_back(self) -> None:
        """The plane's cut through the sheet, a closed curve, carried back through the layer to the input plane,
        where it goes round the disk; the camera comes down to the flat view as W₁ is undone."""
        probability = class_one_probability(self.params, self.run.activation, self.input_bounds, self.raster_size)
        curves = level_curves(probability, self.input_bounds)
        motions = carried_motions(self.steps, as_lines(curves))
        cut = CarriedLines(motions[-1](1.0)[0], self.view, self.theme.text, width=5)
        sheet = self.extras[1]
        here = self.view
        tilt = (self.tilt[0], here.theta + (self.tilt[1] - here.theta + np.pi) % (2 * np.pi) - np.pi)
        roll = 2 * np.pi * round(here.gamma / (2 * np.pi))  # no roll, reached the short way
        closed = any(np.allclose(curve[0], curve[-1]) for curve in curves)
        shape = "a closed curve" if closed else "a curve"
        with self.narrate(f"The plane cuts the bent sheet along {shape}.") as line:
            self.add(cut)
            self.play(Create(cut), run_time=line.duration)
        # The far-off points, as in two units: a ring far outside the data lands on the sheet's rim, at the cube's
        # edges. The cut stays clear of it: in 2-D the line had to reach it.
        far_motions = carried_motions(self.steps, self.far_ring()[None])
        far = CarriedLines(far_motions[-1](1.0)[0], self.view, FAR_COLOUR, width=3)
        with self.narrate("In violet, where tanh put the far-off points: the loop never reaches them.") as line:
            self.add(far)
            self.bring_to_front(cut)
            self.play(Create(far), run_time=0.6 * line.duration)
            self.play(cut.animate.set_stroke(width=9), run_time=0.2 * line.duration)
            self.play(cut.animate.set_stroke(width=6), run_time=0.2 * line.duration)
        self.extras = [*self.extras, far, cut]
        with self.narrate("A third unit lets the sheet curve in 3-D, so a flat plane can cut it in a loop.") as line:
            # A slow quarter turn on: the sheet is seen rising through the plane all round the disk.
            turn = lambda t: self.orbit_angles(1.0 + t / 4)  # noqa: E731
            self.warp(
                None, self.view.projection, line.duration, angles=turn, keep=True, carried=[(cut, None), (far, None)]
            )
        # As forward: the layer's undone squash and shift seen in one still view, at the tilt the layer was seen at.
        frame = self.layer_frame(self.steps, self.cube_corners(self.steps[-1]), angles=(*tilt, roll))
        with self.narrate("Now carry the curve back through the layer.") as line:
            self.play(Fade(sheet, out=True), Fade(self.plane.front, out=True), Fade(far, out=True), run_time=0.4)
            self.plane.cut = None  # every dot back in one group: no plane to be in front of
            self.plane.refresh_dots()
            self.remove(sheet, self.plane.front, far)
            self.extras, self.followers = [self.box, cut], (self.box,)
            self.play(self.plane.interior.animate.set_stroke(opacity=self.grid_opacity), run_time=0.3)
            self.reframe(frame, max(2.5, line.duration - 1.1), carried=[(cut, None)])
            self.outline = self.square_outline(self.cube_corners(self.steps[-1]))  # as forward: a fixed reference
            self.play(FadeIn(self.outline), run_time=0.4)
            self.extras = [self.box, self.outline, cut]
        k = subscript(1)
        undo = {
            "activate": f"Undo {self.run.activation}: the sheet unbends, and the curve with it.",
            "shift": f"Undo the shift b{k}.",
            "linear": f"Undo W{k}: the sheet lies flat again, in the input plane.",
        }
        for index in reversed(range(len(self.steps))):
            step = self.steps[index]
            angles = None
            if step.kind == "linear":  # back to the flat view, the box leaving as the camera comes down
                start = np.array([self.view.phi, self.view.theta, self.view.gamma])
                end = np.array([0.0, -90 * DEGREES + 2 * np.pi * round((start[1] + 90 * DEGREES) / (2 * np.pi)), 0.0])

                def angles(t, start=start, end=end):
                    self.box.strength = max(0.0, 1.0 - 2.0 * t)
                    return (*((1 - t) * start + t * end), 1.0 - t)

            carried = [(cut, lambda t, m=motions[index]: m(1 - t))]
            still = frame if step.kind in ("activate", "shift") else None
            with self.narrate(undo[step.kind]) as line:
                lead = 0.0
                if step.kind == "linear" and self.outline is not None:  # the shift undone: the reference goes
                    self.play(FadeOut(self.outline), run_time=0.3)
                    self.extras.remove(self.outline)
                    self.outline, lead = None, 0.3
                self.undo(step, max(line.duration - lead, 2.0), carried, angles=angles, still=still)
        self.remove(self.box)
        self.depth, self.extras, self.followers = 0.0, [cut], ()
        wrong = self.wrong_of(self.run)
        count, total, share = int(wrong.sum()), len(wrong), 1 - float(wrong.mean())
        tint = self.regions(probability)
        words = "a closed loop round the disk" if closed else "a curve round the disk"
        with self.narrate(f"Back in the input plane: {words}, {count} wrong, {fmt_percent(share)} correct.") as line:
            self.add(tint)
            self.bring_to_front(*self.drawn)
            self.play(FadeIn(tint), *self.swap_label("verdict", self.verdict_label(count, total, share)), run_time=0.5)
            # Once round the loop: it closes on itself, round the disk.
            runner = Dot(radius=0.1, color=self.theme.highlight)
            self.play(MoveAlongPath(runner, cut.copy()), run_time=line.duration - 0.8, rate_func=linear)
            self.play(FadeOut(runner), run_time=0.3)
        self.cut, self.tint = cut, tint

    def compare(self) -> None:
        """The two-unit boundary beside the three-unit one, on the same points, seen zoomed out so its bend shows,
        and the conclusion; then a still hold."""
        run = self.contrast
        open_line = CarriedLines(
            as_lines(self.contrast_boundary), self.view, self.theme.muted, width=6, clip=self.picture_clip()
        )
        wrong = int(self.wrong_of(run).sum())
        key = self.column(label(f"two units: {wrong} wrong", self.theme, TEXT, self.theme.muted), -1.85)
        ends = LineEnds(open_line, FAR_COLOUR)
        with self.narrate("In grey, the two-unit boundary: open at both ends, as it must be.") as line:
            self.add(open_line)
            self.bring_to_front(*self.drawn, open_line, self.cut)
            self.play(Create(open_line), Fade(key), run_time=0.7 * line.duration)
            self.add(ends)
            self.play(Fade(ends), run_time=0.3 * line.duration)
            self.extras = [*self.extras, ends]
        here = self.view
        far = self.box_view(
            here.projection, here.origin, ZOOMED_OUT * here.half_size / here.scale, here.phi, here.theta
        )
        seen = "is one curve, bent round" if len(self.contrast_boundary) == 1 else "still runs out of view"
        with self.narrate(f"Zoomed out, the grey line {seen} outside the data.") as line:
            self.play(FadeOut(self.tint), run_time=0.4)  # drawn for the plane shown: it would not follow the zoom
            self.reframe(far, line.duration - 0.4, carried=[(open_line, None), (self.cut, None)])
        with self.narrate("No weights let two units close it; one run shows three units can.") as line:
            self.play(self.cut.animate.set_stroke(width=9), run_time=line.duration / 2)
            self.play(self.cut.animate.set_stroke(width=5), run_time=line.duration / 2)
        self.wait(self.final_hold)
