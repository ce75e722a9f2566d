"""Arrowheads on a curve's open ends: where, and which way, checked against a hand-worked straight line and circle."""

from __future__ import annotations

import numpy as np

from nnexplain.mobjects.line_ends import open_ends


def test_a_line_across_the_picture_gets_an_arrow_at_each_edge_it_leaves_by_pointing_out():
    x = np.linspace(-5.0, 5.0, 1001)  # samples 0.01 apart
    line = np.stack([x, 0.5 * x], axis=1)  # y = x / 2 leaves the box [-2, 2] × [-2, 2] at x = ±2 (y = ±1)
    ends = open_ends(line[None], (-2.0, 2.0, -2.0, 2.0))
    assert len(ends) == 2
    (first, first_way), (last, last_way) = ends
    assert np.allclose(first, [-2.0, -1.0], atol=0.02) and np.allclose(last, [2.0, 1.0], atol=0.02)
    slope = np.array([2.0, 1.0]) / np.sqrt(5.0)
    assert np.allclose(first_way, -slope, atol=1e-6) and np.allclose(last_way, slope, atol=1e-6)


def test_a_closed_curve_has_no_ends_and_a_curve_out_of_view_none_shown():
    turn = np.linspace(0.0, 2 * np.pi, 361)
    circle = np.stack([np.cos(turn), np.sin(turn)], axis=1)
    assert open_ends(circle[None], (-2.0, 2.0, -2.0, 2.0)) == []
    assert open_ends((circle + 10.0)[None], (-2.0, 2.0, -2.0, 2.0)) == []


def test_a_curve_inside_the_picture_is_marked_at_its_own_ends():
    arc = np.stack([np.linspace(0.0, 1.0, 50), np.zeros(50)], axis=1)
    (start, start_way), (end, end_way) = open_ends(arc[None])
    assert np.allclose(start, [0.0, 0.0]) and np.allclose(start_way, [-1.0, 0.0])
    assert np.allclose(end, [1.0, 0.0]) and np.allclose(end_way, [1.0, 0.0])


def test_pieces_that_share_ends_are_one_curve_with_two_ends():
    from nnexplain.geometry.contour import as_lines

    x = np.linspace(-1.0, 1.0, 100)
    pieces = as_lines([np.stack([x, x**2], axis=1)])  # a parabola cut into pieces of 24 samples, the last padded
    assert len(pieces) > 3
    (start, start_way), (end, end_way) = open_ends(pieces)
    assert np.allclose(start, [-1.0, 1.0]) and np.allclose(end, [1.0, 1.0])
    assert start_way[1] > 0 and start_way[0] < 0 and end_way[1] > 0 and end_way[0] > 0  # up and out, both ends
