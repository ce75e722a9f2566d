"""Text and formulas are typeset once a process and handed out as copies (nnexplain.mobjects.style).

The oracle is manim typesetting the same text afresh: a copy handed out must be it,
point for point and colour for colour, whatever was done to earlier copies; and a
frame of another size, where manim typesets otherwise, gets its own.
"""

import numpy as np
from manim import MathTypst, Text, tempconfig

from nnexplain.mobjects.style import Theme, formula, label


def _looks(mobject) -> list[np.ndarray]:
    parts = mobject.family_members_with_points()
    return [part.points for part in parts] + [part.fill_rgbas for part in parts]


def _same(one, other) -> bool:
    first, second = _looks(one), _looks(other)
    return len(first) == len(second) and all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(first, second))


def test_a_label_handed_out_again_is_typeset_afresh_whatever_was_done_to_the_last():
    theme = Theme()
    first = label("epoch 3,000 of 800", theme, 24, theme.positive)
    first.shift([1, 2, 0]).scale(3).set_fill(opacity=0.1)
    for part in first.family_members_with_points():
        part.points[:] = 0
    again = label("epoch 3,000 of 800", theme, 24, theme.positive)
    fresh = Text("epoch 3,000 of 800", font=theme.font, font_size=24, color=theme.positive)
    assert _same(again, fresh)
    assert again is not first and again.original_text == "epoch 3,000 of 800"


def test_a_formula_handed_out_again_is_typeset_afresh():
    theme = Theme()
    first = formula("z = w x + b", theme, 36)
    first.set_color("#FF0000").shift([0, 1, 0])
    again = formula("z = w x + b", theme, 36)
    assert _same(again, MathTypst("z = w x + b", font_size=36, color=theme.text, use_svg_cache=False))


def test_a_frame_of_another_size_gets_its_own_typesetting(tmp_path):
    """Pango breaks a text wider than the frame in pixels into rows: at 64 pixels wide this one is two rows.
    (manim keeps each typeset text as an SVG file named without the frame's size: a fresh media folder.)"""
    theme = Theme()
    text = "A line as long as a caption, at the first snapshot."
    wide = label(text, theme, 30)
    with tempconfig({"pixel_width": 64, "pixel_height": 36, "media_dir": str(tmp_path)}):
        narrow = label(text, theme, 30)
        assert _same(narrow, Text(text, font=theme.font, font_size=30, color=theme.text))
    assert narrow.height > 1.5 * wide.height  # the check can tell them apart
    assert _same(label(text, theme, 30), Text(text, font=theme.font, font_size=30, color=theme.text))
