"""Slide decks for the lecture hall: offline reveal.js HTML, PowerPoint, several scenes in one deck.

Every scene marks its teaching beats (:meth:`~nnexplain.scenes.base.run_scene.RunSceneMixin.beat`),
each with a speaker note and whether it loops. :func:`slide_class` turns any scene
class into a manim-slides ``Slide`` whose slides are those beats; :func:`write_deck`
renders one or more scenes that way (in parallel processes when asked) and converts
them with manim-slides' own converters:

- HTML: its reveal.js template, with reveal.js served from the files vendored in
  ``nnexplain/app/revealjs`` (copied next to the deck), so nothing is fetched when
  the deck is built or opened; ``one_file`` inlines them, and the clips, into one file;
- PPTX: its PowerPoint converter (python-pptx), one slide per beat with its clip
  set to play on entry and the note in the notes pane.

    from nnexplain.app.slides import slide_class
    NeuronsSlides = slide_class(Neurons)     # a manim-slides Slide; bind runs before render()
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nnexplain.app.catalog import SceneInfo, get_scene
from nnexplain.app.job import keep_typeset_text, speaker_for
from nnexplain.app.options import RenderOptions
from nnexplain.errors import NnexplainError
from nnexplain.scenes.base.runs import SceneRuns
from nnexplain.speech.timing import Chunk

__all__ = ["DeckPart", "assign_runs", "check_deck_format", "require_slides", "slide_class", "write_deck", "REVEALJS"]

REVEALJS = Path(__file__).resolve().parent / "revealjs"  # reveal.js 6.0.1's dist files and licence
DECK_FORMATS = ("html", "pptx")


@dataclass(frozen=True)
class DeckPart:
    """One scene of a deck, with the runs it draws."""

    info: SceneInfo
    runs: SceneRuns


def require_slides(fmt: str = "html") -> None:
    try:
        import manim_slides  # noqa: F401
    except ImportError:
        raise NnexplainError(
            "slides need the optional extra: pip install 'nnexplain[slides]' (it installs manim-slides)"
        ) from None
    if fmt == "pptx":
        try:
            import pptx  # noqa: F401
        except ImportError:
            raise NnexplainError("--format pptx needs python-pptx: pip install 'nnexplain[slides]'") from None


def check_deck_format(fmt: str, one_file: bool) -> None:
    if fmt not in DECK_FORMATS:
        raise NnexplainError(f"unknown deck format {fmt!r}; choose html or pptx")
    if one_file and fmt != "html":
        raise NnexplainError("--one-file applies to HTML decks; a .pptx is one file already")


def slide_class(scene_class: type, output_folder: Path | None = None) -> type:
    """``scene_class`` as a manim-slides Slide: every beat is a slide, with its note and loop flag."""
    from manim import Scene, ThreeDScene
    from manim_slides import Slide, ThreeDSlide

    base = ThreeDSlide if issubclass(scene_class, ThreeDScene) else Slide
    folder = {} if output_folder is None else {"output_folder": Path(output_folder)}

    def __init__(self, *args, **kwargs):
        # Slide.__init__ only sets config["write_to_movie"], which manim 0.22 no longer has
        # (its format setting replaced it); the init past it is manim-slides' own.
        super(Slide, self).__init__(*args, **{**folder, **kwargs})

    def next_section(self, name: str = "unnamed", *args, **kwargs):
        # RunSceneMixin.beat() has just recorded the beat that starts here. A beat's note is its
        # narration, complete only when the beat ends: the slide of the beat before (still
        # manim-slides' current slide config) gets its note now.
        beats = getattr(self, "beat_log", None) or []
        beat = beats[-1] if beats else None
        if beat is None or beat.name != name:
            return Slide.next_slide(self, name, *args, **kwargs)
        if len(beats) > 1:
            self._base_slide_config.notes = beats[-2].note
        return Slide.next_slide(self, name, *args, loop=beat.loop, **kwargs)

    def render(self, *args, **kwargs):
        # Slide.render wraps Scene.render in config changes manim 0.22 rejects
        # (an infinite max_files_cached); caching is off in nnexplain renders anyway.
        Scene.render(self, *args, **kwargs)
        if getattr(self, "beat_log", None):
            self._base_slide_config.notes = self.beat_log[-1].note  # the last slide's, now its beat has ended
        self._save_slides(use_cache=False, flush_cache=False, skip_reversing=self.skip_reversing)

    attributes = {"__init__": __init__, "next_section": next_section, "render": render, "skip_reversing": True}
    return type(f"{scene_class.__name__}Slides", (base, scene_class), attributes)


def _render_part(part: DeckPart, options: RenderOptions, folder: Path) -> str:
    """Render one scene as slides into ``folder``; returns the name manim-slides filed it under."""
    from manim import tempconfig

    logging.getLogger("manim-slides").setLevel(logging.WARNING)  # its per-slide INFO lines drown the output path
    scene_class = slide_class(part.info.load_class(), folder)
    with tempconfig(options.manim_config(folder / "media")):
        scene = scene_class()
        keep_typeset_text()
        scene.bind(part.runs, narration=options.narration, speaker=speaker_for(options))
        scene.render()
        _narrate_slides(scene, options, folder / f"{scene}.json")
        return str(scene)


def _narrate_slides(scene, options: RenderOptions, config_file: Path) -> None:
    """Give each slide's clip its captions (``CLIP.vtt`` beside it) and, voiced, its stretch of the sound."""
    from manim_slides.config import PresentationConfig

    from nnexplain.app.soundtrack import add_sound, soundtrack, video_seconds
    from nnexplain.app.subtitles import narration_cues, vtt

    clips = [slide.file for slide in PresentationConfig.from_file(config_file).slides]
    lengths = [video_seconds(clip) for clip in clips]
    cues = narration_cues(scene.narrator.log, sum(lengths))
    track = soundtrack(scene.narrator.log, speaker_for(options), sum(lengths)) if options.voiced else None
    start = 0.0
    for clip, length in zip(clips, lengths):
        own = [
            Chunk(cue.text, max(0.0, cue.start - start), min(length, cue.end - start))
            for cue in cues
            if cue.start < start + length and cue.end > start
        ]
        clip.with_suffix(".vtt").write_text(vtt([cue for cue in own if cue.end > cue.start]), encoding="utf-8")
        if track is not None:
            add_sound(clip, track, start)
        start += length


