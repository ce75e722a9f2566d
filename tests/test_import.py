"""`nnexplain import`: weights files from elsewhere become run directories like trained ones."""

from __future__ import annotations

import os
import pickle
import zipfile

import numpy as np
import pytest
import torch
from conftest import DATA, run_cli
from test_cli import assert_user_error
from torch import nn

from nnexplain.app.catalog import SCENES
from nnexplain.data import LOADERS
from nnexplain.data.mnist import load_mnist
from nnexplain.run import load_run
from nnexplain.train.importer import import_weights

FIXTURE_RUNS = sorted(path for path in DATA.iterdir() if (path / "manifest.json").is_file())


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


@pytest.fixture(scope="module")
def trained_sequential(mnist):
    """A 784-16-16-10 ReLU nn.Sequential, really trained (briefly) here with torch."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    x, y = torch.from_numpy(mnist.x_train[:2000]), torch.from_numpy(mnist.y_train[:2000])
    for _ in range(40):
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()


def _spiral_file(path, points=150, classes=3):
    """A small three-armed spiral, saved as a data set file of the user's own."""
    rng = np.random.default_rng(1)
    radius = np.tile(np.linspace(0.05, 1, points), classes)
    labels = np.repeat(np.arange(classes), points)
    angle = radius * 4 + labels * 2 * np.pi / classes + rng.normal(0, 0.15, len(radius))
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1).astype(np.float32)
    order = rng.permutation(len(x))
    x, labels = x[order], labels[order]
    cut = len(x) * 4 // 5
    np.savez(path, x_train=x[:cut], y_train=labels[:cut], x_val=x[cut:], y_val=labels[cut:])
    return path


def _fixture_weights(run_dir, path):
    """The last snapshot of a committed (really trained) run, written as an .npz of layers fc1, fc2, …"""
    arrays = {}
    for index, (weight, bias) in enumerate(load_run(run_dir).params(), start=1):
        arrays[f"fc{index}.weight"], arrays[f"fc{index}.bias"] = weight, bias
    np.savez(path, **arrays)
    return path


def _torch_trace(model: nn.Sequential, inputs: np.ndarray, output=torch.softmax):
    """(pre-activation, activation) of every Linear layer of ``model``, computed by torch."""
    linears = [m for m in model if isinstance(m, nn.Linear)]
    trace, a = [], torch.from_numpy(inputs)
    with torch.no_grad():
        for module in model:
            a = module(a)
            if isinstance(module, nn.Linear):
                trace.append([a, a])
            else:
                trace[-1][1] = a
        trace[-1][1] = output(trace[-1][0], dim=1)
    assert len(trace) == len(linears)
    return [(z.numpy(), act.numpy()) for z, act in trace]


def _assert_activations_match(run, model, output=torch.softmax):
    stored = run.tensors()
    for index, (z, a) in enumerate(_torch_trace(model, run.probe["inputs"], output)):
        np.testing.assert_allclose(stored[f"pre.{index}"], z, rtol=1e-4, atol=1e-5, err_msg=f"pre.{index}")
        np.testing.assert_allclose(stored[f"act.{index}"], a, rtol=1e-4, atol=1e-6, err_msg=f"act.{index}")


# Round trips ---------------------------------------------------------------------------------


