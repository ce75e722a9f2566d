"""Subtitles beside every video: ``.srt`` and ``.vtt``, from the narration, voiced or silent.

Each cue is one chunk of a narrated line (:func:`~nnexplain.speech.timing.chunks`): at most two lines
of 42 characters. Voiced, a cue starts when its chunk is said and ends when it has been; silent, it
is up for its reading time (three words a second). The times are the scene's, which is the video's.

    cues = narration_cues(scene.narrator.log)
    write_subtitles(cues, Path("renders/neurons-480p15.mp4"))   # neurons-480p15.srt and .vtt
"""

from __future__ import annotations

from pathlib import Path

from nnexplain.run.directory import atomic_write
from nnexplain.speech.timing import Chunk, cue_lines

__all__ = ["narration_cues", "srt", "vtt", "write_subtitles", "subtitle_paths"]

MIN_CUE = 0.5  # seconds: a cue shorter than this flickers


def narration_cues(lines, seconds: float | None = None) -> list[Chunk]:
    """Every chunk of every line, in time order, none overlapping the next, none past ``seconds``."""
    cues = sorted((cue for line in lines for cue in line.cues), key=lambda cue: cue.start)
    out = []
    for number, cue in enumerate(cues):
        end = max(cue.end, cue.start + MIN_CUE)
        if number + 1 < len(cues):
            end = min(end, cues[number + 1].start)
        if seconds is not None:
            end = min(end, seconds)
        if end > cue.start:
            out.append(Chunk(cue.text, cue.start, end))
    return out


def _stamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    whole, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{whole:02d}{separator}{millis:03d}"


def srt(cues: list[Chunk]) -> str:
    blocks = [
        f"{number}\n{_stamp(cue.start, ',')} --> {_stamp(cue.end, ',')}\n" + "\n".join(cue_lines(cue.text))
        for number, cue in enumerate(cues, 1)
    ]
    return "\n\n".join(blocks) + "\n"


def vtt(cues: list[Chunk]) -> str:
    blocks = [f"{_stamp(cue.start, '.')} --> {_stamp(cue.end, '.')}\n" + "\n".join(cue_lines(cue.text)) for cue in cues]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def subtitle_paths(video: Path) -> tuple[Path, Path]:
    return video.with_suffix(".srt"), video.with_suffix(".vtt")


def write_subtitles(cues: list[Chunk], video: Path) -> tuple[Path, Path]:
    """Write ``video``'s ``.srt`` and ``.vtt`` beside it (each atomically); returns their paths."""
    paths = subtitle_paths(video)
    for path, text in zip(paths, (srt(cues), vtt(cues))):
        atomic_write(path, text.encode())
    return paths
