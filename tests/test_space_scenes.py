"""The space-folding scenes: which runs they accept, and their last frames."""

import numpy as np
import pytest
from conftest import run_cli
from frames import check_frame, render_last_frame, scene_runs

from nnexplain.app.catalog import check_run_suits, get_scene
from nnexplain.errors import RunError
from nnexplain.run import load_run


@pytest.mark.parametrize(
    "scene, fixture, reason",
    [
        ("fold", "mnist-sigmoid", "takes 784 inputs"),
        ("fold", "spiral-linear", "uses activation 'identity'"),
        ("linear-collapse", "spiral", "uses activation 'tanh'; the scene needs a purely linear network"),
        ("lift", "spiral", "is a 2-2-2-2-2-2 network; the scene needs three units in the first hidden layer"),
        ("lift", "circles-2", "is a 2-2-2 network"),
    ],
)
def test_scenes_refuse_runs_they_cannot_draw(scene, fixture, reason, data_dir):
    run_dir = data_dir / fixture
    with pytest.raises(RunError, match=f"scene '{scene}' cannot draw run {run_dir}: it {reason}"):
        check_run_suits(get_scene(scene), load_run(run_dir).manifest, str(run_dir))


@pytest.mark.parametrize(
    "scene, fixture",
    [
        ("fold", "spiral"),
        ("fold", "moons-relu"),
        ("fold", "spiral-sigmoid"),
        ("fold", "circles-3"),
        ("linear-collapse", "spiral-linear"),
        ("lift", "circles-3"),
    ],
)
def test_scenes_accept_their_runs(scene, fixture, data_dir):
    check_run_suits(get_scene(scene), load_run(data_dir / fixture).manifest, "here")


def test_a_run_without_recorded_warps_is_refused(data_dir):
    manifest = {**load_run(data_dir / "spiral").manifest}
    manifest["dataset"] = {k: v for k, v in manifest["dataset"].items() if k != "warp_grid"}
    with pytest.raises(RunError, match="it has no recorded warps"):
        check_run_suits(get_scene("fold"), manifest, "there")


def test_render_refuses_an_unsuited_run_in_one_line(data_dir, tmp_path):
    result = run_cli("render", "lift", "--run", data_dir / "spiral", "--format", "png", "--out", tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"nnexplain: error: scene 'lift' cannot draw run {data_dir / 'spiral'}: it is a 2-2-2-2-2-2 network; "
        "the scene needs three units in the first hidden layer (2-3-…, like circles-3)"
    ]


def test_lift_refuses_a_contrast_run_that_is_not_two_units(data_dir):
    from nnexplain.scenes.lift import Lift

    with pytest.raises(RunError, match="cannot use .*spiral as its contrast run: it is a 2-2-2-2-2-2 network"):
        scene_runs(Lift, data_dir / "circles-3", contrast=data_dir / "spiral")


@pytest.mark.graphical
@pytest.mark.parametrize(
    "fixture", ["moons-relu", "spiral-sigmoid"]
)  # spiral, the default: test_render_all_in_parallel
def test_fold_last_frame(fixture, data_dir, tmp_path, request):
    from nnexplain.scenes.fold import Fold

    frame = render_last_frame(Fold, data_dir / fixture, tmp_path)
    check_frame(f"fold-{fixture}", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failures")


def test_warp_moves_the_plane_along_the_motion_and_between_views():
    import numpy as np
    from manim import linear

    from nnexplain.geometry.warp import Projection
    from nnexplain.mobjects.plane import PlaneView, Warp, WarpedPlane
    from nnexplain.mobjects.style import Theme

    grid, points, labels = np.zeros((4, 5, 2)), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 1])
    near, far = (PlaneView(Projection.fit(points, 2), scale) for scale in (1.0, 3.0))
    theme = Theme(palette=("#112233", "#445566"))
    plane = WarpedPlane(grid, points, labels, near, theme)
    assert [dots.get_fill_color().to_hex().upper() for dots in plane.dots] == ["#112233", "#445566"]
    warp = Warp(plane, lambda t: (grid + t, points * (1 + t)), view=far, rate_func=linear)
    warp.begin()
    warp.interpolate(0.5)
    np.testing.assert_allclose(plane.points_state, points * 1.5)
    np.testing.assert_allclose(plane.scene_points[:, :2], points * 1.5 * 2.0)  # halfway from scale 1 to 3
    warp.finish()
    np.testing.assert_allclose(plane.scene_points[:, :2], points * 2 * 3.0)


