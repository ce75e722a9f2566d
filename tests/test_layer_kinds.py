"""One network model: layer kinds registered in one place, the activation registry, one forward pass.

The answer keys are torch (autograd for every derivative, torch's own functions and
``F.linear`` for every forward pass, written out here) and the package's source text
(each thing the network model defines is defined once).

The ``Scale`` kind (y = s ⊙ x, a learned vector s) is defined and registered in this
file only: it trains through the module the network builds, is recorded by the
Recorder into a real run directory, loads, and its numpy forward pass is torch's.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import torch_activations
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import nnexplain
from nnexplain.errors import RunError
from nnexplain.run import load_run
from nnexplain.run.activations import ACTIVATIONS, ALL_ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_FUNCTIONS, OUTPUTS
from nnexplain.run.layers import LAYER_KINDS, Layer, register_layer_kind
from nnexplain.run.network import Network

PACKAGE = Path(nnexplain.__file__).parent
# float32 torch against the float64 numpy pass, on values of order 1: float32 rounding, a few ulps of each sum.
FLOAT32 = dict(rtol=1e-5, atol=1e-6)
# float64 against float64: only the order of the sums differs.
FLOAT64 = dict(rtol=1e-10, atol=1e-12)


# --- the toy kind, known to this file only ------------------------------------------------------


class ScaleModule(nn.Module):
    def __init__(self, shape: tuple[int, ...]):
        super().__init__()
        self.scale = nn.Parameter(1.0 + 0.1 * torch.randn(shape))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale


@dataclass(frozen=True, kw_only=True)
class Scale(Layer):
    kind: ClassVar[str] = "scale"

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.input_shape

    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        return {"scale": self.input_shape}

    def pre_activation(self, params, x):
        return x * params[0]

    def torch_module(self) -> nn.Module:
        return ScaleModule(self.input_shape)


@pytest.fixture
def scale_kind():
    assert "scale" not in LAYER_KINDS  # the package itself knows nothing of it
    register_layer_kind(Scale)
    yield Scale
    del LAYER_KINDS["scale"]


SPECS = [{"kind": "dense", "units": 3}, {"kind": "scale"}, {"kind": "dense", "units": 2}]


def _blobs(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two classes of 2-D points: inside or outside a circle (no straight line separates them)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.5, 1.5, size=(count, 2)).astype(np.float32)
    return x, (np.hypot(x[:, 0], x[:, 1]) > 1.0).astype(np.int64)


def _torch_trace(params, x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The dense → scale → dense network written out in torch (float32), every (pre, act)."""
    (w0, b0), (s,), (w2, b2) = [[torch.from_numpy(np.asarray(v)) for v in layer] for layer in params]
    a = torch.from_numpy(x)
    z0 = F.linear(a, w0, b0)
    a0 = torch.tanh(z0)
    z1 = a0 * s
    z2 = F.linear(z1, w2, b2)
    return [(z.numpy(), act.numpy()) for z, act in ((z0, a0), (z1, z1), (z2, torch.softmax(z2, dim=1)))]


