"""Recorded warps, invertible matrix paths and layer motions: torch and fresh numpy are the answer keys."""

import numpy as np
import pytest
import torch
from conftest import torch_model
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnexplain.data.toy2d import load_toy2d
from nnexplain.geometry.boundary import clip_line, clip_plane, decision_boundary, split_square
from nnexplain.geometry.paths import MatrixPath, lift_matrix, polar
from nnexplain.geometry.steps import composite_map, network_steps
from nnexplain.geometry.warp import LayerMotion, Projection, Representation, nice_extent, representations
from nnexplain.run import load_run
from nnexplain.run.contents import GridSpec, grid_lines, layer_warps, warp_arrays
from nnexplain.train.recorder import Recorder

PLANE_RUNS = ["spiral", "spiral-sigmoid", "spiral-linear", "circles-2", "circles-3", "moons-relu"]
TORCH_ACTIVATIONS = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "identity": lambda z: z}


@pytest.mark.parametrize("fixture", PLANE_RUNS)
def test_stored_warps_are_the_models_intermediate_outputs(fixture, data_dir):
    run = load_run(data_dir / fixture)
    spec = GridSpec.from_dataset(run.dataset)
    grid = torch.from_numpy(grid_lines(spec).reshape(-1, 2).astype(np.float32))
    activation = TORCH_ACTIVATIONS[run.activation]
    for epoch in run.epochs:
        stored, model = run.tensors(epoch), torch_model(run, epoch)
        a = grid
        with torch.no_grad():
            for index, linear in enumerate(model.linears):
                z = linear(a)
                np.testing.assert_allclose(
                    stored[f"warp.pre.{index}"].reshape(-1, z.shape[1]), z.numpy(), rtol=1e-4, atol=1e-5
                )
                a = activation(z)
                hidden = index < len(model.linears) - 1
                if hidden and run.activation != "identity":
                    np.testing.assert_allclose(
                        stored[f"warp.act.{index}"].reshape(-1, z.shape[1]), a.numpy(), rtol=1e-4, atol=1e-5
                    )
                else:
                    assert f"warp.act.{index}" not in stored  # softmax, or an identity that would repeat pre
        assert stored["warp.pre.0"].dtype == np.float32
        assert stored["warp.pre.0"].shape == (2 * spec.lines, spec.points, run.layers[1])


def test_identity_layer_leaves_the_grid_in_place():
    spec = GridSpec((-1.5, 2.0, -1.0, 0.5), 21, 200)
    identity = [(np.eye(2), np.zeros(2)), (np.eye(2), np.zeros(2))]
    warps = layer_warps(identity, "identity", spec)
    np.testing.assert_array_equal(warps["warp.pre.0"], grid_lines(spec).astype(np.float32))
    start = Representation("input", -1, grid_lines(spec), np.zeros((3, 2)))
    motion = LayerMotion(start, np.eye(2), np.zeros(2), "identity")
    for t in (0.0, 0.3, 1.0):
        np.testing.assert_allclose(motion.linear(t)[0], start.grid)
        np.testing.assert_allclose(motion.shift(t)[0], start.grid)


def test_the_grid_covers_its_bounds_densely():
    spec = GridSpec((-1.0, 3.0, -2.0, 2.0), 21, 200)
    grid = grid_lines(spec)
    assert grid.shape == (42, 200, 2)
    np.testing.assert_allclose(grid[:21, :, 0].min(), -1.0)
    np.testing.assert_allclose(grid[:21, 0, 0], np.linspace(-1, 3, 21))  # vertical lines at fixed x
    np.testing.assert_allclose(grid[21:, 0, 1], np.linspace(-2, 2, 21))  # horizontal lines at fixed y


def test_contributor_applies_to_2d_runs_with_a_grid_only(data_dir):
    run = load_run(data_dir / "spiral")
    assert warp_arrays(run.params(), run.manifest)
    no_grid = {**run.manifest, "dataset": {"name": "custom", "task": "classify"}}
    assert warp_arrays(run.params(), no_grid) == {}
    mnist = load_run(data_dir / "mnist-sigmoid")
    assert warp_arrays(mnist.params(), mnist.manifest) == {}
    assert not any(key.startswith("warp.") for key in mnist.tensors())


