"""Speaker notes: every beat of every scene is narrated, its note is its narration, and it says what the run did.

The beats are collected by running each scene's storyboard with its animations
stubbed out (``play`` and ``wait`` do nothing, manim's dry run writes nothing):
a note is built from the run and the scene's numbers when its beat starts, never
from what an animation left on screen, so this sees every note a render would, in
seconds. The facts in the notes are checked against torch, run on the stored weights.

Every scene's notes are read from the render the readability checks watch (conftest's
watched_case: animations skipped, every play and wait run), made once per case in a worker.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from conftest import DATA, torch_model
from frames import HEIGHT, WIDTH, scene_runs
from readability import CASES

from nnexplain.app.catalog import SCENES
from nnexplain.run import load_run

# Each scene on the fixtures standing in for its default runs, and runs that draw differently (a failure, told as one;
# a relu network; three hidden units): tests/readability.py's CASES.


def storyboard(name: str, run_dir, tmp_path, **further):
    """The scene ``name`` after its construct() ran with every play and wait skipped: its beat_log is complete."""
    from manim import tempconfig

    scene_class = SCENES[name].load_class()
    skipping = type(
        scene_class.__name__, (scene_class,), {"play": lambda self, *a, **k: None, "wait": lambda self, *a, **k: None}
    )
    # At the size the scene's other tests use: its texts are typeset once a process for a frame size.
    settings = {"pixel_width": WIDTH, "pixel_height": HEIGHT, "dry_run": True, "verbosity": "ERROR"}
    with tempconfig({"media_dir": str(tmp_path), "progress_bar": "none", **settings}):
        scene = skipping()
        scene.bind(scene_runs(scene_class, run_dir, **further))
        scene.render()
    return scene


@pytest.mark.parametrize("case", CASES)
def test_every_beat_is_narrated_and_its_note_is_its_narration(case, watched_case):
    name = CASES[case][0]
    scene = watched_case(case)
    assert len(scene.beat_log) >= 3
    for beat in scene.beat_log:
        assert beat.lines and beat.note.strip(), f"{name}: beat {beat.name!r} says nothing"
        assert beat.note == " ".join(" ".join(line.text.split()) for line in beat.lines)
        assert not re.search(r"\bnan\b|\bNone\b|\{|\}", beat.note), f"{name}: beat {beat.name!r}: {beat.note!r}"
        assert "\n" not in beat.note


def _forward(run, inputs: np.ndarray) -> list[np.ndarray]:
    """Every layer's activations for ``inputs``, by torch on the stored weights; the last is softmax."""
    model = torch_model(run)
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[run.activation]
    x, layers = torch.from_numpy(np.asarray(inputs, np.float32)), []
    with torch.no_grad():
        for linear in model.linears[:-1]:
            x = act(linear(x))
            layers.append(x.numpy())
        layers.append(torch.softmax(model.linears[-1](x), dim=1).numpy())
    return layers


def _percent(p: float) -> str:
    return "over 99.9%" if 0.9995 <= p < 1 else "under 0.1%" if 0 < p < 0.0005 else f"{100 * p:.1f}%"


