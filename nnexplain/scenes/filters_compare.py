"""The filters scene's last beats: the kernels set against an MLP's first-layer weights, then the answer.

A mixin of :class:`~nnexplain.scenes.filters.Filters`. Both networks are drawn at one pixel scale: each kernel in a
28 × 28 frame where it fired most, each MLP unit's 784 weights as an image, with the share of its energy in its best
window of the kernel's size beside what an even spread would hold (window pixels / all pixels). Each run's own
validation accuracy is on its row; one training run of each, said so.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, AnimationGroup, FadeIn, FadeOut, Group, Indicate, Rectangle, VGroup

from nnexplain.geometry.filters import kinds, moved_little, noise_share
from nnexplain.mobjects.feature_maps import symmetric_scale
from nnexplain.mobjects.heatmap import Heatmap, Playback, diverging_rgba
from nnexplain.mobjects.style import fmt_percent, label
from nnexplain.scenes.base.run_facts import has_random_start
from nnexplain.scenes.convolution_text import by, outlined
from nnexplain.scenes.filters_layout import LEFT_X, TEXT, TOP_TILE, column_x
from nnexplain.scenes.filters_measure import kernels_word, listed

__all__ = ["CompareBeats", "KIND_WORDS"]

KIND_WORDS = {
    "edge": "edge",
    "borderline": "nearly\nedge",
    "bar": "bar",
    "other": "other",
}


def accuracy_text(value: float | None) -> str:
    return "" if value is None else f"\n{fmt_percent(value)}"


class CompareBeats:
    def compare_mlp(self) -> None:
        story, mlp = self.story, self.mlp
        k = story.size
        side = story.images.shape[-1]
        tile, cnn_y, mlp_y = 1.3, 0.8, -1.2
        pixel = tile / side
        frames, moves, numbers = VGroup(), [], VGroup()
        for i, (place, kernel_tile) in enumerate(zip(story.places, self.tiles)):
            frame = Rectangle(width=tile, height=tile).set_stroke(self.theme.muted, 1).move_to([column_x(i), cnn_y, 0])
            frames.add(frame)
            spot = frame.get_corner(UP + [-1, 0, 0]) + pixel * np.array([place.column + k / 2, -(place.row + k / 2), 0])
            moves.append(kernel_tile.animate.scale(k * pixel / kernel_tile.height).move_to(spot))
            numbers.add(label(str(i + 1), self.theme, TEXT, self.theme.muted).move_to([column_x(i), cnn_y + 0.9, 0]))
        weights = story.mlp_images
        scale = symmetric_scale(weights)
        images, boxes, shares = Group(), VGroup(), VGroup()
        for i, (image, window) in enumerate(zip(weights, story.mlp_windows)):
            picture = Heatmap(diverging_rgba(image, scale, self.theme), tile).move_to([column_x(i), mlp_y, 0])
            images.add(picture)
            box = Rectangle(width=k * pixel, height=k * pixel).set_stroke(self.theme.text, 3)
            corner = picture.get_corner(UP + [-1, 0, 0])
            boxes.add(box.move_to(corner + pixel * np.array([window.column + k / 2, -(window.row + k / 2), 0])))
            shares.add(label(fmt_percent(window.share, 0), self.theme, TEXT, self.theme.text))
            shares[-1].next_to(picture, DOWN, buff=0.12)
        self.kernel_frames = frames
        image_frames = VGroup(  # each unit's 784 inputs: the whole 28 × 28 frame, outlined (the weights stay visible)
            *(Rectangle(width=tile, height=tile).set_stroke(self.theme.muted, 1).move_to(image) for image in images)
        )
        cnn_name = label("CNN" + accuracy_text(story.accuracy[-1]), self.theme, TEXT, self.theme.muted)
        mlp_name = label("MLP" + accuracy_text(story.mlp_accuracy), self.theme, TEXT, self.theme.muted)
        cnn_name.move_to([LEFT_X, cnn_y, 0])
        mlp_name.move_to([LEFT_X, mlp_y, 0])
        data = self.run.dataset
        same = (
            f"the same {data['train']:,} training digits" if story.same_data and data.get("train") else "the same data"
        )
        spot = label("each kernel at its top-response place", self.theme, TEXT, self.theme.muted)
        spot.move_to([column_x(3.5), cnn_y + 1.4, 0])
        self.telling(
            f"Against them: an MLP on {same}, of about the same size.",
            FadeOut(Group(self.strongest, *self.numbers), run_time=0.6),
            FadeIn(frames, run_time=0.5),
            AnimationGroup(*moves, run_time=1.6),
            FadeIn(Group(numbers, spot), run_time=0.5),
        )
        self.numbers = list(numbers)

        inputs = weights[0].size
        self.telling(
            f"{mlp.network.parameter_count:,} parameters to the CNN's {self.run.network.parameter_count:,}; "
            "one training run of each.",
            FadeIn(Group(images, mlp_name), lag_ratio=0.1, run_time=1.6),
            FadeIn(cnn_name, run_time=0.5),
        )
        if story.mlp_accuracy is not None and story.accuracy[-1] is not None:
            self.telling(
                f"On validation digits the MLP gets {fmt_percent(story.mlp_accuracy)} right, "
                f"the CNN {fmt_percent(story.accuracy[-1])}.",
                Indicate(mlp_name[3:], color=self.theme.text, run_time=0.8),
                Indicate(cnn_name[3:], color=self.theme.text, run_time=0.8),
            )
        windows = Group(  # each kernel itself, its weights in their colours, sliding over its whole frame
            *(
                Group(
                    Heatmap(self.kernel_rgba(kernel), k * pixel),
                    Rectangle(width=k * pixel, height=k * pixel).set_stroke(self.theme.text, 2),
                )
                for kernel in story.kernels[-1]
            )
        )
        positions = [(r, c) for r in range(0, side - k + 1, 2) for c in range(0, side - k + 1, 2)]

        def sweep(t: float) -> None:  # every other position, row by row: the same weights at every place
            r, c = positions[min(int(t * len(positions)), len(positions) - 1)]
            for window, frame in zip(windows, frames):
                corner = frame.get_corner(UP + [-1, 0, 0])
                window.move_to(corner + pixel * np.array([c + k / 2, -(r + k / 2), 0]))

        sweep(0.0)
        self.telling(
            f"Each kernel's output sees {k * k} pixels, the same kernel at every place;",
            FadeIn(windows, run_time=0.3),
            Playback(windows, sweep, run_time=2.5),
            FadeOut(windows, run_time=0.3),
        )
        self.telling(f"each of the MLP's {len(weights)} units sees all {inputs}.", FadeIn(image_frames, run_time=0.6))
        values = sorted(window.share for window in story.mlp_windows)
        self.telling(
            f"The best {by(k, k)} window of a unit holds only {fmt_percent(values[0], 0)} to "
            f"{fmt_percent(values[-1], 0)} of its squared weights.",
            FadeIn(boxes, lag_ratio=0.1, run_time=1.2),
            FadeIn(shares, lag_ratio=0.1, run_time=1.2),
        )
        even = label(f"even: {fmt_percent(story.uniform_share, 0)}", self.theme, TEXT, self.theme.muted)
        even.move_to([LEFT_X, shares[0].get_y() + 0.3, 0])  # its own line, under the MLP's name
        self.telling(
            f"Spread evenly it would hold {fmt_percent(story.uniform_share, 0)}: partly local, but far less than a kernel.",
            FadeIn(even, run_time=0.6),
            AnimationGroup(
                *(Indicate(share, color=self.theme.text, scale_factor=1.3) for share in shares), run_time=1.0
            ),
        )
        whole = VGroup(
            *(label("100%", self.theme, TEXT, self.theme.text).next_to(frame, DOWN, buff=0.12) for frame in frames)
        )
        self.telling(
            f"A kernel's {by(k, k)} window holds all of it, by construction: it can only look locally.",
            FadeIn(whole, lag_ratio=0.1, run_time=1.2),
        )
        self.compared = Group(
            frames, *self.tiles, numbers, whole, images, image_frames, boxes, shares, cnn_name, mlp_name, spot
        )
        self.compared.add(even)
        self.median_unit = int(np.argsort([w.share for w in story.mlp_windows])[len(values) // 2])
        self.mlp_scale = scale

    def verdict(self) -> None:
        story = self.story
        kind = kinds(story)
        summary, words = Group(), VGroup()
        for i, kernel in enumerate(story.kernels[-1]):
            tile = outlined(Heatmap(self.kernel_rgba(kernel), TOP_TILE), self.theme).move_to([column_x(i), 1.25, 0])
            number = label(str(i + 1), self.theme, TEXT, self.theme.muted).next_to(tile, UP, buff=0.1)
            colour = self.theme.highlight if kind[i] == "edge" else self.theme.text
            word = KIND_WORDS[kind[i]]
            if kind[i] == "borderline":  # its plane share kept with it: "nearly" is a number here
                word += f"\n{fmt_percent(story.fits[i].share, 0)}"
            words.add(label(word, self.theme, TEXT, colour).next_to(tile, DOWN, buff=0.15))
            if kind[i] == "edge":
                words.add(self.edge_arrow(story.fits[i].angle, words[-1].get_center() + [0, -0.45, 0], 0.45, colour))
            summary.add(tile, number)
        groups = {name: [i for i, value in enumerate(kind) if value == name] for name in KIND_WORDS}
        learned = [
            f"{len(groups[name])} {name}{'s' if len(groups[name]) > 1 else ''} ({listed(groups[name])})"
            for name in ("edge", "bar")
            if groups[name]
        ]
        said = (
            "This first layer learned " + " and ".join(learned) + "."
            if learned
            else "This first layer learned no clear edge or bar."
        )
        self.play(FadeOut(self.compared), run_time=self.t(0.6))  # gone before the summary comes: nothing stacks
        self.play(FadeIn(summary, lag_ratio=0.1), run_time=self.t(0.8))
        self.telling(said, FadeIn(words, lag_ratio=0.05, run_time=1.2))
        if groups["bar"] and self.bars_began_at_start(groups["bar"]):
            bar_words = VGroup(*(words[self.word_index(kind, i)] for i in groups["bar"]))
            self.telling(
                "The bars deepened bands that its random start already had.",
                Indicate(bar_words, color=self.theme.text, run_time=0.8),
            )
        rest = []
        if groups["borderline"]:
            rest.append(
                f"{kernels_word(groups['borderline']).capitalize()} {'is nearly an edge' if len(groups['borderline']) == 1 else 'are nearly edges'}"
            )
        if groups["other"]:
            rest.append(
                f"{kernels_word(groups['other'])} {'fits' if len(groups['other']) == 1 else 'fit'} neither shape"
            )
        if rest:
            text = "; ".join(rest) + "."
            self.telling(
                text[0].upper() + text[1:],
                *(
                    Indicate(words[self.word_index(kind, i)], color=self.theme.text, run_time=0.8)
                    for i in groups["borderline"] + groups["other"]
                ),
            )
        little = moved_little(story)
        if little:
            many = len(little) > 1
            how_far = VGroup(
                label("moved", self.theme, TEXT, self.theme.muted).move_to([LEFT_X, -0.72, 0]),
                *(  # all eight: the ones named bright, the others dim
                    label(
                        f"{value:.1f}×", self.theme, TEXT, self.theme.text if i in little else self.theme.muted
                    ).move_to([column_x(i), -0.72, 0])
                    for i, value in enumerate(story.moved)
                ),
            )
            self.telling(
                f"{kernels_word(list(little)).capitalize()} moved at most {'their' if many else 'its'} own starting size, "
                "less than the others.",
                FadeIn(how_far, lag_ratio=0.1, run_time=0.8),
                *(Indicate(summary[2 * i][1], color=self.theme.text, scale_factor=1.3, run_time=0.8) for i in little),
            )
        unit = self.median_unit
        image = Heatmap(diverging_rgba(story.mlp_images[unit], self.mlp_scale, self.theme), 1.2)
        image.move_to([column_x(0), -1.72, 0])  # under the moved row
        mlp_words = label(
            f"an MLP unit: weights over the whole digit\n({fmt_percent(story.mlp_windows[unit].share, 0)} in its best "
            f"{by(story.size, story.size)}, a typical unit)",
            self.theme,
            TEXT,
            self.theme.muted,
        ).next_to(image, RIGHT, buff=0.3)
        self.telling(
            "The MLP, free to look anywhere, spread its first layer over the whole digit.",
            FadeIn(Group(image, mlp_words), run_time=1.0),
        )
        self.telling("One training run of each: another seed could split the kernels differently.")

    def bars_began_at_start(self, bars: list[int]) -> bool:
        """Every bar's curved fit at the random start already bent the same way, by more than noise's on average."""
        story, k = self.story, self.story.size
        if story.start_curved is None or not has_random_start(self.run):
            return False
        noise = noise_share(k, 5) - noise_share(k, 2)
        return all(self.same_band(i) and story.start_curved[i].share - story.start_fits[i].share > noise for i in bars)

    @staticmethod
    def word_index(kind: tuple[str, ...], i: int) -> int:
        """Where kernel ``i``'s word sits among the summary's words (edges carry an arrow after their word)."""
        return sum(2 if value == "edge" else 1 for value in kind[:i])
