"""The network of a run: its layers, their parameters, the numpy forward pass, and the torch module.

A :class:`Network` is the architecture, without weights: the shape of one input,
the layers (:mod:`~nnexplain.run.layers`, each of a registered kind), the hidden
activation of the layers that take one, and the output function after the last
layer (:mod:`~nnexplain.run.activations`). The weights of one snapshot are
:data:`Params`: per layer, its parameters in the order of their names (a dense
layer's ``(weight, bias)``, weights (out, in) like torch's).

**In the manifest.** ``layers`` (the width of the input and of every layer's output,
flattened), ``activation`` and ``output`` describe a plain MLP, as every run always
has. A network with layers of other kinds adds ``network``, the list of its layers'
entries (``[{"kind": "dense", "units": 3}, {"kind": "scale"}, ...]``), and still
writes ``layers``, ``activation`` and ``output`` consistent with it: a reader that
knows no ``network`` then finds a layer's parameters missing (``weight.1``) and
refuses the run, instead of drawing other numbers. Without ``network``, the
network is the plain MLP of ``layers`` (:meth:`Network.from_manifest`). A network
whose first layer takes images (``conv2d``, ``maxpool2d``) reads each input in the
shape of the data set's ``input_shape``, channels first (:func:`input_shape_for`).

**In snapshots.** Layer ``i``'s parameter ``NAME`` is stored as ``NAME.i`` (``weight.0``,
``bias.0``, ``scale.1``), its pre-activation and activation on the probe as ``pre.i``
and ``act.i`` (:meth:`Network.trace`).

The numpy forward pass runs in float64 and never needs torch; :meth:`Network.torch_module`
builds the torch module training uses (torch imported then, not before).
"""

from __future__ import annotations

import functools
import math
import operator
from dataclasses import dataclass, replace
from typing import Any, Callable, Sequence

import numpy as np

from nnexplain.run.activations import ACTIVATIONS, OUTPUTS
from nnexplain.run.layers import LAYER_KINDS, Dense, Layer, LayerSpecError, layer_from_spec

__all__ = ["Params", "Network", "snapshot_key", "module_key", "forward_trace", "input_shape_for"]

Params = list[tuple[np.ndarray, ...]]  # per layer, its parameters in the order of its parameter names


def snapshot_key(index: int, name: str) -> str:
    """The name of layer ``index``'s parameter ``name`` in a snapshot file: ``weight.0``."""
    return f"{name}.{index}"


def module_key(index: int, name: str) -> str:
    """Its name in the state dict of the torch module :meth:`Network.torch_module` builds: ``layers.0.weight``."""
    return f"layers.{index}.{name}"


