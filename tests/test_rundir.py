import json

import numpy as np
import pytest

from nnexplain.errors import RunError
from nnexplain.run import directory as rundir


def _make_run(path, epochs=(0, 1, 2)):
    manifest = {
        "recipe": "test",
        "layers": [3, 2],
        "activation": "relu",
        "output": "softmax",
        "dataset": {"name": "toy", "task": "classify"},
    }
    probe = {"inputs": np.eye(3, dtype=np.float32), "labels": np.array([0, 1, 1])}
    rundir.create_run(path, manifest, probe)
    for epoch in epochs:
        tensors = {"weight.0": np.full((2, 3), epoch, np.float32), "bias.0": np.arange(2, dtype=np.float32)}
        rundir.write_snapshot(path, epoch, tensors, {"val_acc": 0.5 + epoch / 10}, step=epoch * 7)
    return path


def test_round_trip(tmp_path):
    run = rundir.load_run(_make_run(tmp_path / "run"))
    assert run.layers == [3, 2] and run.activation == "relu" and run.epochs == [0, 1, 2]
    assert run.snapshot(1)["step"] == 7
    assert run.final_metrics == {"val_acc": pytest.approx(0.7)}
    np.testing.assert_array_equal(run.tensors(1)["weight.0"], np.ones((2, 3)))
    ((weight, bias),) = run.params()
    np.testing.assert_array_equal(weight, np.full((2, 3), 2))
    np.testing.assert_array_equal(run.probe["labels"], [0, 1, 1])
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["snapshots"][0]["file"] == "snapshots/epoch-00000.safetensors"  # relative to the run


def test_run_directory_can_move(tmp_path):
    _make_run(tmp_path / "here")
    (tmp_path / "here").rename(tmp_path / "there")
    np.testing.assert_array_equal(rundir.load_run(tmp_path / "there").tensors(2)["bias.0"], [0, 1])


def test_a_recorded_snapshot_is_never_rewritten(tmp_path):
    path = _make_run(tmp_path / "run", epochs=(0, 1))
    before = (path / "snapshots" / "epoch-00001.safetensors").read_bytes()
    with pytest.raises(RunError, match="already holds a snapshot of epoch 1; a recorded snapshot is never rewritten"):
        rundir.write_snapshot(path, 1, {"weight.0": np.zeros((2, 3), np.float32), "bias.0": np.zeros(2, np.float32)})
    assert (path / "snapshots" / "epoch-00001.safetensors").read_bytes() == before
    np.testing.assert_array_equal(rundir.load_run(path).tensors(1)["weight.0"], 1)


def test_no_temporary_files_left(tmp_path):
    path = _make_run(tmp_path / "run")
    leftovers = [p.name for p in path.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_missing_directory(tmp_path):
    with pytest.raises(RunError, match="no run directory at .*nnexplain train"):
        rundir.load_run(tmp_path / "absent")


def test_directory_without_manifest(tmp_path):
    with pytest.raises(RunError, match="has no manifest.json"):
        rundir.load_run(tmp_path)


def test_corrupt_manifest(tmp_path):
    path = _make_run(tmp_path / "run")
    (path / "manifest.json").write_text('{"format": "nnexplain-run", "vers')
    with pytest.raises(RunError, match="manifest.json is corrupt"):
        rundir.load_run(path)


def test_other_format_version(tmp_path):
    path = _make_run(tmp_path / "run")
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["version"] = 99
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(RunError, match="format version 99; this nnexplain reads version 1"):
        rundir.load_run(path)


def test_not_a_run_manifest(tmp_path):
    (tmp_path / "manifest.json").write_text('{"name": "something else"}')
    with pytest.raises(RunError, match="not an nnexplain run manifest"):
        rundir.load_run(tmp_path)


@pytest.mark.parametrize("damage", ["truncate", "garble", "delete"])
def test_damaged_snapshot_file(tmp_path, damage):
    path = _make_run(tmp_path / "run")
    target = path / "snapshots" / "epoch-00001.safetensors"
    data = target.read_bytes()
    if damage == "truncate":
        target.write_bytes(data[: len(data) // 2])
    elif damage == "garble":
        target.write_bytes(b"\xff" * 8 + data[8:])
    else:
        target.unlink()
    run = rundir.load_run(path)
    with pytest.raises(RunError, match="epoch-00001.safetensors"):
        run.tensors(1)
    np.testing.assert_array_equal(run.tensors(0)["weight.0"], 0)  # the others still load


def test_unknown_epoch(tmp_path):
    run = rundir.load_run(_make_run(tmp_path / "run"))
    with pytest.raises(RunError, match=r"no snapshot of epoch 5; it has epochs \[0, 1, 2\]"):
        run.tensors(5)


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "file"
    rundir.atomic_write(target, b"old")

    with pytest.raises(TypeError):
        rundir.atomic_write(target, object())  # fails mid-write
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["file"]
