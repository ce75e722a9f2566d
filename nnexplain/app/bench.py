"""``nnexplain bench``: how fast training, recording and rendering are on this machine, as one JSON object.

Every figure is measured at least three times (``repeats``) and given as its median
with its minimum and maximum. Renders are measured on a slice of each scene (a run of
animations from its middle beat, about ``slice_seconds`` of video): the full
videos at 1080p60 would take far longer than the five minutes a bench may take on two
cores. A scene's render factor is the time to draw and encode its slice ÷ the slice's
length; ``with_setup`` adds what the process spent before it (building the scene and
skipping the animations before the slice), which a whole render pays once and a
one-second slice makes look twenty times larger. The floor, an empty scene of the same length and quality rendered by manim in
this process, is measured in the same run, so ratios to it compare like with like.
``--jobs`` is measured on one scene (``neurons``), where its parts are long enough to pay.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable

from nnexplain.app.catalog import SCENES, get_scene
from nnexplain.app.job import RenderJob
from nnexplain.app.options import RenderOptions
from nnexplain.app.runs import DefaultRun, prepare_runs, resolve_runs
from nnexplain.app.split import Plan, plan_scene, render_part

__all__ = ["run_bench"]

QUALITY = {"low": RenderOptions(quality="low"), "high": RenderOptions(quality="high")}
MNIST_TARGET = 0.93


def _figure(samples: list[float], digits: int = 3) -> dict:
    return {
        "median": round(statistics.median(samples), digits),
        "min": round(min(samples), digits),
        "max": round(max(samples), digits),
        "runs": len(samples),
    }


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


@contextmanager
def _scratch():
    with tempfile.TemporaryDirectory(prefix="nnexplain-bench-") as folder:
        yield Path(folder)


def training_figures(repeats: int) -> dict:
    """Seconds until the mnist recipe reaches its validation target, and the share of training spent recording."""
    from nnexplain.data import load_dataset
    from nnexplain.train import loop, recorder
    from nnexplain.train.recipes import get_recipe

    config = get_recipe("mnist").config.with_overrides(device="cpu")
    dataset = load_dataset(config.dataset)
    to_target, shares, accuracies = [], [], []
    for repeat in range(repeats):
        spent = [0.0]
        original = recorder.Recorder.snapshot

        def timed_snapshot(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started

        reached: list[float] = []
        started = time.perf_counter()

        def on_epoch(report) -> None:
            if not reached and report.metrics.get("val_acc", 0) >= MNIST_TARGET:
                reached.append(time.perf_counter() - started)

        recorder.Recorder.snapshot = timed_snapshot
        try:
            with _scratch() as folder:
                loop.train(config.with_overrides(seed=repeat), folder / "run", on_epoch=on_epoch, dataset=dataset)
                from nnexplain.run import load_run

                accuracies.append(load_run(folder / "run").final_metrics["val_acc"])
        finally:
            recorder.Recorder.snapshot = original
        total = time.perf_counter() - started
        to_target.append(reached[0] if reached else float("nan"))
        shares.append(spent[0] / total)
    return {
        "mnist_seconds_to_target": {**_figure(to_target, 2), "target": MNIST_TARGET},
        "mnist_final_val_acc": _figure(accuracies, 4),
        "snapshot_share_of_training": _figure(shares, 3),
    }


def warp_figure(repeats: int, default_run: DefaultRun) -> dict:
    """Seconds to compute every warp of every snapshot of the spiral run."""
    from nnexplain.run import load_run
    from nnexplain.run.contents import GridSpec, layer_warps

    run = load_run(default_run("spiral"))
    spec = GridSpec.from_dataset(run.dataset)
    params = [run.params(epoch) for epoch in run.epochs]
    samples = [_timed(lambda: [layer_warps(p, run.activation, spec) for p in params]) for _ in range(repeats)]
    return {"spiral_warps_seconds": {**_figure(samples, 4), "snapshots": len(params)}}


def landscape_figure(repeats: int, default_run: DefaultRun) -> dict:
    """Seconds to compute the loss landscape of the mnist run (as ``nnexplain landscape`` does, not stored)."""
    from nnexplain.app.landscape import compute_landscape
    from nnexplain.run import load_run

    run = load_run(default_run("mnist"))
    samples = [_timed(lambda: compute_landscape(run)) for _ in range(repeats)]
    return {"mnist_landscape_seconds": {**_figure(samples, 2), "snapshots": len(run.epochs)}}


def _middle_slice(plan: Plan, seconds: float) -> tuple[int, int]:
    """A run of animations from the scene's middle beat, about ``seconds`` of video."""
    edges = plan.boundaries()
    middle = edges[len(edges) // 2 - 1] if len(edges) > 2 else 0
    stop, length = middle, 0.0
    while stop < plan.count and (length < seconds or stop == middle):
        length += plan.durations[stop]
        stop += 1
    return middle, stop


def _empty_scene_seconds(options: RenderOptions, seconds: float, folder: Path) -> tuple[float, float]:
    """Seconds to render an empty scene ``seconds`` long: wall-clock, and this process's CPU time."""
    from manim import Scene, tempconfig

    class Empty(Scene):
        def construct(self):
            self.wait(seconds)

    with tempconfig(options.manim_config(folder)):
        cpu = time.process_time()
        wall = _timed(lambda: Empty().render())
        return wall, time.process_time() - cpu


def _clocked(scene_class: type, first: int, clock: dict) -> type:
    """``scene_class`` noting when its animation ``first`` (the first one drawn) starts."""

    class Clocked(scene_class):
        def play(self, *args, **kwargs):
            plays = self.__dict__.setdefault("_bench_plays", [0])
            if plays[0] == first:
                clock["first_drawn"] = time.perf_counter()
                clock["first_drawn_cpu"] = time.process_time()
            plays[0] += 1
            super().play(*args, **kwargs)

    Clocked.__name__ = scene_class.__name__
    Clocked.__qualname__ = scene_class.__qualname__
    return Clocked


def _scene_job(name: str, options: RenderOptions, default_run: DefaultRun) -> RenderJob:
    """Scene ``name`` drawing its default runs, prepared as a render prepares them."""
    info = get_scene(name)
    return RenderJob(info, prepare_runs(info, resolve_runs(info, default_run=default_run)), options)


def _slice_seconds(
    job: RenderJob, span: tuple[int, int], plan: Plan, media: Path, out: Path
) -> tuple[float, float, float]:
    """Seconds to render ``span``: drawing it (from its first animation until its files are written), all
    told (with the process's set-up: building the scene and skipping the animations before the slice), and
    the CPU time of drawing it (this process's, encoder thread included)."""
    clock: dict = {}
    clocked = replace(job, scene_class=_clocked(job.load_class(), span[0], clock))
    started = time.perf_counter()
    render_part(clocked, plan, span, media, out)
    ended, cpu = time.perf_counter(), time.process_time()
    return ended - clock["first_drawn"], ended - started, cpu - clock["first_drawn_cpu"]


def scene_figures(
    scenes: list[str], repeats: int, slice_seconds: dict[str, float], default_run: DefaultRun
) -> tuple[dict, dict]:
    """Render time ÷ video length of each scene's slice, per quality (drawing it, and with the set-up
    before it); and the floor of an empty scene. Each also in CPU time (``cpu``): on a machine other work
    shares, wall-clock figures are what that work leaves over, and a short floor and a long slice get
    different shares of it; CPU time counts only this process's own work."""
    figures, floors = {}, {}
    with _scratch() as folder:
        for name in scenes:
            low = _scene_job(name, QUALITY["low"], default_run)
            figures[name] = {}
            for quality, options in QUALITY.items():
                job = replace(low, options=options)
                # Planned at this quality: a still wait lasts whole frames, so run times depend on the frame rate.
                plan = plan_scene(job, folder / f"plan{name}{quality}")
                span = _middle_slice(plan, slice_seconds[quality])
                length = sum(plan.durations[span[0] : span[1]])
                drawing, told, cpu = zip(
                    *(
                        _slice_seconds(
                            job, span, plan, folder / f"m{name}{quality}{r}", folder / f"p{name}{quality}{r}"
                        )
                        for r in range(repeats)
                    )
                )
                figures[name][quality] = {
                    **_figure([t / length for t in drawing]),
                    "with_setup": _figure([t / length for t in told]),
                    "cpu": _figure([t / length for t in cpu]),
                    "video_seconds": round(length, 2),
                    "animations": list(span),
                }
        for quality, options in QUALITY.items():
            seconds = slice_seconds[quality]
            wall, cpu = zip(
                *(_empty_scene_seconds(options, seconds, folder / f"floor{quality}{r}") for r in range(repeats))
            )
            floors[quality] = {
                **_figure([t / seconds for t in wall]),
                "cpu": _figure([t / seconds for t in cpu]),
                "video_seconds": seconds,
            }
    return figures, floors


def jobs_figure(repeats: int, jobs: int, seconds: float, default_run: DefaultRun) -> dict:
    """neurons at 1080p60, a slice of ``seconds``, in one process and split over ``jobs`` (parts drawn at
    once; the join, a remux of a second or less, is left out of both)."""
    from nnexplain.app.render import render_parts
    from nnexplain.app.split import cut

    job = _scene_job("neurons", QUALITY["high"], default_run)
    single, split = [], []
    with _scratch() as folder:
        plan = plan_scene(job, folder / "plan")
        span = _middle_slice(plan, seconds)
        length = sum(plan.durations[span[0] : span[1]])
        for r in range(repeats):
            single.append(_timed(lambda: render_part(job, plan, span, folder / f"s{r}", folder / f"sp{r}")) / length)
        # The slice may hold one beat: cut it between any two of its animations.
        sub = Plan(plan.durations[span[0] : span[1]], tuple((f"animation {i}", 1) for i in range(*span)))
        spans = [(span[0] + a, span[0] + b) for a, b in cut(sub, jobs)]
        for r in range(repeats):
            split.append(_timed(lambda: render_parts(job, plan, spans, folder / f"j{r}")) / length)
    return {
        "scene": "neurons",
        "quality": "high",
        "jobs": jobs,
        "video_seconds": round(length, 2),
        "one_process": _figure(single),
        "split": _figure(split),
    }


def cache_figure(repeats: int, default_run: DefaultRun) -> dict:
    """relu-square at 480p15 as a user runs it, `nnexplain render` in a fresh process: the first render,
    and re-renders with nothing changed (the cache's hits, process start-up included)."""
    info = get_scene("relu-square")
    runs = resolve_runs(info, default_run=default_run)  # the command prepares them itself
    with _scratch() as folder:
        environment = {**os.environ, "NNEXPLAIN_CACHE": str(folder / "cache")}

        def render(out: str) -> None:
            command = [
                str(Path(sys.executable).with_name("nnexplain")),
                "render",
                info.name,
                "--run",
                str(runs.main.path),
                "--out",
                str(folder / out),
            ]
            subprocess.run(command, env=environment, check=True, capture_output=True)

        first = _timed(lambda: render("first"))
        hits = [_timed(lambda: render(f"hit{r}")) for r in range(repeats)]
    return {
        "scene": "relu-square",
        "quality": "low",
        "first_seconds": round(first, 2),
        "hit_seconds": _figure(hits, 2),
        "hit_share_of_first": round(statistics.median(hits) / first, 3),
    }


def run_bench(
    default_run: DefaultRun,
    scenes: list[str] | None = None,
    repeats: int = 3,
    jobs: int | None = None,
    slice_seconds: dict[str, float] | None = None,
    progress: Callable[[str], None] = lambda text: None,
) -> dict:
    scenes = scenes or list(SCENES)
    slice_seconds = slice_seconds or {"low": 1.0, "high": 0.5}
    started = time.perf_counter()
    result: dict = {
        "machine": {
            "system": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
        },
        "repeats": repeats,
    }
    progress("training mnist")
    result.update(training_figures(repeats))
    progress("warps")
    result.update(warp_figure(repeats, default_run))
    result.update(landscape_figure(repeats, default_run))
    progress("scenes")
    result["render_factor"], result["floor_factor"] = scene_figures(scenes, repeats, slice_seconds, default_run)
    progress("jobs")
    result["jobs"] = jobs_figure(repeats, jobs or max(os.cpu_count() or 1, 2), 8.0, default_run)
    progress("cache")
    result["cache"] = cache_figure(repeats, default_run)
    result["bench_seconds"] = round(time.perf_counter() - started, 1)
    return result
