"""`linear-collapse` for plain manim; the scene itself is nnexplain.scenes.linear_collapse.LinearCollapse.

    NNEXPLAIN_RUN=runs/spiral-linear manim -ql scenes/linear_collapse.py LinearCollapse

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.linear_collapse import LinearCollapse as LinearCollapseScene


class LinearCollapse(FromEnvironment, LinearCollapseScene):
    pass
