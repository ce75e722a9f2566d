"""`descent` for plain manim; the scene itself is nnexplain.scenes.descent.Descent.

    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/descent.py Descent

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.descent import Descent as DescentScene


class Descent(FromEnvironment, DescentScene):
    pass
