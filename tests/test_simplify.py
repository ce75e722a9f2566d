"""Warped grid lines drawn with fewer pieces stay within half a pixel of every recorded warp point."""

import numpy as np
import pytest
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import tempconfig

from nnexplain.geometry.simplify import simplified_segments
from nnexplain.geometry.warp import representations
from nnexplain.mobjects.plane import WarpedPlane, half_a_pixel
from nnexplain.run import load_run
from nnexplain.run.contents import GridSpec


def _farthest_point(lines, starts, ends):
    """The oracle: for each point, its distance to the nearest drawn piece, by brute force, one point at a time."""
    worst = 0.0
    for p in lines.reshape(-1, lines.shape[-1]):
        best = np.inf
        for a, b in zip(starts, ends):
            d = b - a
            t = 0.0 if not d.any() else min(1.0, max(0.0, float(np.dot(p - a, d) / np.dot(d, d))))
            best = min(best, float(np.linalg.norm(p - (a + t * d))))
        worst = max(worst, best)
    return worst


def _wiggly_lines(seed, count, length):
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, length)[None, :, None]
    base = rng.normal(size=(count, 1, 2)) + t * rng.normal(size=(count, 1, 2)) * 4
    bend = rng.normal(size=(count, 1, 2)) * np.sin(t * rng.uniform(0.5, 12, size=(count, 1, 1)))
    kink = rng.normal(size=(count, 1, 2)) * np.abs(t - rng.uniform(size=(count, 1, 1)))
    return (
        base
        + rng.choice([0.0, 0.02, 0.5], size=(count, 1, 1)) * bend
        + rng.choice([0.0, 1.0], size=(count, 1, 1)) * kink
    )


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4), st.integers(2, 80), st.sampled_from([1e-4, 1e-3, 1e-2]))
def test_every_point_stays_within_the_tolerance_of_the_drawn_pieces(seed, count, length, tolerance):
    lines = _wiggly_lines(seed, count, length)
    starts, ends = simplified_segments(lines, tolerance)
    one_by_one = [simplified_segments(lines[i : i + 1], tolerance) for i in range(count)]
    assert np.array_equal(starts, np.concatenate([s for s, _ in one_by_one]))  # no piece joins two lines
    assert np.array_equal(ends, np.concatenate([e for _, e in one_by_one]))
    for line, (own_starts, own_ends) in enumerate(one_by_one):
        assert _farthest_point(lines[line : line + 1], own_starts, own_ends) <= tolerance * (1 + 1e-9)


def test_straight_lines_shrink_to_a_few_pieces_and_curves_keep_what_they_need():
    t = np.linspace(0, 1, 200)[:, None]
    straight = np.hstack([t * 3, t * -2])
    curve = np.hstack([t * 3, np.sin(t * 9)])
    starts, _ = simplified_segments(np.stack([straight]), 1e-3)
    assert len(starts) <= 7  # one piece per chunk of 32
    curved_starts, _ = simplified_segments(np.stack([curve]), 1e-3)
    assert 7 < len(curved_starts) < 199
    assert len(simplified_segments(np.stack([curve]), 0.0)[0]) == 199


def test_the_warped_grid_of_a_real_run_is_drawn_within_half_a_pixel_at_480p():
    run = load_run(DATA / "spiral")
    stages = representations(run.tensors(), run.probe["inputs"], GridSpec.from_dataset(run.dataset))
    with tempconfig({"pixel_width": 854, "pixel_height": 480}):
        tolerance = half_a_pixel()
        assert tolerance == pytest.approx(0.5 * 14.222 / 854, rel=1e-3)
        drawn_fewer = []
        for stage in (1, len(stages) // 2, len(stages) - 1):
            plane = WarpedPlane.from_run(run, stage=stage)
            scene_grid = plane.view(plane.grid_state)[plane.interior_rows][:6]  # six lines keep the oracle quick
            starts, ends = simplified_segments(scene_grid, tolerance)
            assert _farthest_point(scene_grid, starts, ends) <= tolerance * (1 + 1e-9)
            drawn_fewer.append(len(starts) / (scene_grid.shape[0] * (scene_grid.shape[1] - 1)))
            pieces = plane.interior.points.reshape(-1, 4, 3)
            all_lines = plane.view(plane.grid_state)[plane.interior_rows]
            assert len(pieces) == len(simplified_segments(all_lines, tolerance)[0])  # what the plane draws
    assert min(drawn_fewer) < 0.5  # the point of it: far fewer pieces than recorded
