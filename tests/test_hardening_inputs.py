"""Issue 28's careless inputs: each refused in one line (or read), with advice that fits the case."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch
from conftest import DATA, run_cli
from safetensors.torch import save_file
from test_cli import assert_user_error
from torch import nn

from nnexplain.errors import NnexplainError
from nnexplain.run import load_run
from nnexplain.train.importer import import_weights


def _moons_model(bias: bool = True, hidden: int = 3, outputs: int = 2) -> nn.Module:
    torch.manual_seed(3)
    return nn.Sequential(nn.Linear(2, hidden, bias=bias), nn.ReLU(), nn.Linear(hidden, outputs, bias=bias))


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1"])
def test_a_learning_rate_that_is_not_a_positive_finite_number_is_one_line(tmp_path, value):
    assert_user_error(run_cli("train", "chain", "--lr", value, "--out", tmp_path / "run"), "--lr")
    assert not (tmp_path / "run").exists()


def test_a_training_that_ends_beyond_what_can_be_drawn_fails_and_says_so(tmp_path):
    result = run_cli("train", "square-relu-3", "--lr", "1e9", "--epochs", "3", "--out", tmp_path / "run")
    assert result.returncode == 2, result.stderr  # after the progress bar, the one line that says why
    last = result.stderr.strip().splitlines()[-1]
    assert "training diverged" in last and "beyond the ±1e+06 nnexplain can draw" in last, last
    assert load_run(tmp_path / "run").manifest["status"] == "diverged"  # not "complete"


def test_import_refuses_a_weight_beyond_what_can_be_drawn(tmp_path):
    state = _moons_model().state_dict()
    state["2.weight"][0, 0] = 1e7
    torch.save(state, tmp_path / "big.pt")
    with pytest.raises(NnexplainError, match=r"layer 1 has a weight of magnitude 1e\+07.*±1e\+06"):
        import_weights(tmp_path / "big.pt", "relu", tmp_path / "run", data="moons")
    assert not (tmp_path / "run").exists()


def _bfloat16_as_float32(tensor: torch.Tensor) -> np.ndarray:
    """bfloat16 is float32's top 16 bits: shifted back into place, the bits are the float32 value."""
    bits = tensor.view(torch.int16).numpy().astype(np.uint16).astype(np.uint32) << 16
    return bits.view(np.float32)


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_half_precision_safetensors_import_exactly(tmp_path, dtype):
    state = {name: value.to(dtype) for name, value in _moons_model().state_dict().items()}
    save_file(state, tmp_path / "half.safetensors")
    result = run_cli(
        "import", tmp_path / "half.safetensors", "--activation", "relu", "--data", "moons", "--out", tmp_path / "run"
    )
    assert result.returncode == 0, result.stderr
    name = str(dtype).removeprefix("torch.")
    assert f"{name} weights held as float32: exactly" in result.stderr
    run = load_run(tmp_path / "run")
    assert run.manifest["imported_from"]["dtypes"] == [name]
    weight = state["0.weight"]
    expected = _bfloat16_as_float32(weight) if dtype == torch.bfloat16 else weight.numpy().astype(np.float32)
    np.testing.assert_array_equal(run.params()[0][0], expected)  # widening is exact: equal, not close


def test_a_pickled_module_is_told_to_save_its_state_dict(tmp_path):
    torch.save(_moons_model(), tmp_path / "model.pt")
    result = run_cli("import", tmp_path / "model.pt", "--activation", "relu", "--out", tmp_path / "run")
    assert_user_error(result, "torch.save(model.state_dict(), PATH)")
    assert "weights_only=False" not in result.stderr and "weights_only` set to `False" not in result.stderr


def test_layers_without_bias_import_with_zero_biases(tmp_path):
    model = _moons_model(bias=False)
    torch.save(model.state_dict(), tmp_path / "nobias.pt")
    run = load_run(import_weights(tmp_path / "nobias.pt", "relu", tmp_path / "run", data="moons"))
    for (weight, bias), layer in zip(run.params(), [model[0], model[2]]):
        np.testing.assert_array_equal(weight, layer.weight.detach().numpy())
        np.testing.assert_array_equal(bias, np.zeros(layer.out_features, np.float32))
    x = torch.from_numpy(np.asarray(run.probe_file["inputs"], np.float32))
    with torch.no_grad():  # the torch model itself is the oracle for what the run computes
        expected = model[0](x).relu().numpy()
    np.testing.assert_allclose(run.tensors()["act.0"][: len(x)], expected, rtol=1e-5, atol=1e-6)


