"""Render a scene in this process, under a temporary manim config.

manim builds a scene with no arguments, so :func:`render_scene` constructs it,
hands it the runs it draws (:meth:`~nnexplain.scenes.base.run_scene.RunSceneMixin.bind`,
resolved beforehand by :mod:`nnexplain.app.runs`), then renders. manim writes into a
private temporary media directory; each finished file is then renamed into the
output directory under its final name, so concurrent renders never collide and a
failed render leaves earlier files in place.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nnexplain.app.catalog import SceneInfo
from nnexplain.app.options import RenderOptions
from nnexplain.scenes.base.runs import SceneRuns

__all__ = ["RenderResult", "render_scene"]


@dataclass(frozen=True)
class RenderResult:
    path: Path
    sections: list[Path] = field(default_factory=list)


def _move_into(source: Path, target: Path) -> None:
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.move(source, staged)
    os.replace(staged, target)


def render_scene(info: SceneInfo, runs: SceneRuns, options: RenderOptions, out_dir: str | Path, scene_class: type | None = None) -> RenderResult:
    """Render scene ``info`` drawing ``runs`` into ``out_dir``; returns the written files."""
    from manim import tempconfig

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / options.file_name(info.name)
    with tempfile.TemporaryDirectory(prefix="nnexplain-render-") as media:
        with tempconfig(options.manim_config(Path(media))):
            scene = (scene_class or info.load_class())()
            scene.bind(runs)
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
