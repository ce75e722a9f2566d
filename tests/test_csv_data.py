"""Your own points from a CSV (``train --data``, ``import --data``): the same runs as the same data in an .npz,
and every bad line named by its number."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import run_cli
from test_cli import assert_user_error

from nnexplain.data.csvfile import load_csv_dataset
from nnexplain.data.npzfile import load_npz_dataset
from nnexplain.run import load_run
from nnexplain.train.loop import train
from nnexplain.train.recipes import get_recipe


def _blobs(count: int = 60, seed: int = 0):
    rng = np.random.default_rng(seed)
    names = np.where(rng.random(count) < 0.5, "red", "blue")
    centres = {"red": (1.0, 0.5), "blue": (-1.0, -0.5)}
    points = np.array([centres[name] for name in names]) + rng.normal(0, 0.6, (count, 2))
    return points.round(6), names


def _write_csv(path, header, rows) -> None:
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, row)) + "\n" for row in rows))


def _split_as_documented(count: int, val_fraction: float, seed: int):
    """The split the CSV format promises, written again here: the first round(share × rows) of the seeded
    permutation validate, the rest train, each in file order."""
    order = np.random.default_rng(seed).permutation(count)
    val = round(val_fraction * count)
    return np.sort(order[val:]), np.sort(order[:val])


def _train_briefly(dataset, out):
    config = get_recipe("spiral").config.with_overrides(epochs=4, device="cpu")
    return load_run(train(config, out, dataset=dataset))


def test_a_classifier_csv_trains_the_same_run_as_the_same_points_in_an_npz(tmp_path):
    points, names = _blobs()
    _write_csv(tmp_path / "points.csv", ["x1", "x2", "colour"], [(*p, n) for p, n in zip(points, names)])
    train_rows, val_rows = _split_as_documented(len(points), 0.25, 7)
    classes = np.array(["blue", "red"])  # sorted
    index = np.searchsorted(classes, names)
    np.savez(
        tmp_path / "points.npz",
        x_train=points[train_rows].astype(np.float32),
        y_train=index[train_rows],
        x_val=points[val_rows].astype(np.float32),
        y_val=index[val_rows],
        classes=classes,
    )
    from_csv = load_csv_dataset(tmp_path / "points.csv", val_fraction=0.25, seed=7)
    from_npz = load_npz_dataset(tmp_path / "points.npz")
    assert from_csv.classes == from_npz.classes == ("blue", "red") and from_csv.task == "classify"
    for key in ("x_train", "y_train", "x_val", "y_val"):
        assert np.array_equal(getattr(from_csv, key), getattr(from_npz, key)), key
    one, two = _train_briefly(from_csv, tmp_path / "csv-run"), _train_briefly(from_npz, tmp_path / "npz-run")
    for a, b in zip(one.params(), two.params()):
        for x, y in zip(a, b):
            assert np.allclose(x, y, atol=1e-6)
    assert one.final_metrics == pytest.approx(two.final_metrics, abs=1e-6)


def test_a_regression_csv_splits_by_its_seed(tmp_path):
    x = np.linspace(-3, 3, 50).round(4)
    _write_csv(tmp_path / "wave.csv", ["x", "y"], [(a, round(float(np.sin(a)), 6)) for a in x])
    dataset = load_csv_dataset(tmp_path / "wave.csv", val_fraction=0.2, seed=3)
    train_rows, val_rows = _split_as_documented(50, 0.2, 3)
    assert dataset.task == "regress" and dataset.input_shape == (1,)
    assert np.array_equal(dataset.x_val[:, 0], x[val_rows].astype(np.float32))
    assert np.allclose(dataset.y_train[:, 0], np.sin(x[train_rows]), atol=1e-6)
    other = load_csv_dataset(tmp_path / "wave.csv", val_fraction=0.2, seed=4)
    assert not np.array_equal(other.x_val, dataset.x_val)


def test_train_and_import_take_a_csv(tmp_path):
    points, names = _blobs(40, seed=1)
    _write_csv(tmp_path / "mine.csv", ["a", "b", "label"], [(*p, int(n == "red")) for p, n in zip(points, names)])
    result = run_cli(
        "train",
        "spiral",
        "--data",
        tmp_path / "mine.csv",
        "--val-split",
        "0.3",
        "--epochs",
        "3",
        "--out",
        tmp_path / "run",
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["dataset"]["name"] == "mine" and manifest["dataset"]["val"] == 12
    from safetensors.numpy import save_file

    layers = load_run(tmp_path / "run").params()
    arrays = {
        f"fc{i}.{kind}": array for i, layer in enumerate(layers) for kind, array in zip(("weight", "bias"), layer)
    }
    save_file(arrays, tmp_path / "w.safetensors")
    result = run_cli(
        "import",
        tmp_path / "w.safetensors",
        "--activation",
        "tanh",
        "--data",
        tmp_path / "mine.csv",
        "--val-split",
        "0.3",
        "--out",
        tmp_path / "imported",
    )
    assert result.returncode == 0, result.stderr
    imported = load_run(tmp_path / "imported")
    assert imported.dataset["classes"] == ["0", "1"] and imported.dataset["val"] == 12


ROWS = [(0.1, 0.2, "a"), (0.3, 0.1, "b"), (0.5, 0.9, "a"), (0.7, 0.4, "b"), (0.2, 0.8, "a")]


@pytest.mark.parametrize(
    "lines, fragments",
    [
        ({4: "0.5,oops,a"}, ["line 4", "x2 is 'oops', not a number"]),
        ({5: "nan,0.4,b"}, ["line 5", "x1 is nan"]),
        ({3: "0.3,inf,b"}, ["line 3", "x2 is inf"]),
        ({6: "0.2,0.8"}, ["line 6", "2 values"]),
        ({2: "0.1,0.2,"}, ["line 2", "'label' column is empty"]),
        ({3: "0.3,0.1,a", 5: "0.7,0.4,a"}, ["lines 2 to 6", "every label is 'a'", "two classes"]),
        ({"keep": 2}, ["2 rows", "lines 2 to 3", "at least 4"]),
    ],
)
def test_bad_rows_are_named_by_line_number(tmp_path, lines, fragments):
    text = ["x1,x2,label"] + [",".join(map(str, row)) for row in ROWS]
    if "keep" in lines:
        text = text[: 1 + lines["keep"]]
    else:
        for number, line in lines.items():
            text[number - 1] = line
    (tmp_path / "bad.csv").write_text("\n".join(text) + "\n")
    result = run_cli("train", "spiral", "--data", tmp_path / "bad.csv", "--out", tmp_path / "run")
    assert_user_error(result, "bad.csv", *fragments)
    assert not (tmp_path / "run").exists()


def test_split_options_need_a_csv(tmp_path):
    assert_user_error(run_cli("train", "spiral", "--val-split", "0.3", "--out", tmp_path / "r"), "--data FILE.csv")
