"""relu-sine: without an activation a network fits sin x with a line; with ReLU its hinges add up to the wave.

The scene draws two real runs of the same sizes: its main run (default recipe
``sine-relu``) and its ``linear`` run, the same kind of network with no activation
(default ``sine-linear``; ``nnexplain render relu-sine --with linear=DIR`` picks another).

    nnexplain render relu-sine --run runs/sine-relu --with linear=runs/sine-linear
    NNEXPLAIN_RUN=runs/sine-relu NNEXPLAIN_LINEAR_RUN=runs/sine-linear manim -ql scenes/relu_sine.py ReluSine

Why a line is shown, not told: the linear network's units, each a straight line, are
added one at a time from the output bias, and the sum stays straight (its layers
multiplied out give the slope and intercept shown). The ReLU half
(:mod:`nnexplain.scenes.relu_sine_layers`) draws the first layer's hinges, two units of the
second, training, and the units added up. Then every unit's bends come back as one set,
shared ones merged and the kinks numbered; the output's pieces are marked (slivers,
pieces narrower than a hundredth of the interval, boxed), the largest error is zoomed
into, and the best straight line (least squares) is drawn beside it.

With two ReLU layers the coloured curves are the units of the *last* hidden layer,
each already bent by the first layer's hinges, and the narration says so. A one-hidden-
layer variant, where each unit is one hinge, is what ``relu-square`` shows.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    UR,
    Circle,
    Create,
    DashedLine,
    GrowFromCenter,
    Indicate,
    LaggedStart,
    Line,
    Rectangle,
    Transform,
    VGroup,
    there_and_back,
)

from nnexplain.data import load_dataset
from nnexplain.geometry.hinges import (
    CurveSnapshot,
    build_order,
    kink_groups,
    least_squares_line,
    linear_map,
    max_fit_error,
    output_kinks,
    straight_pieces,
    unit_bends,
)
from nnexplain.mobjects.hinges import CurvePanel, Fade, fmt_number, fmt_small, fmt_x, legend
from nnexplain.mobjects.style import formula, label
from nnexplain.mobjects.sweep_marks import spread_positions
from nnexplain.run.contents import unit_contributions
from nnexplain.scenes.base.hinge_story import ERROR_COLOR, TEXT_SIZE, in_turn
from nnexplain.scenes.relu_sine_layers import ReluLayers

__all__ = ["ReluSine"]

SLIVER_FRACTION = 0.01  # a piece narrower than this share of the interval is a sliver: a few pixels wide


# "The linear network" and its layers multiplied out, and the best straight line: a colour no unit (the palette's
# eight), error or target uses.
LINE_COLOR = "#C6FF00"
# Unit 8's colour: the theme's pink sits beside the error magenta and unit 5's salmon; brown is far from both.
UNIT_8_COLOR = "#B8865B"
TITLE_DROP = 0.1  # the bold title's top a few pixels further inside the title-safe margin


class ReluSine(ReluLayers):
    scene_name = "relu-sine"
    add_seconds = 1.1  # the linear network's units; the ReLU network's each hold ``relu_add_seconds``
    relu_add_seconds = 2.6
    kink_guides = True
    guides_stay = False
    kink_color = None  # a dot where a unit turns on is in that unit's colour; the output's kinks are hollow rings
    legend_top = 2.6 - TITLE_DROP - 0.2  # clear of the title by about 10 px
    units_box = (1.0, 3.05)  # the upper panel's heading a few pixels inside the title-safe margin

    def setup(self) -> None:
        super().setup()
        palette = list(self.theme.palette)
        if len(palette) >= 8:
            palette[7] = UNIT_8_COLOR
        self.theme = dataclasses.replace(self.theme, palette=tuple(palette))
        self.linear_run = self.runs["linear"]
        self.linear_sweep = self.sweep_of(self.linear_run)
        self.relu_sweep, self.formed = self.relu_snapshots()
        self.hinges = self.relu_sweep[-1]
        self.formula = self.run.dataset.get("formula", "the target")
        self.shape = " → ".join(map(str, self.run.layers))
        self.bends = unit_bends(self.run.params(self.hinges.epoch), self.run.activation, self.domain)

    def guide_kinks(self, snapshot: CurveSnapshot, unit: int) -> np.ndarray:
        """Every bend of a last-layer unit, its own switch and the earlier layer's kinks while it is on."""
        return self.bends[unit] if snapshot is self.hinges else snapshot.kinks[unit]

    def construct(self) -> None:
        self.beat("data")
        self.show_data(
            f"Fitting {self.formula} with\nand without ReLU",
            self.linear_sweep + self.relu_sweep,
            f"How does a network draw {self.formula}? First without an activation.",
            self.data_text(),
        )
        self.beat("linear network")
        self.fit_linear()
        self.beat("why a line")
        self.explain_line()
        self.beat("relu network")
        self.introduce_relu()
        self.beat("first layer")
        self.first_layer()
        self.beat("second layer")
        self.second_layer()
        self.beat("training")
        self.train_relu()
        self.beat("adding up")
        self.add_up_hinges()
        self.beat("counting kinks")
        self.count_kinks()
        self.beat("pieces")
        self.mark_pieces()
        self.beat("final error")
        self.show_error()

    def make_title(self, text: str) -> VGroup:
        return super().make_title(text).shift(TITLE_DROP * DOWN)

    def training_samples(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The run's training samples, made again from its data set's description; None when they cannot be
        (another loader's data, or a different count than the run trained on)."""
        options = dict((self.run.manifest.get("config") or {}).get("dataset_options") or {})
        try:
            data = load_dataset(self.run.dataset["name"], **options)
        except Exception:  # noqa: BLE001 - any data set nnexplain cannot rebuild: the samples are not drawn
            return None
        if len(data.x_train) != self.run.dataset.get("train"):
            return None
        return data.x_train[:, 0].astype(np.float64), data.y_train[:, 0].astype(np.float64)

    def best_line(self) -> tuple[float, float, float]:
        """The best straight line in least squares (the linear network's own loss) on the run's training samples
        (on the target's curve when they cannot be made again): slope, intercept, and its largest miss of the
        target over the interval."""
        x = self.hinges.x
        samples = self.training_samples()
        fit_x, fit_y = samples if samples is not None else (x, self.target_values(x))
        slope, intercept = least_squares_line(fit_x, fit_y)
        return slope, intercept, float(np.max(np.abs(slope * x + intercept - self.target_values(x))))

    def show_data(self, title: str, snapshots: list[CurveSnapshot], question: str, data_text: str) -> None:
        """The base's data beat, with the training samples flashed once (faint, all of them) before the dots
        that stand for them thin to the probe's points (when the samples can be made again)."""
        samples = self.training_samples()
        formula_text = self.run.dataset.get("formula", "target")
        self.title = self.make_title(title)
        self.outputs = self.output_panel(snapshots)
        self.output_heading = heading = self.panel_heading(self.outputs, f"network output and {formula_text}")
        data = self.data_mobjects(self.outputs, snapshots[0].x)
        self.data_parts = data
        self.legend = self.legend_mobject(f"{formula_text}, and points")
        flash = VGroup() if samples is None else self.outputs.dots(*samples, self.theme.text, radius=0.035)
        flash.set_opacity(0.8)
        with self.narrate(question) as line:
            self.play(Fade(self.title), *self.draw_panel(self.outputs), Fade(heading), run_time=line.duration)
        with self.narrate(data_text) as line:
            self.play(
                *([LaggedStart(*[Fade(d) for d in flash], lag_ratio=0.02)] if len(flash) else []),
                Fade(self.legend),
                *self.show_labels(f"{len(flash)} training samples" if len(flash) else None),
                run_time=0.4 * line.duration,
            )
            self.wait(0.15 * line.duration)
            # The target drawn through them; then they step aside for the dots that stand for them.
            self.play(*[Create(part) for part in data[:-1]], run_time=0.25 * line.duration)
            self.play(
                Fade(flash, out=True),
                Fade(data[-1]),
                *self.show_labels(f"dots: {len(data[-1])} points of {formula_text}" if len(flash) else None),
                run_time=0.2 * line.duration,
            )
        self.remove(flash)

    # Numbers ------------------------------------------------------------------

    def piece_marks(self) -> tuple[np.ndarray, list[tuple[float, float]]]:
        """The output's kinks inside the interval, and the slivers: (left, right) of each piece narrower
        than ``SLIVER_FRACTION`` of it."""
        kinks = output_kinks(self.run.params(self.hinges.epoch), self.run.activation, self.domain)
        ends = np.concatenate([[self.domain[0]], kinks, [self.domain[1]]])
        narrow = SLIVER_FRACTION * (self.domain[1] - self.domain[0])
        slivers = [(float(a), float(b)) for a, b in zip(ends[:-1], ends[1:]) if b - a < narrow]
        return kinks, slivers

    # Beats ------------------------------------------------------------------

    def fit_linear(self) -> None:
        shape = " → ".join(map(str, self.linear_run.layers))
        self.linear_parts = self.enter_units(
            self.linear_sweep, None, f"A {shape} network, no activation. Each colour: what one unit adds."
        )
        error, _ = max_fit_error(self.linear_run, self.linear_sweep[-1].epoch)
        lines = [
            "Trained on the samples, the line turns and shifts…",
            "…but it stays a straight line.",
        ]
        self.sweep(self.linear_parts[-1], self.linear_sweep, lines)
        if self.target is None:
            return
        final = self.linear_sweep[-1]
        at = self.worst_point(final.x, final.output)
        marker = self.line_error_marker(final.x, final.output, at, error)
        with self.narrate(f"Its largest error: {error:.2f}, at x = {fmt_x(final.x[at])}.") as line:
            self.play(Create(marker[0]), Fade(marker[2]), run_time=0.6 * line.duration)
            self.play(Indicate(marker[0], color=ERROR_COLOR), run_time=0.25 * line.duration)
            self.play(Fade(marker, out=True), run_time=0.15 * line.duration)
        self.remove(marker)

    def line_error_marker(self, x: np.ndarray, values: np.ndarray, at: int, error: float) -> VGroup:
        """A line's largest error: a bar from the line to the target, its number to the right of the bar's end
        (clear of the tick labels and of the line)."""
        marker = self.error_marker(self.outputs, x, values, at, f"{error:.2f}")
        # Right of the bar's end at the target, on the far side of the target from the line (the ring on the
        # panel's frame is not used: the bar is enough).
        end = (
            marker[0].get_end()
            if abs(marker[0].get_end()[1] - self.outputs.plot_point(0, 0)[1])
            < abs(marker[0].get_start()[1] - self.outputs.plot_point(0, 0)[1])
            else marker[0].get_start()
        )
        marker[2].next_to(end, RIGHT + (UP if values[at] < self.target_values(x[at]) else DOWN), buff=0.1)
        return marker

    def explain_line(self) -> None:
        """The linear network's units, each a line, added from the output bias: the sum stays a line."""
        final = self.linear_sweep[-1]
        params = self.linear_run.params(final.epoch)
        slope, intercept = linear_map(params)

        def unit_text(step: int, unit: int) -> str | None:
            if step == 1:
                return "Each unit adds a straight line, and a line plus a line is a line."
            return None

        order = build_order(final)
        bias = fmt_small(final.output_bias)
        self.add_up(
            self.linear_parts[-1], final, f"Why a line? Start at the output bias, {bias}, and add the units.", unit_text
        )
        if len(order) > 1:  # said once the last unit has landed, never over fewer units than it says
            with self.narrate(f"All {len(order)} units in: the sum is still a straight line.") as line:
                curve = self.linear_parts[-1].output_curve  # thickens and settles: a scaled line would leave its axes
                self.play(curve.animate(rate_func=there_and_back).set_stroke(width=10), run_time=line.duration)
        # The layers' weights multiplied out, drawn over the network's own output: they coincide.
        sign = "−" if intercept < 0 else "+"
        b = fmt_small(abs(intercept))
        weights = " ".join(f"W_{k}" for k in range(len(params), 0, -1))
        product = formula(f"{weights} = {fmt_number(slope)}".replace("−", "-"), self.theme, 44)
        line_formula = formula(f"y = {fmt_number(slope)} x {sign} {b}".replace("−", "-"), self.theme, 44)
        shown = VGroup(product, line_formula).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        shown.set_color(LINE_COLOR).move_to(self.column_point(self.labels_top), aligned_edge=UL)
        x = final.x
        drawn = self.outputs.dashed_curve(x, slope * x + intercept, LINE_COLOR, width=6, dashes=24)
        with self.narrate(f"Its weight matrices multiply out to one slope, {fmt_number(slope)}.") as line:
            self.play(in_turn(*self.show_labels(None), Fade(product)), run_time=line.duration)
        with self.narrate(f"With the biases, it is one line (dashed): y = {fmt_number(slope)}·x {sign} {b}.") as line:
            self.play(Fade(line_formula), run_time=0.35 * line.duration)
            self.play(Create(drawn), run_time=0.65 * line.duration)
        self.column_labels = shown
        self.linear_parts = (*self.linear_parts[:2], VGroup(self.linear_parts[2], drawn))

    def kink_rings(self, panel: CurvePanel, xs: np.ndarray, ys: np.ndarray, radius: float = 0.09) -> VGroup:
        """Hollow rings on a curve at its kinks: places on the output, unlike the filled sample dots."""
        return VGroup(
            *[
                Circle(radius=radius).set_stroke(self.theme.text, width=3).move_to(point)
                for point in panel.plot_points(xs, ys)
            ]
        )

    def guide_line(self, across: float, color: str) -> VGroup:
        """A dashed line at scene x ``across`` through both panels (not the gap between them)."""
        parts = VGroup()
        for panel in (self.relu_parts[0], self.outputs):
            top, bottom = panel.box.get_top()[1], panel.box.get_bottom()[1]
            parts.add(DashedLine([across, top, 0], [across, bottom, 0], dash_length=0.08, stroke_width=2.5))
        return parts.set_stroke(color, opacity=0.8)

    def count_kinks(self) -> None:
        """Every unit's bends back at once, in its colour; bends at one place slide together into one grey guide;
        the places numbered along the gap between the panels."""
        groups = kink_groups(self.bends)
        view = self.relu_parts[-1]
        total = sum(len(units) for _, units in groups)
        lane = 0.09  # bends shared by several units start side by side, this far apart, then slide together
        guides, merges = VGroup(), []
        for place, units in groups:
            across = self.outputs.plot_point(place, 0)[0]
            for rank, unit in enumerate(units):
                offset = (rank - (len(units) - 1) / 2) * lane
                guide = self.guide_line(across + offset, view.colors[unit])
                guides.add(guide)
                merges.append(guide.animate.shift(-offset * RIGHT).set_stroke(self.theme.muted, opacity=0.9))
        numbers = VGroup(*[label(str(n), self.theme, size=TEXT_SIZE) for n in range(1, len(groups) + 1)])
        places = np.array([self.outputs.plot_point(place, 0)[0] for place, _ in groups])
        leaders = self.number_kinks(numbers, places)
        self.samples_dim = [d.animate.set_opacity(0.15) for d in self.data_parts[-1]]
        with self.narrate(f"All the units' bends at once: {total} of them, each in its unit's colour.") as line:
            # The headings leave first: the kinks are numbered where they stand, and no dash crosses them.
            self.play(
                Fade(self.output_heading, out=True), Fade(self.relu_parts[1], out=True), run_time=0.2 * line.duration
            )
            self.play(
                Fade(self.first_ticks, out=True),
                *[c.animate.set_stroke(opacity=0.3) for c in view.unit_curves],
                Fade(view.kink_dots, out=True),
                *self.samples_dim,
                LaggedStart(*[Create(g) for g in guides], lag_ratio=0.08),
                *self.show_labels(f"{total} bends of units"),
                run_time=0.8 * line.duration,
            )
        self.remove(self.first_ticks)
        with self.narrate(f"Units bending at the same x make one kink of the sum: {len(groups)} kinks.") as line:
            self.play(*merges, run_time=0.45 * line.duration)
            self.play(
                LaggedStart(*[Fade(n) for n in numbers], lag_ratio=0.15),
                Fade(leaders),
                *self.show_labels(f"{total} bends of units\n→ {len(groups)} kinks"),
                run_time=0.55 * line.duration,
            )
        self.kink_count = VGroup(guides, numbers, leaders)

    def number_kinks(self, numbers: VGroup, places: np.ndarray) -> VGroup:
        """Put the kinks' numbers in two rows, odd ones above the units panel and even ones in the gap between
        the panels (so kinks a hair apart get one each), each as near its guide as its row allows; returns the
        leaders from numbers moved aside to their guides' ends."""
        units_box, output_box = self.relu_parts[0].box, self.outputs.box
        rows = [
            (numbers[0::2], places[0::2], units_box.get_top()[1] + 0.22, units_box.get_top()[1]),
            (numbers[1::2], places[1::2], (units_box.get_bottom()[1] + output_box.get_top()[1]) / 2 + 0.03, None),
        ]
        leaders = VGroup()
        for row, xs, height, end in rows:
            if not len(row):
                continue
            gap = max(n.width for n in row) + 0.14
            for number, across, at in zip(row, xs, spread_positions(xs, gap)):
                number.move_to([at, height, 0])
                if abs(at - across) > 0.04:
                    reach = end if end is not None else output_box.get_top()[1]
                    leaders.add(
                        Line([at, number.get_bottom()[1] - 0.03, 0], [across, reach, 0]).set_stroke(
                            self.theme.muted, width=1.5
                        )
                    )
        return leaders

    def mark_pieces(self) -> None:
        kinks, slivers = self.piece_marks()
        pieces, sliver_count = straight_pieces(kinks, self.domain, SLIVER_FRACTION)
        panel, x, output = self.outputs, self.hinges.x, self.hinges.output
        rings = self.kink_rings(panel, kinks, np.interp(kinks, x, output))
        boxes = VGroup()
        for left, right in slivers:
            middle = (left + right) / 2
            center = panel.plot_point(middle, float(np.interp(middle, x, output)))
            boxes.add(Rectangle(width=0.4, height=0.4, stroke_color=self.theme.text, stroke_width=3).move_to(center))
        # The pieces drawn in turn, alternately bright and dim, over the output.
        ends = np.concatenate([[self.domain[0]], kinks, [self.domain[1]]])
        strips = VGroup()
        for index, (left, right) in enumerate(zip(ends[:-1], ends[1:])):
            inside = np.concatenate([[left], x[(x > left) & (x < right)], [right]])
            shade = self.theme.muted if index % 2 == 0 else self.theme.text  # no unit's colour
            strips.add(panel.curve(inside, np.interp(inside, x, output), shade, width=7))
        text = f"{len(kinks)} kinks (rings) cut the output into {pieces} straight pieces."
        with self.narrate(text) as line:
            self.play(
                LaggedStart(*[Create(strip) for strip in strips], lag_ratio=0.5),
                LaggedStart(*[GrowFromCenter(ring) for ring in rings], lag_ratio=0.3),
                *self.show_labels(f"{len(kinks)} kinks\n{pieces} straight pieces"),
                run_time=line.duration,
            )
        self.piece_strips = strips
        headings = VGroup(self.output_heading, self.relu_parts[1])
        headings.set_opacity(1)  # faded out (and removed) for the count: a fade in scales its opacities
        self.play(in_turn(Fade(self.kink_count, out=True), Fade(headings)), run_time=0.6)
        self.remove(self.kink_count)
        if sliver_count:
            narrow = fmt_number(SLIVER_FRACTION * (self.domain[1] - self.domain[0]))
            plural = "s" if sliver_count != 1 else ""
            with self.narrate(f"{sliver_count} of them are sliver{plural}, under {narrow} wide: boxed.") as line:
                labels = f"{len(kinks)} kinks\n{pieces} straight pieces\n{sliver_count} sliver{plural} (boxed)"
                self.play(Create(boxes), *self.show_labels(labels), run_time=line.duration)
        self.piece_mobjects = VGroup(rings, boxes)
        view = self.relu_parts[-1]
        self.play(
            Fade(strips, out=True),
            *[c.animate.set_stroke(opacity=1) for c in view.unit_curves],
            *[d.animate.set_opacity(1) for d in self.data_parts[-1]],
            run_time=0.6,
        )

    def show_error(self) -> None:
        x, output = self.hinges.x, self.hinges.output
        error, whole = max_fit_error(self.run, self.hinges.epoch)
        if self.target is None:
            with self.narrate(f"Its largest error at the data: {error:.3f}.") as line:
                self.play(*self.show_labels(f"largest error\n{error:.3f}"), run_time=line.duration)
            return
        at = self.worst_point(x, output)
        marker = self.error_marker(self.outputs, x, output, at, f"{error:.3f}")[:2]  # the inset carries the number
        inset, frame, links = self.zoom_inset(x, output, at)
        _, slivers = self.piece_marks()
        on_sliver = [i for i, (a, b) in enumerate(slivers) if a - 0.05 <= x[at] <= b + 0.05]
        boxes = self.piece_mobjects[1]
        # The zoom's frame takes the place of the sliver's box there: one outline at that spot, not three.
        leaving = [Fade(boxes[i], out=True) for i in on_sliver]
        said = f"Zoomed: largest error {error:.3f}, at x = {fmt_number(x[at])}"
        if on_sliver:
            a, b = slivers[on_sliver[0]]
            said += f", beside a sliver {b - a:.3f} wide (bracket)"
        with self.narrate(said + ".") as line:
            self.play(Create(marker), Create(frame), *leaving, *self.show_labels(None), run_time=0.3 * line.duration)
            # The frame grows into the inset's box; its ticks fade in (a morphing glyph is a stray glyph).
            growing, panel = frame.copy(), inset[0]
            self.play(Transform(growing, panel.box.copy()), Create(links), run_time=0.3 * line.duration)
            self.remove(growing)
            self.add(panel.box)
            ticks = VGroup(*[part for part in panel.submobjects if part is not panel.box])
            self.play(
                *[Create(part) for part in inset[1:-1]], Fade(inset[-1]), Fade(ticks), run_time=0.4 * line.duration
            )
        # The best any straight line does, in the least squares the linear network trains on, on the same samples:
        # the comparison is with lines, not with one run of one.
        slope, intercept, line_error = self.best_line()
        best = slope * x + intercept
        line_fit = self.outputs.dashed_curve(x, best, LINE_COLOR, width=5, dashes=24).set_z_index(-1)
        line_marker = self.line_error_marker(x, best, self.worst_point(x, best), line_error)
        kinks = len(self.piece_marks()[0])
        said = f"The best line in least squares misses by {line_error:.2f}; {kinks} kinks bring it to {error:.3f}."
        row = legend([(LINE_COLOR, True, "best straight line")], self.theme, size=TEXT_SIZE)
        row.move_to(self.column_point(self.labels_top), aligned_edge=UL)
        with self.narrate(said) as line:
            self.play(Create(line_fit), Fade(row), run_time=min(2.0, 0.45 * line.duration))
            self.play(Create(line_marker[0]), Fade(line_marker[2]), run_time=min(1.0, 0.25 * line.duration))
            self.wait(max(line.duration - min(2.0, 0.45 * line.duration) - min(1.0, 0.25 * line.duration), 0))
        self.hold(extra=3.0)

    def zoom_inset(self, x: np.ndarray, output: np.ndarray, at: int) -> tuple[VGroup, Rectangle, VGroup]:
        """A panel magnifying the output and the target around ``x[at]``, the frame it magnifies, and two links.
        The output's kinks inside it are dotted, so a sliver shows as its two kinks."""
        span = 0.035 * (self.domain[1] - self.domain[0])
        low, high = max(self.domain[0], x[at] - span / 2), min(self.domain[1], x[at] + span / 2)
        fine = np.linspace(low, high, 400)
        kinks = output_kinks(self.run.params(self.hinges.epoch), self.run.activation, self.domain)
        kinks = kinks[(kinks > low) & (kinks < high)]
        fine = np.union1d(fine, kinks)
        values = [np.interp(fine, x, output), self.target_values(fine)]
        y_low, y_high = min(map(np.min, values)), max(map(np.max, values))
        pad = 0.15 * (y_high - y_low)
        y_low, y_high = y_low - pad, y_high + pad
        inset = CurvePanel((low, high), (y_low, y_high), self.theme, 3.4, 2.0, x_labels=True, label_size=TEXT_SIZE)
        inset.shift(np.array([4.75, -0.75, 0]) - inset.box.get_center())
        target = inset.dashed_curve(fine, self.target_values(fine), self.theme.muted, width=3, dashes=20)
        drawn = inset.curve(fine, self._network_at(fine), self.theme.text, width=5)
        dots = self.kink_rings(inset, kinks, self._network_at(kinks), radius=0.07)
        worst = inset.plot_points(x[[at, at]], np.array([output[at], self.target_values(x[at])]))
        bar = Line(worst[0], worst[1], stroke_width=6, color=ERROR_COLOR)
        tag = self.tag(
            f"{max_fit_error(self.run, self.hinges.epoch)[0]:.3f}", bar.get_center(), UP + RIGHT, color=ERROR_COLOR
        )
        # A sliver inside the zoom: bracketed between its two kinks.
        brackets = VGroup()  # its width is said
        for a, b in self.piece_marks()[1]:
            if low < a and b < high:
                level = y_low + 0.1 * (y_high - y_low)
                ends = inset.plot_points(np.array([a, a, b, b]), np.array([level + 0.06 * (y_high - y_low), level] * 2))
                brackets.add(Line(ends[0], ends[1]), Line(ends[1], ends[3]), Line(ends[3], ends[2])).set_stroke(
                    self.theme.text, width=2.5
                )
        corners = self.outputs.plot_points(np.array([low, high]), np.array([y_low, y_high]))
        frame = Rectangle(width=max(corners[1][0] - corners[0][0], 0.1), height=max(corners[1][1] - corners[0][1], 0.1))
        frame.set_stroke(self.theme.muted, width=2).move_to((corners[0] + corners[1]) / 2)
        # One link, frame to the inset's top corner, clear of the inset's tick labels.
        links = VGroup(
            DashedLine(frame.get_corner(UR), inset.box.get_corner(UL), dash_length=0.08, stroke_width=1.5),
        ).set_stroke(self.theme.muted, opacity=0.6)
        return VGroup(inset, target, drawn, bar, dots, brackets, tag), frame, links

    def _network_at(self, x: np.ndarray) -> np.ndarray:
        """The network's output at ``x``, from its weights (the stored curve's grid is too coarse for the zoom)."""
        return unit_contributions(self.run.params(self.hinges.epoch), self.run.activation, x).sum(axis=0) + float(
            self.hinges.output_bias
        )
