"""Scenes rendered by plain ``manim FILE Scene``, their runs named by environment variables.

manim constructs the scene itself, so nothing hands it its runs. Mix
:class:`FromEnvironment` in first, and ``setup()`` resolves them through
:func:`nnexplain.app.runs.runs_from_environment` (``$NNEXPLAIN_RUN``, then the
default runs, trained once) and prepares them (:func:`~nnexplain.app.runs.prepare_runs`)
before the scene's own set-up::

    from nnexplain.app.standalone import FromEnvironment
    from nnexplain.scenes.neurons import Neurons as NeuronsScene

    class Neurons(FromEnvironment, NeuronsScene):    # NNEXPLAIN_RUN=runs/mnist manim -ql this.py Neurons
        pass

The files in the repository's ``scenes/`` folder are exactly this, one per built-in scene.
"""

from __future__ import annotations

from nnexplain.app.catalog import scene_info_of
from nnexplain.app.runs import prepare_runs, runs_from_environment

__all__ = ["FromEnvironment"]


class FromEnvironment:
    def setup(self) -> None:
        if getattr(self, "runs", None) is None:
            info = scene_info_of(type(self))
            self.bind(prepare_runs(info, runs_from_environment(info)))
        super().setup()
