"""Manim mobjects and animations built from run directories, for your own scenes.

    from nnexplain import load_run
    from nnexplain.mobjects import NetworkDiagram, PixelImage, SignalPulse, Theme

    run = load_run("runs/mnist")
    diagram = NetworkDiagram.from_run(run)       # columns of neurons, bundled real-weight edges
    digit = PixelImage.from_run(run, probe_index=0)
    plane = WarpedPlane.from_run(load_run("runs/spiral"), stage=0)   # a 2-D run's grid and points
    fit = FitView.from_run(load_run("runs/sine-relu"))              # a 1-D fit and its hinge curves

Importing this package imports manim; ``import nnexplain`` alone does not.
"""

from nnexplain.mobjects.edges import EdgeBundle, SignalPulse
from nnexplain.mobjects.hinges import CurvePanel, FitView, SnapshotSweep
from nnexplain.mobjects.network import NetworkDiagram
from nnexplain.mobjects.pixels import PixelImage
from nnexplain.mobjects.plane import PlaneView, Warp, WarpedPlane
from nnexplain.mobjects.style import Theme, formula, label

__all__ = [
    "CurvePanel",
    "EdgeBundle",
    "FitView",
    "NetworkDiagram",
    "PixelImage",
    "PlaneView",
    "SignalPulse",
    "SnapshotSweep",
    "Theme",
    "Warp",
    "WarpedPlane",
    "formula",
    "label",
]
