"""A beat of ``relu-square``: the stretch of training where the output changes most, replayed slowly.

The stretch is measured from the run's stored snapshots (:func:`~nnexplain.geometry.fit_change.busiest_span`: the
consecutive stored epochs whose output curves move the most in total). The view runs back to its first epoch (said
as a rewind while the counter runs backwards), then slowly through it: the unit whose hinge changes most there is
named on its kink and drawn thick, and the words say where its kink goes, how its slope grows, and how far the
largest error falls meanwhile.

A mixin for a :class:`~nnexplain.scenes.base.hinge_story.HingeStory` whose scene sets ``hinges``, ``snapshots``,
``run``, ``view``, ``formula`` and ``sweep_blend`` before this beat runs.
"""

from __future__ import annotations

import numpy as np

from nnexplain.geometry.fit_change import busiest_span
from nnexplain.geometry.hinges import CurveSnapshot, curve_snapshot, max_fit_error
from nnexplain.mobjects.hinges import SnapshotSweep, fmt_number
from nnexplain.mobjects.kink_pins import KinkPins, PinsFade

__all__ = ["FitReplay"]


class FitReplay:
    """The beat ``replay_fit`` (see the module's docstring)."""

    replay_steps: int = 8  # stored steps replayed slowly (about 10 s of words)
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
        if len(first.kinks[unit]) and len(last.kinks[unit]):
            kinks = [fmt_number(s.kinks[unit][0]) for s in (first, last)]
            moves = f"Slowly now: {name}'s kink slides from {kinks[0]} to {kinks[1]}."
        else:
            moves = f"Slowly now: watch {name}."
        lines = [
            moves,
            f"Its slope {grows} from {slopes[0]} to {slopes[1]}; the output bends toward {self.formula}.",
            f"By epoch {last.epoch:,}, the largest error{where} has fallen from {before:.3f} to {after:.3f}.",
        ]
        pins = KinkPins(self.view, [unit], self.theme, size=self.pin_size).start_following()
        pins.opacity = 0
        # Said as a rewind while the epoch counter runs backwards.
        with self.narrate(f"Back to epoch {first.epoch:,}: the output is about to change most.") as line:
            self.play(SnapshotSweep(self.view, back, blend=self.sweep_blend, run_time=max(1.0, line.duration - 0.6)))
            self.add(pins.follow())
            self.play(self.view.unit_curves[unit].animate.set_stroke(width=7), PinsFade(pins), run_time=0.5)
        cuts = np.linspace(0, len(slow) - 1, len(lines) + 1).round().astype(int)
        for text, start, end in zip(lines, cuts[:-1], cuts[1:]):
            with self.narrate(text) as line:
                self.play(
                    SnapshotSweep(self.view, slow[start : end + 1], blend=self.sweep_blend, run_time=line.duration)
                )
        self.play(
            self.view.unit_curves[unit].animate.set_stroke(width=self.view.unit_width),
            PinsFade(pins, out=True),
            run_time=0.4,
        )
        self.remove(pins.clear_updaters())
        return [last] + [s for s in self.snapshots if s.epoch > last.epoch]
