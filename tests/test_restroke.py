"""``restroke`` must leave a line as manim's ``set_stroke`` leaves it: every attribute, every array."""

from __future__ import annotations

import numpy as np
import pytest
from manim import LEFT, RIGHT, Line, VGroup

from nnexplain.mobjects.neuron_maps import restroke


def _lines():
    plain = Line(LEFT, RIGHT)
    gradient = Line(LEFT, RIGHT).set_stroke(["#ff0000", "#00ff00", "#0000ff"], width=3)  # three rgba rows
    sheen = Line(LEFT, RIGHT).set_sheen(0.3)  # manim adds a lighter second colour: left to manim
    group = VGroup(Line(LEFT, RIGHT), Line(RIGHT, 2 * RIGHT))  # submobjects: left to manim
    faded = Line(LEFT, RIGHT).set_stroke("#123456", width=5, opacity=0.1)
    return {"plain": plain, "gradient": gradient, "sheen": sheen, "group": group, "faded": faded}


def _same(first, second) -> None:
    assert first.__dict__.keys() == second.__dict__.keys()
    for key, value in first.__dict__.items():
        other = second.__dict__[key]
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value, other, err_msg=key)
            assert value.dtype == other.dtype, key
        elif key != "submobjects":
            assert type(value) is type(other) and value == other, key
    for a, b in zip(first.submobjects, second.submobjects, strict=True):
        _same(a, b)


@pytest.mark.parametrize("name", ["plain", "gradient", "sheen", "group", "faded"])
@pytest.mark.parametrize(("colour", "width", "opacity"), [("#58c4dd", 0.4, 0.25), ("#fc6255", 6.4, 0.95)])
def test_restroke_matches_set_stroke(name, colour, width, opacity):
    ours, manims = _lines()[name], _lines()[name]
    for _ in range(2):  # a second time: the arrays it wrote into are updated again in place
        restroke(ours, colour, width=width, opacity=opacity)
        manims.set_stroke(colour, width=width, opacity=opacity)
        _same(ours, manims)
