"""The one place runs are found for scenes: the main run and every further run, checked once.

``nnexplain render`` (``--run DIR``, ``--with ROLE=DIR``), ``render all``, ``preview``,
``slides`` and plain ``manim`` (:func:`runs_from_environment`) all come through
:func:`resolve_runs`. A run not given is the scene's default run, trained once into
the cache when missing. Each run is loaded and checked against the scene, a scene that
reads a loss landscape gets its main run's stored first (:mod:`nnexplain.app.landscape`),
and the scene is handed one :class:`~nnexplain.scenes.base.runs.SceneRuns`. The files drawing
reads are read and checked here (checksums, arrays, finite weights), so a damaged run is one
line before rendering starts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Mapping

from nnexplain.app.cache import ensure_default_run
from nnexplain.app.catalog import SceneInfo, check_run_suits
from nnexplain.app.landscape import ensure_landscape
from nnexplain.errors import RunError
from nnexplain.run import load_run
from nnexplain.scenes.base.runs import SceneRuns

__all__ = ["resolve_runs", "runs_from_environment"]

DefaultRun = Callable[[str], Path]  # recipe -> its cached run, trained when missing


def resolve_runs(
    info: SceneInfo,
    main: Path | None = None,
    further: Mapping[str, Path] | None = None,
    default_run: DefaultRun = ensure_default_run,
) -> SceneRuns:
    """Load and check the runs scene ``info`` draws; what is not given is its default run."""
    further = dict(further or {})
    for role in further:
        info.further_run(role)  # refuses a role the scene does not read
    if main is None:
        if info.recipe is None:
            raise RunError(f"scene {info.name!r} has no default run; give it one with --run (or $NNEXPLAIN_RUN)")
        main = default_run(info.recipe)
    main_run = load_run(main)
    check_run_suits(info, main_run.manifest, str(main))
    main_run.check_drawable()
    if info.needs_landscape:  # computed and stored once, here, so the scene only reads it
        main_run = ensure_landscape(main_run)
    runs = {}
    for spec in info.further:
        where = further.get(spec.role) or default_run(spec.recipe)
        run = load_run(where)
        reason = spec.check(run.manifest, main_run.manifest)
        if reason:
            raise RunError(f"scene {info.name!r} cannot use {where} as its {spec.role} run: it {reason}")
        run.check_drawable()
        runs[spec.role] = run
    return SceneRuns(main_run, runs)


def runs_from_environment(info: SceneInfo, default_run: DefaultRun = ensure_default_run) -> SceneRuns:
    """For plain manim: ``$NNEXPLAIN_RUN`` is the main run and ``$NNEXPLAIN_<ROLE>_RUN`` each further
    run (``$NNEXPLAIN_LINEAR_RUN`` for relu-sine's ``linear`` run). The only reader of these variables."""
    main = os.environ.get("NNEXPLAIN_RUN")
    further = {spec.role: Path(os.environ[spec.environment_variable]) for spec in info.further if os.environ.get(spec.environment_variable)}
    return resolve_runs(info, Path(main) if main else None, further, default_run)
