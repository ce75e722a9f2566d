"""The depth scene's 2-D half and its closing card: the wide and the deep spiral classifiers over several seeds.

A mixin of :class:`nnexplain.scenes.depth.Depth` (kept apart so that each file stays short):
it reads ``spiral_wide`` and ``spiral_deep`` (one run per seed) and the 1-D medians the
scene gathered (``seed_numbers``). The colours and number formats are shared with it.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
    Line,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
)

from nnexplain.data import load_dataset
from nnexplain.geometry.boundary import class_one_probability
from nnexplain.geometry.depth import seed_summary
from nnexplain.mobjects.depth import TEXT_SIZE, SeedStrip
from nnexplain.mobjects.heatmap import Heatmap, two_class_rgba
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import label
from nnexplain.run import Run
from nnexplain.scenes.base.run_scene import Tracker

__all__ = ["WIDE", "DEEP", "ERROR", "spread", "percent", "SpiralComparison"]

WIDE, DEEP = "#C792EA", "#5EEAD4"  # one colour per network throughout the scene
ERROR = "#FF4D4D"  # a fit's largest error, and nothing else
PICTURE = 3.3  # height of each decision-region picture, in scene units
SHADE = 0.45  # how strongly the predicted class colours the picture: a dot on the other colour stands out


def spread(values, fmt) -> str:
    """The median of a few seeds' values and their range: "31 (30–32)"."""
    summary = seed_summary(values)
    return f"{fmt(summary.median)} ({fmt(summary.low)}–{fmt(summary.high)})"


def percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _median_run(runs: list[Run], values: list[float]) -> Run:
    return runs[int(np.argsort(values)[len(values) // 2])]


NUMBER_SECONDS = 1.0  # a caption stays up at least this long per number in it (plus a second): numbers read slowly
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def reading_floor(text: str) -> float:
    """The least time a line full of numbers needs: a second each, and one more."""
    numbers = len(_NUMBER.findall(text))
    return NUMBER_SECONDS * (numbers + 1) if numbers >= 3 else 0.0


class SpiralComparison:
    """Beats ``show_spiral`` and ``conclude``."""

    @contextmanager
    def read(self, text: str):
        """:meth:`narrate`, but a line with many numbers stays up a second a number (its block may use it all)."""
        with self.narrate(text) as line:
            start, duration = self.narrator.now, max(line.duration, reading_floor(text))
            yield Tracker(duration)
            left = duration - (self.narrator.now - start)
            if left > 0.1:  # a shorter wait would be under one frame at 15 fps
                self.wait(left)

    def stagger(self, strip: SeedStrip, duration: float, with_frame: bool) -> None:
        """A seed strip's rows, each quickly when the line reaches it (wide, then deep), spread over ``duration``."""
        frame = VGroup(*strip.submobjects[:3])
        parts = [VGroup(frame, strip.rows[0]) if with_frame else strip.rows[0], *strip.rows[1:]]
        gap = duration * 0.8 / len(parts)  # the last row is up with a fifth of the line still to read
        for part in parts:
            self.play(Fade(part), run_time=self.t(0.5))
            if gap - self.t(0.5) > 0.1:
                self.wait(gap - self.t(0.5))

    def show_spiral(self) -> None:
        deep_acc = [run.final_metrics["val_acc"] for run in self.spiral_deep]
        wide_acc = [run.final_metrics["val_acc"] for run in self.spiral_wide]
        shown = (_median_run(self.spiral_wide, wide_acc), _median_run(self.spiral_deep, deep_acc))
        pictures, frames, dots, scores = [], VGroup(), VGroup(), VGroup()
        for run, colour, where in zip(shown, (WIDE, DEEP), (-4.85, -0.75)):
            picture, points = self.region_picture(run, PICTURE)
            picture.move_to([where, 0.45, 0])
            points.move_to(picture.get_center()).set_z_index(1)  # above the picture that fades in under them
            name = label("-".join(map(str, run.layers)), self.theme, TEXT_SIZE, colour).next_to(picture, UP, buff=0.1)
            count = label(f"{run.network.parameter_count} parameters", self.theme, TEXT_SIZE - 2, colour)
            count.next_to(picture, DOWN, buff=0.1)
            accuracy = label(f"validation {percent(run.final_metrics['val_acc'])}", self.theme, TEXT_SIZE - 2, colour)
            accuracy.next_to(count, DOWN, buff=0.08)
            pictures.append(picture)
            frames.add(VGroup(name, count))
            dots.add(points)
            scores.add(accuracy)
        strip = SeedStrip(
            "validation accuracy",
            [("wide", WIDE, wide_acc), ("deep", DEEP, deep_acc)],
            (0.5, 1.0),
            2.6,
            self.theme,
            percent,
            ticks=(0.5, 1.0),  # a third tick ran into its neighbours on this short axis
            row_gap=0.6,
            jitter=0.1,
        )
        strip.shift(RIGHT * (6.6 - strip.get_right()[0]) + UP * (1.3 - strip.get_center()[1]))
        params = [run.network.parameter_count for run in shown]
        with self.read(f"In 2-D: a spiral of three turns, {params[0]} against {params[1]} parameters.") as line:
            self.title.set_opacity(1)  # faded out over the seed strips: back, for the 2-D half
            self.play(
                Fade(self.title),
                Fade(frames),
                LaggedStart(Fade(dots[0]), Fade(dots[1]), lag_ratio=0.4),
                run_time=line.duration,
            )
        with self.read("Shade: the class each predicts. Dots: validation points, by their true class.") as line:
            self.play(*(FadeIn(picture) for picture in pictures), run_time=max(line.duration - self.t(0.6), 0.5))
            self.play(Fade(scores), run_time=self.t(0.6))
        with self.read(
            f"Seeds: wide {spread(wide_acc, percent)}, deep {spread(deep_acc, percent)}; shown: medians."
        ) as line:
            self.stagger(strip, line.duration, with_frame=True)
        deep_wins = np.median(deep_acc) > np.median(wide_acc)
        clear = min(deep_acc) > max(wide_acc) if deep_wins else max(deep_acc) < min(wide_acc)
        winner, loser = ("deep", "wide") if deep_wins else ("wide", "deep")
        how = "on every seed" if clear else "by the median; the seeds overlap"
        self.spiral_verdict = f"On the spiral the {winner} nets did better {how}."
        with self.read(self.spiral_verdict) as line:
            dimmed = strip.rows[1 if winner == "wide" else 0]  # the winner's row stays bright, the other dims
            self.play(dimmed.animate.set_opacity(0.3), run_time=self.t(1.0))
            bar, number = strip.rows[0 if winner == "wide" else 1][2:]  # the winner's median: its bar and its number
            # Each grows about its own centre: grown as one group, the bar slid sideways, past the loser's median.
            indicate = [Indicate(part, scale_factor=1.3, color=self.theme.text) for part in (bar, number)]
            self.play(*indicate, run_time=max(line.duration - 1.0, 1.0))
        best = max(wide_acc + deep_acc)
        best_kind = "deep" if best in deep_acc else "wide"
        gone = VGroup(frames, dots, scores, strip)
        if best_kind == loser:
            side = 0 if loser == "wide" else 1
            values, runs = (wide_acc, self.spiral_wide) if loser == "wide" else (deep_acc, self.spiral_deep)
            best_picture, _ = self.region_picture(runs[values.index(best)], PICTURE)
            best_picture.move_to(pictures[side])
            best_score = label(f"best seed {percent(best)}", self.theme, TEXT_SIZE - 2, (WIDE, DEEP)[side])
            best_score.move_to(scores[side])
            circle = Circle(radius=0.17, color=self.theme.text).move_to(strip.rows[side][1][values.index(best)])
            note = label(f"ringed: {percent(best)}", self.theme, TEXT_SIZE - 2, (WIDE, DEEP)[side])
            note.next_to(strip, DOWN, buff=0.35).align_to(strip, RIGHT)
            with self.read(f"Yet the best single net was {loser}: {percent(best)}. Seeds matter here.") as line:
                self.play(  # the ringed dot's own value beside it; the row's median label steps aside
                    dimmed.animate.set_opacity(1.0),
                    Create(circle),
                    Fade(note),
                    Fade(strip.rows[side][3], out=True),
                    run_time=self.t(0.8),
                )
                # The median net and its score out, then the best net and its score in: one picture at a time.
                self.play(FadeOut(pictures[side]), Fade(scores[side], out=True), run_time=self.t(0.6))
                self.play(
                    FadeIn(best_picture), Fade(best_score), run_time=max(line.duration - self.t(1.4), self.t(0.6))
                )
            pictures[side] = best_picture
            gone.add(circle, best_score, note)
        self.play(Fade(gone, out=True), *(FadeOut(p) for p in pictures), run_time=self.t(0.8))
        self.spiral_numbers = (wide_acc, deep_acc)

    def conclude(self) -> None:
        """The closing table: what each network could do and what its runs did, as medians over the seeds."""
        numbers = self.seed_numbers
        med = lambda values: float(np.median(values))  # noqa: E731
        header = ["", "possible", "pieces", "visible", "error", "spiral"]
        rows = [
            ("wide", WIDE, self.wide.hidden[0] + 1, numbers["wide"], self.spiral_numbers[0]),
            ("deep", DEEP, self.deep_bound, numbers["deep"], self.spiral_numbers[1]),
        ]
        columns = [-5.3, -3.2, -1.0, 1.1, 3.1, 5.2]
        size = TEXT_SIZE + 4
        cells = [
            [label(text, self.theme, size, self.theme.muted).move_to([col, 1.9, 0])]
            for col, text in zip(columns, header)
        ]
        for index, (name, colour, possible, (pieces, visible, errors), accuracy) in enumerate(rows):
            texts = [name, str(possible), f"{med(pieces):.0f}", f"{med(visible):.0f}", f"{med(errors):.2f}"]
            texts.append(percent(med(accuracy)))
            for column, (col, text) in enumerate(zip(columns, texts)):
                cells[column].append(label(text, self.theme, size, colour).move_to([col, 1.0 - 0.8 * index, 0]))
        table = VGroup(*(VGroup(*column) for column in cells))
        # Two tasks, two pairs of networks: the curve's columns under its formula, the spiral's set apart by a rule.
        curve_head = label(f"{self.formula}: {self.wide.shape} vs {self.deep.shape}", self.theme, TEXT_SIZE - 2)
        curve_head.set_color(self.theme.muted).move_to([(columns[1] + columns[4]) / 2, 2.65, 0])
        spiral_head = label("2-D nets", self.theme, TEXT_SIZE - 2, self.theme.muted).move_to([columns[5], 2.65, 0])
        rule_x = (columns[4] + columns[5]) / 2 + 0.1
        rule = Line([rule_x, 2.9, 0], [rule_x, 0.0, 0], stroke_color=self.theme.muted, stroke_width=2)
        table.add(VGroup(curve_head, spiral_head, rule))
        notes = [
            f"medians of {len(self.spiral_wide)} seeds; visible: pieces wider than {self.sliver_width};",
            f"error: largest |fit − {self.formula}|; spiral: validation accuracy",
        ]
        note = VGroup(*(label(text, self.theme, TEXT_SIZE - 2, self.theme.muted) for text in notes))
        note.arrange(DOWN, buff=0.12).move_to([0, -1.55, 0])
        box = lambda mobject: SurroundingRectangle(mobject, color=self.theme.text, buff=0.16)  # noqa: E731
        with self.read(f"In these runs, depth could multiply pieces, up to {self.deep_bound}; it did not.") as line:
            self.play(Fade(table), Fade(note), run_time=self.t(0.8))
            self.wait(max(line.duration * 0.3 - self.t(0.8), 0.1))
            ring = box(table[1][2])  # the deep net's possible pieces ...
            self.play(Create(ring), run_time=self.t(0.6))
            self.wait(max(line.duration * 0.35 - self.t(0.6), 0.1))
            self.play(ReplacementTransform(ring, ring := box(table[2][2])), run_time=self.t(0.6))  # ... and found
        with self.read("What depth gives is possible pieces; training decides how many it finds.") as line:
            self.play(ReplacementTransform(ring, ring := box(table[1])), run_time=self.t(0.6))
            self.wait(max(line.duration * 0.45 - self.t(0.6), 0.1))
            self.play(ReplacementTransform(ring, box(table[2])), run_time=self.t(0.6))

    def region_picture(self, run: Run, height: float):
        """The run's decision regions over its data's rectangle, with its validation points on top."""
        bounds = tuple(run.dataset["warp_grid"]["bounds"])
        probability = class_one_probability(run.params(), run.activation, bounds, 160)
        picture = Heatmap(two_class_rgba(probability, self.theme, strength=SHADE), height)
        options = dict((run.manifest.get("config") or {}).get("dataset_options") or {})
        data = load_dataset(run.dataset["name"], **options)
        x_min, x_max, y_min, y_max = bounds
        scale = height / (y_max - y_min)
        centre = np.array([(x_min + x_max) / 2, (y_min + y_max) / 2])
        points = VGroup(
            *(
                Dot([*(scale * (p - centre)), 0], radius=0.04, color=self.theme.palette[int(c)]).set_stroke(
                    self.theme.background, 1.2, background=True
                )
                for p, c in zip(data.x_val, data.y_val)
            )
        )
        picture.stretch_to_fit_width(height * (x_max - x_min) / (y_max - y_min))
        return picture, points
