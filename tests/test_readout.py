"""A readout keeps each value it placed; what it shows must be what placing the value afresh shows."""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT

from nnexplain.mobjects.charts import Readout
from nnexplain.mobjects.style import Theme


def _slots(readout: Readout) -> list[tuple[np.ndarray, np.ndarray]]:
    """The glyphs drawn: a slot left empty keeps whatever style it had and draws nothing."""
    return [(slot.points.copy(), slot.get_fill_rgbas().copy()) for slot in readout.value.slots if slot.has_points()]


def _fresh(readout: Readout, text: str, shift) -> list[tuple[np.ndarray, np.ndarray]]:
    """The oracle: a readout that never showed another value, moved the same way, placing ``text`` once."""
    other = Readout("epoch", "0", Theme(), 20, width=6).shift(shift)
    other.set_value(text)
    return _slots(other)


def _same(shown, expected) -> None:
    assert len(shown) == len(expected)
    for (points, fill), (points_expected, fill_expected) in zip(shown, expected):
        np.testing.assert_array_equal(points, points_expected)
        np.testing.assert_array_equal(fill, fill_expected)


def test_a_value_shown_again_after_others_matches_a_fresh_placement():
    readout = Readout("epoch", "0", Theme(), 20, width=6)
    for text in ("3", "1,000", "3", "25", "3"):
        readout.set_value(text)
    _same(_slots(readout), _fresh(readout, "3", np.zeros(3)))


def test_a_moved_readout_places_a_value_it_has_shown_where_its_name_now_is():
    readout = Readout("epoch", "0", Theme(), 20, width=6)
    readout.set_value("3")
    before = _slots(readout)
    shift = 1.25 * RIGHT + 0.5 * DOWN
    readout.shift(shift)
    readout.set_value("25")
    readout.set_value("3")  # kept from before the move: it must not come back where it stood
    _same(_slots(readout), _fresh(readout, "3", shift))
    assert not np.allclose(_slots(readout)[0][0], before[0][0])


def test_a_value_recoloured_by_an_animation_gets_its_own_colour_back():
    readout = Readout("epoch", "0", Theme(), 20, width=6)
    readout.set_value("3")
    readout.value.set_color("#ff00ff")  # as Indicate leaves it mid-way
    readout.set_value("3")
    _same(_slots(readout), _fresh(readout, "3", np.zeros(3)))
