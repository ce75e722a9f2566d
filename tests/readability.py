"""Checks of what a scene shows over its whole length, read from the scene's state, not its pixels.

:func:`render_watched` renders a scene writing only its last frame (so every
animation is skipped but the scene's clock still runs) and, after every ``play``
and ``wait``, notes each text on screen with its size. :func:`small_texts` lists
those under about 14 pixels tall at 480p; :func:`short_captions` the lines of
narration (``scene.narrator.log``, see :mod:`nnexplain.scenes.base.narration`) held
less than their reading time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from conftest import DATA
from fixture_runs import SceneRunDirs
from frames import render_for_test

from nnexplain.app.catalog import SCENES

# The renders the checks read (conftest's watched_case): every scene on its default runs' fixtures (conftest's
# default_runs), and runs that draw differently. case -> (scene, runs; None: the default runs' fixtures).
CASES = {name: (name, None) for name in SCENES} | {
    "neurons-relu": ("neurons", SceneRunDirs(DATA / "mnist-relu")),
    "fold-failing": ("fold", SceneRunDirs(DATA / "spiral-relu")),
    "fold-pca": ("fold", SceneRunDirs(DATA / "circles-3")),  # three hidden units, drawn through a projection
}

MIN_TEXT_PIXELS = 14.0  # capital-letter height at 480p, where a frame 8 units tall is 480 pixels
PIXELS_PER_UNIT_480P = 480 / 8


@dataclass(frozen=True)
class SeenText:
    text: str
    pixels: float  # capital-letter height at 480p
    time: float
    narration: bool = False  # part of a line's caption in one of the scene's narration slots
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # its visible parts' x and y extent, scene units


def _cap_height_per_point(kind: str) -> float:
    """Scene units per font point of a capital H, measured once per kind of text."""
    from nnexplain.mobjects.style import Theme, formula, label

    cached = _CAP_HEIGHTS.get(kind)
    if cached is None:
        sample = label("H", Theme(), 100) if kind == "text" else formula("H", Theme(), 100)
        cached = _CAP_HEIGHTS[kind] = sample.height / 100
    return cached


_CAP_HEIGHTS: dict[str, float] = {}


def _shown_parts(mobject) -> list:
    return [
        part
        for part in mobject.family_members_with_points()
        if part.get_fill_opacity() > 0.05 or part.get_stroke_opacity() > 0.05
    ]


def _visible(mobject) -> bool:
    return bool(_shown_parts(mobject))


def _box(mobject) -> tuple[float, float, float, float]:
    points = np.concatenate([part.points for part in _shown_parts(mobject)])
    low, high = points.min(axis=0), points.max(axis=0)
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def texts_on_screen(scene) -> list[SeenText]:
    from manim import MathTex, MathTypst, Text

    in_narration_slots = {
        id(part)
        for slot, caption in getattr(scene, "caption_mobjects", {}).items()
        if slot in getattr(scene, "narration_slots", ())
        for part in caption.get_family()
    }
    seen = []
    for top in scene.mobjects:
        for mobject in top.get_family():
            if isinstance(mobject, Text):
                kind, name = "text", mobject.original_text
            elif isinstance(mobject, (MathTypst, MathTex)):
                kind, name = "formula", getattr(mobject, "typst_source", None) or str(mobject)
            else:
                continue
            if mobject.height == 0 or not _visible(mobject):
                continue
            with np.errstate(all="ignore"):
                size = float(mobject.font_size)
            if not np.isfinite(size):  # an empty text, later filled by become()
                continue
            pixels = size * _cap_height_per_point(kind) * PIXELS_PER_UNIT_480P
            narrated = id(mobject) in in_narration_slots
            seen.append(SeenText(name, pixels, float(scene.renderer.time), narrated, _box(mobject)))
    return seen


def render_watched(scene_class: type, run_dir: Path, media_dir: Path, **further: Path):
    """Render ``scene_class`` (last frame only), noting the texts on screen after every play and wait."""
    seen: list[SeenText] = []

    class Watched(scene_class):
        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            seen.extend(texts_on_screen(self))

        def wait(self, *args, **kwargs):
            super().wait(*args, **kwargs)
            seen.extend(texts_on_screen(self))

    Watched.__name__ = scene_class.__name__
    scene = render_for_test(Watched, run_dir, media_dir, **further)
    scene.seen_texts = seen
    return scene


@dataclass
class WatchedScene:
    """What the checks read from a watched render, kept once it ends (the scene itself, with its mobjects, is let go):
    the texts seen, the narrator's log and the beats with their lines."""

    seen_texts: list[SeenText]
    log: list = field(default_factory=list)  # the narrator's lines, in order (scene.narrator.log)
    beat_log: list = field(default_factory=list)

    @property
    def narrator(self):
        return self  # short_captions reads scene.narrator.log, as of a scene

    @classmethod
    def of(cls, scene) -> WatchedScene:
        return cls(scene.seen_texts, list(scene.narrator.log), list(scene.beat_log))


def small_texts(scene, floor: float = MIN_TEXT_PIXELS) -> list[str]:
    """Each text seen under ``floor`` pixels, once, with its size."""
    small = {}
    for seen in scene.seen_texts:
        if seen.pixels < floor - 1e-6:
            small.setdefault(seen.text, seen.pixels)
    return [f"{text!r}: {pixels:.1f} px" for text, pixels in small.items()]


def short_captions(scene) -> list[str]:
    """Each line of narration held less than its reading time (one second per three words), drawn or not."""
    from nnexplain.scenes.base.narration import reading_seconds, words

    return [
        f"{line.slot or 'narrated'}: {line.text!r} ({words(line.text)} words) held {line.held:.2f} s, "
        f"needs {reading_seconds(line.text):.2f} s"
        for line in scene.narrator.log
        if line.held < reading_seconds(line.text) - 1e-3
    ]


LONGEST_LABEL = 5  # words a label may share with the narration (a heading, a number with its name)


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"[\w.%−+-]+", text.lower())


def paragraphs_drawn(seen_texts, narrated: list[str]) -> list[str]:
    """The paragraphs seen (two lines or more) outside the narration slots that repeat more than
    LONGEST_LABEL consecutive words of a narrated line: text that voice and presenter modes would leave
    in the picture, though the voice or the presenter says it."""
    said = [" " + " ".join(_words(line)) + " " for line in narrated]
    found = []
    for text in sorted({seen.text for seen in seen_texts if "\n" in seen.text.strip() and not seen.narration}):
        words = _words(text)
        for start in range(len(words) - LONGEST_LABEL):
            stretch = " " + " ".join(words[start : start + LONGEST_LABEL + 1]) + " "
            if any(stretch in line for line in said):
                found.append(text)
                break
    return found
