"""Benchmark the hinge recipes and scenes: training time and fit, render wall times.

    .venv/bin/python benchmarks/hinges.py                  # train, then last-frame renders
    .venv/bin/python benchmarks/hinges.py --video low      # also full videos at that quality

Trains every recipe the hinge scenes use into a temporary directory on the CPU,
prints its wall time and final metrics (and sine-relu's maximum error on a
100,001-point grid over [-π, π], from the stored weights), then renders each
scene from those runs and prints the render wall times.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import numpy as np

from nnexplain.app.catalog import get_scene
from nnexplain.app.options import RenderOptions
from nnexplain.app.render import RenderJob, render_scene
from nnexplain.app.runs import prepare_runs, resolve_runs
from nnexplain.run import load_run
from nnexplain.run.network import forward_trace
from nnexplain.train.loop import train
from nnexplain.train.recipes import get_recipe

RECIPES = ["sine-linear", "sine-relu", "square-relu-3"]
SCENES = {"relu-sine": "sine-relu", "relu-square": "square-relu-3"}


def train_all(root: Path) -> dict[str, Path]:
    runs = {}
    for name in RECIPES:
        started = time.perf_counter()
        runs[name] = train(get_recipe(name).config.with_overrides(device="cpu"), root / name)
        seconds = time.perf_counter() - started
        run = load_run(runs[name])
        metrics = ", ".join(f"{k} {v:.4g}" for k, v in run.final_metrics.items())
        print(f"train {name:<14} {seconds:6.2f} s  {len(run.epochs)} snapshots  {metrics}")
    run = load_run(runs["sine-relu"])
    x = np.linspace(-math.pi, math.pi, 100_001)
    error = np.abs(forward_trace(run.params(), run.activation, run.output, x[:, None])[-1][1][:, 0] - np.sin(x)).max()
    print(f"sine-relu max |error| on a 100,001-point grid over [-π, π]: {error:.4f} (required ≤ 0.05)")
    return runs


def render_all(runs: dict[str, Path], out: Path, options: RenderOptions) -> None:
    for scene, recipe in SCENES.items():
        started = time.perf_counter()
        info = get_scene(scene)
        scene_runs = resolve_runs(info, runs[recipe], {"linear": runs["sine-linear"]} if scene == "relu-sine" else {})
        path = render_scene(RenderJob(info, prepare_runs(info, scene_runs), options), out).path
        print(
            f"render {scene:<12} {options.quality:>6} {options.fmt:<4} {time.perf_counter() - started:6.2f} s  {path.name}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", choices=["low", "medium", "high"], help="also render full videos at this quality")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nnexplain-bench-") as root:
        root = Path(root)
        runs = train_all(root)
        render_all(runs, root / "renders", RenderOptions(quality="low", fmt="png"))
        if args.video:
            render_all(runs, root / "renders", RenderOptions(quality=args.video, fmt="mp4"))


if __name__ == "__main__":
    main()
