"""The loss landscape of a run, checked against torch and plain linear algebra, and how it is stored."""

import json
import shutil

import numpy as np
import pytest
import torch
from conftest import DATA, run_cli, torch_model
from test_cli import assert_user_error

from nnexplain.app.catalog import SceneInfo
from nnexplain.app.landscape import ensure_landscape, training_data
from nnexplain.app.runs import prepare_runs, resolve_runs
from nnexplain.errors import RunError
from nnexplain.run import load_run
from nnexplain.run.landscape import read_landscape, write_landscape
from nnexplain.train.loop import train
from nnexplain.train.recipes import get_recipe


@pytest.fixture(scope="module")
def mnist_landscape(tmp_path_factory):
    """The 4-snapshot mnist fixture, copied, with its landscape computed."""
    target = tmp_path_factory.mktemp("landscape") / "mnist"
    shutil.copytree(DATA / "mnist-sigmoid", target)
    return ensure_landscape(load_run(target))


def _flat(params):
    return np.concatenate([np.concatenate([w.ravel(), b.ravel()]) for w, b in params]).astype(np.float64)


def _torch_loss(run, params, x, y):
    """The loss of a network holding ``params`` (flat), from torch: the answer key."""
    model = torch_model(run).double()
    with torch.no_grad():
        torch.nn.utils.vector_to_parameters(torch.from_numpy(params), model.parameters())
        outputs = model(torch.from_numpy(np.asarray(x, np.float64)))
        if run.output == "softmax":
            return torch.nn.functional.cross_entropy(outputs, torch.from_numpy(y)).item()
        return torch.nn.functional.mse_loss(outputs, torch.from_numpy(np.asarray(y, np.float64))).item()


def _subset(run, landscape):
    data = training_data(run)
    first = landscape.info["subset"]["first"]
    return data.x_train[:first], data.y_train[:first]


def test_the_origin_is_the_final_weights_loss_on_the_stated_subset(mnist_landscape):
    run, landscape = mnist_landscape, read_landscape(mnist_landscape)
    assert landscape.info["subset"] == {"split": "train", "first": 2000, "of": 8000}
    x, y = _subset(run, landscape)
    final = _torch_loss(run, _flat(run.params()), x, y)
    np.testing.assert_array_equal(landscape["path.coords"][-1], [0.0, 0.0])
    assert landscape["path.surface_loss"][-1] == pytest.approx(final, rel=1e-6)
    assert landscape["path.loss"][-1] == pytest.approx(final, rel=1e-6)


def test_grid_values_are_the_loss_of_the_networks_on_the_plane(mnist_landscape):
    run, landscape = mnist_landscape, read_landscape(mnist_landscape)
    x, y = _subset(run, landscape)
    theta, directions = _flat(run.params()), landscape["plane.directions"]
    alpha, beta, loss = landscape["grid.alpha"], landscape["grid.beta"], landscape["grid.loss"]
    assert loss.shape == (41, 41) and alpha[0] < min(landscape["path.coords"][:, 0]) and beta[-1] > 0
    for i, j in [(0, 0), (40, 40), (7, 31), (20, 3)]:
        expected = _torch_loss(run, theta + alpha[i] * directions[0] + beta[j] * directions[1], x, y)
        assert loss[i, j] == pytest.approx(expected, rel=1e-6)


def test_each_path_point_is_the_projection_of_a_stored_snapshot(mnist_landscape):
    run, landscape = mnist_landscape, read_landscape(mnist_landscape)
    directions = landscape["plane.directions"]
    np.testing.assert_allclose(directions @ directions.T, np.eye(2), atol=1e-10)
    assert landscape.epochs == run.epochs
    final = _flat(run.params())
    for epoch, coords, own in zip(run.epochs, landscape["path.coords"], landscape["path.loss"]):
        moved = _flat(run.params(epoch)) - final
        np.testing.assert_allclose(coords, [moved @ directions[0], moved @ directions[1]], rtol=1e-9, atol=1e-9)
        x, y = _subset(run, landscape)
        assert own == pytest.approx(_torch_loss(run, _flat(run.params(epoch)), x, y), rel=1e-6)


