"""The beats the hinge scenes share: data, a training sweep, and hidden units adding up to a curve.

The screen holds two panels over the run's x interval: above, what each unit of
the last hidden layer adds (``w_out_j · a_j(x)``, one colour per unit, its kinks
as dots); below, the network's output against the target. A column on the right
carries the title, the legend, the epoch and short labels (numbers being discussed);
the narration is said through the beat API and drawn in the caption band at the
foot of the frame, which nothing else enters. Everything drawn comes from the run's
stored snapshot arrays (:mod:`nnexplain.geometry.hinges`).

Each beat plays its motion while its line is read (``with self.narrate(text) as line``),
so the picture moves with what is said.

Subclasses change timing (``step_seconds``, ``add_seconds``), which snapshots are
shown (``sweep_snapshots``, ``hinge_epoch``) and colours (``theme``).
"""

from __future__ import annotations

from typing import Callable, ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Animation,
    AnimationGroup,
    BackgroundRectangle,
    Circle,
    Create,
    DashedLine,
    Dot,
    Line,
    ReplacementTransform,
    Transform,
    VGroup,
    there_and_back,
)

from nnexplain.data.curves import target_function
from nnexplain.geometry.hinges import CurveSnapshot, build_order, curve_snapshot, running_sums
from nnexplain.mobjects.caption_band import BAND_TOP
from nnexplain.mobjects.hinges import (
    CurvePanel,
    Fade,
    FitView,
    SnapshotSweep,
    fmt_interval,
    fmt_small,
    legend,
    padded_range,
    paragraph,
)
from nnexplain.mobjects.style import label
from nnexplain.run import Run
from nnexplain.run.contents import curve_domain
from nnexplain.run.schedule import spread_epochs
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["HingeStory", "TEXT_SIZE", "in_turn"]

TEXT_SIZE = 28  # every text of these scenes: digits about 17 px tall at 480p
SAFE_TOP = 3.57  # the title-safe margin, 24 px of 480, in scene units (a bold title's ascent reaches a little above)


# Error bars, rings and their numbers: a colour no unit, best fit or label uses (magenta).
ERROR_COLOR = "#FF4FD8"


def step_weights(snapshots: list[CurveSnapshot], kinks: bool = False) -> np.ndarray:
    """How far the output moves in each step between snapshots (largest change), plus a floor of a quarter
    of the mean step, so no step flashes past in no time. ``kinks``: a step takes at least as long as its kinks'
    largest move along x asks (a kink that slides far while the output barely changes would hop)."""
    moves = np.array([np.max(np.abs(b.output - a.output)) for a, b in zip(snapshots, snapshots[1:])])
    if kinks:
        slides = [
            max([abs(float(p[0] - q[0])) for p, q in zip(a.kinks, b.kinks) if len(p) and len(q)], default=0.0)
            for a, b in zip(snapshots, snapshots[1:])
        ]
        moves = np.maximum(moves, slides)
    return moves + 0.25 * max(float(moves.mean()), 1e-9)


def in_turn(*animations: Animation) -> Animation:
    """The animations one after another, in one play's time (a text leaving before the next arrives)."""
    return AnimationGroup(*animations, lag_ratio=1)


