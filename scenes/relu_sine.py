"""`relu-sine` for plain manim; the scene itself is nnexplain.scenes.relu_sine.ReluSine.

    NNEXPLAIN_RUN=runs/sine-relu NNEXPLAIN_LINEAR_RUN=runs/sine-linear manim -ql scenes/relu_sine.py ReluSine

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.relu_sine import ReluSine as ReluSineScene


class ReluSine(FromEnvironment, ReluSineScene):
    pass
