"""Edges as one Line each, versus bundled by style (nnexplain.mobjects.edges.EdgeBundle).

Renders the 672 edges of the fixture 784-16-16-10 diagram being drawn (Create)
and pulsed, at 1080p60, both ways, and prints the wall time of each.

    python benchmarks/edges.py [--quality high|low]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from manim import Create, Line, Scene, ShowPassingFlash, VGroup, tempconfig

from nnexplain.app.options import QUALITIES
from nnexplain.geometry.network import network_view
from nnexplain.mobjects.edges import SignalPulse
from nnexplain.mobjects.network import EDGE_OPACITIES, EDGE_WIDTHS, NetworkDiagram
from nnexplain.mobjects.style import Theme
from nnexplain.run import load_run

RUN = Path(__file__).parent.parent / "tests" / "data" / "mnist-sigmoid"


def as_lines(diagram: NetworkDiagram) -> VGroup:
    """The same edges, one Line mobject per edge, same colours and widths."""
    lines = VGroup()
    for bundle in diagram.edges:
        for strand in bundle:
            style = strand.style % len(EDGE_WIDTHS)
            for start, end in zip(strand.starts, strand.ends):
                line = Line(start, end).set_stroke(strand.get_stroke_color(), EDGE_WIDTHS[style], EDGE_OPACITIES[style])
                lines.add(line)
    return lines


def make_scene(kind: str, diagram: NetworkDiagram) -> type:
    class EdgeBenchmark(Scene):
        def construct(self):
            self.add(diagram.layers)
            if kind == "bundles":
                self.play(*(Create(bundle) for bundle in diagram.edges), run_time=2)
                self.play(*(SignalPulse(bundle) for bundle in diagram.edges), run_time=1)
            else:
                lines = as_lines(diagram)
                self.play(Create(lines), run_time=2)
                self.play(ShowPassingFlash(lines.copy().set_stroke(width=3), time_width=0.25), run_time=1)

    return EdgeBenchmark


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quality", default="high", choices=list(QUALITIES))
    args = parser.parse_args()
    width, height, fps = QUALITIES[args.quality]
    diagram = NetworkDiagram(network_view(load_run(RUN)), Theme(), (-3, -1, 1, 3))
    edges = sum(len(strand.starts) for bundle in diagram.edges for strand in bundle)
    mobjects = sum(len(bundle) for bundle in diagram.edges)
    print(f"{edges} edges; bundles use {mobjects} VMobjects; {3 * fps} frames at {width}x{height}")
    for kind in ("lines", "bundles"):
        with tempfile.TemporaryDirectory() as media:
            settings = {
                "media_dir": media,
                "pixel_width": width,
                "pixel_height": height,
                "frame_rate": fps,
                "disable_caching": True,
                "verbosity": "ERROR",
                "progress_bar": "none",
            }
            with tempconfig(settings):
                started = time.perf_counter()
                make_scene(kind, diagram.copy())().render()
                wall = time.perf_counter() - started
        print(f"{kind:8s}: {wall:6.2f} s for 3 s of video ({wall / (3 * fps) * 1000:.1f} ms a frame)")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
