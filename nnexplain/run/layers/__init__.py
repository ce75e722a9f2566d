"""The kinds of layer a network is made of, one file each, registered by name (:mod:`~.base` says how).

Importing this package registers the built-in kinds: ``dense``, ``conv2d``, ``maxpool2d``, ``flatten``.
"""

from nnexplain.run.layers.base import LAYER_KINDS, Layer, LayerSpecError, layer_from_spec, register_layer_kind
from nnexplain.run.layers.conv2d import Conv2d
from nnexplain.run.layers.dense import Dense
from nnexplain.run.layers.flatten import Flatten
from nnexplain.run.layers.maxpool2d import MaxPool2d

__all__ = [
    "Layer",
    "LayerSpecError",
    "LAYER_KINDS",
    "register_layer_kind",
    "layer_from_spec",
    "Dense",
    "Conv2d",
    "MaxPool2d",
    "Flatten",
]
