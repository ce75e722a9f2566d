"""A beat of ``relu-square``: the network's output at the random start, built before it is first shown.

From the output bias (a flat line, tagged with its value), each unit's hinge comes down from the upper panel, in its
colour, and lands on the running sum, which takes its bend; the last sum is the output, drawn from then on. So the
white output curve is never on screen before it has been made (the cause before its effect).

A mixin for a :class:`~nnexplain.scenes.base.hinge_story.HingeStory` whose scene sets ``snapshots``, ``view``,
``outputs`` and ``legend`` before this beat runs.
"""

from __future__ import annotations

import numpy as np
from manim import DL, DOWN, UP, UR, Create, Transform, config, there_and_back

from nnexplain.geometry.hinges import build_order, running_sums
from nnexplain.mobjects.hinges import Fade, fmt_number, fmt_small

__all__ = ["StartSum"]


class StartSum:
    """The beat ``sum_at_start`` (see the module's docstring)."""

    def sum_at_start(self) -> None:
        """The network's output at the random start, built before it is shown: from the output bias (a flat line),
        each unit's hinge comes down from the upper panel and lands on the sum, which takes its bend."""
        start, view, panel = self.snapshots[0], self.view, self.outputs
        x, order = start.x, build_order(start)
        sums = running_sums(start, order)
        width = view.output_curve.stroke_width
        running = panel.curve(x, sums[0], self.theme.text, width=width)
        bias_tag = self.clear_tag(f"bias {fmt_small(start.output_bias)}", panel, x, sums[0][0])
        keyed = self.add_legend_row("network output", self.theme.text, dashed=False)
        bias = fmt_small(start.output_bias)
        with self.narrate(f"Add them up, from the output bias, {bias}: a flat line.") as line:
            first = min(1.2, 0.4 * line.duration)
            self.play(Create(running), Fade(bias_tag), Fade(keyed), run_time=first)
            # The flat line thickens once while it is named.
            self.play(
                running.animate(rate_func=there_and_back).set_stroke(width=2 * width), run_time=line.duration - first
            )
        for index, unit in enumerate(order, start=1):
            # One unit a line, named: its hinge travels down (a copy, in its colour) and lands as the sum's new
            # shape; its own curve above thickens while it goes, so which unit joins is seen.
            bends = start.kinks[unit]
            where = f", bending the sum at x = {fmt_number(bends[0])}" if len(bends) == 1 else ""
            # A bend within a few pixels of one already in the sum cannot be seen as new: said so.
            near = [
                other
                for other in order[: index - 1]
                if len(bends) == 1
                and len(start.kinks[other]) == 1
                and abs(panel.plot_point(bends[0], 0.0)[0] - panel.plot_point(start.kinks[other][0], 0.0)[0])
                < 8 * config.frame_width / config.pixel_width
            ]
            if near:
                where = f", bending almost where unit {near[0] + 1} does"
            last = ": the network's output" if index == len(order) else ""
            text = f"Add unit {unit + 1}'s hinge{where}{last}."
            with self.narrate(text) as line:
                landed = panel.curve(x, sums[index], view.colors[unit], width=width)
                leaving = [Fade(bias_tag, out=True)] if index == 1 else []  # before the sum moves off its line
                source = view.unit_curves[unit]
                # Drawn in place, its hinge thickening above: a copy moved down from the units' panel crossed the
                # output panel's title on its way.
                self.play(
                    Create(landed),
                    source.animate.set_stroke(width=2 * view.unit_width),
                    *leaving,
                    run_time=0.6 * line.duration,
                )
                grown = panel.curve(x, sums[index], self.theme.text, width=width)
                self.play(
                    Transform(running, grown),
                    Fade(landed, out=True),
                    source.animate.set_stroke(width=view.unit_width),
                    run_time=0.4 * line.duration,
                )
                self.remove(landed)
        view.output_curve.set_stroke(opacity=1)
        self.remove(running)  # it lies exactly on the output curve

    def clear_tag(self, text: str, panel, x: np.ndarray, level: float):
        """``text`` tagged on the flat line at ``level``: above or below it, at the first place along it (from
        ``bias_tag_at``) where the tag stays inside the panel and no point of the target's curve runs under it."""
        target = self.target_values(x)
        curve = panel.plot_points(x, target)[:, :2] if target is not None else np.zeros((0, 2))
        box = panel.box
        starts = np.linspace(self.bias_tag_at, 1 - self.bias_tag_at, 9)
        tag = None
        for share in sorted(starts, key=lambda s: abs(s - self.bias_tag_at)):
            point = panel.plot_point(x[int(share * (len(x) - 1))], level)
            for direction in (UP, DOWN):
                tag = self.tag(text, point, direction, color=self.theme.text)
                (x0, y0, _), (x1, y1, _) = tag.get_corner(DL), tag.get_corner(UR)
                inside = box.get_left()[0] <= x0 and x1 <= box.get_right()[0] and box.get_bottom()[1] <= y0
                inside = inside and y1 <= box.get_top()[1]
                covered = (curve[:, 0] > x0) & (curve[:, 0] < x1) & (curve[:, 1] > y0) & (curve[:, 1] < y1)
                if inside and not covered.any():
                    return tag
        return tag
