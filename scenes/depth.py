"""`depth` for plain manim; the scene itself is nnexplain.scenes.depth.Depth.

    NNEXPLAIN_RUN=runs/waves-deep NNEXPLAIN_WIDE_RUN=runs/waves-wide ... manim -ql scenes/depth.py Depth

Unset variables mean the scene's default runs (trained once into the cache): the main run
and every further role (wide, deep-seed1, wide-seed1, ..., spiral-deep, spiral-wide, ...).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.depth import Depth as DepthScene


class Depth(FromEnvironment, DepthScene):
    pass
