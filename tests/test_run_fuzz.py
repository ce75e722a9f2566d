"""Fuzzed run directories: whatever the manifest or a tensor file holds, reading gives a run or one clean error.

Each example damages a copy of a real run (a fixture, or one trained here with
checksums), then reads it the ways the application does: ``info`` in process (all
files verified), every scene's catalogue check, and the checks drawing runs first.
The outcome must be success or a :class:`~nnexplain.errors.NnexplainError` in one
line; any other exception fails. Bounded: about 15 s on a quiet machine.
"""

import json
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.numpy import load, save

from nnexplain.app.catalog import SCENES
from nnexplain.app.cli import cli
from nnexplain.errors import NnexplainError
from nnexplain.run import load_run
from nnexplain.run.files import sha256

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOURCES = ["square-relu-3", "moons-overfit", "mnist-sigmoid"]

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=12)
    | st.just("a\nb")
    | st.sampled_from(["", "..", "/etc/passwd", "../../x", "probe.safetensors", "snapshots/epoch-00000.safetensors"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _paths(node, prefix=()):
    """Every place in a JSON tree, as a tuple of keys and indices."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _mutate(manifest, data):
    places = [
        place for place in _paths(manifest) if place not in ((), ("format",), ("version",))
    ]  # those two: test_hostile_input
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        place = data.draw(st.sampled_from(places), label="place")
        parent = manifest
        try:
            for key in place[:-1]:
                parent = parent[key]
            action = data.draw(st.sampled_from(["replace", "delete", "nudge"]), label="action")
            if action == "delete" and isinstance(parent, dict):
                del parent[place[-1]]
            elif (
                action == "nudge"
                and isinstance(parent[place[-1]], (int, float))
                and not isinstance(parent[place[-1]], bool)
            ):
                parent[place[-1]] = data.draw(st.sampled_from([0, -1, 1, 2**63, -(2**63), 1e308, 0.5]), label="number")
            else:
                parent[place[-1]] = data.draw(JSON, label="value")
        except (KeyError, IndexError, TypeError):
            pass  # an earlier mutation removed this place
    return manifest


@contextmanager
def _copy(name):
    with tempfile.TemporaryDirectory() as scratch:
        run = Path(scratch) / "run"
        shutil.copytree(name if isinstance(name, Path) else DATA / name, run)
        yield run


def _read_every_way(run):
    """What the application does with a run: ``info`` (every file verified), then what drawing reads.
    Returns None, or ``info``'s one-line error (that of drawing when only drawing fails)."""
    result = CliRunner().invoke(cli, ["info", str(run)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert len(result.output.strip().splitlines()) == 1, result.output
    try:
        loaded = load_run(run)
        for info in SCENES.values():
            info.check(loaded.manifest)
        loaded.check_drawable()
        loaded.history, loaded.unfinished, loaded.probe  # noqa: B018
        drawing = None
    except NnexplainError as error:
        assert "\n" not in str(error)
        drawing = str(error)
    return result.output.strip() if result.exit_code == 2 else drawing


@FUZZ
@given(source=st.sampled_from(SOURCES), data=st.data())
def test_fuzzed_manifests_load_or_fail_in_one_line(source, data):
    with _copy(source) as run:
        manifest = _mutate(json.loads((run / "manifest.json").read_text()), data)
        text = json.dumps(manifest, allow_nan=True)
        (run / "manifest.json").write_text(text)
        _read_every_way(run)


@pytest.fixture(scope="module")
def checksummed_run(tmp_path_factory):
    """A run written now: checksums, history and resume files (sine-relu, 40 epochs)."""
    from dataclasses import replace

    from nnexplain.train.loop import train
    from nnexplain.train.recipes import get_recipe

    config = replace(get_recipe("sine-relu").config, epochs=40, max_snapshots=4)
    return train(config, tmp_path_factory.mktemp("fuzz") / "run")


DTYPES = [np.float32, np.float64, np.float16, np.int64, np.int8, np.uint8, np.bool_]


def _odd_array(data):
    dtype = data.draw(st.sampled_from(DTYPES), label="dtype")
    shape = tuple(data.draw(st.lists(st.integers(0, 5), max_size=3), label="shape"))
    values = data.draw(st.sampled_from([0.0, 1.0, -7.0, np.nan, np.inf, 1e30]), label="fill")
    with np.errstate(invalid="ignore", over="ignore"):
        return np.full(shape, values).astype(dtype)


def _damage(path, data):
    raw = path.read_bytes()
    kind = data.draw(st.sampled_from(["truncate", "flip", "append", "replace", "drop", "add"]), label="damage")
    if kind == "truncate":
        path.write_bytes(raw[: data.draw(st.integers(0, len(raw) - 1), label="length")])
    elif kind == "flip":
        flipped = bytearray(raw)
        flipped[data.draw(st.integers(0, len(raw) - 1), label="byte")] ^= 1 << data.draw(st.integers(0, 7), label="bit")
        path.write_bytes(bytes(flipped))
    elif kind == "append":
        path.write_bytes(raw + data.draw(st.binary(min_size=1, max_size=64), label="tail"))
    else:
        tensors = dict(load(raw))
        name = data.draw(st.sampled_from(sorted(tensors)), label="tensor")
        if kind == "drop":
            del tensors[name]
        else:
            tensors[
                name
                if kind == "replace"
                else data.draw(st.sampled_from(["weight.9", "pre.0", "extra", "labels"]), label="name")
            ] = _odd_array(data)
        path.write_bytes(save(tensors))


@FUZZ
@given(data=st.data(), rechecksum=st.booleans())
def test_fuzzed_tensor_files_load_or_fail_in_one_line(checksummed_run, data, rechecksum):
    source = data.draw(st.sampled_from([checksummed_run, DATA / "moons-overfit"]), label="run")
    with _copy(source) as run:
        manifest = json.loads((run / "manifest.json").read_text())
        names = sorted({p.relative_to(run).as_posix() for p in run.rglob("*.safetensors")})
        target = data.draw(st.sampled_from(names), label="file")
        _damage(run / target, data)
        if rechecksum and "files" in manifest:  # as a careless writer would: the damage recorded as the truth
            raw = (run / target).read_bytes()
            manifest["files"][target] = {"sha256": sha256(raw), "size": len(raw)}
            (run / "manifest.json").write_text(json.dumps(manifest))
        message = _read_every_way(run)
        if "files" in manifest and not rechecksum and (run / target).read_bytes() != (source / target).read_bytes():
            assert message is not None and target in message  # a checksummed file that changed is always caught


@pytest.mark.parametrize(
    "change",
    [
        lambda arrays: {**arrays, "weight.0": arrays["weight.0"][0]},  # one step's weights, not the stack of steps
        lambda arrays: {**arrays, "bias.1": arrays["bias.1"][:2]},  # fewer steps than the other parameters
        lambda arrays: {**arrays, "weight.9": arrays["weight.0"]},  # a parameter the network does not have
    ],
)
def test_a_steps_file_of_the_wrong_shape_is_one_line_from_info_and_from_drawing(change):
    """Found by the fuzz test above: a recomputed checksum over a steps file of the wrong shape crashed."""
    from safetensors.numpy import load_file, save_file

    with _copy("moons-overfit") as run:
        target = run / "steps" / "epoch-00002.safetensors"
        save_file(change(load_file(target)), target)
        manifest = json.loads((run / "manifest.json").read_text())
        raw = target.read_bytes()
        manifest["files"]["steps/epoch-00002.safetensors"] = {"sha256": sha256(raw), "size": len(raw)}
        (run / "manifest.json").write_text(json.dumps(manifest))
        result = CliRunner().invoke(cli, ["info", str(run)])
        assert result.exit_code == 2 and "steps/epoch-00002.safetensors" in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
        with pytest.raises(NnexplainError, match="epoch-00002"):
            load_run(run).step_params(2)
