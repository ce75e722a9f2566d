"""Default runs, trained once into a cache directory and reused.

``nnexplain render SCENE`` with no ``--run`` and plain ``manim scenes/x.py X``
both draw the scene's default recipe from here. The cache lives in
``$NNEXPLAIN_CACHE``, else ``$XDG_CACHE_HOME/nnexplain``, else ``~/.cache/nnexplain``.
A default run is filed under its recipe's name and a hash of everything it was trained
with (the recipe's whole config and the run format version), so a recipe whose settings
change trains a new default run instead of drawing the old one. A run is trained beside
its place and renamed in (:class:`~nnexplain.run.staging.StagedDirectory`), so an
interrupted training never leaves a half run where a complete one is expected.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable

from nnexplain.errors import RunError
from nnexplain.run import FORMAT_VERSION, load_run
from nnexplain.run.staging import StagedDirectory
from nnexplain.train.recipes import TrainConfig, get_recipe

__all__ = ["cache_dir", "config_hash", "default_run_dir", "ensure_default_run", "is_complete"]


def cache_dir() -> Path:
    if os.environ.get("NNEXPLAIN_CACHE"):
        return Path(os.environ["NNEXPLAIN_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nnexplain"


def config_hash(config: TrainConfig) -> str:
    """A short SHA-256 of ``config`` as canonical JSON, with the run format version it is written in."""
    facts = {"format": FORMAT_VERSION, "config": config.to_dict()}
    canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def default_run_dir(recipe: str, config: TrainConfig | None = None) -> Path:
    """Where the default run of ``recipe`` trained with ``config`` (the recipe's own, as it reads today) is cached."""
    return cache_dir() / "runs" / f"{recipe}-v{FORMAT_VERSION}-{config_hash(config or get_recipe(recipe).config)}"


def is_complete(run_dir: Path) -> bool:
    try:
        return load_run(run_dir).manifest.get("status") == "complete"
    except RunError:
        return False


def ensure_default_run(recipe: str, on_epoch: Callable | None = None) -> Path:
    """The cached default run of ``recipe``, training it first if it is missing or unfinished."""
    config = get_recipe(recipe).config
    target = default_run_dir(recipe, config)
    if is_complete(target):
        return target
    from nnexplain.train.loop import train

    with StagedDirectory(target, replace=True, wait=True) as staging:  # a second process waits for the first
        if is_complete(target):  # it was trained while we waited: keep it
            staging.discard()
        else:
            train(config, staging.path, on_epoch=on_epoch)
    return target
