"""`neurons` for plain manim; the scene itself is nnexplain.scenes.neurons.Neurons.

    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/neurons.py Neurons

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.neurons import Neurons as NeuronsScene


class Neurons(FromEnvironment, NeuronsScene):
    pass
