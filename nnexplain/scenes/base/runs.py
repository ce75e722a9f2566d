"""What a scene is handed to draw: its main run and the further runs it reads, by role.

The application floor (:mod:`nnexplain.app.runs`) finds, trains where missing, loads
and checks every run a scene needs, once, and hands the scene one :class:`SceneRuns`
(:meth:`~nnexplain.scenes.base.run_scene.RunSceneMixin.bind`). Scenes only read it.
This module imports no manim, so the application can build one cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from nnexplain.data.own_digit import PreparedDigit
from nnexplain.errors import RunError
from nnexplain.run import Run
from nnexplain.run.extra_probe import RunWithExtraProbe

__all__ = ["SceneRuns"]


@dataclass(frozen=True)
class SceneRuns:
    main: Run
    further: Mapping[str, Run] = field(default_factory=dict)  # role (e.g. "linear") -> run
    # The user's own digit (``render --input``), the last item of ``main.probe``; None when not given.
    own_digit: PreparedDigit | None = None
    own_label: int | None = None  # which digit the user says it is (``--label``); None when not said

    def with_own_digit(self, digit: PreparedDigit, label: int | None = None) -> SceneRuns:
        """These runs, the main one seen with ``digit`` appended to its probe (its activations from the
        run's weights, as for any probe item); the scene then reads it at :attr:`own_index`."""
        labels = None if label is None else np.array([label])
        main = RunWithExtraProbe(
            self.main.path, self.main.manifest, extra_inputs=digit.pixels.reshape(1, -1), extra_labels=labels
        )
        return SceneRuns(main, self.further, digit, label)

    @property
    def recorded_main(self) -> Run:
        """The main run as recorded, without the user's digit: for picking among the run's own probe items."""
        return self.main.recorded if isinstance(self.main, RunWithExtraProbe) else self.main

    @property
    def own_index(self) -> int | None:
        """Where the user's own digit is in ``main.probe``; None when the scene draws only the run's probe."""
        return None if self.own_digit is None else len(self.main.probe["inputs"]) - 1

    def __getitem__(self, role: str) -> Run:
        """The further run of ``role``."""
        try:
            return self.further[role]
        except KeyError:
            given = ", ".join(self.further) or "none"
            raise RunError(f"this scene was given no {role!r} run (further runs given: {given})") from None