def test_safetensors_names_that_sort_against_the_layer_order_get_a_hint(tmp_path):
    model = _moons_model(hidden=5, outputs=3)  # 3×5 then 5×2: in name order, the shapes do not chain
    save_file(
        {
            "encoder.weight": model[0].weight.detach(),
            "encoder.bias": model[0].bias.detach(),
            "classifier.weight": model[2].weight.detach(),
            "classifier.bias": model[2].bias.detach(),
        },
        tmp_path / "named.safetensors",
    )
    result = run_cli("import", tmp_path / "named.safetensors", "--activation", "relu", "--out", tmp_path / "run")
    assert_user_error(result, "shapes do not chain", "rename the layers so their names sort in order")


# --- the five confusing messages -------------------------------------------------------------------------------


def test_a_file_given_as_run_is_not_told_to_train_into_itself(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    result = run_cli("info", tmp_path / "notes.txt")
    assert_user_error(result, "is a file, not a run directory")
    assert "--out" not in result.stderr


def test_out_on_a_symlink_loop_says_so(tmp_path):
    os.symlink(tmp_path / "loop", tmp_path / "loop")
    result = run_cli("render", "relu-square", "--run", DATA / "square-relu-3", "--no-cache", "--out", tmp_path / "loop")
    assert_user_error(result, "symbolic link that leads nowhere")


def test_import_onto_a_run_is_not_told_to_train(tmp_path):
    torch.save(_moons_model().state_dict(), tmp_path / "w.pt")
    result = run_cli(
        "import", tmp_path / "w.pt", "--activation", "relu", "--data", "moons", "--out", DATA / "square-relu-3"
    )
    assert_user_error(result, "holds a run already", "import into another --out")
    assert "train" not in result.stderr


def test_float_labels_for_a_classifier_are_named_as_such(tmp_path):
    x = np.random.default_rng(0).normal(size=(20, 2)).astype(np.float32)
    y = np.array([0.0, 1.0] * 10, np.float32)
    np.savez(tmp_path / "mine.npz", x_train=x, y_train=y, x_val=x, y_val=y)
    torch.save(_moons_model().state_dict(), tmp_path / "w.pt")
    result = run_cli(
        "import", tmp_path / "w.pt", "--activation", "relu", "--data", tmp_path / "mine.npz", "--out", tmp_path / "r"
    )
    assert_user_error(result, "its y holds floats", "integer class indices")


def test_a_damaged_imported_run_is_told_to_import_again(tmp_path):
    torch.save(_moons_model().state_dict(), tmp_path / "w.pt")
    run_dir = import_weights(tmp_path / "w.pt", "relu", tmp_path / "run", data="moons")
    snapshot = run_dir / json.loads((run_dir / "manifest.json").read_text())["snapshots"][0]["file"]
    data = bytearray(snapshot.read_bytes())
    data[-1] ^= 0xFF
    snapshot.write_bytes(bytes(data))
    for result in (run_cli("info", run_dir), run_cli("render", "lift", "--run", run_dir, "--no-cache")):
        assert_user_error(result, "import it again from w.pt")
        assert "retrain" not in result.stderr


def test_safetensors_names_out_of_order_that_chain_but_do_not_fit_get_the_hint_too(tmp_path):
    model = _moons_model(hidden=5, outputs=2)  # in name order: 2×5 then 5×2, a 5-2-5 network that fits no data
    save_file(
        {
            "encoder.weight": model[0].weight.detach(),
            "encoder.bias": model[0].bias.detach(),
            "classifier.weight": model[2].weight.detach(),
            "classifier.bias": model[2].bias.detach(),
        },
        tmp_path / "named.safetensors",
    )
    with pytest.raises(NnexplainError, match="rename the layers so their names sort in order"):
        import_weights(tmp_path / "named.safetensors", "relu", tmp_path / "run", data="moons")
