"""Ctrl-C and SIGTERM end a render and everything it started, within seconds, leaving no temporary files.

Each command runs with a marker in its environment, which every process it starts inherits
(pool workers, Ray's raylet and workers): the test finds them all through /proc. The signal
goes to the command's own process only, as ``kill -INT PID`` does: ending the rest is its job.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from conftest import DATA
from fixture_runs import FIXTURE_OF_RECIPE, fixture_of, with_landscape

TINY = ("--resolution", "64x36", "--fps", "2")
GONE_WITHIN = 5.0  # seconds after the signal
pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds processes through /proc")


def _marked(marker: str) -> list[int]:
    """The processes whose environment holds ``marker`` (zombies have none: they are gone)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


class Command:
    def __init__(self, tmp_path: Path, *arguments, env: dict | None = None):
        self.marker = f"NNEXPLAIN_TEST_MARK={uuid.uuid4().hex}"
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir(exist_ok=True)
        environment = {**os.environ, **(env or {}), "TMPDIR": str(self.tmp)}
        environment[self.marker.split("=")[0]] = self.marker.split("=")[1]
        command = [sys.executable, "-c", "from nnexplain.app.cli import main; main()", *map(str, arguments)]
        self.process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def wait_for(self, pattern: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not list(self.tmp.glob(pattern)):
            assert self.process.poll() is None, self.process.communicate()[1].decode()[-2000:]
            assert time.monotonic() < deadline, f"no {pattern} in {timeout} s"
            time.sleep(0.05)

    def interrupt(self, signum: int) -> tuple[int, str]:
        """Send ``signum``; the command and everything it started must be gone within :data:`GONE_WITHIN`."""
        self.process.send_signal(signum)
        sent = time.monotonic()
        try:
            _, stderr = self.process.communicate(timeout=GONE_WITHIN)
        except subprocess.TimeoutExpired:
            self._kill_all()
            pytest.fail(f"still running {GONE_WITHIN} s after signal {signum}")
        while _marked(self.marker) and time.monotonic() - sent < GONE_WITHIN:
            time.sleep(0.05)
        left = _marked(self.marker)
        self._kill_all()
        assert not left, f"processes {left} still alive {GONE_WITHIN} s after signal {signum}"
        return self.process.returncode, stderr.decode()

    def _kill_all(self) -> None:
        for pid in _marked(self.marker):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _temporary_files(*folders: Path) -> list[Path]:
    """What an interrupted render must not leave: scratch folders, hidden staged files."""
    found = []
    for folder in folders:
        if folder.is_dir():
            found += [p for p in folder.rglob("*") if p.name.startswith((".", "nnexplain-"))]
    return found


def _default_runs_in_cache(scratch: Path) -> None:
    """Every recipe's fixture where ``render all`` looks for its default run (the test's private cache)."""
    from nnexplain.app.cache import default_run_dir

    for recipe in FIXTURE_OF_RECIPE:
        source = with_landscape(fixture_of(recipe), scratch) if recipe == "mnist" else fixture_of(recipe)
        shutil.copytree(source, default_run_dir(recipe))


def test_sigint_to_render_all_jobs_2_ends_every_worker(tmp_path):
    _default_runs_in_cache(tmp_path / "landscapes")
    cache = Path(os.environ["NNEXPLAIN_CACHE"])
    command = Command(tmp_path, "render", "all", *TINY, "--jobs", "2", "--out", tmp_path / "out")
    command.wait_for("nnexplain-render-*")  # the workers are drawing
    moment = random.uniform(0, 3)
    time.sleep(moment)
    status, stderr = command.interrupt(signal.SIGINT)
    assert status == 130, f"{moment:.2f} s in: {stderr[-2000:]}"
    assert "Traceback" not in stderr, stderr
    assert not _temporary_files(tmp_path / "out", cache / "renders", command.tmp), f"{moment:.2f} s in"


def test_sigterm_to_a_render_exits_143_and_cleans_up(tmp_path):
    cache = Path(os.environ["NNEXPLAIN_CACHE"])
    run = ("--run", DATA / "square-relu-3")
    command = Command(tmp_path, "render", "relu-square", *run, *TINY, "--jobs", "2", "--out", tmp_path / "out")
    command.wait_for("nnexplain-render-*")
    time.sleep(random.uniform(0, 2))
    status, stderr = command.interrupt(signal.SIGTERM)
    assert status == 143, stderr[-2000:]
    assert "Traceback" not in stderr, stderr
    assert not _temporary_files(tmp_path / "out", cache / "renders", command.tmp)


def test_sigint_to_a_ray_render_ends_its_local_cluster(tmp_path):
    pytest.importorskip("ray", reason="the Ray backend is an optional extra (nnexplain[ray])")
    ray_tmp = Path(tempfile.mkdtemp(prefix="nr", dir="/tmp"))  # Ray's socket paths must stay short
    try:
        run = ("--run", DATA / "square-relu-3", "--backend", "ray", "--jobs", "2", "--no-cache")
        command = Command(
            tmp_path, "render", "relu-square", *run, *TINY, "--out", tmp_path / "out", env={"RAY_TMPDIR": str(ray_tmp)}
        )
        command.wait_for("nnexplain-ray-*", timeout=180)  # a Ray task is drawing
        time.sleep(random.uniform(0, 2))
        status, stderr = command.interrupt(signal.SIGINT)
        assert status == 130, stderr[-2000:]
        assert not _temporary_files(tmp_path / "out", command.tmp)
    finally:
        shutil.rmtree(ray_tmp, ignore_errors=True)


def test_sigint_to_slides_ends_its_workers_and_leaves_no_scratch_in_out(tmp_path):
    pytest.importorskip("manim_slides", reason="slides are an optional extra (nnexplain[slides])")
    runs = ("--run", f"relu-square={DATA / 'square-relu-3'}", "--run", f"chain-rule={DATA / 'chain'}")
    out = tmp_path / "deck"
    command = Command(tmp_path, "slides", "relu-square", "chain-rule", *runs, "--jobs", "2", "--out", out)
    deadline = time.monotonic() + 120
    while not list(out.glob(".lecture.*/part-*/media")):  # the workers are drawing
        assert command.process.poll() is None, command.process.communicate()[1].decode()[-2000:]
        assert time.monotonic() < deadline, "the workers never started drawing"
        time.sleep(0.05)
    time.sleep(random.uniform(0, 2))
    status, stderr = command.interrupt(signal.SIGINT)
    assert status == 130, stderr[-2000:]
    assert not _temporary_files(out, command.tmp)
