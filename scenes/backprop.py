"""`backprop` for plain manim; the scene itself is nnexplain.scenes.backprop.Backprop.

    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/backprop.py Backprop

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.backprop import Backprop as BackpropScene


class Backprop(FromEnvironment, BackpropScene):
    pass
