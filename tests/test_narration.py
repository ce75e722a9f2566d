"""The beat API: beats carry their narration, and every line stays up as long as it takes to read.

The times are checked against the pace computed here from the words (three a second),
not against the narrator's own arithmetic; the notes against the lines the test said.
"""

from __future__ import annotations

import pytest
from frames import render_for_test

PACE = 3.0  # words a second, as LECTURE.md asks


def _reading(text: str) -> float:
    return len(text.split()) / PACE


def _render(tmp_path, run_dir, story):
    """Render a scene whose construct() is ``story(scene)``; returns the scene."""
    from manim import Square

    from nnexplain.scenes.base.run_scene import RunScene

    class Story(RunScene):
        def construct(self):
            self.square = Square()
            story(self)

    return render_for_test(Story, run_dir, tmp_path)


def _caption(scene, text):
    from nnexplain.mobjects.style import label

    return label(text, scene.theme, 24)


def test_a_line_is_read_before_the_next_replaces_it_and_motion_counts(sigmoid_run, tmp_path):
    from manim import Rotate

    first, second = "one two three four five six seven eight nine", "and then ten"
    times = {}

    def story(scene):
        scene.beat("only")
        scene.play(*scene.say(first, _caption(scene, first)), run_time=0.5)
        times["shown"] = scene.script_time
        scene.play(Rotate(scene.square), run_time=1.0)  # motion while it is read counts as reading
        scene.play(*scene.say(second, _caption(scene, second)), run_time=0.5)
        times["replaced"] = scene.script_time

    scene = _render(tmp_path, sigmoid_run, story)
    # the swap waited for what was left of the first line's reading time, then took its own 0.5 s
    # (to within a frame: the script clock counts the video's whole frames, 15 a second here)
    assert times["replaced"] - times["shown"] == pytest.approx(_reading(first) + 0.5, abs=1 / 15 + 1e-6)
    lines = scene.narrator.log
    assert [line.text for line in lines] == [first, second]
    assert lines[0].held == pytest.approx(_reading(first), abs=2e-3)


def test_a_beat_ends_once_its_lines_are_read_and_its_note_is_its_narration(sigmoid_run, tmp_path):
    said = ["A network of\nsixteen units.", "Its weights are real.", "Here is the next beat."]
    times = {}

    def story(scene):
        scene.beat("first")
        scene.play(*scene.say(said[0], _caption(scene, said[0]), slot="left"), run_time=0.5)
        scene.say(said[1])  # narrated, drawn nowhere: the beat still lasts until it could be read
        times["said"] = scene.script_time
        scene.beat("second")
        times["second"] = scene.script_time
        scene.say(said[2])

    scene = _render(tmp_path, sigmoid_run, story)
    assert times["second"] - times["said"] == pytest.approx(max(_reading(said[0]), _reading(said[1])), abs=2e-3)
    assert [beat.name for beat in scene.beat_log] == ["first", "second"]
    assert scene.beat_log[0].note == "A network of sixteen units. Its weights are real."
    assert scene.beat_log[1].note == said[2]
    # the scene's last line is held to the end: tear_down waits it out
    assert scene.script_time - times["second"] == pytest.approx(_reading(said[2]), abs=2e-3)


def test_a_caption_fades_out_before_the_next_fades_in(sigmoid_run, tmp_path):
    from manim import AnimationGroup

    seen = {}

    def story(scene):
        scene.beat("one")
        seen["first"] = scene.say("first line", _caption(scene, "first line"))
        scene.play(*seen["first"])
        seen["second"] = scene.say("second line", _caption(scene, "second line"))
        scene.play(*seen["second"])
        seen["undrawn"] = scene.say("only said")

    _render(tmp_path, sigmoid_run, story)
    assert len(seen["first"]) == 1 and seen["undrawn"] == []
    (swap,) = seen["second"]
    assert isinstance(swap, AnimationGroup) and swap.lag_ratio == 1  # one after the other, never a cross-fade
    old, new = swap.animations
    assert old.out and not new.out


def test_narrate_blocks_last_as_long_as_their_line(sigmoid_run, tmp_path):
    from manim import Rotate

    text = "The square turns while this sentence of eleven words is being read."
    times = {}

    def story(scene):
        scene.beat("turn")
        start = scene.script_time
        with scene.narrate(text) as line:
            times["duration"] = line.duration
            scene.play(Rotate(scene.square), run_time=line.duration / 2)
        times["block"] = scene.script_time - start

    _render(tmp_path, sigmoid_run, story)
    assert times["duration"] == pytest.approx(_reading(text))
    assert times["block"] == pytest.approx(_reading(text), abs=2e-3)


