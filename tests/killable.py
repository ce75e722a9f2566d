"""The ``nnexplain`` command in processes a test can SIGKILL at any moment, started in milliseconds.

Each command runs in a process forked from multiprocessing's fork server, which has
imported torch and nnexplain and run one tiny training once (a fresh interpreter costs
~2 s here, torch's first operations ~1 s more). The server runs torch on one thread, so
no worker thread exists when it forks. A command may also
kill itself just before or just after its k-th file rename (``os.replace``): every write
of a run ends in one, so this reaches each boundary between two writes exactly.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import torch

import nnexplain.app.cli  # noqa: F401  (all preloaded into the server)
import nnexplain.app.resume  # noqa: F401
import nnexplain.train.loop  # noqa: F401

torch.set_num_threads(1)


def _die_at_rename(count: int, after: bool, tally: str | None) -> None:
    """Kill this process just before (or after) its ``count``-th rename (0: never); note each rename in ``tally``."""
    real, calls = os.replace, [0]

    def replace(source, destination):
        calls[0] += 1
        if calls[0] == count and not after:
            os.kill(os.getpid(), signal.SIGKILL)
        real(source, destination)
        if tally:
            with open(tally, "a") as handle:
                handle.write(f"{time.time()} {destination}\n")
        if calls[0] == count and after:
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace


def _command(arguments: list[str], die_at: tuple[int, bool] | None, log: str, tally: str | None) -> None:
    import sys

    descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    count, after = die_at or (0, False)
    _die_at_rename(count, after, tally)
    from nnexplain.app.cli import main

    sys.argv = ["nnexplain", *arguments]
    main()


class Server:
    """Start commands (``start``) that the test may kill; ``renames`` counts a command's renames."""

    def __init__(self):
        from multiprocessing import forkserver

        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["killable"])
        # The server imports this module (a failed preload is silently skipped, and every command would
        # then start torch cold): it needs this folder on its path, and the flag that makes it warm up.
        saved = dict(os.environ)
        os.environ["NNEXPLAIN_KILLABLE_SERVER"] = "1"
        os.environ["PYTHONPATH"] = os.pathsep.join(
            filter(None, [os.path.dirname(os.path.abspath(__file__)), saved.get("PYTHONPATH")])
        )
        try:
            forkserver.ensure_running()
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def start(self, arguments: list[str], log: str, die_at: tuple[int, bool] | None = None, tally: str | None = None):
        process = self.context.Process(
            target=_command, args=([str(a) for a in arguments], die_at, str(log), tally and str(tally))
        )
        process.start()
        return process

    def run(
        self,
        arguments: list[str],
        log: str,
        die_at: tuple[int, bool] | None = None,
        tally: str | None = None,
        timeout: float = 120,
    ) -> int:
        process = self.start(arguments, log, die_at, tally)
        process.join(timeout)
        if process.is_alive():
            process.kill()
            raise TimeoutError(f"nnexplain {' '.join(map(str, arguments))} ran past {timeout} s")
        return process.exitcode


def _warm_up() -> None:
    """Run torch's first operations here, once, rather than in every forked command (~1 s each).
    Single-threaded (above): no worker thread exists when the server forks."""
    import tempfile
    from dataclasses import replace

    from nnexplain.train.loop import train
    from nnexplain.train.recipes import get_recipe

    with tempfile.TemporaryDirectory() as scratch:
        config = replace(get_recipe("mnist").config, epochs=1, device="cpu")
        from nnexplain.data.mnist import load_mnist

        data = load_mnist()
        small = replace(
            data, x_train=data.x_train[:64], y_train=data.y_train[:64], x_val=data.x_val[:50], y_val=data.y_val[:50]
        )
        train(config, f"{scratch}/run", dataset=small)


if os.environ.get("NNEXPLAIN_KILLABLE_SERVER") == "1":  # in the fork server, not in the test that imports this
    _warm_up()
