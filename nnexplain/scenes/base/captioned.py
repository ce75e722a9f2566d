"""A scene with a title and one caption line at a time, each held long enough to read.

``hidden-features``, ``training``, ``neuron-maps`` and ``softmax`` tell their story in
captions under the picture. :meth:`CaptionedScene.say` swaps the caption and
remembers when; the next :meth:`~CaptionedScene.say` (or :meth:`~CaptionedScene.hold`)
first waits until the old one has been up one second per three words
(``reading_seconds_per_word``), counting the animations played meanwhile. A new
:meth:`~CaptionedScene.beat` holds too, so every beat (and each ``--sections`` clip)
ends on its last caption, read.
"""

from __future__ import annotations

from typing import ClassVar

from manim import DOWN, UL, FadeIn, FadeOut, VGroup

from nnexplain.mobjects.style import label
from nnexplain.scenes.base.run_scene import RunScene

__all__ = ["CaptionedScene"]


class CaptionedScene(RunScene):
    """Base of the learning-over-time scenes: a title, a subtitle, and a reading-paced caption."""

    reading_seconds_per_word: ClassVar[float] = 1 / 3
    caption_size: ClassVar[float] = 20
    caption_y: ClassVar[float] = -3.5
    caption_width: ClassVar[float] = 13.2

    def setup(self) -> None:
        super().setup()
        self.caption: VGroup | None = None
        self._caption_since = 0.0
        self._caption_words = 0

    def make_title(self, title: str, subtitle: str) -> VGroup:
        heading = label(title, self.theme, 30, weight="BOLD")
        facts = label(subtitle, self.theme, 17, self.theme.muted)
        group = VGroup(heading, facts).arrange(DOWN, aligned_edge=[-1, 0, 0], buff=0.1)
        if group.width > self.caption_width:
            group.scale_to_fit_width(self.caption_width)
        return group.to_corner(UL, buff=0.3)

    def caption_mobject(self, text: str) -> VGroup:
        """``text`` at the caption size, broken into two lines at the middle space when one is too wide."""
        caption = label(text, self.theme, self.caption_size)
        if caption.width > self.caption_width and "\n" not in text and " " in text:
            spaces = [i for i, char in enumerate(text) if char == " "]
            middle = min(spaces, key=lambda i: abs(i - len(text) / 2))
            caption = label(text[:middle] + "\n" + text[middle + 1 :], self.theme, self.caption_size)
        if caption.width > self.caption_width:
            caption.scale_to_fit_width(self.caption_width)
        return caption.move_to([0, self.caption_y, 0])

    def say(self, text: str, *animations, run_time: float = 0.6) -> None:
        """Replace the caption by ``text`` (after the old one has been read), playing ``animations`` alongside."""
        self.hold()
        new = self.caption_mobject(text)
        swaps = [FadeIn(new)] + ([FadeOut(self.caption)] if self.caption is not None else [])
        self.play(*swaps, *animations, run_time=run_time)
        self.caption = new
        self._caption_since = self.script_time
        self._caption_words = len(text.split())

    def beat(self, name: str, note: str | None = None, loop: bool = False) -> None:
        """End the previous beat on its caption, read, then start the next one (each clip ends settled)."""
        if self.caption is not None:
            self.hold()
        super().beat(name, note, loop)

    def hold(self, extra: float = 0.0) -> None:
        """Wait until the caption has been up long enough to read, then ``extra`` seconds more."""
        remaining = self._caption_words * self.reading_seconds_per_word - (self.script_time - self._caption_since)
        seconds = max(remaining, 0.0) + extra
        if seconds > 0.01:
            self.wait(seconds)