@dataclass(frozen=True)
class Network:
    input_shape: tuple[int, ...]  # one example's
    layers: tuple[Layer, ...]
    activation: str  # the hidden activation of the layers whose kind takes one
    output: str  # the output function after the last layer

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; choose one of: {', '.join(ACTIVATIONS)}")
        if self.output not in OUTPUTS:
            raise ValueError(f"unknown output {self.output!r}; choose one of: {', '.join(OUTPUTS)}")
        if not self.layers:
            raise ValueError("a network has at least one layer")

    # --- made from ----------------------------------------------------------------------------

    @classmethod
    def from_specs(
        cls, input_shape: Sequence[int], specs: Sequence[Any], activation: str, output: str = "identity"
    ) -> "Network":
        """The network of manifest entries ``specs`` on inputs of ``input_shape``.

        Raises :class:`~nnexplain.run.layers.LayerSpecError` whose key names the entry and field (``network[1].units``).
        """
        shape, layers = tuple(input_shape), []
        for index, spec in enumerate(specs):
            last = index == len(specs) - 1
            try:
                layer = layer_from_spec(spec, shape, "identity" if last else activation)
            except LayerSpecError as error:
                raise LayerSpecError(
                    f"network[{index}]" + (f".{error.key}" if error.key else ""), error.message
                ) from None
            layers.append(layer)
            shape = layer.output_shape
        return cls(tuple(input_shape), tuple(layers), activation, output)

    @classmethod
    def mlp(cls, widths: Sequence[int], activation: str, output: str = "identity") -> "Network":
        """The plain MLP of ``widths`` (input first): dense layers, ``activation`` between them."""
        widths = tuple(operator.index(width) for width in widths)  # numpy integers too; "16" and 16.0 are no widths
        return _plain_mlp(widths, activation, output)

    @classmethod
    def from_params(cls, params: Params, activation: str, output: str = "identity") -> "Network":
        """The plain MLP whose (weight, bias) pairs are ``params``."""
        widths = [int(np.shape(params[0][0])[1])] + [int(np.shape(weight)[0]) for weight, _ in params]
        return cls.mlp(widths, activation, output)

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any]) -> "Network":
        """The network a (validated) manifest describes: its ``network`` entries, else the plain MLP of ``layers``."""
        layers, activation, output = manifest["layers"], manifest["activation"], manifest["output"]
        if manifest.get("network") is None:
            return cls.mlp(layers, activation, output)
        image = (manifest.get("dataset") or {}).get("input_shape")
        return cls.from_specs(
            input_shape_for(manifest["network"], layers[0], image), manifest["network"], activation, output
        )

    def with_output(self, output: str) -> "Network":
        return replace(self, output=output)

    # --- what it is ---------------------------------------------------------------------------

    @property
    def widths(self) -> list[int]:
        """The size of the input and of every layer's output, flattened: the manifest's ``layers``."""
        return [math.prod(self.input_shape)] + [math.prod(layer.output_shape) for layer in self.layers]

    @property
    def is_plain_mlp(self) -> bool:
        return all(isinstance(layer, Dense) for layer in self.layers)

    @property
    def parameter_count(self) -> int:
        return sum(layer.parameter_count for layer in self.layers)

    def describe(self) -> str:
        """One line: the layers in order with the shapes between them, for ``info``."""
        shape = "×".join(map(str, self.input_shape))
        steps = [
            f"{layer.summary()}{' + ' + layer.activation if layer.activation != 'identity' else ''}"
            for layer in self.layers
        ]
        return f"{shape} → " + " → ".join(steps) + f" → {self.output}"

    def specs(self) -> list[dict[str, Any]]:
        return [layer.spec() for layer in self.layers]

    def manifest_entries(self) -> dict[str, Any]:
        """What a manifest says of it: ``layers``, ``activation``, ``output``, and ``network`` unless a plain MLP."""
        entries: dict[str, Any] = {"layers": self.widths, "activation": self.activation, "output": self.output}
        if not self.is_plain_mlp:
            entries["network"] = self.specs()
        return entries

    # --- what it computes ---------------------------------------------------------------------

    def trace(self, params: Params, x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(pre-activation, activation) of every layer for inputs ``x`` (one row or item per example), in float64.

        The last layer's activation is the output function of its pre-activation (softmax
        probabilities, or the regression's values).
        """
        trace = []
        a = np.asarray(x, dtype=np.float64).reshape(len(x), *self.input_shape)
        for index, (layer, values) in enumerate(zip(self.layers, params)):
            z = layer.pre_activation(tuple(np.asarray(value, np.float64) for value in values), a)
            last = index == len(self.layers) - 1
            a = OUTPUTS[self.output].function(z) if last else ACTIVATIONS[layer.activation].function(z)
            trace.append((z, a))
        return trace

    # --- where its parameters are kept --------------------------------------------------------

    def parameter_keys(self, key: Callable[[int, str], str] = snapshot_key) -> list[list[str]]:
        """Per layer, the names its parameters are stored under (by default, in snapshot files)."""
        return [[key(index, name) for name in layer.parameter_names] for index, layer in enumerate(self.layers)]

    def params_from_arrays(
        self, arrays: dict[str, np.ndarray], key: Callable[[int, str], str] = snapshot_key
    ) -> Params:
        """Every layer's parameters out of named arrays (checked elsewhere: :mod:`~nnexplain.run.checks`)."""
        return [tuple(arrays[name] for name in names) for names in self.parameter_keys(key)]

    def arrays_of_params(self, params: Params) -> dict[str, np.ndarray]:
        """The named float32 arrays of a snapshot file holding ``params``."""
        return {
            name: np.asarray(value, np.float32)
            for names, values in zip(self.parameter_keys(), params)
            for name, value in zip(names, values)
        }

    def torch_module(self) -> Any:
        """A fresh torch module of it (:class:`~nnexplain.run.torch_network.NetworkModule`), giving raw scores."""
        from nnexplain.run.torch_network import NetworkModule

        return NetworkModule(self)


def input_shape_for(specs: Sequence[Any], width: int, data_shape: Sequence[int] | None) -> tuple[int, ...]:
    """The shape a network of manifest entries ``specs`` reads each input in.

    Flat (``(width,)``, the manifest's ``layers[0]``) unless its first layer takes images: then the
    data set's ``input_shape``, channels first (a (28, 28) digit is one channel: (1, 28, 28)).
    """
    first = specs[0] if specs and isinstance(specs[0], dict) else {}
    kind = LAYER_KINDS.get(first.get("kind")) if isinstance(first.get("kind"), str) else None
    if kind is None or kind.input_rank != 3 or not data_shape or math.prod(data_shape) != width:
        return (width,)
    shape = tuple(int(side) for side in data_shape)
    return (1, *shape) if len(shape) == 2 else shape


@functools.lru_cache(maxsize=256)
def _plain_mlp(widths: tuple[int, ...], activation: str, output: str) -> Network:
    # Kept: geometry builds the network of the same weights' shapes again and again (a network is immutable).
    specs = [{"kind": "dense", "units": width} for width in widths[1:]]
    return Network.from_specs((widths[0],), specs, activation, output)


def forward_trace(params: Params, activation: str, output: str, x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """:meth:`Network.trace` of the plain MLP whose (weight, bias) pairs are ``params``."""
    return Network.from_params(params, activation, output).trace(params, x)
