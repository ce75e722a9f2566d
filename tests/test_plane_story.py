"""fold and linear-collapse: the view follows the data, the run's defects are found and said, frames inside steps."""

import numpy as np
import pytest
import torch
from conftest import DATA, torch_model
from fixture_runs import default_fixtures
from frames import check_frame, scene_runs
from midframes import render_frame_inside, sample_warps, warp_of

from nnexplain.geometry.findings import dead_units, kept_variance, largest_pile, misclassified
from nnexplain.geometry.framing import bounding_fraction, follow, nice_length
from nnexplain.run import load_run

PLANE_SCENES = [
    ("fold", "spiral"),
    ("fold", "moons-relu"),
    ("fold", "spiral-sigmoid"),
    ("fold", "spiral-relu"),
    ("fold", "circles-3"),
    ("linear-collapse", "spiral-linear"),
]


def _scene_class(name):
    from nnexplain.scenes.fold import Fold
    from nnexplain.scenes.linear_collapse import LinearCollapse

    return {"fold": Fold, "linear-collapse": LinearCollapse}[name]


def _further(scene_class) -> dict:
    """The further runs a scene reads, as fixtures (linear-collapse ends with a tanh net of its shape, and both
    trained from three seeds)."""
    return default_fixtures("linear-collapse").further if scene_class.scene_name == "linear-collapse" else {}


def _setup(scene_class, run_dir, tmp_path):
    from manim import tempconfig

    with tempconfig({"media_dir": str(tmp_path), "verbosity": "ERROR"}):
        scene = scene_class()
        scene.bind(scene_runs(scene_class, run_dir, **_further(scene_class)))
        scene.setup()
    return scene


@pytest.mark.parametrize("scene_name, fixture", PLANE_SCENES)
def test_the_data_fill_the_panel_inside_every_step(scene_name, fixture, tmp_path, monkeypatch):
    """At seven moments inside every warp the scene plays, the data span ≥ 40% of the panel's side (those at a
    fixed zoom: at one end, and never under 10%)."""
    from frames import render_for_test

    samples = sample_warps(monkeypatch)
    scene_class = _scene_class(scene_name)
    scene = render_for_test(scene_class, DATA / fixture, tmp_path, **_further(scene_class))
    side = 2 * scene.panel_half_size
    kinds = {name for name, *_ in samples}
    assert {"linear", "shift"} <= kinds and len(samples) >= 7 * 6
    # A shift or a squash plays at a fixed zoom (the points move; they shrink into the activation's square),
    # and the zoom changes before and after it ("view"); so does every step undone at the end ("undo": one motion
    # at a time): there the data fill 40% at one end, never under 10%.
    fixed = {"shift", "activate", "view", "undo"}
    warps = [samples[i : i + 7] for i in range(0, len(samples), 7)]
    fractions = [(warp[0][0], [bounding_fraction(points[:, :2], side) for _, _, points, *_ in warp]) for warp in warps]
    too_small = [
        (name, [round(f, 3) for f in values])
        for name, values in fractions
        if (min(values) < 0.4 if name not in fixed else max(values) < 0.4 or min(values) < 0.1)
    ]
    assert too_small == []


def test_a_view_fixed_for_a_whole_step_fails_the_fill_check():
    """The check can fail: spiral's first tanh played in the view its start needs (the old way) ends as a speck."""
    from nnexplain.geometry.steps import network_steps
    from nnexplain.geometry.warp import GridSpec, representations

    run = load_run(DATA / "spiral")
    stages = representations(run.tensors(), run.probe["inputs"], GridSpec.from_dataset(run.dataset))
    activate = [s for s in network_steps(stages, run.params(), run.activation) if s.kind == "activate"][0]
    fractions = [np.ptp(activate.motion(t)[1], axis=0).max() / (2 * activate.extent) for t in (0.0, 1.0)]
    assert fractions[1] < 0.4 < fractions[0] or min(fractions) < 0.4


