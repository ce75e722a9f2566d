"""relu-sine: without an activation a network fits sin x with a line; with ReLU its hinges add up to the wave.

The scene draws two real runs of the same sizes: its main run (default recipe
``sine-relu``) and its ``linear`` run, the same kind of network with no activation
(default ``sine-linear``; ``nnexplain render relu-sine --with linear=DIR`` picks another).

    nnexplain render relu-sine --run runs/sine-relu --with linear=runs/sine-linear
    NNEXPLAIN_RUN=runs/sine-relu NNEXPLAIN_LINEAR_RUN=runs/sine-linear manim -ql scenes/relu_sine.py ReluSine

Why a line is shown, not told: the linear network's units, each a straight line, are
added one at a time from the output bias, and the sum stays straight (its layers
multiplied out give the slope and intercept shown). The ReLU network's units are then
added the same way, each bright while it joins. The output's kinks are marked (slivers,
pieces narrower than a hundredth of the interval, boxed), and the largest error is
zoomed into.

With two ReLU layers the coloured curves are the units of the *last* hidden layer,
each already bent by the first layer's hinges, and the narration says so. A one-hidden-
layer variant, where each unit is one hinge, is what ``relu-square`` shows.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DL,
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    UR,
    Create,
    DashedLine,
    Dot,
    GrowFromCenter,
    Indicate,
    LaggedStart,
    Line,
    Rectangle,
    Transform,
    VGroup,
)

from nnexplain.geometry.hinges import (
    CurveSnapshot,
    build_order,
    hinge_kinks,
    linear_map,
    max_fit_error,
    output_kinks,
    running_sums,
    silent_units,
    straight_pieces,
    unit_bends,
)
from nnexplain.mobjects.hinges import CurvePanel, Fade, FitView, fmt_number, fmt_small, fmt_x, legend
from nnexplain.mobjects.style import formula
from nnexplain.run.contents import unit_contributions
from nnexplain.scenes.base.hinge_story import ERROR_COLOR, TEXT_SIZE, HingeStory

__all__ = ["ReluSine"]

SLIVER_FRACTION = 0.01  # a piece narrower than this share of the interval is a sliver: a few pixels wide


# "The linear network" and its layers multiplied out: a colour no unit (the palette's eight), error or target uses.
LINE_COLOR = "#C6FF00"


class ReluSine(HingeStory):
    scene_name = "relu-sine"
    add_seconds = 1.1  # the linear network's units; the ReLU network's each hold ``relu_add_seconds``
    relu_add_seconds = 2.6
    kink_guides = True
    guides_stay = False
    kink_color = "#FFFFFF"  # kink dots are places, not units: one neutral colour

    def setup(self) -> None:
        super().setup()
        self.linear_run = self.runs["linear"]
        self.linear_sweep = self.sweep_of(self.linear_run)
        self.relu_sweep = self.sweep_of(self.run, self.hinge_epoch)
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
        self.beat("training")
        self.train_relu()
        self.beat("adding up")
        self.add_up_hinges()
        self.beat("pieces")
        self.mark_pieces()
        self.beat("final error")
        self.show_error()

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
        marker = self.line_error_marker(final, at, error)
        with self.narrate(f"Its largest error: {error:.2f}, at x = {fmt_x(final.x[at])}.") as line:
            self.play(Create(marker[0]), Fade(marker[2]), run_time=0.6 * line.duration)
            self.play(Indicate(marker[0], color=ERROR_COLOR), run_time=0.25 * line.duration)
            self.play(Fade(marker, out=True), run_time=0.15 * line.duration)
        self.remove(marker)

    def line_error_marker(self, final: CurveSnapshot, at: int, error: float) -> VGroup:
        """The linear network's largest error: a bar from its line to the target, its number to the right of the
        bar's middle (clear of the tick labels and of the line)."""
        marker = self.error_marker(self.outputs, final.x, final.output, at, f"{error:.2f}")
        # Right of the bar's end at the target, on the far side of the target from the line (the ring on the
        # panel's frame is not used: the bar is enough).
        end = (
            marker[0].get_end()
            if abs(marker[0].get_end()[1] - self.outputs.plot_point(0, 0)[1])
            < abs(marker[0].get_start()[1] - self.outputs.plot_point(0, 0)[1])
            else marker[0].get_start()
        )
        marker[2].next_to(end, RIGHT + (UP if final.output[at] < self.target_values(final.x[at]) else DOWN), buff=0.1)
        return marker

    def explain_line(self) -> None:
        """The linear network's units, each a line, added from the output bias: the sum stays a line."""
        final = self.linear_sweep[-1]
        params = self.linear_run.params(final.epoch)
        slope, intercept = linear_map(params)

        def unit_text(step: int, unit: int) -> str | None:
            if step == 1:
                return "Each unit adds a straight line, and a line plus a line is a line."
            if step == len(order) // 2 + 1:
                return f"{step} units in: the sum is still a straight line."
            return None

        order = build_order(final)
        bias = fmt_small(final.output_bias)
        self.add_up(
            self.linear_parts[-1], final, f"Why a line? Start at the output bias, {bias}, and add the units.", unit_text
        )
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
            self.play(*self.show_labels(None), Fade(product), run_time=line.duration)
        with self.narrate(f"With the biases, it is one line (dashed): y = {fmt_number(slope)}·x {sign} {b}.") as line:
            self.play(Fade(line_formula), run_time=0.35 * line.duration)
            self.play(Create(drawn), run_time=0.65 * line.duration)
        self.column_labels = shown
        self.linear_parts = (*self.linear_parts[:2], VGroup(self.linear_parts[2], drawn))

    def introduce_relu(self) -> None:
        panel, heading, view = self.linear_parts
        # ReLU itself, drawn small in the column: max(0, z), 0 left of 0 and z right of it.
        z = np.linspace(-1, 1, 41)
        relu = CurvePanel((-1.0, 1.0), (-0.25, 1.1), self.theme, 1.8, 1.1, x_labels=False, label_size=TEXT_SIZE)
        relu.remove(relu.tick_labels)
        drawing = VGroup(relu, relu.curve(z, np.maximum(0, z), self.theme.text, width=4))
        sign = VGroup(drawing, formula("max(0, z)", self.theme, 40)).arrange(RIGHT, buff=0.3)
        with self.narrate(f"Now {self.shape} with ReLU, max(0, z), between the layers.") as line:
            self.play(
                *[Fade(part, out=True) for part in (panel, heading, view)],
                *self.show_labels(sign),
                run_time=0.4 * line.duration,
            )
            self.remove(panel, heading, view)
            self.relu_parts = self.enter_units_quietly(self.relu_sweep, 0.6 * line.duration)
        layers = self.hinges.hidden_layers
        if layers > 1:
            panel, view = self.relu_parts[0], self.relu_parts[-1]
            start = self.relu_sweep[0]
            # At the start the units are small: drawn taller, by a stated factor, while they are introduced.
            reach = float(np.max(np.abs(start.units)))
            factor = int(np.clip(0.85 * min(panel.y_high, -panel.y_low) / max(reach, 1e-9), 1, 20))
            taller = f", drawn {factor}× taller here" if factor > 1 else ""
            with self.narrate(f"Each colour: a unit of hidden layer 2, small at the start{taller}.") as line:
                self.play(
                    *self.stretch_units(view, panel, start, factor),
                    *self.show_labels(f"heights ×{factor}" if factor > 1 else None),
                    run_time=0.5 * line.duration,
                )
                self.wait(0.5 * line.duration)
            # Where the first layer's units switch at the start: the only places a last-layer unit can bend,
            # besides where it turns on itself. Ticks on the panel's axis, in the kink dots' neutral colour.
            first = (
                hinge_kinks(self.run.params(start.epoch))
                if layers == 2
                else output_kinks(self.run.params(start.epoch)[:2], self.run.activation, self.domain)
            )
            first = first[(first > self.domain[0]) & (first < self.domain[1])]
            ticks = VGroup(
                *[
                    Line(
                        panel.plot_point(k, 0) + 0.3 * UP, panel.plot_point(k, 0) + 0.3 * DOWN, stroke_width=4
                    ).set_stroke(self.theme.muted)  # grey: places on the axis, not the white switch dots
                    for k in first
                ]
            )
            earlier = "the first layer's" if layers == 2 else "earlier layers'"
            text = f"A unit bends only at {earlier} kinks (ticks) or where it turns on (dots)."
            close = int(np.sum(np.diff(np.sort(first)) < 0.05 * (self.domain[1] - self.domain[0])))
            count = f"{len(first)} first-layer kinks" + (f"\n({close + 1} nearly coincide)" if close else "")
            with self.narrate(text) as line:
                self.play(
                    *self.show_labels(f"heights ×{factor}\n{count}" if factor > 1 else count),
                    LaggedStart(*[Create(t) for t in ticks], lag_ratio=0.2),
                    run_time=0.7 * line.duration,
                )
                self.wait(0.3 * line.duration)
            back = [Fade(ticks, out=True), *self.show_labels(None), *self.stretch_units(view, panel, start, 1)]
            if factor > 1:
                with self.narrate("Back to their true heights.") as line:
                    self.play(*back, run_time=line.duration)
            else:
                self.play(*back, run_time=0.8)

    def stretch_units(self, view: FitView, panel: CurvePanel, snapshot: CurveSnapshot, factor: float) -> list:
        """The animations that draw ``snapshot``'s units ``factor`` times taller (1: their true heights)."""
        moves = [
            curve.animate.set_points_as_corners(panel.plot_points(snapshot.x, factor * values))
            for curve, values in zip(view.unit_curves, snapshot.units)
        ]
        kinks = [(unit, k) for unit, unit_kinks in enumerate(snapshot.kinks) for k in unit_kinks]
        for dot, (unit, k) in zip(view.kink_dots, kinks):
            height = factor * np.interp(k, snapshot.x, snapshot.units[unit])
            moves.append(dot.animate.move_to(panel.plot_point(k, height)))
        return moves

    def enter_units_quietly(self, snapshots: list[CurveSnapshot], run_time: float):
        """The upper panel and a view of ``snapshots[0]`` drawn in, within the line already being said."""
        sums = running_sums(self.hinges, build_order(self.hinges))
        panel = self.units_panel(snapshots, sums)
        heading = self.units_heading(panel, snapshots[0].hidden_layers)
        view = FitView(snapshots[0], panel, self.outputs, self.theme, label_size=TEXT_SIZE, kink_color=self.kink_color)
        view.place_epoch_label(self.column_point(self.epoch_y))
        drawn = [Create(part) for part in (view.unit_curves, view.kink_dots, view.output_curve)]
        self.play(*self.draw_panel(panel), Fade(heading), *drawn, Fade(view.epoch_label), run_time=run_time)
        return panel, heading, view

    def train_relu(self) -> None:
        (before, _), (after, whole) = (max_fit_error(self.run, s.epoch) for s in (self.relu_sweep[0], self.hinges))
        where = "" if whole else " at the data"
        first, last = self.relu_sweep[0].epoch, self.hinges.epoch
        lines = [
            f"Training, epoch {first:,} to {last:,}: the kinks move and the units bend.",
            "The sum of the units follows the samples closer and closer.",
        ]
        start = self.relu_sweep[0]
        if self.target is not None and len(self.relu_sweep) > 1:
            # The start's largest error drawn before training moves it.
            at = self.worst_point(start.x, start.output)
            marker = self.error_marker(self.outputs, start.x, start.output, at, f"{before:.2f}")
            with self.narrate(f"At the start, its largest error is {before:.2f}.") as line:
                self.play(Create(marker[:2]), Fade(marker[2]), run_time=min(1.2, 0.4 * line.duration))
                self.wait(line.duration - min(1.2, 0.4 * line.duration))
            self.play(Fade(marker, out=True), run_time=0.4)
        self.sweep(self.relu_parts[-1], self.relu_sweep, lines)
        if self.target is None or len(self.relu_sweep) < 2:  # an imported run: no history, no drop to tell
            return
        # Said once training has reached it, with both numbers and the worst point on screen.
        x, output = self.hinges.x, self.hinges.output
        ring = self.error_marker(self.outputs, x, output, self.worst_point(x, output), "")[1]
        with self.narrate(
            f"By epoch {last:,}, the largest error{where} is down from {before:.2f} to {after:.3f}."
        ) as line:
            self.play(
                *self.show_labels(f"largest error{where}\n{before:.2f} → {after:.3f}", color=ERROR_COLOR),
                Create(ring),
                run_time=min(1.0, 0.4 * line.duration),
            )
            self.wait(line.duration - min(1.0, 0.4 * line.duration))
        self.play(*self.show_labels(None), Fade(ring, out=True), run_time=0.4)

    def add_up_hinges(self) -> None:
        view, panel = self.relu_parts[-1], self.relu_parts[0]
        silent = silent_units(self.hinges)

        def unit_text(step: int, unit: int) -> str | None:
            if step == 1:
                return "One unit at a time: where it bends (dashed), the sum bends."
            # What the unit joining does to the sum: where it pushes hardest, and which way.
            values = self.hinges.units[unit]
            at = int(np.argmax(np.abs(values)))
            way = "lifts" if values[at] > 0 else "lowers"
            return f"Unit {unit + 1} {way} the sum by up to {abs(values[at]):.2f}, near x = {fmt_x(self.hinges.x[at])}."

        if silent:
            units = " and ".join(str(u + 1) for u in silent)
            plural = "s" if len(silent) > 1 else ""
            curves = [view.unit_curves[u] for u in silent]
            others = [c for u, c in enumerate(view.unit_curves) if u not in silent]
            # The flat units lie on one another at 0: the others step back, each flat one is drawn thick in its
            # own colour (the later ones dashed over the first), and named at the panel's right end, one above
            # the line and one below.
            over = VGroup(
                *[c.copy().set_stroke(width=14 - 8 * i / len(curves), opacity=1) for i, c in enumerate(curves)]
            )
            end = panel.plot_point(self.domain[1], 0)
            tags = VGroup(
                *[
                    self.tag(f"unit {u + 1}", end, (UL if i % 2 == 0 else DL), color=view.colors[u])
                    for i, u in enumerate(silent)
                ]
            )
            said = (
                f"Unit{plural} {units} {'stay' if plural else 'stays'} 0 here: a ReLU that never turns on adds nothing."
            )
            with self.narrate(said) as line:
                # The others step back first, then the flat ones are drawn and named.
                self.play(*[c.animate.set_stroke(opacity=0.12) for c in others], run_time=0.2 * line.duration)
                self.play(
                    Create(over),
                    Fade(tags),
                    *self.show_labels(f"unit{plural} {units}:\n0 everywhere"),
                    run_time=0.4 * line.duration,
                )
                self.wait(0.2 * line.duration)
                self.play(
                    *[c.animate.set_stroke(opacity=1) for c in others],
                    Fade(over, out=True),
                    Fade(tags, out=True),
                    *self.show_labels(None),
                    run_time=0.2 * line.duration,
                )

        bias = fmt_small(self.hinges.output_bias)
        self.add_seconds = self.relu_add_seconds
        self.add_up(view, self.hinges, f"Add them up, from the output bias, {bias}.", unit_text, label_units=True)

    def mark_pieces(self) -> None:
        kinks, slivers = self.piece_marks()
        pieces, sliver_count = straight_pieces(kinks, self.domain, SLIVER_FRACTION)
        panel, x, output = self.outputs, self.hinges.x, self.hinges.output
        dots = VGroup(
            *[
                Dot(point, radius=0.075, color=self.theme.text).set_stroke(
                    self.theme.background, width=2, background=True
                )
                for point in panel.plot_points(kinks, np.interp(kinks, x, output))
            ]
        )
        boxes = VGroup()
        for left, right in slivers:
            middle = (left + right) / 2
            center = panel.plot_point(middle, float(np.interp(middle, x, output)))
            boxes.add(Rectangle(width=0.4, height=0.4, stroke_color=self.theme.text, stroke_width=3).move_to(center))
        # The pieces drawn in turn, alternately bright and dim, over the output; the sample dots step back.
        ends = np.concatenate([[self.domain[0]], kinks, [self.domain[1]]])
        strips = VGroup()
        for index, (left, right) in enumerate(zip(ends[:-1], ends[1:])):
            inside = np.concatenate([[left], x[(x > left) & (x < right)], [right]])
            shade = self.theme.muted if index % 2 == 0 else self.theme.text  # no unit's colour
            strips.add(panel.curve(inside, np.interp(inside, x, output), shade, width=7))
        self.samples_dim = [d.animate.set_opacity(0.15) for d in self.data_parts[-1]]
        text = f"Shared bends count once: {len(kinks)} kinks cut the output into {pieces} straight pieces."
        with self.narrate(text) as line:
            self.play(
                *self.samples_dim,
                LaggedStart(*[Create(strip) for strip in strips], lag_ratio=0.5),
                LaggedStart(*[GrowFromCenter(dot) for dot in dots], lag_ratio=0.3),
                *self.show_labels(f"{len(kinks)} kinks\n{pieces} straight pieces"),
                run_time=line.duration,
            )
        self.piece_strips = strips
        if sliver_count:
            narrow = fmt_number(SLIVER_FRACTION * (self.domain[1] - self.domain[0]))
            plural = "s" if sliver_count != 1 else ""
            with self.narrate(f"{sliver_count} of them are sliver{plural}, under {narrow} wide: boxed.") as line:
                labels = f"{len(kinks)} kinks\n{pieces} straight pieces\n{sliver_count} sliver{plural} (boxed)"
                self.play(Create(boxes), *self.show_labels(labels), run_time=line.duration)
        self.piece_mobjects = VGroup(dots, boxes)
        self.play(Fade(strips, out=True), *[d.animate.set_opacity(1) for d in self.data_parts[-1]], run_time=0.6)

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
        beside = " beside a sliver" if on_sliver else ""
        with self.narrate(f"Zoomed in: its largest error, {error:.3f},{beside} at x = {fmt_number(x[at])}.") as line:
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
        linear = self.linear_sweep[-1]
        line_error = max_fit_error(self.linear_run, linear.epoch)[0]
        line_fit = self.outputs.dashed_curve(linear.x, linear.output, LINE_COLOR, width=5, dashes=24)
        line_marker = self.line_error_marker(linear, self.worst_point(linear.x, linear.output), line_error)
        kinks = len(self.piece_marks()[0])
        text = f"This run's line missed by {line_error:.2f}; {kinks} kinks bring it to {error:.3f}."
        row = legend([(LINE_COLOR, True, "the linear network")], self.theme, size=TEXT_SIZE)
        row.move_to(self.column_point(self.labels_top), aligned_edge=UL)
        with self.narrate(text) as line:
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
        dots = inset.dots(kinks, self._network_at(kinks), self.kink_color, radius=0.07)
        worst = inset.plot_points(x[[at, at]], np.array([output[at], self.target_values(x[at])]))
        bar = Line(worst[0], worst[1], stroke_width=6, color=ERROR_COLOR)
        tag = self.tag(
            f"{max_fit_error(self.run, self.hinges.epoch)[0]:.3f}", bar.get_center(), UP + RIGHT, color=ERROR_COLOR
        )
        corners = self.outputs.plot_points(np.array([low, high]), np.array([y_low, y_high]))
        frame = Rectangle(width=max(corners[1][0] - corners[0][0], 0.1), height=max(corners[1][1] - corners[0][1], 0.1))
        frame.set_stroke(self.theme.muted, width=2).move_to((corners[0] + corners[1]) / 2)
        # One link, frame to the inset's top corner, clear of the inset's tick labels.
        links = VGroup(
            DashedLine(frame.get_corner(UR), inset.box.get_corner(UL), dash_length=0.08, stroke_width=1.5),
        ).set_stroke(self.theme.muted, opacity=0.6)
        return VGroup(inset, target, drawn, bar, dots, tag), frame, links

    def _network_at(self, x: np.ndarray) -> np.ndarray:
        """The network's output at ``x``, from its weights (the stored curve's grid is too coarse for the zoom)."""
        return unit_contributions(self.run.params(self.hinges.epoch), self.run.activation, x).sum(axis=0) + float(
            self.hinges.output_bias
        )
