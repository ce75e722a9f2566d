"""A beat of ``relu-square``: the stretch of training where the output changes most, replayed slowly.

The stretch is measured from the run's stored snapshots (:func:`~nnexplain.geometry.fit_change.busiest_span`: the
consecutive stored epochs whose output curves move the most in total). The view runs back to its first epoch (said
as a rewind while the counter runs backwards), then slowly through it: the unit whose hinge changes most there is
named on its kink and drawn thick, and the words say where its kink goes, how its slope grows, and how far the
largest error falls meanwhile. Those numbers are drawn live, read from the frame on screen (the weights between two
stored steps): the unit's kink and slope beside its name, and the largest error's bar and number riding the output.
Each is on screen before its sentence names it, and pulses as it is named.

A mixin for a :class:`~nnexplain.scenes.base.hinge_story.HingeStory` whose scene sets ``hinges``, ``snapshots``,
``run``, ``view``, ``formula`` and ``sweep_blend`` before this beat runs.
"""

from __future__ import annotations

import numpy as np
from manim import (
    UL,
    BackgroundRectangle,
    Mobject,
    Succession,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    there_and_back,
)

from nnexplain.geometry.fit_change import busiest_span, error_detour
from nnexplain.geometry.hinges import CurveSnapshot, curve_snapshot, max_fit_error, params_miss
from nnexplain.mobjects.hinges import Fade, SnapshotSweep, fmt_number
from nnexplain.mobjects.kink_pins import KinkPins, PinsFade
from nnexplain.mobjects.slot_text import SlotText, glyph_count
from nnexplain.mobjects.style import label
from nnexplain.scenes.base.hinge_story import TEXT_SIZE, step_weights

__all__ = ["FitReplay"]


def _fixed(value: float) -> str:
    """Two decimals, with a typographic minus (and no −0.00)."""
    text = f"{value:.2f}"
    return ("0.00" if text == "-0.00" else text).replace("-", "\u2212")


