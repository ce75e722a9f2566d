"""The filters scene's measures and claims, each against an answer key computed another way.

- the edge fit (a closed-form least-squares plane) against a brute-force search over rotated ramp
  templates, 3,600 angles, for the best cosine;
- the best window's energy share (a summed-area table) against a loop over every window;
- the strongest places against torch's ``F.conv2d`` of every probe digit with the stored kernels;
- the narration's numbers against the same quantities recomputed here from the stored weights.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from test_speaker_notes import storyboard

from nnexplain.geometry.filters import best_window, edge_fit, filters_story
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


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def test_the_narration_states_the_measured_numbers(runs, tmp_path):
    cnn, mlp = runs
    notes = {beat.name: beat.note for beat in storyboard("filters", CNN, tmp_path, mlp=MLP).beat_log}
    kernels = cnn.tensors()["weight.0"][:, 0].astype(np.float64)
    shares = [rotated_ramp_search(kernel, 720)[1] for kernel in kernels]  # the answer key, by search
    edges = [i + 1 for i, share in enumerate(shares) if share >= 0.5]
    told = notes["every kernel"]
    assert f"{len(edges)} of the {len(kernels)} kernels are edges" in told, told
    assert re.search(r"kernels? " + re.escape(", ".join(map(str, edges[:-1]))), told) or len(edges) == 1, told
    others = [share for i, share in enumerate(shares) if i + 1 not in edges]
    assert f"at most {_percent(max(others))}" in told, told
    best = int(np.argmax(shares))
    assert f"kernel {best + 1}'s 25 weights: it explains {_percent(shares[best])}" in notes["one kernel's edge"]
    # the MLP's best 5 × 5 window, by a loop over every window of every weight image
    images = mlp.tensors()["weight.0"].astype(np.float64).reshape(-1, 28, 28)
    windows = [
        max((image[r : r + 5, c : c + 5] ** 2).sum() for r in range(24) for c in range(24)) / (image**2).sum()
        for image in images
    ]
    told = notes["against an mlp"]
    assert f"holds only {_percent(min(windows))} to {_percent(max(windows))}" in told, told
    assert f"{_percent(float(np.median(windows)))} for the median unit" in told, told
    assert f"{mlp.network.parameter_count:,} parameters to this CNN's {cnn.network.parameter_count:,}" in told
    # the answer's kinds: edges by the search above, "near the start" by how far each kernel moved (one decimal)
    start = cnn.tensors(cnn.epochs[0])["weight.0"][:, 0].astype(np.float64).reshape(len(kernels), -1)
    moved = np.linalg.norm(kernels.reshape(len(kernels), -1) - start, axis=1) / np.linalg.norm(start, axis=1)
    near = [i + 1 for i in range(len(kernels)) if i + 1 not in edges and round(moved[i], 1) <= 1.0]
    told = notes["verdict"]
    assert f"learned {len(edges)} edges (kernels {', '.join(map(str, edges[:-1]))} and {edges[-1]})" in told, told
    if near:
        assert f"{', '.join(map(str, near[:-1]))} and {near[-1]} stay near the start" in told, told
