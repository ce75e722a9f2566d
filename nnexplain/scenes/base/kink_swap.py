"""A beat of ``relu-square``: the first time two units' kinks pass each other in training, replayed slowly.

The crossing is measured from the run's stored weights (:func:`~nnexplain.geometry.kink_order.first_kink_crossing`);
the replay runs over every stored epoch around it, the two units drawn thick and named on their kinks (each name on
a stem at its own height, so the names pass each other as the kinks do), and names the swap as it happens. A unit
that lies nearly flat meanwhile (its output weight near 0) is said to, with how close to 0 it stays.

A mixin for a :class:`~nnexplain.scenes.base.hinge_story.HingeStory` whose scene sets ``hinges``, ``snapshots``,
``run``, ``view`` and ``sweep_blend`` before this beat runs.
"""

from __future__ import annotations

import math

import numpy as np

from nnexplain.geometry.hinges import CurveSnapshot, curve_snapshot
from nnexplain.geometry.kink_order import first_kink_crossing
from nnexplain.mobjects.hinges import SnapshotSweep
from nnexplain.mobjects.kink_pins import KinkPins, PinsFade

__all__ = ["KinkSwap"]


class KinkSwap:
    """The beat ``replay_crossing`` (see the module's docstring)."""

    def replay_crossing(self) -> list[CurveSnapshot]:
        """Where two units' kinks pass each other (measured from the stored weights), once more and slowly, over
        every stored epoch around it, pointed out as it happens. Returns the snapshots from there to the end of
        training (empty when no kinks cross or one hidden layer is not what is drawn)."""
        crossing = first_kink_crossing(self.run) if self.hinges.hidden_layers == 1 else None
        last = self.hinges.epoch
        if crossing is None or crossing.after > last:
            return []
        epochs = [epoch for epoch in self.run.epochs if epoch <= last]
        at = epochs.index(crossing.before)
        slow = [curve_snapshot(self.run, epoch) for epoch in epochs[max(0, at - 3) : at + 5]]
        back = [s for s in reversed(self.snapshots) if s.epoch > slow[0].epoch] + [slow[0]]
        units = sorted(crossing.units)
        a, b = (unit + 1 for unit in units)
        # Lines: where to look, as the replay runs up to the swap (and, if one of the two lies nearly flat, that it
        # does); then the swap, named as it happens.
        split = [s.epoch for s in slow].index(crossing.before)
        watch = f"Once more, slowly, from epoch {slow[0].epoch:,}: watch the kinks of units {a} and {b}."
        swap = f"Their kinks swap sides between epochs {crossing.before:,} and {crossing.after:,}."
        flat, reach = self.flat_unit(slow, units)
        if flat is not None:  # drawn over the other's flat stretch, which lies on it along the axis
            self.view.unit_curves[flat].set_z_index(1)
        pins = KinkPins(self.view, units, self.theme, size=self.pin_size).start_following()
        pins.opacity = 0
        with self.narrate(watch) as line:
            self.play(SnapshotSweep(self.view, back, blend=self.sweep_blend, run_time=1.0))
            self.add(pins.follow())
            self.play(
                *[self.view.unit_curves[unit].animate.set_stroke(width=7) for unit in crossing.units],
                PinsFade(pins),
                run_time=0.5,
            )
            middle = split // 2 if flat is not None else split
            if middle > 0:
                seconds = max(line.duration - 1.5, 0.6 * middle)
                self.play(SnapshotSweep(self.view, slow[: middle + 1], blend=self.sweep_blend, run_time=seconds))
        if flat is not None:
            said = f"Unit {flat + 1} lies nearly flat, within {reach:.2f} of 0: its output weight is near 0."
            with self.narrate(said) as line:
                color = self.view.colors[flat]
                self.play(*self.show_labels(f"unit {flat + 1}: within\n{reach:.2f} of 0", color=color), run_time=0.5)
                seconds = max(line.duration - 0.5, 0.6 * (split - middle))
                if split > middle:
                    self.play(
                        SnapshotSweep(self.view, slow[middle : split + 1], blend=self.sweep_blend), run_time=seconds
                    )
                else:
                    self.wait(seconds)
        with self.narrate(swap) as line:
            label = f"units {a} and {b} swap\nbetween epochs\n{crossing.before:,} and {crossing.after:,}"
            self.play(*self.show_labels(label), run_time=0.5)
            seconds = max(line.duration - 0.5, 0.6 * (len(slow) - 1 - split))
            self.play(SnapshotSweep(self.view, slow[split:], blend=self.sweep_blend, run_time=seconds))
        self.play(
            *self.show_labels(None),
            *[self.view.unit_curves[unit].animate.set_stroke(width=self.view.unit_width) for unit in crossing.units],
            PinsFade(pins, out=True),
            run_time=0.4,
        )
        self.remove(pins.clear_updaters())
        if flat is not None:
            self.view.unit_curves[flat].set_z_index(0)
        return [slow[-1]] + [s for s in self.snapshots if s.epoch > slow[-1].epoch]

    pin_size: float = 28  # the units' names on their kinks: digits about 17 px tall at 480p

    def flat_unit(self, snapshots: list[CurveSnapshot], units: list[int]) -> tuple[int | None, float]:
        """Of ``units``, one whose hinge stays within a fifth of the other's reach of 0 over ``snapshots``: that unit
        and its reach (largest |value| on the interval), else (None, 0)."""
        reach = {unit: max(float(np.max(np.abs(s.units[unit]))) for s in snapshots) for unit in units}
        low, high = sorted(units, key=reach.get)
        # Rounded up, so "within" it stays true of every frame.
        return (low, math.ceil(reach[low] * 100) / 100) if reach[low] < 0.2 * reach[high] else (None, 0.0)
