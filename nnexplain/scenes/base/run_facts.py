"""What a run records about how it came to be: whether a scene may speak of its training history, its random
start or its step size. An imported run (``nnexplain import``) holds one snapshot, its final weights: no
history, no random start, no step size of its own; a scene says so, or says nothing of them."""

from __future__ import annotations

from nnexplain.run import Run

__all__ = ["has_history", "has_random_start", "recorded_step_size", "origin"]


def has_history(run: Run) -> bool:
    """At least two snapshots: weights at two moments of one training."""
    return len(run.epochs) >= 2


def has_random_start(run: Run) -> bool:
    """Its first snapshot is the initialisation: epoch 0 at step 0 of a training recorded here (not imported)."""
    if run.manifest.get("imported_from") or not has_history(run):
        return False
    first = run.snapshot(run.epochs[0])
    return run.epochs[0] == 0 and first.get("step") == 0


def recorded_step_size(run: Run) -> float | None:
    """The learning rate the run trained with, when it records one (an imported run does not)."""
    lr = (run.manifest.get("config") or {}).get("lr")
    return float(lr) if isinstance(lr, (int, float)) and not isinstance(lr, bool) and lr > 0 else None


def origin(run: Run) -> str:
    """How the run came to be, in a few words: "imported from FILE" or "trained"."""
    imported = run.manifest.get("imported_from")
    return f"imported from {imported['file']}" if imported else "trained"
