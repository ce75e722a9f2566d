"""Readable scenes: no text under about 14 pixels tall at 480p, and every line of narration held until read.

Every scene of the catalog is rendered on the fixtures standing in for its default
runs (tests/fixture_runs.py), writing only its last frame (animations skipped, the
scene's clock still running); the texts on screen are read from the scene after every
play and wait, and each line's times from the scene's narrator log.
"""

import pytest
from conftest import DATA
from readability import CASES, SeenText, paragraphs_drawn, render_watched, short_captions, small_texts

from nnexplain.scenes.base.narration import reading_seconds, words

# Scenes with text under 14 px today, and where. Strict: once a scene passes, its entry fails the test until removed.
SMALL_TEXT_TODAY = {}


def _cases(failing_today: dict[str, str]):
    return [
        pytest.param(case, marks=pytest.mark.xfail(reason=failing_today[case], strict=True))
        if case in failing_today
        else case
        for case in CASES
    ]


@pytest.fixture
def watched(watched_case):
    return watched_case  # each case rendered once in this worker (conftest), read by test_speaker_notes too


@pytest.mark.parametrize("case", _cases(SMALL_TEXT_TODAY))
def test_no_text_is_smaller_than_14_pixels_at_480p(case, watched):
    scene = watched(case)
    assert scene.seen_texts, "the check saw no text at all"
    assert small_texts(scene) == []


@pytest.mark.parametrize("case", CASES)
def test_every_line_is_held_one_second_per_three_words(case, watched):
    scene = watched(case)
    assert len(scene.narrator.log) >= 3
    assert short_captions(scene) == []


def test_reading_time_counts_words_not_symbols():
    assert words("det W₂ = −4.75 < 0: the plane flips") == 7  # "=", "<" are not words; numbers are
    assert reading_seconds("one two three four five six") == pytest.approx(2.0)


def test_small_text_and_hasty_captions_are_caught(tmp_path):
    """The checks can fail: a scene with 16-point captions that swaps them, and its narration, without waiting.

    (A scene of its own: relu-square, the scene this once subclassed, now draws its narration in the caption band
    and plays each line's animation for as long as the line is read, so it cannot be made hasty from outside.)"""
    from nnexplain.mobjects.style import label
    from nnexplain.scenes import RunScene

    class Hasty(RunScene):
        def construct(self):
            self.narrator.settle = lambda *slots: None  # nothing waits for a line to be read
            self.beat("hasty")
            first = "Start at the output bias, a flat line, drawn small."
            self.play(*self.say(first, label(first, self.theme, 16)), run_time=0.2)
            second = "Then the next caption comes at once, before anyone could read the first."
            self.play(*self.say(second, label(second, self.theme, 16)), run_time=0.2)
            self.say("A narrated line, undrawn, cut short by the one after it.")
            self.say("And the one after it, cut short by the end.")
            self.wait(0.2)

    scene = render_watched(Hasty, DATA / "square-relu-3", tmp_path)
    hasty = short_captions(scene)
    assert any(line.startswith("caption: ") for line in hasty) and any(line.startswith("narrated: ") for line in hasty)
    assert any("Start at the output bias," in text for text in small_texts(scene))


def test_only_cases_of_this_test_are_excused():
    assert set(SMALL_TEXT_TODAY) <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_voice_and_presenter_modes_leave_no_paragraph_of_the_narration_in_the_picture(case, watched):
    """Voice and presenter modes draw no caption in a scene's narration slots (tests/test_voice.py checks that
    on pixels); so every paragraph repeating the narration must be drawn in one of them. The oracle is the
    narrator's log: what was said."""
    scene = watched(case)
    narrated = [line.text for line in scene.narrator.log]
    assert paragraphs_drawn(scene.seen_texts, narrated) == []


def test_the_paragraph_check_finds_a_paragraph_and_passes_labels_and_narration_captions():
    narrated = ["The plane flips over (det W₂ = −4.75 < 0): no smooth turn can do that."]
    paragraph = "The plane flips over (det W₂ = −4.75 < 0):\nno smooth turn can do that."
    labels = ["det W₂ = −4.75", "the plane flips over (det W₂ = −4.75 < 0)"]  # one line each: labels
    seen = [SeenText(paragraph, 20, 0), SeenText(paragraph + " ", 20, 0, narration=True)]
    seen += [SeenText(text, 20, 0) for text in labels]
    assert paragraphs_drawn(seen, narrated) == [paragraph]
