"""The ``descent`` scene's landscape beats: C over the plane of the training path, the run's path on it, and
mini-batches against all the data. A mixin of :class:`~nnexplain.scenes.descent.Descent`.

One colour scale means C throughout: the map's colour is C on the plane; each path dot is filled with its
snapshot's own C on the same scale, and the path leaves the plane, so where the two differ it is said and drawn.
Orange is mini-batches only, teal all the data.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Animation,
    Arrow,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    VGroup,
)

from nnexplain.mobjects.descent import ColourBar, leader, step_by_step, step_path
from nnexplain.mobjects.hinges import CurvePanel, Fade, fmt_number
from nnexplain.mobjects.landscape import GradientFan, LandscapePlot, PathSweep
from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import fmt_count, label
from nnexplain.scenes.descent_words import HEADING, TEXT

__all__ = ["LandscapeBeats"]


class LandscapeBeats:
    """whole_landscape, batch_fans and zig_zag of the descent scene."""

    def whole_landscape(self) -> None:
        self.set_heading("All the weights at once")
        plot = LandscapePlot(self.landscape, self.theme, width=5.4, height=4.3, own_colours=True)
        plot.move_to([-3.3, 0.35, 0])
        self.plot = plot
        right = label("direction 1 →", self.theme, TEXT, self.theme.muted).next_to(plot.box, DOWN, buff=0.12)
        up = (
            label("direction 2 →", self.theme, TEXT, self.theme.muted)
            .rotate(np.pi / 2)
            .next_to(plot.box, LEFT, buff=0.12)
        )
        grid = self.landscape["grid.loss"]
        scale = ColourBar(float(grid.min()), float(grid.max()), self.theme, plot.box.height, TEXT)
        scale.next_to(plot.box, RIGHT, buff=0.2).align_to(plot.box, DOWN)
        scale.shift((plot.box.get_center()[1] - scale.strip.get_center()[1]) * UP)
        self.colour_bar = scale
        with self.narrate("C over a plane of weights: the two directions the training path moved most.") as line:
            self.play(
                FadeIn(plot.image),
                FadeIn(scale),
                Create(plot.contours),
                Create(plot.box),
                Fade(right),
                Fade(up),
                run_time=line.duration,
            )
        final = Circle(radius=0.13).set_stroke(self.theme.text, 3).move_to(plot.plot_point([0.0, 0.0]))
        named = label("final weights", self.theme, TEXT).next_to(final, DOWN, buff=0.12)
        with self.narrate("Bright is high cost, dark is low.") as line:
            self.play(Indicate(scale.ticks, color=self.theme.text, scale_factor=1.15), run_time=0.6 * line.duration)
        with self.narrate("The plane passes through the final weights.") as line:
            self.play(Create(final), Fade(named), run_time=0.5 * line.duration)
        self.play(Fade(final, out=True), Fade(named, out=True), run_time=self.t(0.4))
        epochs, own = self.landscape.epochs, self.landscape["path.loss"]
        readout = (
            VGroup(
                SlotText(label(f"epoch {max(epochs):,}", self.theme, HEADING, weight="BOLD"), edge=UL),
                SlotText(label(f"its C = {max(own):.3f}", self.theme, HEADING), edge=UL),
            )
            .arrange(DOWN, aligned_edge=LEFT, buff=0.2)
            .move_to([1.55, 2.45, 0], aligned_edge=UL)
        )
        strip = self.cost_strip(epochs, own)
        self.strip = strip

        def show(index: int) -> None:
            readout[0].show(label(f"epoch {epochs[index]:,}", self.theme, HEADING, weight="BOLD"))
            readout[1].show(label(f"its C = {own[index]:.3f}", self.theme, HEADING))
            strip.reach(index)

        show(0)
        plot.show_path(0)
        with self.narrate("Each dot is a snapshot, filled with its own C on the same colour scale.") as line:
            self.play(Fade(readout), Fade(plot.path_dots), Fade(strip), run_time=0.4 * line.duration)
            self.play(Indicate(plot.path_dots[0], color=plot.dot_colours[0], scale_factor=2.0))
        sweep_seconds = max(6.0, 0.45 * (len(epochs) - 1))
        with self.narrate(
            f"The run's own path, epoch {epochs[0]} to {epochs[-1]}: C falls {own[0]:.2f} → {own[-1]:.2f}."
        ) as line:
            self.play(
                Animation(readout),
                Animation(strip),
                PathSweep(plot, on_snapshot=show, step_seconds=self.t(sweep_seconds) / max(len(epochs) - 1, 1)),
                run_time=max(line.duration, sweep_seconds),
            )
        plot.show_path(len(epochs) - 1)  # whole, as the sweep left it (and when the sweep was skipped)
        strip.reach(len(epochs) - 1)
        most = next(k for k, value in enumerate(own) if value <= own[0] - 0.9 * (own[0] - own[-1]))
        rings = VGroup(
            Circle(radius=0.15).set_stroke(self.theme.text, 3).move_to(plot.path_dots[most]),
            Circle(radius=0.12).set_stroke(self.theme.text, 3).move_to(strip.dots[most]),
        )
        with self.narrate(f"Nine tenths of that fall is done by epoch {epochs[most]}; the rest is a creep.") as line:
            show(most)
            self.play(Create(rings), Animation(readout), run_time=0.4 * line.duration)
        off = self.off_the_plane(plot, readout, show)
        self.landscape_view = VGroup(right, up, VGroup(readout, strip, rings, off))

    def cost_strip(self, epochs: np.ndarray, own: np.ndarray) -> VGroup:
        """The snapshots' own C against epoch, each dot coloured as on the map; ``reach(k)`` shows the first k + 1."""
        panel = CurvePanel(
            (float(epochs[0]), float(epochs[-1])),
            (0.0, float(np.ceil(own.max()))),
            self.theme,
            4.2,
            1.6,
            label_size=TEXT,
        )
        panel.move_to([4.0, -0.95, 0])
        names = VGroup(
            label("its C", self.theme, TEXT, self.theme.muted).next_to(panel.box, UP, buff=0.1, aligned_edge=LEFT),
            label("epoch", self.theme, TEXT, self.theme.muted).next_to(panel.box, UP, buff=0.1, aligned_edge=RIGHT),
        )
        points = panel.plot_points(epochs, own)
        all_dots = [
            Dot(point, radius=0.06, color=colour).set_stroke(self.theme.text, 1, 1)
            for point, colour in zip(points, self.plot.dot_colours)
        ]
        strip = VGroup(panel, names)
        strip.dots = VGroup()
        strip.add(strip.dots)

        def reach(index: int) -> None:
            while len(strip.dots) < index + 1:
                strip.dots.add(all_dots[len(strip.dots)])

        strip.reach = reach
        return strip

    def off_the_plane(self, plot: LandscapePlot, readout: VGroup, show) -> VGroup:
        """The snapshot whose own C differs most from the plane's colour under it: both numbers, side by side."""
        epochs, own, under = self.landscape.epochs, self.landscape["path.loss"], self.landscape["path.surface_loss"]
        index = int(np.argmax(np.abs(under - own)))
        if abs(under[index] - own[index]) <= 0.05 * own[index]:
            return VGroup()
        ring = VGroup(
            Circle(radius=0.17).set_stroke(self.theme.text, 3).move_to(plot.path_dots[index]),
            Circle(radius=0.12).set_stroke(self.theme.text, 3).move_to(self.strip.dots[index]),
        )
        note = label(f"colour under it: C = {under[index]:.2f}", self.theme, TEXT, self.theme.muted)
        note.next_to(readout, DOWN, buff=0.15, aligned_edge=LEFT)
        with self.narrate(
            f"The path leaves this plane: under epoch {epochs[index]} the colour says {under[index]:.2f}, "
            f"not its {own[index]:.2f}."
        ) as line:
            show(index)
            self.play(Create(ring), Animation(readout), run_time=0.3 * line.duration)
            self.play(Fade(note), run_time=0.3 * line.duration)
        return VGroup(ring, note)

    def batch_fans(self) -> None:
        stochastic = self.facts["stochastic"]
        batch, full = stochastic["batch_size"], stochastic["full"]
        trained = self.facts.get("trained_batch_size")
        self.play(Fade(self.landscape_view[2:], out=True), run_time=self.t(0.4))
        self.remove(*self.landscape_view[2:])
        self.set_heading("Why “stochastic”")
        if trained:
            text = f"Each real step used only {batch} {self.items} of the {fmt_count(full)}: a mini-batch."
        else:
            text = f"This run stepped on all {fmt_count(full)} {self.items}; a stochastic step uses {batch}."
        coords = self.landscape["path.coords"]
        where = [0, len(coords) - 1]
        fans = VGroup()
        for slot, index in enumerate(where):
            fan = GradientFan(
                float(self.landscape["stochastic.full_norm"][slot]),
                self.landscape["stochastic.batch_norm"][slot],
                self.landscape["stochastic.angles"][slot],
                self.theme,
                length=1.2,
                color=self.batch_colour,
            )
            downhill = self.landscape["stochastic.downhill"][slot]
            fan.rotate(np.arctan2(downhill[1], downhill[0]), about_point=fan.full.get_start())
            fan.shift(self.plot.plot_point(coords[index]) - fan.full.get_start())
            fan.full.set_color(self.full_colour)
            for arrow in [*fan.batches, fan.full]:  # a dark rim keeps them visible on the bright slopes
                arrow.set_stroke(self.theme.background, width=8, background=True)
            fans.add(fan)
        legend = (
            VGroup(
                label("teal: all the data", self.theme, TEXT, self.full_colour),
                label(f"orange: {stochastic['batches']} mini-batches", self.theme, TEXT, self.batch_colour),
            )
            .arrange(DOWN, aligned_edge=LEFT, buff=0.2)
            .move_to([1.2, 2.2, 0], aligned_edge=UL)
        )
        angles, norms = self.landscape["stochastic.angles"], self.landscape["stochastic.batch_norm"]
        fulls = self.landscape["stochastic.full_norm"]
        with self.narrate(text) as line:
            self.play(Fade(legend[1]), run_time=0.5 * line.duration)
        with self.narrate(
            f"At the start, mini-batches point within {angles[0].max():.0f}° of the full gradient."
        ) as line:
            self.play(
                Fade(legend[0]),
                Create(fans[0].full),
                *(Create(a) for a in fans[0].batches),
                run_time=0.6 * line.duration,
            )
        ratio = norms[1].mean() / fulls[1]
        with self.narrate(
            f"Near the end: {ratio:.0f}× longer than it, and {angles[1].min():.0f}–{angles[1].max():.0f}° off its direction."
        ) as line:
            self.play(Create(fans[1].full), *(Create(a) for a in fans[1].batches), run_time=0.6 * line.duration)
        self.fan_view = VGroup(fans, legend)

    def zig_zag(self) -> None:
        batch_xy, full_xy = self.landscape["start.zigzag_batch"], self.landscape["start.zigzag_full"]
        batch_loss, full_loss = self.landscape["start.zigzag_batch_loss"], self.landscape["start.zigzag_full_loss"]
        zig = self.start["zigzag"]
        self.play(FadeOut(self.fan_view), run_time=self.t(0.4))  # FadeOut: Fade leaves the arrows' dark rims
        self.remove(*self.fan_view)
        both = np.vstack([batch_xy, full_xy])
        span = max(np.ptp(both[:, 0]), np.ptp(both[:, 1]), 1e-9)
        box_w, box_h = 4.0, 3.5
        scale = 0.85 * min(box_w / max(np.ptp(both[:, 0]), 1e-9), box_h / max(np.ptp(both[:, 1]), span * 0.3))
        centre = (both.max(axis=0) + both.min(axis=0)) / 2
        origin = np.array([4.3, 0.05, 0])

        def to_scene(xy: np.ndarray) -> np.ndarray:
            shifted = (np.asarray(xy) - centre) * scale
            return np.column_stack([shifted, np.zeros(len(shifted))]) + origin

        orange, teal = self.batch_colour, self.full_colour
        zig_path = step_path(to_scene(batch_xy), orange, 4)
        full_points = to_scene(full_xy)
        full_arrow = Arrow(full_points[0], full_points[-1], buff=0, stroke_width=9, color=teal)
        full_arrow.max_tip_length_to_length_ratio = 0.45
        full_arrow.set_z_index(1)  # over the first mini-batch step, which starts the same way and runs on past it
        steps, full_steps = len(batch_xy) - 1, len(full_xy) - 1
        count = fmt_count(self.subset)
        # Tied to the path's first point by a link routed under the map, its axis name and its colour bar, never
        # across them; it comes up into the close-up's start from below, left of every step.
        start = self.plot.plot_point(self.landscape["path.coords"][0])
        target = zig_path[1][0].get_center()
        below = min(self.landscape_view[0].get_bottom()[1], self.colour_bar.get_bottom()[1]) - 0.12
        link = leader([start, [start[0], below, 0], [target[0], below, 0], target], self.theme.muted)
        title = VGroup(
            label(f"epoch {self.start['epoch']:,}, close up,", self.theme, TEXT, self.theme.muted),
            label(f"plane: {zig['captured']:.0%} of the zig-zag", self.theme, TEXT, self.theme.muted),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        title.move_to([1.0, 3.15, 0], aligned_edge=UL)
        at_start = label(f"C = {batch_loss[0]:.3f}", self.theme, TEXT, self.theme.muted)
        at_start.next_to(zig_path[1][0], LEFT, buff=0.15)
        self.play(Create(link), Fade(title), Fade(at_start), run_time=self.t(0.8))
        with self.narrate(
            f"From the start: {steps} steps of η = {fmt_number(self.lr, 3)}, each on {zig['batch_size']} {self.items}…"
        ) as line:
            self.play(step_by_step(zig_path), run_time=0.85 * line.duration)
        work = "one step" if full_steps == 1 else f"{full_steps} steps"
        full_end = label(f"{work} on all: C = {full_loss[-1]:.3f}", self.theme, TEXT, teal)
        full_end.next_to(full_arrow, UP, buff=0.12)
        full_end.shift(min(0, 6.65 - full_end.get_right()[0]) * RIGHT)
        with self.narrate(f"…the same work as {work} on all {count} {self.items} C is measured on.") as line:
            self.play(Create(full_arrow), run_time=0.5 * line.duration)
            self.play(Fade(full_end), run_time=0.3 * line.duration)
        batch_end = VGroup(
            label(f"{steps} batch steps:", self.theme, TEXT, orange),
            label(f"C = {batch_loss[-1]:.3f}", self.theme, TEXT, orange),
        ).arrange(DOWN, buff=0.08)
        batch_end.next_to(zig_path[1][-1], DOWN, buff=0.15)
        batch_end.shift(min(0, 6.65 - batch_end.get_right()[0]) * RIGHT)
        with self.narrate(
            f"Same work: the batches reach C = {batch_loss[-1]:.3f}, the full step only {full_loss[-1]:.3f}."
        ) as line:
            self.play(
                Fade(batch_end), Indicate(zig_path[1][-1], color=orange, scale_factor=2.0), run_time=0.5 * line.duration
            )
        per_epoch = int(np.ceil(self.facts["stochastic"]["full"] / zig["batch_size"]))
        trained = self.facts.get("trained_batch_size")
        ending = (
            f"Each dot of the run's path is an epoch of {per_epoch} such noisy steps."
            if trained
            else "Cheap, noisy steps like these are what “stochastic” gradient descent takes."
        )
        with self.narrate(ending) as line:
            self.play(*(dot.animate.scale(1.5) for dot in self.plot.path_dots), run_time=0.3 * line.duration)
            self.play(*(dot.animate.scale(1 / 1.5) for dot in self.plot.path_dots), run_time=0.3 * line.duration)
