"""The colour maps' bytes against the plain formulas, written out here as they read in the docstrings: the
hue per pixel, the alpha channel concatenated, everything rounded together. Equal byte for byte: the frames of
every scene drawing a map depend on it."""

from __future__ import annotations

import numpy as np
import pytest
from manim import ManimColor

from nnexplain.mobjects.heatmap import diverging_rgba, grey_rgba, two_class_rgba
from nnexplain.mobjects.neuron_maps import probability_rgba, regions_rgba
from nnexplain.mobjects.style import Theme


def _rgb(colour: str) -> np.ndarray:
    return np.array(ManimColor(colour).to_rgb())


def _bytes(rgb: np.ndarray) -> np.ndarray:
    rgba = np.concatenate([rgb, np.ones(rgb.shape[:-1] + (1,))], axis=-1)
    return np.round(255 * np.clip(rgba, 0, 1)).astype(np.uint8)


def _diverging(values: np.ndarray, scale: float, theme: Theme) -> np.ndarray:
    v = np.clip(values / scale, -1.0, 1.0)[..., None]
    hue = np.where(v >= 0, _rgb(theme.positive), _rgb(theme.negative))
    background = _rgb(theme.background)
    return _bytes(background + np.abs(v) * (hue - background))


@pytest.fixture(scope="module")
def values() -> np.ndarray:
    generator = np.random.default_rng(7)
    found = generator.normal(0, 1.5, (5, 33, 31))
    found[0, 0, :6] = [0.0, -0.0, 1.0, -1.0, 1e-12, -1e-12]  # the zero, the scale, and either side of zero
    return found


@pytest.mark.parametrize("scale", [1.0, 0.37, 2.5])
def test_diverging_bytes_match_the_formula(values, scale):
    theme = Theme()
    np.testing.assert_array_equal(diverging_rgba(values, scale, theme), _diverging(values, scale, theme))
    np.testing.assert_array_equal(diverging_rgba(values[0], scale, theme), _diverging(values[0], scale, theme))


def test_the_other_maps_round_their_bytes_as_the_formula_does(values):
    theme = Theme()
    p = 1 / (1 + np.exp(-values[1]))
    background = _rgb(theme.background)
    colour = _rgb(theme.palette[0])
    np.testing.assert_array_equal(probability_rgba(p, theme.palette[0], theme), _bytes(
        background + p[..., None] * (colour - background)))  # fmt: skip
    grey = np.clip(values[2], 0, 1)[..., None]
    np.testing.assert_array_equal(grey_rgba(values[2]), _bytes(np.repeat(grey, 3, axis=-1)))
    q = p[..., None]
    target = np.where(q >= 0.5, _rgb(theme.palette[1]), _rgb(theme.palette[0]))
    sure = 0.3 + 0.7 * np.abs(2 * q - 1) ** 0.5
    np.testing.assert_array_equal(regions_rgba(p, theme), _bytes(background + 0.5 * sure * (target - background)))
    mixed = (1 - q) * _rgb(theme.palette[0]) + q * _rgb(theme.palette[1])
    expected = _bytes(background + 0.45 * np.abs(2 * q - 1) ** 0.5 * (mixed - background))
    np.testing.assert_array_equal(two_class_rgba(p, theme), expected)
