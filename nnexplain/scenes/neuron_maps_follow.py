"""The "two neurons over training" beat of ``neuron-maps`` (:mod:`nnexplain.scenes.neuron_maps`).

Layer-1's neuron from the start of the scene and one layer-2 neuron, drawn large beside the output map and played in
step with it through the recorded snapshots (first → best validation → last): the layer-1 weights grow, tanh
saturates, the soft ramp becomes a sharp cut; layer 2 pieces its map from those cuts. The layer-2 neuron is the one
that grew a pocket round the zoomed training point (:func:`nnexplain.geometry.sign_changes.pocket_unit`), or, for a
run with no such point, the most bent one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, UP, Circle, Create, DashedVMobject, FadeIn, FadeOut, Rectangle, VGroup, VMobject

from nnexplain.geometry.contour import level_curves
from nnexplain.geometry.map_pacing import map_changes, paced_durations
from nnexplain.geometry.regions import layer_maps
from nnexplain.geometry.sign_changes import Pocket, cuts_followed, pocket_unit
from nnexplain.mobjects.caption_band import BAND_TOP
from nnexplain.mobjects.charts import Readout
from nnexplain.mobjects.heatmap import blend_keyframes, diverging_rgba
from nnexplain.mobjects.neuron_maps import PlanePanel
from nnexplain.mobjects.style import label
from nnexplain.run.network import forward_trace
from nnexplain.scenes.neuron_maps_overfit import OverfitBeats
from nnexplain.scenes.neuron_maps_parts import MARK, ON_TOP, TEXT, fmt_signed

__all__ = ["FollowBeats"]


def signed(value: float) -> str:
    """Two decimals with a sign, and a true minus (never "−0.00")."""
    value = round(float(value), 2) + 0.0  # + 0.0: a rounded −0.0 becomes 0.0
    return f"{value:+.2f}".replace("-", "−")


FOLLOW_SIZE, FOLLOW_Y = 2.5, -0.5  # each enlarged map's side and middle
FOLLOW_XS = (-5.0, -1.3)  # left of the output map, over the diagram (a backing hides it); labels clear of each other
FOLLOW_SECONDS = (7.0, 6.0)
CUT_REACH = 0.02  # a boundary point on a layer-1 cut: within this share of the plane's width of it  # the least screen time for first → best and best → last


@dataclass
class Follower:
    """One neuron drawn large: its map at every snapshot, its panel, zero line and live readout."""

    layer: int  # hidden layer, 0: the first
    unit: int
    maps: list[np.ndarray]  # per snapshot, on the panel's raster
    panel: PlanePanel
    zero: object  # its zero line, redrawn each frame
    heading: object
    readout: Readout
    values: list[str]  # the readout's value at each snapshot
    vote: Readout | None = None  # a layer-2 neuron's push towards the point's label, through its output weights
    votes: list[float] | None = None
    cell: tuple[int, int] | None = None  # the zoomed point's raster cell, for a value read at the point


class FollowBeats(OverfitBeats):
    def find_pocket(self) -> Pocket | None:
        """The layer-2 neuron whose sign at the zoomed point flipped its way between the best and the last snapshot,
        with the smallest region round it; None without a zoomed point or a second hidden layer."""
        if not self.bent or len(self.run.layers) < 4:
            return None
        named = self.bent[0]
        cell = self.raster_cell(named.point)
        before = layer_maps(self.params[self.best], self.run.activation, self.run.output, self.panel_raster)[1]
        after = layer_maps(self.params[-1], self.run.activation, self.run.output, self.panel_raster)[1]
        weight = self.params[-1][2][0]  # layer 2 → output, (2, units)
        push = weight[named.label] - weight[1 - named.label]
        return pocket_unit(before, after, cell, push)

    def tipping_snapshot(self) -> int:
        """The first snapshot after the best one whose output gives the zoomed point its label."""
        named = self.bent[0]
        for k in range(self.best, len(self.params)):
            p_one = forward_trace(self.params[k], self.run.activation, "softmax", named.point[None])[-1][1][0, 1]
            if (p_one > 0.5) == (named.label == 1):
                return k
        return len(self.params) - 1

    @staticmethod
    def halves_by(steps: np.ndarray, start: int, end: int) -> list[tuple[int, int]]:
        """Snapshots ``start`` to ``end`` cut in two where half of ``steps``' time over them has passed."""
        if end - start < 2:
            return [(start, end), (end, end)]
        ends = np.cumsum(steps[start:end])
        middle = min(max(start + 1 + int(np.searchsorted(ends, ends[-1] / 2)), start + 1), end - 1)
        return [(start, middle), (middle, end)]

    def raster_cell(self, point: np.ndarray) -> tuple[int, int]:
        """(row, col) of the panel raster's sample nearest ``point``."""
        nearest = int(np.argmin(np.linalg.norm(self.panel_raster.points - point, axis=1)))
        return divmod(nearest, self.panel_raster.size)

    def follow_two(self) -> None:
        """Layer-1's first neuron and a layer-2 neuron, large, played in step with the output map."""
        last, best = len(self.run.epochs) - 1, self.best
        pocket = self.find_pocket()
        chosen = [(0, self.layer_one_unit())]
        if len(self.run.layers) > 3:
            chosen.append((1, pocket.unit if pocket else self.most_bent(1)[0]))
        every = [layer_maps(p, self.run.activation, self.run.output, self.panel_raster) for p in self.params]
        named = self.bent[0] if self.bent else None
        followers = [self.follower(layer, unit, every, named, x) for (layer, unit), x in zip(chosen, FOLLOW_XS)]
        backing = getattr(self, "kept_backing", None)  # the zoom's, still over the diagram
        if backing is None:
            backing = Rectangle(width=0.6 + 7.2, height=BAND_TOP - 0.05 - 2.35).set_fill(self.theme.background, 1)
            backing.set_stroke(width=0).move_to([(-7.2 + 0.6) / 2, (2.35 + BAND_TOP + 0.05) / 2, 0])
            backing.set_z_index(ON_TOP + 2)
        rings = VGroup()
        if named is not None:
            rings.add(*self.rings_at(named.point[None], self.theme.palette[MARK]))
            for f in followers:
                rings.add(Circle(radius=0.13).set_stroke(self.theme.text, 3).move_to(f.panel.to_scene(named.point)[0]))
        rings.set_z_index(ON_TOP + 6)
        parts = VGroup(
            *(VGroup(f.heading, f.readout, f.panel.outline, f.zero, *([f.vote] if f.vote else [])) for f in followers)
        )
        images = [f.panel.image for f in followers]
        unit_one = followers[0].unit + 1
        second = ""
        if len(followers) > 1:
            other = "another layer-2 neuron" if getattr(self, "built_unit", None) != followers[1].unit else "layer 2's"
            second = f" and {other}, {followers[1].unit + 1}"
        with self.narrate(f"Back to the start: follow layer 1's neuron {unit_one}{second}.") as line:
            # The output map goes back to the start before the two neurons come in: they are first seen at epoch 0.
            if backing in self.mobjects:
                self.play(FadeOut(self.headers), run_time=0.1 * line.duration)
            else:
                self.play(FadeIn(backing), FadeOut(self.headers), run_time=0.1 * line.duration)
            self.play_snapshots(last, 0, min(1.2, 0.3 * line.duration), even=True)
            self.followers = followers
            self.show_snapshot(0)
            self.play(*(FadeIn(i) for i in images), FadeIn(parts), run_time=0.35 * line.duration)
            if len(rings):
                self.play(Create(rings), run_time=0.15 * line.duration)
        w = [self.params[k][0][0][followers[0].unit] for k in (0, best, last)]
        pair = [f"{fmt_signed(float(a))}, {fmt_signed(float(b))}" for a, b in w]
        steps = paced_durations(map_changes([[f.maps[k][None] for f in followers] for k in range(last + 1)],
                                            [1.0] * len(followers)), 1.0)  # fmt: skip
        segments = []
        if best > 0:
            segments.append(
                (0, best, [f"To epoch {self.run.epochs[best]}, neuron {unit_one}'s weights grow from {pair[0]} to "
                           f"{pair[1]}.", "Its soft ramp turns into a sharp cut."])
            )  # fmt: skip
        if best < last:
            if pocket is not None:  # the second line starts on the step where the layer-2 neuron flips at the point
                values = [m[self.raster_cell(self.bent[0].point)] for m in followers[1].maps]
                flip = next(k for k in range(best, last) if (values[k + 1] >= 0) != (values[best] >= 0))
                at = (self.run.epochs[flip], self.run.epochs[flip + 1])
                said = f"Between epochs {at[0]} and {at[1]} neuron {pocket.unit + 1} flips sign at the ringed point."
                side = self.classes[self.bent[0].label]
                later = [(best, flip, f"Neuron {unit_one}'s weights keep growing: tanh saturates."),
                         (flip, flip + 1, said),
                         (flip + 1, last, f"Via its output weights, a vote for {side}; the others outvote it until "
                                          f"{self.run.epochs[self.tipping_snapshot()]}.")]  # fmt: skip
                if flip == best:
                    later = later[1:]
            else:
                later = [(best, last, f"By epoch {self.run.epochs[last]} its weights reach {pair[2]}: tanh saturates.")]
            segments.append((best, last, later))
        for (start, end, said), least in zip(segments, FOLLOW_SECONDS):
            if isinstance(said[0], str):  # two lines over the two halves of the paced time
                said = [(first, until, text) for text, (first, until) in zip(said, self.halves_by(steps, start, end))]
            for first, until, text in said:
                if until <= first:
                    continue
                swap = self.say(text)
                seconds = max(least * (until - first) / (end - start), self.narrator.log[-1].duration + self.t(0.5))
                self.play_snapshots(first, until, seconds, lead_in=swap, steps=steps[first:until])
        if len(followers) > 1:
            self.layer_two_pieces(followers[1], every[last][0])
        self.play(*(FadeOut(i) for i in images), FadeOut(parts), FadeOut(rings), run_time=0.5)
        self.play(FadeOut(backing), FadeIn(self.headers), run_time=0.5)  # the diagram comes back once they have left
        self.followers = []

    def layer_two_pieces(self, follower: Follower, layer_one: np.ndarray) -> None:
        """The layer-1 cuts the layer-2 neuron's last boundary runs along (measured), dashed over its map, and the
        stretches of its boundary that lie on them."""
        weight, bias = self.params[-1][0]
        curves = [c for c in level_curves(follower.maps[-1], self.panel_raster.bounds, 0.0) if len(c) > 1]
        reach = CUT_REACH * (self.panel_raster.bounds[1] - self.panel_raster.bounds[0])
        shares = cuts_followed(curves, weight, bias, reach)
        followed = [int(k) for k in np.argsort(-shares) if shares[k] >= 0.05][:3]
        if not followed:
            return
        colour = self.theme.palette[MARK]
        cuts = VGroup(
            *(
                DashedVMobject(curve, num_dashes=18)
                for k in followed
                for curve in follower.panel.level_lines(layer_one[k], 0.0, colour, 5)
            )
        ).set_z_index(ON_TOP + 5)
        on = VGroup()  # the boundary's stretches within reach of a followed cut, drawn over it
        for curve in curves:
            distance = np.abs(curve @ weight[followed].T + bias[followed]) / np.linalg.norm(weight[followed], axis=1)
            close = distance.min(axis=1) <= reach
            for run in np.split(np.arange(len(curve)), np.flatnonzero(np.diff(close.astype(int))) + 1):
                if close[run[0]] and len(run) > 1:
                    points = follower.panel.to_scene(curve[run])
                    on.add(VMobject().set_points_as_corners(points).set_stroke(colour, 7))
        on.set_z_index(ON_TOP + 5)
        names = " and ".join(str(k + 1) for k in followed)
        share = float(shares[followed].sum())
        with self.narrate(
            f"{share:.0%} of neuron {follower.unit + 1}'s boundary runs along layer 1's "
            f"cut{'s' if len(followed) > 1 else ''} {names} (dashed)."
        ) as line:
            self.play(Create(cuts), run_time=0.4 * line.duration)
            self.play(Create(on), run_time=0.4 * line.duration)
        self.play(FadeOut(cuts), FadeOut(on), run_time=0.5)

    def follower(self, layer: int, unit: int, every: list, named, x: float) -> Follower:
        maps = [snapshot[layer][unit] for snapshot in every]
        panel = PlanePanel(self.panel_raster.bounds, FOLLOW_SIZE, [x, FOLLOW_Y, 0], self.theme, self.panel_raster.size)
        panel.set_z_index(ON_TOP + 3)
        zero = panel.level_path(maps[0], 0.0, self.theme.text, 3).set_z_index(ON_TOP + 4)
        heading = self.label_above(panel, f"layer {layer + 1} · neuron {unit + 1}", 0.55)
        if layer == 0:
            weights = [p[0][0][unit] for p in self.params]
            values = [f"{fmt_signed(float(a))}, {fmt_signed(float(b))}" for a, b in weights]
            readout = Readout("w", values[0], self.theme, TEXT, self.theme.text, width=12)
        else:
            cell = self.raster_cell(named.point) if named is not None else None
            at = [m[cell] if cell else float(np.abs(m).max()) for m in maps]
            values = [f"{v:+.2f}".replace("-", "−") for v in at]
            readout = Readout("at the point" if cell else "largest value", values[0], self.theme, TEXT,
                              self.theme.text, width=6)  # fmt: skip
        readout.next_to(panel, UP, buff=0.12).set_z_index(ON_TOP + 3)
        heading.set_z_index(ON_TOP + 3)
        follower = Follower(layer, unit, maps, panel, zero, heading, readout, values)
        if layer == len(self.run.layers) - 3 and named is not None:  # the last hidden layer: it votes on the output
            cell = self.raster_cell(named.point)
            votes = []
            for p, m in zip(self.params, maps):
                weight = p[-1][0]
                votes.append(float((weight[named.label, unit] - weight[1 - named.label, unit]) * m[cell]))
            follower.votes, follower.cell = votes, cell
            follower.vote = Readout(f"vote for {self.classes[named.label]}", signed(votes[0]), self.theme, TEXT,
                                    self.theme.text, width=6)  # fmt: skip
            follower.vote.next_to(panel, DOWN, buff=0.12).set_z_index(ON_TOP + 3)
        return follower

    def label_above(self, panel: PlanePanel, text: str, buff: float):
        return label(text, self.theme, TEXT, self.theme.muted).next_to(panel, UP, buff=buff)

    def show_followers(self, position: float, reached: int) -> None:
        """Each followed neuron at ``position`` along the snapshots; its readout at the snapshot being reached."""
        for f in getattr(self, "followers", []):
            values = blend_keyframes(f.maps, position)
            f.panel.image.show(diverging_rgba(values, 1.0, self.theme))
            f.panel.set_level_path(f.zero, values, 0.0)
            if f.cell is None:
                f.readout.set_value(f.values[reached])  # recorded weights: the nearest snapshot's
            else:  # a value at the point: the one in the picture, so its sign changes as the colour does
                f.readout.set_value(signed(float(values[f.cell])))
            if f.vote is not None:
                f.vote.set_value(signed(float(np.interp(position, np.arange(len(f.votes)), f.votes))))

    def follower_parts(self) -> list:
        followers = getattr(self, "followers", [])
        return [part for f in followers for part in (f.panel.image, f.zero, f.readout, f.vote) if part is not None]
