"""The render cache is an optimisation, never a point of failure; a failed write leaves nothing half written.

Full and read-only disks are small tmpfs mounts, made when the tests run as root (else skipped)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from conftest import DATA, run_cli
from test_cli import assert_user_error

from nnexplain.app.scratch import sweep_stale

TINY = ("--resolution", "64x36", "--fps", "2")
# neurons: the cheapest scene to build (about half relu-square's CPU time, which searches the best hinge fit).
SCENE, RUN = "neurons", DATA / "mnist-sigmoid"
VIDEO = f"{SCENE}-64x36-2fps.mp4"
AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")


def _render(out, cache, tmp, *more):
    """A scene rendered tiny, with its cache and system temporary directory where the test says."""
    tmp.mkdir(exist_ok=True)
    environment = {"NNEXPLAIN_CACHE": str(cache), "TMPDIR": str(tmp)}
    return run_cli("render", SCENE, "--run", RUN, *TINY, *more, "--out", out, env=environment)


def _hidden(folder):
    return [path for path in folder.rglob(".*")] if folder.is_dir() else []


@contextmanager
def _tmpfs(where, size, read_only=False):
    where.mkdir()
    options = f"size={size}" + (",ro" if read_only else "")
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], check=True, capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError) as error:
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _skipped_once(result, fragment):
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "render cache skipped" in line]
    assert len(notes) == 1 and fragment in notes[0], result.stderr


@pytest.mark.parametrize("kind", ["file", "symlink-loop"])
def test_a_cache_that_is_not_a_folder_is_skipped_and_the_render_completes(tmp_path, kind):
    cache = tmp_path / "cache"
    if kind == "file":
        cache.write_text("not a folder")
    else:
        os.symlink(cache, cache)
    result = _render(tmp_path / "out", cache, tmp_path / "tmp")
    _skipped_once(result, "Not a directory" if kind == "file" else "Too many levels of symbolic links")
    assert (tmp_path / "out" / VIDEO).stat().st_size > 0
    assert not list((tmp_path / "tmp").iterdir())


@AS_ROOT
def test_a_read_only_cache_is_skipped_and_the_render_completes(tmp_path):
    with _tmpfs(tmp_path / "cache", "1m", read_only=True) as cache:
        result = _render(tmp_path / "out", cache, tmp_path / "tmp")
    _skipped_once(result, f"Read-only file system: {tmp_path / 'cache'}")
    assert (tmp_path / "out" / VIDEO).stat().st_size > 0


@AS_ROOT
def test_a_full_cache_is_skipped_with_nothing_half_written_in_it(tmp_path):
    with _tmpfs(tmp_path / "cache", "48k") as cache:  # room for the plan, not for the parts
        result = _render(tmp_path / "out", cache, tmp_path / "tmp")
        _skipped_once(result, f"No space left on device: {cache}")  # the cache's path, not a scratch file's
        assert not _hidden(cache)
    assert (tmp_path / "out" / VIDEO).stat().st_size > 0
    assert not list((tmp_path / "tmp").iterdir())


@AS_ROOT
@pytest.mark.parametrize("fmt", ["mp4", "png"])
def test_a_full_out_keeps_the_old_file_leaves_no_scratch_and_names_the_target(tmp_path, fmt):
    name = VIDEO if fmt == "mp4" else f"{SCENE}-64x36.png"
    with _tmpfs(tmp_path / "out", "32k") as out:
        old = out / name
        old.write_bytes(b"the earlier render")
        filler = out / "filler"
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=4k"], capture_output=True)  # fills the disk
        result = _render(out, tmp_path / "cache", tmp_path / "tmp", "--format", fmt)
        assert_user_error(result, f"No space left on device: {old}")
        assert old.read_bytes() == b"the earlier render"
        assert not _hidden(out)
    assert not list((tmp_path / "tmp").iterdir())


def test_scratch_left_by_a_killed_render_is_removed_by_the_next_command(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    command = [sys.executable, "-c", "from nnexplain.app.cli import main; main()", "render", SCENE]
    command += ["--run", str(RUN), *TINY, "--no-cache", "--out", str(tmp_path / "out")]
    render = subprocess.Popen(command, env={**os.environ, "TMPDIR": str(tmp)}, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(tmp.glob("nnexplain-render-*")) and time.monotonic() < deadline and render.poll() is None:
        time.sleep(0.05)
    left = list(tmp.glob("nnexplain-render-*"))
    assert left, "the render made no scratch folder"
    render.send_signal(signal.SIGKILL)
    render.wait()
    assert all(folder.exists() for folder in left)  # kill -9: nothing could clean up
    assert set(sweep_stale(tmp)) == set(left)  # what the next render, preview or ray task does first
    assert not any(folder.exists() for folder in left)


def test_the_sweep_leaves_a_live_process_s_scratch_alone(tmp_path):
    mine = tmp_path / f"nnexplain-render-{os.getpid()}-abc"
    mine.mkdir()
    assert sweep_stale(tmp_path) == [] and mine.exists()
