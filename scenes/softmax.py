"""`softmax` for plain manim; the scene itself is nnexplain.scenes.softmax.Softmax.

    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/softmax.py Softmax

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.softmax import Softmax as SoftmaxScene


class Softmax(FromEnvironment, SoftmaxScene):
    pass
