"""Render a scene in this process, under a temporary manim config.

manim builds a scene with no arguments, so the run directory reaches the scene
as a class attribute: :func:`render_scene` renders a one-off subclass whose
``run_dir`` is set. (Plain ``manim scenes/x.py X`` reads ``$NNEXPLAIN_RUN``
instead, or falls back to the cached default run.) manim writes into a private
temporary media directory; each finished file is then renamed into the output
directory under its final name, so concurrent renders never collide and a
failed render leaves earlier files in place.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nnexplain.catalog import SceneInfo
from nnexplain.errors import NnexplainError

__all__ = ["QUALITIES", "FORMATS", "RenderOptions", "RenderResult", "render_scene", "bind_run"]

# name -> (width, height, frames per second), as manim's -ql/-qm/-qh/-qk.
QUALITIES = {
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "high": (1920, 1080, 60),
    "4k": (3840, 2160, 60),
}
FORMATS = ("mp4", "webm", "gif", "png")
# GIFs go into slides: keep them small enough to embed.
GIF_MAX_WIDTH, GIF_MAX_FPS = 960, 15


@dataclass(frozen=True)
class RenderOptions:
    quality: str = "low"
    fmt: str = "mp4"
    fps: int | None = None
    resolution: tuple[int, int] | None = None
    transparent: bool = False
    sections: bool = False

    def __post_init__(self) -> None:
        if self.transparent and self.fmt not in ("webm", "png"):
            raise NnexplainError(
                f"--transparent needs --format webm (VP9 with alpha) or png, not {self.fmt}; "
                "mp4 (H.264) and gif cannot hold an alpha channel"
            )
        if self.sections and self.fmt not in ("mp4", "webm"):
            raise NnexplainError(f"--sections writes video clips: use --format mp4 or webm, not {self.fmt}")
        if self.resolution and any(side < 16 or side % 2 for side in self.resolution):
            raise NnexplainError(f"--resolution {self.resolution[0]}x{self.resolution[1]}: both sides must be even and at least 16")

    def size_and_rate(self) -> tuple[int, int, int]:
        width, height, fps = QUALITIES[self.quality]
        if self.resolution:
            width, height = self.resolution
        elif self.fmt == "gif" and width > GIF_MAX_WIDTH:
            width, height = GIF_MAX_WIDTH, round(GIF_MAX_WIDTH * height / width / 2) * 2
        if self.fps:
            fps = self.fps
        elif self.fmt == "gif":
            fps = min(fps, GIF_MAX_FPS)
        return width, height, fps

    def stem(self, scene: str) -> str:
        width, height, fps = self.size_and_rate()
        if self.resolution is None:
            size = f"{height}p" + ("" if self.fmt == "png" else str(fps))
        else:
            size = f"{width}x{height}" + ("" if self.fmt == "png" else f"-{fps}fps")
        return f"{scene}-{size}{'-alpha' if self.transparent else ''}"

    def file_name(self, scene: str) -> str:
        return f"{self.stem(scene)}.{self.fmt}"

    def manim_config(self, media_dir: Path) -> dict:
        width, height, fps = self.size_and_rate()
        settings = {
            "media_dir": str(media_dir),
            "pixel_width": width,
            "pixel_height": height,
            "frame_rate": fps,
            "format": self.fmt,
            "transparent": self.transparent,
            "save_sections": self.sections,
            "disable_caching": True,
            "verbosity": "WARNING",
            "progress_bar": "none",
            "output_file": "scene",
        }
        if self.fmt == "mp4":
            # H.264 in yuv420p is what PowerPoint, Keynote and every browser play.
            settings.update(video_codec="libx264", pixel_format="yuv420p")
        return settings


@dataclass(frozen=True)
class RenderResult:
    path: Path
    sections: list[Path] = field(default_factory=list)


def bind_run(scene_class: type, run_dir: str | Path, **attributes) -> type:
    """A subclass of ``scene_class`` that draws ``run_dir`` (manim takes no constructor arguments)."""
    return type(scene_class.__name__, (scene_class,), {"run_dir": Path(run_dir), **attributes})


def _move_into(source: Path, target: Path) -> None:
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.move(source, staged)
    os.replace(staged, target)


def render_scene(info: SceneInfo, run_dir: str | Path, options: RenderOptions, out_dir: str | Path, scene_class: type | None = None) -> RenderResult:
    """Render scene ``info`` from ``run_dir`` into ``out_dir``; returns the written files."""
    from manim import tempconfig

    bound = bind_run(scene_class or info.load_class(), run_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / options.file_name(info.name)
    with tempfile.TemporaryDirectory(prefix="nnexplain-render-") as media:
        with tempconfig(options.manim_config(Path(media))):
            scene = bound()
            scene.render()
            writer = scene.renderer.file_writer
            produced = Path(writer.image_file_path if writer.output_spec.is_still else writer.movie_file_path)
            section_dir = writer.sections_output_dir if options.sections else None
        sections = _collect_sections(section_dir, out_dir / f"{options.stem(info.name)}-sections", options.fmt) if section_dir else []
        _move_into(produced, target)
    return RenderResult(target, sections)


def _collect_sections(section_dir: Path, destination: Path, fmt: str) -> list[Path]:
    """Copy manim's per-section clips out as NN-beat-name.FORMAT, in order."""
    index = json.loads(next(section_dir.glob("*.json")).read_text())
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    names = []
    for number, section in enumerate(s for s in index if s["name"] != "autocreated" or _has_frames(s)):
        slug = "".join(c if c.isalnum() else "-" for c in section["name"].lower()).strip("-")
        name = f"{number:02d}-{slug}.{fmt}"
        shutil.move(section_dir / section["video"], staging / name)
        names.append(name)
    if destination.exists():
        shutil.rmtree(destination)
    os.replace(staging, destination)
    return [destination / name for name in names]


def _has_frames(section: dict) -> bool:
    return float(section.get("duration", "0") or 0) > 0
