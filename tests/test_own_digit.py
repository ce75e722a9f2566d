"""Your own digit (``render --input``): digits drawn in the test, prepared as MNIST was, read by the run.

The digits are drawn here with pen strokes and photographed (tests/handwriting.py); the answer
key for the preparation is MNIST's recipe written again below from its description, applied to
the clean ink the test drew (so it needs no inverting or flattening); the answer key for the
network's outputs is a torch model holding the run's weights.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from conftest import DATA, run_cli, torch_model
from fixture_runs import fixture_of
from handwriting import draw_digit, on_paper, photographed
from PIL import Image
from scipy import ndimage
from test_cli import assert_user_error

from nnexplain.data.own_digit import prepare_digit
from nnexplain.run import load_run
from nnexplain.run.extra_probe import NO_LABEL
from nnexplain.scenes.base.runs import SceneRuns

PER_DIGIT = 6


def mnist_recipe(ink: np.ndarray) -> np.ndarray:
    """MNIST's preparation of clean ink (1 on 0): crop to the ink, fit 20 × 20 keeping the aspect (bilinear),
    put it in 28 × 28 with its centre of mass at the centre."""
    rows, cols = np.nonzero(ink > 0.05)
    crop = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    scale = 20 / max(crop.shape)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    fitted = np.asarray(Image.fromarray(crop.astype(np.float32)).resize(size, Image.Resampling.BILINEAR))
    canvas = np.zeros((28, 28), np.float32)
    top, left = (28 - fitted.shape[0]) // 2, (28 - fitted.shape[1]) // 2
    canvas[top : top + fitted.shape[0], left : left + fitted.shape[1]] = fitted
    mass_row, mass_col = ndimage.center_of_mass(canvas)
    return ndimage.shift(canvas, (13.5 - mass_row, 13.5 - mass_col), order=1, mode="constant")


def _drawn(seed: int = 27):
    rng = np.random.default_rng(seed)
    return [(digit, draw_digit(digit, rng), rng) for digit in range(10) for _ in range(PER_DIGIT)]


def _predict(run, pixels: list[np.ndarray]) -> np.ndarray:
    import torch

    with torch.no_grad():
        return torch_model(run)(torch.from_numpy(np.stack([p.ravel() for p in pixels]))).argmax(1).numpy()


@pytest.fixture(scope="module")
def mnist_run():
    return load_run(fixture_of("mnist"))


def test_clean_digits_are_read_as_the_runs_accuracy_suggests(mnist_run):
    drawn = _drawn()
    labels = np.array([digit for digit, _, _ in drawn])
    prepared = [prepare_digit(on_paper(ink)).pixels for _, ink, _ in drawn]
    accuracy = float((_predict(mnist_run, prepared) == labels).mean())
    assert accuracy >= 0.9, f"{accuracy:.0%} of {len(labels)} clean drawn digits read right"


def test_photographed_digits_are_read_too(mnist_run):
    drawn = _drawn(seed=28)
    labels = np.array([digit for digit, _, _ in drawn])
    prepared = [prepare_digit(photographed(ink, rng)).pixels for _, ink, rng in drawn]
    accuracy = float((_predict(mnist_run, prepared) == labels).mean())
    assert accuracy >= 0.85, f"{accuracy:.0%} of {len(labels)} photographed digits read right"


def test_photos_showing_the_desk_round_the_paper_are_read_too(mnist_run):
    drawn = _drawn(seed=30)
    labels = np.array([digit for digit, _, _ in drawn])
    prepared = []
    for _, ink, rng in drawn:
        desk = np.clip(0.15 + rng.normal(0, 0.03, (200, 220)), 0, 1)  # a dark desk, the sheet on it
        desk[20:180, 30:190] = photographed(ink, rng)
        prepared.append(prepare_digit(desk).pixels)
    accuracy = float((_predict(mnist_run, prepared) == labels).mean())
    assert accuracy >= 0.8, f"{accuracy:.0%} of {len(labels)} photos with the desk in them read right"


def test_preparation_matches_mnists_recipe_written_independently(mnist_run):
    drawn = _drawn(seed=29)
    ours, theirs, photos = [], [], []
    for _, ink, rng in drawn:
        reference = mnist_recipe(ink)
        clean, photo = prepare_digit(on_paper(ink)).pixels, prepare_digit(photographed(ink, rng)).pixels
        assert clean.shape == (28, 28) and clean.max() == pytest.approx(1.0, abs=0.05)
        # Same place: centres of mass within a pixel; same picture: close pixel by pixel.
        assert np.allclose(ndimage.center_of_mass(clean), ndimage.center_of_mass(reference), atol=1.0)
        assert np.abs(clean - reference).mean() < 0.06
        assert np.corrcoef(photo.ravel(), reference.ravel())[0, 1] > 0.85
        ours.append(clean), theirs.append(reference), photos.append(photo)
    agree = (_predict(mnist_run, ours) == _predict(mnist_run, theirs)).mean()
    assert agree >= 0.95, f"the network reads {agree:.0%} of them the same both ways"


def test_light_ink_on_dark_paper_is_not_inverted():
    ink = draw_digit(7, np.random.default_rng(3))
    dark, light = prepare_digit(ink), prepare_digit(on_paper(ink))
    assert not dark.inverted and light.inverted
    assert np.abs(dark.pixels - light.pixels).max() < 1e-5


def test_own_digit_goes_through_the_runs_weights_like_a_probe_item(mnist_run):
    import torch

    digit = prepare_digit(on_paper(draw_digit(4, np.random.default_rng(4))), "four.png")
    runs = SceneRuns(mnist_run).with_own_digit(digit)
    recorded = len(mnist_run.probe["inputs"])
    assert runs.own_index == recorded and runs.recorded_main.probe["inputs"].shape[0] == recorded
    assert np.array_equal(runs.main.probe["inputs"][-1], digit.pixels.ravel())
    assert runs.main.probe["labels"][-1] == NO_LABEL
    tensors = runs.main.tensors()
    last = f"act.{len(mnist_run.layers) - 2}"
    with torch.no_grad():
        logits = torch_model(mnist_run)(torch.from_numpy(digit.pixels.reshape(1, -1)))
    assert np.allclose(tensors[last][-1], torch.softmax(logits, 1).numpy()[0], atol=1e-5)
    assert np.array_equal(tensors[last][:recorded], mnist_run.tensors()[last])  # the recorded items unchanged
    labelled = SceneRuns(mnist_run).with_own_digit(digit, 4)
    assert labelled.main.probe["labels"][-1] == 4


def _png(path, ink: np.ndarray) -> None:
    Image.fromarray((np.clip(on_paper(ink), 0, 1) * 255).astype(np.uint8)).save(path)


def test_render_refuses_a_blank_image(tmp_path):
    Image.new("L", (200, 200), 235).save(tmp_path / "blank.png")
    result = run_cli("render", "neurons", "--run", DATA / "mnist-sigmoid", "--input", tmp_path / "blank.png")
    assert_user_error(result, "blank.png holds no ink")


def _png_header_only(path, width: int, height: int) -> None:
    """A PNG whose header claims ``width`` × ``height`` grey pixels, with no pixel data: a few dozen bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))