def test_a_subclass_picks_another_snapshot(data_dir, tmp_path):
    from manim import tempconfig

    from nnexplain.scenes.fold import Fold

    run_dir = data_dir / "spiral"
    first = load_run(run_dir).epochs[0]
    scene_class = type("Fold", (Fold,), {"epoch": first, "step_seconds": 0.5})
    with tempconfig({"media_dir": str(tmp_path), "dry_run": True, "verbosity": "ERROR"}):
        scene = scene_class()
        scene.bind(scene_runs(Fold, run_dir))
        scene.setup()
    for (weight, _), (expected, _) in zip(scene.params, load_run(run_dir).params(first)):
        assert (weight == expected).all()
    assert scene.metrics == load_run(run_dir).snapshot(first)["metrics"]


def test_lift_keeps_the_data_filling_the_box_and_circles_the_plane_from_just_above_it(data_dir, tmp_path, monkeypatch):
    """At seven moments inside the shift and the last warps, and late in the stretch, the data span ≥ 30% of the box;
    the orbit ends seeing the separating plane from just above it (Lift.plane_angle from its normal), level on
    the screen, a class on each side."""
    from frames import render_for_test
    from midframes import sample_warps

    from nnexplain.geometry.boundary import decision_boundary
    from nnexplain.scenes.lift import Lift

    samples = sample_warps(monkeypatch)
    orbit_ends = []
    circle = Lift.circle_the_plane

    def noting_circle(scene):
        circle(scene)
        orbit_ends.append(scene.view)

    monkeypatch.setattr(Lift, "circle_the_plane", noting_circle)
    scene = render_for_test(Lift, data_dir / "circles-3", tmp_path, contrast=data_dir / "circles-2")
    assert {"linear", "shift", "activate"} <= {name for name, *_ in samples}
    fractions = [
        (name, alpha, np.ptp(view.normalised(state), axis=0).max() / (2 * view.half_size))
        for name, alpha, _, view, state in samples
    ]
    # Announced zooms ('view': a zoom out that makes room for W₁'s stretch, a zoom onto tanh's cube) and tanh's
    # squash (seen whole, with its cube) shrink the data on purpose; the stretch fills the box by its end, the shift
    # and the last turn round the plane throughout.
    kept = [f for f in fractions if f[0] == "shift" or (f[0] == "linear" and f[1] >= 0.7)] + fractions[-7:]
    assert [f for f in kept if f[2] < 0.3] == []

    normal, offset = decision_boundary(*scene.params[-1])
    unit = normal / np.linalg.norm(normal)
    (view,) = orbit_ends
    # Just above the plane: seen at about plane_angle from its normal (the perspective shifts it a few degrees).
    assert np.degrees(np.arccos(abs(view.camera_direction @ unit))) == pytest.approx(
        np.degrees(Lift.plane_angle), abs=10
    )
    up_on_screen = (view.rotation @ unit)[:2]
    assert abs(up_on_screen[0]) < 1e-6 * np.linalg.norm(up_on_screen)  # the normal points straight up or down
    heights = scene.steps[-1].motion(1.0)[1] @ normal + offset
    assert np.all(heights[scene.labels == 0] < 0) != np.all(heights[scene.labels == 0] > 0)  # the disk on one side
    assert np.all(
        np.sign(heights[scene.labels == 1]) == -np.sign(heights[scene.labels == 0][0])
    )  # the ring on the other


@pytest.mark.graphical
def test_lift_frame_inside_the_lift(data_dir, tmp_path, request):
    """Halfway through the 3 × 2 map: the plane tilting into space, the camera on its way round."""
    from midframes import render_frame_inside, warp_of

    from nnexplain.scenes.lift import Lift

    frame = render_frame_inside(
        Lift, data_dir / "circles-3", tmp_path, "step: linear", warp_of("linear"), contrast=data_dir / "circles-2"
    )
    check_frame("lift-inside-the-lift", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failures")
