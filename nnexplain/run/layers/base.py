"""What every kind of layer knows, and the table of kinds a manifest may name.

A layer is two steps: a map of its input to its *pre-activation* (an affine map,
a convolution, a pooling, ...), then an elementwise activation from
:mod:`~nnexplain.run.activations` (the identity for kinds that have none, and for
the last layer, whose output function is the network's). Runs record both steps
of every layer (``pre.i``, ``act.i``), and each parameter as ``NAME.i``.

**Adding a kind** is one class in one file, registered::

    @register_layer_kind
    @dataclass(frozen=True, kw_only=True)
    class Scale(Layer):
        kind: ClassVar[str] = "scale"

        @property
        def output_shape(self): return self.input_shape
        def parameter_shapes(self): return {"scale": self.input_shape}
        def pre_activation(self, params, x): return x * params[0]
        def torch_module(self): ...  # a torch.nn.Module with an nn.Parameter named "scale"

``option_names`` lists the keys its manifest entry takes besides ``"kind"`` (a dense
layer's ``"units"``), :meth:`Layer.from_options` builds it from them, and
:meth:`Layer.options` gives them back. Nothing else in the package changes: the
manifest's ``network`` list names the kind, snapshots store its parameters by their
names, the forward pass and the torch module are the layer's own. A kind that also
defines :meth:`Layer.parameter_gradients` and :meth:`Layer.input_gradient` can be
backpropagated in numpy (:mod:`nnexplain.geometry.backprop`).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

import numpy as np

__all__ = ["Layer", "LayerSpecError", "LAYER_KINDS", "register_layer_kind", "layer_from_spec", "whole_number"]


class LayerSpecError(ValueError):
    """A layer's manifest entry is wrong: ``key`` names the bad field ("" for the entry itself)."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass(frozen=True, kw_only=True)
class Layer(ABC):
    """One layer: ``input_shape`` per example (a flat layer's is ``(width,)``), and its activation's name."""

    input_shape: tuple[int, ...]
    activation: str = "identity"

    kind: ClassVar[str]
    option_names: ClassVar[tuple[str, ...]] = ()
    takes_activation: ClassVar[bool] = False  # whether the network's hidden activation follows its pre-activation
    # The rank of the inputs it takes (1: flat vectors; 3: images, channels first); None: any. A network whose
    # first layer takes images reads the data set's images with their shape (Network.from_manifest).
    input_rank: ClassVar[int | None] = None

    @property
    @abstractmethod
    def output_shape(self) -> tuple[int, ...]:
        """The shape of one example's pre-activation (and activation)."""

    @abstractmethod
    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        """Each parameter's name and shape, in the order of the layer's parameter tuple."""

    @abstractmethod
    def pre_activation(self, params: tuple[np.ndarray, ...], x: np.ndarray) -> np.ndarray:
        """z for inputs ``x`` of shape (N, *input_shape); any float dtype, kept."""

    @abstractmethod
    def torch_module(self) -> Any:
        """A fresh ``torch.nn.Module`` computing z; its parameters are named as :meth:`parameter_shapes` names them."""

    @classmethod
    def from_options(cls, options: Mapping[str, Any], input_shape: tuple[int, ...], activation: str) -> "Layer":
        """The layer a manifest entry describes (its keys other than ``"kind"``); raises :class:`LayerSpecError`."""
        return cls(input_shape=tuple(input_shape), activation=activation)

    def options(self) -> dict[str, Any]:
        """The keys of its manifest entry besides ``"kind"``."""
        return {}

    def parameter_gradients(
        self, params: tuple[np.ndarray, ...], x: np.ndarray, delta: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        """The mean over examples of ∂(example's loss)/∂(each parameter), given δ = ∂(example's loss)/∂z."""
        raise NotImplementedError(f"a {self.kind} layer cannot be backpropagated in numpy")

    def input_gradient(self, params: tuple[np.ndarray, ...], delta: np.ndarray) -> np.ndarray:
        """∂(example's loss)/∂x for each example, given δ = ∂(example's loss)/∂z."""
        raise NotImplementedError(f"a {self.kind} layer cannot be backpropagated in numpy")

    def summary(self) -> str:
        """A few words for ``info`` and captions: its kind and sizes (``conv2d 5×5×8``)."""
        return self.kind

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(self.parameter_shapes())

    @property
    def parameter_count(self) -> int:
        """How many numbers its parameters hold (exact Python integers, whatever the widths)."""
        return sum(math.prod(shape) for shape in self.parameter_shapes().values())

    def spec(self) -> dict[str, Any]:
        """Its manifest entry."""
        return {"kind": self.kind, **self.options()}


LAYER_KINDS: dict[str, type[Layer]] = {}


def register_layer_kind(cls: type[Layer]) -> type[Layer]:
    """Make ``cls`` a kind a manifest may name (by ``cls.kind``); usable as a class decorator."""
    known = LAYER_KINDS.get(cls.kind)
    if known is not None and known is not cls:
        raise ValueError(f"layer kind {cls.kind!r} is registered already (by {known.__qualname__})")
    LAYER_KINDS[cls.kind] = cls
    return cls


def layer_from_spec(spec: Any, input_shape: tuple[int, ...], activation: str) -> Layer:
    """The layer a manifest entry ``{"kind": ..., ...}`` describes, on inputs of ``input_shape``.

    ``activation`` is the network's hidden activation: the layer gets it when its kind takes one.
    Raises :class:`LayerSpecError` naming the bad key.
    """
    if not isinstance(spec, Mapping):
        raise LayerSpecError("", 'must be an object such as {"kind": "dense", "units": 16}')
    kind = spec.get("kind")
    if "kind" not in spec:
        raise LayerSpecError("kind", "Field required")
    cls = LAYER_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        known = ", ".join(sorted(LAYER_KINDS))
        raise LayerSpecError("kind", f"unknown layer kind {_short(kind)}; known kinds: {known}")
    unknown = sorted((key for key in spec if key != "kind" and key not in cls.option_names), key=str)
    if unknown:
        takes = ", ".join(cls.option_names) or "no options"
        raise LayerSpecError(str(unknown[0]), f"is no option of a {kind} layer (it takes {takes})")
    options = {key: spec[key] for key in cls.option_names if key in spec}
    return cls.from_options(options, input_shape, activation if cls.takes_activation else "identity")


def whole_number(options: Mapping[str, Any], key: str, low: int, high: int) -> int:
    """``options[key]``, which must be a whole number from ``low`` to ``high`` (not a bool, not "16")."""
    if key not in options:
        raise LayerSpecError(key, "Field required")
    value = options[key]
    if type(value) is not int or not low <= value <= high:
        raise LayerSpecError(key, f"must be a whole number from {low:,} to {high:,} (it is {_short(value)})")
    return value


def _short(value: Any) -> str:
    text = ascii(value)
    return text if len(text) <= 40 else text[:37] + "..."