class FitReplay:
    """The beat ``replay_fit`` (see the module's docstring)."""

    replay_steps: int = 8  # stored steps replayed slowly (about 10 s of words)
    turn_held: bool = False  # the output weight's turn held at the number said (see say_turn)
    pin_size: float = 28  # the unit's name on its kink: digits about 17 px tall at 480p

    def replay_span(self) -> list[CurveSnapshot]:
        """The ``replay_steps`` + 1 consecutive stored snapshots, up to the drawn one, whose output moves most."""
        epochs = [epoch for epoch in self.run.epochs if epoch <= self.hinges.epoch]
        snapshots = [curve_snapshot(self.run, epoch) for epoch in epochs]
        steps = min(self.replay_steps, len(snapshots) - 1)
        start = busiest_span([s.output for s in snapshots], steps)
        return snapshots[start : start + steps + 1]

    def slope(self, epoch: int, unit: int) -> float:
        """Unit ``unit``'s slope where it is on: its output weight times its input weight."""
        (w1, _), (w2, _) = self.run.params(epoch)
        return float(np.asarray(w2)[0, unit] * np.asarray(w1)[unit, 0])

    def replay_fit(self) -> list[CurveSnapshot]:
        """Back to where the output changes most, then slowly through it. Returns the snapshots from there to the
        end of training (empty when there is nothing to replay)."""
        if self.hinges.hidden_layers != 1 or len(self.snapshots) < 2:
            return []
        slow = self.replay_span()
        if len(slow) < 3:
            return []
        first, last = slow[0], slow[-1]
        back = [s for s in reversed(self.snapshots) if s.epoch > first.epoch] + [first]
        # The unit whose hinge moves most over the stretch (largest change of its drawn curve).
        unit = int(np.argmax(np.abs(last.units - first.units).max(axis=1)))
        (before, whole), (after, _) = (max_fit_error(self.run, s.epoch) for s in (first, last))
        where = "" if whole else " at the data"
        slopes = [fmt_number(self.slope(s.epoch, unit)) for s in (first, last)]
        name = f"unit {unit + 1}"
        grows = "grows" if abs(self.slope(last.epoch, unit)) > abs(self.slope(first.epoch, unit)) else "shrinks"
        # Each change plays under the line that names it: the first line is said over the held epoch (its three
        # numbers pulse in turn as named), then the weights move while the next lines name what moves.
        has_kink = len(first.kinks[unit]) and len(last.kinks[unit])
        kink = f"kink at {fmt_number(first.kinks[unit][0])}, " if has_kink else ""
        slides = " and its kink slides" if has_kink else ""
        lines = [
            f"Slowly now, from epoch {first.epoch:,}: {name}'s {kink}slope {slopes[0]}, largest error{where} "
            f"{before:.3f}.",
            f"Its slope {grows}{slides}; the output bends toward {self.formula}.",
            f"The largest error{where}, {before:.3f} at epoch {first.epoch:,}, is down to {after:.3f} by epoch "
            f"{last.epoch:,}.",
        ]
        held = [(0, 1, 2), (1, 0), (2,)]  # the readout rows that pulse under each line
        pins = KinkPins(self.view, [unit], self.theme, size=self.pin_size).start_following()
        pins.opacity = 0
        # Said as a rewind while the epoch counter runs backwards.
        # Read as a deliberate rewind: named on screen while the counter runs backwards.
        rewinding = label(f"◀◀ rewind to epoch {first.epoch:,}", self.theme, size=TEXT_SIZE)
        rewinding.set_color(self.theme.muted).move_to(self.column_point(self.labels_top), aligned_edge=UL)
        back_to = f"Back to epoch {first.epoch:,}: the output is about to change most."
        with self.narrate(back_to) as line:
            # Paced by how far the output and the kinks move in each step, so no kink hops in the quick rewind.
            self.play(Fade(rewinding), run_time=0.3)
            rewind = SnapshotSweep(
                self.view,
                back,
                weights=step_weights(back, kinks=True),
                blend=self.sweep_blend,
                run_time=max(1.0, line.duration - 0.9),
            )
            self.play(rewind)
            self.play(Fade(rewinding, out=True), run_time=0.3)
            self.add(pins.follow())
            readout = self.unit_readout(unit)
            error = self.error_readout() if whole and self.target is not None else VGroup()
        # Said once, in words (no note in the column): how the frames between saved epochs are drawn.
        with self.narrate("Between saved epochs, the weights are drawn interpolated.") as line:
            self.play(
                self.view.unit_curves[unit].animate.set_stroke(width=7),
                PinsFade(pins),
                Fade(readout),
                run_time=0.5 * line.duration,
            )
            self.play(Fade(error), run_time=0.5 * line.duration)
        self.add(readout.add_updater(lambda _: self.unit_readout(unit, readout)))
        self.add(error.add_updater(lambda group: self.error_readout(group) if len(group) else group))
        # The first line over the held epoch (a frame blended from it with itself: its slope is read as later
        # frames are); the stretch then split between the other two (most of the slope's
        # growth, and the kink's slide, under the second).
        cut = (len(slow) - 1) // 2 + 1
        spans = [[first, first], slow[: cut + 1], slow[cut:]]
        for text, span, rows in zip(lines, spans, held):
            with self.narrate(text) as line:
                pulses = [self.pulse(row, line.duration / len(rows)) for row in rows]
                self.play(
                    SnapshotSweep(self.view, span, blend=self.sweep_blend, run_time=line.duration),
                    Succession(*pulses),
                )
        readout.clear_updaters()
        error.clear_updaters()
        self.play(
            self.view.unit_curves[unit].animate.set_stroke(width=self.view.unit_width),
            PinsFade(pins, out=True),
            Fade(readout, out=True),
            Fade(error, out=True),
            run_time=0.4,
        )
        self.remove(pins.clear_updaters())
        return [last] + [s for s in self.snapshots if s.epoch > last.epoch]

    def sweep_training(self, log_scale: str) -> None:
        """The training sweep, said in the line ``log_scale``; where the largest error falls, then rises before it
        falls again (:func:`~nnexplain.geometry.fit_change.error_detour`, on the swept snapshots' errors), the sweep
        is cut there and each part said, the largest error's bar and number riding the output meanwhile."""
        snapshots = self.snapshots
        errors = [max_fit_error(self.run, s.epoch) for s in snapshots]
        detour = None
        if self.target is not None and all(whole for _, whole in errors):
            detour = error_detour([error for error, _ in errors])
        if detour is None:
            self.sweep(self.view, snapshots, [log_scale])
            return
        low, high = detour
        (down, _), (up, _) = errors[low], errors[high]
        epochs = (f"{snapshots[low].epoch:,}", f"{snapshots[high].epoch:,}")
        rises = f"The largest error, down to {down:.3f} at epoch {epochs[0]}, rises to {up:.3f} by epoch {epochs[1]}."
        parts = self.with_sign_turn([(log_scale, 0, low), (rises, low, high), ("Only then does it fall.", high, None)])
        error = None
        for text, first, last in parts:
            if first >= low and error is None:  # the error's bar and number ride the output from the detour on
                error = self.error_readout()
                self.play(Fade(error), run_time=0.4)
                self.add(error.add_updater(lambda group: self.error_readout(group)))
            part = snapshots[first : None if last is None else last + 1]
            if isinstance(text, tuple):  # the unit whose output weight turns positive: said as it crosses, thick
                unit, crossed = text
                curve, width = self.view.unit_curves[unit], self.view.unit_width

                def thicken(mobject, alpha: float) -> None:
                    mobject.set_stroke(width=width * (1 + 1.3 * there_and_back(alpha)))

                weight = self.weight_readout(unit)  # its output weight ticking in the column as it crosses 0
                self.add(weight.add_updater(lambda group, unit=unit: self.weight_readout(unit, group)))
                self.say_turn(crossed, part, curve, thicken)
                weight.clear_updaters()
                self.play(Fade(weight, out=True), run_time=0.3)
            else:
                self.sweep(self.view, part, [text])
        error.clear_updaters()
        self.play(Fade(error, out=True), run_time=0.4)

    def say_turn(self, crossed: str, part: list, curve, thicken) -> None:
        """The line naming the output weight's turn, over ``part`` (from the snapshot before the turn). Opt-in
        (``turn_held``): the weight reaches the number said (the first snapshot past 0) early in the line and holds
        while it is read, the part's later snapshots after it (reviewer Q: it was said while −0.004 was shown)."""
        with self.narrate(crossed) as line:
            total = line.duration
            if not self.turn_held:
                sweep = SnapshotSweep(self.view, part, blend=self.sweep_blend, run_time=total)
                self.play(sweep, UpdateFromAlphaFunc(curve, thicken, run_time=total))
                return
            reach = 0.55 * total
            sweep = SnapshotSweep(self.view, part[:2], blend=self.sweep_blend, run_time=reach)
            self.play(sweep, UpdateFromAlphaFunc(curve, lambda m, a: thicken(m, a * reach / total), run_time=reach))
            rest = total - reach
            self.play(UpdateFromAlphaFunc(curve, lambda m, a: thicken(m, (reach + a * rest) / total), run_time=rest))
        if len(part) > 2:
            self.play(SnapshotSweep(self.view, part[1:], blend=self.sweep_blend, run_time=0.6 * (len(part) - 2)))

    def with_sign_turn(self, parts: list) -> list:
        """``parts`` (line, first, last snapshot index; None: the end) with the step where a unit's output weight
        turns positive cut out of its part and said in its own line, which plays on to that part's end."""
        turn = self.output_sign_turn(self.snapshots)
        if turn is None:
            return parts
        unit, at, weight = turn
        crossed = f"Unit {unit + 1}'s output weight turns positive: {weight:.3f} at epoch {self.snapshots[at].epoch:,}."
        cut = []
        for text, first, last in parts:
            if first < at - 1 and (last is None or at <= last):
                cut += [(text, first, at - 1), ((unit, crossed), at - 1, last)]
            else:
                cut.append((text, first, last))
        return cut

    def output_sign_turn(self, snapshots: list[CurveSnapshot]) -> tuple[int, int, float] | None:
        """The first unit whose output weight is negative at the random start and positive at the end of training
        and which turns positive within ``snapshots``: the unit, the index of the first of them where it is
        positive, and its weight there (from the run's stored weights)."""
        weights = [np.asarray(self.run.params(s.epoch)[1][0])[0] for s in snapshots]
        start, end = (np.asarray(self.run.params(s.epoch)[1][0])[0] for s in (self.snapshots[0], self.hinges))
        for unit in np.flatnonzero((start < 0) & (end > 0)):
            if weights[0][unit] < 0:
                at = next((i for i, w in enumerate(weights) if w[unit] > 0), None)
                if at is not None:
                    return int(unit), at, float(weights[at][unit])
        return None

    def pulse(self, row: int, seconds: float) -> UpdateFromAlphaFunc:
        """Readout ``row`` (0 kink, 1 slope, 2 largest error) grown by a quarter and back, as a line names it."""
        emphasis = self.__dict__.setdefault("_pulses", {})

        def grow(_, alpha: float) -> None:
            emphasis[row] = 1 + 0.25 * there_and_back(alpha)

        return UpdateFromAlphaFunc(Mobject(), grow, run_time=seconds, remover=True)

    def _emphasis(self, row: int) -> float:
        return self.__dict__.get("_pulses", {}).get(row, 1.0)

    def unit_readout(self, unit: int, group: VGroup | None = None) -> VGroup:
        """Unit ``unit``'s kink and slope in the frame drawn now, two rows in the column, in its colour; with
        ``group``, its rows are refilled in place (glyph slots: :mod:`nnexplain.mobjects.slot_text`)."""
        frame, color = self.view.frame, self.view.colors[unit]
        kinks, slopes = getattr(frame, "kinks", None), getattr(frame, "slopes", None)
        # Two decimals always, so the numbers keep their width as they tick.
        kink = "–" if kinks is None or not len(kinks[unit]) else _fixed(kinks[unit][0])
        slope = "–" if slopes is None else _fixed(slopes[unit])
        name = f"unit {unit + 1}'s"
        rows = [label(f"{name} kink {kink}", self.theme, size=self.pin_size, color=color)]
        rows.append(label(f"{name} slope {slope}", self.theme, size=self.pin_size, color=color))
        # In the column, where the short labels go (beside the pin they sat on its hinge), a row apart.
        for row, text in enumerate(rows):
            text.scale(self._emphasis(row)).move_to(self.column_point(self.labels_top - 0.5 * row), aligned_edge=UL)
        patches = [BackgroundRectangle(row, color=self.theme.background, fill_opacity=0.85, buff=0.05) for row in rows]
        if group is None:
            return VGroup(*(VGroup(patch, _ticking(row)) for patch, row in zip(patches, rows)))
        for (patch, shown), new_patch, row in zip(group, patches, rows):
            patch.set_points(new_patch.points)
            shown.show(row, placed=True)
        return group

    def frame_miss(self, frame) -> tuple[float, float, float]:
        """The exact largest error of the network drawn in ``frame`` (its own weights, interpolated ones included;
        a stored snapshot's are the run's): the miss, its x and the output there (see
        :mod:`nnexplain.geometry.live_miss`)."""
        params = getattr(frame, "params", None)
        if params is None:
            params = self.run.params(frame.epoch)
        return params_miss(self.run, params, self.target_values, frame.x)

    def weight_readout(self, unit: int, group: SlotText | None = None) -> SlotText:
        """Unit ``unit``'s output weight in the frame drawn now (its own weights, interpolated ones included), a row
        in the column in its colour; with ``group``, refilled in place."""
        frame = self.view.frame
        params = getattr(frame, "params", None)
        params = self.run.params(frame.epoch) if params is None else params
        value = f"{float(np.asarray(params[1][0])[0, unit]):.3f}".replace("-", "\u2212")
        text = label(f"unit {unit + 1}: v = {value}", self.theme, size=self.pin_size)  # v: as in the formula
        text.set_color(self.view.colors[unit]).move_to(self.column_point(self.labels_top), aligned_edge=UL)
        if group is None:
            return _ticking(text)
        group.show(text, placed=True)
        return group

    def error_readout(self, group: VGroup | None = None) -> VGroup:
        """The largest error of the output drawn now: its bar to the target and its number, riding the curve; with
        ``group``, refilled in place."""
        miss, at, fitted = self.frame_miss(self.view.frame)
        text = f"{miss:.3f}"  # the words name it; a longer tag would lie over x²
        marker = self.error_marker(self.outputs, np.array([at]), np.array([fitted]), 0, text, color=self.theme.text)
        marker[-1].scale(self._emphasis(2))
        if group is None:
            bar, ring, (patch, shown) = marker
            return VGroup(bar, ring, VGroup(patch, _ticking(shown)))
        for old, new in zip(group[:2], marker[:2]):
            old.set_points(new.points)
        group[2][0].set_points(marker[2][0].points)
        group[2][1].show(marker[2][1], placed=True)
        return group


# Glyphs a ticking number may gain over its first text: "–" (no kink yet) becomes "−0.03", 0.16 becomes −1.13.
SPARE_GLYPHS = 6


def _ticking(text: VMobject) -> SlotText:
    """``text`` in glyph slots it is refilled in each frame (placed by the caller: a readout's row or a bar's tag)."""
    return SlotText(text, slots=glyph_count(text) + SPARE_GLYPHS, edge=None)