def test_a_run_recorded_from_a_users_loop_gets_the_same_warps(tmp_path, data_dir):
    trained = load_run(data_dir / "circles-3")
    model = torch_model(trained, None)
    data = load_toy2d("circles")
    recorder = Recorder(
        model, tmp_path / "mine", probe=(data.x_val[:16], data.y_val[:16]), activation="tanh", dataset=data.describe()
    )
    recorder.snapshot(epoch=0)
    recorder.finish()
    mine, theirs = load_run(tmp_path / "mine").tensors(), trained.tensors()
    # The fixture was recorded on another machine: the float64 forward pass (BLAS, numpy's SIMD tanh) may differ
    # there in its last bits, which can round to the neighbouring float32. Within a float32 rounding, or a float64
    # one near zero, where the affine maps cancel.
    for key in ("warp.pre.0", "warp.act.0", "warp.pre.1"):
        np.testing.assert_allclose(mine[key], theirs[key], rtol=np.finfo(np.float32).eps, atol=1e-12)


def test_linear_layers_keep_grid_lines_straight_parallel_and_evenly_spaced(data_dir):
    run = load_run(data_dir / "spiral-linear")
    spec = GridSpec.from_dataset(run.dataset)
    for index in range(len(run.layers) - 1):
        grid = run.tensors()[f"warp.pre.{index}"].astype(np.float64)
        for family in (grid[: spec.lines], grid[spec.lines :]):
            direction = family[:, -1] - family[:, 0]
            unit = direction / np.linalg.norm(direction, axis=1, keepdims=True)
            np.testing.assert_allclose(unit, np.broadcast_to(unit[0], unit.shape), atol=1e-4)  # parallel
            offsets = family - family[:, :1]
            cross = offsets[..., 0] * unit[:, None, 1] - offsets[..., 1] * unit[:, None, 0]
            assert np.abs(cross).max() < 1e-4 * np.abs(family).max()  # straight
            gaps = np.diff(family[:, 0], axis=0)
            np.testing.assert_allclose(gaps, np.broadcast_to(gaps[0], gaps.shape), atol=1e-4)  # evenly spaced


def test_a_tanh_layer_bends_grid_lines(data_dir):
    """The straightness check above can fail: a tanh layer's lines are curved."""
    run = load_run(data_dir / "spiral")
    line = run.tensors()["warp.act.0"].astype(np.float64)[3]
    chord = (line[-1] - line[0]) / np.linalg.norm(line[-1] - line[0])
    offsets = line - line[0]
    assert np.abs(offsets[:, 0] * chord[1] - offsets[:, 1] * chord[0]).max() > 1e-2