def test_pace_scales_every_animation_time(sigmoid_run, tmp_path):
    from nnexplain.scenes.base.run_scene import RunScene

    class Slow(RunScene):
        pace = 2.0

        def construct(self):
            self.beat("one")
            self.say("three short words")
            self.wait(self.t(1.5))

    scene = render_for_test(Slow, sigmoid_run, tmp_path)
    assert scene.t(1.5) == 3.0 and scene.script_time == pytest.approx(3.0, abs=2e-3)


def test_the_reading_pace_counts_words_not_symbols():
    from nnexplain.scenes.base.narration import reading_seconds, words

    assert words("det W₂ = −4.75 < 0: the plane flips") == 7  # "=", "<" are not words; numbers are
    assert reading_seconds("one two three four five six") == pytest.approx(2.0)


def test_in_captions_mode_a_line_is_drawn_in_the_band_readable_and_inside_the_safe_margin(sigmoid_run, tmp_path):
    from manim import Text

    from nnexplain.mobjects.caption_band import BAND_TOP
    from nnexplain.scenes.base.run_scene import RunScene

    text = "Each of the sixteen neurons adds up all 784 pixels, each times its own weight."
    seen = {}

    class Banded(RunScene):
        captions_in_band = True

        def construct(self):
            self.beat("one")
            self.play(*self.say(text))
            seen["band"] = self.caption_mobjects["band"]

    render_for_test(Banded, sigmoid_run, tmp_path)
    rows = [row for row in seen["band"].get_family() if isinstance(row, Text)]
    assert [row.original_text for row in rows] == [
        "Each of the sixteen neurons adds up all",
        "784 pixels, each times its own weight.",
    ]
    pixels_per_unit = 480 / 8
    for row in rows:
        capital = Text("H", font_size=row.font_size).height * pixels_per_unit
        assert capital >= 16  # LECTURE.md: at least 16 px tall at 480p
    band = seen["band"]
    assert band.get_top()[1] <= BAND_TOP and band.get_bottom()[1] >= -4 + 24 / 60  # 24 px from the bottom edge
    assert abs(band.get_left()[0]) <= 14.22 / 2 - 24 / 60


def test_a_line_too_long_for_two_rows_is_refused_with_the_fix():
    from nnexplain.mobjects.caption_band import NarrationTooLong, caption_rows

    assert caption_rows("short") == ["short"]
    with pytest.raises(NarrationTooLong, match="say it as two lines"):
        caption_rows("word " * 30)


def test_a_line_drawn_nowhere_ends_once_read_not_when_the_next_starts(sigmoid_run, tmp_path):
    text = "Four words said here."

    def story(scene):
        scene.beat("one")
        scene.say(text)
        scene.wait(5.0)  # a long animation after it: the line was over after its reading time
        scene.say("And one more.")

    scene = _render(tmp_path, sigmoid_run, story)
    first, second = scene.narrator.log
    assert first.held == pytest.approx(_reading(text), abs=2e-3)
    assert second.held == pytest.approx(_reading("And one more."), abs=2e-3)


def test_the_script_clock_is_the_video_s_own_and_a_held_line_is_held_in_frames(sigmoid_run, tmp_path):
    """Subtitles, notes and the voice are placed by the script clock; the oracle is the video: its decoded frames.

    Run times that are not whole frames (manim rounds an animation up, a still wait down) once put a long
    scene's subtitles seconds ahead of its picture."""
    import av
    from frames import scene_runs
    from manim import Square

    from nnexplain.app.catalog import scene_info_of
    from nnexplain.app.options import RenderOptions
    from nnexplain.app.render import RenderJob, render_scene
    from nnexplain.scenes.base.run_scene import RunScene

    clocks, asked = [], []

    class OddTimes(RunScene):
        def construct(self):
            square = Square()
            self.beat("odd")
            for seconds in (0.23, 0.41, 0.09, 0.77):
                self.play(square.animate.shift([0.2, 0, 0]), run_time=seconds)
                self.wait(seconds / 2)  # a still wait
                asked.append(1.5 * seconds)
            clocks.append(self.script_time)
            self.say("a line held until it is read, in whole frames")
            self.play(square.animate.shift([-0.2, 0, 0]), run_time=0.31)
            self.finish()
            clocks.append(self.script_time)

    fps = 7
    runs = scene_runs(OddTimes, sigmoid_run)
    job = RenderJob(scene_info_of(OddTimes), runs, RenderOptions(resolution=(64, 36), fps=fps), scene_class=OddTimes)
    with av.open(str(render_scene(job, tmp_path / "out").path)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert clocks[1] * fps == pytest.approx(frames, abs=1e-6)
    assert (clocks[0] - sum(asked)) * fps > 2  # the check can fail: summing the run times asked for is frames short
