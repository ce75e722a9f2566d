"""Nothing already written is lost: --overwrite replaces only runs, one writer per run, swaps survive a kill."""

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest
from conftest import DATA, run_cli
from test_cli import assert_user_error

from nnexplain.app.cache import default_run_dir
from nnexplain.errors import RunError
from nnexplain.run import load_run
from nnexplain.run import staging as staging_module
from nnexplain.run.staging import StagedDirectory, recover


def _train(out, *args, cwd=None):
    return run_cli("train", "square-relu-3", "--out", out, "--epochs", "30", *args, cwd=cwd)


def test_overwrite_never_deletes_what_is_not_a_run(tmp_path):
    docs = tmp_path / "mydocs"
    docs.mkdir()
    (docs / "thesis.txt").write_text("four years of work")
    assert_user_error(_train(docs, "--overwrite"), f"{docs} is not a run directory (it holds thesis.txt)")
    assert (docs / "thesis.txt").read_text() == "four years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mydocs"]  # no staging, no lock, nothing else


def test_overwrite_replaces_a_run_and_keeps_the_umask_mode(tmp_path):
    out = tmp_path / "run"
    shutil.copytree(DATA / "square-relu-3", out)
    os.chmod(out, 0o755)
    assert _train(out, "--overwrite", "--seed", "4").returncode == 0
    assert load_run(out).manifest["seed"] == 4 and load_run(out).epochs[-1] == 30
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~_umask()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".run.lock", "run"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_symlinked_out_stays_a_link_to_the_run(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    assert _train(link).returncode == 0
    assert link.is_symlink() and load_run(real).epochs[-1] == 30
    assert _train(link, "--overwrite", "--seed", "5").returncode == 0
    assert link.is_symlink() and load_run(real).manifest["seed"] == 5


def test_out_dot_is_refused_in_one_line(tmp_path):
    assert_user_error(_train(".", "--overwrite", cwd=tmp_path), "--out . is the directory you are in")
    assert list(tmp_path.iterdir()) == []


def test_two_trainings_into_one_new_out_never_mix(tmp_path):
    out = tmp_path / "run"
    command = [
        sys.executable,
        "-c",
        "from nnexplain.app.cli import main; main()",
        "train",
        "spiral",
        "--out",
        str(out),
        "--epochs",
        "400",
    ]
    first = subprocess.Popen([*command, "--seed", "1"], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    second = subprocess.Popen([*command, "--seed", "2"], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    results = [(process.wait(timeout=300), process.stderr.read(), seed) for process, seed in ((first, 1), (second, 2))]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    winner = next(seed for code, _, seed in results if code == 0)
    loser_message = next(message for code, message, _ in results if code == 2).strip().splitlines()[-1]
    assert "another nnexplain process is writing" in loser_message or "holds a run already" in loser_message
    run = load_run(out)
    assert run.manifest["seed"] == run.manifest["config"]["seed"] == winner and run.manifest["status"] == "complete"


def test_two_renders_share_one_training_of_the_default_run(tmp_path):
    cache = tmp_path / "cache"
    command = [
        sys.executable,
        "-c",
        "from nnexplain.app.cli import main; main()",
        "render",
        "relu-square",
        "--format",
        "png",
        "--resolution",
        "160x90",
        "--out",
    ]
    env = {**os.environ, "NNEXPLAIN_CACHE": str(cache)}
    processes = [
        subprocess.Popen([*command, str(tmp_path / f"out{i}")], env=env, stderr=subprocess.PIPE, text=True)
        for i in (1, 2)
    ]
    for process in processes:
        assert process.wait(timeout=300) == 0, process.stderr.read()
    runs = cache / "runs"
    name = default_run_dir("square-relu-3").name
    assert sorted(p.name for p in runs.iterdir()) == [f".{name}.lock", name]
    assert load_run(runs / name).manifest["status"] == "complete"


def _half_swapped(tmp_path, keep_staging: bool):
    """What a process killed between moving the old run aside and moving the new one in leaves behind."""
    target = tmp_path / "run"
    shutil.copytree(DATA / "square-relu-3", target)
    real_replace = os.replace
    calls = []

    def replace_then_die(source, destination):
        real_replace(source, destination)
        calls.append(destination)
        if len(calls) == 1:
            raise KeyboardInterrupt  # killed right after the old run was moved aside

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staging_module.os, "replace", replace_then_die)
        patch.setattr(staging_module.shutil, "rmtree", lambda *a, **k: None)  # a killed process cleans nothing up
        with pytest.raises(KeyboardInterrupt):
            with StagedDirectory(target, replace=True) as staged:
                shutil.copytree(DATA / "sine-relu", staged.path, dirs_exist_ok=True)
    if not keep_staging:
        shutil.rmtree(staged.path)
    assert not target.exists() and (tmp_path / ".run.old").is_dir() and (tmp_path / ".run.swap").is_file()
    return target


def test_a_killed_swap_is_finished_when_the_new_run_was_complete(tmp_path):
    target = _half_swapped(tmp_path, keep_staging=True)
    assert load_run(target).recipe == "sine-relu"  # info, render, ... find the new run
    assert sorted(p.name for p in tmp_path.iterdir()) == [".run.lock", "run"]


def test_a_killed_swap_is_rolled_back_when_the_new_run_is_gone(tmp_path):
    target = _half_swapped(tmp_path, keep_staging=False)
    result = run_cli("info", target)
    assert result.returncode == 0 and "square-relu-3" in result.stdout  # the old run is back
    assert sorted(p.name for p in tmp_path.iterdir()) == [".run.lock", "run"]


def test_leftovers_of_killed_operations_are_cleaned_and_others_kept(tmp_path):
    target = tmp_path / "run"
    shutil.copytree(DATA / "square-relu-3", target)
    for leftover in (".run.4242.importing", ".run.k2j4_x9q", ".run.99999.ab12cd.staging"):
        shutil.copytree(DATA / "sine-linear", tmp_path / leftover)
    (tmp_path / ".run.notes").mkdir()  # not ours: kept
    (tmp_path / ".run.notes" / "mine.txt").write_text("keep")
    recover(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".run.notes", "run"]


def test_a_run_is_never_recorded_over_another(tmp_path):
    from nnexplain.run import create_run

    shutil.copytree(DATA / "square-relu-3", tmp_path / "run")
    before = (tmp_path / "run" / "manifest.json").read_bytes()
    with pytest.raises(RunError, match="holds a run already; record into a new or empty directory"):
        create_run(tmp_path / "run", {"recipe": "x"}, {"inputs": __import__("numpy").zeros((1, 1), "float32")})
    assert (tmp_path / "run" / "manifest.json").read_bytes() == before
    assert json.loads(before)["recipe"] == "square-relu-3"


@pytest.mark.parametrize(
    "batch_size, stop",
    [
        # The whole set per step: the first step throws a weight to 4e10, beyond what can be drawn (issue 28); the
        # end of epoch 1 says so before recording anything (before this check the loss became inf at epoch 2, step 2).
        ("0", "training diverged at epoch 1, step 1: a weight reached magnitude 4e+10, beyond the ±1e+06"),
        # One example per step: the loss overflows inside epoch 1, before its end checks the weights.
        ("1", "training diverged at epoch 1, step 5: the loss became inf"),
    ],
)
def test_a_diverging_training_stops_at_the_first_bad_step_and_keeps_strict_json(tmp_path, batch_size, stop):
    out = tmp_path / "run"
    result = run_cli(
        "train", "square-relu-3", "--lr", "1e12", "--batch-size", batch_size, "--epochs", "20", "--out", out
    )
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"nnexplain: error: {stop}") and "Traceback" not in result.stderr
    step = int(stop.split("step ")[1].split(":")[0])
    text = (out / "manifest.json").read_text()
    manifest = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the manifest"))  # strict JSON
    assert manifest["status"] == "diverged" and manifest["diverged_at"] == {"epoch": 1, "step": step}
    assert [s["epoch"] for s in manifest["snapshots"]] == [0]  # nothing undrawable was recorded
    assert load_run(out).tensors(0)["weight.0"].shape == (3, 1)  # what was recorded before stays readable
    from nnexplain.train.recorder import _metric

    assert _metric("train_loss", float("inf")) is None and _metric("val_loss", float("nan")) is None  # null in JSON
    node = shutil.which("node")
    if node:  # the strictest JSON parser at hand
        assert (
            subprocess.run(
                [node, "-e", f"JSON.parse(require('fs').readFileSync({json.dumps(str(out / 'manifest.json'))}))"]
            ).returncode
            == 0
        )


def test_lr_and_batch_size_override_the_recipe(tmp_path):
    out = tmp_path / "run"
    assert (
        run_cli("train", "spiral", "--lr", "0.01", "--batch-size", "100", "--epochs", "2", "--out", out).returncode == 0
    )
    run = load_run(out)
    assert run.manifest["config"]["lr"] == 0.01 and run.manifest["config"]["batch_size"] == 100
    assert [s["step"] for s in run.snapshots] == [0, 6, 12]  # 600 points in batches of 100


def _partial_copy(tmp_path):
    """square-relu-3 as if killed after its second-to-last snapshot."""
    run = tmp_path / "partial"
    shutil.copytree(DATA / "square-relu-3", run)
    manifest = json.loads((run / "manifest.json").read_text())
    last = manifest["snapshots"].pop()
    (run / last["file"]).unlink()
    manifest["status"] = "training"
    (run / "manifest.json").write_text(json.dumps(manifest))
    return run, manifest["snapshots"][-1]["epoch"], manifest["config"]["epochs"]


def test_a_partial_run_says_so_in_info_and_on_screen(tmp_path):
    import numpy as np
    from frames import CONTROL, render_for_test

    from nnexplain.scenes.relu_square import ReluSquare

    run, last, planned = _partial_copy(tmp_path)
    result = run_cli("info", run)
    assert f"status           training (partial run: {last} of {planned} epochs)" in result.stdout
    scene = render_for_test(ReluSquare, run, tmp_path / "media")
    texts = [m.text for m in scene.mobjects for m in m.get_family() if hasattr(m, "text")]
    assert f"partialrun:{last}of{planned}epochs" in texts  # (Text keeps no spaces)
    frame = np.asarray(scene.renderer.get_frame())[..., :3]
    complete = np.load(CONTROL / "relu-square.npz")["frame"]
    corner = np.abs(frame.astype(int) - complete.astype(int)).max(axis=2) > 12
    assert corner[-24:, -200:].mean() > 0.02  # the note, bottom right
