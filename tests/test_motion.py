"""The motion check (tests/motion.py): it fires on a one-frame change of most of a plot, and the plane
scenes play none."""

from pathlib import Path

import numpy as np
import pytest
from fixture_runs import default_fixtures
from frames import scene_runs
from motion import cuts_in, find_cuts, meter_scene, panel_region

BACKGROUND = np.array([12, 16, 20], np.uint8)


def picture(angle: float, size: int = 120) -> np.ndarray:
    """A fan of bright spokes on the background, turned by ``angle``: a plot of thin lines, like a grid."""
    frame = np.tile(BACKGROUND, (size, size, 1))
    radius = np.linspace(0, size / 2 - 2, 4 * size)
    for spoke in range(5):
        a = angle + spoke * 0.35
        rows = (size / 2 + radius * np.sin(a)).astype(int)
        cols = (size / 2 + radius * np.cos(a) * (0.4 + 0.1 * spoke)).astype(int)
        frame[rows, cols] = 230
    return frame


def test_a_still_picture_replaced_by_its_mirror_image_in_one_frame_is_a_cut():
    still, mirrored = picture(0.3), picture(0.3)[::-1]
    frames = [still] * 10 + [mirrored] * 10
    cuts = cuts_in(frames, fps=15)
    assert [(cut.frame, cut.time) for cut in cuts] == [(9, 0.67)]
    assert cuts[0].share > 0.9


def test_the_same_change_over_several_frames_is_no_cut():
    """Turning the fan by the same amount as fast as four frames: every frame changes most pixels, none is a spike."""
    frames = [picture(0.3)] * 5 + [picture(0.3 + 0.5 * k) for k in range(1, 5)] + [picture(2.3)] * 5
    assert cuts_in(frames, fps=15) == []


def test_a_cut_outside_the_region_is_not_counted():
    frame = picture(0.3)
    changed = frame.copy()
    changed[:, 60:] = changed[:, 60:][::-1]  # only the right half jumps
    frames = [frame] * 5 + [changed] * 5
    assert cuts_in(frames, 15, region=(0.0, 0.5, 0.0, 1.0)) == []
    assert len(cuts_in(frames, 15, region=(0.5, 1.0, 0.0, 1.0))) == 1


def render_metered(scene_class: type, run_dir: Path, media_dir: Path, fps: int = 15, **further: Path):
    """Render ``scene_class`` at 256 × 144, ``fps`` frames a second, measuring every frame inside its panel."""
    from manim import tempconfig

    runs = scene_runs(scene_class, run_dir, **further)
    settings = {
        "media_dir": str(media_dir),
        "pixel_width": 256,
        "pixel_height": 144,
        "frame_rate": fps,
        "disable_caching": True,
        "verbosity": "ERROR",
        "progress_bar": "none",
    }
    with tempconfig(settings):
        scene = scene_class()
        scene.bind(runs)
        meter = meter_scene(scene, panel_region)
        scene.render()
    return np.array(meter.shares)


@pytest.mark.parametrize(
    "module, class_name, fixture",
    [("fold", "Fold", "spiral"), ("linear_collapse", "LinearCollapse", "spiral-linear")],
)
def test_the_plane_scenes_play_no_cuts(module, class_name, fixture, data_dir, tmp_path):
    """Both runs have a layer with det W < 0 (spiral: W₂; spiral-linear: W₂ and W₃), which the scenes once
    played as a jump to the mirror image, and this test caught (fold: 18.87 s and, rewinding, 68.20 s;
    linear-collapse: 13.40, 25.67, 37.40, 38.60, 62.20, 63.40 s); now each is a turn through 3-D."""
    import importlib

    scene_class = getattr(importlib.import_module(f"nnexplain.scenes.{module}"), class_name)
    further = default_fixtures("linear-collapse").further if module == "linear_collapse" else {}
    shares = render_metered(scene_class, data_dir / fixture, tmp_path, **further)
    assert len(shares) > 15 * 30  # the whole video was measured
    assert find_cuts(shares, 15) == []
