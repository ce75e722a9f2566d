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
    Circle,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    Square,
    VGroup,
    VMobject,
)

from nnexplain.mobjects.descent import ColourBar, step_by_step, step_path
from nnexplain.mobjects.hinges import CurvePanel, Fade, fmt_number
from nnexplain.mobjects.landscape import GradientFan, LandscapePlot, PathSweep, loss_colors
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
        self.rings = rings
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
        panel.move_to([4.0, -1.2, 0])  # under the readout and the off-plane note
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
        grid = self.landscape["grid.loss"]
        swatches = VGroup()
        for value in (under[index], own[index]):  # the map's colour under the dot, then the dot's own
            rgb = loss_colors(np.array([value]), grid.min(), grid.max())[0]
            swatch = Square(0.28).set_fill("#{:02X}{:02X}{:02X}".format(*rgb), 1).set_stroke(self.theme.text, 1.5)
            swatches.add(swatch)
        rows = (f"colour under it: {under[index]:.2f}", f"its own colour: {own[index]:.2f}")
        note = VGroup(
            *(
                VGroup(swatch, label(text, self.theme, TEXT, self.theme.muted)).arrange(RIGHT, buff=0.12)
                for swatch, text in zip(swatches, rows)
            )
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        note.next_to(readout, DOWN, buff=0.15, aligned_edge=LEFT)
        with self.narrate(
            f"The path leaves this plane: under epoch {epochs[index]} the colour says {under[index]:.2f}, "
            f"not its {own[index]:.2f}."
        ) as line:
            show(index)
            self.play(Fade(self.rings, out=True), Create(ring), Animation(readout), run_time=0.3 * line.duration)
            self.remove(self.rings)
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
            text = f"Each real step used only {batch} random {self.items} of the {fmt_count(full)}: a mini-batch."
        else:
            text = f"This run stepped on all {fmt_count(full)} {self.items}; a stochastic step uses {batch}."
        coords = self.landscape["path.coords"]
        epochs = self.landscape["stochastic.epochs"]
        angles, norms = self.landscape["stochastic.angles"], self.landscape["stochastic.batch_norm"]
        fulls = self.landscape["stochastic.full_norm"]
        # Beside the map, not on it: each batch arrow is drawn in the plane it shares with the full one, where its
        # angle and length are true (a projection on the map's plane would bend both).
        fans, marks, names = VGroup(), VGroup(), VGroup()
        for slot, (index, x) in enumerate(zip((0, len(coords) - 1), (1.75, 4.9))):
            fan = GradientFan(fulls[slot], norms[slot], angles[slot], self.theme, length=1.3, color=self.batch_colour)
            fan.full.set_color(self.full_colour)
            fan.shift(np.array([x, 0.2, 0]) - fan.full.get_start())
            # The full gradient's direction, faint and dashed, so an angle can be read where the arrow is short.
            along = DashedLine(fan.full.get_start(), fan.full.get_start() + 1.3 * RIGHT, dash_length=0.1)
            fan.along = along.set_stroke(self.full_colour, 2, 0.6)
            fans.add(fan)
            marks.add(Circle(radius=0.15).set_stroke(self.theme.text, 3).move_to(self.plot.path_dots[index]))
            names.add(label(f"epoch {epochs[slot]:,}", self.theme, TEXT).move_to([x + 0.3, 1.75, 0]))
        ratio = norms[1].mean() / fulls[1]
        facts = VGroup(
            label(f"within {angles[0].max():.0f}°", self.theme, TEXT, self.batch_colour),
            VGroup(
                label(f"{angles[1].min():.0f}–{angles[1].max():.0f}° off", self.theme, TEXT, self.batch_colour),
                label(f"{ratio:.0f}× longer", self.theme, TEXT, self.batch_colour),
            ).arrange(DOWN, buff=0.08),
        )
        for fact, name in zip(facts, names):
            fact.move_to([name.get_center()[0], -1.55, 0], aligned_edge=UP)
        legend = (
            VGroup(
                label(f"teal: all {fmt_count(self.subset)} {self.items} of C", self.theme, TEXT, self.full_colour),
                label(f"orange: mini-batches of {batch}", self.theme, TEXT, self.batch_colour),
            )
            .arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            .move_to([1.0, 3.2, 0], aligned_edge=UL)
        )
        with self.narrate(text) as line:
            self.play(Fade(legend[1]), run_time=0.5 * line.duration)
        with self.narrate(
            f"At the start, mini-batches point within {angles[0].max():.0f}° of the full gradient."
        ) as line:
            self.play(Create(marks[0]), Fade(names[0]), Fade(legend[0]), run_time=0.3 * line.duration)
            self.play(
                Create(fans[0].along),
                Create(fans[0].full),
                *(Create(a) for a in fans[0].batches),
                run_time=0.4 * line.duration,
            )
            self.play(Fade(facts[0]), run_time=0.2 * line.duration)
        with self.narrate(
            f"Near the end: {ratio:.0f}× longer than it, and {angles[1].min():.0f}–{angles[1].max():.0f}° off its direction."
        ) as line:
            self.play(Create(marks[1]), Fade(names[1]), run_time=0.25 * line.duration)
            self.play(
                Create(fans[1].along),
                Create(fans[1].full),
                *(Create(a) for a in fans[1].batches),
                run_time=0.4 * line.duration,
            )
            self.play(Fade(facts[1]), run_time=0.2 * line.duration)
        self.fan_view = VGroup(fans, VGroup(*(fan.along for fan in fans)), marks, names, facts)
        self.legend = legend

    def zig_zag(self) -> None:
        batch_loss, full_loss = self.landscape["start.zigzag_batch_loss"], self.landscape["start.zigzag_full_loss"]
        zig = self.start["zigzag"]
        self.play(FadeOut(self.fan_view), run_time=self.t(0.4))  # FadeOut: Fade leaves the arrows' dark rims
        self.remove(*self.fan_view)
        steps, full_steps = len(batch_loss) - 1, len(full_loss) - 1
        batch_size = zig["batch_size"]
        count = fmt_count(self.subset)
        # C against the digits the steps have used: the claim itself, same work on one axis.
        used = np.arange(steps + 1) * batch_size
        work = max(int(used[-1]), self.subset)
        both = np.concatenate([batch_loss, full_loss])
        pad = 0.12 * float(np.ptp(both))
        chart = CurvePanel(
            (0.0, float(work)),
            (float(both.min()) - pad, float(both.max()) + pad),
            self.theme,
            3.5,
            3.0,
            x_labels=False,
            label_size=TEXT,
        )
        for value in (0, work // 2, work):  # three ticks: five would run into each other
            mark = label(fmt_count(value), self.theme, TEXT, self.theme.muted)
            chart.tick_labels.add(mark.next_to(chart.plot_point(value, chart.y_low), DOWN, buff=0.12))
        # The box placed itself: its ticks clear of the colour bar's, its end values inside the title-safe margin.
        chart.shift(np.array([3.7, 0.3, 0]) - chart.box.get_center())
        axes = VGroup(
            label("C", self.theme, TEXT, self.theme.muted).next_to(chart.box, UP, buff=0.1, aligned_edge=LEFT),
            label(f"{self.items} used", self.theme, TEXT, self.theme.muted).next_to(chart, DOWN, buff=0.08),
        )
        zig_path = step_path(chart.plot_points(used, batch_loss), self.batch_colour, 3, 0.045)
        full_points = chart.plot_points(np.array([0.0, float(self.subset)]), full_loss)
        # Nothing changes until all the digits have been used: flat, then the one step's drop.
        corner = np.array([full_points[-1][0], full_points[0][1], 0])
        full_line = VMobject().set_points_as_corners([full_points[0], corner, full_points[-1]])
        full_line.set_stroke(self.full_colour, 6)
        full_end = Dot(full_points[-1], radius=0.09, color=self.full_colour)
        right = chart.box.get_right()[0] + 0.12
        ends = VGroup(
            label(f"{full_loss[-1]:.3f}", self.theme, TEXT, self.full_colour),
            label(f"{batch_loss[-1]:.3f}", self.theme, TEXT, self.batch_colour),
        )
        ends[0].move_to([right, full_points[-1][1], 0], aligned_edge=LEFT)
        ends[1].move_to([right, zig_path[1][-1].get_center()[1], 0], aligned_edge=LEFT)
        if ends[0].get_bottom()[1] - ends[1].get_top()[1] < 0.08:  # never touching
            ends[0].shift((ends[1].get_top()[1] + 0.08 - ends[0].get_bottom()[1]) * UP)
        self.play(Fade(chart), Fade(axes), run_time=self.t(0.6))
        with self.narrate(
            f"From the start: {steps} steps of η = {fmt_number(self.lr, 3)}, each on {batch_size} {self.items}…"
        ) as line:
            self.play(step_by_step(zig_path), run_time=0.85 * line.duration)
        one = "one step" if full_steps == 1 else f"{full_steps} steps"
        with self.narrate(f"…the same work as {one} on all {count} {self.items} C is measured on.") as line:
            self.play(Create(full_line), run_time=0.5 * line.duration)
            self.play(Fade(full_end), run_time=0.2 * line.duration)
        with self.narrate(
            f"Same work: the batches reach C = {batch_loss[-1]:.3f}, the full step only {full_loss[-1]:.3f}."
        ) as line:
            self.play(
                Fade(ends),
                Indicate(zig_path[1][-1], color=self.batch_colour, scale_factor=2.0),
                run_time=0.5 * line.duration,
            )
        per_epoch = int(np.ceil(self.facts["stochastic"]["full"] / batch_size))
        trained = self.facts.get("trained_batch_size")
        ending = (
            f"Each dot of the run's path is an epoch of {per_epoch} such noisy steps."
            if trained
            else "Cheap, noisy steps like these are what “stochastic” gradient descent takes."
        )
        with self.narrate(ending) as line:
            self.play(*(dot.animate.scale(1.5) for dot in self.plot.path_dots), run_time=0.3 * line.duration)
            self.play(*(dot.animate.scale(1 / 1.5) for dot in self.plot.path_dots), run_time=0.3 * line.duration)
        with self.narrate(
            "So a network learns: every weight's slope of C, a step downhill, batch after batch."
        ) as line:
            self.play(Indicate(self.legend, color=self.theme.text, scale_factor=1.05), run_time=0.5 * line.duration)
