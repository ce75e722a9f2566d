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
from typing import Callable

from nnexplain.app.catalog import SceneInfo
from nnexplain.app.options import RenderOptions
from nnexplain.app.render_cache import RenderCache, scene_key
from nnexplain.app.ray_backend import render_parts_on_ray
from nnexplain.app.split import NotDeterministic, Part, Plan, cut, join_parts, plan_scene, record_whole, render_part
from nnexplain.scenes.base.runs import SceneRuns

__all__ = ["RenderResult", "render_scene", "render_parts", "default_jobs"]

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


def _move_into(source: Path, target: Path) -> None:
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.move(source, staged)
    os.replace(staged, target)


def render_scene(
    info: SceneInfo,
    runs: SceneRuns,
    options: RenderOptions,
    out_dir: str | Path,
    scene_class: type | None = None,
    jobs: int = 1,
    cache: RenderCache | None = None,
    backend: str = "local",
    address: str | None = None,
    note: Callable[[str], None] = lambda text: None,
) -> RenderResult:
    """Render scene ``info`` drawing ``runs`` into ``out_dir``; returns the written files.

    ``jobs`` > 1 renders ranges of the scene's animations in that many processes
    (:mod:`nnexplain.app.split`; ``backend="ray"`` on a Ray cluster) and joins them;
    ``cache`` reuses parts rendered before (:mod:`nnexplain.app.render_cache`).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / options.file_name(info.name)
    key = scene_key(info, runs, options, scene_class) if cache and options.fmt != "png" else None
    cached = cache.final(key) if key else None
    if cached:  # nothing changed since this was rendered
        video, clips = cached
        _copy_into(video, target)
        sections = _copy_sections(clips, out_dir / f"{options.stem(info.name)}-sections") if options.sections else []
        return RenderResult(target, sections)
    with tempfile.TemporaryDirectory(prefix="nnexplain-render-") as scratch:
        scene = _draw(info, runs, options, Path(scratch), scene_class, jobs, cache, backend, address, note, key)
        writer = scene.renderer.file_writer
        produced = Path(writer.image_file_path if writer.output_spec.is_still else writer.movie_file_path)
        section_dir = writer.sections_output_dir if options.sections else None
        sections = _collect_sections(section_dir, out_dir / f"{options.stem(info.name)}-sections", options.fmt) if section_dir else []
        _move_into(produced, target)
    if key:
        cache.store_final(key, target, sections)
    return RenderResult(target, sections)


def _copy_into(source: Path, target: Path) -> None:
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, staged)
    os.replace(staged, target)


def _copy_sections(clips: list[Path], destination: Path) -> list[Path]:
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    for clip in clips:
        shutil.copyfile(clip, staging / clip.name)
    if destination.exists():
        shutil.rmtree(destination)
    os.replace(staging, destination)
    return [destination / clip.name for clip in clips]


def _draw(info, runs, options, scratch: Path, scene_class, jobs, cache, backend, address, note, key):
    """Render the scene in ``scratch``; returns the finished scene (its writer knows the files)."""
    if options.fmt == "png":  # one frame: nothing to split or reuse
        return _whole(info, runs, options, scratch / "whole", scene_class)
    plan = cache.plan(key) if cache else None
    if plan is not None or jobs > 1:
        try:
            return _in_parts(info, runs, options, scratch, scene_class, jobs, cache, key, plan, backend, address)
        except NotDeterministic as problem:
            note(f"rendered in one process, not split: {problem}")
    recorded: dict = {}
    scene = _whole(info, runs, options, scratch / "whole-again" if plan else scratch / "whole", scene_class, recorded if cache else None)
    if cache and "plan" in recorded:
        cache.store_plan(key, recorded["plan"])
        cache.store_part(key, recorded["part"])
    return scene


def _whole(info, runs, options, media: Path, scene_class, record: dict | None = None):
    """The scene in one process; with ``record``, also its plan and its files as one part, for the cache."""
    if record is None:
        from manim import tempconfig

        with tempconfig(options.manim_config(media)):
            scene = (scene_class or info.load_class())()
            scene.bind(runs)
            scene.render()
            return scene
    return record_whole(info, runs, options, media, record, scene_class)


def _in_parts(info, runs, options, scratch: Path, scene_class, jobs, cache, key, plan, backend, address):
    if plan is None:
        plan = plan_scene(info, runs, options, scratch / "plan", scene_class)
        if cache:
            cache.store_plan(key, plan)
    done = cache.parts(key) if cache else {}
    chain = RenderCache.chain(done, plan.count)
    if chain is None:
        spans = cut(plan, max(jobs, 1))
        missing = [span for span in spans if span not in done]
        fresh = render_parts(info, runs, options, plan, missing, scratch / "parts", scene_class, backend, address)
        if cache:
            fresh = [cache.store_part(key, part) for part in fresh]
        chain = sorted([done[span] for span in spans if span in done] + fresh, key=lambda part: part.start)
    return join_parts(info, runs, options, plan, chain, scratch / "join", scene_class)


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


def render_parts(
    info: SceneInfo,
    runs: SceneRuns,
    options: RenderOptions,
    plan: Plan,
    spans: list[tuple[int, int]],
    out: Path,
    scene_class: type | None = None,
    backend: str = "local",
    address: str | None = None,
) -> list[Part]:
    """Render ``spans`` of the scene, each in its own process (or Ray task); one span renders here."""
    if not spans:
        return []
    if backend == "ray":
        return render_parts_on_ray(info, runs, options, plan, spans, out, scene_class, address)
    folders = [(out / f"media-{start}", out / f"part-{start}") for start, _ in spans]
    if len(spans) == 1:
        return [render_part(info, runs, options, spans[0], plan, *folders[0], scene_class)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # A fresh interpreter per worker: manim's config is global to a process.
    with ProcessPoolExecutor(max_workers=len(spans), mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [
            pool.submit(render_part, info, runs, options, span, plan, media, part, scene_class)
            for span, (media, part) in zip(spans, folders)
        ]
        return [future.result() for future in futures]
