"""The lift scene's first half: a network with only two hidden units on the same data, and why it fails.

A mixin of :class:`~nnexplain.scenes.lift.Lift` (its ``contrast`` run). The layer moves
the plane step by step (a mirror turned through 3-D, the linear map, the shift, the
tanh); the view closes in on the corner the squash crowded the points into; the output
layer's line is drawn there with the points it gets wrong; then the line is carried
back, one step and one line of narration at a time, to the input plane, where it is a
curve with open ends: two tanh units only bend the plane, so no weights close it.
"""

from __future__ import annotations

import numpy as np
from manim import Create, FadeIn, FadeOut, VGroup

from nnexplain.geometry.boundary import class_one_probability, clip_line_to, decision_boundary
from nnexplain.geometry.contour import as_lines, level_curves
from nnexplain.geometry.steps import Step, carried_motions
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.line_ends import LineEnds
from nnexplain.mobjects.orbit import DepthPlane
from nnexplain.mobjects.plane import CarriedLines
from nnexplain.mobjects.style import fmt_fixed, fmt_percent, subscript

__all__ = ["TwoUnits", "SQUASH", "WIDE", "ZOOMED_OUT"]

SQUASH = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}  # the cube a squashing activation maps into
WIDE = 4.5  # how much more of the input plane a boundary is traced over than is shown: its bend, and its arms
# running on to the panel's edge in the zoomed-out view
ZOOMED_OUT = 2.0  # how much more of the input plane the zoomed-out view shows: the bend, the data still readable
FAR_COLOUR = "#C792EA"  # violet: far away (no other meaning in this scene)
FAR = 25.0  # the "far away" ring's radius, in input-plane reaches shown: tanh puts it on the square's (cube's) edge