def test_torch_state_dict_round_trip(tmp_path, trained_sequential, mnist):
    torch.save(trained_sequential.state_dict(), tmp_path / "model.pt")
    result = run_cli("import", tmp_path / "model.pt", "--activation", "relu", "--out", tmp_path / "run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(tmp_path / "run")
    run = load_run(tmp_path / "run")
    assert run.layers == [784, 16, 16, 10] and run.activation == "relu" and run.output == "softmax"
    assert run.dataset["name"] == "mnist"  # inferred: only MNIST takes 784 inputs
    assert run.recipe == "imported" and run.manifest["status"] == "complete"
    assert run.manifest["imported_from"]["file"] == "model.pt"
    assert run.manifest["imported_from"]["format"] == "torch"
    assert run.epochs == [0]
    _assert_activations_match(run, trained_sequential)
    with torch.no_grad():
        logits = trained_sequential(torch.from_numpy(mnist.x_val))
    accuracy = float((logits.argmax(1).numpy() == mnist.y_val).mean())
    assert run.final_metrics["val_acc"] == pytest.approx(accuracy, abs=1e-9)
    assert accuracy > 0.8  # it is a trained network, not noise
    loss = float(nn.functional.cross_entropy(logits, torch.from_numpy(mnist.y_val)))
    assert run.final_metrics["val_loss"] == pytest.approx(loss, rel=1e-4)
    # The probe is picked as training picks it: 4 of each digit, then mistakes of the final network.
    labels = run.probe["labels"]
    assert np.bincount(labels[:40], minlength=10).tolist() == [4] * 10
    wrong = run.tensors()["act.2"].argmax(1) != labels
    assert not wrong[:40].all() and wrong[40:].all() and len(labels) > 40


def _save_state_dict(model, path, fmt):
    state = model.state_dict()
    if fmt == "torch":
        torch.save(state, path)
    elif fmt == "torch-legacy":
        torch.save(state, path, _use_new_zipfile_serialization=False)
    elif fmt == "safetensors":
        from safetensors.torch import save_file

        save_file(state, path)
    else:
        with open(path, "wb") as handle:  # np.savez would add ".npz" to the name
            np.savez(handle, **{name: tensor.numpy() for name, tensor in state.items()})


@pytest.mark.parametrize("fmt", ["torch", "torch-legacy", "safetensors", "npz"])
def test_every_format_records_the_torch_forward_pass(tmp_path, trained_sequential, fmt):
    path = tmp_path / "model.bin"  # the format is told from the bytes, not the name
    _save_state_dict(trained_sequential, path, fmt)
    run = load_run(import_weights(path, "relu", tmp_path / "run", data="mnist"))
    assert run.manifest["imported_from"]["format"] == fmt.removesuffix("-legacy")
    _assert_activations_match(run, trained_sequential)


def test_safetensors_round_trip_keeps_layer_order(tmp_path):
    """Six tanh layers: keys 0.weight … 10.weight, which safetensors stores sorted as text (10 before 2)."""
    from safetensors.torch import save_file

    data = _spiral_file(tmp_path / "spiral.npz")
    arrays = np.load(data)
    torch.manual_seed(0)
    sizes = [2, 12, 10, 8, 6, 5, 3]
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.Tanh()]
    model = nn.Sequential(*layers[:-1])
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    x, y = torch.from_numpy(arrays["x_train"]), torch.from_numpy(arrays["y_train"])
    for _ in range(200):
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    save_file(model.state_dict(), tmp_path / "spiral.safetensors")
    result = run_cli(
        "import", tmp_path / "spiral.safetensors", "--activation", "tanh", "--data", data,
        "--name", "my-spiral", "--out", tmp_path / "run",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    run = load_run(tmp_path / "run")
    assert run.layers == sizes and run.recipe == "my-spiral"
    assert (
        run.dataset["name"] == "spiral"
        and run.dataset["input_shape"] == [2]
        and run.dataset["classes"] == ["0", "1", "2"]
    )
    assert run.manifest["imported_from"]["format"] == "safetensors"
    _assert_activations_match(run, model.eval())
    assert run.final_metrics["val_acc"] > 0.6


def test_npz_round_trip_reproduces_the_trained_run(tmp_path, sigmoid_run):
    """A trained run's final weights, imported, give the same probe and the same tensors."""
    trained = load_run(sigmoid_run)
    run = load_run(import_weights(_fixture_weights(sigmoid_run, tmp_path / "weights.npz"), "sigmoid", tmp_path / "run"))
    assert run.manifest["imported_from"]["format"] == "npz"
    for key in trained.probe:
        np.testing.assert_array_equal(run.probe[key], trained.probe[key])
    expected = trained.tensors()
    assert run.tensors().keys() == expected.keys()
    for name, value in run.tensors().items():
        np.testing.assert_allclose(value, expected[name], rtol=1e-6, atol=1e-7, err_msg=name)
    for name, value in trained.final_metrics.items():
        assert run.final_metrics[name] == pytest.approx(value, abs=2e-6), name
    # The fixture was recorded when the mistakes were appended to the probe, not kept in a file of their own,
    # and before files had checksums.
    assert set(run.manifest) == set(trained.manifest) | {"imported_from", "mistakes", "files"}
    assert set(run.snapshots[0]) == set(trained.snapshots[0])


def test_regression_data_gets_regression_metrics(tmp_path):
    x = np.linspace(-1, 1, 50, dtype=np.float32)[:, None]
    np.savez(tmp_path / "line.npz", x_train=x, y_train=3 * x - 1, x_val=x[::5], y_val=3 * x[::5] - 1)
    np.savez(tmp_path / "w.npz", **{"lin.weight": np.array([[3.0]]), "lin.bias": np.array([-0.5])})
    run = load_run(import_weights(tmp_path / "w.npz", "relu", tmp_path / "run", data=str(tmp_path / "line.npz")))
    assert run.output == "identity" and run.dataset["task"] == "regress"
    assert run.final_metrics["val_loss"] == pytest.approx(0.25) and run.final_metrics["val_max_error"] == pytest.approx(
        0.5
    )


@pytest.mark.parametrize("fixture", FIXTURE_RUNS, ids=lambda path: path.name)
def test_every_trained_fixture_imports_alike(tmp_path, fixture):
    """Each committed trained run, imported from its final weights, has the same arrays and suits the same scenes.

    Covers every contributor's arrays (2-D warps, 1-D curves, …) and every scene's check as they are added.
    """
    trained = load_run(fixture)
    if trained.dataset["name"] not in LOADERS:
        pytest.skip(f"{fixture.name} was trained on {trained.dataset['name']!r}, which is not a built-in data set")
    if not trained.network.is_plain_mlp:
        pytest.skip(
            f"{fixture.name}: a state dict does not say a CNN's layers; CNNs import from ONNX (test_onnx_import)"
        )
    options = (trained.manifest.get("config") or {}).get("dataset_options")
    if options:
        pytest.skip(
            f"{fixture.name} was trained with data set options {options}, which `import --data NAME` does not take"
        )
    weights = _fixture_weights(fixture, tmp_path / "weights.npz")
    run = load_run(import_weights(weights, trained.activation, tmp_path / "run", data=trained.dataset["name"]))
    # The MNIST fixtures were recorded when the mistakes were appended to the probe, not kept in a file of their own.
    # A weights file has no training history: no step losses, no history file named by the snapshot.
    assert set(run.manifest) - {"mistakes", "files"} == set(trained.manifest) - {
        "mistakes",
        "step_loss_every",
        "landscape",
        "files",  # fixtures recorded before checksums have none; the newer ones (mlp-mnist-6k) have
    } | {"imported_from"}
    assert set(run.snapshots[0]) == set(trained.snapshots[0]) - {"history", "resume"}  # no training to go on
    ours, theirs = run.tensors(), trained.tensors()
    assert ours.keys() == theirs.keys()
    for name, value in ours.items():
        assert value.shape[1:] == theirs[name].shape[1:], name  # the probe may differ in length, nothing else
    for name in (key for key in ours if key.startswith(("weight.", "bias."))):
        np.testing.assert_array_equal(ours[name], theirs[name])
    for scene in SCENES.values():
        if scene.needs_landscape:  # a landscape needs the training path, which an imported run does not have
            continue
        reason = scene.check(run.manifest)
        if reason and "imported from a weights file" in reason:  # scenes that play a run over time need 2 snapshots
            assert "at least 2 snapshots" in reason, scene.name
            continue
        assert reason == scene.check(trained.manifest), scene.name


@pytest.mark.graphical
def test_imported_network_renders_neurons(tmp_path, sigmoid_run):
    """The trained fixture's final weights, imported, draw the same network, digits and verdicts as the
    trained run (its control frame); only the opening summary differs, naming the file instead of the training."""
    from frames import CONTROL, HEIGHT, WIDTH
    from PIL import Image

    weights = _fixture_weights(sigmoid_run, tmp_path / "weights.npz")
    assert run_cli("import", weights, "--activation", "sigmoid", "--out", tmp_path / "run").returncode == 0
    result = run_cli(
        "render",
        "neurons",
        "--run",
        tmp_path / "run",
        "--format",
        "png",
        "--resolution",
        f"{WIDTH}x{HEIGHT}",
        "--out",
        tmp_path / "renders",
    )
    assert result.returncode == 0, result.stderr
    frame = np.asarray(Image.open(result.stdout.strip().splitlines()[-1]).convert("RGB")).astype(int)
    trained = np.load(CONTROL / "neurons-sigmoid_run.npz")["frame"].astype(int)
    differing = np.abs(frame - trained).max(axis=2) > 12
    assert differing.mean() < 0.002  # the last frame's subtitle is the beat's line, the same for both runs
    # The run's summary, under the title in the opening beat, names the file where a trained run says how it trained
    from readability import render_watched

    from nnexplain.scenes.neurons import Neurons

    seen = [text.text for text in render_watched(Neurons, tmp_path / "run", tmp_path / "watched").seen_texts]
    assert any("imported from weights.npz" in text for text in seen)
    assert not any("epochs on" in text for text in seen)


# Refusals ------------------------------------------------------------------------------------


class _RunsAShellCommand:
    """Unpickling this runs ``touch MARKER``: what a hostile .pt file would do."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_malicious_pickle_is_refused_unexecuted(tmp_path):
    live = tmp_path / "the-payload-works"
    marker = tmp_path / "pwned"
    # The payload is real: a plain unpickling runs it.
    pickle.loads(pickle.dumps(_RunsAShellCommand(live)))
    assert live.exists()

    torch.save({"0.weight": _RunsAShellCommand(marker), "0.bias": torch.zeros(2)}, tmp_path / "evil.pt")
    (tmp_path / "evil-legacy.pth").write_bytes(pickle.dumps({"0.weight": _RunsAShellCommand(marker)}))
    for name in ("evil.pt", "evil-legacy.pth"):
        result = run_cli(
            "import", tmp_path / name, "--activation", "relu", "--data", "mnist", "--out", tmp_path / "run"
        )
        assert_user_error(result, name, "weights_only=True")
        assert not marker.exists(), f"{name} ran its payload"
        assert not (tmp_path / "run").exists()


def _layers(*shapes, names=None, bias=True):
    arrays = {}
    for index, shape in enumerate(shapes):
        name = names[index] if names else f"fc{index + 1}"
        arrays[f"{name}.weight"] = np.full(shape, 0.1, np.float32)
        if bias:
            arrays[f"{name}.bias"] = np.zeros(shape[0], np.float32)
    return arrays


def _import(tmp_path, arrays=None, *extra, filename="w.npz", raw=None):
    path = tmp_path / filename
    if raw is not None:
        path.write_bytes(raw)
    else:
        np.savez(path, **arrays)
    return run_cli("import", path, "--activation", "relu", "--out", tmp_path / "run", *extra)


@pytest.mark.parametrize(
    ("arrays", "fragments"),
    [
        (
            _layers((16, 784), (10, 15)),
            ["shapes do not chain", "'fc1.weight' outputs 16", "'fc2.weight' has shape (10, 15)"],
        ),
        (
            {"conv.weight": np.zeros((8, 1, 3, 3)), "conv.bias": np.zeros(8)},
            ["'conv.weight' has shape (8, 1, 3, 3)", "2-D"],
        ),
        ({**_layers((16, 784), (10, 16)), "bn.running_mean": np.zeros(16)}, ["'bn.running_mean'", "neither"]),
        ({**_layers((16, 784), (10, 16)), "fc1.bias": np.zeros(15)}, ["bias 'fc1.bias' has shape (15,)"]),
        ({"fc1.weight": np.array([[np.nan, 0.0]] * 3), "fc1.bias": np.zeros(3)}, ["'fc1.weight' contains NaN or inf"]),
        (
            {**_layers((16, 784), (10, 16)), "fc2.bias": np.array([np.inf] + [0.0] * 9)},
            ["'fc2.bias' contains NaN or inf"],
        ),
        ({}, ["no '*.weight' tensors"]),
    ],
    ids=["no-chain", "conv", "extra-key", "bias-shape", "nan", "inf", "empty"],
)
def test_bad_weights_are_refused(tmp_path, arrays, fragments):
    result = _import(tmp_path, arrays, "--data", "mnist")
    assert_user_error(result, "w.npz", *fragments)
    assert not (tmp_path / "run").exists()


def test_state_dict_with_other_entries_is_refused(tmp_path):
    torch.save(
        {"epoch": 3, "fc1.weight": torch.zeros(10, 784), "fc1.bias": torch.zeros(10)}, tmp_path / "checkpoint.pt"
    )
    result = run_cli("import", tmp_path / "checkpoint.pt", "--activation", "relu", "--out", tmp_path / "run")
    assert_user_error(result, "checkpoint.pt", "entry 'epoch' is not a tensor (it is int)")


def test_input_size_must_fit_the_data(tmp_path):
    data = _spiral_file(tmp_path / "spiral.npz")
    assert_user_error(
        _import(tmp_path, _layers((8, 3), (3, 8)), "--data", data), "'fc1.weight' takes 3 inputs", "'spiral' has 2"
    )
    assert_user_error(
        _import(tmp_path, _layers((16, 2), (10, 16)), "--data", "mnist"), "takes 2 inputs", "'mnist' has 784 (28×28)"
    )
    assert_user_error(
        _import(tmp_path, _layers((8, 2), (4, 8)), "--data", data), "'fc2.weight' gives 4 outputs", "has 3 classes"
    )


def test_data_set_must_be_known_or_inferable(tmp_path):
    assert_user_error(
        _import(tmp_path, _layers((8, 7), (3, 8))), "no registered data set takes 7 inputs", "--data FILE.npz"
    )
    assert_user_error(
        _import(tmp_path, _layers((8, 7), (3, 8)), "--data", "imagenet"), "unknown data set 'imagenet'", "mnist"
    )
    np.savez(tmp_path / "partial.npz", x_train=np.zeros((4, 7)))
    result = _import(tmp_path, _layers((8, 7), (3, 8)), "--data", tmp_path / "partial.npz")
    assert_user_error(result, "partial.npz lacks y_train, x_val, y_val")


@pytest.mark.parametrize(
    ("raw", "fragments"),
    [
        (b"fc1.weight,0.1,0.2\n", ["is not a weights file", "torch.save", ".safetensors", ".npz"]),
        (bytes(range(256)) * 4, ["is not a weights file"]),
        (b"", ["is not a weights file"]),
        (b'\x40\x00\x00\x00\x00\x00\x00\x00{"a": 1}' + b" " * 60, ["not a readable safetensors file"]),
        (b"PK\x03\x04 truncated", ["corrupt"]),
    ],
    ids=["text", "noise", "empty", "bad-safetensors", "broken-zip"],
)
def test_files_of_no_known_format_are_refused(tmp_path, raw, fragments):
    assert_user_error(_import(tmp_path, raw=raw, filename="model.bin"), "model.bin", *fragments)


def test_zip_of_other_files_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "model.zip", "w") as archive:
        archive.writestr("weights.csv", "1,2,3")
    result = run_cli("import", tmp_path / "model.zip", "--activation", "relu", "--out", tmp_path / "run")
    assert_user_error(result, "model.zip is a zip archive but neither")


def test_object_arrays_in_npz_are_not_unpickled(tmp_path):
    np.savez(tmp_path / "w.npz", **{"fc1.weight": np.array([{"a": 1}], dtype=object)})
    result = run_cli("import", tmp_path / "w.npz", "--activation", "relu", "--out", tmp_path / "run")
    assert_user_error(result, "'fc1.weight' holds Python objects")


def test_existing_run_is_not_overwritten(tmp_path, sigmoid_run):
    weights = _fixture_weights(sigmoid_run, tmp_path / "weights.npz")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "keep.txt").write_text("mine")
    result = run_cli("import", weights, "--activation", "sigmoid", "--out", tmp_path / "run")
    assert_user_error(result, "is not a run directory (it holds keep.txt)")
    assert (tmp_path / "run" / "keep.txt").read_text() == "mine"


def test_activation_is_required(tmp_path, sigmoid_run):
    weights = _fixture_weights(sigmoid_run, tmp_path / "weights.npz")
    assert_user_error(run_cli("import", weights, "--out", tmp_path / "run"), "--activation")


def test_own_low_dimensional_data_can_be_drawn(tmp_path):
    """A 2-D classifier on the user's own points gets warps (fold draws it); a 1-D regression gets curves."""
    from nnexplain.app.catalog import check_run_suits

    _spiral_file(tmp_path / "points.npz", classes=2)
    rng = np.random.default_rng(0)
    layers = {
        "0.weight": rng.normal(size=(2, 2)),
        "0.bias": rng.normal(size=2),
        "2.weight": rng.normal(size=(2, 2)),
        "2.bias": np.zeros(2),
    }
    np.savez(tmp_path / "plane.npz", **layers)
    plane = load_run(
        import_weights(tmp_path / "plane.npz", "tanh", tmp_path / "plane", data=str(tmp_path / "points.npz"))
    )
    check_run_suits(SCENES["fold"], plane.manifest, "plane")
    assert plane.tensors()["warp.pre.0"].shape == (42, 200, 2)

    x = np.linspace(-2, 2, 60, dtype=np.float32)[:, None]
    np.savez(tmp_path / "curve.npz", x_train=x, y_train=x**2, x_val=x[::3], y_val=x[::3] ** 2)
    hinges = {
        "0.weight": np.array([[1.0], [-1.0], [1.0]]),
        "0.bias": np.array([0.0, 0.0, -1.0]),
        "2.weight": np.array([[1.0, 1.0, 1.0]]),
        "2.bias": np.array([0.0]),
    }
    np.savez(tmp_path / "hinges.npz", **hinges)
    curve = load_run(
        import_weights(tmp_path / "hinges.npz", "relu", tmp_path / "curve", data=str(tmp_path / "curve.npz"))
    )
    check_run_suits(SCENES["relu-square"], curve.manifest, "curve")
    assert curve.dataset["domain"] == [-2.0, 2.0] and curve.tensors()["curve.x"][[0, -1]].tolist() == [-2.0, 2.0]
