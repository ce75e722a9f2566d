"""User errors: exit status 2, one line on stderr, no traceback, nothing lost."""

import json
import shutil

import numpy as np
from conftest import run_cli

from nnexplain.data.idx import write_idx
from nnexplain.run import directory as rundir


def assert_user_error(result, *fragments):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_list_names_scenes_and_recipes():
    result = run_cli("list")
    assert result.returncode == 0
    assert "neurons" in result.stdout and "mnist" in result.stdout


def test_info(sigmoid_run):
    result = run_cli("info", sigmoid_run)
    assert result.returncode == 0, result.stderr
    assert "784-16-16-10, sigmoid hidden" in result.stdout
    assert "13,002" in result.stdout and "format version   1" in result.stdout
    assert "val_acc          93.60%" in result.stdout


def test_unknown_scene():
    assert_user_error(run_cli("render", "sparkles"), "unknown scene 'sparkles'", "neurons")


def test_unknown_recipe():
    assert_user_error(run_cli("train", "imagenet"), "unknown recipe 'imagenet'", "mnist")


def test_bad_option_value_is_one_line():
    assert_user_error(run_cli("render", "neurons", "--quality", "ultra"), "'ultra' is not one of")


def test_missing_argument_is_one_line():
    assert_user_error(run_cli("info"), "Missing argument")


def test_missing_run(tmp_path):
    assert_user_error(run_cli("info", tmp_path / "nope"), "no run directory at")
    assert_user_error(run_cli("render", "neurons", "--run", tmp_path / "nope"), "no run directory at")


def test_corrupt_run(tmp_path, sigmoid_run):
    shutil.copytree(sigmoid_run, tmp_path / "run")
    (tmp_path / "run" / "manifest.json").write_text("{ not json")
    assert_user_error(run_cli("info", tmp_path / "run"), "manifest.json is corrupt")


def test_run_of_another_format_version(tmp_path, sigmoid_run):
    shutil.copytree(sigmoid_run, tmp_path / "run")
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    manifest["version"] = 0
    (tmp_path / "run" / "manifest.json").write_text(json.dumps(manifest))
    assert_user_error(run_cli("render", "neurons", "--run", tmp_path / "run"), "format version 0", "reads version 1")


def test_run_unsuited_to_the_scene(tmp_path):
    manifest = {
        "recipe": "toy",
        "layers": [2, 3, 2],
        "activation": "tanh",
        "output": "softmax",
        "dataset": {"name": "toy", "task": "classify"},
    }
    rundir.create_run(tmp_path / "run", manifest, {"inputs": np.zeros((1, 2), np.float32)})
    assert_user_error(
        run_cli("render", "neurons", "--run", tmp_path / "run"), "scene 'neurons' cannot draw", "2-3-2", "784-…-10"
    )


def _mnist_dir(tmp_path, images_bytes=None):
    directory = tmp_path / "mnist"
    directory.mkdir()
    for prefix in ("train", "t10k"):
        write_idx(directory / f"{prefix}-images-idx3-ubyte.gz", np.zeros((20, 28, 28), np.uint8))
        write_idx(directory / f"{prefix}-labels-idx1-ubyte.gz", np.zeros(20, np.uint8))
    if images_bytes is not None:
        (directory / "train-images-idx3-ubyte.gz").unlink()
        (directory / "train-images-idx3-ubyte").write_bytes(images_bytes)
    return directory


def test_idx_with_wrong_magic(tmp_path):
    directory = _mnist_dir(tmp_path, images_bytes=b"\x00\x00\x08\x01" + bytes(100))
    result = run_cli("train", "mnist", "--data-dir", directory, "--out", tmp_path / "run")
    assert_user_error(result, "train-images-idx3-ubyte", "magic number 2049")
    assert not (tmp_path / "run").exists()


def test_truncated_idx(tmp_path):
    directory = _mnist_dir(
        tmp_path, images_bytes=b"\x00\x00\x08\x03" + np.array([20, 28, 28], ">u4").tobytes() + bytes(50)
    )
    assert_user_error(run_cli("train", "mnist", "--data-dir", directory, "--out", tmp_path / "run"), "truncated")


def test_cuda_asked_for_but_absent(tmp_path):
    result = run_cli("train", "mnist", "--device", "cuda", "--out", tmp_path / "run", env={"CUDA_VISIBLE_DEVICES": ""})
    assert_user_error(result, "--device cuda", "no CUDA device is available")


def test_training_never_overwrites_a_run_silently(tmp_path, sigmoid_run):
    shutil.copytree(sigmoid_run, tmp_path / "run")
    before = (tmp_path / "run" / "manifest.json").read_bytes()
    assert_user_error(run_cli("train", "mnist", "--out", tmp_path / "run"), "holds a run already", "--overwrite")
    assert (tmp_path / "run" / "manifest.json").read_bytes() == before


def test_failed_render_keeps_earlier_output(tmp_path):
    out = tmp_path / "renders"
    out.mkdir()
    (out / "neurons-480p15.mp4").write_bytes(b"an earlier render")
    assert_user_error(run_cli("render", "neurons", "--run", tmp_path / "missing", "--out", out), "no run directory")
    assert (out / "neurons-480p15.mp4").read_bytes() == b"an earlier render"


def test_train_writes_a_run_and_prints_its_path(tmp_path):
    result = run_cli("train", "mnist", "--epochs", "1", "--device", "cpu", "--out", tmp_path / "run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(tmp_path / "run")
    assert rundir.load_run(tmp_path / "run").epochs == [0, 1]
    assert "val_acc" in result.stderr  # the summary


def test_data_dir_reads_the_standard_file_names(tmp_path):
    from nnexplain.data.mnist import EMBEDDED_DIR

    directory = tmp_path / "mnist"
    directory.mkdir()
    for kind in ("images-idx3", "labels-idx1"):
        source = EMBEDDED_DIR / f"t10k-{kind}-ubyte.gz"
        shutil.copy(source, directory / f"train-{kind}-ubyte.gz")
        shutil.copy(source, directory / f"t10k-{kind}-ubyte.gz")
    result = run_cli(
        "train", "mnist", "--data-dir", directory, "--epochs", "1", "--device", "cpu", "--out", tmp_path / "run"
    )
    assert result.returncode == 0, result.stderr
    dataset = rundir.load_run(tmp_path / "run").dataset
    assert (dataset["name"], dataset["train"], dataset["val"]) == ("mnist-full", 10000, 10000)
