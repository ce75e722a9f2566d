"""What the first layer learns: its weight images over training, what one neuron responds to, and its sum.

    nnexplain render hidden-features --run runs/mnist
    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/hidden_features.py HiddenFeatures

Every first-layer neuron's weights drawn as an image on one colour scale
(:func:`~nnexplain.geometry.features.weight_scale`), from the random start through
every recorded snapshot, paced by how far the weights move
(:func:`~nnexplain.geometry.features.snapshot_seconds`). Then the most concentrated
neuron beside the stroke detector the hopeful story draws, measured; its strongest
weights (:func:`~nnexplain.geometry.features.strong_stroke`) outlined over the
validation digits the run recorded that excite it most and least, as ink × weight, each
z laid out as band + rest + bias; the extremes up close: what shuts it off and what
switches it on (:func:`~nnexplain.geometry.features.main_push`); and one digit's 784 products added row by row into its pre-activation, then the
activation, ending on the numbers the run recorded. Subclass to change the pace
(``pace``, ``sweep_floor``) or the neuron (``neuron``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    Group,
    Line,
    Rectangle,
    Square,
    SurroundingRectangle,
    VGroup,
    smooth,
)

from nnexplain.geometry.features import (
    plainest_neuron,
    snapshot_seconds,
    start_correlation,
    stroke_template,
    strong_stroke,
    strongest_pixels,
    top_share,
    weight_images,
    weight_scale,
)
from nnexplain.geometry.network import image_shape
from nnexplain.mobjects.charts import LineChart, Readout, nice_ticks
from nnexplain.mobjects.heatmap import ColourBar, Heatmap, Playback, blend_keyframes, diverging_rgba, grey_rgba
from nnexplain.mobjects.style import fmt_fixed, fmt_percent, label
from nnexplain.mobjects.weight_parts import pixel_outline
from nnexplain.scenes.base.run_facts import has_history, has_random_start, origin
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.hidden_features_response import ResponseBeats
from nnexplain.scenes.hidden_features_sum import OneSumBeats

__all__ = ["HiddenFeatures"]

TEXT = 27  # points: capital letters 16 px tall at 480p
GRID_CENTRE = np.array([-4.27, 0.05, 0])
TILE, GAP = 1.12, 0.1
COLUMN_X = -1.2  # left edge of the right-hand column
DIGIT = 2.6  # a recorded digit, its pixels linked to the weight images
DIGIT_AT = np.array([2.6, 0.2, 0])
BIG = 3.2  # the chosen neuron's weight image, up close
BIG_AT = np.array([-4.85, 0.2, 0])  # its name and legend 24 px or more from the left edge


def ramp(t: float, start: float, stop: float) -> float:
    """0 before ``start``, 1 after ``stop``, smoothly between: pieces of a fade out and back in one animation."""
    return smooth(float(np.clip((t - start) / (stop - start), 0.0, 1.0)))


class HiddenFeatures(ResponseBeats, OneSumBeats, RunScene):
    scene_name = "hidden-features"
    captions_in_band = True
    sweep_floor: ClassVar[float] = 0.15  # seconds every snapshot gets in the sweep; the rest follows the change
    neuron: ClassVar[int | None] = None  # the neuron of the close-up; None: the most concentrated one

    def setup(self) -> None:
        super().setup()
        self.shape = image_shape(self.run)
        self.scale = weight_scale(self.run)
        self.keyframes = [weight_images(self.run, epoch, self.shape) for epoch in self.run.epochs]
        self.final = self.keyframes[-1]
        self.chosen = plainest_neuron(self.final) if self.neuron is None else int(self.neuron)
        self.stroke = strong_stroke(self.final[self.chosen])
        self.name = f"neuron {self.chosen + 1}"

    def construct(self) -> None:
        self.beat("the grid")
        self.show_grid()
        if has_history(self.run):
            self.beat("over training")
            self.over_training()
        else:  # one snapshot (an imported run): nothing to replay, and said so
            self.beat("final weights only")
            with self.narrate(f"This run holds one snapshot: its final weights, {origin(self.run)}.") as line:
                self.play(self.frames.animate.set_stroke(self.theme.highlight, 1.5), run_time=line.duration)
            with self.narrate("It holds no training to replay, and no random start to compare with.") as line:
                self.play(self.frames.animate.set_stroke(self.theme.neuron_stroke, 1), run_time=line.duration)
        self.beat("not a stroke detector")
        self.honest_answer()
        self.beat("its strongest weights")
        self.strongest_weights()
        self.beat("what excites it")
        self.what_excites_it()
        self.beat("what shuts it off, what switches it on")
        self.up_close()
        self.beat("one digit's sum")
        self.one_sum()
        self.beat("the answer")
        self.the_answer()
        self.hold(extra=2.0)

    # --- beats -------------------------------------------------------------

    def show_grid(self) -> None:
        units = self.final.shape[0]
        facts = f"{self.run.recipe} · {'-'.join(map(str, self.run.layers))} · {self.run.activation} · real weights"
        self.title = VGroup(
            label("What does the first layer learn?", self.theme, 34, weight="BOLD"),
            label(facts, self.theme, TEXT, self.theme.muted),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        self.title.to_corner(UP + LEFT, buff=0.4)
        first = self.keyframes[0] if has_history(self.run) else self.final
        self.tiles = Group(*(Heatmap(self.rgba(image), TILE) for image in first))
        self.tiles.arrange_in_grid(rows=int(np.ceil(units / 4)), cols=min(units, 4), buff=GAP).move_to(GRID_CENTRE)
        self.frames = VGroup(
            *(Rectangle(width=TILE, height=TILE).set_stroke(self.theme.neuron_stroke, 1).move_to(t) for t in self.tiles)
        )
        self.legend = ColourBar(self.scale, self.theme, width=1.0, size=TEXT)
        self.legend.move_to([COLUMN_X + 0.05, 1.7, 0], aligned_edge=LEFT)
        self.legend_name = label("weight, one colour scale for all", self.theme, TEXT, self.theme.muted)
        self.legend_name.next_to(self.legend, UP, buff=0.1).align_to(self.legend, LEFT)
        pixels = " × ".join(map(str, self.shape))
        with self.narrate(
            f"Each of the {units} first-layer neurons has one weight per pixel: {pixels} weights."
        ) as line:
            self.play(FadeIn(self.title, shift=0.2 * DOWN), run_time=0.6)
            self.play(
                FadeIn(self.frames, lag_ratio=0.1),
                FadeIn(self.tiles, lag_ratio=0.1),
                run_time=max(line.duration - 0.6, 1.0),
            )
        self.one_pixel_to_all(units)
        self.play(FadeIn(self.legend, shift=0.2 * LEFT), FadeIn(self.legend_name), run_time=0.8)

    def one_pixel_to_all(self, units: int) -> None:
        """A recorded digit's pixel linked to its place in every neuron's image: one weight per pixel, per neuron."""
        inputs = np.asarray(self.run.probe["inputs"][0], np.float64).reshape(self.shape)
        rows, cols = self.shape
        inked = np.argwhere(inputs >= 0.5 * inputs.max())
        row, col = inked[np.argmin(((inked - (np.array(self.shape) - 1) / 2) ** 2).sum(axis=1))]  # inked, central
        digit = Heatmap(grey_rgba(inputs), DIGIT).move_to(DIGIT_AT)
        frame = Rectangle(width=DIGIT, height=DIGIT).set_stroke(self.theme.neuron_stroke, 1).move_to(digit)
        name = label(f"a digit: {rows} × {cols} pixels", self.theme, TEXT, self.theme.muted)
        name.next_to(digit, UP, buff=0.12)

        def place(image: Heatmap) -> np.ndarray:
            left, top = image.get_left()[0], image.get_top()[1]
            return np.array([left + (col + 0.5) * image.width / cols, top - (row + 0.5) * image.height / rows, 0.0])

        pixel = Square(DIGIT / cols).set_stroke(self.theme.text, 3).move_to(place(digit))
        marks = VGroup(*(Square(0.12).set_stroke(self.theme.text, 2).move_to(place(tile)) for tile in self.tiles))
        links = VGroup(*(Line(place(digit), place(tile)).set_stroke(self.theme.text, 1.2, 0.6) for tile in self.tiles))
        with self.narrate(f"A digit's pixel meets all {units}: each neuron has its own weight for it.") as line:
            self.play(FadeIn(digit), FadeIn(frame), FadeIn(name), Create(pixel), run_time=0.3 * line.duration)
            self.play(Create(links, lag_ratio=0.05), FadeIn(marks, lag_ratio=0.05), run_time=0.45 * line.duration)
            self.play(FadeOut(VGroup(links, marks, pixel, frame, name)), FadeOut(digit), run_time=0.25 * line.duration)

    def over_training(self) -> None:
        history, epochs = self.run.history, np.asarray(self.run.epochs, np.float64)
        accuracy = history.metric("val_acc")
        rows = {int(epoch): row for row, epoch in enumerate(history.epochs)}
        accuracy_at = [accuracy[rows[epoch]] if epoch in rows else np.nan for epoch in self.run.epochs]
        chart = LineChart(
            (0, max(epochs[-1], 1)),
            (0, 1),
            self.theme,
            5.2,
            1.85,
            y_ticks=[0, 0.5, 1],
            x_ticks=[tick for tick in nice_ticks(0, max(epochs[-1], 1), 4) if tick > 0],  # "0" would touch "0%"
            percent=True,
            x_title="epoch",
            size=TEXT,
        )
        chart.move_to([COLUMN_X + 1.05, -0.85, 0], aligned_edge=LEFT)
        curve = chart.curve(self.theme.text)  # yellow is neuron 11's alone
        chart.draw(curve, history.epochs, accuracy, upto=0)
        shown = lambda value: fmt_percent(value) if np.isfinite(value) else "–"  # noqa: E731
        epoch_readout = Readout("epoch", str(self.run.epochs[0]), self.theme, TEXT, width=4)
        accuracy_readout = Readout("validation accuracy", shown(accuracy_at[0]), self.theme, TEXT, width=6)
        readout = VGroup(epoch_readout, accuracy_readout).arrange(RIGHT, buff=0.5)
        readout.move_to([COLUMN_X + 0.05, 0.6, 0], aligned_edge=LEFT)
        start = "the random start" if has_random_start(self.run) else "the first snapshot"
        with self.narrate(f"Epoch {self.run.epochs[0]}, {start}: nearly black here; brightened, it is noise.") as line:
            self.play(FadeIn(chart), FadeIn(curve), FadeIn(readout), run_time=0.4 * line.duration)
            self.brighten_start(line.duration * 0.6)

        def show(position: float) -> None:
            self.show_keyframe(position)
            chart.draw(curve, history.epochs, accuracy, upto=np.interp(position, np.arange(len(epochs)), epochs))
            index = int(round(position))
            epoch_readout.set_value(str(self.run.epochs[index]))
            accuracy_readout.set_value(shown(accuracy_at[index]))

        last = self.run.epochs[-1]
        lines = [
            "Now watch each image sharpen while the validation accuracy climbs.",
            f"Every snapshot to epoch {last}, with more time where the pictures change most.",
            f"Epoch {last}: validation accuracy {shown(accuracy_at[-1])}. These are the trained weights.",
        ]
        durations = [self.narrator.timer(text).duration for text in lines]
        steps = snapshot_seconds(self.keyframes, sum(durations[:2]) + 4.0, self.sweep_floor)
        times = np.concatenate([[0.0], np.cumsum(steps)])  # when the sweep reaches each snapshot

        def sweep(start: float, stop: float) -> Playback:
            return Playback(
                Group(self.tiles, chart, curve, readout),
                lambda t: show(np.interp(start + t * (stop - start), times, np.arange(len(times)))),
                run_time=stop - start,
            )

        # The caption changes while the sweep runs: the pictures never wait for the words.
        stops = [0.0, durations[0] + 2.0, times[-1]]
        for text, start, stop in zip(lines[:2], stops, stops[1:]):
            self.play(*self.say(text), sweep(start, start + 0.5))
            self.play(sweep(start + 0.5, stop))
        with self.narrate(lines[2]) as line:
            self.play(curve.animate.set_stroke(width=7), run_time=0.5 * line.duration)
            self.play(curve.animate.set_stroke(width=3.5), run_time=0.5 * line.duration)
        self.sweep = VGroup(chart, curve, readout)

    def honest_answer(self) -> None:
        chosen, image = self.chosen, self.final[self.chosen]
        template = stroke_template(image)
        real_share, drawn_share = top_share(image), top_share(template)
        box = SurroundingRectangle(self.tiles[chosen], color=self.theme.highlight, buff=0.04)
        with self.narrate("Are they stroke detectors?") as line:
            self.play(Create(box), run_time=line.duration)
        with self.narrate(
            f"Take {self.name}: of the {len(self.final)}, its weight is the most concentrated in few pixels."
        ) as line:
            self.play(
                FadeOut(Group(*self.tiles[:chosen], *self.tiles[chosen + 1 :])),
                FadeOut(self.frames),
                FadeOut(box),
                *([FadeOut(self.sweep)] if hasattr(self, "sweep") else []),
                FadeOut(self.legend_name),
                FadeOut(self.legend),
                run_time=0.5 * line.duration,
            )
            self.legend.move_to(BIG_AT + (BIG / 2 + 0.35) * DOWN + 0.15 * RIGHT)
            self.play(
                self.tiles[chosen].animate.scale_to_fit_height(BIG).move_to(BIG_AT),
                FadeIn(self.legend),
                run_time=0.5 * line.duration,
            )
        self.big = self.tiles[chosen]
        self.big_frame = Rectangle(width=BIG, height=BIG).set_stroke(self.theme.neuron_stroke, 1).move_to(BIG_AT)
        self.big_name = label(f"{self.name}, trained", self.theme, TEXT).next_to(self.big_frame, UP, buff=0.12)
        drawn = Heatmap(self.rgba(template), BIG).move_to([-0.2, BIG_AT[1], 0])
        drawn_frame = Rectangle(width=BIG, height=BIG).set_stroke(self.theme.neuron_stroke, 1).move_to(drawn)
        drawn_name = label("clean detector, drawn", self.theme, TEXT, self.theme.muted)
        drawn_name.next_to(drawn, UP, buff=0.12)
        on, beside = ("red", "blue") if self.stroke.sign < 0 else ("blue", "red")
        with self.narrate(
            f"Drawn, not trained: a clean detector of its {on} stroke, {on} on it, {beside} beside it."
        ) as line:
            self.play(FadeIn(self.big_frame), FadeIn(self.big_name), run_time=0.5)
            self.play(
                FadeIn(drawn), FadeIn(drawn_frame), FadeIn(drawn_name, shift=0.2 * DOWN), run_time=line.duration - 0.5
            )
        facts = VGroup(
            label("weight held by the", self.theme, TEXT, self.theme.muted),
            label("strongest 10% of pixels:", self.theme, TEXT, self.theme.muted),
            label(f"{self.name}: {fmt_percent(real_share, 0)}", self.theme, TEXT, self.theme.highlight),
            label(f"drawn one: {fmt_percent(drawn_share, 0)}", self.theme, TEXT),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        facts.move_to([1.75, BIG_AT[1] + BIG / 2, 0], aligned_edge=UP + LEFT)
        tenth = VGroup(
            *(
                pixel_outline(strongest_pixels(values), tile, self.theme.highlight, 2)
                for values, tile in ((image, self.tiles[chosen]), (template, drawn))
            )
        )
        with self.narrate(
            f"The strongest tenth of its pixels hold {fmt_percent(real_share, 0)} of its weight; "
            f"the drawn one's, {fmt_percent(drawn_share, 0)}."
        ) as line:
            self.play(FadeIn(facts, shift=0.2 * LEFT), run_time=min(1.0, 0.3 * line.duration))  # the numbers as said
            self.play(Create(tenth), run_time=line.duration - min(1.0, 0.3 * line.duration))
        others = [top_share(other) for index, other in enumerate(self.final) if index != chosen]
        other_line = label(
            f"other {len(others)}: {fmt_percent(min(others), 0)}–{fmt_percent(max(others), 0)}", self.theme, TEXT
        ).next_to(facts, DOWN, buff=0.12, aligned_edge=LEFT)
        more = " even more" if max(others) < real_share else ""
        with self.narrate(
            f"The other {len(others)} neurons spread their weight{more}: "
            f"{fmt_percent(min(others), 0)} to {fmt_percent(max(others), 0)}."
        ) as line:
            self.play(FadeIn(other_line, shift=0.2 * LEFT), FadeOut(tenth), run_time=line.duration)
        gone = [drawn, drawn_frame, drawn_name, facts, other_line]
        if has_random_start(self.run):
            correlation = start_correlation(self.keyframes[0], self.final)[chosen]
            first = self.keyframes[0][chosen]  # brightened to its own scale: on the shared one it is nearly black
            start = Heatmap(diverging_rgba(first, float(np.quantile(np.abs(first), 0.99)), self.theme), 0.95)
            start.move_to([1.75, BIG_AT[1] - BIG / 2, 0], aligned_edge=DOWN + LEFT)
            start_name = VGroup(
                label("its epoch 0,", self.theme, TEXT, self.theme.muted),
                label("brightened:", self.theme, TEXT, self.theme.muted),
                label(f"correlation {correlation:.2f}", self.theme, TEXT),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
            start_name.next_to(start, RIGHT, buff=0.15)
            with self.narrate(
                f"Nor is it the random start left over: it correlates {correlation:.2f} with it."
            ) as line:
                self.play(FadeIn(start, shift=0.2 * UP), FadeIn(start_name), run_time=line.duration)
            gone += [start, start_name]
        with self.narrate(f"So {self.name} keeps the {on} stroke, but its other weights are blotches.") as line:
            self.play(*(FadeOut(part) for part in gone), run_time=line.duration)
        with self.narrate("Then what does it respond to?") as line:
            self.play(self.big_frame.animate.set_stroke(self.theme.highlight, 3), run_time=0.5 * line.duration)
            self.play(self.big_frame.animate.set_stroke(self.theme.neuron_stroke, 1), run_time=0.5 * line.duration)

    def the_answer(self) -> None:
        """Back to all the trained weight images, the answer said over them, and neuron 11's two extremes."""
        units = len(self.final)
        tiles = Group(*(Heatmap(self.rgba(image), TILE) for image in self.final))
        tiles.arrange_in_grid(rows=int(np.ceil(units / 4)), cols=min(units, 4), buff=GAP).move_to(GRID_CENTRE)
        frames = VGroup(
            *(Rectangle(width=TILE, height=TILE).set_stroke(self.theme.neuron_stroke, 1).move_to(t) for t in tiles)
        )
        legend = ColourBar(self.scale, self.theme, width=1.0, size=TEXT)
        legend.move_to([COLUMN_X + 0.05, 1.7, 0], aligned_edge=LEFT)
        name = label("weight, one colour scale for all", self.theme, TEXT, self.theme.muted)
        name.next_to(legend, UP, buff=0.1).align_to(legend, LEFT)
        trained = ", trained from noise" if has_random_start(self.run) else ", trained"
        with self.narrate(f"Not clean stroke detectors: {units} blotchy signed templates{trained}.") as line:
            self.play(FadeOut(Group(*self.sum_parts)), run_time=0.3 * line.duration)
            self.play(
                FadeIn(frames),
                FadeIn(tiles, lag_ratio=0.05),
                FadeIn(legend),
                FadeIn(name),
                run_time=0.7 * line.duration,
            )
        ends = (legend.submobjects[3], legend.submobjects[2])  # "+scale", then "−scale"
        with self.narrate("Ink on a neuron's blue weights votes for it; ink on its red weights votes against.") as line:
            for end in ends:
                self.play(end.animate.set_color(self.theme.text).scale(1.3), run_time=0.3 * line.duration)
                self.play(end.animate.set_color(self.theme.muted).scale(1 / 1.3), run_time=0.2 * line.duration)
        pre = self.run.tensors()["pre.0"][:, self.chosen]
        examples = Group()
        for index, (probe, verdict) in enumerate(((self.worst, "off"), (self.best, "on"))):
            digit = Heatmap(grey_rgba(np.asarray(self.run.probe["inputs"][probe]).reshape(self.shape)), 1.6)
            digit.move_to([COLUMN_X + 0.85 + 3.2 * index, -0.55, 0])
            band = pixel_outline(self.stroke.mask, digit, self.theme.highlight, 2)
            note = label(f"z = {fmt_fixed(float(pre[probe]), 1)}: {verdict}", self.theme, TEXT)
            note.next_to(digit, DOWN, buff=0.12)
            examples.add(Group(digit, band, note))
        box = SurroundingRectangle(tiles[self.chosen], color=self.theme.highlight, buff=0.04)
        rows = f"rows {self.stroke.rows[0] + 1}–{self.stroke.rows[1] + 1}"
        against = "votes against" if self.stroke.sign < 0 else "votes for"
        off, on = self.class_name(self.worst) or "lowest", self.class_name(self.best) or "highest"
        with self.narrate(
            f"{self.name.capitalize()} {against} ink in {rows}: the {off} shuts it off, the {on} turns it on."
        ) as line:
            self.play(Create(box), run_time=0.3 * line.duration)
            self.play(FadeIn(examples, lag_ratio=0.4), run_time=0.7 * line.duration)

    # --- pieces ------------------------------------------------------------

    def rgba(self, image: np.ndarray) -> np.ndarray:
        return diverging_rgba(image, self.scale, self.theme)

    def brighten_start(self, seconds: float) -> None:
        """The random start on each image's own scale and back: there is a pattern, too faint for the shared one."""
        first = self.keyframes[0]
        dim = [self.rgba(image).astype(np.float64) for image in first]
        bright = [
            diverging_rgba(image, float(np.quantile(np.abs(image), 0.99)), self.theme).astype(np.float64)
            for image in first
        ]
        note = label("brightened, each on its own scale", self.theme, TEXT)
        note.move_to(self.legend_name, aligned_edge=LEFT)
        shared = Group(self.legend, self.legend_name)  # its scale is not the one shown: it leaves meanwhile

        def blend(t: float) -> None:
            weight = np.sin(np.pi * t)  # up and back down
            for tile, low, high in zip(self.tiles, dim, bright):
                tile.show(np.round((1 - weight) * low + weight * high).astype(np.uint8))

        self.play(
            Playback(self.tiles, blend),
            FadeOut(shared, rate_func=lambda t: ramp(t, 0.0, 0.2) - ramp(t, 0.8, 1.0)),
            FadeIn(note, rate_func=lambda t: ramp(t, 0.2, 0.35) - ramp(t, 0.65, 0.8)),  # after the legend left
            run_time=seconds,
        )
        self.remove(note)
        self.add(shared)

    def show_keyframe(self, position: float) -> None:
        """The grid at ``position`` along the snapshots."""
        for tile, image in zip(self.tiles, blend_keyframes(self.keyframes, position)):
            tile.show(self.rgba(image))

    def class_name(self, probe: int) -> str:
        """The probe item's class as a digit's name ("2"), or "" where the run holds no label for it."""
        labels = self.run.probe.get("labels")
        names = self.run.dataset.get("classes") or []
        if labels is None or labels[probe] < 0:
            return ""
        value = int(labels[probe])
        return str(names[value] if value < len(names) else value)
