"""One validated schema for the manifest, checked arrays and checksums: every corrupt run is one line, exit 2.

The oracle for checksums is hashlib on the bytes on disk; for "the run loads" it is the
fixture runs, recorded before the schema existed.
"""

import hashlib
import json
import shutil
from dataclasses import replace

import numpy as np
import pytest
from conftest import DATA, run_cli
from safetensors.numpy import load, save
from test_cli import assert_user_error

from nnexplain.errors import RunError
from nnexplain.run import load_run
from nnexplain.run.schema import named_files

LAST = "snapshots/epoch-03000.safetensors"


def _copy(tmp_path, name="square-relu-3"):
    target = tmp_path / name
    shutil.copytree(DATA / name, target)
    return target


def _edit(run, change):
    manifest = json.loads((run / "manifest.json").read_text())
    change(manifest)
    (run / "manifest.json").write_text(json.dumps(manifest))
    return run


def _edit_tensors(run, relative, change):
    tensors = dict(load((run / relative).read_bytes()))
    change(tensors)
    (run / relative).write_bytes(save({k: np.ascontiguousarray(v) for k, v in tensors.items()}))
    return run


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A run written now (checksums, history, mistakes): mnist on 600 digits, 3 epochs."""
    from nnexplain.data.mnist import load_mnist
    from nnexplain.train.loop import train
    from nnexplain.train.recipes import get_recipe

    data = load_mnist()
    small = replace(
        data, x_train=data.x_train[:600], y_train=data.y_train[:600], x_val=data.x_val[:200], y_val=data.y_val[:200]
    )
    config = get_recipe("mnist").config.with_overrides(epochs=3, device="cpu", max_snapshots=3)
    return train(config, tmp_path_factory.mktemp("trained") / "run", dataset=small)


def _fixture_runs():
    """Every fixture run: a folder of DATA holding a manifest, or a folder grouping such runs (depth/)."""
    runs = []
    for folder in sorted(DATA.iterdir()):
        if (folder / "manifest.json").exists():
            runs.append(folder)
        else:
            grouped = sorted(child for child in folder.iterdir() if child.is_dir())
            assert grouped and all((child / "manifest.json").exists() for child in grouped), folder
            runs.extend(grouped)
    return runs


def test_every_fixture_run_recorded_before_the_schema_still_loads_and_checks():
    for run_dir in _fixture_runs():
        run = load_run(run_dir)
        run.check_drawable()
        verified = run.verify()
        # The fixtures recorded since checksums existed (the CNN runs) have every file checksummed.
        checksummed = verified.files if run.manifest.get("files") else 0
        assert verified.files == len(named_files(run.manifest)) and verified.checksummed == checksummed, run_dir


_DENSE_1 = {"kind": "dense", "units": 1}


def _network(*layers):
    return lambda manifest: manifest.update(network=list(layers))


CORRUPT_MANIFESTS = [
    ("dataset null", lambda m: m.update(dataset=None), "dataset: Input should be a valid dictionary"),
    ("dataset a string", lambda m: m.update(dataset="square"), "dataset: Input should be a valid dictionary"),
    ("dataset empty", lambda m: m.update(dataset={}), "dataset.name: Field required"),
    ("layers null", lambda m: m.update(layers=None), "layers: Input should be a valid list"),
    ("layers a string", lambda m: m.update(layers="1-3-1"), "layers: Input should be a valid list"),
    ("layers empty", lambda m: m.update(layers=[]), "layers: List should have at least 2 items"),
    (
        "layers with a zero",
        lambda m: m.update(layers=[1, 0, 1]),
        "layers[1]: Input should be greater than or equal to 1",
    ),
    ("probe null", lambda m: m.update(probe=None), "probe: Input should be a valid string"),
    ("probe empty", lambda m: m.update(probe=""), "probe: String should have at least 1 character"),
    ("probe a number", lambda m: m.update(probe=5), "probe: Input should be a valid string"),
    ("entry without file", lambda m: m["snapshots"][-1].pop("file"), "snapshots[7].file: Field required"),
    ("entry without epoch", lambda m: m["snapshots"][-1].pop("epoch"), "snapshots[7].epoch: Field required"),
    ("entry without metrics", lambda m: m["snapshots"][-1].pop("metrics"), "snapshots[7].metrics: Field required"),
    (
        "string epoch",
        lambda m: m["snapshots"][-1].update(epoch="2000"),
        "snapshots[7].epoch: Input should be a valid integer",
    ),
    (
        "boolean step",
        lambda m: m["snapshots"][-1].update(step=True),
        "snapshots[7].step: Input should be a valid integer",
    ),
    (
        "negative epoch",
        lambda m: m["snapshots"][0].update(epoch=-1),
        "snapshots[0].epoch: Input should be greater than or equal to 0",
    ),
    (
        "epochs repeated",
        lambda m: m["snapshots"].append(dict(m["snapshots"][-1])),
        "snapshots must be in order of epoch",
    ),
    ("snapshots a dict", lambda m: m.update(snapshots={"0": {}}), "snapshots: Input should be a valid list"),
    (
        "metrics a string",
        lambda m: m["snapshots"][-1].update(metrics="good"),
        "snapshots[7].metrics: Input should be a valid dictionary",
    ),
    (
        "metric a string",
        lambda m: m["snapshots"][-1]["metrics"].update(val_loss="low"),
        "snapshots[7].metrics.val_loss",
    ),
    (
        "unknown activation",
        lambda m: m.update(activation="gelu"),
        "activation: Input should be 'sigmoid', 'tanh', 'relu' or 'identity'",
    ),
    ("output against task", lambda m: m.update(output="softmax"), "a regress run has identity output, not softmax"),
    ("input shape against layers", lambda m: m["dataset"].update(input_shape=[2]), "does not match the 1 inputs"),
    ("status a number", lambda m: m.update(status=7), "status: Input should be"),
    ("config null", lambda m: m.update(config=None), "config: Input should be a valid dictionary"),
    (
        "config epochs a string",
        lambda m: m["config"].update(epochs="many"),
        "config.epochs: Input should be a valid integer",
    ),
    ("domain reversed", lambda m: m["dataset"].update(domain=[1.0, -1.0]), "domain must be [low, high]"),
    (
        "a parent-directory path",
        lambda m: m["snapshots"][-1].update(file="../../../../etc/passwd"),
        "snapshots[7].file: must be a path inside the run directory",
    ),
    (
        "an absolute path",
        lambda m: m.update(probe=str(DATA / "sine-relu" / "probe.safetensors")),
        "probe: must be a path inside the run directory",
    ),
    (
        "a history path outside",
        lambda m: m["snapshots"][-1].update(history="history/../../x"),
        "snapshots[7].history: must be a path inside",
    ),
    (
        "a checksum not hex",
        lambda m: m.update(files={"probe.safetensors": {"sha256": "xyz", "size": 1}}),
        "must be a SHA-256",
    ),
    ("mistakes null", lambda m: m.update(mistakes=None), "mistakes: Input should be a valid string"),
    ("layers beyond the parameter limit", lambda m: m.update(layers=[784, 100_000, 10_000]), "parameters"),
    ("network null", lambda m: m.update(network=None), "network: Input should be a valid list"),
    ("network empty", lambda m: m.update(network=[]), "network: List should have at least 1 item"),
    ("network layer a string", _network("dense", _DENSE_1), "network[0]: Input should be a valid dictionary"),
    ("network layer without kind", _network({"units": 3}, _DENSE_1), "network[0].kind: Field required"),
    (
        "network layer of no known kind",
        _network({"kind": "conv9"}, _DENSE_1),
        "network[0].kind: unknown layer kind 'conv9'; known kinds: conv2d, dense, flatten, maxpool2d",
    ),
    (
        "network units a string",
        _network({"kind": "dense", "units": "3"}, _DENSE_1),
        "network[0].units: must be a whole number from 1 to",
    ),
    (
        "network units a boolean",
        _network({"kind": "dense", "units": 3}, {"kind": "dense", "units": True}),
        "network[1].units: must be a whole number",
    ),
    (
        "network layer with an unknown key",
        _network({"kind": "dense", "units": 3, "activation": "tanh"}, _DENSE_1),
        "network[0].activation: is no option of a dense layer (it takes units)",
    ),
    (
        "network against layers",
        _network({"kind": "dense", "units": 4}, _DENSE_1),
        "network: its layers give widths [1, 4, 1], but layers is [1, 3, 1]",
    ),
]


@pytest.mark.parametrize(
    "change, message", [case[1:] for case in CORRUPT_MANIFESTS], ids=[case[0] for case in CORRUPT_MANIFESTS]
)
def test_each_kind_of_corrupt_manifest_is_one_line_naming_the_field(tmp_path, change, message):
    run = _edit(_copy(tmp_path), change)
    with pytest.raises(RunError, match="manifest.json is corrupt") as raised:
        load_run(run)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_a_network_list_of_the_same_dense_layers_is_the_same_run(tmp_path):
    """``network`` is optional: listing the plain MLP's own layers changes nothing a reader computes."""
    plain = load_run(DATA / "square-relu-3")
    listed = load_run(_edit(_copy(tmp_path), _network({"kind": "dense", "units": 3}, _DENSE_1)))
    listed.check_drawable()
    assert listed.network == plain.network and listed.network.is_plain_mlp
    for mine, theirs in zip(listed.params(), plain.params()):
        assert all(np.array_equal(a, b) for a, b in zip(mine, theirs))


