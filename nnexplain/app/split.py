"""One scene rendered by several processes: contiguous ranges of its animations, joined without re-encoding.

manim writes every animation of a scene as its own partial movie file and joins
them at the end by remuxing (no re-encoding). With ``from_animation_number`` and
``upto_animation_number`` a process renders only a range of the animations,
running the ones before it without drawing them, so the scene's state where the
range starts is what a single process would have. So a render is split in three:

1. **plan**: the scene runs once with every animation skipped (seconds), which gives
   its animations' count, their durations and the beats (sections) they fall in;
2. **parts**: the animations are cut at beat boundaries into contiguous ranges of
   about equal length, and each range is rendered by its own process (or is taken
   from the render cache, :mod:`nnexplain.app.render_cache`);
3. **join**: the scene runs once more with every animation skipped, and manim's own
   joining code is handed the parts' files in place of the ones it skipped, so the
   video, its sections and its format (mp4, webm with alpha, gif) come out as a
   single process makes them, frame for frame.

A scene whose construct() is not the same in every process (its animation count or
beats differ) is not split: the render falls back to one process, with a note.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from nnexplain.app.job import RenderJob

__all__ = ["Plan", "Part", "NotDeterministic", "plan_scene", "cut", "render_part", "join_parts", "record_whole"]

SKIP_ALL = 10**9  # a from_animation_number past every animation: construct() runs, nothing is drawn


class NotDeterministic(Exception):
    """The scene's animations came out differently in another process."""


@dataclass(frozen=True)
class Plan:
    durations: tuple[float, ...]  # seconds of video, per animation
    beats: tuple[tuple[str, int], ...]  # (section name, animations in it), in order

    @property
    def count(self) -> int:
        return len(self.durations)

    def boundaries(self) -> list[int]:
        """Animation indices where a beat starts (0 and the end included)."""
        edges, at = [0], 0
        for _, size in self.beats:
            at += size
            edges.append(at)
        return sorted(set(edges))


@dataclass(frozen=True)
class Part:
    start: int  # first animation index
    stop: int  # one past the last
    files: tuple[Path, ...]  # one partial movie file per animation of the range


def _instrumented(scene_class: type, on_scene: Callable) -> type:
    """``scene_class`` with a hook at tear-down (after construct(), before manim joins the files)."""

    class Instrumented(scene_class):
        def tear_down(self):
            super().tear_down()
            on_scene(self)

    Instrumented.__name__ = scene_class.__name__
    Instrumented.__qualname__ = scene_class.__qualname__
    return Instrumented


def _run(job: RenderJob, settings: dict, on_scene: Callable):
    """Render the job's scene under manim ``settings``, timing its animations and calling ``on_scene`` at tear-down."""
    from manim import tempconfig

    with tempconfig(settings):
        scene = _instrumented(_timing(job.load_class()), on_scene)()
        job.bind(scene)
        scene.render()
        return scene


def _durations(scene) -> list[float]:
    # Every animation went through play() (wait() too); skipped ones still advance the clock.
    return getattr(scene, "_split_durations", [])


def plan_scene(job: RenderJob, media: Path) -> Plan:
    """The scene's animations and beats, from one pass that draws nothing."""
    found: dict = {}

    def record(scene) -> None:
        writer = scene.renderer.file_writer
        found["beats"] = tuple((section.name, len(section.partial_movie_files)) for section in writer.sections)
        found["count"] = scene.renderer.num_plays

    settings = {**job.options.manim_config(media), "from_animation_number": SKIP_ALL, "save_sections": False}
    scene = _run(job, settings, record)
    durations = tuple(_durations(scene))
    if len(durations) != found["count"] or sum(size for _, size in found["beats"]) != found["count"]:
        raise NotDeterministic("the planning pass lost count of the scene's animations")
    return Plan(durations, found["beats"])


def _timing(scene_class: type) -> type:
    """``scene_class`` recording each animation's run time, drawn or skipped alike (manim's ``duration``)."""

    class Timed(scene_class):
        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            self.__dict__.setdefault("_split_durations", []).append(float(self.duration))

    Timed.__name__ = scene_class.__name__
    Timed.__qualname__ = scene_class.__qualname__
    return Timed


