"""A speed-up of manim 0.22's Cairo camera for images: composite only where an image has pixels.

To draw an :class:`~manim.ImageMobject`, the camera pastes it into a transparent image
as large as the frame and alpha-composites that whole frame over the pixel array,
converting the array to an image and back. ``hidden-features`` shows 16 weight images,
so at 1080p60 each frame composited 16 full frames: most of its render time. Where the
frame is opaque (every render but a transparent one), pixels the image does not cover
come out of the composite unchanged, so compositing the image's bounding box alone
gives the same frame, byte for byte (``tests/test_image_overlay.py`` checks it against
manim's own path). Transparent frames keep manim's path. Imported by
:mod:`nnexplain.mobjects.style`, so every scene gets it.

Even so, each image still cost a frame-sized image built and scanned for its
bounding box (about 8 ms at 1080p, times every image on screen, every frame). So
:func:`_display_image_mobject` warps the image as manim does, into the smallest box
that holds it, and composites that box straight onto the frame where it lands: the
same pixels, without the frame-sized detour. Two cases skip Pillow's composite, still the same pixels:
an image wholly transparent (not faded in yet) draws nothing, and where the warped piece is opaque,
the composite is the piece itself (``tests/test_image_overlay.py`` checks both against Pillow).

An image drawn again with the same pixels in the same place (redrawn every frame because something drawn before
it moves: the lines into ``neuron-maps``' input tiles) is not warped again: the piece is kept with what it was
warped from (the image's pixels, its corners on the frame, its resampling, the frame's size), the only things
manim's warp reads.
"""

from __future__ import annotations

import weakref

import numpy as np
from manim.camera.camera import Camera
from PIL import Image

__all__ = ["composite_only_where_drawn"]


def composite_only_where_drawn() -> None:
    original = Camera.overlay_PIL_image
    if getattr(original, "composites_only_where_drawn", False):
        return

    def overlay_PIL_image(self, pixel_array: np.ndarray, image: Image.Image) -> None:
        if self.background_opacity < 1 or pixel_array.ndim != 3 or pixel_array.shape[2] != 4 or image.mode != "RGBA":
            return original(self, pixel_array, image)
        box = image.getbbox(alpha_only=True)
        if box is None:
            return None
        left, top, right, bottom = box
        region = pixel_array[top:bottom, left:right]
        region[:, :] = np.asarray(
            Image.alpha_composite(Image.fromarray(region, mode="RGBA"), image.crop(box)), dtype="uint8"
        )
        return None

    overlay_PIL_image.composites_only_where_drawn = True
    overlay_PIL_image.original = original
    Camera.overlay_PIL_image = overlay_PIL_image
    _display_image_mobject.original = Camera.display_image_mobject
    Camera.display_image_mobject = _display_image_mobject


def _display_image_mobject(self: Camera, image_mobject, pixel_array: np.ndarray) -> None:
    """manim's ``Camera.display_image_mobject`` (0.22), compositing the warped image only where it lands."""
    if self.background_opacity < 1 or pixel_array.ndim != 3 or pixel_array.shape[2] != 4:
        return _display_image_mobject.original(self, image_mobject, pixel_array)
    pixels = image_mobject.get_pixel_array()
    if not pixels[:, :, 3].any():
        return None  # wholly transparent (not faded in yet): manim's warp of it would composite nothing
    target_coords = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
    # The warped piece is a function of these alone: an image drawn again unchanged (redrawn every frame because
    # something under it moves) is not warped again.
    made_from = (
        pixels.shape,
        pixels.tobytes(),
        target_coords.tobytes(),
        image_mobject.resampling_algorithm,
        pixel_array.shape,
    )
    seen = _WARPED.get(image_mobject)
    if seen is not None and seen[0] == made_from:
        placed = seen[1]
    else:
        placed = _warped(pixels, target_coords, image_mobject.resampling_algorithm, pixel_array.shape)
        _WARPED[image_mobject] = (made_from, placed)
    if placed is None:
        return None
    (left, top, right, bottom), piece, opaque = placed
    region = pixel_array[top:bottom, left:right]
    if opaque:  # Pillow's composite gives the image's own pixels (tests/test_image_overlay.py)
        region[:, :] = np.asarray(piece, dtype="uint8")
        return None
    region[:, :] = np.asarray(Image.alpha_composite(Image.fromarray(region, mode="RGBA"), piece), dtype="uint8")
    return None


# image mobject -> (what its piece was warped from, (its box on the frame, the piece, whether it is opaque))
_WARPED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _warped(pixels: np.ndarray, target_coords: np.ndarray, resampling, frame_shape: tuple):
    """manim's warp of ``pixels`` onto ``target_coords`` (subpixel), cut to where it has pixels inside the frame:
    (box, piece, opaque), or None where it draws nothing."""
    sub_image = Image.fromarray(pixels, mode="RGBA")
    original_coords = np.array(
        [[0, 0], [sub_image.width, 0], [0, sub_image.height], [sub_image.width, sub_image.height]]
    )
    int_target_coords = target_coords.astype(np.int64)
    shift_vector = int_target_coords.min(axis=0)
    target_coords = target_coords - shift_vector
    int_target_coords = int_target_coords - shift_vector
    target_size = (int(int_target_coords[:, 0].max()), int(int_target_coords[:, 1].max()))
    # As manim: skip an image too thin to hold a pixel (its perspective coefficients would break).
    ordered = target_coords[[0, 1, 3, 2]]
    sides = np.roll(ordered, -1, axis=0) - ordered
    lengths = np.linalg.norm(sides, axis=1)
    longest = int(np.argmax(lengths))
    if lengths[longest] == 0:
        return None
    previous = sides[(longest - 1) % 4]
    height = abs(sides[longest][0] * previous[1] - sides[longest][1] * previous[0]) / lengths[longest]
    if height < 0.5:
        return None
    rows = []
    for (x, y), (X, Y) in zip(target_coords, original_coords, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -X * x, -X * y])
        rows.append([0, 0, 0, x, y, 1, -Y * x, -Y * y])
    try:
        coefficients = np.linalg.solve(np.array(rows, np.float64), original_coords.reshape(8).astype(np.float64))
    except np.linalg.LinAlgError:
        return None
    warped = sub_image.transform(
        size=target_size,
        method=Image.Transform.PERSPECTIVE,
        data=coefficients,
        resample=resampling,
    )
    box = warped.getbbox(alpha_only=True)
    if box is None:
        return None
    height_px, width_px = frame_shape[:2]
    left, top = max(box[0] + shift_vector[0], 0), max(box[1] + shift_vector[1], 0)
    right, bottom = min(box[2] + shift_vector[0], width_px), min(box[3] + shift_vector[1], height_px)
    if right <= left or bottom <= top:
        return None
    piece = warped.crop(
        (left - shift_vector[0], top - shift_vector[1], right - shift_vector[0], bottom - shift_vector[1])
    )
    lowest, highest = piece.getchannel("A").getextrema()  # the alpha band's alone: a quarter of the scan
    if highest == 0:
        return None
    return (int(left), int(top), int(right), int(bottom)), piece, lowest == 255
