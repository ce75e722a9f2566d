"""``nnexplain train RECIPE --out DIR --resume``: a stopped training goes on from its last snapshot.

Under the run's lock: a replacement a killed process left half done is finished or
rolled back (:func:`~nnexplain.run.staging.recover`), the run is checked (it is the
recipe's, it was stopped, not diverged or complete, it has a snapshot with resume
state, and this is its device), and training goes on (:func:`nnexplain.train.loop.resume`,
which first removes what the killed process wrote after its last manifest).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from nnexplain.errors import NnexplainError
from nnexplain.run import load_run
from nnexplain.run.staging import is_run_directory, recover, run_lock

__all__ = ["resume_training"]

WithProgress = Callable[
    [str, Callable[[Callable], None]], None
]  # (label, work(on_epoch)) -> runs work under a progress bar


def resume_training(
    recipe: str, shown: Path, device: str, with_progress: WithProgress, given: dict | None = None
) -> tuple[Path, bool]:
    """Go on training the run at ``shown``; returns its real path and whether it trained (False: it was complete).

    ``given``: training options the command was also given (``{"epochs": 3}``); each must be the run's own.
    """
    from nnexplain.train.loop import resumable_config, resume

    out = Path(os.path.realpath(shown))
    with run_lock(out):
        recover(out)
        if not is_run_directory(out):
            raise NnexplainError(f"{shown} holds no run to resume; train it without --resume")
        run = load_run(out)
        if run.recipe != recipe:
            raise NnexplainError(f"{shown} holds a run of recipe {run.recipe!r}, not {recipe!r}")
        if run.manifest["status"] == "complete":
            return out, False
        recorded = resumable_config(run)  # refuses a run that cannot go on, before anything is removed
        for key, value in (given or {}).items():
            if getattr(recorded, key) != value:
                option = "--" + key.replace("_", "-")
                raise NnexplainError(
                    f"{option} {value} is not the run's own ({getattr(recorded, key)}); --resume goes on with the run's settings: drop {option}"
                )
        if device not in ("auto", run.manifest["device"]):
            raise NnexplainError(
                f"{shown} trained on {run.manifest['device']} and goes on there (the same result as never "
                f"stopping needs the same device); drop --device {device}"
            )
        with_progress(f"{recipe} (resumed at {run.epochs[-1]})", lambda on_epoch: resume(out, on_epoch=on_epoch))
    return out, True
