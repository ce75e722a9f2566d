"""What a scene has on screen after each animation, drawn frame by frame or skipped.

A render split over processes (:mod:`nnexplain.app.split`) starts each part by
running the animations before it without drawing them. That gives the frames a
single process draws only if skipping an animation leaves the scene as drawing it
does: the same mobjects, in the same order, with the same points, colours and
widths. Drawing is the oracle; a scene that keeps state between frames (a counter
rebuilt with ``become``, a label placed relative to where it was) fails here, at the
first animation after which the two differ, naming the mobject.

Points are compared to within 1e-9 scene units (a ten-millionth of a pixel at
1080p), so that moving a mobject by a computed offset may round differently;
everything else must be equal.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

POINT_TOLERANCE = 1e-9


def _visible(mobject) -> bool:
    rgbas = [getattr(mobject, name, None) for name in ("fill_rgbas", "stroke_rgbas")]
    return any(r is not None and np.size(r) and np.any(np.asarray(r)[..., 3] > 0) for r in rgbas) or hasattr(
        mobject, "pixel_array"
    )


def _state(scene) -> list[tuple]:
    """Every visible mobject the camera would draw, in drawing order, with what it looks like."""
    rows = []
    for top, mobject in enumerate(scene.mobjects):
        for part in mobject.family_members_with_points():
            if not _visible(part):
                continue
            looks = tuple(
                np.asarray(getattr(part, name), dtype=float).copy()
                for name in (
                    "fill_rgbas",
                    "stroke_rgbas",
                    "background_stroke_rgbas",
                    "stroke_width",
                    "background_stroke_width",
                )
                if hasattr(part, name)
            )
            image = np.asarray(part.pixel_array).copy() if hasattr(part, "pixel_array") else None
            rows.append(
                (
                    f"{type(mobject).__name__} #{top} > {type(part).__name__}",
                    part.z_index,
                    np.array(part.points, dtype=float),
                    looks,
                    image,
                )
            )
    return rows


def states_after_each_animation(scene_class: type, runs, media_dir: Path, skip: bool) -> list[list[tuple]]:
    """The scene's state after each of its animations, drawing every frame or skipping them all."""
    from manim import tempconfig

    states: list[list[tuple]] = []

    class Watched(scene_class):
        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            states.append(_state(self))

    Watched.__name__ = scene_class.__name__
    from frames import HEIGHT, WIDTH

    # The size readability checks at (tests/readability.py): texts are typeset for a frame size (Pango wraps what is
    # wider than the frame), once a process, so at the same size a scene's tests on one worker typeset them once.
    # No pixel is drawn, so the size costs nothing else.
    settings = {
        "media_dir": str(media_dir),
        "pixel_width": WIDTH,
        "pixel_height": HEIGHT,
        "frame_rate": 2,
        "write_to_movie": False,
        "disable_caching": True,
        "verbosity": "ERROR",
        "progress_bar": "none",
    }
    if skip:
        settings["from_animation_number"] = 10**9
    with tempconfig(settings):
        scene = Watched()
        # What is compared is the scene's mobjects, never pixels: drawing each frame only costs time.
        scene.renderer.update_frame = lambda *args, **kwargs: None
        scene.bind(runs)
        scene.render()
    return states


def first_difference(drawn: list[list[tuple]], skipped: list[list[tuple]]) -> str | None:
    """Where skipping first left the scene otherwise than drawing did, in words; None when never."""
    if len(drawn) != len(skipped):
        return f"{len(drawn)} animations drawn, {len(skipped)} skipped"
    for index, (seen, unseen) in enumerate(zip(drawn, skipped)):
        if len(seen) != len(unseen):
            return f"after animation {index}: {len(seen)} visible parts drawn, {len(unseen)} skipped"
        for (name, z, points, looks, image), (other, z2, points2, looks2, image2) in zip(seen, unseen):
            where = f"after animation {index}, {name}"
            if name != other or z != z2:
                return f"{where}: drawn in another order ({other} when skipped)"
            if points.shape != points2.shape or not np.allclose(points, points2, rtol=0, atol=POINT_TOLERANCE):
                moved = np.abs(points - points2).max() if points.shape == points2.shape else "a different shape"
                return f"{where}: points differ ({moved})"
            if any(a.shape != b.shape or not np.array_equal(a, b) for a, b in zip(looks, looks2)):
                return f"{where}: colour or width differs"
            if (image is None) != (image2 is None) or (image is not None and not np.array_equal(image, image2)):
                return f"{where}: image differs"
    return None