class TwoUnits:
    """The two-unit beats, for a scene with :class:`~nnexplain.scenes.lift_camera.LiftCamera`'s views and
    :class:`~nnexplain.scenes.lift.Lift`'s column."""

    def two_units(self) -> None:
        """The two-unit network's layer, step by step, on its own points."""
        run = self.contrast
        stage = self.contrast_input
        labels = run.probe["labels"].astype(int)
        plane = DepthPlane(stage.grid, stage.points, labels, self.view, self.theme)
        plane.border.set_stroke(self.theme.muted, width=1.2, opacity=0.55)  # the grid's edge is no boundary: not white
        with self.narrate("First, a network with only two hidden units, on the same data.") as line:
            self.play(
                FadeOut(self.plane),
                FadeIn(plane),
                *self.swap_label("run", self.run_labels(run, "Two hidden units")),
                *self.swap_label("numbers", self.weights_label(self.contrast_steps[0])),
                run_time=line.duration,
            )
        self.main_plane, self.plane = self.plane, plane
        k = subscript(1)
        for step in self.contrast_steps:
            motion = step.layer_motion
            if step.kind == "mirror":
                det = fmt_fixed(np.linalg.det(motion.weight))
                with self.narrate(f"det W{k} = {det} < 0, a mirror: first the plane turns over through 3-D.") as line:
                    self.warp(step.motion, step.projection, line.duration)
            elif step.kind == "linear":
                # One frame for the map, the shift and the squash: the camera holds still through all three.
                still = self.make_room(step, self.layer_frame(self.contrast_steps, self.cube_corners(step)))
                with self.narrate(f"Then W{k} turns and stretches it: two units, so still a flat plane.") as line:
                    self.warp(step.motion, step.projection, line.duration, still=still)
            elif step.kind == "shift":
                self.shift(step, "every point")
            else:
                self.squash(step)

    def two_units_fail(self) -> None:
        """The output layer's line where the two-unit layer left the points, seen close up on the corner the
        squash crowded them into, then carried back through the layer, one step at a time: in the input plane it
        is one curve with open ends, bent round outside the data (seen zoomed out), for any weights."""
        run = self.contrast
        wrong = self.wrong_of(run)
        count, total, share = int(wrong.sum()), len(wrong), 1 - float(wrong.mean())
        # The boundary traced in the input plane (class-1 probability ½) over WIDE times the plane shown, so its
        # bend is in it, carried through the layer's steps: at the layer's output it is the output layer's line.
        probability = class_one_probability(run.params(), run.activation, self.input_bounds, self.raster_size)
        wide = self.widened(self.input_bounds, WIDE)
        wide_raster = int(self.raster_size * 1.5)  # as fine near the data as before, over the wider plane
        curves = level_curves(class_one_probability(run.params(), run.activation, wide, wide_raster), wide)
        motions = carried_motions(self.contrast_steps, as_lines(curves))
        steps = self.contrast_steps
        self.zoom_on_corner(steps[-1], run.probe["labels"].astype(int), wrong)
        box = self.flat_box()
        boundary = CarriedLines(motions[-1](1.0)[0], self.view, self.theme.text, width=5, clip=self.picture_clip())
        normal, offset = decision_boundary(*run.params()[-1])
        low, high = SQUASH.get(run.activation, (-1.0, 1.0))
        edge_to_edge = clip_line_to(normal, offset, (low, high, low, high))  # the line across the whole square
        straight = CarriedLines(edge_to_edge[None], self.view, self.theme.text, width=5, clip=box)
        sides = self.sides_of(normal, offset)
        rings = self.plane.mark(wrong, self.theme.wrong, radius=0.1, width=1.2)  # clear of the dot: its colour shows
        rings.set_stroke(opacity=0)
        with self.narrate(
            f"The output layer's straight line, here: {count} of {total} points on its wrong side."
        ) as line:
            self.add(sides)
            self.bring_to_front(*self.drawn)
            self.play(Create(straight), sides.animate.set_fill(opacity=0.16), run_time=0.5 * line.duration)
            self.play(
                rings.animate.set_stroke(opacity=1),
                *self.swap_label("verdict", self.verdict_label(count, total, share)),
                run_time=0.5 * line.duration,
            )
        # The whole square, the line edge to edge: its ends are on the square's edge, the plane's far-off points.
        whole = self.view_of(steps[-1].projection, self.plane.points_state, self.view.phi, self.view.theta)
        # The far-off points: a ring far outside the data, carried through the layer, lands on the square's edge.
        far_motions = carried_motions(steps, self.far_ring()[None])
        far = CarriedLines(far_motions[-1](1.0)[0], self.view, FAR_COLOUR, width=2.5, clip=self.picture_clip())
        with self.narrate(
            f"The line ends on the square's edge: in violet, where {run.activation} put the far-off points."
        ) as line:
            self.play(FadeOut(sides), rings.animate.set_stroke(opacity=0), run_time=0.5)
            self.extras = [*self.extras, straight]
            self.reframe(whole, 1.2, carried=[(m, None) for m in self.extras])
            # Where the points are, the line is the boundary carried here from the input plane: it goes back.
            boundary.set_state(boundary.grid_state, boundary.points_state, self.view)  # drawn in the view now
            far.set_state(far.grid_state, far.points_state, self.view)
            ends = LineEnds(boundary, FAR_COLOUR)
            square = self.squashed_into  # stays until the far-off points are drawn over its edge
            self.play(*(FadeOut(m) for m in self.extras if m is not square), FadeIn(boundary), run_time=0.5)
            self.extras = [square, far, boundary, ends]  # what is gone stays gone: drawn re-adds every extra
            self.add(far, ends)
            self.bring_to_front(*self.drawn)
            self.play(Create(far), Fade(ends), run_time=max(line.duration - 2.5, 1.0))
            self.play(FadeOut(square), run_time=0.3)
            self.extras.remove(square)
        k = subscript(1)
        undo = {
            "activate": f"Undo {run.activation}: the plane unbends, and the line with it.",
            "shift": f"Undo the shift b{k}.",
            "linear": f"Undo W{k}'s turn and stretch.",
            "mirror": "Undo the mirror: the plane turns back over.",
        }
        undo["activate"] = f"Undo {run.activation}: the plane unbends; its far-off points fly back out to infinity."
        frame = self.layer_frame(steps, self.cube_corners(steps[-1]))  # as forward: one still view for the layer
        for index in reversed(range(len(steps))):
            step = steps[index]
            carried = [(boundary, lambda t, m=motions[index]: m(1 - t))]
            if far in self.mobjects:
                carried.append((far, lambda t, m=far_motions[index]: m(1 - t)))
            with self.narrate(undo[step.kind]) as line:
                lead = 0.0
                if step.kind == "activate":  # as forward: the layer's still view, the grey square a fixed reference
                    self.reframe(frame, 1.6, carried=[(boundary, None), (far, None)])
                    self.outline = self.square_outline(self.cube_corners(step))
                    self.play(FadeIn(self.outline), run_time=0.4)
                    self.extras = [self.outline, *self.extras]
                    lead = 2.0
                elif step.kind != "shift" and self.outline is not None:  # the shift undone: the reference goes
                    self.play(FadeOut(self.outline), run_time=0.3)
                    self.extras.remove(self.outline)
                    self.outline, lead = None, 0.3
                still = frame if step.kind in ("activate", "shift") else None
                self.undo(step, max(line.duration - lead, 2.0), carried, still=still)
            if step.kind == "activate" and far in self.extras:
                # Flown back out past the panel's edge: nothing of it is left to see. Carried on through the mirror's
                # edge-on turn, its huge coordinates crossed the panel for two frames.
                self.extras.remove(far)
                self.remove(far)
        self.remove(far)
        self.extras = [boundary, ends]
        tint = self.regions(probability)
        arms = len(level_curves(probability, self.input_bounds))  # the boundary's pieces in the plane shown
        shape = "its two arms never meet" if arms == 2 else "it does not close"
        with self.narrate(
            f"In the input plane {shape} round the disk: {count} wrong, {fmt_percent(share)} correct."
        ) as line:
            self.add(tint)
            self.bring_to_front(*self.drawn)
            self.play(FadeIn(tint), rings.animate.set_stroke(opacity=1, width=3), run_time=line.duration / 2)
            self.play(rings.animate.set_stroke(width=1.2), run_time=line.duration / 2)
        here = self.view
        far = self.box_view(
            here.projection, here.origin, ZOOMED_OUT * here.half_size / here.scale, here.phi, here.theta
        )
        seen = "the two arms are one curve, bent round" if len(curves) == 1 else "its ends still run out of view"
        with self.narrate(f"Zoomed out: {seen} outside the data.") as line:
            self.play(FadeOut(tint), run_time=0.4)  # drawn for the plane shown: it would not follow the zoom
            self.reframe(far, line.duration - 0.4, carried=[(boundary, None)])
        with self.narrate(
            f"Both ends run on to infinity: for any weights, two {run.activation} units leave it open."
        ) as line:
            self.play(boundary.animate.set_stroke(width=9), run_time=line.duration / 2)
            self.play(boundary.animate.set_stroke(width=5), run_time=line.duration / 2)
        # Clear the two-unit run away before the three-unit one comes: its line, its mistakes, its count.
        self.play(
            FadeOut(boundary),
            Fade(ends, out=True),
            rings.animate.set_stroke(opacity=0),
            *self.swap_label("verdict", VGroup()),
            run_time=0.6,
        )
        self.remove(ends)
        self.extras = []
        self.reframe(here, 0.8)
        self.contrast_parts = []
        self.contrast_boundary = curves

    def far_ring(self) -> np.ndarray:
        """A circle :data:`FAR` times the shown input plane's reach about its centre (input-plane points): the
        plane's far-off points, which a squash puts on its square's (cube's) edge."""
        x_min, x_max, y_min, y_max = self.input_bounds
        centre, reach = np.array([(x_min + x_max) / 2, (y_min + y_max) / 2]), FAR * (x_max - x_min) / 2
        turn = np.linspace(0.0, 2 * np.pi, 721)
        return centre + reach * np.stack([np.cos(turn), np.sin(turn)], axis=1)

    def zoom_on_corner(self, step: Step, labels: np.ndarray, wrong: np.ndarray) -> None:
        """The squash leaves most points on the square's edges: zoom onto where the inner class and the wrong
        points landed, so the line and its mistakes can be seen."""
        inner = int(np.argmin([np.linalg.norm(self.contrast_input.points[labels == c], axis=1).mean() for c in (0, 1)]))
        focus = self.plane.points_state[(labels == inner) | wrong]
        v = self.view
        target = self.view_of(step.projection, focus, v.phi, v.theta, v.gamma, self.depth)
        classes = (self.contrast.dataset.get("classes") or ["class 0", "class 1"])[:2]
        # Said only where it is so: most points within 0.1 of the square's edge (in one coordinate or both).
        low, high = SQUASH.get(self.contrast.activation, (np.inf, np.inf))
        near = np.minimum(np.abs(self.plane.points_state - low), np.abs(self.plane.points_state - high))
        edge = np.min(near, axis=1) < 0.05 * (high - low)
        words = f"Closer still, on the corner where the {classes[inner]} landed."
        if edge.mean() > 0.5:
            pressed = f"{self.contrast.activation} has pressed the points onto the edges"
            words = f"Closer still: {pressed}, the {classes[inner]} into the corner."
        with self.narrate(words) as line:
            self.reframe(target, line.duration, carried=[(m, None) for m in self.extras])
