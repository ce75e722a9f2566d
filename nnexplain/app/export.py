"""A contact sheet: the last frame of every teaching beat of a scene, tiled into one image.

Every scene marks its teaching beats as manim sections
(:meth:`~nnexplain.scenes.base.run_scene.RunSceneMixin.beat`); the sheet renders the
scene small, with one clip per section, and keeps each clip's last frame. Slide
decks are :mod:`nnexplain.app.slides`.
"""

from __future__ import annotations

import os
from pathlib import Path

from nnexplain.app.catalog import SceneInfo
from nnexplain.app.options import RenderOptions
from nnexplain.app.render import RenderJob, render_scene
from nnexplain.app.scratch import scratch_dir
from nnexplain.errors import NnexplainError
from nnexplain.scenes.base.runs import SceneRuns

__all__ = ["write_contact_sheet"]

SHEET_COLUMNS = 3
PREVIEW_FPS = 5  # only each beat's last frame is kept, so few frames are rendered


def _last_frame(video: Path):
    import av

    with av.open(str(video)) as container:
        last = None
        for frame in container.decode(video=0):
            last = frame
    return last.to_image()


def write_contact_sheet(info: SceneInfo, runs: SceneRuns, width: int, out: Path) -> Path:
    """Render ``info`` at ``width`` (16:9) with one clip per beat; tile the beats' last frames into ``out``."""
    from PIL import Image, ImageDraw, ImageFont

    height = round(width * 9 / 16 / 2) * 2
    options = RenderOptions(resolution=(width, height), fps=PREVIEW_FPS, sections=True)
    with scratch_dir("preview") as scratch:
        result = render_scene(RenderJob(info, runs, options), scratch)
        frames = [(clip.stem.split("-", 1)[1].replace("-", " "), _last_frame(clip)) for clip in result.sections]
    if not frames:
        raise NnexplainError(f"scene {info.name!r} marked no beats, so there is nothing to preview")
    caption = 26
    rows = -(-len(frames) // SHEET_COLUMNS)
    sheet = Image.new("RGB", (SHEET_COLUMNS * width, rows * (height + caption)), "#0E1116")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=16)
    for number, (name, frame) in enumerate(frames):
        x, y = (number % SHEET_COLUMNS) * width, (number // SHEET_COLUMNS) * (height + caption)
        sheet.paste(frame, (x, y + caption))
        draw.text((x + 8, y + 4), f"{number + 1}. {name}", fill="#E8E8E8", font=font)
    out.parent.mkdir(parents=True, exist_ok=True)
    staged = out.with_name(f".{out.name}.{os.getpid()}.tmp.png")
    sheet.save(staged)
    os.replace(staged, out)
    return out
