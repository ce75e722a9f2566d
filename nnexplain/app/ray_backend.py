"""Ranges of a scene rendered on a Ray cluster: ``nnexplain render SCENE --backend ray [--address ADDR]``.

The unit of work is one range of one scene (:func:`nnexplain.app.split.render_part`).
Workers need only nnexplain installed, no shared file system: the run directories
travel to them as tar archives through Ray's object store, and each range's partial
movie files come back the same way, as bytes. Without an address, Ray starts a local
cluster on this machine; with one (``--address ray://head:10001`` or ``auto``) it
joins that cluster. It needs the optional extra: ``pip install 'nnexplain[ray]'``.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from nnexplain.app.interrupts import reclaim_sigterm
from nnexplain.app.job import RenderJob
from nnexplain.app.scratch import scratch_dir, sweep_ended
from nnexplain.app.split import Part, Plan, render_part
from nnexplain.errors import NnexplainError
from nnexplain.run import Run, load_run
from nnexplain.scenes.base.runs import SceneRuns

__all__ = ["require_ray", "render_parts_on_ray", "pack_directory", "unpack_directory"]


def require_ray():
    try:
        import ray
    except ImportError:
        raise NnexplainError("--backend ray needs the optional extra: pip install 'nnexplain[ray]'") from None
    return ray


def pack_directory(path: Path) -> bytes:
    """A run directory as an uncompressed tar archive (safetensors compress poorly)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.add(path, arcname="run")
    return buffer.getvalue()


def unpack_directory(data: bytes, into: Path) -> Path:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as archive:
        archive.extractall(into, filter="data")  # no absolute paths, no links out
    return into / "run"


def _travelling(runs: SceneRuns) -> SceneRuns:
    """The runs as they travel: their manifests only (the files travel packed), nothing read from them yet."""
    further = {role: Run(run.path, run.manifest) for role, run in runs.further.items()}
    return SceneRuns(Run(runs.main.path, runs.main.manifest), further)


def _render_range(job: RenderJob, plan: Plan, span: tuple[int, int], *packed: bytes):
    """On a worker: unpack the runs (``packed``: the main run's, then the further runs' in the job's order),
    render the range, return its files' names and bytes."""
    with scratch_dir("ray") as scratch:
        roles = ["main", *job.runs.further]
        paths = {role: unpack_directory(data, scratch / role) for role, data in zip(roles, packed, strict=True)}
        runs = SceneRuns(load_run(paths.pop("main")), {role: load_run(path) for role, path in paths.items()})
        part = render_part(job.with_runs(runs), plan, span, scratch / "media", scratch / "part")
        return [(file.name, file.read_bytes()) for file in part.files]


def render_parts_on_ray(job: RenderJob, plan: Plan, spans: list[tuple[int, int]], out: Path) -> list[Part]:
    ray = require_ray()
    started = not ray.is_initialized()
    if started:
        ray.init(address=job.address, log_to_driver=False, include_dashboard=False, configure_logging=False)
        reclaim_sigterm()  # SIGTERM ends this render as Ctrl-C does (exit 143), not with Ray's exit status
    runs = [job.runs.main, *job.runs.further.values()]
    shared = [ray.put(pack_directory(run.path)) for run in runs]  # once into the object store, read by every task
    task = ray.remote(num_cpus=1)(_render_range)
    travelling = job.with_runs(_travelling(job.runs))
    # Refs passed as top-level arguments are resolved into bytes on the worker.
    refs = [task.remote(travelling, plan, span, *shared) for span in spans]
    try:
        results = ray.get(refs)
    except BaseException:  # an interrupt, or a range that failed: end every task this render started
        _cancel(ray, refs, started)
        raise
    parts = []
    for span, files in zip(spans, results):
        folder = out / f"part-{span[0]}"
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, data in files:
            (folder / name).write_bytes(data)
            paths.append(folder / name)
        parts.append(Part(span[0], span[1], tuple(paths)))
    return parts


def _cancel(ray, refs: list, started: bool) -> None:
    """End every task in ``refs`` at once (force: a task drawing in C code would not see an interrupt for
    seconds); when this process started the cluster, shut it down, and remove the scratch folders its killed
    workers left on this machine."""
    for ref in refs:
        try:
            ray.cancel(ref, force=True, recursive=True)
        except Exception:  # finished or failed already
            pass
    if started:
        ray.shutdown()
        sweep_ended()
