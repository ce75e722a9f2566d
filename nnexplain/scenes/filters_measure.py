"""The filters scene's measures: one kernel split into a tilted plane and the rest, every kernel's plane share
beside its share at the random start and noise's, a curved fit, how far each moved, and where each fires most.

A mixin of :class:`~nnexplain.scenes.filters.Filters`. The numbers come from :mod:`nnexplain.geometry.filters`;
yellow marks an edge kernel and nothing else, measured numbers are white, references grey.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Arrow,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    Group,
    Line,
    Rectangle,
    VGroup,
    VMobject,
    there_and_back,
)

from nnexplain.geometry.filters import EDGE_SHARE, across_profile, kinds, moved_little, noise_share
from nnexplain.mobjects.feature_maps import symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, diverging_rgba, grey_rgba
from nnexplain.mobjects.style import fmt_percent, label
from nnexplain.scenes.base.run_facts import has_random_start
from nnexplain.scenes.convolution_text import by, outlined
from nnexplain.scenes.filters_layout import TEXT, TOP_TILE, column_x

__all__ = ["MeasureBeats", "side_words", "listed", "bar_words"]

SIDES = ("right", "upper right", "top", "upper left", "left", "lower left", "bottom", "lower right")
SPLIT, SPLIT_Y = 1.55, -0.45  # a kernel's split into a fit and the rest: three tiles this tall, centred here
PLANE_Y, START_Y, CURVED_Y, CURVED_START_Y, MOVED_Y, NOISE_Y = (
    0.12,
    -0.32,
    -0.76,
    -1.2,
    -1.64,
    -2.17,
)  # rows under the kernels


def side_words(angle: float) -> tuple[str, str]:
    """The side an angle (degrees, 0 right, 90 up) points to, in words, and the opposite side."""
    sector = int(round(angle / 45)) % 8
    return SIDES[sector], SIDES[(sector + 4) % 8]


def bar_words(angle: float) -> str:
    """The way a bar runs (degrees in [0, 180)), in words."""
    return ("horizontal", "rising", "vertical", "falling", "horizontal")[int(round(angle / 45)) % 5]


def across_words(values: np.ndarray) -> str:
    """What a profile across a fit does, as a sentence: a bar's rises then falls (or falls then rises)."""
    top, bottom = int(np.argmax(values)), int(np.argmin(values))
    if 0 < top < len(values) - 1:
        return " Across it, the fit rises, then falls."
    if 0 < bottom < len(values) - 1:
        return " Across it, the fit falls, then rises."
    return ""


