"""One scene rendered by several processes (or a Ray cluster), joined, and reused from the render cache.

The oracle is a plain single-process render of the same scene, runs and options:
every decoded frame must be equal to it, with zero tolerance.
"""

import os
from pathlib import Path

import av
import numpy as np
import pytest
from conftest import DATA, ahead_on_path, run_cli
from fixture_runs import default_fixtures
from frames import scene_runs
from scene_state import first_difference, states_after_each_animation
from small_scene import Sampler
from test_cli import assert_user_error

from nnexplain.app import render as render_module
from nnexplain.app.catalog import SCENES, get_scene
from nnexplain.app.options import RenderOptions
from nnexplain.app.render import RenderJob, render_scene
from nnexplain.app.render_cache import RenderCache
from nnexplain.scenes import RunScene

# Frames are compared at 256×144: at 160 pixels wide x264 (SIMD, one thread) encodes the very same
# frames differently from run to run, one time in ten, so equal videos could not be asked for there.
SMALL = RenderOptions(resolution=(256, 144), fps=3)


def _runs(scene: str, run_dir: Path | None = None):
    """The fixtures standing in for the scene's default runs (tests/fixture_runs.py), or ``run_dir`` as its main run."""
    fixtures = default_fixtures(scene)
    return scene_runs(get_scene(scene).load_class(), run_dir or fixtures.main, **fixtures.further)


@pytest.mark.parametrize("scene", SCENES)
def test_skipping_to_any_animation_leaves_the_scene_as_drawing_it_does(tmp_path, scene, default_runs):
    """The premise of a split render: after every animation, skipped or drawn, the same picture is set up."""
    scene_class = get_scene(scene).load_class()
    runs = _runs(scene, default_runs(scene).main)
    drawn = states_after_each_animation(scene_class, runs, tmp_path / "drawn", skip=False)
    skipped = states_after_each_animation(scene_class, runs, tmp_path / "skipped", skip=True)
    assert len(drawn) > 5
    assert first_difference(drawn, skipped) is None, first_difference(drawn, skipped)


def test_skipping_leaves_the_small_scene_as_drawing_it_does(tmp_path):
    """The short scene the machinery tests below use (tests/small_scene.py) keeps the premise too."""
    runs = scene_runs(Sampler, DATA / "square-relu-3")
    drawn = states_after_each_animation(Sampler, runs, tmp_path / "drawn", skip=False)
    skipped = states_after_each_animation(Sampler, runs, tmp_path / "skipped", skip=True)
    assert len(drawn) == 11  # 7 plays and 4 waits for a line to be read
    assert first_difference(drawn, skipped) is None, first_difference(drawn, skipped)


def _sampler():
    """The short scene's catalog entry and runs: for tests of splitting and caching, which hold for any scene."""
    from nnexplain.app.catalog import scene_info_of

    return scene_info_of(Sampler), scene_runs(Sampler, DATA / "square-relu-3")


def _job(info, runs, options, **kwargs) -> RenderJob:
    return RenderJob(info, runs, options, scene_class=Sampler, **kwargs)


def test_the_state_check_can_fail(tmp_path):
    """A label moved a step per frame, not to where the animation says, ends elsewhere when skipped."""
    runs = scene_runs(Creeping, DATA / "square-relu-3")
    drawn = states_after_each_animation(Creeping, runs, tmp_path / "d", skip=False)
    skipped = states_after_each_animation(Creeping, runs, tmp_path / "s", skip=True)
    assert (first_difference(drawn, skipped) or "").startswith(
        "after animation 0, Text #0 > VMobjectFromSVGPath: points differ"
    )


class Creeping(RunScene):
    """A label that creeps right by a fixed step each time the animation updates it."""

    def construct(self):
        from manim import RIGHT, Text, UpdateFromAlphaFunc

        label = Text("creep", font_size=30)
        self.add(label)
        self.beat("creep")
        self.play(UpdateFromAlphaFunc(label, lambda mobject, alpha: mobject.shift(0.05 * RIGHT)), run_time=1)
        self.play(UpdateFromAlphaFunc(label, lambda mobject, alpha: None), run_time=0.4)


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgba") for frame in container.decode(video=0)]


def _assert_same_frames(one: Path, other: Path) -> None:
    first, second = _frames(one), _frames(other)
    assert len(first) == len(second) > 0
    for index, (a, b) in enumerate(zip(first, second)):
        assert np.array_equal(a, b), f"{other.name}: frame {index} differs"


def test_a_split_render_has_exactly_the_frames_of_one_process(tmp_path):
    """lift, the scene whose camera moves in 3-D and whose last beat loops; every scene's premise is the state test
    above, and the machinery's the small scene's tests below (one real scene here: it costs three of its renders)."""
    scene = "lift"
    info, runs = get_scene(scene), _runs(scene)
    whole = render_scene(RenderJob(info, runs, SMALL), tmp_path / "whole")
    notes = []
    parts = render_scene(RenderJob(info, runs, SMALL, jobs=2), tmp_path / "split", note=notes.append)
    assert notes == []  # it really was split
    _assert_same_frames(whole.path, parts.path)


def test_sections_gif_and_transparent_webm_survive_the_split(tmp_path):
    info, runs = _sampler()
    for options in (
        RenderOptions(resolution=(256, 144), fps=3, sections=True),
        RenderOptions(resolution=(256, 144), fps=3, fmt="webm", transparent=True),
        RenderOptions(resolution=(256, 144), fps=3, fmt="gif"),
    ):
        whole = render_scene(_job(info, runs, options), tmp_path / f"whole-{options.fmt}")
        parts = render_scene(_job(info, runs, options, jobs=3), tmp_path / f"split-{options.fmt}")
        _assert_same_frames(whole.path, parts.path)
        assert [p.name for p in parts.sections] == [p.name for p in whole.sections]
        assert len(whole.sections) > 3 if options.sections else whole.sections == []
        for one, other in zip(whole.sections, parts.sections):
            _assert_same_frames(one, other)


