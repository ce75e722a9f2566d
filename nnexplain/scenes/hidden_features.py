"""What the first layer learns: its weight images over training, what one neuron responds to, and its sum.

    nnexplain render hidden-features --run runs/mnist
    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/hidden_features.py HiddenFeatures

Every first-layer neuron's weights drawn as an image on one colour scale
(:func:`~nnexplain.geometry.features.weight_scale`), from the random start through
every recorded snapshot, paced by how far the weights move
(:func:`~nnexplain.geometry.features.snapshot_seconds`). Then the most concentrated
neuron beside the stroke detector the hopeful story draws, measured; its strongest
weights (:func:`~nnexplain.geometry.features.strong_stroke`) outlined over the
validation digits the run recorded that excite it most and least, as ink × weight;
and one digit's 784 products added row by row into its pre-activation, then the
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
    AnimationGroup,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Group,
    Rectangle,
    SurroundingRectangle,
    VGroup,
    there_and_back_with_pause,
)

from nnexplain.geometry.features import (
    ink_share,
    neuron_sum,
    plainest_neuron,
    probes_by_response,
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
from nnexplain.mobjects.charts import LineChart, Readout
from nnexplain.mobjects.heatmap import ColourBar, Heatmap, Playback, blend_keyframes, diverging_rgba, grey_rgba
from nnexplain.mobjects.style import fmt_fixed, fmt_percent, formula, label
from nnexplain.mobjects.weight_parts import SumBar, pixel_outline
from nnexplain.run.activations import ACTIVATIONS
from nnexplain.scenes.base.run_facts import has_history, has_random_start, origin
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["HiddenFeatures"]

TEXT = 27  # points: capital letters 16 px tall at 480p
GRID_CENTRE = np.array([-4.27, 0.05, 0])
TILE, GAP = 1.12, 0.1
COLUMN_X = -1.2  # left edge of the right-hand column
BIG = 3.2  # the chosen neuron's weight image, up close
BIG_AT = np.array([-5.05, 0.2, 0])
ROW_TILE = 1.2  # the digits that excite it most (top row) and least (bottom row), their numbers to the right
ROW_XS = (-3.15, 0.27, 3.69)
SIDE = 2.7  # the neuron's weight image beside the rows
SIDE_AT = np.array([-5.35, 0.35, 0])
ROW_YS = (1.35, -1.05)
EXAMPLES = 3
SYMBOL = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU"}
DOES = {"sigmoid": "squashes z into 0…1", "tanh": "squashes z into −1…1", "relu": "keeps a positive z, else gives 0"}


class HiddenFeatures(RunScene):
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
        self.beat("one digit's sum")
        self.one_sum()
        self.hold(extra=1.5)

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
        self.play(FadeIn(self.legend, shift=0.2 * LEFT), FadeIn(self.legend_name), run_time=0.8)
        if not has_history(self.run):
            self.say_colours()

    def say_colours(self) -> None:
        """The sign convention, said while coloured weights are on screen, the bar's two ends pointed out."""
        with self.narrate("Blue weights push the neuron up where a digit has ink; red ones pull it down.") as line:
            ends = VGroup(self.legend.submobjects[2], self.legend.submobjects[3])
            self.play(ends.animate.set_color(self.theme.highlight), run_time=0.5 * line.duration)
            self.play(ends.animate.set_color(self.theme.muted), run_time=0.5 * line.duration)

    def over_training(self) -> None:
        history, epochs = self.run.history, np.asarray(self.run.epochs, np.float64)
        accuracy = history.metric("val_acc")
        rows = {int(epoch): row for row, epoch in enumerate(history.epochs)}
        accuracy_at = [accuracy[rows[epoch]] if epoch in rows else np.nan for epoch in self.run.epochs]
        chart = LineChart(
            (0, max(epochs[-1], 1)), (0, 1), self.theme, 5.2, 1.85, y_ticks=[0, 0.5, 1], percent=True, size=TEXT
        )
        chart.move_to([COLUMN_X + 1.05, -0.85, 0], aligned_edge=LEFT)
        curve = chart.curve(self.theme.highlight)
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
            f"Every snapshot to epoch {last}, slowest where the weights change most for their size.",
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
        self.say_colours()
        self.sweep = VGroup(chart, curve, readout)

    def honest_answer(self) -> None:
        chosen, image = self.chosen, self.final[self.chosen]
        template = stroke_template(image)
        real_share, drawn_share = top_share(image), top_share(template)
        box = SurroundingRectangle(self.tiles[chosen], color=self.theme.highlight, buff=0.04)
        with self.narrate(
            f"Are they stroke detectors? Take {self.name}, the most concentrated of the {len(self.final)}."
        ) as line:
            self.play(Create(box), run_time=0.6)
            self.play(
                FadeOut(Group(*self.tiles[:chosen], *self.tiles[chosen + 1 :])),
                FadeOut(self.frames),
                FadeOut(box),
                *([FadeOut(self.sweep)] if hasattr(self, "sweep") else []),
                FadeOut(self.legend_name),
                FadeOut(self.legend),
                run_time=0.5 * max(line.duration - 0.6, 1.0),
            )
            self.legend.move_to(BIG_AT + (BIG / 2 + 0.35) * DOWN + 0.15 * RIGHT)
            self.play(
                self.tiles[chosen].animate.scale_to_fit_height(BIG).move_to(BIG_AT),
                FadeIn(self.legend),
                run_time=0.5 * max(line.duration - 0.6, 1.0),
            )
        self.big = self.tiles[chosen]
        self.big_frame = Rectangle(width=BIG, height=BIG).set_stroke(self.theme.neuron_stroke, 1).move_to(BIG_AT)
        self.big_name = label(f"{self.name}, trained", self.theme, TEXT).next_to(self.big_frame, UP, buff=0.12)
        drawn = Heatmap(self.rgba(template), BIG).move_to([-0.2, BIG_AT[1], 0])
        drawn_frame = Rectangle(width=BIG, height=BIG).set_stroke(self.theme.neuron_stroke, 1).move_to(drawn)
        drawn_name = label("a clean detector, drawn", self.theme, TEXT, self.theme.muted).next_to(drawn, UP, buff=0.12)
        with self.narrate("A clean detector of its strongest stroke would look like this: drawn, not trained.") as line:
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
            self.play(Create(tenth), run_time=0.4 * line.duration)
            self.play(FadeIn(facts, shift=0.2 * LEFT, lag_ratio=0.25), run_time=0.6 * line.duration)
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
        with self.narrate(f"So {self.name} is no clean stroke detector. Then what does it respond to?") as line:
            self.play(*(FadeOut(part) for part in gone), run_time=line.duration)

    def strongest_weights(self) -> None:
        stroke = self.stroke
        colour = "red" if stroke.sign < 0 else "blue"
        shape = f"a {stroke.orientation} band" if stroke.orientation != "compact" else "a patch"
        self.outline = pixel_outline(stroke.mask, self.big, self.theme.highlight, 3)
        with self.narrate(
            f"Its strongest weights: {stroke.pixels} {colour} pixels, {shape} in rows "
            f"{stroke.rows[0] + 1}–{stroke.rows[1] + 1}, outlined."
        ) as line:
            self.play(Create(self.outline), run_time=line.duration)

    def what_excites_it(self) -> None:
        stroke, weights = self.stroke, self.final[self.chosen]
        own = self.runs.own_index
        order = [int(i) for i in probes_by_response(self.run, self.chosen) if i != own]
        inputs = np.asarray(self.run.probe["inputs"], np.float64)
        pre = self.run.tensors()["pre.0"][:, self.chosen]
        groups = (order[:EXAMPLES], order[-EXAMPLES:][::-1])
        self.best = order[0]
        side = Group(self.big, self.big_frame, self.outline)
        side_name = label(self.name, self.theme, TEXT).next_to(SIDE_AT + SIDE / 2 * UP, UP, buff=0.12)
        self.play(
            side.animate.scale(SIDE / BIG).move_to(SIDE_AT),
            AnimationGroup(FadeOut(self.big_name), FadeIn(side_name), lag_ratio=1),  # one after the other
            self.legend.animate.move_to([-5.2, SIDE_AT[1] - SIDE / 2 - 0.95, 0]),
            run_time=0.8,
        )
        self.big_name = side_name
        shares = [float(ink_share(inputs[group], stroke.mask).mean()) for group in groups]
        band = [[float((inputs[i] * weights.ravel())[stroke.mask.ravel()].sum()) for i in group] for group in groups]
        rest = [[float((inputs[i] * weights.ravel())[~stroke.mask.ravel()].sum()) for i in group] for group in groups]
        rows = []
        for group, y, heading in zip(groups, ROW_YS, ("excite it most", "excite it least")):
            tiles = Group(
                *(
                    Heatmap(grey_rgba(inputs[i].reshape(self.shape)), ROW_TILE).move_to([x, y, 0])
                    for i, x in zip(group, ROW_XS)
                )
            )
            names = VGroup(
                *(
                    label(f"z = {fmt_fixed(float(pre[i]), 1)}", self.theme, TEXT)
                    .next_to(tile, RIGHT, buff=0.12)
                    .shift(0.42 * UP)
                    for i, tile in zip(group, tiles)
                )
            )
            title = label(f"the {EXAMPLES} that {heading}", self.theme, TEXT, self.theme.muted)
            title.next_to(tiles, UP, buff=0.1).align_to(tiles, LEFT)
            outlines = VGroup(*(pixel_outline(stroke.mask, tile, self.theme.highlight, 2) for tile in tiles))
            rows.append((group, tiles, names, title, outlines))
        validation = len(order)
        with self.narrate(
            f"Of the {validation} validation digits recorded, these {EXAMPLES} push its input z highest."
        ) as line:
            group, tiles, names, title, _ = rows[0]
            self.play(FadeIn(title), FadeIn(tiles, lag_ratio=0.3), FadeIn(names, lag_ratio=0.3), run_time=line.duration)
        self.ink_products(
            rows[0],
            f"Ink × weight, pixel by pixel: on these the band adds {', '.join(fmt_fixed(v, 1) for v in band[0])}.",
            band[0],
            rest[0],
        )
        with self.narrate(f"These {EXAMPLES} push it lowest.") as line:
            group, tiles, names, title, _ = rows[1]
            self.play(FadeIn(title), FadeIn(tiles, lag_ratio=0.3), FadeIn(names, lag_ratio=0.3), run_time=line.duration)
        alone = ", ".join(fmt_fixed(value, 1) for value in band[1])
        self.ink_products(rows[1], f"On these the band alone adds {alone} to z.", band[1], rest[1])
        avoid = stroke.sign < 0 and shares[0] < shares[1]
        cover = stroke.sign > 0 and shares[0] > shares[1]
        if avoid:
            empty = "leave the band nearly empty" if shares[0] < 0.05 else "put less ink there"
            verdict = f"Ink on its red band shuts {self.name} off; its top {EXAMPLES} {empty}."
        elif cover:
            verdict = f"So {self.name} fires when ink lies on its blue band."
        else:
            verdict = f"The band alone does not decide: {self.name}'s weights spread over the whole digit."
        with self.narrate(verdict) as line:
            self.play(
                *(outline.animate.set_stroke(width=4) for row in rows for outline in row[4]), run_time=line.duration / 2
            )
            self.play(
                *(outline.animate.set_stroke(width=2) for row in rows for outline in row[4]), run_time=line.duration / 2
            )
        self.rows = rows

    def ink_products(self, row, text: str, band: list[float], rest: list[float]) -> None:
        """Turn a row's digits into ink × weight, outline the band on each, and note what the band adds."""
        group, tiles, names, title, outlines = row
        inputs = np.asarray(self.run.probe["inputs"], np.float64)
        weights = self.final[self.chosen].ravel()
        greys = [grey_rgba(inputs[i].reshape(self.shape)).astype(np.float64) for i in group]
        products = [self.rgba((inputs[i] * weights).reshape(self.shape)).astype(np.float64) for i in group]

        def blend(t: float) -> None:
            for tile, grey, product in zip(tiles, greys, products):
                tile.show(np.round((1 - t) * grey + t * product).astype(np.uint8))

        note = VGroup()
        for on_band, elsewhere, name in zip(band, rest, names):
            on = label(f"band {fmt_fixed(on_band, 1)}", self.theme, TEXT, self.theme.highlight)
            off = label(f"rest {'+' if elsewhere >= 0 else ''}{fmt_fixed(elsewhere, 1)}", self.theme, TEXT)
            note.add(VGroup(on, off).arrange(DOWN, aligned_edge=LEFT, buff=0.1).next_to(name, DOWN, 0.1, LEFT))
        with self.narrate(text) as line:
            self.play(Playback(tiles, blend), Create(outlines), run_time=0.6 * line.duration)
            self.play(FadeIn(note, shift=0.2 * LEFT), run_time=0.4 * line.duration)
        self.notes = [*getattr(self, "notes", []), note]

    def one_sum(self) -> None:
        own = self.runs.own_index
        probe = self.best if own is None else own
        total = neuron_sum(self.run, self.chosen, probe)
        self.total = total
        recorded = self.run.tensors()
        pre, act = float(recorded["pre.0"][probe, self.chosen]), float(recorded["act.0"][probe, self.chosen])
        size, y, weights_x = 2.3, 1.2, -2.5
        digit = Heatmap(grey_rgba(total.inputs.reshape(self.shape)), size).move_to([-5.4, y, 0])
        product = Heatmap(self.rgba(total.products.reshape(self.shape)), size).move_to([0.4, y, 0])
        symbols = VGroup(
            label("×", self.theme, 40).move_to([-3.95, y, 0]), label("=", self.theme, 40).move_to([-1.05, y, 0])
        )
        names = VGroup(
            label("the digit", self.theme, TEXT, self.theme.muted).next_to(digit, DOWN, buff=0.08),
            label("weights", self.theme, TEXT, self.theme.muted).next_to([weights_x, y - size / 2, 0], DOWN, 0.08),
            label("products", self.theme, TEXT, self.theme.muted).next_to(product, DOWN, buff=0.08),
        )
        rows_and_notes = [part for row in self.rows for part in row[1:]] + self.notes
        intro = (
            f"One digit in full: the {self.class_name(probe) or 'digit'} that excites it most, times the weights."
            if own is None
            else f"Your digit, {self.runs.own_digit.name}, times {self.name}'s weights, pixel by pixel."
        )
        with self.narrate(intro) as line:
            self.play(
                FadeOut(Group(*rows_and_notes)),
                FadeOut(self.big_name),
                FadeOut(self.big_frame),
                FadeOut(self.outline),
                FadeOut(self.legend),
                run_time=0.3 * line.duration,
            )
            self.play(
                self.big.animate.scale_to_fit_height(size).move_to([weights_x, y, 0]),
                FadeIn(digit),
                FadeIn(symbols),
                FadeIn(names),
                run_time=0.35 * line.duration,
            )
            self.play(FadeIn(product, shift=0.3 * RIGHT), run_time=0.35 * line.duration)
        row_sums = np.cumsum(total.products.reshape(self.shape).sum(axis=1))
        ends = [0.0, *row_sums, row_sums[-1] + total.bias]
        bar = SumBar((min(0.0, *ends), max(0.0, *ends)), self.theme, width=7.6).move_to([-2.5, -1.42, 0])
        running = Readout("sum of the products so far", fmt_fixed(0.0, 2), self.theme, TEXT, width=8)
        running.move_to([-6.3, -0.65, 0], aligned_edge=LEFT)
        scan = Rectangle(width=size, height=size / self.shape[0]).set_stroke(self.theme.highlight, 2)
        frame = Rectangle(width=size, height=size).set_stroke(self.theme.neuron_stroke, 1).move_to(product)
        top = product.get_top()[1]
        rows = self.shape[0]

        def add_rows(t: float) -> None:
            done = t * rows
            whole = int(np.floor(done))
            value = np.interp(done, np.arange(rows + 1), ends[: rows + 1])
            bar.set_value(value)
            running.set_value(fmt_fixed(value, 2))
            scan.move_to([product.get_x(), top - (min(whole, rows - 1) + 0.5) * size / rows, 0])

        scan.move_to([product.get_x(), top - 0.5 * size / rows, 0])
        with self.narrate(
            f"Add up its {total.inputs.size} products row by row: blue pushes the sum up, red pulls it down."
        ) as line:
            self.play(FadeIn(bar), FadeIn(running), FadeIn(scan), FadeIn(frame), run_time=0.5)
            self.play(Playback(Group(bar, running, scan), add_rows), run_time=max(line.duration - 0.5, 3.0))
        symbol = SYMBOL.get(self.run.activation, self.run.activation)
        plus = "+" if total.bias >= 0 else "-"
        z_readout = formula(
            f"z = {total.weighted_sum:.2f} {plus} {abs(total.bias):.2f} = {total.pre_activation:.2f}",
            self.theme,
            40,
        ).move_to([0.3, running.get_y(), 0], aligned_edge=LEFT)
        with self.narrate(
            f"Then the bias, {fmt_fixed(total.bias, 2)}: z = {fmt_fixed(total.pre_activation, 2)}."
        ) as line:
            self.play(FadeOut(scan), run_time=0.3 * line.duration)
            self.play(
                Playback(bar, lambda t: bar.set_value(ends[-2] + t * total.bias)),
                FadeIn(z_readout),
                run_time=0.7 * line.duration,
            )
        reach = max(abs(total.pre_activation) * 1.15, 6.0)
        z = np.linspace(-reach, reach, 201)
        squash_of = ACTIVATIONS[self.run.activation].function
        values = squash_of(z)
        low, high = float(np.floor(values.min())), float(np.ceil(values.max()))  # sigmoid 0…1, tanh −1…1
        ticks = [low, high] if high - low <= 2 else [0.0, float(np.floor(values.max()))]
        squash = LineChart((-reach, reach), (low, high), self.theme, 3.0, 1.5, y_ticks=ticks, x_ticks=[0], size=TEXT)
        squash.shift([6.5 - squash.box.get_right()[0], y - 0.1 - squash.box.get_y(), 0])
        curve = squash.curve(self.theme.text, 3)
        squash.draw(curve, z, values)
        dot = Dot(squash.at(-reach, float(values[0])), radius=0.09, color=self.theme.highlight)
        a_readout = label(f"{symbol}(z) = {total.output:.6f}", self.theme, TEXT).next_to(squash, UP, buff=0.12)
        z_tick = label(fmt_fixed(total.pre_activation, 2), self.theme, TEXT, self.theme.highlight)
        z_tick.next_to(squash.at(total.pre_activation, low), DOWN, buff=0.08)
        z_tick.shift(min(0.0, 6.6 - z_tick.get_right()[0]) * RIGHT + max(0.0, 3.0 - z_tick.get_left()[0]) * RIGHT)
        with self.narrate(
            f"{symbol} {DOES.get(self.run.activation, 'acts on z')}: {symbol}({fmt_fixed(total.pre_activation, 2)}) "
            f"= {total.output:.6f}."
        ) as line:
            self.play(FadeIn(squash), Create(curve), run_time=0.4 * line.duration)

            def path(t: float) -> None:
                at = -reach + t * (total.pre_activation + reach)
                dot.move_to(squash.at(at, float(squash_of(np.array([at]))[0])))

            self.play(FadeIn(dot), Playback(dot, path), FadeIn(a_readout), FadeIn(z_tick), run_time=0.6 * line.duration)
        who = "the run recorded" if own is None else "the network computes"
        self.sum_texts = [f"{who}: z = {pre:.3f},  {symbol}(z) = {act:.6f}"]
        check = label(self.sum_texts[-1].replace("-", "−"), self.theme, TEXT, self.theme.highlight)
        check.move_to([0, -2.17, 0])
        with self.narrate(
            f"The same numbers {who} for this digit: z = {fmt_fixed(pre, 3)}, {symbol}(z) = {act:.6f}."
        ) as line:
            self.play(FadeIn(check, shift=0.2 * UP), run_time=line.duration)

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
        note = label("brightened, each on its own scale", self.theme, TEXT, self.theme.highlight)
        note.move_to([COLUMN_X + 0.05, 1.05, 0], aligned_edge=LEFT)

        def blend(t: float) -> None:
            weight = np.sin(np.pi * t)  # up and back down
            for tile, low, high in zip(self.tiles, dim, bright):
                tile.show(np.round((1 - weight) * low + weight * high).astype(np.uint8))

        self.play(Playback(self.tiles, blend), FadeIn(note, rate_func=there_and_back_with_pause), run_time=seconds)
        self.remove(note)

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
