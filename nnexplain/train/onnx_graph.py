"""Read a network out of an ONNX file's graph, without executing it.

    nnexplain import model.onnx --out runs/mine            # exported with torch.onnx.export, or any tool

An ONNX graph names its layers and states what a ``state_dict`` does not: each
convolution's and pooling's kernel, stride and padding, where the activations are,
and which layers flatten. So a CNN trained anywhere imports without a word of
description on the command line. The graph is read with the ``onnx`` package
(``pip install 'nnexplain[onnx]'``) and walked node by node; nothing in it runs.
A straight chain of these operators is read:

- ``Conv`` (group 1, dilation 1, symmetric padding) → a ``conv2d`` layer;
- ``MaxPool`` (dilation 1, ``ceil_mode`` 0, symmetric padding) → ``maxpool2d``;
- ``Flatten`` (axis 1), or a ``Reshape`` to (batch, features) → ``flatten``;
- ``Gemm`` (alpha = beta = 1, A not transposed), or ``MatMul`` then ``Add`` of a bias → ``dense``;
- ``Relu``, ``Sigmoid``, ``Tanh`` after a conv or dense layer → the network's hidden activation
  (one for all hidden conv and dense layers, as nnexplain's networks have);
- ``Softmax``/``LogSoftmax`` at the end (a classifier's output function), ``Identity`` and
  ``Dropout`` (inference: nothing) are passed over.

Any other operator, a branch, or a second input is refused in one line that names the node.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nnexplain.errors import NnexplainError
from nnexplain.inputs import read_bytes

__all__ = ["OnnxNetwork", "read_onnx", "is_onnx"]

_ACTIVATIONS = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh"}
_PASSED_OVER = {"Identity", "Dropout"}
_OUTPUTS = {"Softmax", "LogSoftmax"}
_LAYERS = {
    "Conv": "_conv",
    "MaxPool": "_maxpool",
    "Flatten": "_flatten",
    "Reshape": "_reshape",
    "Gemm": "_gemm",
    "MatMul": "_matmul",
    "Add": "_add",
}
READ = "Conv, MaxPool, Flatten, Reshape, Gemm, MatMul + Add, Relu, Sigmoid, Tanh, Softmax"


@dataclass
class OnnxNetwork:
    """What the graph describes: the input's shape per example, layer entries, their parameters, the activation."""

    input_shape: tuple[int, ...]
    specs: list[dict[str, Any]]
    params: list[tuple[np.ndarray, ...]]
    activation: str


def is_onnx(head: bytes) -> bool:
    """Whether a file starting with ``head`` may be an ONNX model: its first field is ``ir_version`` (tag 0x08)."""
    return head[:1] == b"\x08" and len(head) > 1 and 1 <= head[1] <= 20