def test_the_directions_are_the_trajectorys_principal_ones(mnist_landscape):
    run, landscape = mnist_landscape, read_landscape(mnist_landscape)
    moves = np.stack([_flat(run.params(e)) for e in run.epochs]) - _flat(run.params())
    centred = moves - moves.mean(axis=0)
    eigenvalues = np.sort(np.linalg.eigvalsh(centred @ centred.T))[::-1]  # the Gram matrix shares the nonzero ones
    np.testing.assert_allclose(landscape["plane.explained"], eigenvalues[:2] / eigenvalues.sum(), rtol=1e-6)
    for direction, value in zip(landscape["plane.directions"], eigenvalues):
        assert np.sum((centred @ direction) ** 2) == pytest.approx(value, rel=1e-6)
    assert landscape.explained == pytest.approx(sum(landscape.info["explained_variance"]))
    assert 0.5 < landscape.explained <= 1.0


def test_the_one_weight_curve_slope_is_the_gradient_component(mnist_landscape):
    """A finite difference of the loss, computed by torch, equals the stored backprop component."""
    run, landscape = mnist_landscape, read_landscape(mnist_landscape)
    facts = landscape.info["weight"]
    x, y = _subset(run, landscape)
    theta = _flat(run.params())
    assert theta[facts["index"]] == pytest.approx(facts["value"])
    weight = run.params()[facts["layer"]][0]
    assert weight[facts["row"], facts["column"]] == pytest.approx(facts["value"])
    step = 1e-3
    bumped = [theta.copy(), theta.copy()]
    bumped[0][facts["index"]] += step
    bumped[1][facts["index"]] -= step
    slope = (_torch_loss(run, bumped[0], x, y) - _torch_loss(run, bumped[1], x, y)) / (2 * step)
    assert facts["gradient"] == pytest.approx(slope, rel=1e-4, abs=1e-8)
    offsets, losses = landscape["weight.offsets"], landscape["weight.loss"]
    assert offsets[len(offsets) // 2] == 0.0
    for k in (0, 30, 60, 120):
        moved = theta.copy()
        moved[facts["index"]] += offsets[k]
        assert losses[k] == pytest.approx(_torch_loss(run, moved, x, y), rel=1e-6)
    # The curve's own slope at the trained value agrees too, to its sampling.
    spacing = offsets[1] - offsets[0]
    middle = len(offsets) // 2
    assert (losses[middle + 1] - losses[middle - 1]) / (2 * spacing) == pytest.approx(
        facts["gradient"], rel=0.2, abs=2e-4
    )


def test_mini_batch_angles_are_those_of_autograd_gradients(mnist_landscape):
    run, landscape = mnist_landscape, read_landscape(mnist_landscape)
    data = training_data(run)
    assert landscape.info["stochastic"]["batch_size"] == 64
    for slot, epoch in enumerate(landscape["stochastic.epochs"]):
        model = torch_model(run, int(epoch)).double()

        def gradient(rows):
            model.zero_grad()
            loss = torch.nn.functional.cross_entropy(
                model(torch.from_numpy(data.x_train[rows].astype(np.float64))), torch.from_numpy(data.y_train[rows])
            )
            loss.backward()
            return torch.cat([p.grad.flatten() for p in model.parameters()]).numpy()

        full = gradient(np.arange(len(data.x_train)))
        assert landscape["stochastic.full_norm"][slot] == pytest.approx(np.linalg.norm(full), rel=1e-6)
        for rows, angle in zip(landscape["stochastic.indices"][slot], landscape["stochastic.angles"][slot]):
            batch = gradient(rows)
            cosine = batch @ full / np.linalg.norm(batch) / np.linalg.norm(full)
            assert angle == pytest.approx(np.degrees(np.arccos(cosine)), abs=1e-6)


def test_the_snapshots_own_loss_is_the_recorded_training_loss_of_a_full_batch_run(tmp_path):
    """A 2-D run trains on all its 600 points, which the landscape's subset is: the manifest's train_loss agrees."""
    config = get_recipe("moons-relu").config.with_overrides(epochs=40, max_snapshots=5)
    run = ensure_landscape(load_run(train(config, tmp_path / "moons")))
    landscape = read_landscape(run)
    assert landscape.info["subset"] == {"split": "train", "first": 600, "of": 600}
    recorded = [snapshot["metrics"]["train_loss"] for snapshot in run.snapshots]
    np.testing.assert_allclose(landscape["path.loss"], recorded, rtol=1e-5)
    assert landscape.info["stochastic"]["batch_size"] == 64  # the run trained full-batch: 64 is said, not taken from it


def test_stored_once_file_first_manifest_last(tmp_path, monkeypatch):
    shutil.copytree(DATA / "mnist-sigmoid", tmp_path / "run")
    run = load_run(tmp_path / "run")
    import nnexplain.run.writing as module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(module, "write_manifest", interrupted)  # killed after the file, before the manifest
    with pytest.raises(KeyboardInterrupt):
        write_landscape(run, {"grid.loss": np.zeros((2, 2))}, {})
    assert (tmp_path / "run" / "landscape-v2.safetensors").exists()
    assert "landscape" not in load_run(tmp_path / "run").manifest  # the file alone is not a landscape
    monkeypatch.undo()
    stored = ensure_landscape(run)
    before = (tmp_path / "run" / "landscape-v2.safetensors").stat().st_mtime_ns
    with pytest.raises(RunError, match="already holds its loss landscape; a recorded landscape is never rewritten"):
        write_landscape(stored, {"grid.loss": np.zeros((2, 2))}, {})
    assert ensure_landscape(load_run(tmp_path / "run")).manifest == stored.manifest
    result = run_cli("landscape", tmp_path / "run")
    assert result.returncode == 0 and "already stored" in result.stderr
    assert (tmp_path / "run" / "landscape-v2.safetensors").stat().st_mtime_ns == before


def test_the_command_computes_it_and_says_what_it_is(tmp_path):
    shutil.copytree(DATA / "mnist-sigmoid", tmp_path / "run")
    result = run_cli("landscape", tmp_path / "run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(tmp_path / "run" / "landscape-v2.safetensors")
    assert "41×41 grid, training loss on the first 2,000 of 8,000 training examples" in result.stderr
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert f"explain {sum(manifest['landscape']['explained_variance']):.1%}" in result.stderr


def test_runs_without_a_path_get_one_line(tmp_path):
    shutil.copytree(DATA / "spiral", tmp_path / "two")
    assert_user_error(run_cli("landscape", tmp_path / "two"), "has 2 snapshots", "at least 3")
    from test_import import _fixture_weights

    from nnexplain.train.importer import import_weights

    imported = import_weights(
        _fixture_weights(DATA / "mnist-sigmoid", tmp_path / "w.npz"), "sigmoid", tmp_path / "imported"
    )
    assert_user_error(run_cli("landscape", imported), "has 1 snapshot (an imported run holds only its final weights)")
    with pytest.raises(RunError, match="no loss landscape yet; compute it with `nnexplain landscape"):
        read_landscape(load_run(imported))


def test_a_run_still_training_or_on_unknown_data_is_refused(tmp_path):
    shutil.copytree(DATA / "mnist-sigmoid", tmp_path / "run")
    manifest_path = tmp_path / "run" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**manifest, "status": "training"}))
    assert_user_error(run_cli("landscape", tmp_path / "run"), "is not complete (status 'training')")
    manifest_path.write_text(
        json.dumps({**manifest, "config": {}, "dataset": {**manifest["dataset"], "name": "custom"}})
    )
    assert_user_error(
        run_cli("landscape", tmp_path / "run"), "trained on data set 'custom', which nnexplain cannot load again"
    )


def test_a_scene_that_reads_a_landscape_gets_it_stored_when_its_runs_are_prepared(tmp_path):
    shutil.copytree(DATA / "mnist-sigmoid", tmp_path / "run")
    info = SceneInfo("test", "x", "X", None, "", lambda manifest: None, needs_landscape=True)
    runs = resolve_runs(info, tmp_path / "run", default_run=lambda recipe: pytest.fail("trained"))
    assert "landscape" not in runs.main.manifest  # resolving only finds, loads and checks
    prepared = prepare_runs(info, runs)
    assert read_landscape(prepared.main).info["grid"] == [41, 41]
    assert prepare_runs(info, prepared).main.manifest == prepared.main.manifest  # stored once, then read
    plain = SceneInfo("plain", "x", "X", None, "", lambda manifest: None)
    shutil.copytree(DATA / "mnist-sigmoid", tmp_path / "other")
    assert "landscape" not in prepare_runs(plain, resolve_runs(plain, tmp_path / "other")).main.manifest
