"""Lecture outputs beyond a single video: a contact sheet of beats, and slide decks.

Every built-in scene marks its teaching beats as manim sections
(:meth:`~nnexplain.scenes.base.run_scene.RunSceneMixin.beat`). A contact sheet is the last
frame of each section. A slide deck is the scene rendered as a manim-slides
``Slide`` that pauses at every beat: :func:`slide_class` makes that class from
any scene class, so no scene code is copied.

    from nnexplain.app.export import slide_class
    from nnexplain.scenes.neurons import Neurons
    NeuronsSlides = slide_class(Neurons)     # then: manim-slides render file.py NeuronsSlides
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from nnexplain.app.catalog import SceneInfo
from nnexplain.app.options import RenderOptions
from nnexplain.app.render import render_scene
from nnexplain.errors import NnexplainError
from nnexplain.scenes.base.runs import SceneRuns

__all__ = ["write_contact_sheet", "require_slides", "slide_class", "write_slides"]

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
    with tempfile.TemporaryDirectory(prefix="nnexplain-preview-") as scratch:
        result = render_scene(info, runs, options, scratch)
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


def require_slides() -> None:
    try:
        import manim_slides  # noqa: F401
    except ImportError:
        raise NnexplainError("slides need the optional extra: pip install 'nnexplain[slides]' (it installs manim-slides)") from None


def slide_class(scene_class: type, output_folder: Path | None = None) -> type:
    """``scene_class`` as a manim-slides Slide: every beat (manim section) becomes a pause."""
    from manim import Scene, ThreeDScene
    from manim_slides import Slide, ThreeDSlide

    base = ThreeDSlide if issubclass(scene_class, ThreeDScene) else Slide
    folder = {} if output_folder is None else {"output_folder": Path(output_folder)}

    def __init__(self, *args, **kwargs):
        # Slide.__init__ only sets config["write_to_movie"], which manim 0.22 no longer has
        # (its format setting replaced it); the init past it is manim-slides' own.
        super(Slide, self).__init__(*args, **{**folder, **kwargs})

    def render(self, *args, **kwargs):
        # Slide.render wraps Scene.render in config changes manim 0.22 rejects
        # (an infinite max_files_cached); caching is off in nnexplain renders anyway.
        Scene.render(self, *args, **kwargs)
        self._save_slides(use_cache=False, flush_cache=False, skip_reversing=self.skip_reversing)

    attributes = {"__init__": __init__, "render": render, "skip_reversing": True}  # reveal.js plays forward only
    return type(f"{scene_class.__name__}Slides", (base, scene_class), attributes)


def write_slides(info: SceneInfo, runs: SceneRuns, quality: str, out: Path) -> Path:
    """A reveal.js deck ``out/SCENE.html`` (its clips in ``out/SCENE_assets``)."""
    from manim import tempconfig
    from manim_slides.convert import RevealJS, get_scenes_presentation_config

    import logging

    logging.getLogger("manim-slides").setLevel(logging.WARNING)  # its per-slide INFO lines drown the output path
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nnexplain-slides-") as scratch:
        folder = Path(scratch) / "slides"
        scene_class = slide_class(info.load_class(), folder)
        with tempconfig(RenderOptions(quality=quality).manim_config(Path(scratch) / "media")):
            scene = scene_class()
            scene.bind(runs)
            scene.render()
            name = str(scene)
        configs = get_scenes_presentation_config([name], folder)
        target = out / f"{info.name}.html"
        RevealJS(presentation_configs=configs).convert_to(target)
    return target
