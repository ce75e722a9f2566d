"""Render wall time against video length for every scene, from its default run.

The reference is manim's own floor here: an empty scene of the same length at the
same quality (encoding alone). Target: a 1080p60 render in <= 3x the video's length.

    python benchmarks/render.py [--quality low high] [--scenes neurons fold]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av

from nnexplain.app.cache import ensure_default_run
from nnexplain.app.catalog import SCENES
from nnexplain.app.landscape import ensure_landscape
from nnexplain.app.options import QUALITIES
from nnexplain.run import load_run

EMPTY_SCENE = """
from manim import Scene
class Empty(Scene):
    def construct(self):
        self.wait({seconds})
"""


def video_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        return container.duration / 1e6


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def floor_seconds(length: float, quality: str, scratch: Path) -> float:
    script = scratch / "empty.py"
    script.write_text(EMPTY_SCENE.format(seconds=length))
    flag = {"low": "-ql", "medium": "-qm", "high": "-qh", "4k": "-qk"}[quality]
    command = [
        sys.executable,
        "-m",
        "manim",
        flag,
        "--disable_caching",
        "--progress_bar",
        "none",
        "--media_dir",
        str(scratch),
        str(script),
        "Empty",
    ]
    return timed(command)[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quality", nargs="+", default=["low", "high"], choices=list(QUALITIES))
    parser.add_argument("--scenes", nargs="+", default=list(SCENES))
    args = parser.parse_args()
    for name in args.scenes:
        info = SCENES[name]
        run = ensure_default_run(info.recipe)
        if (
            info.needs_landscape
        ):  # stored once before timing, as `nnexplain landscape` would (benchmarks/landscape.py times it)
            ensure_landscape(load_run(run))
        for spec in info.further:  # rendered with their default runs; trained here, not timed
            ensure_default_run(spec.recipe)
        for quality in args.quality:
            with tempfile.TemporaryDirectory() as scratch:
                command = [
                    sys.executable,
                    "-m",
                    "nnexplain",
                    "render",
                    name,
                    "--run",
                    str(run),
                    "--quality",
                    quality,
                    "--out",
                    scratch,
                ]
                wall, output = timed(command)
                length = video_seconds(Path(output))
                floor = floor_seconds(length, quality, Path(scratch))
            print(
                f"{name:16s} {quality:5s} video {length:5.1f} s  render {wall:6.1f} s  = {wall / length:4.2f}x its length"
                f"  (empty scene of that length: {floor:5.1f} s = {floor / length:4.2f}x)",
                flush=True,
            )


if __name__ == "__main__":
    main()