def test_corrupt_manifests_are_one_line_and_exit_2_for_info_and_render(tmp_path):
    run = _edit(_copy(tmp_path), lambda m: m["snapshots"][-1].update(file="../../../../etc/passwd"))
    assert_user_error(run_cli("info", run), "snapshots[7].file: must be a path inside the run directory")
    render = run_cli(
        "render", "relu-square", "--run", run, "--format", "png", "--resolution", "160x90", "--out", tmp_path / "out"
    )
    assert_user_error(render, "snapshots[7].file: must be a path inside the run directory")


def test_a_link_leading_out_of_the_run_is_not_followed(tmp_path):
    run = _copy(tmp_path)
    (run / LAST).unlink()
    (run / LAST).symlink_to(DATA / "square-relu-3" / LAST)  # a name inside, a file outside
    with pytest.raises(RunError, match="outside the run directory"):
        load_run(run).check_drawable()


def _set(name, value):
    return lambda tensors: tensors.update({name: value})


CORRUPT_TENSORS = [
    ("layers wider than the weights", LAST, None, "'weight.0' has shape (3, 1), not 4×1"),
    (
        "weight of the wrong shape",
        LAST,
        _set("weight.0", np.zeros((1, 3), np.float32)),
        "'weight.0' has shape (1, 3), not 3×1",
    ),
    (
        "weight of float64",
        LAST,
        lambda t: t.update({"weight.0": t["weight.0"].astype(np.float64)}),
        "'weight.0' holds float64, not float32",
    ),
    (
        "weight of int8",
        LAST,
        lambda t: t.update({"weight.0": t["weight.0"].astype(np.int8)}),
        "'weight.0' holds int8, not float32",
    ),
    ("a bias missing", LAST, lambda t: t.pop("bias.1"), "it lacks 'bias.1'"),
    ("a layer too many", LAST, _set("weight.2", np.zeros((1, 1), np.float32)), "it holds 'weight.2'"),
    (
        "probe rows against activations",
        LAST,
        lambda t: t.update({"pre.0": t["pre.0"][:3]}),
        "'pre.0' has shape (3, 3), not 32×3",
    ),
    (
        "a complex curve",
        LAST,
        lambda t: t.update({"curve.y": t["curve.y"].astype(np.complex64)}),
        "'curve.y' holds complex64",
    ),
    (
        "NaN weight",
        LAST,
        lambda t: t["weight.0"].__setitem__((0, 0), np.nan),
        "holds NaN or infinite values in 'weight.0'",
    ),
    (
        "infinite weight",
        LAST,
        lambda t: t["weight.1"].__setitem__((0, 0), np.inf),
        "holds NaN or infinite values in 'weight.1'",
    ),
    (
        "huge weight",
        LAST,
        _set("weight.1", np.full((1, 3), 1e38, np.float32)),
        "layer 1 has a weight of magnitude 1e+38",
    ),
    (
        "probe of the wrong width",
        "probe.safetensors",
        lambda t: t.update(inputs=np.zeros((32, 5), np.float32)),
        "'inputs' has shape (32, 5), not N×1",
    ),
    ("probe with an extra array", "probe.safetensors", _set("secret", np.zeros(2, np.float32)), "it holds 'secret'"),
]


