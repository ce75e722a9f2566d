"""Default runs, trained once into a cache directory and reused.

``nnexplain render SCENE`` with no ``--run`` and plain ``manim scenes/x.py X``
both draw the scene's default recipe from here. The cache lives in
``$NNEXPLAIN_CACHE``, else ``$XDG_CACHE_HOME/nnexplain``, else ``~/.cache/nnexplain``.
A run is trained beside its place and renamed in (:class:`~nnexplain.run.staging.StagedDirectory`),
so an interrupted training never leaves a half run where a complete one is expected.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from nnexplain.errors import RunError
from nnexplain.run import FORMAT_VERSION, load_run
from nnexplain.run.staging import StagedDirectory

__all__ = ["cache_dir", "default_run_dir", "ensure_default_run", "is_complete"]


def cache_dir() -> Path:
    if os.environ.get("NNEXPLAIN_CACHE"):
        return Path(os.environ["NNEXPLAIN_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nnexplain"


def default_run_dir(recipe: str) -> Path:
    return cache_dir() / "runs" / f"{recipe}-v{FORMAT_VERSION}"


def is_complete(run_dir: Path) -> bool:
    try:
        return load_run(run_dir).manifest.get("status") == "complete"
    except RunError:
        return False


def ensure_default_run(recipe: str, on_epoch: Callable | None = None) -> Path:
    """The cached default run of ``recipe``, training it first if it is missing or unfinished."""
    target = default_run_dir(recipe)
    if is_complete(target):
        return target
    from nnexplain.train.loop import train
    from nnexplain.train.recipes import get_recipe

    config = get_recipe(recipe).config
    with StagedDirectory(target, replace=True, wait=True) as staging:  # a second process waits for the first
        if is_complete(target):  # it was trained while we waited: keep it
            staging.discard()
        else:
            train(config, staging.path, on_epoch=on_epoch)
    return target
