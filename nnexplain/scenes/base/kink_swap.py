"""A beat of ``relu-square``: the first time two units' kinks pass each other in training, replayed slowly.

The crossing is measured from the run's stored weights (:func:`~nnexplain.geometry.kink_order.first_kink_crossing`);
the replay runs over every stored epoch around it, the two units drawn thick, and names the swap as it happens.

A mixin for a :class:`~nnexplain.scenes.base.hinge_story.HingeStory` whose scene sets ``hinges``, ``snapshots``,
``run``, ``view`` and ``sweep_blend`` before this beat runs.
"""

from __future__ import annotations

from nnexplain.geometry.hinges import CurveSnapshot, curve_snapshot
from nnexplain.geometry.kink_order import first_kink_crossing
from nnexplain.mobjects.hinges import SnapshotSweep

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
        a, b = (unit + 1 for unit in sorted(crossing.units))
        # Two lines: where to look, as the replay runs up to the swap; then the swap, named as it happens.
        split = [s.epoch for s in slow].index(crossing.before)
        watch = f"Once more, slowly, from epoch {slow[0].epoch:,}: watch units {a} and {b}."
        swap = f"Their kinks swap sides between epochs {crossing.before:,} and {crossing.after:,}."
        with self.narrate(watch) as line:
            self.play(SnapshotSweep(self.view, back, blend=self.sweep_blend, run_time=1.0))
            self.play(
                *[self.view.unit_curves[unit].animate.set_stroke(width=7) for unit in crossing.units], run_time=0.5
            )
            if split > 0:
                seconds = max(line.duration - 1.5, 0.6 * split)
                self.play(SnapshotSweep(self.view, slow[: split + 1], blend=self.sweep_blend, run_time=seconds))
        with self.narrate(swap) as line:
            label = f"units {a} and {b} swap\nbetween epochs\n{crossing.before:,} and {crossing.after:,}"
            self.play(*self.show_labels(label), run_time=0.5)
            seconds = max(line.duration - 0.5, 0.6 * (len(slow) - 1 - split))
            self.play(SnapshotSweep(self.view, slow[split:], blend=self.sweep_blend, run_time=seconds))
        self.play(
            *self.show_labels(None),
            *[self.view.unit_curves[unit].animate.set_stroke(width=self.view.unit_width) for unit in crossing.units],
            run_time=0.4,
        )
        return [slow[-1]] + [s for s in self.snapshots if s.epoch > slow[-1].epoch]
