"""Presenter mode over the whole catalog: the narration leaves the picture, the labels stay.

Each scene is rendered on the fixtures standing in for its default runs (last frame only,
the clock still running) in presenter mode, noting every text on screen after every play
and wait. The oracle is the scene's own narrator log: no paragraph drawn (a text of two
lines or more) may repeat a stretch of six or more words of a line the narrator said.
Labels stay, one line each (a heading, "epoch 30", a run's description, a formula with
the number being discussed), even where the narration reads them; paragraphs go to the
notes and subtitles.
"""

import re

import pytest
from readability import render_watched

from nnexplain.app.catalog import SCENES

LONGEST_LABEL = 5  # words a label may share with the narration (a heading, a number with its name)


def _words(text: str) -> list[str]:
    return re.findall(r"[\w.%−+-]+", text.lower())


def paragraphs_drawn(seen_texts, narrated: list[str]) -> list[str]:
    """The paragraphs seen (two lines or more) that repeat more than LONGEST_LABEL consecutive words of a
    narrated line."""
    said = [" " + " ".join(_words(line)) + " " for line in narrated]
    found = []
    for text in sorted({seen.text for seen in seen_texts if "\n" in seen.text.strip()}):
        words = _words(text)
        for start in range(len(words) - LONGEST_LABEL):
            stretch = " " + " ".join(words[start : start + LONGEST_LABEL + 1]) + " "
            if any(stretch in line for line in said):
                found.append(text)
                break
    return found


def test_the_check_finds_a_paragraph_and_passes_a_label():
    class Seen:
        def __init__(self, text):
            self.text = text

    narrated = ["The plane flips over (det W₂ = −4.75 < 0): no smooth turn can do that."]
    paragraph = "The plane flips over (det W₂ = −4.75 < 0):\nno smooth turn can do that."
    labels = ["det W₂ = −4.75", "the plane flips over (det W₂ = −4.75 < 0)"]  # one line each: labels
    seen = [Seen(paragraph), *map(Seen, labels)]
    assert paragraphs_drawn(seen, narrated) == [paragraph]


@pytest.mark.parametrize("name", SCENES)
def test_presenter_mode_draws_no_paragraph_of_the_narration(name, default_runs, tmp_path):
    runs = default_runs(name)
    scene_class = SCENES[name].load_class()
    presenting = type(scene_class.__name__, (scene_class,), {"narration_mode": "presenter"})
    scene = render_watched(presenting, runs.main, tmp_path, **runs.further)
    narrated = [line.text for line in scene.narrator.log]
    assert len(narrated) >= 3, "the scene narrated (almost) nothing"
    assert paragraphs_drawn(scene.seen_texts, narrated) == []
