"""Ctrl-C and SIGTERM end everything a command started, promptly, and leave no temporary files.

- The command's own process: SIGINT raises :class:`KeyboardInterrupt` (Python's default) and
  SIGTERM raises :class:`Terminated` (:func:`install`), so every ``finally`` and ``with`` on
  the way out runs: scratch folders, staged files and cache staging are removed. The command
  exits 130 (SIGINT) or 143 (SIGTERM).
- Worker processes (:func:`pool_map`): they ignore SIGINT (a terminal sends it to the whole
  process group; the parent decides) and turn SIGTERM into :class:`Terminated` inside a task,
  so the task's clean-up runs, then the worker exits at once. The parent cancels what has not
  started, sends SIGTERM to every worker, and SIGKILL to any still alive after a grace period.
- Ray tasks are cancelled by :mod:`nnexplain.app.ray_backend`, and the local cluster it
  started is shut down.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any, Callable, Iterable

from nnexplain.app.scratch import sweep_ended

__all__ = ["Terminated", "install", "reclaim_sigterm", "exit_status", "pool_map", "GRACE_SECONDS"]

GRACE_SECONDS = 3.0  # a worker's clean-up after SIGTERM, before it is killed


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C (click and every clean-up treat it the same), remembered as SIGTERM."""

    signal_number = signal.SIGTERM


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


def install() -> None:
    """In a command's main process: SIGTERM raises :class:`Terminated`; SIGINT raises KeyboardInterrupt."""
    signal.signal(signal.SIGTERM, _raise_terminated)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def reclaim_sigterm() -> None:
    """After a library installed its own SIGTERM handler (Ray's driver exits with status 15): ours again."""
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)


def exit_status(interrupt: BaseException) -> int:
    """128 + the signal: 130 for Ctrl-C, 143 for SIGTERM."""
    return 128 + int(getattr(interrupt, "signal_number", signal.SIGINT))


# --- worker processes ------------------------------------------------------------------------------

_busy = False


def _on_term_in_worker(signum, frame) -> None:
    if _busy:
        raise Terminated()  # the task unwinds: its scratch folders and staged files are removed
    os._exit(128 + signum)  # idle: nothing to clean


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term_in_worker)


def _task(function: Callable, arguments: tuple) -> Any:
    global _busy
    _busy = True
    try:
        return function(*arguments)
    except Terminated:
        os._exit(143)  # cleaned up on the way here; the parent is ending the pool
    finally:
        _busy = False


def pool_map(function: Callable, argument_tuples: Iterable[tuple], jobs: int) -> list:
    """``function(*arguments)`` for each tuple, in ``jobs`` fresh interpreters (spawned: manim's config is
    global to a process), results in order. Any exception or interrupt here ends every worker."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    argument_tuples = list(argument_tuples)
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init
    )
    try:
        futures = [pool.submit(_task, function, arguments) for arguments in argument_tuples]
        results = [future.result() for future in futures]
    except BaseException:
        _end_workers(pool)
        # A worker killed after the grace period, or signalled between creating its scratch folder and
        # entering the ``with`` that removes it, leaves the folder; every worker is gone now, so remove them.
        sweep_ended()
        raise
    pool.shutdown(wait=True)
    return results


def _end_workers(pool) -> None:
    """Cancel what has not started; SIGTERM every worker, SIGKILL any alive after :data:`GRACE_SECONDS`."""
    processes = list((pool._processes or {}).values())  # no public way to reach a pool's processes
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            try:
                os.kill(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1)
