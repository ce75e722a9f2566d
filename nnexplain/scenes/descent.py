"""descent: how a network learns, on its own loss, from its real gradients and its real training path.

Three beats, every number from the run's stored landscape (:mod:`nnexplain.run.landscape`,
computed once by ``nnexplain landscape`` or before this scene renders):

1. **One weight.** The loss as the weight with the largest gradient moves, the others held
   at their trained values; the tangent at the trained value has backprop's slope, and the
   step −η·slope uses the run's learning rate.
2. **Two directions.** The loss on the plane of the training path's two main directions,
   the path played on it snapshot by snapshot, each snapshot's own loss beside the surface
   under it (they differ: the path leaves the plane).
3. **Why "stochastic".** Mini-batch gradients against the full-batch gradient, at the first
   and the last snapshot: their angles and lengths, in the whole parameter space.

    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/descent.py Descent

Each beat's captions are its narration (:meth:`~nnexplain.scenes.base.run_scene.RunSceneMixin.say`), each
held until read. Subclass to change the pace (``pace`` scales every animation, ``snapshot_seconds``: per
snapshot of the path) or colours (``theme``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, UP, Animation, Arrow, Create, Dot, FadeIn, FadeOut, Line, VGroup

from nnexplain.mobjects.hinges import CurvePanel, Fade, fmt_number, paragraph
from nnexplain.mobjects.landscape import GradientFan, LandscapePlot, PathSweep
from nnexplain.mobjects.slot_text import SlotText
from nnexplain.mobjects.style import fmt_count, label
from nnexplain.run.landscape import read_landscape
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["Descent"]


def _signed(value: float, digits: int = 4) -> str:
    return f"{value:.{digits}g}".replace("-", "−")


class Descent(RunScene):
    scene_name = "descent"
    snapshot_seconds: ClassVar[float] = 0.4  # per snapshot of the path, at pace 1

    column_left: ClassVar[float] = 0.75
    column_width: ClassVar[float] = 6.1
    caption_size: ClassVar[float] = 20

    def setup(self) -> None:
        super().setup()
        self.landscape = read_landscape(self.run)
        self.facts = self.landscape.info
        self.parameters = self.run.network.parameter_count
        self.examples = self.facts["subset"]["first"]
        self.items = "digits" if self.run.dataset.get("name", "").startswith("mnist") else "examples"
        self.loss_name = "cross-entropy" if self.run.output == "softmax" else "squared error"

    def construct(self) -> None:
        self.beat("title")
        self.show_title()
        self.beat("one weight")
        self.one_weight()
        self.beat("two directions")
        self.two_directions()
        self.beat("why stochastic")
        self.stochastic()

    # --- beats -------------------------------------------------------------

    def show_title(self) -> None:
        self.say(self.title_note())  # no caption: the title and its subtitle are labels
        title = label("How a network learns: downhill on its loss", self.theme, 30, weight="BOLD").to_corner(
            UP + LEFT, buff=0.3
        )
        shape = "-".join(map(str, self.run.layers))
        subset = f"loss: {self.loss_name} on {fmt_count(self.examples)} of {fmt_count(self.facts['subset']['of'])} training {self.items}"
        subtitle = label(
            f"trained {shape} {self.run.activation} network, {fmt_count(self.parameters)} parameters  ·  {subset}",
            self.theme,
            17,
            self.theme.muted,
        )
        self.header = VGroup(title, subtitle.next_to(title, DOWN, buff=0.1, aligned_edge=LEFT))
        self.play(FadeIn(self.header, shift=0.1 * DOWN), run_time=self.t(1.0))

    def one_weight(self) -> None:
        weight = self.facts["weight"]
        value, slope = weight["value"], weight["gradient"]
        offsets, losses = self.landscape["weight.offsets"], self.landscape["weight.loss"]
        w = value + offsets
        low, high = float(losses.min()), float(losses.max())
        pad = 0.1 * (high - low)
        panel = CurvePanel((float(w[0]), float(w[-1])), (low - pad, high + pad), self.theme, 6.2, 4.2)
        panel.shift(np.array([-3.35, -0.55, 0]) - panel.box.get_center())
        x_name = label(f"w, the weight {self.weight_name(weight)}", self.theme, 17, self.theme.muted).next_to(
            panel.box, DOWN, buff=0.45
        )
        y_name = label("loss", self.theme, 17, self.theme.muted).next_to(panel.box, UP, buff=0.1, aligned_edge=LEFT)
        curve = panel.curve(w, losses, self.theme.text, 4)
        here = panel.plot_point(value, losses[len(losses) // 2])
        dot = Dot(here, radius=0.08, color=self.theme.highlight)
        self.play(Create(panel), FadeIn(x_name), FadeIn(y_name), run_time=self.t(1.0))
        self.tell(
            f"Hold {fmt_count(self.parameters - 1)} weights and biases at their trained\n"
            f"values and move one. The loss traces this curve.\n"
            f"The dot is the trained value, w = {fmt_number(value, 3)}."
        )
        self.play(Create(curve), run_time=self.t(1.5))  # drawn while the caption is read
        self.play(FadeIn(dot, scale=0.5), run_time=self.t(0.5))
        reach = 0.22 * (w[-1] - w[0])
        tangent = Line(
            panel.plot_point(value - reach, losses[len(losses) // 2] - reach * slope),
            panel.plot_point(value + reach, losses[len(losses) // 2] + reach * slope),
        )
        tangent.set_stroke(self.theme.highlight, 3)
        self.tell(
            f"Its slope there is ∂loss/∂w = {_signed(slope, 3)}:\n"
            "the number backpropagation computes for this weight\n"
            "(the tangent drawn has exactly that slope).",
            Create(tangent),
        )
        lr = self.facts.get("lr")
        step = -(lr or 0.0) * slope
        lowest = int(np.argmin(losses))
        arrow_start = panel.plot_point(value, low - pad)
        arrow = Arrow(
            arrow_start, panel.plot_point(value + step, low - pad), buff=0, color=self.theme.highlight, stroke_width=5
        )
        drawn = arrow.get_length() > 0.2  # a step too short to see is said, not drawn
        if not drawn:
            arrow = VGroup()
        learning = (
            f"η = {fmt_number(lr, 3)}, the run's learning rate"
            if lr
            else "η, the learning rate (this run does not record it)"
        )
        self.tell(
            f"A gradient step moves w by −η·slope, with\n{learning}"
            + (
                f":\n−η·slope = −{fmt_number(lr, 3)} × {_signed(slope, 3)} = {_signed(step, 3)}, downhill.\n"
                if lr
                else ".\n"
            )
            + self.bottom_note(w[lowest], losses[len(losses) // 2] - losses[lowest]),
            *([Create(arrow)] if drawn else []),
        )
        self.weight_view = VGroup(panel, x_name, y_name, curve, dot, tangent, arrow)

    def two_directions(self) -> None:
        self.play(FadeOut(self.weight_view), *self.unsay(), run_time=self.t(0.8))
        plot = LandscapePlot(self.landscape, self.theme, width=5.9, height=5.0)
        plot.shift(np.array([-3.35, -0.55, 0]) - plot.box.get_center())
        axes = plot.axis_labels(15)
        self.plot = plot
        self.tell(
            f"All {fmt_count(self.parameters)} at once: the loss on a plane through the\n"
            "final weights, along the two directions the training\n"
            "path moved most. Bright is high loss, dark is low."
        )
        self.play(FadeIn(plot.image), Create(plot.contours), Create(plot.box), FadeIn(axes), run_time=self.t(1.5))
        self.play(*self.unsay(), run_time=self.t(0.3))
        epochs, own, under = self.landscape.epochs, self.landscape["path.loss"], self.landscape["path.surface_loss"]
        styles = [(26, None, "BOLD"), (20, None, "NORMAL"), (20, self.theme.muted, "NORMAL")]

        def texts(index: int) -> tuple[str, str, str]:
            return (
                f"epoch {epochs[index]:,}",
                f"loss of the snapshot: {own[index]:.4f}",
                f"surface under it on the plane: {under[index]:.4f}",
            )

        # The rows change inside the sweep: glyph slots and a fixed anchor each (see nnexplain.mobjects.slot_text).
        longest = [max(column, key=len) for column in zip(*(texts(i) for i in range(len(epochs))))]
        rows = VGroup(
            *[SlotText(label(text, self.theme, *style), edge=UP + LEFT) for text, style in zip(longest, styles)]
        )
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.18).move_to([self.column_left, 1.6, 0], aligned_edge=UP + LEFT)
        self.add(rows)

        def show(index: int) -> None:
            for row, text, style in zip(rows, texts(index), styles):
                row.show(label(text, self.theme, *style))

        show(0)
        # The rows change inside the sweep's callback; animating them too makes manim redraw them every frame.
        self.play(PathSweep(plot, on_snapshot=show, step_seconds=self.t(self.snapshot_seconds)), Animation(rows))
        self.wait(self.t(1.0))
        table = self.loss_table(epochs, own, under)
        self.play(Fade(rows, out=True), run_time=self.t(0.3))
        self.play(Fade(table), run_time=self.t(0.8))
        self.path_rows = table
        self.fans = None
        self.tell(
            "They differ because the path leaves the plane: these\n"
            f"two directions hold {self.landscape.explained:.0%} of the path's variance\n"
            f"({self.facts['explained_variance'][0]:.0%} and {self.facts['explained_variance'][1]:.0%}), not all of it. At the final\n"
            "weights, the plane's origin, the two agree.",
            top=table.get_bottom()[1] - 0.35,
        )

    def stochastic(self) -> None:
        self.play(*self.unsay(), run_time=self.t(0.3))
        facts = self.facts["stochastic"]
        epochs = [int(e) for e in self.landscape["stochastic.epochs"]]
        coords = self.landscape["path.coords"]
        marks = VGroup(
            *(
                Dot(
                    self.plot.plot_point(coords[self.landscape.epochs.index(e)]), radius=0.1, color=self.theme.highlight
                )
                for e in epochs
            )
        )
        fans, notes = VGroup(), VGroup()
        for slot, epoch in enumerate(epochs):
            fan = GradientFan(
                float(self.landscape["stochastic.full_norm"][slot]),
                self.landscape["stochastic.batch_norm"][slot],
                self.landscape["stochastic.angles"][slot],
                self.theme,
                length=1.45,
            )
            fan.shift(np.array([self.column_left + 0.3 + 3.2 * slot, 1.25, 0]) - fan.full.get_start())
            angles = self.landscape["stochastic.angles"][slot]
            norms = self.landscape["stochastic.batch_norm"][slot]
            note = paragraph(
                f"epoch {epoch:,}: angles {angles.min():.0f}°–{angles.max():.0f}°\n"
                f"lengths {norms.min():.2g}–{norms.max():.2g} (full {self.landscape['stochastic.full_norm'][slot]:.2g})",
                self.theme,
                3.0,
                size=16,
            )
            notes.add(note.move_to([self.column_left + 3.2 * slot, -0.35, 0], aligned_edge=UP + LEFT))
            fans.add(fan)
        self.play(FadeOut(self.path_rows), FadeIn(marks, scale=0.5), run_time=self.t(0.6))
        self.fans, self.fan_notes = fans, notes
        trained = self.facts.get("trained_batch_size")
        batch = facts["batch_size"]
        if trained:
            how = f"Why “stochastic”? Each step of this run used\n{batch} of the {fmt_count(facts['full'])} {self.items}, not all of them."
        else:
            how = f"Why “stochastic”? This run stepped on all {fmt_count(facts['full'])}\n{self.items} at once; a stochastic step uses {batch}."
        self.tell(
            how + "\nWhite: the full gradient. Yellow: "
            f"{facts['batches']} mini-batch\ngradients, at their true angle and length. At fixed\n"
            "weights, an epoch's batches average to the full one.",
            top=-1.45,
        )
        for fan, note in zip(fans, notes):  # drawn while the caption that names them is read
            self.play(Create(fan.full), run_time=self.t(0.5))
            self.play(*(Create(arrow) for arrow in fan.batches), FadeIn(note), run_time=self.t(1.0))
            self.bring_to_front(fan.full)

    # --- the title's narration (the other beats narrate their captions) --------

    def title_note(self) -> str:
        shape = "-".join(map(str, self.run.layers))
        return (
            f"A trained {shape} {self.run.activation} network, {fmt_count(self.parameters)} parameters. Its loss here: {self.loss_name} "
            f"on {fmt_count(self.examples)} of its {fmt_count(self.facts['subset']['of'])} training {self.items}."
        )

    # --- pieces ------------------------------------------------------------

    def loss_table(self, epochs: list[int], own: np.ndarray, under: np.ndarray, rows: int = 7) -> VGroup:
        """Epoch, the snapshot's own loss and the surface under it, for up to ``rows`` snapshots spread over the path."""
        picks = np.unique(np.round(np.linspace(0, len(epochs) - 1, min(rows, len(epochs)))).astype(int))
        header = ("epoch", "snapshot's loss", "surface under it")
        lines = [header] + [(f"{epochs[k]:,}", f"{own[k]:.4f}", f"{under[k]:.4f}") for k in picks]
        table = VGroup()
        for number, line in enumerate(lines):
            color = self.theme.muted if number == 0 else None
            table.add(VGroup(*(label(cell, self.theme, 18, color) for cell in line)))
        widths = [max(row[c].width for row in table) for c in range(3)]
        for row in table:
            x = self.column_left
            for cell, width in zip(row, widths):
                cell.move_to([x + width / 2, 0, 0])
                x += width + 0.5
        table.arrange(DOWN, buff=0.1, aligned_edge=LEFT).move_to([self.column_left, 1.75, 0], aligned_edge=UP + LEFT)
        return table

    def bottom_note(self, lowest: float, drop: float) -> str:
        """Where this slice of the loss is lowest, against the trained value."""
        if drop < 5e-5:
            return "The trained value sits at the bottom of this curve."
        return f"Small here: this curve is lowest at w = {fmt_number(lowest, 2)},\nonly {drop:.2g} below the trained value."

    def weight_name(self, weight: dict) -> str:
        layer, row, column = weight["layer"], weight["row"], weight["column"]
        last = len(self.run.layers) - 2
        source = f"from input {column + 1}" if layer == 0 else f"from hidden-{layer} neuron {column + 1}"
        classes = self.run.dataset.get("classes") or []
        if layer == last:
            target = f"to output {classes[row]!r}" if row < len(classes) else f"to output {row + 1}"
        else:
            target = f"to hidden-{layer + 1} neuron {row + 1}"
        return f"{source} {target}"

    def tell(self, text: str, *animations: Animation, top: float = 1.6) -> None:
        """Narrate ``text`` as the caption of the right-hand column (its top at ``top``), with ``animations``.

        The caption before it fades out first, once read; this one is held until read.
        """
        caption = paragraph(text, self.theme, self.column_width, size=self.caption_size)
        caption.move_to([self.column_left, top, 0], aligned_edge=UP + LEFT)
        fade = self.t(0.9 if "caption" in self.caption_mobjects else 0.6)  # the old one out, then this one in
        self.play(*self.say(text, caption, fade_seconds=fade), *animations, run_time=fade)
