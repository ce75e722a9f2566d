"""Signed values as images: weight images, neuron maps, decision regions.

One diverging colour map everywhere: the theme's ``negative`` hue below zero, its
``positive`` hue above, the background colour (dark) at zero, brightness linear
in |value| / scale and saturated beyond the scale. A :class:`Heatmap` is one
``ImageMobject`` whatever its size, so a frame draws it in one go, and
:meth:`Heatmap.show` changes its values in place (no new mobject per frame).

:class:`Playback` drives anything through time: each frame it calls a function
with the animation's progress, so one animation can move heatmaps, counters and
curves together without copying them::

    self.play(Playback(group, lambda t: heatmap.show(blend(keyframes, t)), run_time=8))
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RESAMPLING_ALGORITHMS,
    RIGHT,
    UP,
    Animation,
    Group,
    ImageMobject,
    ManimColor,
    Mobject,
    Rectangle,
)

from nnexplain.mobjects.style import Theme, label

__all__ = [
    "diverging_rgba",
    "grey_rgba",
    "mosaic_rgba",
    "two_class_rgba",
    "Heatmap",
    "Playback",
    "ColourBar",
    "blend_keyframes",
]


def _rgb(colour: str) -> np.ndarray:
    return np.array(ManimColor(colour).to_rgb())


def diverging_rgba(values: np.ndarray, scale: float, theme: Theme) -> np.ndarray:
    """(rows, cols, 4) uint8 colours of ``values``: negative hue, dark zero, positive hue; saturated beyond ±scale."""
    v = np.clip(np.asarray(values, np.float64) / scale, -1.0, 1.0)[..., None]
    background, positive, negative = _rgb(theme.background), _rgb(theme.positive), _rgb(theme.negative)
    # hue − background for each sign: the same two differences a pixel's hue would give, taken once
    towards = np.where(v >= 0, positive - background, negative - background)
    return _to_bytes(background + np.abs(v) * towards)


def grey_rgba(values: np.ndarray) -> np.ndarray:
    """An image's own grey levels (values in [0, 1], 1 white) as colours."""
    v = np.clip(np.asarray(values, np.float64), 0.0, 1.0)[..., None]
    return _to_bytes(np.repeat(v, 3, axis=-1))


def mosaic_rgba(images: np.ndarray, borders: list[str], theme: Theme, cols: int, border: int = 2) -> np.ndarray:
    """Grey images side by side, ``cols`` a row, each framed ``border`` pixels wide in its colour."""
    count, rows, width = images.shape
    grid_rows = -(-count // cols)
    tile_h, tile_w = rows + 2 * border, width + 2 * border
    canvas = np.zeros((grid_rows * tile_h, cols * tile_w, 3))
    canvas[...] = _rgb(theme.background)
    for index, (image, colour) in enumerate(zip(images, borders)):
        top, left = (index // cols) * tile_h, (index % cols) * tile_w
        canvas[top : top + tile_h, left : left + tile_w] = _rgb(colour)
        canvas[top + border : top + border + rows, left + border : left + border + width] = np.clip(image, 0, 1)[
            ..., None
        ]
    return _to_bytes(canvas)


def two_class_rgba(probability: np.ndarray, theme: Theme, strength: float = 0.45) -> np.ndarray:
    """Decision regions: toward class 0's colour or class 1's (the theme's palette), by how sure the network is."""
    p = np.asarray(probability, np.float64)[..., None]
    background = _rgb(theme.background)
    target = (1 - p) * _rgb(theme.palette[0]) + p * _rgb(theme.palette[1])
    confidence = np.abs(2 * p - 1) ** 0.5
    return _to_bytes(background + strength * confidence * (target - background))


def _to_bytes(rgb: np.ndarray) -> np.ndarray:
    """Colours in [0, 1] (clipped) as opaque RGBA bytes, each channel rounded to the nearest of 0 … 255."""
    rgba = np.empty(rgb.shape[:-1] + (4,), np.uint8)
    rgba[..., :3] = np.round(255 * np.clip(rgb, 0, 1))  # whole numbers already: the cast keeps them
    rgba[..., 3] = 255
    return rgba


class Heatmap(ImageMobject):
    """An image of ``rgba`` (rows, cols, 4) shown ``height`` tall; ``smooth`` blends pixels, else they stay square."""

    def __init__(self, rgba: np.ndarray, height: float, smooth: bool = False, **kwargs):
        super().__init__(np.asarray(rgba, np.uint8), **kwargs)
        self.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear" if smooth else "nearest"])
        self.scale_to_fit_height(height)

    def show(self, rgba: np.ndarray) -> "Heatmap":
        """Replace the colours in place (same shape): cheap enough for every frame."""
        self.pixel_array[...] = rgba
        self.orig_alpha_pixel_array = self.pixel_array[:, :, 3].copy()
        return self


def blend_keyframes(keyframes: Sequence[np.ndarray], position: float) -> np.ndarray:
    """Values at ``position`` ∈ [0, len − 1] along the keyframes: exact at whole numbers, linear between."""
    last = len(keyframes) - 1
    position = float(np.clip(position, 0, last))
    index = min(int(position), max(last - 1, 0))
    fraction = position - index
    if last == 0 or fraction == 0:
        return keyframes[index]
    return (1 - fraction) * keyframes[index] + fraction * keyframes[index + 1]


class Playback(Animation):
    """Calls ``update(t)`` each frame with t from 0 to 1 (after ``rate_func``); ``mobject`` is what it redraws."""

    def __init__(self, mobject: Mobject, update: Callable[[float], None], **kwargs):
        self.update_function = update
        super().__init__(mobject, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # update() says where everything is; no copy is needed

    def interpolate_mobject(self, alpha: float) -> None:
        self.update_function(self.rate_func(alpha))


class ColourBar(Group):
    """The legend of :func:`diverging_rgba`: a horizontal bar from −scale to +scale with its numbers."""

    def __init__(
        self,
        scale: float,
        theme: Theme,
        width: float = 2.4,
        height: float = 0.18,
        text: str = "",
        size: float = 16,
        digits: int = 2,
    ):
        super().__init__()
        values = np.linspace(-scale, scale, 64)[None, :]
        self.bar = Heatmap(diverging_rgba(values, scale, theme), height, smooth=True)
        self.bar.stretch_to_fit_width(width)
        outline = Rectangle(width=width, height=height).set_stroke(theme.muted, 1).move_to(self.bar)
        low = label(f"−{scale:.{digits}f}", theme, size, theme.muted).next_to(self.bar, LEFT, buff=0.1)
        high = label(f"+{scale:.{digits}f}", theme, size, theme.muted).next_to(self.bar, RIGHT, buff=0.1)
        zero = label("0", theme, size, theme.muted).next_to(self.bar, DOWN, buff=0.06)
        self.add(self.bar, outline, low, high, zero)
        if text:
            self.add(label(text, theme, size, theme.muted).next_to(self.bar, UP, buff=0.1))
