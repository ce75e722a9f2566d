"""`lift` for plain manim; the scene itself is nnexplain.scenes.lift.Lift.

    NNEXPLAIN_RUN=runs/circles-3 NNEXPLAIN_CONTRAST_RUN=runs/circles-2 manim -ql scenes/lift.py Lift

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.lift import Lift as LiftScene


class Lift(FromEnvironment, LiftScene):
    pass
