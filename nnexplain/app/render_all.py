"""``nnexplain render all``: every scene, in parallel processes.

Default runs are trained first, one after another, so no two processes train
the same recipe. Each scene then renders in its own process (manim's config is
global) into its own temporary media directory, and its file is renamed into
place under a name no other scene uses, so concurrent renders never collide.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from nnexplain.catalog import SCENES
from nnexplain.errors import NnexplainError
from nnexplain.render import RenderOptions

__all__ = ["render_all"]


def _command(scene: str, run_dir: Path, options: RenderOptions, out: Path) -> list[str]:
    command = [sys.executable, "-m", "nnexplain.cli", "render", scene, "--run", str(run_dir), "--out", str(out)]
    command += ["--quality", options.quality, "--format", options.fmt]
    if options.fps:
        command += ["--fps", str(options.fps)]
    if options.resolution:
        command += ["--resolution", "x".join(map(str, options.resolution))]
    command += ["--transparent"] * options.transparent + ["--sections"] * options.sections
    return command


def render_all(options: RenderOptions, out: Path, jobs: int, default_run: Callable[[str], Path]) -> list[Path]:
    """Render every catalogued scene; returns the output files in catalogue order."""
    runs = {}
    for info in SCENES.values():
        runs[info.name] = default_run(info.recipe)
        for recipe in info.also_needs:
            default_run(recipe)

    def render_one(name: str) -> Path:
        done = subprocess.run(_command(name, runs[name], options, out), capture_output=True, text=True)
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise NnexplainError(f"rendering scene {name!r} failed: {reason}")
        return Path(done.stdout.strip().splitlines()[-1])

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(render_one, runs))