def write_deck(
    parts: list[DeckPart],
    options: RenderOptions,
    out: Path,
    name: str,
    fmt: str = "html",
    one_file: bool = False,
    jobs: int = 1,
) -> Path:
    """Render ``parts`` in order into one deck, ``out/NAME.html`` (with ``NAME_assets/``) or ``out/NAME.pptx``.

    ``options`` sets the clips' size and rate (mp4, H.264 in yuv420p: what browsers and
    PowerPoint play); ``jobs`` scenes render at once, each in its own process.
    """
    from manim_slides.present import get_scenes_presentation_config

    check_deck_format(fmt, one_file)
    if options.fmt != "mp4" or options.transparent:
        raise NnexplainError("slide decks play mp4 clips (H.264); they take no other format or transparency")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{name}.", dir=out) as scratch:
        folders = [Path(scratch) / f"part-{index}" for index in range(len(parts))]
        if jobs > 1 and len(parts) > 1:
            # A fresh interpreter per worker: manim's config is global to a process.
            from nnexplain.app.interrupts import pool_map  # an interrupt ends every worker

            names = pool_map(_render_part, list(zip(parts, [options] * len(parts), folders)), min(jobs, len(parts)))
        else:
            names = [_render_part(part, options, folder) for part, folder in zip(parts, folders)]
        configs = [get_scenes_presentation_config([scene], folder)[0] for scene, folder in zip(names, folders)]
        built = Path(scratch) / "deck"
        if fmt == "pptx":
            target = _write_pptx(configs, built, name, options)
        else:
            title = ", ".join(part.info.name for part in parts)
            target = _write_html(configs, built, name, one_file, title)
        return _move_deck_into(built, target, out)


def _write_pptx(configs, built: Path, name: str, options: RenderOptions) -> Path:
    from manim_slides import convert

    width, height, _ = options.size_and_rate()
    target = built / f"{name}.pptx"
    # A slide's still (what a handout prints, and what shows before the clip plays) is its beat's own
    # last frame; manim-slides takes the clip's first, which is the previous beat's end.
    first_frame = convert.read_image_from_video_file
    convert.read_image_from_video_file = lambda file, frame_index=None: first_frame(file, convert.FrameIndex.last)
    try:
        convert.PowerPoint(presentation_configs=configs, width=width, height=height).convert_to(target)
    finally:
        convert.read_image_from_video_file = first_frame
    return target


def _write_html(configs, built: Path, name: str, one_file: bool, title: str) -> Path:
    from manim_slides.convert import RevealJS

    assets = f"{name}_assets"
    reveal = f"{assets}/reveal.js"  # relative to the deck, as the template writes {{ cdn_url }}/dist/...
    target = built / f"{name}.html"
    RevealJS(
        presentation_configs=configs, cdn_url=reveal, one_file=one_file, title=title, slide_number="c/t"
    ).convert_to(target)
    _add_captions(target, [slide.file.with_suffix(".vtt") for config in configs for slide in config.slides])
    if one_file:
        _inline_revealjs(target, reveal)
    else:
        shutil.copytree(REVEALJS, built / reveal)
    return target