def test_the_neurons_notes_give_the_digit_its_prediction_and_the_run_s_accuracy(tmp_path):
    scene = storyboard("neurons", DATA / "mnist-sigmoid", tmp_path)
    run = load_run(DATA / "mnist-sigmoid")
    beats = scene.beat_log
    notes = {beat.name: beat.note for beat in beats}
    total = int(run.dataset["val"])
    wrong = round((1 - run.final_metrics["val_acc"]) * total)
    accuracy = f"Validation accuracy {100 * run.final_metrics['val_acc']:.1f}% after {run.epochs[-1]} epochs."
    assert accuracy in notes["title"]
    assert f"It reads {wrong:,} of its {total:,} validation digits wrong." in notes["title"]  # the error, as a count
    shown, verdicts = [], []
    for at, beat in enumerate(beats):
        if beat.name not in ("digit", "digit 2", "digit 3"):
            continue
        probe = int(re.match(r"Probe digit (\d+), ", beat.note)[1]) - 1
        shown.append(probe)
        label = int(run.probe["labels"][probe])
        assert beat.note.startswith(f"Probe digit {probe + 1}, labelled {label}: ")
        p = _forward(run, run.probe["inputs"][probe : probe + 1])[-1][0]
        said, second = np.argsort(p)[::-1][:2]
        verdict = ": right" if said == label else f": wrong, the label is {label}"
        prediction = next(later for later in beats[at + 1 :] if later.name == "prediction")  # this digit's verdict
        assert prediction.note.startswith(
            f"The network says {said}, {_percent(p[said])} sure{verdict}. The runner-up is {second}, at {_percent(p[second])}."
        )
        verdicts.append(verdict)
    assert len(shown) == 3
    assert any(
        verdict.startswith(": wrong") for verdict in verdicts[1:]
    )  # the story ends on a mistake: the note says so
    if verdicts[-1].startswith(": wrong"):  # ... and sets it against the run's count of them
        assert prediction.note.endswith(f"One of its {wrong:,} mistakes on {total:,} validation digits.")
    first = run.probe["inputs"][shown[0] : shown[0] + 1]
    hidden = _forward(run, first)[0][0]
    assert f"{int((hidden > 0.5).sum())} of its {len(hidden)} sigmoid neurons are above 0.5" in notes["layer 1"]
    parameters = sum(a * b + b for a, b in zip(run.layers[:-1], run.layers[1:]))
    assert f"= {parameters:,} parameters." in notes["formula"]
    np.testing.assert_allclose(
        scene.image_values(shown[-1]).ravel(), run.probe["inputs"][shown[-1]]
    )  # the last digit drawn is the note's


def test_the_fold_narration_of_a_failing_run_names_its_dead_units_and_its_mistakes(tmp_path):
    scene = storyboard("fold", DATA / "spiral-relu", tmp_path)
    run = load_run(DATA / "spiral-relu")
    notes = {beat.name: beat.note for beat in scene.beat_log}
    layers = _forward(run, run.probe["inputs"])
    labels = run.probe["labels"].astype(int)
    wrong = int((layers[-1].argmax(axis=1) != labels).sum())
    accuracy = f"{100 * run.final_metrics['val_acc']:.1f}%"
    assert notes["the data"].startswith(f"What does a hidden layer do to its input? Here: {len(labels)} points")
    assert f"{accuracy} correct. {wrong} wrong points are ringed in red." in notes["the decision line"]
    dead_layers = []
    for layer, values in enumerate(layers[:-1]):
        dead = [unit + 1 for unit in np.flatnonzero(np.all(values == 0, axis=0))]
        note = notes[f"layer {layer + 1}"]
        if len(dead) == 1:
            assert f"Unit {dead[0]} is 0 for every point: a dead unit." in note
        elif dead:
            assert f"Units {' and '.join(map(str, dead))} are 0 for every point: dead units." in note
        else:
            assert "dead" not in note
        dead_layers += [str(layer + 1)] * bool(dead)
    assert dead_layers, "the fixture is meant to have dead units"
    ending = notes["the boundary in the input plane"]
    assert f"A failure: {accuracy} correct, {wrong} points wrong" in ending
    assert f"dead units in layers {', '.join(dead_layers)}" in ending


def test_only_lift_s_orbit_beat_loops(tmp_path):
    """The orbit round the separating plane ends where it starts, so a deck loops it; the beats after it (the cut
    carried back to the input plane) do not loop."""
    scene = storyboard("lift", DATA / "circles-3", tmp_path, contrast=DATA / "circles-2")
    looping = [beat.name for beat in scene.beat_log if beat.loop]
    assert looping == ["around the plane"]
    assert scene.beat_log[-1].name != "around the plane" and not scene.beat_log[-1].loop
