"""`training` for plain manim; the scene itself is nnexplain.scenes.training.Training.

    NNEXPLAIN_RUN=runs/moons-overfit manim -ql scenes/training.py Training

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.training import Training as TrainingScene


class Training(FromEnvironment, TrainingScene):
    pass
