"""`neuron-maps` for plain manim; the scene itself is nnexplain.scenes.neuron_maps.NeuronMaps.

    NNEXPLAIN_RUN=runs/moons-overfit manim -ql scenes/neuron_maps.py NeuronMaps

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.neuron_maps import NeuronMaps as NeuronMapsScene


class NeuronMaps(FromEnvironment, NeuronMapsScene):
    pass
