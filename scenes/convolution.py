"""`convolution` for plain manim; the scene itself is nnexplain.scenes.convolution.Convolution.

    NNEXPLAIN_RUN=runs/cnn-mnist manim -ql scenes/convolution.py Convolution

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.convolution import Convolution as ConvolutionScene


class Convolution(FromEnvironment, ConvolutionScene):
    pass