@pytest.mark.parametrize(
    "relative, change, message", [c[1:] for c in CORRUPT_TENSORS], ids=[c[0] for c in CORRUPT_TENSORS]
)
def test_each_kind_of_corrupt_tensor_file_is_one_line(tmp_path, relative, change, message):
    run = _copy(tmp_path)
    if change is None:
        _edit(run, lambda m: m.update(layers=[1, 4, 1]))
    else:
        _edit_tensors(run, relative, change)
    with pytest.raises(RunError) as raised:
        load_run(run).check_drawable()
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_a_probe_from_another_run_of_the_same_shape_is_found_out(tmp_path):
    run = _copy(tmp_path, "sine-relu")
    shutil.copy(DATA / "square-relu-3" / "probe.safetensors", run / "probe.safetensors")  # 32 × 1 as well
    with pytest.raises(RunError, match="does not belong with the run's probe"):
        load_run(run).check_drawable()


@pytest.mark.parametrize("value", ["nan", "inf", "1e38"])
def test_weights_that_cannot_be_drawn_are_refused_in_one_line_before_rendering(tmp_path, value):
    run = _copy(tmp_path, "spiral")
    for snapshot in (run / "snapshots").iterdir():
        _edit_tensors(run, f"snapshots/{snapshot.name}", lambda t: t["weight.1"].__setitem__((0, 0), float(value)))
    result = run_cli(
        "render", "fold", "--run", run, "--format", "png", "--resolution", "160x90", "--out", tmp_path / "out"
    )
    assert_user_error(result, "epoch-00000.safetensors", "cannot be drawn" if value != "1e38" else "magnitude 1e+38")


