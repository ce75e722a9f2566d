"""The image layer kinds (conv2d, maxpool2d, flatten): their numpy forward pass against torch's own functions.

The answer key is ``torch.nn.functional`` (``conv2d``, ``max_pool2d``, ``flatten``) in float64 on
the same numbers, over shapes, strides and paddings hypothesis picks; and a whole CNN's numpy
trace against the torch module the network builds for training.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from nnexplain.run.layers import LayerSpecError, layer_from_spec
from nnexplain.run.network import Network

FLOAT64 = dict(rtol=1e-10, atol=1e-12)
CNN_SPECS = [
    {"kind": "conv2d", "channels": 3, "kernel_size": 3, "padding": 1},
    {"kind": "maxpool2d", "kernel_size": 2},
    {"kind": "conv2d", "channels": 4, "kernel_size": [3, 2], "stride": [2, 1]},
    {"kind": "flatten"},
    {"kind": "dense", "units": 5},
]


@st.composite
def image_layer_cases(draw, pooling: bool):
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    top = (kernel[0] // 2, kernel[1] // 2) if pooling else (3, 3)
    padding = (draw(st.integers(0, top[0])), draw(st.integers(0, top[1])))
    channels = draw(st.integers(1, 3))
    sides = [draw(st.integers(max(1, kernel[axis] - 2 * padding[axis]), 9)) for axis in (0, 1)]
    batch = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**31))
    return kernel, stride, padding, (channels, *sides), batch, seed


@settings(max_examples=60, deadline=None)
@given(image_layer_cases(pooling=False), st.integers(1, 4))
def test_conv2d_forward_is_torchs(case, out_channels):
    kernel, stride, padding, shape, batch, seed = case
    spec = {"kind": "conv2d", "channels": out_channels, "kernel_size": list(kernel), "stride": list(stride)}
    layer = layer_from_spec({**spec, "padding": list(padding)}, shape, "relu")
    rng = np.random.default_rng(seed)
    weight = rng.normal(size=layer.parameter_shapes()["weight"])
    bias = rng.normal(size=(out_channels,))
    x = rng.normal(size=(batch, *shape))
    expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(weight), torch.from_numpy(bias), stride, padding)
    got = layer.pre_activation((weight, bias), x)
    assert got.shape == (batch, *layer.output_shape) == tuple(expected.shape)
    np.testing.assert_allclose(got, expected.numpy(), **FLOAT64)


@settings(max_examples=60, deadline=None)
@given(image_layer_cases(pooling=True))
def test_maxpool2d_forward_is_torchs(case):
    kernel, stride, padding, shape, batch, seed = case
    spec = {"kind": "maxpool2d", "kernel_size": list(kernel), "stride": list(stride), "padding": list(padding)}
    layer = layer_from_spec(spec, shape, "relu")
    x = np.random.default_rng(seed).normal(size=(batch, *shape))
    expected = F.max_pool2d(torch.from_numpy(x), kernel, stride, padding)
    got = layer.pre_activation((), x)
    assert got.shape == (batch, *layer.output_shape) == tuple(expected.shape)
    np.testing.assert_array_equal(got, expected.numpy())  # a maximum is one of the inputs: exact
    # The winner it names holds the value that survived.
    rows, columns = np.moveaxis(layer.winners(x), -1, 0)
    n, c = np.indices(got.shape[:2])
    picked = x[n[..., None, None], c[..., None, None], rows, columns]
    np.testing.assert_array_equal(picked, got)


def test_maxpool_stride_defaults_to_its_kernel_and_flatten_is_torchs():
    pool = layer_from_spec({"kind": "maxpool2d", "kernel_size": 2}, (2, 6, 7), "relu")
    assert pool.stride == (2, 2) and pool.output_shape == (2, 3, 3) and pool.activation == "identity"
    flat = layer_from_spec({"kind": "flatten"}, (2, 3, 3), "relu")
    x = np.random.default_rng(0).normal(size=(4, 2, 3, 3))
    np.testing.assert_array_equal(flat.pre_activation((), x), torch.flatten(torch.from_numpy(x), 1).numpy())


@pytest.mark.parametrize(
    "spec, shape, key",
    [
        ({"kind": "conv2d", "channels": 2}, (1, 5, 5), "kernel_size"),
        ({"kind": "conv2d", "channels": 2, "kernel_size": 6}, (1, 5, 5), "kernel_size"),
        ({"kind": "conv2d", "channels": 2, "kernel_size": "3"}, (1, 5, 5), "kernel_size"),
        ({"kind": "conv2d", "channels": 2, "kernel_size": 3}, (25,), "kind"),
        ({"kind": "maxpool2d", "kernel_size": 2, "padding": 2}, (1, 5, 5), "padding"),
        ({"kind": "conv2d", "channels": 0, "kernel_size": 3}, (1, 5, 5), "channels"),
    ],
)
def test_bad_image_layer_entries_name_their_key(spec, shape, key):
    with pytest.raises(LayerSpecError) as error:
        layer_from_spec(spec, shape, "relu")
    assert error.value.key == key


def test_cnn_trace_is_its_torch_modules_forward():
    """The whole network: numpy's float64 trace against the module training uses, run in float64."""
    torch.manual_seed(0)
    network = Network.from_specs((1, 8, 8), CNN_SPECS, "relu", "softmax")
    assert [layer.activation for layer in network.layers] == ["relu", "identity", "relu", "identity", "identity"]
    assert network.widths == [64, 192, 48, 12, 12, 5]
    module = network.torch_module().double()
    params = module.numpy_params()
    x = np.random.default_rng(1).normal(size=(6, 64))
    trace = network.trace(params, x)
    with torch.no_grad():
        a = torch.from_numpy(x).reshape(6, 1, 8, 8)
        for (z, act), layer, activate in zip(trace[:-1], module.layers, module._activations):
            zt = layer(a)
            a = activate(zt)
            np.testing.assert_allclose(z, zt.numpy(), **FLOAT64)
            np.testing.assert_allclose(act, a.numpy(), **FLOAT64)
        a = module.layers[-1](a)
        np.testing.assert_allclose(trace[-1][0], a.numpy(), **FLOAT64)
    np.testing.assert_allclose(trace[-1][1], torch.softmax(a, 1).numpy(), **FLOAT64)
    assert network.parameter_count == sum(p.numel() for p in module.parameters())
