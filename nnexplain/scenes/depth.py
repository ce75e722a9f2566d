"""depth: why depth, not just width? A wide and a deep ReLU network of the same size, trained for real, compared.

The scene reads twelve runs (see :mod:`nnexplain.scenes.specs.depth`): the fits of
sin 3πx by a 1-56-1 and a 1-8-8-8-1 network (169 parameters each) from three seeds,
and a 2-74-2 against a 2-12-12-12-2 classifier (372 and 374) on a three-turn spiral,
from three seeds. It explains what each layer can do (a hinge per unit; a later unit
cuts every piece the earlier ones left), then says what these runs did: piece counts,
largest errors and validation accuracies, as medians with their spread. Every number
is computed from the stored weights (:mod:`nnexplain.geometry.depth`).

    nnexplain render depth
    manim -ql scenes/depth.py Depth      # runs from $NNEXPLAIN_RUN, $NNEXPLAIN_WIDE_RUN, ... or the defaults
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    AnimationGroup,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
    Line,
    MoveAlongPath,
    ReplacementTransform,
    VGroup,
)

from nnexplain.data.curves import target_function
from nnexplain.geometry.depth import (
    SEEDS,
    FitPieces,
    fit_pieces,
    network_output,
    piece_bounds,
    runs_between,
    worst_point,
)
from nnexplain.geometry.hinges import straight_pieces
from nnexplain.mobjects.depth import TEXT_SIZE, StrokeTo, bend_dots, curve_axes, curve_path, edge_ticks
from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import label
from nnexplain.run import Run
from nnexplain.run.contents import curve_domain
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.depth_cut import LAYER_COLOURS, PLOT_CENTRE, PLOT_SIZE, DepthMechanism
from nnexplain.scenes.depth_seeds import SeedComparison
from nnexplain.scenes.depth_spiral import DEEP, ERROR, WIDE, SpiralComparison

__all__ = ["Depth", "CurveFit"]

SLIVER = 0.01  # a piece narrower than this share of the interval is a sliver: a few pixels wide on screen
RIGHT_EDGE = 6.6  # scene units: the frame's right edge (7.1) less the 24 px margin at 480p
SUMMED_FIRST = 3  # hinges added one at a time before the rest are added at once
SAMPLES = 301  # evenly spaced points per drawn curve (so Create draws at an even pace), plus every bend exactly
CARD_LEFT = 2.4  # the cards' left edge, clear of the plot's right end (1.95)


@dataclass(frozen=True)
class CurveFit:
    """One 1-D fit as the scene tells it: its pieces, where it misses most, its size."""

    run: Run
    pieces: FitPieces
    worst_x: float
    error: float
    parameters: int

    @property
    def hidden(self) -> list[int]:
        return self.run.layers[1:-1]

    @property
    def shape(self) -> str:
        return "-".join(map(str, self.run.layers))


def curve_fit(run: Run) -> CurveFit:
    params, domain = run.params(), curve_domain(run.manifest)
    x, error = worst_point(params, run.activation, target_function(run.dataset), domain)
    return CurveFit(run, fit_pieces(params, run.activation, domain), x, error, run.network.parameter_count)


class Depth(DepthMechanism, SeedComparison, SpiralComparison, RunScene):
    scene_name = "depth"
    captions_in_band = True

    def setup(self) -> None:
        super().setup()
        role = lambda name, seed: name if seed == 0 else f"{name}-seed{seed}"  # noqa: E731
        self.deep_runs = [self.run] + [self.runs[role("deep", seed)] for seed in SEEDS[1:]]
        self.wide_runs = [self.runs[role("wide", seed)] for seed in SEEDS]
        self.deep_fits = [curve_fit(run) for run in self.deep_runs]
        self.wide_fits = [curve_fit(run) for run in self.wide_runs]
        self.deep, self.wide = self.deep_fits[0], self.wide_fits[0]
        self.spiral_deep = [self.runs[role("spiral-deep", seed)] for seed in SEEDS]
        self.spiral_wide = [self.runs[role("spiral-wide", seed)] for seed in SEEDS]
        self.domain = curve_domain(self.run.manifest)
        self.target = target_function(self.run.dataset)
        self.formula = self.run.dataset.get("formula", "the target")

    def construct(self) -> None:
        self.beat("question")
        self.ask()
        self.beat("budget")
        self.show_budget()
        self.beat("width adds")
        self.show_wide()
        self.beat("depth cuts")
        self.show_cut()
        self.beat("deep fit")
        self.show_deep()
        self.beat("seeds")
        self.compare_seeds()
        self.beat("spiral")
        self.show_spiral()
        self.beat("verdict")
        self.conclude()

    # Beats ------------------------------------------------------------------

    def fit_plot(self) -> tuple:
        """The curve plot: axes with their tick numbers on the edges, and the target curve (grey)."""
        axes = curve_axes(self.domain, (-1.5, 1.5), *PLOT_SIZE, self.theme).move_to(PLOT_CENTRE)
        ticks = edge_ticks(axes, (-1, -0.5, 0, 0.5, 1), (-1, 0, 1), self.theme)
        x = np.linspace(*self.domain, 2 * SAMPLES)
        return axes, ticks, curve_path(axes, x, self.target(x), self.theme.muted, 3)

    def ask(self) -> None:
        self.title = label("Why depth, not just width?", self.theme, 40).to_corner(UL, buff=0.45)
        self.axes, self.ticks, self.target_curve = self.fit_plot()
        with self.read("Why stack layers, when one wide hidden layer can fit any curve?") as line:
            self.play(Fade(self.title), Create(self.axes), Fade(self.ticks), run_time=line.duration)
        with self.read("A common answer: one layer can, if very wide; depth lets layers compose.") as line:
            self.play(Create(self.target_curve), run_time=line.duration)
        low, high = (f"{v:g}".replace("-", "−") for v in self.domain)
        self.target_label = label(self.formula, self.theme, TEXT_SIZE, self.theme.muted)
        self.target_label.next_to(self.axes, UP, buff=0.05).align_to(self.axes, RIGHT)
        runner = Dot(self.axes.c2p(self.domain[0], float(self.target(np.array([self.domain[0]]))[0])), radius=0.08)
        runner.set_color(self.theme.text)
        with self.read(f"Test it: two real ReLU networks fit {self.formula} on [{low}, {high}].") as line:
            self.play(Fade(self.target_label), FadeIn(runner), run_time=self.t(0.6))  # the interval run through
            self.play(MoveAlongPath(runner, self.target_curve), run_time=max(line.duration - self.t(1.2), 1.0))
            self.play(FadeOut(runner), run_time=self.t(0.6))

    def show_budget(self) -> None:
        wide, deep = self.wide, self.deep
        self.deep_bound = piece_bounds(deep.hidden)[-1]
        self.wide_card, self.deep_card = (
            VGroup(
                label(f"{name}  {fit.shape}", self.theme, TEXT_SIZE, colour),
                label(f"{fit.parameters} parameters", self.theme, TEXT_SIZE, colour),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
            for name, fit, colour in (("wide", wide, WIDE), ("deep", deep, DEEP))
        )
        self.wide_card.move_to([CARD_LEFT, 2.45, 0], aligned_edge=UL)
        self.deep_card.move_to([CARD_LEFT, 0.35, 0], aligned_edge=UL)
        seeds = {fit.run.manifest.get("seed", 0) for fit in (wide, deep)}
        which = f"seed {seeds.pop()} of each" if len(seeds) == 1 else "one seed of each"
        self.seed_note = label(f"drawn: {which}", self.theme, TEXT_SIZE - 2, self.theme.muted)
        self.seed_note.move_to([CARD_LEFT, -2.05, 0], aligned_edge=LEFT)  # which training the numbers are from
        self.live = {}  # card -> its one changing line (what the narration is saying about that network now)
        layers = len(deep.hidden)
        widths = "" if len(set(deep.hidden)) > 1 else f" of {deep.hidden[0]}"
        with self.read(f"Wide: one hidden layer of {wide.hidden[0]} units. Deep: {layers} layers{widths}.") as line:
            self.play(Fade(self.wide_card[0]), run_time=self.t(0.5))  # "Wide: ..." then, halfway, "Deep: ..."
            self.wait(max(line.duration / 2 - self.t(0.5), 0.1))
            self.play(Fade(self.deep_card[0]), run_time=self.t(0.5))
        if wide.parameters == deep.parameters:
            budget = f"Both have {wide.parameters} parameters: the same budget."
        else:
            gap = abs(wide.parameters / deep.parameters - 1)
            budget = f"{wide.parameters} and {deep.parameters} parameters: the same budget within {gap:.0%}."
        with self.read(budget):
            self.play(Fade(self.wide_card[1]), Fade(self.deep_card[1]), Fade(self.seed_note), run_time=self.t(0.5))

    def set_live(self, which: VGroup, line, colour: str | None = None) -> list:
        """Animations replacing ``which`` card's changing line by ``line`` (a text or a mobject): old out, new in."""
        if isinstance(line, str):
            line = label(line, self.theme, TEXT_SIZE, colour)
        line.next_to(which, DOWN, buff=0.14, aligned_edge=LEFT)
        if line.get_right()[0] > RIGHT_EDGE:  # a long product: drawn smaller to stay in the frame
            line.scale((RIGHT_EDGE - line.get_left()[0]) / line.width, about_edge=LEFT)
        old, self.live[id(which)] = self.live.get(id(which)), line
        return [Fade(line)] if old is None else [AnimationGroup(Fade(old, out=True), Fade(line), lag_ratio=1)]

    def swap(self, old, new) -> AnimationGroup:
        """One label out, then the next in at its place: never two texts cross-faded in one spot."""
        return AnimationGroup(Fade(old, out=True), Fade(new), lag_ratio=1)

    def show_wide(self) -> None:
        wide, x = self.wide, self.samples(self.wide.pieces.bends)
        params = wide.run.params()
        (w1, b1), (w2, b2) = params[0], params[1]
        kinks = -b1 / np.where(w1[:, 0] == 0, np.inf, w1[:, 0])
        first = self.first_hinges(w1, b1, w2, b2, kinks, SUMMED_FIRST)

        def running_sum(units):  # the output bias and these units' hinges: the fit, a few hinges at a time
            at = self.samples(kinks[list(units)])
            total = b2[0] + sum(w2[0, j] * np.maximum(0.0, w1[j, 0] * at + b1[j]) for j in units) + 0 * at
            return VGroup(*(curve_path(self.axes, rx, ry, WIDE, 3) for rx, ry in runs_between(at, total, -1.5, 1.5)))

        def counter(n):
            text = f"{n} of {wide.hidden[0]} hinges added"
            return (
                label(text, self.theme, TEXT_SIZE - 2, WIDE).next_to(self.axes, UP, buff=0.05).align_to(self.axes, LEFT)
            )

        unit = first[0]
        hinge_x = self.samples([kinks[unit]])
        hinge = w2[0, unit] * np.maximum(0.0, w1[unit, 0] * hinge_x + b1[unit])
        inside = runs_between(hinge_x, hinge, -1.45, 1.45)  # one side flat, the other straight up to the plot's edge
        hinge_path = VGroup(*(curve_path(self.axes, rx, ry, WIDE, 3) for rx, ry in inside))
        kink_dot = Dot(self.axes.c2p(kinks[unit], 0), radius=0.07, color=WIDE)  # where it bends
        with self.read("Each unit of the wide layer is one hinge: a line that bends once.") as line:
            self.play(Create(hinge_path), Create(kink_dot), run_time=line.duration)
        sums, count = [running_sum(first[: k + 1]) for k in range(len(first))], counter(1)
        with self.read("Add them up, each times its weight, plus a bias: each bends the sum once more.") as line:
            step = line.duration / len(sums)
            self.play(ReplacementTransform(hinge_path, sums[0]), Fade(kink_dot, out=True), Fade(count), run_time=step)
            for k in range(1, len(sums)):
                after = counter(k + 1)
                self.play(ReplacementTransform(sums[k - 1], sums[k]), self.swap(count, after), run_time=step)
                count = after
        units = wide.hidden[0]
        order = first + [j for j in range(units) if j not in first]  # then the rest, in the layer's own order
        steps = [n for n in (10, 30) if len(first) < n < units]
        self.wide_curve = curve_path(self.axes, x, network_output(params, wide.run.activation, x), WIDE)
        with self.read(f"Added up, all {units} hinges make at most {units + 1} straight pieces.") as line:
            shown = sums[-1]
            for n in steps:  # the count runs on through the layer, the sum redrawn at each stop
                after, grown = counter(n), running_sum(order[:n])
                self.play(ReplacementTransform(shown, grown), self.swap(count, after), run_time=self.t(0.9))
                shown, count = grown, after
            last = counter(units)
            self.play(
                ReplacementTransform(shown, self.wide_curve),
                self.swap(count, last),
                *self.set_live(self.wide_card, f"up to {units + 1} pieces", WIDE),
                run_time=self.t(1.2),
            )
        self.play(Fade(last, out=True), run_time=self.t(0.4))
        bends = wide.pieces.bends
        self.wide_dots = bend_dots(self.axes, bends, network_output(params, wide.run.activation, bends), WIDE, 0.07)
        pieces, slivers = wide.pieces.pieces, self.slivers(wide)
        unseen = f", {slivers} of them slivers under {self.sliver_width} wide" if slivers else ", each bend marked"
        rings = self.sliver_rings(wide)
        with self.read(f"This fit bends {len(bends)} times: {pieces} pieces{unseen}.") as line:
            found = f"{pieces} pieces, {slivers} slivers" if slivers else f"{pieces} pieces"
            self.play(*self.set_live(self.wide_card, found, WIDE), run_time=self.t(0.6))
            self.play(
                LaggedStart(*(Create(d) for d in self.wide_dots), lag_ratio=0.2),
                run_time=max(line.duration / 2 - self.t(0.6), self.t(0.5)),
            )
            if len(rings):  # the slivers ringed: too narrow to see as pieces, so shown where they are
                self.play(LaggedStart(*(Create(r) for r in rings), lag_ratio=0.3), run_time=self.t(1.2))
        marker = self.error_marker(wide)
        with self.read(f"Its largest error is {wide.error:.2f}, at x = {self.fmt(wide.worst_x)}.") as line:
            self.play(
                Fade(rings, out=True),
                Create(marker),
                *self.set_live(self.wide_card, f"largest error {wide.error:.2f}", WIDE),
                run_time=self.t(0.8),
            )
        self.play(Fade(marker, out=True), run_time=self.t(0.4))

    def sliver_rings(self, fit: CurveFit) -> VGroup:
        """A white ring round each cluster of slivers (pieces narrower than ``SLIVER`` of the interval)."""
        ends = np.concatenate([[self.domain[0]], fit.pieces.bends, [self.domain[1]]])
        narrow = np.flatnonzero(np.diff(ends) < SLIVER * (self.domain[1] - self.domain[0]))
        centres = (ends[narrow] + ends[narrow + 1]) / 2
        clusters: list[list[float]] = []
        for c in centres:  # slivers closer than a ring's width share one ring
            if clusters and c - clusters[-1][-1] < 0.05:
                clusters[-1].append(c)
            else:
                clusters.append([c])
        params, activation = fit.run.params(), fit.run.activation
        rings = VGroup()
        for group in clusters:
            xs = np.array(group)
            ys = network_output(params, activation, xs)
            left, right = self.axes.c2p(xs.min(), ys.mean()), self.axes.c2p(xs.max(), ys.mean())
            ring = Circle(radius=0.17 + (right[0] - left[0]) / 2, color=self.theme.text, stroke_width=3)
            rings.add(ring.move_to((np.asarray(left) + np.asarray(right)) / 2))
        return rings

    def show_deep(self) -> None:
        deep, x = self.deep, self.samples(self.deep.pieces.bends)
        params, activation = deep.run.params(), deep.run.activation
        axes, ticks, target = self.axes, self.ticks, self.target_curve  # drawn again by the mechanism's exit
        deep_curve = curve_path(axes, x, network_output(params, activation, x), DEEP)
        with self.read("Now the deep fit, each bend coloured by the layer that made it.") as line:
            self.play(Create(deep_curve), run_time=line.duration)
        counts, groups = [], []
        for layer in range(1, len(deep.hidden) + 1):
            bends = deep.pieces.bends_from(layer)
            counts.append(len(bends))
            colour = self.layer_colour(layer)
            groups.append(bend_dots(axes, bends, network_output(params, activation, bends), colour, 0.075))
        totals = np.cumsum(counts) + 1  # pieces after each layer's bends: each layer cuts the last one's pieces
        cut = ", ".join(f"layer {i + 2} into {n}" for i, n in enumerate(totals[1:]))
        said = f"Layer 1's {counts[0]} bends make {totals[0]} pieces; {cut}." if len(totals) > 1 else ""
        terms = [label("pieces", self.theme, TEXT_SIZE, DEEP)] + [
            label(str(n) if i == 0 else f"→ {n}", self.theme, TEXT_SIZE, self.layer_colour(i + 1))
            for i, n in enumerate(totals)
        ]
        bends_line = VGroup(*terms).arrange(RIGHT, buff=0.15)
        for term in terms[1:]:
            term.align_to(terms[0], DOWN)
        with self.read(said) as line:
            for term in terms[1:]:  # each layer's count comes in with its bends
                term.set_opacity(0)
            self.play(*self.set_live(self.deep_card, bends_line), run_time=self.t(0.6))
            for group, term in zip(groups, terms[1:]):
                term.set_opacity(1)
                self.play(
                    LaggedStart(*(Create(d) for d in group), lag_ratio=0.2),
                    Fade(term),
                    run_time=max(line.duration - self.t(0.6), self.t(0.6)) / len(groups),
                )
        pieces, wide_pieces = deep.pieces.pieces, self.wide.pieces.pieces
        compared = "fewer than" if pieces < wide_pieces else "more than" if pieces > wide_pieces else "as many as"
        rings = self.sliver_rings(deep)
        with self.read(
            f"{pieces} pieces ({self.slivers(deep)} slivers), {compared} the wide fit's {wide_pieces},"
            f" of {self.deep_bound} possible."
        ) as line:
            found = f"{pieces} pieces, {self.slivers(deep)} slivers"
            self.play(*self.set_live(self.deep_card, found, DEEP), *(Create(r) for r in rings), run_time=self.t(0.8))
            dots = sorted((dot for group in groups for dot in group), key=lambda dot: dot.get_center()[0])
            self.play(  # the bends counted off left to right, the wide fit coming back behind for comparison
                StrokeTo(self.wide_curve, 0.6),
                LaggedStart(*(Indicate(dot, scale_factor=1.8, color=self.theme.text) for dot in dots), lag_ratio=0.3),
                run_time=max(line.duration - self.t(0.8), self.t(0.5)),
            )
        marker = self.error_marker(deep)
        better = (
            "smaller than"
            if deep.error < self.wide.error
            else "larger than"
            if deep.error > self.wide.error
            else "equal to"
        )
        with self.read(
            f"Its largest error is {deep.error:.2f}, {better} the wide fit's {self.wide.error:.2f}."
        ) as line:
            self.play(
                Fade(rings, out=True),
                Create(marker),
                *self.set_live(self.deep_card, f"largest error {deep.error:.2f}", DEEP),
                run_time=self.t(0.8),
            )
        self.curve_scene = VGroup(axes, ticks, target, self.target_label, self.wide_curve, deep_curve, marker, *groups)
        self.deep_groups = groups

    # Pieces of the picture ---------------------------------------------------

    def samples(self, bends) -> np.ndarray:
        """Where to sample a piecewise-linear curve: evenly, and at each of its ``bends`` (so the polyline is exact)."""
        inside = [b for b in bends if self.domain[0] < b < self.domain[1]]
        return np.unique(np.concatenate([np.linspace(*self.domain, SAMPLES), np.asarray(inside, np.float64)]))

    def first_hinges(self, w1, b1, w2, b2, kinks, count: int) -> list[int]:
        """``count`` wide units whose running sum (with the output bias) stays inside the plot, each bending inside it.

        Among those that keep the sum in view, the one that moves it most, so each new bend can be seen."""
        inside = [j for j in range(len(kinks)) if self.domain[0] < kinks[j] < self.domain[1]]
        x = np.linspace(*self.domain, 201)
        total, chosen = b2[0] + 0 * x, []
        for _ in range(count):
            best, best_reach = None, 0.0
            for j in inside:
                hinge = w2[0, j] * np.maximum(0.0, w1[j, 0] * x + b1[j])
                reach = float(np.max(np.abs(hinge)))
                if j not in chosen and np.max(np.abs(total + hinge)) <= 1.4 and reach > best_reach:
                    best, best_reach = j, reach
            if best is None:
                break
            chosen.append(best)
            total = total + w2[0, best] * np.maximum(0.0, w1[best, 0] * x + b1[best])
        return chosen or inside[:1]

    def layer_colour(self, layer: int) -> str:
        return LAYER_COLOURS[(layer - 1) % len(LAYER_COLOURS)]

    @property
    def sliver_width(self) -> str:
        return f"{SLIVER * (self.domain[1] - self.domain[0]):g}"

    def slivers(self, fit: CurveFit) -> int:
        """Pieces narrower than 1% of the interval: a few pixels wide at most."""
        return straight_pieces(fit.pieces.bends, self.domain, SLIVER)[1]

    def fmt(self, value: float) -> str:
        return f"{value:.2f}".replace("-", "−")

    def error_marker(self, fit: CurveFit) -> VGroup:
        """A red bar from the target to the fit where the fit misses most, with its size written beside it."""
        params = fit.run.params()
        y_fit = float(network_output(params, fit.run.activation, np.array([fit.worst_x]))[0])
        y_target = float(self.target(np.array([fit.worst_x]))[0])
        bar = Line(self.axes.c2p(fit.worst_x, y_target), self.axes.c2p(fit.worst_x, y_fit), stroke_width=6)
        bar.set_color(ERROR)
        size = label(f"{fit.error:.2f}", self.theme, TEXT_SIZE - 2, ERROR)
        # Beyond the bar's far end from the target (above a fit that overshoots, below one that falls short).
        size.next_to(bar, UP if y_fit > y_target else DOWN, buff=0.1)
        return VGroup(bar, size)
