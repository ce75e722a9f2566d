"""The beats the hinge scenes share: data, a training sweep, and hidden units adding up to a curve.

The screen holds two panels over the run's x interval: above, what each unit of
the last hidden layer adds (``w_out_j · a_j(x)``, one colour per unit, its kinks
as dots); below, the network's output against the target. A text column on the
right carries the title, the legend, the epoch and the captions. Everything drawn
comes from the run's stored snapshot arrays (:mod:`nnexplain.geometry.hinges`).

The captions are the beats' narration, each up at least as long as it takes to read
(:mod:`.narration`), and no text is smaller than 24 points (about 14 pixels tall at 480p).

Subclasses change timing (``step_seconds``, ``add_seconds``), which snapshots are
shown (``sweep_snapshots``, ``hinge_epoch``) and colours (``theme``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, UL, UP, Circle, Create, DashedLine, FadeIn, Line, Transform, TransformFromCopy, VGroup

from nnexplain.data.curves import target_function
from nnexplain.geometry.hinges import CurveSnapshot, build_order, curve_snapshot, max_fit_error, running_sums
from nnexplain.mobjects.hinges import (
    CurvePanel,
    Fade,
    FitView,
    SnapshotSweep,
    fmt_interval,
    legend,
    padded_range,
    paragraph,
)
from nnexplain.mobjects.style import label, subscript
from nnexplain.run import Run
from nnexplain.run.contents import curve_domain
from nnexplain.run.schedule import spread_epochs
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["HingeStory"]

TEXT_SIZE = 24  # every text of these scenes: about 14 px tall at 480p


class HingeStory(RunScene):
    """Base of ``relu-sine`` and ``relu-square``; subclasses write ``construct`` from these beats."""

    step_seconds: ClassVar[float] = 0.45  # per recorded snapshot in a training sweep
    add_seconds: ClassVar[float] = 0.9  # per unit added into the running sum
    hold_seconds: ClassVar[float] = 0.5  # extra pause at the end of a beat, beyond its caption's reading time
    sweep_snapshots: ClassVar[int] = 14  # recorded snapshots a training sweep passes through
    hinge_epoch: ClassVar[int | None] = None  # the snapshot whose units are added up; None: the last
    kink_guides: ClassVar[bool] = False  # dashed lines through both panels at each kink while adding up

    # Layout, in scene units (the frame is 14.2 × 8): plots on the left, a text column on the right.
    panel_width: ClassVar[float] = 7.7
    panel_center_x: ClassVar[float] = -2.25
    units_box: ClassVar[tuple[float, float]] = (0.5, 3.3)  # bottom and top of the upper panel
    output_box: ClassVar[tuple[float, float]] = (-3.25, -0.4)
    column_left: ClassVar[float] = 2.0
    column_width: ClassVar[float] = 5.0
    legend_top: ClassVar[float] = 2.75  # under a title of two lines
    epoch_y: ClassVar[float] = 1.05  # under a legend of three rows
    caption_top: ClassVar[float] = 0.65
    caption_size: ClassVar[float] = TEXT_SIZE

    def setup(self) -> None:
        super().setup()
        self.domain = curve_domain(self.run.manifest)
        self.target = target_function(self.run.dataset)

    # Numbers ----------------------------------------------------------------

    def sweep_of(self, run: Run, last_epoch: int | None = None) -> list[CurveSnapshot]:
        """``sweep_snapshots`` of the run's snapshots, from the first to ``last_epoch`` (default: the last)."""
        last_epoch = run.snapshot(last_epoch)["epoch"]
        epochs = spread_epochs([epoch for epoch in run.epochs if epoch <= last_epoch], self.sweep_snapshots)
        return [curve_snapshot(run, epoch) for epoch in epochs]

    def target_values(self, x: np.ndarray) -> np.ndarray | None:
        return None if self.target is None else self.target(np.asarray(x, np.float64))

    def sweep_note(self, run: Run, snapshots: list[CurveSnapshot]) -> str:
        """The presenter's note for a training sweep: which snapshots it plays, and how the largest error moved."""
        (before, _), (after, whole) = max_fit_error(run, snapshots[0].epoch), max_fit_error(run, snapshots[-1].epoch)
        where = "" if whole else " at the data"
        return (
            f"{len(snapshots)} recorded snapshots of {run.recipe}, epoch {snapshots[0].epoch:,} to {snapshots[-1].epoch:,}: "
            f"the largest error{where} goes from {before:.3f} to {after:.3f}."
        )

    def data_note(self, first: str) -> str:
        return f"{first} The data: {len(self.run.probe['inputs'])} samples of {self.run.dataset.get('formula', 'the target')} on {fmt_interval(self.domain)}."

    # Mobjects ---------------------------------------------------------------

    def make_title(self, text: str) -> VGroup:
        """The title, bold, broken into lines at its newlines, in the column's top corner."""
        title = VGroup(*(label(line, self.theme, size=32, weight="BOLD") for line in text.split("\n")))
        title.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        if title.width > self.column_width:
            title.scale_to_fit_width(self.column_width)
        return title.move_to([self.column_left, 3.8, 0], aligned_edge=UL)

    def _panel(self, box: tuple[float, float], y_range: tuple[float, float], x_labels: bool) -> CurvePanel:
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
        return self._panel(self.output_box, padded_range(values), x_labels=True)

    def units_panel(self, snapshots: list[CurveSnapshot], sums: np.ndarray | None = None) -> CurvePanel:
        values = [s.units for s in snapshots] + ([] if sums is None else [sums])
        return self._panel(self.units_box, padded_range(values), x_labels=False)

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

    def sum_legend(self) -> VGroup:
        """The legend row of the running sum (white, like the output it becomes), under the others."""
        row = legend([(self.theme.text, False, "running sum of the units")], self.theme, size=TEXT_SIZE)
        row[0][0].set_stroke(width=7)
        return row.next_to(self.legend, DOWN, buff=0.12, aligned_edge=LEFT)

    def column_point(self, y: float) -> np.ndarray:
        return np.array([self.column_left, y, 0.0])

    def units_heading(self, panel: CurvePanel, hidden_layers: int) -> VGroup:
        out, last = subscript(hidden_layers + 1), subscript(hidden_layers)
        return self.panel_heading(panel, f"what each last-layer unit adds: w{out}ⱼ·a{last}ⱼ(x)")

    # Beats ------------------------------------------------------------------

    def show_data(self, title: str, snapshots: list[CurveSnapshot]) -> None:
        """Title, the output panel (sized for ``snapshots``), the target and its samples, the legend."""
        formula = self.run.dataset.get("formula", "target")
        self.title = self.make_title(title)
        self.outputs = self.output_panel(snapshots)
        heading = self.panel_heading(self.outputs, f"network output and {formula}")
        data = self.data_mobjects(self.outputs, snapshots[0].x)
        self.legend = self.legend_mobject(f"{formula}, and samples of it")
        self.play(FadeIn(self.title, shift=0.1 * DOWN), Create(self.outputs), Fade(heading), run_time=1.2)
        self.play(
            FadeIn(data[-1], lag_ratio=0.05), *[Create(part) for part in data[:-1]], Fade(self.legend), run_time=1.5
        )

    def enter_units(
        self, snapshots: list[CurveSnapshot], sums: np.ndarray | None = None
    ) -> tuple[CurvePanel, VGroup, FitView]:
        """The upper panel, its heading, and a view of ``snapshots[0]``, drawn in."""
        panel = self.units_panel(snapshots, sums)
        heading = self.units_heading(panel, snapshots[0].hidden_layers)
        view = FitView(snapshots[0], panel, self.outputs, self.theme, label_size=TEXT_SIZE)
        view.place_epoch_label(self.column_point(self.epoch_y))
        self.play(Create(panel), Fade(heading), run_time=0.8)
        self.play(Create(view), run_time=1.0)
        return panel, heading, view

    def set_caption(self, text: str, first_line_color: str | None = None, run_time: float = 0.8) -> None:
        """Narrate ``text`` in the right-hand column, once the caption there has been up long enough to read."""
        caption = paragraph(text, self.theme, self.column_width, size=self.caption_size)
        if first_line_color:
            caption[0].set_color(first_line_color)
        caption.move_to(self.column_point(self.caption_top), aligned_edge=UL)
        replacing = "caption" in self.caption_mobjects  # the old one fades out first, in a third of the time
        self.play(*self.say(text, caption), run_time=run_time * 4 / 3 if replacing else run_time)

    def end_beat(self) -> None:
        """End a beat: keep its picture until its caption has been read, then a moment more."""
        self.hold("caption", extra=self.hold_seconds)

    def sweep(self, view: FitView, snapshots: list[CurveSnapshot]) -> None:
        """Play the view through the recorded snapshots, one ``step_seconds`` each."""
        self.play(SnapshotSweep(view, snapshots, step_seconds=self.step_seconds))

    def add_up(self, view: FitView, snapshot: CurveSnapshot) -> VGroup:
        """Start from the output bias and add the units one at a time; the total lands on the output.

        The output panel's curve is taken away first, so the finished output appears
        only when the sum reaches it. The running sum keeps one colour (the output's)
        and a legend row. Returns what it left on screen (the running sum and any kink guides).
        """
        view.show(snapshot)
        order = build_order(snapshot)
        sums = running_sums(snapshot, order)
        panel, x = view.units_panel, snapshot.x
        running = panel.curve(x, sums[0], self.theme.text, width=7)
        guides = VGroup()
        curves = view.unit_curves
        self.sum_row = self.sum_legend()
        self.play(
            Create(running),
            Fade(self.sum_row),
            view.output_curve.animate.set_stroke(opacity=0),
            *[curve.animate.set_stroke(opacity=0.25) for curve in curves],
            run_time=self.add_seconds,
        )
        previous = None
        for step, unit in enumerate(order, start=1):
            # Only the unit being added is bright; the last one dims again.
            highlight = [curves[unit].animate.set_stroke(opacity=1.0)]
            if previous is not None:
                highlight.append(curves[previous].animate.set_stroke(opacity=0.25))
            new_guides = self._kink_guides(view, snapshot, unit) if self.kink_guides else VGroup()
            guides.add(*new_guides)
            grown = panel.curve(x, sums[step], self.theme.text, width=7)
            self.play(
                Transform(running, grown), *highlight, *[Create(g) for g in new_guides], run_time=self.add_seconds
            )
            previous = unit
        restore = [curve.animate.set_stroke(opacity=0.55) for curve in curves]
        self.play(*restore, run_time=self.add_seconds / 2)
        landing = view.output_panel.curve(x, sums[-1], self.theme.text, width=view.output_curve.stroke_width)
        self.play(TransformFromCopy(running, landing), run_time=1.2 * self.add_seconds + 0.4)
        view.output_curve.set_stroke(opacity=1)
        self.remove(landing)  # it lies exactly on the output curve
        return VGroup(running, guides, self.sum_row)

    def _kink_guides(self, view: FitView, snapshot: CurveSnapshot, unit: int) -> VGroup:
        """Dashed lines at the unit's kinks through both panels (not the gap between, where a heading sits)."""
        guides = VGroup()
        for kink in snapshot.kinks[unit]:
            horizontal = view.units_panel.plot_point(kink, 0)[0]
            for panel in (view.units_panel, view.output_panel):
                top, bottom = panel.box.get_top()[1], panel.box.get_bottom()[1]
                guides.add(
                    DashedLine(
                        [horizontal, top, 0], [horizontal, bottom, 0], dash_length=0.08, stroke_width=2
                    ).set_stroke(view.colors[unit], opacity=0.7)
                )
        return guides

    def error_marker(self, view: FitView, snapshot: CurveSnapshot) -> VGroup:
        """A bar from the output to the target where they are farthest apart (nothing without a target)."""
        if self.target is None:
            return VGroup()
        x = snapshot.x
        worst = int(np.argmax(np.abs(snapshot.output - self.target_values(x))))
        ends = view.output_panel.plot_points(
            x[[worst, worst]], np.array([snapshot.output[worst], self.target_values(x[worst])])
        )
        ring = Circle(radius=0.14, color=self.theme.highlight, stroke_width=4).move_to(ends[0])
        return VGroup(Line(ends[0], ends[1], stroke_width=6, color=self.theme.highlight), ring)