def read_onnx(path: Path) -> OnnxNetwork:
    """The network of the ONNX model in ``path``; raises :class:`NnexplainError` in one line."""
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError:
        raise NnexplainError(
            f"{path} is an ONNX model; reading it needs the onnx package: pip install 'nnexplain[onnx]'"
        ) from None
    try:
        model = onnx.load_model_from_string(read_bytes(path, "weights file", NnexplainError))
    except NnexplainError:
        raise
    except Exception as error:  # protobuf's DecodeError and others
        raise NnexplainError(f"{path} is not a readable ONNX model ({str(error).splitlines()[0][:200]})") from None
    graph = model.graph
    constants = {tensor.name: numpy_helper.to_array(tensor) for tensor in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and node.attribute:
            constants[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    inputs = [value for value in graph.input if value.name not in constants]
    if len(inputs) != 1:
        raise NnexplainError(f"{path}: the graph has {len(inputs)} inputs; nnexplain reads networks of one input")
    walker = _Walker(path, constants, _input_shape(path, inputs[0]), inputs[0].name)
    for number, node in enumerate(graph.node):
        walker.read(
            number, node, {attribute.name: onnx.helper.get_attribute_value(attribute) for attribute in node.attribute}
        )
    return walker.finish()


def _input_shape(path: Path, value: Any) -> tuple[int, ...]:
    dims = value.type.tensor_type.shape.dim
    sides = [dim.dim_value if dim.HasField("dim_value") else None for dim in dims][1:]  # the first is the batch
    if not sides or any(side is None or side < 1 for side in sides):
        raise NnexplainError(f"{path}: the graph's input {value.name!r} has no fixed shape per example")
    return tuple(sides)


class _Walker:
    """Follows the chain of nodes from the input, collecting layers."""

    def __init__(self, path: Path, constants: dict[str, np.ndarray], input_shape: tuple[int, ...], input_name: str):
        self.path, self.constants, self.input_shape = path, constants, input_shape
        self.current = input_name  # the tensor the chain has reached
        self.specs: list[dict[str, Any]] = []
        self.params: list[tuple[np.ndarray, ...]] = []
        self.activations: list[str | None] = []  # per layer, the activation that followed it
        self.pending_matmul: np.ndarray | None = None
        self.ended = False  # an output function was read: nothing may follow

    def fail(self, number: int, node: Any, why: str) -> NnexplainError:
        return NnexplainError(f"{self.path}: node {number} ({node.op_type} {node.name!r}) {why}")

    def read(self, number: int, node: Any, attributes: dict[str, Any]) -> None:
        op = node.op_type
        if op == "Constant":
            return
        data = [name for name in node.input if name and name not in self.constants]
        if data != [self.current]:
            raise self.fail(
                number, node, "is not on one straight chain from the input; nnexplain reads chains of layers"
            )
        if self.ended:
            raise self.fail(number, node, "follows the output function; nothing may")
        if self.pending_matmul is not None and op != "Add":
            raise self.fail(number, node, "follows a MatMul that has no bias Add")
        self.current = node.output[0]
        handler = getattr(self, _LAYERS[op]) if op in _LAYERS else None
        if op in _PASSED_OVER:
            return
        if op in _OUTPUTS:
            self.ended = True
            return
        if op in _ACTIVATIONS:
            if not self.specs or self.specs[-1]["kind"] not in ("conv2d", "dense") or self.activations[-1] is not None:
                raise self.fail(number, node, "is an activation that follows no conv or dense layer")
            self.activations[-1] = _ACTIVATIONS[op]
            return
        if handler is None:
            raise self.fail(number, node, f"is not a layer nnexplain draws; it reads {READ}")
        handler(number, node, attributes)

    def _constant(self, number: int, node: Any, name: str) -> np.ndarray:
        if name not in self.constants:
            raise self.fail(number, node, f"takes {name!r} from another node, not a stored constant")
        return np.asarray(self.constants[name])

    def _add_layer(self, spec: dict[str, Any], params: tuple[np.ndarray, ...]) -> None:
        self.specs.append(spec)
        self.params.append(tuple(np.asarray(value, np.float32) for value in params))
        self.activations.append(None)

    def _conv(self, number: int, node: Any, attributes: dict[str, Any]) -> None:
        weight = self._constant(number, node, node.input[1])
        if weight.ndim != 4:
            raise self.fail(number, node, f"has a {weight.ndim}-D kernel; nnexplain reads 2-D convolutions")
        bias = self._constant(number, node, node.input[2]) if len(node.input) > 2 and node.input[2] else None
        if attributes.get("group", 1) != 1:
            raise self.fail(number, node, "is a grouped convolution; nnexplain reads group 1 only")
        kernel = list(weight.shape[2:])
        options = self._window(number, node, attributes, kernel, default_stride=[1, 1])
        self._add_layer(
            {"kind": "conv2d", "channels": int(weight.shape[0]), **options},
            (weight, np.zeros(weight.shape[0]) if bias is None else bias),
        )

    def _maxpool(self, number: int, node: Any, attributes: dict[str, Any]) -> None:
        if attributes.get("ceil_mode", 0) != 0:
            raise self.fail(number, node, "rounds its output size up (ceil_mode 1); nnexplain pools as ceil_mode 0")
        kernel = list(attributes.get("kernel_shape", []))
        if len(kernel) != 2:
            raise self.fail(number, node, "is no 2-D pooling")
        self._add_layer({"kind": "maxpool2d", **self._window(number, node, attributes, kernel, [1, 1])}, ())

    def _window(self, number: int, node: Any, attributes: dict[str, Any], kernel: list[int], default_stride: list[int]):
        if attributes.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET", b"VALID", "VALID"):
            raise self.fail(number, node, "pads automatically (auto_pad SAME); export it with explicit pads")
        if any(d != 1 for d in attributes.get("dilations", [1, 1])):
            raise self.fail(number, node, "is dilated; nnexplain reads dilation 1 only")
        pads = list(attributes.get("pads", [0, 0, 0, 0]))
        if len(pads) != 4 or pads[:2] != pads[2:]:
            raise self.fail(number, node, f"pads unevenly ({pads}); nnexplain reads the same padding on both sides")
        stride = list(attributes.get("strides", default_stride))
        pair = lambda values: values[0] if values[0] == values[1] else [int(v) for v in values]  # noqa: E731
        return {"kernel_size": pair(kernel), "stride": pair(stride), "padding": pair(pads[:2])}

    def _flatten(self, number: int, node: Any, attributes: dict[str, Any]) -> None:
        if attributes.get("axis", 1) != 1:
            raise self.fail(number, node, "flattens from another axis than 1 (after the batch)")
        self._add_layer({"kind": "flatten"}, ())

    def _reshape(self, number: int, node: Any, attributes: dict[str, Any]) -> None:
        shape = self._constant(number, node, node.input[1])
        if shape.ndim != 1 or len(shape) != 2:
            raise self.fail(number, node, f"reshapes to {shape.tolist()}; nnexplain reads only a flatten (batch, -1)")
        self._add_layer({"kind": "flatten"}, ())

    def _gemm(self, number: int, node: Any, attributes: dict[str, Any]) -> None:
        if attributes.get("transA", 0) or attributes.get("alpha", 1.0) != 1.0 or attributes.get("beta", 1.0) != 1.0:
            raise self.fail(number, node, "scales or transposes its input; nnexplain reads Gemm as y = x·Wᵀ + b")
        weight = self._constant(number, node, node.input[1])
        weight = weight if attributes.get("transB", 0) else weight.T  # (out, in), as torch keeps it
        bias = self._constant(number, node, node.input[2]) if len(node.input) > 2 and node.input[2] else None
        self._dense(number, node, weight, bias)

    def _matmul(self, number: int, node: Any, attributes: dict[str, Any]) -> None:
        self.pending_matmul = self._constant(number, node, node.input[1]).T

    def _add(self, number: int, node: Any, attributes: dict[str, Any]) -> None:
        if self.pending_matmul is None:
            raise self.fail(number, node, "adds to something other than a MatMul's product")
        bias = self._constant(number, node, [name for name in node.input if name in self.constants][0])
        weight, self.pending_matmul = self.pending_matmul, None
        self._dense(number, node, weight, bias)

    def _dense(self, number: int, node: Any, weight: np.ndarray, bias: np.ndarray | None) -> None:
        if weight.ndim != 2:
            raise self.fail(number, node, f"has a weight of shape {weight.shape}; a dense layer's is 2-D")
        bias = np.zeros(weight.shape[0]) if bias is None else np.asarray(bias).reshape(-1)
        if bias.shape != (weight.shape[0],):
            raise self.fail(number, node, f"has a bias of shape {bias.shape} for {weight.shape[0]} outputs")
        self._add_layer({"kind": "dense", "units": int(weight.shape[0])}, (weight, bias))

    def finish(self) -> OnnxNetwork:
        if self.pending_matmul is not None:
            raise NnexplainError(f"{self.path}: the graph ends in a MatMul without its bias Add")
        if not self.specs or self.specs[-1]["kind"] != "dense":
            raise NnexplainError(f"{self.path}: the graph does not end in a dense (Gemm or MatMul) layer")
        if self.activations[-1] is not None:
            raise NnexplainError(
                f"{self.path}: the last layer is followed by {self.activations[-1]}; nnexplain's output is softmax "
                "for a classifier, nothing for a regression"
            )
        hidden = {
            activation
            for spec, activation in zip(self.specs[:-1], self.activations[:-1])
            if spec["kind"] in ("conv2d", "dense")
        }
        if len(hidden) > 1:
            named = ", ".join(sorted(str(a or "none") for a in hidden))
            raise NnexplainError(f"{self.path}: its hidden layers mix activations ({named}); nnexplain draws one")
        activation = (hidden.pop() if hidden else None) or "identity"
        return OnnxNetwork(self.input_shape, self.specs, self.params, activation)
