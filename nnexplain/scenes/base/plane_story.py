"""What ``fold`` and ``linear-collapse`` share: a panel showing one representation, a caption
column, and a player for the steps of :func:`nnexplain.geometry.steps.network_steps`.

The panel follows the data while they move: at every frame of every step the view
is centred on the data points and zoomed so that they fill it
(:mod:`nnexplain.geometry.framing`); a scale bar over the panel shows the zoom, and
the representation's own axes move with it. What the run did that a learner must
know (dead units, points collapsed onto one spot, a projection and what it keeps)
is found in :mod:`nnexplain.geometry.findings` and said in the captions.

The captions in the column's ``"detail"`` slot (and a layer's findings, at its foot) are
the beats' narration, each up at least as long as it takes to read (:mod:`.narration`);
the heading, the list of a layer's steps, the formulas and the note under the panel
are labels, swapped in the same way but with no reading time of their own.

The ending draws the output layer's line in the last representation, then undoes
the layers with the decision boundary carried along, so the straight line is seen
to become the boundary in the input plane, where wrong points are ringed.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Create,
    FadeIn,
    FadeOut,
    ImageMobject,
    Line,
    Polygon,
    Square,
    UpdateFromAlphaFunc,
    VGroup,
    smooth,
)

from nnexplain.geometry.boundary import class_one_probability, clip_line_to, split_rectangle
from nnexplain.geometry.contour import as_lines, level_curves
from nnexplain.geometry.findings import Pile, dead_units, largest_pile, misclassified
from nnexplain.geometry.framing import bounding_fraction, follow
from nnexplain.geometry.steps import Step, carried_motions, network_steps
from nnexplain.geometry.warp import GridSpec, Projection, representations
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.plane import CarriedLines, PlaneView, Warp, WarpedPlane, class_legend, prediction_image
from nnexplain.mobjects.scalebar import ScaleBar
from nnexplain.mobjects.style import fmt_fixed, fmt_percent, formula, label, subscript, typst_matrix
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["PlaneStory"]

TEXT = 24  # body text: about 14 px tall at 480p
NUMBERS = 40  # formulas, whose letters are smaller at the same size
ACTIVATION_WORDS = {
    # (the step's name, what is said the first time, what is said at later layers)
    "tanh": (
        "Squash (tanh)",
        "Squash each coordinate\ninto −1 … 1 (tanh): the plane\nbends, but nothing tears.",
        "Squash into −1 … 1 again:\nstill nothing tears.",
    ),
    "sigmoid": (
        "Squash (sigmoid)",
        "Squash each coordinate\ninto 0 … 1 (sigmoid): the plane\nbends, but nothing tears.",
        "Squash into 0 … 1 again:\nstill nothing tears.",
    ),
    "relu": (
        "Fold (ReLU)",
        "Negative coordinates become\n0 (ReLU): half-planes fold\nflat onto the axes.",
        "Fold again: negative\ncoordinates become 0.",
    ),
}
SQUARES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}  # where a squashing activation puts every coordinate
SQUARE_ROOM = 3.0  # a squash is seen at most this many times the square's size around it
NUMBERS_HEIGHT = 1.95  # room at the column's foot, under three lines of a step's words
FINDING_HEIGHT = 2.2  # a layer's findings (dead units, a pile), up to seven lines, kept at 14 px
# Lines drawn over the data (a best line, a decision line, the squash's square) in white: the class colours
# (blue, orange) stay the classes' alone, and the gold of the step list and notes is never over the points.
LINE_COLOR = "#FFFFFF"
SAFE_TOP, SAFE_BOTTOM = 3.6, -3.55  # LECTURE.md's title-safe margin: 24 px (0.4 units) inside 480p's 8 units
HEADING_Y, ROWS_TOP, DETAIL_TOP = 1.38, 1.1, -0.2  # the column under the title, subtitle and legend
UNDO_RATIO = 3.0  # undoing a step at one zoom, the data's size changes at most this much (else it is cut in parts)
SMALL_FILL = 0.4  # the data are small in a view when their bounding box spans less than this share of the panel
PILE_SHARE = 0.05  # a pile is told when it holds at least this share of the points
FADE_IN, SWAP = 0.3, 0.5  # seconds a text takes to come in, and to replace another (out, then in)


class PlaneStory(RunScene):
    """The panel, the captions and the step player that ``fold`` and ``linear-collapse`` share."""

    # The column's paragraphs and a layer's findings under the formulas are narration (labels go in with put()).
    narration_slots: ClassVar[tuple[str, ...]] = (*RunScene.narration_slots, "detail", "matrices")
    epoch: ClassVar[int | None] = None  # the snapshot drawn; None for the last
    step_seconds: ClassVar[float] = 1.6  # per step of a layer (turn and stretch, shift, activation)
    mirror_seconds: ClassVar[float] = 2.4  # the turn over through 3-D
    longest_step: ClassVar[float] = 4.5  # a step slowed to its caption's reading time lasts at most this
    pause_seconds: ClassVar[float] = 0.3
    switch_seconds: ClassVar[float] = 0.6  # blending to another projection between layers
    include_output: ClassVar[bool] = False  # animate the output layer's affine map too
    rewind_seconds: ClassVar[float] = 1.2  # per step, when the layers are undone at the end (the payoff: not rushed)
    reframe_seconds: ClassVar[float] = 0.6  # a change of zoom before or after a step drawn at a fixed zoom
    raster_size: ClassVar[int] = 240  # pixels per side of the verdict image
    contour_raster_size: ClassVar[int] = 480  # samples per side where the boundary curve is traced
    panel_centre: ClassVar[tuple[float, float, float]] = (-3.5, -0.3, 0.0)
    panel_half_size: ClassVar[float] = 3.2
    fill: ClassVar[float] = 0.85  # the data's farthest point from their centre, as a share of the half panel
    column_left: ClassVar[float] = 0.2
    column_width: ClassVar[float] = 6.45  # its right edge 24 px inside the frame's

    def setup(self) -> None:
        super().setup()
        self.spec = GridSpec.from_dataset(self.run.dataset)
        self.params = self.run.params(self.epoch)
        self.metrics = self.run.snapshot(self.epoch)["metrics"]
        self.stages = representations(self.run.tensors(self.epoch), self.run.probe["inputs"], self.spec)
        self.labels = self.run.probe["labels"].astype(int)
        self.steps = network_steps(self.stages, self.params, self.run.activation, include_output=self.include_output)
        self.shown_labels: dict[str, object] = {}  # slot -> the label drawn there now (narrated captions: say())
        half = self.panel_half_size
        x, y, _ = self.panel_centre
        self.clip = (x - half, x + half, y - half, y + half)
        self.find()

    # --- what the run did ------------------------------------------------------------------------

    def find(self) -> None:
        """Dead units, piles of points on one spot (each time one grows), and the points the network gets wrong."""
        hidden = [s.points for s in self.stages if s.stage == "act"]
        self.dead = dead_units(hidden)
        self.wrong = misclassified(self.params, self.run.activation, self.run.probe["inputs"], self.labels)
        self.piles: dict[int, Pile] = {}  # hidden layer -> the pile it leaves, where it is new or bigger
        biggest = 1
        for layer, points in enumerate(hidden):
            pile = largest_pile(points)
            if pile.count >= max(2, PILE_SHARE * len(points)) and pile.count > biggest:
                self.piles[layer] = pile
                biggest = pile.count
        self.pile = self.piles[max(self.piles)] if self.piles else None  # the biggest, the last one made

    def finding_for(self, layer: int) -> str:
        """What layer ``layer`` did that must be said: its dead units, the pile it made or grew."""
        lines = []
        dead = [d.unit + 1 for d in self.dead if d.layer == layer]
        if len(dead) == 1:
            lines.append(f"Unit {dead[0]} is 0 for every point:\na dead unit.")
        elif dead:
            lines.append(f"Units {' and '.join(map(str, dead))} are 0 for every\npoint: dead units.")
        if dead and len(dead) == self.params[layer][0].shape[0] - 1:
            lines[-1] += " The plane is\npressed onto a line."
        pile = self.piles.get(layer)
        if pile is not None:
            spot = ", ".join(fmt_fixed(v) for v in pile.spot[:3])
            earlier = [p for k, p in self.piles.items() if k < layer]
            verb = "Now" if earlier else ""
            text = f"{verb} {pile.count} of {len(self.labels)} points sit on\none spot, ({spot}), ringed.".strip()
            if len(np.unique(self.labels[pile.members])) > 1:
                text += "\nBoth classes: nothing later\ncan pull them apart."
            else:
                text += "\nAll of one class: no harm done."
            lines.append(text[0].upper() + text[1:])
        return "\n".join(lines)

    # --- layout -------------------------------------------------------------------------------

    def at_column(self, mobject, y: float):
        return mobject.move_to([self.column_left, y, 0], aligned_edge=LEFT)

    def tell(self, text: str, mobject, slot: str = "detail") -> list:
        """Narrate ``text``, drawn as ``mobject`` in ``slot``, once what is there has been read; returns
        the animations that swap it in (the old text fades out, then the new one in), in the column's time.
        Its reading time starts when the play that brings it in ends."""
        label_there = self.shown_labels.pop(slot, None)
        animations = self.say(text, mobject, slot)
        if label_there is not None:
            animations = [AnimationGroup(Fade(label_there, out=True), *animations, lag_ratio=1)]
        return self._timed(animations)

    def put(self, slot: str, mobject) -> list:
        """The animations that put the label ``mobject`` in ``slot`` (a heading, a list, formulas, an
        empty group to clear it) in place of what is there; a narrated caption there is read first."""
        old = self.shown_labels.pop(slot, None)
        leaving = [Fade(old, out=True)] if old is not None else self.unsay(slot)
        self.shown_labels[slot] = mobject
        return self._timed([AnimationGroup(*leaving, Fade(mobject), lag_ratio=1)] if leaving else [Fade(mobject)])

    @staticmethod
    def _timed(animations: list) -> list:
        """A text comes in in FADE_IN seconds, or replaces another in SWAP, whatever else plays with it."""
        for animation in animations:
            animation.run_time = SWAP if isinstance(animation, AnimationGroup) else FADE_IN
        return animations

    def fit_column(self, mobject):
        return mobject.scale_to_fit_width(min(mobject.width, self.column_width))

    def heading(self, text: str):
        return self.at_column(self.fit_column(label(text, self.theme, 28, weight="BOLD")), HEADING_Y)

    def detail(self, text: str):
        """The explanation of the current step: a few short lines under the step list."""
        mobject = self.fit_column(label(text, self.theme, TEXT, self.theme.text))
        return mobject.move_to([self.column_left, DETAIL_TOP, 0], aligned_edge=LEFT + UP)

    def numbers(self, mobject, height: float | None = None):
        """Formulas with the real numbers, at the foot of the column, never up into the step's words
        (a 7 × 2 matrix is taller than the room under them)."""
        mobject = self.fit_column(mobject)
        mobject.scale_to_fit_height(min(mobject.height, height or NUMBERS_HEIGHT))
        return mobject.move_to([self.column_left, SAFE_BOTTOM, 0], aligned_edge=LEFT + DOWN)

    def title_text(self) -> str:
        raise NotImplementedError

    def legend(self):
        return class_legend((self.run.dataset.get("classes") or ["class 0", "class 1"])[:2], self.theme, TEXT)

    # --- the view that follows the data ------------------------------------------------------------

    def framed(self, projection: Projection, points: np.ndarray, radius: float | None = None) -> PlaneView:
        """The view of ``projection`` centred on ``points`` (representation rows), filling the panel
        (or showing ``radius`` around their centre)."""
        frame = follow(projection(self._fitted(projection, points)))
        return PlaneView.around(
            projection, frame.centre, radius or frame.radius, self.panel_half_size, self.panel_centre, self.fill
        )

    @staticmethod
    def _fitted(projection: Projection, points: np.ndarray) -> np.ndarray:
        width = projection.basis.shape[0]
        return points[:, :width] if points.shape[1] >= width else np.pad(points, [(0, 0), (0, width - points.shape[1])])

    def framing(self, projection: Projection, steady_from=None):
        """The view following the data; ``steady_from`` (a state): at that state's zoom throughout (a turn
        over through 3-D shows the data edge-on halfway, and must not zoom in on the sliver)."""
        radius = None
        if steady_from is not None:
            radius = follow(projection(self._fitted(projection, steady_from[1]))).radius
        return lambda state, t: self.framed(projection, state[1], radius)

    def projection_note(self, projection: Projection):
        if not projection.is_projection:
            return VGroup()
        width = projection.basis.shape[0]
        kept = fmt_percent(projection.kept, 0)
        text = label(f"{width}-D shown flat: {kept} kept (PCA)", self.theme, TEXT, self.theme.muted)
        text.scale_to_fit_width(min(text.width, 2 * self.panel_half_size))
        return text.move_to(np.array(self.panel_centre) + [0, -self.panel_half_size - 0.3, 0])

    def keep_plane_last(self) -> None:
        """manim redraws, every frame, each mobject listed after one that moves: with the moving
        plane (and what moves with it) last, the captions beside it stay in the cached background."""
        self.bring_to_front(self.plane, *self.carried_mobjects(), self.scale_bar)

    def carried_mobjects(self) -> list:
        return [mobject for mobject, _ in getattr(self, "carried", [])]

    def warp(
        self,
        motion,
        projection: Projection,
        run_time: float,
        rate_func=smooth,
        carried=(),
        steady: bool = False,
        extra=(),
    ) -> None:
        """Play ``motion`` with the view following the data in ``projection`` (at a steady zoom if ``steady``),
        with ``extra`` animations (a heading swapped as it starts)."""
        self.keep_plane_last()
        self.play(
            *extra,
            Warp(
                self.plane,
                motion,
                framing=self.framing(projection, motion(0.0) if steady else None),
                carried=carried,
                followers=(self.scale_bar,),
                run_time=run_time,
                rate_func=rate_func,
            ),
        )
        self.view = self.plane.view

    def switch_projection(self, projection: Projection) -> None:
        """Blend to another projection (a wider layer's PCA) before a step that is drawn in it."""
        current = self.view.projection
        if (
            current.basis.shape == projection.basis.shape
            and np.array_equal(current.basis, projection.basis)
            and np.array_equal(current.centre, projection.centre)
        ):
            return
        view = self.framed(projection, self.plane.points_state)
        self.reframe(view, self.put("view", self.projection_note(projection)), run_time=self.switch_seconds)

    # --- the beginning -------------------------------------------------------------------------------

    def show_input(self, intro: str, while_read=None) -> None:
        """The input plane, the title and ``intro``; ``while_read()``: the animations played as it is read."""
        stage = self.stages[0]
        projection = Projection.fit(stage.points, 2)
        self.view = self.framed(projection, stage.points)
        half = self.panel_half_size
        self.frame = Square(2 * half, color=self.theme.muted, stroke_width=1.5, stroke_opacity=0.5).move_to(
            self.panel_centre
        )
        self.plane = WarpedPlane(
            stage.grid,
            stage.points,
            self.labels,
            self.view,
            self.theme,
            clip=self.clip,
            axes=not projection.is_projection,
        )
        top_left = np.array(self.panel_centre) + [-half, half, 0]
        self.scale_bar = ScaleBar(self.theme, top_left + [0.1, 0.35, 0], size=TEXT).follow(self.view)
        title = VGroup(*(label(line, self.theme, 32, weight="BOLD") for line in self.title_text().split("\n")))
        title.arrange(DOWN, aligned_edge=LEFT, buff=0.1).move_to(
            [self.column_left, SAFE_TOP, 0], aligned_edge=LEFT + UP
        )
        shape = "-".join(map(str, self.run.layers))
        activation = "no activation" if self.run.activation == "identity" else self.run.activation
        facts = f"{self.run.recipe} · {shape} · {activation}"
        if self.epoch is not None:
            facts += f" · epoch {self.run.snapshot(self.epoch)['epoch']}"
        subtitle = self.at_column(
            self.fit_column(label(facts, self.theme, TEXT, self.theme.muted)), title.get_bottom()[1] - 0.27
        )
        legend = self.legend().next_to(subtitle, DOWN, buff=0.15, aligned_edge=LEFT)
        self.play(*map(FadeIn, (self.frame, self.plane, title, subtitle, legend, self.scale_bar)), run_time=1.0)
        self.play(*self.tell(intro, self.detail(intro)))
        if while_read is not None:
            self.play(*while_read(), run_time=max(1.0, self.narrator.log[-1].duration - 1.0))
        self.hold("detail")

    # --- playing steps -------------------------------------------------------------------------

    def step_list(self, layer: int) -> VGroup:
        k = subscript(layer + 1)
        names = [f"1  Turn and stretch   x ↦ W{k}x", f"2  Shift   + b{k}"]
        if self.run.activation != "identity" and layer < len(self.params) - 1:
            names.append(f"3  {ACTIVATION_WORDS[self.run.activation][0]}")
        return self.rows(names)

    def rows(self, names: list[str]) -> VGroup:
        """One muted line per step, their tops evenly spaced (subscripts must not push rows apart)."""
        rows = VGroup(*(self.fit_column(label(name, self.theme, TEXT, self.theme.muted)) for name in names))
        for index, row in enumerate(rows):
            row.move_to([0, -0.42 * index, 0], aligned_edge=LEFT + UP)
        return rows

    def detail_for(self, step: Step) -> str:
        k, motion = subscript(step.layer + 1), step.layer_motion
        weight, bias = motion.weight, motion.bias
        if step.kind == "mirror":
            det = fmt_fixed(np.linalg.det(weight))
            return (
                f"det W{k} = {det} < 0: W{k} mirrors.\nNo turn within the plane does\nthat: it turns over through 3-D."
            )
        if step.kind == "linear":
            if weight.shape[0] != weight.shape[1]:
                return (
                    f"W{k} is {weight.shape[0]} × {weight.shape[1]}: the points move\nto {weight.shape[0]} coordinates."
                )
            mirrored = np.linalg.det(weight) < 0
            # After the mirror, what is left of W (W·F, F the mirror) has det −det W: that is the number said.
            det = fmt_fixed(-np.linalg.det(weight) if mirrored else np.linalg.det(weight))
            then = "Then turn" if mirrored else "Turn"
            name = "the rest: det" if mirrored else f"det W{k}"
            stretch = np.linalg.svd(weight, compute_uv=False)
            if stretch[-1] > 0 and stretch[0] / stretch[-1] >= 8:
                return f"{then} and stretch one way\n{stretch[0] / stretch[-1]:.0f}× more than the other\n({name} = {det})."
            if step.layer == 0 or self.run.activation == "identity":  # the grid is still straight
                return f"{then} and stretch; lines\nstay straight ({name} = {det})."
            if step.layer == 1:
                return f"{then} and stretch\n({name} = {det}): a linear\nmap adds no new bends."
            return f"{then} and stretch again\n({name} = {det})."  # said once already: not again
        if step.kind == "shift":
            values = [fmt_fixed(b) for b in bias]
            rows = ",\n".join(", ".join(values[i : i + 4]) for i in range(0, len(values), 4))  # 4 a line, not shrunk
            start = step.motion(0.0)[1]
            small = len(start) and np.linalg.norm(bias) < 0.1 * np.ptp(start, axis=0).max()
            note = "\n(small at this scale)" if small else ""  # the words match a step that barely shows
            if step.layer > 0:
                return f"Shift every point\nby b{k} = ({rows}).{note}"
            return f"Shift every point by the\nsame vector b{k} = ({rows}).{note}"
        return ACTIVATION_WORDS[motion.activation][1 if step.layer == 0 else 2]

    def highlight(self, rows: VGroup, current: int) -> None:
        for index, row in enumerate(rows):
            row.set_color(self.theme.highlight if index == current else self.theme.muted)

    def play_layer(self, layer: int, header: str) -> None:
        steps = [s for s in self.steps if s.layer == layer]
        rows = self.step_list(layer).move_to([self.column_left, ROWS_TOP, 0], aligned_edge=LEFT + UP)
        weight, bias = self.params[layer]
        matrices = formula(
            f"W_{layer + 1} = {typst_matrix(weight)} quad b_{layer + 1} = {typst_matrix(bias[:, None])}",
            self.theme,
            NUMBERS,
        )
        self.play(
            *self.drop_reference(),
            *self.drop_best_line(),
            *self.unsay("detail"),  # the last layer's words leave with its line, before the new heading
            *self.put("header", self.heading(header)),
            *self.put("rows", rows),
            *self.put("matrices", self.numbers(matrices)),
        )
        for step in steps:
            self.play_step(step, rows)

    def play_step(self, step: Step, rows: VGroup | None = None) -> None:
        """Play one step after its caption, while the caption is read; the view follows the data throughout.

        After a layer's last step, what it did that must be said (dead units, a pile) takes
        the place of its numbers at the foot of the column, and a pile is ringed.
        """
        self.switch_projection(step.projection)
        text = self.detail_for(step)
        captions = self.tell(text, self.detail(text))  # waits until the last one was read
        if rows is not None:
            self.highlight(rows, {"mirror": 0, "linear": 0, "shift": 1, "activate": 2}[step.kind])
        self.play(*captions, *self.drop_shift_marks())
        reading = self.narrator.log[-1].duration  # the step plays while its caption is read (or said)
        if step.kind in ("shift", "activate") and not step.projection.is_projection:
            self.play_in_place(step, self.step_time(self.step_seconds, reading - 2 * self.reframe_seconds))
        else:
            base = self.mirror_seconds if step.kind == "mirror" else self.step_seconds
            mirror = step.kind == "mirror"
            seconds = self.step_time(base, reading)
            cues = self.turn_cues(seconds) if mirror and not step.projection.is_projection else []
            axis = [(self.turn_axis, None)] if cues else []  # it stays where it is in the plane as the view moves
            self.warp(step.motion, step.projection, seconds, carried=axis, steady=mirror, extra=cues)
            if cues:
                self.play(FadeOut(self.turn_axis), run_time=0.4)
        last = step is [s for s in self.steps if s.layer == step.layer][-1]
        finding = self.finding_for(step.layer) if last and step.layer < len(self.params) - 1 else ""
        if finding:
            # The finding follows a caption of three lines at most: it may reach a little higher than formulas.
            words = self.numbers(label(finding, self.theme, TEXT, self.theme.highlight), FINDING_HEIGHT)
            anims = self.tell(finding, words, "matrices")
            pile = self.piles.get(step.layer)
            if pile is not None:
                if getattr(self, "pile_rings", None) is None:
                    self.pile_rings = self.plane.mark(pile.members, self.theme.highlight, radius=0.22, width=4)
                    self.pile_rings.set_stroke(opacity=0)
                    anims.append(self.pile_rings.animate.set_stroke(opacity=1))
                else:
                    self.plane.remark(self.pile_rings, pile.members)
            self.play(*anims, run_time=0.6)
        summary = self.layer_summary(step.layer) if last and step.layer < len(self.params) - 1 else ""
        if summary:
            self.show_summary(step.layer, summary)
        self.wait(self.pause_seconds)

    def turn_cues(self, seconds: float) -> list:
        """Depth cues for a turn over through 3-D, seen from above: the axis it turns about (the first
        coordinate's axis), in white, and the plane shaded as it turns away from the viewer
        (its brightness follows |cos| of the angle, darkest edge-on), so it reads as a turn, not a squash."""
        left, right, _, _ = self.visible_bounds()
        axis = np.linspace([2 * left - right, 0.0], [2 * right - left, 0.0], 16)[None]  # wider than the view
        self.turn_axis = CarriedLines(axis, self.view, LINE_COLOR, width=3, clip=self.clip)
        parts = [p for p in self.plane.family_members_with_points() if hasattr(p, "stroke_rgbas")]
        lit = [(p, p.stroke_rgbas[:, 3].copy(), p.fill_rgbas[:, 3].copy()) for p in parts]

        def shade(_, alpha: float) -> None:
            light = 0.3 + 0.7 * abs(np.cos(np.pi * alpha))
            for part, stroke, fill in lit:
                if len(part.stroke_rgbas) == len(stroke):
                    part.stroke_rgbas[:, 3] = stroke * light
                if len(part.fill_rgbas) == len(fill):
                    part.fill_rgbas[:, 3] = fill * light

        return [
            FadeIn(self.turn_axis, run_time=0.4),
            UpdateFromAlphaFunc(self.plane, shade, rate_func=smooth, run_time=seconds),
        ]

    def step_time(self, base: float, reading: float) -> float:
        """A step lasts about as long as its caption is read, so the picture moves while the words are
        read; never shorter than ``base``, never longer than ``longest_step``."""
        return max(base, min(reading - self.pause_seconds, self.longest_step))

    def show_summary(self, layer: int, text: str) -> None:
        self.play(*self.tell(text, self.detail(text)))

    def layer_summary(self, layer: int) -> str:
        """A line said after hidden layer ``layer``, in the caption's place (none here; fold says how separable)."""
        return ""

    # --- steps drawn at a fixed zoom: a shift moves the points, a squash shrinks them into its square ---------

    def reference_square(self, step: Step) -> CarriedLines | None:
        """The square a squashing activation maps into (tanh: [−1, 1]², sigmoid: [0, 1]²), in the view."""
        bounds = SQUARES.get(step.layer_motion.activation) if step.kind == "activate" else None
        if bounds is None or step.projection.basis.shape[0] != 2:
            return None
        low, high = bounds
        corners = np.array([[low, low], [high, low], [high, high], [low, high], [low, low]])
        edges = np.stack([np.linspace(a, b, 8) for a, b in zip(corners[:-1], corners[1:])])
        square = CarriedLines(edges, self.view, LINE_COLOR, width=3, clip=self.clip)
        square.set_stroke(opacity=0.9)
        return square

    def reframe(self, view: PlaneView, extra=(), run_time: float | None = None) -> None:
        """Change the zoom (and centre) to ``view`` with the data still, everything carried along."""
        self.keep_plane_last()
        self.play(
            Warp(
                self.plane,
                view=view,
                carried=[(m, None) for m in self.carried_mobjects()],
                followers=(self.scale_bar,),
                run_time=self.reframe_seconds if run_time is None else run_time,
                rate_func=smooth,
            ),
            *extra,
        )
        self.view = view

    def zoom_note(self, old: PlaneView, new: PlaneView):
        """ "View zoomed in ×3" over the panel's right corner when the scale changes by 30% or more; else nothing."""
        ratio = new.scale / old.scale
        if 1 / 1.3 < ratio < 1.3:
            return VGroup()
        words = f"view zoomed in ×{ratio:.1f}" if ratio > 1 else f"view zoomed out ×{1 / ratio:.1f}"
        note = label(words, self.theme, TEXT, self.theme.highlight)
        half = self.panel_half_size
        return note.move_to(np.array(self.panel_centre) + [half, half + 0.35, 0], aligned_edge=RIGHT)

    def play_in_place(self, step: Step, seconds: float | None = None) -> None:
        """Play a shift or a squash with the zoom fixed, so that what moves is the points, not the axes.

        The view first widens to hold where the data start and end (and the activation's square); after
        the step it zooms back onto the data, the square carried along and the change of zoom written over
        the panel (the scale bar shows it too).
        """
        start, end = step.motion(0.0), step.motion(1.0)
        square = self.reference_square(step)
        held = [start[1], end[1]] + ([square.grid_state.reshape(-1, 2)] if square is not None else [])
        fixed = self.framed(step.projection, np.concatenate(held))
        if square is not None:
            # Data far outside the square (a 17:1 stretch, a sigmoid after a large weight) would leave it, and
            # the data squashed into it, a speck: the view holds at most SQUARE_ROOM times the square, and the
            # far ends of the data come in from outside the panel as they are squashed.
            corners = square.grid_state.reshape(-1, 2)
            room = SQUARE_ROOM * follow(step.projection(corners)).radius
            if follow(step.projection(np.concatenate(held))).radius > room:
                fixed = self.framed(step.projection, corners, radius=room)
        extra = []
        if square is not None:
            self.carried = [(square, None)]
            square.set_state(square.grid_state, square.points_state, fixed)
            extra.append(FadeIn(square))
        if not fixed.same_as(self.view):
            self.reframe(fixed, [*self.put("zoom", self.zoom_note(self.view, fixed)), *extra])
        elif extra:
            self.play(*extra, run_time=self.reframe_seconds)
        self.keep_plane_last()
        marks = self.shift_marks(step, fixed) if step.kind == "shift" else []
        self.play(
            *marks,
            Warp(
                self.plane,
                step.motion,
                view=fixed,
                carried=[(m, None) for m in self.carried_mobjects()],
                followers=(self.scale_bar,),
                run_time=self.step_seconds if seconds is None else seconds,
                rate_func=smooth,
            ),
        )
        if marks:  # gone before the view moves: they are drawn at this zoom only
            self.play(*self.drop_shift_marks(), run_time=0.4)
        after = self.framed(step.projection, end[1])
        self.reframe(after, self.put("zoom", self.zoom_note(fixed, after)))

    def shift_marks(self, step: Step, view: PlaneView) -> list:
        """A shift drawn as what it is: the points before it stay behind, faint, and the vector b runs from
        the origin (the points move by it, the axes stay), at the step's fixed zoom; they leave before the
        view moves again. Returns the animations that bring them in, played with the step."""
        ghost = WarpedPlane(
            self.plane.grid_state, self.plane.points_state, self.labels, view, self.theme, clip=self.clip
        )
        ghost.set_stroke(opacity=0)  # only the points, and the outline of where they were, faint
        ghost.border.set_stroke(opacity=0.3)
        for dots in ghost.dots:
            dots.set_fill(opacity=0.3)
        bias = np.asarray(step.layer_motion.bias, dtype=float)[:2]
        arrow = CarriedLines(np.linspace(np.zeros(2), bias, 8)[None], view, LINE_COLOR, width=4, clip=self.clip)
        self.shifted = [ghost, arrow]
        return [FadeIn(ghost), Create(arrow)]

    def drop_shift_marks(self) -> list:
        marks, self.shifted = getattr(self, "shifted", []), []
        return [FadeOut(m) for m in marks]

    def drop_best_line(self) -> list:
        """The animations that take away what :meth:`show_summary` drew (nothing here)."""
        return []

    def drop_reference(self) -> list:
        """The animations that take away the reference square and the zoom note, if any."""
        leaving = [FadeOut(m) for m in self.carried_mobjects()]
        self.carried = []
        return leaving + self.put("zoom", VGroup())

    # --- the ending: a boundary, then back to the input --------------------------------------------

    def visible_bounds(self) -> tuple[float, float, float, float]:
        """The rectangle of (projected) representation coordinates the panel shows now."""
        x_min, x_max, y_min, y_max = self.clip
        (a, b), (c, d) = self.view.inverse(np.array([x_min, y_min])), self.view.inverse(np.array([x_max, y_max]))
        return a, c, b, d

    def boundary_overlay(self, normal: np.ndarray, offset: float) -> VGroup:
        """The line normal·h + offset = 0 in the current view, with the two sides tinted by class."""
        bounds = self.visible_bounds()

        def to_scene(p: np.ndarray) -> np.ndarray:
            return self.view(np.asarray(p)[None])[0]

        tints = VGroup(
            *(
                Polygon(*map(to_scene, polygon), fill_color=self.theme.palette[side], fill_opacity=0.16, stroke_width=0)
                for side, polygon in enumerate(split_rectangle(normal, offset, bounds))
                if len(polygon) >= 3
            )
        ).set_z_index(-1)
        segment = clip_line_to(normal, offset, bounds)
        line = VGroup() if segment is None else Line(*map(to_scene, segment), color=LINE_COLOR, stroke_width=5)
        return VGroup(tints, line)

    def input_bounds(self) -> tuple[float, float, float, float]:
        stage = self.stages[0]
        view = self.framed(Projection.fit(stage.points, 2), stage.points)
        x_min, x_max, y_min, y_max = self.clip
        (a, b), (c, d) = view.inverse(np.array([x_min, y_min])), view.inverse(np.array([x_max, y_max]))
        return a, c, b, d

    def decision_lines(self) -> CarriedLines:
        """The network's boundary in the input plane (class-1 probability ½), carried to where the view is now."""
        bounds = self.input_bounds()
        probability = class_one_probability(self.params, self.run.activation, bounds, self.contour_raster_size)
        self.boundary_lines = as_lines(level_curves(probability, bounds))
        self.boundary_motions = carried_motions(self.steps, self.boundary_lines)
        here = self.boundary_motions[-1](1.0)[0] if self.steps else self.boundary_lines
        return CarriedLines(here, self.view, LINE_COLOR, width=5, clip=self.clip)

    def rewind(self, boundary: CarriedLines | None = None, also: list | None = None, words=None) -> None:
        """Undo every step, back to the input plane; ``boundary`` rides along through the layers, and ``also``
        (planes that stay put, such as a ghost) with the view. ``words(layer)``: the caption said as that layer
        is undone (None: the one up is still being read).

        One motion at a time: the view zooms (the change written over the panel) while the data stand still,
        then holds its zoom while a step is undone; a step that changes the data's size too much for one zoom is
        undone in parts (:meth:`undo_parts`). A turn over through 3-D keeps its zoom.
        """
        still = [(mobject, None) for mobject in also or []]
        self.carried = still + ([] if boundary is None else [(boundary, None)])
        layers = len({step.layer for step in self.steps})
        for index in reversed(range(len(self.steps))):
            step = self.steps[index]
            self.switch_projection(step.projection)
            first = index == len(self.steps) - 1 or self.steps[index + 1].layer != step.layer
            heading = self.put("header", self.heading(f"Undo layer {step.layer + 1} of {layers}")) if first else []
            said = words(step.layer) if first and words is not None else None
            if said:
                heading += self.tell(said, self.detail(said))
            lines = None if boundary is None else self.boundary_motions[index]
            if step.kind == "mirror":
                # The turn is drawn at the zoom that frames the data: zoom there first, if a fixed zoom was held.
                heading = self.zoom_to(self.framed(step.projection, self.plane.points_state), heading)
                turn_back = lambda t, m=step.motion: m(1 - t)  # noqa: E731
                carried = still + ([] if lines is None else [(boundary, lambda t, m=lines: m(1 - t))])
                self.warp(turn_back, step.projection, self.mirror_seconds, smooth, carried, steady=True, extra=heading)
                continue
            for start, end, fixed in self.undo_parts(step):
                heading = self.zoom_to(fixed, heading)

                def undo(t: float, motion=step.motion, a=start, b=end):
                    return motion(1 - (a + (b - a) * t))

                rides = lambda t, m=lines, a=start, b=end: m(1 - (a + (b - a) * t))  # noqa: E731
                carried = still + ([] if lines is None else [(boundary, rides)])
                self.keep_plane_last()
                self.play(
                    *heading,
                    Warp(
                        self.plane,
                        undo,
                        view=fixed,
                        carried=carried,
                        followers=(self.scale_bar,),
                        run_time=self.rewind_seconds * max(0.6, end - start),
                        rate_func=smooth,
                    ),
                )
                heading = []
        stage = self.stages[0]
        projection = Projection.fit(stage.points, 2)
        self.switch_projection(projection)
        self.zoom_to(self.framed(projection, stage.points))  # the view the verdict's image is drawn for
        self.play(*self.put("zoom", VGroup()), run_time=0.4)

    def zoom_to(self, view: PlaneView, extra: list = ()) -> list:
        """Change the zoom to ``view`` with the data still, the change written over the panel (by way of the data
        framed, when they would be small in both views); returns ``extra`` when there was nothing to change."""
        if view.same_as(self.view):
            return list(extra)
        here = self.plane.points_state
        side = 2 * self.panel_half_size
        fill = lambda v: bounding_fraction(v(self._fitted(v.projection, here))[:, :2], side)  # noqa: E731
        if fill(self.view) < SMALL_FILL and fill(view) < SMALL_FILL:
            framed = self.framed(self.view.projection, here)
            self.reframe(framed, [*extra, *self.put("zoom", self.zoom_note(self.view, framed))])
            extra = []
        self.reframe(view, [*extra, *self.put("zoom", self.zoom_note(self.view, view))])
        return []

    def undo_parts(self, step: Step) -> list[tuple[float, float, PlaneView]]:
        """The parts a step is undone in, (from, to) in the undo's time, each with the fixed zoom that holds the
        data all through it: a part changes the data's size at most UNDO_RATIO times, so that at its small end they
        are still a third of the view (a 16:1 stretch undone in one zoom would end as a speck)."""
        times = np.linspace(0.0, 1.0, 33)
        states = [step.motion(1 - t)[1] for t in times]
        radii = [follow(step.projection(self._fitted(step.projection, points))).radius for points in states]
        cuts, first = [], 0
        for k in range(1, len(times)):
            if max(radii[first : k + 1]) > UNDO_RATIO * min(radii[first : k + 1]) and k - 1 > first:
                cuts.append((first, k - 1))
                first = k - 1
        cuts.append((first, len(times) - 1))
        return [
            (float(times[a]), float(times[b]), self.framed(step.projection, np.concatenate(states[a : b + 1])))
            for a, b in cuts
        ]

    def undo_words(self, layer: int) -> str | None:
        """What is said as layer ``layer`` is undone with the boundary carried along."""
        activation = self.run.activation
        how = {"identity": "stays straight", "relu": "moves with the plane"}.get(activation, "bends with the plane")
        return f"Undo layer {layer + 1}: the line rides\nalong and {how}."

    def verdict_image(self) -> ImageMobject:
        """The input panel coloured by the network's verdict, drawn under the grid and the dots."""
        probability = class_one_probability(self.params, self.run.activation, self.input_bounds(), self.raster_size)
        image = prediction_image(probability, self.theme, 2 * self.panel_half_size).move_to(self.panel_centre)
        return image.set_z_index(-1)

    def ring_wrong(self) -> VGroup:
        """Thin red rings around the points the network gets wrong, clear of the dot so its class colour
        shows (nothing when it gets all right)."""
        if not self.wrong.any():
            return VGroup()
        return self.plane.mark(self.wrong, self.theme.wrong, radius=0.1, width=1.3)
