"""``Fade`` (nnexplain.mobjects.hinges) leaves each part in the state manim's set_fill / set_stroke would.

Fade writes opacities into the colour arrays' alpha column instead of calling manim's setters; the oracle is
those setters, called on a copy of each mobject: every colour array, opacity and stroke width must come out equal.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import BLUE, RED, Circle, Line, Square, Text, VGroup, VMobject

from nnexplain.mobjects.hinges import Fade


def _mobjects() -> list[VMobject]:
    gradient = Square(1.0, fill_opacity=0.6).set_color([RED, BLUE])  # two-row colour arrays
    shiny = Circle(0.5, fill_opacity=0.8, color=RED)
    shiny.sheen_factor = 0.3  # manim's setters add a lighter row for a sheen: Fade must leave it to them
    bare = VMobject()  # no points: not a part Fade touches
    return [
        Text("fading words", font_size=24),
        gradient,
        shiny,
        Line(stroke_width=6, stroke_opacity=0.4),
        VGroup(Square(0.5, fill_opacity=1), Circle(0.2, stroke_opacity=0.5), bare),
    ]


def _look(mobject) -> list:
    return [
        (
            part.fill_rgbas.tobytes(),
            part.stroke_rgbas.tobytes(),
            part.background_stroke_rgbas.tobytes(),
            part.fill_opacity,
            part.stroke_opacity,
            part.stroke_width,
        )
        for part in mobject.family_members_with_points()
    ]


@pytest.mark.parametrize("out", [False, True])
@pytest.mark.parametrize("alpha", [0.0, 0.37, 1.0])
def test_fade_leaves_manims_state(out, alpha):
    for mobject in _mobjects():
        ours, manims = mobject.copy(), mobject.copy()
        Fade(ours, out=out).interpolate_mobject(alpha)
        level = 1 - alpha if out else alpha
        for part in manims.family_members_with_points():
            fill, stroke = part.get_fill_opacity(), part.get_stroke_opacity()
            part.set_fill(opacity=fill * level, family=False).set_stroke(opacity=stroke * level, family=False)
        assert _look(ours) == _look(manims)


def test_the_check_sees_a_missed_row():
    """The comparison above means something only if an alpha left in one row of a gradient is caught."""
    mobject = Square(1.0, fill_opacity=0.6).set_color([RED, BLUE])
    ours, manims = mobject.copy(), mobject.copy()
    Fade(ours).interpolate_mobject(0.5)
    manims.set_fill(opacity=0.3, family=False).set_stroke(opacity=0.5, family=False)
    ours.fill_rgbas[1, 3] = np.nextafter(ours.fill_rgbas[1, 3], 1)
    assert _look(ours) != _look(manims)
