"""Careless or hostile input: one line and exit status 2, at once, with nothing allocated beyond the limits."""

import json
import os
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from conftest import DATA, run_cli
from test_cli import assert_user_error

from nnexplain.data.idx import write_idx
from nnexplain.errors import NnexplainError
from nnexplain.run.weights import mlp_params

QUICK = 60  # seconds: a hang would run into this


def _cli(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-c", "from nnexplain.app.cli import main; main()", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=QUICK,
        **kwargs,
    )


def _fifo(path):
    os.mkfifo(path)
    return path


# --- only regular files --------------------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["manifest.json", "probe.safetensors", "snapshots/epoch-03000.safetensors"])
def test_a_fifo_inside_a_run_is_refused_at_once(tmp_path, member):
    run = tmp_path / "run"
    shutil.copytree(DATA / "square-relu-3", run)
    (run / member).unlink()
    _fifo(run / member)
    result = _cli(
        "render", "relu-square", "--run", run, "--format", "png", "--resolution", "160x90", "--out", tmp_path / "out"
    )
    assert_user_error(result, "is a FIFO (named pipe), not a regular file")


def test_a_device_or_fifo_as_weights_or_data_is_refused_at_once(tmp_path):
    (tmp_path / "zero.pt").symlink_to("/dev/zero")
    assert_user_error(
        _cli("import", tmp_path / "zero.pt", "--activation", "relu", "--out", tmp_path / "a"), "is a character device"
    )
    weights = tmp_path / "w.npz"
    np.savez(weights, **{"l.weight": np.ones((1, 2), np.float32), "l.bias": np.zeros(1, np.float32)})
    _fifo(tmp_path / "data.npz")
    result = _cli("import", weights, "--activation", "relu", "--data", tmp_path / "data.npz", "--out", tmp_path / "b")
    assert_user_error(result, "is a FIFO (named pipe), not a regular file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.npz", "w.npz", "zero.pt"]


def test_a_fifo_in_the_mnist_directory_is_refused_at_once(tmp_path):
    for name in (
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ):
        _fifo(tmp_path / name)
    result = _cli("train", "mnist", "--data-dir", tmp_path, "--out", tmp_path / "run")
    assert_user_error(result, "is a FIFO (named pipe), not a regular file")
    assert not (tmp_path / "run").exists()


# --- only what fits --------------------------------------------------------------------------------------------


def test_an_npz_header_claiming_a_huge_array_is_refused_before_allocating(tmp_path):
    path = tmp_path / "huge.npz"
    header = {"descr": "<f8", "fortran_order": False, "shape": (100_000, 100_000)}
    with zipfile.ZipFile(path, "w") as archive:
        with archive.open("x_train.npy", "w") as member:
            np.lib.format.write_array_header_1_0(member, header)
            member.write(b"\0" * 64)
    weights = tmp_path / "w.npz"
    np.savez(weights, **{"l.weight": np.ones((1, 2), np.float32), "l.bias": np.zeros(1, np.float32)})
    result = _cli("import", weights, "--activation", "relu", "--data", path, "--out", tmp_path / "run")
    assert_user_error(result, "array 'x_train' claims a 100000×100000 array (74.5 GiB)")


def test_a_deflate_bomb_is_refused_before_inflating(tmp_path):
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("x_train.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array_header_1_0(
                member, {"descr": "|u1", "fortran_order": False, "shape": (1_200_000_000,)}
            )
            chunk = bytes(64 << 20)
            for _ in range(18):  # 1.2 GB of zeros, a few MB on disk
                member.write(chunk)
    assert path.stat().st_size < 10 << 20
    weights = tmp_path / "w.npz"
    np.savez(weights, **{"l.weight": np.ones((1, 2), np.float32), "l.bias": np.zeros(1, np.float32)})
    result = _cli("import", weights, "--activation", "relu", "--data", path, "--out", tmp_path / "run")
    assert_user_error(result, "array 'x_train' inflates to 1.1 GiB")


