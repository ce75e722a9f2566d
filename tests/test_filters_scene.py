"""The filters scene's measures and claims, each against an answer key computed another way.

- the edge fit (a closed-form least-squares plane) against a brute-force search over rotated ramp
  templates, 3,600 angles, for the best cosine;
- the best window's energy share (a summed-area table) against a loop over every window;
- the strongest places against torch's ``F.conv2d`` of every probe digit with the stored kernels;
- the curved fit (plane plus second-order terms) against torch's least squares, and a drawn bar's direction;
- the noise reference (p / (k² − 1) of the variance) against random kernels;
- the detail view's number (patch · kernel + bias) against torch's ``F.conv2d`` with the stored bias;
- the narration's numbers against the same quantities recomputed here from the stored weights.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from test_speaker_notes import storyboard

from nnexplain.geometry.filters import best_window, curved_fit, edge_fit, filters_story, noise_share
from nnexplain.run import load_run
from nnexplain.scenes.filters import side_words

CNN, MLP = DATA / "cnn-mnist", DATA / "mlp-mnist-6k"


@pytest.fixture(scope="module")
def runs():
    return load_run(CNN), load_run(MLP)


def rotated_ramp_search(kernel: np.ndarray, steps: int = 3600) -> tuple[float, float]:
    """The angle (degrees) of the ramp template most like the kernel (largest cosine), and that cosine squared."""
    size = kernel.shape[0]
    centred = kernel - kernel.mean()
    columns, rows = np.meshgrid(np.arange(size), np.arange(size))
    best = (0.0, -np.inf)
    for angle in np.arange(steps) * 360.0 / steps:
        theta = np.radians(angle)
        template = (columns - columns.mean()) * np.cos(theta) - (rows - rows.mean()) * np.sin(theta)
        cosine = (centred * template).sum() / (np.linalg.norm(centred) * np.linalg.norm(template))
        if cosine > best[1]:
            best = (angle, cosine)
    return best[0], best[1] ** 2


def angle_gap(a: float, b: float) -> float:
    return abs((a - b + 180) % 360 - 180)


@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, (5, 5), elements=st.floats(-1, 1)))
def test_the_edge_fit_is_the_best_of_every_rotated_ramp(kernel):
    centred = kernel - kernel.mean()
    if np.linalg.norm(centred) < 1e-3:
        return
    fit = edge_fit(kernel)
    angle, share = rotated_ramp_search(kernel, 720)
    assert fit.share == pytest.approx(share, abs=2e-4)  # 0.5° steps: the cosine is flat at its peak
    if fit.share > 1e-3:
        assert angle_gap(fit.angle, angle) <= 0.5
    # the plane is the least-squares fit: what is left is orthogonal to both ramps
    rest = centred - fit.plane
    assert abs((rest * fit.plane).sum()) < 1e-9


def test_the_run_kernels_edge_fits_match_the_search(runs):
    story = filters_story(*runs)
    for kernel, fit in zip(story.kernels[-1], story.fits):
        angle, share = rotated_ramp_search(kernel)
        assert fit.share == pytest.approx(share, abs=1e-5)
        assert angle_gap(fit.angle, angle) <= 0.1


def test_an_upward_edge_points_up_and_is_all_plane():
    kernel = np.repeat(np.arange(5.0)[::-1, None], 5, axis=1)  # row 0 (the top) highest
    fit = edge_fit(kernel)
    assert fit.angle == pytest.approx(90.0) and fit.share == pytest.approx(1.0)
    assert side_words(fit.angle) == ("top", "bottom")
    assert side_words(-135.0) == ("lower left", "upper right")


@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, (12, 10), elements=st.floats(-1, 1)), st.integers(1, 10))
def test_the_best_window_is_the_best_of_every_window(image, size):
    total = (image**2).sum()
    if total < 1e-6:
        return
    shares = {
        (r, c): (image[r : r + size, c : c + size] ** 2).sum() / total
        for r in range(image.shape[0] - size + 1)
        for c in range(image.shape[1] - size + 1)
    }
    window = best_window(image, size)
    assert window.share == pytest.approx(max(shares.values()), abs=1e-9)
    assert shares[(window.row, window.column)] == pytest.approx(window.share, abs=1e-9)


def test_the_strongest_places_are_torchs_largest_map_values(runs):
    cnn, mlp = runs
    story = filters_story(cnn, mlp)
    tensors = cnn.tensors()
    images = torch.from_numpy(cnn.probe["inputs"].astype(np.float64)).reshape(-1, 1, 28, 28)
    maps = F.conv2d(images, torch.from_numpy(tensors["weight.0"].astype(np.float64)), None).numpy()
    for place in story.places:
        kernel_maps = maps[:, place.kernel]
        assert kernel_maps[place.digit, place.row, place.column] == pytest.approx(kernel_maps.max(), abs=1e-4)
        # the patch drawn is the digit's pixels under the kernel there
        patch = images[place.digit, 0, place.row : place.row + 5, place.column : place.column + 5].numpy()
        np.testing.assert_array_equal(story.patch(place), patch)


def torch_curved_share(kernel: np.ndarray) -> float:
    """The share of a 5 × 5 kernel's variance that x, y, x², y², xy explain, by torch's least squares."""
    centred = torch.from_numpy(kernel - kernel.mean()).reshape(-1, 1)
    rows, columns = torch.meshgrid(torch.arange(5.0), torch.arange(5.0), indexing="ij")
    x, y = (columns - 2).double(), (2 - rows).double()
    shapes = torch.stack([x, y, x * x, y * y, x * y]).reshape(5, -1).T
    shapes = shapes - shapes.mean(0)
    solution = torch.linalg.lstsq(shapes, centred).solution
    return float((shapes @ solution).norm() ** 2 / centred.norm() ** 2)


@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, (5, 5), elements=st.floats(-1, 1)))
def test_the_curved_fit_is_torchs_least_squares(kernel):
    if np.linalg.norm(kernel - kernel.mean()) < 1e-3:
        return
    assert curved_fit(kernel).share == pytest.approx(torch_curved_share(kernel), abs=1e-9)


@pytest.mark.parametrize("angle", [0.0, 45.0, 90.0, 135.0])
def test_a_drawn_bar_is_all_curve_and_runs_its_way(angle):
    rows, columns = np.meshgrid(np.arange(5.0), np.arange(5.0), indexing="ij")
    x, y = columns - 2, 2 - rows
    theta = np.radians(angle)
    across = -x * np.sin(theta) + y * np.cos(theta)  # distance from the line through the centre at ``angle``
    fit = curved_fit(-(across**2))  # a bright bar: highest on the line, falling away from it
    assert fit.share == pytest.approx(1.0) and fit.ridge
    assert angle_gap(2 * fit.bar_angle, 2 * angle) / 2 < 1.0


def test_noise_explains_its_share_on_average():
    kernels = np.random.default_rng(0).normal(size=(4000, 5, 5))
    planes = np.mean([edge_fit(kernel).share for kernel in kernels])
    curves = np.mean([curved_fit(kernel).share for kernel in kernels])
    assert planes == pytest.approx(noise_share(5, 2), abs=0.006)  # the standard error is about 0.001
    assert curves == pytest.approx(noise_share(5, 5), abs=0.008)


def test_the_detail_views_number_is_torchs_map_value(runs):
    cnn, mlp = runs
    story = filters_story(cnn, mlp)
    tensors = cnn.tensors()
    image = torch.from_numpy(story.images[story.digits[0]]).reshape(1, 1, 28, 28)
    weight, bias = (torch.from_numpy(tensors[name].astype(np.float64)) for name in ("weight.0", "bias.0"))
    maps = F.conv2d(image, weight, bias)[0].numpy()
    for kernel in range(len(weight)):
        for row, column in [(0, 0), (7, 11), np.unravel_index(maps[kernel].argmax(), maps[kernel].shape)]:
            total, value = story.dot(0, kernel, row, column)
            assert value == pytest.approx(maps[kernel, row, column], abs=1e-4)
            assert value - total == pytest.approx(float(bias[kernel]), abs=1e-6)


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def test_the_narration_states_the_measured_numbers(runs, tmp_path):
    cnn, mlp = runs
    notes = {beat.name: beat.note for beat in storyboard("filters", CNN, tmp_path, mlp=MLP).beat_log}
    kernels = cnn.tensors()["weight.0"][:, 0].astype(np.float64)
    shares = [rotated_ramp_search(kernel, 720)[1] for kernel in kernels]  # the answer key, by search
    edges = [i + 1 for i, share in enumerate(shares) if share >= 0.5]
    told = notes["every kernel"]
    assert f"kernels {', '.join(map(str, edges[:-1]))} and {edges[-1]} are edges" in told, told
    others = [share for i, share in enumerate(shares) if i + 1 not in edges]
    assert f"a plane explains {_percent(min(others))} to {_percent(max(others))}" in told, told
    start = cnn.tensors(cnn.epochs[0])["weight.0"][:, 0].astype(np.float64)
    assert f"at most {_percent(max(rotated_ramp_search(k, 720)[1] for k in start))} of any kernel" in told, told
    gains = [torch_curved_share(kernel) - share for kernel, share in zip(kernels, shares)]
    bars = [i for i, share in enumerate(shares) if share < 0.4 and gains[i] >= 0.3]
    if len(bars) == 2:
        a, b = bars
        assert (
            f"curvature adds {_percent(gains[a])[:-1]} and {_percent(gains[b])[:-1]} points: bars ({a + 1} and {b + 1})"
            in told
        ), told
    start_gains = [torch_curved_share(k) - rotated_ramp_search(k, 720)[1] for k in start]
    if len(bars) == 2 and "already added" in told:
        a, b = bars
        assert f"curvature already added {_percent(start_gains[a])[:-1]} and {_percent(start_gains[b])[:-1]}" in told
    best = int(np.argmax(shares))
    assert f"The plane explains {_percent(shares[best])} of their variance" in notes["one kernel's edge"]
    # the number the detail view writes is the stored map value at kernel ``best``'s peak on the first digit shown
    story = filters_story(cnn, mlp)
    peak = story.maps[0][best].max()
    assert f"add up to one number: {peak:.2f}".replace("-", "−") in notes["one kernel on a digit"]
    # the MLP's best 5 × 5 window, by a loop over every window of every weight image
    images = mlp.tensors()["weight.0"].astype(np.float64).reshape(-1, 28, 28)
    windows = [
        max((image[r : r + 5, c : c + 5] ** 2).sum() for r in range(24) for c in range(24)) / (image**2).sum()
        for image in images
    ]
    told = notes["against an mlp"]
    assert f"holds only {_percent(min(windows))} to {_percent(max(windows))}" in told, told
    assert f"Spread evenly it would hold {_percent(25 / 784)}" in told, told
    assert f"{mlp.network.parameter_count:,} parameters to the CNN's {cnn.network.parameter_count:,}" in told
    assert mlp.dataset == cnn.dataset and f"the same {cnn.dataset['train']:,} training digits" in told, told
    # the answer's kinds: edges by the search above, "moved at most" by how far each kernel moved (one decimal)
    start = cnn.tensors(cnn.epochs[0])["weight.0"][:, 0].astype(np.float64).reshape(len(kernels), -1)
    moved = np.linalg.norm(kernels.reshape(len(kernels), -1) - start, axis=1) / np.linalg.norm(start, axis=1)
    border = [i + 1 for i, share in enumerate(shares) if 0.4 <= share < 0.5]
    little = [i + 1 for i in range(len(kernels)) if round(moved[i], 1) <= 1.0]
    told = notes["verdict"]
    assert f"learned {len(edges)} edges ({', '.join(map(str, edges[:-1]))} and {edges[-1]})" in told, told
    if border:
        assert f"Kernel {border[0]} is nearly an edge" in told, told
    if little:
        assert f"{', '.join(map(str, little[:-1]))} and {little[-1]} moved at most their own starting size" in told, (
            told
        )
    assert "One training run of each" in told


def test_the_curvature_at_the_random_start_is_torchs_least_squares(runs):
    cnn, mlp = runs
    story = filters_story(cnn, mlp)
    start = cnn.tensors(cnn.epochs[0])["weight.0"][:, 0].astype(np.float64)
    for kernel, fit in zip(start, story.start_curved):
        assert fit.share == pytest.approx(torch_curved_share(kernel), abs=1e-9)


def test_the_opposite_pair_is_the_most_negatively_correlated_pair_of_edges(runs):
    from nnexplain.scenes.filters_maps import OPPOSITE, opposite_pair

    story = filters_story(*runs)
    maps = torch.from_numpy(story.maps).permute(1, 0, 2, 3).reshape(story.maps.shape[1], -1)
    r = torch.corrcoef(maps).numpy()
    edges = list(story.edges)
    pairs = [(r[a, b], a, b) for n, a in enumerate(edges) for b in edges[n + 1 :]]
    lowest = min(pairs)
    found = opposite_pair(story.maps, edges)
    if lowest[0] >= OPPOSITE:
        assert found is None
    else:
        assert found[:2] == (lowest[1], lowest[2]) and found[2] == pytest.approx(lowest[0], abs=1e-9)


def test_the_profile_across_a_drawn_bar_rises_then_falls():
    from nnexplain.geometry.filters import across_profile

    rows, columns = np.meshgrid(np.arange(5.0), np.arange(5.0), indexing="ij")
    for bar, across in ((-((rows - 2) ** 2), 0.0), (-((columns - 2) ** 2), 90.0)):
        values, _ = across_profile(curved_fit(bar).surface, curved_fit(bar).bar_angle)
        assert int(np.argmax(values)) == 2 and values[0] < values[2] > values[4], (across, values)


def test_the_worked_cells_add_up_to_torchs_map_value(runs):
    from nnexplain.geometry.convolution import addable
    from nnexplain.scenes.filters_apply import two_decimals

    cnn, mlp = runs
    story = filters_story(cnn, mlp)
    best = int(np.argmax([fit.share for fit in story.fits]))
    row, column = np.unravel_index(int(story.maps[0][best].argmax()), story.maps[0][best].shape)
    image = torch.from_numpy(story.images[story.digits[0]]).reshape(1, 1, 28, 28)
    tensors = cnn.tensors()
    weight, bias = (torch.from_numpy(tensors[name].astype(np.float64)) for name in ("weight.0", "bias.0"))
    value = float(F.conv2d(image, weight, bias)[0, best, row, column])
    products = story.images[story.digits[0]][row : row + 5, column : column + 5] * story.kernels[-1][best]
    written, bias_shown, total = addable(products, float(story.bias[best]), 2)
    assert total == round(value, 2)  # the value written is torch's, to two decimals
    assert round(float(written.sum()) + bias_shown, 2) == total  # and the cells as written add up to it
    assert np.abs(written - products).max() <= 0.01 + 1e-9  # each cell within one unit of its last place
    assert [two_decimals(v) for v in (-0.554, 0.992, 1.0, -0.001, 0.05)] == ["-.55", ".99", "1", "0", ".05"]
