"""``nnexplain render all``: every scene, in parallel processes.

Every scene's runs are resolved first, in this process and one after another, so
default runs are trained once and no two processes train the same recipe. Each
scene then renders through :func:`~nnexplain.app.render.render_scene`, in a pool of
worker processes (manim's config is global to a process), into its own temporary
media directory; its file is renamed into place under a name no other scene uses,
so concurrent renders never collide.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from nnexplain.app.catalog import SCENES, get_scene
from nnexplain.app.options import RenderOptions
from nnexplain.app.render import RenderResult, render_scene
from nnexplain.app.render_cache import RenderCache
from nnexplain.app.runs import DefaultRun, resolve_runs
from nnexplain.scenes.base.runs import SceneRuns

__all__ = ["render_all"]


def _render_one(name: str, runs: SceneRuns, options: RenderOptions, out: Path, cache: RenderCache | None = None) -> RenderResult:
    return render_scene(get_scene(name), runs, options, out, cache=cache)


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
    runs = {name: resolve_runs(info, default_run=default_run) for name, info in SCENES.items()}
    if backend == "ray":
        return [render_scene(SCENES[name], scene_runs, options, out, jobs=max(jobs, 2), cache=cache, backend="ray", address=address).path
                for name, scene_runs in runs.items()]
    if jobs == 1:
        return [_render_one(name, scene_runs, options, out, cache).path for name, scene_runs in runs.items()]
    # A fresh interpreter per worker: no manim state is inherited from this process.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(_render_one, name, scene_runs, options, out, cache) for name, scene_runs in runs.items()]
        return [future.result().path for future in futures]
