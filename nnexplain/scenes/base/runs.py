"""What a scene is handed to draw: its main run and the further runs it reads, by role.

The application floor (:mod:`nnexplain.app.runs`) finds, trains where missing, loads
and checks every run a scene needs, once, and hands the scene one :class:`SceneRuns`
(:meth:`~nnexplain.scenes.base.run_scene.RunSceneMixin.bind`). Scenes only read it.
This module imports no manim, so the application can build one cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from nnexplain.errors import RunError
from nnexplain.run import Run

__all__ = ["SceneRuns"]


@dataclass(frozen=True)
class SceneRuns:
    main: Run
    further: Mapping[str, Run] = field(default_factory=dict)  # role (e.g. "linear") -> run

    def __getitem__(self, role: str) -> Run:
        """The further run of ``role``."""
        try:
            return self.further[role]
        except KeyError:
            given = ", ".join(self.further) or "none"
            raise RunError(f"this scene was given no {role!r} run (further runs given: {given})") from None
