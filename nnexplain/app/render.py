"""Render a scene in this process, under a temporary manim config.

manim builds a scene with no arguments, so :func:`render_scene` constructs it,
hands it the runs it draws (:meth:`~nnexplain.scenes.base.run_scene.RunSceneMixin.bind`,
resolved and prepared beforehand by :mod:`nnexplain.app.runs`), then renders. What to
render is one :class:`~nnexplain.app.job.RenderJob`. manim writes into a
private temporary media directory; each finished file is then renamed into the
output directory under its final name, so concurrent renders never collide and a
failed render leaves earlier files in place.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from nnexplain.app.job import RenderJob
from nnexplain.app.options import RenderOptions
from nnexplain.app.ray_backend import render_parts_on_ray
from nnexplain.app.render_cache import RenderCache, scene_key
from nnexplain.app.scratch import scratch_dir
from nnexplain.app.split import NotDeterministic, Part, Plan, cut, join_parts, plan_scene, record_whole, render_part

__all__ = ["RenderJob", "RenderResult", "render_scene", "render_parts", "default_jobs"]

# Splitting costs a process start, a planning pass and a joining pass (seconds);
# below this many pixels a second it does not pay (benchmarks/render.py, nnexplain bench).
SPLIT_PAYS_FROM = 1280 * 720 * 30


def default_jobs(options: RenderOptions) -> int:
    """As many processes as cores where splitting a render pays, else one."""
    width, height, fps = options.size_and_rate()
    return (os.cpu_count() or 1) if width * height * fps >= SPLIT_PAYS_FROM and options.fmt != "png" else 1


@dataclass(frozen=True)
class RenderResult:
    path: Path
    sections: list[Path] = field(default_factory=list)
    beside: list[Path] = field(default_factory=list)  # the subtitles, .srt and .vtt


@contextmanager
def _staged(target: Path) -> Iterator[Path]:
    """A hidden name beside ``target`` to write to, renamed onto it when done; removed if anything fails
    (an interrupt too), the earlier ``target`` kept. A failed write names ``target``, the path the user gave."""
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield staged
        os.replace(staged, target)
    except BaseException as error:
        staged.unlink(missing_ok=True)
        if isinstance(error, OSError) and error.errno is not None and _at(error, staged):
            raise OSError(error.errno, error.strerror, str(target)) from None  # not our hidden name: theirs
        raise


def _at(error: OSError, staged: Path) -> bool:
    """Whether writing ``staged`` is what failed (a full disk fails at the destination, whatever a copy names)."""
    return str(staged) in (str(error.filename), str(error.filename2)) or error.errno in (
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EFBIG,
    )


def _move_into(source: Path, target: Path) -> None:
    with _staged(target) as staged:
        shutil.move(source, staged)


def render_scene(
    job: RenderJob,
    out_dir: str | Path,
    cache: RenderCache | None = None,
    note: Callable[[str], None] = lambda text: None,
) -> RenderResult:
    """Render ``job`` into ``out_dir``; returns the written files.

    ``job.jobs`` > 1 renders ranges of the scene's animations in that many processes
    (:mod:`nnexplain.app.split`; ``job.backend == "ray"`` on a Ray cluster) and joins them;
    ``cache`` reuses parts rendered before (:mod:`nnexplain.app.render_cache`); ``note``
    is told when a render could not be split.
    """
    options, name = job.options, job.info.name
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / options.file_name(name)
    if options.fmt == "png":  # one frame: nothing to split or reuse
        cache = None
    key = scene_key(job) if cache else None
    cached = cache.final(key) if cache else None
    if cached:  # nothing changed since this was rendered
        video, clips, beside = cached
        _copy_into(video, target)
        for side_file in beside:  # subtitles
            _copy_into(side_file, target.with_suffix(side_file.suffix))
        sections = _copy_sections(clips, out_dir / f"{options.stem(name)}-sections") if options.sections else []
        return RenderResult(target, sections, [target.with_suffix(f.suffix) for f in beside])
    with scratch_dir("render") as scratch:
        scene = _draw(job, scratch, cache, key, note)
        writer = scene.renderer.file_writer
        produced = Path(writer.image_file_path if writer.output_spec.is_still else writer.movie_file_path)
        section_dir = writer.sections_output_dir if options.sections else None
        clips = out_dir / f"{options.stem(name)}-sections"
        sections = _collect_sections(section_dir, clips, options.fmt) if section_dir else []
        side_files = _narrate(job, scene, produced, sections, note)
        _move_into(produced, target)
        beside = [target.with_suffix(side_file.suffix) for side_file in side_files]
        for side_file, destination in zip(side_files, beside):  # after the video: a full disk names the video
            _copy_into(side_file, destination)
    if cache:
        cache.store_final(key, target, sections, beside)
    return RenderResult(target, sections, beside)


def _narrate(job: RenderJob, scene, video: Path, sections: list[Path], note) -> list[Path]:
    """Lay the narration under and beside a rendered video: its sound, burnt-in subtitles, and its .srt and
    .vtt written beside it in the scratch folder (the caller copies them out with the video)."""
    from nnexplain.app.soundtrack import add_sound, soundtrack, video_seconds
    from nnexplain.app.subtitles import narration_cues, write_subtitles

    options = job.options
    if options.fmt == "png":
        return []
    lines = scene.narrator.log
    seconds = video_seconds(video)
    cues = narration_cues(lines, seconds)
    if options.burn_subtitles:
        from nnexplain.app.burn import burn_subtitles

        burn_subtitles(video, cues)
    if options.narration == "voice" and options.fmt == "gif":
        note("a gif has no sound: the narration is in the subtitles beside it")
    if options.voiced:
        track = soundtrack(lines, job.speaker(), seconds)
        add_sound(video, track)
        offset = 0.0
        for clip in sections:  # each beat's clip carries its stretch of the track
            add_sound(clip, track, offset)
            offset += video_seconds(clip)
    return list(write_subtitles(cues, video))


def _copy_into(source: Path, target: Path) -> None:
    with _staged(target) as staged:
        shutil.copyfile(source, staged)


@contextmanager
def _staged_folder(destination: Path) -> Iterator[Path]:
    """A hidden folder beside ``destination``, renamed onto it when done, removed if anything fails."""
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        yield staging
        if destination.exists():
            shutil.rmtree(destination)
        os.replace(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _copy_sections(clips: list[Path], destination: Path) -> list[Path]:
    with _staged_folder(destination) as staging:
        for clip in clips:
            shutil.copyfile(clip, staging / clip.name)
    return [destination / clip.name for clip in clips]


def _draw(job: RenderJob, scratch: Path, cache: RenderCache | None, key: str | None, note: Callable[[str], None]):
    """Render the scene in ``scratch``; returns the finished scene (its writer knows the files).

    ``cache`` and ``key`` come together: both or neither (a png, or ``--no-cache``)."""
    plan = cache.plan(key) if cache else None
    if job.options.fmt != "png" and (plan is not None or job.jobs > 1):
        try:
            return _in_parts(job, scratch, cache, key, plan)
        except NotDeterministic as problem:
            note(f"rendered in one process, not split: {problem}")
    media = scratch / "whole-again" if plan else scratch / "whole"
    if cache is None:
        return _whole(job, media)
    recorded: dict = {}
    scene = record_whole(job, media, recorded)  # and its plan and files, as one part
    if "plan" in recorded:
        cache.store_plan(key, recorded["plan"])
        cache.store_part(key, recorded["part"])
    return scene


def _whole(job: RenderJob, media: Path):
    """The scene in one process."""
    from manim import tempconfig

    with tempconfig(job.options.manim_config(media)):
        scene = job.load_class()()
        job.bind(scene)
        scene.render()
        return scene


def _in_parts(job: RenderJob, scratch: Path, cache: RenderCache | None, key: str | None, plan: Plan | None):
    if plan is None:
        plan = plan_scene(job, scratch / "plan")
        if cache:
            cache.store_plan(key, plan)
    done = cache.parts(key) if cache else {}
    chain = RenderCache.chain(done, plan.count)
    if chain is None:
        spans = cut(plan, job.jobs)
        missing = [span for span in spans if span not in done]
        fresh = render_parts(job, plan, missing, scratch / "parts")
        if cache:
            fresh = [cache.store_part(key, part) for part in fresh]
        chain = sorted([done[span] for span in spans if span in done] + fresh, key=lambda part: part.start)
    return join_parts(job, plan, chain, scratch / "join")


def _collect_sections(section_dir: Path, destination: Path, fmt: str) -> list[Path]:
    """Copy manim's per-section clips out as NN-beat-name.FORMAT, in order."""
    index = json.loads(next(section_dir.glob("*.json")).read_text())
    names = []
    with _staged_folder(destination) as staging:
        for number, section in enumerate(s for s in index if s["name"] != "autocreated" or _has_frames(s)):
            slug = "".join(c if c.isalnum() else "-" for c in section["name"].lower()).strip("-")
            name = f"{number:02d}-{slug}.{fmt}"
            shutil.move(section_dir / section["video"], staging / name)
            names.append(name)
    return [destination / name for name in names]


def _has_frames(section: dict) -> bool:
    return float(section.get("duration", "0") or 0) > 0


def render_parts(job: RenderJob, plan: Plan, spans: list[tuple[int, int]], out: Path) -> list[Part]:
    """Render ``spans`` of the scene, each in its own process (or Ray task); one span renders here."""
    if not spans:
        return []
    if job.backend == "ray":
        return render_parts_on_ray(job, plan, spans, out)
    folders = [(out / f"media-{start}", out / f"part-{start}") for start, _ in spans]
    if len(spans) == 1:
        return [render_part(job, plan, spans[0], *folders[0])]
    from nnexplain.app.interrupts import pool_map

    # A fresh interpreter per worker: manim's config is global to a process. An interrupt ends them all.
    return pool_map(render_part, [(job, plan, span, *where) for span, where in zip(spans, folders)], len(spans))
