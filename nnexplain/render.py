"""Render a scene in this process, under a temporary manim config.

manim builds a scene with no arguments, so the run directory reaches the scene
as a class attribute: :func:`render_scene` renders a one-off subclass whose
``run_dir`` is set. (Plain ``manim scenes/x.py X`` reads ``$NNEXPLAIN_RUN``
instead, or falls back to the cached default run.) manim writes into a private
temporary media directory; the finished file is then moved into the output
directory under its final name in one rename, so concurrent renders never
collide and a failed render leaves the old file in place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nnexplain.catalog import SceneInfo

__all__ = ["QUALITIES", "RenderOptions", "render_scene"]

# name -> (width, height, frames per second), as manim's -ql/-qm/-qh/-qk.
QUALITIES = {
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "high": (1920, 1080, 60),
    "4k": (3840, 2160, 60),
}
# GIFs go into slides: keep them small enough to embed.
GIF_MAX_WIDTH, GIF_MAX_FPS = 960, 15


@dataclass(frozen=True)
class RenderOptions:
    quality: str = "low"
    fmt: str = "mp4"

    def size_and_rate(self) -> tuple[int, int, int]:
        width, height, fps = QUALITIES[self.quality]
        if self.fmt == "gif" and width > GIF_MAX_WIDTH:
            width, height = GIF_MAX_WIDTH, round(GIF_MAX_WIDTH * height / width / 2) * 2
        if self.fmt == "gif":
            fps = min(fps, GIF_MAX_FPS)
        return width, height, fps

    def file_name(self, scene: str) -> str:
        width, height, fps = self.size_and_rate()
        suffix = "" if self.fmt == "png" else f"{fps}"
        return f"{scene}-{height}p{suffix}.{self.fmt}"


def manim_config(options: RenderOptions, media_dir: Path) -> dict:
    width, height, fps = options.size_and_rate()
    return {
        "media_dir": str(media_dir),
        "pixel_width": width,
        "pixel_height": height,
        "frame_rate": fps,
        "format": options.fmt,
        "disable_caching": True,
        "verbosity": "WARNING",
        "progress_bar": "none",
        "output_file": "scene",
    }


def _artifact(scene) -> Path:
    writer = scene.renderer.file_writer
    return Path(writer.image_file_path if writer.output_spec.is_still else writer.movie_file_path)


def render_scene(info: SceneInfo, run_dir: str | Path, options: RenderOptions, out_dir: str | Path) -> Path:
    """Render scene ``info`` from ``run_dir`` into ``out_dir``; returns the written file."""
    from manim import tempconfig

    scene_class = info.load_class()
    bound = type(scene_class.__name__, (scene_class,), {"run_dir": Path(run_dir)})
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / options.file_name(info.name)
    with tempfile.TemporaryDirectory(prefix="nnexplain-render-") as media:
        with tempconfig(manim_config(options, Path(media))):
            scene = bound()
            scene.render()
            produced = _artifact(scene)
        staged = out_dir / f".{target.name}.{os.getpid()}.tmp"
        shutil.move(produced, staged)
        os.replace(staged, target)
    return target