def test_a_network_past_the_parameter_limit_is_refused_before_it_is_copied():
    wide = {"0.weight": np.broadcast_to(np.float32(0), (100_000, 784)), "0.bias": np.zeros(100_000, np.float32)}
    with pytest.raises(
        NnexplainError, match=r"the network has 78,500,000 parameters; nnexplain draws networks of up to 20,000,000"
    ):
        mlp_params(wide, "wide.safetensors")


def test_class_labels_up_to_a_billion_build_no_billion_names(tmp_path):
    data = tmp_path / "labels.npz"
    x = np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32)
    np.savez(data, x_train=x, y_train=np.array([0, 1, 2, 999_999_999]), x_val=x, y_val=np.array([0, 1, 2, 3]))
    weights = tmp_path / "w.npz"
    np.savez(weights, **{"l.weight": np.ones((3, 2), np.float32), "l.bias": np.zeros(3, np.float32)})
    result = _cli("import", weights, "--activation", "relu", "--data", data, "--out", tmp_path / "run")
    assert_user_error(result, "the targets name class 999999999; nnexplain draws up to 10,000 classes")


# --- every value the CLI accepts works --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["train", "square-relu-3", "--seed", str(2**64)], "--seed"),
        (["train", "square-relu-3", "--epochs", str(2**64)], "--epochs"),
        (["render", "relu-square", "--run", DATA / "square-relu-3", "--resolution", "99998x99998"], "from 16 to 7680"),
        (["render", "relu-square", "--run", DATA / "square-relu-3", "--resolution", "1000000x16"], "from 16 to 7680"),
    ],
)
def test_out_of_range_options_are_one_line(tmp_path, arguments, message):
    assert_user_error(_cli(*arguments, "--out", tmp_path / "out"), message)
    assert not (tmp_path / "out").exists()


def test_the_largest_accepted_seed_trains(tmp_path):
    assert (
        _cli("train", "square-relu-3", "--seed", str(2**63 - 1), "--epochs", "5", "--out", tmp_path / "run").returncode
        == 0
    )


@pytest.mark.parametrize(
    "labels, message",
    [
        (np.array([3, 10, 2], np.uint8), "the train labels include 10"),
        (np.zeros(0, np.uint8), "the train files hold no images"),
    ],
)
def test_bad_idx_labels_are_refused_before_anything_is_written(tmp_path, labels, message):
    data = tmp_path / "mnist"
    data.mkdir()
    for prefix in ("train", "t10k"):
        write_idx(data / f"{prefix}-images-idx3-ubyte", np.zeros((len(labels), 28, 28), np.uint8))
        write_idx(data / f"{prefix}-labels-idx1-ubyte", labels)
    assert_user_error(_cli("train", "mnist", "--data-dir", data, "--out", tmp_path / "run"), message)
    assert not (tmp_path / "run").exists()


# --- what import accepts ----------------------------------------------------------------------------------------


def _import_with_data(tmp_path, arrays, sizes=(1, 4, 1)):
    data = tmp_path / "mine.npz"
    np.savez(data, **arrays)
    weights = {}
    for index, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        weights[f"{index}.weight"], weights[f"{index}.bias"] = np.ones((b, a), np.float32), np.zeros(b, np.float32)
    np.savez(tmp_path / "w.npz", **weights)
    return _cli("import", tmp_path / "w.npz", "--activation", "relu", "--data", data, "--out", tmp_path / "run")


def test_infinite_targets_are_refused(tmp_path):
    x = np.linspace(-1, 1, 10, dtype=np.float32)[:, None]
    result = _import_with_data(
        tmp_path, {"x_train": x, "y_train": np.where(x > 0.5, np.inf, x), "x_val": x, "y_val": x}
    )
    assert_user_error(result, "y_train must hold finite real numbers")


