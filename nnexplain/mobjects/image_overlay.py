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
"""

from __future__ import annotations

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
