"""The depth scene's mechanism beat: one deep unit's input z, zoomed in near 0, and what its ReLU does to it.

A mixin of :class:`nnexplain.scenes.depth.Depth` (kept apart so that each file stays short).
A unit of layer 2 or later adds up the earlier layers' outputs, so its input z is already
bent, at the points where earlier units switch. z is drawn on its own y-range, zoomed in so
that its parts below 0 are large: they are coloured, then pushed up to 0 (what the ReLU does),
and each place where z crossed 0 is left as a new bend, at a place no earlier unit bends.
That is how a layer cuts the pieces of the layers before it; the bound it allows, (1 + h) per
layer, is then written as the product it is. The unit is the run's own
(:func:`~nnexplain.geometry.depth.busiest_unit`, the one whose z crosses 0 most often).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Create,
    DashedLine,
    Dot,
    LaggedStart,
    ReplacementTransform,
    VGroup,
)

from nnexplain.geometry.depth import busiest_unit, earliest_layer, pre_activation, runs_between
from nnexplain.mobjects.depth import TEXT_SIZE, bend_dots, curve_axes, curve_path, edge_ticks
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import label
from nnexplain.scenes.depth_spiral import DEEP

__all__ = ["LAYER_COLOURS", "OFF", "PLOT_CENTRE", "PLOT_SIZE", "DepthMechanism"]

# Bends by the layer that made them (layer 1 pink, 2 green, 3 orange); the layer-3 unit's z is orange too.
# Layer 2 is yellow, not green: its dots sit on the deep fit's teal curve.
LAYER_COLOURS = ("#F78FB3", "#F7E463", "#F2A541", "#4FA3F7")
OFF = "#7D8AA3"  # the part of z below 0, slate: where the ReLU switches the unit off
PLOT_CENTRE, PLOT_SIZE = (-1.95, 0.3, 0.0), (7.8, 4.4)  # the curve plot: most of the frame left of the cards
DEPTH_SHARE = 1.5  # the y-range reaches this many times z's deepest dip below 0, and twice that above


def _nice_step(value: float) -> float:
    """A round tick step near ``value``: 1, 2 or 5 times a power of ten."""
    power = 10 ** np.floor(np.log10(value))
    return float(min((s * power for s in (1, 2, 5, 10)), key=lambda s: abs(s - value)))


class DepthMechanism:
    """Beat ``show_cut``: reads ``deep``, ``domain``, the curve plot and the cards of :class:`Depth`."""

    def show_cut(self) -> None:
        deep = self.deep
        params, activation = deep.run.params(), deep.run.activation
        busy = busiest_unit(params, activation, self.domain)
        colour = self.layer_colour(busy.layer)
        x = self.samples(np.concatenate([busy.breakpoints, busy.crossings]))  # straight between these
        z = pre_activation(params, activation, busy.layer, busy.unit, x)
        dip = max(-float(np.min(z)), 1e-9)
        low, high = -DEPTH_SHARE * dip, 2 * DEPTH_SHARE * dip
        step = _nice_step(dip)
        axes = curve_axes(self.domain, (low, high), *PLOT_SIZE, self.theme, y_step=step).move_to(PLOT_CENTRE)
        levels = [v for v in np.arange(np.ceil(low / step), np.floor(high / step) + 1) * step]
        ticks = edge_ticks(axes, (-1, -0.5, 0, 0.5, 1), [round(v, 6) + 0.0 for v in levels], self.theme)

        def drawn(low_y, high_y, stroke):  # z's parts inside [low_y, high_y], as paths on the zoomed axes
            return VGroup(*(curve_path(axes, rx, ry, stroke, 4) for rx, ry in runs_between(x, z, low_y, high_y)))

        above, below = drawn(0.0, high, colour), drawn(low, 0.0, colour)  # below: the same runs as ``flat``
        name = label(f"z: what one layer-{busy.layer} unit adds up (zoomed in near 0)", self.theme, TEXT_SIZE - 2)
        name.set_color(colour).next_to(axes, UP, buff=0.08).align_to(axes, LEFT)
        earlier = f"layer {busy.layer - 1}'s" if busy.layer > 1 else "the inputs'"
        fits = VGroup(self.axes, self.ticks, self.target_curve, self.wide_curve, self.wide_dots, self.target_label)
        with self.read(
            f"Depth works differently. A layer-{busy.layer} unit adds up {earlier} outputs: call it z."
        ) as line:
            self.play(Fade(fits, out=True), run_time=self.t(0.6))
            self.play(Fade(axes), Fade(ticks), Fade(name), run_time=self.t(0.6))
            self.play(Create(VGroup(*above, *below)), run_time=max(line.duration - self.t(1.2), self.t(0.8)))

        corners = busy.breakpoints[(busy.breakpoints > self.domain[0]) & (busy.breakpoints < self.domain[1])]
        corner_z = pre_activation(params, activation, busy.layer, busy.unit, corners)
        made_by = earliest_layer(params, activation, self.domain, corners)
        in_view = (corner_z >= low) & (corner_z <= high)
        corner_dots = VGroup(
            *(
                bend_dots(axes, [c], [v], self.layer_colour(max(int(m), 1)), 0.09)[0]
                for c, v, m, seen in zip(corners, corner_z, made_by, in_view)
                if seen
            )
        )
        makers = sorted({int(m) for m in made_by if m > 0})
        by = " and ".join(f"{m}" for m in makers)
        shown = "" if in_view.all() else f", {int(in_view.sum())} in view"
        plural = "s" if len(makers) > 1 else ""
        key = VGroup()  # which colour is which layer's bend, while those dots are on screen
        for m in makers:
            key.add(Dot(radius=0.09, color=self.layer_colour(m)))
            key.add(label(f"layer {m}", self.theme, TEXT_SIZE - 2, self.layer_colour(m)))
        key = key.arrange(RIGHT, buff=0.14)
        for i in range(2, len(key), 2):  # a wider gap before each further layer's dot
            key[i:].shift(RIGHT * 0.2)
        key.move_to([self.wide_card.get_left()[0], -1.5, 0], aligned_edge=LEFT)  # under the deep card's line
        with self.read(f"So z is bent already: {len(corners)} bends{shown}, made by layer{plural} {by}.") as line:
            self.play(Fade(key), run_time=self.t(0.5))
            self.play(
                LaggedStart(*(Create(d) for d in corner_dots), lag_ratio=0.3),
                run_time=max(line.duration - self.t(0.5), self.t(1.0)),
            )

        crossings = bend_dots(axes, busy.crossings, np.zeros(len(busy.crossings)), colour, 0.11)
        rings = VGroup(*(dot.copy().set_fill(opacity=0).set_stroke(colour, 3) for dot in crossings))
        times = {1: "once", 2: "twice"}.get(len(busy.crossings), f"{len(busy.crossings)} times")
        # The straight piece of z round each crossing, drawn over in white: one piece, one crossing at most.
        ends = np.sort(busy.breakpoints)
        pieces = VGroup()
        for c in busy.crossings:
            a, b = ends[np.searchsorted(ends, c) - 1], ends[np.searchsorted(ends, c)]
            at = np.linspace(a, b, 2)
            zs = pre_activation(params, activation, busy.layer, busy.unit, at)
            for rx, ry in runs_between(at, zs, low, high):
                pieces.add(curve_path(axes, rx, ry, self.theme.text, 8).set_stroke(opacity=0.55))
        with self.read(f"Straight between bends, z crosses 0 at most once a piece: here {times}.") as line:
            self.play(
                LaggedStart(*(AnimationGroup(Create(p), Create(r)) for p, r in zip(pieces, rings)), lag_ratio=0.5),
                run_time=max(line.duration - self.t(0.6), self.t(1.0)),
            )
            self.play(Fade(pieces, out=True), run_time=self.t(0.6))

        flat = VGroup(*(curve_path(axes, rx, 0 * ry, colour, 4) for rx, ry in runs_between(x, z, low, 0.0)))
        output = label("ReLU(z): that unit's output, 0 where z < 0", self.theme, TEXT_SIZE - 2, colour)
        output.move_to(name, aligned_edge=LEFT)
        seen_z = corner_z[in_view]
        lost = VGroup(*(dot for dot, v in zip(corner_dots, seen_z) if v < 0))  # bends on a flattened part vanish
        kept = VGroup(*(dot for dot, v in zip(corner_dots, seen_z) if v >= 0))
        with self.read("Below zero (grey), its ReLU gives 0: those parts are pushed up flat.") as line:
            self.play(*(part.animate.set_stroke(OFF) for part in below), run_time=self.t(0.8))
            self.play(
                *(ReplacementTransform(part, target) for part, target in zip(below, flat)),
                Fade(lost, out=True),
                Fade(name, out=True),
                run_time=max(line.duration - self.t(1.4), self.t(1.5)),
            )
            self.play(Fade(output), run_time=self.t(0.6))  # the new name once the old one is gone
        flat.set_stroke(colour)

        # A cut through each crossing, top to bottom: the piece of z it lay in is now two pieces of the output.
        cuts = VGroup(
            *(
                DashedLine(
                    axes.c2p(c, 0.95 * high),
                    axes.c2p(c, 0.95 * low),
                    color=self.theme.text,
                    stroke_width=2,
                    dash_length=0.08,
                )
                for c in busy.crossings
            )
        )
        with self.read("Each crossing is a new bend, where no earlier unit bends: a piece cut in two.") as line:
            self.play(*(Fade(dot) for dot in crossings), Fade(rings, out=True), run_time=self.t(0.6))
            self.play(
                LaggedStart(*(Create(cut) for cut in cuts), lag_ratio=0.6),
                run_time=max(line.duration - self.t(1.2), self.t(1.0)),
            )
            self.play(Fade(cuts, out=True), run_time=self.t(0.6))

        bounds = [width + 1 for width in deep.hidden]
        said = " × ".join(map(str, bounds))
        total = int(np.prod(bounds))
        tally = [label("up to", self.theme, TEXT_SIZE, DEEP)]
        for i, factor in enumerate(bounds):
            tally.append(
                label(str(factor) if i == 0 else f"× {factor}", self.theme, TEXT_SIZE, self.layer_colour(i + 1))
            )
        tally.append(label(f"= {total}", self.theme, TEXT_SIZE, DEEP))
        tally = VGroup(*tally).arrange(RIGHT, buff=0.14)
        for term in tally[1:]:
            term.align_to(tally[0], DOWN).set_opacity(0)
        self.axes, self.ticks, self.target_curve = self.fit_plot()
        self.wide_curve.set_stroke(opacity=0.25)
        back = VGroup(self.axes, self.ticks, self.target_curve, self.wide_curve)
        self.target_label.set_opacity(1)
        back.add(self.target_label)
        mechanism = VGroup(axes, ticks, output, above, flat, kept, crossings, key)
        units = f"{deep.hidden[0]} units cut a piece into at most {bounds[0]}" if len(set(deep.hidden)) == 1 else ""
        with self.read(
            f"So {units}, layer after layer: {said} = {total}."
            if units
            else f"Each layer can cut every piece again: {said} = {total} pieces at most."
        ) as line:
            self.play(*self.set_live(self.deep_card, tally), run_time=self.t(0.5))
            step = max((line.duration - self.t(0.5) - self.t(1.2)) / (len(tally) - 1), self.t(0.5))
            for term in tally[1:]:  # the product written out term by term, paced over the line
                term.set_opacity(1)
                self.play(Fade(term), run_time=step)
            self.play(Fade(mechanism, out=True), run_time=self.t(0.6))
            self.play(Fade(back), run_time=self.t(0.6))
