"""`relu-square` for plain manim; the scene itself is nnexplain.scenes.relu_square.ReluSquare.

    NNEXPLAIN_RUN=runs/square-relu-3 manim -ql scenes/relu_square.py ReluSquare

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.relu_square import ReluSquare as ReluSquareScene


class ReluSquare(FromEnvironment, ReluSquareScene):
    pass