class HingeStory(RunScene):
    """Base of ``relu-sine`` and ``relu-square``; subclasses write ``construct`` from these beats."""

    captions_in_band = True  # the narration is drawn as subtitles; the column keeps short labels only
    step_seconds: ClassVar[float] = 0.45  # per recorded snapshot in a training sweep
    add_seconds: ClassVar[float] = 0.9  # per unit added into the running sum, when no line of its own is said
    hold_seconds: ClassVar[float] = 0.5  # extra pause at the end of a beat, beyond its line's reading time
    sweep_snapshots: ClassVar[int] = 14  # recorded snapshots a training sweep passes through
    hinge_epoch: ClassVar[int | None] = None  # the snapshot whose units are added up; None: the last
    kink_guides: ClassVar[bool] = False  # dashed lines through both panels at each kink while adding up
    kink_color: ClassVar[str | None] = None  # one colour for every kink dot; None: each in its unit's
    bias_tag_at: ClassVar[float] = 1 / 6  # where along x the output bias is named, as a share of the interval
    guides_stay: ClassVar[bool] = True  # False: a unit's guides (and dots at its bends) leave when the next joins

    # Layout, in scene units (the frame is 14.2 × 8): plots on the left, a text column on the right,
    # everything above the caption band and inside the title-safe margin.
    panel_width: ClassVar[float] = 7.3
    panel_center_x: ClassVar[float] = -2.05  # the y tick labels (−0.5) stay 24 px from the edge
    units_box: ClassVar[tuple[float, float]] = (1.0, 3.15)  # bottom and top of the upper panel
    output_box: ClassVar[tuple[float, float]] = (BAND_TOP + 0.5, 0.45)
    column_left: ClassVar[float] = 2.1
    column_width: ClassVar[float] = 4.55
    legend_top: ClassVar[float] = 2.6  # under a title of two lines
    epoch_y: ClassVar[float] = 1.2  # under a legend of three rows
    labels_top: ClassVar[float] = 0.75  # where short labels (the numbers being discussed) start

    def setup(self) -> None:
        super().setup()
        self.domain = curve_domain(self.run.manifest)
        self.target = target_function(self.run.dataset)
        self.column_labels: VGroup | None = None

    # Numbers ----------------------------------------------------------------

    def sweep_of(self, run: Run, last_epoch: int | None = None) -> list[CurveSnapshot]:
        """``sweep_snapshots`` of the run's snapshots, from the first to ``last_epoch`` (default: the last)."""
        last_epoch = run.snapshot(last_epoch)["epoch"]
        epochs = spread_epochs([epoch for epoch in run.epochs if epoch <= last_epoch], self.sweep_snapshots)
        return [curve_snapshot(run, epoch) for epoch in epochs]

    def data_text(self) -> str:
        """What the run was trained on, and what the dots are: the probe's points of the target (not training
        samples: those are drawn at random, and more)."""
        formula, interval = self.run.dataset.get("formula", "the target"), fmt_interval(self.domain)
        points = len(self.run.probe["inputs"])
        train = self.run.dataset.get("train")
        if not train:
            return f"The dots: {points} points of {formula} on {interval}."
        return f"The data: {train:,} random samples of {formula} on {interval}; the dots mark {points} points of it."

    def target_values(self, x: np.ndarray) -> np.ndarray | None:
        return None if self.target is None else self.target(np.asarray(x, np.float64))

    # Mobjects ---------------------------------------------------------------

    def make_title(self, text: str) -> VGroup:
        """The title, bold, broken into lines at its newlines, in the column's top corner."""
        title = VGroup(*(label(line, self.theme, size=32, weight="BOLD") for line in text.split("\n")))
        title.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        if title.width > self.column_width:
            title.scale_to_fit_width(self.column_width)
        return title.move_to([self.column_left, SAFE_TOP, 0], aligned_edge=UL)

    def panel_in(self, box: tuple[float, float], y_range: tuple[float, float], x_labels: bool) -> CurvePanel:
        """A panel over the run's interval filling the plots' width between ``box``'s bottom and top."""
        bottom, top = box
        panel = CurvePanel(
            self.domain, y_range, self.theme, self.panel_width, top - bottom, x_labels=x_labels, label_size=TEXT_SIZE
        )
        return panel.shift(np.array([self.panel_center_x, (bottom + top) / 2, 0]) - panel.box.get_center())

    def output_panel(self, snapshots: list[CurveSnapshot]) -> CurvePanel:
        x = snapshots[0].x
        values = [s.output for s in snapshots] + [self.run.probe["labels"]]
        if self.target is not None:
            values.append(self.target_values(x))
        best = getattr(self, "best_fit", None)  # drawn here at the end, with an error ring: it must stay inside
        values += [] if best is None else [best(x), self.target_values(x) + 1.5 * best.error]
        return self.panel_in(self.output_box, padded_range(values), x_labels=True)

    def units_panel(self, snapshots: list[CurveSnapshot], sums: np.ndarray | None = None) -> CurvePanel:
        values = [s.units for s in snapshots] + ([] if sums is None else [sums])
        return self.panel_in(self.units_box, padded_range(values), x_labels=False)

    def panel_heading(self, panel: CurvePanel, text: str) -> VGroup:
        heading = label(text, self.theme, size=TEXT_SIZE, color=self.theme.muted)
        return heading.next_to(panel.box, UP, buff=0.08, aligned_edge=LEFT)

    def data_mobjects(self, panel: CurvePanel, x: np.ndarray) -> VGroup:
        """The probe points (real samples of the target), and the target curve when it is known."""
        probe_x, probe_y = self.run.probe["inputs"][:, 0], self.run.probe["labels"][:, 0]
        parts = VGroup()
        if self.target is not None:
            parts.add(panel.dashed_curve(x, self.target_values(x), self.theme.muted, width=3))
        parts.add(panel.dots(probe_x, probe_y, self.theme.muted, radius=0.05))
        return parts

    def legend_mobject(self, target_text: str) -> VGroup:
        entries = [(self.theme.text, False, "network output"), (self.theme.muted, True, target_text)]
        return legend(entries, self.theme, size=TEXT_SIZE).move_to(self.column_point(self.legend_top), aligned_edge=UL)

    def column_point(self, y: float) -> np.ndarray:
        return np.array([self.column_left, y, 0.0])

    def units_heading(self, panel: CurvePanel, hidden_layers: int) -> VGroup:
        which = "each unit" if hidden_layers == 1 else f"each unit of hidden layer {hidden_layers}"
        return self.panel_heading(panel, f"what {which} adds")

    def draw_panel(self, panel: CurvePanel) -> list:
        """The animations that draw ``panel``: its frame and axes traced, its tick labels faded in (text traced
        stroke by stroke shows stray part-glyphs)."""
        return [Create(VGroup(*[part for part in panel if part is not panel.tick_labels])), Fade(panel.tick_labels)]

    def swap_panel(self, old: CurvePanel, new: CurvePanel) -> list:
        """The animations that turn ``old`` into ``new`` in its place: the frame and axes move, the old tick
        labels leave before the new ones come."""
        frame = [part for part in old if part is not old.tick_labels]
        target = [part for part in new if part is not new.tick_labels]
        if len(frame) != len(target):  # an axis appears or goes: trace the new frame instead
            return [
                Fade(VGroup(*frame), out=True),
                Create(VGroup(*target)),
                in_turn(Fade(old.tick_labels, out=True), Fade(new.tick_labels)),
            ]
        moves = [ReplacementTransform(a, b) for a, b in zip(frame, target)]
        return [*moves, in_turn(Fade(old.tick_labels, out=True), Fade(new.tick_labels))]

    def show_labels(self, text: str | VGroup | None, color: str | None = None) -> list:
        """The animations that put ``text`` (short lines, or a ready mobject such as a formula) in the column's
        label place: the old labels fade out first, then the new ones in (never two texts cross-fading in one
        place)."""
        leaving = [] if self.column_labels is None else [Fade(self.column_labels, out=True)]
        self.column_labels = None
        if isinstance(text, VGroup):
            self.column_labels = text if text.width <= self.column_width else text.scale_to_fit_width(self.column_width)
        elif text:
            self.column_labels = paragraph(text, self.theme, self.column_width, size=TEXT_SIZE, color=color)
        if self.column_labels is not None:
            self.column_labels.move_to(self.column_point(self.labels_top), aligned_edge=UL)
            return [in_turn(*leaving, Fade(self.column_labels))]
        return leaving

    def tag(self, text: str, point: np.ndarray, direction: np.ndarray, color: str | None = None) -> VGroup:
        """A short label beside ``point``, on a patch of background so curves behind it do not cross the text."""
        text_mobject = label(text, self.theme, size=TEXT_SIZE, color=color or self.theme.highlight)
        text_mobject.next_to(point, direction, buff=0.15)
        patch = BackgroundRectangle(text_mobject, color=self.theme.background, fill_opacity=0.85, buff=0.05)
        return VGroup(patch, text_mobject)

    # Beats ------------------------------------------------------------------

    def show_data(self, title: str, snapshots: list[CurveSnapshot], question: str, data_text: str) -> None:
        """Title and output panel (sized for ``snapshots``) while ``question`` is said; then the target, its
        samples and the legend while ``data_text`` is."""
        formula = self.run.dataset.get("formula", "target")
        self.title = self.make_title(title)
        self.outputs = self.output_panel(snapshots)
        heading = self.panel_heading(self.outputs, f"network output and {formula}")
        data = self.data_mobjects(self.outputs, snapshots[0].x)
        self.data_parts = data  # the target curve and its points (a beat may dim the points)
        self.legend = self.legend_mobject(f"{formula}, and points")
        with self.narrate(question) as line:
            self.play(Fade(self.title), *self.draw_panel(self.outputs), Fade(heading), run_time=line.duration)
        with self.narrate(data_text) as line:
            self.play(*[Create(part) for part in data[:-1]], Fade(data[-1]), Fade(self.legend), run_time=line.duration)

    def enter_units(self, snapshots: list[CurveSnapshot], sums: np.ndarray | None, text: str):
        """The upper panel, its heading, and a view of ``snapshots[0]``, drawn in while ``text`` is said."""
        panel = self.units_panel(snapshots, sums)
        heading = self.units_heading(panel, snapshots[0].hidden_layers)
        view = FitView(snapshots[0], panel, self.outputs, self.theme, label_size=TEXT_SIZE, kink_color=self.kink_color)
        view.place_epoch_label(self.column_point(self.epoch_y))
        with self.narrate(text) as line:
            self.play(*self.draw_panel(panel), Fade(heading), run_time=0.4 * line.duration)
            # The epoch fades in: drawing its letters stroke by stroke leaves stray glyphs.
            drawn = [Create(part) for part in (view.unit_curves, view.kink_dots, view.output_curve)]
            self.play(*drawn, Fade(view.epoch_label), run_time=0.6 * line.duration)
        return panel, heading, view

    def sweep(self, view: FitView, snapshots: list[CurveSnapshot], lines: list[str]) -> None:
        """Play the view through the recorded snapshots, the ``lines`` said meanwhile.

        Each step's time follows how far the output moves in it (measured from the snapshots, with a floor),
        so the sweep is slow where the fit changes and quick where it does not; each line is said over an
        equal share of that change. A run with one snapshot (an imported one) records no training: that is
        said instead of the lines."""
        if len(snapshots) < 2:
            with self.narrate("This run records no training, only its final weights.") as line:
                self.play(
                    view.output_curve.animate(rate_func=there_and_back).set_stroke(width=10),
                    run_time=line.duration,
                )
            return
        weights = step_weights(snapshots, kinks=self.pace_kinks)
        ends = np.concatenate([[0.0], np.cumsum(weights)]) / weights.sum()
        cuts = [0] + [int(np.argmin(np.abs(ends - share))) for share in np.linspace(0, 1, len(lines) + 1)[1:-1]]
        cuts = np.maximum.accumulate(np.array(cuts + [len(snapshots) - 1]))
        for text, first, last in zip(lines, cuts[:-1], cuts[1:]):
            with self.narrate(text) as line:
                part = snapshots[first : last + 1]
                run_time = max(self.step_seconds * max(len(part) - 1, 1), line.duration)
                shares = weights[first:last] if last > first else None
                self.play(SnapshotSweep(view, part, weights=shares, blend=self.sweep_blend, run_time=run_time))

    tags_inside_panel: ClassVar[bool] = False  # True: an error marker's number is kept inside its panel's frame
    pace_kinks: ClassVar[bool] = False  # True: a sweep's steps also take as long as their kinks' moves ask
    sweep_blend = None  # how a training sweep draws between snapshots (see SnapshotSweep); None: mix the arrays

    def add_up(
        self,
        view: FitView,
        snapshot: CurveSnapshot,
        bias_text: str,
        unit_text: Callable[[int, int], str | None],
        highlight_width: float = 6.0,
        label_units: bool = False,
    ) -> VGroup:
        """Build the output in its own panel: start from the output bias, add the units one at a time.

        The output curve is taken away first, so the finished output appears only when
        the sum reaches it; the sum never leaves the output panel. The unit being added is
        bright and thick in the upper panel, the others dim. ``unit_text(step, unit)`` is the
        line said while that unit is added (None: added within the line before, in
        ``add_seconds``). ``label_units``: the column names the unit joining, in its colour.
        Returns what it left on screen (the kink guides).
        """
        view.show(snapshot)
        order = build_order(snapshot)
        sums = running_sums(snapshot, order)
        panel, x = view.output_panel, snapshot.x
        running = panel.curve(x, sums[0], self.theme.text, width=view.output_curve.stroke_width)
        bias_point = panel.plot_point(x[int(self.bias_tag_at * (len(x) - 1))], sums[0][0])
        bias_tag = self.tag(f"bias {fmt_small(snapshot.output_bias)}", bias_point, UP, color=self.theme.text)
        curves, guides = view.unit_curves, VGroup()
        with self.narrate(bias_text) as line:
            self.play(
                view.output_curve.animate.set_stroke(opacity=0),
                *[curve.animate.set_stroke(opacity=0.25) for curve in curves],
                # Guides that come with dots at the joining unit's bends: every unit's kink dots step back.
                *([] if self.guides_stay else [view.kink_dots.animate.set_opacity(0)]),
                run_time=0.4 * line.duration,
            )
            self.play(Create(running), Fade(bias_tag), run_time=0.6 * line.duration)
        previous, shown = None, VGroup()
        self.play(Fade(bias_tag, out=True), run_time=0.3)  # before the sum moves off the line it labels
        for step, unit in enumerate(order, start=1):
            highlight = [curves[unit].animate.set_stroke(opacity=1.0, width=highlight_width)]
            if previous is not None:
                highlight.append(curves[previous].animate.set_stroke(opacity=0.25, width=view.unit_width))
            new_guides = self._kink_guides(view, snapshot, unit) if self.kink_guides else VGroup()
            leaving = []
            if not self.guides_stay and self.kink_guides:
                leaving = [Fade(shown, out=True)] if len(shown) else []
                new_guides.add(*self._bend_dots(view, snapshot, unit))
                shown = new_guides
            else:
                guides.add(*new_guides)
            grown = panel.curve(x, sums[step], self.theme.text, width=view.output_curve.stroke_width)
            animations = [Transform(running, grown), *highlight, *leaving, *[Create(g) for g in new_guides]]
            if label_units:
                animations += self.show_labels(f"+ unit {unit + 1}", color=view.colors[unit])
            text = unit_text(step, unit)
            # The sum bends in the first part; the rest holds it, so its new bends can be checked against the guides.
            if text is None:
                self.play(*animations, run_time=0.65 * self.add_seconds)
                self.wait(0.35 * self.add_seconds)
            else:
                with self.narrate(text) as line:
                    total = max(self.add_seconds, line.duration)
                    self.play(*animations, run_time=0.65 * total)
                    self.wait(0.35 * total)
            previous = unit
        restore = [curve.animate.set_stroke(opacity=1.0, width=view.unit_width) for curve in curves]
        leaving = [Fade(shown, out=True)] if len(shown) else []
        self.play(*restore, *leaving, *(self.show_labels(None) if label_units else []), run_time=0.5)
        view.output_curve.set_stroke(opacity=1)
        if not self.guides_stay:
            view.show(snapshot)  # the dots' own opacities (spare ones hidden), read by the fade before it starts
            back = Fade(view.kink_dots)
            self.play(back, run_time=0.4)
        self.remove(running)  # it lies exactly on the output curve
        return guides

    def guide_kinks(self, snapshot: CurveSnapshot, unit: int) -> np.ndarray:
        """Where the guides of ``unit`` stand: where its own ReLU switches (a subclass may add more bends)."""
        return snapshot.kinks[unit]

    def _bend_dots(self, view: FitView, snapshot: CurveSnapshot, unit: int) -> VGroup:
        """A dot on the unit's curve at each of its guides, in its colour."""
        kinks = self.guide_kinks(snapshot, unit)
        points = view.units_panel.plot_points(kinks, np.interp(kinks, snapshot.x, snapshot.units[unit]))
        return VGroup(
            *[
                Dot(point, radius=0.08, color=view.colors[unit]).set_stroke(
                    self.theme.background, width=2, background=True
                )
                for point in points
            ]
        )

    def _kink_guides(self, view: FitView, snapshot: CurveSnapshot, unit: int) -> VGroup:
        """Dashed lines at the unit's kinks through both panels (not the gap between, where a heading sits)."""
        guides = VGroup()
        for kink in self.guide_kinks(snapshot, unit):
            horizontal = view.units_panel.plot_point(kink, 0)[0]
            for panel in (view.units_panel, view.output_panel):
                top, bottom = panel.box.get_top()[1], panel.box.get_bottom()[1]
                guides.add(
                    DashedLine(
                        [horizontal, top, 0], [horizontal, bottom, 0], dash_length=0.08, stroke_width=2
                    ).set_stroke(view.colors[unit], opacity=0.7)
                )
        return guides

    def error_marker(
        self, panel: CurvePanel, x: np.ndarray, fitted: np.ndarray, at: int, text: str, color: str = ERROR_COLOR
    ) -> VGroup:
        """A bar from ``fitted`` to the target at ``x[at]``, a ring on it, and ``text`` beside it (in ``color``)."""
        ends = panel.plot_points(x[[at, at]], np.array([fitted[at], self.target_values(x[at])]))
        ring = Circle(radius=0.14, color=color, stroke_width=4).move_to(ends[0])
        bar = Line(ends[0], ends[1], stroke_width=6, color=color)
        room_above = panel.box.get_top()[1] - ends[0][1]
        side = RIGHT if ends[0][0] < panel.box.get_center()[0] else LEFT
        tag = self.tag(text, ring.get_center(), (UP if room_above > 0.7 else DOWN) + side, color=color)
        if self.tags_inside_panel:  # moved in off the panel's frame, clear of the ring
            box = panel.box
            shift_x = max(0.0, box.get_left()[0] + 0.08 - tag.get_left()[0])
            shift_x -= max(0.0, tag.get_right()[0] - (box.get_right()[0] - 0.08))
            shift_y = -max(0.0, tag.get_top()[1] - (box.get_top()[1] - 0.08))
            shift_y += max(0.0, box.get_bottom()[1] + 0.08 - tag.get_bottom()[1])
            tag.shift(np.array([shift_x, shift_y, 0.0]))
        return VGroup(bar, ring, tag)

    def worst_point(self, x: np.ndarray, fitted: np.ndarray) -> int:
        """Where ``fitted`` is farthest from the target; of equal misses, the one nearest the middle."""
        miss = np.abs(fitted - self.target_values(x))
        ties = np.flatnonzero(miss >= miss.max() - 1e-6 * max(miss.max(), 1e-12))
        return int(ties[np.argmin(np.abs(x[ties] - np.mean(self.domain)))])
