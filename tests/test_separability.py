"""The best straight line's accuracy (geometry/separability.py) against an exhaustive search over lines."""

import itertools

import numpy as np
import pytest

from nnexplain.geometry.separability import best_line, best_line_accuracy
from nnexplain.geometry.warp import GridSpec, representations
from nnexplain.run import load_run


def exhaustive_best_line(points: np.ndarray, labels: np.ndarray) -> float:
    """The oracle: the order of the points' projections on a direction changes only where the direction is
    perpendicular to the difference of two points, so one direction just either side of each such angle
    meets every order there is; for each, every threshold between two projections is tried, one by one."""
    angles = [0.0]
    for i, j in itertools.combinations(range(len(points)), 2):
        dx, dy = points[j] - points[i]
        if dx or dy:
            critical = np.arctan2(dy, dx) + np.pi / 2
            angles += [critical - 1e-7, critical + 1e-7]
    best = 0
    for angle in angles:
        projections = points @ [np.cos(angle), np.sin(angle)]
        values = np.unique(projections)
        thresholds = np.array([values[0] - 1, *((values[1:] + values[:-1]) / 2)])
        agree = np.sum((projections[None] > thresholds[:, None]) == labels.astype(bool)[None], axis=1)
        best = max(best, int(agree.max()), len(points) - int(agree.min()))
    return best / len(points)


def run_layers(fixture: str, data_dir):
    run = load_run(data_dir / fixture)
    stages = representations(run.tensors(None), run.probe["inputs"], GridSpec.from_dataset(run.dataset))
    return [s.points for s in stages if s.stage in ("input", "act")], run.probe["labels"].astype(int)


@pytest.mark.parametrize("fixture", ["spiral", "spiral-relu"])
def test_the_best_line_matches_an_exhaustive_search_over_lines(fixture, data_dir):
    layers, labels = run_layers(fixture, data_dir)
    chosen = np.random.default_rng(0).choice(len(labels), 48, replace=False)
    for points in layers:
        found = best_line_accuracy(points[chosen], labels[chosen])
        assert found == pytest.approx(exhaustive_best_line(points[chosen], labels[chosen]), abs=1.5 / len(chosen))


def test_separable_and_hopeless_points():
    rng = np.random.default_rng(1)
    points = rng.normal(size=(200, 2))
    assert best_line_accuracy(points, points @ [1.0, -2.0] > 0.3) == 1.0
    ring = rng.normal(size=(400, 2))
    inside = np.linalg.norm(ring, axis=1) < 1.0
    assert best_line_accuracy(ring, inside) < 0.75  # a disk inside a ring: no line does well
    lifted = np.column_stack([ring, np.linalg.norm(ring, axis=1) ** 2])
    assert best_line_accuracy(lifted, inside) > 0.99  # in 3-D, a plane cuts the paraboloid at the circle


def test_the_trained_spiral_ends_separable_and_starts_not(data_dir):
    layers, labels = run_layers("spiral", data_dir)
    accuracies = [best_line_accuracy(points, labels) for points in layers]
    assert accuracies[0] < 0.8 and accuracies[-1] == 1.0


def test_the_line_drawn_scores_what_is_said(data_dir):
    """best_line's line, applied to the points by hand, puts the share it reports on their side."""
    from nnexplain.geometry.separability import best_line

    layers, labels = run_layers("spiral", data_dir)
    for points in layers:
        share, normal, offset = best_line(points, labels)
        side = points @ normal + offset > 0
        assert max(np.mean(side == labels), np.mean(side != labels)) == pytest.approx(share)
        assert share == best_line_accuracy(points, labels)


@pytest.mark.parametrize("seed", range(20))
def test_best_lines_normal_points_to_class_one(seed):
    """The side n·x + c > 0 is class 1's: counted there, the share equals the line's stated share, whichever way
    round the classes lie (fold tints each side by the class this says is on it)."""
    rng = np.random.default_rng(seed)
    points = rng.normal(size=(120, 2))
    direction = rng.normal(size=2)
    labels = (points @ direction + rng.normal(scale=0.5, size=120) > rng.normal()).astype(int)
    if seed % 2:
        labels = 1 - labels  # class 1 on the other side
    share, normal, offset = best_line(points, labels)
    assert np.mean((points @ normal + offset > 0) == (labels == 1)) == pytest.approx(share)
    assert share == pytest.approx(best_line_accuracy(points, labels), abs=1e-12)
