"""Last-frame graphical tests, in the style of manim's ``frames_comparison``.

A scene is rendered at low resolution with only its last frame written, and the
frame is compared to a control frame committed in ``tests/control_frames/NAME.npz``.
Regenerate the control frames after an intended visual change with::

    make regenerate-frames        # = pytest -m graphical --regenerate-frames

then open the PNG copies it writes next to them and look before committing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

CONTROL = Path(__file__).parent / "control_frames"
WIDTH, HEIGHT = 480, 270
# A pixel differs when a channel moves by more than this; a few may (anti-aliasing, font hinting).
CHANNEL_TOLERANCE = 12
MAX_DIFFERING_FRACTION = 0.002


def render_last_frame(scene_class: type, run_dir: Path, media_dir: Path, **further: Path) -> np.ndarray:
    scene = render_for_test(scene_class, run_dir, media_dir, **further)
    return np.asarray(scene.renderer.get_frame())[..., :3].copy()


def _no_training(recipe: str) -> Path:
    raise AssertionError(f"the test would train the default {recipe} run; give every run it needs")


def scene_runs(scene_class: type, run_dir: Path, **further: Path):
    """The runs of ``scene_class``, resolved, checked and prepared as ``nnexplain render --run DIR --with ROLE=DIR``
    does."""
    from nnexplain.app.catalog import scene_info_of
    from nnexplain.app.runs import prepare_runs, resolve_runs

    info = scene_info_of(scene_class)
    return prepare_runs(info, resolve_runs(info, Path(run_dir), further, default_run=_no_training))


def render_for_test(scene_class: type, run_dir: Path, media_dir: Path, **further: Path):
    """Render ``scene_class`` at test size, writing only its last frame; returns the scene."""
    from manim import tempconfig

    runs = scene_runs(scene_class, run_dir, **further)
    settings = {
        "media_dir": str(media_dir),
        "pixel_width": WIDTH,
        "pixel_height": HEIGHT,
        "frame_rate": 15,
        "format": "png",
        "disable_caching": True,
        "verbosity": "ERROR",
        "progress_bar": "none",
    }
    with tempconfig(settings):
        scene = scene_class()
        scene.bind(runs)
        scene.render()
        return scene


def check_frame(name: str, frame: np.ndarray, regenerate: bool, failure_dir: Path) -> None:
    control_path = CONTROL / f"{name}.npz"
    if regenerate:
        CONTROL.mkdir(exist_ok=True)
        np.savez_compressed(control_path, frame=frame)
        Image.fromarray(frame).save(CONTROL / f"{name}.png")
        return
    assert control_path.exists(), f"no control frame {control_path}; create it with `make regenerate-frames`"
    control = np.load(control_path)["frame"]
    assert frame.shape == control.shape, f"{name}: frame is {frame.shape}, control is {control.shape}"
    differing = np.abs(frame.astype(int) - control.astype(int)).max(axis=2) > CHANNEL_TOLERANCE
    if differing.mean() > MAX_DIFFERING_FRACTION:
        failure_dir.mkdir(parents=True, exist_ok=True)
        Image.fromarray(frame).save(failure_dir / f"{name}-rendered.png")
        Image.fromarray(control).save(failure_dir / f"{name}-control.png")
        Image.fromarray((differing * 255).astype(np.uint8)).save(failure_dir / f"{name}-diff.png")
        raise AssertionError(
            f"{name}: {differing.mean():.2%} of pixels differ from the control frame "
            f"(see {failure_dir}); if the change is intended, run `make regenerate-frames` and look"
        )