# reveal.js makes each slide's background <video> itself: a captions track is added to it when its
# slide is shown, from the section's data-captions (a data: URL, which file:// pages may load).
# C toggles the captions.
CAPTIONS_SCRIPT = """
function nnexplainCaptions(event) {
  const slide = event.currentSlide || Reveal.getCurrentSlide();
  const video = slide && slide.slideBackgroundContentElement && slide.slideBackgroundContentElement.querySelector('video');
  if (!video || !slide.dataset.captions || video.querySelector('track')) return;
  const track = document.createElement('track');
  Object.assign(track, {kind: 'captions', srclang: 'en', label: 'Narration', src: slide.dataset.captions, default: true});
  video.appendChild(track);
  track.track.mode = window.nnexplainCaptionsHidden ? 'hidden' : 'showing';
}
Reveal.on('ready', nnexplainCaptions);
Reveal.on('slidechanged', nnexplainCaptions);
Reveal.addKeyBinding({keyCode: 67, key: 'C', description: 'Captions on/off'}, () => {
  window.nnexplainCaptionsHidden = !window.nnexplainCaptionsHidden;
  document.querySelectorAll('.slide-background video').forEach(video => {
    for (const track of video.textTracks) track.mode = window.nnexplainCaptionsHidden ? 'hidden' : 'showing';
  });
});
"""


def _add_captions(deck: Path, captions: list[Path]) -> None:
    """Each slide's captions (WebVTT) as a data: URL on its section, and the script that shows them."""
    import base64

    from bs4 import BeautifulSoup

    soup = BeautifulSoup(deck.read_text(encoding="utf-8"), "html.parser")
    sections = [section for section in soup.find_all("section") if section.get("data-background-video")]
    for section, vtt_file in zip(sections, captions):
        if vtt_file.exists():
            encoded = base64.b64encode(vtt_file.read_bytes()).decode()
            section["data-captions"] = f"data:text/vtt;base64,{encoded}"
    script = soup.new_tag("script")
    script.string = CAPTIONS_SCRIPT
    soup.body.append(script)
    deck.write_text(str(soup), encoding="utf-8")


def _inline_revealjs(deck: Path, reveal: str) -> None:
    """Put the vendored reveal.js files into the deck itself, where the template links to them."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(deck.read_text(encoding="utf-8"), "html.parser")
    for tag, attribute in (("link", "href"), ("script", "src")):
        for element in soup.find_all(tag):
            link = element.get(attribute) or ""
            if not link.startswith(reveal + "/"):
                continue
            text = (REVEALJS / link[len(reveal) + 1 :]).read_text(encoding="utf-8")
            inline = soup.new_tag("style" if tag == "link" else "script")
            inline.string = text
            element.replace_with(inline)
    deck.write_text(str(soup), encoding="utf-8")


def _move_deck_into(built: Path, target: Path, out: Path) -> Path:
    """Rename the finished deck (and its assets folder) into ``out``, replacing an earlier deck of that name."""
    for item in sorted(built.iterdir()):
        destination = out / item.name
        if destination.is_dir() and not destination.is_symlink():
            retired = out / f".{item.name}.{os.getpid()}.old"
            destination.rename(retired)
            os.replace(item, destination)
            shutil.rmtree(retired)
        else:
            os.replace(item, destination)
    return out / target.name


def assign_runs(scenes: list[str], run_values: tuple[str, ...], with_values: tuple[str, ...]) -> dict[str, tuple]:
    """Which runs each scene of a deck was given on the command line: scene -> (main DIR or None, {role: DIR}).

    ``--run SCENE=DIR`` (or a plain ``DIR`` when the deck has one scene) and
    ``--with SCENE:ROLE=DIR`` (or ``ROLE=DIR`` for every scene in the deck that reads ROLE).
    """
    repeated = sorted({scene for scene in scenes if scenes.count(scene) > 1})
    if repeated:
        raise NnexplainError(f"scene {repeated[0]!r} is listed twice; a deck shows each scene once")
    given: dict[str, tuple] = {scene: (None, {}) for scene in scenes}
    in_deck = ", ".join(scenes)
    for value in run_values:
        scene, sep, path = value.partition("=")
        if not sep:
            if len(scenes) > 1:
                raise NnexplainError(f"--run {value}: say which scene it is for, e.g. --run {scenes[0]}={value}")
            scene, path = scenes[0], value
        if scene not in given:
            raise NnexplainError(f"--run {value}: scene {scene!r} is not in this deck ({in_deck})")
        if not path:
            raise NnexplainError(f"--run {value}: no run directory after '='")
        given[scene] = (Path(path), given[scene][1])
    for value in with_values:
        target, sep, path = value.partition("=")
        scene, colon, role = target.rpartition(":") if ":" in target else ("", "", target)
        if not sep or not role or not path:
            raise NnexplainError(f"--with {value}: expected [SCENE:]ROLE=DIR, e.g. relu-sine:linear=runs/sine-linear")
        if colon and scene not in given:
            raise NnexplainError(f"--with {value}: scene {scene!r} is not in this deck ({in_deck})")
        readers = [scene] if colon else [s for s in scenes if any(spec.role == role for spec in get_scene(s).further)]
        if not readers:
            raise NnexplainError(f"--with {value}: no scene in this deck ({in_deck}) reads a {role!r} run")
        for reader in readers:
            get_scene(reader).further_run(role)  # refuses a role the scene does not read
            given[reader][1][role] = Path(path)
    return given
