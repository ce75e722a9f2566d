"""``nnexplain bench``'s render figures: each quality planned at its own frame rate, with CPU time beside wall-clock.

Run times depend on the frame rate (a still wait lasts whole frames), so a slice planned at 15 fps is
not the same slice at 60 fps: the split machinery refuses it (NotDeterministic), as it should. The
bench once planned every quality at the low one and failed so on scenes with waits.
"""

import pytest
from conftest import DATA
from frames import scene_runs
from small_scene import Sampler

from nnexplain.app import bench
from nnexplain.app.job import RenderJob
from nnexplain.app.options import RenderOptions
from nnexplain.app.split import NotDeterministic, plan_scene, render_part

SMALL = {"low": RenderOptions(resolution=(64, 36), fps=15), "high": RenderOptions(resolution=(64, 36), fps=60)}


class WaitingSampler(Sampler):
    """The sampler with a still wait of a length that is whole frames at neither rate."""

    def construct(self):
        super().construct()
        self.wait(0.71)


def _job(options: RenderOptions) -> RenderJob:
    from nnexplain.app.catalog import scene_info_of

    info = scene_info_of(WaitingSampler)
    return RenderJob(info, scene_runs(WaitingSampler, DATA / "square-relu-3"), options, scene_class=WaitingSampler)


def test_a_plan_made_at_another_frame_rate_is_refused(tmp_path):
    """The premise: planned at 15 fps, the scene's slice cannot be rendered at 60 fps."""
    plan = plan_scene(_job(SMALL["low"]), tmp_path / "plan")
    with pytest.raises(NotDeterministic):
        render_part(_job(SMALL["high"]), plan, (plan.count - 1, plan.count), tmp_path / "m", tmp_path / "p")


def test_scene_figures_plan_each_quality_at_its_own_rate(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "QUALITY", SMALL)
    monkeypatch.setattr(bench, "_scene_job", lambda name, options, default_run: _job(options))
    figures, floors = bench.scene_figures(["waiting"], 1, {"low": 1.0, "high": 0.5}, default_run=None)
    for quality in SMALL:
        drawn = figures["waiting"][quality]
        assert drawn["median"] > 0 and drawn["cpu"]["median"] > 0 and drawn["video_seconds"] > 0
        assert floors[quality]["median"] > 0 and floors[quality]["cpu"]["median"] > 0