class Fickle(RunScene):
    """A scene whose construct() differs from process to process: it must not be split."""

    def construct(self):
        from manim import RIGHT, Circle, Create, FadeOut

        circle = Circle()
        self.beat("one")
        self.play(Create(circle), run_time=0.4)
        self.beat("two")
        for _ in range(1 + os.getpid() % 3):  # another process, another count
            self.play(circle.animate.shift(0.1 * RIGHT), run_time=0.2)
        self.beat("three")
        self.play(FadeOut(circle), run_time=0.4)


def test_a_scene_that_is_not_the_same_in_every_process_is_not_split(tmp_path):
    from nnexplain.app.catalog import scene_info_of

    info = scene_info_of(Fickle)
    runs = scene_runs(Fickle, DATA / "square-relu-3")
    notes = []
    for attempt in range(3):  # the parts run in fresh processes: their pids rarely all agree with ours
        job = RenderJob(info, runs, SMALL, jobs=3, scene_class=Fickle)
        result = render_scene(job, tmp_path / f"out{attempt}", note=notes.append)
        assert result.path.is_file()
        if notes:
            break
    assert notes and notes[0].startswith("rendered in one process, not split:")


def test_a_rerender_with_nothing_changed_draws_nothing(tmp_path, monkeypatch):
    info, runs = _sampler()
    cache = RenderCache(tmp_path / "cache")
    first = render_scene(_job(info, runs, SMALL, jobs=2), tmp_path / "first", cache=cache)
    drawn = []
    real = render_module.render_parts
    monkeypatch.setattr(render_module, "render_parts", lambda *a, **k: drawn.extend(a[2]) or real(*a, **k))
    monkeypatch.setattr(render_module, "record_whole", lambda *a, **k: pytest.fail("rendered the whole scene again"))
    again = render_scene(_job(info, runs, SMALL, jobs=2), tmp_path / "again", cache=cache)
    assert first.path.read_bytes() == again.path.read_bytes()
    # The parts chain, whatever the split:
    single = render_scene(_job(info, runs, SMALL), tmp_path / "single", cache=cache)
    assert single.path.read_bytes() == first.path.read_bytes() and drawn == []


def test_other_options_or_runs_draw_again(tmp_path):
    cache = RenderCache(tmp_path / "cache")
    info, runs = _sampler()
    render_scene(_job(info, runs, SMALL), tmp_path / "a", cache=cache)
    render_scene(_job(info, runs, RenderOptions(resolution=(160, 90), fps=6)), tmp_path / "b", cache=cache)
    assert len(list((tmp_path / "cache").iterdir())) == 2  # one scene key each


def test_a_corrupt_cached_part_is_drawn_again_never_joined(tmp_path):
    info, runs = _sampler()
    cache = RenderCache(tmp_path / "cache")
    first = render_scene(_job(info, runs, SMALL, jobs=2), tmp_path / "first", cache=cache)
    victim = sorted((tmp_path / "cache").rglob("parts/*/*.mp4"))[3]
    corrupted = victim.read_bytes()[:-100] + bytes(100)  # same size, other bytes
    victim.write_bytes(corrupted)
    (final,) = (tmp_path / "cache").rglob("final/*.mp4")
    final.write_bytes(final.read_bytes()[:-1])  # the joined video is cut short too
    drawn = []
    real = render_module.render_parts
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render_module, "render_parts", lambda *a, **k: drawn.extend(a[2]) or real(*a, **k))
        again = render_scene(_job(info, runs, SMALL, jobs=2), tmp_path / "again", cache=cache)
    _assert_same_frames(first.path, again.path)
    assert len(drawn) == 1  # only the part with the bad file
    assert victim.read_bytes() != corrupted  # drawn again and filed anew


def test_the_cache_keeps_under_its_cap_by_dropping_the_oldest(tmp_path):
    cache = RenderCache(tmp_path / "cache", cap_mb=0)
    info, runs = _sampler()
    render_scene(_job(info, runs, SMALL), tmp_path / "a", cache=cache)
    assert list((tmp_path / "cache").rglob("part.json")) == []  # nothing fits in 0 MB


def test_no_cache_leaves_no_cache(tmp_path):
    result = run_cli(
        "render",
        "relu-square",
        "--run",
        DATA / "square-relu-3",
        "--resolution",
        "160x90",
        "--fps",
        "5",
        "--no-cache",
        "--out",
        tmp_path / "out",
        env={"NNEXPLAIN_CACHE": str(tmp_path / "cache")},
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "cache" / "renders").exists()


def test_ray_without_the_extra_says_how_to_install(tmp_path):
    blocker = tmp_path / "block" / "ray"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('not installed')")
    result = run_cli(
        "render",
        "relu-square",
        "--run",
        DATA / "square-relu-3",
        "--backend",
        "ray",
        "--out",
        tmp_path / "out",
        env=ahead_on_path(blocker.parent),
    )
    assert_user_error(result, "--backend ray needs the optional extra: pip install 'nnexplain[ray]'")


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'nnexplain[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def test_a_real_local_ray_cluster_renders_the_same_video(tmp_path, ray_cluster):
    assert ray_cluster.cluster_resources()["CPU"] == 2
    info, runs = get_scene("relu-square"), _runs("relu-square")
    local = render_scene(RenderJob(info, runs, SMALL), tmp_path / "local")
    on_ray = render_scene(RenderJob(info, runs, SMALL, jobs=2, backend="ray"), tmp_path / "ray")
    _assert_same_frames(local.path, on_ray.path)