def test_a_frame_holds_every_point_whichever_way_they_turn():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(200, 2)) * [5.0, 0.2] + [3.0, -1.0]
    for angle in np.linspace(0, np.pi, 7):
        turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        turned = points @ turn.T
        frame = follow(turned)
        assert np.linalg.norm(turned - frame.centre, axis=1).max() == pytest.approx(frame.radius)
        # the larger side of the box is at least radius·√2: the promise of ≥ fill/√2 of the panel
        assert np.ptp(turned, axis=0).max() >= np.sqrt(2) * frame.radius - 1e-9
    assert [nice_length(v) for v in (1.6, 0.75, 19.0, 0.0031)] == [1.0, 0.5, 10.0, 0.002]


def test_dead_units_and_the_pile_of_the_failing_relu_spiral_match_torch():
    """spiral --activation relu (78.5%): torch's own forward pass is the answer key."""
    run = load_run(DATA / "spiral-relu")
    model = torch_model(run)
    x = torch.from_numpy(run.probe["inputs"].astype(np.float32))
    hidden = []
    with torch.no_grad():
        for linear in model.linears[:-1]:
            x = torch.relu(linear(x))
            hidden.append(x.numpy())
    expected_dead = [
        (layer, unit) for layer, h in enumerate(hidden) for unit in range(h.shape[1]) if np.all(h[:, unit] == 0)
    ]
    found = [(d.layer, d.unit) for d in dead_units([run.tensors()[f"act.{i}"] for i in range(len(hidden))])]
    assert found == expected_dead and len(found) >= 2
    last = hidden[-1]
    at_origin = np.all(last == 0, axis=1)
    pile = largest_pile(run.tensors()[f"act.{len(hidden) - 1}"])
    assert pile.count == at_origin.sum() == 281 and np.array_equal(pile.members, at_origin)
    np.testing.assert_allclose(pile.spot, 0, atol=1e-7)
    wrong = misclassified(run.params(), run.activation, run.probe["inputs"], run.probe["labels"])
    with torch.no_grad():
        torch_wrong = (
            model(torch.from_numpy(run.probe["inputs"].astype(np.float32))).argmax(1).numpy() != run.probe["labels"]
        )
    assert np.array_equal(wrong, torch_wrong) and wrong.sum() == 86 and (wrong & at_origin).sum() == 84


def test_points_that_merely_lie_close_are_no_pile():
    points = np.random.default_rng(1).normal(size=(100, 2))
    assert largest_pile(points).count == 1
    points[:30] = [0.25, -0.5]
    assert largest_pile(points).count == 30


def test_the_variance_a_projection_keeps_matches_the_covariance_eigenvalues():
    run = load_run(DATA / "circles-3")
    points = run.tensors()["act.0"].astype(np.float64)
    eigen = np.sort(np.linalg.eigvalsh(np.cov(points.T)))[::-1]
    assert kept_variance(points, 2) == pytest.approx(eigen[:2].sum() / eigen.sum(), rel=1e-9)
    assert kept_variance(points[:, :2], 2) == 1.0
    from nnexplain.geometry.warp import Projection

    assert Projection.fit(points, 2).kept == pytest.approx(eigen[:2].sum() / eigen.sum(), rel=1e-9)


def test_the_panel_says_how_much_a_projection_keeps(tmp_path):
    """fold on circles-3 (three hidden units) draws them through PCA and says what share it keeps."""
    from nnexplain.scenes.fold import Fold

    scene = _setup(Fold, DATA / "circles-3", tmp_path)
    projection = next(step for step in scene.steps if step.kind == "shift").projection  # fitted on act.0's points
    assert projection.is_projection
    scene.plane = None
    note = scene.projection_note(projection)
    eigen = np.sort(np.linalg.eigvalsh(np.cov(load_run(DATA / "circles-3").tensors()["act.0"].astype(np.float64).T)))[
        ::-1
    ]
    assert note.original_text == f"3-D shown flat: {100 * eigen[:2].sum() / eigen.sum():.0f}% kept (PCA)"


