"""The overfitting beats of ``neuron-maps`` (:mod:`nnexplain.scenes.neuron_maps`): the training points the
regions bend around (:mod:`nnexplain.geometry.bent_points`), one of them zoomed in with its nearest validation
points, the best-validation snapshot dashed, and the bending played again slowly."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import DOWN, LEFT, RIGHT, Circle, Create, DashedLine, DashedVMobject, FadeIn, FadeOut, VGroup

from nnexplain.geometry.map_pacing import paced_durations
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import label
from nnexplain.run.network import forward_trace
from nnexplain.scenes.neuron_maps_parts import MARK, NEIGHBOURS, ON_TOP, TEXT, NeuronMapParts

__all__ = ["OverfitBeats"]

CLOSING_RADIUS = 0.2  # input units round the zoomed point: the disc whose change of class paces the replay


class OverfitBeats(NeuronMapParts):
    replay_seconds: ClassVar[float] = 14.0  # the bending around one point, played a second time, slowly

    def bent_around(self) -> None:
        named, best = self.bent[0], self.run.epochs[self.best]

        points = np.array([b.point for b in self.bent])
        rings, again = self.rings_at(points, self.theme.palette[MARK]), self.rings_at(points, self.theme.palette[MARK])
        self.build_inset(named)
        parts = self.inset_parts
        self.show_inset(len(self.run.epochs) - 1)
        with self.narrate(
            f"{len(self.bent)} training points have labels that all {NEIGHBOURS} nearest validation points contradict."
        ) as line:
            self.play(Create(rings, lag_ratio=0.1), run_time=0.35 * line.duration)
            # The network leaves first (the backing hides it), then the zoom comes in.
            self.play(FadeIn(parts["backing"]), FadeOut(self.headers), run_time=0.1 * line.duration)
            self.play(
                Create(parts["box"]), Create(parts["links"]), FadeIn(parts["panel"]),
                FadeIn(parts["boundary"]), FadeIn(parts["training"]), Fade(parts["heading"]),
                run_time=0.2 * line.duration,
            )  # fmt: skip
            self.play(
                Create(parts["lines"]), FadeIn(parts["validation"]), Create(parts["ring"]), Fade(parts["key"]),
                run_time=0.3 * line.duration,
            )  # fmt: skip
        earlier = VGroup(
            *(
                DashedVMobject(c, num_dashes=30)
                for c in self.panel.level_lines(self.class_one[self.best], 0.5, self.theme.muted, 3)
            ),
            *(
                DashedVMobject(c, num_dashes=20)
                for c in self.inset.level_lines(self.inset_regions[self.best], 0.5, self.theme.muted, 4)
            ),
        ).set_z_index(ON_TOP + 6)
        among = len(set(b.index for b in self.bent) & set(self.flipped.tolist()))
        if len(self.flipped):
            which = "All" if among == len(self.bent) else f"{among} of the"
            with self.narrate(
                f"{which} {len(self.bent)} are among the {len(self.flipped)} labels flipped on purpose."
            ) as line:
                flips = self.rings_at(self.train_x[self.flipped], self.theme.text, radius=0.08)
                self.play(Create(flips, lag_ratio=0.05), run_time=0.5 * line.duration)
                self.play(FadeOut(flips), run_time=0.3 * line.duration)
        with self.narrate(f"At epoch {best}, the best for validation, the regions leave them out.") as line:
            self.play(FadeOut(parts["lines"]), run_time=self.t(0.5))
            self.play_snapshots(len(self.run.epochs) - 1, self.best, 0.6 * line.duration, even=True)
        with self.narrate(f"Epoch {best}'s boundary stays, dashed, to compare against.") as line:
            key = VGroup(
                DashedLine(LEFT * 0.3, RIGHT * 0.3, dash_length=0.08).set_stroke(self.theme.muted, 3),
                label("epoch", self.theme, TEXT, self.theme.muted),
                label(str(best), self.theme, TEXT, self.theme.muted),
            ).arrange(DOWN, buff=0.1)  # stacked: the gap right of the panel is narrow
            key.next_to(self.panel.outline, RIGHT, buff=0.12).shift(0.6 * DOWN)
            earlier.add(key)  # named beside the panel for as long as the dashed line stays
            self.play(Create(earlier), run_time=0.6 * line.duration)
        side = self.classes[named.label]
        # Paced by how much of a disc round the point changes class: slow where the region closes in on it.
        near = self.closing_in(named)
        arrives = self.best + int(np.argmax(near))
        first, then = self.run.epochs[arrives], self.run.epochs[arrives + 1]
        steps = paced_durations(near, 1.0)
        middle = arrives if arrives > self.best else arrives + 1  # the second line over the step where it closes in
        lines = [
            (f"From epoch {best} on, {side} regions reach into the zoom.", self.best, middle),
            (
                f"Between epochs {first} and {then} one reaches the point itself and takes it in.",
                middle,
                len(steps) + self.best,
            ),
        ]
        self.play(Fade(rings, out=True), run_time=0.5)
        for text, start, end in lines:
            if end <= start:
                continue
            swap = self.say(text)
            seconds = max(
                self.narrator.log[-1].duration + self.t(0.5),
                self.replay_seconds * steps[start - self.best : end - self.best].sum(),
            )
            self.play_snapshots(start, end, seconds, lead_in=swap, steps=steps[start - self.best : end - self.best])
        taken = self.neighbours_taken(named)
        if len(taken):
            with self.narrate(
                f"{len(taken)} of its {NEIGHBOURS} validation neighbours go with it: right at epoch {best}, "
                f"wrong at {self.run.epochs[-1]}."
            ) as line:
                # Ringed, and they stay ringed until the zoom leaves: five marks one can count.
                marks = VGroup(
                    *(
                        Circle(radius=0.12).set_stroke(self.theme.palette[MARK], 3).move_to(parts["validation"][k])
                        for k in taken
                    )
                ).set_z_index(ON_TOP + 12)
                self.play(Create(marks, lag_ratio=0.3), run_time=0.6 * line.duration)
                parts["marks"] = marks
        end = self.run.snapshots[-1]["metrics"]
        with self.narrate(
            f"Fitting such points is overfitting: validation loss rose from "
            f"{self.run.snapshots[self.best]['metrics']['val_loss']:.3f} to {end['val_loss']:.3f}."
        ) as line:
            self.play(Create(again), run_time=0.4 * line.duration)
        # The backing stays: the neurons followed next are drawn over it, and the diagram does not flicker back.
        leaving = [part for name, part in parts.items() if name not in ("lines", "backing")]
        self.play(*(FadeOut(part) for part in leaving), FadeOut(VGroup(again, earlier)), run_time=0.8)
        self.kept_backing = parts["backing"]
        self.inset = None

    def closing_in(self, bent) -> np.ndarray:
        """Per step from the best snapshot to the last, the share of a disc round ``bent`` (in the zoom) that changes
        class: where the region reaches the point."""
        raster = self.inset_raster
        disc = np.linalg.norm(raster.points - bent.point, axis=1).reshape(raster.size, raster.size) <= CLOSING_RADIUS
        switched = [(r > 0.5)[disc] for r in self.inset_regions[self.best :]]
        return np.array([np.mean(a != b) for a, b in zip(switched[:-1], switched[1:])])

    def neighbours_taken(self, bent) -> list[int]:
        """Which of ``bent``'s nearest validation points (in the inset's order) the best snapshot classifies right
        and the last one wrong."""
        val = self.run.dataset["val"]
        inputs, labels = self.run.probe["inputs"][:val], self.run.probe["labels"][:val]
        nearest = np.argsort(np.linalg.norm(inputs - bent.point, axis=1), kind="stable")[:NEIGHBOURS]

        def right(index: int) -> np.ndarray:
            p = forward_trace(self.params[index], self.run.activation, "softmax", inputs[nearest])[-1][1][:, 1]
            return (p > 0.5) == (labels[nearest] == 1)

        return [int(k) for k in np.flatnonzero(right(self.best) & ~right(len(self.run.epochs) - 1))]