def test_composite_map_is_the_whole_linear_network(data_dir):
    run = load_run(data_dir / "spiral-linear")
    weight, bias = composite_map(run.params())
    inputs = run.probe["inputs"]
    with torch.no_grad():
        logits = torch_model(run, None)(torch.from_numpy(inputs)).numpy()
    np.testing.assert_allclose(inputs @ weight.T + bias, logits, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("fixture", ["spiral", "moons-relu", "circles-2"])
def test_each_layers_steps_end_on_the_recorded_representations(fixture, data_dir):
    run = load_run(data_dir / fixture)
    stages = representations(run.tensors(), run.probe["inputs"], GridSpec.from_dataset(run.dataset))
    steps = network_steps(stages, run.params(), run.activation)
    recorded = {(s.layer, s.stage): s for s in stages}
    for step in steps:
        grid, points = step.motion(1.0)
        stage = {"shift": "pre", "activate": "act"}.get(step.kind)
        if stage:
            np.testing.assert_allclose(grid, recorded[(step.layer, stage)].grid, rtol=1e-4, atol=1e-4)
            np.testing.assert_allclose(points, recorded[(step.layer, stage)].points, rtol=1e-4, atol=1e-4)
        assert step.extent >= np.abs(step.projection(grid)).max()


def test_the_last_hidden_representation_is_split_by_the_output_line(data_dir):
    run = load_run(data_dir / "spiral")
    hidden, labels = run.tensors()[f"act.{len(run.layers) - 3}"], run.probe["labels"]
    normal, offset = decision_boundary(*run.params()[-1])
    side = (hidden @ normal + offset > 0).astype(int)
    assert np.mean(side == labels) == pytest.approx(run.final_metrics["val_acc"])


# --- invertible paths -------------------------------------------------------------------------------


def _invertible(size: int):
    entries = arrays(np.float64, (size, size), elements=st.floats(-4, 4, allow_nan=False, allow_subnormal=False))
    return entries.filter(lambda w: abs(np.linalg.det(w)) > 1e-2 and np.linalg.cond(w) < 1e3)


def _check_path(weight: np.ndarray) -> None:
    path = MatrixPath(weight)
    sign = np.sign(np.linalg.det(weight))
    dets = np.array([np.linalg.det(path.at(t)) for t in np.linspace(0, 1, 257)])
    assert np.all(np.sign(dets) == sign), "the determinant changed sign, so it passed through 0"
    # Bounded away from 0: no smaller than the smaller of the two ends' singular-value products allow.
    floor = min(1.0, np.prod(np.linalg.svd(weight, compute_uv=False)))
    assert np.abs(dets).min() >= 0.99 * floor
    np.testing.assert_allclose(path.at(1.0), weight, atol=1e-9)
    np.testing.assert_allclose(path.at(0.0), np.eye(len(weight)) if sign > 0 else path.mirror, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(_invertible(2))
def test_path_determinant_never_reaches_zero_2d(weight):
    _check_path(weight)


@settings(max_examples=100, deadline=None)
@given(_invertible(3))
def test_path_determinant_never_reaches_zero_3d(weight):
    _check_path(weight)


@pytest.mark.parametrize(
    "weight",
    [
        -np.eye(2),
        np.diag([1.0, -1.0]),
        np.array([[0.0, 1.0], [1.0, 0.0]]),
        np.diag([-1.0, -1.0, 1.0]),
        -np.eye(3),
        np.array([[0.0, 1.0, 1e-6], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),  # hypothesis: a mirror a hair off a half turn
    ],
)
def test_path_handles_half_turns_and_mirrors(weight):
    _check_path(weight)


def test_the_straight_blend_can_collapse():
    """Why the path exists: (1 − t)I + tW is singular at t = 1/2 for a half turn."""
    weight = -np.eye(2)
    assert np.linalg.det(0.5 * np.eye(2) + 0.5 * weight) == 0


def test_polar_decomposition():
    rng = np.random.default_rng(1)
    weight = rng.normal(size=(3, 3))
    rotation, stretch = polar(weight)
    np.testing.assert_allclose(rotation @ stretch, weight, atol=1e-12)
    np.testing.assert_allclose(rotation @ rotation.T, np.eye(3), atol=1e-12)
    assert np.all(np.linalg.eigvalsh(stretch) > 0)


def test_singular_weights_are_refused():
    with pytest.raises(ValueError, match="singular"):
        MatrixPath(np.array([[1.0, 2.0], [2.0, 4.0]]))


def test_lift_matrix_is_invertible_and_acts_as_the_weight_on_the_plane():
    weight = np.array([[4.8, 2.1], [1.3, -5.3], [1.5, -0.7]])
    lifted = lift_matrix(weight)
    assert np.linalg.det(lifted) > 0
    points = np.random.default_rng(2).normal(size=(10, 2))
    np.testing.assert_allclose(np.pad(points, ((0, 0), (0, 1))) @ lifted.T, points @ weight.T, atol=1e-12)


def test_two_units_feeding_three_ride_the_lifted_path():
    start = Representation("input", -1, np.zeros((2, 4, 2)), np.array([[1.0, 2.0]]))
    weight = np.array([[1.0, 0.5], [0.0, 1.0], [2.0, -1.0]])
    motion = LayerMotion(start, weight, np.zeros(3), "tanh")
    assert motion.lifted and not motion.mirrors
    np.testing.assert_allclose(motion.linear(1.0)[1], [[2.0, 2.0, 0.0]], atol=1e-12)
    np.testing.assert_allclose(motion.linear(0.0)[1], [[1.0, 2.0, 0.0]], atol=1e-12)


# --- projections and boundaries ---------------------------------------------------------------------


def test_projection_is_pca_for_wide_representations_only():
    rng = np.random.default_rng(3)
    data = rng.normal(size=(200, 5)) * [5.0, 3.0, 0.1, 0.1, 0.1]
    wide = Projection.fit(data, 2)
    assert wide.is_projection
    np.testing.assert_allclose(wide.basis.T @ wide.basis, np.eye(2), atol=1e-12)
    assert np.abs(wide.basis[:2]).sum() > 1.9  # the two wide directions
    narrow = Projection.fit(data[:, :2], 3)
    assert not narrow.is_projection
    np.testing.assert_allclose(narrow(data[:3, :2]), np.pad(data[:3, :2], ((0, 0), (0, 1))))


def test_three_units_are_drawn_in_3d_or_through_a_labelled_projection_in_2d(data_dir):
    run = load_run(data_dir / "circles-3")
    stages = representations(run.tensors(), run.probe["inputs"], GridSpec.from_dataset(run.dataset))
    flat = network_steps(stages, run.params(), run.activation, dims=2)
    assert [s.kind for s in flat] == ["linear", "shift", "activate"]
    assert all(step.projection.is_projection for step in flat)
    assert not any(
        step.projection.is_projection for step in network_steps(stages, run.params(), run.activation, dims=3)
    )
    assert flat[0].layer_motion.lifted


def test_boundary_clipping():
    normal, offset = np.array([1.0, -1.0]), 0.0  # the diagonal y = x
    np.testing.assert_allclose(sorted(map(tuple, clip_line(normal, offset, 2.0))), [(-2, -2), (2, 2)])
    below, above = split_square(normal, offset, 2.0)
    assert len(below) == 3 and len(above) == 3
    assert clip_line(normal, 10.0, 2.0) is None
    polygon = clip_plane(np.array([0.0, 0.0, 1.0]), -0.5, 1.0)
    assert len(polygon) == 4 and np.allclose(polygon[:, 2], 0.5)


def test_nice_extent():
    assert [nice_extent(v) for v in (0.9, 1.0, 1.2, 2.7, 7.0, 11.0)] == [1.0, 1.0, 1.5, 3.0, 8.0, 15.0]


def test_a_mirror_is_a_continuous_half_turn_through_3d(data_dir):
    """The turn over starts at the layer's input and ends exactly on the mirror image where the matrix path
    starts; in between it is a real rotation of the plane about its first axis, seen in perspective (the
    oracle: a 3-D rotation matrix and a pinhole camera written out here), and no frame jumps."""
    run = load_run(data_dir / "spiral")
    stages = representations(run.tensors(None), run.probe["inputs"], GridSpec.from_dataset(run.dataset))
    mirror = next(s for s in network_steps(stages, run.params(None), run.activation) if s.kind == "mirror")
    motion = mirror.layer_motion
    grid, points = motion.unmoved()
    for start, end, x in zip(mirror.motion(0.0), mirror.motion(1.0), (grid, points)):
        np.testing.assert_allclose(start, x, atol=1e-12)
        np.testing.assert_allclose(end, x * [1, -1], atol=1e-12)
    np.testing.assert_allclose(mirror.motion(1.0)[1], motion.linear(0.0)[1], atol=1e-12)

    centre, distance = motion.turn_centre, motion.turn_depth
    assert centre[1] == 0 and distance > 0
    for t in (0.25, 0.5, 0.8):
        angle = np.pi * t
        rotation = np.array([[1, 0, 0], [0, np.cos(angle), -np.sin(angle)], [0, np.sin(angle), np.cos(angle)]])
        space = np.column_stack([points, np.zeros(len(points))]) @ rotation.T
        seen = centre + (space[:, :2] - centre) * (distance / (distance - space[:, 2]))[:, None]
        np.testing.assert_allclose(mirror.motion(t)[1], seen, atol=1e-9)
    halfway = mirror.motion(0.5)[1]
    assert np.ptp(halfway[:, 1]) < 0.5 * np.ptp(points[:, 1])  # edge-on, nearly a line
    reach = np.abs(points).max()
    frames = [mirror.motion(t)[1] for t in np.linspace(0, 1, 37)]
    assert max(np.abs(b - a).max() for a, b in zip(frames, frames[1:])) < 0.2 * reach
