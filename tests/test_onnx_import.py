"""Your own CNN from an ONNX file: made here with plain torch, exported, imported, and as accurate as torch says.

The answer key is the torch model the test trained itself: its accuracy on the validation digits,
and its weights, against the run the import writes (which computes both in numpy from the graph's
stored weights). The graph is read, never run.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import torch
from conftest import run_cli
from torch import nn

pytest.importorskip("onnx", reason="ONNX import needs the onnx package (pip install 'nnexplain[onnx]')")

from nnexplain.data import load_dataset  # noqa: E402
from nnexplain.run import load_run  # noqa: E402

# One validation digit of 2,000: float32 torch and the float64 numpy pass may part on a near-tie.
ONE_DIGIT = 1 / 2000 + 1e-9


def export(model: nn.Module, path, shape=(1, 1, 28, 28)) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation notice
        torch.onnx.export(model.eval(), (torch.zeros(shape),), str(path), dynamo=False)


@pytest.fixture(scope="module")
def mnist():
    return load_dataset("mnist")


@pytest.fixture(scope="module")
def user_cnn(mnist):
    """A CNN as a user writes it, trained briefly on 2,000 digits (its accuracy does not matter, only agreement)."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 5, stride=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2, stride=1),
        nn.Flatten(),
        nn.Linear(6 * 5 * 5, 10),
    )
    x = torch.from_numpy(mnist.x_train[:2000]).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(mnist.y_train[:2000])
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for start in range(0, 2000, 50):
        loss = nn.functional.cross_entropy(model(x[start : start + 50]), y[start : start + 50])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()


def test_an_exported_torch_cnn_imports_with_torchs_accuracy(tmp_path, user_cnn, mnist):
    export(user_cnn, tmp_path / "mine.onnx")
    result = run_cli("import", tmp_path / "mine.onnx", "--out", tmp_path / "run")
    assert result.returncode == 0, result.stderr
    run = load_run(tmp_path / "run")
    assert [layer.kind for layer in run.network.layers] == [
        "conv2d", "maxpool2d", "conv2d", "maxpool2d", "flatten", "dense"
    ]  # fmt: skip
    assert (
        run.activation == "relu" and run.network.layers[2].stride == (2, 2) and run.network.layers[2].padding == (1, 1)
    )
    assert run.network.layers[3].stride == (1, 1)  # MaxPool2d(2, stride=1), as the graph states
    assert run.manifest["imported_from"]["format"] == "onnx"
    with torch.no_grad():
        torch_acc = float(
            (user_cnn(torch.from_numpy(mnist.x_val).reshape(-1, 1, 28, 28)).argmax(1).numpy() == mnist.y_val).mean()
        )
    assert torch_acc > 0.5  # it learned something, so agreeing is no accident
    assert abs(run.final_metrics["val_acc"] - torch_acc) <= ONE_DIGIT
    # The stored weights are the model's.
    state = {name: value.numpy() for name, value in user_cnn.state_dict().items()}
    tensors = run.tensors(0)
    for layer, module in ((0, 0), (2, 3), (5, 7)):
        np.testing.assert_array_equal(tensors[f"weight.{layer}"], state[f"{module}.weight"])
        np.testing.assert_array_equal(tensors[f"bias.{layer}"], state[f"{module}.bias"])
    assert "conv2d 5×5×4 + relu" in run_cli("info", tmp_path / "run").stdout


def test_a_graph_with_an_op_nnexplain_cannot_draw_is_one_line_and_exit_2(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(2 * 13 * 13, 10))
    export(model, tmp_path / "avg.onnx")
    result = run_cli("import", tmp_path / "avg.onnx", "--out", tmp_path / "run")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "AveragePool" in result.stderr and "is not a layer nnexplain draws" in result.stderr
    assert not (tmp_path / "run").exists()


def test_a_matmul_add_mlp_built_with_onnx_helper_imports(tmp_path, mnist):
    """MatMul + Add layers (as other exporters write dense layers), built with onnx.helper, not torch."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    w1, b1 = rng.normal(0, 0.05, (784, 8)).astype(np.float32), rng.normal(0, 0.1, 8).astype(np.float32)
    w2, b2 = rng.normal(0, 0.3, (8, 10)).astype(np.float32), rng.normal(0, 0.1, 10).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h"]),
        helper.make_node("Add", ["h", "b1"], ["z1"]),
        helper.make_node("Tanh", ["z1"], ["a1"]),
        helper.make_node("MatMul", ["a1", "w2"], ["h2"]),
        helper.make_node("Add", ["h2", "b2"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["p"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 784])],
        [helper.make_tensor_value_info("p", TensorProto.FLOAT, ["n", 10])],
        [numpy_helper.from_array(a, name) for a, name in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))],
    )
    onnx.save(helper.make_model(graph), tmp_path / "mlp.onnx")
    result = run_cli("import", tmp_path / "mlp.onnx", "--out", tmp_path / "run")
    assert result.returncode == 0, result.stderr
    run = load_run(tmp_path / "run")
    assert run.layers == [784, 8, 10] and run.activation == "tanh" and "network" not in run.manifest
    logits = np.tanh(mnist.x_val.astype(np.float64) @ w1 + b1) @ w2 + b2
    assert abs(run.final_metrics["val_acc"] - float((logits.argmax(1) == mnist.y_val).mean())) <= ONE_DIGIT
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["imported_from"]["format"] == "onnx"
    wrong = run_cli("import", tmp_path / "mlp.onnx", "--activation", "relu", "--out", tmp_path / "other")
    assert wrong.returncode == 2 and "the graph's hidden layers use tanh" in wrong.stderr