@pytest.mark.parametrize("width, height", [(9000, 7000), (20000, 20000)])
def test_render_refuses_a_huge_image(tmp_path, width, height):
    # Refused from the header, nothing decoded: above nnexplain's limit, and above Pillow's own.
    _png_header_only(tmp_path / "huge.png", width, height)
    result = run_cli("render", "neurons", "--run", DATA / "mnist-sigmoid", "--input", tmp_path / "huge.png")
    assert_user_error(result, "huge.png", "megapixels")


def test_render_refuses_what_is_not_an_image(tmp_path):
    (tmp_path / "notes.png").write_text("three, I think\n")
    result = run_cli("render", "neurons", "--run", DATA / "mnist-sigmoid", "--input", tmp_path / "notes.png")
    assert_user_error(result, "notes.png is not an image")


def test_render_refuses_two_digits_side_by_side(tmp_path):
    rng = np.random.default_rng(5)
    pair = np.hstack([draw_digit(3, rng), draw_digit(7, rng)])
    _png(tmp_path / "37.png", pair)
    result = run_cli("render", "neurons", "--run", DATA / "mnist-sigmoid", "--input", tmp_path / "37.png")
    assert_user_error(result, "2 marks side by side", "crop it")


def test_backprop_needs_the_label_and_other_scenes_refuse_input(tmp_path):
    _png(tmp_path / "five.png", draw_digit(5, np.random.default_rng(6)))
    result = run_cli("render", "backprop", "--run", DATA / "mnist-sigmoid", "--input", tmp_path / "five.png")
    assert_user_error(result, "--label")
    result = run_cli("render", "fold", "--input", tmp_path / "five.png")
    assert_user_error(result, "--input feeds your own digit to")
    result = run_cli("render", "neurons", "--label", "5")
    assert_user_error(result, "give --input IMAGE too")


def test_the_render_cache_tells_own_digits_apart(mnist_run):
    from nnexplain.app.catalog import get_scene
    from nnexplain.app.job import RenderJob
    from nnexplain.app.options import RenderOptions
    from nnexplain.app.render_cache import scene_key

    rng = np.random.default_rng(7)
    one, two = (prepare_digit(on_paper(draw_digit(d, rng))) for d in (1, 2))
    keys = {
        scene_key(RenderJob(get_scene("neurons"), runs, RenderOptions()))
        for runs in (
            SceneRuns(mnist_run),
            SceneRuns(mnist_run).with_own_digit(one),
            SceneRuns(mnist_run).with_own_digit(two),
        )
    }
    assert len(keys) == 3
