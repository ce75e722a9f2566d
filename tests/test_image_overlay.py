"""Compositing images only where they have pixels gives manim's own frames, byte for byte."""

import numpy as np
import pytest
from conftest import DATA
from manim import Camera, ImageMobject, Square, tempconfig

import nnexplain.mobjects.style  # noqa: F401  (installs the patch)
from nnexplain.run import load_run


def _weight_images():
    """The first layer's weight images of a real run, as the scene shows them: rotated, overlapping, cut by the frame."""
    weights = load_run(DATA / "mnist-sigmoid").params()[0][0]
    images = []
    for unit, (x, y, angle, scale) in enumerate(
        [(0, 0, 0, 2), (1.5, 0.5, 0.3, 3), (-7.5, 3.8, 0, 4), (6.5, -3.5, 1.0, 3), (0.2, 0.1, 0, 1)]
    ):
        values = weights[unit].reshape(28, 28)
        level = np.uint8(np.clip(128 + 127 * values / np.abs(values).max(), 0, 255))
        rgba = np.dstack(
            [level, 255 - level, np.full_like(level, 90), np.where(np.abs(values) > 0.05, 255, 120).astype(np.uint8)]
        )
        image = ImageMobject(rgba).scale(scale).rotate(angle).move_to([x, y, 0])
        images.append(image)
    return images


def _frame(mobjects, patched: bool) -> np.ndarray:
    overlay, display = Camera.overlay_PIL_image, Camera.display_image_mobject
    if not patched:
        Camera.overlay_PIL_image, Camera.display_image_mobject = overlay.original, display.original
    try:
        camera = Camera()
        camera.capture_mobjects(mobjects)
        return camera.pixel_array.copy()
    finally:
        Camera.overlay_PIL_image, Camera.display_image_mobject = overlay, display


@pytest.mark.parametrize("size", [(480, 270), (1920, 1080)])
def test_frames_with_images_are_byte_for_byte_manims(size):
    with tempconfig({"pixel_width": size[0], "pixel_height": size[1]}):
        scene = [Square(2, fill_opacity=0.8, color="#4FA3F7"), *_weight_images()]
        ours, manims = _frame(scene, True), _frame(scene, False)
    assert ours.any() and np.array_equal(ours, manims)


def test_the_check_can_fail(monkeypatch):
    """A composite that misses the last row and column of each image's box is caught."""
    from PIL import Image

    def too_small(self, pixel_array, image):
        if image.getbbox(alpha_only=True) is None:
            return
        left, top, right, bottom = image.getbbox(alpha_only=True)
        box = (left, top, right - 1, bottom - 1)
        region = pixel_array[box[1] : box[3], box[0] : box[2]]
        region[:, :] = np.asarray(Image.alpha_composite(Image.fromarray(region, mode="RGBA"), image.crop(box)))

    too_small.original = Camera.overlay_PIL_image.original
    monkeypatch.setattr(Camera, "overlay_PIL_image", too_small)
    # Images go through the overlay only on manim's own display path: take it, to test the overlay.
    manims = Camera.display_image_mobject.original
    monkeypatch.setattr(manims, "original", manims, raising=False)
    monkeypatch.setattr(Camera, "display_image_mobject", manims)
    with tempconfig({"pixel_width": 480, "pixel_height": 270}):
        scene = _weight_images()
        assert not np.array_equal(_frame(scene, True), _frame(scene, False))


def test_the_check_can_fail_on_the_warp_too(monkeypatch):
    """Images drawn in place but one pixel row too high are caught."""
    drawn_in_place = Camera.display_image_mobject

    def one_row_up(self, image_mobject, pixel_array):
        return drawn_in_place(self, image_mobject, pixel_array[1:])

    one_row_up.original = drawn_in_place.original
    monkeypatch.setattr(Camera, "display_image_mobject", one_row_up)
    with tempconfig({"pixel_width": 480, "pixel_height": 270}):
        scene = _weight_images()
        assert not np.array_equal(_frame(scene, True), _frame(scene, False))


def test_opaque_and_transparent_images_are_byte_for_byte_manims():
    """The two shortcuts (an opaque piece copied, a transparent image skipped) give manim's frames."""
    rng = np.random.default_rng(3)
    opaque = rng.integers(0, 256, (9, 13, 4), dtype=np.uint8)
    opaque[..., 3] = 255
    transparent = opaque.copy()
    transparent[..., 3] = 0
    with tempconfig({"pixel_width": 480, "pixel_height": 270}):
        scene = [
            Square(3, fill_opacity=0.7, color="#4FA3F7"),
            ImageMobject(opaque).scale(4).move_to([0.3, 0.2, 0]),
            ImageMobject(opaque).scale(3).move_to([6.5, -3.6, 0]),  # cut by the frame
            ImageMobject(transparent).scale(4).move_to([-1, 0, 0]),
        ]
        ours, manims = _frame(scene, True), _frame(scene, False)
    assert ours.any() and np.array_equal(ours, manims)


def test_pillows_composite_of_an_opaque_image_is_the_image():
    """What the opaque shortcut relies on, for every value over every value."""
    from PIL import Image

    values = np.arange(256, dtype=np.uint8)
    under = np.stack(np.broadcast_arrays(values[:, None], values[None, :], values[::-1, None], 255), -1)
    over = np.stack(np.broadcast_arrays(values[None, :], values[:, None], values[None, ::-1], 255), -1)
    under, over = np.ascontiguousarray(under, np.uint8), np.ascontiguousarray(over, np.uint8)
    composite = Image.alpha_composite(Image.fromarray(under, "RGBA"), Image.fromarray(over, "RGBA"))
    assert np.array_equal(np.asarray(composite), over)


def test_an_image_drawn_again_is_warped_again_once_repainted_or_moved():
    """Pieces kept from an earlier frame serve an unchanged image only: a repainted or moved one is warped anew."""
    with tempconfig({"pixel_width": 480, "pixel_height": 270}):
        images = _weight_images()
        scene = [Square(2, fill_opacity=0.8, color="#4FA3F7"), *images]
        first = _frame(scene, True)
        assert np.array_equal(_frame(scene, True), first)  # drawn from the kept pieces
        images[0].pixel_array[..., 0] = 255 - images[0].pixel_array[..., 0]  # repainted in place, as Heatmap.show
        images[1].shift([0.3, 0.1, 0])
        ours, manims = _frame(scene, True), _frame(scene, False)
    assert not np.array_equal(ours, first) and np.array_equal(ours, manims)
