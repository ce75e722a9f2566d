"""``train --resume``: a training killed at any moment goes on from its last snapshot to what it would have been.

The oracle is the same training never stopped. On the CPU the resumed run must match it
bit for bit: every snapshot, history and mistakes file byte for byte, the manifest but for
its dates and times. (Leaving out the generator state shifts weights by only 6e-8 in a
full-batch run, so a tolerance would hide it.)
"""

import json
import random
import shutil
import time
from dataclasses import replace
from pathlib import Path

import killable
import numpy as np
import pytest
from conftest import DATA, run_cli
from safetensors.numpy import save

from nnexplain.errors import NnexplainError, RunError
from nnexplain.run import load_run
from nnexplain.run.directory import create_run
from nnexplain.run.files import sha256
from nnexplain.train.loop import resume, train
from nnexplain.train.recipes import get_recipe

TRAIN = ["train", "mnist", "--epochs", "3", "--device", "cpu"]  # SGD, one-cycle, shifted images, 4 snapshots, mistakes
UNCOMPARED = ("created", "wall_seconds", "resumed_from")  # when it ran, not what it computed


def _files(run: Path) -> dict[str, bytes]:
    return {p.relative_to(run).as_posix(): p.read_bytes() for p in sorted(run.rglob("*")) if p.is_file()}


def assert_same_run(resumed: Path, reference: Path) -> None:
    """Every file the same, byte for byte; resume files and the manifest differ only in times."""
    mine, theirs = _files(resumed), _files(reference)
    assert sorted(mine) == sorted(theirs)
    for name in mine:
        if not name.startswith("resume/") and name != "manifest.json":
            assert mine[name] == theirs[name], name
    a, b = (json.loads(files["manifest.json"]) for files in (mine, theirs))
    for manifest in (a, b):
        for key in UNCOMPARED:
            manifest.pop(key, None)
        manifest["files"] = {
            name: record for name, record in manifest["files"].items() if not name.startswith("resume/")
        }
    assert a == b
    for epoch in load_run(reference).epochs:
        mine_state, their_state = load_run(resumed).resume_state(epoch)[0], load_run(reference).resume_state(epoch)[0]
        assert mine_state.keys() == their_state.keys()
        for name in mine_state:
            np.testing.assert_array_equal(mine_state[name], their_state[name], err_msg=name)


class Stop(Exception):
    pass


def _stopped(config, out, at):
    def on_epoch(report):
        if report.epoch == at:
            raise Stop

    with pytest.raises(Stop):
        train(config, out, on_epoch=on_epoch)
    return out


@pytest.fixture(scope="module")
def small_mnist():
    from nnexplain.data.mnist import load_mnist

    data = load_mnist()
    return replace(
        data, x_train=data.x_train[:600], y_train=data.y_train[:600], x_val=data.x_val[:200], y_val=data.y_val[:200]
    )


CONFIGS = {
    "full batch, Adam, one-cycle": (replace(get_recipe("square-relu-3").config, epochs=40), 13),
    "mini-batches, Adam, constant rate": (replace(get_recipe("moons-overfit").config, epochs=40, max_snapshots=8), 17),
}


@pytest.mark.parametrize("name", CONFIGS)
def test_a_stopped_training_goes_on_to_the_same_run(tmp_path, name):
    config, at = CONFIGS[name]
    reference = train(config, tmp_path / "reference")
    stopped = _stopped(config, tmp_path / "stopped", at)
    last = load_run(stopped).epochs[-1]
    assert load_run(stopped).manifest["status"] == "training" and last <= at
    resume(stopped)
    assert_same_run(stopped, reference)
    assert load_run(stopped).manifest["resumed_from"] == [last]


def test_sgd_momentum_shifted_images_and_mistakes_go_on_alike(tmp_path, small_mnist, monkeypatch):
    config = get_recipe("mnist").config.with_overrides(epochs=4, device="cpu")
    monkeypatch.setattr("nnexplain.train.loop.load_dataset", lambda *a, **k: small_mnist)
    reference = train(config, tmp_path / "reference")
    stopped = _stopped(config, tmp_path / "stopped", 2)
    resume(stopped)
    assert_same_run(stopped, reference)
    assert load_run(stopped).manifest["resumed_from"] == [2] and load_run(stopped).mistakes


