"""The one place runs are found for scenes: the main run and every further run, checked once.

``nnexplain render`` (``--run DIR``, ``--with ROLE=DIR``), ``render all``, ``preview``,
``slides``, ``bench`` and plain ``manim`` (:func:`runs_from_environment`) all come through
:func:`resolve_runs`, then :func:`prepare_runs`:

1. **resolve** finds, loads and checks, and writes nothing into a run: a run not given is
   the scene's default run (trained once into the cache when missing); each run is checked
   against the scene, and the files drawing reads are read and checked (checksums, arrays,
   finite weights), so a damaged run is one line before rendering starts;
2. **prepare** computes what a scene reads but a run may not hold yet, and stores it in the
   run: the main run's loss landscape for a scene that reads one (:mod:`nnexplain.app.landscape`).

The scene is then handed one :class:`~nnexplain.scenes.base.runs.SceneRuns`.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Mapping

from nnexplain.app.cache import ensure_default_run
from nnexplain.app.catalog import SceneInfo, check_run_suits
from nnexplain.app.landscape import ensure_landscape
from nnexplain.errors import RunError
from nnexplain.run import load_run
from nnexplain.scenes.base.runs import SceneRuns
from nnexplain.scenes.base.spec import layer_kinds_refusal

__all__ = ["prepare_runs", "resolve_runs", "runs_from_environment", "imported_advice"]

DefaultRun = Callable[[str], Path]  # recipe -> its cached run, trained when missing


@contextmanager
def imported_advice(run_dir: Path) -> Iterator[None]:
    """A damaged imported run is not retrained (nnexplain never trained it): its errors say to import it again."""
    try:
        yield
    except RunError as error:
        manifest = Path(run_dir) / "manifest.json"
        try:
            if not manifest.is_file() or manifest.stat().st_size > 1 << 20:  # never a FIFO, never a huge file
                raise ValueError("not a manifest to read here")
            origin = json.loads(manifest.read_text())["imported_from"]["file"]
        except (
            OSError,
            ValueError,
            KeyError,
            TypeError,
            RecursionError,
        ):  # unreadable, or not imported: the advice stands
            raise error from None
        advice = f"import it again from {origin} (nnexplain import {origin} … --out {run_dir})"
        raise RunError(str(error).replace("retrain the run", advice)) from None


def _checked(info: SceneInfo, where: Path, check_suits: bool):
    with imported_advice(where):
        run = load_run(where)
        if check_suits:
            check_run_suits(info, run.manifest, str(where))
        run.check_drawable()
    return run


def resolve_runs(
    info: SceneInfo,
    main: Path | None = None,
    further: Mapping[str, Path] | None = None,
    default_run: DefaultRun = ensure_default_run,
) -> SceneRuns:
    """Load and check the runs scene ``info`` draws; what is not given is its default run. Writes into no run."""
    further = dict(further or {})
    for role in further:
        info.further_run(role)  # refuses a role the scene does not read
    if main is None:
        if info.recipe is None:
            raise RunError(f"scene {info.name!r} has no default run; give it one with --run (or $NNEXPLAIN_RUN)")
        main = default_run(info.recipe)
    main_run = _checked(info, main, check_suits=True)
    runs = {}
    for spec in info.further:
        where = further.get(spec.role) or default_run(spec.recipe)
        run = _checked(info, where, check_suits=False)
        reason = layer_kinds_refusal(run.manifest, spec.layer_kinds) or spec.check(run.manifest, main_run.manifest)
        if reason:
            raise RunError(f"scene {info.name!r} cannot use {where} as its {spec.role} run: it {reason}")
        runs[spec.role] = run
    return SceneRuns(main_run, runs)


def prepare_runs(info: SceneInfo, runs: SceneRuns) -> SceneRuns:
    """``runs`` with what scene ``info`` reads stored in them: its main run's loss landscape, when it reads one
    (computed once and kept in the run, so the scene only reads it). Call it after :func:`resolve_runs` has
    checked every run, and before drawing."""
    if not info.needs_landscape:
        return runs
    return SceneRuns(ensure_landscape(runs.main), runs.further)


def runs_from_environment(info: SceneInfo, default_run: DefaultRun = ensure_default_run) -> SceneRuns:
    """For plain manim: ``$NNEXPLAIN_RUN`` is the main run and ``$NNEXPLAIN_<ROLE>_RUN`` each further
    run (``$NNEXPLAIN_LINEAR_RUN`` for relu-sine's ``linear`` run), resolved, not yet prepared.
    The only reader of these variables."""
    main = os.environ.get("NNEXPLAIN_RUN")
    further = {
        spec.role: Path(os.environ[spec.environment_variable])
        for spec in info.further
        if os.environ.get(spec.environment_variable)
    }
    return resolve_runs(info, Path(main) if main else None, further, default_run)