def test_the_failing_run_is_narrated_as_a_failure(tmp_path):
    from nnexplain.scenes.fold import Fold

    scene = _setup(Fold, DATA / "spiral-relu", tmp_path)
    assert scene.title_text() == "ReLU layers fold space"
    ending = scene.ending_words()
    assert ending.startswith("A failure: 78.5% correct,\n86 points wrong")
    assert "84 of them are among the 281\npoints pressed onto one spot" in ending
    assert "Why: dead units in layers 1, 3, 4" in ending
    first = scene.finding_for(0)
    assert first.startswith("Unit 1 is 0 for every point:\na dead unit. The plane is\npressed onto a line.")
    assert "224 of 400 points sit on\none spot, (0.00, 0.00), ringed.\nBoth classes" in first
    assert scene.finding_for(2).count("Now 281 of 400 points") == 1
    # Why more than one layer, in this run's numbers: even after four layers no straight line separates them.
    assert len(scene.separable) == 5 and scene.separable[-1] < 0.9
    words, last = scene.separability_words(), scene.separable[-1]
    better = [k for k in range(1, 5) if scene.separable[k] >= last]
    assert words.endswith("no better after 4." if better[0] == 1 else f"{100 * last:.1f}% after 4.")
    assert scene.layer_summary(0).startswith(f"The best straight line now puts\n{100 * scene.separable[1]:.1f}%")


def test_a_good_run_is_not_called_a_failure_and_titles_follow_the_activation(tmp_path):
    from nnexplain.scenes.fold import Fold
    from nnexplain.scenes.linear_collapse import LinearCollapse

    spiral = _setup(Fold, DATA / "spiral", tmp_path / "a")
    assert spiral.title_text().startswith("Tanh layers stretch and\nsquash, but never tear")
    assert "failure" not in spiral.ending_words() and spiral.dead == []
    assert spiral.separable[0] < 0.8 and spiral.separable[-1] == 1.0
    first = min(k for k, share in enumerate(spiral.separable) if share == 1.0)
    ending = f"100.0% from layer {first} on:\nlater layers add nothing here." if first < 4 else "100.0% after 4."
    assert spiral.separability_words().endswith(ending)
    moons = _setup(Fold, DATA / "moons-relu", tmp_path / "b")
    assert moons.title_text() == "ReLU layers fold space"
    assert "All of one class: no harm done." in moons.finding_for(max(moons.piles))  # a pile, but harmless
    assert _setup(Fold, DATA / "spiral-sigmoid", tmp_path / "c").title_text().startswith("Sigmoid layers stretch")
    assert "nonlinearity?" in _setup(LinearCollapse, DATA / "spiral-linear", tmp_path / "d").title_text()


@pytest.mark.graphical
def test_fold_frame_inside_the_first_tanh(tmp_path, request):
    """Halfway through layer 1's activation: the sheet bending, seen at a readable size."""
    from nnexplain.scenes.fold import Fold

    frame = render_frame_inside(Fold, DATA / "spiral", tmp_path, "layer 1", warp_of("activate"), alpha=0.5)
    check_frame(
        "fold-spiral-layer1-tanh", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failures"
    )


@pytest.mark.graphical
def test_fold_frame_inside_the_failing_relu(tmp_path, request):
    """The failing ReLU spiral halfway through layer 3's fold, where the pile grows."""
    from nnexplain.scenes.fold import Fold

    frame = render_frame_inside(Fold, DATA / "spiral-relu", tmp_path, "layer 3", warp_of("activate"), alpha=0.6)
    check_frame(
        "fold-spiral-relu-layer3-relu", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failures"
    )


SAFE = 0.4  # scene units: 24 px of 854 at 480p, LECTURE.md's title-safe margin


