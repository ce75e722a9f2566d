"""``nnexplain render all``: every scene, in parallel processes.

Every scene's runs are resolved and prepared first, in this process and one after
another, so default runs are trained (and landscapes computed) once, never by two
processes at a time. Each
scene then renders through :func:`~nnexplain.app.render.render_scene`, in a pool of
worker processes (manim's config is global to a process), into its own temporary
media directory; its file is renamed into place under a name no other scene uses,
so concurrent renders never collide.
"""

from __future__ import annotations

from pathlib import Path

from nnexplain.app.catalog import SCENES
from nnexplain.app.interrupts import pool_map
from nnexplain.app.job import RenderJob
from nnexplain.app.options import RenderOptions
from nnexplain.app.render import render_scene
from nnexplain.app.render_cache import RenderCache
from nnexplain.app.runs import DefaultRun, prepare_runs, resolve_runs

__all__ = ["render_all"]


def render_all(
    options: RenderOptions,
    out: Path,
    jobs: int,
    default_run: DefaultRun,
    cache: RenderCache | None = None,
    backend: str = "local",
    address: str | None = None,
) -> list[Path]:
    """Render every catalogued scene from its default runs; returns the output files in catalogue order.

    Locally, ``jobs`` scenes render at once, one process each. On Ray, the scenes render
    one after another, each cut into ranges that the cluster renders at once.
    """
    resolved = {name: resolve_runs(info, default_run=default_run) for name, info in SCENES.items()}  # all checked first
    runs = {name: prepare_runs(SCENES[name], scene_runs) for name, scene_runs in resolved.items()}
    if options.fmt == "png":  # one frame each: nothing to reuse
        cache = None
    if cache:  # a cache that cannot be written is skipped now, said once, before any drawing
        cache.check_writable()
    if backend == "ray":
        spread = {"jobs": max(jobs, 2), "backend": "ray", "address": address}
        return [render_scene(RenderJob(SCENES[name], runs[name], options, **spread), out, cache).path for name in runs]
    scene_jobs = [RenderJob(SCENES[name], runs[name], options) for name in runs]  # each scene in one process
    if jobs == 1:
        return [render_scene(job, out, cache).path for job in scene_jobs]
    # A fresh interpreter per worker: no manim state is inherited from this process. An interrupt ends them all.
    return [result.path for result in pool_map(render_scene, [(job, out, cache) for job in scene_jobs], jobs)]
