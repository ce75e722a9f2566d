"""Narration: what a narrator says over each beat, and the one pace it is read at.

A scene tells its story in beats (:meth:`~nnexplain.scenes.base.run_scene.RunSceneMixin.beat`),
and each beat in lines of narration (:meth:`~nnexplain.scenes.base.run_scene.RunSceneMixin.say`):
sentences written from the run's numbers. The narration is the single source of
every text that explains: the on-screen captions, the speaker notes of a deck, and the
voice and subtitles. This module holds what needs no manim:

- the reading pace, defined once (:data:`WORDS_PER_SECOND`): a line stays up at least
  :func:`reading_seconds` of its text;
- :class:`Line`, one line of narration with when it was shown and hidden;
- :class:`Narrator`, the clock of one scene: each line is shown in a *slot* (a place on
  screen, such as ``"caption"``), and before a slot's line is replaced, or its beat ends,
  the narrator waits out whatever is left of its reading time. Motion played meanwhile
  counts, so a line shown with a long animation costs no extra seconds. Voiced, a line holds
  as long as it is spoken, plus a short pause (its timer is then a
  :class:`~nnexplain.speech.speaker.Speaker`'s), so every beat stretches to its speech.

The narrator's log of lines is what subtitles and tests read, without looking at pixels::

    narrator = Narrator(scene)          # scene: .script_time and .wait(seconds)
    narrator.settle("caption")          # before replacing the line in "caption"
    narrator.shown("caption", text, beat="digit", fade_seconds=0.5)
    ...
    narrator.finish()                   # at the end: hold what is still up
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

from nnexplain.speech.timing import WORDS_PER_SECOND, Chunk, Timing, reading_seconds, reading_timing, words

__all__ = ["WORDS_PER_SECOND", "words", "reading_seconds", "spoken", "Line", "Narrator"]


def spoken(text: str) -> str:
    """``text`` as one paragraph: the line breaks a caption was laid out with become spaces."""
    return " ".join(text.split())


class Clock(Protocol):
    script_time: float

    def wait(self, duration: float) -> None: ...


@dataclass
class Line:
    """One line of narration: its words, the beat it belongs to, and when it was on."""

    slot: str | None  # where the caption of it is drawn; None: narrated, not drawn as a caption
    text: str
    beat: str | None
    shown: float  # scene time when it became readable
    hidden: float | None = None  # scene time when it began to go, None while it is up
    timing: Timing | None = None  # its chunks (subtitle cues) and how long it holds: read, or spoken

    @property
    def duration(self) -> float:
        """How long the line needs: its reading time, or its speech and a short pause when voiced."""
        return reading_seconds(self.text) if self.timing is None else self.timing.duration

    @property
    def cues(self) -> tuple[Chunk, ...]:
        """Its subtitle cues, in scene time."""
        timing = self.timing or reading_timing(self.text)
        return tuple(Chunk(chunk.text, self.shown + chunk.start, self.shown + chunk.end) for chunk in timing.chunks)

    @property
    def held(self) -> float:
        return float("inf") if self.hidden is None else self.hidden - self.shown

    @property
    def sentence(self) -> str:
        return spoken(self.text)


class Narrator:
    """The reading clock of one scene: one line up per slot, each held until read; the log of all lines."""

    def __init__(self, scene: Clock, timer: Callable[[str], Timing] = reading_timing):
        self.scene = scene
        self.timer = timer  # a line's timing: reading_timing when silent, a Speaker's when voiced
        self.current: dict[str | None, Line] = {}  # slot None: a line narrated but drawn nowhere
        self.log: list[Line] = []

    @property
    def now(self) -> float:
        return float(self.scene.script_time)  # not renderer.time: see RunSceneMixin.script_time

    def remaining(self, slot: str | None) -> float:
        line = self.current.get(slot)
        if line is None:
            return 0.0
        return max(0.0, line.shown + line.duration - self.now)

    def settle(self, *slots: str | None) -> None:
        """Wait until the lines in ``slots`` (all of them when none are named) have been up long enough to read.

        A line drawn nowhere is over once read: it ends then, not when the next one starts."""
        slots = slots or tuple(self.current)
        wait = max((self.remaining(slot) for slot in slots), default=0.0)
        if wait > 1e-6:
            self.scene.wait(wait)  # the scene waits whole frames, at least this long
        if None in slots and None in self.current:
            line = self.current.pop(None)
            line.hidden = line.shown + line.duration

    def shown(self, slot: str | None, text: str, beat: str | None = None, fade_seconds: float = 0.0) -> Line:
        """Record that ``text`` replaces the line in ``slot``; it is readable once faded in."""
        self.hidden(slot)
        line = Line(slot, text, beat, self.now + fade_seconds, timing=self.timer(spoken(text)))
        self.current[slot] = line
        self.log.append(line)
        return line

    def hidden(self, slot: str | None) -> None:
        line = self.current.pop(slot, None)
        if line is not None:
            line.hidden = self.now if slot is not None else min(self.now, line.shown + line.duration)

    def finish(self) -> None:
        """At the end of the scene: keep every line still up until it has been read."""
        self.settle()
        for slot in list(self.current):
            self.hidden(slot)
