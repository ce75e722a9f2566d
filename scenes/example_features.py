"""An example of your own scene, built only from nnexplain's public API.

What does each first-layer neuron of a trained MNIST network look for? Its 784
incoming weights, laid out as a 28×28 image. Render it with plain manim:

    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/example_features.py FirstLayerFeatures

Without ``NNEXPLAIN_RUN`` it draws the cached default ``mnist`` run (``default_recipe``),
trained once: :class:`~nnexplain.app.standalone.FromEnvironment` finds the run when
manim constructs the scene itself.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, UP, FadeIn, LaggedStart, VGroup

from nnexplain.app.standalone import FromEnvironment
from nnexplain.mobjects import PixelImage, label
from nnexplain.scenes import RunScene


class FirstLayerFeatures(FromEnvironment, RunScene):
    """What each first-layer neuron of an MNIST network looks for."""

    default_recipe = "mnist"

    def construct(self) -> None:  # a storyboard of beats; each narrates while its picture moves
        self.beat("title")
        title = label("What each first-layer neuron looks for", self.theme, 32).to_edge(UP, buff=0.3)
        note = label(
            "its 784 incoming weights as a 28×28 image: bright = strongly positive, black = zero or negative",
            self.theme,
            16,
            self.theme.muted,
        ).next_to(title, DOWN, buff=0.15)
        with self.narrate("What does each neuron of the first layer look for?") as line:
            self.play(FadeIn(title), FadeIn(note), run_time=line.duration)

        self.beat("features")
        weights, _ = self.run.params()[0]  # (hidden, 784)
        tiles = VGroup(*(self.feature_tile(row, index) for index, row in enumerate(weights))).arrange_in_grid(
            cols=8, buff=0.3
        )
        tiles.move_to(0.6 * DOWN)
        with self.narrate(f"Here are the {len(weights)} neurons' weights, each as a picture.") as line:
            self.play(LaggedStart(*(FadeIn(tile) for tile in tiles), lag_ratio=0.08), run_time=line.duration)

    def feature_tile(self, weights: np.ndarray, index: int) -> VGroup:
        image = PixelImage(np.clip(weights / np.abs(weights).max(), 0, 1).reshape(28, 28), pixel_size=0.05)
        return VGroup(
            image, label(f"neuron {index + 1}", self.theme, 14, self.theme.muted).next_to(image, DOWN, buff=0.08)
        )
