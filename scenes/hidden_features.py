"""`hidden-features` for plain manim; the scene itself is nnexplain.scenes.hidden_features.HiddenFeatures.

    NNEXPLAIN_RUN=runs/mnist manim -ql scenes/hidden_features.py HiddenFeatures

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.hidden_features import HiddenFeatures as HiddenFeaturesScene


class HiddenFeatures(FromEnvironment, HiddenFeaturesScene):
    pass
