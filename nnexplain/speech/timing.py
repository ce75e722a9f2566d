"""A line of narration cut into subtitle-sized chunks, and when each is said.

A subtitle cue holds at most two lines of 42 characters (the broadcasters' rule). A line of narration
is cut into such chunks at sentence ends first, then at clause punctuation, then between words. The
same chunks are the units the voice speaks, each synthesised on its own with a short gap before the
next, so every cue starts where its speech does. Silent, a chunk lasts its reading time
(three words a second, :data:`WORDS_PER_SECOND`).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

__all__ = [
    "WORDS_PER_SECOND",
    "CUE_WIDTH",
    "CUE_LINES",
    "CHUNK_GAP",
    "LINE_PAUSE",
    "Chunk",
    "Timing",
    "words",
    "reading_seconds",
    "chunks",
    "cue_lines",
    "reading_timing",
]

WORDS_PER_SECOND = 3.0  # the reading pace: a line stays up one second per three words
CUE_WIDTH, CUE_LINES = 42, 2  # characters per subtitle line, lines per cue
CHUNK_GAP = 0.3  # seconds of silence between two chunks of one line, voiced
LINE_PAUSE = 0.5  # seconds after a voiced line before the next may start: the short pause of the issue
_WORD = re.compile(r"[^\W_]", re.UNICODE)  # a token is a word when it holds a letter or a digit
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:—])\s+")


def words(text: str) -> int:
    """The number of words (whitespace-separated tokens with a letter or digit) in ``text``."""
    return sum(1 for token in text.split() if _WORD.search(token))


def reading_seconds(text: str) -> float:
    """How long ``text`` must stay up to be read: one second per three words."""
    return words(text) / WORDS_PER_SECOND


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False)


def cue_lines(text: str) -> list[str]:
    """``text`` wrapped at :data:`CUE_WIDTH` characters, its lines balanced: no "x =" then a lone "0."."""
    lines = _wrap(text, CUE_WIDTH)
    for width in range(CUE_WIDTH - 1, CUE_WIDTH // 2, -1):
        if len(lines) < 2 or len(lines[-1]) * 3 >= len(lines[0]):
            break
        narrower = _wrap(text, width)
        if len(narrower) == len(lines):
            lines = narrower
    return lines


def _fits(text: str) -> bool:
    return len(cue_lines(text)) <= CUE_LINES


def _pack(pieces: list[str], finer) -> list[str]:
    """Pieces joined greedily into chunks that fit a cue; a piece too long alone is cut ``finer``."""
    out: list[str] = []
    for piece in pieces:
        if not _fits(piece):
            out.extend(finer(piece))
        elif out and _fits(f"{out[-1]} {piece}") and finer is not _by_clause:
            out[-1] = f"{out[-1]} {piece}"  # clauses and words pack together; sentences stay cues of their own
        else:
            out.append(piece)
    return out


def _by_words(text: str) -> list[str]:
    return _pack(text.split(), lambda word: cue_lines(word))


def _by_clause(text: str) -> list[str]:
    return _pack(_CLAUSE_END.split(text), _by_words)


def chunks(text: str) -> list[str]:
    """``text`` as cue-sized chunks: a sentence per chunk where it fits, else its clauses, else its words."""
    text = " ".join(text.split())
    if not text:
        return []
    return _pack(_SENTENCE_END.split(text), _by_clause)


@dataclass(frozen=True)
class Chunk:
    text: str
    start: float  # seconds after the line starts
    end: float


@dataclass(frozen=True)
class Timing:
    """When each chunk of a line is said, and how long the line holds the floor (the next line waits)."""

    chunks: tuple[Chunk, ...]
    duration: float


def reading_timing(text: str) -> Timing:
    """Silent narration: each chunk is up for its reading time, one after another."""
    at, timed = 0.0, []
    for piece in chunks(text):
        timed.append(Chunk(piece, at, at + reading_seconds(piece)))
        at = timed[-1].end
    return Timing(tuple(timed), reading_seconds(text))
