"""What a CNN's first layer learns: its kernels over training, what each responds to (measured), against an MLP.

    nnexplain render filters                          # cnn-mnist, with mlp-mnist-6k as the MLP
    nnexplain render filters --run runs/cnn --with mlp=runs/mlp

The first layer's kernels play from the random start through every recorded snapshot, the
first epoch slowly. A tilted plane fitted to each kernel says which way it points and how much
of it is an edge (:func:`~nnexplain.geometry.filters.edge_fit`); the run's kernels are called
edges only where the plane explains at least half of them, and the others are said not to be.
Their feature maps on three validation digits, and the place among all probe digits that
drives each one highest, follow. Last, the MLP's first-layer weight images, drawn at the same
pixel scale, with the share of each one's energy in its best window of the kernel's size.
Every number is the runs' own (:mod:`nnexplain.geometry.filters`).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    UP,
    Animation,
    AnimationGroup,
    Arrow,
    FadeIn,
    FadeOut,
    Group,
    Indicate,
    Rectangle,
    VGroup,
    Wait,
)

from nnexplain.geometry.filters import EDGE_SHARE, filters_story
from nnexplain.mobjects.feature_maps import symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, Playback, blend_keyframes, diverging_rgba, grey_rgba
from nnexplain.mobjects.style import fmt_percent, label
from nnexplain.scenes.base.run_facts import has_history, has_random_start
from nnexplain.scenes.base.run_scene import RunScene
from nnexplain.scenes.convolution_text import LABEL, by, outlined, title
from nnexplain.scenes.filters_text import caption

__all__ = ["Filters", "side_words", "listed"]

# The kernels' row while they train (large, centred) and from the measuring on (smaller, above the rest).
TRAIN_Y, TRAIN_TILE, TRAIN_PITCH = 0.45, 1.3, 1.5
TOP_Y, TOP_TILE, PITCH, FIRST_X = 1.95, 1.05, 1.4, -4.2
TEXT = 28  # labels under and beside the pictures: 16 px at 480p (captions and the legend stay at 24 points)
LEFT_X = -5.85  # the column of row names, digits and run names, left of the kernels' columns
SIDES = ("right", "upper right", "top", "upper left", "left", "lower left", "bottom", "lower right")


def side_words(angle: float) -> tuple[str, str]:
    """The side an angle (degrees, 0 right, 90 up) points to, in words, and the opposite side."""
    sector = int(round(angle / 45)) % 8
    return SIDES[sector], SIDES[(sector + 4) % 8]


def listed(numbers: list[int]) -> str:
    """1-based kernel numbers as words: "1", "1 and 3", "1, 3 and 8"."""
    names = [str(n + 1) for n in numbers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def moved_text(value: float) -> str:
    return f"{value:.1f}×"


def column_x(index: int) -> float:
    return FIRST_X + PITCH * index


class Filters(RunScene):
    scene_name = "filters"

    def setup(self) -> None:
        super().setup()
        self.mlp = self.runs["mlp"]
        self.story = filters_story(self.run, self.mlp)
        self.kernel_scale = symmetric_scale(self.story.kernels)  # one scale for every kernel at every snapshot

    def construct(self) -> None:
        self.beat("question")
        self.show_question()
        if has_history(self.run):
            self.beat("first epoch")
            self.first_epoch()
            self.beat("the rest of training")
            self.rest_of_training()
        self.beat("one kernel's edge")
        self.fit_one_edge()
        self.beat("every kernel")
        self.measure_every_kernel()
        self.beat("feature maps")
        self.show_maps()
        self.beat("strongest places")
        self.show_strongest()
        self.beat("against an mlp")
        self.compare_mlp()
        self.beat("verdict")
        self.verdict()
        self.hold(extra=3.0)  # the answer stays up once every label is in

    def telling(self, text: str, *steps: Animation) -> None:
        """Narrate ``text`` as the caption, the ``steps`` played one after another while it is read."""
        with self.narrate(text, caption(text, self.theme)) as line:
            self.play(AnimationGroup(*steps, lag_ratio=1), run_time=max(line.duration, self.t(1.0)))

    # --- pictures ----------------------------------------------------------

    def kernel_rgba(self, kernel: np.ndarray) -> np.ndarray:
        return diverging_rgba(kernel, self.kernel_scale, self.theme)

    def epoch_text(self, index: int) -> VGroup:
        story = self.story
        parts = [f"epoch {story.epochs[index]} of {story.epochs[-1]}"] if has_history(self.run) else []
        if story.accuracy[index] is not None:
            parts.append(f"{fmt_percent(story.accuracy[index])} validation accuracy")
        text = " · ".join(parts) or " "
        return label(text, self.theme, LABEL, self.theme.muted).move_to([0, TRAIN_Y - TRAIN_TILE / 2 - 1.3, 0])

    def show_epoch(self, position: float) -> None:
        """Only one line of the epoch texts is drawn (all stay in the scene: nothing is swapped): a snapshot's at a
        whole ``position``, "epoch a → b" between two (the kernels drawn there are a blend of the two snapshots)."""
        count = len(self.story.epochs)
        nearest = int(round(position))
        index = nearest if abs(position - nearest) < 1e-6 else count + int(np.floor(position))
        for number, text in enumerate(self.epoch_texts):
            text.set_opacity(1.0 if number == index else 0.0)

    # --- beats -------------------------------------------------------------

    def show_question(self) -> None:
        story, run = self.story, self.run
        count, k = story.kernels.shape[1], story.size
        facts = f"{run.recipe} · {run.network.parameter_count:,} parameters"
        if story.accuracy[-1] is not None:
            facts += f" · {fmt_percent(story.accuracy[-1])} validation accuracy"
        self.title = title("What does the first layer learn?", facts, self.theme)
        start = 0 if has_history(run) else len(story.epochs) - 1
        self.heatmaps = [Heatmap(self.kernel_rgba(kernel), TRAIN_TILE) for kernel in story.kernels[start]]
        self.tiles = [outlined(heatmap, self.theme) for heatmap in self.heatmaps]
        self.numbers = [label(str(i + 1), self.theme, TEXT, self.theme.muted) for i in range(count)]
        for i, (tile, number) in enumerate(zip(self.tiles, self.numbers)):
            tile.move_to([(i - (count - 1) / 2) * TRAIN_PITCH, TRAIN_Y, 0])
            number.next_to(tile, DOWN, buff=0.12)
        self.legend = label(
            f"{k} × {k} weights each · blue positive, red negative, one scale (±{self.kernel_scale:.2f})",
            self.theme,
            LABEL,
            self.theme.muted,
        ).move_to([0, TRAIN_Y + TRAIN_TILE / 2 + 0.45, 0])
        between = (
            label(f"epoch {a} → {b}", self.theme, LABEL, self.theme.muted).move_to(self.epoch_text(0))
            for a, b in zip(story.epochs, story.epochs[1:])
        )
        self.epoch_texts = VGroup(*(self.epoch_text(i) for i in range(len(story.epochs))), *between)
        self.show_epoch(start)
        self.play(FadeIn(self.title, shift=0.2 * DOWN), run_time=self.t(0.8))
        if has_random_start(run):
            text = (
                f"What does a CNN's first layer learn? This one has {count} kernels of {by(k, k)} weights. At the "
                "random start they are small random numbers: faint noise."
            )
        else:
            text = (
                f"What does a CNN's first layer learn? This one has {count} kernels of {by(k, k)} weights; here they "
                "are as the run holds them."
            )
        self.telling(
            text,
            FadeIn(Group(*self.tiles), lag_ratio=0.15, run_time=2.0),
            FadeIn(VGroup(*self.numbers, self.legend, self.epoch_texts), run_time=1.0),
        )

    def play_training(self, start: float, end: float, run_time: float) -> Playback:
        """The kernels from snapshot position ``start`` to ``end``, blended between recorded snapshots."""
        keyframes = list(self.story.kernels)

        def update(t: float) -> None:
            position = start + t * (end - start)
            kernels = blend_keyframes(keyframes, position)
            for heatmap, kernel in zip(self.heatmaps, kernels):
                heatmap.show(self.kernel_rgba(kernel))
            self.show_epoch(position)

        return Playback(Group(*self.heatmaps, self.epoch_texts), update, run_time=run_time)

    def span(self, start: int, end: int) -> str:
        """Snapshots ``start`` to ``end`` in epochs: "the first epoch", "epochs 2 to 8"."""
        first, last = self.story.epochs[start], self.story.epochs[end]
        if last - first == 1:
            return "the first epoch" if first == 0 else f"epoch {last}"
        return f"epochs {first} to {last}"

    def first_epoch(self) -> None:
        story = self.story
        per_epoch = story.steps / np.diff(story.epochs)  # how far the kernels moved per epoch, snapshot to snapshot
        most = " the most" if per_epoch[0] >= per_epoch.max() else ""
        accuracy = ""
        if story.accuracy[0] is not None and story.accuracy[1] is not None:
            accuracy = (
                f", while validation accuracy climbs from {fmt_percent(story.accuracy[0])} "
                f"to {fmt_percent(story.accuracy[1])}"
            )
        self.telling(
            f"Training starts. In {self.span(0, 1)} the kernels change{most}{accuracy}.",
            self.play_training(0, 1, run_time=5.0),
        )

    def rest_of_training(self) -> None:
        story = self.story
        last = len(story.epochs) - 1
        if last >= 2:
            per_epoch = story.steps / np.diff(story.epochs)
            pace = (
                "each epoch less than the one before"
                if np.all(np.diff(per_epoch) < 0)
                else "more slowly than in the first"
            )
            self.telling(
                f"Over {self.span(1, last)} they keep changing, {pace}: at the end they move "
                f"{fmt_percent(per_epoch[-1] / per_epoch[0], 0)} as fast as at first.",
                self.play_training(1, last, run_time=6.0),
            )
        moved = story.moved
        self.moved_labels = VGroup(
            *(
                label(moved_text(value), self.theme, TEXT, self.theme.highlight).next_to(number, DOWN, buff=0.1)
                for value, number in zip(moved, self.numbers)
            )
        )
        far = [i for i, value in enumerate(moved) if value > 2]
        near = [i for i, value in enumerate(moved) if round(value, 1) < 1]
        parts = []
        if far:
            parts.append(f"kernel{'s' if len(far) > 1 else ''} {listed(far)} more than twice")
        if near:
            parts.append(f"kernel{'s' if len(near) > 1 else ''} {listed(near)} less than once")
        said = "; ".join(parts) if parts else f"from {moved.min():.1f} to {moved.max():.1f} times"
        self.telling(
            f"Under each kernel, how far it moved, in units of its starting size: {said}.",
            FadeIn(self.moved_labels, lag_ratio=0.1, run_time=1.5),
        )

    def to_top_row(self) -> list[Animation]:
        """The kernels, smaller, to the top row over the columns that the rest of the scene fills."""
        moves = []
        for i, (tile, number) in enumerate(zip(self.tiles, self.numbers)):
            target = tile.copy().scale(TOP_TILE / TRAIN_TILE).move_to([column_x(i), TOP_Y, 0])
            moves.append(tile.animate.scale(TOP_TILE / TRAIN_TILE).move_to(target))
            moves.append(number.animate.move_to([column_x(i), TOP_Y - TOP_TILE / 2 - 0.22, 0]))
        return moves

    def fit_one_edge(self) -> None:
        story = self.story
        best = int(np.argmax([fit.share for fit in story.fits]))
        fit, kernel = story.fits[best], story.kernels[-1][best]
        centred = kernel - kernel.mean()
        scale = symmetric_scale(centred)
        size = 1.55
        parts = [centred, fit.plane, centred - fit.plane]
        pictures = [outlined(Heatmap(diverging_rgba(part, scale, self.theme), size), self.theme) for part in parts]
        for picture, x in zip(pictures, (-3.8, 0.0, 3.8)):
            picture.move_to([x, -0.45, 0])
        signs = VGroup(label("=", self.theme, 40).move_to([-1.9, -0.45, 0]), label("+", self.theme, 40))
        signs[1].move_to([1.9, -0.45, 0])
        arrow = self.edge_arrow(fit.angle, pictures[1].get_center(), 0.6 * size)
        names = [
            f"kernel {best + 1} − its mean",
            f"tilted plane: {fmt_percent(fit.share, 0)}",
            f"rest: {fmt_percent(fit.residual, 0)}",
        ]
        texts = VGroup(
            *(
                label(name, self.theme, TEXT, self.theme.muted).next_to(picture, DOWN, buff=0.15)
                for name, picture in zip(names, pictures)
            )
        )
        high, low = side_words(fit.angle)
        leaving = [FadeOut(Group(self.legend, self.epoch_texts), run_time=0.6)]
        if has_history(self.run):
            leaving.append(FadeOut(self.moved_labels, run_time=0.6))
        self.telling(
            f"What does each kernel respond to? Fit a tilted plane to kernel {best + 1}'s {kernel.size} weights: "
            f"it explains {fmt_percent(fit.share, 0)} of their variation, and rises toward the {high}.",
            *leaving,
            AnimationGroup(*self.to_top_row(), run_time=1.5),
            FadeIn(Group(pictures[0], texts[0]), run_time=0.8),
            FadeIn(Group(signs[0], pictures[1], texts[1], arrow), run_time=0.8),
            FadeIn(Group(signs[1], pictures[2], texts[2]), run_time=0.8),
        )
        self.telling(
            f"So kernel {best + 1} is an edge: its sum is largest with ink at its {high} and paper at its {low}.",
            Wait(0.3),
            arrow.animate(run_time=1.0).set_color(self.theme.highlight).scale(1.2),
        )
        self.demo = Group(*pictures, signs, texts, arrow)

    def edge_arrow(self, angle: float, centre: np.ndarray, length: float) -> Arrow:
        direction = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle)), 0.0])
        return Arrow(
            centre - direction * length / 2,
            centre + direction * length / 2,
            buff=0,
            color=self.theme.text,
            stroke_width=5,
            max_tip_length_to_length_ratio=0.35,
        )

    def measure_every_kernel(self) -> None:
        story = self.story
        edges = list(story.edges)
        others = [i for i in range(len(story.fits)) if i not in edges]
        arrows, frames, shares = VGroup(), VGroup(), {}
        for i, fit in enumerate(story.fits):
            edge = fit.share >= EDGE_SHARE
            colour = self.theme.highlight if edge else self.theme.muted
            shares[i] = label(fmt_percent(fit.share, 0), self.theme, TEXT, colour)
            shares[i].move_to([column_x(i), TOP_Y - TOP_TILE / 2 - 1.35, 0])
            if edge:
                arrows.add(self.edge_arrow(fit.angle, [column_x(i), TOP_Y - TOP_TILE / 2 - 0.8, 0], 0.55))
                frame = Rectangle(width=TOP_TILE + 0.12, height=TOP_TILE + 0.12).set_stroke(self.theme.highlight, 3)
                frames.add(frame.move_to(self.tiles[i]))
        edge_marks = VGroup(arrows, *(shares[i] for i in edges))
        other_marks = VGroup(*(shares[i] for i in others))
        count, threshold = len(story.fits), fmt_percent(EDGE_SHARE, 0)
        if edges:
            many = len(edges) > 1
            first = (
                f"Measured the same way, {len(edges)} of the {count} kernels are edges: a plane explains at least "
                f"{threshold} of kernel{'s' if many else ''} {listed(edges)}, rising where the arrow points."
            )
        else:
            first = f"Measured the same way, none of the {count} kernels is an edge: no plane explains {threshold}."
        self.telling(first, FadeOut(self.demo, run_time=0.6), FadeIn(frames, run_time=0.8), FadeIn(edge_marks))
        row_names = VGroup(
            label("plane", self.theme, TEXT, self.theme.muted).move_to([LEFT_X, shares[0].get_y(), 0]),
            label("moved", self.theme, TEXT, self.theme.muted).move_to([LEFT_X, shares[0].get_y() - 0.5, 0]),
        )
        if others:
            worst = max(story.fits[i].share for i in others)
            self.telling(
                f"The other {len(others)} are not clean edge detectors: a plane explains at most "
                f"{fmt_percent(worst, 0)} of any of them.",
                FadeIn(row_names[0], run_time=0.4),
                FadeIn(other_marks, lag_ratio=0.15, run_time=1.6),
            )
        marks = VGroup(edge_marks, other_marks, row_names[0])
        if story.moved is not None:
            moved = VGroup(
                *(
                    label(moved_text(value), self.theme, TEXT, self.theme.muted).move_to(
                        [column_x(i), shares[0].get_y() - 0.5, 0]
                    )
                    for i, value in enumerate(story.moved)
                )
            )
            self.telling(self.kinds_sentence(), FadeIn(row_names[1], run_time=0.4), FadeIn(moved, lag_ratio=0.1))
            marks.add(row_names[1], moved)
        self.marks, self.frames = marks, frames

    def kinds(self) -> dict[str, list[int]]:
        """Each kernel's kind, from the two measures: an edge; moved farther than its start's size but no edge;
        or moved no farther (as shown, to one decimal): still near its random start."""
        story = self.story
        edges = list(story.edges)
        if story.moved is None:
            return {"edge": edges, "other": [i for i in range(len(story.fits)) if i not in edges], "start": []}
        near = [i for i in range(len(story.fits)) if i not in edges and round(story.moved[i], 1) <= 1.0]
        other = [i for i in range(len(story.fits)) if i not in edges and i not in near]
        return {"edge": edges, "other": other, "start": near}

    def kinds_sentence(self) -> str:
        kinds, parts = self.kinds(), []
        if kinds["other"]:
            many = len(kinds["other"]) > 1
            parts.append(
                f"kernel{'s' if many else ''} {listed(kinds['other'])} moved far, into {'patterns' if many else 'a pattern'} "
                "a plane does not fit"
            )
        if kinds["start"]:
            many = len(kinds["start"]) > 1
            parts.append(
                f"kernel{'s' if many else ''} {listed(kinds['start'])} moved at most {'their' if many else 'its'} "
                "own starting size"
            )
        return (
            ("; ".join(parts) + ".")[0].upper() + ("; ".join(parts) + ".")[1:] if parts else "Every kernel moved far."
        )

    def show_maps(self) -> None:
        story = self.story
        scale = symmetric_scale(story.maps)
        tile = 1.0
        rows = Group()
        for n, (digit, maps) in enumerate(zip(story.digits, story.maps)):
            y = 0.45 - 1.12 * n
            row = Group(outlined(Heatmap(grey_rgba(story.images[digit]), tile), self.theme).move_to([LEFT_X, y, 0]))
            for i, values in enumerate(maps):
                row.add(Heatmap(diverging_rgba(values, scale, self.theme), tile).move_to([column_x(i), y, 0]))
            rows.add(row)
        names = (
            ", ".join(f"a {story.labels[d]}" for d in story.digits[:-1]) + f" and a {story.labels[story.digits[-1]]}"
        )
        rows_, cols_ = story.maps.shape[-2:]
        self.telling(
            f"Each kernel's {by(rows_, cols_)} feature map of three validation digits, {names}: blue where a "
            "patch looks like the kernel, red where it looks like its opposite.",
            FadeOut(self.marks, run_time=0.6),
            *(FadeIn(row, lag_ratio=0.08, run_time=1.6) for row in rows),
        )
        self.maps = rows

    def show_strongest(self) -> None:
        story = self.story
        k = story.size
        tile, patch_tile = 1.15, 0.95
        digits, patches, names = Group(), Group(), VGroup()
        for place in story.places:
            x = column_x(place.kernel)
            image = story.images[place.digit]
            picture = outlined(Heatmap(grey_rgba(image), tile), self.theme).move_to([x, 0.3, 0])
            pixel = tile / image.shape[0]
            box = Rectangle(width=k * pixel, height=k * pixel).set_stroke(self.theme.highlight, 2)
            corner = picture.get_corner(UP + [-1, 0, 0])
            box.move_to(corner + pixel * np.array([place.column + k / 2, -(place.row + k / 2), 0]))
            digits.add(Group(picture, box))
            names.add(
                label(f"a {story.labels[place.digit]}", self.theme, TEXT, self.theme.muted).next_to(
                    picture, DOWN, buff=0.1
                )
            )
            patches.add(outlined(Heatmap(grey_rgba(story.patch(place)), patch_tile), self.theme).move_to([x, -1.75, 0]))
        row_names = VGroup(
            label("top\ndigit", self.theme, TEXT, self.theme.muted).move_to([LEFT_X, 0.3, 0]),
            label("its\npatch", self.theme, TEXT, self.theme.muted).move_to([LEFT_X, -1.75, 0]),
        )
        count = len(story.images)
        self.telling(
            f"Over all {count} validation digits, where does each kernel respond most? The boxed {by(k, k)} patch "
            "drives it highest; below, that patch enlarged.",
            FadeOut(self.maps, run_time=0.6),
            FadeIn(row_names[0], run_time=0.4),
            FadeIn(Group(digits, names), lag_ratio=0.1, run_time=1.6),
            FadeIn(row_names[1], run_time=0.4),
            FadeIn(patches, lag_ratio=0.1, run_time=1.6),
        )
        shares = [story.ink_on_positive(place) for place in story.places]
        covers = [float(np.mean(story.kernels[-1][place.kernel] > 0)) for place in story.places]
        ink = VGroup(
            *(
                label(fmt_percent(share, 0), self.theme, TEXT, self.theme.highlight).next_to(patch, DOWN, buff=0.1)
                for share, patch in zip(shares, patches)
            )
        )
        self.telling(
            f"In each patch, {fmt_percent(min(shares), 0)} to {fmt_percent(max(shares), 0)} of the ink lies on the "
            f"kernel's blue weights, which cover {fmt_percent(min(covers), 0)} to {fmt_percent(max(covers), 0)} "
            "of its window.",
            FadeIn(ink, lag_ratio=0.1, run_time=1.5),
        )
        self.strongest = Group(digits, names, patches, row_names, ink)

    def compare_mlp(self) -> None:
        story, mlp = self.story, self.mlp
        k = story.size
        side = story.images.shape[-1]
        tile, cnn_y, mlp_y = 1.3, 1.0, -1.05
        pixel = tile / side
        frames, moves = VGroup(), []
        for i, (place, kernel_tile, number) in enumerate(zip(story.places, self.tiles, self.numbers)):
            frame = Rectangle(width=tile, height=tile).set_stroke(self.theme.muted, 1).move_to([column_x(i), cnn_y, 0])
            frames.add(frame)
            spot = frame.get_corner(UP + [-1, 0, 0]) + pixel * np.array([place.column + k / 2, -(place.row + k / 2), 0])
            moves.append(kernel_tile.animate.scale(k * pixel / kernel_tile.height).move_to(spot))
            moves.append(number.animate.move_to([column_x(i), cnn_y + tile / 2 + 0.25, 0]))
        weights = story.mlp_images
        scale = symmetric_scale(weights)
        images, boxes, shares = Group(), VGroup(), VGroup()
        for i, (image, window) in enumerate(zip(weights, story.mlp_windows)):
            picture = Heatmap(diverging_rgba(image, scale, self.theme), tile).move_to([column_x(i), mlp_y, 0])
            images.add(picture)
            box = Rectangle(width=k * pixel, height=k * pixel).set_stroke(self.theme.highlight, 2)
            corner = picture.get_corner(UP + [-1, 0, 0])
            boxes.add(box.move_to(corner + pixel * np.array([window.column + k / 2, -(window.row + k / 2), 0])))
            shares.add(
                label(fmt_percent(window.share, 0), self.theme, TEXT, self.theme.highlight).next_to(
                    picture, DOWN, buff=0.12
                )
            )
        self.kernel_frames, self.pixel = frames, pixel
        self.run_names = VGroup(
            label("CNN", self.theme, TEXT, self.theme.muted).move_to([LEFT_X, cnn_y, 0]),
            label("MLP", self.theme, TEXT, self.theme.muted).move_to([LEFT_X, mlp_y, 0]),
        )
        units, inputs = weights.shape[0], weights[0].size
        whole = VGroup(  # a kernel's own best window is all of it
            *(label("100%", self.theme, TEXT, self.theme.muted).next_to(frame, DOWN, buff=0.12) for frame in frames)
        )
        self.telling(
            f"Set against them, an MLP on the same digits with about the same budget: "
            f"{mlp.network.parameter_count:,} parameters to this CNN's {self.run.network.parameter_count:,}.",
            FadeOut(Group(self.strongest, self.frames), run_time=0.6),
            FadeIn(frames, run_time=0.5),
            AnimationGroup(*moves, run_time=2.0),
            FadeIn(self.run_names[0], run_time=0.5),
        )
        self.telling(
            f"Drawn at one scale, each kernel where it fired most, a kernel covers {k * k} pixels; each of the MLP's "
            f"{units} hidden units weighs all {inputs}.",
            FadeIn(self.run_names[1], run_time=0.5),
            FadeIn(images, lag_ratio=0.1, run_time=2.0),
        )
        values = sorted(window.share for window in story.mlp_windows)
        median = float(np.median(values))
        self.mlp_row = Group(images, boxes, shares, self.run_names[1])
        self.telling(
            f"The best {by(k, k)} window of a unit's weights holds only {fmt_percent(values[0], 0)} to "
            f"{fmt_percent(values[-1], 0)} of their energy, {fmt_percent(median, 0)} for the median unit: "
            "diffuse templates over the whole digit.",
            FadeIn(boxes, lag_ratio=0.1, run_time=1.2),
            FadeIn(shares, lag_ratio=0.1, run_time=1.2),
        )
        self.telling(
            f"A kernel's {by(k, k)} window holds all of it by construction: it can only be local. The MLP was free "
            "to look anywhere, and spread its weights over the whole digit.",
            AnimationGroup(  # each kernel's outline on its own: a group would swell about its centre, flying outward
                *(Indicate(tile[1], color=self.theme.highlight, scale_factor=1.6) for tile in self.tiles), run_time=1.2
            ),
            FadeIn(whole, lag_ratio=0.1, run_time=1.2),
        )
        self.whole = whole

    def sweep_kernels(self, run_time: float) -> Playback:
        """Every kernel glides to its frame's top-left corner, then slides over every position, row after row, back
        and forth (no jump at a row's end)."""
        story, pixel, k = self.story, self.pixel, self.story.size
        rows, cols = story.maps.shape[-2:]
        corners = [frame.get_corner(UP + [-1, 0, 0]) for frame in self.kernel_frames]
        starts = [tile.get_center() for tile in self.tiles]
        lead = 0.12  # the share of the time spent gliding to the first position

        def spot(corner: np.ndarray, row: int, column: int) -> np.ndarray:
            return corner + pixel * np.array([column + k / 2, -(row + k / 2), 0])

        def update(t: float) -> None:
            if t < lead:
                for tile, corner, start in zip(self.tiles, corners, starts):
                    tile.move_to(start + (t / lead) * (spot(corner, 0, 0) - start))
                return
            step = min(int((t - lead) / (1 - lead) * rows * cols), rows * cols - 1)
            row, column = divmod(step, cols)
            column = column if row % 2 == 0 else cols - 1 - column  # back and forth: no jump at a row's end
            for tile, corner in zip(self.tiles, corners):
                tile.move_to(spot(corner, row, column))

        return Playback(Group(*self.tiles), update, run_time=run_time)

    def verdict(self) -> None:
        story = self.story
        positions = int(np.prod(story.maps.shape[-2:]))
        self.telling(
            f"And each kernel is one set of {story.size * story.size} weights, used at all {positions} positions of "
            "the image: one pattern, looked for everywhere.",
            self.sweep_kernels(run_time=6.0),
        )
        # The answer, on the kernels themselves: each one's kind, measured above.
        kinds = self.kinds()
        names = {"edge": "edge", "other": "other", "start": "near\nstart"}
        summary, words = Group(), VGroup()
        for i, kernel in enumerate(story.kernels[-1]):
            tile = outlined(Heatmap(self.kernel_rgba(kernel), TOP_TILE), self.theme).move_to([column_x(i), 1.0, 0])
            kind = next(name for name, members in kinds.items() if i in members)
            colour = self.theme.highlight if kind == "edge" else self.theme.muted
            words.add(label(names[kind], self.theme, TEXT, colour).next_to(tile, DOWN, buff=0.15))
            if kind == "edge":
                words.add(self.edge_arrow(story.fits[i].angle, words[-1].get_center() + [0, -0.45, 0], 0.45))
            summary.add(tile)
        edges, others, near = kinds["edge"], kinds["other"], kinds["start"]
        said = f"So this first layer learned {len(edges)} edge{'s' if len(edges) != 1 else ''}"
        said += f" (kernel{'s' if len(edges) > 1 else ''} {listed(edges)})" if edges else ""
        if others:
            said += f" and {len(others)} other pattern{'s' if len(others) != 1 else ''} ({listed(others)})"
        if near:
            said += f"; kernel{'s' if len(near) > 1 else ''} {listed(near)} stay{'' if len(near) > 1 else 's'} near the start"
        self.telling(
            said + ".",
            FadeOut(Group(self.kernel_frames, *self.tiles, self.whole, self.mlp_row), run_time=0.8),
            FadeIn(summary, lag_ratio=0.1, run_time=1.2),
            FadeIn(words, lag_ratio=0.05, run_time=1.2),
        )