def cut(plan: Plan, jobs: int) -> list[tuple[int, int]]:
    """At most ``jobs`` contiguous ranges of animations, cut at beat boundaries, of about equal duration."""
    edges = plan.boundaries()
    total = sum(plan.durations) or 1.0
    ranges, start = [], 0
    for part in range(1, jobs):
        goal = total * part / jobs
        best = min(
            (edge for edge in edges if start < edge < plan.count),
            key=lambda e: abs(sum(plan.durations[:e]) - goal),
            default=None,
        )
        if best is not None and best > start:
            ranges.append((start, best))
            start = best
    ranges.append((start, plan.count))
    return [(a, b) for a, b in ranges if b > a]


def render_part(job: RenderJob, plan: Plan, span: tuple[int, int], media: Path, out: Path) -> Part:
    """Render animations ``span`` of the scene; their partial movie files are copied into ``out``."""
    start, stop = span
    seen: dict = {}

    def collect(scene) -> None:
        writer = scene.renderer.file_writer
        seen["files"] = list(writer.partial_movie_files)
        seen["beats"] = [(section.name, len(section.partial_movie_files)) for section in writer.sections]
        seen["plays"] = scene.renderer.num_plays

    span_only = {"from_animation_number": start, "upto_animation_number": stop - 1, "save_sections": False}
    settings = {**job.options.manim_config(media), **span_only}
    scene = _run(job, settings, collect)
    files = seen["files"][start:stop]
    same_story = tuple(_durations(scene)[:stop]) == plan.durations[:stop] and _same_beats(seen["beats"], plan, stop)
    if seen["plays"] != stop or len(files) != stop - start or any(file is None for file in files) or not same_story:
        raise NotDeterministic(f"animations {start}-{stop - 1} came out differently in another process")
    out.mkdir(parents=True, exist_ok=True)
    copies = []
    for index, file in zip(range(start, stop), files):
        copy = out / f"{index:05d}{Path(file).suffix}"
        shutil.copyfile(file, copy)
        copies.append(copy)
    return Part(start, stop, tuple(copies))


def _same_beats(beats: list[tuple[str, int]], plan: Plan, stop: int) -> bool:
    """The beats a process saw up to animation ``stop`` are the plan's."""
    expected, at = [], 0
    for name, size in plan.beats:
        if at >= stop and size:
            break
        expected.append((name, min(size, stop - at)))
        at += size
    seen = [(name, size) for name, size in beats]
    return [b for b in seen if b[1]] == [b for b in expected if b[1]]


def join_parts(job: RenderJob, plan: Plan, parts: list[Part], media: Path):
    """Run the scene with every animation skipped and let manim join the parts' files; returns the scene."""
    files = [str(file) for part in sorted(parts, key=lambda p: p.start) for file in part.files]
    if len(files) != plan.count:
        raise NotDeterministic("the parts do not cover the scene's animations")

    def inject(scene) -> None:
        writer = scene.renderer.file_writer
        if len(writer.partial_movie_files) != plan.count or tuple(_durations(scene)) != plan.durations:
            raise NotDeterministic("the scene's animations came out differently when joining")
        writer.partial_movie_files[:] = files
        at = 0
        for section in writer.sections:
            size = len(section.partial_movie_files)
            section.partial_movie_files[:] = files[at : at + size]
            at += size

    settings = {**job.options.manim_config(media), "from_animation_number": SKIP_ALL}
    return _run(job, settings, inject)


def record_whole(job: RenderJob, media: Path, record: dict):
    """Render the scene in one process, and note its plan and all its files as one part (for the cache)."""

    def collect(scene) -> None:
        writer = scene.renderer.file_writer
        record["beats"] = tuple((section.name, len(section.partial_movie_files)) for section in writer.sections)
        record["files"] = list(writer.partial_movie_files)

    scene = _run(job, job.options.manim_config(media), collect)
    files = record["files"]
    if files and all(file is not None for file in files):
        record["plan"] = Plan(tuple(_durations(scene)), record["beats"])
        record["part"] = Part(0, len(files), tuple(Path(file) for file in files))
    return scene
