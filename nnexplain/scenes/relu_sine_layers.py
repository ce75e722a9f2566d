"""The ReLU half of ``relu-sine``: the first layer's hinges, two units of the second, training, and the units added up.

The first layer is drawn as what it is, each unit a hinge max(0, w·x + b) with its kink at
x = −b/w ticked under it; the hinges then fold flat into their ticks, which stay on the axis
of every panel after: a unit of the last hidden layer can bend only there or where it turns on
itself. Two such units are shown at the start on a zoomed axis (labelled with their true
values), then all eight at their true heights. Training plays every recorded snapshot of the
stretch where the output takes its shape, then a few of the rest; the ticks move with the
weights and a readout beside the epoch counter gives each snapshot's largest error.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Create,
    DashedLine,
    GrowFromCenter,
    Indicate,
    LaggedStart,
    VGroup,
    there_and_back,
)

from nnexplain.geometry.hinges import (
    CurveSnapshot,
    build_order,
    curve_snapshot,
    hinge_kinks,
    max_fit_error,
    running_sums,
    silent_units,
    unit_bends,
)
from nnexplain.mobjects.hinges import (
    CurvePanel,
    Fade,
    FitView,
    SnapshotSweep,
    fmt_number,
    fmt_small,
    fmt_x,
    padded_range,
)
from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import formula, label
from nnexplain.mobjects.sweep_marks import AxisTicks, MarksSweep, spread_positions
from nnexplain.run.network import forward_trace
from nnexplain.run.schedule import spread_epochs
from nnexplain.scenes.base.hinge_story import ERROR_COLOR, TEXT_SIZE, HingeStory, in_turn

__all__ = ["ReluLayers", "forming_stretch"]

FORMED_SHARE = 0.8  # the output has "taken its shape" once it has moved this share of all its training moves


def forming_stretch(snapshots: list[CurveSnapshot], share: float = FORMED_SHARE) -> int:
    """How many of ``snapshots`` (in epoch order) it takes for the output to make ``share`` of its total movement
    (the sum of the largest change between consecutive snapshots): the stretch where the fit takes its shape."""
    moves = np.array([np.max(np.abs(b.output - a.output)) for a, b in zip(snapshots, snapshots[1:])])
    if not len(moves) or moves.sum() <= 0:
        return len(snapshots)
    return int(np.searchsorted(np.cumsum(moves) / moves.sum(), share)) + 2


class ReluLayers(HingeStory):
    """The beats of the ReLU network; ``ReluSine`` tells the linear one first and the pieces after."""

    relu_add_seconds = 2.6
    later_snapshots = 8  # snapshots shown after the forming stretch, where training only refines

    def relu_snapshots(self) -> tuple[list[CurveSnapshot], int]:
        """Every recorded snapshot up to where the output has taken its shape, then ``later_snapshots`` of the rest;
        and how many belong to the first stretch."""
        every = [curve_snapshot(self.run, epoch) for epoch in self.run.epochs]
        formed = min(forming_stretch(every), len(every))
        later = spread_epochs([s.epoch for s in every[formed - 1 :]], self.later_snapshots + 1)
        by_epoch = {s.epoch: s for s in every}
        return every[:formed] + [by_epoch[e] for e in later[1:]], formed

    # Beats ------------------------------------------------------------------

    def introduce_relu(self) -> None:
        panel, heading, view = self.linear_parts
        z = np.linspace(-1, 1, 41)
        relu = CurvePanel((-1.0, 1.0), (-0.25, 1.1), self.theme, 1.8, 1.1, x_labels=False, label_size=TEXT_SIZE)
        relu.remove(relu.tick_labels)
        drawing = VGroup(relu, relu.curve(z, np.maximum(0, z), self.theme.text, width=4))
        self.relu_sign = VGroup(drawing, formula("max(0, z)", self.theme, 40)).arrange(RIGHT, buff=0.3)
        with self.narrate(f"Now {self.shape} with ReLU, max(0, z), between the layers.") as line:
            self.play(
                *[Fade(part, out=True) for part in (panel, heading, view)],
                *self.show_labels(self.relu_sign),
                run_time=line.duration,
            )
        self.remove(panel, heading, view)

    def first_layer(self) -> None:
        """Layer 1's hinges at the start, each kink ticked; then they fold flat into their ticks."""
        start = self.relu_sweep[0]
        weight, bias = self.run.params(start.epoch)[0]
        x = start.x
        hinges = np.maximum(0.0, np.outer(weight[:, 0], x) + bias[:, None])  # (units, x)
        top = max(float(hinges.max()), 1e-6)
        panel = self.panel_in(self.units_box, (-0.08 * top, 1.08 * top), x_labels=False)
        heading = self.panel_heading(panel, "hidden layer 1 at the start: 8 hinges")
        curves = VGroup(*[panel.curve(x, values, self.theme.muted, width=2.5) for values in hinges])
        kinks = hinge_kinks(self.run.params(start.epoch))
        self.first_ticks = AxisTicks(panel, kinks, self.theme.text)
        inside = int(np.sum(np.isfinite(kinks) & (kinks > self.domain[0]) & (kinks < self.domain[1])))
        shown = VGroup(
            self.relu_sign.copy(),
            formula("max(0, w x + b)", self.theme, 40),
            VGroup(label("kink at", self.theme, size=TEXT_SIZE), formula("x = -b/w", self.theme, 40)).arrange(
                RIGHT, buff=0.15
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        with self.narrate("Layer 1: each unit is a hinge, max(0, w·x + b), bent at x = −b/w (ticks).") as line:
            self.play(*self.draw_panel(panel), Fade(heading), *self.show_labels(shown), run_time=0.3 * line.duration)
            self.play(
                LaggedStart(*[Create(c) for c in curves], lag_ratio=0.15),
                LaggedStart(*[Create(t) for t in self.first_ticks], lag_ratio=0.15),
                run_time=0.7 * line.duration,
            )
        away = [
            u for u in range(len(kinks)) if np.isfinite(kinks[u]) and not self.domain[0] < kinks[u] < self.domain[1]
        ]
        said = f"{inside} of the {len(kinks)} kinks fall inside the data"
        pointer = VGroup()
        if len(away) == 1:
            unit, kink = away[0], kinks[away[0]]
            said += f"; L1 unit {unit + 1}'s is at x = {fmt_number(kink)}"
            side = panel.domain[0] if kink < panel.domain[0] else panel.domain[1]
            arrow = "← " if kink < panel.domain[0] else ""
            text = f"{arrow}L1 unit {unit + 1}: kink at {fmt_number(kink)}{'' if arrow else ' →'}"
            pointer = self.tag(text, panel.plot_point(side, 0.55 * top), RIGHT if arrow else LEFT, self.theme.text)
        counts = self.coinciding_ticks(panel, kinks)
        with self.narrate(said + ".") as line:
            self.play(
                Indicate(self.first_ticks, color=self.theme.text, scale_factor=1.3),
                Fade(counts),
                Fade(pointer),
                run_time=line.duration,
            )
        with self.narrate("Between the ticks every hinge is straight, and so is any sum of them.") as line:
            self.play(
                curves.animate.set_stroke(opacity=0.3),
                Fade(VGroup(counts, pointer), out=True),
                run_time=0.5 * line.duration,
            )
            self.play(Indicate(self.first_ticks, color=self.theme.text, scale_factor=1.3), run_time=0.5 * line.duration)
        self.remove(counts, pointer)
        self.first_panel, self.first_heading, self.first_curves = panel, heading, curves

    def coinciding_ticks(self, panel: CurvePanel, kinks: np.ndarray, apart: float = 0.1) -> VGroup:
        """ "×2" (or ×3…) over ticks that stand closer than ``apart`` scene units, so they read as one: the count of
        kinks there, so the ticks seen add up to the number said."""
        inside = np.sort(kinks[np.isfinite(kinks) & (kinks > self.domain[0]) & (kinks < self.domain[1])])
        across = np.array([panel.plot_point(k, 0)[0] for k in inside])
        groups = np.split(across, np.flatnonzero(np.diff(across) >= apart) + 1) if len(across) else []
        top = panel.box.get_bottom()[1] + self.first_ticks.tick_height
        places = [group.mean() for group in groups if len(group) > 1]
        tags = VGroup(
            *[self.tag(f"×{len(g)}", np.array([0, top, 0]), UP, color=self.theme.text) for g in groups if len(g) > 1]
        )
        if len(tags):  # side by side where they would overlap, each over its ticks as far as that allows
            for tag, at in zip(tags, spread_positions(np.array(places), max(t.width for t in tags) + 0.22)):
                tag.set_x(at)
        return tags

    def second_layer(self) -> None:
        """One unit of layer 2 built in three steps on a zoomed axis: the sum z of the hinges (straight between the
        ticks), ReLU folding z's part below 0 onto 0 (a new bend, dotted, where z crosses 0), times its output
        weight; a second unit built the same way; then all eight at their true heights."""
        start = self.relu_sweep[0]
        params = self.run.params(start.epoch)
        first, second = self.units_to_zoom(start)
        x = start.x
        z = forward_trace(params[:2], self.run.activation, "identity", x[:, None])[-1][0][:, first]
        weight = float(params[-1][0][0, first])
        y_range = padded_range([z, start.units[first], start.units[second]])
        zoom = self.panel_in(self.units_box, y_range, x_labels=False)
        colors = [self.theme.palette[u % len(self.theme.palette)] for u in range(len(start.units))]
        name = f"L2 unit {first + 1}"
        headings = [
            self.panel_heading(zoom, f"{name}: z = Σ w·hinge + b"),
            self.panel_heading(zoom, f"{name}: max(0, z)"),
            self.panel_heading(zoom, f"{name} adds {fmt_number(weight)} · max(0, z)"),
        ]
        curve = zoom.curve(x, z, colors[first], width=5)
        inside = hinge_kinks(params)
        inside = inside[np.isfinite(inside) & (inside > self.domain[0]) & (inside < self.domain[1])]
        guides = VGroup(*[self.panel_guide(zoom, k, self.theme.muted) for k in inside])
        own = start.kinks[first]
        dots = zoom.dots(own, np.zeros_like(own), colors[first], radius=0.085)
        with self.narrate(f"{name} first sums the hinges: z = Σ w·hinge + b, straight between ticks.") as line:
            self.play(
                *self.swap_panel(self.first_panel, zoom),
                Fade(self.first_curves, out=True),
                in_turn(Fade(self.first_heading, out=True), Fade(headings[0])),
                *self.show_labels(None),
                run_time=0.4 * line.duration,
            )
            self.remove(self.first_curves)
            self.play(
                Create(curve), LaggedStart(*[Create(g) for g in guides], lag_ratio=0.2), run_time=0.6 * line.duration
            )
        with self.narrate("ReLU sets the part of z below 0 to 0: a new bend where z crosses 0 (dot).") as line:
            self.play(
                curve.animate.set_points_as_corners(zoom.plot_points(x, np.maximum(0.0, z))),
                in_turn(Fade(headings[0], out=True), Fade(headings[1])),
                run_time=0.6 * line.duration,
            )
            self.play(GrowFromCenter(dots), run_time=0.4 * line.duration)
        contribution = start.units[first]
        with self.narrate(f"Times its output weight, {fmt_number(weight)}: what it adds to the output.") as line:
            self.play(
                curve.animate.set_points_as_corners(zoom.plot_points(x, contribution)),
                *[d.animate.move_to(zoom.plot_point(k, np.interp(k, x, contribution))) for d, k in zip(dots, own)],
                in_turn(Fade(headings[1], out=True), Fade(headings[2])),
                run_time=line.duration,
            )
        heading = headings[2]
        # Both units' contributions are small beside z: the axis zooms in (relabelled) before the second is drawn.
        closer = self.panel_in(self.units_box, padded_range([contribution, start.units[second]]), x_labels=False)
        other = closer.curve(x, start.units[second], colors[second], width=5)
        other_dots = closer.dots(
            start.kinks[second], np.interp(start.kinks[second], x, start.units[second]), colors[second], radius=0.085
        )
        both = self.panel_heading(closer, f"L2 units {first + 1} and {second + 1} add (axis zoomed)")
        with self.narrate(self.second_unit_text(start, second)) as line:
            self.play(
                *self.swap_panel(zoom, closer),
                curve.animate.set_points_as_corners(closer.plot_points(x, contribution)),
                *[d.animate.move_to(closer.plot_point(k, np.interp(k, x, contribution))) for d, k in zip(dots, own)],
                in_turn(Fade(heading, out=True), Fade(both)),
                run_time=0.35 * line.duration,
            )
            self.play(Create(other), run_time=0.35 * line.duration)
            self.play(GrowFromCenter(other_dots), run_time=0.3 * line.duration)
        zoom = closer
        curves, dots, heading = VGroup(curve, other), VGroup(dots, other_dots), both
        sums = running_sums(self.hinges, build_order(self.hinges))
        panel = self.units_panel(self.relu_sweep, sums)
        unit_heading = self.units_heading(panel, start.hidden_layers)
        view = FitView(start, panel, self.outputs, self.theme, label_size=TEXT_SIZE, kink_color=self.kink_color)
        view.place_epoch_label(self.column_point(self.epoch_y))
        with self.narrate("All eight at their true heights: their sum plus the output bias is the output.") as line:
            self.play(
                Fade(VGroup(curves, dots, guides), out=True),
                *self.swap_panel(zoom, panel),
                in_turn(Fade(heading, out=True), Fade(unit_heading)),
                run_time=0.4 * line.duration,
            )
            self.remove(curves, dots, guides)
            drawn = [Create(part) for part in (view.unit_curves, view.kink_dots, view.output_curve)]
            self.play(*drawn, Fade(view.epoch_label), run_time=0.6 * line.duration)
        self.bring_to_front(self.first_ticks)
        self.relu_parts = (panel, unit_heading, view)

    def panel_guide(self, panel: CurvePanel, x: float, color: str) -> DashedLine:
        """A dashed line across ``panel`` at ``x``."""
        across = panel.plot_point(x, 0)[0]
        line = DashedLine([across, panel.box.get_bottom()[1], 0], [across, panel.box.get_top()[1], 0], dash_length=0.08)
        return line.set_stroke(color, width=2, opacity=0.7)

    def first_layer_ticks(self, epoch: int) -> np.ndarray:
        """Layer 1's kinks inside the data at ``epoch``."""
        kinks = hinge_kinks(self.run.params(epoch))
        return kinks[np.isfinite(kinks) & (kinks > self.domain[0]) & (kinks < self.domain[1])]

    def units_to_zoom(self, snapshot: CurveSnapshot, clear: float = 0.3) -> list[int]:
        """Two units to follow at the start, of those that turn on inside the data. First (built step by step) one
        whose turn-on lies at least ``clear`` from every tick and which is on across a tick, so it shows both kinds
        of bend, if there is one; then by how far they reach (so their bends can be seen). First the one built."""
        reach = np.max(np.abs(snapshot.units), axis=1)
        ticks = self.first_layer_ticks(snapshot.epoch)
        params = self.run.params(snapshot.epoch)
        z = forward_trace(params[:2], self.run.activation, "identity", snapshot.x[:, None])[-1][0]

        def shows_both(unit: int) -> bool:
            own = snapshot.kinks[unit]
            apart = len(ticks) == 0 or all(np.min(np.abs(ticks - k)) >= clear for k in own)
            return apart and bool(np.any(np.interp(ticks, snapshot.x, z[:, unit]) > 0))

        turning = [u for u in range(len(reach)) if len(snapshot.kinks[u]) and reach[u] > 0]
        pool = turning if len(turning) >= 2 else [u for u in range(len(reach)) if reach[u] > 0] or [0]
        ranked = sorted(pool, key=lambda u: (not shows_both(u), -reach[u]))
        return ranked[:2] if len(ranked) > 1 else [ranked[0], ranked[0]]

    def second_unit_text(self, snapshot: CurveSnapshot, unit: int) -> str:
        """What the second unit shows: where it bends, as drawn (at ticks only while it is on)."""
        bends = unit_bends(self.run.params(snapshot.epoch), self.run.activation, self.domain)[unit]
        own = snapshot.kinks[unit]
        at_ticks = [b for b in bends if np.min(np.abs(own - b), initial=np.inf) > 1e-9]
        if at_ticks:
            return f"L2 unit {unit + 1}: it bends at ticks while it is on, and where it turns on (dots)."
        return f"L2 unit {unit + 1} is off over every tick: it bends only where it turns on or off (dots)."

    def train_relu(self) -> None:
        (before, _), (after, whole) = (max_fit_error(self.run, s.epoch) for s in (self.relu_sweep[0], self.hinges))
        where = "" if whole else " at the data"
        view, start = self.relu_parts[-1], self.relu_sweep[0]
        if self.target is None or len(self.relu_sweep) < 2:
            self.sweep(view, self.relu_sweep, ["This run records no training, only its final weights."])
            return
        at = self.worst_point(start.x, start.output)
        marker = self.error_marker(self.outputs, start.x, start.output, at, f"{before:.2f}")
        errors = [max_fit_error(self.run, s.epoch)[0] for s in self.relu_sweep]
        # As the narration writes them: two decimals, three below 0.1 (1.33 at the start, 0.028 at the end).
        shown = [f"{e:.2f}" if e >= 0.1 else f"{e:.3f}" for e in errors]
        texts = [label(f"largest error {e}", self.theme, size=TEXT_SIZE, color=ERROR_COLOR) for e in shown]
        readout = SlotText(texts[0], slots=max(len(t.family_members_with_points()) for t in texts))
        readout.move_to(self.column_point(self.epoch_y - 0.45), aligned_edge=LEFT)
        with self.narrate(f"At the start, its largest error is {before:.2f}.") as line:
            self.play(Create(marker[:2]), Fade(marker[2]), Fade(readout), run_time=min(1.2, 0.4 * line.duration))
            self.wait(line.duration - min(1.2, 0.4 * line.duration))
        self.play(Fade(marker, out=True), run_time=0.4)
        kinks = [hinge_kinks(self.run.params(s.epoch)) for s in self.relu_sweep]
        formed = self.formed
        stretches = [
            (
                0,
                formed - 1,
                f"Training to epoch {self.relu_sweep[formed - 1].epoch:,}: ticks move, units bend, the sum takes shape.",
                12.0,
            ),
            (
                formed - 1,
                len(self.relu_sweep) - 1,
                f"On to epoch {self.hinges.epoch:,}: small moves, and the error keeps falling.",
                4.0,
            ),
        ]
        for first, last, text, seconds in stretches:
            if last <= first:
                continue
            part = self.relu_sweep[first : last + 1]
            moves = np.array([np.max(np.abs(b.output - a.output)) for a, b in zip(part, part[1:])])
            # Time follows the change, but no step is over 3× the typical one: the counter never sticks.
            typical = float(np.median(moves)) or 1e-9
            weights = np.clip(moves, 0.5 * typical, 3 * typical)
            with self.narrate(text) as line:
                run_time = max(seconds, line.duration)
                self.play(
                    SnapshotSweep(view, part, weights=weights, run_time=run_time),
                    MarksSweep(
                        self.first_ticks,
                        readout,
                        kinks[first : last + 1],
                        texts[first : last + 1],
                        weights=weights,
                        run_time=run_time,
                    ),
                )
        x, output = self.hinges.x, self.hinges.output
        ring = self.error_marker(self.outputs, x, output, self.worst_point(x, output), "")[1]
        with self.narrate(
            f"By epoch {self.hinges.epoch:,}, the largest error{where} is down from {before:.2f} to {after:.3f}."
        ) as line:
            self.play(
                Create(ring),
                readout.animate(rate_func=there_and_back).scale(1.15, about_edge=LEFT),
                run_time=min(1.2, 0.4 * line.duration),
            )
            self.wait(line.duration - min(1.2, 0.4 * line.duration))
        self.play(Fade(ring, out=True), Fade(readout, out=True), run_time=0.4)
        self.remove(readout)

    def add_up_hinges(self) -> None:
        view, panel = self.relu_parts[-1], self.relu_parts[0]
        silent = silent_units(self.hinges)

        def unit_text(step: int, unit: int) -> str | None:
            # What the unit joining does to the sum: where it pushes hardest, and which way.
            values = self.hinges.units[unit]
            at = int(np.argmax(np.abs(values)))
            way = "lifts" if values[at] > 0 else "lowers"
            return f"Unit {unit + 1} {way} the sum by up to {abs(values[at]):.2f}, near x = {fmt_x(self.hinges.x[at])}."

        if silent:
            self.name_silent_units(view, panel, silent)
        bias = fmt_small(self.hinges.output_bias)
        self.add_seconds = self.relu_add_seconds
        self.add_up(
            view,
            self.hinges,
            f"From the output bias, {bias}: where a unit bends (dashed), the sum bends.",
            unit_text,
            label_units=True,
        )

    def name_silent_units(self, view: FitView, panel: CurvePanel, silent: list[int]) -> None:
        """The units that never turn on, drawn thick in their colours over the others dimmed, and named."""
        units = " and ".join(str(u + 1) for u in silent)
        plural = "s" if len(silent) > 1 else ""
        curves = [view.unit_curves[u] for u in silent]
        others = [c for u, c in enumerate(view.unit_curves) if u not in silent]
        # The flat units lie on one another at 0: each is drawn thick in its own colour (the later ones thinner,
        # over the first), and named at the panel's right end, one above the line and one below.
        over = VGroup(*[c.copy().set_stroke(width=14 - 8 * i / len(curves), opacity=1) for i, c in enumerate(curves)])
        end = panel.plot_point(self.domain[1], 0)
        tags = VGroup(
            *[
                self.tag(f"unit {u + 1}", end, (UL if i % 2 == 0 else DOWN + LEFT), color=view.colors[u])
                for i, u in enumerate(silent)
            ]
        )
        said = f"Unit{plural} {units} {'stay' if plural else 'stays'} 0 here: a ReLU that never turns on adds nothing."
        with self.narrate(said) as line:
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
