"""neuron-maps: which terms flip a neuron's sign, and which neuron grew a pocket round a point, by measurement.

The answer keys: a torch forward pass of the stored weights summed term by term and counted pixel by pixel in
plain Python, and a breadth-first flood fill written here.
"""

from collections import deque

import numpy as np
import torch
from conftest import DATA
from test_training_scene import _torch_layers

from nnexplain.geometry.regions import PlaneRaster, layer_maps
from nnexplain.geometry.sign_changes import pocket_unit, sign_flip_shares, sign_region
from nnexplain.run import load_run

MOONS = DATA / "moons-overfit"


def test_the_terms_that_flip_a_layer_two_sum_are_counted_on_the_plane():
    run = load_run(MOONS)
    raster = PlaneRaster.around(run.dataset["warp_grid"]["bounds"], 20)
    params = run.params(run.epochs[0])
    weight, bias = params[1]
    inputs = layer_maps(params, run.activation, run.output, raster)[0]
    for unit in range(len(weight)):
        partial = np.cumsum(weight[unit][:, None, None] * inputs, axis=0) + bias[unit]
        ours = sign_flip_shares(np.concatenate([np.full((1, *inputs.shape[1:]), bias[unit]), partial]))
        # Torch's layer-1 activations, summed one term at a time, each pixel's sign compared in plain Python.
        layer_one = torch.from_numpy(_torch_layers(run, run.epochs[0], raster.points)[0])
        running = torch.full((len(raster.points),), float(bias[unit]), dtype=torch.float64)
        expected = []
        for k in range(len(weight[unit])):
            after = running + float(weight[unit][k]) * layer_one[:, k]
            flipped = sum(1 for a, b in zip(running.tolist(), after.tolist()) if (a >= 0) != (b >= 0))
            expected.append(flipped / len(raster.points))
            running = after
        np.testing.assert_allclose(ours, expected, atol=1.5 / len(raster.points))  # one pixel at most on a tie


def _flood(positive: np.ndarray, cell: tuple[int, int]) -> np.ndarray:
    seen = np.zeros_like(positive, bool)
    queue, sign = deque([cell]), positive[cell]
    seen[cell] = True
    while queue:
        r, c = queue.popleft()
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            rr, cc = r + dr, c + dc
            inside = 0 <= rr < positive.shape[0] and 0 <= cc < positive.shape[1]
            if inside and not seen[rr, cc] and positive[rr, cc] == sign:
                seen[rr, cc] = True
                queue.append((rr, cc))
    return seen


def test_a_sign_region_is_the_flood_fill_from_its_cell():
    rng = np.random.default_rng(3)
    for _ in range(20):
        values = rng.normal(size=(30, 30))
        values = values + np.roll(values, 1, 0) + np.roll(values, 1, 1)  # blobs, not salt and pepper
        cell = tuple(rng.integers(0, 30, 2))
        np.testing.assert_array_equal(sign_region(values, cell), _flood(values >= 0, cell))


def test_the_pocket_is_the_smallest_region_that_flipped_towards_the_label():
    rows, cols = np.mgrid[0:40, 0:40]
    cell = (10, 30)
    half_plane = cols - 20.0  # positive right of column 20: the cell is inside
    disc = 6.0 - np.hypot(rows - 10, cols - 30)  # positive within 6 of the cell
    small_disc = 3.0 - np.hypot(rows - 10, cols - 30)
    after = np.stack([half_plane, -disc, small_disc, np.ones((40, 40))])
    before = np.stack([-half_plane, np.ones((40, 40)), -np.ones((40, 40)), np.ones((40, 40))])
    push = np.array([1.0, -1.0, -1.0, 1.0])  # unit 2 flipped, but away from the label
    pocket = pocket_unit(before, after, cell, push)
    assert pocket.unit == 1
    assert (pocket.before, pocket.after) == (1.0, -6.0)
    np.testing.assert_allclose(pocket.share, _flood(after[1] >= 0, cell).mean())  # the disc: the pocket
    assert pocket_unit(before, after, cell, np.array([-1.0, 1.0, -1.0, 1.0])) is None  # no unit flipped towards


def test_the_cuts_a_boundary_follows_are_measured_along_it():
    """A boundary of two straight pieces, one on the cut x = 0.5 and one far from every cut: half of it follows cut 0;
    checked against the distances worked out by hand for axis-parallel cuts."""
    from nnexplain.geometry.sign_changes import cuts_followed

    along = np.stack([np.full(50, 0.5), np.linspace(-1, 1, 50)], axis=1)  # on x = 0.5
    away = np.stack([np.linspace(2, 3, 50), np.full(50, 5.0)], axis=1)  # far from x = 0.5 and y = -1
    weight = np.array([[2.0, 0.0], [0.0, 3.0]])  # cuts x = 0.5 and y = -1 (scaled weights: the same lines)
    bias = np.array([-1.0, 3.0])
    shares = cuts_followed([along, away], weight, bias, reach=0.05)
    np.testing.assert_allclose(shares, [0.5, 0.0])
    shifted = along + [0.04, 0.0]  # within reach of x = 0.5, but the point at y = -1 is also on the other cut
    assert cuts_followed([shifted], weight, bias, reach=0.05)[0] >= 49 / 50
