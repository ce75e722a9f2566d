"""`fold` for plain manim; the scene itself is nnexplain.scenes.fold.Fold.

    NNEXPLAIN_RUN=runs/spiral manim -ql scenes/fold.py Fold

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.fold import Fold as FoldScene


class Fold(FromEnvironment, FoldScene):
    pass
