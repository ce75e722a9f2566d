"""Captions that stay up long enough to be read: at least one second per three words.

A scene shows its explanations in named slots ("detail", "header", ...). The
:class:`CaptionClock` remembers when each slot's caption became readable (after
its fade-in) and, before the slot's caption is replaced, waits out whatever is
left of its reading time. Motion that plays while a caption is up counts as
reading time, so a caption shown with a step costs extra seconds only when the
step is shorter than the caption.

The clock keeps a log of (slot, text, shown, hidden) so tests can check every
caption a render showed, without looking at pixels::

    clock = CaptionClock(scene)
    clock.settle("detail")            # before replacing the caption in "detail"
    clock.shown("detail", text, fade_seconds=0.5)
    ...
    clock.finish()                    # at the end: hold what is still up
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["WORDS_PER_SECOND", "words", "reading_seconds", "CaptionRecord", "CaptionClock"]

WORDS_PER_SECOND = 3.0
_WORD = re.compile(r"[^\W_]", re.UNICODE)  # a token is a word when it holds a letter or a digit


def words(text: str) -> int:
    """The number of words (whitespace-separated tokens with a letter or digit) in ``text``."""
    return sum(1 for token in text.split() if _WORD.search(token))


def reading_seconds(text: str) -> float:
    """How long ``text`` must stay up: one second per three words."""
    return words(text) / WORDS_PER_SECOND


@dataclass
class CaptionRecord:
    slot: str
    text: str
    shown: float  # scene time when it became readable
    hidden: float | None = None  # scene time when it began to go, None while it is up

    @property
    def held(self) -> float:
        return float("inf") if self.hidden is None else self.hidden - self.shown


class CaptionClock:
    """Reading time per caption slot of one scene, and the log of every caption shown."""

    def __init__(self, scene):
        self.scene = scene
        self.current: dict[str, CaptionRecord] = {}
        self.log: list[CaptionRecord] = []

    @property
    def now(self) -> float:
        return float(self.scene.script_time)  # not renderer.time: see RunSceneMixin.script_time

    def remaining(self, slot: str) -> float:
        record = self.current.get(slot)
        if record is None:
            return 0.0
        return max(0.0, record.shown + reading_seconds(record.text) - self.now)

    def settle(self, *slots: str) -> None:
        """Wait until the captions in ``slots`` have been up long enough to be read."""
        wait = max((self.remaining(slot) for slot in slots), default=0.0)
        if wait > 1e-6:
            self.scene.wait(wait + 1e-3)

    def shown(self, slot: str, text: str, fade_seconds: float = 0.0) -> None:
        """Record that ``text`` replaces the caption in ``slot``; it is readable once faded in."""
        self.hidden(slot)
        record = CaptionRecord(slot, text, self.now + fade_seconds)
        self.current[slot] = record
        self.log.append(record)

    def hidden(self, slot: str) -> None:
        record = self.current.pop(slot, None)
        if record is not None:
            record.hidden = self.now

    def finish(self) -> None:
        """At the end of the scene: keep every caption still up on screen until it has been read."""
        self.settle(*self.current)
        for slot in list(self.current):
            self.hidden(slot)
