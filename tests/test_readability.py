"""Readable scenes: no text under about 14 pixels tall at 480p, and every caption up one second per three words.

Each scene is rendered writing only its last frame (animations skipped, the scene's
clock still running); the texts on screen are read from the scene after every play
and wait, and the captions' times from its caption clock.
"""

import importlib

import pytest

from conftest import DATA
from readability import render_watched, short_captions, small_texts
from nnexplain.scenes.base.captions import reading_seconds, words

SCENES = {
    "neurons": ("nnexplain.scenes.neurons", "Neurons", "mnist-sigmoid", {}),
    "neurons-relu": ("nnexplain.scenes.neurons", "Neurons", "mnist-relu", {}),
    "fold": ("nnexplain.scenes.fold", "Fold", "spiral", {}),
    "fold-failing": ("nnexplain.scenes.fold", "Fold", "spiral-relu", {}),
    "fold-pca": ("nnexplain.scenes.fold", "Fold", "circles-3", {}),
    "lift": ("nnexplain.scenes.lift", "Lift", "circles-3", {"contrast": "circles-2"}),
    "linear-collapse": ("nnexplain.scenes.linear_collapse", "LinearCollapse", "spiral-linear", {}),
    "relu-square": ("nnexplain.scenes.relu_square", "ReluSquare", "square-relu-3", {}),
    "relu-sine": ("nnexplain.scenes.relu_sine", "ReluSine", "sine-relu", {"linear": "sine-linear"}),
}


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    rendered = {}

    def render(name):
        if name not in rendered:
            module, class_name, fixture, further = SCENES[name]
            scene_class = getattr(importlib.import_module(module), class_name)
            media = tmp_path_factory.mktemp(name)
            rendered[name] = render_watched(scene_class, DATA / fixture, media, **{k: DATA / v for k, v in further.items()})
        return rendered[name]

    return render


@pytest.mark.parametrize("name", SCENES)
def test_no_text_is_smaller_than_14_pixels_at_480p(name, watched):
    scene = watched(name)
    assert scene.seen_texts, "the check saw no text at all"
    assert small_texts(scene) == []


@pytest.mark.parametrize("name", SCENES)
def test_every_caption_stays_up_one_second_per_three_words(name, watched):
    scene = watched(name)
    assert len(scene.clock.log) >= 3
    assert short_captions(scene) == []


def test_reading_time_counts_words_not_symbols():
    assert words("det W₂ = −4.75 < 0: the plane flips") == 7  # "=", "<" are not words; numbers are
    assert reading_seconds("one two three four five six") == pytest.approx(2.0)


def test_small_text_and_hasty_captions_are_caught(tmp_path):
    """The checks can fail: a scene with 16-point captions that swaps them without waiting."""
    from nnexplain.scenes.relu_square import ReluSquare

    class Hasty(ReluSquare):
        caption_size = 16

        def setup(self):
            super().setup()
            self.clock.settle = lambda *slots: None

    scene = render_watched(Hasty, DATA / "square-relu-3", tmp_path)
    assert short_captions(scene)
    assert any("Start at the output bias," in text for text in small_texts(scene))
