"""The depth scene's seeds beat: each network trained from several seeds, its pieces and errors as strips.

A mixin of :class:`nnexplain.scenes.depth.Depth` (kept apart so that each file stays short).
It reads the scene's ``wide_fits`` and ``deep_fits`` (one per seed), the curve plot and the
cards, and leaves ``seed_numbers`` (pieces, visible pieces, largest errors per network) for
the closing table. The other seeds' fits are drawn thin over the first before the strips:
one strip per measure, one dot a seed, a bar at the median; the narration gives medians and ranges.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, VGroup

from nnexplain.geometry.depth import network_output, runs_between
from nnexplain.mobjects.depth import TEXT_SIZE, SeedStrip, curve_path
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import label
from nnexplain.run import Run
from nnexplain.scenes.depth_spiral import DEEP, WIDE, spread

__all__ = ["SeedComparison"]

DIMMED = 0.3  # the opacity of the seed strips the narration is not about
STRIP_WIDTH = 7.6  # each seed strip, three stacked in the frame
STRIPS_TOP, BAND_TOP = 3.55, -2.45  # the stack of strips fills the frame above the caption band (the title out)
RIGHT_EDGE = 6.6  # scene units: the frame's right edge (7.1) less the 24 px margin at 480p


def _seeds(runs: list[Run]) -> str:
    seeds = [run.manifest.get("seed") for run in runs]
    return "seeds " + ", ".join(map(str, seeds)) if None not in seeds else f"{len(runs)} trainings"


class SeedComparison:
    """Beat ``compare_seeds``."""

    def compare_seeds(self) -> None:
        wide_pieces = [fit.pieces.pieces for fit in self.wide_fits]
        deep_pieces = [fit.pieces.pieces for fit in self.deep_fits]
        wide_visible = [fit.pieces.pieces - self.slivers(fit) for fit in self.wide_fits]
        deep_visible = [fit.pieces.pieces - self.slivers(fit) for fit in self.deep_fits]
        wide_errors = [fit.error for fit in self.wide_fits]
        deep_errors = [fit.error for fit in self.deep_fits]
        panel = VGroup(self.wide_card, self.deep_card, self.seed_note, *(self.live.values()))
        count = "{:.0f}".format
        top = 10 * np.ceil(max(wide_pieces + deep_pieces) * 1.1 / 10)
        strip = lambda title, wide, deep, top, fmt: SeedStrip(  # noqa: E731
            title,
            [("wide", WIDE, wide), ("deep", DEEP, deep)],
            (0, top),
            STRIP_WIDTH,
            self.theme,
            fmt,
            ticks=(0, top / 2, top),
            row_gap=0.42,
            jitter=0.12,
        )
        piece_strip = strip("all pieces", wide_pieces, deep_pieces, top, count)
        visible_strip = strip(f"pieces wider than {self.sliver_width}", wide_visible, deep_visible, top, count)
        high = np.ceil(max(wide_errors + deep_errors) * 11) / 10
        error_strip = strip("largest error", wide_errors, deep_errors, high, "{:.2f}".format)
        strips = VGroup(piece_strip, visible_strip, error_strip).arrange(DOWN, buff=0.12)
        if strips.height > STRIPS_TOP - BAND_TOP:
            strips.scale((STRIPS_TOP - BAND_TOP) / strips.height)
        strips.move_to([-1.3, (STRIPS_TOP + BAND_TOP) / 2, 0])  # one under the other; the error extremes to the right
        # The other seeds' fits drawn thin over the first: the same networks, trained again, land elsewhere.
        ghosts = VGroup()
        for fit, colour in [(f, WIDE) for f in self.wide_fits[1:]] + [(f, DEEP) for f in self.deep_fits[1:]]:
            at = self.samples(fit.pieces.bends)
            y = network_output(fit.run.params(), fit.run.activation, at)
            for rx, ry in runs_between(at, y, -1.5, 1.5):
                ghosts.add(curve_path(self.axes, rx, ry, colour, 2).set_stroke(opacity=0.7))
        others = label("thin: the other seeds", self.theme, TEXT_SIZE - 2, self.theme.muted)
        others.next_to(self.axes, UP, buff=0.05).align_to(self.axes, LEFT)
        seed_marks = VGroup(*self.curve_scene[6:])  # seed 0's error bar and bend dots step aside for the curves
        with self.read(f"One training proves little: each network was trained from {_seeds(self.deep_runs)}.") as line:
            self.play(Fade(seed_marks, out=True), Fade(others), run_time=self.t(0.6))
            self.play(Create(ghosts), run_time=max(line.duration - self.t(0.6), self.t(1.0)))
        pieces_said = f"wide {spread(wide_pieces, count)}, deep {spread(deep_pieces, count)}"
        with self.read(f"Pieces, one dot a seed: {pieces_said}.") as line:
            gone = VGroup(*self.curve_scene[:6], ghosts, others, panel, self.title)
            self.play(Fade(gone, out=True), run_time=self.t(0.8))
            self.stagger(piece_strip, line.duration - self.t(0.8), with_frame=True)
        visible_said = f"wide {spread(wide_visible, count)}, deep {spread(deep_visible, count)}"
        with self.read(f"Wider than {self.sliver_width}: {visible_said}.") as line:
            self.stagger(visible_strip, line.duration, with_frame=True)
        errors_said = f"wide {spread(wide_errors, '{:.2f}'.format)}, deep {spread(deep_errors, '{:.2f}'.format)}"
        with self.read(f"Largest error: {errors_said}.") as line:
            self.stagger(error_strip, line.duration, with_frame=True)
        first, second = self.verdict(wide_pieces, deep_pieces, wide_visible, deep_visible, wide_errors, deep_errors)

        def focus(strip: SeedStrip) -> list:  # the strip the words are about stays bright, the others dim
            return [
                other.animate.set_opacity(1.0 if other is strip else DIMMED)
                for other in (piece_strip, visible_strip, error_strip)
            ]

        with self.read(first) as line:  # "pieces in all", then "wider than": the light follows the words
            self.play(*focus(piece_strip), run_time=self.t(0.8))
            self.wait(max(line.duration / 2 - self.t(0.8), 0.1))
            self.play(*focus(visible_strip), run_time=self.t(0.6))
        extremes = self.error_extremes(wide_errors, deep_errors).next_to(error_strip.rows, RIGHT, buff=0.4)
        if extremes.get_right()[0] > RIGHT_EDGE:
            extremes.scale((RIGHT_EDGE - extremes.get_left()[0]) / extremes.width, about_edge=LEFT)
        with self.read(second) as line:
            self.play(*focus(error_strip), run_time=self.t(0.6))
            self.play(Fade(extremes), run_time=self.t(0.5))
            self.wait(max(line.duration - self.t(1.7), 0.1))
            self.play(Fade(VGroup(strips, extremes), out=True), run_time=self.t(0.6))
        self.seed_numbers = {
            "wide": (wide_pieces, wide_visible, wide_errors),
            "deep": (deep_pieces, deep_visible, deep_errors),
        }

    def error_extremes(self, wide_errors, deep_errors) -> VGroup:
        """The winner's worst seed against the loser's best: where "not on every seed" can be read off."""
        deep_wins = np.median(deep_errors) < np.median(wide_errors)
        winner, loser = (("deep", DEEP, deep_errors), ("wide", WIDE, wide_errors))[:: 1 if deep_wins else -1]
        rows = [
            label(f"worst {winner[0]} {max(winner[2]):.2f}", self.theme, TEXT_SIZE - 2, winner[1]),
            label(f"best {loser[0]} {min(loser[2]):.2f}", self.theme, TEXT_SIZE - 2, loser[1]),
        ]
        return VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.12)

    def verdict(self, wide_pieces, deep_pieces, wide_visible, deep_visible, wide_errors, deep_errors):
        """Two lines true of the seeds: how many pieces the deep fits had (all, visible), and which erred less."""

        def compare(deep, wide):
            deep, wide = np.median(deep), np.median(wide)
            return "fewer" if deep < wide else "more" if deep > wide else "as many"

        wider = f"{compare(deep_visible, wide_visible)} wider than {self.sliver_width}"
        first = f"So the deep fits had {compare(deep_pieces, wide_pieces)} pieces in all, and {wider}."
        deep_wins = np.median(deep_errors) < np.median(wide_errors)
        clear = max(deep_errors) < min(wide_errors) if deep_wins else min(deep_errors) > max(wide_errors)
        how = "on every seed" if clear else "by the median, not on every seed"
        return first, f"They erred {'less' if deep_wins else 'more'} than the wide fits {how}."