def test_data_spanning_1e38_is_refused(tmp_path):
    x = np.linspace(-1e38, 1e38, 10, dtype=np.float32)[:, None]
    result = _import_with_data(tmp_path, {"x_train": x, "y_train": x, "x_val": x, "y_val": x})
    assert_user_error(result, "x_train reaches 1e+38; nnexplain draws data of magnitude up to 1e+06")


def test_2d_data_with_one_sample_is_refused(tmp_path):
    x, y = np.zeros((1, 2), np.float32), np.zeros(1, np.int64)
    result = _import_with_data(tmp_path, {"x_train": x, "y_train": y, "x_val": x, "y_val": y}, sizes=(2, 2))
    assert_user_error(result, "x_train has shape (1, 2); expected at least 2 items")


@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")  # deprecated, but users still save them
@pytest.mark.parametrize("kind", ["sparse", "meta", "quantized", "complex"])
def test_odd_torch_tensors_are_refused_not_cast(tmp_path, kind):
    import torch

    dense = torch.ones(2, 3)
    weight = {
        "sparse": dense.to_sparse(),
        "meta": torch.empty(2, 3, device="meta"),
        "quantized": torch.quantize_per_tensor(dense, 0.1, 0, torch.qint8),
        "complex": dense.to(torch.complex64),
    }[kind]
    torch.save({"0.weight": weight, "0.bias": torch.zeros(2)}, tmp_path / "odd.pt")
    result = _cli("import", tmp_path / "odd.pt", "--activation", "relu", "--out", tmp_path / "run")
    assert_user_error(result, "tensor '0.weight' is", kind, "save the model's plain (dense, real) float weights")
    assert not (tmp_path / "run").exists()


def test_complex_weights_in_an_npz_are_refused(tmp_path):
    np.savez(tmp_path / "w.npz", **{"0.weight": np.ones((2, 3), np.complex64), "0.bias": np.zeros(2, np.float32)})
    assert_user_error(
        _cli("import", tmp_path / "w.npz", "--activation", "relu", "--out", tmp_path / "run"), "holds complex64 values"
    )


# --- messages that say what is wrong ---------------------------------------------------------------------------


def test_a_truncated_npz_is_called_truncated_and_objects_are_called_objects(tmp_path):
    x = np.zeros((10, 2), np.float32)
    np.savez(tmp_path / "whole.npz", x_train=x, y_train=np.zeros(10, np.int64), x_val=x, y_val=np.zeros(10, np.int64))
    data = (tmp_path / "whole.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    weights = tmp_path / "w.npz"
    np.savez(weights, **{"l.weight": np.ones((1, 2), np.float32), "l.bias": np.zeros(1, np.float32)})
    result = _cli("import", weights, "--activation", "relu", "--data", tmp_path / "cut.npz", "--out", tmp_path / "run")
    assert result.returncode == 2 and "Python objects" not in result.stderr and "not a readable .npz" in result.stderr
    np.savez(tmp_path / "objects.npz", x_train=np.array([{"a": 1}, None], dtype=object))
    result = _cli(
        "import", weights, "--activation", "relu", "--data", tmp_path / "objects.npz", "--out", tmp_path / "run"
    )
    assert_user_error(result, "array 'x_train' holds Python objects")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda m: {**m, "version": "1"}, 'its version is "1", not a whole number'),
        (lambda m: {**m, "version": 2}, "was written in run format version 2; this nnexplain reads version 1"),
    ],
)
def test_manifest_versions_are_named_plainly(tmp_path, change, message):
    run = tmp_path / "run"
    shutil.copytree(DATA / "square-relu-3", run)
    manifest = json.loads((run / "manifest.json").read_text())
    (run / "manifest.json").write_text(json.dumps(change(manifest)))
    assert_user_error(run_cli("info", run), message)


def test_json_nested_100000_deep_is_one_line(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    assert_user_error(run_cli("info", run), "is corrupt")