# --- killed at any moment ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    return killable.Server()


@pytest.fixture(scope="module")
def reference(server, tmp_path_factory):
    """The training never stopped; how many renames it makes, and for how long it writes the run."""
    base = tmp_path_factory.mktemp("reference")
    assert server.run([*TRAIN, "--out", base / "run"], base / "log", tally=base / "renames") == 0, (
        base / "log"
    ).read_text()
    times = [float(line.split()[0]) for line in (base / "renames").read_text().splitlines()]
    return base / "run", times[-1] - times[0], len(times)


def _kill(server, arguments, out, log, rng, renames, seconds):
    """Start a command and SIGKILL it at a random moment: just before or after a random rename, or a random
    time after the run appears (before it, the command has written nothing)."""
    if rng.random() < 0.6:
        point = (rng.randint(1, renames), rng.random() < 0.5)
        code = server.run(arguments, log, die_at=point)
        return f"rename {point[0]} {'after' if point[1] else 'before'}", code
    process = server.start(arguments, log)
    while process.is_alive() and not out.exists():
        time.sleep(0.002)
    delay = rng.uniform(0.0, seconds)
    process.join(delay)
    process.kill()
    process.join()
    return f"{delay:.2f} s in", process.exitcode


def test_a_training_killed_at_random_moments_is_absent_or_readable_and_goes_on_to_the_same_run(
    tmp_path, server, reference
):
    reference_run, seconds, renames = reference
    rng = random.Random(15)
    outcomes = []
    for attempt in range(14):
        place = tmp_path / f"attempt{attempt}"
        place.mkdir()
        out, log = place / "run", place / "log"
        moment, code = _kill(server, [*TRAIN, "--out", out], out, log, rng, renames, seconds)
        if not out.exists():
            assert (
                server.run([*TRAIN, "--out", out, "--resume"], log) == 2 and "holds no run to resume" in log.read_text()
            )
            outcomes.append((moment, "absent"))
            continue
        run = load_run(out)  # never unreadable: the manifest and every file it names check out
        run.verify()
        status = run.manifest["status"]
        assert status in ("training", "complete") and (code != 0 or status == "complete"), (moment, status, code)
        if not run.snapshots:
            assert (
                server.run([*TRAIN, "--out", out, "--resume"], log) == 2
                and "before its first snapshot" in log.read_text()
            )
            outcomes.append((moment, "no snapshot yet"))
            continue
        if attempt % 4 == 3:  # the resumed training is killed too, then resumed again
            _kill(server, [*TRAIN, "--out", out, "--resume"], out, log, rng, renames // 2, seconds / 2)
            load_run(out).verify()
        assert server.run([*TRAIN, "--out", out, "--resume"], log) == 0, log.read_text()
        assert_same_run(out, reference_run)
        assert sorted(p.name for p in place.iterdir()) == [".run.lock", "log", "run"]  # nothing left beside it
        outcomes.append((moment, f"resumed from epochs {load_run(out).manifest.get('resumed_from', [])}"))
    resumed = [outcome for outcome in outcomes if outcome[1].startswith("resumed")]
    assert len(resumed) >= 5, outcomes  # most kills land mid-training
    print("\n".join(f"{moment}: {what}" for moment, what in outcomes))


# --- the command and what it refuses -------------------------------------------------------------------------


def test_resume_through_the_command(tmp_path, server, reference):
    reference_run, _, renames = reference
    out = tmp_path / "run"
    assert server.run([*TRAIN, "--out", out], tmp_path / "log", die_at=(renames - 6, True)) != 0
    result = run_cli(*TRAIN, "--out", out, "--resume")
    assert result.returncode == 0 and result.stdout.strip() == str(out), result.stderr
    assert "resumed at" in result.stderr and "trained mnist" in result.stderr
    assert_same_run(out, reference_run)
    info = run_cli("info", out)
    assert "resumed          after a stop, from epoch" in info.stdout and "status           complete" in info.stdout
    again = run_cli(*TRAIN, "--out", out, "--resume")
    assert again.returncode == 0 and "complete already; nothing to resume" in again.stderr


def _partial(tmp_path, source="square-relu-3", **changes):
    run = tmp_path / "run"
    shutil.copytree(DATA / source, run)
    manifest = json.loads((run / "manifest.json").read_text())
    manifest.update({"status": "training", **changes})
    (run / "manifest.json").write_text(json.dumps(manifest))
    return run


@pytest.mark.parametrize(
    "setup, arguments, message",
    [
        (lambda p: p / "absent", ["square-relu-3"], "holds no run to resume; train it without --resume"),
        (
            lambda p: _partial(p),
            ["square-relu-3"],
            "recorded no resume state (an older nnexplain, or your own loop, wrote it)",
        ),
        (lambda p: _partial(p), ["sine-relu"], "holds a run of recipe 'square-relu-3', not 'sine-relu'"),
        (
            lambda p: _partial(p, status="diverged", diverged_at={"epoch": 5, "step": 5}),
            ["square-relu-3"],
            "diverged (at epoch 5)",
        ),
        (lambda p: _partial(p), ["square-relu-3", "--overwrite"], "--overwrite replaces it: give one of them"),
    ],
)
def test_what_cannot_go_on_is_refused_in_one_line(tmp_path, server, setup, arguments, message):
    out = setup(tmp_path)
    _assert_refused(server, tmp_path, ["train", *arguments, "--out", out, "--resume"], message)


def _assert_refused(server, tmp_path, arguments, message):
    """The command (forked from the server, as the real entry point) exits 2 with one line holding ``message``."""
    log = tmp_path / "log"
    log.unlink(missing_ok=True)
    assert server.run(arguments, log) == 2
    lines = log.read_text().strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines


def test_options_given_with_resume_must_be_the_runs_own(tmp_path, server, stopped_square):
    run = tmp_path / "run"
    shutil.copytree(stopped_square, run)
    message = "--epochs 9 is not the run's own (20); --resume goes on with the run's settings: drop --epochs"
    _assert_refused(server, tmp_path, ["train", "square-relu-3", "--epochs", "9", "--out", run, "--resume"], message)
    _assert_refused(
        server,
        tmp_path,
        ["train", "square-relu-3", "--device", "cuda", "--out", run, "--resume"],
        "trained on cpu and goes on there",
    )
    assert (
        server.run(
            ["train", "square-relu-3", "--epochs", "20", "--seed", "112", "--out", run, "--resume"], tmp_path / "log"
        )
        == 0
    )  # its own: fine


def test_a_run_stopped_before_its_first_snapshot_cannot_go_on(tmp_path, server):
    manifest = {
        "recipe": "square-relu-3",
        "config": {"epochs": 5},
        "layers": [1, 3, 1],
        "activation": "relu",
        "output": "identity",
        "dataset": {"name": "square", "task": "regress"},
        "status": "training",
        "device": "cpu",
    }
    create_run(tmp_path / "run", manifest, {"inputs": np.zeros((2, 1), np.float32)})
    _assert_refused(
        server,
        tmp_path,
        ["train", "square-relu-3", "--out", tmp_path / "run", "--resume"],
        "stopped before its first snapshot",
    )


@pytest.fixture(scope="module")
def stopped_square(tmp_path_factory):
    return _stopped(
        replace(get_recipe("square-relu-3").config, epochs=20), tmp_path_factory.mktemp("square") / "run", 8
    )


def _tamper(run, change_tensors=None, change_facts=None):
    """Change the last resume file and record the change as its checksum: what only the resume checks can catch."""
    manifest = json.loads((run / "manifest.json").read_text())
    relative = manifest["snapshots"][-1]["resume"]
    tensors, facts = load_run(run).resume_state()
    tensors = dict(tensors)
    (change_tensors or (lambda t: None))(tensors)
    (change_facts or (lambda f: None))(facts)
    data = save(
        {k: np.require(v, requirements="C") for k, v in tensors.items()},
        metadata={"format": "nnexplain-run", "resume": json.dumps(facts)},
    )
    (run / relative).write_bytes(data)
    manifest["files"][relative] = {"sha256": sha256(data), "size": len(data)}
    (run / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    "tensors, facts, message",
    [
        (
            lambda t: t.update({"optimizer.0.exp_avg": np.zeros((7, 7), np.float32)}),
            None,
            "'optimizer.0.exp_avg' is float32 (7, 7)",
        ),
        (
            lambda t: t.update({"optimizer.9.exp_avg": np.zeros(3, np.float32)}),
            None,
            "which is no state of this run's optimiser",
        ),
        (lambda t: t["optimizer.0.exp_avg"].__setitem__(0, np.nan), None, "not finite float32"),
        (
            lambda t: t.update({"rng.generator": t["rng.generator"][:10]}),
            None,
            "does not fit this run's optimiser and schedule",
        ),
        (lambda t: t.pop("rng.torch"), None, "rng.torch is missing"),
        (None, lambda f: f.update(optimizer="SGD"), "holds the state of SGD, but the run's recipe trains with Adam"),
        (
            None,
            lambda f: f["scheduler"].update(last_epoch="x"),
            "does not fit this run's scheduler (last_epoch is 'x')",
        ),
        (
            None,
            lambda f: f["scheduler"].pop("total_steps"),
            "does not fit this run's scheduler (its state has other entries)",
        ),
        (
            None,
            lambda f: f["param_groups"][0].update(betas=[0.9]),
            "does not fit this run's optimizer ([0].betas has another length)",
        ),
        (None, lambda f: f.update(elapsed=-1), "elapsed"),
        (None, lambda f: f["param_groups"][0].update(lr=float("inf")), "[0].lr is inf"),
    ],
)
def test_a_damaged_resume_state_is_one_line(tmp_path, stopped_square, tensors, facts, message):
    run = tmp_path / "run"
    shutil.copytree(stopped_square, run)
    _tamper(run, tensors, facts)
    with pytest.raises(NnexplainError) as raised:
        resume(run)
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert isinstance(raised.value, RunError)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda c: c.update(lr="fast"),
            "recorded training config is not one this nnexplain trains (lr: Input should be a valid number)",
        ),
        (lambda c: c.update(optimizer="lbfgs"), "(optimizer: Input should be 'sgd' or 'adam')"),
        (lambda c: c.pop("hidden"), "(hidden: Field required)"),
        (lambda c: c.update(dataset_options={"spin": 3}), "recorded data set options {'spin': 3} are not 'square''s"),
        (lambda c: c.update(dataset="moons", dataset_options={}), "was trained on other data than 'moons' gives now"),
    ],
)
def test_a_damaged_training_config_is_one_line(tmp_path, stopped_square, change, message):
    run = tmp_path / "run"
    shutil.copytree(stopped_square, run)
    _edit = json.loads((run / "manifest.json").read_text())
    change(_edit["config"])
    (run / "manifest.json").write_text(json.dumps(_edit))
    with pytest.raises(NnexplainError) as raised:
        resume(run)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_what_a_killed_process_wrote_after_its_last_manifest_is_removed_and_nothing_else(tmp_path, stopped_square):
    from nnexplain.run.directory import discard_unrecorded

    run = tmp_path / "run"
    shutil.copytree(stopped_square, run)
    before = _files(run)
    orphans = [
        "snapshots/epoch-00009.safetensors",
        "history/epoch-00009.safetensors",
        "steps/epoch-00009.safetensors",  # a killed run that records each step's weights
        "resume/.epoch-00009.safetensors.x1y2.tmp",
        "mistakes.safetensors",
        ".manifest.json.a7b8.tmp",
    ]
    for name in orphans:
        (run / name).parent.mkdir(exist_ok=True)
        (run / name).write_bytes(b"half")
    (run / "notes.txt").write_text("mine")  # not a kind of file training writes: kept
    assert sorted(discard_unrecorded(run)) == sorted(orphans)
    assert _files(run) == {**before, "notes.txt": b"mine"}