@pytest.mark.parametrize("scene_name, fixture", [("fold", "spiral"), ("linear-collapse", "spiral-linear")])
def test_every_text_stays_inside_the_title_safe_margin_over_the_whole_video(scene_name, fixture, tmp_path):
    """After every play and wait, each visible text and formula is at least 24 px (at 480p) from every edge."""
    from manim import config
    from readability import render_watched

    scene_class = _scene_class(scene_name)
    scene = render_watched(scene_class, DATA / fixture, tmp_path, **_further(scene_class))
    placed = [(seen.text, seen.box) for seen in scene.seen_texts]  # after every play and wait
    assert len(placed) > 100
    half_width, half_height = config.frame_width / 2 - SAFE, config.frame_height / 2 - SAFE
    outside = {
        str(text)[:30]: tuple(round(edge, 2) for edge in (left, right, bottom, top))
        for text, (left, right, bottom, top) in placed
        if left < -half_width or right > half_width or bottom < -half_height or top > half_height
    }
    assert outside == {}, outside


def test_linear_collapse_compares_one_shape_over_three_seeds_and_torch_agrees_with_every_accuracy(tmp_path):
    """The closing comparison is fair (LECTURE.md): the linear and the tanh networks have one shape and parameter
    count, were trained on the same data with the same settings but the activation, from seeds 0, 1 and 2 each; every
    accuracy in the table (and the medians) is recomputed here with torch from each run's stored weights on its
    stored validation points. A tanh run of another shape (the spiral recipe's 2-2-2-2-2-2) is refused."""
    from nnexplain.scenes.linear_collapse import LinearCollapse, short_percent
    from nnexplain.scenes.specs.linear_collapse import nonlinear_on_the_same_data

    scene = _setup(LinearCollapse, DATA / "spiral-linear", tmp_path)
    linear, tanh = scene.seed_runs()
    runs = linear + tanh
    parameters = {sum(w.size + b.size for w, b in run.params()) for run in runs}
    assert parameters == {18} and {tuple(run.layers) for run in runs} == {(2, 2, 2, 2)}
    assert [run.manifest["seed"] for run in linear] == [run.manifest["seed"] for run in tanh] == [0, 1, 2]
    assert {run.activation for run in linear} == {"identity"} and {run.activation for run in tanh} == {"tanh"}
    how = lambda run: {k: v for k, v in run.manifest["config"].items() if k not in ("recipe", "activation", "seed")}  # noqa: E731
    assert all(how(run) == how(scene.run) for run in runs)
    assert all(run.manifest["dataset"] == scene.run.manifest["dataset"] for run in runs)

    def accuracy(run) -> float:
        inputs, labels = run.probe["inputs"], run.probe["labels"].astype(int)
        with torch.no_grad():
            guesses = torch_model(run)(torch.from_numpy(inputs)).argmax(dim=1).numpy()
        return float((guesses == labels).mean())

    assert all(len(run.probe["labels"]) == run.dataset["val"] for run in runs)  # the probe is the validation set
    mine, theirs = [accuracy(run) for run in linear], [accuracy(run) for run in tanh]
    shown = [
        cell.text
        for cell in scene.accuracy_table(
            [r.final_metrics["val_acc"] for r in linear],
            [r.final_metrics["val_acc"] for r in tanh],
            scene.training_names(linear, tanh),
        )
    ]
    expected = ["", "linear", "tanh"]
    for seed, a, b in zip((0, 1, 2), mine, theirs):
        expected += [f"seed {seed}", short_percent(a), short_percent(b)]
    expected += ["median", short_percent(float(np.median(mine))), short_percent(float(np.median(theirs)))]
    assert shown == [text.replace(" ", "") for text in expected]  # manim's Text keeps no spaces in .text
    assert max(mine) < 0.8 and float(np.median(theirs)) > max(mine)  # the runs' story: one line, against a bend

    main, spiral = scene.run.manifest, load_run(DATA / "spiral").manifest
    assert "2-2-2-2-2-2" in nonlinear_on_the_same_data(spiral, main)
    assert nonlinear_on_the_same_data(tanh[0].manifest, main) is None
