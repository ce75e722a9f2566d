"""Captions stay up one second per three words, and every beat ends on its caption, read."""

import pytest

from frames import render_for_test


def test_captions_are_held_long_enough_to_read(sigmoid_run, tmp_path):
    from nnexplain.scenes.base.captioned import CaptionedScene

    times = {}

    class Reading(CaptionedScene):
        def construct(self):
            self.beat("one")
            self.say("one two three four five six seven eight nine", run_time=0.5)  # nine words: 3 s
            times["first"] = self.time
            self.say("next", run_time=0.5)
            times["second"] = self.time
            self.wait(2.0)  # longer than "next" needs
            self.hold(0.5)  # the caption was read long ago: only the extra half second
            times["held"] = self.time
            self.beat("two")
            times["two"] = self.time

    render_for_test(Reading, sigmoid_run, tmp_path)
    assert times["second"] - times["first"] == pytest.approx(3.0 + 0.5)  # waited for the reader, then swapped
    assert times["held"] - times["second"] == pytest.approx(2.5)
    assert times["two"] == pytest.approx(times["held"])


def test_a_long_caption_breaks_into_two_lines_of_readable_size(sigmoid_run, tmp_path):
    from nnexplain.mobjects.style import label
    from nnexplain.scenes.base.captioned import CaptionedScene

    made = {}

    class Long(CaptionedScene):
        def construct(self):
            made["caption"] = self.caption_mobject("a caption far too long for one line of the frame " * 3)
            made["line"] = label("a caption", self.theme, self.caption_size)

    render_for_test(Long, sigmoid_run, tmp_path)
    caption, line = made["caption"], made["line"]
    assert caption.width <= Long.caption_width
    assert 1.8 * line.height < caption.height < 3 * line.height  # two lines at full size, not one shrunk to fit