def listed(numbers: list[int]) -> str:
    """1-based kernel numbers as words: "1", "1 and 3", "1, 3 and 8"."""
    names = [str(n + 1) for n in numbers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def kernels_word(numbers: list[int]) -> str:
    return f"kernel{'s' if len(numbers) > 1 else ''} {listed(numbers)}"


class MeasureBeats:
    def edge_arrow(self, angle: float, centre: np.ndarray, length: float, colour: str | None = None) -> Arrow:
        direction = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle)), 0.0])
        return Arrow(
            centre - direction * length / 2,
            centre + direction * length / 2,
            buff=0,
            color=colour or self.theme.text,
            stroke_width=5,
            max_tip_length_to_length_ratio=0.35,
        )

    def kernel_frame(self, i: int, colour: str, dashed: bool = False):
        frame = Rectangle(width=TOP_TILE + 0.12, height=TOP_TILE + 0.12).set_stroke(colour, 3).move_to(self.tiles[i])
        return DashedVMobject(frame, num_dashes=24) if dashed else frame

    def decomposition(self, kernel: np.ndarray, fitted: np.ndarray, names: list[str]) -> tuple[list[Group], VGroup]:
        """Kernel − its mean = ``fitted`` + rest, as three tiles on one colour scale, ``names`` under them."""
        centred = kernel - kernel.mean()
        scale = symmetric_scale(centred)
        parts = [centred, fitted, centred - fitted]
        pictures = [outlined(Heatmap(diverging_rgba(part, scale, self.theme), SPLIT), self.theme) for part in parts]
        for picture, x in zip(pictures, (-4.75, -1.15, 3.75)):  # room right of the fit for its profile
            picture.move_to([x, SPLIT_Y, 0])
        signs = VGroup(label("=", self.theme, 40).move_to([-2.95, SPLIT_Y, 0]), label("+", self.theme, 40))
        signs[1].move_to([1.95, SPLIT_Y, 0])
        texts = VGroup(
            *(
                label(name, self.theme, TEXT, self.theme.muted).next_to(picture, DOWN, buff=0.15)
                for name, picture in zip(names, pictures)
            )
        )
        return pictures, VGroup(signs, texts)

    def profile(
        self, surface: np.ndarray, bar_angle: float, tile: Group, along_rows: bool | None = None, dashed: bool = False
    ) -> VGroup:
        """The fitted surface's mean across its bar, drawn beside ``tile`` (rows: a line down its right side, each
        point level with its row, blue right of 0 and red left; columns: a line over its top): a bar bulges, an edge
        runs one way. Each profile is drawn to its own largest mean (its shape is what is compared). ``along_rows``
        forces the orientation (a reference drawn over another's profile); ``dashed``: the reference's grey line."""
        values, by_rows = across_profile(surface, bar_angle)
        if along_rows is not None and along_rows != by_rows:
            values, by_rows = np.asarray(surface, np.float64).mean(axis=1 if along_rows else 0), along_rows
        reach = 0.45 / max(float(np.abs(values).max()), 1e-9)  # the largest mean 0.45 units from the zero line
        count = len(values)
        cell = tile.height / count
        if by_rows:
            x0 = tile.get_right()[0] + 1.5  # its "− 0 +" clear of the name under the tile
            top = tile.get_top()[1]
            points = [[x0 + reach * v, top - cell * (i + 0.5), 0] for i, v in enumerate(values)]
            zero = Line([x0, tile.get_top()[1], 0], [x0, tile.get_bottom()[1], 0])
        else:
            y0 = tile.get_top()[1] + 0.7
            left = tile.get_left()[0]
            points = [[left + cell * (i + 0.5), y0 + reach * v, 0] for i, v in enumerate(values)]
            zero = Line([tile.get_left()[0], y0, 0], [tile.get_right()[0], y0, 0])
        zero.set_stroke(self.theme.muted, 2)
        line = VMobject().set_points_as_corners(points)
        if dashed:
            return VGroup(DashedVMobject(line.set_stroke(self.theme.text, 4, opacity=0.75), num_dashes=9))
        line.set_stroke(self.theme.text, 3)
        colours = [self.theme.positive if v >= 0 else self.theme.negative for v in values]
        dots = VGroup(*(Dot(point, radius=0.07, color=colour) for point, colour in zip(points, colours)))
        name = label("row means" if by_rows else "column means", self.theme, TEXT, self.theme.muted)
        name.next_to(VGroup(zero, line), UP if by_rows else RIGHT, buff=0.15)  # (over a column profile: the kernels)
        signs = VGroup(
            label("−", self.theme, TEXT, self.theme.negative), label("+", self.theme, TEXT, self.theme.positive)
        )
        zero_mark = label("0", self.theme, TEXT, self.theme.muted)
        if by_rows:
            zero_mark.next_to(zero, DOWN, buff=0.08)
            signs[0].next_to(zero_mark, LEFT, buff=0.2)
            signs[1].next_to(zero_mark, RIGHT, buff=0.2)
        else:
            zero_mark.next_to(zero, LEFT, buff=0.08)
            signs[1].next_to(zero_mark, UP, buff=0.1)
            signs[0].next_to(zero_mark, DOWN, buff=0.1)
        return VGroup(zero, line, dots, name, zero_mark, signs)

    def fit_one_edge(self) -> None:
        story = self.story
        best = self.chosen
        fit, kernel = story.fits[best], story.kernels[-1][best]
        names = [
            f"kernel {best + 1} − mean",
            f"plane: {fmt_percent(fit.share, 0)}",
            f"rest: {fmt_percent(fit.residual, 0)}",
        ]
        pictures, (signs, texts) = self.decomposition(kernel, fit.plane, names)
        arrow = self.edge_arrow(fit.angle, pictures[1].get_center(), 0.6 * SPLIT)
        high, low = side_words(fit.angle)
        step = self.profile(fit.plane, (fit.angle + 90) % 180, pictures[1])  # across the edge: one way
        self.telling(
            f"What is kernel {best + 1} looking for? Fit a tilted plane to its {kernel.size} weights.",
            FadeOut(self.maps, run_time=0.6),
            FadeIn(Group(pictures[0], texts[0]), run_time=0.8),
            FadeIn(Group(signs[0], pictures[1], texts[1], arrow), run_time=0.8),
        )
        self.telling(
            f"The plane explains {fmt_percent(fit.share, 0)} of their variance and rises toward the {high}.",
            arrow.animate(run_time=0.8).scale(1.2),
            FadeIn(step, run_time=0.6),
            FadeIn(Group(signs[1], pictures[2], texts[2]), run_time=0.8),
        )
        edge = fit.share >= EDGE_SHARE
        self.best_frame = self.kernel_frame(best, self.theme.highlight if edge else self.theme.text)
        self.telling(
            f"That is an edge: its sum is largest with ink at its {high}, paper at its {low}."
            if edge
            else f"Less than half: not a clean edge, though it leans toward ink at its {high}.",
            arrow.animate(run_time=0.8).set_color(self.theme.highlight if edge else self.theme.text),
            FadeIn(self.best_frame, run_time=0.6),
            self.pulse(Group(pictures[1], arrow), 1.06),  # the arrow with its plane: animated alone, it would hide
            self.pulse(pictures[0], 1.06),
        )
        self.demo = Group(*pictures, signs, texts, arrow, step)

    def fit_one_bar(self) -> bool:
        """Each bar kernel split like the edge: kernel − mean = curved fit + rest, with the fit's profile across its
        band; then the same fit at the random start, the reference."""
        story = self.story
        bars = [i for i, name in enumerate(kinds(story)) if name == "bar"]
        if not bars:
            return False
        shown = Group()
        for n, i in enumerate(bars):
            curved, plane = story.curved[i], story.fits[i]
            names = [
                f"kernel {i + 1} − mean",
                f"curved fit: {fmt_percent(curved.share, 0)}",
                f"rest: {fmt_percent(1 - curved.share, 0)}",
            ]
            pictures, (signs, texts) = self.decomposition(story.kernels[-1][i], curved.surface, names)
            band = self.profile(curved.surface, curved.bar_angle, pictures[1])
            shade = "positive" if curved.ridge else "negative"  # the band's sign: blue between red, or red between blue
            frame = self.kernel_frame(i, self.theme.text)
            leaving = Group(self.demo, self.best_frame) if n == 0 else shown  # only the kernel discussed is framed
            self.telling(
                f"Kernel {i + 1}: a plane explains only {fmt_percent(plane.share, 0)}. Add curvature (x², y², xy):"
                if n == 0
                else f"Kernel {i + 1}: a plane explains {fmt_percent(plane.share, 0)}; with curvature,",
                FadeIn(frame, run_time=0.4),
                FadeOut(leaving, run_time=0.5),
                FadeIn(Group(pictures[0], texts[0]), run_time=0.6),
                FadeIn(Group(signs[0], pictures[1], texts[1]), run_time=0.6),
            )
            self.telling(
                f"the curved fit explains {fmt_percent(curved.share, 0)}: a {bar_words(curved.bar_angle)} {shade} band.",
                self.pulse(pictures[1], 1.08),
                FadeIn(Group(signs[1], pictures[2], texts[2]), run_time=0.6),
            )
            across = across_words(across_profile(curved.surface, curved.bar_angle)[0])
            if across:
                self.telling(across, FadeIn(band, run_time=0.8))
            else:
                self.add(band.set_opacity(0))
            shown = Group(*pictures, signs, texts, band, frame)
            if story.start_curved is not None and has_random_start(self.run):
                start = story.start_curved[i]
                _, by_rows = across_profile(curved.surface, curved.bar_angle)
                before = self.profile(start.surface, start.bar_angle, pictures[1], along_rows=by_rows, dashed=True)
                gain = start.share - story.start_fits[i].share
                self.telling(
                    f"Dashed: its random start, curvature +{100 * gain:.0f}"
                    + (", bending the same way." if self.same_band(i) else "."),
                    FadeIn(before, run_time=0.8),
                )
                shown.add(before)
        self.demo = shown
        self.bar_frames = Group()
        return True

    def same_band(self, i: int) -> bool:
        """Kernel ``i``'s curved fit at the random start bends the same way (ridge or trough) along a direction
        within 30° of its last one's."""
        start, end = self.story.start_curved[i], self.story.curved[i]
        gap = abs((start.bar_angle - end.bar_angle + 90) % 180 - 90)
        return start.ridge == end.ridge and gap <= 30

    def boxed(self, texts) -> VGroup:
        """A thin box round each of ``texts``: the numbers a line names (yellow is for edges, dashed for borderline)."""
        return VGroup(
            *(
                Rectangle(width=text.width + 0.18, height=0.38).set_stroke(self.theme.text, 2).move_to(text)
                for text in texts
            )
        )

    def underlined(self, texts) -> VGroup:
        """A line under each of ``texts`` (white boxes mark bars; a line marks the kernels a line names otherwise)."""
        return VGroup(
            *(
                Line(text.get_corner(DOWN + LEFT), text.get_corner(DOWN + RIGHT))
                .shift(0.06 * DOWN)
                .set_stroke(self.theme.text, 2)
                for text in texts
            )
        )

    @staticmethod
    def pulse(picture: Group, factor: float):
        """A picture swelling and settling back (Indicate would wash an image out to its highlight colour)."""
        return picture.animate(run_time=1.0, rate_func=there_and_back).scale(factor)

    def row_name(self, text: str, y: float) -> VGroup:
        """A row's name, its right edge clear of the first column (a reference row under its measure: "└ at start")."""
        name = label(text, self.theme, TEXT, self.theme.muted)
        return name.move_to([column_x(0) - 0.62 - name.width / 2, y, 0])

    def measure_every_kernel(self) -> None:
        story = self.story
        kind = kinds(story)
        edges = [i for i, name in enumerate(kind) if name == "edge"]
        others = [i for i in range(len(kind)) if i not in edges]
        shares = [fit.share for fit in story.fits]
        frames = VGroup(*(self.kernel_frame(i, self.theme.highlight) for i in edges if i != self.chosen))
        arrows = VGroup(
            *(self.edge_arrow(story.fits[i].angle, [column_x(i), 0.63, 0], 0.55, self.theme.highlight) for i in edges)
        )
        plane = {
            i: label(
                fmt_percent(share, 0), self.theme, TEXT, self.theme.highlight if i in edges else self.theme.text
            ).move_to([column_x(i), PLANE_Y, 0])
            for i, share in enumerate(shares)
        }
        plane_name = self.row_name("plane", PLANE_Y)
        first = (
            f"Measured the same way, {kernels_word(edges)} {'are edges' if len(edges) > 1 else 'is an edge'}: "
            "a plane explains over half."
            if edges
            else f"Measured the same way, no kernel is an edge: no plane explains {fmt_percent(EDGE_SHARE, 0)}."
        )
        self.telling(
            first,
            AnimationGroup(  # together: the screen is never empty while the line names the edges
                FadeOut(self.demo),
                FadeIn(Group(frames, self.best_frame, arrows, plane_name, *(plane[i] for i in edges))),
                run_time=0.8,
            ),
        )
        if others:
            low, high = min(shares[i] for i in others), max(shares[i] for i in others)
            self.telling(
                f"For the other {len(others)}, a plane explains {fmt_percent(low, 0)} to {fmt_percent(high, 0)}.",
                FadeIn(VGroup(*(plane[i] for i in others)), lag_ratio=0.15, run_time=1.2),
            )
        marks = Group(frames, self.best_frame, arrows, plane_name, *plane.values())
        k = story.size
        noise = label(
            f"random {k} × {k} noise, on average: plane {fmt_percent(noise_share(k, 2), 0)} · curvature "
            f"+{100 * (noise_share(k, 5) - noise_share(k, 2)):.0f}",
            self.theme,
            TEXT,
            self.theme.muted,
        ).move_to([0, NOISE_Y, 0])
        if story.start_fits is not None and has_random_start(self.run):
            start_name = self.row_name("└ at start", START_Y)
            start = VGroup(
                *(
                    label(fmt_percent(fit.share, 0), self.theme, TEXT, self.theme.muted).move_to(
                        [column_x(i), START_Y, 0]
                    )
                    for i, fit in enumerate(story.start_fits)
                )
            )
            most = max(fit.share for fit in story.start_fits)
            self.telling(
                f"At the random start a plane explained at most {fmt_percent(most, 0)} of any kernel: the reference.",
                FadeIn(start_name, run_time=0.4),
                FadeIn(start, lag_ratio=0.1, run_time=1.2),
                FadeIn(noise, run_time=0.6),
            )
            marks.add(start, start_name)
        else:
            self.telling(
                f"On noise weights, a plane explains {fmt_percent(noise_share(k, 2), 0)} on average: the reference.",
                FadeIn(noise, run_time=0.6),
            )
        marks.add(noise)
        borderline = [i for i, name in enumerate(kind) if name == "borderline"]
        if borderline:
            i = borderline[0]
            dashed = self.kernel_frame(i, self.theme.text, dashed=True)
            self.telling(
                f"Half is our cut, not the run's: kernel {i + 1}, at {fmt_percent(shares[i], 0)}, is borderline.",
                FadeIn(dashed, run_time=0.6),
                plane[i].animate(run_time=0.8, rate_func=lambda t: 1 - abs(2 * t - 1)).scale(1.4),
            )
            marks.add(dashed)
        gains = [curved.share - fit.share for curved, fit in zip(story.curved, story.fits)]
        curved = VGroup(
            *(
                label(f"+{100 * gain:.0f}", self.theme, TEXT, self.theme.muted).move_to([column_x(i), CURVED_Y, 0])
                for i, gain in enumerate(gains)
            )
        )
        bars = [i for i, name in enumerate(kind) if name == "bar"]
        curved_name = self.row_name("+curve", CURVED_Y)
        added = ", ".join(f"{100 * gains[i]:.0f}" for i in bars[:-1]) + (" and " if len(bars) > 1 else "")
        added += f"{100 * gains[bars[-1]]:.0f}" if bars else ""
        bar_frames = VGroup(*(self.kernel_frame(i, self.theme.text) for i in bars))
        self.telling(
            f"Plane under 40%, and curvature adds {added} points: bars ({listed(bars)})."
            if bars
            else "Curvature adds little to any kernel: no bars.",
            FadeIn(bar_frames, run_time=0.4),
            FadeIn(curved_name, run_time=0.3),
            AnimationGroup(
                FadeIn(curved, lag_ratio=0.08, run_time=1.2),
                *(curved[i].animate(run_time=0.5).set_color(self.theme.text) for i in bars),
                lag_ratio=1,
            ),
        )
        marks.add(curved_name, curved, bar_frames)
        if story.start_curved is not None and has_random_start(self.run):
            start_gains = [c.share - f.share for c, f in zip(story.start_curved, story.start_fits)]
            at_start = VGroup(
                *(
                    label(f"+{100 * gain:.0f}", self.theme, TEXT, self.theme.muted).move_to(
                        [column_x(i), CURVED_START_Y, 0]
                    )
                    for i, gain in enumerate(start_gains)
                )
            )
            at_start_name = self.row_name("└ at start", CURVED_START_Y)
            if bars:
                before = ", ".join(f"{100 * start_gains[i]:.0f}" for i in bars[:-1])
                before += (" and " if len(bars) > 1 else "") + f"{100 * start_gains[bars[-1]]:.0f}"
                same = all(self.same_band(i) for i in bars)
                grew = all(gains[i] > start_gains[i] for i in bars)
                text = f"But at the random start, curvature already added {before} points:"
                then = (
                    "bands bending the same way. Training deepened bands that chance began."
                    if same and grew
                    else "part of each band was there before training."
                )
            else:
                text, then = "At the random start, curvature added this much: the reference.", ""
            self.telling(
                text,
                FadeIn(at_start_name, run_time=0.3),
                FadeIn(at_start, lag_ratio=0.08, run_time=1.0),
                FadeIn(start_boxes := self.boxed(at_start[i] for i in bars), run_time=0.5),
            )
            if then:
                self.telling(then, *(self.pulse(curved[i], 1.4) for i in bars))
            marks.add(at_start, at_start_name, start_boxes)
        little = list(moved_little(story))
        if story.moved is not None:
            moved = VGroup(
                *(
                    label(f"{value:.1f}×", self.theme, TEXT, self.theme.text).move_to([column_x(i), MOVED_Y, 0])
                    for i, value in enumerate(story.moved)
                )
            )
            text = (
                f"{kernels_word(little).capitalize()} moved less than the others: at most their own starting size."
                if len(little) > 1
                else f"Kernel {little[0] + 1} moved less than the others: at most its own starting size."
                if little
                else "Every kernel moved farther than its own starting size."
            )
            moved_name = self.row_name("moved", MOVED_Y)
            self.telling(
                text,
                FadeIn(Group(moved_name, moved), run_time=0.5),
                FadeIn(little_boxes := self.underlined(moved[i] for i in little), run_time=0.5),
            )
            marks.add(moved, moved_name, little_boxes)
        flat = [i for i, name in enumerate(kind) if name == "other"]
        if flat:
            still = all(i in little for i in flat)
            self.telling(
                f"{kernels_word(flat).capitalize()} sit{'s' if len(flat) == 1 else ''} near noise"
                + (" and moved little: no clear shape." if still else ": no clear shape."),
                *(
                    plane_mark.animate(run_time=0.6, rate_func=lambda t: 1 - abs(2 * t - 1)).scale(1.4)
                    for plane_mark in (plane[i] for i in flat)
                ),
                *(curved[i].animate(run_time=0.6, rate_func=lambda t: 1 - abs(2 * t - 1)).scale(1.4) for i in flat),
            )
        self.marks = marks

    def show_strongest(self) -> None:
        story = self.story
        k = story.size
        tile, patch_tile, digit_y, patch_y, ink_y, area_y = 1.0, 1.05, 0.45, -1.0, -1.78, -2.22
        digits, patches, outlines, names = Group(), Group(), VGroup(), VGroup()
        for place in story.places:
            x = column_x(place.kernel)
            image = story.images[place.digit]
            picture = outlined(Heatmap(grey_rgba(image), tile), self.theme).move_to([x, digit_y, 0])
            pixel = tile / image.shape[0]
            box = Rectangle(width=k * pixel, height=k * pixel).set_stroke(self.theme.text, 3)
            box.set_stroke(self.theme.background, 7, background=True)  # a dark rim: the box shows on ink too
            corner = picture.get_corner(UP + [-1, 0, 0])
            box.move_to(corner + pixel * np.array([place.column + k / 2, -(place.row + k / 2), 0]))
            digits.add(Group(picture, box))
            names.add(label(f"a {story.labels[place.digit]}", self.theme, TEXT, self.theme.muted))
            names[-1].next_to(picture, DOWN, buff=0.08)
            patches.add(
                outlined(Heatmap(grey_rgba(story.patch(place)), patch_tile), self.theme).move_to([x, patch_y, 0])
            )
            outlines.add(self.positive_cells(story.kernels[-1][place.kernel], patches[-1]))
        row_names = VGroup(self.row_name("top digit", digit_y), self.row_name("patch", patch_y))
        self.telling(
            f"Over {len(story.images)} recorded validation digits, the box marks where each kernel responds most.",
            FadeOut(self.marks, run_time=0.6),
            FadeIn(row_names[0], run_time=0.4),
            FadeIn(Group(digits, names), lag_ratio=0.1, run_time=1.6),
        )
        self.telling(
            f"Below, that {by(k, k)} patch enlarged; the kernel's blue weights outlined on it.",
            FadeIn(row_names[1], run_time=0.4),
            FadeIn(patches, lag_ratio=0.1, run_time=1.2),
            FadeIn(outlines, lag_ratio=0.1, run_time=1.0),
        )
        shares = [story.ink_on_positive(place) for place in story.places]
        started = has_random_start(self.run)  # an imported run has no random start to compare with
        covers = [  # the same patch on the kernel's random start, or else the share of the window that is blue
            self.ink_on_start(place) if started else float(np.mean(story.kernels[-1][place.kernel] > 0))
            for place in story.places
        ]
        ink = VGroup(
            *(
                label(fmt_percent(share, 0), self.theme, TEXT, self.theme.text).move_to([column_x(i), ink_y, 0])
                for i, share in enumerate(shares)
            )
        )
        area = VGroup(
            *(
                label(fmt_percent(cover, 0), self.theme, TEXT, self.theme.muted).move_to([column_x(i), area_y, 0])
                for i, cover in enumerate(covers)
            )
        )
        ink_names = VGroup(
            self.row_name("ink on +", ink_y), self.row_name("└ at start" if started else "+ area", area_y)
        )
        self.telling(
            f"{fmt_percent(min(shares), 0)} to {fmt_percent(max(shares), 0)} of each patch's ink lies on the blue cells,",
            FadeIn(Group(ink_names[0], ink), lag_ratio=0.1, run_time=1.2),
        )
        gained = [
            round(100 * share) / 100 - round(100 * cover) / 100 for share, cover in zip(shares, covers)
        ]  # as shown
        more = [i for i, gain in enumerate(gained) if gain >= 0.1]
        less = [i for i in range(len(gained)) if i not in more]
        if started:
            text = f"against {fmt_percent(min(covers), 0)} to {fmt_percent(max(covers), 0)} at the random start."
        else:
            text = f"which cover only {fmt_percent(min(covers), 0)} to {fmt_percent(max(covers), 0)} of the window."
        self.telling(
            text,
            FadeIn(Group(ink_names[1], area), lag_ratio=0.1, run_time=1.2),
        )
        if started and more:
            self.telling(
                f"{len(more)} of {len(gained)} kernels gain {100 * min(gained[i] for i in more):.0f} to "
                f"{100 * max(gained[i] for i in more):.0f} points"
                + (f"; {kernels_word(less)} barely." if less else "."),
                *(ink[i].animate(run_time=0.8, rate_func=there_and_back).scale(1.3) for i in more),
            )
        self.strongest = Group(digits, names, patches, outlines, row_names, ink, area, ink_names)

    def ink_on_start(self, place) -> float:
        """The share of the patch's ink on the positive weights the kernel started from (the reference)."""
        patch = self.story.patch(place)
        ink = float(patch.sum())
        return float((patch * (self.story.kernels[0][place.kernel] > 0)).sum()) / ink if ink > 0 else 0.0

    def positive_cells(self, kernel: np.ndarray, patch: Group) -> VGroup:
        """The kernel's positive cells outlined in blue over ``patch``: ink and paper stay black and white."""
        rows, cols = kernel.shape
        cell = patch.width / cols
        corner = patch.get_corner(UP + [-1, 0, 0])
        return VGroup(
            *(
                Rectangle(width=cell * 0.8, height=cell * 0.8)
                .set_stroke(self.theme.positive, 3)
                .move_to(corner + cell * np.array([c + 0.5, -(r + 0.5), 0]))
                for r in range(rows)
                for c in range(cols)
                if kernel[r, c] > 0
            )
        )
