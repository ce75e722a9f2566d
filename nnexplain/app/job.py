"""One render as one value: which scene draws which runs, how, and where its parts render.

A :class:`RenderJob` goes whole through :func:`~nnexplain.app.render.render_scene`, the split
render (:mod:`nnexplain.app.split`), the Ray backend (:mod:`nnexplain.app.ray_backend`) and the
render cache's key (:func:`~nnexplain.app.render_cache.scene_key`), so a setting added here
reaches every process that draws a part. It pickles: parts render in spawned processes and in
Ray tasks. The render cache and the callback that prints notes are not part of it: they stay
with the process that asked for the render.

    job = RenderJob(get_scene("neurons"), runs, RenderOptions(quality="medium"), jobs=4)
    render_scene(job, "renders")
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from nnexplain.app.catalog import SceneInfo
from nnexplain.app.options import RenderOptions
from nnexplain.scenes.base.runs import SceneRuns

__all__ = ["RenderJob", "BACKENDS", "keep_typeset_text", "speaker_for"]

BACKENDS = ("local", "ray")


@dataclass(frozen=True)
class RenderJob:
    info: SceneInfo
    runs: SceneRuns  # resolved and prepared (nnexplain.app.runs)
    options: RenderOptions
    scene_class: type | None = None  # None: the catalog's class for ``info``; else your own (sub)class
    jobs: int = 1  # ranges of the scene's animations rendered at once, then joined
    backend: str = "local"  # where those ranges render: "local" processes or "ray"
    address: str | None = None  # the Ray cluster to join; None starts a local one

    # How the work is spread, not what is drawn: the render cache's key leaves these out
    # (a setting that changes pixels, such as a narration voice, must not be listed here).
    NOT_DRAWN = ("jobs", "backend", "address")

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend {self.backend!r} is not one of {BACKENDS}")
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {self.jobs}")

    def speaker(self):
        """Who says the narration, when it is voiced (None otherwise)."""
        return speaker_for(self.options)

    def bind(self, scene, runs: SceneRuns | None = None):
        """Hand ``scene`` its runs (``runs``, else the job's), its narration mode and speaker."""
        keep_typeset_text()
        return scene.bind(runs or self.runs, narration=self.options.narration, speaker=self.speaker())

    def load_class(self) -> type:
        """The scene class to build: your own when given, else the catalog's."""
        return self.scene_class or self.info.load_class()

    def with_runs(self, runs: SceneRuns) -> RenderJob:
        """The same job drawing ``runs`` (a Ray worker's unpacked copies of them)."""
        return replace(self, runs=runs)


def keep_typeset_text() -> None:
    """Labels typeset in this process are kept in ``$NNEXPLAIN_TYPESET``, else CACHE/typeset, and read from there
    by the next process (see :mod:`nnexplain.mobjects.typeset_cache`)."""
    import os
    from pathlib import Path

    from nnexplain.app.cache import cache_dir
    from nnexplain.mobjects.typeset_cache import keep_typeset_in

    keep_typeset_in(Path(os.environ.get("NNEXPLAIN_TYPESET") or cache_dir() / "typeset"))


def speaker_for(options: RenderOptions):
    """The speaker of ``options``' narration when it is voiced, else None; speech is kept in CACHE/speech."""
    if options.narration != "voice":
        return None
    from nnexplain.app.cache import cache_dir
    from nnexplain.speech.speaker import Speaker

    return Speaker(options.voice, cache_dir() / "speech")