def test_a_new_run_records_the_sha256_and_size_of_every_file_it_names(trained):
    manifest = json.loads((trained / "manifest.json").read_text())
    names = named_files(manifest)
    assert "mistakes.safetensors" in names and any(name.startswith("history/") for name in names)
    assert sorted(manifest["files"]) == sorted(names)
    for name in names:
        data = (trained / name).read_bytes()
        assert manifest["files"][name] == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_info_verifies_the_checksums_and_quick_skips_them(tmp_path, trained, damage):
    run = tmp_path / "run"
    shutil.copytree(trained, run)
    history = sorted((run / "history").iterdir())[-1]
    data = bytearray(history.read_bytes())
    if damage == "truncate":
        history.write_bytes(bytes(data[:-8]))
        message = "bytes, not the"
    else:
        data[-3] ^= 0x01  # one bit of a float: still a valid file, with another number in it
        history.write_bytes(bytes(data))
        message = "does not match its recorded SHA-256"
    assert_user_error(run_cli("info", run), history.name, message)
    quick = run_cli("info", "--quick", run)
    assert quick.returncode == 0 and "not verified (--quick)" in quick.stdout and "complete" in quick.stdout
    with pytest.raises(RunError, match=message):
        load_run(run).history  # drawing reads it checked too  # noqa: B018


def test_info_says_what_it_verified(trained):
    result = run_cli("info", trained)
    files = len(named_files(json.loads((trained / "manifest.json").read_text())))
    assert result.returncode == 0 and f"{files} verified (size and SHA-256)" in result.stdout
    old = run_cli("info", DATA / "mnist-sigmoid")
    assert old.returncode == 0 and "no checksums to verify (recorded before nnexplain kept them)" in old.stdout


def test_nothing_invalid_is_ever_written(tmp_path):
    import torch

    import nnexplain

    model = torch.nn.Sequential(torch.nn.Linear(2, 2))
    with pytest.raises(
        RunError, match="cannot record run .*dataset.warp_grid.lines: Input should be greater than or equal to 2"
    ):
        nnexplain.Recorder(
            model,
            tmp_path / "run",
            torch.zeros(3, 2),
            activation="relu",
            dataset={
                "name": "mine",
                "task": "classify",
                "warp_grid": {"bounds": [0, 1, 0, 1], "lines": 1, "points": 5},
            },
        )
    assert list(tmp_path.iterdir()) == []