@pytest.fixture
def scale_run(tmp_path, scale_kind):
    """A dense-scale-dense tanh network trained 150 steps on its torch module, recorded every 50."""
    torch.manual_seed(0)
    network = Network.from_specs((2,), SPECS, "tanh", "softmax")
    model = network.torch_module()
    x, y = _blobs(400, seed=1)
    probe = _blobs(40, seed=2)
    dataset = {
        "name": "circle",
        "task": "classify",
        "classes": ["inside", "outside"],
        "input_shape": [2],
        "warp_grid": {"bounds": [-1.5, 1.5, -1.5, 1.5], "lines": 5, "points": 9},
    }
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    inputs, targets = torch.from_numpy(x), torch.from_numpy(y)
    losses = []
    with nnexplain.Recorder(model, tmp_path / "run", probe=probe, dataset=dataset, recipe="scale-toy") as recorder:
        recorder.snapshot(epoch=0)
        for step in range(1, 151):
            loss = F.cross_entropy(model(inputs), targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            recorder.log_step(loss)
            losses.append(loss.item())
            if step % 50 == 0:
                recorder.snapshot(epoch=step // 50, metrics={"train_loss": loss.item()})
    return tmp_path / "run", model, network, probe, losses


def test_a_kind_defined_in_one_file_trains_records_loads_and_runs_forward_as_torch(scale_run):
    run_dir, model, network, (probe_x, _), losses = scale_run
    assert losses[-1] < 0.6 * losses[0]  # it trains (0.77 to 0.40), through the module the network built

    run = load_run(run_dir)
    run.verify()
    run.check_drawable()
    assert run.manifest["network"] == SPECS and run.layers == [2, 3, 3, 2] and run.activation == "tanh"
    assert run.network == network.with_output("softmax")
    assert run.epochs == [0, 1, 2, 3]
    # The last snapshot holds the trained weights, each layer's parameters under their own names.
    stored = run.params()
    assert np.array_equal(stored[1][0], model.layers[1].scale.detach().numpy())
    assert np.array_equal(run.tensors()["scale.1"], stored[1][0]) and "weight.1" not in run.tensors()

    for epoch in run.epochs:
        params, recorded = run.params(epoch), run.tensors(epoch)
        expected = _torch_trace(params, probe_x)
        mine = run.network.trace(params, probe_x)
        for index, ((torch_pre, torch_act), (pre, act)) in enumerate(zip(expected, mine)):
            np.testing.assert_allclose(recorded[f"pre.{index}"], torch_pre, **FLOAT32)
            np.testing.assert_allclose(recorded[f"act.{index}"], torch_act, **FLOAT32)
            np.testing.assert_allclose(pre, torch_pre, **FLOAT32)
            np.testing.assert_allclose(act, torch_act, **FLOAT32)
        # The warps of the input plane went through the scale layer too.
        assert recorded["warp.pre.1"].shape == (10, 9, 3)
        # A fresh module of the run's network, given the stored weights, computes the same scores.
        fresh = run.network.torch_module()
        fresh.load_params(params)
        with torch.no_grad():
            np.testing.assert_allclose(fresh(torch.from_numpy(probe_x)).numpy(), expected[-1][0], **FLOAT32)


def test_a_reader_that_knows_no_network_key_refuses_the_run_rather_than_misreading_it(scale_run):
    run_dir = scale_run[0]
    manifest = json.loads((run_dir / "manifest.json").read_text())
    del manifest["network"]  # what a reader of plain MLPs sees: layers [2, 3, 3, 2] of dense layers
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(RunError, match="lacks 'weight.1'"):
        load_run(run_dir).check_drawable()


def test_an_unregistered_kind_is_one_line_naming_the_field(scale_run):
    run_dir = scale_run[0]
    del LAYER_KINDS["scale"]
    try:
        with pytest.raises(
            RunError,
            match=r"network\[1\]\.kind: unknown layer kind 'scale'; known kinds: conv2d, dense, flatten, maxpool2d",
        ) as raised:
            load_run(run_dir)
        assert "\n" not in str(raised.value)
    finally:
        register_layer_kind(Scale)


def test_a_plain_mlp_built_from_the_network_is_recorded_as_runs_always_were(tmp_path):
    torch.manual_seed(0)
    model = Network.mlp([2, 4, 2], "relu").torch_module()
    probe = _blobs(10, seed=3)
    with nnexplain.Recorder(
        model, tmp_path / "run", probe=probe, dataset={"name": "c", "task": "classify"}
    ) as recorder:
        recorder.snapshot(epoch=0)
    run = load_run(tmp_path / "run")
    assert "network" not in run.manifest and run.layers == [2, 4, 2] and run.activation == "relu"
    assert sorted(k for k in run.tensors() if k.startswith(("weight", "bias"))) == [
        "bias.0",
        "bias.1",
        "weight.0",
        "weight.1",
    ]


# --- the activation registry against torch ------------------------------------------------------

# Every sign, exact zeros (ReLU's slope there is torch's 0), and values where a naive sigmoid overflows.
Z = np.array([-800.0, -30.0, -3.0, -1.0, -0.25, -1e-8, 0.0, 1e-8, 0.5, 1.0, 2.5, 30.0, 800.0])


@pytest.mark.parametrize("name", ALL_ACTIVATIONS)
def test_each_activation_and_its_slope_are_torchs_function_and_autograd(name):
    entry = ACTIVATIONS[name]
    z = torch.tensor(Z, dtype=torch.float64, requires_grad=True)
    a = torch_activations()[name](z)
    (slope,) = torch.autograd.grad(a.sum(), z)
    mine = entry.function(Z.copy())
    np.testing.assert_allclose(mine, a.detach().numpy(), **FLOAT64)
    np.testing.assert_allclose(entry.slope(Z, mine), slope.numpy(), **FLOAT64)
    np.testing.assert_allclose(entry.torch_function()(z.detach()).numpy(), a.detach().numpy(), **FLOAT64)
    np.testing.assert_allclose(entry.torch_module()(z.detach()).numpy(), a.detach().numpy(), **FLOAT64)
    block = Z.astype(np.float32)
    np.testing.assert_allclose(entry.in_place(block), a.detach().numpy().astype(np.float32), rtol=1e-6, atol=1e-7)
    if entry.bound is not None:
        assert np.abs(mine).max() <= entry.bound
    else:
        assert np.abs(mine).max() > 100
    sides = entry.function(np.array([-3.0, -2.0, -1.0])), entry.function(np.array([1.0, 2.0, 3.0]))
    assert entry.piecewise_linear == all(np.allclose(np.diff(side, 2), 0) for side in sides)


@pytest.mark.parametrize("name", OUTPUT_FUNCTIONS)
def test_each_output_and_its_loss_are_torchs(name):
    entry = OUTPUTS[name]
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(6, 4)) * 3
    y = rng.integers(0, 4, size=6) if entry.task == "classify" else rng.normal(size=(6, 4))
    z = torch.tensor(logits, requires_grad=True)
    target = torch.tensor(y)
    if entry.task == "classify":
        output, losses = torch.softmax(z, dim=1), F.cross_entropy(z, target, reduction="none")
    else:
        output, losses = z, F.mse_loss(z, target, reduction="none").mean(dim=1)
    (delta,) = torch.autograd.grad(losses.sum(), z)  # each example's own derivative
    mine = entry.function(logits)
    my_losses, my_delta = entry.losses(logits, mine, y)
    np.testing.assert_allclose(mine, output.detach().numpy(), **FLOAT64)
    np.testing.assert_allclose(my_losses, losses.detach().numpy(), **FLOAT64)
    np.testing.assert_allclose(my_delta, delta.numpy(), **FLOAT64)


def test_the_names_the_package_offers_come_from_the_registry():
    assert HIDDEN_ACTIVATIONS == ("sigmoid", "tanh", "relu")
    assert ALL_ACTIVATIONS == ("sigmoid", "tanh", "relu", "identity")
    assert OUTPUT_FUNCTIONS == ("softmax", "identity")


# --- the numpy forward pass against torch --------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    widths=st.lists(st.integers(1, 7), min_size=2, max_size=5),
    activation=st.sampled_from(ALL_ACTIVATIONS),
    output=st.sampled_from(OUTPUT_FUNCTIONS),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_networks_forward_pass_is_torchs(widths, activation, output, seed):
    rng = np.random.default_rng(seed)
    network = Network.mlp(widths, activation, output)
    params = [
        (rng.normal(size=(b, a)).astype(np.float32), rng.normal(size=b).astype(np.float32))
        for a, b in zip(widths, widths[1:])
    ]
    x = rng.normal(size=(9, widths[0])).astype(np.float32)

    a = torch.from_numpy(x.astype(np.float64))
    expected = []
    for index, (weight, bias) in enumerate(params):
        z = F.linear(a, torch.from_numpy(weight.astype(np.float64)), torch.from_numpy(bias.astype(np.float64)))
        last = index == len(params) - 1
        a = (torch.softmax(z, dim=1) if output == "softmax" else z) if last else torch_activations()[activation](z)
        expected.append((z.numpy(), a.numpy()))
    mine = network.trace(params, x)
    assert len(mine) == len(expected) == len(network.widths) - 1
    for (pre, act), (torch_pre, torch_act) in zip(mine, expected):
        np.testing.assert_allclose(pre, torch_pre, **FLOAT64)
        np.testing.assert_allclose(act, torch_act, **FLOAT64)

    module = network.torch_module()
    module.load_params(params)
    with torch.no_grad():
        scores = module(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(scores, expected[-1][0], rtol=1e-4, atol=1e-4 * (1 + np.abs(expected[-1][0]).max()))
    assert network.parameter_count == sum(p.numel() for p in module.parameters())


# --- each thing defined once ---------------------------------------------------------------------

NAMES = set(ALL_ACTIVATIONS) | set(OUTPUT_FUNCTIONS)
REGISTRY = PACKAGE / "run" / "activations.py"
NOT_YET: set = set()  # every module takes its activation names from the registry
PARAMETER_COUNT = re.compile(r"\b(\w+)\s*\*\s*(\w+)\s*\+\s*(?:\1|\2)\b")  # a * b + b, n_out * n_in + n_out


def _strings(nodes) -> list[str]:
    return [node.value for node in nodes if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def duplicates(source: str) -> list[str]:
    """What ``source`` defines that the network model defines once: a Params alias, a parameter count
    formula, a literal collection of activation names, a table from activation names to functions."""
    found = [
        f"Params alias at line {n}"
        for n, line in enumerate(source.splitlines(), 1)
        if re.match(r"\s*Params\s*[:=]", line)
    ]
    found += [f"parameter count {match.group(0)!r}" for match in PARAMETER_COUNT.finditer(source)]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and len(set(_strings(node.elts)) & NAMES) >= 2:
            found.append(f"activation names {_strings(node.elts)} at line {node.lineno}")
        if isinstance(node, ast.Dict) and len(set(_strings(node.keys)) & NAMES) >= 2:
            if any(isinstance(value, (ast.Lambda, ast.Name, ast.Attribute)) for value in node.values):
                found.append(f"activation table at line {node.lineno}")
    return found


def test_the_detector_finds_each_kind_of_duplicate():
    planted = (
        "Params = list\n"
        "count = sum(a * b + b for a, b in pairs)\n"
        "each = n_out * n_in + n_out\n"
        "if activation in ('tanh', 'sigmoid'): pass\n"
        "choice = click.Choice(['sigmoid', 'tanh', 'relu'])\n"
        "TABLE = {'relu': np.abs, 'identity': lambda z: z}\n"
        "TEXT = {'relu': 'ReLU', 'tanh': 'tanh'}\n"  # names for display are not a table of functions
    )
    assert len(duplicates(planted)) == 6


def test_params_the_parameter_count_and_the_activation_table_are_defined_once():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in NOT_YET:
            continue
        for problem in duplicates(path.read_text()):
            found.setdefault(str(path.relative_to(PACKAGE)), []).append(problem)
    registry = found.pop(str(REGISTRY.relative_to(PACKAGE)), [])
    assert list(found) == ["run/network.py"] and len(found["run/network.py"]) == 1, found
    assert found["run/network.py"][0].startswith("Params alias")
    assert registry == []  # the registry derives its name tuples; it holds no literal list of names either
    counts = [path for path in PACKAGE.rglob("*.py") if "math.prod(shape)" in path.read_text()]
    assert counts == [PACKAGE / "run" / "layers" / "base.py"]
